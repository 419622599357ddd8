#include <string.h>
#include <skalibs/stralloc.h>
#include <nci/envname.h>
#include <nci/expand.h>

/* systemd looks names up validated: an invalid name ("A=B") is as good as unset. */
static char const *lookup (char const *const *envp, char const *name, size_t len)
{
  if (!nci_env_name_valid(name, len)) return 0 ;
  for (; *envp ; envp++)
    if (!strncmp(*envp, name, len) && (*envp)[len] == '=') return *envp + len + 1 ;
  return 0 ;
}

static int isblank_ (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' ;
}

/* The value of a lone $NAME word is split as systemd's extract_first_word with
   EXTRACT_UNQUOTE|EXTRACT_RELAX does: quotes are removed, a backslash takes the next
   character literally, a trailing backslash and an unclosed quote are tolerated. */
static int split (char const *s, stralloc *out, unsigned int *n)
{
  for (;;)
  {
    char quote = 0 ;
    while (isblank_(*s)) s++ ;
    if (!*s) return 1 ;
    for (; *s ; s++)
    {
      if (*s == '\\')
      {
        if (!*++s) break ;
      }
      else if (quote)
      {
        if (*s == quote) { quote = 0 ; continue ; }
      }
      else if (*s == '\'' || *s == '"') { quote = *s ; continue ; }
      else if (isblank_(*s)) break ;
      if (!stralloc_catb(out, s, 1)) return 0 ;
    }
    if (!stralloc_0(out)) return 0 ;
    (*n)++ ;
  }
}

/* Appends the len bytes at s with their ${...} and $$ replaced, without a NUL. */
static int replace (char const *s, size_t len, char const *const *envp, stralloc *out)
{
  size_t i = 0 ;
  while (i < len)
  {
    char const *v ;
    size_t j, k ;
    unsigned int depth = 1 ;
    if (s[i] != '$' || i + 1 == len || (s[i+1] != '$' && s[i+1] != '{'))
    {
      if (!stralloc_catb(out, s + i++, 1)) return 0 ;
      continue ;
    }
    if (s[i+1] == '$')
    {
      if (!stralloc_catb(out, "$", 1)) return 0 ;
      i += 2 ;
      continue ;
    }
    for (j = i + 2 ; j < len && s[j] != '}' && s[j] != ':' ; j++) ;
    if (j == len) break ;
    v = lookup(envp, s + i + 2, j - i - 2) ;
    if (s[j] == '}')
    {
      if (v && !stralloc_cats(out, v)) return 0 ;
      i = j + 1 ;
      continue ;
    }
    if (j + 1 == len || (s[j+1] != '-' && s[j+1] != '+'))
    {
      /* not an operator systemd knows: the text stays, operator character included */
      k = j + 2 < len ? j + 2 : len ;
      if (!stralloc_catb(out, s + i, k - i)) return 0 ;
      i = k ;
      continue ;
    }
    for (k = j + 2 ; k < len ; k++)
    {
      if (s[k] == '{') depth++ ;
      else if (s[k] == '}' && !--depth) break ;
    }
    if (k == len) break ;
    if ((s[j+1] == '-') == !v)
    {
      if (!replace(s + j + 2, k - j - 2, envp, out)) return 0 ;
    }
    else if (v && !stralloc_cats(out, v)) return 0 ;
    i = k + 1 ;
  }
  return stralloc_catb(out, s + i, len - i) ;
}

int nci_expand (char const *const *words, unsigned int nwords, char const *const *envp, stralloc *out, unsigned int *n)
{
  size_t base = out->len ;
  unsigned int count = 0 ;
  for (unsigned int i = 0 ; i < nwords ; i++)
  {
    char const *w = words[i] ;
    if (w[0] == '$' && w[1] != '{' && w[1] != '$')
    {
      char const *v = lookup(envp, w + 1, strlen(w + 1)) ;
      if (v && !split(v, out, &count)) goto err ;
      continue ;
    }
    if (!replace(w, strlen(w), envp, out) || !stralloc_0(out)) goto err ;
    count++ ;
  }
  *n += count ;
  return 1 ;

 err:
  out->len = base ;
  return 0 ;
}
