#include <errno.h>
#include <string.h>

#include <skalibs/fmtscan.h>
#include <skalibs/stralloc.h>

#include <nci/specifier.h>

/* systemd's unit_name_unescape: "-" stands for "/" and "\xNN" for a byte. NUL bytes
   are refused: the result goes into a C string. */
static int unescape (stralloc *out, char const *s)
{
  for (; *s ; s++)
  {
    char c = *s ;
    if (c == '-') c = '/' ;
    else if (c == '\\')
    {
      unsigned char hi, lo ;
      if (s[1] != 'x') return (errno = EINVAL, 0) ;
      hi = fmtscan_num((unsigned char)s[2], 16) ;
      if (hi >= 16) return (errno = EINVAL, 0) ;
      lo = fmtscan_num((unsigned char)s[3], 16) ;
      if (lo >= 16 || (!hi && !lo)) return (errno = EINVAL, 0) ;
      c = (char)(hi << 4 | lo) ;
      s += 3 ;
    }
    if (!stralloc_append(out, c)) return 0 ;
  }
  return 1 ;
}

/* systemd's unit_name_path_unescape, for %f: "-" alone is "/", otherwise the
   unescaped name with a "/" in front, refused unless it is a normalized path. */
static int path_unescape (stralloc *out, char const *s)
{
  size_t const start = out->len ;
  size_t i ;
  if (!*s) return (errno = EINVAL, 0) ;
  if (!strcmp(s, "-")) return stralloc_append(out, '/') ;
  if (!stralloc_append(out, '/') || !unescape(out, s)) return 0 ;
  i = start ;
  while (i < out->len)
  {
    size_t len = 0 ;
    i++ ;
    while (i + len < out->len && out->s[i + len] != '/') len++ ;
    if (!len || (len == 1 && out->s[i] == '.') || (len == 2 && out->s[i] == '.' && out->s[i+1] == '.'))
      return (errno = EINVAL, 0) ;
    i += len ;
  }
  return 1 ;
}

static int cat_field (stralloc *out, char const *s)
{
  if (!s) return (errno = EINVAL, 0) ;
  return stralloc_cats(out, s) ;
}

/* %j: what follows the last "-" of the prefix, or the whole prefix. */
static char const *last_component (char const *prefix)
{
  char const *dash = strrchr(prefix, '-') ;
  return dash ? dash + 1 : prefix ;
}

static int expand_one (stralloc *out, char c, nci_specifiers const *sp)
{
  switch (c)
  {
    case '%' : return stralloc_append(out, '%') ;
    case 'n' : return cat_field(out, sp->unit) ;
    case 'N' :
    {
      char const *dot ;
      if (!sp->unit) return (errno = EINVAL, 0) ;
      dot = strrchr(sp->unit, '.') ;
      return stralloc_catb(out, sp->unit, dot ? (size_t)(dot - sp->unit) : strlen(sp->unit)) ;
    }
    case 'p' : return cat_field(out, sp->prefix) ;
    case 'P' : return sp->prefix ? unescape(out, sp->prefix) : (errno = EINVAL, 0) ;
    case 'i' : return cat_field(out, sp->instance) ;
    case 'I' : return sp->instance ? unescape(out, sp->instance) : (errno = EINVAL, 0) ;
    case 'j' : return sp->prefix ? stralloc_cats(out, last_component(sp->prefix)) : (errno = EINVAL, 0) ;
    case 'J' : return sp->prefix ? unescape(out, last_component(sp->prefix)) : (errno = EINVAL, 0) ;
    case 'f' :
      if (!sp->instance) return (errno = EINVAL, 0) ;
      if (*sp->instance) return path_unescape(out, sp->instance) ;
      return sp->prefix ? path_unescape(out, sp->prefix) : (errno = EINVAL, 0) ;
    /* The system manager's directories, which are the container's. */
    case 't' : return stralloc_cats(out, "/run") ;
    case 'S' : return stralloc_cats(out, "/var/lib") ;
    case 'C' : return stralloc_cats(out, "/var/cache") ;
    case 'L' : return stralloc_cats(out, "/var/log") ;
    case 'E' : return stralloc_cats(out, "/etc") ;
    case 'T' : return stralloc_cats(out, "/tmp") ;
    case 'V' : return stralloc_cats(out, "/var/tmp") ;
    case 'u' : return cat_field(out, sp->user) ;
    case 'U' : return cat_field(out, sp->uid) ;
    case 'g' : return cat_field(out, sp->group) ;
    case 'G' : return cat_field(out, sp->gid) ;
    case 'h' : return cat_field(out, sp->home) ;
    case 's' : return cat_field(out, sp->shell) ;
    default : return (errno = EINVAL, 0) ;
  }
}

static int is_alnum (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ;
}

int nci_specifier_expand (stralloc *out, char const *word, nci_specifiers const *sp, char *bad)
{
  size_t const start = out->len ;
  while (*word)
  {
    size_t len = strcspn(word, "%") ;
    if (!stralloc_catb(out, word, len)) goto err ;
    word += len ;
    if (!*word) break ;
    /* systemd keeps a % that is last or before anything but %, a letter or a digit,
       so "100%" and "50% off" stay as they are. */
    if (word[1] != '%' && !is_alnum(word[1]))
    {
      if (!stralloc_append(out, '%')) goto err ;
      word++ ;
      continue ;
    }
    if (!expand_one(out, word[1], sp))
    {
      if (errno == EINVAL) *bad = word[1] ;
      goto err ;
    }
    word += 2 ;
  }
  if (!stralloc_0(out)) goto err ;
  return 1 ;

 err:
  out->len = start ;
  return 0 ;
}
