#include <stdint.h>
#include <string.h>
#include <time.h>

#include <skalibs/buffer.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>

#include "ctl.h"

/* The rows are made first, then printed, so each column is as wide as its widest
   cell. STATUS, last, is the service's STATUS= (sd_notify) or why nci-init failed it. */
enum col_e { COL_UNIT, COL_TYPE, COL_STATE, COL_PID, COL_UPFOR, COL_RESTARTS, COL_LASTEXIT, COL_READY, COL_STATUS, COLS } ;

static char const *const heading[COLS] =
{
  [COL_UNIT] = "UNIT", [COL_TYPE] = "TYPE", [COL_STATE] = "STATE", [COL_PID] = "PID",
  [COL_UPFOR] = "UP-FOR", [COL_RESTARTS] = "RESTARTS", [COL_LASTEXIT] = "LAST-EXIT", [COL_READY] = "READY",
  [COL_STATUS] = "STATUS"
} ;

/* every cell but the unit's name fits: a pid, "12345d23h", an exit like "dumped SIGRTMIN+15" */
#define CELL_MAX 32

typedef struct row_s row ;
struct row_s
{
  char const *cell[COLS] ;
  char buf[COLS][CELL_MAX] ;
  char status[NCI_UNITSTATE_TEXT_MAX] ;
} ;

static row rows[CTL_UNITS_MAX] ;
static char const *all[CTL_UNITS_MAX] ;

static size_t two_units (char *s, uint64_t big, char bigunit, unsigned int small, char smallunit)
{
  size_t len = uint64_fmt(s, big) ;
  s[len++] = bigunit ;
  len += uint0_fmt(s + len, small, 2) ;
  s[len++] = smallunit ;
  return len ;
}

/* "3s", "2m05s", "1h02m", "3d04h": an uptime as people read one */
static void duration_fmt (char *s, uint64_t secs)
{
  size_t len ;
  if (secs < 60)
  {
    len = uint64_fmt(s, secs) ;
    s[len++] = 's' ;
  }
  else if (secs < 3600) len = two_units(s, secs / 60, 'm', secs % 60, 's') ;
  else if (secs < 86400) len = two_units(s, secs / 3600, 'h', secs / 60 % 60, 'm') ;
  else len = two_units(s, secs / 86400, 'd', secs / 3600 % 24, 'h') ;
  s[len] = 0 ;
}

/* A longrun is up since s6's stamp (its last up/down change, as s6-svstat counts);
   a oneshot since its last state change. */
static uint64_t up_secs (ctl_unit const *u, tain const *now, uint64_t now_ms)
{
  if (u->has_status)
  {
    tain d ;
    if (!tain_less(&u->sv.stamp, now)) return 0 ;
    tain_sub(&d, now, &u->sv.stamp) ;
    return tai_sec(tain_secp(&d)) ;
  }
  return now_ms > u->st.since_ms ? (now_ms - u->st.since_ms) / 1000 : 0 ;
}

static void row_fill (row *w, ctl_unit const *u, tain const *now, uint64_t now_ms)
{
  int active = ctl_unit_active(u) ;
  for (unsigned int i = 0 ; i < COLS ; i++) w->cell[i] = "-" ;
  w->cell[COL_UNIT] = u->name ;
  w->cell[COL_TYPE] = u->oneshot == 2 ? "timer" : u->oneshot ? "oneshot" : "longrun" ;
  w->cell[COL_STATE] = ctl_unit_state(u) ;
  if (active && u->st.pid)
  {
    w->buf[COL_PID][pid_fmt(w->buf[COL_PID], u->st.pid)] = 0 ;
    w->cell[COL_PID] = w->buf[COL_PID] ;
  }
  if (active)
  {
    duration_fmt(w->buf[COL_UPFOR], up_secs(u, now, now_ms)) ;
    w->cell[COL_UPFOR] = w->buf[COL_UPFOR] ;
    w->cell[COL_READY] = ctl_unit_ready(u) ? "yes" : "no" ;
  }
  if (u->has_state && !u->oneshot)
  {
    w->buf[COL_RESTARTS][uint_fmt(w->buf[COL_RESTARTS], u->st.restarts)] = 0 ;
    w->cell[COL_RESTARTS] = w->buf[COL_RESTARTS] ;
  }
  if (u->has_state && u->st.has_exit)
  {
    ctl_unit_last_exit(u, w->buf[COL_LASTEXIT]) ;
    w->cell[COL_LASTEXIT] = w->buf[COL_LASTEXIT] ;
  }
  if (u->has_state && u->st.status[0])
  {
    memcpy(w->status, u->st.status, sizeof w->status) ;
    w->cell[COL_STATUS] = w->status ;
  }
}

static void put (char const *s, size_t len)
{
  if (buffer_put(buffer_1, s, len) < 0) strerr_diefu1sys(111, "write to stdout") ;
}

static void line_put (char const *const *cell, size_t const *width)
{
  for (unsigned int i = 0 ; i < COLS ; i++)
  {
    size_t len = strlen(cell[i]) ;
    put(cell[i], len) ;
    if (i + 1 == COLS) put("\n", 1) ;
    else for (size_t pad = width[i] + 2 - len ; pad ; pad--) put(" ", 1) ;
  }
}

/* The units given, in their order, or all of them by name. */
int ctl_status (char const *const *names, unsigned int n)
{
  size_t width[COLS] ;
  struct timespec ts ;
  uint64_t now_ms ;
  tain now ;
  if (n) ctl_units_known(names, n) ;
  else
  {
    n = ctl_units_all(all) ;
    names = all ;
  }
  if (!tain_wallclock_read(&now) || clock_gettime(CLOCK_REALTIME, &ts) < 0) strerr_diefu1sys(111, "read the clock") ;
  now_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000 ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    ctl_unit u ;
    if (!ctl_unit_read(names[i], &u)) strerr_diefu2sys(111, "read ", u.failed) ;
    row_fill(&rows[i], &u, &now, now_ms) ;
  }
  for (unsigned int c = 0 ; c < COLS ; c++)
  {
    width[c] = strlen(heading[c]) ;
    for (unsigned int i = 0 ; i < n ; i++)
    {
      size_t len = strlen(rows[i].cell[c]) ;
      if (len > width[c]) width[c] = len ;
    }
  }
  line_put(heading, width) ;
  for (unsigned int i = 0 ; i < n ; i++) line_put(rows[i].cell, width) ;
  if (!buffer_flush(buffer_1)) strerr_diefu1sys(111, "write to stdout") ;
  return 0 ;
}
