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

void sv_log (char const *s1, char const *s2, char const *s3)
{
  strerr_warni5x(S.name, ": ", s1, s2 ? s2 : "", s3 ? s3 : "") ;
}

/* One line "NAME LETTERS" to nci-init, in one write (under PIPE_BUF, so the
   lines of all supervisors sharing the pipe stay whole). */
static void report (char const *event, size_t e)
{
  char line[NCI_REPORT_LINE_MAX] ;
  size_t n = strlen(S.name) ;
  if (n + e + 2 > sizeof line) return ;
  memcpy(line, S.name, n) ;
  line[n] = ' ' ;
  memcpy(line + n + 1, event, e) ;
  line[n + 1 + e] = '\n' ;
  if (write(S.reportfd, line, n + e + 2) < 0 && errno != EINTR)
    strerr_warnwu1sys("report an event to nci-init") ;
}

/* What happens in one turn of the loop is published once, at its end
   (sv_publish): a start that is also ready at once (Type=simple) writes the
   status files once, not three times, and sends its letters in one pass. But
   a listener such as s6-svlisten reads the status file on each letter it gets:
   a down letter must never arrive with an up status or the reverse, so a
   change of direction publishes what came before it first. */
static char pending[32] ;
static size_t npending ;
static int dirty ;

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
static nci_svstatus snap_st ;
static nci_unitstate snap_u ;

static void snapshot (void)
{
  static char const *const readiness[] = { "simple", "exec", "notify", "forking", "notification-fd" } ;
  S.st.pid = S.state == SV_FINISHING ? S.ctlpid : S.mainpid ;
  S.st.wstat = S.main_wstat ;
  /* as s6-supervise: a service wholly down is "ready" in its down state, which
     is what s6-svwait -D waits for */
  enum nci_unitstate_state_e state = sv_shown_state() ;
  int down = state == NCI_STATE_DOWN || state == NCI_STATE_FAILED || state == NCI_STATE_RESTARTING ;
  S.st.flags = (S.paused ? NCI_SVSTATUS_PAUSED : 0)
    | (state == NCI_STATE_FINISHING ? NCI_SVSTATUS_FINISHING : 0)
    | (S.want == WANT_UP ? NCI_SVSTATUS_WANTUP : 0)
    | (S.state == SV_UP || down ? NCI_SVSTATUS_READY : 0) ;
  snap_st = S.st ;
  memset(&snap_u, 0, sizeof snap_u) ;
  snap_u.state = state ;
  memcpy(snap_u.readiness, readiness[S.pol.readiness], strlen(readiness[S.pol.readiness]) + 1) ;
  snap_u.ready = S.state == SV_UP ;
  snap_u.pid = S.mainpid ;
  snap_u.since_ms = S.since_ms ;
  snap_u.restarts = S.restarts ;
  snap_u.result = S.result ;
  snap_u.has_exit = S.has_exit ;
  snap_u.wstat = S.main_wstat ;
  memcpy(snap_u.status, S.status_text, sizeof snap_u.status) ;
}

/* 1: the service counts as up in the status, 2: as down */
static int state_direction (void)
{
  enum nci_unitstate_state_e state = sv_shown_state() ;
  return state == NCI_STATE_STARTING || state == NCI_STATE_UP ? 1 : 2 ;
}

void sv_announce (char const *event)
{
  size_t e = event ? strlen(event) : 0 ;
  int pd = direction(pending, npending) ;
  /* the letters pending go out with the state they were announced with, when
     what comes now says the other way, in letters or in the state itself */
  if (npending + e > sizeof pending || (pd | direction(event, e)) == 3 || (pd && (pd | state_direction()) == 3)) sv_publish() ;
  snapshot() ;
  if (e) memcpy(pending + npending, event, e) ;
  npending += e ;
  dirty = 1 ;
}

/* When nci-supervise is stopping its service to exit (the container is
   shutting down), a change without letters (the stop has begun) waits up to
   PUBLISH_LAG_MS: if the service is down by then, one write says so; a
   service slow to stop still shows "stopping" after that. */
#define PUBLISH_LAG_MS 50
static tain publish_at ;
static int publish_timed ;

int sv_publish_later (tain *when)
{
  if (!dirty || npending || !S.exiting) return 0 ;
  if (!publish_timed)
  {
    tain lag ;
    tain_from_millisecs(&lag, PUBLISH_LAG_MS) ;
    tain_add_g(&publish_at, &lag) ;
    publish_timed = 1 ;
  }
  *when = publish_at ;
  return 1 ;
}

/* The status files' next temporary files are made PREPARE_LAG_MS after a
   publish, when nothing else is going on (a boot's services have all started):
   the publish that ends a stop at shutdown then makes and frees no file. */
#define PREPARE_LAG_MS 200
static nci_statefile f_status = NCI_STATEFILE_INIT("status") ;
static nci_statefile f_state = NCI_STATEFILE_INIT("nci-state") ;
static tain prepare_at ;
static int prepare_timed ;

int sv_prepare_later (tain *when)
{
  if (!prepare_timed) return 0 ;
  *when = prepare_at ;
  return 1 ;
}

void sv_prepare (void)
{
  prepare_timed = 0 ;
  if (!nci_statefile_prepare(&f_status, ".")) strerr_warnwu2sys("make ", "supervise/status.new") ;
  if (!nci_statefile_prepare(&f_state, ".")) strerr_warnwu2sys("make ", "supervise/nci-state.new") ;
}

void sv_publish (void)
{
  char buf[NCI_UNITSTATE_FMT > NCI_SVSTATUS_SIZE ? NCI_UNITSTATE_FMT : NCI_SVSTATUS_SIZE] ;
  if (!dirty) return ;
  dirty = 0 ;
  publish_timed = 0 ;
  nci_svstatus_pack(buf, &snap_st) ;
  if (!nci_statefile_put(&f_status, ".", buf, NCI_SVSTATUS_SIZE)) strerr_warnwu2sys("write ", "supervise/status") ;
  if (!nci_statefile_put(&f_state, ".", buf, nci_unitstate_fmt(buf, &snap_u))) strerr_warnwu2sys("write ", "supervise/nci-state") ;
  if (!S.exiting && !prepare_timed)
  {
    tain lag ;
    tain_from_millisecs(&lag, PREPARE_LAG_MS) ;
    tain_add_g(&prepare_at, &lag) ;
    prepare_timed = 1 ;
  }
  if (npending && nci_ftrig_notify(S.eventfd, pending, npending) < 0)
    strerr_warnwu2sys("notify the listeners of ", "event") ;
  if (npending && S.reportfd >= 0) report(pending, npending) ;
  npending = 0 ;
}
