#include <errno.h>
#include <nci/statefile.h>
#include <nci/unitstate.h>

int nci_unitstate_read (char const *dir, nci_unitstate *st)
{
  char buf[NCI_UNITSTATE_FMT] ;
  ssize_t r = nci_statefile_read(dir, "nci-state", buf, sizeof buf) ;
  if (r < 0) return 0 ;
  if ((size_t)r == sizeof buf) return (errno = EPROTO, 0) ;
  return nci_unitstate_parse(buf, (size_t)r, st) ;
}
