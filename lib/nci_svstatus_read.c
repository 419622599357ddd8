#include <errno.h>
#include <nci/statefile.h>
#include <nci/svstatus.h>

int nci_svstatus_read (char const *dir, nci_svstatus *sv)
{
  char pack[NCI_SVSTATUS_SIZE + 1] ;
  ssize_t r = nci_statefile_read(dir, "status", pack, sizeof pack) ;
  if (r < 0) return 0 ;
  if (r != NCI_SVSTATUS_SIZE) return (errno = EPROTO, 0) ;
  nci_svstatus_unpack(pack, sv) ;
  return 1 ;
}
