/* testsvc ACTION...: a service for the supervise and init tests. Runs its actions in order, then
   exits 0. The whole command line is checked before the first action runs: a bad one exits 100.
   An action that fails prints "testsvc: fatal: unable to ...: strerror" and exits 111.

     sleep MS                 sleep (resumed with the remaining time after a handled signal)
     exit N                   exit N now
     crash SIG                SIG back to default, unblocked, raised (no core file: RLIMIT_CORE 0);
                              if SIG's default action does not end the process, go on
     ignore SIG               SIG_IGN for SIG
     onsig SIG FILE exit N    on SIG, append "SIGNAME PID\n" to FILE, then _exit(N)
     onsig SIG FILE ignore    on SIG, append "SIGNAME PID\n" to FILE, then go on
     out TEXT / err TEXT      TEXT and a newline to stdout / stderr, one write
     partial TEXT             TEXT to stdout, no newline
     lines N LEN PREFIX       N lines numbered from 1: "PREFIX-000001-xxx...x\n", each exactly LEN
                              bytes before the newline (the number has at least 6 digits, as many as
                              N needs), one write per line
     big LEN                  one line of LEN bytes "abc...zabc..." and a newline
     pidfile FILE             own pid and a newline to FILE (through FILE.tmp and rename)
     stamp FILE WORD          append "WORD PID MONOTONIC_NS REALTIME_NS\n" to FILE, one write
     daemon PIDFILE           fork, setsid, fork: the grandchild writes its pid to PIDFILE (not if
                              PIDFILE is "-"), tells the first process through a pipe and goes on
                              with the next actions; the first process reaps the middle one and
                              exits 0 once told (111 if the grandchild died first)
     child FILE               fork a child that logs SIGTERM, SIGINT, SIGHUP, SIGUSR1 as
                              "SIGNAME PID" lines in FILE.sig (exiting 0 on SIGTERM and SIGINT),
                              writes its pid to FILE (through FILE.tmp) and pauses forever;
                              earlier ignore/onsig for other signals stay in force in it
     notify TEXT              TEXT as one datagram to $NOTIFY_SOCKET (a path, or abstract with a
                              leading '@'); the two characters \n in TEXT stand for a newline
     notify-fd N              "\n" to fd N, then close it
     touch FILE               create or truncate FILE
     wait-file FILE MS        wait (inotify on FILE's directory) until FILE exists; exit 1 after MS
     pause                    wait for signals forever
     env FILE                 the environment, sorted "K=V" lines, to FILE (through FILE.tmp)
     fds FILE                 the open fd numbers, one a line, to FILE (through FILE.tmp)

   At start every signal is unblocked and back to its default action, whatever the parent left. */

#include <sys/types.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <nci/signal.h>

extern char **environ ;

struct onsig_s
{
  char const *file ;
  int exitcode ;  /* -1: go on */
  char name[NCI_SIGNAL_NAME_MAX] ;
} ;

static struct onsig_s onsig_table[NSIG] ;

static void say (char const *a, char const *b, char const *c, char const *d, char const *e)
{
  char buf[4096] ;
  int n = snprintf(buf, sizeof(buf), "testsvc: %s%s%s%s%s\n", a, b, c, d, e) ;
  if (n < 0) return ;
  if ((size_t)n >= sizeof(buf)) { n = sizeof(buf) - 1 ; buf[n - 1] = '\n' ; }
  if (write(2, buf, (size_t)n) < 0) return ;
}

static void fatal_code (int code, char const *verb, char const *object)
{
  char const *reason = strerror(errno) ;
  char line[2048] ;
  snprintf(line, sizeof(line), "%s%s%s: %s", verb, object[0] ? " " : "", object, reason) ;
  say("fatal: unable to ", line, "", "", "") ;
  _exit(code) ;
}

static void usage (char const *action, char const *why)
{
  say("usage: ", action, ": ", why, "") ;
  _exit(100) ;
}

static size_t fmt_ulong (char *s, unsigned long long v)
{
  char tmp[24] ;
  size_t n = 0, i ;
  do { tmp[n++] = '0' + (char)(v % 10) ; v /= 10 ; } while (v) ;
  for (i = 0 ; i < n ; i++) s[i] = tmp[n - 1 - i] ;
  return n ;
}

static int write_all (int fd, char const *buf, size_t len)
{
  while (len)
  {
    ssize_t r = write(fd, buf, len) ;
    if (r < 0)
    {
      if (errno == EINTR) continue ;
      return -1 ;
    }
    buf += r ;
    len -= (size_t)r ;
  }
  return 0 ;
}

static char *xalloc (size_t n)
{
  char *p = malloc(n ? n : 1) ;
  if (!p) fatal_code(111, "allocate memory", "") ;
  return p ;
}

static char *suffixed (char const *s, char const *suffix)
{
  size_t a = strlen(s), b = strlen(suffix) ;
  char *p = xalloc(a + b + 1) ;
  memcpy(p, s, a) ;
  memcpy(p + a, suffix, b + 1) ;
  return p ;
}

static void file_atomic (char const *file, char const *buf, size_t len)
{
  char *tmp = suffixed(file, ".tmp") ;
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) ;
  if (fd < 0) fatal_code(111, "create", tmp) ;
  if (write_all(fd, buf, len) < 0) fatal_code(111, "write to", tmp) ;
  if (close(fd) < 0) fatal_code(111, "close", tmp) ;
  if (rename(tmp, file) < 0) fatal_code(111, "rename to", file) ;
  free(tmp) ;
}

static void write_pidfile (char const *file)
{
  char buf[24] ;
  size_t n = fmt_ulong(buf, (unsigned long long)getpid()) ;
  buf[n++] = '\n' ;
  file_atomic(file, buf, n) ;
}

static int scan_ull (char const *s, unsigned long long max, unsigned long long *v)
{
  char *end ;
  if (*s < '0' || *s > '9') return 0 ;
  errno = 0 ;
  *v = strtoull(s, &end, 10) ;
  return !errno && !*end && *v <= max ;
}

static unsigned long long number (char const *action, char const *s, unsigned long long max)
{
  unsigned long long v ;
  if (!scan_ull(s, max, &v))
  {
    char why[64] ;
    snprintf(why, sizeof(why), "not a number from 0 to %llu: ", max) ;
    say("usage: ", action, ": ", why, s) ;
    _exit(100) ;
  }
  return v ;
}

static int signal_arg (char const *action, char const *s)
{
  int sig ;
  if (!nci_signal_parse(s, &sig)) { say("usage: ", action, ": unknown signal: ", s, "") ; _exit(100) ; }
  return sig ;
}

/* Async-signal-safe: open, write, close, getpid, _exit only. */
static void onsig_handler (int sig)
{
  int e = errno ;
  struct onsig_s const *o = &onsig_table[sig] ;
  char buf[NCI_SIGNAL_NAME_MAX + 24] ;
  size_t n = 0 ;
  int fd ;
  while (o->name[n]) { buf[n] = o->name[n] ; n++ ; }
  buf[n++] = ' ' ;
  n += fmt_ulong(buf + n, (unsigned long long)getpid()) ;
  buf[n++] = '\n' ;
  fd = open(o->file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644) ;
  if (fd >= 0)
  {
    if (write(fd, buf, n) < 0) { /* nowhere to say it */ }
    close(fd) ;
  }
  if (o->exitcode >= 0) _exit(o->exitcode) ;
  errno = e ;
}

static void set_disposition (int sig, void (*h)(int), char const *what)
{
  struct sigaction sa ;
  memset(&sa, 0, sizeof(sa)) ;
  sa.sa_handler = h ;
  sa.sa_flags = h == &onsig_handler ? SA_RESTART : 0 ;
  sigfillset(&sa.sa_mask) ;
  if (sigaction(sig, &sa, 0) < 0) fatal_code(111, what, onsig_table[sig].name) ;
}

static void set_onsig (int sig, char const *file, int exitcode)
{
  sigset_t set, old ;
  sigemptyset(&set) ;
  sigaddset(&set, sig) ;
  sigprocmask(SIG_BLOCK, &set, &old) ;
  onsig_table[sig].file = file ;
  onsig_table[sig].exitcode = exitcode ;
  nci_signal_name(sig, onsig_table[sig].name) ;
  set_disposition(sig, &onsig_handler, "catch") ;
  sigprocmask(SIG_SETMASK, &old, 0) ;
}

static void reset_signals (void)
{
  struct sigaction sa ;
  sigset_t none ;
  memset(&sa, 0, sizeof(sa)) ;
  sa.sa_handler = SIG_DFL ;
  sigemptyset(&sa.sa_mask) ;
  /* KILL, STOP and the libc's reserved signals refuse: nothing to reset there */
  for (int sig = 1 ; sig < NSIG ; sig++) sigaction(sig, &sa, 0) ;
  sigemptyset(&none) ;
  sigprocmask(SIG_SETMASK, &none, 0) ;
}

static void pause_forever (void)
{
  sigset_t none ;
  sigemptyset(&none) ;
  for (;;) sigsuspend(&none) ;
}

static void do_sleep (unsigned long long ms)
{
  struct timespec ts = { .tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000L }, rem ;
  while (nanosleep(&ts, &rem) < 0)
  {
    if (errno != EINTR) fatal_code(111, "sleep", "") ;
    ts = rem ;
  }
}

static void do_crash (int sig)
{
  struct rlimit rl ;
  sigset_t set ;
  if (getrlimit(RLIMIT_CORE, &rl) == 0 && rl.rlim_cur)
  {
    rl.rlim_cur = 0 ;
    setrlimit(RLIMIT_CORE, &rl) ;
  }
  nci_signal_name(sig, onsig_table[sig].name) ;
  onsig_table[sig].file = 0 ;
  if (sig != SIGKILL && sig != SIGSTOP) set_disposition(sig, SIG_DFL, "reset") ;
  sigemptyset(&set) ;
  sigaddset(&set, sig) ;
  sigprocmask(SIG_UNBLOCK, &set, 0) ;
  raise(sig) ;
}

static void do_ignore (int sig)
{
  nci_signal_name(sig, onsig_table[sig].name) ;
  onsig_table[sig].file = 0 ;
  set_disposition(sig, SIG_IGN, "ignore") ;
}

static void do_write (int fd, char const *text, int newline, char const *where)
{
  size_t n = strlen(text) ;
  char *buf = xalloc(n + 1) ;
  memcpy(buf, text, n) ;
  if (newline) buf[n++] = '\n' ;
  if (write_all(fd, buf, n) < 0) fatal_code(111, "write to", where) ;
  free(buf) ;
}

static size_t digits (unsigned long long v)
{
  size_t n = 1 ;
  while (v >= 10) { v /= 10 ; n++ ; }
  return n ;
}

static size_t lines_width (unsigned long long count)
{
  size_t w = digits(count) ;
  return w < 6 ? 6 : w ;
}

static void do_lines (unsigned long long count, size_t len, char const *prefix)
{
  size_t plen = strlen(prefix), w = lines_width(count) ;
  char *buf = xalloc(len + 1) ;
  memcpy(buf, prefix, plen) ;
  buf[plen] = '-' ;
  buf[plen + 1 + w] = '-' ;
  memset(buf + plen + w + 2, 'x', len - plen - w - 2) ;
  buf[len] = '\n' ;
  for (unsigned long long i = 1 ; i <= count ; i++)
  {
    unsigned long long v = i ;
    for (size_t j = w ; j ; j--) { buf[plen + j] = '0' + (char)(v % 10) ; v /= 10 ; }
    if (write_all(1, buf, len + 1) < 0) fatal_code(111, "write to", "stdout") ;
  }
  free(buf) ;
}

static void do_big (size_t len)
{
  char *buf = xalloc(len + 1) ;
  for (size_t i = 0 ; i < len ; i++) buf[i] = 'a' + (char)(i % 26) ;
  buf[len] = '\n' ;
  if (write_all(1, buf, len + 1) < 0) fatal_code(111, "write to", "stdout") ;
  free(buf) ;
}

static void do_stamp (char const *file, char const *word)
{
  struct timespec mono, real ;
  size_t wlen = strlen(word), n ;
  char *buf = xalloc(wlen + 64) ;
  int fd ;
  if (clock_gettime(CLOCK_MONOTONIC, &mono) < 0 || clock_gettime(CLOCK_REALTIME, &real) < 0)
    fatal_code(111, "read the clock", "") ;
  memcpy(buf, word, wlen) ;
  n = wlen ;
  buf[n++] = ' ' ;
  n += fmt_ulong(buf + n, (unsigned long long)getpid()) ;
  buf[n++] = ' ' ;
  n += fmt_ulong(buf + n, (unsigned long long)mono.tv_sec * 1000000000ULL + (unsigned long long)mono.tv_nsec) ;
  buf[n++] = ' ' ;
  n += fmt_ulong(buf + n, (unsigned long long)real.tv_sec * 1000000000ULL + (unsigned long long)real.tv_nsec) ;
  buf[n++] = '\n' ;
  fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644) ;
  if (fd < 0) fatal_code(111, "open", file) ;
  if (write(fd, buf, n) != (ssize_t)n) fatal_code(111, "append to", file) ;
  if (close(fd) < 0) fatal_code(111, "close", file) ;
  free(buf) ;
}

static void do_daemon (char const *pidfile)
{
  int p[2] ;
  pid_t pid ;
  if (pipe2(p, O_CLOEXEC) < 0) fatal_code(111, "create a pipe", "") ;
  pid = fork() ;
  if (pid < 0) fatal_code(111, "fork", "") ;
  if (pid)
  {
    char c ;
    ssize_t r ;
    close(p[1]) ;
    do r = read(p[0], &c, 1) ; while (r < 0 && errno == EINTR) ;
    if (r < 0) fatal_code(111, "read from", "the daemon's pipe") ;
    if (!r) { errno = EPIPE ; fatal_code(111, "start", "the daemon") ; }
    while (waitpid(pid, 0, 0) < 0 && errno == EINTR) ;
    _exit(0) ;
  }
  close(p[0]) ;
  if (setsid() < 0) fatal_code(111, "create a session", "") ;
  pid = fork() ;
  if (pid < 0) fatal_code(111, "fork", "") ;
  if (pid) _exit(0) ;
  if (strcmp(pidfile, "-")) write_pidfile(pidfile) ;
  if (write_all(p[1], "", 1) < 0) fatal_code(111, "write to", "the parent's pipe") ;
  close(p[1]) ;
}

static void do_child (char const *file)
{
  static int const sigs[4] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1 } ;
  char *sigfile ;
  pid_t pid = fork() ;
  if (pid < 0) fatal_code(111, "fork", "") ;
  if (pid) return ;
  sigfile = suffixed(file, ".sig") ;
  for (size_t i = 0 ; i < 4 ; i++)
    set_onsig(sigs[i], sigfile, sigs[i] == SIGTERM || sigs[i] == SIGINT ? 0 : -1) ;
  write_pidfile(file) ;
  pause_forever() ;
}

static void do_notify (char const *text)
{
  char const *path = getenv("NOTIFY_SOCKET") ;
  struct sockaddr_un sa ;
  socklen_t salen ;
  size_t plen, n = 0 ;
  char *buf ;
  int fd ;
  if (!path || !path[0]) { say("fatal: unable to notify: ", "NOTIFY_SOCKET is not set", "", "", "") ; _exit(111) ; }
  plen = strlen(path) ;
  memset(&sa, 0, sizeof(sa)) ;
  sa.sun_family = AF_UNIX ;
  if (path[0] == '@')
  {
    if (plen > sizeof(sa.sun_path)) { errno = ENAMETOOLONG ; fatal_code(111, "use socket", path) ; }
    memcpy(sa.sun_path + 1, path + 1, plen - 1) ;
    salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen) ;
  }
  else
  {
    if (plen >= sizeof(sa.sun_path)) { errno = ENAMETOOLONG ; fatal_code(111, "use socket", path) ; }
    memcpy(sa.sun_path, path, plen + 1) ;
    salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen + 1) ;
  }
  buf = xalloc(strlen(text)) ;
  for (char const *s = text ; *s ; s++)
  {
    if (s[0] == '\\' && s[1] == 'n') { buf[n++] = '\n' ; s++ ; }
    else buf[n++] = *s ;
  }
  fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0) ;
  if (fd < 0) fatal_code(111, "create a socket", "") ;
  while (sendto(fd, buf, n, MSG_NOSIGNAL, (struct sockaddr *)&sa, salen) < 0)
    if (errno != EINTR) fatal_code(111, "send to", path) ;
  close(fd) ;
  free(buf) ;
}

static void do_notify_fd (int fd)
{
  if (write_all(fd, "\n", 1) < 0) fatal_code(111, "write to", "the notification fd") ;
  if (close(fd) < 0) fatal_code(111, "close", "the notification fd") ;
}

static void do_touch (char const *file)
{
  int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) ;
  if (fd < 0) fatal_code(111, "create", file) ;
  if (close(fd) < 0) fatal_code(111, "close", file) ;
}

static long long now_ms (void)
{
  struct timespec ts ;
  clock_gettime(CLOCK_MONOTONIC, &ts) ;
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 ;
}

static void do_wait_file (char const *file, unsigned long long ms)
{
  char const *slash = strrchr(file, '/') ;
  char *dir ;
  long long deadline = now_ms() + (long long)ms ;
  struct stat st ;
  int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK) ;
  if (fd < 0) fatal_code(111, "create", "an inotify instance") ;
  if (!slash) dir = suffixed(".", "") ;
  else if (slash == file) dir = suffixed("/", "") ;
  else
  {
    dir = xalloc((size_t)(slash - file) + 1) ;
    memcpy(dir, file, (size_t)(slash - file)) ;
    dir[slash - file] = 0 ;
  }
  if (inotify_add_watch(fd, dir, IN_CREATE | IN_MOVED_TO) < 0) fatal_code(111, "watch", dir) ;
  for (;;)
  {
    struct pollfd pfd = { .fd = fd, .events = POLLIN, .revents = 0 } ;
    long long left ;
    if (lstat(file, &st) == 0) break ;
    if (errno != ENOENT) fatal_code(111, "stat", file) ;
    left = deadline - now_ms() ;
    if (left <= 0) { errno = ETIMEDOUT ; fatal_code(1, "wait for", file) ; }
    if (poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left) < 0)
    {
      if (errno == EINTR) continue ;
      fatal_code(111, "poll", "") ;
    }
    if (pfd.revents)
    {
      char events[4096] ;
      while (read(fd, events, sizeof(events)) > 0) ;
    }
  }
  close(fd) ;
  free(dir) ;
}

static int str_cmp (void const *a, void const *b)
{
  return strcmp(*(char const *const *)a, *(char const *const *)b) ;
}

static void do_env (char const *file)
{
  size_t n = 0, len = 0 ;
  char **env ;
  char *buf ;
  while (environ[n]) len += strlen(environ[n++]) + 1 ;
  env = (char **)xalloc((n + 1) * sizeof(char *)) ;
  memcpy(env, environ, n * sizeof(char *)) ;
  qsort(env, n, sizeof(char *), &str_cmp) ;
  buf = xalloc(len) ;
  len = 0 ;
  for (size_t i = 0 ; i < n ; i++)
  {
    size_t l = strlen(env[i]) ;
    memcpy(buf + len, env[i], l) ;
    len += l ;
    buf[len++] = '\n' ;
  }
  file_atomic(file, buf, len) ;
  free(buf) ;
  free(env) ;
}

static int int_cmp (void const *a, void const *b)
{
  int x = *(int const *)a, y = *(int const *)b ;
  return (x > y) - (x < y) ;
}

static void do_fds (char const *file)
{
  int fds[4096] ;
  size_t n = 0, len = 0 ;
  char *buf ;
  struct dirent *d ;
  DIR *dir = opendir("/proc/self/fd") ;
  if (!dir) fatal_code(111, "open", "/proc/self/fd") ;
  for (;;)
  {
    errno = 0 ;
    d = readdir(dir) ;
    if (!d) break ;
    if (d->d_name[0] < '0' || d->d_name[0] > '9') continue ;
    if (atoi(d->d_name) == dirfd(dir)) continue ;
    if (n == sizeof(fds) / sizeof(fds[0])) { errno = EMFILE ; fatal_code(111, "list", "more than 4096 fds") ; }
    fds[n++] = atoi(d->d_name) ;
  }
  if (errno) fatal_code(111, "read", "/proc/self/fd") ;
  closedir(dir) ;
  qsort(fds, n, sizeof(int), &int_cmp) ;
  buf = xalloc(n * 12) ;
  for (size_t i = 0 ; i < n ; i++)
  {
    len += fmt_ulong(buf + len, (unsigned long long)fds[i]) ;
    buf[len++] = '\n' ;
  }
  file_atomic(file, buf, len) ;
  free(buf) ;
}

/* Checks (run == 0) or runs one action at argv[i]; returns how many words it took. */
static int step (int argc, char **argv, int i, int run)
{
  char const *a = argv[i] ;
  int left = argc - i - 1 ;
#define NEED(n) do { if (left < (n)) usage(a, "missing argument") ; } while (0)
  if (!strcmp(a, "sleep"))
  {
    NEED(1) ;
    unsigned long long ms = number(a, argv[i + 1], 1000ULL * INT_MAX) ;
    if (run) do_sleep(ms) ;
    return 2 ;
  }
  if (!strcmp(a, "exit"))
  {
    NEED(1) ;
    int code = (int)number(a, argv[i + 1], 255) ;
    if (run) exit(code) ;
    return 2 ;
  }
  if (!strcmp(a, "crash") || !strcmp(a, "ignore"))
  {
    NEED(1) ;
    int sig = signal_arg(a, argv[i + 1]) ;
    if (a[0] == 'i' && (sig == SIGKILL || sig == SIGSTOP)) usage(a, "SIGKILL and SIGSTOP cannot be ignored") ;
    if (run)
    {
      if (a[0] == 'c') do_crash(sig) ;
      else do_ignore(sig) ;
    }
    return 2 ;
  }
  if (!strcmp(a, "onsig"))
  {
    NEED(3) ;
    int sig = signal_arg(a, argv[i + 1]) ;
    int code = -1 ;
    if (sig == SIGKILL || sig == SIGSTOP) usage(a, "SIGKILL and SIGSTOP cannot be caught") ;
    if (!strcmp(argv[i + 3], "exit"))
    {
      NEED(4) ;
      code = (int)number(a, argv[i + 4], 255) ;
    }
    else if (strcmp(argv[i + 3], "ignore")) usage(a, "expected \"exit N\" or \"ignore\" after the file") ;
    if (run) set_onsig(sig, argv[i + 2], code) ;
    return code < 0 ? 4 : 5 ;
  }
  if (!strcmp(a, "out") || !strcmp(a, "err") || !strcmp(a, "partial"))
  {
    NEED(1) ;
    if (run)
    {
      if (a[0] == 'e') do_write(2, argv[i + 1], 1, "stderr") ;
      else do_write(1, argv[i + 1], a[0] == 'o', "stdout") ;
    }
    return 2 ;
  }
  if (!strcmp(a, "lines"))
  {
    NEED(3) ;
    unsigned long long count = number(a, argv[i + 1], ULLONG_MAX) ;
    size_t len = (size_t)number(a, argv[i + 2], SIZE_MAX / 2) ;
    if (len < strlen(argv[i + 3]) + lines_width(count) + 2)
      usage(a, "LEN is shorter than PREFIX, the line number and two dashes") ;
    if (run) do_lines(count, len, argv[i + 3]) ;
    return 4 ;
  }
  if (!strcmp(a, "big"))
  {
    NEED(1) ;
    size_t len = (size_t)number(a, argv[i + 1], SIZE_MAX / 2) ;
    if (run) do_big(len) ;
    return 2 ;
  }
  if (!strcmp(a, "pidfile") || !strcmp(a, "daemon") || !strcmp(a, "child") || !strcmp(a, "touch")
   || !strcmp(a, "env") || !strcmp(a, "fds"))
  {
    NEED(1) ;
    if (run)
    {
      if (!strcmp(a, "pidfile")) write_pidfile(argv[i + 1]) ;
      else if (!strcmp(a, "daemon")) do_daemon(argv[i + 1]) ;
      else if (!strcmp(a, "child")) do_child(argv[i + 1]) ;
      else if (!strcmp(a, "touch")) do_touch(argv[i + 1]) ;
      else if (!strcmp(a, "env")) do_env(argv[i + 1]) ;
      else do_fds(argv[i + 1]) ;
    }
    return 2 ;
  }
  if (!strcmp(a, "stamp"))
  {
    NEED(2) ;
    if (run) do_stamp(argv[i + 1], argv[i + 2]) ;
    return 3 ;
  }
  if (!strcmp(a, "notify"))
  {
    NEED(1) ;
    if (run) do_notify(argv[i + 1]) ;
    return 2 ;
  }
  if (!strcmp(a, "notify-fd"))
  {
    NEED(1) ;
    int fd = (int)number(a, argv[i + 1], INT_MAX) ;
    if (run) do_notify_fd(fd) ;
    return 2 ;
  }
  if (!strcmp(a, "wait-file"))
  {
    NEED(2) ;
    unsigned long long ms = number(a, argv[i + 2], 1000ULL * INT_MAX) ;
    if (run) do_wait_file(argv[i + 1], ms) ;
    return 3 ;
  }
  if (!strcmp(a, "pause"))
  {
    if (run) pause_forever() ;
    return 1 ;
  }
#undef NEED
  usage(a, "unknown action") ;
  return 0 ;
}

int main (int argc, char **argv)
{
  for (int i = 1 ; i < argc ; i += step(argc, argv, i, 0)) ;
  reset_signals() ;
  for (int i = 1 ; i < argc ; i += step(argc, argv, i, 1)) ;
  return 0 ;
}
