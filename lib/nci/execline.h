#ifndef NCI_EXECLINE_H
#define NCI_EXECLINE_H

#include <stddef.h>

/* A script that is one command: "#!DIR/execlineb -P", a newline, the words of a
   single command on one line and a newline, as nci-convert writes `run` for a unit
   without ExecStartPre=. execlineb -P would only split it and exec it, so whoever
   starts it can exec the command directly and spare a process image.
   nci_execline_simple parses s (len bytes, changed in place: quotes removed,
   escapes decoded, words NUL-terminated) into argv, at most max - 1 words and a
   null pointer, and returns the number of words. It returns 0 for anything else:
   blocks, several commands or lines, comments, a relative program, escapes or
   characters nci-convert never writes bare, more words than fit. Then the script
   must go to execlineb, which reads all of execline. */
extern unsigned int nci_execline_simple (char *s, size_t len, char const **argv, unsigned int max) ;

#endif
