#include <errno.h>
#include <string.h>
#include <skalibs/types.h>
#include <nci/execdir.h>

static struct { char const *name ; char const *base ; char const *var ; } const kinds[NCI_EXECDIR_KINDS] =
{
  { "state", "/var/lib", "STATE_DIRECTORY" },
  { "runtime", "/run", "RUNTIME_DIRECTORY" },
  { "logs", "/var/log", "LOGS_DIRECTORY" },
  { "cache", "/var/cache", "CACHE_DIRECTORY" },
  { "configuration", "/etc", "CONFIGURATION_DIRECTORY" },
} ;

static int path_valid (char const *s)
{
  if (!*s || *s == '/') return 0 ;
  while (*s)
  {
    size_t len = strcspn(s, "/") ;
    if (!len || (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.')) return 0 ;
    s += len ;
    if (*s && !*++s) return 0 ;
  }
  return 1 ;
}

int nci_execdir_parse (char *s, nci_execdir *d)
{
  char *field[5] ;
  unsigned int mode ;
  unsigned int i = 0 ;
  field[0] = s ;
  for (unsigned int n = 1 ; n < 5 ; n++)
  {
    char *colon = strchr(field[n-1], ':') ;
    if (!colon) return (errno = EINVAL, 0) ;
    *colon = 0 ;
    field[n] = colon + 1 ;
  }
  if (strchr(field[4], ':') || !*field[3]) return (errno = EINVAL, 0) ;
  for (; i < NCI_EXECDIR_KINDS ; i++) if (!strcmp(field[0], kinds[i].name)) break ;
  if (i == NCI_EXECDIR_KINDS || !path_valid(field[1])) return (errno = EINVAL, 0) ;
  if (!uint0_oscan(field[2], &mode) || mode > 07777) return (errno = EINVAL, 0) ;
  d->kind = i ;
  d->base = kinds[i].base ;
  d->var = kinds[i].var ;
  d->path = field[1] ;
  d->mode = (mode_t)mode ;
  d->owner = field[3] ;
  d->group = field[4] ;
  return 1 ;
}
