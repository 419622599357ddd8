#ifndef NCI_CONTROL_H
#define NCI_CONTROL_H

/* The one-byte commands of supervise/control, as s6-svc writes them. */
enum nci_control_kind_e
{
  NCI_CONTROL_IGNORE,   /* not a command: ignored */
  NCI_CONTROL_SIGNAL,   /* a b q h k t i 1 2 p c y: send .sig to the service */
  NCI_CONTROL_RESTART,  /* r: stop the service and start it again */
  NCI_CONTROL_ONCE,     /* o: start it if down, do not restart it */
  NCI_CONTROL_DOWN,     /* d: stop it, keep it down */
  NCI_CONTROL_UP,       /* u: start it, keep it up as its Restart= says */
  NCI_CONTROL_DOWN_MARK,/* D: d, and create the ./down file */
  NCI_CONTROL_UP_MARK,  /* U: u, and remove the ./down file */
  NCI_CONTROL_EXIT,     /* x: exit supervise once the service is down */
  NCI_CONTROL_ONCE_AT_MOST, /* O: do not restart it when it dies */
  NCI_CONTROL_ONCE_AT_MOST_MARK, /* Q: O, and create the ./down file */
  NCI_CONTROL_FAIL      /* F, nci's own: d, and failed once down (nci-init: what it requires failed) */
} ;

typedef struct nci_control_s nci_control ;
struct nci_control_s
{
  enum nci_control_kind_e kind ;
  int sig ;  /* NCI_CONTROL_SIGNAL only */
} ;

/* Decodes one control byte. Any byte value is accepted; unknown ones give
   NCI_CONTROL_IGNORE. */
extern nci_control nci_control_parse (unsigned char c) ;

/* The control byte that asks for signal sig, or 0 when s6-svc has none for it. */
extern char nci_control_byte_for_signal (int sig) ;

#endif
