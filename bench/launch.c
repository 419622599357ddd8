/* launch N PROG ARGS...: the floor of the boot benchmark. As PID 1 of a PID
   namespace it forks and execs N copies of PROG, nothing else: no service
   directory, no supervision. It reaps what dies; on SIGTERM it sends SIGTERM to
   every process of the namespace, reaps them all and exits 0. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main (int argc, char **argv)
{
  sigset_t set ;
  long n ;
  if (argc < 3 || (n = strtol(argv[1], 0, 10)) <= 0) { fputs("usage: launch N PROG ARGS...\n", stderr) ; return 100 ; }
  sigemptyset(&set) ;
  sigaddset(&set, SIGCHLD) ;
  sigaddset(&set, SIGTERM) ;
  sigprocmask(SIG_BLOCK, &set, 0) ;
  for (long i = 0 ; i < n ; i++)
  {
    pid_t pid = fork() ;
    if (pid < 0) { perror("launch: fork") ; return 111 ; }
    if (!pid)
    {
      sigprocmask(SIG_UNBLOCK, &set, 0) ;
      execv(argv[2], argv + 2) ;
      _exit(127) ;
    }
  }
  for (;;)
  {
    int sig = sigwaitinfo(&set, 0) ;
    if (sig == SIGTERM)
    {
      kill(-1, SIGTERM) ;
      while (wait(0) > 0 || errno == EINTR) ;
      return 0 ;
    }
    while (waitpid(-1, 0, WNOHANG) > 0) ;
  }
}
