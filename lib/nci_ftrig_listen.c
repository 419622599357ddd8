#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/djbunix.h>
#include <skalibs/posixplz.h>
#include <skalibs/random.h>
#include <skalibs/tai.h>
#include <nci/ftrig.h>

/* Made under a dot name, open, then renamed: a notifier never sees a FIFO that
   nobody reads yet and mistakes it for a dead listener's. */
#define TRIES 16

int nci_ftrig_listen (char const *dir, int *wfd, char *path)
{
  char tmp[PATH_MAX] ;
  size_t dirlen = strlen(dir) ;
  size_t pos = dirlen + 2 + sizeof(NCI_FTRIG_PREFIX) ;
  unsigned int i = 0 ;
  int fd, fdw ;
  if (dirlen + 2 + NCI_FTRIG_NAME_LEN >= PATH_MAX) return (errno = ENAMETOOLONG, -1) ;
  memcpy(tmp, dir, dirlen) ;
  memcpy(tmp + dirlen, "/." NCI_FTRIG_PREFIX ":", pos - dirlen) ;
  if (!timestamp(tmp + pos)) return -1 ;
  pos += TIMESTAMP ;
  tmp[pos++] = ':' ;
  tmp[pos + 6] = 0 ;
  for (;; i++)
  {
    random_name(tmp + pos, 6) ;
    if (mkfifo(tmp, 0600) == 0) break ;
    if (errno != EEXIST || i + 1 == TRIES) return -1 ;
  }
  fd = open(tmp, O_RDONLY | O_NONBLOCK | O_CLOEXEC) ;
  if (fd < 0) goto err0 ;
  fdw = open(tmp, O_WRONLY | O_NONBLOCK | O_CLOEXEC) ;
  if (fdw < 0) goto err1 ;
  memcpy(path, tmp, dirlen + 1) ;
  memcpy(path + dirlen + 1, tmp + dirlen + 2, NCI_FTRIG_NAME_LEN + 1) ;
  if (rename(tmp, path) < 0) goto err2 ;
  *wfd = fdw ;
  return fd ;

 err2:
  fd_close(fdw) ;
 err1:
  fd_close(fd) ;
 err0:
  unlink_void(tmp) ;
  return -1 ;
}
