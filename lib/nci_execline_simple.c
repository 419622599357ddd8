#include <string.h>

#include <nci/execline.h>

/* The characters nci-convert writes in a bare word: none means anything to
   execlineb's lexer. A byte outside them, unquoted, makes the script "not simple". */
static int bare (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
    || c == '_' || c == '/' || c == '.' || c == ',' || c == ':' || c == '=' || c == '@'
    || c == '%' || c == '+' || c == '-' ;
}

static int hexval (char c)
{
  if (c >= '0' && c <= '9') return c - '0' ;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10 ;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10 ;
  return -1 ;
}

static char const header_end[] = "/execlineb -P\n" ;

unsigned int nci_execline_simple (char *s, size_t len, char const **argv, unsigned int max)
{
  char *end = s + len, *p, *nl ;
  unsigned int n = 0 ;
  size_t hl = sizeof header_end - 1 ;
  if (len < 2 || s[0] != '#' || s[1] != '!' || max < 2) return 0 ;
  nl = memchr(s, '\n', len) ;
  if (!nl || (size_t)(nl + 1 - s) < 2 + hl || memcmp(nl + 1 - hl, header_end, hl)) return 0 ;
  p = nl + 1 ;
  for (;;)
  {
    char *w = p, *o = p ;
    if (p >= end) return 0 ;  /* the command line must end with a newline */
    if (*p == '"')
    {
      for (p++ ;; p++)
      {
        if (p >= end) return 0 ;
        if (*p == '"') { p++ ; break ; }
        /* a raw newline or NUL in quotes: execlineb refuses or reads it otherwise */
        if (*p != '\\') { if (*p == '\n' || !*p) return 0 ; *o++ = *p ; continue ; }
        if (++p >= end) return 0 ;
        switch (*p)
        {
          case '\\' : case '"' : *o++ = *p ; break ;
          case 'n' : *o++ = '\n' ; break ;
          case 't' : *o++ = '\t' ; break ;
          case '0' :
          {
            int hi, lo ;
            if (end - p < 4 || p[1] != 'x' || (hi = hexval(p[2])) < 0 || (lo = hexval(p[3])) < 0 || !(hi | lo)) return 0 ;
            *o++ = (char)(hi << 4 | lo) ;
            p += 3 ;
            break ;
          }
          default : return 0 ;
        }
      }
    }
    else
    {
      while (p < end && bare(*p)) p++ ;
      if (p == w) return 0 ;
      o = p ;
    }
    /* a word ends at one blank or at the newline that ends the script */
    if (p >= end || (*p != ' ' && *p != '\n')) return 0 ;
    if (n + 1 >= max) return 0 ;
    if (!n && *w != '/') return 0 ;  /* execlineb would search PATH: leave that to it */
    argv[n++] = w ;
    if (*p == '\n')
    {
      *o = 0 ;
      if (p + 1 != end) return 0 ;
      break ;
    }
    *o = 0 ;
    p++ ;
  }
  argv[n] = 0 ;
  return n ;
}
