#ifndef NCI_ENVNAME_H
#define NCI_ENVNAME_H

#include <stddef.h>

/* Whether the len bytes at s are a name systemd accepts for an environment variable:
   letters, digits and '_', not starting with a digit, not empty. */
extern int nci_env_name_valid (char const *s, size_t len) ;

#endif
