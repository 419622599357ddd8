#include <sys/signalfd.h>
#include <errno.h>
#include <unistd.h>

#include <nci/signal.h>

int nci_signalfd_read (int fd)
{
  struct signalfd_siginfo si ;
  for (;;)
  {
    ssize_t r = read(fd, &si, sizeof si) ;
    if (r == (ssize_t)sizeof si) return (int)si.ssi_signo ;
    if (r < 0 && errno == EINTR) continue ;
    if (r < 0 && errno == EAGAIN) return 0 ;
    /* a signalfd reads whole records or nothing: a short read is no signal */
    if (r >= 0) errno = EPIPE ;
    return -1 ;
  }
}
