#include <sys/syscall.h>
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

/* The one child of supervise that is not a script it runs, read from /proc
   without allocating; 0 when there is none or more than one. */
pid_t child_guess (void)
{
  static char buf[4096] ;
  pid_t self = getpid(), found = 0 ;
  int fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (fd < 0) return 0 ;
  for (;;)
  {
    long n = syscall(SYS_getdents64, fd, buf, sizeof buf) ;
    if (n <= 0) break ;
    for (long off = 0 ; off < n ; )
    {
      struct { unsigned long long ino ; long long off ; unsigned short reclen ; unsigned char type ; char name[] ; } *d = (void *)(buf + off) ;
      pid_t pid ;
      off += d->reclen ;
      if (!pid0_scan(d->name, &pid) || pid == S.ctlpid) continue ;
      {
        char path[32] = "/proc/" ;
        char stat[512] ;
        char *p ;
        ssize_t r ;
        pid_t ppid ;
        path[6 + pid_fmt(path + 6, pid)] = 0 ;
        memcpy(path + strlen(path), "/stat", 6) ;
        r = openreadnclose(path, stat, sizeof stat - 1) ;
        if (r <= 0) continue ;
        stat[r] = 0 ;
        p = strrchr(stat, ')') ;
        if (!p || strlen(p) < 5) continue ;
        if (!pid0_scan(p + 4, &ppid) || ppid != self) continue ;
        if (found) { fd_close(fd) ; return 0 ; }
        found = pid ;
      }
    }
  }
  fd_close(fd) ;
  return found ;
}
