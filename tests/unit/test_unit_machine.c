/* nci-init's unit machine (init/unit_machine.c), against doc/state.md's
   tables: every state x event pair is driven, in every world that state can
   be in (a script or nci-supervise running or not, a start that can or
   cannot be made, what nci-supervise's files say, the container stopping or
   not...), and the states it leads to must be exactly those the table's cell
   lists; "!" is a pair that cannot happen, logged as an internal error with
   the state unchanged. Then the races fixed in nci-init, each as the
   sequence of events that made it. The machine's actions are recorded here,
   not done: nci-init's suites run them for real. */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <check.h>
#include <skalibs/tai.h>

#include "../../init/init.h"
#include "check_run.h"
#include "state_table.h"

char const *PROG = "test_unit_machine" ;
init_t G ;

/* the world the actions see */
static int w_spawn_ok, w_running, w_sv_ok, w_sv_read, w_wantup ;
static pid_t next_pid = 1000 ;
static char trace[8192] ;
static int internal_errors ;

static void note (char const *a, char const *b, char const *c)
{
  size_t n = strlen(trace) ;
  snprintf(trace + n, sizeof trace - n, "%s%s%s%s; ", a, b ? b : "", c ? " " : "", c ? c : "") ;
}

void ilog (char const *s1, char const *s2, char const *s3, char const *s4)
{
  if (s1 && !strncmp(s1, "internal error", 14)) { internal_errors++ ; return ; }
  {
    char line[512] ;
    snprintf(line, sizeof line, "%s%s%s%s", s1 ? s1 : "", s2 ? s2 : "", s3 ? s3 : "", s4 ? s4 : "") ;
    note("log ", line, 0) ;
  }
}
void ilog_flush (void) { }
void state_write_boot (void) { note("boot", 0, 0) ; }
void set_exit (int code) { (void)code ; note("exit", 0, 0) ; }
void shutdown_begin (int code)
{
  (void)code ;
  if (G.shutting) return ;
  G.shutting = 1 ;
  note("shutdown", 0, 0) ;
  for (unsigned int i = 0 ; i < G.n ; i++) unit_event(G.units + i, EV_SHUTDOWN, 0) ;
}
void unit_show (unit *u, enum nci_unitstate_state_e st)
{
  u->st.state = st ;
  note("show ", u->name, nci_unitstate_state_name(st)) ;
}
int script_run (unit *u, char const *script)
{
  if (!w_spawn_ok) { errno = EMFILE ; return 0 ; }
  unit_set_pid(u, next_pid++) ;
  note("run ", u->name, script) ;
  return 1 ;
}
int scripts_running (void) { return w_running ; }
void script_signal (unit *u, int sig) { note("signal ", u->name, sig == SIGKILL ? "KILL" : "TERM") ; }
void script_ended (unit *u) { (void)u ; }
int sv_spawn (unit *u, int down)
{
  if (!w_sv_ok) return 0 ;
  unit_set_pid(u, next_pid++) ;
  tain_copynow(&u->sv_started) ;
  note("supervise ", u->name, down ? "-d" : "") ;
  return 1 ;
}
void sv_control (unit *u, char c)
{
  char s[2] = { c, 0 } ;
  note("control ", u->name, s) ;
}
void sv_signal (unit *u, int sig) { (void)sig ; note("sigterm ", u->name, 0) ; }
int sv_read (unit *u, nci_unitstate *st)
{
  (void)u ;
  memset(st, 0, sizeof *st) ;
  if (!w_sv_read) return 0 ;
  st->state = w_sv_read == 1 ? NCI_STATE_DOWN : NCI_STATE_UP ;
  st->result = NCI_RESULT_EXIT_CODE ;
  st->has_exit = 1 ;
  st->wstat = 3 << 8 ;
  return 1 ;
}
int sv_wantup (unit *u) { (void)u ; return w_wantup ; }
static int w_arms ;
int timer_arm (unit *u)
{
  note("arm ", u->name, w_arms ? "yes" : "no") ;
  if (w_arms) tain_addsec_g(&u->deadline, 60) ;
  else u->deadline = tain_zero ;
  return w_arms ;
}
void timer_elapse (unit *u) { note("elapse ", u->name, 0) ; }
void timer_disarm (unit *u) { u->deadline = tain_zero ; note("disarm ", u->name, 0) ; }
int timer_waits_for_unit (unit const *u) { (void)u ; return w_wantup ; }
int timer_unit_changed (unit const *u) { (void)u ; return w_wantup ; }
void timer_show (unit *u) { note("timer ", u->name, 0) ; }
static utimer a_timer ;

/* Three units: a (the one driven), b (what a requires, is bound to and is
   ordered after), c (requires a). */
static unit units[3] ;
static unsigned int a_req[1] = { 1 }, a_after[1] = { 1 }, c_req[1] = { 0 }, stoplog[3] ;

static void world_reset (int longrun)
{
  for (unsigned int i = 0 ; i < 3 ; i++) if (units[i].pid) unit_set_pid(units + i, 0) ;
  memset(units, 0, sizeof units) ;
  memset(&G, 0, sizeof G) ;
  G.units = units ; G.n = 3 ; G.stoplog = stoplog ;
  units[0].name = "a" ; units[1].name = "b" ; units[2].name = "c" ;
  units[0].longrun = longrun ;
  units[0].req = a_req ; units[0].nreq = 1 ;
  units[0].after = a_after ; units[0].nafter = 1 ;
  units[0].bind = a_req ; units[0].nbind = 1 ;
  units[2].req = c_req ; units[2].nreq = 1 ;
  units[1].state = units[2].state = U_DONE ;
  units[1].longrun = units[2].longrun = 1 ;
  units[0].timeout_ms = 1000 ;
  units[0].kill_ms = 1000 ;
  for (unsigned int i = 0 ; i < 3 ; i++) units[i].deadline = tain_zero ;
  w_spawn_ok = w_sv_ok = 1 ;
  w_running = w_sv_read = w_wantup = w_arms = 0 ;
  trace[0] = 0 ;
  internal_errors = 0 ;
}

/* One world of the walk: each field one dimension. */
typedef struct world_s world ;
struct world_s
{
  int shutting, pid, failed, dep, arg, killsig, has_down, remain, spawn_ok, running ;
  int sv_ok, sv_read, wantup, announced, count, early_left, deadline ;
  int demand, arms ;
} ;

enum kind_e { K_ONESHOT, K_LONGRUN, K_TIMER } ;

static int const oneshot_states[] = { U_WAITING, U_STARTING, U_TIMED_OUT, U_UP, U_POST, U_DONE, U_STOPPING, U_FAILED, U_FAILED_STOPPING, U_ABORTING, U_SHUT_STOPPING, U_STOPPED } ;
static int const longrun_states[] = { U_WAITING, U_STARTING, U_UP, U_UNBINDING, U_DONE, U_FAILING, U_FAILED, U_SHUT_STOPPING, U_STOPPED } ;
static int const timer_states[] = { U_WAITING, U_UP, U_DONE, U_FAILED, U_STOPPED } ;

/* Whether a state can be in that world. */
static int consistent (int kind, int s, world const *w)
{
  int longrun = kind == K_LONGRUN ;
  if (kind == K_TIMER)
  {
    /* the container's stop ends every timer at once */
    if ((s == U_STOPPED) != !!w->shutting) return 0 ;
    if (s == U_FAILED && !w->failed) return 0 ;
    if (!IN(s, U_FAILED, U_STOPPED) && w->failed) return 0 ;
    if (w->dep != 0 && s != U_WAITING) return 0 ;
    /* armed exactly when up */
    return (s == U_UP) == !!w->deadline ;
  }
  if (s == U_WAITING && w->shutting) return 0 ;
  if (IN(s, U_SHUT_STOPPING, U_STOPPED, U_ABORTING) && !w->shutting) return 0 ;
  if (IN(s, U_FAILED, U_FAILING, U_FAILED_STOPPING) && !w->failed) return 0 ;
  if (!IN(s, U_FAILED, U_FAILING, U_FAILED_STOPPING, U_SHUT_STOPPING, U_STOPPED) && w->failed) return 0 ;
  if (w->dep != 0 && s != U_WAITING) return 0 ;
  if (!longrun)
  {
    int script = IN(s, U_STARTING, U_TIMED_OUT, U_POST, U_STOPPING, U_ABORTING, U_SHUT_STOPPING) ;
    if (IN(s, U_STARTING, U_TIMED_OUT) && w->shutting) return 0 ;
    if (script && !w->pid) return 0 ;
    if (!script && s != U_FAILED_STOPPING && w->pid) return 0 ;
    if (s == U_FAILED_STOPPING && !w->pid && !w->has_down) return 0 ;
    if (!w->pid && w->killsig) return 0 ;
    if (s == U_STARTING && w->killsig) return 0 ;
    if (IN(s, U_TIMED_OUT, U_ABORTING) && !w->killsig) return 0 ;
    if (s == U_UP && !w->remain) return 0 ;
    if (s == U_POST && (w->remain || !w->has_down)) return 0 ;
    if (w->spawn_ok && w->running) return 0 ;  /* other scripts running matter only when a spawn fails */
    return 1 ;
  }
  if (IN(s, U_WAITING, U_STOPPED) && w->pid) return 0 ;
  if (s == U_SHUT_STOPPING && !w->pid) return 0 ;
  if (w->pid && w->deadline) return 0 ;
  if (!w->pid && !w->deadline && !IN(s, U_WAITING, U_STOPPED)) return 0 ;
  if (s == U_STOPPED && w->deadline) return 0 ;
  if (!w->pid && (w->announced || w->count != 1)) return 0 ;
  return 1 ;
}

/* Whether the caller would send that event in that world. */
static int precondition (int kind, int ev, world const *w)
{
  if (kind == K_TIMER && (ev == EV_EXIT || (ev >= EV_SV_S && ev <= EV_SV_D))) return 0 ;
  switch (ev)
  {
    case EV_EXIT : return w->pid ;
    case EV_TIMEOUT : return kind != K_ONESHOT ? w->deadline : w->pid && w->killsig != SIGKILL ;
    case EV_TURN : case EV_SHUTDOWN : case EV_CMD_START : case EV_CMD_STOP : case EV_CMD_RESTART : return !w->shutting ;
    case EV_STOP_TURN : return w->shutting ;
    default : return 1 ;
  }
}

static void world_set (int kind, int s, world const *w)
{
  unit *u = units ;
  int longrun = kind == K_LONGRUN ;
  world_reset(longrun) ;
  if (kind == K_TIMER) u->timer = &a_timer ;
  u->demand = w->demand ;
  w_arms = w->arms ;
  G.shutting = w->shutting ;
  G.early_left = (unsigned int)w->early_left ;
  u->state = (enum ustate_e)s ;
  if (w->pid) unit_set_pid(u, next_pid++) ;
  if (w->deadline || (kind == K_ONESHOT && w->pid && w->killsig != SIGKILL)) tain_addsec_g(&u->deadline, 1) ;
  if (w->failed) { strcpy(u->why, "exited 1") ; u->exitcode = 1 ; }
  if (w->dep == 0) units[1].state = U_DONE ;
  else if (w->dep == 1) { units[1].state = U_FAILED ; strcpy(units[1].why, "exited 3") ; units[1].exitcode = 3 ; }
  else units[1].state = U_STARTING ;
  u->killsig = w->killsig ;
  u->has_down = w->has_down ;
  u->remain = w->remain ;
  u->sv_announced = w->announced ;
  u->sv_count = (unsigned int)w->count ;
  w_spawn_ok = w->spawn_ok ;
  w_running = w->running ;
  w_sv_ok = w->sv_ok ;
  w_sv_read = w->sv_read ;
  w_wantup = w->wantup ;
}

/* Every world of a kind of unit, in turn: 0 when there are no more. */
static int world_next (int kind, world *w, unsigned int *k)
{
  /* the dimensions and how many values each takes, per kind */
  int lim[19] = { 2, 2, 2, 3, 2, 3, 2, 2, 2, 2, 2, 3, 2, 2, 2, 2, 2, 2, 2 } ;
  int v[19] ;
  unsigned int total = 1, x ;
  if (kind == K_LONGRUN) { lim[5] = lim[6] = lim[7] = lim[8] = lim[9] = lim[17] = lim[18] = 1 ; }
  else if (kind == K_ONESHOT) { lim[10] = lim[11] = lim[12] = lim[13] = lim[14] = lim[15] = lim[16] = lim[18] = 1 ; }
  else
  {
    /* a timer: no process, no script, no nci-supervise; armed or not (deadline), and
       whether arming finds an elapse */
    lim[1] = lim[5] = lim[6] = lim[7] = lim[8] = lim[9] = lim[10] = lim[11] = lim[13] = lim[14] = lim[15] = 1 ;
  }
  for (unsigned int i = 0 ; i < 19 ; i++) total *= (unsigned int)lim[i] ;
  if (*k >= total) return 0 ;
  x = (*k)++ ;
  for (unsigned int i = 0 ; i < 19 ; i++) { v[i] = (int)(x % (unsigned int)lim[i]) ; x /= (unsigned int)lim[i] ; }
  w->shutting = v[0] ; w->pid = v[1] ; w->failed = v[2] ; w->dep = v[3] ; w->arg = v[4] ;
  w->killsig = v[5] == 0 ? 0 : v[5] == 1 ? SIGTERM : SIGKILL ;
  w->has_down = v[6] ; w->remain = v[7] ; w->spawn_ok = !v[8] ; w->running = v[9] ;
  w->sv_ok = !v[10] ; w->sv_read = v[11] ; w->wantup = v[12] ; w->announced = v[13] ;
  w->count = v[14] + 1 ; w->early_left = v[15] ; w->deadline = v[16] ;
  w->demand = v[17] ; w->arms = v[18] ;
  return 1 ;
}

static void walk (int kind, char const *heading)
{
  static long doc[U_NSTATES * EV_N] ;
  state_table st = { .states = ustate_names, .nstates = U_NSTATES, .events = uevent_names, .nevents = EV_N, .heading = heading, .cell = doc } ;
  int const *states = kind == K_LONGRUN ? longrun_states : kind == K_TIMER ? timer_states : oneshot_states ;
  unsigned int ns = kind == K_LONGRUN ? sizeof longrun_states / sizeof *longrun_states
    : kind == K_TIMER ? sizeof timer_states / sizeof *timer_states : sizeof oneshot_states / sizeof *oneshot_states ;
  int bad = 0 ;
  state_table_read(&st) ;
  tain_now_set_stopwatch_g() ;
  for (unsigned int si = 0 ; si < ns ; si++)
  {
    int s = states[si] ;
    for (int ev = 0 ; ev < EV_N ; ev++)
    {
      long got = 0 ;
      unsigned int k = 0 ;
      world w ;
      int sent = 0 ;
      while (world_next(kind, &w, &k))
      {
        int arg ;
        if (!consistent(kind, s, &w) || !precondition(kind, ev, &w)) continue ;
        if (ev != EV_EXIT && ev != EV_SV_S && w.arg) continue ;
        world_set(kind, s, &w) ;
        arg = ev == EV_EXIT ? (w.arg ? 1 << 8 : 0) : ev == EV_DEP_FAILED || ev == EV_BOUND_DOWN ? 1 : w.arg ;
        if (ev == EV_DEP_FAILED) { units[1].state = U_FAILED ; strcpy(units[1].why, "exited 3") ; }
        unit_event(units, (enum uevent_e)ev, arg) ;
        sent = 1 ;
        if (internal_errors)
        {
          got |= 1L << U_NSTATES ;
          ck_assert_msg((int)units[0].state == s, "%s: %s x %s: an internal error changed the state", heading, ustate_names[s], uevent_names[ev]) ;
        }
        else got |= 1L << units[0].state ;
      }
      if (!sent)
      {
        /* never sent by nci-init in that state: it is logged if it comes all the same */
        w = (world){ .spawn_ok = 1, .sv_ok = 1, .count = 1, .shutting = IN(s, U_SHUT_STOPPING, U_STOPPED, U_ABORTING),
          .failed = kind == K_TIMER && s == U_FAILED, .deadline = kind == K_TIMER && s == U_UP } ;
        world_set(kind, s, &w) ;
        unit_event(units, (enum uevent_e)ev, 0) ;
        got = internal_errors ? 1L << U_NSTATES : 1L << units[0].state ;
        ck_assert_int_eq((int)units[0].state, s) ;
      }
      bad += state_table_check(&st, s, ev, got) ;
    }
  }
  ck_assert_msg(!bad, "%s: %d pairs differ from doc/state.md", heading, bad) ;
}

START_TEST(test_oneshot_table) { walk(K_ONESHOT, "Oneshot") ; }
END_TEST

START_TEST(test_longrun_table) { walk(K_LONGRUN, "Longrun") ; }
END_TEST

START_TEST(test_timer_table) { walk(K_TIMER, "Timer") ; }
END_TEST


/* The races: each the exact sequence of events that once went wrong. */

static unit *const A = units ;

static void begin (int longrun, enum ustate_e s)
{
  world_reset(longrun) ;
  tain_now_set_stopwatch_g() ;
  A->state = s ;
  if (longrun ? s != U_WAITING : IN(s, U_STARTING, U_TIMED_OUT, U_POST, U_STOPPING)) unit_set_pid(A, next_pid++) ;
  A->sv_announced = 1 ;
  A->sv_count = 1 ;
}

static void send (enum uevent_e ev, int arg) { unit_event(A, ev, arg) ; }

static void dep_fails (void)
{
  units[1].state = U_FAILED ;
  strcpy(units[1].why, "exited 3") ;
  units[1].exitcode = 3 ;
  send(EV_DEP_FAILED, 1) ;
}

static int count (char const *what)
{
  int n = 0 ;
  for (char const *p = trace ; (p = strstr(p, what)) ; p += strlen(what)) n++ ;
  return n ;
}

#define STATE(s) ck_assert_str_eq(ustate_names[A->state], ustate_names[s])
#define SAID(what) ck_assert_msg(count(what) == 1, "not once: %s in %s", what, trace)
#define NOT_SAID(what) ck_assert_msg(!count(what), "%s in %s", what, trace)

/* A running longrun that nci-init fails is told F; a Restart= start that
   nci-supervise made before it read that F (u) undoes nothing; a start by
   hand after the F does. */
START_TEST(test_failed_longrun_stays_failed)
{
  begin(1, U_UP) ;
  dep_fails() ;
  STATE(U_FAILING) ;
  SAID("control a F") ;
  send(EV_SV_U, 0) ;
  STATE(U_FAILING) ;
  ck_assert_str_eq(A->why, "dependency failed: b") ;
  send(EV_SV_D, 0) ;
  send(EV_SV_F, 0) ;
  STATE(U_FAILED) ;
  SAID("control a F") ;
  ck_assert_str_eq(A->why, "dependency failed: b") ;
  send(EV_SV_U, 0) ;
  STATE(U_STARTING) ;
  ck_assert_str_eq(A->why, "") ;
  SAID("log unit a started again") ;
}
END_TEST

/* The nci-supervise of a failing unit dies before it did the F: its
   replacement keeps the service down, and gets the F on its s. */
START_TEST(test_lost_f_sent_again)
{
  begin(1, U_STARTING) ;
  dep_fails() ;
  trace[0] = 0 ;
  tain_addsec_g(&A->sv_started, -2) ;
  send(EV_EXIT, 0) ;
  STATE(U_FAILING) ;
  SAID("supervise a -d") ;
  send(EV_SV_S, 0) ;
  SAID("control a F") ;
  STATE(U_FAILING) ;
}
END_TEST

/* A service that failed by itself (its own F) is not told F back. */
START_TEST(test_no_f_echoed)
{
  begin(1, U_STARTING) ;
  w_sv_read = 1 ;
  send(EV_SV_F, 0) ;
  STATE(U_FAILED) ;
  NOT_SAID("control a F") ;
  ck_assert_str_eq(A->why, "result exit-code") ;
  ck_assert_int_eq(A->exitcode, 3) ;
}
END_TEST

/* A restart by hand (nci-supervise's D while it wants the service up) is no
   stop: no SuccessAction=, nothing bound to it stops. */
START_TEST(test_restart_by_hand_is_no_stop)
{
  begin(1, U_UP) ;
  A->success_action = ACT_EXIT ;
  w_sv_read = 1 ;
  w_wantup = 1 ;
  send(EV_SV_D, 0) ;
  STATE(U_UP) ;
  NOT_SAID("exit") ;
  w_wantup = 0 ;
  send(EV_SV_D, 0) ;
  STATE(U_DONE) ;
  SAID("exit") ;
  SAID("shutdown") ;
}
END_TEST

/* A longrun down and started by hand is tracked; a down one keeps down
   through a replacement nci-supervise. */
START_TEST(test_down_longrun_started_by_hand)
{
  begin(1, U_DONE) ;
  tain_addsec_g(&A->sv_started, -2) ;
  send(EV_EXIT, 0) ;
  SAID("supervise a -d") ;
  STATE(U_DONE) ;
  send(EV_SV_S, 0) ;
  send(EV_SV_U, 0) ;
  STATE(U_STARTING) ;
  send(EV_SV_READY, 0) ;
  STATE(U_UP) ;
}
END_TEST

/* Stopped with what it is bound to, its nci-supervise dies before the d:
   the replacement is told d again; down already, it waits for no D. */
START_TEST(test_lost_bindsto_stop_sent_again)
{
  begin(1, U_UP) ;
  w_sv_read = 2 ;
  send(EV_BOUND_DOWN, 1) ;
  STATE(U_UNBINDING) ;
  SAID("control a d") ;
  /* a Restart= start before the D is not a start by hand */
  send(EV_SV_U, 0) ;
  STATE(U_UNBINDING) ;
  tain_addsec_g(&A->sv_started, -2) ;
  send(EV_EXIT, 0) ;
  SAID("supervise a -d") ;
  trace[0] = 0 ;
  send(EV_SV_S, 0) ;
  SAID("control a d") ;
  STATE(U_UNBINDING) ;
  w_sv_read = 1 ;
  send(EV_SV_S, 0) ;
  STATE(U_DONE) ;
}
END_TEST

/* A start, stop or restart while a oneshot's ExecStop runs after its start
   runs no second script; the start comes once it has ended. */
START_TEST(test_oneshot_restart_during_execstop)
{
  begin(0, U_STARTING) ;
  A->has_down = 1 ;
  send(EV_EXIT, 0) ;
  STATE(U_POST) ;
  SAID("run a ./down") ;
  send(EV_CMD_RESTART, 0) ;
  send(EV_CMD_START, 0) ;
  NOT_SAID("run a ./up") ;
  send(EV_EXIT, 0) ;
  STATE(U_STARTING) ;
  SAID("run a ./up") ;
}
END_TEST

/* A restart during a command's stop starts it again once stopped; a
   stop after it cancels that. */
START_TEST(test_oneshot_restart_during_stop)
{
  begin(0, U_STARTING) ;
  send(EV_CMD_STOP, 0) ;
  STATE(U_STOPPING) ;
  SAID("signal a TERM") ;
  send(EV_CMD_RESTART, 0) ;
  send(EV_EXIT, 15) ;
  STATE(U_STARTING) ;
  SAID("run a ./up") ;
  send(EV_CMD_RESTART, 0) ;
  send(EV_CMD_STOP, 0) ;
  send(EV_EXIT, 15) ;
  STATE(U_DONE) ;
  ck_assert_int_eq(count("run a ./up"), 1) ;
}
END_TEST

/* A oneshot failed while a command stops it stays failed: not done when its
   script ends, not started again by a pending restart, and its ExecStop,
   which runs, does not run a second time. */
START_TEST(test_oneshot_failed_meanwhile)
{
  begin(0, U_UP) ;
  A->remain = A->has_down = 1 ;
  send(EV_CMD_RESTART, 0) ;
  STATE(U_STOPPING) ;
  dep_fails() ;
  STATE(U_FAILED_STOPPING) ;
  send(EV_EXIT, 0) ;
  STATE(U_FAILED) ;
  send(EV_TURN, 0) ;
  STATE(U_FAILED) ;
  ck_assert_int_eq(count("run a ./down"), 1) ;
  NOT_SAID("run a ./up") ;
}
END_TEST

/* A oneshot failed while it remained runs its ExecStop once, at the boot's
   next pass, and again not when its turn in the stop comes. */
START_TEST(test_oneshot_failed_while_up_runs_execstop_once)
{
  begin(0, U_UP) ;
  A->remain = A->has_down = 1 ;
  dep_fails() ;
  STATE(U_FAILED_STOPPING) ;
  NOT_SAID("run a ./down") ;
  send(EV_TURN, 0) ;
  SAID("run a ./down") ;
  send(EV_EXIT, 0) ;
  STATE(U_FAILED) ;
  G.shutting = 1 ;
  send(EV_STOP_TURN, 0) ;
  STATE(U_STOPPED) ;
  ck_assert_int_eq(count("run a ./down"), 1) ;
}
END_TEST

/* A oneshot still starting when the container stops gets SIGTERM, and
   SIGKILL after its TimeoutStopSec: the stop never hangs on it. */
START_TEST(test_shutdown_kills_a_starting_oneshot)
{
  begin(0, U_STARTING) ;
  shutdown_begin(0) ;
  STATE(U_ABORTING) ;
  SAID("signal a TERM") ;
  ck_assert(tai_sec(tain_secp(&A->deadline)) != 0) ;
  send(EV_TIMEOUT, 0) ;
  SAID("signal a KILL") ;
  send(EV_EXIT, SIGKILL) ;
  STATE(U_DONE) ;
  send(EV_STOP_TURN, 0) ;
  STATE(U_STOPPED) ;
}
END_TEST

/* A script that cannot be started waits while other scripts of nci-init's
   run; with none running it fails its unit, result resources. An early
   oneshot whose start by hand must wait does not hold the longruns back. */
START_TEST(test_script_that_cannot_start)
{
  begin(0, U_WAITING) ;
  A->early = 1 ;
  G.early_left = 1 ;
  w_spawn_ok = 0 ;
  w_running = 1 ;
  send(EV_TURN, 0) ;
  STATE(U_WAITING) ;
  w_running = 0 ;
  send(EV_TURN, 0) ;
  STATE(U_FAILED) ;
  ck_assert_int_eq(A->st.result, NCI_RESULT_RESOURCES) ;
  ck_assert_uint_eq(G.early_left, 0) ;
  begin(0, U_DONE) ;
  A->early = 1 ;
  w_spawn_ok = 0 ;
  w_running = 1 ;
  send(EV_CMD_START, 0) ;
  STATE(U_DONE) ;
  ck_assert_uint_eq(G.early_left, 0) ;
  w_spawn_ok = 1 ;
  send(EV_CMD_START, 0) ;
  STATE(U_STARTING) ;
  ck_assert_uint_eq(G.early_left, 1) ;
}
END_TEST

/* A failed nci-supervise start is tried again at its deadline, not at each
   pass of the boot. */
START_TEST(test_supervise_start_retried)
{
  begin(1, U_WAITING) ;
  w_sv_ok = 0 ;
  send(EV_TURN, 0) ;
  STATE(U_WAITING) ;
  ck_assert(tai_sec(tain_secp(&A->deadline)) != 0) ;
  w_sv_ok = 1 ;
  send(EV_TURN, 0) ;
  STATE(U_WAITING) ;
  NOT_SAID("supervise a") ;
  send(EV_TIMEOUT, 0) ;
  STATE(U_STARTING) ;
  SAID("supervise a") ;
}
END_TEST

static Suite *suite (void)
{
  Suite *s = suite_create("unit_machine") ;
  TCase *t = tcase_create("table") ;
  tcase_set_timeout(t, 60) ;
  tcase_add_test(t, test_oneshot_table) ;
  tcase_add_test(t, test_longrun_table) ;
  tcase_add_test(t, test_timer_table) ;
  suite_add_tcase(s, t) ;
  t = tcase_create("races") ;
  tcase_add_test(t, test_failed_longrun_stays_failed) ;
  tcase_add_test(t, test_lost_f_sent_again) ;
  tcase_add_test(t, test_no_f_echoed) ;
  tcase_add_test(t, test_restart_by_hand_is_no_stop) ;
  tcase_add_test(t, test_down_longrun_started_by_hand) ;
  tcase_add_test(t, test_lost_bindsto_stop_sent_again) ;
  tcase_add_test(t, test_oneshot_restart_during_execstop) ;
  tcase_add_test(t, test_oneshot_restart_during_stop) ;
  tcase_add_test(t, test_oneshot_failed_meanwhile) ;
  tcase_add_test(t, test_oneshot_failed_while_up_runs_execstop_once) ;
  tcase_add_test(t, test_shutdown_kills_a_starting_oneshot) ;
  tcase_add_test(t, test_script_that_cannot_start) ;
  tcase_add_test(t, test_supervise_start_retried) ;
  suite_add_tcase(s, t) ;
  return s ;
}

int main (void)
{
  /* the machine's warnings (nci-supervise died...) are its actions' business: not shown */
  if (!freopen("/dev/null", "w", stderr)) return 111 ;
  setvbuf(stdout, 0, _IOLBF, 0) ;
  pidmap_init(3) ;
  return check_run(suite()) ;
}
