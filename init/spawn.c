#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <nci/child.h>
#include "init.h"

/* vfork shares init's memory with the child until it execs: no page tables to
   copy, no copy-on-write faults after. With N services those were most of
   init's share of the boot (make bench). The price is that the child may only
   make system calls on its own stack: no skalibs buffers, no allocation, no
   write to a global, and it ends with execve or _exit. */

pid_t spawn_child (char const *path, char const *const *argv, char const *dir, int const *fds, unsigned int nfds, int setup_code)
{
  int map[SPAWN_FDS_MAX] ;
  sigset_t none ;
  pid_t pid ;
  if (nfds > SPAWN_FDS_MAX) { errno = EINVAL ; return -1 ; }
  memcpy(map, fds, nfds * sizeof *map) ;
  sigemptyset(&none) ;
  pid = vfork() ;
  if (pid) return pid ;

  /* a session of its own: a Ctrl-C on the terminal is nci-init's to handle */
  if (setsid() < 0) nci_child_die(setup_code, "setsid", "") ;
  /* a source among the targets would be overwritten before its turn: move it up first */
  for (unsigned int i = 0 ; i < nfds ; i++)
    if (map[i] >= 0 && (unsigned int)map[i] < nfds && map[i] != (int)i)
    {
      map[i] = fcntl(map[i], F_DUPFD_CLOEXEC, (int)nfds) ;
      if (map[i] < 0) nci_child_die(setup_code, "move a descriptor", "") ;
    }
  for (unsigned int i = 0 ; i < nfds ; i++)
  {
    if (map[i] == (int)i)
    {
      if (fcntl((int)i, F_SETFD, 0) < 0) nci_child_die(setup_code, "clear close-on-exec", "") ;
    }
    else if (dup2(map[i], (int)i) < 0) nci_child_die(setup_code, "set up the descriptors", "") ;
  }
  /* by number: not every libc wraps close_range (Linux 5.9) */
  if (syscall(SYS_close_range, nfds, ~0U, 0) < 0) nci_child_die(setup_code, "close_range", "") ;
  if (dir && chdir(dir) < 0) nci_child_die(setup_code, "chdir to ", dir) ;
  /* init's signals are blocked (it reads them from a signalfd): not the program's */
  if (sigprocmask(SIG_SETMASK, &none, 0) < 0) nci_child_die(setup_code, "reset the signal mask", "") ;
  execv(path, (char *const *)argv) ;
  nci_child_die(errno == ENOENT ? 127 : 126, "exec ", path) ;
  return -1 ;
}
