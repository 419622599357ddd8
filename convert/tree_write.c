/* Writes the compiled service tree: index, report, and units/NAME/ for each unit that
   starts, all plain files (format in doc/tree.md). The caller makes it atomic. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <nci/defaults.h>
#include <nci/signal.h>
#include <nci/timespan.h>
#include "convert.h"

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
  if (mode & 0111 && fchmod(fd, mode) < 0) { int e = errno ; close(fd) ; errno = e ; return 0 ; }
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

static int put_list (int dirfd, char const *name, strlist const *l)
{
  stralloc sa = STRALLOC_ZERO ;
  int r ;
  if (!l->n) return 1 ;
  for (size_t i = 0 ; i < l->n ; i++)
    if (!stralloc_cats(&sa, l->s[i]) || !stralloc_catb(&sa, "\n", 1)) { stralloc_free(&sa) ; return 0 ; }
  r = put(dirfd, name, sa.s, sa.len, 0644) ;
  stralloc_free(&sa) ;
  return r ;
}

static int put_script (int dirfd, char const *name, unit const *u, enum exec_key const *keys, unsigned int n, int exec_last, paths const *p)
{
  stralloc sa = STRALLOC_ZERO ;
  size_t total = 0 ;
  int r ;
  for (unsigned int k = 0 ; k < n ; k++) total += u->exec[keys[k]].n ;
  if (!total) return 1 ;
  script_write(&sa, u, keys, n, exec_last, p) ;
  r = put(dirfd, name, sa.s, sa.len, 0755) ;
  stralloc_free(&sa) ;
  return r ;
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
  int fd, ok ;
  if (mkdirat(unitsfd, u->name, 0755) < 0) return 0 ;
  fd = openat(unitsfd, u->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (fd < 0) return 0 ;
  nci_signal_name(u->kill_signal, sig) ;
  buf[uint64_fmt(buf, u->start_limit_burst)] = 0 ;
  ok = puts_line(fd, "type", oneshot ? "oneshot" : "longrun")
    && (!u->description[0] || puts_line(fd, "description", u->description))
    && (oneshot
        ? put_script(fd, "up", u, up_keys, 3, 0, p)
          && put_script(fd, "down", u, stop_keys, 1, 0, p)
          && put_policy(fd, "remain-after-exit", u->remain_after_exit ? "yes" : "no", NCI_DEFAULT_REMAIN_AFTER_EXIT)
        : put_script(fd, "run", u, run_keys, 2, 1, p)
          && put_script(fd, "start-post", u, post_keys, 1, 0, p)
          && put_script(fd, "stop", u, stop_keys, 1, 0, p)
          && put_script(fd, "reload", u, reload_keys, 1, 0, p)
          && put_policy(fd, "readiness", readiness[u->type], NCI_DEFAULT_READINESS)
          && (!u->pid_file || puts_line(fd, "pid-file", u->pid_file))
          && (!(u->exec[EXEC_START].c[0].flags & NCI_CMD_IGNORE_FAILURE) || puts_line(fd, "ignore-failure", "yes")))
    && put_script(fd, "finish", u, finish_keys, 1, 0, p)
    && put_policy(fd, "restart", u->restart, NCI_DEFAULT_RESTART)
    && put_ms(fd, "restart-sec", u->restart_usec, NCI_DEFAULT_RESTART_MS)
    && (u->start_limit_burst == NCI_DEFAULT_START_LIMIT_BURST || puts_line(fd, "start-limit-burst", buf))
    && put_ms(fd, "start-limit-interval", u->start_limit_interval_usec, NCI_DEFAULT_START_LIMIT_INTERVAL_MS)
    && put_ms(fd, "timeout-start", u->timeout_start_usec, oneshot ? NCI_DEFAULT_TIMEOUT_START_ONESHOT_MS : NCI_DEFAULT_TIMEOUT_START_MS)
    && put_ms(fd, "timeout-kill", u->timeout_stop_usec, NCI_DEFAULT_TIMEOUT_KILL_MS)
    && put_policy(fd, "down-signal", sig, NCI_DEFAULT_DOWN_SIGNAL)
    && put_policy(fd, "kill-mode", u->kill_mode, NCI_DEFAULT_KILL_MODE)
    && put_list(fd, "success-exit-status", &u->success_exit_status)
    && put_policy(fd, "failure-action", u->failure_action, NCI_DEFAULT_ACTION)
    && put_policy(fd, "success-action", u->success_action, NCI_DEFAULT_ACTION)
    && put_list(fd, "after", &t->after[i])
    && put_list(fd, "requires", &t->requires[i])
    && put_list(fd, "binds-to", &t->binds_to[i])
    && put_list(fd, "part-of", &t->part_of[i])
    && write_env(fd, u) ;
  if (!ok) { int e = errno ; close(fd) ; errno = e ; return 0 ; }
  return close(fd) == 0 ;
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
    size_t i = t->order[k] ;
    ok = write_unit(ufd, t, i, p)
      && stralloc_cats(&index, t->units[i].name)
      && stralloc_cats(&index, t->units[i].type == TYPE_ONESHOT ? " oneshot\n" : " longrun\n") ;
  }
  ok = ok && put(dfd, "index", index.s ? index.s : "", index.len, 0644)
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
