#include <signal.h>
#include <nci/control.h>

nci_control nci_control_parse (unsigned char c)
{
  nci_control r = { .kind = NCI_CONTROL_SIGNAL, .sig = 0 } ;
  switch (c)
  {
    case 'a' : r.sig = SIGALRM ; break ;
    case 'b' : r.sig = SIGABRT ; break ;
    case 'q' : r.sig = SIGQUIT ; break ;
    case 'h' : r.sig = SIGHUP ; break ;
    case 'k' : r.sig = SIGKILL ; break ;
    case 't' : r.sig = SIGTERM ; break ;
    case 'i' : r.sig = SIGINT ; break ;
    case '1' : r.sig = SIGUSR1 ; break ;
    case '2' : r.sig = SIGUSR2 ; break ;
    case 'p' : r.sig = SIGSTOP ; break ;
    case 'c' : r.sig = SIGCONT ; break ;
    case 'y' : r.sig = SIGWINCH ; break ;
    case 'r' : r.kind = NCI_CONTROL_RESTART ; break ;
    case 'o' : r.kind = NCI_CONTROL_ONCE ; break ;
    case 'd' : r.kind = NCI_CONTROL_DOWN ; break ;
    case 'u' : r.kind = NCI_CONTROL_UP ; break ;
    case 'D' : r.kind = NCI_CONTROL_DOWN_MARK ; break ;
    case 'U' : r.kind = NCI_CONTROL_UP_MARK ; break ;
    case 'x' : r.kind = NCI_CONTROL_EXIT ; break ;
    case 'O' : r.kind = NCI_CONTROL_ONCE_AT_MOST ; break ;
    case 'Q' : r.kind = NCI_CONTROL_ONCE_AT_MOST_MARK ; break ;
    case 'F' : r.kind = NCI_CONTROL_FAIL ; break ;
    default : r.kind = NCI_CONTROL_IGNORE ; break ;
  }
  return r ;
}
