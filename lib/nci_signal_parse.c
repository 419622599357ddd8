#include <errno.h>
#include <signal.h>
#include <string.h>
#include <skalibs/sig.h>
#include <skalibs/types.h>
#include <nci/signal.h>

int nci_signal_parse (char const *s, int *sig)
{
  char const *p = strncmp(s, "SIG", 3) ? s : s + 3 ;
  unsigned int n ;
  size_t len ;
  if (!strncmp(p, "RTMIN+", 6))
  {
    len = uint0_scan(p + 6, &n) ;
    if (!len || p[6 + len] || n > (unsigned int)(SIGRTMAX - SIGRTMIN)) return (errno = EINVAL, 0) ;
    *sig = SIGRTMIN + (int)n ;
    return 1 ;
  }
  if (!strcmp(p, "RTMIN")) { *sig = SIGRTMIN ; return 1 ; }
  if (!strcmp(p, "RTMAX")) { *sig = SIGRTMAX ; return 1 ; }
  len = uint0_scan(s, &n) ;
  if (len && !s[len])
  {
    if (!n || n > (unsigned int)SIGRTMAX) return (errno = EINVAL, 0) ;
    *sig = (int)n ;
    return 1 ;
  }
  n = (unsigned int)sig_number(p) ;
  if (!n) return (errno = EINVAL, 0) ;
  *sig = (int)n ;
  return 1 ;
}
