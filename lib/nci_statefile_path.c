#include <errno.h>
#include <limits.h>
#include <string.h>
#include <nci/statefile.h>

int nci_statefile_path (char *buf, char const *dir, char const *name, char const *suffix)
{
  size_t dirlen = strlen(dir) ;
  size_t namelen = strlen(name) ;
  size_t suffixlen = strlen(suffix) ;
  if (dirlen + 11 + namelen + suffixlen >= PATH_MAX) return (errno = ENAMETOOLONG, 0) ;
  memcpy(buf, dir, dirlen) ;
  memcpy(buf + dirlen, "/supervise/", 11) ;
  memcpy(buf + dirlen + 11, name, namelen) ;
  memcpy(buf + dirlen + 11 + namelen, suffix, suffixlen + 1) ;
  return 1 ;
}
