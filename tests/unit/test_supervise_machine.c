/* nci-supervise's service machine (supervise/machine.c), against doc/state.md's
   table: every state x event pair is driven in every world that state can be
   in (a main process, a control script, what the stop was asked to lead to,
   what is wanted, the policy: scripts, Restart=, KillMode=, readiness, start
   limit; a spawn that works or not, processes of the group left or not), and
   the states it leads to must be exactly those the cell lists. Then the races
   fixed in nci-supervise, each as its sequence of events. Processes are not
   started or signalled: the machine's actions are recorded here. */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <check.h>
#include <skalibs/tai.h>

#include "../../supervise/supervise.h"
#include "check_run.h"
#include "state_table.h"

char const *PROG = "test_supervise_machine" ;
static sv S ;

static int w_spawn_ok, w_left, internal_errors ;
static pid_t next_pid = 5000 ;
static char trace[8192] ;

static void note (char const *a, char const *b)
{
  size_t n = strlen(trace) ;
  snprintf(trace + n, sizeof trace - n, "%s%s; ", a, b ? b : "") ;
}

pid_t spawn_run (sv *s, int *readyfd)
{
  (void)s ;
  *readyfd = -1 ;
  if (!w_spawn_ok) { errno = EAGAIN ; return -1 ; }
  note("run", 0) ;
  return next_pid++ ;
}
pid_t spawn_script (sv *s, char const *script, char const *const *args, char const *const *env)
{
  (void)s ; (void)args ; (void)env ;
  if (!w_spawn_ok) { errno = EAGAIN ; return -1 ; }
  note("script ", script) ;
  return next_pid++ ;
}
void kill_service (sv *s, int sig, int all) { (void)s ; (void)all ; note("kill ", sig == SIGKILL ? "KILL" : "down-signal") ; }
int service_left (sv *s) { (void)s ; return w_left ; }
pid_t child_guess (sv *s) { (void)s ; return 0 ; }
pid_t forked_main (sv *s) { (void)s ; return 7777 ; }
void signal_ctl (sv *s, int sig) { (void)s ; note("ctl ", sig == SIGKILL ? "KILL" : "TERM") ; }
void signal_main (sv *s, int sig) { (void)s ; (void)sig ; note("signal main", 0) ; }
pid_t group_of (pid_t pid) { return pid ; }
void sv_announce (sv *s, char const *event) { (void)s ; if (event) note("letters ", event) ; }
void sv_log (sv *s, char const *s1, char const *s2, char const *s3)
{
  (void)s ;
  (void)s2 ; (void)s3 ;
  if (!strncmp(s1, "internal error", 14)) internal_errors++ ;
  else note("log ", s1) ;
}

typedef struct world_s world ;
struct world_s
{
  int main, ctl, pending, want, exiting, scripts, restart, killmode, readiness, limit, spawn_ok, left, arg ;
} ;

static int world_next (world *w, unsigned int *k)
{
  int lim[13] = { 2, 2, 4, 3, 2, 2, 2, 2, 3, 2, 2, 2, 3 } ;
  int v[13] ;
  unsigned int total = 1, x ;
  for (unsigned int i = 0 ; i < 13 ; i++) total *= (unsigned int)lim[i] ;
  if (*k >= total) return 0 ;
  x = (*k)++ ;
  for (unsigned int i = 0 ; i < 13 ; i++) { v[i] = (int)(x % (unsigned int)lim[i]) ; x /= (unsigned int)lim[i] ; }
  *w = (world){ .main = v[0], .ctl = v[1], .pending = v[2], .want = v[3], .exiting = v[4], .scripts = v[5],
    .restart = v[6], .killmode = v[7], .readiness = v[8], .limit = v[9], .spawn_ok = !v[10], .left = v[11], .arg = v[12] } ;
  return 1 ;
}

/* Whether the service can be in state s in that world. */
static int consistent (int s, world const *w)
{
  int down = IN(s, SV_DOWN, SV_GAP, SV_FAILED, SV_RESTARTING) ;
  int stopping = IN(s, SV_STOP_SCRIPT, SV_STOP_SIGNAL, SV_STOP_KILL) ;
  if (down && (w->main || w->ctl || w->pending || w->exiting)) return 0 ;
  if (IN(s, SV_DOWN, SV_FAILED) && w->want != WANT_DOWN) return 0 ;
  if (s == SV_RESTARTING && (w->want != WANT_UP || !w->restart)) return 0 ;
  if (s == SV_STARTING && (!w->main || w->ctl || !IN(w->pending, PEND_NONE, PEND_STOP))) return 0 ;
  if (s == SV_START_POST && (!w->main || !w->ctl || w->pending || !w->scripts)) return 0 ;
  if (s == SV_UP && (!w->main || !IN(w->pending, PEND_NONE, PEND_STOP))) return 0 ;
  if (s == SV_UP && w->ctl && !w->scripts) return 0 ;
  if (s == SV_STOP_SCRIPT && (!w->ctl || !w->scripts)) return 0 ;
  if (stopping && !w->main && !w->ctl && !w->left) return 0 ;
  if (s == SV_FINISHING && (w->main || !w->ctl || !w->scripts)) return 0 ;
  return 1 ;
}

static int precondition (int ev, world const *w)
{
  switch (ev)
  {
    case SE_MAIN_EXIT : case SE_ADOPTED_EXIT : return w->main ;
    case SE_CTL_EXIT : return w->ctl ;
    case SE_MAINPID : return 1 ;
    default : return 1 ;
  }
}

static void world_set (int s, world const *w)
{
  memset(&S, 0, sizeof S) ;
  S.name = "svc" ;
  S.readyfd = S.notifyfd = S.adoptfd = S.reportfd = -1 ;
  S.state = (enum svstate_e)s ;
  S.mainpid = w->main ? next_pid++ : 0 ;
  S.pgid[0] = S.mainpid ;
  S.ctlpid = w->ctl ? next_pid++ : 0 ;
  S.pending = (enum svpending_e)w->pending ;
  S.want = (enum want_e)w->want ;
  S.exiting = w->exiting ;
  S.pol.has_start_post = S.pol.has_stop = S.pol.has_finish = S.pol.has_reload = w->scripts ;
  S.pol.restart = w->restart ? RESTART_ALWAYS : RESTART_NO ;
  S.pol.restart_ms = 100 ;
  S.pol.killmode = w->killmode ? KILL_MIXED : KILL_CONTROL_GROUP ;
  S.pol.readiness = w->readiness == 0 ? READY_SIMPLE : w->readiness == 1 ? READY_NOTIFY : READY_FORKING ;
  S.pol.timeout_start_ms = S.pol.timeout_kill_ms = S.pol.timeout_finish_ms = 1000 ;
  S.pol.down_signal = SIGTERM ;
  S.pol.notification_fd = -1 ;
  if (w->limit) { S.pol.burst = 1 ; S.pol.interval_ms = 10000 ; S.limit_count = 1 ; S.limit_begin = STAMP ; }
  tain_addsec_g(&S.deadline, 1) ;
  w_spawn_ok = w->spawn_ok ;
  w_left = w->left ;
  trace[0] = 0 ;
  internal_errors = 0 ;
}

static int const wstats[3] = { 0, 1 << 8, 125 << 8 } ;

START_TEST(test_table)
{
  static long doc[SV_NSTATES * SE_N] ;
  state_table st = { .states = svstate_names, .nstates = SV_NSTATES, .events = svevent_names, .nevents = SE_N, .heading = "Service", .cell = doc } ;
  int bad = 0 ;
  state_table_read(&st) ;
  tain_now_set_stopwatch_g() ;
  for (int s = 0 ; s < SV_NSTATES ; s++)
    for (int ev = 0 ; ev < SE_N ; ev++)
    {
      long got = 0 ;
      unsigned int k = 0 ;
      world w ;
      int sent = 0 ;
      while (world_next(&w, &k))
      {
        if (!consistent(s, &w) || !precondition(ev, &w)) continue ;
        if (ev != SE_MAIN_EXIT && ev != SE_CTL_EXIT && w.arg) continue ;
        world_set(s, &w) ;
        sv_event(&S, (enum svevent_e)ev, ev == SE_MAIN_EXIT || ev == SE_CTL_EXIT ? wstats[w.arg] : ev == SE_MAINPID ? 4242 : ev == SE_EXTEND ? 5000 : 0) ;
        sent = 1 ;
        if (internal_errors)
        {
          got |= 1L << SV_NSTATES ;
          ck_assert_msg((int)S.state == s, "%s x %s: an internal error changed the state", svstate_names[s], svevent_names[ev]) ;
        }
        else got |= 1L << S.state ;
      }
      if (!sent)
      {
        w = (world){ .spawn_ok = 1 } ;
        world_set(s, &w) ;
        sv_event(&S, (enum svevent_e)ev, 0) ;
        got = internal_errors ? 1L << SV_NSTATES : 1L << S.state ;
        ck_assert_int_eq((int)S.state, s) ;
      }
      bad += state_table_check(&st, s, ev, got) ;
    }
  ck_assert_msg(!bad, "%d pairs differ from doc/state.md", bad) ;
}
END_TEST


/* The races, each as its sequence of events. */

static void begin_up (int scripts)
{
  world w = { .main = 1, .want = WANT_UP, .scripts = scripts, .spawn_ok = 1, .restart = 1 } ;
  tain_now_set_stopwatch_g() ;
  world_set(SV_UP, &w) ;
}

static int at (char const *what)
{
  char const *p = strstr(trace, what) ;
  return p ? (int)(p - trace) : -1 ;
}

#define STATE(st) ck_assert_str_eq(svstate_names[S.state], svstate_names[st])

/* F while up, and a start by hand during the stop it makes: the failure
   comes first (nci-init sees F, then u), then the start. */
START_TEST(test_start_during_fail_comes_after)
{
  begin_up(0) ;
  sv_event(&S, SE_FAIL, 0) ;
  STATE(SV_STOP_SIGNAL) ;
  sv_event(&S, SE_UP, 0) ;
  STATE(SV_STOP_SIGNAL) ;
  ck_assert_int_lt(at("run"), 0) ;
  sv_event(&S, SE_MAIN_EXIT, SIGTERM) ;
  STATE(SV_UP) ;
  ck_assert_int_ge(at("letters DF"), 0) ;
  ck_assert_int_gt(at("letters u"), at("letters DF")) ;
  ck_assert_int_eq(S.result, NCI_RESULT_NONE) ;
}
END_TEST

/* r during a stop d began restarts after it; d after that r cancels it. */
START_TEST(test_restart_during_stop)
{
  begin_up(0) ;
  sv_event(&S, SE_DOWN, 0) ;
  sv_event(&S, SE_RESTART, 0) ;
  sv_event(&S, SE_MAIN_EXIT, SIGTERM) ;
  STATE(SV_GAP) ;
  ck_assert_int_eq(S.result, NCI_RESULT_SUCCESS) ;
  sv_event(&S, SE_TIMEOUT, 0) ;
  STATE(SV_UP) ;
  begin_up(0) ;
  sv_event(&S, SE_RESTART, 0) ;
  sv_event(&S, SE_DOWN, 0) ;
  sv_event(&S, SE_MAIN_EXIT, SIGTERM) ;
  STATE(SV_DOWN) ;
  ck_assert_int_lt(at("run"), 0) ;
}
END_TEST

/* F to a service down already fails it now; to one failed by itself it
   changes nothing: its own result says more. */
START_TEST(test_fail_when_down)
{
  world w = { .spawn_ok = 1 } ;
  world_set(SV_DOWN, &w) ;
  sv_event(&S, SE_FAIL, 0) ;
  STATE(SV_FAILED) ;
  ck_assert_int_ge(at("letters F"), 0) ;
  world_set(SV_FAILED, &w) ;
  S.result = NCI_RESULT_EXIT_CODE ;
  sv_event(&S, SE_FAIL, 0) ;
  STATE(SV_FAILED) ;
  ck_assert_int_eq(S.result, NCI_RESULT_EXIT_CODE) ;
  ck_assert_int_lt(at("letters"), 0) ;
}
END_TEST

/* SIGTERM (x, then d): the service stops its own way, then nci-supervise
   may exit, not before; a death on its own then is no failure. */
START_TEST(test_exit_after_stop)
{
  begin_up(1) ;
  sv_event(&S, SE_EXIT, 0) ;
  sv_event(&S, SE_DOWN, 0) ;
  STATE(SV_STOP_SCRIPT) ;
  ck_assert(!sv_gone(&S)) ;
  sv_event(&S, SE_CTL_EXIT, 0) ;
  STATE(SV_STOP_SIGNAL) ;
  ck_assert(!sv_gone(&S)) ;
  sv_event(&S, SE_MAIN_EXIT, SIGTERM) ;
  STATE(SV_FINISHING) ;
  sv_event(&S, SE_CTL_EXIT, 0) ;
  STATE(SV_DOWN) ;
  ck_assert(sv_gone(&S)) ;
}
END_TEST

/* KillMode=mixed: the main process gone during the stop script, the rest
   gets SIGKILL; the stop script's end then ends the stop. */
START_TEST(test_mixed_main_gone_during_stop_script)
{
  begin_up(1) ;
  S.pol.killmode = KILL_MIXED ;
  w_left = 1 ;
  sv_event(&S, SE_DOWN, 0) ;
  STATE(SV_STOP_SCRIPT) ;
  sv_event(&S, SE_MAIN_EXIT, 0) ;
  STATE(SV_STOP_KILL) ;
  ck_assert_int_ge(at("kill KILL"), 0) ;
  w_left = 0 ;
  sv_event(&S, SE_CTL_EXIT, 0) ;
  STATE(SV_FINISHING) ;
}
END_TEST

/* A stop that timed out is a failure with result timeout, even when it was
   asked for; a start by hand after a start limit was hit starts again. */
START_TEST(test_stop_timeout_and_limit)
{
  world w = { .spawn_ok = 1 } ;
  begin_up(0) ;
  sv_event(&S, SE_DOWN, 0) ;
  sv_event(&S, SE_TIMEOUT, 0) ;
  STATE(SV_STOP_KILL) ;
  ck_assert_int_eq(S.result, NCI_RESULT_TIMEOUT) ;
  world_set(SV_FAILED, &w) ;
  S.pol.burst = 1 ; S.pol.interval_ms = 10000 ; S.limit_count = 1 ; S.limit_begin = STAMP ;
  sv_event(&S, SE_UP, 0) ;
  STATE(SV_UP) ;
}
END_TEST

/* Two services in one process, as a single-process supervisor would keep
   them: the machine touches only the one it is given. */
START_TEST(test_two_services)
{
  static sv two[2] ;
  world w = { .spawn_ok = 1 } ;
  tain_now_set_stopwatch_g() ;
  world_set(SV_DOWN, &w) ;
  two[0] = S ; two[1] = S ;
  two[1].name = "other" ;
  sv_event(&two[0], SE_UP, 0) ;
  ck_assert_str_eq(svstate_names[two[0].state], "up") ;
  ck_assert_str_eq(svstate_names[two[1].state], "down") ;
  sv_event(&two[1], SE_FAIL, 0) ;
  ck_assert_str_eq(svstate_names[two[1].state], "failed") ;
  ck_assert_str_eq(svstate_names[two[0].state], "up") ;
  ck_assert_int_eq(two[0].want, WANT_UP) ;
}
END_TEST

static Suite *suite (void)
{
  Suite *s = suite_create("supervise_machine") ;
  TCase *t = tcase_create("table") ;
  tcase_set_timeout(t, 120) ;
  tcase_add_test(t, test_table) ;
  suite_add_tcase(s, t) ;
  t = tcase_create("races") ;
  tcase_add_test(t, test_start_during_fail_comes_after) ;
  tcase_add_test(t, test_restart_during_stop) ;
  tcase_add_test(t, test_fail_when_down) ;
  tcase_add_test(t, test_exit_after_stop) ;
  tcase_add_test(t, test_mixed_main_gone_during_stop_script) ;
  tcase_add_test(t, test_stop_timeout_and_limit) ;
  tcase_add_test(t, test_two_services) ;
  suite_add_tcase(s, t) ;
  return s ;
}

int main (void)
{
  /* what the machine warns of is its actions' business: not shown */
  if (!freopen("/dev/null", "w", stderr)) return 111 ;
  setvbuf(stdout, 0, _IOLBF, 0) ;
  return check_run(suite()) ;
}
