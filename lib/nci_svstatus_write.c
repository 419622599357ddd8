#include <nci/statefile.h>
#include <nci/svstatus.h>

int nci_svstatus_write (char const *dir, nci_svstatus const *sv)
{
  char pack[NCI_SVSTATUS_SIZE] ;
  nci_svstatus_pack(pack, sv) ;
  return nci_statefile_write(dir, "status", pack, NCI_SVSTATUS_SIZE) ;
}
