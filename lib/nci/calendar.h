#ifndef NCI_CALENDAR_H
#define NCI_CALENDAR_H

#include <stdint.h>

/* A calendar event expression of systemd.time(7) ("Mon..Fri *-*-* 02:00", "daily",
   "*-02~03 Europe/Berlin"), parsed, normalized and valid as systemd parses it, so that
   its normalized form and its elapses are systemd's (doc/calendar.md). */

/* The values one expression may list, all fields together; systemd allows 240 per
   field, which no timer needs and which would make every parsed timer 17 kB. */
#define NCI_CALENDAR_COMPONENTS 128
#define NCI_CALENDAR_TZ_MAX 64
#define NCI_CALENDAR_TEXT_MAX 1024
/* The normalized form's longest text: every component at its widest. */
#define NCI_CALENDAR_FMT_MAX (64 + NCI_CALENDAR_COMPONENTS * 56 + NCI_CALENDAR_TZ_MAX)

enum nci_calfield_e
{
  NCI_CAL_YEAR,
  NCI_CAL_MONTH,
  NCI_CAL_DAY,
  NCI_CAL_HOUR,
  NCI_CAL_MINUTE,
  NCI_CAL_USEC,  /* seconds, in microseconds */
  NCI_CAL_FIELDS
} ;

/* start, or every repeat from start (up to stop when stop >= 0); stop -1: no end.
   With end_of_month, the day field counts back from the month's last day. */
typedef struct nci_calcomp_s nci_calcomp ;
struct nci_calcomp_s
{
  int start ;
  int stop ;
  int repeat ;
} ;

typedef struct nci_calendar_s nci_calendar ;
struct nci_calendar_s
{
  int weekdays ;  /* bit 0 Monday ... bit 6 Sunday; -1: any day */
  int dst ;       /* 0 or 1: the local zone's standard or daylight name was given; else -1 */
  int utc ;
  int end_of_month ;
  char tz[NCI_CALENDAR_TZ_MAX] ;  /* an IANA zone name, or "" (local time or UTC) */
  unsigned char first[NCI_CAL_FIELDS] ;  /* field f is c[first[f]] .. c[first[f] + n[f] - 1] */
  unsigned char n[NCI_CAL_FIELDS] ;      /* 0: any value */
  nci_calcomp c[NCI_CALENDAR_COMPONENTS] ;
} ;

/* Parses s into *cal. Returns 1, or 0 with *why saying what is wrong (a static text,
   as "unknown weekday" or "hour out of range") and errno EINVAL. */
extern int nci_calendar_parse (char const *s, nci_calendar *cal, char const **why) ;

/* Writes the normalized form as systemd prints it into buf (NCI_CALENDAR_FMT_MAX bytes),
   NUL-terminated. */
extern void nci_calendar_format (nci_calendar const *cal, char *buf) ;

/* The first elapse strictly after `after` (microseconds since the epoch) into *next.
   Returns 1; 0 with errno ENOENT when it never elapses again (no later matching date
   before 2200), EDEADLK when the search went round for 1000 steps without an end (as
   systemd's, which then fails the same way), EINVAL when `after` is out of range, or
   what setting TZ failed with.
   With a zone, sets TZ for the computation and puts the caller's TZ back: not for
   threads, and not between another caller's tzset and its local time calls. */
extern int nci_calendar_next (nci_calendar const *cal, uint64_t after, uint64_t *next) ;

#endif
