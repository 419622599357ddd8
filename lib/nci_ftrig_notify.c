#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <nci/ftrig.h>

#define PREFIX NCI_FTRIG_PREFIX ":@"

/* Returns 1 when the listener got all of s. The directory is writable by the
   listeners' group: only a FIFO is written to, never what a symlink or a file
   planted under a listener's name points to. */
static int notify_one (int dirfd, struct dirent64 const *d, char const *s, size_t len)
{
  ssize_t w ;
  int fd = openat(dirfd, d->d_name, O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC) ;
  if (fd < 0)
  {
    /* no reader: its listener is gone */
    if (errno == ENXIO) unlinkat(dirfd, d->d_name, 0) ;
    return 0 ;
  }
  if (d->d_type == DT_UNKNOWN)
  {
    struct stat st ;
    if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode))
    {
      fd_close(fd) ;
      return 0 ;
    }
  }
  /* EAGAIN: a full FIFO, a listener that does not read; it misses this event
     rather than block the notifier */
  w = fd_write(fd, s, len) ;
  if (w < 0 && errno == EPIPE) unlinkat(dirfd, d->d_name, 0) ;
  fd_close(fd) ;
  return w == (ssize_t)len ;
}

static int is_listener (struct dirent64 const *d)
{
  return (d->d_type == DT_FIFO || d->d_type == DT_UNKNOWN)
    && !strncmp(d->d_name, PREFIX, sizeof(PREFIX) - 1)
    && strlen(d->d_name) == NCI_FTRIG_NAME_LEN ;
}

int nci_ftrig_notify (int dirfd, char const *s, size_t len)
{
  union { struct dirent64 align ; char buf[2048] ; } u ;
  int e = errno ;
  int n = 0 ;
  if (lseek(dirfd, 0, SEEK_SET) < 0) return -1 ;
  for (;;)
  {
    /* by number: glibc and musl declare getdents64 differently */
    ssize_t r = syscall(SYS_getdents64, dirfd, u.buf, sizeof u.buf) ;
    if (r < 0) return -1 ;
    if (!r) break ;
    for (size_t off = 0 ; off < (size_t)r ;)
    {
      struct dirent64 const *d = (struct dirent64 const *)(u.buf + off) ;
      off += d->d_reclen ;
      if (is_listener(d)) n += notify_one(dirfd, d, s, len) ;
    }
  }
  errno = e ;
  return n ;
}
