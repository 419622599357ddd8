#include <limits.h>
#include <skalibs/djbunix.h>
#include <nci/statefile.h>

ssize_t nci_statefile_read (char const *dir, char const *name, char *s, size_t n)
{
  char fn[PATH_MAX] ;
  if (!nci_statefile_path(fn, dir, name, "")) return -1 ;
  return openreadnclose(fn, s, n) ;
}
