#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/iopause.h>
#include <skalibs/sgetopt.h>
#include <skalibs/sig.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>
#include <nci/self.h>
#include <nci/signal.h>

#include "init.h"

#define USAGE "nci-init [ --state-dir DIR ] [ --no-prefix ] [ --on-failure exit|continue ] [ --grace MS ] TREE [ -- CMD ARGS... ]"
#define dieusage() strerr_dieusage(100, USAGE)

init_t G ;

static int sigfd = -1 ;

static void reap (void)
{
  for (;;)
  {
    int wstat ;
    pid_t pid = waitpid(-1, &wstat, WNOHANG) ;
    if (pid < 0 && errno == EINTR) continue ;
    if (pid <= 0) break ;
    if (pid == G.cmdpid) { on_command_exit(wstat) ; continue ; }
    {
      unit *u = unit_by_pid(pid) ;
      if (u) unit_event(u, EV_EXIT, wstat) ;
    }
  }
}

/* The signals nci-init acts on. They are blocked from the first instruction
   of main on and read from a signalfd, never unblocked: one that comes while
   the tree loads stays pending, where PID 1 of a container would drop it (a
   signal without a handler is ignored there) and any other process would die
   of it. skalibs' selfpipe_init unblocks every signal: not used for that. */
static sigset_t sigs ;

void signals_fill (sigset_t *set)
{
  sigemptyset(set) ;
  sigaddset(set, SIGCHLD) ; sigaddset(set, SIGTERM) ; sigaddset(set, SIGINT) ;
  sigaddset(set, SIGPWR) ; sigaddset(set, SIGRTMIN + 3) ; sigaddset(set, SIGHUP) ;
  sigaddset(set, SIGUSR1) ; sigaddset(set, SIGUSR2) ; sigaddset(set, SIGWINCH) ;
  sigaddset(set, SIGQUIT) ;
}

/* The next signal from the signalfd, 0 for none. */
static int signal_next (void)
{
  int sig = nci_signalfd_read(sigfd) ;
  if (sig < 0) strerr_diefu1sys(111, "read the signalfd") ;
  return sig ;
}

static void handle_signals (void)
{
  for (;;)
  {
    int sig = signal_next() ;
    if (!sig) return ;
    switch (sig)
    {
      case SIGCHLD : reap() ; final_resignal() ; break ;
      case SIGHUP : case SIGUSR1 : case SIGUSR2 : case SIGWINCH : case SIGQUIT :
        if (G.cmdpid > 0) kill(G.cmdpid, sig) ;
        break ;
      default :
        /* SIGTERM, SIGINT, SIGPWR, SIGRTMIN+3: a requested, clean stop */
        if (!G.shutting) { G.signal_stop = 1 ; shutdown_begin(0) ; }
        break ;
    }
  }
}

static void handle_reports (void)
{
  static char buf[8192] ;
  static size_t len ;
  /* a line longer than the buffer is not nci-supervise's: dropped */
  lines_read(G.reportr, buf, &len, sizeof buf, &on_report, "the reports of nci-supervise") ;
}

static void deadline_min (tain *d)
{
  /* no timer set: wait for events only */
  tain_add_g(d, &tain_infinite_relative) ;
  for (unsigned int i = 0 ; i < G.n ; i++)
  {
    tain const *t = &G.units[i].deadline ;
    if (tai_sec(tain_secp(t)) && tain_less(t, d)) *d = *t ;
  }
  if (tai_sec(tain_secp(&G.final_deadline)) && tain_less(&G.final_deadline, d)) *d = G.final_deadline ;
}

static void on_deadlines (void)
{
  if (tai_sec(tain_secp(&G.final_deadline)) && !tain_future(&G.final_deadline)) final_step() ;
  for (unsigned int i = 0 ; i < G.n ; i++)
  {
    unit *u = G.units + i ;
    if (!tai_sec(tain_secp(&u->deadline)) || tain_future(&u->deadline)) continue ;
    u->deadline = tain_zero ;
    unit_event(u, EV_TIMEOUT, 0) ;
  }
}

static void loop (void)
{
  for (;;)
  {
    iopause_fd *x = G.iox ;
    int *who = G.iowho ;
    unsigned int n = 0 ;
    tain d ;
    int r ;
    if (G.final && nothing_left()) return ;
    x[n++] = (iopause_fd){ .fd = sigfd, .events = IOPAUSE_READ } ;
    x[n++] = (iopause_fd){ .fd = G.reportr, .events = IOPAUSE_READ } ;
    x[n++] = (iopause_fd){ .fd = G.ctlr, .events = IOPAUSE_READ } ;
    for (int i = 0 ; i < G.nslots ; i++)
    {
      if (G.slots[i].unit < 0) continue ;
      for (int k = 0 ; k < 2 ; k++)
      {
        nci_outstream *s = &G.slots[i].out[k] ;
        if (nci_outstream_wants_read(s)) { who[n] = i * 4 + k ; x[n++] = (iopause_fd){ .fd = s->rfd, .events = IOPAUSE_READ } ; }
        if (nci_outstream_wants_write(s)) { who[n] = i * 4 + 2 + k ; x[n++] = (iopause_fd){ .fd = s->outfd, .events = IOPAUSE_WRITE } ; }
      }
    }
    deadline_min(&d) ;
    ilog_flush() ;
    r = iopause_g(x, n, &d) ;
    if (r < 0) strerr_diefu1sys(111, "iopause") ;
    /* what is due is done whether or not the turn had events: a oneshot that
       writes without a pause must not hold off its own timeout */
    if (!r) { on_deadlines() ; schedule() ; continue ; }
    /* the reports first: an nci-supervise's last letters (its s) come
       before its end is reaped */
    if (x[1].revents & IOPAUSE_READ) handle_reports() ;
    if (x[0].revents & IOPAUSE_READ) handle_signals() ;
    if (x[2].revents & IOPAUSE_READ) control_read() ;
    for (unsigned int j = 3 ; j < n ; j++)
    {
      int i = who[j] / 4, k = who[j] % 4 ;
      if (!x[j].revents || G.slots[i].unit < 0) continue ;
      if (k < 2) { if (!nci_outstream_read(&G.slots[i].out[k])) strerr_warnwu1sys("read a oneshot's output") ; }
      else { ilog_flush() ; nci_outstream_write(&G.slots[i].out[k - 2]) ; }
      slot_check(i) ;
    }
    on_deadlines() ;
    schedule() ;
  }
}

static void raise_fd_limit (void)
{
  struct rlimit rl ;
  /* every longrun keeps 4 pipe ends here across restarts of its nci-supervise */
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max)
  {
    rl.rlim_cur = rl.rlim_max ;
    setrlimit(RLIMIT_NOFILE, &rl) ;
  }
}

static void find_supervise (void)
{
  if (nci_self_sibling(G.supervise_path, sizeof G.supervise_path, "nci-supervise")) return ;
  memcpy(G.supervise_path, NCI_BINDIR "/nci-supervise", sizeof(NCI_BINDIR "/nci-supervise")) ;
}

static void setup (void)
{
  int p[2] ;
  if (!G.pid1 && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) strerr_diefu1sys(111, "become a subreaper") ;
  find_supervise() ;
  raise_fd_limit() ;
  G.nullfd = open("/dev/null", O_RDWR | O_CLOEXEC) ;
  if (G.nullfd < 0) strerr_diefu1sys(111, "open /dev/null") ;
  tree_load() ;
  statedir_prepare() ;
  control_open() ;
  if (pipecoe(p) < 0) strerr_diefu1sys(111, "create the report pipe") ;
  if (ndelay_on(p[0]) < 0 || ndelay_on(p[1]) < 0) strerr_diefu1sys(111, "make the report pipe non-blocking") ;
  G.reportr = p[0] ; G.reportw = p[1] ;
  /* every nci-supervise writes there without blocking, and drops a line the
     pipe has no room for: room for a burst of a thousand units' letters
     while nci-init is busy (best effort: the system's pipe-max-size decides) */
  fcntl(G.reportw, F_SETPIPE_SZ, 1 << 20) ;
  sigfd = signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC) ;
  if (sigfd < 0) strerr_diefu1sys(111, "create the signalfd") ;
  if (!sig_altignore(SIGPIPE)) strerr_diefu1sys(111, "ignore SIGPIPE") ;
  tain_now_set_stopwatch_g() ;
  G.started = STAMP ;
  for (unsigned int i = 0 ; i < G.n ; i++) G.units[i].deadline = tain_zero ;
  G.final_deadline = tain_zero ;
  G.grace_end = tain_zero ;
  state_write_boot() ;
}

/* The arguments into G and *statedir, without a word or an exit: PID 1 of a
   machine reads them (its --grace) before it forks the nci-init that reports
   a usage error. Returns the index of TREE, 0 for a usage error, -1 for --help. */
static int parse_args (int argc, char const *const *argv, char const **statedir)
{
  int i = 1 ;
  for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-' && argv[i][2] ; i++)
  {
    char const *a = argv[i] ;
    if (!strcmp(a, "--no-prefix")) G.prefix = 0 ;
    else if (!strcmp(a, "--help")) return -1 ;
    else if (!strcmp(a, "--state-dir") && i + 1 < argc) *statedir = argv[++i] ;
    else if (!strcmp(a, "--grace") && i + 1 < argc)
    {
      if (!uint0_scan(argv[++i], &G.grace_ms)) return 0 ;
    }
    else if (!strcmp(a, "--on-failure") && i + 1 < argc)
    {
      i++ ;
      if (!strcmp(argv[i], "exit")) G.on_failure_exit = 1 ;
      else if (!strcmp(argv[i], "continue")) G.on_failure_exit = 0 ;
      else return 0 ;
    }
    else return 0 ;
  }
  if (i >= argc) return 0 ;
  if (i + 1 < argc)
  {
    /* "TREE --" alone is service mode: an image's ENTRYPOINT ends with "--"
       so that its Cmd, when there is one, becomes the command */
    if (strcmp(argv[i + 1], "--")) return 0 ;
    if (i + 2 < argc) G.cmd = argv + i + 2 ;
  }
  return i ;
}

int main (int argc, char const *const *argv)
{
  char const *statedir = "/run/nci" ;
  int i ;
  PROG = "nci-init" ;
  G.prefix = 1 ;
  G.on_failure_exit = 1 ;
  G.grace_ms = 3000 ;
  signals_fill(&sigs) ;
  /* cannot fail with a valid set; PID 1 of a machine must not die here */
  sigprocmask(SIG_BLOCK, &sigs, 0) ;
  i = parse_args(argc, argv, &statedir) ;
  /* PID 1 of a machine stays in vm_init to the power off; what returns is
     the nci-init it forked, and from here on any exit is that child's */
  if (getpid() == 1) vm_init() ;
  G.pid1 = getpid() == 1 ;
  if (i < 0)
  {
    if (allwrite(1, "usage: " USAGE "\n", sizeof("usage: " USAGE "\n") - 1) < sizeof("usage: " USAGE "\n") - 1) return 111 ;
    return 0 ;
  }
  if (!i) dieusage() ;
  G.tree = argv[i] ;
  {
    static char abs_state[PATH_MAX], abs_tree[PATH_MAX] ;
    if (!realpath(G.tree, abs_tree)) strerr_diefu2sys(errno == ENOENT ? 1 : 111, "find the tree ", G.tree) ;
    G.tree = abs_tree ;
    if (statedir[0] != '/')
    {
      if (!getcwd(abs_state, sizeof abs_state - strlen(statedir) - 2)) strerr_diefu1sys(111, "get the working directory") ;
      memcpy(abs_state + strlen(abs_state), "/", 2) ;
      memcpy(abs_state + strlen(abs_state), statedir, strlen(statedir) + 1) ;
      statedir = abs_state ;
    }
    G.statedir = statedir ;
  }
  setup() ;
  schedule() ;
  loop() ;
  {
    char fmt[UINT_FMT] ;
    fmt[uint_fmt(fmt, (unsigned int)G.exitcode)] = 0 ;
    ilog("exiting with code ", fmt, 0, 0) ;
  }
  ilog_flush() ;
  slots_drain() ;
  G.down = 1 ;
  state_write_boot() ;
  return G.exitcode ;
}
