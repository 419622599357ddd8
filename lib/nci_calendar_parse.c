#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <nci/calendar.h>

#define USEC_PER_SEC 1000000
#define YEAR_MIN 1970
#define YEAR_MAX 2199

/* The parse in progress: components are appended to cal->c as chains are read; a chain
   is a run [first, first + n). */
typedef struct parse_s parse ;
struct parse_s
{
  nci_calendar *cal ;
  unsigned int used ;
  char const *why ;
} ;

typedef struct run_s run ;
struct run_s
{
  unsigned int first ;
  unsigned int n ;
  int star ;
} ;

static int bad (parse *p, char const *why)
{
  if (!p->why) p->why = why ;
  errno = EINVAL ;
  return 0 ;
}

static int push (parse *p, int start, int stop, int repeat)
{
  if (p->used >= NCI_CALENDAR_COMPONENTS) return bad(p, "more than 128 values") ;
  p->cal->c[p->used++] = (nci_calcomp){ .start = start, .stop = stop, .repeat = repeat } ;
  return 1 ;
}

static int isdig (char c)
{
  return c >= '0' && c <= '9' ;
}

/* systemd's rule: six fractional digits, the seventh rounds, more are read and dropped. */
static int fraction (char const **s, unsigned int *usec)
{
  char const *t = *s ;
  unsigned int v = 0 ;
  unsigned int i = 0 ;
  for (; i < 6 && isdig(*t) ; i++, t++) v = v * 10 + (unsigned int)(*t - '0') ;
  if (!i) return 0 ;
  for (; i < 6 ; i++) v *= 10 ;
  if (*t >= '5' && *t <= '9') v++ ;
  while (isdig(*t)) t++ ;
  *usec = v ;
  *s = t ;
  return 1 ;
}

static int number (parse *p, char const **s, int usec, int *value)
{
  char *e ;
  unsigned long v ;
  if (!isdig(**s)) return bad(p, "a number is expected") ;
  errno = 0 ;
  v = strtoul(*s, &e, 10) ;
  if (errno) return bad(p, "a number is out of range") ;
  if (usec)
  {
    if (v > ULONG_MAX / USEC_PER_SEC) return bad(p, "a number is out of range") ;
    v *= USEC_PER_SEC ;
    /* one '.' is a decimal point, two a range */
    if (e[0] == '.' && e[1] != '.')
    {
      unsigned int add ;
      char const *f = e + 1 ;
      if (!fraction(&f, &add)) return bad(p, "a fraction has no digits") ;
      v += add ;
      e = (char *)f ;
    }
  }
  if (v > INT_MAX) return bad(p, "a number is out of range") ;
  *value = (int)v ;
  *s = e ;
  return 1 ;
}

/* A chain: "*", or components separated by ',': N, N..M, N/R, N..M/R. */
static int chain (parse *p, char const **s, int usec, run *r)
{
  char const *t = *s ;
  r->first = p->used ;
  r->n = 0 ;
  r->star = 0 ;
  if (*t == '*')
  {
    r->star = 1 ;
    if (usec && !push(p, 0, -1, USEC_PER_SEC)) return 0 ;
    r->n = usec ;
    *s = t + 1 ;
    return 1 ;
  }
  for (;;)
  {
    int start, stop = -1, repeat = 0 ;
    if (!number(p, &t, usec, &start)) return 0 ;
    if (t[0] == '.' && t[1] == '.')
    {
      t += 2 ;
      if (!number(p, &t, usec, &stop)) return 0 ;
      repeat = usec ? USEC_PER_SEC : 1 ;
    }
    if (*t == '/')
    {
      t++ ;
      if (!number(p, &t, usec, &repeat)) return 0 ;
      if (!repeat) return bad(p, "a repetition is zero") ;
    }
    else
    {
      if (start > INT_MAX - repeat) return bad(p, "a number is out of range") ;
      /* a range of seconds steps by whole seconds unless told otherwise */
      if (usec && stop >= 0 && start + repeat > stop) return bad(p, "a range of seconds is shorter than a second") ;
    }
    if (*t && !strchr(" ,-~:", *t)) return bad(p, "unexpected character") ;
    if (!push(p, start, stop, repeat)) return 0 ;
    r->n++ ;
    if (*t != ',') break ;
    t++ ;
  }
  *s = t ;
  return 1 ;
}

static void assign (parse *p, int field, run const *r)
{
  p->cal->first[field] = (unsigned char)r->first ;
  p->cal->n[field] = (unsigned char)r->n ;
}

static int constant (parse *p, int field, int value)
{
  run r = { .first = p->used, .n = 1, .star = 0 } ;
  if (!push(p, value, -1, 0)) return 0 ;
  assign(p, field, &r) ;
  return 1 ;
}

static int prefix_nocase (char const *s, char const *prefix)
{
  return !strncasecmp(s, prefix, strlen(prefix)) ;
}

static int weekdays (parse *p, char const **s)
{
  static char const *const names[14] =
  {
    "Monday", "Mon", "Tuesday", "Tue", "Wednesday", "Wed", "Thursday", "Thu",
    "Friday", "Fri", "Saturday", "Sat", "Sunday", "Sun"
  } ;
  char const *t = *s ;
  int from = -1 ;
  int first = 1 ;
  int bits = 0 ;
  for (;;)
  {
    unsigned int i = 0 ;
    int day ;
    while (i < 14 && !prefix_nocase(t, names[i])) i++ ;
    if (i == 14)
    {
      if (first) return 1 ;
      return bad(p, "a weekday is expected") ;
    }
    day = (int)(i / 2) ;
    t += strlen(names[i]) ;
    if (*t && !strchr("-., ", *t)) return bad(p, "unknown weekday") ;
    bits |= 1 << day ;
    if (from >= 0)
    {
      if (from > day) return bad(p, "a weekday range goes backwards") ;
      for (int j = from + 1 ; j < day ; j++) bits |= 1 << j ;
    }
    p->cal->weekdays = bits ;
    if (!*t) break ;
    if (*t == ' ')
    {
      t += strspn(t, " ") ;
      break ;
    }
    if (*t == '.')
    {
      if (from >= 0 || t[1] != '.') return bad(p, "a weekday range is malformed") ;
      from = day ;
      t += 2 ;
    }
    else if (*t == '-')
    {
      if (from >= 0) return bad(p, "a weekday range is malformed") ;
      from = day ;
      t++ ;
    }
    else if (*t == ',')
    {
      from = -1 ;
      t++ ;
    }
    if (!*t || *t == ' ')
    {
      t += strspn(t, " ") ;
      if (from >= 0) return bad(p, "a weekday range has no end") ;
      break ;
    }
    first = 0 ;
  }
  *s = t ;
  return 1 ;
}

/* @SECONDS: that one second, in UTC. */
static int timestamp (parse *p, char const **s)
{
  char *e ;
  unsigned long v ;
  time_t t ;
  struct tm tm ;
  errno = 0 ;
  v = strtoul(*s + 1, &e, 10) ;
  if (errno || e == *s + 1) return bad(p, "a timestamp is malformed") ;
  t = (time_t)v ;
  if ((unsigned long)t != v || !gmtime_r(&t, &tm) || tm.tm_year > INT_MAX - 1900)
    return bad(p, "a timestamp is out of range") ;
  p->cal->utc = 1 ;
  if (!constant(p, NCI_CAL_YEAR, tm.tm_year + 1900)
   || !constant(p, NCI_CAL_MONTH, tm.tm_mon + 1)
   || !constant(p, NCI_CAL_DAY, tm.tm_mday)
   || !constant(p, NCI_CAL_HOUR, tm.tm_hour)
   || !constant(p, NCI_CAL_MINUTE, tm.tm_min)
   || !constant(p, NCI_CAL_USEC, tm.tm_sec * USEC_PER_SEC)) return 0 ;
  *s = e ;
  return 1 ;
}

/* Returns 1 and the date read, 2 after a timestamp (no time follows), 0 on error; a
   first chain followed by ':' or nothing is the time, left to be read again. */
static int date (parse *p, char const **s)
{
  char const *t = *s ;
  unsigned int mark = p->used ;
  run a, b, c ;
  if (!*t) return 1 ;
  if (*t == '@')
  {
    if (!timestamp(p, &t)) return 0 ;
    *s = t ;
    return 2 ;
  }
  if (!chain(p, &t, 0, &a)) return 0 ;
  if (!*t || *t == ':')
  {
    p->used = mark ;
    return 1 ;
  }
  if (*t == '~') p->cal->end_of_month = 1 ;
  else if (*t != '-') return bad(p, "a date is malformed") ;
  t++ ;
  if (!chain(p, &t, 0, &b)) return 0 ;
  if (!*t || *t == ' ')
  {
    assign(p, NCI_CAL_MONTH, &a) ;
    assign(p, NCI_CAL_DAY, &b) ;
    *s = t + strspn(t, " ") ;
    return 1 ;
  }
  if (p->cal->end_of_month) return bad(p, "'~' is only between month and day") ;
  if (*t == '~') p->cal->end_of_month = 1 ;
  else if (*t != '-') return bad(p, "a date is malformed") ;
  t++ ;
  if (!chain(p, &t, 0, &c)) return 0 ;
  if (*t && *t != ' ') return bad(p, "a date is malformed") ;
  assign(p, NCI_CAL_YEAR, &a) ;
  assign(p, NCI_CAL_MONTH, &b) ;
  assign(p, NCI_CAL_DAY, &c) ;
  *s = t + strspn(t, " ") ;
  return 1 ;
}

/* HOUR:MINUTE[:SECOND], or nothing for 00:00:00. */
static int timeofday (parse *p, char const **s)
{
  char const *t = *s ;
  run h, m, sec ;
  if (!*t) return constant(p, NCI_CAL_HOUR, 0) && constant(p, NCI_CAL_MINUTE, 0) && constant(p, NCI_CAL_USEC, 0) ;
  if (!chain(p, &t, 0, &h)) return 0 ;
  if (*t != ':') return bad(p, "a time is malformed") ;
  t++ ;
  if (!chain(p, &t, 0, &m)) return 0 ;
  assign(p, NCI_CAL_HOUR, &h) ;
  assign(p, NCI_CAL_MINUTE, &m) ;
  if (!*t)
  {
    *s = t ;
    return constant(p, NCI_CAL_USEC, 0) ;
  }
  if (*t != ':') return bad(p, "a time is malformed") ;
  t++ ;
  if (!chain(p, &t, 1, &sec)) return 0 ;
  if (*t) return bad(p, "unexpected text after the time") ;
  assign(p, NCI_CAL_USEC, &sec) ;
  *s = t ;
  return 1 ;
}

static int shorthand (parse *p, char const *s)
{
  static struct { char const *name ; int level ; } const names[] =
  {
    /* level: the fields set to their first value, from seconds up */
    { "minutely", 1 }, { "hourly", 2 }, { "daily", 3 }, { "weekly", 13 }, { "monthly", 4 },
    { "quarterly", 15 }, { "semiannually", 16 }, { "semi-annually", 16 },
    { "biannually", 16 }, { "bi-annually", 16 },
    { "yearly", 5 }, { "annually", 5 }, { "anually", 5 },
  } ;
  unsigned int i = 0 ;
  int level ;
  while (i < sizeof(names) / sizeof(names[0]) && strcasecmp(s, names[i].name)) i++ ;
  if (i == sizeof(names) / sizeof(names[0])) return -1 ;
  level = names[i].level ;
  if (level == 13)
  {
    p->cal->weekdays = 1 ;
    level = 3 ;
  }
  if (level >= 15)
  {
    static int const quarters[4] = { 1, 4, 7, 10 } ;
    run r = { .first = p->used, .n = 0, .star = 0 } ;
    for (unsigned int k = 0 ; k < 4 ; k += level == 15 ? 1 : 2, r.n++)
      if (!push(p, quarters[k], -1, 0)) return 0 ;
    assign(p, NCI_CAL_MONTH, &r) ;
    level = 4 ;
  }
  else if (level >= 5 && !constant(p, NCI_CAL_MONTH, 1)) return 0 ;
  if (level >= 4 && !constant(p, NCI_CAL_DAY, 1)) return 0 ;
  if (level >= 3 && !constant(p, NCI_CAL_HOUR, 0)) return 0 ;
  if (level >= 2 && !constant(p, NCI_CAL_MINUTE, 0)) return 0 ;
  return constant(p, NCI_CAL_USEC, 0) ;
}

/* systemd's test of a zone name: safe characters, no empty path element, and a TZif file
   under $TZDIR or /usr/share/zoneinfo. */
static int zone_valid (char const *name)
{
  char path[PATH_MAX] ;
  char const *dir = getenv("TZDIR") ;
  char magic[4] ;
  struct stat st ;
  size_t n = strlen(name) ;
  int fd, ok ;
  if (!n || n >= NCI_CALENDAR_TZ_MAX || name[0] == '/' || name[n - 1] == '/') return 0 ;
  for (size_t i = 0 ; i < n ; i++)
  {
    char ch = name[i] ;
    if (!(isdig(ch) || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || strchr("-_+/", ch))) return 0 ;
    if (ch == '/' && name[i + 1] == '/') return 0 ;
  }
  if (!dir || !*dir) dir = "/usr/share/zoneinfo" ;
  if (strlen(dir) + 1 + n >= sizeof(path)) return 0 ;
  memcpy(path, dir, strlen(dir)) ;
  path[strlen(dir)] = '/' ;
  memcpy(path + strlen(dir) + 1, name, n + 1) ;
  fd = open(path, O_RDONLY | O_CLOEXEC) ;
  if (fd < 0) return 0 ;
  ok = !fstat(fd, &st) && S_ISREG(st.st_mode) && read(fd, magic, 4) == 4 && !memcmp(magic, "TZif", 4) ;
  close(fd) ;
  return ok ;
}

static int suffix_nocase (char const *s, size_t len, char const *suffix)
{
  size_t n = strlen(suffix) ;
  return n && len > n && s[len - n - 1] == ' ' && !strncasecmp(s + len - n, suffix, n) ;
}

/* Takes a zone off the end of buf: " UTC", the local zone's own names, or an IANA zone. */
static void zone (parse *p, char *buf)
{
  size_t len = strlen(buf) ;
  char *space ;
  if (len >= 4 && !strcasecmp(buf + len - 4, " UTC"))
  {
    p->cal->utc = 1 ;
    buf[len - 4] = 0 ;
    return ;
  }
  tzset() ;
  for (int j = 0 ; j < 2 ; j++)
    if (tzname[j] && suffix_nocase(buf, len, tzname[j]))
    {
      p->cal->dst = j ;
      buf[len - strlen(tzname[j]) - 1] = 0 ;
      return ;
    }
  space = strrchr(buf, ' ') ;
  if (space && zone_valid(space + 1))
  {
    memcpy(p->cal->tz, space + 1, strlen(space + 1) + 1) ;
    *space = 0 ;
  }
}

static int comp_cmp (nci_calcomp const *a, nci_calcomp const *b)
{
  if (a->start != b->start) return a->start < b->start ? -1 : 1 ;
  if (a->stop != b->stop) return a->stop < b->stop ? -1 : 1 ;
  if (a->repeat != b->repeat) return a->repeat < b->repeat ? -1 : 1 ;
  return 0 ;
}

/* Sorts and dedups every field, laid out in field order; a range's end is brought down to
   its last repetition, and a range that repeats nothing becomes its start. */
static void normalize (nci_calendar *cal)
{
  nci_calcomp out[NCI_CALENDAR_COMPONENTS] ;
  unsigned int used = 0 ;
  if (cal->weekdays <= 0 || cal->weekdays >= 127) cal->weekdays = -1 ;
  if (cal->end_of_month && !cal->n[NCI_CAL_DAY]) cal->end_of_month = 0 ;
  for (int f = 0 ; f < NCI_CAL_FIELDS ; f++)
  {
    unsigned int first = used ;
    for (unsigned int i = 0 ; i < cal->n[f] ; i++)
    {
      nci_calcomp x = cal->c[cal->first[f] + i] ;
      unsigned int j ;
      if (f == NCI_CAL_YEAR)
      {
        if (x.start >= 0 && x.start < 70) x.start += 2000 ;
        else if (x.start >= 70 && x.start < 100) x.start += 1900 ;
        if (x.stop >= 0 && x.stop < 70) x.stop += 2000 ;
        else if (x.stop >= 70 && x.stop < 100) x.stop += 1900 ;
      }
      if (x.stop > x.start && x.repeat > 0) x.stop -= (x.stop - x.start) % x.repeat ;
      /* a range with one value is that value */
      if ((x.stop > x.start && x.repeat > 0 && x.start + x.repeat > x.stop) || x.start == x.stop)
      {
        x.repeat = 0 ;
        x.stop = -1 ;
      }
      for (j = used ; j > first && comp_cmp(&out[j - 1], &x) > 0 ; j--) out[j] = out[j - 1] ;
      if (j > first && !comp_cmp(&out[j - 1], &x))
      {
        memmove(out + j, out + j + 1, (used - j) * sizeof(out[0])) ;
        continue ;
      }
      out[j] = x ;
      used++ ;
    }
    cal->first[f] = (unsigned char)first ;
    cal->n[f] = (unsigned char)(used - first) ;
  }
  memcpy(cal->c, out, used * sizeof(out[0])) ;
}

static int field_valid (nci_calendar const *cal, int f, int from, int to)
{
  int eom = f == NCI_CAL_DAY && cal->end_of_month ;
  if (eom) to -= 3 ;
  for (unsigned int i = 0 ; i < cal->n[f] ; i++)
  {
    nci_calcomp const *x = &cal->c[cal->first[f] + i] ;
    if (x->start < from || x->start > to) return 0 ;
    if (x->repeat > to - from) return 0 ;
    if (x->stop >= 0)
    {
      if (x->stop < from || x->stop > to) return 0 ;
      if (x->start + x->repeat > x->stop) return 0 ;
    }
    else if (eom ? x->start - x->repeat < from : x->start + x->repeat > to) return 0 ;
  }
  return 1 ;
}

static int valid (parse *p)
{
  static struct { int from ; int to ; char const *why ; } const range[NCI_CAL_FIELDS] =
  {
    [NCI_CAL_YEAR] = { 1970, 2199, "year out of range (1970..2199)" },
    [NCI_CAL_MONTH] = { 1, 12, "month out of range" },
    [NCI_CAL_DAY] = { 1, 31, "day out of range" },
    [NCI_CAL_HOUR] = { 0, 23, "hour out of range" },
    [NCI_CAL_MINUTE] = { 0, 59, "minute out of range" },
    [NCI_CAL_USEC] = { 0, 60 * USEC_PER_SEC - 1, "second out of range" },
  } ;
  for (int f = 0 ; f < NCI_CAL_FIELDS ; f++)
    if (!field_valid(p->cal, f, range[f].from, range[f].to)) return bad(p, range[f].why) ;
  return 1 ;
}

int nci_calendar_parse (char const *s, nci_calendar *cal, char const **why)
{
  char buf[NCI_CALENDAR_TEXT_MAX] ;
  parse p = { .cal = cal, .used = 0, .why = 0 } ;
  char const *t = buf ;
  size_t len = strlen(s) ;
  int r ;
  memset(cal, 0, sizeof(*cal)) ;
  cal->weekdays = 0 ;
  cal->dst = -1 ;
  if (len >= sizeof(buf))
  {
    *why = "longer than 1023 characters" ;
    errno = EINVAL ;
    return 0 ;
  }
  memcpy(buf, s, len + 1) ;
  zone(&p, buf) ;
  if (!*buf) r = bad(&p, "nothing but a time zone") ;
  else if ((r = shorthand(&p, buf)) < 0)
  {
    r = weekdays(&p, &t) ;
    if (r) r = date(&p, &t) ;
    if (r == 1) r = timeofday(&p, &t) ;
    if (r && *t) r = bad(&p, "unexpected text") ;
  }
  if (r)
  {
    normalize(cal) ;
    r = valid(&p) ;
  }
  if (!r)
  {
    *why = p.why ? p.why : "invalid" ;
    errno = EINVAL ;
    return 0 ;
  }
  return 1 ;
}
