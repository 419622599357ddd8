#include <errno.h>
#include <stdint.h>

#include <skalibs/fmtscan.h>
#include <skalibs/stralloc.h>

#include <nci/words.h>

static int is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' ;
}

/* systemd's conf-parser turns a backslash-newline into a space before the value is
   split, so it separates words outside quotes and is a space inside them. */
static size_t skip_blanks (char const *s, size_t i)
{
  for (;;)
  {
    if (is_blank(s[i])) i++ ;
    else if (s[i] == '\\' && s[i+1] == '\n') i += 2 ;
    else return i ;
  }
}

static int scan_hex (char const *s, unsigned int digits, uint32_t *value)
{
  uint32_t v = 0 ;
  for (unsigned int i = 0 ; i < digits ; i++)
  {
    unsigned char d = fmtscan_num((unsigned char)s[i], 16) ;
    if (d >= 16) return 0 ;
    v = (v << 4) | d ;
  }
  *value = v ;
  return 1 ;
}

static size_t utf8_encode (uint32_t c, char *buf)
{
  if (c < 0x80)
  {
    buf[0] = (char)c ;
    return 1 ;
  }
  if (c < 0x800)
  {
    buf[0] = (char)(0xc0 | (c >> 6)) ;
    buf[1] = (char)(0x80 | (c & 0x3f)) ;
    return 2 ;
  }
  if (c < 0x10000)
  {
    buf[0] = (char)(0xe0 | (c >> 12)) ;
    buf[1] = (char)(0x80 | ((c >> 6) & 0x3f)) ;
    buf[2] = (char)(0x80 | (c & 0x3f)) ;
    return 3 ;
  }
  buf[0] = (char)(0xf0 | (c >> 18)) ;
  buf[1] = (char)(0x80 | ((c >> 12) & 0x3f)) ;
  buf[2] = (char)(0x80 | ((c >> 6) & 0x3f)) ;
  buf[3] = (char)(0x80 | (c & 0x3f)) ;
  return 4 ;
}

static int is_surrogate (uint32_t c)
{
  return c >= 0xd800 && c <= 0xdfff ;
}

/* What systemd's \U accepts: no surrogates and no noncharacters, within Unicode. */
static int is_valid_unichar (uint32_t c)
{
  return c < 0x110000 && !is_surrogate(c) && !(c >= 0xfdd0 && c <= 0xfdef) && (c & 0xfffe) != 0xfffe ;
}

static char simple_escape (char c)
{
  switch (c)
  {
    case 'a' : return '\a' ;
    case 'b' : return '\b' ;
    case 'f' : return '\f' ;
    case 'n' : return '\n' ;
    case 'r' : return '\r' ;
    case 't' : return '\t' ;
    case 'v' : return '\v' ;
    case '\\' : return '\\' ;
    case '"' : return '"' ;
    case '\'' : return '\'' ;
    case 's' : return ' ' ;
    default : return 0 ;
  }
}

/* Decodes the escape whose letter is at p (just after the backslash) into buf.
   Returns how many characters of p it used, or 0 if it is not a valid escape.
   NULs are refused: they cannot live in an argv word. \x and octal give a raw byte,
   \u and \U a UTF-8 sequence. */
static size_t unescape_one (char const *p, char *buf, size_t *buflen)
{
  uint32_t c ;
  char e = simple_escape(*p) ;
  if (e)
  {
    buf[0] = e ;
    *buflen = 1 ;
    return 1 ;
  }
  switch (*p)
  {
    case 'x' :
      if (!scan_hex(p + 1, 2, &c) || !c) return 0 ;
      buf[0] = (char)c ;
      *buflen = 1 ;
      return 3 ;
    case 'u' :
      if (!scan_hex(p + 1, 4, &c) || !c || is_surrogate(c)) return 0 ;
      *buflen = utf8_encode(c, buf) ;
      return 5 ;
    case 'U' :
      if (!scan_hex(p + 1, 8, &c) || !c || !is_valid_unichar(c)) return 0 ;
      *buflen = utf8_encode(c, buf) ;
      return 9 ;
    case '0' : case '1' : case '2' : case '3' :
    case '4' : case '5' : case '6' : case '7' :
      c = 0 ;
      for (unsigned int i = 0 ; i < 3 ; i++)
      {
        if (p[i] < '0' || p[i] > '7') return 0 ;
        c = (c << 3) | (uint32_t)(p[i] - '0') ;
      }
      if (!c || c > 0xff) return 0 ;
      buf[0] = (char)c ;
      *buflen = 1 ;
      return 3 ;
    default :
      return 0 ;
  }
}

int nci_word_next (char const *s, size_t *pos, stralloc *out, char const **err)
{
  size_t const start = out->len ;
  size_t i = skip_blanks(s, *pos) ;
  char quote = 0 ;
  if (!s[i])
  {
    *pos = i ;
    return 0 ;
  }
  for (;;)
  {
    char c = s[i] ;
    if (!c)
    {
      if (quote) goto unbalanced ;
      break ;
    }
    if (c == '\\')
    {
      char buf[4] ;
      size_t len, used ;
      if (s[i+1] == '\n')
      {
        if (!quote) break ;
        if (!stralloc_append(out, ' ')) goto nomem ;
        i += 2 ;
        continue ;
      }
      if (!s[i+1])
      {
        if (quote) goto unbalanced ;
        *err = "trailing backslash" ;
        goto invalid ;
      }
      used = unescape_one(s + i + 1, buf, &len) ;
      if (!used)
      {
        *err = "invalid escape sequence" ;
        goto invalid ;
      }
      if (!stralloc_catb(out, buf, len)) goto nomem ;
      i += 1 + used ;
    }
    else if (quote)
    {
      if (c == quote) quote = 0 ;
      else if (!stralloc_append(out, c)) goto nomem ;
      i++ ;
    }
    else if (c == '"' || c == '\'')
    {
      quote = c ;
      i++ ;
    }
    else if (is_blank(c)) break ;
    else
    {
      if (!stralloc_append(out, c)) goto nomem ;
      i++ ;
    }
  }
  if (!stralloc_0(out)) goto nomem ;
  *pos = skip_blanks(s, i) ;
  return 1 ;

 unbalanced:
  *err = "unbalanced quotes" ;
 invalid:
  out->len = start ;
  errno = EINVAL ;
  return -1 ;
 nomem:
  out->len = start ;
  *err = "out of memory" ;
  return -1 ;
}
