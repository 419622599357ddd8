#include <sys/stat.h>
#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>

#include <nci/statefile.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

/* The previous contents may still be in NAME.new, and a reader that opened NAME
   before the last exchange may be reading them: that file is removed, never
   rewritten, and a new one made. */
int nci_statefile_prepare (nci_statefile *f, char const *dir)
{
  char tmp[PATH_MAX] ;
  int fd ;
  if (f->fd >= 0) return 1 ;
  if (!nci_statefile_path(tmp, dir, f->name, ".new")) return 0 ;
  if (unlink(tmp) < 0 && errno != ENOENT) return 0 ;
  fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600) ;
  if (fd < 0) return 0 ;
  /* the umask may have taken bits from 0600 */
  if (fchmod(fd, 0600) < 0)
  {
    fd_close(fd) ;
    unlink(tmp) ;
    return 0 ;
  }
  f->fd = fd ;
  return 1 ;
}

int nci_statefile_put (nci_statefile *f, char const *dir, char const *s, size_t len)
{
  char fn[PATH_MAX] ;
  char tmp[PATH_MAX] ;
  int fd ;
  if (!nci_statefile_path(fn, dir, f->name, "") || !nci_statefile_path(tmp, dir, f->name, ".new")) return 0 ;
  if (!nci_statefile_prepare(f, dir)) return 0 ;
  fd = f->fd ;
  f->fd = -1 ;
  if (allwrite(fd, s, len) < len) { fd_close(fd) ; unlink(tmp) ; return 0 ; }
  if (close(fd) < 0) { unlink(tmp) ; return 0 ; }
  /* by number: not every libc wraps renameat2 (Linux 3.15) */
  if (syscall(SYS_renameat2, AT_FDCWD, tmp, AT_FDCWD, fn, RENAME_EXCHANGE) == 0) return 1 ;
  if (errno != ENOENT && errno != EINVAL && errno != ENOSYS) { unlink(tmp) ; return 0 ; }
  if (rename(tmp, fn) < 0) { unlink(tmp) ; return 0 ; }
  return 1 ;
}
