#ifndef NCI_CHILD_H
#define NCI_CHILD_H

/* For the child of a vfork, which shares its parent's memory until it execs:
   writes "PROG: fatal: unable to WHAT ARG: strerror(errno)" on stderr with one
   write, touching no buffer of the parent's, and _exits with code. */
extern void nci_child_die (int code, char const *what, char const *arg) __attribute__((noreturn)) ;

#endif
