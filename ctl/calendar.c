#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <skalibs/buffer.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>

#include <nci/calendar.h>
#include "ctl.h"

static void out (char const *s)
{
  if (buffer_puts(buffer_1, s) < 0) strerr_diefu1sys(111, "write to stdout") ;
}

static uint64_t now_usec (void)
{
  struct timespec ts ;
  if (clock_gettime(CLOCK_REALTIME, &ts) < 0) strerr_diefu1sys(111, "read the clock") ;
  return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000 ;
}

/* systemd prints the UTC time beside the local one unless they are the same. */
static int local_is_utc (void)
{
  tzset() ;
  return !timezone && !daylight ;
}

static void elapse (char const *label, uint64_t t)
{
  char line[128] ;
  char when[64] ;
  ctl_time_fmt(when, sizeof(when), t, 0) ;
  snprintf(line, sizeof(line), "%s: %s\n", label, when) ;
  out(line) ;
  if (!local_is_utc())
  {
    ctl_time_fmt(when, sizeof(when), t, 1) ;
    snprintf(line, sizeof(line), "       (in UTC): %s\n", when) ;
    out(line) ;
  }
  ctl_time_relative(when, sizeof(when), t, now_usec()) ;
  snprintf(line, sizeof(line), "       From now: %s\n", when) ;
  out(line) ;
}

/* The elapses are computed once before anything is printed: an expression whose search
   fails prints nothing, as systemd-analyze's. */
static int elapses_ok (char const *expr, nci_calendar const *cal, unsigned int iterations, uint64_t t)
{
  for (unsigned int i = 0 ; i < iterations ; i++)
  {
    if (nci_calendar_next(cal, t, &t)) continue ;
    if (errno == ENOENT) return 1 ;
    if (errno == EDEADLK)
      strerr_warnn(4, PROG, ": unable to compute the next elapse of \"", expr, "\": no end to the search in 1000 steps") ;
    else strerr_warnn(4, PROG, ": unable to compute the next elapse of \"", expr, "\": ", strerror(errno)) ;
    return 0 ;
  }
  return 1 ;
}

/* One expression's block, as systemd-analyze calendar prints it; 0 if it is invalid. */
static int one (char const *expr, unsigned int iterations, uint64_t base)
{
  static char norm[NCI_CALENDAR_FMT_MAX] ;
  nci_calendar cal ;
  char const *why ;
  uint64_t t = base ;
  if (!nci_calendar_parse(expr, &cal, &why))
  {
    strerr_warnn(5, PROG, ": invalid calendar expression \"", expr, "\": ", why) ;
    return 0 ;
  }
  if (!elapses_ok(expr, &cal, iterations, base)) return 0 ;
  nci_calendar_format(&cal, norm) ;
  if (strcmp(norm, expr))
  {
    out("  Original form: ") ;
    out(expr) ;
    out("\n") ;
  }
  out("Normalized form: ") ;
  out(norm) ;
  out("\n") ;
  for (unsigned int i = 0 ; i < iterations ; i++)
  {
    char label[32] ;
    if (!nci_calendar_next(&cal, t, &t))
    {
      if (!i) out("    Next elapse: never\n") ;
      break ;
    }
    if (!i) snprintf(label, sizeof(label), "    Next elapse") ;
    else snprintf(label, sizeof(label), "%*sIter. #%u", i + 1 < 10 ? 7 : i + 1 < 100 ? 6 : 5, "", i + 1) ;
    elapse(label, t) ;
  }
  return 1 ;
}

int ctl_calendar (char const *const *exprs, unsigned int n, unsigned int iterations, char const *base)
{
  uint64_t from = now_usec() ;
  int ok = 1 ;
  if (base)
  {
    nci_calendar cal ;
    char const *why ;
    if (!nci_calendar_parse(base, &cal, &why)) strerr_dief4x(100, "invalid base time \"", base, "\": ", why) ;
    for (int f = 0 ; f < NCI_CAL_FIELDS ; f++)
      if (cal.n[f] != 1 || cal.c[cal.first[f]].stop >= 0 || cal.c[cal.first[f]].repeat)
        strerr_dief3x(100, "invalid base time \"", base, "\": not a single point in time") ;
    if (!nci_calendar_next(&cal, 0, &from)) strerr_dief3x(100, "invalid base time \"", base, "\": not after 1970-01-01 00:00:00 UTC") ;
  }
  for (unsigned int i = 0 ; i < n ; i++)
  {
    if (i) out("\n") ;
    if (!one(exprs[i], iterations, from)) ok = 0 ;
  }
  if (!buffer_flush(buffer_1)) strerr_diefu1sys(111, "write to stdout") ;
  return ok ? 0 : 1 ;
}
