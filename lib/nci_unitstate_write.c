#include <nci/statefile.h>
#include <nci/unitstate.h>

int nci_unitstate_write (char const *dir, nci_unitstate const *st)
{
  char buf[NCI_UNITSTATE_FMT] ;
  return nci_statefile_write(dir, "nci-state", buf, nci_unitstate_fmt(buf, st)) ;
}
