#include <string.h>
#include <unistd.h>

#include <skalibs/djbunix.h>
#include <skalibs/types.h>

#include <nci/children.h>

ssize_t nci_children (char *buf, size_t n, pid_t *v, size_t max)
{
  char path[48] = "/proc/self/task/" ;
  size_t i = 0, k = 0 ;
  ssize_t r ;
  path[16 + pid_fmt(path + 16, getpid())] = 0 ;
  memcpy(path + strlen(path), "/children", 10) ;
  r = openreadnclose(path, buf, n) ;
  if (r < 0) return -1 ;
  while (i < (size_t)r && k < max)
  {
    pid_t pid ;
    size_t len = pid_scan(buf + i, &pid) ;
    if (!len) { i++ ; continue ; }
    i += len ;
    v[k++] = pid ;
  }
  return (ssize_t)k ;
}
