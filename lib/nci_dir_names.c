#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/djbunix.h>

#include <nci/dirnames.h>

int nci_dir_names (char const *dir, char const *const *names, uint32_t *present,
  int (*each) (char const *name, void *ctx), void *ctx)
{
  char buf[1024] __attribute__((aligned(8))) ;
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  *present = 0 ;
  if (fd < 0) return 0 ;
  for (;;)
  {
    /* by number: not every libc wraps getdents64 */
    long r = syscall(SYS_getdents64, fd, buf, sizeof buf) ;
    if (r < 0) { fd_close(fd) ; return 0 ; }
    if (!r) break ;
    for (long off = 0 ; off < r ; )
    {
      struct { uint64_t ino ; int64_t off ; unsigned short reclen ; unsigned char type ; char name[] ; } *e = (void *)(buf + off) ;
      for (unsigned int i = 0 ; names[i] ; i++)
        if (!strcmp(e->name, names[i])) { *present |= (uint32_t)1 << i ; break ; }
      if (each && strcmp(e->name, ".") && strcmp(e->name, "..") && !each(e->name, ctx))
      {
        int err = errno ;
        fd_close(fd) ;
        errno = err ;
        return 0 ;
      }
      off += e->reclen ;
    }
  }
  fd_close(fd) ;
  return 1 ;
}

int nci_dir_has (char const *const *names, uint32_t present, char const *file)
{
  for (unsigned int i = 0 ; names[i] ; i++)
    if (!strcmp(file, names[i])) return !!(present & (uint32_t)1 << i) ;
  return 1 ;
}
