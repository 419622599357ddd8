#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/djbunix.h>
#include <skalibs/types.h>

#include <nci/children.h>
#include "supervise.h"

/* Without cgroups, a service's processes are its session (it starts in one of
   its own) and, for a daemon that forked into a session of its own, that
   daemon's group. supervise is their subreaper, so whatever they leave behind
   comes back to it and is reaped. */

static void send (int sig, int all)
{
  int covered = 0 ;
  if (all)
  {
    /* the main process once: in the group signalled, a second signal would
       run its handler twice (a shell's trap does) */
    pid_t g = S.mainpid > 0 ? getpgid(S.mainpid) : -1 ;
    for (unsigned int i = 0 ; i < 2 ; i++)
      if (S.pgid[i] > 0)
      {
        kill(-S.pgid[i], sig) ;
        if (g == S.pgid[i]) covered = 1 ;
      }
  }
  if (S.mainpid > 0 && !covered) kill(S.mainpid, sig) ;
}

void kill_service (int sig, int all)
{
  send(sig, all) ;
  /* a stopped process must wake up to act on the signal */
  if (sig != SIGKILL && sig != SIGCONT) send(SIGCONT, all) ;
}

int service_left (void)
{
  for (unsigned int i = 0 ; i < 2 ; i++)
    if (S.pgid[i] > 0 && (kill(-S.pgid[i], 0) == 0 || errno == EPERM)) return 1 ;
  return 0 ;
}

/* The one child of supervise that is not a script it runs, from the kernel's
   list of its children (which includes what it adopted as a subreaper); 0 when
   there is none or more than one. */
pid_t child_guess (void)
{
  static char buf[4096] ;
  pid_t v[64] ;
  pid_t found = 0 ;
  ssize_t n = nci_children(buf, sizeof buf, v, 64) ;
  for (ssize_t i = 0 ; i < n ; i++)
  {
    if (v[i] == S.ctlpid) continue ;
    if (found) return 0 ;
    found = v[i] ;
  }
  return found ;
}
