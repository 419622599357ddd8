#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include <nci/child.h>

void nci_child_die (int code, char const *what, char const *arg)
{
  char const *parts[7] = { PROG, ": fatal: unable to ", what, arg, ": ", strerror(errno), "\n" } ;
  char buf[512] ;
  size_t n = 0 ;
  for (unsigned int i = 0 ; i < 7 ; i++)
  {
    size_t l = parts[i] ? strlen(parts[i]) : 0 ;
    if (l > sizeof buf - n) l = sizeof buf - n ;
    memcpy(buf + n, parts[i], l) ;
    n += l ;
  }
  if (write(2, buf, n) < 0) {}  /* nowhere else to say it */
  _exit(code) ;
}
