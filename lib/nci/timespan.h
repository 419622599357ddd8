#ifndef NCI_TIMESPAN_H
#define NCI_TIMESPAN_H

#include <stdint.h>

#define NCI_TIMESPAN_INFINITY UINT64_MAX
#define NCI_USEC_PER_SEC UINT64_C(1000000)

/* Parses a systemd time span ("2", "10s", "1min 30s", "500ms", "2h5m", "infinity")
   into microseconds; a bare number counts in units of default_unit microseconds
   (NCI_USEC_PER_SEC for most keys). "infinity" gives NCI_TIMESPAN_INFINITY.
   Returns 1, or 0 with errno EINVAL (syntax) or ERANGE (overflow), *usec untouched.
   As systemd's parse_time: units are the prefixes of systemd.time(7) ("5mins" is
   invalid), terms add up ("1h 30" is 1 h 30 s, "12.34s.56" 12.9 s), "+5" is 5, a sum
   reaching NCI_TIMESPAN_INFINITY or a number above INT64_MAX is ERANGE. A negative
   span is EINVAL here (systemd says ERANGE). */
extern int nci_timespan_parse (char const *s, uint64_t default_unit, uint64_t *usec) ;

#endif
