#include <sys/wait.h>
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "init.h"

/* Command mode: once the boot is complete, CMD runs as the container's main
   program, with init's stdin, stdout, stderr and environment (the terminal
   passes through); when it exits, the container stops with its exit code. */

void command_start (void)
{
  pid_t pid ;
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
    /* init's signals are blocked (it reads them from a signalfd, closed on
       exec): not the command's */
    sigprocmask(SIG_SETMASK, &none, 0) ;
    execvp(G.cmd[0], (char *const *)G.cmd) ;
    strerr_dieexec(errno == ENOENT ? 127 : 126, G.cmd[0]) ;
  }
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
