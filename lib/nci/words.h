#ifndef NCI_WORDS_H
#define NCI_WORDS_H

#include <stddef.h>
#include <skalibs/stralloc.h>

/* systemd's word splitting (extract_first_word with EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE):
   words separated by whitespace, "..." and '...' quoting, C escapes (\n \t \\ \" \' \xNN
   \NNN \uNNNN ...), a backslash-newline continues the line.
   nci_word_next appends the next word (unquoted, unescaped) to out, NUL-terminated,
   and advances *pos past it. Returns 1 if a word was read, 0 at end of input,
   -1 on bad input with *err a static message ("unbalanced quotes", "trailing backslash",
   "invalid escape sequence") and errno EINVAL, or -1 with errno ENOMEM; on -1, out and
   *pos are as they were.
   As systemd's code (wider than systemd.syntax(7) says): quotes may open and close
   anywhere in a word (--opt="a b" is --opt=a b); escapes work inside both kinds of
   quotes and outside them; a backslash-newline is a space (conf-parser's line
   joining), so it separates words outside quotes. An invalid escape, which systemd
   only warns about, is an error here, as are escapes of NUL and of UTF-16 surrogates.
   Blanks are space, tab, CR and LF. */
extern int nci_word_next (char const *s, size_t *pos, stralloc *out, char const **err) ;

#endif
