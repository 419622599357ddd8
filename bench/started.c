/* A service for the boot benchmark (bench/init.sh): once started, it appends one
   byte to a FIFO, so that the benchmark can wait for N starts by reading N bytes,
   then stays up until a signal ends it. The FIFO is argv[1] when that is an
   absolute path (nci's ExecStart=, the plain launcher), else $BENCH_FIFO: s6-supervise
   and runsv exec ./run with no path of ours (s6-supervise passes the service name),
   but hand down the scanner's environment. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int main (int argc, char **argv)
{
  char const *fifo = argc > 1 && argv[1][0] == '/' ? argv[1] : getenv("BENCH_FIFO") ;
  int fd ;
  if (!fifo) return 100 ;
  fd = open(fifo, O_WRONLY | O_APPEND) ;
  if (fd < 0) return 111 ;
  if (write(fd, ".", 1) != 1) return 111 ;
  close(fd) ;
  for (;;) pause() ;
}
