#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/selfpipe.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include <nci/child.h>
#include <nci/execline.h>
#include "supervise.h"

/* nci-exec closes this fd as it execs the service's program, so supervise sees
   EOF exactly when Type=exec's "exec succeeded" happens. */
#define EXEC_READY_FD 3

static void child_die (char const *what)
{
  nci_child_die(127, "prepare the service: ", what) ;
}

/* Puts from on fd to, open across exec. */
static void place (int from, int to)
{
  if (from == to)
  {
    int flags = fcntl(to, F_GETFD) ;
    if (flags < 0 || fcntl(to, F_SETFD, flags & ~FD_CLOEXEC) < 0) child_die("clear close-on-exec") ;
  }
  else if (dup2(from, to) < 0) child_die("dup2") ;
}

/* In the child: a session of its own (a stop reaches its whole group), default
   signal dispositions and mask, stdin from /dev/null, stdout and stderr into
   supervise's pipes, nothing else open but the readiness fd. */
static void child_setup (sv *s)
{
  selfpipe_finish() ;
  if (setsid() < 0) child_die("setsid") ;
  place(s->nullfd, 0) ;
  place(s->out.wfd, 1) ;
  place(s->err.wfd, 2) ;
}

/* Only 0, 1, 2 and keep (-1: none) stay open in the service: supervise's own
   fds are close-on-exec, but what its caller leaked to it must not reach the
   service either. */
static void close_from_to (unsigned int lo, unsigned int hi)
{
  /* by number: not every libc wraps close_range (Linux 5.9) */
  if (syscall(SYS_close_range, lo, hi, 0) < 0) child_die("close_range") ;
}

static void close_others (int keep)
{
  if (keep < 0) { close_from_to(3, ~0U) ; return ; }
  if (keep > 3) close_from_to(3, (unsigned int)keep - 1) ;
  close_from_to((unsigned int)keep + 1, ~0U) ;
}

static void child_env (char const *const *env)
{
  for (; *env ; env++)
  {
    char const *eq = strchr(*env, '=') ;
    size_t n = (size_t)(eq - *env) ;
    char name[64] ;
    if (n >= sizeof name) continue ;
    memcpy(name, *env, n) ; name[n] = 0 ;
    if (setenv(name, eq + 1, 1) < 0) child_die("setenv") ;
  }
}

/* In the child of a vfork: execs ./run. A run script that is one command, as
   nci-convert writes it for most units, is exec'd without execlineb: the same
   argv, one process image less on every start (make bench). It is done only
   where the kernel would have run the script: run executable, its execlineb
   there and executable; otherwise ./run is exec'd and fails as it would have.
   The buffers are small because they are the parent's stack pages: bigger
   scripts go to execlineb. */
/* buf starts with "#!PATH -P\n" (nci_execline_simple checked it): whether
   PATH is an executable file. PATH is cut out of buf in place. A blank in
   it would make the kernel's interpreter something else ("#!/bin/sh x/execlineb -P"). */
static int interpreter_runs (char *buf)
{
  char *sp = strchr(buf, '\n') - 3 ;
  *sp = 0 ;
  if (strpbrk(buf + 2, " \t")) return 0 ;
  return access(buf + 2, X_OK) == 0 ;
}

#define RUN_MAX 2048
#define RUN_WORDS 128
static void exec_run (sv *s, char const *const *argv, char const *const *envp)
{
  char buf[RUN_MAX] ;
  char const *words[RUN_WORDS] ;
  int fd = open("./run", O_RDONLY | O_CLOEXEC) ;
  if (fd >= 0)
  {
    size_t r = allread(fd, buf, sizeof buf) ;
    close(fd) ;
    if (r < sizeof buf && nci_execline_simple(buf, r, words, RUN_WORDS)
     && interpreter_runs(buf) && access("./run", X_OK) == 0)
    {
      execve(words[0], (char *const *)words, (char *const *)envp) ;
      /* execlineb's codes for a command it cannot exec */
      nci_child_die(errno == ENOENT ? 127 : 126, "exec ", words[0]) ;
    }
  }
  execve("./run", (char *const *)argv, (char *const *)envp) ;
  nci_child_die(127, "exec the run file of ", s->dir) ;
}

/* The service's environment: supervise's own, with NOTIFY_SOCKET or
   NCI_EXEC_FD set for its readiness, built before the vfork (a child that
   shares its parent's memory cannot setenv). */
static void run_env (sv *s, char const **envp, size_t max, char *notify, size_t notifylen)
{
  extern char **environ ;
  size_t n = 0 ;
  for (char **e = environ ; *e && n + 3 < max ; e++)
    if (strncmp(*e, "NOTIFY_SOCKET=", 14) && strncmp(*e, "NCI_EXEC_FD=", 12)) envp[n++] = *e ;
  if (s->pol.readiness == READY_EXEC) envp[n++] = "NCI_EXEC_FD=3" ;
  if (s->pol.readiness == READY_NOTIFY)
  {
    size_t l = strlen(s->notify_path) ;
    if (14 + l < notifylen)
    {
      memcpy(notify, "NOTIFY_SOCKET=", 14) ;
      memcpy(notify + 14, s->notify_path, l + 1) ;
      envp[n++] = notify ;
    }
  }
  envp[n] = 0 ;
}

pid_t spawn_run (sv *s, int *readyfd)
{
  extern char **environ ;
  int p[2] = { -1, -1 } ;
  pid_t pid ;
  size_t nenv = 0 ;
  *readyfd = -1 ;
  while (environ[nenv]) nenv++ ;
  if (s->pol.readiness == READY_EXEC || s->pol.readiness == READY_FD)
  {
    if (pipecoe(p) < 0) { strerr_warnwu1sys("create the readiness pipe") ; return -1 ; }
    if (ndelay_on(p[0]) < 0) { strerr_warnwu1sys("make the readiness pipe non-blocking") ; fd_close(p[0]) ; fd_close(p[1]) ; return -1 ; }
  }
  {
    char const *argv[3] = { "run", s->name, 0 } ;
    char const *envp[nenv + 3] ;
    char notify[sizeof s->notify_path + 16] ;
    sigset_t none ;
    run_env(s, envp, nenv + 3, notify, sizeof notify) ;
    sigemptyset(&none) ;
    /* vfork: no copy of supervise's page tables, no copy-on-write faults in
       it after; the child makes system calls only, and execs or _exits */
    pid = vfork() ;
    if (!pid)
    {
      if (setsid() < 0) child_die("setsid") ;
      place(s->nullfd, 0) ;
      place(s->out.wfd, 1) ;
      place(s->err.wfd, 2) ;
      if (s->pol.readiness == READY_EXEC)
      {
        place(p[1], EXEC_READY_FD) ;
        close_others(EXEC_READY_FD) ;
      }
      else if (s->pol.readiness == READY_FD)
      {
        place(p[1], s->pol.notification_fd) ;
        close_others(s->pol.notification_fd) ;
      }
      else close_others(-1) ;
      /* supervise's signals are blocked (it reads them from a signalfd): not the service's */
      if (sigprocmask(SIG_SETMASK, &none, 0) < 0) child_die("reset the signal mask") ;
      exec_run(s, argv, envp) ;
    }
  }
  if (pid < 0)
  {
    strerr_warnwu1sys("fork the service") ;
    if (p[0] >= 0) { fd_close(p[0]) ; fd_close(p[1]) ; }
    return -1 ;
  }
  if (p[1] >= 0) fd_close(p[1]) ;
  *readyfd = p[0] ;
  return pid ;
}

pid_t spawn_script (sv *s, char const *script, char const *const *args, char const *const *env)
{
  pid_t pid = fork() ;
  if (pid < 0) { strerr_warnwu2sys("fork for ", script) ; return -1 ; }
  if (!pid)
  {
    char const *argv[8] = { script } ;
    char path[16] = "./" ;
    unsigned int n = 1 ;
    for (; *args && n < 7 ; args++) argv[n++] = *args ;
    argv[n] = 0 ;
    memcpy(path + 2, script, strlen(script) + 1) ;
    child_setup(s) ;
    close_others(-1) ;
    child_env(env) ;
    execv(path, (char *const *)argv) ;
    strerr_diefu4sys(127, "exec ", s->dir, "/", script) ;
  }
  return pid ;
}
