#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <nci/self.h>

int nci_self_sibling (char *buf, size_t n, char const *name)
{
  size_t len = strlen(name) ;
  ssize_t r ;
  char *slash ;
  if (n < 2) { errno = ENAMETOOLONG ; return 0 ; }
  r = readlink("/proc/self/exe", buf, n - 1) ;
  if (r < 0) return 0 ;
  if ((size_t)r >= n - 1) { errno = ENAMETOOLONG ; return 0 ; }
  buf[r] = 0 ;
  slash = strrchr(buf, '/') ;
  if (!slash) { errno = ENOENT ; return 0 ; }
  if ((size_t)(slash + 1 - buf) + len + 1 > n) { errno = ENAMETOOLONG ; return 0 ; }
  memcpy(slash + 1, name, len + 1) ;
  return access(buf, X_OK) == 0 ;
}
