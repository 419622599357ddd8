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

#include <nci/control.h>
#include <nci/ftrig.h>
#include <nci/signal.h>
#include <nci/statefile.h>
#include "supervise.h"

/* The life of one service, as systemd runs a service unit:
     DOWN/FAILED --start--> STARTING --ready (+ start-post)--> UP
     STARTING/UP --death or stop--> STOPPING (stop script, down-signal, SIGKILL
       after timeout-kill, until no process of the service is left)
     STOPPING --> FINISHING (finish script) --> RESTARTING (restart-sec) or DOWN or FAILED
   One deadline serves the state it is in: start timeout, stop timeout, finish
   timeout, restart delay. */

sv S ;

static uint64_t since_ms ;

static int is_down (void)
{
  return S.state == NCI_STATE_DOWN || S.state == NCI_STATE_FAILED || S.state == NCI_STATE_RESTARTING ;
}
static int paused ;

static void set_deadline_ms (unsigned int ms)
{
  tain t ;
  if (!ms || !tain_from_millisecs(&t, (int)ms)) { tain_add_g(&S.deadline, &tain_infinite_relative) ; return ; }
  tain_add_g(&S.deadline, &t) ;
}

static void set_state (enum nci_unitstate_state_e st)
{
  struct timespec ts ;
  S.state = st ;
  if (clock_gettime(CLOCK_REALTIME, &ts) == 0)
    since_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000 ;
}

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
  S.st.pid = S.state == NCI_STATE_FINISHING ? S.ctlpid : S.mainpid ;
  S.st.wstat = S.main_wstat ;
  /* as s6-supervise: a service wholly down is "ready" in its down state, which
     is what s6-svwait -D waits for */
  S.st.flags = (paused ? NCI_SVSTATUS_PAUSED : 0)
    | (S.state == NCI_STATE_FINISHING ? NCI_SVSTATUS_FINISHING : 0)
    | (S.want == WANT_UP ? NCI_SVSTATUS_WANTUP : 0)
    | (S.ready || is_down() ? NCI_SVSTATUS_READY : 0) ;
  snap_st = S.st ;
  memset(&snap_u, 0, sizeof snap_u) ;
  snap_u.state = S.state ;
  memcpy(snap_u.readiness, readiness[S.pol.readiness], strlen(readiness[S.pol.readiness]) + 1) ;
  snap_u.ready = S.ready ;
  snap_u.pid = S.mainpid ;
  snap_u.since_ms = since_ms ;
  snap_u.restarts = S.restarts ;
  snap_u.result = S.result ;
  snap_u.has_exit = S.has_exit ;
  snap_u.wstat = S.main_wstat ;
  memcpy(snap_u.status, S.status_text, sizeof snap_u.status) ;
}

/* 1: the service counts as up in the status, 2: as down */
static int state_direction (void)
{
  return S.state == NCI_STATE_STARTING || S.state == NCI_STATE_UP ? 1 : 2 ;
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
#define RESTART_GAP_MS 10
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

static pid_t spawn_ctl (enum ctl_e kind, char const *script)
{
  char num[PID_FMT] ;
  char var[8 + PID_FMT] = "MAINPID=" ;
  char const *env[2] = { var, 0 } ;
  char const *args[1] = { 0 } ;
  pid_t pid ;
  num[pid_fmt(num, S.mainpid)] = 0 ;
  memcpy(var + 8, num, strlen(num) + 1) ;
  pid = spawn_script(script, args, S.mainpid ? env : env + 1) ;
  if (pid > 0) { S.ctlpid = pid ; S.ctl = kind ; }
  return pid ;
}

static void became_ready (void)
{
  S.ready = 1 ;
  set_state(NCI_STATE_UP) ;
  tain_add_g(&S.deadline, &tain_infinite_relative) ;
  tain_wallclock_read(&S.st.readystamp) ;
  sv_announce("U") ;
}

static void stop_processes (void) ;

static void on_ready (void)
{
  close_readyfd() ;
  if (S.state != NCI_STATE_STARTING || S.ready) return ;
  if (S.pol.has_start_post)
  {
    if (spawn_ctl(CTL_START_POST, "start-post") < 0)
    {
      S.result = NCI_RESULT_RESOURCES ;
      stop_processes() ;
      return ;
    }
    set_deadline_ms(S.pol.timeout_start_ms) ;
    return ;
  }
  became_ready() ;
}

static void kill_ctl (int sig)
{
  if (S.ctlpid > 0) kill(-S.ctlpid, sig) ;
}

static void finish_begin (void) ;

/* Done stopping when the main process, the control script and (per KillMode)
   every process of the service are gone. */
static void check_stopped (void)
{
  S.group_wait = 0 ;
  if (S.state != NCI_STATE_STOPPING) return ;
  if (S.mainpid || S.ctlpid) return ;
  if ((S.pol.killmode == KILL_CONTROL_GROUP || S.pol.killmode == KILL_MIXED) && service_left())
  {
    /* What is left may not be our children (a service taken over from a dead
       supervise): their end sends no SIGCHLD here, so look again shortly. */
    S.group_wait = 1 ;
    return ;
  }
  finish_begin() ;
}

void sv_on_group_check (void)
{
  check_stopped() ;
}

/* The signal phase of a stop: down-signal to the main process or the whole
   service, then SIGKILL at the deadline. */
static void stop_processes (void)
{
  set_state(NCI_STATE_STOPPING) ;
  S.ready = 0 ;
  if (S.pol.killmode == KILL_NONE) S.mainpid = 0 ;
  else if (S.mainpid || service_left())
    kill_service(S.pol.down_signal, S.pol.killmode == KILL_CONTROL_GROUP) ;
  set_deadline_ms(S.pol.timeout_kill_ms) ;
  sv_announce(0) ;
  check_stopped() ;
}

static void stop_service (void)
{
  if (S.ctlpid && S.ctl != CTL_STOP) kill_ctl(SIGTERM) ;
  if (S.state == NCI_STATE_UP && S.pol.has_stop && !S.ctlpid)
  {
    set_state(NCI_STATE_STOPPING) ;
    S.ready = 0 ;
    if (spawn_ctl(CTL_STOP, "stop") > 0)
    {
      set_deadline_ms(S.pol.timeout_kill_ms) ;
      sv_announce(0) ;
      return ;
    }
  }
  stop_processes() ;
}

void sv_start (void)
{
  pid_t pid ;
  S.start_pending = 0 ;
  tain_add_g(&S.deadline, &tain_infinite_relative) ;
  S.ready = 0 ;
  S.dying = 0 ;
  S.stop_requested = 0 ;
  S.restart_requested = 0 ;
  S.status_text[0] = 0 ;
  if (start_limit_hit())
  {
    S.result = NCI_RESULT_START_LIMIT_HIT ;
    S.want = WANT_DOWN ;
    set_state(NCI_STATE_FAILED) ;
    tain_add_g(&S.deadline, &tain_infinite_relative) ;
    sv_log("start limit hit, staying down", 0, 0) ;
    sv_announce("F") ;
    return ;
  }
  if (S.state == NCI_STATE_RESTARTING) S.restarts++ ;
  pid = spawn_run(&S.readyfd) ;
  if (pid < 0)
  {
    /* fork or pipe failed: a failed start, which Restart= may retry */
    S.result = NCI_RESULT_RESOURCES ;
    set_state(NCI_STATE_STOPPING) ;
    finish_begin() ;
    return ;
  }
  S.mainpid = pid ;
  S.pgid[0] = pid ;
  S.pgid[1] = 0 ;
  S.result = NCI_RESULT_NONE ;
  set_state(NCI_STATE_STARTING) ;
  tain_wallclock_read(&S.st.stamp) ;
  sv_announce("u") ;
  if (S.pol.readiness == READY_SIMPLE) on_ready() ;
  else set_deadline_ms(S.pol.timeout_start_ms) ;
}

static void want_up (enum want_e w) ;

/* F: the unit failed because nci-init says so (what it requires failed). Its
   result is none: the last run's own says nothing of it, and nci-init's
   .nci-init/state says why; it stays down until started again. */
static void fail_now (char const *ev)
{
  S.fail_requested = 0 ;
  S.restart_requested = 0 ;
  S.want = WANT_DOWN ;
  S.result = NCI_RESULT_NONE ;
  S.status_text[0] = 0 ;
  set_state(NCI_STATE_FAILED) ;
  sv_log("failed: ", "nci-init failed it", ", staying down") ;
  sv_announce(ev) ;
}

static void after_finish (int fwstat)
{
  int once = fwstat >= 0 && WIFEXITED(fwstat) && WEXITSTATUS(fwstat) == 125 ;
  enum nci_unitstate_result_e r = S.result ;
  char const *ev = once ? "OD" : "D" ;
  tain_add_g(&S.deadline, &tain_infinite_relative) ;
  tain_wallclock_read(&S.st.readystamp) ;
  if (once) S.want = WANT_DOWN ;
  if (S.exiting)
  {
    set_state(r == NCI_RESULT_SUCCESS || S.stop_requested ? NCI_STATE_DOWN : NCI_STATE_FAILED) ;
    sv_announce(ev) ;
    S.exit_now = 1 ;
    return ;
  }
  if (S.fail_requested)
  {
    /* a start asked for during the stop (u, o, r) comes after the failure:
       F, then u, in that order for nci-init */
    enum want_e w = S.restart_requested && S.want == WANT_DOWN ? WANT_UP : S.want ;
    fail_now(once ? "ODF" : "DF") ;
    if (w != WANT_DOWN) want_up(w) ;
    return ;
  }
  if (S.restart_requested || (S.stop_requested && S.want == WANT_UP))
  {
    set_state(NCI_STATE_DOWN) ;
    sv_announce(ev) ;
    /* started again RESTART_GAP_MS later, not in the same instant: s6-svc -wr
       (s6-svlisten) waits for the down letters, then for an up letter, and
       drops whatever came in the same read as the letter it waited for */
    S.start_pending = 1 ;
    set_deadline_ms(RESTART_GAP_MS) ;
    return ;
  }
  if (S.stop_requested)
  {
    set_state(NCI_STATE_DOWN) ;
    sv_announce(ev) ;
    return ;
  }
  if (S.want == WANT_UP && r != NCI_RESULT_START_LIMIT_HIT && restart_applies(r))
  {
    char fmt[UINT_FMT] ;
    fmt[uint_fmt(fmt, S.pol.restart_ms)] = 0 ;
    set_state(NCI_STATE_RESTARTING) ;
    sv_announce(ev) ;
    /* a start that could not even fork waits a second: no busy loop */
    if (r == NCI_RESULT_RESOURCES && S.pol.restart_ms < 1000) { set_deadline_ms(1000) ; return ; }
    if (!S.pol.restart_ms) { sv_start() ; return ; }
    sv_log("restarting in ", fmt, " ms") ;
    set_deadline_ms(S.pol.restart_ms) ;
    return ;
  }
  S.want = WANT_DOWN ;
  if (r == NCI_RESULT_SUCCESS)
  {
    set_state(NCI_STATE_DOWN) ;
    sv_announce(ev) ;
    return ;
  }
  set_state(NCI_STATE_FAILED) ;
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
  tain_add_g(&S.deadline, &tain_infinite_relative) ;
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
      S.ctl = CTL_FINISH ;
      set_state(NCI_STATE_FINISHING) ;
      set_deadline_ms(S.pol.timeout_finish_ms) ;
      sv_announce("d") ;
      return ;
    }
  }
  sv_announce("d") ;
  after_finish(-1) ;
}

/* Type=forking: the main process is the one the PID file names, or else the one
   child left once the started process exited (systemd's GuessMainPID=). */
static pid_t forked_main (void)
{
  if (S.pol.pid_file[0])
  {
    char buf[PID_FMT + 2] ;
    pid_t pid ;
    ssize_t r = openreadnclose(S.pol.pid_file, buf, sizeof buf - 1) ;
    if (r <= 0) { strerr_warnwu2sys("read the PID file ", S.pol.pid_file) ; return 0 ; }
    buf[r] = 0 ;
    buf[strcspn(buf, "\n")] = 0 ;
    if (!pid0_scan(buf, &pid) || pid <= 0) { strerr_warnw3x("invalid PID file ", S.pol.pid_file, ": no pid in it") ; return 0 ; }
    if (kill(pid, 0) < 0 && errno != EPERM) { strerr_warnw3x("the PID file ", S.pol.pid_file, " names a process that does not exist") ; return 0 ; }
    return pid ;
  }
  return child_guess() ;
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

static int exit_unknown ;

static void main_died (int wstat)
{
  if (S.state == NCI_STATE_STARTING && S.pol.readiness == READY_FORKING && !S.ready
   && WIFEXITED(wstat) && !WEXITSTATUS(wstat) && S.ctl == CTL_NONE)
  {
    pid_t pid = forked_main() ;
    if (pid > 0)
    {
      S.mainpid = pid ;
      S.pgid[1] = getpgid(pid) ;
      if (S.pgid[1] < 0) S.pgid[1] = 0 ;
      sv_announce(0) ;
      on_ready() ;
      return ;
    }
  }
  S.mainpid = 0 ;
  S.main_wstat = wstat ;
  S.has_exit = !exit_unknown ;
  S.ready = 0 ;
  close_readyfd() ;
  tain_wallclock_read(&S.st.stamp) ;
  /* a result supervise already decided (timeout, start-post failure) stands */
  if (S.result == NCI_RESULT_NONE) S.result = S.stop_requested ? NCI_RESULT_SUCCESS : classify(wstat) ;
  if (S.state == NCI_STATE_STOPPING && S.pol.killmode == KILL_MIXED && service_left())
  {
    /* KillMode=mixed: the main process got the stop signal, the rest SIGKILL */
    kill_service(SIGKILL, 1) ;
    S.dying = 1 ;
  }
  if (S.state == NCI_STATE_STARTING || S.state == NCI_STATE_UP)
  {
    /* Died on its own: what it left behind goes as under systemd before the
       unit is down: down-signal for control-group, SIGKILL for mixed. A
       service that had started runs its stop script first, as systemd runs
       ExecStop= (without $MAINPID) for a service that ended by itself. */
    int was_up = S.state == NCI_STATE_UP ;
    log_exit(wstat) ;
    if (S.ctlpid) kill_ctl(SIGTERM) ;
    set_state(NCI_STATE_STOPPING) ;
    if (was_up && S.pol.has_stop && !S.ctlpid && spawn_ctl(CTL_STOP, "stop") > 0)
    {
      set_deadline_ms(S.pol.timeout_kill_ms) ;
      sv_announce(0) ;
      return ;
    }
    if (S.pol.killmode == KILL_CONTROL_GROUP && service_left()) kill_service(S.pol.down_signal, 1) ;
    else if (S.pol.killmode == KILL_MIXED && service_left()) { kill_service(SIGKILL, 1) ; S.dying = 1 ; }
    set_deadline_ms(S.pol.timeout_kill_ms) ;
    sv_announce(0) ;
  }
  check_stopped() ;
}

static void ctl_done (int wstat)
{
  enum ctl_e kind = S.ctl ;
  int ok = WIFEXITED(wstat) && !WEXITSTATUS(wstat) ;
  S.ctl = CTL_NONE ;
  S.ctlpid = 0 ;
  switch (kind)
  {
    case CTL_START_POST :
      if (S.state != NCI_STATE_STARTING) break ;
      if (ok) { became_ready() ; return ; }
      sv_log("start-post failed, stopping", 0, 0) ;
      S.result = NCI_RESULT_EXIT_CODE ;
      stop_processes() ;
      return ;
    case CTL_STOP :
      if (S.state == NCI_STATE_STOPPING && !S.dying) { stop_processes() ; return ; }
      break ;
    case CTL_RELOAD :
      if (!ok) sv_log("reload failed", 0, 0) ;
      break ;
    case CTL_FINISH :
      after_finish(wstat) ;
      return ;
    case CTL_NONE : break ;
  }
  check_stopped() ;
}

void sv_on_adopted_exit (void)
{
  close(S.adoptfd) ;
  S.adoptfd = -1 ;
  if (!S.mainpid) return ;
  if (!S.stop_requested && S.result == NCI_RESULT_NONE) S.result = NCI_RESULT_EXIT_CODE ;
  exit_unknown = 1 ;
  sv_log("the service taken over has exited, its exit status unknown", 0, 0) ;
  main_died(0) ;
  exit_unknown = 0 ;
}

void sv_on_child (pid_t pid, int wstat)
{
  if (pid == S.ctlpid) ctl_done(wstat) ;
  else if (pid == S.mainpid) main_died(wstat) ;
  else check_stopped() ;
}

void sv_on_timeout (void)
{
  switch (S.state)
  {
    case NCI_STATE_STARTING :
      sv_log("start timed out, stopping", 0, 0) ;
      S.result = NCI_RESULT_TIMEOUT ;
      if (S.ctlpid) kill_ctl(SIGKILL) ;
      stop_processes() ;
      break ;
    case NCI_STATE_STOPPING :
      if (S.ctl == CTL_STOP && S.ctlpid)
      {
        sv_log("stop script timed out, killing it", 0, 0) ;
        kill_ctl(SIGKILL) ;
        S.ctlpid = 0 ;
        S.ctl = CTL_NONE ;
        stop_processes() ;
        break ;
      }
      if (!S.dying)
      {
        sv_log("stop timed out, sending SIGKILL", 0, 0) ;
        if (S.pol.killmode != KILL_NONE) kill_service(SIGKILL, S.pol.killmode != KILL_PROCESS) ;
        if (S.ctlpid) kill_ctl(SIGKILL) ;
        if (!S.stop_requested || S.result == NCI_RESULT_NONE || S.result == NCI_RESULT_SUCCESS) S.result = NCI_RESULT_TIMEOUT ;
        S.dying = 1 ;
      }
      tain_add_g(&S.deadline, &tain_infinite_relative) ;
      break ;
    case NCI_STATE_FINISHING :
      sv_log("finish timed out, killing it", 0, 0) ;
      kill_ctl(SIGKILL) ;
      tain_add_g(&S.deadline, &tain_infinite_relative) ;
      break ;
    case NCI_STATE_RESTARTING :
      sv_start() ;
      break ;
    case NCI_STATE_DOWN :
      /* an r is a start whatever is wanted; a d since then cancelled it */
      if (S.start_pending) { sv_start() ; break ; }
      tain_add_g(&S.deadline, &tain_infinite_relative) ;
      break ;
    case NCI_STATE_UP : case NCI_STATE_FAILED :
      tain_add_g(&S.deadline, &tain_infinite_relative) ;
      break ;
  }
}

void sv_on_ready_fd (void)
{
  char buf[512] ;
  ssize_t r = read(S.readyfd, buf, sizeof buf) ;
  if (r < 0)
  {
    if (errno == EAGAIN || errno == EINTR) return ;
    strerr_warnwu1sys("read the readiness pipe") ;
    close_readyfd() ;
    return ;
  }
  /* exec readiness: EOF, the last holder exec'ed; notification-fd: a newline */
  if (S.pol.readiness == READY_EXEC ? r == 0 : (r > 0 && memchr(buf, '\n', (size_t)r) != 0)) { on_ready() ; return ; }
  if (!r) close_readyfd() ;
}

void sv_on_notify_ready (void)
{
  if (S.pol.readiness == READY_NOTIFY && S.state == NCI_STATE_STARTING && S.ctl == CTL_NONE) on_ready() ;
}

void sv_on_notify_mainpid (pid_t pid)
{
  if (S.state != NCI_STATE_STARTING && S.state != NCI_STATE_UP) return ;
  S.mainpid = pid ;
  S.pgid[1] = getpgid(pid) ;
  if (S.pgid[1] < 0) S.pgid[1] = 0 ;
  sv_announce(0) ;
}

void sv_on_notify_extend (unsigned long long usec)
{
  tain t ;
  if (S.state != NCI_STATE_STARTING && S.state != NCI_STATE_STOPPING) return ;
  tain_from_millisecs(&t, (int)(usec / 1000 > 0x7fffffff ? 0x7fffffff : usec / 1000)) ;
  tain_add_g(&t, &t) ;
  if (tain_less(&S.deadline, &t)) S.deadline = t ;
}

static void reload (void)
{
  if (S.state != NCI_STATE_UP) return ;
  if (!S.pol.has_reload) { if (S.mainpid) kill(S.mainpid, SIGHUP) ; return ; }
  if (S.ctlpid) { sv_log("reload ignored: a control script is running", 0, 0) ; return ; }
  if (spawn_ctl(CTL_RELOAD, "reload") < 0) strerr_warnwu1sys("spawn reload") ;
}

static void mark_down (int present)
{
  if (present)
  {
    int fd = open_trunc("down") ;
    if (fd < 0) strerr_warnwu2sys("create ", "down") ;
    else fd_close(fd) ;
  }
  else if (unlink("down") < 0 && errno != ENOENT) strerr_warnwu2sys("remove ", "down") ;
}

static void want_up (enum want_e w)
{
  S.want = w ;
  /* while the stop that fails it runs, the start waits for the failure
     (after_finish): fail_requested stays */
  if (is_down())
  {
    S.fail_requested = 0 ;
    if (S.state == NCI_STATE_FAILED || S.state == NCI_STATE_DOWN) { S.limit_count = 0 ; S.restarts = 0 ; }
    sv_start() ;
  }
  else sv_announce(0) ;
}

static void want_down (void)
{
  S.want = WANT_DOWN ;
  S.start_pending = 0 ;
  if (S.state == NCI_STATE_STARTING || S.state == NCI_STATE_UP)
  {
    S.stop_requested = 1 ;
    stop_service() ;
  }
  else if (S.state == NCI_STATE_RESTARTING)
  {
    set_state(NCI_STATE_DOWN) ;
    tain_add_g(&S.deadline, &tain_infinite_relative) ;
    sv_announce(0) ;
  }
  else
  {
    if (S.state == NCI_STATE_STOPPING || S.state == NCI_STATE_FINISHING) S.restart_requested = 0 ;
    sv_announce(0) ;
  }
}

static void want_fail (void)
{
  S.restart_requested = 0 ;
  S.fail_requested = 1 ;
  want_down() ;
  /* down already, or only waiting to restart: failed now; else when down.
     Failed by itself already: its own result says more */
  if (S.state == NCI_STATE_DOWN) fail_now("F") ;
  else if (S.state == NCI_STATE_FAILED) S.fail_requested = 0 ;
}

static void want_exit (void)
{
  S.exiting = 1 ;
  if (is_down()) S.exit_now = 1 ;
}

void sv_on_control (unsigned char c)
{
  nci_control k = nci_control_parse(c) ;
  switch (k.kind)
  {
    case NCI_CONTROL_IGNORE : break ;
    case NCI_CONTROL_SIGNAL :
      if (k.sig == SIGHUP) { reload() ; break ; }
      if (!S.mainpid) break ;
      kill(S.mainpid, k.sig) ;
      if (k.sig == SIGSTOP || k.sig == SIGCONT) { paused = k.sig == SIGSTOP ; sv_announce(0) ; }
      break ;
    case NCI_CONTROL_RESTART :
      if (S.state == NCI_STATE_STARTING || S.state == NCI_STATE_UP)
      {
        S.stop_requested = 1 ;
        S.restart_requested = 1 ;
        stop_service() ;
      }
      else if (is_down()) want_up(S.want == WANT_DOWN ? WANT_UP : S.want) ;
      else S.restart_requested = 1 ;
      break ;
    case NCI_CONTROL_UP_MARK : mark_down(0) ; want_up(WANT_UP) ; break ;
    case NCI_CONTROL_UP : want_up(WANT_UP) ; break ;
    case NCI_CONTROL_ONCE : want_up(WANT_ONCE) ; break ;
    case NCI_CONTROL_DOWN_MARK : mark_down(1) ; want_down() ; break ;
    case NCI_CONTROL_DOWN : want_down() ; break ;
    case NCI_CONTROL_FAIL : want_fail() ; break ;
    case NCI_CONTROL_EXIT : want_exit() ; break ;
    case NCI_CONTROL_ONCE_AT_MOST_MARK : mark_down(1) ;
      if (S.want == WANT_UP) S.want = WANT_ONCE ;
      sv_announce(0) ;
      break ;
    case NCI_CONTROL_ONCE_AT_MOST :
      if (S.want == WANT_UP) S.want = WANT_ONCE ;
      sv_announce(0) ;
      break ;
  }
}

void sv_on_signal (int sig)
{
  switch (sig)
  {
    case SIGTERM : want_exit() ; want_down() ; break ;
    case SIGHUP : want_exit() ; break ;
    case SIGQUIT : S.exit_now = 1 ; break ;
    case SIGINT :
      if (S.mainpid) { pid_t g = getpgid(S.mainpid) ; if (g > 0) kill(-g, SIGINT) ; }
      S.exit_now = 1 ;
      break ;
    default : break ;
  }
}
