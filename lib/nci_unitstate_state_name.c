#include <nci/unitstate.h>

char const *nci_unitstate_state_name (enum nci_unitstate_state_e s)
{
  static char const *const names[] =
  {
    [NCI_STATE_DOWN] = "down",
    [NCI_STATE_STARTING] = "starting",
    [NCI_STATE_UP] = "up",
    [NCI_STATE_STOPPING] = "stopping",
    [NCI_STATE_FINISHING] = "finishing",
    [NCI_STATE_RESTARTING] = "restarting",
    [NCI_STATE_FAILED] = "failed",
  } ;
  return (unsigned int)s < sizeof names / sizeof names[0] ? names[s] : 0 ;
}
