#ifndef NCI_SELF_H
#define NCI_SELF_H

#include <stddef.h>

/* The nci programs find each other beside the running binary, so that an
   install works from whatever prefix it was put in (make install PREFIX=,
   DESTDIR, a Nix store path), whatever PREFIX the build saw.

   Writes into buf (n bytes) the path of the program name in the directory of
   /proc/self/exe, symlinks resolved. Returns 1 when that file is executable,
   else 0 with errno set (/proc not mounted, no such file, name too long); buf
   then holds "dir/name" or nothing usable. */
extern int nci_self_sibling (char *buf, size_t n, char const *name) ;

#endif
