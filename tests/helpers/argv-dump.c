/* Prints what a program was started with, one fact a line, for tests to compare:
     argv[I]=ARG        each argument, argv[0] included
     env K=V            each environment entry, sorted bytewise
     uid=N gid=N groups=A,B
     umask=0NNN
     nice=N
     cwd=PATH
     nofile=SOFT:HARD   "infinity" for no limit
     nnp=0|1            PR_GET_NO_NEW_PRIVS
   Exits 111 if a fact cannot be read or written. */

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/prctl.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ ;

static void die (char const *what)
{
  fprintf(stderr, "argv-dump: unable to %s: %s\n", what, strerror(errno)) ;
  exit(111) ;
}

static int cmp (void const *a, void const *b)
{
  return strcmp(*(char const *const *)a, *(char const *const *)b) ;
}

static void print_rlim (rlim_t v)
{
  if (v == RLIM_INFINITY) fputs("infinity", stdout) ;
  else printf("%llu", (unsigned long long)v) ;
}

int main (int argc, char **argv)
{
  size_t n = 0 ;
  static gid_t groups[NGROUPS_MAX] ;
  int ngroups ;
  char cwd[PATH_MAX] ;
  struct rlimit rl ;
  mode_t mask ;
  int nice, nnp ;

  for (int i = 0 ; i < argc ; i++) printf("argv[%d]=%s\n", i, argv[i]) ;

  while (environ[n]) n++ ;
  {
    char *env[n + 1] ;
    memcpy(env, environ, n * sizeof(char *)) ;
    qsort(env, n, sizeof(char *), &cmp) ;
    for (size_t i = 0 ; i < n ; i++) printf("env %s\n", env[i]) ;
  }

  ngroups = getgroups(NGROUPS_MAX, groups) ;
  if (ngroups < 0) die("getgroups") ;
  printf("uid=%u gid=%u groups=", (unsigned int)getuid(), (unsigned int)getgid()) ;
  for (int i = 0 ; i < ngroups ; i++) printf(i ? ",%u" : "%u", (unsigned int)groups[i]) ;
  putchar('\n') ;

  mask = umask(0) ;
  umask(mask) ;
  printf("umask=%04o\n", (unsigned int)mask) ;

  errno = 0 ;
  nice = getpriority(PRIO_PROCESS, 0) ;
  if (nice == -1 && errno) die("getpriority") ;
  printf("nice=%d\n", nice) ;

  if (!getcwd(cwd, sizeof(cwd))) die("getcwd") ;
  printf("cwd=%s\n", cwd) ;

  if (getrlimit(RLIMIT_NOFILE, &rl) < 0) die("getrlimit") ;
  fputs("nofile=", stdout) ;
  print_rlim(rl.rlim_cur) ;
  putchar(':') ;
  print_rlim(rl.rlim_max) ;
  putchar('\n') ;

  nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) ;
  if (nnp < 0) die("read no_new_privs") ;
  printf("nnp=%d\n", nnp) ;

  if (fflush(stdout) == EOF || ferror(stdout)) die("write to stdout") ;
  return 0 ;
}
