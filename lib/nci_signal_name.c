#include <signal.h>
#include <string.h>
#include <skalibs/sig.h>
#include <skalibs/types.h>
#include <nci/signal.h>

void nci_signal_name (int sig, char *buf)
{
  char const *name ;
  if (sig >= SIGRTMIN && sig <= SIGRTMAX)
  {
    memcpy(buf, "SIGRTMIN+", 9) ;
    buf[9 + uint_fmt(buf + 9, (unsigned int)(sig - SIGRTMIN))] = 0 ;
    return ;
  }
  name = sig_name(sig) ;
  if (!name || name[0] == '?' || strlen(name) > NCI_SIGNAL_NAME_MAX - 4)
  {
    buf[uint_fmt(buf, (unsigned int)sig)] = 0 ;
    return ;
  }
  memcpy(buf, "SIG", 3) ;
  strcpy(buf + 3, name) ;
}
