#include <stdint.h>
#include <skalibs/uint16.h>
#include <skalibs/uint64.h>
#include <skalibs/tai.h>
#include <nci/svstatus.h>

void nci_svstatus_unpack (char const *pack, nci_svstatus *sv)
{
  uint64_t pid ;
  uint16_t wstat ;
  tain_unpack(pack, &sv->stamp) ;
  tain_unpack(pack + 12, &sv->readystamp) ;
  uint64_unpack_big(pack + 24, &pid) ;
  uint16_unpack_big(pack + 32, &wstat) ;
  sv->pid = (pid_t)pid ;
  sv->wstat = wstat ;
  sv->flags = (unsigned char)pack[34] ;
}
