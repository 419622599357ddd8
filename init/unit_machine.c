#include <sys/wait.h>
#include <errno.h>
#include <signal.h>
#include <string.h>

#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>

#include <nci/signal.h>
#include <nci/unitstate.h>
#include "init.h"

/* A unit's life: one state (init.h), changed here only, by one function per
   kind of unit with a switch on the state and, inside, on the event. What a
   pair does is in doc/state.md's tables, which tests/unit/test_unit_machine.c
   checks against this code. A pair that cannot happen is logged as an
   internal error and changes nothing: nci-init never dies of its own bug.
   The machine acts through the functions init.h lists as its actions (start
   a script, tell an nci-supervise a byte...), which change no state. */

char const *const ustate_names[U_NSTATES] =
{
  [U_WAITING] = "waiting",
  [U_STARTING] = "starting",
  [U_TIMED_OUT] = "timed-out",
  [U_UP] = "up",
  [U_POST] = "post",
  [U_DONE] = "done",
  [U_STOPPING] = "stopping",
  [U_UNBINDING] = "unbinding",
  [U_FAILING] = "failing",
  [U_FAILED] = "failed",
  [U_FAILED_STOPPING] = "failed-stopping",
  [U_ABORTING] = "aborting",
  [U_SHUT_STOPPING] = "shut-stopping",
  [U_STOPPED] = "stopped",
} ;

char const *const uevent_names[EV_N] =
{
  [EV_TURN] = "turn",
  [EV_DEP_FAILED] = "dep-failed",
  [EV_BOUND_DOWN] = "bound-down",
  [EV_EXIT] = "exit",
  [EV_TIMEOUT] = "timeout",
  [EV_SV_S] = "s",
  [EV_SV_U] = "u",
  [EV_SV_READY] = "U",
  [EV_SV_F] = "F",
  [EV_SV_D] = "D",
  [EV_CMD_START] = "start",
  [EV_CMD_STOP] = "stop",
  [EV_CMD_RESTART] = "restart",
  [EV_SHUTDOWN] = "shutdown",
  [EV_STOP_TURN] = "stop-turn",
} ;

static void impossible (unit const *u, enum uevent_e ev)
{
  ilog("internal error: unit ", u->name, ": event ", uevent_names[ev]) ;
  ilog("internal error: ... in state ", ustate_names[u->state], 0, 0) ;
}

static int unsettled (enum ustate_e s)
{
  return s == U_WAITING || s == U_STARTING || s == U_TIMED_OUT || s == U_STOPPING ;
}

/* Still on its way up (or being stopped by a command): what is ordered after
   it waits, and the boot is not complete. */
int unit_unsettled (unit const *u)
{
  return unsettled(u->state) ;
}

int unit_has_failed (unit const *u)
{
  return !!u->why[0] ;
}

/* Every state change: the count of early oneshots not settled, which the
   longruns wait for, follows it. */
static void enter (unit *u, enum ustate_e s)
{
  if (u->early && unsettled(u->state) != unsettled(s))
  {
    if (unsettled(s)) G.early_left++ ;
    else G.early_left-- ;
  }
  if (s == U_STARTING) tain_copynow(&u->started_at) ;
  else if ((s == U_DONE || s == U_FAILED) && u->state != U_WAITING && u->state != s) tain_copynow(&u->stopped_at) ;
  u->state = s ;
}

static void deadline_in (unit *u, unsigned int ms)
{
  tain t ;
  if (!ms) { u->deadline = tain_zero ; return ; }
  tain_from_millisecs(&t, (int)ms) ;
  tain_add_g(&u->deadline, &t) ;
}

static void bound_down (unit *gone) ;

/* u failed, and is now in s: why is kept and shown, what requires u fails,
   what is bound to it stops, and the container stops if that is the policy.
   A longrun that runs is told F (s is U_FAILING): its nci-supervise stops it
   and says when. */
static void fail (unit *u, enum ustate_e s, int code, char const *why1, char const *why2)
{
  unsigned int ui = (unsigned int)(u - G.units) ;
  size_t n1 = strlen(why1), n2 = why2 ? strlen(why2) : 0 ;
  if (n1 > sizeof u->why - 1) n1 = sizeof u->why - 1 ;
  if (n1 + n2 > sizeof u->why - 1) n2 = sizeof u->why - 1 - n1 ;
  memcpy(u->why, why1, n1) ;
  if (n2) memcpy(u->why + n1, why2, n2) ;
  u->why[n1 + n2] = 0 ;
  u->exitcode = code ;
  enter(u, s) ;
  ilog("unit ", u->name, " failed: ", u->why) ;
  if (s == U_FAILING)
  {
    /* why first: nci-ctl reads it in .nci-init/state once nci-supervise says failed */
    state_write_boot() ;
    sv_control(u, 'F') ;
  }
  else
  {
    /* shown by nci-init (a longrun's only when no nci-supervise writes it) */
    if (u->st.result == NCI_RESULT_NONE) u->st.result = NCI_RESULT_EXIT_CODE ;
    memcpy(u->st.status, u->why, sizeof u->st.status - 1) ;
    unit_show(u, NCI_STATE_FAILED) ;
  }
  for (unsigned int i = 0 ; i < G.n ; i++)
  {
    unit *v = G.units + i ;
    for (unsigned int j = 0 ; j < v->nreq ; j++)
      if (v->req[j] == ui) { unit_event(v, EV_DEP_FAILED, (int)ui) ; break ; }
  }
  bound_down(u) ;
  /* after the propagation, so the units this failure fails are recorded as such */
  if (!G.shutting && (G.on_failure_exit || u->failure_action == ACT_EXIT))
  {
    set_exit(code) ;
    shutdown_begin(code) ;
  }
  state_write_boot() ;
}

/* A unit whose BindsTo=/PartOf= unit went down or failed goes down too, not failed. */
static void bound_down (unit *gone)
{
  unsigned int gi = (unsigned int)(gone - G.units) ;
  for (unsigned int i = 0 ; i < G.n ; i++)
  {
    unit *v = G.units + i ;
    for (unsigned int j = 0 ; j < v->nbind ; j++)
      if (v->bind[j] == gi) { unit_event(v, EV_BOUND_DOWN, (int)gi) ; break ; }
  }
}

/* Whether u may start now: 1, 0 not yet, -1 never (it failed, now). */
static int may_start (unit *u)
{
  if (u->missing)
  {
    fail(u, U_FAILED, 1, "requires a unit that does not run: ", u->missing) ;
    return -1 ;
  }
  for (unsigned int j = 0 ; j < u->nreq ; j++)
  {
    unit const *r = G.units + u->req[j] ;
    if (unit_has_failed(r))
    {
      fail(u, U_FAILED, r->exitcode, "dependency failed: ", r->name) ;
      return -1 ;
    }
  }
  for (unsigned int j = 0 ; j < u->nafter ; j++)
    if (unsettled(G.units[u->after[j]].state)) return 0 ;
  return !u->longrun || !G.early_left ;
}

static int wstat_code (int wstat)
{
  return WIFEXITED(wstat) ? WEXITSTATUS(wstat) : 128 + WTERMSIG(wstat) ;
}


/* Oneshots: nci-init runs their up and down scripts itself. */

/* The running script's stop, a step a call: SIGTERM, and SIGKILL when its
   TimeoutStopSec has passed (none: systemd's infinity). */
static void kill_step (unit *u)
{
  if (u->killsig == SIGKILL) return ;
  u->killsig = u->killsig ? SIGKILL : SIGTERM ;
  script_signal(u, u->killsig) ;
  deadline_in(u, u->killsig == SIGTERM ? u->kill_ms : 0) ;
}

/* A stop ends a running script: SIGTERM now, unless it had it already. */
static void terminate (unit *u)
{
  if (!u->killsig) kill_step(u) ;
}

static void on_script_timeout (unit *u)
{
  if (!u->killsig) ilog("unit ", u->name, ": timed out, sending SIGTERM", 0) ;
  kill_step(u) ;
}

/* Runs a script of u, bounded by ms: 1, or 0 when it could not (said, errno set). */
static int run (unit *u, char const *script, unsigned int ms)
{
  if (!script_run(u, script)) return 0 ;
  u->killsig = 0 ;
  deadline_in(u, ms) ;
  return 1 ;
}

/* Runs its up script: 1 started, 0 it must wait (other scripts of
   nci-init's run: their end gives back what it lacks, descriptors or
   processes), -1 it could not and failed (systemd's "resources"). */
static int oneshot_up (unit *u)
{
  int was_failed = u->state == U_FAILED ;
  if (!run(u, "./up", u->timeout_ms))
  {
    int e = errno ;
    if (scripts_running()) return 0 ;
    u->st.result = NCI_RESULT_RESOURCES ;
    u->st.has_exit = 0 ;
    /* failed already: it stays so, the warning said why */
    if (was_failed) return -1 ;
    fail(u, U_FAILED, 1, "could not start its script: ", strerror(e)) ;
    return -1 ;
  }
  /* run again, a failed one is failed no more */
  if (was_failed) { u->why[0] = 0 ; u->st.status[0] = 0 ; }
  enter(u, U_STARTING) ;
  u->st.pid = u->pid ;
  u->st.result = NCI_RESULT_NONE ;
  ilog("starting ", u->name, 0, 0) ;
  unit_show(u, NCI_STATE_STARTING) ;
  if (was_failed) state_write_boot() ;
  return 1 ;
}

/* A start asked for by a command: when it has to wait, that is said, and the
   command is not kept. */
static void command_up (unit *u)
{
  if (oneshot_up(u)) return ;
  strerr_warnw3x("could not start ", u->name, " now: try again") ;
}

/* Stopped by a command: down, not failed; started again if the command was a
   restart. */
static void stopped_by_command (unit *u)
{
  int again = u->pending ;
  u->pending = 0 ;
  enter(u, U_DONE) ;
  u->st.result = NCI_RESULT_SUCCESS ;
  ilog("unit ", u->name, " stopped", 0) ;
  unit_show(u, NCI_STATE_DOWN) ;
  state_write_boot() ;
  if (again && !G.shutting) command_up(u) ;
}

/* A command's stop of a oneshot that is up: its down script, or nothing to
   run and it is down at once. */
static void command_down (unit *u)
{
  if (!u->has_down) { stopped_by_command(u) ; return ; }
  if (!run(u, "./down", u->kill_ms))
  {
    strerr_warnw3x("could not stop ", u->name, " now: try again") ;
    u->pending = 0 ;
    return ;
  }
  enter(u, U_STOPPING) ;
  ilog("stopping ", u->name, 0, 0) ;
}

/* Its up script ended on its own. */
static void up_exited (unit *u, int wstat)
{
  char fmt[UINT_FMT] ;
  char name[NCI_SIGNAL_NAME_MAX] ;
  if (WIFEXITED(wstat) && !WEXITSTATUS(wstat))
  {
    u->st.result = NCI_RESULT_SUCCESS ;
    ilog("unit ", u->name, " finished", 0) ;
    if (u->remain) { enter(u, U_UP) ; unit_show(u, NCI_STATE_UP) ; }
    else
    {
      enter(u, U_DONE) ;
      unit_show(u, NCI_STATE_DOWN) ;
      /* as systemd: a oneshot that does not remain is stopped at once, ExecStop= included */
      if (u->has_down && run(u, "./down", u->kill_ms)) enter(u, U_POST) ;
    }
    if (u->success_action == ACT_EXIT) { set_exit(0) ; shutdown_begin(0) ; }
    return ;
  }
  if (WIFEXITED(wstat))
  {
    fmt[uint_fmt(fmt, (unsigned int)WEXITSTATUS(wstat))] = 0 ;
    u->st.result = NCI_RESULT_EXIT_CODE ;
    fail(u, U_FAILED, wstat_code(wstat), "exited ", fmt) ;
    return ;
  }
  nci_signal_name(WTERMSIG(wstat), name) ;
  u->st.result = WCOREDUMP(wstat) ? NCI_RESULT_CORE_DUMP : NCI_RESULT_SIGNAL ;
  fail(u, U_FAILED, wstat_code(wstat), "killed by ", name) ;
}

/* Its stop in the container's stop: its down script when it has one to run,
   else it is down at once. A down script that cannot run now waits for
   nci-init's other scripts to end, if any runs; else waiting would stall the
   stop, and it is skipped (said why). */
static void oneshot_shut (unit *u, int up)
{
  if (u->has_down && (up || u->state == U_FAILED_STOPPING))
  {
    if (run(u, "./down", u->kill_ms))
    {
      enter(u, U_SHUT_STOPPING) ;
      G.stoplog[G.nstoplog++] = (unsigned int)(u - G.units) ;
      return ;
    }
    if (scripts_running()) return ;
  }
  /* up with nothing run for its stop: down, said as a down script's end says it */
  if (up) unit_show(u, NCI_STATE_DOWN) ;
  enter(u, U_STOPPED) ;
}

static void oneshot_event (unit *u, enum uevent_e ev, int arg)
{
  unit const *other = ev == EV_DEP_FAILED ? G.units + arg : 0 ;
  if (ev >= EV_SV_S && ev <= EV_SV_D) { impossible(u, ev) ; return ; }
  /* a oneshot has nothing that runs for BindsTo= to stop */
  if (ev == EV_BOUND_DOWN) return ;
  switch (u->state)
  {
    case U_WAITING :
      switch (ev)
      {
        case EV_TURN :
          if (may_start(u) <= 0) return ;
          /* one that a timer (or a command) starts is not run at boot */
          if (u->demand) { enter(u, U_DONE) ; unit_show(u, NCI_STATE_DOWN) ; return ; }
          oneshot_up(u) ;
          return ;
        case EV_DEP_FAILED : fail(u, U_FAILED, other->exitcode, "dependency failed: ", other->name) ; return ;
        /* a unit waiting for its turn gets it: the boot starts it */
        case EV_CMD_START : case EV_CMD_STOP : case EV_CMD_RESTART : return ;
        case EV_SHUTDOWN : enter(u, U_STOPPED) ; return ;
        default : break ;
      }
      break ;

    case U_STARTING :
    case U_TIMED_OUT :
      switch (ev)
      {
        case EV_TURN : return ;
        case EV_DEP_FAILED :
          terminate(u) ;
          fail(u, U_FAILED_STOPPING, other->exitcode, "dependency failed: ", other->name) ;
          return ;
        case EV_EXIT :
          if (u->state == U_STARTING) { up_exited(u, arg) ; return ; }
          u->st.result = NCI_RESULT_TIMEOUT ;
          fail(u, U_FAILED, 1, "timed out", 0) ;
          return ;
        case EV_TIMEOUT :
          if (u->state == U_STARTING) enter(u, U_TIMED_OUT) ;
          on_script_timeout(u) ;
          return ;
        case EV_CMD_START : return ;
        case EV_CMD_STOP :
        case EV_CMD_RESTART :
          u->pending = ev == EV_CMD_RESTART ;
          terminate(u) ;
          enter(u, U_STOPPING) ;
          ilog("stopping ", u->name, 0, 0) ;
          return ;
        case EV_SHUTDOWN : terminate(u) ; enter(u, U_ABORTING) ; return ;
        default : break ;
      }
      break ;

    case U_UP :
      switch (ev)
      {
        case EV_TURN : case EV_CMD_START : case EV_SHUTDOWN : return ;
        case EV_DEP_FAILED :
          /* stopped as a longrun is, its ExecStop= included: at the boot's next pass */
          fail(u, u->has_down ? U_FAILED_STOPPING : U_FAILED, other->exitcode, "dependency failed: ", other->name) ;
          return ;
        case EV_CMD_RESTART : u->pending = 1 ; command_down(u) ; return ;
        case EV_CMD_STOP : command_down(u) ; return ;
        case EV_STOP_TURN : oneshot_shut(u, 1) ; return ;
        default : break ;
      }
      break ;

    case U_POST :
    case U_STOPPING :
    case U_FAILED_STOPPING :
      switch (ev)
      {
        case EV_TURN :
          /* a failed oneshot's down script, which could not run yet */
          if (u->state == U_FAILED_STOPPING && u->pid <= 0) run(u, "./down", u->kill_ms) ;
          return ;
        case EV_DEP_FAILED :
          /* a unit done (its ExecStop runs) is not undone by what it required */
          if (u->state != U_STOPPING) return ;
          /* failed meanwhile: it stays failed, and is not started again */
          u->pending = 0 ;
          fail(u, U_FAILED_STOPPING, other->exitcode, "dependency failed: ", other->name) ;
          return ;
        case EV_EXIT :
          if (u->state == U_STOPPING) { stopped_by_command(u) ; return ; }
          if (u->state == U_POST) enter(u, U_DONE) ;
          else { enter(u, U_FAILED) ; unit_show(u, NCI_STATE_FAILED) ; }
          if (u->pending && !G.shutting) { u->pending = 0 ; command_up(u) ; }
          return ;
        case EV_TIMEOUT : on_script_timeout(u) ; return ;
        /* while a script of it ends: then */
        case EV_CMD_START : case EV_CMD_RESTART : u->pending = 1 ; return ;
        case EV_CMD_STOP : case EV_SHUTDOWN : u->pending = 0 ; return ;
        case EV_STOP_TURN :
          /* a script that runs is waited for */
          if (u->state == U_FAILED_STOPPING && u->pid <= 0) oneshot_shut(u, 0) ;
          return ;
        default : break ;
      }
      break ;

    case U_DONE :
    case U_FAILED :
      switch (ev)
      {
        /* what it required failing later does not undo its run, or its failure */
        case EV_TURN : case EV_DEP_FAILED : case EV_CMD_STOP : case EV_SHUTDOWN : return ;
        case EV_CMD_START : case EV_CMD_RESTART : command_up(u) ; return ;
        case EV_STOP_TURN : enter(u, U_STOPPED) ; return ;
        default : break ;
      }
      break ;

    case U_ABORTING :
    case U_SHUT_STOPPING :
      switch (ev)
      {
        /* its script is waited for */
        case EV_STOP_TURN : return ;
        /* failed all the same, for what it shows once stopped */
        case EV_DEP_FAILED :
          if (unit_has_failed(u)) return ;
          fail(u, u->state == U_ABORTING ? U_FAILED_STOPPING : U_SHUT_STOPPING, other->exitcode, "dependency failed: ", other->name) ;
          return ;
        case EV_EXIT :
          if (u->state == U_ABORTING)
          {
            /* down, and stopped once its turn comes */
            unit_show(u, NCI_STATE_DOWN) ;
            enter(u, U_DONE) ;
            return ;
          }
          enter(u, U_STOPPED) ;
          unit_show(u, unit_has_failed(u) ? NCI_STATE_FAILED : NCI_STATE_DOWN) ;
          return ;
        case EV_TIMEOUT : on_script_timeout(u) ; return ;
        default : break ;
      }
      break ;

    case U_STOPPED :
      if (ev == EV_DEP_FAILED) return ;
      break ;

    default : break ;
  }
  impossible(u, ev) ;
}


/* Longruns: each has its nci-supervise, which runs the service; nci-init
   hears of it through its report letters. */

/* Starts its nci-supervise; one that fails is tried again a second later:
   the service is never left without one for good. A replacement for one
   that died keeps down a unit that is down or failed. */
static void supervise (unit *u)
{
  int down = u->state == U_DONE || u->state == U_UNBINDING || u->state == U_FAILING || u->state == U_FAILED ;
  if (!sv_spawn(u, down)) { deadline_in(u, 1000) ; return ; }
  u->sv_announced = 0 ;
  u->sv_count++ ;
  u->deadline = tain_zero ;
}

static void longrun_start (unit *u)
{
  /* said, and written out, before the start: the service's first lines,
     which its nci-supervise writes, must not come before it */
  ilog("starting ", u->name, 0, 0) ;
  ilog_flush() ;
  supervise(u) ;
  if (u->pid > 0) enter(u, U_STARTING) ;
}

/* The exit code a longrun's failure gives the container (README). */
static int failure_code (nci_unitstate const *st)
{
  if (st->result == NCI_RESULT_TIMEOUT || st->result == NCI_RESULT_START_LIMIT_HIT || !st->has_exit) return 1 ;
  if (WIFEXITED(st->wstat)) return WEXITSTATUS(st->wstat) ? WEXITSTATUS(st->wstat) : 1 ;
  return 128 + WTERMSIG(st->wstat) ;
}

static int active_state (enum nci_unitstate_state_e st)
{
  return st == NCI_STATE_STARTING || st == NCI_STATE_UP || st == NCI_STATE_STOPPING || st == NCI_STATE_FINISHING ;
}

/* Its nci-supervise ended. In the container's stop, that ends its part. The
   first one ending with an error before it even said s (an invalid policy
   file, no nci-supervise to exec) would do the same again: the unit fails,
   as systemd's "resources". A later one may have met a passing shortage, and
   a service may run: it is replaced, at most once a second. */
static void supervise_exited (unit *u, int wstat)
{
  if (G.shutting) { enter(u, U_STOPPED) ; return ; }
  if (!u->sv_announced && u->sv_count == 1 && WIFEXITED(wstat) && WEXITSTATUS(wstat))
  {
    char fmt[UINT_FMT] ;
    fmt[uint_fmt(fmt, (unsigned int)WEXITSTATUS(wstat))] = 0 ;
    u->st.result = NCI_RESULT_RESOURCES ;
    u->st.has_exit = 0 ;
    u->st.pid = 0 ;
    if (!unit_has_failed(u)) fail(u, U_FAILED, 1, "its nci-supervise could not start, exit code ", fmt) ;
    else
    {
      enter(u, U_FAILED) ;
      memcpy(u->st.status, u->why, sizeof u->st.status - 1) ;
      unit_show(u, NCI_STATE_FAILED) ;
    }
    return ;
  }
  strerr_warnw3x("the nci-supervise of ", u->name, " died: starting another") ;
  {
    tain next, sec ;
    tain_from_millisecs(&sec, 1000) ;
    tain_add(&next, &u->sv_started, &sec) ;
    if (tain_less(&next, &STAMP)) supervise(u) ;
    else u->deadline = next ;
  }
}

/* Its service failed by itself (F): down for good, failed with its result. */
static void failed_itself (unit *u)
{
  nci_unitstate st ;
  char const *r ;
  if (unit_has_failed(u)) { enter(u, U_FAILED) ; return ; }
  if (!sv_read(u, &st)) { fail(u, U_FAILED, 1, "result unknown", 0) ; return ; }
  r = nci_unitstate_result_name(st.result) ;
  fail(u, U_FAILED, failure_code(&st), "result ", r ? r : "unknown") ;
}

static void longrun_event (unit *u, enum uevent_e ev, int arg)
{
  unit const *other = ev == EV_DEP_FAILED || ev == EV_BOUND_DOWN ? G.units + arg : 0 ;
  nci_unitstate st ;
  if (ev == EV_CMD_START || ev == EV_CMD_STOP || ev == EV_CMD_RESTART) { impossible(u, ev) ; return ; }
  switch (u->state)
  {
    case U_WAITING :
      switch (ev)
      {
        /* a start that failed is tried again at its deadline, not at each pass */
        case EV_TURN :
          if (!tai_sec(tain_secp(&u->deadline)) && may_start(u) > 0) longrun_start(u) ;
          return ;
        case EV_TIMEOUT : longrun_start(u) ; return ;
        case EV_DEP_FAILED : fail(u, U_FAILED, other->exitcode, "dependency failed: ", other->name) ; return ;
        /* nothing runs to stop: it starts when its turn comes */
        case EV_BOUND_DOWN : return ;
        case EV_SHUTDOWN : u->deadline = tain_zero ; enter(u, U_STOPPED) ; return ;
        default : break ;
      }
      break ;

    case U_STARTING :
    case U_UP :
    case U_UNBINDING :
    case U_DONE :
    case U_FAILING :
    case U_FAILED :
      switch (ev)
      {
        case EV_TURN : case EV_SHUTDOWN : return ;
        case EV_DEP_FAILED :
          /* down already, or failed already: nothing to stop */
          if (u->state != U_STARTING && u->state != U_UP) return ;
          fail(u, U_FAILING, other->exitcode, "dependency failed: ", other->name) ;
          return ;
        case EV_BOUND_DOWN :
          if (u->state != U_STARTING && u->state != U_UP) return ;
          ilog("stopping ", u->name, ": it is bound to ", other->name) ;
          sv_control(u, 'd') ;
          /* a u before its D is a Restart= start, not a start by hand; a
             service down already (waiting out RestartSec=) gives no D */
          enter(u, sv_read(u, &st) && active_state(st.state) ? U_UNBINDING : U_DONE) ;
          bound_down(u) ;
          return ;
        case EV_EXIT : supervise_exited(u, arg) ; return ;
        case EV_TIMEOUT :
          /* its nci-supervise died and is replaced now, unless the container stops */
          if (!G.shutting && u->pid <= 0) supervise(u) ;
          return ;
        case EV_SV_S :
          u->sv_announced = 1 ;
          if (G.shutting) return ;
          /* a new nci-supervise for a failed unit whose F was never done (the
             old one died first): sent again */
          if (u->state == U_FAILING) sv_control(u, 'F') ;
          /* and for a unit stopped with what it is bound to, its d lost; down
             already, no D will come */
          else if (u->state == U_UNBINDING)
          {
            if (sv_read(u, &st) && !active_state(st.state)) enter(u, U_DONE) ;
            else sv_control(u, 'd') ;
          }
          /* one that keeps its service down (a down file in the tree): not
             started, and nothing to wait for */
          else if (u->state == U_STARTING && !arg && sv_read(u, &st) && st.state == NCI_STATE_DOWN)
          {
            enter(u, U_DONE) ;
            ilog("unit ", u->name, " stays down: its service directory has a down file", 0) ;
          }
          return ;
        case EV_SV_U :
          if (G.shutting) return ;
          /* a longrun down, started by hand (nci-ctl start): running again */
          if (u->state == U_DONE) enter(u, U_STARTING) ;
          /* a failed longrun, down for good, started again (nci-ctl start):
             failed no more. Before its F (failing) or its D (unbinding), a u
             is a Restart= start that nci-supervise made before it read
             nci-init's F or d. */
          else if (u->state == U_FAILED)
          {
            enter(u, U_STARTING) ;
            u->why[0] = 0 ;
            ilog("unit ", u->name, " started again", 0) ;
            state_write_boot() ;
          }
          return ;
        case EV_SV_READY :
          if (u->state == U_STARTING) { enter(u, U_UP) ; ilog("unit ", u->name, " is ready", 0) ; }
          return ;
        case EV_SV_F :
          if (G.shutting) return ;
          /* F: the service is down and stays down */
          if (u->state == U_FAILING) { enter(u, U_FAILED) ; return ; }
          if (u->state != U_FAILED) failed_itself(u) ;
          return ;
        case EV_SV_D :
          if (u->state == U_UNBINDING) { enter(u, U_DONE) ; return ; }
          if (G.shutting || (u->state != U_STARTING && u->state != U_UP)) return ;
          /* down for a restart (nci-ctl restart): up again in a moment, not down */
          if (!sv_read(u, &st) || st.state != NCI_STATE_DOWN || sv_wantup(u)) return ;
          enter(u, U_DONE) ;
          ilog("unit ", u->name, " is down", 0) ;
          bound_down(u) ;
          if (u->success_action == ACT_EXIT) { set_exit(0) ; shutdown_begin(0) ; }
          return ;
        case EV_STOP_TURN :
          /* its nci-supervise stops the service its own way, then exits */
          /* one to replace an nci-supervise that died: none now */
          if (u->pid <= 0) { u->deadline = tain_zero ; enter(u, U_STOPPED) ; return ; }
          sv_signal(u, SIGTERM) ;
          enter(u, U_SHUT_STOPPING) ;
          G.stoplog[G.nstoplog++] = (unsigned int)(u - G.units) ;
          return ;
        default : break ;
      }
      break ;

    case U_SHUT_STOPPING :
    case U_STOPPED :
      switch (ev)
      {
        case EV_EXIT :
          if (u->state == U_STOPPED) break ;
          enter(u, U_STOPPED) ;
          return ;
        /* failed all the same, for what nci-ctl shows once it is stopped;
           its nci-supervise stops it anyway */
        case EV_DEP_FAILED :
          if (u->state == U_STOPPED || unit_has_failed(u)) return ;
          fail(u, U_SHUT_STOPPING, other->exitcode, "dependency failed: ", other->name) ;
          return ;
        /* the stop goes on: nothing starts again, and the last letters of an
           nci-supervise (read after its end was) change nothing */
        case EV_BOUND_DOWN :
        case EV_SV_S : case EV_SV_U : case EV_SV_READY : case EV_SV_F : case EV_SV_D :
          return ;
        /* its nci-supervise is being stopped: then it is */
        case EV_STOP_TURN :
          if (u->state == U_STOPPED) break ;
          return ;
        default : break ;
      }
      break ;

    default : break ;
  }
  impossible(u, ev) ;
}

/* Timers: armed once their turn comes (up, "waiting" for systemd), an elapse starts
   their unit and arms them again; one that will not elapse again, or was stopped by a
   command, is done until started again. They have no process: the container's stop
   just ends them. */
static void timer_event (unit *u, enum uevent_e ev, int arg)
{
  (void)arg ;
  switch (u->state)
  {
    case U_WAITING :
      switch (ev)
      {
        case EV_TURN :
          if (may_start(u) <= 0) return ;
          /* one that the boot does not want is armed by a command only */
          if (u->demand) { u->timer->stopped = 1 ; enter(u, U_DONE) ; timer_show(u) ; }
          else enter(u, timer_arm(u) ? U_UP : U_DONE) ;
          unit_show(u, u->state == U_UP ? NCI_STATE_UP : NCI_STATE_DOWN) ;
          return ;
        case EV_CMD_START : case EV_CMD_STOP : case EV_CMD_RESTART : case EV_BOUND_DOWN : return ;
        case EV_DEP_FAILED : fail(u, U_FAILED, 1, "dependency failed: ", G.units[arg].name) ; return ;
        case EV_SHUTDOWN : enter(u, U_STOPPED) ; return ;
        default : break ;
      }
      break ;

    case U_UP :
      switch (ev)
      {
        case EV_TURN :
          /* its unit started or stopped since: the spans counting from those move */
          if (timer_unit_changed(u) && !timer_arm(u)) { enter(u, U_DONE) ; unit_show(u, NCI_STATE_DOWN) ; }
          return ;
        case EV_CMD_START : case EV_BOUND_DOWN : return ;
        case EV_TIMEOUT :
          timer_elapse(u) ;
          if (u->state != U_UP) return ;
          if (!timer_arm(u)) { enter(u, U_DONE) ; unit_show(u, NCI_STATE_DOWN) ; }
          return ;
        case EV_CMD_RESTART :
          u->timer->armed = tain_zero ;
          if (!timer_arm(u)) { enter(u, U_DONE) ; unit_show(u, NCI_STATE_DOWN) ; }
          return ;
        case EV_CMD_STOP :
          u->timer->stopped = 1 ;
          timer_disarm(u) ;
          enter(u, U_DONE) ;
          unit_show(u, NCI_STATE_DOWN) ;
          return ;
        case EV_DEP_FAILED :
          timer_disarm(u) ;
          fail(u, U_FAILED, 1, "dependency failed: ", G.units[arg].name) ;
          return ;
        case EV_SHUTDOWN : u->deadline = tain_zero ; enter(u, U_STOPPED) ; return ;
        default : break ;
      }
      break ;

    case U_DONE :
    case U_FAILED :
      switch (ev)
      {
        case EV_TURN :
          if (u->state == U_DONE && timer_waits_for_unit(u) && timer_arm(u)) { enter(u, U_UP) ; unit_show(u, NCI_STATE_UP) ; }
          return ;
        case EV_CMD_STOP : u->timer->stopped = 1 ; return ;
        case EV_DEP_FAILED : case EV_BOUND_DOWN : return ;
        case EV_CMD_START :
        case EV_CMD_RESTART :
          u->timer->stopped = 0 ;
          u->timer->armed = tain_zero ;
          u->why[0] = 0 ;
          if (timer_arm(u)) { enter(u, U_UP) ; unit_show(u, NCI_STATE_UP) ; }
          return ;
        case EV_SHUTDOWN : enter(u, U_STOPPED) ; return ;
        default : break ;
      }
      break ;

    case U_STOPPED :
      switch (ev)
      {
        case EV_TURN : case EV_CMD_START : case EV_CMD_STOP : case EV_CMD_RESTART : case EV_BOUND_DOWN :
        case EV_SHUTDOWN : case EV_STOP_TURN : case EV_DEP_FAILED : case EV_TIMEOUT : return ;
        default : break ;
      }
      break ;

    default : break ;
  }
  impossible(u, ev) ;
}

/* What the event does to u, and to the units it touches. An exit clears
   the pid first (the pid is gone: never signalled again), and a oneshot's
   output slot is given up once drained. */
void unit_event (unit *u, enum uevent_e ev, int arg)
{
  if (ev == EV_EXIT)
  {
    if (u->pid <= 0) { impossible(u, ev) ; return ; }
    unit_set_pid(u, 0) ;
    u->deadline = tain_zero ;
    if (!u->longrun)
    {
      u->st.pid = 0 ;
      u->st.has_exit = 1 ;
      u->st.wstat = arg ;
      script_ended(u) ;
    }
  }
  if (u->timer) timer_event(u, ev, arg) ;
  else if (u->longrun) longrun_event(u, ev, arg) ;
  else oneshot_event(u, ev, arg) ;
}
