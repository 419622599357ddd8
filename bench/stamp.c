/* stamp FILE PROG ARGS...: writes the wall clock in microseconds (as bash's
   $EPOCHREALTIME gives it, without the dot) to FILE, then execs PROG (searched in
   PATH). Put between unshare and an init, it marks the exec of the init, so that
   what the boot benchmark measures starts there and not at unshare's own fork and
   mounts. */
#include <stdio.h>
#include <sys/time.h>
#include <unistd.h>

int main (int argc, char **argv)
{
  struct timeval tv ;
  FILE *f ;
  if (argc < 3) { fputs("usage: stamp FILE PROG ARGS...\n", stderr) ; return 100 ; }
  f = fopen(argv[1], "we") ;
  if (!f) { perror("stamp: open") ; return 111 ; }
  gettimeofday(&tv, 0) ;
  if (fprintf(f, "%lld\n", (long long)tv.tv_sec * 1000000LL + tv.tv_usec) < 0 || fclose(f))
  { perror("stamp: write") ; return 111 ; }
  execvp(argv[2], argv + 2) ;
  perror("stamp: exec") ;
  return 127 ;
}
