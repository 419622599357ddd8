#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>

#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include <nci/control.h>
#include "ctl.h"

static void die_unsupervised (char const *name)
{
  strerr_diefu(111, "control ", name, ": not supervised (no nci-supervise running on ",
    ctl_statedir, "/", name, ")") ;
}

/* As s6-svc: a FIFO with no reader (ENXIO) is a service nobody supervises. */
static void control_write (char const *name, char c)
{
  char path[PATH_MAX] ;
  int fd ;
  ctl_path(path, name, "supervise/control") ;
  fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC) ;
  if (fd < 0)
  {
    if (errno == ENXIO || errno == ENOENT) die_unsupervised(name) ;
    strerr_diefu2sys(111, "open ", path) ;
  }
  if (fd_write(fd, &c, 1) != 1) strerr_diefu2sys(111, "write to ", path) ;
  fd_close(fd) ;
}

/* Oneshots are nci-init's: their start, stop and restart are lines "C NAME"
   written, each in one write, into STATEDIR/.nci-init/control (doc/state.md).
   A oneshot has nothing to reload. */
static void init_write (char const *name, char const *cmd)
{
  size_t sl = strlen(ctl_statedir), nl = strlen(name), cl = strlen(cmd) ;
  char path[sl + 20] ;
  char line[cl + nl + 2] ;
  int fd ;
  memcpy(path, ctl_statedir, sl) ;
  memcpy(path + sl, "/.nci-init/control", 19) ;
  if (cl + nl + 2 > PIPE_BUF) strerr_dief3x(100, "unit name too long: ", name, "") ;
  fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC) ;
  if (fd < 0)
  {
    if (errno == ENXIO || errno == ENOENT)
      strerr_diefu(111, "control ", name, ": nci-init is not running (nobody reads ", path, ")") ;
    strerr_diefu2sys(111, "open ", path) ;
  }
  memcpy(line, cmd, cl) ;
  line[cl] = ' ' ;
  memcpy(line + cl + 1, name, nl) ;
  line[cl + 1 + nl] = '\n' ;
  if (fd_write(fd, line, cl + nl + 2) != (ssize_t)(cl + nl + 2)) strerr_diefu2sys(111, "write to ", path) ;
  fd_close(fd) ;
}

int ctl_send (char const *verb, char c, char const *const *names, unsigned int n)
{
  ctl_units_known(names, n) ;
  for (unsigned int i = 0 ; i < n ; i++)
    if (c == 'h' && ctl_unit_oneshot(names[i]))
      strerr_diefu(CTL_EXIT_ONESHOT, verb, " ", names[i], ": a oneshot has nothing to reload") ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    if (ctl_unit_oneshot(names[i])) { char cmd[2] = { c, 0 } ; init_write(names[i], cmd) ; }
    else control_write(names[i], c) ;
  }
  return 0 ;
}

/* Through supervise when s6-svc has a command for the signal, so s6's bookkeeping
   (paused, for SIGSTOP) stays right; else kill(2) on the main pid. h is not SIGHUP
   for nci-supervise: it reloads. */
int ctl_kill (int sig, char const *const *names, unsigned int n)
{
  char c = nci_control_byte_for_signal(sig) ;
  char signame[NCI_SIGNAL_NAME_MAX] ;
  nci_signal_name(sig, signame) ;
  if (c == 'h') c = 0 ;
  ctl_units_known(names, n) ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    ctl_unit u ;
    if (!ctl_unit_read(names[i], &u)) strerr_diefu2sys(111, "read ", u.failed) ;
    if (ctl_unit_oneshot(names[i]))
    {
      /* a oneshot's script, while it runs, is nci-init's child: nci-init sends
         the signal (its pid is of nci-init's PID namespace, maybe not ours) */
      char cmd[2 + INT_FMT] = "k " ;
      if (!u.has_state || !u.st.pid || u.st.state != NCI_STATE_STARTING)
        strerr_diefu(CTL_EXIT_NOT_MET, "send ", signame, " to ", names[i], ": it is not running") ;
      cmd[2 + int_fmt(cmd + 2, sig)] = 0 ;
      init_write(names[i], cmd) ;
      continue ;
    }
    if (!u.supervised) die_unsupervised(names[i]) ;
    if (!u.has_status || !u.sv.pid || (u.sv.flags & NCI_SVSTATUS_FINISHING))
      strerr_diefu(CTL_EXIT_NOT_MET, "send ", signame, " to ", names[i], ": the service is down") ;
    if (c) control_write(names[i], c) ;
    else if (kill(u.sv.pid, sig) < 0)
    {
      char pid[PID_FMT] ;
      pid[pid_fmt(pid, u.sv.pid)] = 0 ;
      strerr_diefusys(111, "send ", signame, " to ", names[i], " (pid ", pid, ")") ;
    }
  }
  return 0 ;
}
