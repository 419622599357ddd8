#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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

#include <nci/signal.h>

#include "supervise.h"

#define USAGE "nci-supervise [ --no-prefix ] [ -d ] [ -n name ] [ -r reportfd ] [ -f outr,outw,errr,errw ] servicedir"
#define dieusage() strerr_dieusage(100, USAGE)

/* how often a stop waiting on processes that are not supervise's children
   looks whether they are gone */
#define GROUP_RECHECK_MS 50

/* The signals nci-supervise acts on: blocked from the first instruction of
   main on and read from a signalfd, never unblocked (skalibs' selfpipe_init
   unblocks every signal): a SIGTERM that comes while it sets up stays pending
   and is a stop, where it would kill it by default action. */
static sigset_t sigs ;
static int sigfd = -1 ;

static int signal_next (void)
{
  int sig = nci_signalfd_read(sigfd) ;
  if (sig < 0) strerr_diefu1sys(111, "read the signalfd") ;
  return sig ;
}

/* the one service this process keeps */
static sv S ;
static int exit_now ;

/* SIGTERM: stop the service, then exit; SIGHUP: exit once it is down;
   SIGQUIT: exit now, the service left running; SIGINT: the same, and the
   service's group gets it too. */
static void on_signal (int sig)
{
  switch (sig)
  {
    case SIGTERM : sv_event(&S, SE_EXIT, 0) ; sv_event(&S, SE_DOWN, 0) ; break ;
    case SIGHUP : sv_event(&S, SE_EXIT, 0) ; break ;
    case SIGQUIT : exit_now = 1 ; break ;
    case SIGINT :
      if (S.mainpid) { pid_t g = getpgid(S.mainpid) ; if (g > 0) kill(-g, SIGINT) ; }
      exit_now = 1 ;
      break ;
    default : break ;
  }
}

static void on_child (pid_t pid, int wstat)
{
  if (pid == S.ctlpid) sv_event(&S, SE_CTL_EXIT, wstat) ;
  else if (pid == S.mainpid) sv_event(&S, SE_MAIN_EXIT, wstat) ;
  else sv_event(&S, SE_OTHER_EXIT, 0) ;
}

/* exec readiness: EOF, the last holder exec'ed; notification-fd: a newline */
static void on_ready_fd (void)
{
  char buf[512] ;
  ssize_t r = read(S.readyfd, buf, sizeof buf) ;
  if (r < 0)
  {
    if (errno == EAGAIN || errno == EINTR) return ;
    strerr_warnwu1sys("read the readiness pipe") ;
    fd_close(S.readyfd) ;
    S.readyfd = -1 ;
    return ;
  }
  if (S.pol.readiness == READY_EXEC ? r == 0 : (r > 0 && memchr(buf, '\n', (size_t)r) != 0)) { sv_event(&S, SE_READY, 0) ; return ; }
  if (!r) { fd_close(S.readyfd) ; S.readyfd = -1 ; }
}

static void on_adopted_exit (void)
{
  close(S.adoptfd) ;
  S.adoptfd = -1 ;
  sv_event(&S, SE_ADOPTED_EXIT, 0) ;
}

static void handle_signals (void)
{
  for (;;)
  {
    int sig = signal_next() ;
    if (!sig) return ;
    if (sig != SIGCHLD) { on_signal(sig) ; continue ; }
    for (;;)
    {
      int wstat ;
      pid_t pid = waitpid(-1, &wstat, WNOHANG) ;
      if (pid < 0 && errno == EINTR) continue ;
      if (pid <= 0) break ;
      on_child(pid, wstat) ;
    }
  }
}

static void handle_control (void)
{
  for (;;)
  {
    unsigned char buf[64] ;
    ssize_t r = read(S.controlfd, buf, sizeof buf) ;
    if (r < 0)
    {
      if (errno == EAGAIN || errno == EINTR) return ;
      strerr_diefu3sys(111, "read ", S.dir, "/supervise/control") ;
    }
    if (!r) return ;
    for (ssize_t i = 0 ; i < r ; i++) sv_on_control(&S, buf[i]) ;
  }
}

static void std_fds (void)
{
  for (int fd = 0 ; fd < 3 ; fd++)
    if (fcntl(fd, F_GETFD) < 0)
    {
      int n = open("/dev/null", fd ? O_WRONLY : O_RDONLY) ;
      if (n < 0) strerr_diefu1sys(111, "open /dev/null") ;
      if (n != fd) strerr_dief1x(101, "file descriptors 0 to 2 are in an impossible state") ;
    }
}

static int fds[4] = { -1, -1, -1, -1 } ;
static char prefixbuf[128] ;
static size_t prefixlen ;

static void out_read (nci_outstream *s)
{
  if (!nci_outstream_read(s)) strerr_diefu1sys(111, "read the service's output pipe") ;
}

static void out_drain (nci_outstream *s)
{
  nci_outstream_drain(s) ;
  if (s->dropped)
  {
    char fmt[UINT64_FMT] ;
    fmt[uint64_fmt(fmt, s->dropped)] = 0 ;
    strerr_warnw3x("dropped ", fmt, " bytes of output: the output could not be written") ;
  }
}

static void init (char const *dir, char const *name, int prefix)
{
  std_fds() ;
  if (chdir(dir) < 0) strerr_diefu2sys(111, "chdir to ", dir) ;
  if (!getcwd(S.dir, sizeof S.dir)) strerr_diefu2sys(111, "get the absolute path of ", dir) ;
  if (!name)
  {
    char const *slash = strrchr(S.dir, '/') ;
    name = slash && slash[1] ? slash + 1 : S.dir ;
  }
  S.name = name ;
  S.readyfd = S.notifyfd = S.adoptfd = -1 ;
  sv_publish_init(&S) ;
  policy_read(&S.pol, S.dir) ;
  S.nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC) ;
  if (S.nullfd < 0) strerr_diefu1sys(111, "open /dev/null") ;
  control_init(&S) ;
  /* Type=forking daemons double-fork: as their subreaper, supervise still
     reaps them and sees the main process die. */
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) strerr_diefu1sys(111, "become a subreaper") ;
  sigfd = signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC) ;
  if (sigfd < 0) strerr_diefu1sys(111, "create the signalfd") ;
  if (!sig_altignore(SIGPIPE)) strerr_diefu1sys(111, "ignore SIGPIPE") ;
  if (prefix)
  {
    size_t n = strlen(S.name) ;
    if (n > sizeof prefixbuf - 2) n = sizeof prefixbuf - 2 ;
    memcpy(prefixbuf, S.name, n) ;
    prefixbuf[n] = ':' ; prefixbuf[n + 1] = ' ' ;
    prefixlen = n + 2 ;
  }
  if (!nci_outstream_init(&S.out, 1, fds[0], fds[1], prefixbuf, prefixlen)
   || !nci_outstream_init(&S.err, 2, fds[2], fds[3], prefixbuf, prefixlen))
    strerr_diefu1sys(111, "set up the output pipes") ;
  if (S.pol.readiness == READY_NOTIFY)
  {
    size_t n = strlen(S.dir) ;
    if (n + 8 > sizeof S.notify_path)
      strerr_dief3x(100, "the service directory path ", S.dir, " is too long for its notify socket") ;
    memcpy(S.notify_path, S.dir, n) ;
    memcpy(S.notify_path + n, "/notify", 8) ;
    S.notifyfd = notify_open(S.notify_path) ;
  }
  tain_now_set_stopwatch_g() ;
  tain_add_g(&S.deadline, &tain_infinite_relative) ;
  tain_wallclock_read(&S.st.stamp) ;
  S.st.readystamp = S.st.stamp ;
  if (access("down", F_OK) == 0) S.want = WANT_DOWN ;
  else if (errno != ENOENT) strerr_diefu3sys(111, "access ", S.dir, "/down") ;
  else S.want = WANT_UP ;
}

static tain group_at ;    /* when to look again for processes left of a stopped service */
static int group_timed ;

static void loop (void)
{
  while (!exit_now && !sv_gone(&S))
  {
    iopause_fd x[9] ;
    unsigned int n = 0, isig, ictl, inotify = 8, iready = 8, iout = 8, ierr = 8, wout = 8, werr = 8 ;
    int readyfd = S.readyfd ;
    unsigned int iadopt = 9 ;
    int r, prepare ;
    tain pub, prep ;
    int later = sv_publish_later(&S, &pub) ;
    if (!later) sv_publish(&S) ;
    x[isig = n++] = (iopause_fd){ .fd = sigfd, .events = IOPAUSE_READ } ;
    x[ictl = n++] = (iopause_fd){ .fd = S.controlfd, .events = IOPAUSE_READ } ;
    if (S.notifyfd >= 0) x[inotify = n++] = (iopause_fd){ .fd = S.notifyfd, .events = IOPAUSE_READ } ;
    if (S.adoptfd >= 0) x[iadopt = n++] = (iopause_fd){ .fd = S.adoptfd, .events = IOPAUSE_READ } ;
    if (readyfd >= 0) x[iready = n++] = (iopause_fd){ .fd = readyfd, .events = IOPAUSE_READ } ;
    if (nci_outstream_wants_read(&S.out)) x[iout = n++] = (iopause_fd){ .fd = S.out.rfd, .events = IOPAUSE_READ } ;
    if (nci_outstream_wants_read(&S.err)) x[ierr = n++] = (iopause_fd){ .fd = S.err.rfd, .events = IOPAUSE_READ } ;
    if (nci_outstream_wants_write(&S.out)) x[wout = n++] = (iopause_fd){ .fd = S.out.outfd, .events = IOPAUSE_WRITE } ;
    if (nci_outstream_wants_write(&S.err)) x[werr = n++] = (iopause_fd){ .fd = S.err.outfd, .events = IOPAUSE_WRITE } ;
    {
      /* the nearest of: the state machine's deadline, a group re-check, a deferred
         publish, the making of the next status files */
      tain d = S.deadline ;
      if (!sv_group_wait(&S)) group_timed = 0 ;
      else if (!group_timed)
      {
        tain soon ;
        tain_from_millisecs(&soon, GROUP_RECHECK_MS) ;
        tain_add_g(&group_at, &soon) ;
        group_timed = 1 ;
      }
      prepare = sv_prepare_later(&S, &prep) ;
      if (group_timed && tain_less(&group_at, &d)) d = group_at ;
      if (later && tain_less(&pub, &d)) d = pub ;
      if (prepare && tain_less(&prep, &d)) d = prep ;
      r = iopause_g(x, n, &d) ;
    }
    if (r < 0) strerr_diefu1sys(111, "iopause") ;
    if (r)
    {
      /* deaths first: a service that exec'ed and died at once is a failed start,
         not a ready one */
      if (x[isig].revents & IOPAUSE_READ) handle_signals() ;
      if (iadopt < n && x[iadopt].revents && S.adoptfd >= 0) on_adopted_exit() ;
      if (iready < n && x[iready].revents && S.readyfd == readyfd) on_ready_fd() ;
      if (inotify < n && x[inotify].revents) notify_read(&S, S.notifyfd) ;
      if (x[ictl].revents & IOPAUSE_READ) handle_control() ;
      if (iout < n && x[iout].revents) out_read(&S.out) ;
      if (ierr < n && x[ierr].revents) out_read(&S.err) ;
      if (wout < n && x[wout].revents) nci_outstream_write(&S.out) ;
      if (werr < n && x[werr].revents) nci_outstream_write(&S.err) ;
    }
    /* what is due is done whether or not the turn had events: a service that
       writes without a pause must not hold off the timeout of its own stop */
    if (!exit_now && !sv_gone(&S))
    {
      if (group_timed && !tain_future(&group_at)) { group_timed = 0 ; sv_event(&S, SE_GROUP_CHECK, 0) ; }
      if (later && !tain_future(&pub)) sv_publish(&S) ;
      if (prepare && !tain_future(&prep)) sv_prepare(&S) ;
      if (!tain_future(&S.deadline)) sv_event(&S, SE_TIMEOUT, 0) ;
    }
    /* a partial line is emitted once its writer is gone and the pipe is empty */
    if (S.out.flush && nci_outstream_wants_read(&S.out)) out_read(&S.out) ;
    if (S.err.flush && nci_outstream_wants_read(&S.err)) out_read(&S.err) ;
  }
}

int main (int argc, char const *const *argv)
{
  subgetopt l = SUBGETOPT_ZERO ;
  char const *name = 0 ;
  int reportfd = -1 ;
  int prefix = 1 ;
  int start_down = 0 ;
  PROG = "nci-supervise" ;
  sigemptyset(&sigs) ;
  sigaddset(&sigs, SIGCHLD) ;
  sigaddset(&sigs, SIGTERM) ;
  sigaddset(&sigs, SIGHUP) ;
  sigaddset(&sigs, SIGQUIT) ;
  sigaddset(&sigs, SIGINT) ;
  if (sigprocmask(SIG_BLOCK, &sigs, 0) < 0) strerr_diefu1sys(111, "block signals") ;
  for (;;)
  {
    int opt ;
    if (l.ind < argc && !strcmp(argv[l.ind], "--no-prefix")) { prefix = 0 ; l.ind++ ; continue ; }
    if (l.ind < argc && !strcmp(argv[l.ind], "--help")) { if (allwrite(1, "usage: " USAGE "\n", sizeof("usage: " USAGE "\n") - 1) < sizeof("usage: " USAGE "\n") - 1) return 111 ; return 0 ; }
    opt = subgetopt_r(argc, argv, "Pdn:r:f:", &l) ;
    if (opt == -1) break ;
    switch (opt)
    {
      case 'P' : prefix = 0 ; break ;
      case 'd' : start_down = 1 ; break ;
      case 'n' : name = l.arg ; break ;
      case 'r' :
      {
        unsigned int fd ;
        if (!uint0_scan(l.arg, &fd) || fd < 3) dieusage() ;
        reportfd = (int)fd ;
        break ;
      }
      case 'f' :
      {
        uint32_t v[4] ;
        size_t num = 0 ;
        if (!uint32_scanlist(v, 4, l.arg, &num) || num != 4) dieusage() ;
        for (unsigned int i = 0 ; i < 4 ; i++)
        {
          if (v[i] < 3 || fcntl((int)v[i], F_GETFD) < 0) strerr_dief2x(100, "invalid -f fds: ", l.arg) ;
          fds[i] = (int)v[i] ;
        }
        break ;
      }
      default : dieusage() ;
    }
  }
  argc -= l.ind ; argv += l.ind ;
  if (argc != 1) dieusage() ;
  S.reportfd = -1 ;
  init(argv[0], name, prefix) ;
  if (start_down) S.want = WANT_DOWN ;
  if (reportfd >= 0)
  {
    if (coe(reportfd) < 0) strerr_diefu1sys(111, "set close-on-exec on the report fd") ;
    S.reportfd = reportfd ;
  }
  if (adopt(&S)) sv_announce(&S, S.state == SV_UP ? "sU" : "s") ;
  /* under nci-init, a new nci-supervise replaces one that died: what had
     failed stays failed, as systemd keeps it (by hand, s6's way: it starts) */
  else if (S.reportfd >= 0 && failed_before(&S)) sv_announce(&S, "s") ;
  else
  {
    sv_announce(&S, "s") ;
    sv_begin(&S) ;
  }
  loop() ;
  sv_announce(&S, "x") ;
  sv_publish(&S) ;
  out_drain(&S.out) ;
  out_drain(&S.err) ;
  return 0 ;
}
