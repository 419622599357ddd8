/* Writes the compiled service tree: index, report, and units/NAME/ for each unit that
   starts, all plain files (format in doc/tree.md). The caller makes it atomic.
   Creating thousands of small files is most of nci-convert's time: the units'
   directories are written on several threads (each its own directories), and
   every file takes only open, write and close. */

#include <errno.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <nci/defaults.h>
#include <nci/signal.h>
#include <nci/timespan.h>
#include "convert.h"

/* nci-convert's main sets the umask to 022: mode is the file's mode, no fchmod needed. */
static int put (int dirfd, char const *name, char const *data, size_t len, mode_t mode)
{
  int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode) ;
  if (fd < 0) return 0 ;
  while (len)
  {
    ssize_t w = write(fd, data, len) ;
    if (w < 0)
    {
      int e = errno ;
      if (e == EINTR) continue ;
      close(fd) ;
      errno = e ;
      return 0 ;
    }
    data += w ;
    len -= (size_t)w ;
  }
  return close(fd) == 0 ;
}

static int puts_line (int dirfd, char const *name, char const *value)
{
  char buf[512] ;
  size_t l = strlen(value) ;
  if (l + 1 > sizeof(buf)) return put(dirfd, name, value, l, 0644) ;
  memcpy(buf, value, l) ;
  buf[l] = '\n' ;
  return put(dirfd, name, buf, l + 1, 0644) ;
}

/* Time spans in milliseconds, rounded up; 0 means none or infinity, as in systemd
   and s6's timeout-kill. */
static int put_ms (int dirfd, char const *name, uint64_t usec, uint64_t dflt)
{
  char buf[UINT64_FMT + 1] ;
  uint64_t ms = usec == NCI_TIMESPAN_INFINITY ? 0 : (usec + 999) / 1000 ;
  if (ms == dflt) return 1 ;
  buf[uint64_fmt(buf, ms)] = 0 ;
  return puts_line(dirfd, name, buf) ;
}

/* A policy file is written only when it differs from the default it stands for. */
static int put_policy (int dirfd, char const *name, char const *value, char const *dflt)
{
  return !strcmp(value, dflt) || puts_line(dirfd, name, value) ;
}

/* put_list and put_script build the file in sa, a buffer the unit's files share. */
static int put_list (int dirfd, char const *name, strlist const *l, stralloc *sa)
{
  if (!l->n) return 1 ;
  sa->len = 0 ;
  for (size_t i = 0 ; i < l->n ; i++)
    if (!stralloc_cats(sa, l->s[i]) || !stralloc_catb(sa, "\n", 1)) return 0 ;
  return put(dirfd, name, sa->s, sa->len, 0644) ;
}

static int put_script (int dirfd, char const *name, unit const *u, enum exec_key const *keys, unsigned int n, int exec_last, paths const *p, stralloc *sa)
{
  size_t total = 0 ;
  for (unsigned int k = 0 ; k < n ; k++) total += u->exec[keys[k]].n ;
  if (!total) return 1 ;
  sa->len = 0 ;
  script_write(sa, u, keys, n, exec_last, p) ;
  return put(dirfd, name, sa->s, sa->len, 0755) ;
}

static int write_env (int dirfd, unit const *u)
{
  int fd ;
  if (mkdirat(dirfd, "env", 0755) < 0) return 0 ;
  fd = openat(dirfd, "env", O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (fd < 0) return 0 ;
  for (size_t i = 0 ; i < u->env.n ; i++)
  {
    char const *eq = strchr(u->env.s[i], '=') ;
    char name[256] ;
    size_t nl = (size_t)(eq - u->env.s[i]) ;
    int later = 0 ;
    if (nl >= sizeof(name)) { close(fd) ; return (errno = ENAMETOOLONG, 0) ; }
    memcpy(name, u->env.s[i], nl) ;
    name[nl] = 0 ;
    /* The last assignment of a name wins, as in systemd. */
    for (size_t j = i + 1 ; j < u->env.n ; j++)
      if (!strncmp(u->env.s[j], name, nl) && u->env.s[j][nl] == '=') later = 1 ;
    if (later) continue ;
    if (!put(fd, name, eq + 1, strlen(eq + 1), 0644)) { int e = errno ; close(fd) ; errno = e ; return 0 ; }
  }
  return close(fd) == 0 ;
}

static int write_unit (int unitsfd, tree const *t, size_t i, paths const *p)
{
  static enum exec_key const run_keys[] = { EXEC_START_PRE, EXEC_START } ;
  static enum exec_key const up_keys[] = { EXEC_START_PRE, EXEC_START, EXEC_START_POST } ;
  static enum exec_key const post_keys[] = { EXEC_START_POST } ;
  static enum exec_key const stop_keys[] = { EXEC_STOP } ;
  static enum exec_key const reload_keys[] = { EXEC_RELOAD } ;
  static enum exec_key const finish_keys[] = { EXEC_STOP_POST } ;
  static char const *const readiness[] = { "simple", "exec", "notify", "forking", "oneshot" } ;
  unit const *u = &t->units[i] ;
  int oneshot = u->type == TYPE_ONESHOT ;
  char sig[NCI_SIGNAL_NAME_MAX] ;
  char buf[UINT64_FMT + 1] ;
  stralloc sa = STRALLOC_ZERO ;
  int fd, ok ;
  if (mkdirat(unitsfd, u->name, 0755) < 0) return 0 ;
  fd = openat(unitsfd, u->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (fd < 0) return 0 ;
  nci_signal_name(u->kill_signal, sig) ;
  buf[uint64_fmt(buf, u->start_limit_burst)] = 0 ;
  ok = puts_line(fd, "type", oneshot ? "oneshot" : "longrun")
    && (!u->description[0] || puts_line(fd, "description", u->description))
    && (oneshot
        ? put_script(fd, "up", u, up_keys, 3, 0, p, &sa)
          && put_script(fd, "down", u, stop_keys, 1, 0, p, &sa)
          && put_policy(fd, "remain-after-exit", u->remain_after_exit ? "yes" : "no", NCI_DEFAULT_REMAIN_AFTER_EXIT)
        : put_script(fd, "run", u, run_keys, 2, 1, p, &sa)
          && put_script(fd, "start-post", u, post_keys, 1, 0, p, &sa)
          && put_script(fd, "stop", u, stop_keys, 1, 0, p, &sa)
          && put_script(fd, "reload", u, reload_keys, 1, 0, p, &sa)
          && put_policy(fd, "readiness", readiness[u->type], NCI_DEFAULT_READINESS)
          && (!u->pid_file || puts_line(fd, "pid-file", u->pid_file))
          && (!(u->exec[EXEC_START].c[0].flags & NCI_CMD_IGNORE_FAILURE) || puts_line(fd, "ignore-failure", "yes")))
    && put_script(fd, "finish", u, finish_keys, 1, 0, p, &sa)
    && put_policy(fd, "restart", u->restart, NCI_DEFAULT_RESTART)
    && put_ms(fd, "restart-sec", u->restart_usec, NCI_DEFAULT_RESTART_MS)
    && (u->start_limit_burst == NCI_DEFAULT_START_LIMIT_BURST || puts_line(fd, "start-limit-burst", buf))
    && put_ms(fd, "start-limit-interval", u->start_limit_interval_usec, NCI_DEFAULT_START_LIMIT_INTERVAL_MS)
    && put_ms(fd, "timeout-start", u->timeout_start_usec, oneshot ? NCI_DEFAULT_TIMEOUT_START_ONESHOT_MS : NCI_DEFAULT_TIMEOUT_START_MS)
    && put_ms(fd, "timeout-kill", u->timeout_stop_usec, NCI_DEFAULT_TIMEOUT_KILL_MS)
    && put_policy(fd, "down-signal", sig, NCI_DEFAULT_DOWN_SIGNAL)
    && put_policy(fd, "kill-mode", u->kill_mode, NCI_DEFAULT_KILL_MODE)
    && put_list(fd, "success-exit-status", &u->success_exit_status, &sa)
    && put_policy(fd, "failure-action", u->failure_action, NCI_DEFAULT_ACTION)
    && put_policy(fd, "success-action", u->success_action, NCI_DEFAULT_ACTION)
    && put_list(fd, "after", &t->after[i], &sa)
    && put_list(fd, "requires", &t->requires[i], &sa)
    && put_list(fd, "binds-to", &t->binds_to[i], &sa)
    && put_list(fd, "part-of", &t->part_of[i], &sa)
    && (!t->demand[i] || puts_line(fd, "on-demand", "yes"))
    && (!t->demand[i] || oneshot || put(fd, "down", "", 0, 0644))
    && write_env(fd, u) ;
  {
    int e = errno ;
    stralloc_free(&sa) ;
    if (!ok) { close(fd) ; errno = e ; return 0 ; }
  }
  return close(fd) == 0 ;
}

/* A list of time spans, in milliseconds rounded up. */
static int put_spans (int dirfd, char const *name, strlist const *l, stralloc *sa)
{
  if (!l->n) return 1 ;
  sa->len = 0 ;
  for (size_t i = 0 ; i < l->n ; i++)
  {
    char buf[UINT64_FMT + 1] ;
    uint64_t usec = strtoull(l->s[i], 0, 10) ;
    buf[uint64_fmt(buf, (usec + 999) / 1000)] = 0 ;
    if (!stralloc_cats(sa, buf) || !stralloc_catb(sa, "\n", 1)) return 0 ;
  }
  return put(dirfd, name, sa->s, sa->len, 0644) ;
}

static int write_timer (int unitsfd, unit const *u)
{
  static char const *const span_files[TIMER_SPAN_N] = { "on-active", "on-boot", "on-startup", "on-unit-active", "on-unit-inactive" } ;
  timer_config const *tc = &u->timer ;
  stralloc sa = STRALLOC_ZERO ;
  int fd, ok ;
  if (mkdirat(unitsfd, u->name, 0755) < 0) return 0 ;
  fd = openat(unitsfd, u->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (fd < 0) return 0 ;
  ok = puts_line(fd, "type", "timer")
    && (!u->description[0] || puts_line(fd, "description", u->description))
    && puts_line(fd, "unit", tc->service)
    /* armed once its unit has settled (a longrun kept down has its nci-supervise):
       an elapse during the boot then finds it ready to start */
    && puts_line(fd, "after", tc->service)
    && put_list(fd, "on-calendar", &tc->on_calendar, &sa) ;
  for (unsigned int k = 0 ; ok && k < TIMER_SPAN_N ; k++) ok = put_spans(fd, span_files[k], &tc->spans[k], &sa) ;
  ok = ok
    && (!tc->persistent || puts_line(fd, "persistent", "yes"))
    && put_ms(fd, "randomized-delay", tc->randomized_delay_usec, 0)
    && (!tc->fixed_random_delay || puts_line(fd, "fixed-random-delay", "yes"))
    && (tc->at_boot || puts_line(fd, "on-demand", "yes")) ;
  {
    int e = errno ;
    stralloc_free(&sa) ;
    if (!ok) { close(fd) ; errno = e ; return 0 ; }
  }
  return close(fd) == 0 ;
}

typedef struct write_job_s write_job ;
struct write_job_s
{
  tree const *t ;
  paths const *p ;
  int unitsfd ;
  int *err ;             /* by boot order: errno of a unit that could not be written */
  atomic_int failed ;
} ;

static void write_one (void *ctx, size_t k)
{
  write_job *w = ctx ;
  if (atomic_load(&w->failed)) return ;
  if (!write_unit(w->unitsfd, w->t, w->t->order[k], w->p))
  {
    w->err[k] = errno ;
    atomic_store(&w->failed, 1) ;
  }
}

/* Returns 1, or 0 with errno: the error of the first unit in boot order that failed. */
static int write_units (int unitsfd, tree const *t, paths const *p)
{
  write_job w = { .t = t, .p = p, .unitsfd = unitsfd } ;
  int e = 0 ;
  w.err = xmalloc((t->norder + 1) * sizeof(int)) ;
  memset(w.err, 0, (t->norder + 1) * sizeof(int)) ;
  atomic_init(&w.failed, 0) ;
  parallel_for(t->norder, &write_one, &w) ;
  for (size_t k = 0 ; !e && k < t->norder ; k++) e = w.err[k] ;
  free(w.err) ;
  errno = e ;
  return !e ;
}

int tree_write (char const *dir, tree const *t, paths const *p, char const *report)
{
  stralloc index = STRALLOC_ZERO ;
  int dfd, ufd, ok = 1 ;
  dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (dfd < 0) return 0 ;
  if (mkdirat(dfd, "units", 0755) < 0) { int e = errno ; close(dfd) ; errno = e ; return 0 ; }
  ufd = openat(dfd, "units", O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (ufd < 0) { int e = errno ; close(dfd) ; errno = e ; return 0 ; }
  for (size_t k = 0 ; ok && k < t->norder ; k++)
  {
    unit const *u = &t->units[t->order[k]] ;
    ok = stralloc_cats(&index, u->name) && stralloc_cats(&index, u->type == TYPE_ONESHOT ? " oneshot\n" : " longrun\n") ;
  }
  /* the timers last: nothing is ordered after them */
  for (size_t k = 0 ; ok && k < t->ntimers ; k++)
  {
    unit const *u = &t->timers[k] ;
    if (!u->enabled || !u->timer.service) continue ;
    ok = stralloc_cats(&index, u->name) && stralloc_cats(&index, " timer\n") && write_timer(ufd, u) ;
  }
  ok = ok && write_units(ufd, t, p)
    && put(dfd, "index", index.s ? index.s : "", index.len, 0644)
    && put(dfd, "report", report, strlen(report), 0644) ;
  {
    int e = errno ;
    stralloc_free(&index) ;
    close(ufd) ;
    close(dfd) ;
    errno = e ;
  }
  return ok ;
}
