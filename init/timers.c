/* A timer's schedule, as systemd.timer(5) and systemd's timer.c define it: the next
   elapse is the earliest of its OnCalendar= expressions (realtime, after its last
   elapse, or after it was started when it never elapsed) and of its monotonic spans
   (OnActiveSec= from when it was started, OnBootSec= and OnStartupSec= from nci-init's
   start, each once; OnUnitActiveSec= and OnUnitInactiveSec= from when its unit last
   started or ended, or from the timer's last elapse if that came later). It is the
   timer's deadline in the loop: nci-init wakes for nothing else of it.
   supervise/nci-timer in its state directory says its next and last elapses (nci-ctl
   list-timers) and, with Persistent=, keeps the last across restarts. */

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>

#include <nci/calendar.h>
#include <nci/statefile.h>
#include "init.h"

#define USEC_PER_MS 1000


static uint64_t realtime_usec (void)
{
  struct timespec ts ;
  clock_gettime(CLOCK_REALTIME, &ts) ;
  return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000 ;
}

/* tain holds monotonic time here: a span from now into the deadline's clock. */
static void tain_in_usec (tain *d, uint64_t usec)
{
  tain t = TAIN_ZERO ;
  tai_u64(tain_secp(&t), usec / 1000000) ;
  t.nano = (uint32_t)(usec % 1000000) * 1000 ;
  tain_add(d, d, &t) ;
}

static uint64_t usec_between (tain const *from, tain const *to)
{
  tain d ;
  if (!tain_less(from, to)) return 0 ;
  tain_sub(&d, to, from) ;
  return tai_sec(tain_secp(&d)) * 1000000 + tain_nano(&d) / 1000 ;
}

static int same_time (tain const *a, tain const *b)
{
  return !tain_less(a, b) && !tain_less(b, a) ;
}

static int tain_set (tain const *t)
{
  return !!tai_sec(tain_secp(t)) ;
}

/* RandomizedDelaySec=: a new delay each elapse, or with FixedRandomDelay= one per timer
   (from its name, so that it stays the same from one boot to the next). */
static uint64_t random_delay (unit const *u)
{
  static uint32_t x ;
  uint32_t h = 2166136261u ;
  utimer const *t = u->timer ;
  if (!t->random_ms) return 0 ;
  if (t->fixed_random)
  {
    for (char const *p = u->name ; *p ; p++) h = (h ^ (unsigned char)*p) * 16777619u ;
    return (uint64_t)(h % t->random_ms) * USEC_PER_MS ;
  }
  if (!x) x = (uint32_t)realtime_usec() | 1 ;
  x ^= x << 13 ;
  x ^= x >> 17 ;
  x ^= x << 5 ;
  return (uint64_t)(x % t->random_ms) * USEC_PER_MS ;
}

/* The last elapse a Persistent= timer kept in an earlier run. */
static void persistent_load (unit *u)
{
  char dir[PATH_MAX] ;
  char buf[128] ;
  ssize_t r ;
  char *p ;
  unit_path(dir, u, "") ;
  r = nci_statefile_read(dir, "nci-timer", buf, sizeof buf - 1) ;
  if (r <= 0) return ;
  buf[r] = 0 ;
  p = strstr(buf, "last ") ;
  if (p && uint640_scan(p + 5, &u->timer->last_real) && u->timer->last_real > realtime_usec())
    u->timer->last_real = 0 ;
}

void timer_show (unit *u)
{
  char dir[PATH_MAX] ;
  char buf[64 + 2 * UINT64_FMT + 256] ;
  size_t n = 0 ;
  utimer const *t = u->timer ;
  unit_link(u) ;
  unit_path(dir, u, "") ;
  memcpy(buf, "next ", 5) ; n = 5 ;
  n += uint64_fmt(buf + n, t->next_real) ;
  memcpy(buf + n, "\nlast ", 6) ; n += 6 ;
  n += uint64_fmt(buf + n, t->last_real) ;
  memcpy(buf + n, "\nunit ", 6) ; n += 6 ;
  {
    size_t l = strlen(G.units[t->target].name) ;
    if (l > 250) l = 250 ;
    memcpy(buf + n, G.units[t->target].name, l) ;
    n += l ;
  }
  buf[n++] = '\n' ;
  if (!nci_statefile_write(dir, "nci-timer", buf, n)) strerr_warnwu3sys("write the schedule of ", u->name, "") ;
}

/* Sets the timer's deadline to its next elapse; 0 when it will not elapse again. */
int timer_arm (unit *u)
{
  utimer *t = u->timer ;
  unit const *target = G.units + t->target ;
  uint64_t now_real = realtime_usec() ;
  uint64_t best = UINT64_MAX ;  /* microseconds from now */
  int any = 0 ;
  if (!tain_set(&t->armed))
  {
    tain_copynow(&t->armed) ;
    if (t->persistent) persistent_load(u) ;
  }
  for (unsigned int i = 0 ; i < t->ncal ; i++)
  {
    uint64_t from = t->last_real ? t->last_real : now_real - usec_between(&t->armed, &STAMP) ;
    uint64_t next ;
    if (!nci_calendar_next(&t->cal[i], from, &next))
    {
      if (errno != ENOENT) strerr_warnwu2sys("compute the next elapse of ", u->name) ;
      continue ;
    }
    any = 1 ;
    next = next > now_real ? next - now_real : 0 ;
    if (next < best) best = next ;
  }
  for (unsigned int k = 0 ; k < TS_N ; k++)
    for (unsigned int i = 0 ; i < t->nspan[k] ; i++)
    {
      tain base, at ;
      switch (k)
      {
        case TS_ACTIVE : base = t->armed ; break ;
        /* a container's boot is nci-init's start */
        case TS_BOOT : case TS_STARTUP : base = G.started ; break ;
        default :
        {
          /* from its unit's last start (or end), or the timer's last elapse if later: none, none yet */
          tain const *b = k == TS_UNIT_ACTIVE ? &target->started_at : &target->stopped_at ;
          base = tain_less(&t->last, b) ? *b : t->last ;
          if (!tain_set(&base)) continue ;
          break ;
        }
      }
      at = base ;
      tain_in_usec(&at, (uint64_t)t->span[k][i] * USEC_PER_MS) ;
      /* the spans from a fixed start elapse once */
      if (k < TS_UNIT_ACTIVE && tain_set(&t->last) && !tain_less(&t->last, &at)) continue ;
      any = 1 ;
      {
        uint64_t d = usec_between(&STAMP, &at) ;
        if (d < best) best = d ;
      }
    }
  t->seen_start = target->started_at ;
  t->seen_stop = target->stopped_at ;
  if (!any)
  {
    t->next_real = 0 ;
    u->deadline = tain_zero ;
    timer_show(u) ;
    return 0 ;
  }
  best += random_delay(u) ;
  t->next_real = now_real + best ;
  /* now or later: STAMP is never 0, which would mean no deadline */
  u->deadline = STAMP ;
  tain_in_usec(&u->deadline, best) ;
  timer_show(u) ;
  return 1 ;
}

/* A timer done because its only spans count from its unit's start, which has started
   since: it has an elapse again (systemd's OnUnitActiveSec= after a start by hand). */
int timer_waits_for_unit (unit const *u)
{
  utimer const *t = u->timer ;
  unit const *target = G.units + t->target ;
  return !t->stopped
    && ((t->nspan[TS_UNIT_ACTIVE] && tain_less(&t->last, &target->started_at))
     || (t->nspan[TS_UNIT_INACTIVE] && tain_less(&t->last, &target->stopped_at))) ;
}

/* Its unit started or stopped since it was armed, and it has spans that count from that. */
int timer_unit_changed (unit const *u)
{
  utimer const *t = u->timer ;
  unit const *target = G.units + t->target ;
  return (t->nspan[TS_UNIT_ACTIVE] && !same_time(&t->seen_start, &target->started_at))
    || (t->nspan[TS_UNIT_INACTIVE] && !same_time(&t->seen_stop, &target->stopped_at)) ;
}

/* Stopped (a command, a failure): no deadline, no next elapse shown. */
void timer_disarm (unit *u)
{
  u->deadline = tain_zero ;
  u->timer->next_real = 0 ;
  timer_show(u) ;
}

/* The timer elapses: its unit is started (a unit running already is left alone, as
   a start job of systemd's merges with the running one). */
void timer_elapse (unit *u)
{
  utimer *t = u->timer ;
  unit *target = G.units + t->target ;
  tain_copynow(&t->last) ;
  t->last_real = realtime_usec() ;
  ilog("timer ", u->name, " elapsed: starting ", target->name) ;
  if (target->longrun)
  {
    if (target->pid > 0) sv_control(target, 'u') ;
    else ilog("timer ", u->name, ": its unit has no nci-supervise now, not started", 0) ;
  }
  else unit_event(target, EV_CMD_START, 0) ;
}
