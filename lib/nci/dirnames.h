#ifndef NCI_DIRNAMES_H
#define NCI_DIRNAMES_H

#include <stdint.h>

/* Which of names (null-terminated, at most 32) are entries of the directory
   dir: bit i of *present for names[i]. One listing instead of a failed open per
   absent file; getdents64 on a stack buffer, no allocation. each, if not 0, is
   also called with every entry but . and .. (and ctx); its 0 stops the listing
   (errno as it set it). Returns 1, or 0 with errno set (ENOENT: no such
   directory). */
extern int nci_dir_names (char const *dir, char const *const *names, uint32_t *present,
  int (*each) (char const *name, void *ctx), void *ctx) ;

/* Whether file, one of names, was there; a file not in names is assumed there. */
extern int nci_dir_has (char const *const *names, uint32_t present, char const *file) ;

#endif
