#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/posixplz.h>
#include <nci/statefile.h>

static int write_all (int fd, char const *s, size_t len)
{
  while (len)
  {
    ssize_t w = fd_write(fd, s, len) ;
    if (w < 0) return 0 ;
    if (!w) return (errno = EIO, 0) ;
    s += w ;
    len -= (size_t)w ;
  }
  return 1 ;
}

/* No fsync: these files describe processes that a reboot ends anyway, and the
   state dir is a tmpfs; a sync would only slow a restart down. */
int nci_statefile_write (char const *dir, char const *name, char const *s, size_t len)
{
  char fn[PATH_MAX] ;
  char tmp[PATH_MAX] ;
  int fd ;
  if (!nci_statefile_path(fn, dir, name, "") || !nci_statefile_path(tmp, dir, name, ".new")) return 0 ;
  fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600) ;
  if (fd < 0) return 0 ;
  /* the umask may have taken bits from 0600, and a NAME.new left over keeps its mode */
  if (fchmod(fd, 0600) < 0 || !write_all(fd, s, len))
  {
    fd_close(fd) ;
    goto err ;
  }
  if (close(fd) < 0 || rename(tmp, fn) < 0) goto err ;
  return 1 ;

 err:
  unlink_void(tmp) ;
  return 0 ;
}
