#ifndef NCI_STATEFILE_H
#define NCI_STATEFILE_H

#include <stddef.h>
#include <sys/types.h>

/* The small files of a service's supervise/ directory (status, nci-state). */

/* Writes DIR/supervise/NAME + SUFFIX into buf (PATH_MAX bytes). Returns 1, or 0
   with errno ENAMETOOLONG. */
extern int nci_statefile_path (char *buf, char const *dir, char const *name, char const *suffix) ;

/* Replaces DIR/supervise/NAME by s[0..len) atomically: written whole to NAME.new
   (mode 0600), then renamed, so a reader sees the old or the new contents, never a
   mix. Returns 1, or 0 with errno set (NAME.new removed). */
extern int nci_statefile_write (char const *dir, char const *name, char const *s, size_t len) ;

/* Reads up to n bytes of DIR/supervise/NAME into s. Returns the count, or -1 with
   errno set. */
extern ssize_t nci_statefile_read (char const *dir, char const *name, char *s, size_t n) ;

#endif
