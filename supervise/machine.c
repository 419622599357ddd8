#include <sys/wait.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>

#include <nci/signal.h>
#include "supervise.h"

/* The life of one service, as systemd runs a service unit:
     down/failed --start--> starting --ready--> (start-post) --> up
     starting/up --death or stop--> (stop script) --> stop-signal (down-signal
       per kill-mode) --> stop-kill (SIGKILL after timeout-kill), until no
       process of the service is left
     --> finishing (finish script) --> restarting (restart-sec), down or failed
   One state (supervise.h) is the whole truth; beside it, what is wanted (s6's
   u, d, o), what the stop was asked to lead to (pending), and whether to exit
   once down. One deadline serves the state it is in: start timeout, stop
   timeout, finish timeout, restart delay. A pair that cannot happen is logged
   as an internal error and changes nothing. The machine acts through spawn.c
   and kill.c, and announces its changes to publish.c. */

/* started again this long after the down of a restart (r): s6-svc -wr
   (s6-svlisten) waits for the down letters, then for an up letter, and drops
   whatever came in the same read as the letter it waited for */
#define RESTART_GAP_MS 10

char const *const svstate_names[SV_NSTATES] =
{
  [SV_DOWN] = "down",
  [SV_GAP] = "gap",
  [SV_FAILED] = "failed",
  [SV_RESTARTING] = "restarting",
  [SV_STARTING] = "starting",
  [SV_START_POST] = "start-post",
  [SV_UP] = "up",
  [SV_STOP_SCRIPT] = "stop-script",
  [SV_STOP_SIGNAL] = "stop-signal",
  [SV_STOP_KILL] = "stop-kill",
  [SV_FINISHING] = "finishing",
} ;

char const *const svevent_names[SE_N] =
{
  [SE_UP] = "u",
  [SE_ONCE] = "o",
  [SE_DOWN] = "d",
  [SE_RESTART] = "r",
  [SE_FAIL] = "F",
  [SE_EXIT] = "x",
  [SE_ONCE_AT_MOST] = "O",
  [SE_RELOAD] = "h",
  [SE_MAIN_EXIT] = "main-exit",
  [SE_CTL_EXIT] = "ctl-exit",
  [SE_OTHER_EXIT] = "other-exit",
  [SE_READY] = "ready",
  [SE_TIMEOUT] = "timeout",
  [SE_GROUP_CHECK] = "group-check",
  [SE_ADOPTED_EXIT] = "adopted-exit",
  [SE_MAINPID] = "mainpid",
  [SE_EXTEND] = "extend",
} ;

static int is_down (enum svstate_e s)
{
  return s == SV_DOWN || s == SV_GAP || s == SV_FAILED || s == SV_RESTARTING ;
}

static int is_stopping (enum svstate_e s)
{
  return s == SV_STOP_SCRIPT || s == SV_STOP_SIGNAL || s == SV_STOP_KILL ;
}

static int is_running (enum svstate_e s)
{
  return s == SV_STARTING || s == SV_START_POST || s == SV_UP ;
}

static enum nci_unitstate_state_e shown (enum svstate_e s)
{
  switch (s)
  {
    case SV_DOWN : case SV_GAP : return NCI_STATE_DOWN ;
    case SV_FAILED : return NCI_STATE_FAILED ;
    case SV_RESTARTING : return NCI_STATE_RESTARTING ;
    case SV_STARTING : case SV_START_POST : return NCI_STATE_STARTING ;
    case SV_UP : return NCI_STATE_UP ;
    case SV_FINISHING : return NCI_STATE_FINISHING ;
    default : return NCI_STATE_STOPPING ;
  }
}

enum nci_unitstate_state_e sv_shown_state (sv *s)
{
  return shown(s->state) ;
}

int sv_gone (sv *s)
{
  return s->exiting && is_down(s->state) ;
}

/* A stop waiting on processes that are not nci-supervise's children (a
   service taken over from a dead nci-supervise): their end sends no SIGCHLD. */
int sv_group_wait (sv *s)
{
  return is_stopping(s->state) && !s->mainpid && !s->ctlpid ;
}

/* Whether the stop was asked for: the service's end is then no failure, and
   Restart= does not decide what comes after. */
static int asked (sv *s)
{
  return s->pending != PEND_NONE ;
}

static void enter (sv *s, enum svstate_e to)
{
  if (shown(to) != shown(s->state))
  {
    struct timespec ts ;
    if (clock_gettime(CLOCK_REALTIME, &ts) == 0)
      s->since_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000 ;
  }
  s->state = to ;
}

static void impossible (sv *s, enum svevent_e ev)
{
  sv_log(s, "internal error: event ", svevent_names[ev], " in this state:") ;
  sv_log(s, "internal error: ... ", svstate_names[s->state], 0) ;
}

static void deadline_never (sv *s)
{
  tain_add_g(&s->deadline, &tain_infinite_relative) ;
}

static void deadline_ms (sv *s, unsigned int ms)
{
  tain t ;
  if (!ms || !tain_from_millisecs(&t, (int)ms)) { deadline_never(s) ; return ; }
  tain_add_g(&s->deadline, &t) ;
}

/* systemd's StartLimitBurst= in StartLimitIntervalSec=: a window opens at the
   first start and counts starts until it has passed. */
static int start_limit_hit (sv *s)
{
  tain end, iv ;
  if (!s->pol.burst || !s->pol.interval_ms) return 0 ;
  tain_from_millisecs(&iv, (int)s->pol.interval_ms) ;
  tain_add(&end, &s->limit_begin, &iv) ;
  if (!s->limit_count || !tain_less(&STAMP, &end))
  {
    s->limit_begin = STAMP ;
    s->limit_count = 0 ;
  }
  if (s->limit_count >= s->pol.burst) return 1 ;
  s->limit_count++ ;
  return 0 ;
}

static void close_readyfd (sv *s)
{
  if (s->readyfd >= 0) { fd_close(s->readyfd) ; s->readyfd = -1 ; }
}

static int success_status (sv *s, int wstat)
{
  if (WIFEXITED(wstat))
  {
    int code = WEXITSTATUS(wstat) ;
    if (!code || s->pol.ignore_failure) return 1 ;
    for (unsigned int i = 0 ; i < s->pol.nsuccess_codes ; i++) if (s->pol.success_codes[i] == code) return 1 ;
    return 0 ;
  }
  if (WIFSIGNALED(wstat))
  {
    int sig = WTERMSIG(wstat) ;
    /* systemd counts these as a clean exit of a service */
    if (sig == SIGHUP || sig == SIGINT || sig == SIGTERM || sig == SIGPIPE) return 1 ;
    for (unsigned int i = 0 ; i < s->pol.nsuccess_signals ; i++) if (s->pol.success_signals[i] == sig) return 1 ;
  }
  return 0 ;
}

static enum nci_unitstate_result_e classify (sv *s, int wstat)
{
  if (success_status(s, wstat)) return NCI_RESULT_SUCCESS ;
  if (WIFEXITED(wstat)) return NCI_RESULT_EXIT_CODE ;
  return WCOREDUMP(wstat) ? NCI_RESULT_CORE_DUMP : NCI_RESULT_SIGNAL ;
}

static int restart_applies (sv *s, enum nci_unitstate_result_e r)
{
  int abnormal = r == NCI_RESULT_SIGNAL || r == NCI_RESULT_CORE_DUMP || r == NCI_RESULT_TIMEOUT ;
  switch (s->pol.restart)
  {
    case RESTART_NO : return 0 ;
    case RESTART_ALWAYS : return 1 ;
    case RESTART_ON_SUCCESS : return r == NCI_RESULT_SUCCESS ;
    case RESTART_ON_FAILURE : return r != NCI_RESULT_SUCCESS ;
    case RESTART_ON_ABNORMAL : return abnormal ;
    case RESTART_ON_ABORT : return r == NCI_RESULT_SIGNAL || r == NCI_RESULT_CORE_DUMP ;
    case RESTART_ON_WATCHDOG : return 0 ;
  }
  return 0 ;
}

/* A control script, with $MAINPID: 1, or 0 when it could not start. */
static int run_ctl (sv *s, char const *script)
{
  char num[PID_FMT] ;
  char var[8 + PID_FMT] = "MAINPID=" ;
  char const *env[2] = { var, 0 } ;
  char const *args[1] = { 0 } ;
  pid_t pid ;
  num[pid_fmt(num, s->mainpid)] = 0 ;
  memcpy(var + 8, num, strlen(num) + 1) ;
  pid = spawn_script(s, script, args, s->mainpid ? env : env + 1) ;
  if (pid <= 0) return 0 ;
  s->ctlpid = pid ;
  return 1 ;
}

static void became_ready (sv *s)
{
  enter(s, SV_UP) ;
  deadline_never(s) ;
  tain_wallclock_read(&s->st.readystamp) ;
  sv_announce(s, "U") ;
}

static void stop_processes (sv *s) ;
static void finish_begin (sv *s) ;

/* Its readiness came: start-post when it has one, then up. */
static void on_ready (sv *s)
{
  close_readyfd(s) ;
  if (s->state != SV_STARTING) return ;
  if (!s->pol.has_start_post) { became_ready(s) ; return ; }
  if (!run_ctl(s, "start-post"))
  {
    s->result = NCI_RESULT_RESOURCES ;
    stop_processes(s) ;
    return ;
  }
  enter(s, SV_START_POST) ;
  deadline_ms(s, s->pol.timeout_start_ms) ;
}

/* Done stopping when the main process, the control script and (per
   KillMode) every process of the service are gone; what is left of the
   group may not be nci-supervise's children: sv_group_wait says to look
   again shortly. */
static void check_stopped (sv *s)
{
  if (!is_stopping(s->state) || s->mainpid || s->ctlpid) return ;
  if ((s->pol.killmode == KILL_CONTROL_GROUP || s->pol.killmode == KILL_MIXED) && service_left(s)) return ;
  finish_begin(s) ;
}

/* The signal phase of a stop: down-signal to the main process or the whole
   service, then SIGKILL at the deadline. */
static void stop_processes (sv *s)
{
  enter(s, SV_STOP_SIGNAL) ;
  if (s->pol.killmode == KILL_NONE) s->mainpid = 0 ;
  else if (s->mainpid || service_left(s))
    kill_service(s, s->pol.down_signal, s->pol.killmode == KILL_CONTROL_GROUP) ;
  deadline_ms(s, s->pol.timeout_kill_ms) ;
  sv_announce(s, 0) ;
  check_stopped(s) ;
}

/* A stop asked of a running service: a start-post or reload that runs is
   ended; a service up runs its stop script first, when it has one. */
static void stop_service (sv *s)
{
  if (s->ctlpid) signal_ctl(s, SIGTERM) ;
  if (s->state == SV_UP && s->pol.has_stop && !s->ctlpid && run_ctl(s, "stop"))
  {
    enter(s, SV_STOP_SCRIPT) ;
    deadline_ms(s, s->pol.timeout_kill_ms) ;
    sv_announce(s, 0) ;
    return ;
  }
  stop_processes(s) ;
}

static void start (sv *s)
{
  pid_t pid ;
  deadline_never(s) ;
  s->pending = PEND_NONE ;
  s->status_text[0] = 0 ;
  if (start_limit_hit(s))
  {
    s->result = NCI_RESULT_START_LIMIT_HIT ;
    s->want = WANT_DOWN ;
    enter(s, SV_FAILED) ;
    sv_log(s, "start limit hit, staying down", 0, 0) ;
    sv_announce(s, "F") ;
    return ;
  }
  if (s->state == SV_RESTARTING) s->restarts++ ;
  pid = spawn_run(s, &s->readyfd) ;
  if (pid < 0)
  {
    /* fork or pipe failed: a failed start, which Restart= may retry */
    s->result = NCI_RESULT_RESOURCES ;
    enter(s, SV_STOP_SIGNAL) ;
    finish_begin(s) ;
    return ;
  }
  s->mainpid = pid ;
  s->pgid[0] = pid ;
  s->pgid[1] = 0 ;
  s->result = NCI_RESULT_NONE ;
  enter(s, SV_STARTING) ;
  tain_wallclock_read(&s->st.stamp) ;
  sv_announce(s, "u") ;
  if (s->pol.readiness == READY_SIMPLE) on_ready(s) ;
  else deadline_ms(s, s->pol.timeout_start_ms) ;
}

void sv_begin (sv *s)
{
  if (s->want == WANT_UP) start(s) ;
}

static void want_up (sv *s, enum want_e w)
{
  s->want = w ;
  /* while a stop runs (a failing one included), the start waits for its end */
  if (!is_down(s->state)) { sv_announce(s, 0) ; return ; }
  if (s->state != SV_RESTARTING) { s->limit_count = 0 ; s->restarts = 0 ; }
  start(s) ;
}

/* F: the unit failed because nci-init says so (what it requires failed). Its
   result is none: the last run's own says nothing of it, and nci-init's
   .nci-init/state says why; it stays down until started again. */
static void fail_now (sv *s, char const *ev)
{
  s->pending = PEND_NONE ;
  s->want = WANT_DOWN ;
  s->result = NCI_RESULT_NONE ;
  s->status_text[0] = 0 ;
  enter(s, SV_FAILED) ;
  sv_log(s, "failed: ", "nci-init failed it", ", staying down") ;
  sv_announce(s, ev) ;
}

/* d (p PEND_STOP) or F (PEND_FAIL). */
static void want_down (sv *s, enum svpending_e p)
{
  s->want = WANT_DOWN ;
  switch (s->state)
  {
    case SV_STARTING : case SV_START_POST : case SV_UP :
      s->pending = p ;
      stop_service(s) ;
      return ;
    case SV_RESTARTING : case SV_GAP :
      enter(s, SV_DOWN) ;
      deadline_never(s) ;
      break ;
    case SV_STOP_SCRIPT : case SV_STOP_SIGNAL : case SV_STOP_KILL : case SV_FINISHING :
      /* a restart asked for is cancelled; a failure stays */
      if (p == PEND_FAIL) s->pending = PEND_FAIL ;
      else if (s->pending == PEND_RESTART) s->pending = PEND_STOP ;
      break ;
    case SV_DOWN : case SV_FAILED : case SV_NSTATES : break ;
  }
  sv_announce(s, 0) ;
  /* down already: failed now. Failed by itself already: its own result says more */
  if (p == PEND_FAIL && s->state == SV_DOWN) fail_now(s, "F") ;
}

static void restart (sv *s)
{
  if (is_running(s->state))
  {
    s->pending = PEND_RESTART ;
    stop_service(s) ;
  }
  else if (is_down(s->state)) want_up(s, s->want == WANT_DOWN ? WANT_UP : s->want) ;
  /* during a stop: a start after it, and after the failure when it fails:
     F, then u, in that order for nci-init */
  else if (s->pending == PEND_FAIL) { if (s->want == WANT_DOWN) s->want = WANT_UP ; }
  else s->pending = PEND_RESTART ;
}

/* The stop is over (the finish script exited with fwstat, or -1 for none):
   what comes next. */
static void after_finish (sv *s, int fwstat)
{
  int once = fwstat >= 0 && WIFEXITED(fwstat) && WEXITSTATUS(fwstat) == 125 ;
  enum nci_unitstate_result_e r = s->result ;
  enum svpending_e p = s->pending ;
  char const *ev = once ? "OD" : "D" ;
  deadline_never(s) ;
  tain_wallclock_read(&s->st.readystamp) ;
  s->pending = PEND_NONE ;
  if (once) s->want = WANT_DOWN ;
  if (s->exiting)
  {
    enter(s, r == NCI_RESULT_SUCCESS || p != PEND_NONE ? SV_DOWN : SV_FAILED) ;
    sv_announce(s, ev) ;
    return ;
  }
  if (p == PEND_FAIL)
  {
    enum want_e w = s->want ;
    fail_now(s, once ? "ODF" : "DF") ;
    if (w != WANT_DOWN) want_up(s, w) ;
    return ;
  }
  if (p == PEND_RESTART || (p == PEND_STOP && s->want == WANT_UP))
  {
    enter(s, SV_GAP) ;
    sv_announce(s, ev) ;
    deadline_ms(s, RESTART_GAP_MS) ;
    return ;
  }
  if (p == PEND_STOP)
  {
    enter(s, SV_DOWN) ;
    sv_announce(s, ev) ;
    return ;
  }
  if (s->want == WANT_UP && r != NCI_RESULT_START_LIMIT_HIT && restart_applies(s, r))
  {
    char fmt[UINT_FMT] ;
    fmt[uint_fmt(fmt, s->pol.restart_ms)] = 0 ;
    enter(s, SV_RESTARTING) ;
    sv_announce(s, ev) ;
    /* a start that could not even fork waits a second: no busy loop */
    if (r == NCI_RESULT_RESOURCES && s->pol.restart_ms < 1000) { deadline_ms(s, 1000) ; return ; }
    if (!s->pol.restart_ms) { start(s) ; return ; }
    sv_log(s, "restarting in ", fmt, " ms") ;
    deadline_ms(s, s->pol.restart_ms) ;
    return ;
  }
  s->want = WANT_DOWN ;
  if (r == NCI_RESULT_SUCCESS)
  {
    enter(s, SV_DOWN) ;
    sv_announce(s, ev) ;
    return ;
  }
  enter(s, SV_FAILED) ;
  sv_log(s, "failed: ", nci_unitstate_result_name(r), ", staying down") ;
  if (once) sv_announce(s, "OFD") ;
  else sv_announce(s, "DF") ;
}

static void set_exit_env (sv *s, char *code, char *status, char *result)
{
  int w = s->main_wstat ;
  char const *kind = !s->has_exit ? "" : WIFEXITED(w) ? "exited" : WCOREDUMP(w) ? "dumped" : "killed" ;
  memcpy(code, "EXIT_CODE=", 10) ;
  memcpy(code + 10, kind, strlen(kind) + 1) ;
  memcpy(status, "EXIT_STATUS=", 12) ;
  status[12] = 0 ;
  if (s->has_exit && WIFEXITED(w)) status[12 + uint_fmt(status + 12, (unsigned int)WEXITSTATUS(w))] = 0 ;
  else if (s->has_exit)
  {
    char name[NCI_SIGNAL_NAME_MAX] ;
    char const *bare ;
    nci_signal_name(WTERMSIG(w), name) ;
    bare = strncmp(name, "SIG", 3) ? name : name + 3 ;  /* systemd says "TERM" */
    memcpy(status + 12, bare, strlen(bare) + 1) ;
  }
  memcpy(result, "SERVICE_RESULT=", 15) ;
  {
    char const *r = nci_unitstate_result_name(s->result == NCI_RESULT_NONE ? NCI_RESULT_SUCCESS : s->result) ;
    memcpy(result + 15, r, strlen(r) + 1) ;
  }
}

static void finish_begin (sv *s)
{
  deadline_never(s) ;
  for (nci_outstream *o = &s->out ; o ; o = o == &s->out ? &s->err : 0) o->flush = 1 ;
  if (s->pol.has_finish)
  {
    char a0[UINT_FMT], a1[UINT_FMT] ;
    char code[32], status[32], result[48] ;
    char const *args[4] = { a0, a1, s->name, 0 } ;
    char const *env[4] = { code, status, result, 0 } ;
    int w = s->main_wstat ;
    pid_t pid ;
    a0[uint_fmt(a0, s->has_exit && WIFSIGNALED(w) ? 256 : s->has_exit ? (unsigned int)WEXITSTATUS(w) : 0)] = 0 ;
    a1[uint_fmt(a1, s->has_exit && WIFSIGNALED(w) ? (unsigned int)WTERMSIG(w) : 0)] = 0 ;
    set_exit_env(s, code, status, result) ;
    pid = spawn_script(s, "finish", args, env) ;
    if (pid > 0)
    {
      s->ctlpid = pid ;
      enter(s, SV_FINISHING) ;
      deadline_ms(s, s->pol.timeout_finish_ms) ;
      sv_announce(s, "d") ;
      return ;
    }
  }
  sv_announce(s, "d") ;
  after_finish(s, -1) ;
}

static void log_exit (sv *s, int wstat)
{
  char fmt[UINT_FMT] ;
  char name[NCI_SIGNAL_NAME_MAX] ;
  if (WIFEXITED(wstat))
  {
    fmt[uint_fmt(fmt, (unsigned int)WEXITSTATUS(wstat))] = 0 ;
    sv_log(s, "exited ", fmt, 0) ;
    return ;
  }
  nci_signal_name(WTERMSIG(wstat), name) ;
  sv_log(s, WCOREDUMP(wstat) ? "dumped core on " : "killed by ", name, 0) ;
}

/* known: its wait status is known (not a service taken over, which is not
   nci-supervise's child) */
static void main_died (sv *s, int wstat, int known)
{
  if (s->state == SV_STARTING && s->pol.readiness == READY_FORKING && WIFEXITED(wstat) && !WEXITSTATUS(wstat))
  {
    pid_t pid = forked_main(s) ;
    if (pid > 0)
    {
      s->mainpid = pid ;
      s->pgid[1] = group_of(pid) ;
      sv_announce(s, 0) ;
      on_ready(s) ;
      return ;
    }
  }
  s->mainpid = 0 ;
  s->main_wstat = wstat ;
  s->has_exit = known ;
  close_readyfd(s) ;
  tain_wallclock_read(&s->st.stamp) ;
  /* a result already decided (timeout, start-post failure) stands */
  if (s->result == NCI_RESULT_NONE) s->result = asked(s) ? NCI_RESULT_SUCCESS : classify(s, wstat) ;
  if (is_stopping(s->state) && s->pol.killmode == KILL_MIXED && service_left(s))
  {
    /* KillMode=mixed: the main process got the stop signal, the rest SIGKILL */
    kill_service(s, SIGKILL, 1) ;
    enter(s, SV_STOP_KILL) ;
  }
  if (is_running(s->state))
  {
    /* Died on its own: what it left behind goes as under systemd before the
       unit is down: down-signal for control-group, SIGKILL for mixed. A
       service that had started runs its stop script first, as systemd runs
       ExecStop= (without $MAINPID) for a service that ended by itself. */
    int was_up = s->state == SV_UP ;
    log_exit(s, wstat) ;
    if (s->ctlpid) signal_ctl(s, SIGTERM) ;
    if (was_up && s->pol.has_stop && !s->ctlpid && run_ctl(s, "stop"))
    {
      enter(s, SV_STOP_SCRIPT) ;
      deadline_ms(s, s->pol.timeout_kill_ms) ;
      sv_announce(s, 0) ;
      return ;
    }
    enter(s, SV_STOP_SIGNAL) ;
    if (s->pol.killmode == KILL_CONTROL_GROUP && service_left(s)) kill_service(s, s->pol.down_signal, 1) ;
    else if (s->pol.killmode == KILL_MIXED && service_left(s)) { kill_service(s, SIGKILL, 1) ; enter(s, SV_STOP_KILL) ; }
    deadline_ms(s, s->pol.timeout_kill_ms) ;
    sv_announce(s, 0) ;
  }
  check_stopped(s) ;
}

/* The control script of the state ended. One the stop ended (a start-post,
   a reload) only lets the stop go on. */
static void ctl_done (sv *s, int wstat)
{
  int ok = WIFEXITED(wstat) && !WEXITSTATUS(wstat) ;
  s->ctlpid = 0 ;
  switch (s->state)
  {
    case SV_START_POST :
      if (ok) { became_ready(s) ; return ; }
      sv_log(s, "start-post failed, stopping", 0, 0) ;
      s->result = NCI_RESULT_EXIT_CODE ;
      stop_processes(s) ;
      return ;
    case SV_STOP_SCRIPT : stop_processes(s) ; return ;
    case SV_UP : if (!ok) sv_log(s, "reload failed", 0, 0) ; return ;
    case SV_FINISHING : after_finish(s, wstat) ; return ;
    default : check_stopped(s) ; return ;
  }
}

static void on_timeout (sv *s)
{
  switch (s->state)
  {
    case SV_STARTING : case SV_START_POST :
      sv_log(s, "start timed out, stopping", 0, 0) ;
      s->result = NCI_RESULT_TIMEOUT ;
      if (s->ctlpid) signal_ctl(s, SIGKILL) ;
      stop_processes(s) ;
      return ;
    case SV_STOP_SCRIPT :
      sv_log(s, "stop script timed out, killing it", 0, 0) ;
      signal_ctl(s, SIGKILL) ;
      /* its end is that of any process of the service now */
      s->ctlpid = 0 ;
      stop_processes(s) ;
      return ;
    case SV_STOP_SIGNAL :
      sv_log(s, "stop timed out, sending SIGKILL", 0, 0) ;
      if (s->pol.killmode != KILL_NONE) kill_service(s, SIGKILL, s->pol.killmode != KILL_PROCESS) ;
      if (s->ctlpid) signal_ctl(s, SIGKILL) ;
      if (!asked(s) || s->result == NCI_RESULT_NONE || s->result == NCI_RESULT_SUCCESS) s->result = NCI_RESULT_TIMEOUT ;
      enter(s, SV_STOP_KILL) ;
      deadline_never(s) ;
      return ;
    case SV_STOP_KILL :
      /* a stop script that ran when KillMode=mixed killed the rest */
      if (s->ctlpid) signal_ctl(s, SIGKILL) ;
      deadline_never(s) ;
      return ;
    case SV_FINISHING :
      sv_log(s, "finish timed out, killing it", 0, 0) ;
      signal_ctl(s, SIGKILL) ;
      deadline_never(s) ;
      return ;
    case SV_RESTARTING : case SV_GAP :
      start(s) ;
      return ;
    case SV_DOWN : case SV_UP : case SV_FAILED : case SV_NSTATES :
      break ;
  }
  impossible(s, SE_TIMEOUT) ;
  deadline_never(s) ;
}

static void reload (sv *s)
{
  if (s->state != SV_UP) return ;
  if (!s->pol.has_reload) { signal_main(s, SIGHUP) ; return ; }
  if (s->ctlpid) { sv_log(s, "reload ignored: a control script is running", 0, 0) ; return ; }
  if (!run_ctl(s, "reload")) strerr_warnwu1sys("spawn reload") ;
}

void sv_signal_main (sv *s, int sig)
{
  if (!s->mainpid) return ;
  signal_main(s, sig) ;
  if (sig == SIGSTOP || sig == SIGCONT) { s->paused = sig == SIGSTOP ; sv_announce(s, 0) ; }
}

/* adopt.c found the service of a previous nci-supervise running. */
void sv_take_over (sv *s, int ready, int stopping)
{
  s->result = NCI_RESULT_NONE ;
  enter(s, ready ? SV_UP : SV_STARTING) ;
  s->want = stopping ? WANT_DOWN : WANT_UP ;
  s->pending = stopping ? PEND_STOP : PEND_NONE ;
}

void sv_stay_failed (sv *s)
{
  enter(s, SV_FAILED) ;
  s->want = WANT_DOWN ;
}

void sv_event (sv *s, enum svevent_e ev, int arg)
{
  switch (ev)
  {
    case SE_UP : want_up(s, WANT_UP) ; return ;
    case SE_ONCE : want_up(s, WANT_ONCE) ; return ;
    case SE_DOWN : want_down(s, PEND_STOP) ; return ;
    case SE_FAIL : want_down(s, PEND_FAIL) ; return ;
    case SE_RESTART : restart(s) ; return ;
    case SE_EXIT : s->exiting = 1 ; return ;
    case SE_ONCE_AT_MOST :
      if (s->want == WANT_UP) s->want = WANT_ONCE ;
      sv_announce(s, 0) ;
      return ;
    case SE_RELOAD : reload(s) ; return ;
    case SE_MAIN_EXIT :
      if (!s->mainpid) break ;
      main_died(s, arg, 1) ;
      return ;
    case SE_CTL_EXIT :
      if (!s->ctlpid) break ;
      ctl_done(s, arg) ;
      return ;
    case SE_OTHER_EXIT : case SE_GROUP_CHECK : check_stopped(s) ; return ;
    case SE_READY :
      /* a notify READY=1 counts only while it starts; exec's and
         notification-fd's pipe is closed here whatever the state */
      on_ready(s) ;
      return ;
    case SE_TIMEOUT : on_timeout(s) ; return ;
    case SE_ADOPTED_EXIT :
      /* a stop with KillMode=none forgot it already */
      if (!s->mainpid) return ;
      if (!asked(s) && s->result == NCI_RESULT_NONE) s->result = NCI_RESULT_EXIT_CODE ;
      sv_log(s, "the service taken over has exited, its exit status unknown", 0, 0) ;
      main_died(s, 0, 0) ;
      return ;
    case SE_MAINPID :
      if (!is_running(s->state)) return ;
      s->mainpid = (pid_t)arg ;
      s->pgid[1] = group_of(s->mainpid) ;
      sv_announce(s, 0) ;
      return ;
    case SE_EXTEND :
    {
      tain t ;
      if (s->state != SV_STARTING && s->state != SV_START_POST && !is_stopping(s->state)) return ;
      tain_from_millisecs(&t, arg) ;
      tain_add_g(&t, &t) ;
      if (tain_less(&s->deadline, &t)) s->deadline = t ;
      return ;
    }
    case SE_N : break ;
  }
  impossible(s, ev) ;
}
