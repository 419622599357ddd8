/* svstatus-write DIR PID WSTAT FLAGS UP-AGO READY-AGO [PROG ARGS...]: writes DIR/supervise/status
   with nci_svstatus_write, as nci-supervise would: pid, wait status and flag byte as given, the
   up/down stamp UP-AGO seconds and the ready stamp READY-AGO seconds before now (wall clock, as
   s6-supervise stamps them). With PROG, then holds an fcntl write lock on DIR/supervise/lock, as a
   running supervisor does, while PROG runs as its child, and exits with PROG's code (128+signal
   when killed). Wrong usage exits 100, a failure 111. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>
#include <nci/svstatus.h>

#define USAGE "svstatus-write DIR PID WSTAT FLAGS UP-AGO READY-AGO [PROG ARGS...]"

static void ago (tain *t, tain const *now, unsigned int sec)
{
  tain d ;
  tain_uint(&d, sec) ;
  tain_sub(t, now, &d) ;
}

int main (int argc, char const *const *argv)
{
  nci_svstatus sv ;
  unsigned int pid, wstat, flags, up_ago, ready_ago ;
  tain now ;
  PROG = "svstatus-write" ;
  if (argc < 7
   || !uint0_scan(argv[2], &pid) || !uint0_scan(argv[3], &wstat) || !uint0_scan(argv[4], &flags)
   || !uint0_scan(argv[5], &up_ago) || !uint0_scan(argv[6], &ready_ago)
   || wstat > 0xffff || flags > 0xff)
    strerr_dieusage(100, USAGE) ;
  if (!tain_wallclock_read(&now)) strerr_diefu1sys(111, "read the clock") ;
  ago(&sv.stamp, &now, up_ago) ;
  ago(&sv.readystamp, &now, ready_ago) ;
  sv.pid = (pid_t)pid ;
  sv.wstat = (int)wstat ;
  sv.flags = (unsigned char)flags ;
  if (!nci_svstatus_write(argv[1], &sv)) strerr_diefu3sys(111, "write ", argv[1], "/supervise/status") ;
  if (argc == 7) return 0 ;
  {
    size_t len = strlen(argv[1]) ;
    char lock[len + sizeof "/supervise/lock"] ;
    int fd, r ;
    pid_t child ;
    memcpy(lock, argv[1], len) ;
    memcpy(lock + len, "/supervise/lock", sizeof "/supervise/lock") ;
    fd = open(lock, O_WRONLY | O_CREAT | O_CLOEXEC, 0644) ;
    if (fd < 0) strerr_diefu2sys(111, "open ", lock) ;
    r = fd_lock(fd, 1, 1) ;
    if (r < 0) strerr_diefu2sys(111, "lock ", lock) ;
    if (!r) strerr_dief2x(111, lock, " is locked by another process") ;
    child = fork() ;
    if (child < 0) strerr_diefu1sys(111, "fork") ;
    if (!child)
    {
      execvp(argv[7], (char *const *)argv + 7) ;
      strerr_diefu2sys(errno == ENOENT ? 127 : 126, "exec ", argv[7]) ;
    }
    if (waitpid(child, &r, 0) < 0) strerr_diefu1sys(111, "wait for the child") ;
    return WIFSIGNALED(r) ? 128 + WTERMSIG(r) : WEXITSTATUS(r) ;
  }
}
