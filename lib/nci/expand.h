#ifndef NCI_EXPAND_H
#define NCI_EXPAND_H

#include <skalibs/stralloc.h>

/* Expands environment variable references in a command's words as systemd does at
   exec time: a word that is exactly $NAME becomes the value split on whitespace (zero or
   more words); ${NAME} anywhere in a word is replaced by the whole value (one word);
   ${NAME:-default} and ${NAME:+alternate}; $$ is a literal $; an unset variable is empty.
   envp is a NULL-terminated KEY=VALUE array. Appends the resulting words NUL-terminated
   to out and adds their number to *n. Returns 1, or 0 with errno ENOMEM. */
extern int nci_expand (char const *const *words, unsigned int nwords, char const *const *envp, stralloc *out, unsigned int *n) ;

#endif
