#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include <nci/children.h>
#include "supervise.h"

/* Without cgroups, a service's processes are its session (it starts in one of
   its own) and, for a daemon that forked into a session of its own, that
   daemon's group. supervise is their subreaper, so whatever they leave behind
   comes back to it and is reaped. */

static void send (sv *s, int sig, int all)
{
  int covered = 0 ;
  if (all)
  {
    /* the main process once: in the group signalled, a second signal would
       run its handler twice (a shell's trap does) */
    pid_t g = s->mainpid > 0 ? getpgid(s->mainpid) : -1 ;
    for (unsigned int i = 0 ; i < 2 ; i++)
      if (s->pgid[i] > 0)
      {
        kill(-s->pgid[i], sig) ;
        if (g == s->pgid[i]) covered = 1 ;
      }
  }
  if (s->mainpid > 0 && !covered) kill(s->mainpid, sig) ;
}

void kill_service (sv *s, int sig, int all)
{
  send(s, sig, all) ;
  /* a stopped process must wake up to act on the signal */
  if (sig != SIGKILL && sig != SIGCONT) send(s, SIGCONT, all) ;
}

int service_left (sv *s)
{
  for (unsigned int i = 0 ; i < 2 ; i++)
    if (s->pgid[i] > 0 && (kill(-s->pgid[i], 0) == 0 || errno == EPERM)) return 1 ;
  return 0 ;
}

/* The one child of supervise that is not a script it runs, from the kernel's
   list of its children (which includes what it adopted as a subreaper); 0 when
   there is none or more than one. */
pid_t child_guess (sv *s)
{
  static char buf[4096] ;
  pid_t v[64] ;
  pid_t found = 0 ;
  ssize_t n = nci_children(buf, sizeof buf, v, 64) ;
  for (ssize_t i = 0 ; i < n ; i++)
  {
    if (v[i] == s->ctlpid) continue ;
    if (found) return 0 ;
    found = v[i] ;
  }
  return found ;
}

/* Type=forking: the main process is the one the PID file names, or else the one
   child left once the started process exited (systemd's GuessMainPID=). */
pid_t forked_main (sv *s)
{
  if (s->pol.pid_file[0])
  {
    char buf[PID_FMT + 2] ;
    pid_t pid ;
    ssize_t r = openreadnclose(s->pol.pid_file, buf, sizeof buf - 1) ;
    if (r <= 0) { strerr_warnwu2sys("read the PID file ", s->pol.pid_file) ; return 0 ; }
    buf[r] = 0 ;
    buf[strcspn(buf, "\n")] = 0 ;
    if (!pid0_scan(buf, &pid) || pid <= 0) { strerr_warnw3x("invalid PID file ", s->pol.pid_file, ": no pid in it") ; return 0 ; }
    if (kill(pid, 0) < 0 && errno != EPERM) { strerr_warnw3x("the PID file ", s->pol.pid_file, " names a process that does not exist") ; return 0 ; }
    return pid ;
  }
  return child_guess(s) ;
}

/* The control script's whole group: it may have started others. */
void signal_ctl (sv *s, int sig)
{
  if (s->ctlpid > 0) kill(-s->ctlpid, sig) ;
}

void signal_main (sv *s, int sig)
{
  if (s->mainpid > 0) kill(s->mainpid, sig) ;
}

/* The process group of pid, 0 when it has none (gone). */
pid_t group_of (pid_t pid)
{
  pid_t g = getpgid(pid) ;
  return g < 0 ? 0 : g ;
}
