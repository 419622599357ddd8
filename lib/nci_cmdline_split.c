#include <errno.h>

#include <skalibs/stralloc.h>

#include <nci/cmdline.h>
#include <nci/words.h>

static int is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' ;
}

/* A backslash-newline is a blank here too, as nci_word_next treats it. */
static size_t skip_blanks (char const *s, size_t i)
{
  for (;;)
  {
    if (is_blank(s[i])) i++ ;
    else if (s[i] == '\\' && s[i+1] == '\n') i += 2 ;
    else return i ;
  }
}

static int ends_word (char const *s, size_t i)
{
  return !s[i] || is_blank(s[i]) || (s[i] == '\\' && s[i+1] == '\n') ;
}

/* config_parse_exec's prefix loop: each of @ - : is taken once, and one of +, !, !!.
   "!!" only differs from no prefix on kernels without ambient capabilities, which nci
   does not support, so it sets no flag. Returns how many characters were prefixes. */
static size_t parse_prefixes (char const *w, unsigned int *flags)
{
  unsigned int const creds = NCI_CMD_PRIVILEGED | NCI_CMD_NO_SETUID ;
  unsigned int f = 0 ;
  int ambient = 0 ;
  size_t i = 0 ;
  for (;; i++)
  {
    if (w[i] == '-' && !(f & NCI_CMD_IGNORE_FAILURE)) f |= NCI_CMD_IGNORE_FAILURE ;
    else if (w[i] == '@' && !(f & NCI_CMD_ARGV0)) f |= NCI_CMD_ARGV0 ;
    else if (w[i] == ':' && !(f & NCI_CMD_NO_EXPAND)) f |= NCI_CMD_NO_EXPAND ;
    else if (w[i] == '+' && !(f & creds) && !ambient) f |= NCI_CMD_PRIVILEGED ;
    else if (w[i] == '!' && !(f & creds) && !ambient) f |= NCI_CMD_NO_SETUID ;
    else if (w[i] == '!' && !(f & NCI_CMD_PRIVILEGED) && !ambient)
    {
      f &= ~NCI_CMD_NO_SETUID ;
      ambient = 1 ;
    }
    else break ;
  }
  *flags = f ;
  return i ;
}

static int is_prefix_char (char c)
{
  return c == '@' || c == '-' || c == ':' || c == '+' || c == '!' ;
}

/* Reads one command's words after its first word into c, up to the end of the value
   or a lone ";". Returns 1 if a ";" ended it, 0 at the end, -1 on error. */
static int read_args (char const *s, size_t *pos, nci_cmdline *c, char const **err)
{
  for (;;)
  {
    int r ;
    *pos = skip_blanks(s, *pos) ;
    /* Checked on the raw text, as systemd does: only a bare ; separates, and only a
       bare \; is a literal ; ("\\;" and ";" quoted are ordinary words). */
    if (s[*pos] == ';' && ends_word(s, *pos + 1))
    {
      (*pos)++ ;
      return 1 ;
    }
    if (s[*pos] == '\\' && s[*pos + 1] == ';' && ends_word(s, *pos + 2))
    {
      if (!stralloc_catb(&c->words, ";", 2))
      {
        *err = "out of memory" ;
        return -1 ;
      }
      c->n++ ;
      *pos += 2 ;
      continue ;
    }
    r = nci_word_next(s, pos, &c->words, err) ;
    if (r <= 0) return r ;
    c->n++ ;
  }
}

int nci_cmdline_split (char const *s, nci_cmdline *cmds, unsigned int max, char const **err)
{
  stralloc first = STRALLOC_ZERO ;
  size_t pos = 0 ;
  unsigned int n = 0 ;
  for (;;)
  {
    nci_cmdline *c ;
    char const *path ;
    unsigned int flags ;
    int r ;
    first.len = 0 ;
    r = nci_word_next(s, &pos, &first, err) ;
    if (r < 0) goto fail ;
    if (!r) break ;
    /* systemd compares the unquoted first word, so a quoted ";" here separates too,
       and an empty command between two separators is skipped. */
    if (first.s[0] == ';' && !first.s[1]) continue ;
    if (n >= max)
    {
      *err = "too many commands" ;
      errno = EINVAL ;
      goto fail ;
    }
    c = cmds + n++ ;
    path = first.s + parse_prefixes(first.s, &flags) ;
    if (!*path)
    {
      *err = "no program after prefixes" ;
      errno = EINVAL ;
      goto fail ;
    }
    /* systemd would go on with a refused prefix as part of the program name, and then
       find no such program: say so here instead. */
    if (is_prefix_char(*path))
    {
      *err = "invalid prefix" ;
      errno = EINVAL ;
      goto fail ;
    }
    c->flags = flags ;
    if (!stralloc_cats(&c->words, path) || !stralloc_0(&c->words))
    {
      *err = "out of memory" ;
      goto fail ;
    }
    c->n = 1 ;
    r = read_args(s, &pos, c, err) ;
    if (r < 0) goto fail ;
    if ((flags & NCI_CMD_ARGV0) && c->n < 2)
    {
      *err = "no argv[0] after @ program" ;
      errno = EINVAL ;
      goto fail ;
    }
    if (!r) break ;
  }
  stralloc_free(&first) ;
  return (int)n ;

 fail:
  {
    int e = errno ;
    stralloc_free(&first) ;
    for (unsigned int i = 0 ; i < n ; i++) nci_cmdline_free(cmds + i) ;
    errno = e ;
  }
  return -1 ;
}
