#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <skalibs/uint64.h>

#include <nci/timespan.h>

#define WHITESPACE " \t\n\r"
#define USEC_PER_MIN (60 * NCI_USEC_PER_SEC)
#define USEC_PER_HOUR (60 * USEC_PER_MIN)
#define USEC_PER_DAY (24 * USEC_PER_HOUR)

struct unit_s
{
  char const *name ;
  uint64_t usec ;
} ;

/* systemd.time(7)'s units, matched as prefixes of what follows the number, so a name
   comes before any shorter name it starts with ("msec" before "ms" before "m").
   A month is 30.44 days and a year 365.25 days, as systemd counts them. */
static struct unit_s const units[] =
{
  { .name = "seconds", .usec = NCI_USEC_PER_SEC },
  { .name = "second", .usec = NCI_USEC_PER_SEC },
  { .name = "sec", .usec = NCI_USEC_PER_SEC },
  { .name = "s", .usec = NCI_USEC_PER_SEC },
  { .name = "minutes", .usec = USEC_PER_MIN },
  { .name = "minute", .usec = USEC_PER_MIN },
  { .name = "min", .usec = USEC_PER_MIN },
  { .name = "months", .usec = 2629800 * NCI_USEC_PER_SEC },
  { .name = "month", .usec = 2629800 * NCI_USEC_PER_SEC },
  { .name = "M", .usec = 2629800 * NCI_USEC_PER_SEC },
  { .name = "msec", .usec = 1000 },
  { .name = "ms", .usec = 1000 },
  { .name = "m", .usec = USEC_PER_MIN },
  { .name = "hours", .usec = USEC_PER_HOUR },
  { .name = "hour", .usec = USEC_PER_HOUR },
  { .name = "hr", .usec = USEC_PER_HOUR },
  { .name = "h", .usec = USEC_PER_HOUR },
  { .name = "days", .usec = USEC_PER_DAY },
  { .name = "day", .usec = USEC_PER_DAY },
  { .name = "d", .usec = USEC_PER_DAY },
  { .name = "weeks", .usec = 7 * USEC_PER_DAY },
  { .name = "week", .usec = 7 * USEC_PER_DAY },
  { .name = "w", .usec = 7 * USEC_PER_DAY },
  { .name = "years", .usec = 31557600 * NCI_USEC_PER_SEC },
  { .name = "year", .usec = 31557600 * NCI_USEC_PER_SEC },
  { .name = "y", .usec = 31557600 * NCI_USEC_PER_SEC },
  { .name = "usec", .usec = 1 },
  { .name = "us", .usec = 1 },
  { .name = "\xc2\xb5s", .usec = 1 },  /* U+00B5 MICRO SIGN */
  { .name = "\xce\xbcs", .usec = 1 },  /* U+03BC GREEK SMALL LETTER MU */
} ;

/* Returns the length of the unit name s starts with, 0 if none. */
static size_t unit_scan (char const *s, uint64_t *usec)
{
  for (size_t i = 0 ; i < sizeof(units) / sizeof(units[0]) ; i++)
  {
    size_t len = strlen(units[i].name) ;
    if (!strncmp(s, units[i].name, len))
    {
      *usec = units[i].usec ;
      return len ;
    }
  }
  return 0 ;
}

static int is_digit (char c)
{
  return c >= '0' && c <= '9' ;
}

/* Follows systemd's parse_time: a sum of NUMBER [UNIT] terms, blanks allowed between
   and inside terms; a sum that reaches UINT64_MAX (systemd's infinity) is out of range,
   as is a number beyond INT64_MAX (systemd reads them with strtoll). */
int nci_timespan_parse (char const *s, uint64_t default_unit, uint64_t *usec)
{
  uint64_t total = 0 ;
  int something = 0 ;
  if (!default_unit) goto invalid ;
  s += strspn(s, WHITESPACE) ;
  if (!strncmp(s, "infinity", 8))
  {
    s += 8 ;
    s += strspn(s, WHITESPACE) ;
    if (*s) goto invalid ;
    *usec = NCI_TIMESPAN_INFINITY ;
    return 1 ;
  }
  for (;;)
  {
    uint64_t whole = 0, multiplier = default_unit ;
    char const *frac = 0 ;
    char const *u ;
    size_t len ;
    s += strspn(s, WHITESPACE) ;
    if (!*s) break ;
    /* systemd reads numbers with strtoll, so "+5" is 5; a minus is no number here, so
       negative spans (even "-0") are invalid. */
    if (*s == '+' && is_digit(s[1])) s++ ;
    len = uint64_scan_base_max(s, &whole, 10, INT64_MAX) ;
    if (is_digit(s[len])) goto range ;
    s += len ;
    if (*s == '.')
    {
      frac = ++s ;
      while (is_digit(*s)) s++ ;
    }
    else if (!len) goto invalid ;
    u = s + strspn(s, WHITESPACE) ;
    len = unit_scan(u, &multiplier) ;
    /* Without a unit, the term must end at a blank or the end: "12.34.56" is refused,
       "12.34 .56" and "12.34s.56" are sums. */
    if (!len && u == s && *u) goto invalid ;
    s = u + len ;
    if (whole >= UINT64_MAX / multiplier) goto range ;
    if (whole * multiplier >= UINT64_MAX - total) goto range ;
    total += whole * multiplier ;
    if (frac)
    {
      uint64_t m = multiplier / 10 ;
      if (!is_digit(*frac)) goto invalid ;
      for (; is_digit(*frac) ; frac++, m /= 10)
      {
        uint64_t k = (uint64_t)(*frac - '0') * m ;
        if (k >= UINT64_MAX - total) goto range ;
        total += k ;
      }
    }
    something = 1 ;
  }
  if (!something) goto invalid ;
  *usec = total ;
  return 1 ;

 invalid:
  errno = EINVAL ;
  return 0 ;
 range:
  errno = ERANGE ;
  return 0 ;
}
