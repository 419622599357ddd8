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

sv S ;

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

enum nci_unitstate_state_e sv_shown_state (void)
{
  return shown(S.state) ;
}

int sv_gone (void)
{
  return S.exiting && is_down(S.state) ;
}

/* A stop waiting on processes that are not nci-supervise's children (a
   service taken over from a dead nci-supervise): their end sends no SIGCHLD. */
int sv_group_wait (void)
{
  return is_stopping(S.state) && !S.mainpid && !S.ctlpid ;
}

/* Whether the stop was asked for: the service's end is then no failure, and
   Restart= does not decide what comes after. */
static int asked (void)
{
  return S.pending != PEND_NONE ;
}

static void enter (enum svstate_e s)
{
  if (shown(s) != shown(S.state))
  {
    struct timespec ts ;
    if (clock_gettime(CLOCK_REALTIME, &ts) == 0)
      S.since_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000 ;
  }
  S.state = s ;
}

static void impossible (enum svevent_e ev)
{
  sv_log("internal error: event ", svevent_names[ev], " in this state:") ;
  sv_log("internal error: ... ", svstate_names[S.state], 0) ;
}

static void deadline_never (void)
{
  tain_add_g(&S.deadline, &tain_infinite_relative) ;
}

static void deadline_ms (unsigned int ms)
{
  tain t ;
  if (!ms || !tain_from_millisecs(&t, (int)ms)) { deadline_never() ; return ; }
  tain_add_g(&S.deadline, &t) ;
}

/* systemd's StartLimitBurst= in StartLimitIntervalSec=: a window opens at the
   first start and counts starts until it has passed. */
static int start_limit_hit (void)
{
  tain end, iv ;
  if (!S.pol.burst || !S.pol.interval_ms) return 0 ;
  tain_from_millisecs(&iv, (int)S.pol.interval_ms) ;
  tain_add(&end, &S.limit_begin, &iv) ;
  if (!S.limit_count || !tain_less(&STAMP, &end))
  {
    S.limit_begin = STAMP ;
    S.limit_count = 0 ;
  }
  if (S.limit_count >= S.pol.burst) return 1 ;
  S.limit_count++ ;
  return 0 ;
}

static void close_readyfd (void)
{
  if (S.readyfd >= 0) { fd_close(S.readyfd) ; S.readyfd = -1 ; }
}

static int success_status (int wstat)
{
  if (WIFEXITED(wstat))
  {
    int code = WEXITSTATUS(wstat) ;
    if (!code || S.pol.ignore_failure) return 1 ;
    for (unsigned int i = 0 ; i < S.pol.nsuccess_codes ; i++) if (S.pol.success_codes[i] == code) return 1 ;
    return 0 ;
  }
  if (WIFSIGNALED(wstat))
  {
    int sig = WTERMSIG(wstat) ;
    /* systemd counts these as a clean exit of a service */
    if (sig == SIGHUP || sig == SIGINT || sig == SIGTERM || sig == SIGPIPE) return 1 ;
    for (unsigned int i = 0 ; i < S.pol.nsuccess_signals ; i++) if (S.pol.success_signals[i] == sig) return 1 ;
  }
  return 0 ;
}

static enum nci_unitstate_result_e classify (int wstat)
{
  if (success_status(wstat)) return NCI_RESULT_SUCCESS ;
  if (WIFEXITED(wstat)) return NCI_RESULT_EXIT_CODE ;
  return WCOREDUMP(wstat) ? NCI_RESULT_CORE_DUMP : NCI_RESULT_SIGNAL ;
}

static int restart_applies (enum nci_unitstate_result_e r)
{
  int abnormal = r == NCI_RESULT_SIGNAL || r == NCI_RESULT_CORE_DUMP || r == NCI_RESULT_TIMEOUT ;
  switch (S.pol.restart)
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
static int run_ctl (char const *script)
{
  char num[PID_FMT] ;
  char var[8 + PID_FMT] = "MAINPID=" ;
  char const *env[2] = { var, 0 } ;
  char const *args[1] = { 0 } ;
  pid_t pid ;
  num[pid_fmt(num, S.mainpid)] = 0 ;
  memcpy(var + 8, num, strlen(num) + 1) ;
  pid = spawn_script(script, args, S.mainpid ? env : env + 1) ;
  if (pid <= 0) return 0 ;
  S.ctlpid = pid ;
  return 1 ;
}

static void became_ready (void)
{
  enter(SV_UP) ;
  deadline_never() ;
  tain_wallclock_read(&S.st.readystamp) ;
  sv_announce("U") ;
}

static void stop_processes (void) ;
static void finish_begin (void) ;

/* Its readiness came: start-post when it has one, then up. */
static void on_ready (void)
{
  close_readyfd() ;
  if (S.state != SV_STARTING) return ;
  if (!S.pol.has_start_post) { became_ready() ; return ; }
  if (!run_ctl("start-post"))
  {
    S.result = NCI_RESULT_RESOURCES ;
    stop_processes() ;
    return ;
  }
  enter(SV_START_POST) ;
  deadline_ms(S.pol.timeout_start_ms) ;
}

/* Done stopping when the main process, the control script and (per
   KillMode) every process of the service are gone; what is left of the
   group may not be nci-supervise's children: sv_group_wait says to look
   again shortly. */
static void check_stopped (void)
{
  if (!is_stopping(S.state) || S.mainpid || S.ctlpid) return ;
  if ((S.pol.killmode == KILL_CONTROL_GROUP || S.pol.killmode == KILL_MIXED) && service_left()) return ;
  finish_begin() ;
}

/* The signal phase of a stop: down-signal to the main process or the whole
   service, then SIGKILL at the deadline. */
static void stop_processes (void)
{
  enter(SV_STOP_SIGNAL) ;
  if (S.pol.killmode == KILL_NONE) S.mainpid = 0 ;
  else if (S.mainpid || service_left())
    kill_service(S.pol.down_signal, S.pol.killmode == KILL_CONTROL_GROUP) ;
  deadline_ms(S.pol.timeout_kill_ms) ;
  sv_announce(0) ;
  check_stopped() ;
}

/* A stop asked of a running service: a start-post or reload that runs is
   ended; a service up runs its stop script first, when it has one. */
static void stop_service (void)
{
  if (S.ctlpid) signal_ctl(SIGTERM) ;
  if (S.state == SV_UP && S.pol.has_stop && !S.ctlpid && run_ctl("stop"))
  {
    enter(SV_STOP_SCRIPT) ;
    deadline_ms(S.pol.timeout_kill_ms) ;
    sv_announce(0) ;
    return ;
  }
  stop_processes() ;
}

static void start (void)
{
  pid_t pid ;
  deadline_never() ;
  S.pending = PEND_NONE ;
  S.status_text[0] = 0 ;
  if (start_limit_hit())
  {
    S.result = NCI_RESULT_START_LIMIT_HIT ;
    S.want = WANT_DOWN ;
    enter(SV_FAILED) ;
    sv_log("start limit hit, staying down", 0, 0) ;
    sv_announce("F") ;
    return ;
  }
  if (S.state == SV_RESTARTING) S.restarts++ ;
  pid = spawn_run(&S.readyfd) ;
  if (pid < 0)
  {
    /* fork or pipe failed: a failed start, which Restart= may retry */
    S.result = NCI_RESULT_RESOURCES ;
    enter(SV_STOP_SIGNAL) ;
    finish_begin() ;
    return ;
  }
  S.mainpid = pid ;
  S.pgid[0] = pid ;
  S.pgid[1] = 0 ;
  S.result = NCI_RESULT_NONE ;
  enter(SV_STARTING) ;
  tain_wallclock_read(&S.st.stamp) ;
  sv_announce("u") ;
  if (S.pol.readiness == READY_SIMPLE) on_ready() ;
  else deadline_ms(S.pol.timeout_start_ms) ;
}

void sv_begin (void)
{
  if (S.want == WANT_UP) start() ;
}

static void want_up (enum want_e w)
{
  S.want = w ;
  /* while a stop runs (a failing one included), the start waits for its end */
  if (!is_down(S.state)) { sv_announce(0) ; return ; }
  if (S.state != SV_RESTARTING) { S.limit_count = 0 ; S.restarts = 0 ; }
  start() ;
}

/* F: the unit failed because nci-init says so (what it requires failed). Its
   result is none: the last run's own says nothing of it, and nci-init's
   .nci-init/state says why; it stays down until started again. */
static void fail_now (char const *ev)
{
  S.pending = PEND_NONE ;
  S.want = WANT_DOWN ;
  S.result = NCI_RESULT_NONE ;
  S.status_text[0] = 0 ;
  enter(SV_FAILED) ;
  sv_log("failed: ", "nci-init failed it", ", staying down") ;
  sv_announce(ev) ;
}

/* d (p PEND_STOP) or F (PEND_FAIL). */
static void want_down (enum svpending_e p)
{
  S.want = WANT_DOWN ;
  switch (S.state)
  {
    case SV_STARTING : case SV_START_POST : case SV_UP :
      S.pending = p ;
      stop_service() ;
      return ;
    case SV_RESTARTING : case SV_GAP :
      enter(SV_DOWN) ;
      deadline_never() ;
      break ;
    case SV_STOP_SCRIPT : case SV_STOP_SIGNAL : case SV_STOP_KILL : case SV_FINISHING :
      /* a restart asked for is cancelled; a failure stays */
      if (p == PEND_FAIL) S.pending = PEND_FAIL ;
      else if (S.pending == PEND_RESTART) S.pending = PEND_STOP ;
      break ;
    case SV_DOWN : case SV_FAILED : case SV_NSTATES : break ;
  }
  sv_announce(0) ;
  /* down already: failed now. Failed by itself already: its own result says more */
  if (p == PEND_FAIL && S.state == SV_DOWN) fail_now("F") ;
}

static void restart (void)
{
  if (is_running(S.state))
  {
    S.pending = PEND_RESTART ;
    stop_service() ;
  }
  else if (is_down(S.state)) want_up(S.want == WANT_DOWN ? WANT_UP : S.want) ;
  /* during a stop: a start after it, and after the failure when it fails:
     F, then u, in that order for nci-init */
  else if (S.pending == PEND_FAIL) { if (S.want == WANT_DOWN) S.want = WANT_UP ; }
  else S.pending = PEND_RESTART ;
}

/* The stop is over (the finish script exited with fwstat, or -1 for none):
   what comes next. */
static void after_finish (int fwstat)
{
  int once = fwstat >= 0 && WIFEXITED(fwstat) && WEXITSTATUS(fwstat) == 125 ;
  enum nci_unitstate_result_e r = S.result ;
  enum svpending_e p = S.pending ;
  char const *ev = once ? "OD" : "D" ;
  deadline_never() ;
  tain_wallclock_read(&S.st.readystamp) ;
  S.pending = PEND_NONE ;
  if (once) S.want = WANT_DOWN ;
  if (S.exiting)
  {
    enter(r == NCI_RESULT_SUCCESS || p != PEND_NONE ? SV_DOWN : SV_FAILED) ;
    sv_announce(ev) ;
    return ;
  }
  if (p == PEND_FAIL)
  {
    enum want_e w = S.want ;
    fail_now(once ? "ODF" : "DF") ;
    if (w != WANT_DOWN) want_up(w) ;
    return ;
  }
  if (p == PEND_RESTART || (p == PEND_STOP && S.want == WANT_UP))
  {
    enter(SV_GAP) ;
    sv_announce(ev) ;
    deadline_ms(RESTART_GAP_MS) ;
    return ;
  }
  if (p == PEND_STOP)
  {
    enter(SV_DOWN) ;
    sv_announce(ev) ;
    return ;
  }
  if (S.want == WANT_UP && r != NCI_RESULT_START_LIMIT_HIT && restart_applies(r))
  {
    char fmt[UINT_FMT] ;
    fmt[uint_fmt(fmt, S.pol.restart_ms)] = 0 ;
    enter(SV_RESTARTING) ;
    sv_announce(ev) ;
    /* a start that could not even fork waits a second: no busy loop */
    if (r == NCI_RESULT_RESOURCES && S.pol.restart_ms < 1000) { deadline_ms(1000) ; return ; }
    if (!S.pol.restart_ms) { start() ; return ; }
    sv_log("restarting in ", fmt, " ms") ;
    deadline_ms(S.pol.restart_ms) ;
    return ;
  }
  S.want = WANT_DOWN ;
  if (r == NCI_RESULT_SUCCESS)
  {
    enter(SV_DOWN) ;
    sv_announce(ev) ;
    return ;
  }
  enter(SV_FAILED) ;
  sv_log("failed: ", nci_unitstate_result_name(r), ", staying down") ;
  if (once) sv_announce("OFD") ;
  else sv_announce("DF") ;
}

static void set_exit_env (char *code, char *status, char *result)
{
  int w = S.main_wstat ;
  char const *kind = !S.has_exit ? "" : WIFEXITED(w) ? "exited" : WCOREDUMP(w) ? "dumped" : "killed" ;
  memcpy(code, "EXIT_CODE=", 10) ;
  memcpy(code + 10, kind, strlen(kind) + 1) ;
  memcpy(status, "EXIT_STATUS=", 12) ;
  status[12] = 0 ;
  if (S.has_exit && WIFEXITED(w)) status[12 + uint_fmt(status + 12, (unsigned int)WEXITSTATUS(w))] = 0 ;
  else if (S.has_exit)
  {
    char name[NCI_SIGNAL_NAME_MAX] ;
    char const *bare ;
    nci_signal_name(WTERMSIG(w), name) ;
    bare = strncmp(name, "SIG", 3) ? name : name + 3 ;  /* systemd says "TERM" */
    memcpy(status + 12, bare, strlen(bare) + 1) ;
  }
  memcpy(result, "SERVICE_RESULT=", 15) ;
  {
    char const *r = nci_unitstate_result_name(S.result == NCI_RESULT_NONE ? NCI_RESULT_SUCCESS : S.result) ;
    memcpy(result + 15, r, strlen(r) + 1) ;
  }
}

static void finish_begin (void)
{
  deadline_never() ;
  for (nci_outstream *s = &S.out ; s ; s = s == &S.out ? &S.err : 0) s->flush = 1 ;
  if (S.pol.has_finish)
  {
    char a0[UINT_FMT], a1[UINT_FMT] ;
    char code[32], status[32], result[48] ;
    char const *args[4] = { a0, a1, S.name, 0 } ;
    char const *env[4] = { code, status, result, 0 } ;
    int w = S.main_wstat ;
    pid_t pid ;
    a0[uint_fmt(a0, S.has_exit && WIFSIGNALED(w) ? 256 : S.has_exit ? (unsigned int)WEXITSTATUS(w) : 0)] = 0 ;
    a1[uint_fmt(a1, S.has_exit && WIFSIGNALED(w) ? (unsigned int)WTERMSIG(w) : 0)] = 0 ;
    set_exit_env(code, status, result) ;
    pid = spawn_script("finish", args, env) ;
    if (pid > 0)
    {
      S.ctlpid = pid ;
      enter(SV_FINISHING) ;
      deadline_ms(S.pol.timeout_finish_ms) ;
      sv_announce("d") ;
      return ;
    }
  }
  sv_announce("d") ;
  after_finish(-1) ;
}

static void log_exit (int wstat)
{
  char fmt[UINT_FMT] ;
  char name[NCI_SIGNAL_NAME_MAX] ;
  if (WIFEXITED(wstat))
  {
    fmt[uint_fmt(fmt, (unsigned int)WEXITSTATUS(wstat))] = 0 ;
    sv_log("exited ", fmt, 0) ;
    return ;
  }
  nci_signal_name(WTERMSIG(wstat), name) ;
  sv_log(WCOREDUMP(wstat) ? "dumped core on " : "killed by ", name, 0) ;
}

static void main_died (int wstat)
{
  if (S.state == SV_STARTING && S.pol.readiness == READY_FORKING && WIFEXITED(wstat) && !WEXITSTATUS(wstat))
  {
    pid_t pid = forked_main() ;
    if (pid > 0)
    {
      S.mainpid = pid ;
      S.pgid[1] = group_of(pid) ;
      sv_announce(0) ;
      on_ready() ;
      return ;
    }
  }
  S.mainpid = 0 ;
  S.main_wstat = wstat ;
  S.has_exit = !S.exit_unknown ;
  close_readyfd() ;
  tain_wallclock_read(&S.st.stamp) ;
  /* a result already decided (timeout, start-post failure) stands */
  if (S.result == NCI_RESULT_NONE) S.result = asked() ? NCI_RESULT_SUCCESS : classify(wstat) ;
  if (is_stopping(S.state) && S.pol.killmode == KILL_MIXED && service_left())
  {
    /* KillMode=mixed: the main process got the stop signal, the rest SIGKILL */
    kill_service(SIGKILL, 1) ;
    enter(SV_STOP_KILL) ;
  }
  if (is_running(S.state))
  {
    /* Died on its own: what it left behind goes as under systemd before the
       unit is down: down-signal for control-group, SIGKILL for mixed. A
       service that had started runs its stop script first, as systemd runs
       ExecStop= (without $MAINPID) for a service that ended by itself. */
    int was_up = S.state == SV_UP ;
    log_exit(wstat) ;
    if (S.ctlpid) signal_ctl(SIGTERM) ;
    if (was_up && S.pol.has_stop && !S.ctlpid && run_ctl("stop"))
    {
      enter(SV_STOP_SCRIPT) ;
      deadline_ms(S.pol.timeout_kill_ms) ;
      sv_announce(0) ;
      return ;
    }
    enter(SV_STOP_SIGNAL) ;
    if (S.pol.killmode == KILL_CONTROL_GROUP && service_left()) kill_service(S.pol.down_signal, 1) ;
    else if (S.pol.killmode == KILL_MIXED && service_left()) { kill_service(SIGKILL, 1) ; enter(SV_STOP_KILL) ; }
    deadline_ms(S.pol.timeout_kill_ms) ;
    sv_announce(0) ;
  }
  check_stopped() ;
}

/* The control script of the state ended. One the stop ended (a start-post,
   a reload) only lets the stop go on. */
static void ctl_done (int wstat)
{
  int ok = WIFEXITED(wstat) && !WEXITSTATUS(wstat) ;
  S.ctlpid = 0 ;
  switch (S.state)
  {
    case SV_START_POST :
      if (ok) { became_ready() ; return ; }
      sv_log("start-post failed, stopping", 0, 0) ;
      S.result = NCI_RESULT_EXIT_CODE ;
      stop_processes() ;
      return ;
    case SV_STOP_SCRIPT : stop_processes() ; return ;
    case SV_UP : if (!ok) sv_log("reload failed", 0, 0) ; return ;
    case SV_FINISHING : after_finish(wstat) ; return ;
    default : check_stopped() ; return ;
  }
}

static void on_timeout (void)
{
  switch (S.state)
  {
    case SV_STARTING : case SV_START_POST :
      sv_log("start timed out, stopping", 0, 0) ;
      S.result = NCI_RESULT_TIMEOUT ;
      if (S.ctlpid) signal_ctl(SIGKILL) ;
      stop_processes() ;
      return ;
    case SV_STOP_SCRIPT :
      sv_log("stop script timed out, killing it", 0, 0) ;
      signal_ctl(SIGKILL) ;
      /* its end is that of any process of the service now */
      S.ctlpid = 0 ;
      stop_processes() ;
      return ;
    case SV_STOP_SIGNAL :
      sv_log("stop timed out, sending SIGKILL", 0, 0) ;
      if (S.pol.killmode != KILL_NONE) kill_service(SIGKILL, S.pol.killmode != KILL_PROCESS) ;
      if (S.ctlpid) signal_ctl(SIGKILL) ;
      if (!asked() || S.result == NCI_RESULT_NONE || S.result == NCI_RESULT_SUCCESS) S.result = NCI_RESULT_TIMEOUT ;
      enter(SV_STOP_KILL) ;
      deadline_never() ;
      return ;
    case SV_STOP_KILL :
      /* a stop script that ran when KillMode=mixed killed the rest */
      if (S.ctlpid) signal_ctl(SIGKILL) ;
      deadline_never() ;
      return ;
    case SV_FINISHING :
      sv_log("finish timed out, killing it", 0, 0) ;
      signal_ctl(SIGKILL) ;
      deadline_never() ;
      return ;
    case SV_RESTARTING : case SV_GAP :
      start() ;
      return ;
    case SV_DOWN : case SV_UP : case SV_FAILED : case SV_NSTATES :
      break ;
  }
  impossible(SE_TIMEOUT) ;
  deadline_never() ;
}

static void reload (void)
{
  if (S.state != SV_UP) return ;
  if (!S.pol.has_reload) { signal_main(SIGHUP) ; return ; }
  if (S.ctlpid) { sv_log("reload ignored: a control script is running", 0, 0) ; return ; }
  if (!run_ctl("reload")) strerr_warnwu1sys("spawn reload") ;
}

void sv_signal_main (int sig)
{
  if (!S.mainpid) return ;
  signal_main(sig) ;
  if (sig == SIGSTOP || sig == SIGCONT) { S.paused = sig == SIGSTOP ; sv_announce(0) ; }
}

/* adopt.c found the service of a previous nci-supervise running. */
void sv_take_over (int ready, int stopping)
{
  S.result = NCI_RESULT_NONE ;
  enter(ready ? SV_UP : SV_STARTING) ;
  S.want = stopping ? WANT_DOWN : WANT_UP ;
  S.pending = stopping ? PEND_STOP : PEND_NONE ;
}

void sv_stay_failed (void)
{
  enter(SV_FAILED) ;
  S.want = WANT_DOWN ;
}

void sv_event (enum svevent_e ev, int arg)
{
  switch (ev)
  {
    case SE_UP : want_up(WANT_UP) ; return ;
    case SE_ONCE : want_up(WANT_ONCE) ; return ;
    case SE_DOWN : want_down(PEND_STOP) ; return ;
    case SE_FAIL : want_down(PEND_FAIL) ; return ;
    case SE_RESTART : restart() ; return ;
    case SE_EXIT : S.exiting = 1 ; return ;
    case SE_ONCE_AT_MOST :
      if (S.want == WANT_UP) S.want = WANT_ONCE ;
      sv_announce(0) ;
      return ;
    case SE_RELOAD : reload() ; return ;
    case SE_MAIN_EXIT :
      if (!S.mainpid) break ;
      main_died(arg) ;
      return ;
    case SE_CTL_EXIT :
      if (!S.ctlpid) break ;
      ctl_done(arg) ;
      return ;
    case SE_OTHER_EXIT : case SE_GROUP_CHECK : check_stopped() ; return ;
    case SE_READY :
      /* a notify READY=1 counts only while it starts; exec's and
         notification-fd's pipe is closed here whatever the state */
      on_ready() ;
      return ;
    case SE_TIMEOUT : on_timeout() ; return ;
    case SE_ADOPTED_EXIT :
      /* a stop with KillMode=none forgot it already */
      if (!S.mainpid) return ;
      if (!asked() && S.result == NCI_RESULT_NONE) S.result = NCI_RESULT_EXIT_CODE ;
      S.exit_unknown = 1 ;
      sv_log("the service taken over has exited, its exit status unknown", 0, 0) ;
      main_died(0) ;
      S.exit_unknown = 0 ;
      return ;
    case SE_MAINPID :
      if (!is_running(S.state)) return ;
      S.mainpid = (pid_t)arg ;
      S.pgid[1] = group_of(S.mainpid) ;
      sv_announce(0) ;
      return ;
    case SE_EXTEND :
    {
      tain t ;
      if (S.state != SV_STARTING && S.state != SV_START_POST && !is_stopping(S.state)) return ;
      tain_from_millisecs(&t, arg) ;
      tain_add_g(&t, &t) ;
      if (tain_less(&S.deadline, &t)) S.deadline = t ;
      return ;
    }
    case SE_N : break ;
  }
  impossible(ev) ;
}
