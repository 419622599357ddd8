#ifndef NCI_CHILDREN_H
#define NCI_CHILDREN_H

#include <stddef.h>
#include <sys/types.h>

/* The calling process's children, from the kernel's list
   (/proc/self/task/PID/children, which includes the orphans it adopted as a
   subreaper), read into buf (n bytes, the caller's, so nothing is allocated).
   Stores up to max pids in v; returns how many, or -1 with errno set. */
extern ssize_t nci_children (char *buf, size_t n, pid_t *v, size_t max) ;

#endif
