#ifndef NCI_RLIMIT_H
#define NCI_RLIMIT_H

#include <sys/resource.h>

/* Parses nci-exec's -l argument RES=SOFT:HARD: RES one of cpu fsize data stack core rss
   nofile as nproc memlock locks sigpending msgqueue nice rtprio rttime (systemd's
   Limit* names, lower case), SOFT and HARD decimal numbers in the resource's own unit
   or "infinity", SOFT not above HARD. Returns 1, or 0 with errno EINVAL. */
extern int nci_rlimit_parse (char const *s, int *resource, struct rlimit *rl) ;

#endif
