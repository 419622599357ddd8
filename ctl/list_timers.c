#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <skalibs/buffer.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include <nci/statefile.h>
#include "ctl.h"

/* systemctl list-timers' table: each timer's next and last elapse, how far they are,
   and the unit it starts, from supervise/nci-timer (init/timers.c). */
enum col_e { COL_NEXT, COL_LEFT, COL_LAST, COL_PASSED, COL_UNIT, COL_ACTIVATES, COLS } ;

static char const *const heading[COLS] = { "NEXT", "LEFT", "LAST", "PASSED", "UNIT", "ACTIVATES" } ;

typedef struct row_s row ;
struct row_s
{
  char cell[COLS][320] ;
  uint64_t next ;
} ;

static row rows[CTL_UNITS_MAX] ;
static char const *all[CTL_UNITS_MAX] ;

static void out (char const *s)
{
  if (buffer_puts(buffer_1, s) < 0) strerr_diefu1sys(111, "write to stdout") ;
}

static uint64_t field (char const *text, char const *key)
{
  char const *p = strstr(text, key) ;
  uint64_t v = 0 ;
  if (p) uint640_scan(p + strlen(key), &v) ;
  return v ;
}

/* Soonest first, the timers that will not elapse again last, as systemctl sorts them. */
static int before (row const *a, row const *b)
{
  if (a->next != b->next) return a->next && (!b->next || a->next < b->next) ;
  return strcmp(a->cell[COL_UNIT], b->cell[COL_UNIT]) < 0 ;
}

int ctl_list_timers (void)
{
  struct timespec ts ;
  uint64_t now ;
  size_t width[COLS] ;
  unsigned int n = ctl_units_all(all), k = 0 ;
  if (clock_gettime(CLOCK_REALTIME, &ts) < 0) strerr_diefu1sys(111, "read the clock") ;
  now = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000 ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    char path[PATH_MAX] ;
    char dir[PATH_MAX] ;
    char text[512] ;
    int kind ;
    ssize_t r ;
    uint64_t last ;
    char const *unit ;
    row *w = rows + k ;
    if (!ctl_unit_type_read(all[i], &kind, path)) strerr_diefu2sys(111, "read ", path) ;
    if (kind != 2) continue ;
    ctl_path(dir, all[i], "") ;
    r = nci_statefile_read(dir, "nci-timer", text, sizeof text - 1) ;
    /* a timer not armed yet has none */
    if (r < 0 && errno != ENOENT) strerr_diefu3sys(111, "read ", dir, "/supervise/nci-timer") ;
    text[r > 0 ? r : 0] = 0 ;
    w->next = field(text, "next ") ;
    last = field(text, "last ") ;
    unit = strstr(text, "unit ") ;
    if (w->next)
    {
      ctl_time_fmt(w->cell[COL_NEXT], sizeof w->cell[COL_NEXT], w->next, 0) ;
      ctl_time_relative(w->cell[COL_LEFT], sizeof w->cell[COL_LEFT], w->next, now) ;
    }
    else
    {
      strcpy(w->cell[COL_NEXT], "-") ;
      strcpy(w->cell[COL_LEFT], "-") ;
    }
    if (last)
    {
      ctl_time_fmt(w->cell[COL_LAST], sizeof w->cell[COL_LAST], last, 0) ;
      ctl_time_relative(w->cell[COL_PASSED], sizeof w->cell[COL_PASSED], last, now) ;
    }
    else
    {
      strcpy(w->cell[COL_LAST], "-") ;
      strcpy(w->cell[COL_PASSED], "-") ;
    }
    snprintf(w->cell[COL_UNIT], sizeof w->cell[COL_UNIT], "%s", all[i]) ;
    if (unit) snprintf(w->cell[COL_ACTIVATES], sizeof w->cell[COL_ACTIVATES], "%.*s", (int)strcspn(unit + 5, "\n"), unit + 5) ;
    else strcpy(w->cell[COL_ACTIVATES], "-") ;
    /* insertion by next elapse: a few timers, a few hundred at most */
    for (unsigned int j = k ; j > 0 && before(w, rows + j - 1) ; j--)
    {
      row t = rows[j] ;
      rows[j] = rows[j - 1] ;
      rows[j - 1] = t ;
      w = rows + j - 1 ;
    }
    k++ ;
  }
  for (unsigned int c = 0 ; c < COLS ; c++)
  {
    width[c] = strlen(heading[c]) ;
    for (unsigned int i = 0 ; i < k ; i++) if (strlen(rows[i].cell[c]) > width[c]) width[c] = strlen(rows[i].cell[c]) ;
  }
  for (unsigned int i = 0 ; i <= k ; i++)
  {
    char line[COLS * 330] ;
    size_t len = 0 ;
    for (unsigned int c = 0 ; c < COLS ; c++)
    {
      char const *cell = i ? rows[i - 1].cell[c] : heading[c] ;
      if (c == COLS - 1) len += (size_t)snprintf(line + len, sizeof line - len, "%s", cell) ;
      else len += (size_t)snprintf(line + len, sizeof line - len, "%-*s  ", (int)width[c], cell) ;
    }
    line[len++] = '\n' ;
    line[len] = 0 ;
    out(line) ;
  }
  {
    char foot[64] ;
    snprintf(foot, sizeof foot, "\n%u timer%s listed.\n", k, k == 1 ? "" : "s") ;
    out(foot) ;
  }
  if (!buffer_flush(buffer_1)) strerr_diefu1sys(111, "write to stdout") ;
  return 0 ;
}
