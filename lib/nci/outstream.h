#ifndef NCI_OUTSTREAM_H
#define NCI_OUTSTREAM_H

#include <stddef.h>
#include <stdint.h>

/* A service's stdout or stderr, turned into whole lines "PREFIX: text\n" on an
   output fd: one writev() carries at most NCI_OUTSTREAM_CHUNK (PIPE_BUF) bytes of
   whole lines, so the lines of every writer sharing the output never tear; a
   line longer than the buffer is split; the last partial line goes out once its
   writer is gone and the pipe is empty. When the output is slow, the buffer
   fills and reading stops: the writer waits on its own write, nothing is
   dropped and the caller's loop never blocks. */
#define NCI_OUTSTREAM_CHUNK 4096

typedef struct nci_outstream_s nci_outstream ;
struct nci_outstream_s
{
  int rfd ;             /* the pipe's read end, non-blocking */
  int wfd ;             /* the pipe's write end, for the service */
  int outfd ;           /* where lines go */
  char const *prefix ;  /* "NAME: ", or "" */
  size_t prefixlen ;
  int flush ;           /* the writer is gone: its partial line goes once the pipe is empty */
  int partial_ok ;
  int broken ;          /* outfd failed: output is counted, not written */
  int eof ;             /* every writer is gone (when the caller holds no write end) */
  size_t len ;
  uint64_t dropped ;
  char buf[NCI_OUTSTREAM_CHUNK] ;
} ;

/* Sets up s with the pipe rfd/wfd (both -1: a new close-on-exec pipe) and the
   output outfd; a pipe output is reopened non-blocking, a description of its own.
   Returns 1, or 0 with errno set. */
extern int nci_outstream_init (nci_outstream *s, int outfd, int rfd, int wfd, char const *prefix, size_t prefixlen) ;
extern int nci_outstream_wants_read (nci_outstream const *s) ;
extern int nci_outstream_wants_write (nci_outstream const *s) ;
/* Returns 1, or 0 with errno set when the pipe could not be read. */
extern int nci_outstream_read (nci_outstream *s) ;
extern void nci_outstream_write (nci_outstream *s) ;
/* Everything left in the pipe and the buffer goes out, waiting on outfd if needed. */
extern void nci_outstream_drain (nci_outstream *s) ;

#endif
