#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/strerr.h>
#include <skalibs/tai.h>

#include <nci/ftrig.h>
#include <nci/statefile.h>
#include "supervise.h"

/* What the machine (machine.c) announces is published here: supervise/status,
   supervise/nci-state, the event/ letters and the report line to nci-init. */

/* Its files are made on the first publish: the state directory is the
   caller's. */
void sv_publish_init (sv *s)
{
  s->pub.f_status = (nci_statefile)NCI_STATEFILE_INIT("status") ;
  s->pub.f_state = (nci_statefile)NCI_STATEFILE_INIT("nci-state") ;
}

void sv_log (sv *s, char const *s1, char const *s2, char const *s3)
{
  strerr_warni5x(s->name, ": ", s1, s2 ? s2 : "", s3 ? s3 : "") ;
}

/* One line "NAME LETTERS" to nci-init, in one write (under PIPE_BUF, so the
   lines of all supervisors sharing the pipe stay whole). */
static void report (sv *s, char const *event, size_t e)
{
  char line[NCI_REPORT_LINE_MAX] ;
  size_t n = strlen(s->name) ;
  if (n + e + 2 > sizeof line) return ;
  memcpy(line, s->name, n) ;
  line[n] = ' ' ;
  memcpy(line + n + 1, event, e) ;
  line[n + 1 + e] = '\n' ;
  if (write(s->reportfd, line, n + e + 2) < 0 && errno != EINTR)
    strerr_warnwu1sys("report an event to nci-init") ;
}

/* What happens in one turn of the loop is published once, at its end
   (sv_publish): a start that is also ready at once (Type=simple) writes the
   status files once, not three times, and sends its letters in one pass. But
   a listener such as s6-svlisten reads the status file on each letter it gets:
   a down letter must never arrive with an up status or the reverse, so a
   change of direction publishes what came before it first. */

/* 1: the letters say the service came up, 2: went down, 3: both */
static int direction (char const *ev, size_t n)
{
  int d = 0 ;
  for (size_t i = 0 ; i < n ; i++)
  {
    if (ev[i] == 'u' || ev[i] == 'U') d |= 1 ;
    else if (ev[i] == 'd' || ev[i] == 'D' || ev[i] == 'O' || ev[i] == 'F' || ev[i] == 'x') d |= 2 ;
  }
  return d ;
}

/* The state as of the last announce: what sv_publish writes. */

static void snapshot (sv *s)
{
  static char const *const readiness[] = { "simple", "exec", "notify", "forking", "notification-fd" } ;
  s->st.pid = s->state == SV_FINISHING ? s->ctlpid : s->mainpid ;
  s->st.wstat = s->main_wstat ;
  /* as s6-supervise: a service wholly down is "ready" in its down state, which
     is what s6-svwait -D waits for */
  enum nci_unitstate_state_e state = sv_shown_state(s) ;
  int down = state == NCI_STATE_DOWN || state == NCI_STATE_FAILED || state == NCI_STATE_RESTARTING ;
  s->st.flags = (s->paused ? NCI_SVSTATUS_PAUSED : 0)
    | (state == NCI_STATE_FINISHING ? NCI_SVSTATUS_FINISHING : 0)
    | (s->want == WANT_UP ? NCI_SVSTATUS_WANTUP : 0)
    | (s->state == SV_UP || down ? NCI_SVSTATUS_READY : 0) ;
  s->pub.snap_st = s->st ;
  memset(&s->pub.snap_u, 0, sizeof s->pub.snap_u) ;
  s->pub.snap_u.state = state ;
  memcpy(s->pub.snap_u.readiness, readiness[s->pol.readiness], strlen(readiness[s->pol.readiness]) + 1) ;
  s->pub.snap_u.ready = s->state == SV_UP ;
  s->pub.snap_u.pid = s->mainpid ;
  s->pub.snap_u.since_ms = s->since_ms ;
  s->pub.snap_u.restarts = s->restarts ;
  s->pub.snap_u.result = s->result ;
  s->pub.snap_u.has_exit = s->has_exit ;
  s->pub.snap_u.wstat = s->main_wstat ;
  memcpy(s->pub.snap_u.status, s->status_text, sizeof s->pub.snap_u.status) ;
}

/* 1: the service counts as up in the status, 2: as down */
static int state_direction (sv *s)
{
  enum nci_unitstate_state_e state = sv_shown_state(s) ;
  return state == NCI_STATE_STARTING || state == NCI_STATE_UP ? 1 : 2 ;
}

void sv_announce (sv *s, char const *event)
{
  size_t e = event ? strlen(event) : 0 ;
  int pd = direction(s->pub.pending, s->pub.npending) ;
  /* the letters s->pub.pending go out with the state they were announced with, when
     what comes now says the other way, in letters or in the state itself */
  if (s->pub.npending + e > sizeof s->pub.pending || (pd | direction(event, e)) == 3 || (pd && (pd | state_direction(s)) == 3)) sv_publish(s) ;
  snapshot(s) ;
  if (e) memcpy(s->pub.pending + s->pub.npending, event, e) ;
  s->pub.npending += e ;
  s->pub.dirty = 1 ;
}

/* When nci-supervise is stopping its service to exit (the container is
   shutting down), a change without letters (the stop has begun) waits up to
   PUBLISH_LAG_MS: if the service is down by then, one write says so; a
   service slow to stop still shows "stopping" after that. */
#define PUBLISH_LAG_MS 50

int sv_publish_later (sv *s, tain *when)
{
  if (!s->pub.dirty || s->pub.npending || !s->exiting) return 0 ;
  if (!s->pub.publish_timed)
  {
    tain lag ;
    tain_from_millisecs(&lag, PUBLISH_LAG_MS) ;
    tain_add_g(&s->pub.publish_at, &lag) ;
    s->pub.publish_timed = 1 ;
  }
  *when = s->pub.publish_at ;
  return 1 ;
}

/* The status files' next temporary files are made PREPARE_LAG_MS after a
   publish, when nothing else is going on (a boot's services have all started):
   the publish that ends a stop at shutdown then makes and frees no file. */
#define PREPARE_LAG_MS 200

int sv_prepare_later (sv *s, tain *when)
{
  if (!s->pub.prepare_timed) return 0 ;
  *when = s->pub.prepare_at ;
  return 1 ;
}

void sv_prepare (sv *s)
{
  s->pub.prepare_timed = 0 ;
  if (!nci_statefile_prepare(&s->pub.f_status, ".")) strerr_warnwu2sys("make ", "supervise/status.new") ;
  if (!nci_statefile_prepare(&s->pub.f_state, ".")) strerr_warnwu2sys("make ", "supervise/nci-state.new") ;
}

void sv_publish (sv *s)
{
  char buf[NCI_UNITSTATE_FMT > NCI_SVSTATUS_SIZE ? NCI_UNITSTATE_FMT : NCI_SVSTATUS_SIZE] ;
  if (!s->pub.dirty) return ;
  s->pub.dirty = 0 ;
  s->pub.publish_timed = 0 ;
  nci_svstatus_pack(buf, &s->pub.snap_st) ;
  if (!nci_statefile_put(&s->pub.f_status, ".", buf, NCI_SVSTATUS_SIZE)) strerr_warnwu2sys("write ", "supervise/status") ;
  if (!nci_statefile_put(&s->pub.f_state, ".", buf, nci_unitstate_fmt(buf, &s->pub.snap_u))) strerr_warnwu2sys("write ", "supervise/nci-state") ;
  if (!s->exiting && !s->pub.prepare_timed)
  {
    tain lag ;
    tain_from_millisecs(&lag, PREPARE_LAG_MS) ;
    tain_add_g(&s->pub.prepare_at, &lag) ;
    s->pub.prepare_timed = 1 ;
  }
  if (s->pub.npending && nci_ftrig_notify(s->eventfd, s->pub.pending, s->pub.npending) < 0)
    strerr_warnwu2sys("notify the listeners of ", "event") ;
  if (s->pub.npending && s->reportfd >= 0) report(s, s->pub.pending, s->pub.npending) ;
  s->pub.npending = 0 ;
}
