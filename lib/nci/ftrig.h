#ifndef NCI_FTRIG_H
#define NCI_FTRIG_H

#include <stddef.h>

/* s6's fifodir protocol (the event/ directory of a service): a listener creates a
   FIFO named "ftrig1:@" + 24 hex digits of TAI64N + ":" + 6 characters (39 bytes)
   in the directory, and keeps it open for reading; a notifier writes the event
   bytes to every such FIFO without blocking, and removes FIFOs nobody reads.
   Event letters of a service: s supervise started, u service started, U ready,
   d service died, D down (finish done), O down for good (finish exited 125),
   x supervise exiting; nci adds F: failed and staying down. */
#define NCI_FTRIG_PREFIX "ftrig1"
#define NCI_FTRIG_NAME_LEN 39

/* Creates DIR as an s6 event fifodir (mode 03730, group = egid) when it does not
   exist. Returns 1, or 0 with errno set. */
extern int nci_ftrig_mkdir (char const *dir) ;

/* Writes s[0..len) to every listener FIFO of the fifodir open at dirfd (an
   O_DIRECTORY fd, rewound each time), without allocating; unlinks FIFOs with no
   reader. The caller ignores SIGPIPE, as s6-supervise does: a listener can die
   between the open and the write. Returns the number of listeners reached, or -1
   with errno set. */
extern int nci_ftrig_notify (int dirfd, char const *s, size_t len) ;

/* Creates a listener FIFO in DIR, opened for reading (non-blocking, close-on-exec)
   and kept open for writing too so it never reports EOF. Returns the read fd and
   stores the write fd in *wfd and the FIFO's path in path (PATH_MAX bytes); -1
   with errno set on failure. */
extern int nci_ftrig_listen (char const *dir, int *wfd, char *path) ;

#endif
