#include <stdlib.h>
#include <string.h>
#include <skalibs/strerr.h>
#include "convert.h"

void *xrealloc (void *p, size_t n)
{
  void *q = realloc(p, n ? n : 1) ;
  if (!q) strerr_diefusys(111, "allocate memory") ;
  return q ;
}

void *xmalloc (size_t n)
{
  return xrealloc(0, n) ;
}

char *xstrndup (char const *s, size_t n)
{
  char *p = xmalloc(n + 1) ;
  memcpy(p, s, n) ;
  p[n] = 0 ;
  return p ;
}

char *xstrdup (char const *s)
{
  return xstrndup(s, strlen(s)) ;
}
