/* The timers of the input: systemd.timers.<name> (keys ending in ".timer") and those
   NixOS makes of a service's startAt, as NixOS makes them (OnCalendar= the startAt
   expressions, wanted by timers.target), each matched with the service it triggers. */

#include <stdlib.h>
#include <string.h>
#include "convert.h"

static int cmp_units (void const *a, void const *b)
{
  return strcmp(((unit const *)a)->name, ((unit const *)b)->name) ;
}

static unit *find (unit *units, size_t n, char const *name)
{
  unit key = { .name = (char *)name } ;
  return bsearch(&key, units, n, sizeof(unit), &cmp_units) ;
}

/* startAt of service s: its timer, or the expressions added to a timer of that name. */
static void start_at (tree *t, size_t *cap, unit const *s)
{
  char *name = xmalloc(strlen(s->name) + 7) ;
  unit *tm ;
  strcpy(stpcpy(name, s->name), ".timer") ;
  tm = find(t->timers, t->ntimers, name) ;
  if (!tm)
  {
    if (t->ntimers == *cap)
    {
      *cap = *cap * 2 + 4 ;
      t->timers = xrealloc(t->timers, *cap * sizeof(unit)) ;
    }
    tm = &t->timers[t->ntimers++] ;
    memset(tm, 0, sizeof(*tm)) ;
    tm->name = xstrdup(name) ;
    tm->description = xstrdup("") ;
    tm->enabled = s->enabled ;
    tm->default_deps = 1 ;
    tm->is_timer = 1 ;
    tm->timer.remain_after_elapse = 1 ;
    tm->timer.accuracy_usec = 60000000 ;
    strlist_add(&tm->deps[DEP_WANTED_BY], "timers.target") ;
  }
  for (size_t i = 0 ; i < s->start_at.n ; i++) strlist_add(&tm->timer.on_calendar, s->start_at.s[i]) ;
  free(name) ;
}

void timers_build (tree *t)
{
  size_t n = 0, cap = 0 ;
  size_t nsplit ;
  for (size_t i = 0 ; i < t->n ; i++) if (t->units[i].is_timer) cap++ ;
  t->timers = xmalloc((cap + 1) * sizeof(unit)) ;
  t->ntimers = 0 ;
  for (size_t i = 0 ; i < t->n ; i++)
  {
    if (t->units[i].is_timer) t->timers[t->ntimers++] = t->units[i] ;
    else if (!t->units[i].is_socket) t->units[n++] = t->units[i] ;
  }
  t->n = n ;
  /* the timers of startAt join those of the input, then all are sorted */
  nsplit = t->ntimers ;
  cap = t->ntimers ;
  for (size_t i = 0 ; i < t->n ; i++)
    if (t->units[i].start_at.n)
    {
      start_at(t, &cap, &t->units[i]) ;
      if (t->ntimers > nsplit) qsort(t->timers, t->ntimers, sizeof(unit), &cmp_units) ;
      nsplit = t->ntimers ;
    }
  for (size_t i = 0 ; i < t->ntimers ; i++)
  {
    unit const *tm = &t->timers[i] ;
    char const *target = tm->timer.unit ;
    char *svc ;
    size_t l ;
    unit *s ;
    if (!tm->enabled) { report_add(REPORT_NOTE, tm->name, "enable", "enable = false: not in the tree") ; continue ; }
    if (!target)
    {
      svc = xstrdup(tm->name) ;
      svc[strlen(svc) - 6] = 0 ;
    }
    else svc = xstrdup(target) ;
    l = strlen(svc) ;
    if (l > 8 && !strcmp(svc + l - 8, ".service")) svc[l - 8] = 0 ;
    s = find(t->units, t->n, svc) ;
    if (!s || !s->enabled || s->is_template)
    {
      report_add(REPORT_FAILS, tm->name, "timerConfig.Unit", !s ? "the service it triggers is not defined: the timer is not started"
        : s->is_template ? "the service it triggers is a template: the timer is not started" : "the service it triggers has enable = false: the timer is not started") ;
      free(svc) ;
    }
    else t->timers[i].timer.service = svc ;
    if (!tm->timer.remain_after_elapse)
      report_add(REPORT_NOTE, tm->name, "timerConfig.RemainAfterElapse", "a timer that will not elapse again is shown down either way") ;
    if (tm->timer.wake_system)
      report_add(REPORT_NOTE, tm->name, "timerConfig.WakeSystem", "a container does not suspend: nothing to wake") ;
  }
}
