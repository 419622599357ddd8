#ifndef NCI_EXECDIR_H
#define NCI_EXECDIR_H

#include <sys/types.h>

/* The kinds, in this order: state runtime logs cache configuration. */
#define NCI_EXECDIR_KINDS 5

/* One StateDirectory=-like directory, as nci-exec's -d takes it. */
typedef struct nci_execdir_s nci_execdir ;
struct nci_execdir_s
{
  unsigned int kind ;  /* 0 to NCI_EXECDIR_KINDS - 1 */
  char const *base ;   /* "/var/lib", "/run", "/var/log", "/var/cache", "/etc" */
  char const *var ;    /* "STATE_DIRECTORY", "RUNTIME_DIRECTORY", ... */
  char const *path ;   /* relative to base; no empty, "." or ".." component */
  mode_t mode ;        /* at most 07777 */
  char const *owner ;  /* a user name or number, not looked up here */
  char const *group ;  /* a group name or number, not looked up here; "" for the owner's primary group */
} ;

/* Parses KIND:PATH:MODE:OWNER:GROUP (MODE in octal) in place: the colons of s become
   NULs and the strings of d point into s. Returns 1, or 0 with errno EINVAL. */
extern int nci_execdir_parse (char *s, nci_execdir *d) ;

#endif
