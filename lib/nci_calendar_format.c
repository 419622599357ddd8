#include <stdio.h>
#include <string.h>
#include <time.h>

#include <nci/calendar.h>

#define USEC_PER_SEC 1000000

typedef struct out_s out ;
struct out_s
{
  char *buf ;
  size_t len ;
} ;

static void put (out *o, char const *s)
{
  size_t n = strlen(s) ;
  if (o->len + n >= NCI_CALENDAR_FMT_MAX) n = NCI_CALENDAR_FMT_MAX - 1 - o->len ;
  memcpy(o->buf + o->len, s, n) ;
  o->len += n ;
  o->buf[o->len] = 0 ;
}

static void putn (out *o, int width, int v)
{
  char s[16] ;
  snprintf(s, sizeof(s), "%0*d", width, v) ;
  put(o, s) ;
}

static void putfrac (out *o, int v)
{
  char s[16] ;
  snprintf(s, sizeof(s), ".%06d", v) ;
  put(o, s) ;
}

/* Runs of three or more days are written as ranges, as systemd writes them. */
static void weekdays (out *o, int bits)
{
  static char const *const days[7] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" } ;
  int comma = 0 ;
  int x = 0 ;
  while (x < 7)
  {
    int end = x ;
    if (!(bits & (1 << x)))
    {
      x++ ;
      continue ;
    }
    while (end + 1 < 7 && bits & (1 << (end + 1))) end++ ;
    if (comma) put(o, ",") ;
    comma = 1 ;
    put(o, days[x]) ;
    if (end > x)
    {
      put(o, end > x + 1 ? ".." : ",") ;
      put(o, days[end]) ;
    }
    x = end + 1 ;
  }
}

static void field (out *o, nci_calendar const *cal, int f, int width)
{
  int d = f == NCI_CAL_USEC ? USEC_PER_SEC : 1 ;
  nci_calcomp const *c = cal->c + cal->first[f] ;
  unsigned int n = cal->n[f] ;
  if (!n || (f == NCI_CAL_USEC && n == 1 && !c->start && c->repeat == USEC_PER_SEC && c->stop < 0))
  {
    put(o, "*") ;
    return ;
  }
  for (unsigned int i = 0 ; i < n ; i++, c++)
  {
    if (i) put(o, ",") ;
    putn(o, width, c->start / d) ;
    if (c->start % d) putfrac(o, c->start % d) ;
    if (c->stop > 0)
    {
      put(o, "..") ;
      putn(o, width, c->stop / d) ;
      if (c->stop % d) putfrac(o, c->stop % d) ;
    }
    /* a range's step of one is implied */
    if (c->repeat > 0 && !(c->stop > 0 && c->repeat == d))
    {
      put(o, "/") ;
      putn(o, 0, c->repeat / d) ;
      if (c->repeat % d) putfrac(o, c->repeat % d) ;
    }
  }
}

void nci_calendar_format (nci_calendar const *cal, char *buf)
{
  out o = { .buf = buf, .len = 0 } ;
  buf[0] = 0 ;
  if (cal->weekdays > 0)
  {
    weekdays(&o, cal->weekdays) ;
    put(&o, " ") ;
  }
  field(&o, cal, NCI_CAL_YEAR, 4) ;
  put(&o, "-") ;
  field(&o, cal, NCI_CAL_MONTH, 2) ;
  put(&o, cal->end_of_month ? "~" : "-") ;
  field(&o, cal, NCI_CAL_DAY, 2) ;
  put(&o, " ") ;
  field(&o, cal, NCI_CAL_HOUR, 2) ;
  put(&o, ":") ;
  field(&o, cal, NCI_CAL_MINUTE, 2) ;
  put(&o, ":") ;
  field(&o, cal, NCI_CAL_USEC, 2) ;
  if (cal->utc) put(&o, " UTC") ;
  else if (cal->tz[0])
  {
    put(&o, " ") ;
    put(&o, cal->tz) ;
  }
  else if (cal->dst == 0 || cal->dst == 1)
  {
    tzset() ;
    if (tzname[cal->dst] && tzname[cal->dst][0])
    {
      put(&o, " ") ;
      put(&o, tzname[cal->dst]) ;
    }
  }
}
