#include <stdint.h>
#include <skalibs/uint16.h>
#include <skalibs/uint64.h>
#include <skalibs/tai.h>
#include <nci/svstatus.h>

void nci_svstatus_pack (char *pack, nci_svstatus const *sv)
{
  tain_pack(pack, &sv->stamp) ;
  tain_pack(pack + 12, &sv->readystamp) ;
  uint64_pack_big(pack + 24, (uint64_t)sv->pid) ;
  uint16_pack_big(pack + 32, (uint16_t)sv->wstat) ;
  pack[34] = (char)sv->flags ;
}
