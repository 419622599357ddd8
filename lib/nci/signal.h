#ifndef NCI_SIGNAL_H
#define NCI_SIGNAL_H

#include <stddef.h>

#define NCI_SIGNAL_NAME_MAX 16

/* Parses "SIGTERM", "TERM", "15", "SIGRTMIN+3" or "RTMIN+3". Returns 1, or 0 with errno EINVAL. */
extern int nci_signal_parse (char const *s, int *sig) ;

/* Writes the canonical name of sig ("SIGTERM", "SIGRTMIN+3", or the number) into
   buf (NCI_SIGNAL_NAME_MAX bytes, NUL-terminated). */
extern void nci_signal_name (int sig, char *buf) ;

/* The next signal of the non-blocking signalfd fd: its number, 0 when none is
   pending, -1 with errno set on a read error. */
extern int nci_signalfd_read (int fd) ;

#endif
