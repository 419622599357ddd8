#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/types.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>

#include <nci/defaults.h>
#include <nci/dirnames.h>
#include <nci/signal.h>
#include "supervise.h"

/* A policy file the tree did not write stands for systemd's default; a file that
   is there but does not parse is an error: the unit would not behave as written. */

static char const *dirname_ = "." ;

static void dieinvalid (char const *file, char const *value)
{
  strerr_dief6x(1, "invalid ", file, " in ", dirname_, ": ", value) ;
}

/* The files of the directory, listed once: most policy files are absent (the
   tree writes only what differs from systemd's defaults), and an open of a
   missing name costs a failed lookup each, for every service, at every boot. */
static char const *const known[] =
{
  "type", "readiness", "restart", "kill-mode", "restart-sec", "start-limit-burst",
  "start-limit-interval", "timeout-start", "timeout-kill", "timeout-finish", "down-signal",
  "notification-fd", "ignore-failure", "pid-file", "run", "start-post", "stop", "reload",
  "finish", "success-exit-status", 0
} ;
static uint32_t present ;

static int listed (char const *file)
{
  return nci_dir_has(known, present, file) ;
}

/* Reads FILE's first line into buf; 0 when there is no such file. */
static int read_line (char const *file, char *buf, size_t n)
{
  ssize_t r ;
  if (!listed(file)) return 0 ;
  r = openreadnclose(file, buf, n - 1) ;
  if (r < 0)
  {
    if (errno == ENOENT) return 0 ;
    strerr_diefu4sys(111, "read ", dirname_, "/", file) ;
  }
  buf[r] = 0 ;
  buf[strcspn(buf, "\n")] = 0 ;
  return 1 ;
}

static unsigned int read_uint_file (char const *file, unsigned int def)
{
  char buf[UINT_FMT + 2] ;
  unsigned int u ;
  size_t len ;
  if (!read_line(file, buf, sizeof buf)) return def ;
  len = uint_scan(buf, &u) ;
  if (!len || buf[len]) dieinvalid(file, buf) ;
  return u ;
}

static int exists (char const *file)
{
  if (!listed(file)) return 0 ;
  if (access(file, F_OK) == 0) return 1 ;
  if (errno != ENOENT) strerr_diefu4sys(111, "access ", dirname_, "/", file) ;
  return 0 ;
}

static int pick (char const *file, char const *value, char const *const *names)
{
  for (int i = 0 ; names[i] ; i++) if (!strcmp(value, names[i])) return i ;
  dieinvalid(file, value) ;
  return -1 ;
}

static void read_success (policy *p)
{
  char buf[512] ;
  ssize_t r = listed("success-exit-status") ? openreadnclose("success-exit-status", buf, sizeof buf - 1) : (errno = ENOENT, -1) ;
  char *s = buf ;
  if (r < 0)
  {
    if (errno == ENOENT) return ;
    strerr_diefu3sys(111, "read ", dirname_, "/success-exit-status") ;
  }
  buf[r] = 0 ;
  while (*s)
  {
    char *e = s + strcspn(s, "\n") ;
    int more = *e == '\n' ;
    unsigned int code ;
    int sig ;
    *e = 0 ;
    if (*s)
    {
      size_t len = uint_scan(s, &code) ;
      if (len && !s[len] && code <= 255)
      {
        if (p->nsuccess_codes >= SUCCESS_STATUS_MAX) dieinvalid("success-exit-status", "too many entries") ;
        p->success_codes[p->nsuccess_codes++] = (unsigned char)code ;
      }
      else if (nci_signal_parse(s, &sig))
      {
        if (p->nsuccess_signals >= SUCCESS_STATUS_MAX) dieinvalid("success-exit-status", "too many entries") ;
        p->success_signals[p->nsuccess_signals++] = sig ;
      }
      else dieinvalid("success-exit-status", s) ;
    }
    s = more ? e + 1 : e ;
  }
}

void policy_read (policy *p, char const *dir)
{
  static char const *const readiness[] = { "simple", "exec", "notify", "forking", 0 } ;
  static char const *const restart[] = { "no", "always", "on-success", "on-failure",
    "on-abnormal", "on-abort", "on-watchdog", 0 } ;
  static char const *const killmode[] = { "control-group", "process", "mixed", "none", 0 } ;
  /* p is in supervise's zeroed static storage: not cleared here, so the pages
     of its large, rarely used fields are never touched */
  char buf[64] ;
  dirname_ = dir ;
  if (!nci_dir_names(".", known, &present, 0, 0)) strerr_diefu2sys(111, "list ", dir) ;

  if (read_line("type", buf, sizeof buf) && strcmp(buf, "longrun"))
    strerr_dief4x(100, dir, " is a ", buf, ", not a longrun: nci-init runs oneshots itself") ;
  p->readiness = read_line("readiness", buf, sizeof buf) ? (enum readiness_e)pick("readiness", buf, readiness) : READY_SIMPLE ;
  p->restart = (enum restart_e)pick("restart", read_line("restart", buf, sizeof buf) ? buf : NCI_DEFAULT_RESTART, restart) ;
  p->killmode = (enum killmode_e)pick("kill-mode", read_line("kill-mode", buf, sizeof buf) ? buf : NCI_DEFAULT_KILL_MODE, killmode) ;
  p->restart_ms = read_uint_file("restart-sec", NCI_DEFAULT_RESTART_MS) ;
  p->burst = read_uint_file("start-limit-burst", NCI_DEFAULT_START_LIMIT_BURST) ;
  p->interval_ms = read_uint_file("start-limit-interval", NCI_DEFAULT_START_LIMIT_INTERVAL_MS) ;
  p->timeout_start_ms = read_uint_file("timeout-start", NCI_DEFAULT_TIMEOUT_START_MS) ;
  p->timeout_kill_ms = read_uint_file("timeout-kill", NCI_DEFAULT_TIMEOUT_KILL_MS) ;
  p->timeout_finish_ms = read_uint_file("timeout-finish", p->timeout_kill_ms) ;
  if (!read_line("down-signal", buf, sizeof buf)) p->down_signal = SIGTERM ;
  else if (!nci_signal_parse(buf, &p->down_signal)) dieinvalid("down-signal", buf) ;
  {
    unsigned int fd = read_uint_file("notification-fd", 0) ;
    if (!exists("notification-fd")) p->notification_fd = -1 ;
    else if (fd < 3 || fd > 1023) dieinvalid("notification-fd", "not between 3 and 1023") ;
    else { p->notification_fd = (int)fd ; p->readiness = READY_FD ; }
  }
  if (read_line("ignore-failure", buf, sizeof buf))
    p->ignore_failure = pick("ignore-failure", buf, (char const *const[]){ "no", "yes", 0 }) ;
  if (read_line("pid-file", p->pid_file, sizeof p->pid_file) && p->pid_file[0] != '/')
    dieinvalid("pid-file", "not an absolute path") ;
  if (!exists("run")) strerr_dief3x(1, "no run file in ", dir, ": not a service directory") ;
  p->has_start_post = exists("start-post") ;
  p->has_stop = exists("stop") ;
  p->has_reload = exists("reload") ;
  p->has_finish = exists("finish") ;
  read_success(p) ;
}
