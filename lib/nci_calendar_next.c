#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nci/calendar.h>

#define USEC_PER_SEC 1000000
#define YEAR_MAX 2199
/* systemd's bound on the search: some expressions in some zones (a day that a DST change
   skips, every year) make it go round for ever; systemd then gives up, and so do we. */
#define STEPS_MAX 1000
/* The last second systemd formats as a timestamp: 9999-12-30 23:59:59 UTC. */
#define AFTER_MAX (UINT64_C(253402214399) * USEC_PER_SEC)

/* The search walks broken-down time the way systemd does: each field from the year down
   is moved to its next matching value, and mktime/timegm say whether the result exists
   (a 31st of April, an hour skipped by a DST change) by normalizing it away. */

static time_t mk (struct tm *tm, int utc)
{
  return utc ? timegm(tm) : mktime(tm) ;
}

/* The day of tm's month that is `back` days before its end, counting the last day as 1;
   -1 if the month is shorter. */
static int end_of_month (struct tm const *tm, int utc, int back)
{
  struct tm t = *tm ;
  t.tm_mon++ ;
  t.tm_mday = 1 - back ;
  if (mk(&t, utc) < 0 || t.tm_mon != tm->tm_mon) return -1 ;
  return t.tm_mday ;
}

/* Moves *val to the field's first matching value at or after it. Returns 1 if it moved,
   0 if *val matched, -1 if nothing at or after *val matches. */
static int next_value (nci_calendar const *cal, int f, struct tm const *tm, int *val)
{
  nci_calcomp const *c = cal->c + cal->first[f] ;
  int best = 0, found = 0 ;
  if (!cal->n[f]) return 0 ;
  for (unsigned int i = 0 ; i < cal->n[f] ; i++, c++)
  {
    int start = c->start, stop = c->stop ;
    if (cal->end_of_month && f == NCI_CAL_DAY)
    {
      start = end_of_month(tm, cal->utc, start) ;
      stop = end_of_month(tm, cal->utc, stop) ;
      if (stop > 0)
      {
        int x = start ;
        start = stop ;
        stop = x ;
      }
    }
    if (start >= *val)
    {
      if (!found || start < best)
      {
        best = start ;
        found = 1 ;
      }
    }
    else if (c->repeat > 0)
    {
      int k = start + c->repeat * ((*val - start + c->repeat - 1) / c->repeat) ;
      if ((!found || k < best) && (stop < 0 || k <= stop))
      {
        best = k ;
        found = 1 ;
      }
    }
  }
  if (!found) return -1 ;
  if (best == *val) return 0 ;
  *val = best ;
  return 1 ;
}

static int cmp (int a, int b)
{
  return (a > b) - (a < b) ;
}

/* 1 if tm names an existing time as it is. Else 0 with *tm moved forward to the time
   it normalizes to, the field below the first that changed reset (a 33rd of March is
   the 2nd of April: the 1st must not be skipped); -1 if it normalizes backward (the
   repeated hour of a DST change), past 2199 or before the epoch. */
static int in_bounds (struct tm *tm, int utc)
{
  struct tm t = *tm ;
  int c ;
  if (tm->tm_year + 1900 > YEAR_MAX) return -1 ;
  if (mk(&t, utc) < 0) return -1 ;
  if ((c = cmp(t.tm_year, tm->tm_year))) t.tm_mon = 0 ;
  else if ((c = cmp(t.tm_mon, tm->tm_mon))) t.tm_mday = 1 ;
  else if ((c = cmp(t.tm_mday, tm->tm_mday))) t.tm_hour = 0 ;
  else if ((c = cmp(t.tm_hour, tm->tm_hour))) t.tm_min = 0 ;
  else if ((c = cmp(t.tm_min, tm->tm_min))) t.tm_sec = 0 ;
  else c = cmp(t.tm_sec, tm->tm_sec) ;
  if (c < 0) return -1 ;
  if (!c) return 1 ;
  *tm = t ;
  return 0 ;
}

static int weekday_matches (int bits, struct tm const *tm, int utc)
{
  struct tm t = *tm ;
  if (bits < 0) return 1 ;
  if (mk(&t, utc) < 0) return 0 ;
  return !!(bits & (1 << (t.tm_wday ? t.tm_wday - 1 : 6))) ;
}

static int field_get (struct tm const *tm, int us, int f)
{
  switch (f)
  {
    case NCI_CAL_YEAR : return tm->tm_year + 1900 ;
    case NCI_CAL_MONTH : return tm->tm_mon + 1 ;
    case NCI_CAL_DAY : return tm->tm_mday ;
    case NCI_CAL_HOUR : return tm->tm_hour ;
    case NCI_CAL_MINUTE : return tm->tm_min ;
    default : return tm->tm_sec * USEC_PER_SEC + us ;
  }
}

static void field_set (struct tm *tm, int *us, int f, int v)
{
  switch (f)
  {
    case NCI_CAL_YEAR : tm->tm_year = v - 1900 ; break ;
    case NCI_CAL_MONTH : tm->tm_mon = v - 1 ; break ;
    case NCI_CAL_DAY : tm->tm_mday = v ; break ;
    case NCI_CAL_HOUR : tm->tm_hour = v ; break ;
    case NCI_CAL_MINUTE : tm->tm_min = v ; break ;
    default :
      tm->tm_sec = v / USEC_PER_SEC ;
      *us = v % USEC_PER_SEC ;
      break ;
  }
}

/* Every field below f at its first value. */
static void clear_below (struct tm *tm, int *us, int f)
{
  if (f < NCI_CAL_MONTH) tm->tm_mon = 0 ;
  if (f < NCI_CAL_DAY) tm->tm_mday = 1 ;
  if (f < NCI_CAL_HOUR) tm->tm_hour = 0 ;
  if (f < NCI_CAL_MINUTE) tm->tm_min = 0 ;
  if (f < NCI_CAL_USEC)
  {
    tm->tm_sec = 0 ;
    *us = 0 ;
  }
}

/* Field f one further, the fields below it at their first value: it has no match left. */
static void carry (struct tm *tm, int *us, int f)
{
  field_set(tm, us, f, field_get(tm, *us, f) + 1) ;
  clear_below(tm, us, f) ;
}

/* Moves field f to its next match. Returns 1 (tm exists as it is), 0 (tm was normalized
   forward: search again from there) or -1 (no match, or it went backward). */
static int field_step (nci_calendar const *cal, int f, struct tm *tm, int *us)
{
  int v = field_get(tm, *us, f) ;
  int r = next_value(cal, f, tm, &v) ;
  if (r < 0) return -1 ;
  field_set(tm, us, f, v) ;
  if (r > 0) clear_below(tm, us, f) ;
  return in_bounds(tm, cal->utc) ;
}

/* The fields from the year down, each moved to its next match; on a field with no match
   left, the one above it goes one further. Returns 1, or 0 with errno ENOENT (no match
   before 2200) or EDEADLK (no end in sight). */
static int find_next (nci_calendar const *cal, struct tm *tm, int *usec)
{
  struct tm c = *tm ;
  int us = *usec ;
  for (unsigned int step = 0 ; step < STEPS_MAX ; step++)
  {
    int f ;
    mk(&c, cal->utc) ;
    c.tm_isdst = cal->dst ;
    if (field_step(cal, NCI_CAL_YEAR, &c, &us) <= 0) return (errno = ENOENT, 0) ;
    for (f = NCI_CAL_MONTH ; f < NCI_CAL_FIELDS ; f++)
    {
      int r ;
      if (f == NCI_CAL_HOUR && !weekday_matches(cal->weekdays, &c, cal->utc))
      {
        carry(&c, &us, NCI_CAL_DAY) ;
        break ;
      }
      r = field_step(cal, f, &c, &us) ;
      if (r < 0) carry(&c, &us, f - 1) ;
      if (r <= 0) break ;
    }
    if (f < NCI_CAL_FIELDS) continue ;
    *tm = c ;
    *usec = us ;
    return 1 ;
  }
  errno = EDEADLK ;
  return 0 ;
}

static int next_here (nci_calendar const *cal, uint64_t after, uint64_t *next)
{
  struct tm tm ;
  time_t t ;
  int us ;
  if (after > AFTER_MAX) return (errno = EINVAL, 0) ;
  after++ ;
  t = (time_t)(after / USEC_PER_SEC) ;
  us = (int)(after % USEC_PER_SEC) ;
  if (!(cal->utc ? gmtime_r(&t, &tm) : localtime_r(&t, &tm))) return (errno = EINVAL, 0) ;
  if (!find_next(cal, &tm, &us)) return 0 ;
  t = mk(&tm, cal->utc) ;
  if (t < 0) return (errno = EINVAL, 0) ;
  *next = (uint64_t)t * USEC_PER_SEC + (uint64_t)us ;
  return 1 ;
}

int nci_calendar_next (nci_calendar const *cal, uint64_t after, uint64_t *next)
{
  char saved[256] ;
  char zone[NCI_CALENDAR_TZ_MAX + 1] ;
  char const *old ;
  int had, r, e ;
  if (!cal->tz[0]) return next_here(cal, after, next) ;
  old = getenv("TZ") ;
  had = !!old ;
  if (had)
  {
    if (strlen(old) >= sizeof(saved)) return (errno = ENAMETOOLONG, 0) ;
    memcpy(saved, old, strlen(old) + 1) ;
  }
  /* tzset(3): a leading ':' names a file of the zone database */
  zone[0] = ':' ;
  memcpy(zone + 1, cal->tz, strlen(cal->tz) + 1) ;
  if (setenv("TZ", zone, 1) < 0) return 0 ;
  tzset() ;
  r = next_here(cal, after, next) ;
  e = errno ;
  if (had ? setenv("TZ", saved, 1) < 0 : unsetenv("TZ") < 0)
  {
    r = 0 ;
    e = errno ;
  }
  tzset() ;
  errno = e ;
  return r ;
}
