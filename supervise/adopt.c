#include <sys/syscall.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include <nci/svstatus.h>
#include <nci/unitstate.h>
#include "supervise.h"

/* When an nci-supervise dies (killed, out of memory), its service keeps running
   in its own session and is reparented to nci-init, which starts a new
   nci-supervise. That one finds the main pid in the state files and, if the
   process still exists, supervises it again instead of starting a second copy.
   It is not its child: its end is seen through a pidfd, and its exit status is
   nci-init's to reap, so it is not known here. */

int adopt (sv *s)
{
  nci_unitstate u ;
  char fmt[PID_FMT] ;
  int fd ;
  if (!nci_unitstate_read(".", &u)) return 0 ;
  if (u.pid <= 0 || (u.state != NCI_STATE_UP && u.state != NCI_STATE_STARTING && u.state != NCI_STATE_STOPPING)) return 0 ;
  fd = (int)syscall(SYS_pidfd_open, u.pid, 0) ;
  if (fd < 0) return 0 ;
  if (!nci_svstatus_read(".", &s->st)) { close(fd) ; return 0 ; }
  s->adoptfd = fd ;
  s->mainpid = u.pid ;
  s->pgid[0] = getsid(u.pid) ;
  if (s->pgid[0] < 0) s->pgid[0] = 0 ;
  s->pgid[1] = getpgid(u.pid) ;
  if (s->pgid[1] < 0 || s->pgid[1] == s->pgid[0]) s->pgid[1] = 0 ;
  s->restarts = u.restarts ;
  sv_take_over(s, u.ready, u.state == NCI_STATE_STOPPING) ;
  memcpy(s->status_text, u.status, sizeof s->status_text) ;
  fmt[pid_fmt(fmt, u.pid)] = 0 ;
  sv_log(s, "took over the running service, pid ", fmt, 0) ;
  return 1 ;
}

int failed_before (sv *s)
{
  nci_unitstate u ;
  if (!nci_unitstate_read(".", &u) || u.state != NCI_STATE_FAILED) return 0 ;
  sv_stay_failed(s) ;
  s->result = u.result ;
  s->restarts = u.restarts ;
  s->has_exit = u.has_exit ;
  s->main_wstat = u.wstat ;
  memcpy(s->status_text, u.status, sizeof s->status_text) ;
  sv_log(s, "stays down: it had failed", 0, 0) ;
  return 1 ;
}
