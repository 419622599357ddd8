#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/djbunix.h>
#include <skalibs/types.h>

#include "supervise.h"

/* Without cgroups, a service's processes are its session (it starts in one of
   its own) and, for a daemon that forked into a session of its own, that
   daemon's group. supervise is their subreaper, so whatever they leave behind
   comes back to it and is reaped. */

static void send (int sig, int all)
{
  if (all)
    for (unsigned int i = 0 ; i < 2 ; i++)
      if (S.pgid[i] > 0) kill(-S.pgid[i], sig) ;
  if (S.mainpid > 0) kill(S.mainpid, sig) ;
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
  char path[48] = "/proc/self/task/" ;
  pid_t found = 0 ;
  ssize_t r ;
  size_t i = 0 ;
  path[16 + pid_fmt(path + 16, getpid())] = 0 ;
  memcpy(path + strlen(path), "/children", 10) ;
  r = openreadnclose(path, buf, sizeof buf - 1) ;
  if (r <= 0) return 0 ;
  buf[r] = 0 ;
  while (i < (size_t)r)
  {
    pid_t pid ;
    size_t len = pid_scan(buf + i, &pid) ;
    if (!len) { i++ ; continue ; }
    i += len ;
    if (pid == S.ctlpid) continue ;
    if (found) return 0 ;
    found = pid ;
  }
  return found ;
}
