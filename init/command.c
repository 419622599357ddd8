#include <sys/wait.h>
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "init.h"

/* Command mode: once the boot is complete, CMD runs as the container's main
   program, with init's stdin, stdout, stderr and environment (the terminal
   passes through); when it exits, the container stops with its exit code.
   As tini does, CMD gets a process group of its own and, when init is the
   foreground of its terminal, the terminal's foreground: a Ctrl-C there is
   the command's (an interactive shell's), not a stop of the container. A
   SIGINT sent to init still stops it. */

void command_start (void)
{
  sigset_t ttou ;
  pid_t pid ;
  /* whether stdin is init's controlling terminal (else -1) with init in its
     foreground: a background init leaves the terminal to its shell. Both 0:
     both groups are outside init's PID namespace (unshare --fork). */
  pid_t fgpgrp = tcgetpgrp(0) ;
  int fg = fgpgrp >= 0 && fgpgrp == getpgrp() ;
  /* From the handover on, init is a background process of its terminal, and
     its log lines may go there: with TOSTOP set, a write would raise SIGTTOU
     and stop init, or fail with EIO when init's process group is orphaned, as
     a container's PID 1's is. With SIGTTOU blocked the write goes out. Every
     child's mask is reset before its exec: none inherits the block. */
  sigemptyset(&ttou) ;
  sigaddset(&ttou, SIGTTOU) ;
  sigprocmask(SIG_BLOCK, &ttou, 0) ;
  ilog_flush() ;  /* the child must not write the parent's pending lines again */
  pid = fork() ;
  if (pid < 0)
  {
    strerr_warnwu2sys("fork for ", G.cmd[0]) ;
    set_exit(111) ;
    shutdown_begin(111) ;
    return ;
  }
  if (!pid)
  {
    sigset_t none ;
    sigemptyset(&none) ;
    /* before the exec, so that the command never reads a terminal that is
       not yet its own; SIGTTOU is blocked, as tcsetpgrp from the background
       needs. A failure is no terminal to hand over: not having one is normal */
    if (setpgid(0, 0) == 0 && fg) tcsetpgrp(0, getpid()) ;
    /* init's signals are blocked (it reads them from a signalfd, closed on
       exec): not the command's */
    sigprocmask(SIG_SETMASK, &none, 0) ;
    execvp(G.cmd[0], (char *const *)G.cmd) ;
    strerr_dieexec(errno == ENOENT ? 127 : 126, G.cmd[0]) ;
  }
  /* in the parent too, as shells do: the group exists when this returns,
     whichever ran first. It fails only when the child did it and exec'd. */
  setpgid(pid, pid) ;
  G.cmdpid = pid ;
  ilog("running ", G.cmd[0], 0, 0) ;
}

void on_command_exit (int wstat)
{
  int code = WIFEXITED(wstat) ? WEXITSTATUS(wstat) : 128 + WTERMSIG(wstat) ;
  G.cmdpid = 0 ;
  G.final_deadline = tain_zero ;
  /* its code is the container's, unless a unit's failure ended things first */
  if (!G.exit_set || G.signal_stop) { G.exitcode = code ; G.exit_set = 1 ; }
  if (!G.shutting) shutdown_begin(code) ;
  else shutdown_step() ;
}
