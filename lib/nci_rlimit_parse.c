#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <skalibs/uint64.h>
#include <nci/rlimit.h>

static struct { char const *name ; int resource ; } const resources[] =
{
  { "cpu", RLIMIT_CPU },
  { "fsize", RLIMIT_FSIZE },
  { "data", RLIMIT_DATA },
  { "stack", RLIMIT_STACK },
  { "core", RLIMIT_CORE },
  { "rss", RLIMIT_RSS },
  { "nofile", RLIMIT_NOFILE },
  { "as", RLIMIT_AS },
  { "nproc", RLIMIT_NPROC },
  { "memlock", RLIMIT_MEMLOCK },
  { "locks", RLIMIT_LOCKS },
  { "sigpending", RLIMIT_SIGPENDING },
  { "msgqueue", RLIMIT_MSGQUEUE },
  { "nice", RLIMIT_NICE },
  { "rtprio", RLIMIT_RTPRIO },
  { "rttime", RLIMIT_RTTIME },
} ;

/* Reads a value ending at sep; returns the number of bytes read, 0 if invalid. */
static size_t value_scan (char const *s, char sep, rlim_t *v)
{
  uint64_t u ;
  size_t len ;
  if (!strncmp(s, "infinity", 8) && s[8] == sep) { *v = RLIM_INFINITY ; return 8 ; }
  len = uint64_scan(s, &u) ;
  if (!len || s[len] != sep || u >= RLIM_INFINITY) return 0 ;
  *v = u ;
  return len ;
}

int nci_rlimit_parse (char const *s, int *resource, struct rlimit *rl)
{
  char const *eq = strchr(s, '=') ;
  size_t i = 0, len ;
  if (!eq) return (errno = EINVAL, 0) ;
  for (; i < sizeof(resources) / sizeof(resources[0]) ; i++)
    if (strlen(resources[i].name) == (size_t)(eq - s) && !strncmp(resources[i].name, s, eq - s)) break ;
  if (i == sizeof(resources) / sizeof(resources[0])) return (errno = EINVAL, 0) ;
  s = eq + 1 ;
  len = value_scan(s, ':', &rl->rlim_cur) ;
  if (!len) return (errno = EINVAL, 0) ;
  if (!value_scan(s + len + 1, 0, &rl->rlim_max) || rl->rlim_cur > rl->rlim_max) return (errno = EINVAL, 0) ;
  *resource = resources[i].resource ;
  return 1 ;
}
