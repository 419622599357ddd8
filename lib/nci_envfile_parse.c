#include <errno.h>
#include <stdint.h>
#include <skalibs/stralloc.h>
#include <nci/envfile.h>

/* The grammar is systemd's parse_env_file_internal(), state for state, with its line
   counting fixed: here a line number always names the line an assignment starts on. */

#define NONE ((size_t)-1)

enum state_e
{
  PRE_KEY,
  KEY,
  PRE_VALUE,
  VALUE,
  VALUE_ESCAPE,
  SINGLE_QUOTE,
  DOUBLE_QUOTE,
  DOUBLE_QUOTE_ESCAPE,
  COMMENT
} ;

static int isnewline (char c)
{
  return c == '\n' || c == '\r' ;
}

static int iswhite (char c)
{
  return c == ' ' || c == '\t' || isnewline(c) ;
}

/* As systemd's utf8_is_valid(): no overlong forms, surrogates or non-characters. */
static int utf8_valid (char const *s, size_t len)
{
  size_t i = 0 ;
  while (i < len)
  {
    unsigned char c = (unsigned char)s[i] ;
    uint32_t cp ;
    size_t n ;
    if (c < 0x80) { i++ ; continue ; }
    if (c >= 0xc2 && c <= 0xdf) { n = 1 ; cp = c & 0x1f ; }
    else if (c >= 0xe0 && c <= 0xef) { n = 2 ; cp = c & 0x0f ; }
    else if (c >= 0xf0 && c <= 0xf4) { n = 3 ; cp = c & 0x07 ; }
    else return 0 ;
    if (len - i <= n) return 0 ;
    for (size_t k = 1 ; k <= n ; k++)
    {
      unsigned char d = (unsigned char)s[i + k] ;
      if ((d & 0xc0) != 0x80) return 0 ;
      cp = (cp << 6) | (d & 0x3f) ;
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff))) return 0 ;
    if ((cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe) return 0 ;
    i += n + 1 ;
  }
  return 1 ;
}

static int push (stralloc *key, size_t keyend, stralloc *value, size_t valueend, nci_envfile_func *f, void *data)
{
  if (keyend != NONE) key->len = keyend ;
  if (valueend != NONE) value->len = valueend ;
  if (!utf8_valid(key->s, key->len) || !utf8_valid(value->s, value->len)) return (errno = EINVAL, 0) ;
  if (!stralloc_0(key) || !stralloc_0(value)) return 0 ;
  return (*f)(key->s, value->s, data) ;
}

int nci_envfile_parse (char const *s, size_t len, nci_envfile_func *f, void *data, unsigned int *line)
{
  stralloc key = STRALLOC_ZERO ;
  stralloc value = STRALLOC_ZERO ;
  enum state_e state = PRE_KEY ;
  size_t keyend = NONE, valueend = NONE ;
  unsigned int cur = 1, keyline = 1 ;
  int e ;

  for (size_t i = 0 ; i < len ; i++)
  {
    char c = s[i] ;
    if (!c) { errno = EINVAL ; keyline = cur ; goto err ; }
    switch (state)
    {
      case PRE_KEY :
        if (c == '#' || c == ';') state = COMMENT ;
        else if (!iswhite(c))
        {
          state = KEY ;
          keyline = cur ;
          keyend = NONE ;
          key.len = 0 ;
          if (!stralloc_catb(&key, &c, 1)) goto err ;
        }
        break ;
      case KEY :
        if (isnewline(c)) state = PRE_KEY ;
        else if (c == '=')
        {
          state = PRE_VALUE ;
          valueend = NONE ;
          value.len = 0 ;
        }
        else
        {
          if (!iswhite(c)) keyend = NONE ;
          else if (keyend == NONE) keyend = key.len ;
          if (!stralloc_catb(&key, &c, 1)) goto err ;
        }
        break ;
      case PRE_VALUE :
        if (isnewline(c))
        {
          state = PRE_KEY ;
          if (!push(&key, keyend, &value, NONE, f, data)) goto err ;
        }
        else if (c == '\'') state = SINGLE_QUOTE ;
        else if (c == '"') state = DOUBLE_QUOTE ;
        else if (c == '\\') state = VALUE_ESCAPE ;
        else if (!iswhite(c))
        {
          state = VALUE ;
          if (!stralloc_catb(&value, &c, 1)) goto err ;
        }
        break ;
      case VALUE :
        if (isnewline(c))
        {
          state = PRE_KEY ;
          if (!push(&key, keyend, &value, valueend, f, data)) goto err ;
        }
        else if (c == '\\')
        {
          state = VALUE_ESCAPE ;
          valueend = NONE ;
        }
        else
        {
          if (!iswhite(c)) valueend = NONE ;
          else if (valueend == NONE) valueend = value.len ;
          if (!stralloc_catb(&value, &c, 1)) goto err ;
        }
        break ;
      case VALUE_ESCAPE :
        state = VALUE ;
        if (!isnewline(c) && !stralloc_catb(&value, &c, 1)) goto err ;
        break ;
      case SINGLE_QUOTE :
        if (c == '\'') state = PRE_VALUE ;
        else if (!stralloc_catb(&value, &c, 1)) goto err ;
        break ;
      case DOUBLE_QUOTE :
        if (c == '"') state = PRE_VALUE ;
        else if (c == '\\') state = DOUBLE_QUOTE_ESCAPE ;
        else if (!stralloc_catb(&value, &c, 1)) goto err ;
        break ;
      case DOUBLE_QUOTE_ESCAPE :
        /* as the shell: only the characters that need it lose their backslash */
        state = DOUBLE_QUOTE ;
        if (c == '"' || c == '\\' || c == '`' || c == '$')
        {
          if (!stralloc_catb(&value, &c, 1)) goto err ;
        }
        else if (c != '\n')
        {
          char const esc[2] = { '\\', c } ;
          if (!stralloc_catb(&value, esc, 2)) goto err ;
        }
        break ;
      case COMMENT :
        if (isnewline(c)) state = PRE_KEY ;
        break ;
    }
    if (c == '\n') cur++ ;
  }

  switch (state)
  {
    case PRE_KEY :
    case KEY :
    case COMMENT :
      break ;
    case VALUE :
      if (!push(&key, keyend, &value, valueend, f, data)) goto err ;
      break ;
    case PRE_VALUE :
    case VALUE_ESCAPE :
    case SINGLE_QUOTE :
    case DOUBLE_QUOTE :
    case DOUBLE_QUOTE_ESCAPE :
      if (!push(&key, keyend, &value, NONE, f, data)) goto err ;
      break ;
  }
  stralloc_free(&key) ;
  stralloc_free(&value) ;
  return 1 ;

 err:
  e = errno ;
  *line = keyline ;
  stralloc_free(&key) ;
  stralloc_free(&value) ;
  errno = e ;
  return 0 ;
}
