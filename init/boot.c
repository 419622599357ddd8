#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <skalibs/buffer.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include <nci/ftrig.h>
#include <nci/signal.h>
#include <nci/svstatus.h>
#include <nci/unitstate.h>
#include "init.h"

/* Boot: a unit starts once everything it is ordered after has finished starting
   (a oneshot exited, a longrun is ready or down, or either failed), and a
   longrun also waits for the early oneshots. A failure fails the units that
   require it and, per --on-failure and FailureAction=, ends the container. */

/* Decisions are logged into buffer_2 without a flush: the loop flushes it once
   per turn (ilog_flush), so a step that starts or stops a hundred units costs a
   few writes, not a hundred. Warnings (strerr) flush it first, so the order of
   lines holds, and so does a oneshot's output, written after ilog_flush. A
   state file is written after a flush too (statedir.c): what nci-ctl shows
   has been logged. */
void ilog (char const *s1, char const *s2, char const *s3, char const *s4)
{
  char const *v[6] = { PROG, ": info: ", s1, s2, s3, s4 } ;
  size_t len = 1 ;
  for (unsigned int i = 0 ; i < 6 ; i++) if (v[i]) len += strlen(v[i]) ;
  /* a line goes out in one write: split, another process's line could come
     between its halves */
  if (len > buffer_available(buffer_2)) ilog_flush() ;
  for (unsigned int i = 0 ; i < 6 ; i++)
    if (v[i] && buffer_puts(buffer_2, v[i]) < 0) return ;
  buffer_put(buffer_2, "\n", 1) ;
}

void ilog_flush (void)
{
  /* nowhere to report a failed write of the log itself */
  buffer_flush(buffer_2) ;
}

void set_exit (int code)
{
  if (G.exit_set) return ;
  G.exitcode = code ;
  G.exit_set = 1 ;
}

static void now_ms (uint64_t *ms)
{
  struct timespec ts ;
  *ms = clock_gettime(CLOCK_REALTIME, &ts) == 0 ? (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000 : 0 ;
}

/* A oneshot's events go to its event/ fifodir as a longrun's do (doc/state.md),
   so nci-ctl wait and s6-svwait can wait for it. */
static void oneshot_event (unit *u, char const *letters)
{
  char path[PATH_MAX] ;
  int fd ;
  unit_path(path, u, "/event") ;
  fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (fd < 0) return ;
  if (nci_ftrig_notify(fd, letters, strlen(letters)) < 0) strerr_warnwu2sys("notify the listeners of ", path) ;
  close(fd) ;
}

static void set_ustate (unit *u, enum nci_unitstate_state_e st)
{
  u->st.state = st ;
  /* a oneshot is ready once it has done its work */
  u->st.ready = st == NCI_STATE_UP || (st == NCI_STATE_DOWN && u->st.result == NCI_RESULT_SUCCESS) ;
  now_ms(&u->st.since_ms) ;
  state_write_unit(u) ;
  if (u->longrun) return ;
  switch (st)
  {
    case NCI_STATE_STARTING : oneshot_event(u, "u") ; break ;
    case NCI_STATE_UP : oneshot_event(u, "U") ; break ;
    case NCI_STATE_DOWN : oneshot_event(u, u->st.result == NCI_RESULT_SUCCESS && u->state == U_DONE ? "UdD" : "dD") ; break ;
    case NCI_STATE_FAILED : oneshot_event(u, "dDF") ; break ;
    default : break ;
  }
}

/* Tells the nci-supervise of a longrun something (s6-svc's byte). */
static void control (unit *u, char c)
{
  char path[PATH_MAX] ;
  int fd ;
  unit_path(path, u, "/supervise/control") ;
  fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC) ;
  if (fd < 0) { strerr_warnwu2sys("open ", path) ; return ; }
  if (write(fd, &c, 1) < 1) strerr_warnwu2sys("write to ", path) ;
  close(fd) ;
}

static int running (unit const *u)
{
  return u->state == U_STARTING || u->state == U_UP ;
}

/* What nci-supervise last wrote of a longrun. */
static int read_supervised (unit *u, nci_unitstate *st)
{
  char dir[PATH_MAX] ;
  unit_path(dir, u, "") ;
  return nci_unitstate_read(dir, st) ;
}

/* A service started and not down yet, as its nci-supervise says. */
static int active_state (enum nci_unitstate_state_e st)
{
  return st == NCI_STATE_STARTING || st == NCI_STATE_UP || st == NCI_STATE_STOPPING || st == NCI_STATE_FINISHING ;
}

/* A unit whose BindsTo=/PartOf= unit went down goes down too, not failed. */
static void stop_bound (unit *gone)
{
  unsigned int gi = (unsigned int)(gone - G.units) ;
  for (unsigned int i = 0 ; i < G.n ; i++)
  {
    unit *v = G.units + i ;
    for (unsigned int j = 0 ; j < v->nbind ; j++)
      if (v->bind[j] == gi && running(v) && v->longrun)
      {
        ilog("stopping ", v->name, ": it is bound to ", gone->name) ;
        nci_unitstate st ;
        control(v, 'd') ;
        v->state = U_DONE ;
        /* a u before its D is a Restart= start, not a start by hand; a
           service down already (waiting out RestartSec=) gives no D */
        v->await_down = read_supervised(v, &st) && active_state(st.state) ;
        stop_bound(v) ;
      }
  }
}

/* The longruns wait for the early oneshots: each counts once, however it ends. */
static void early_settle (unit *u)
{
  if (!u->early || u->early_settled) return ;
  u->early_settled = 1 ;
  G.early_left-- ;
}

void unit_failed (unit *u, int code, char const *why1, char const *why2)
{
  unsigned int ui = (unsigned int)(u - G.units) ;
  size_t n1 = strlen(why1), n2 = why2 ? strlen(why2) : 0 ;
  int was_running = running(u) ;
  int was_up = u->state == U_UP ;
  if (u->state == U_FAILED) return ;
  if (n1 > sizeof u->why - 1) n1 = sizeof u->why - 1 ;
  if (n1 + n2 > sizeof u->why - 1) n2 = sizeof u->why - 1 - n1 ;
  memcpy(u->why, why1, n1) ;
  if (n2) memcpy(u->why + n1, why2, n2) ;
  u->why[n1 + n2] = 0 ;
  early_settle(u) ;
  u->state = U_FAILED ;
  u->exitcode = code ;
  ilog("unit ", u->name, " failed: ", u->why) ;
  if (!u->longrun || !was_running)
  {
    /* a longrun that never started has no nci-supervise to say so */
    if (u->st.result == NCI_RESULT_NONE) u->st.result = NCI_RESULT_EXIT_CODE ;
    memcpy(u->st.status, u->why, sizeof u->st.status - 1) ;
    set_ustate(u, NCI_STATE_FAILED) ;
    /* a oneshot that remained is stopped, its ExecStop= included, as a
       longrun is (F): at the end of this turn, or in order if the container
       stops (schedule, shutdown_step) */
    if (!u->longrun && was_up && u->has_down) u->down_pending = 1 ;
  }
  /* nci-supervise stops it and keeps it failed (its F letter says when);
     one that failed by itself (its F came) is down already. Why is written
     first: nci-ctl reads it in .nci-init/state once nci-supervise says failed. */
  else if (!u->sv_down)
  {
    state_write_boot() ;
    control(u, 'F') ;
  }
  for (unsigned int i = 0 ; i < G.n ; i++)
  {
    unit *v = G.units + i ;
    if (v->state != U_WAITING && !running(v)) continue ;
    for (unsigned int j = 0 ; j < v->nreq ; j++)
      if (v->req[j] == ui)
      {
        if (v->state == U_STARTING && !v->longrun) oneshot_terminate(v) ;
        unit_failed(v, code, "dependency failed: ", u->name) ;
        break ;
      }
  }
  stop_bound(u) ;
  /* after the propagation, so the units this failure fails are recorded as such */
  if (!G.shutting && (G.on_failure_exit || u->failure_action == ACT_EXIT))
  {
    set_exit(code) ;
    shutdown_begin(code) ;
  }
  state_write_boot() ;
}

/* A oneshot's output slot outlives the oneshot while something it started
   still writes to its pipes (nci-init keeps no write end: the end of every
   writer is EOF); such a lingering slot is given up only when a new oneshot
   needs it. */
static void slot_free (int i)
{
  for (unsigned int k = 0 ; k < 2 ; k++)
  {
    nci_outstream *s = &G.slots[i].out[k] ;
    s->flush = 1 ;
    nci_outstream_drain(s) ;
    fd_close(s->rfd) ;
    if (s->outfd != (int)k + 1) fd_close(s->outfd) ;
  }
  G.slots[i].unit = -1 ;
  G.slots[i].linger = 0 ;
}

static int slot_get (void)
{
  for (int i = 0 ; i < G.nslots ; i++) if (G.slots[i].unit < 0) return i ;
  for (int i = 0 ; i < G.nslots ; i++) if (G.slots[i].linger) { slot_free(i) ; return i ; }
  return -1 ;
}

/* What the pipes hold now goes out now, as far as the output takes it without
   waiting: a oneshot's last lines come before anything the units ordered after
   it write (their nci-supervise writes theirs itself, and could be quicker than
   the loop's next turn). */
static void slot_pump (int i)
{
  for (unsigned int k = 0 ; k < 2 ; k++)
  {
    nci_outstream *s = &G.slots[i].out[k] ;
    s->flush = 1 ;
    /* bounded: something the oneshot left behind may write without end */
    for (unsigned int turn = 0 ; turn < 64 ; turn++)
    {
      int progress = 0 ;
      while (nci_outstream_wants_write(s))
      {
        size_t before = s->len ;
        nci_outstream_write(s) ;
        if (s->len == before) break ;  /* the output is full: the loop carries on later */
        progress = 1 ;
      }
      if (nci_outstream_wants_read(s))
      {
        size_t before = s->len ;
        int eof = s->eof, partial = s->partial_ok ;
        if (!nci_outstream_read(s)) { strerr_warnwu1sys("read a oneshot's output") ; break ; }
        if (s->len != before || s->eof != eof || s->partial_ok != partial) progress = 1 ;
      }
      if (!progress) break ;
    }
  }
}

/* The oneshot is gone: its slot is freed once its pipes have no writer left. */
static void slot_release (unit *u)
{
  int i = u->slot ;
  if (i < 0) return ;
  ilog_flush() ;
  slot_pump(i) ;
  u->slot = -1 ;
  G.slots[i].linger = 1 ;
  slot_check(i) ;
}

void slot_check (int i)
{
  if (!G.slots[i].linger) return ;
  for (unsigned int k = 0 ; k < 2 ; k++)
  {
    nci_outstream const *s = &G.slots[i].out[k] ;
    if (!s->eof || nci_outstream_wants_write(s)) return ;
  }
  slot_free(i) ;
}

void slots_drain (void)
{
  for (int i = 0 ; i < G.nslots ; i++) if (G.slots[i].unit >= 0) slot_free(i) ;
}

/* A script's pipes or process could not be made: said once, not at each
   try. Returns 0, errno kept. */
static int spawn_failed (unit *u, char const *what)
{
  int e = errno ;
  if (!u->spawn_failing) strerr_warnwu2sys(what, u->name) ;
  u->spawn_failing = 1 ;
  errno = e ;
  return 0 ;
}

static int spawn_once (unit *u, char const *script)
{
  int i = slot_get() ;
  pid_t pid ;
  size_t nl = strlen(u->name) ;
  /* as many slots as oneshots, and a oneshot runs one script at a time */
  if (i < 0) { errno = EBUSY ; return 0 ; }
  if (G.prefix)
  {
    if (nl > sizeof G.slots[i].prefix - 3) nl = sizeof G.slots[i].prefix - 3 ;
    memcpy(G.slots[i].prefix, u->name, nl) ;
    G.slots[i].prefix[nl] = ':' ; G.slots[i].prefix[nl + 1] = ' ' ;
  }
  if (!nci_outstream_init(&G.slots[i].out[0], 1, -1, -1, G.slots[i].prefix, G.prefix ? nl + 2 : 0))
    return spawn_failed(u, "create the output pipes of ") ;
  if (!nci_outstream_init(&G.slots[i].out[1], 2, -1, -1, G.slots[i].prefix, G.prefix ? nl + 2 : 0))
  {
    nci_outstream *s = &G.slots[i].out[0] ;
    int e = errno ;
    fd_close(s->rfd) ; fd_close(s->wfd) ;
    if (s->outfd != 1) fd_close(s->outfd) ;
    errno = e ;
    return spawn_failed(u, "create the output pipes of ") ;
  }
  {
    char dir[PATH_MAX] ;
    char const *argv[3] = { script + 2, u->name, 0 } ;
    int fds[3] = { G.nullfd, G.slots[i].out[0].wfd, G.slots[i].out[1].wfd } ;
    unit_path(dir, u, "") ;
    pid = spawn_child(script, argv, dir, fds, 3, 127) ;
  }
  if (pid < 0)
  {
    int e = errno ;
    for (unsigned int k = 0 ; k < 2 ; k++) { fd_close(G.slots[i].out[k].wfd) ; G.slots[i].out[k].wfd = -1 ; }
    G.slots[i].unit = (int)(u - G.units) ;
    slot_free(i) ;
    errno = e ;
    return spawn_failed(u, "start a process for ") ;
  }
  for (unsigned int k = 0 ; k < 2 ; k++) { fd_close(G.slots[i].out[k].wfd) ; G.slots[i].out[k].wfd = -1 ; }
  G.slots[i].unit = (int)(u - G.units) ;
  u->spawn_failing = 0 ;
  u->slot = i ;
  unit_set_pid(u, pid) ;
  u->killed = 0 ;
  return 1 ;
}

/* Whether a script of nci-init's runs: its end gives back what a new one
   may lack (descriptors, processes). */
int scripts_running (void)
{
  for (int i = 0 ; i < G.nslots ; i++) if (G.slots[i].unit >= 0 && !G.slots[i].linger) return 1 ;
  return 0 ;
}

/* Runs a oneshot's up or down script. Returns 1, or 0 with errno set when
   its pipes or its process could not be made (said on stderr). With no
   script running, what lingering slots hold (a leftover writer may live on
   for ever) is given up for it, once. */
int oneshot_spawn (unit *u, char const *script)
{
  int n = 0 ;
  if (spawn_once(u, script)) return 1 ;
  if (scripts_running()) return 0 ;
  for (int i = 0 ; i < G.nslots ; i++) if (G.slots[i].linger) { slot_free(i) ; n++ ; }
  return n && spawn_once(u, script) ;
}

void oneshot_deadline (unit *u, unsigned int ms)
{
  tain t ;
  u->killed = 0 ;
  if (!ms) { u->deadline = tain_zero ; return ; }
  tain_from_millisecs(&t, (int)ms) ;
  tain_add_g(&u->deadline, &t) ;
}

/* Its ExecStop, bounded by its TimeoutStopSec. Returns 1, or 0 (said). */
int oneshot_down (unit *u)
{
  if (!oneshot_spawn(u, "./down")) return 0 ;
  oneshot_deadline(u, u->kill_ms) ;
  return 1 ;
}

/* A oneshot stopped by a command: down, not failed; started again if the
   command was a restart. */
void oneshot_stopped (unit *u)
{
  int again = u->ctl_restart ;
  u->ctl_stop = 0 ;
  u->ctl_restart = 0 ;
  /* failed meanwhile (what it requires failed): it stays failed */
  if (u->state == U_FAILED) return ;
  /* an early oneshot run again still holds the longruns back */
  if (!again) early_settle(u) ;
  u->state = U_DONE ;
  u->st.result = NCI_RESULT_SUCCESS ;
  ilog("unit ", u->name, " stopped", 0) ;
  set_ustate(u, NCI_STATE_DOWN) ;
  state_write_boot() ;
  if (again && !G.shutting) oneshot_command_start(u) ;
}

/* A script that cannot be started (no pipe, no fork: out of descriptors or
   processes) waits while nci-init's other scripts run, and is tried again
   at each turn; with none running, nothing will give back what it lacks and
   it fails its unit, as systemd's "resources" result: waiting would stall
   the boot. Returns 1 when started, 0 when it waits, -1 when it failed. */
int oneshot_start (unit *u)
{
  int was_failed = u->state == U_FAILED ;
  if (!oneshot_spawn(u, "./up"))
  {
    int e = errno ;
    if (scripts_running()) return 0 ;
    u->st.result = NCI_RESULT_RESOURCES ;
    u->st.has_exit = 0 ;
    unit_failed(u, 1, "could not start its script: ", strerror(e)) ;
    return -1 ;
  }
  if (was_failed) { u->why[0] = 0 ; u->st.status[0] = 0 ; }
  u->state = U_STARTING ;
  u->st.pid = u->pid ;
  u->st.result = NCI_RESULT_NONE ;
  ilog("starting ", u->name, 0, 0) ;
  set_ustate(u, NCI_STATE_STARTING) ;
  oneshot_deadline(u, u->timeout_ms) ;
  /* run again, a failed one is failed no more */
  if (was_failed) state_write_boot() ;
  return 1 ;
}

/* A start asked for by a command: when it has to wait, that is said, and
   the command is not kept. */
void oneshot_command_start (unit *u)
{
  if (oneshot_start(u)) return ;
  strerr_warnw3x("could not start ", u->name, " now: try again") ;
  /* an early oneshot run again by a restart holds the longruns back: no more */
  early_settle(u) ;
}

/* A oneshot up with nothing to run for its stop (no ExecStop) is down once
   the shutdown reaches it: said so, as a stop with a down script says it. */
void oneshot_shut (unit *u)
{
  if (u->longrun || u->state != U_UP) return ;
  set_ustate(u, NCI_STATE_DOWN) ;
}

/* A running script is ended as a stop ends it: SIGTERM now, SIGKILL after its
   TimeoutStopSec (none: systemd's infinity). Whoever asked (shutdown, a failed
   requirement, nci-ctl stop) decides what its end means. */
void oneshot_terminate (unit *u)
{
  tain t ;
  if (u->pid <= 0 || u->killed) return ;
  kill(-u->pid, SIGTERM) ;
  kill(-u->pid, SIGCONT) ;
  u->killed = 1 ;
  if (!u->kill_ms) { u->deadline = tain_zero ; return ; }
  tain_from_millisecs(&t, (int)u->kill_ms) ;
  tain_add_g(&u->deadline, &t) ;
}

void on_oneshot_timeout (unit *u)
{
  tain t ;
  if (u->pid <= 0) return ;
  if (!u->killed)
  {
    ilog("unit ", u->name, ": timed out, sending SIGTERM", 0) ;
    kill(-u->pid, SIGTERM) ;
    kill(-u->pid, SIGCONT) ;
    u->killed = 1 ;
    if (u->kill_ms)
    {
      tain_from_millisecs(&t, (int)u->kill_ms) ;
      tain_add_g(&u->deadline, &t) ;
    }
    else u->deadline = tain_zero ;
    return ;
  }
  kill(-u->pid, SIGKILL) ;
  u->deadline = tain_zero ;
}

static int wstat_code (int wstat)
{
  return WIFEXITED(wstat) ? WEXITSTATUS(wstat) : 128 + WTERMSIG(wstat) ;
}

void on_oneshot_exit (unit *u, int wstat)
{
  int killed = u->killed ;
  unit_set_pid(u, 0) ;
  u->st.pid = 0 ;
  u->deadline = tain_zero ;
  u->st.has_exit = 1 ;
  u->st.wstat = wstat ;
  slot_release(u) ;
  if (u->stopping)
  {
    u->stopping = 0 ;
    u->stopped = 1 ;
    if (u->state != U_FAILED) u->state = U_STOPPED ;
    set_ustate(u, u->state == U_FAILED ? NCI_STATE_FAILED : NCI_STATE_DOWN) ;
    return ;
  }
  if (u->post_down)
  {
    u->post_down = 0 ;
    if (u->ctl_restart && !G.shutting) { u->ctl_restart = 0 ; oneshot_command_start(u) ; }
    return ;
  }
  if (u->ctl_stop) { oneshot_stopped(u) ; return ; }
  early_settle(u) ;
  if (u->state != U_STARTING)
  {
    /* failed meanwhile (what it requires failed): its pid and end are news */
    if (u->state == U_FAILED) state_write_unit(u) ;
    return ;
  }
  if (G.shutting)
  {
    u->state = U_STOPPED ;
    set_ustate(u, NCI_STATE_DOWN) ;
    return ;
  }
  if (WIFEXITED(wstat) && !WEXITSTATUS(wstat) && !killed)
  {
    u->state = u->remain ? U_UP : U_DONE ;
    u->st.result = NCI_RESULT_SUCCESS ;
    ilog("unit ", u->name, " finished", 0) ;
    set_ustate(u, u->remain ? NCI_STATE_UP : NCI_STATE_DOWN) ;
    /* as systemd: a oneshot that does not remain is stopped at once, ExecStop= included */
    if (!u->remain && u->has_down && oneshot_down(u)) u->post_down = 1 ;
    if (u->success_action == ACT_EXIT) { set_exit(0) ; shutdown_begin(0) ; }
    return ;
  }
  if (killed)
  {
    u->st.result = NCI_RESULT_TIMEOUT ;
    unit_failed(u, 1, "timed out", 0) ;
    return ;
  }
  {
    char fmt[UINT_FMT] ;
    char name[NCI_SIGNAL_NAME_MAX] ;
    if (WIFEXITED(wstat))
    {
      fmt[uint_fmt(fmt, (unsigned int)WEXITSTATUS(wstat))] = 0 ;
      u->st.result = NCI_RESULT_EXIT_CODE ;
      unit_failed(u, wstat_code(wstat), "exited ", fmt) ;
    }
    else
    {
      nci_signal_name(WTERMSIG(wstat), name) ;
      u->st.result = WCOREDUMP(wstat) ? NCI_RESULT_CORE_DUMP : NCI_RESULT_SIGNAL ;
      unit_failed(u, wstat_code(wstat), "killed by ", name) ;
    }
  }
}

/* A write end of the pipe whose read end init holds: a new open file of the
   same pipe, through /proc (init holds no write ends between starts). */
static int reopen_write (int rfd)
{
  char path[32] = "/proc/self/fd/" ;
  path[14 + uint_fmt(path + 14, (unsigned int)rfd)] = 0 ;
  return open(path, O_WRONLY | O_CLOEXEC) ;
}

/* A start of nci-supervise that failed is tried again a second later (at
   boot, one that could not create its pipes too): the service is never left
   without one for good. */
static void supervise_retry (unit *u)
{
  tain sec ;
  tain_from_millisecs(&sec, 1000) ;
  tain_add_g(&u->deadline, &sec) ;
}

/* Each longrun's output pipes outlive its nci-supervise: init holds their read
   ends, so a service whose supervise died never writes into a pipe without a
   reader, and the next supervise reads the same pipes. Init holds only the read
   ends: every fd it holds is copied into each child it starts, and with N
   services 4N fds made the boot quadratic (make bench). */
void supervise_start (unit *u)
{
  pid_t pid ;
  if (u->svfds[0] < 0)
  {
    int p[2], q[2] ;
    if (pipecoe(p) < 0) { strerr_warnwu2sys("create the output pipes of ", u->name) ; supervise_retry(u) ; return ; }
    if (pipecoe(q) < 0) { fd_close(p[0]) ; fd_close(p[1]) ; strerr_warnwu2sys("create the output pipes of ", u->name) ; supervise_retry(u) ; return ; }
    u->svfds[0] = p[0] ; u->svfds[1] = p[1] ; u->svfds[2] = q[0] ; u->svfds[3] = q[1] ;
  }
  else
  {
    u->svfds[1] = reopen_write(u->svfds[0]) ;
    if (u->svfds[1] < 0) { strerr_warnwu2sys("reopen the output pipes of ", u->name) ; supervise_retry(u) ; return ; }
    u->svfds[3] = reopen_write(u->svfds[2]) ;
    if (u->svfds[3] < 0) { fd_close(u->svfds[1]) ; u->svfds[1] = -1 ; strerr_warnwu2sys("reopen the output pipes of ", u->name) ; supervise_retry(u) ; return ; }
  }
  /* said before the start, and written out: the service's first lines, which
     its nci-supervise writes, must not come before it */
  if (u->state == U_WAITING) { ilog("starting ", u->name, 0, 0) ; ilog_flush() ; }
  {
    char dir[PATH_MAX] ;
    char const *argv[7] ;
    int fds[8] = { 0, 1, 2, G.reportw, u->svfds[0], u->svfds[1], u->svfds[2], u->svfds[3] } ;
    unsigned int m = 0 ;
    unit_path(dir, u, "") ;
    argv[m++] = "nci-supervise" ;
    if (!G.prefix) argv[m++] = "--no-prefix" ;
    argv[m++] = "-r3" ;
    argv[m++] = "-f4,5,6,7" ;
    /* one that replaces an nci-supervise that died keeps a unit down that
       was down or failed (a service still running is taken over all the
       same; a failed one is stopped by the F sent again on its s letter) */
    if (u->state == U_FAILED || u->state == U_DONE) argv[m++] = "-d" ;
    argv[m++] = dir ;
    argv[m++] = 0 ;
    pid = spawn_child(G.supervise_path, argv, 0, fds, 8, 111) ;
  }
  fd_close(u->svfds[1]) ; u->svfds[1] = -1 ;
  fd_close(u->svfds[3]) ; u->svfds[3] = -1 ;
  if (pid < 0) { strerr_warnwu2sys("start the nci-supervise of ", u->name) ; supervise_retry(u) ; return ; }
  unit_set_pid(u, pid) ;
  u->sv_announced = 0 ;
  u->sv_count++ ;
  tain_copynow(&u->sv_started) ;
  u->deadline = tain_zero ;
  if (u->state == U_WAITING) u->state = U_STARTING ;
}

void on_supervise_exit (unit *u, int wstat)
{
  tain next, sec ;
  unit_set_pid(u, 0) ;
  if (G.shutting)
  {
    u->stopping = 0 ;
    u->stopped = 1 ;
    if (u->state != U_FAILED) u->state = U_STOPPED ;
    return ;
  }
  /* the first one ending with an error before it even said it started (an
     invalid policy file, no nci-supervise to exec) would do the same again:
     the unit fails, as systemd's "resources". A later one may have met a
     passing shortage, and a service may run: it is retried */
  if (!u->sv_announced && u->sv_count == 1 && WIFEXITED(wstat) && WEXITSTATUS(wstat))
  {
    char fmt[UINT_FMT] ;
    fmt[uint_fmt(fmt, (unsigned int)WEXITSTATUS(wstat))] = 0 ;
    u->sv_down = 1 ;  /* nobody to tell */
    u->st.result = NCI_RESULT_RESOURCES ;
    u->st.has_exit = 0 ;
    u->st.pid = 0 ;
    unit_failed(u, 1, "its nci-supervise could not start, exit code ", fmt) ;
    memcpy(u->st.status, u->why, sizeof u->st.status - 1) ;
    set_ustate(u, NCI_STATE_FAILED) ;
    return ;
  }
  strerr_warnw3x("the nci-supervise of ", u->name, " died: starting another") ;
  /* at most one a second, so a supervise that cannot start is no busy loop */
  tain_from_millisecs(&sec, 1000) ;
  tain_add(&next, &u->sv_started, &sec) ;
  if (tain_less(&next, &STAMP)) supervise_start(u) ;
  else u->deadline = next ;
}


/* The exit code a longrun's failure gives the container (README). */
static int failure_code (nci_unitstate const *st)
{
  if (st->result == NCI_RESULT_TIMEOUT || st->result == NCI_RESULT_START_LIMIT_HIT || !st->has_exit) return 1 ;
  if (WIFEXITED(st->wstat)) return WEXITSTATUS(st->wstat) ? WEXITSTATUS(st->wstat) : 1 ;
  return 128 + WTERMSIG(st->wstat) ;
}

void on_report (char const *line, size_t len)
{
  char const *sp = memchr(line, ' ', len) ;
  int i ;
  unit *u ;
  if (!sp) return ;
  i = unit_find(line, (size_t)(sp - line)) ;
  if (i < 0) return ;
  u = G.units + i ;
  for (char const *c = sp + 1 ; c < line + len ; c++)
  {
    switch (*c)
    {
      case 's' :
      {
        nci_unitstate st ;
        u->sv_announced = 1 ;
        /* a new nci-supervise for a failed unit whose F was never done (the
           old one died first): sent again */
        if (u->state == U_FAILED && !u->sv_down && !G.shutting) control(u, 'F') ;
        /* and one for a unit stopped with what it is bound to, its d lost */
        if (u->state == U_DONE && u->await_down && !G.shutting)
        {
          /* down already: no D will come */
          if (read_supervised(u, &st) && !active_state(st.state)) u->await_down = 0 ;
          else control(u, 'd') ;
        }
        /* one that keeps its service down (a down file in the tree): not
           started (no u with its s), and nothing to wait for */
        if (u->state == U_STARTING && !memchr(sp + 1, 'u', (size_t)(line + len - sp - 1))
         && read_supervised(u, &st) && st.state == NCI_STATE_DOWN)
        {
          u->state = U_DONE ;
          ilog("unit ", u->name, " stays down: its service directory has a down file", 0) ;
        }
        break ;
      }
      case 'u' :
        /* a longrun down, started by hand (nci-ctl start): running again */
        if (u->state == U_DONE && !u->await_down && !G.shutting)
        {
          u->state = U_STARTING ;
          break ;
        }
        /* a failed longrun, down for good (its F came), started again (nci-ctl
           start): failed no more. Before its F, a u is a Restart= start that
           nci-supervise made before it read nci-init's F. */
        if (u->state != U_FAILED || !u->sv_down || G.shutting) break ;
        u->state = U_STARTING ;
        u->sv_down = 0 ;
        u->why[0] = 0 ;
        ilog("unit ", u->name, " started again", 0) ;
        state_write_boot() ;
        break ;
      case 'U' :
        if (u->state == U_STARTING) { u->state = U_UP ; ilog("unit ", u->name, " is ready", 0) ; }
        break ;
      case 'F' :
      {
        nci_unitstate st ;
        char const *r ;
        if (G.shutting) break ;
        /* F: the service is down and stays down */
        u->sv_down = 1 ;
        if (!read_supervised(u, &st)) { unit_failed(u, 1, "result unknown", 0) ; break ; }
        r = nci_unitstate_result_name(st.result) ;
        unit_failed(u, failure_code(&st), "result ", r ? r : "unknown") ;
        break ;
      }
      case 'D' :
      {
        nci_unitstate st ;
        nci_svstatus sv ;
        char dir[PATH_MAX] ;
        u->await_down = 0 ;
        if (G.shutting || !running(u) || !read_supervised(u, &st) || st.state != NCI_STATE_DOWN) break ;
        /* down for a restart (nci-ctl restart): up again in a moment, not down */
        unit_path(dir, u, "") ;
        if (nci_svstatus_read(dir, &sv) && sv.flags & NCI_SVSTATUS_WANTUP) break ;
        u->state = U_DONE ;
        ilog("unit ", u->name, " is down", 0) ;
        stop_bound(u) ;
        if (u->success_action == ACT_EXIT) { set_exit(0) ; shutdown_begin(0) ; }
        break ;
      }
      default : break ;
    }
  }
}

static int settled (unit const *a)
{
  return a->state != U_WAITING && a->state != U_STARTING ;
}

static void boot_complete (void)
{
  char fmt[UINT_FMT] ;
  unsigned int up = 0 ;
  for (unsigned int i = 0 ; i < G.n ; i++) if (G.units[i].state == U_UP || G.units[i].state == U_DONE) up++ ;
  fmt[uint_fmt(fmt, up)] = 0 ;
  G.booted = 1 ;
  ilog("boot complete: ", fmt, " units up or done", 0) ;
  state_write_boot() ;
  if (G.cmd) command_start() ;
}

void schedule (void)
{
  int pending = 0 ;
  if (G.shutting) { shutdown_step() ; return ; }
  for (unsigned int i = 0 ; i < G.n && !G.shutting ; i++)
  {
    unit *u = G.units + i ;
    int ready = 1 ;
    if (u->down_pending && u->pid <= 0 && oneshot_down(u)) { u->down_pending = 0 ; u->post_down = 1 ; }
    if (u->state == U_STARTING) pending = 1 ;
    if (u->state != U_WAITING) continue ;
    if (u->missing) { unit_failed(u, 1, "requires a unit that does not run: ", u->missing) ; continue ; }
    for (unsigned int j = 0 ; j < u->nreq ; j++)
      if (G.units[u->req[j]].state == U_FAILED)
      {
        unit_failed(u, G.units[u->req[j]].exitcode, "dependency failed: ", G.units[u->req[j]].name) ;
        ready = -1 ;
        break ;
      }
    if (ready < 0) continue ;
    pending = 1 ;
    for (unsigned int j = 0 ; j < u->nafter ; j++)
      if (!settled(G.units + u->after[j])) { ready = 0 ; break ; }
    if (ready && u->longrun && G.early_left) ready = 0 ;
    if (!ready) continue ;
    if (u->longrun) supervise_start(u) ;
    else oneshot_start(u) ;
  }
  if (G.shutting) { shutdown_step() ; return ; }
  if (!pending && !G.booted) boot_complete() ;
}
