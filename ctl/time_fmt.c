#include <stdio.h>
#include <time.h>

#include "ctl.h"

#define USEC_PER_SEC UINT64_C(1000000)
#define USEC_PER_MIN (60 * USEC_PER_SEC)
#define USEC_PER_HOUR (60 * USEC_PER_MIN)
#define USEC_PER_DAY (24 * USEC_PER_HOUR)
#define USEC_PER_WEEK (7 * USEC_PER_DAY)
/* systemd's month and year: 30.44 and 365.25 days */
#define USEC_PER_MONTH (2629800 * USEC_PER_SEC)
#define USEC_PER_YEAR (31557600 * USEC_PER_SEC)

void ctl_time_fmt (char *buf, size_t len, uint64_t usec, int utc)
{
  time_t t = (time_t)(usec / USEC_PER_SEC) ;
  struct tm tm ;
  if (!(utc ? gmtime_r(&t, &tm) : localtime_r(&t, &tm))
   || !strftime(buf, len, utc ? "%a %Y-%m-%d %H:%M:%S UTC" : "%a %Y-%m-%d %H:%M:%S %Z", &tm))
    snprintf(buf, len, "@%llu", (unsigned long long)(usec / USEC_PER_SEC)) ;
}

static char const *plural (unsigned long long n, char const *one, char const *many)
{
  return n == 1 ? one : many ;
}

/* The two largest units that say how far usec is from now, as systemctl and
   systemd-analyze print it: "2h 17min left", "1 year 2 months ago". */
void ctl_time_relative (char *buf, size_t len, uint64_t usec, uint64_t now)
{
  char const *side = usec > now ? "left" : "ago" ;
  uint64_t d = usec > now ? usec - now : now - usec ;
  unsigned long long a, b ;
  if (d >= USEC_PER_YEAR)
  {
    a = d / USEC_PER_YEAR ;
    b = d % USEC_PER_YEAR / USEC_PER_MONTH ;
    snprintf(buf, len, "%llu %s %llu %s %s", a, plural(a, "year", "years"), b, plural(b, "month", "months"), side) ;
  }
  else if (d >= USEC_PER_MONTH)
  {
    a = d / USEC_PER_MONTH ;
    b = d % USEC_PER_MONTH / USEC_PER_DAY ;
    snprintf(buf, len, "%llu %s %llu %s %s", a, plural(a, "month", "months"), b, plural(b, "day", "days"), side) ;
  }
  else if (d >= USEC_PER_WEEK)
  {
    a = d / USEC_PER_WEEK ;
    b = d % USEC_PER_WEEK / USEC_PER_DAY ;
    snprintf(buf, len, "%llu %s %llu %s %s", a, plural(a, "week", "weeks"), b, plural(b, "day", "days"), side) ;
  }
  else if (d >= 2 * USEC_PER_DAY) snprintf(buf, len, "%llu days %s", (unsigned long long)(d / USEC_PER_DAY), side) ;
  else if (d >= 25 * USEC_PER_HOUR)
    snprintf(buf, len, "1 day %lluh %s", (unsigned long long)((d - USEC_PER_DAY) / USEC_PER_HOUR), side) ;
  else if (d >= 6 * USEC_PER_HOUR) snprintf(buf, len, "%lluh %s", (unsigned long long)(d / USEC_PER_HOUR), side) ;
  else if (d >= USEC_PER_HOUR)
    snprintf(buf, len, "%lluh %llumin %s", (unsigned long long)(d / USEC_PER_HOUR),
      (unsigned long long)(d % USEC_PER_HOUR / USEC_PER_MIN), side) ;
  else if (d >= 5 * USEC_PER_MIN) snprintf(buf, len, "%llumin %s", (unsigned long long)(d / USEC_PER_MIN), side) ;
  else if (d >= USEC_PER_MIN)
    snprintf(buf, len, "%llumin %llus %s", (unsigned long long)(d / USEC_PER_MIN),
      (unsigned long long)(d % USEC_PER_MIN / USEC_PER_SEC), side) ;
  else if (d >= USEC_PER_SEC) snprintf(buf, len, "%llus %s", (unsigned long long)(d / USEC_PER_SEC), side) ;
  else if (d >= 1000) snprintf(buf, len, "%llums %s", (unsigned long long)(d / 1000), side) ;
  else if (d > 0) snprintf(buf, len, "%lluus %s", (unsigned long long)d, side) ;
  else snprintf(buf, len, "now") ;
}
