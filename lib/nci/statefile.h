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

/* The same replacement for a writer that publishes often (nci-supervise): the
   temporary file NAME.new is made ahead of time by nci_statefile_prepare, when
   the writer has nothing else to do, and nci_statefile_put then only writes it
   and exchanges it with NAME (renameat2 RENAME_EXCHANGE; a plain rename when
   NAME does not exist yet or the filesystem cannot exchange). The old contents
   stay in NAME.new until the next prepare removes them, so neither making nor
   freeing a file is on the path of a publish. A put without a prepared file
   prepares one first. Both return 1, or 0 with errno set. */
typedef struct nci_statefile_s nci_statefile, *nci_statefile_ref ;
struct nci_statefile_s
{
  char const *name ;
  int fd ;  /* NAME.new, made and open, or -1 */
} ;
#define NCI_STATEFILE_INIT(name) { (name), -1 }
extern int nci_statefile_prepare (nci_statefile *f, char const *dir) ;
extern int nci_statefile_put (nci_statefile *f, char const *dir, char const *s, size_t len) ;

/* Reads up to n bytes of DIR/supervise/NAME into s. Returns the count, or -1 with
   errno set. */
extern ssize_t nci_statefile_read (char const *dir, char const *name, char *s, size_t n) ;

#endif
