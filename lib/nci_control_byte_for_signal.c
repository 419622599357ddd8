#include <nci/control.h>

/* Asks the parser rather than keeping a second table that could disagree with it. */
char nci_control_byte_for_signal (int sig)
{
  for (unsigned int c = 1 ; c < 256 ; c++)
  {
    nci_control r = nci_control_parse((unsigned char)c) ;
    if (r.kind == NCI_CONTROL_SIGNAL && r.sig == sig) return (char)c ;
  }
  return 0 ;
}
