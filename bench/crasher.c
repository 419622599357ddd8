/* A service that dies as soon as it starts: `run` of the crash-to-restart
   benchmark. Each start appends "START_NS EXIT_NS" (CLOCK_MONOTONIC) to ./stamps
   and exits 1; after $1 (default 200) starts it creates ./done and stays up, so
   the benchmark can read the file. Started as ./run by s6-supervise and
   nci-supervise alike (argv[1] is then the service name), so the count comes
   from a file: ./count. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long long now_ns (void)
{
  struct timespec ts ;
  clock_gettime(CLOCK_MONOTONIC, &ts) ;
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec ;
}

int main (void)
{
  long long start = now_ns() ;
  char buf[64] ;
  int n = 200, lines = 0, fd ;
  FILE *f = fopen("count", "r") ;
  if (f) { if (fscanf(f, "%d", &n) != 1) n = 200 ; fclose(f) ; }
  f = fopen("stamps", "r") ;
  if (f) { int c ; while ((c = getc(f)) != EOF) if (c == '\n') lines++ ; fclose(f) ; }
  if (lines >= n)
  {
    fd = open("done", O_WRONLY | O_CREAT | O_TRUNC, 0644) ;
    if (fd >= 0) close(fd) ;
    for (;;) pause() ;
  }
  fd = open("stamps", O_WRONLY | O_APPEND | O_CREAT, 0644) ;
  if (fd < 0) return 111 ;
  {
    int len = snprintf(buf, sizeof buf, "%lld %lld\n", start, now_ns()) ;
    if (write(fd, buf, (size_t)len) != len) return 111 ;
  }
  close(fd) ;
  return 1 ;
}
