/* The members of the input's top-level object, found without parsing their values,
   so that jansson can parse the values on several threads (units_parse.c).
   This only has to be right on well-formed input and to give up on the rest: the
   values themselves are checked by jansson, the top level here, and on anything
   unexpected the caller parses the whole text with jansson, whose error names the
   line and column. So a member's text is cut wherever its value seems to end, and
   a wrong cut is a value that does not parse. */

#include <stdlib.h>
#include <string.h>
#include "convert.h"

/* Deeper values are left to the whole parse: jansson's depth limit (2048) counts
   from the top of the text, one level above a member's value. */
#define DEPTH_MAX 1024

static int ws (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' ;
}

static size_t skip_ws (char const *s, size_t len, size_t i)
{
  while (i < len && ws(s[i])) i++ ;
  return i ;
}

/* s[i] is '"': returns the index after the closing quote, or 0. A quote closes the
   string unless an odd number of backslashes comes right before it. */
static size_t skip_string (char const *s, size_t len, size_t i)
{
  size_t from = i + 1 ;
  for (;;)
  {
    char const *q = memchr(s + from, '"', len - from) ;
    size_t k, bs = 0 ;
    if (!q) return 0 ;
    k = (size_t)(q - s) ;
    while (s[k - 1 - bs] == '\\') bs++ ;
    if (!(bs & 1)) return k + 1 ;
    from = k + 1 ;
  }
}

/* What the scan of a value stops at: everything else is skipped in a tight loop
   (the scan is the one part of the parse on a single thread). */
enum { C_OTHER, C_QUOTE, C_OPEN, C_CLOSE } ;
static unsigned char const cls[256] = { ['"'] = C_QUOTE, ['{'] = C_OPEN, ['['] = C_OPEN, ['}'] = C_CLOSE, [']'] = C_CLOSE } ;

/* Returns the index after the value that starts at s[i], or 0. */
static size_t skip_value (char const *s, size_t len, size_t i)
{
  size_t depth = 0 ;
  if (s[i] == '"') return skip_string(s, len, i) ;
  if (s[i] != '{' && s[i] != '[')
  {
    size_t j = i ;
    while (j < len && !ws(s[j]) && s[j] != ',' && s[j] != '}' && s[j] != ']') j++ ;
    return j > i ? j : 0 ;
  }
  for (; i < len ; i++)
  {
    switch (cls[(unsigned char)s[i]])
    {
      case C_OTHER : break ;
      case C_QUOTE :
        i = skip_string(s, len, i) ;
        if (!i) return 0 ;
        i-- ;
        break ;
      case C_OPEN :
        if (++depth > DEPTH_MAX) return 0 ;
        break ;
      case C_CLOSE :
        if (!--depth) return i + 1 ;
        break ;
    }
  }
  return 0 ;
}

/* The key between s[0] and s[len - 1] (the quotes): printable ASCII is itself, and
   anything else (escapes, UTF-8, bytes JSON forbids) is decoded or refused by jansson. */
static char *key_of (char const *s, size_t len)
{
  json_error_t err ;
  json_t *k ;
  char *r ;
  size_t i = 1 ;
  while (i + 1 < len && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f && s[i] != '\\') i++ ;
  if (i + 1 == len) return xstrndup(s + 1, len - 2) ;
  k = json_loadb(s, len, JSON_DECODE_ANY, &err) ;
  if (!k) return 0 ;
  r = xstrdup(json_string_value(k)) ;
  json_decref(k) ;
  return r ;
}

static void members_free (member *m, size_t n)
{
  for (size_t i = 0 ; i < n ; i++) free(m[i].key) ;
  free(m) ;
}

/* The member "key": value that starts at s[i]: returns the index after the value,
   or 0. */
static size_t member_at (char const *s, size_t len, size_t i, member *mb)
{
  size_t k = i, v ;
  if (i == len || s[i] != '"' || !(i = skip_string(s, len, i))) return 0 ;
  mb->key = key_of(s + k, i - k) ;
  if (!mb->key) return 0 ;
  i = skip_ws(s, len, i) ;
  if (i < len && s[i] == ':')
  {
    v = skip_ws(s, len, i + 1) ;
    if (v < len && (i = skip_value(s, len, v)))
    {
      mb->text = s + v ;
      mb->len = i - v ;
      mb->value = 0 ;
      return i ;
    }
  }
  free(mb->key) ;
  return 0 ;
}

size_t json_split (char const *s, size_t len, member **out)
{
  member *m = 0 ;
  size_t n = 0, cap = 0 ;
  size_t i = skip_ws(s, len, 0) ;
  if (i == len || s[i] != '{') return (size_t)-1 ;
  i = skip_ws(s, len, i + 1) ;
  if (i == len || s[i] != '}') for (;;)
  {
    member mb ;
    if (!(i = member_at(s, len, i, &mb))) goto fail ;
    if (n == cap)
    {
      cap = cap ? 2 * cap : 64 ;
      m = xrealloc(m, cap * sizeof(member)) ;
    }
    m[n++] = mb ;
    i = skip_ws(s, len, i) ;
    if (i == len) goto fail ;
    if (s[i] == '}') break ;
    if (s[i] != ',') goto fail ;
    i = skip_ws(s, len, i + 1) ;
  }
  /* s[i] is the closing brace: only white space may follow, as jansson checks. */
  if (skip_ws(s, len, i + 1) != len) goto fail ;
  *out = m ;
  return n ;
 fail:
  members_free(m, n) ;
  return (size_t)-1 ;
}
