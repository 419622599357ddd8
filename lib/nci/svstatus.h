#ifndef NCI_SVSTATUS_H
#define NCI_SVSTATUS_H

#include <stdint.h>
#include <sys/types.h>
#include <skalibs/tai.h>

/* supervise/status in s6-supervise's 35-byte layout (s6 2.11), so s6-svstat and
   s6-svwait read an nci service: stamp (TAI64N, last up/down change), readystamp
   (TAI64N), pid (u64 big-endian; the finish script's while it runs), wstat (u16
   big-endian, the last wait status), then one flag byte. */
#define NCI_SVSTATUS_SIZE 35
#define NCI_SVSTATUS_PAUSED 0x01
#define NCI_SVSTATUS_FINISHING 0x02
#define NCI_SVSTATUS_WANTUP 0x04
#define NCI_SVSTATUS_READY 0x08

typedef struct nci_svstatus_s nci_svstatus ;
struct nci_svstatus_s
{
  tain stamp ;
  tain readystamp ;
  pid_t pid ;
  int wstat ;
  unsigned char flags ;
} ;

extern void nci_svstatus_pack (char *pack, nci_svstatus const *sv) ;
extern void nci_svstatus_unpack (char const *pack, nci_svstatus *sv) ;

/* Reads DIR/supervise/status. Returns 1, or 0 with errno set (EPROTO when the
   file is not 35 bytes). */
extern int nci_svstatus_read (char const *dir, nci_svstatus *sv) ;

/* Writes DIR/supervise/status atomically (DIR/supervise/status.new, mode 0600,
   then rename). DIR may be "." Returns 1, or 0 with errno set. */
extern int nci_svstatus_write (char const *dir, nci_svstatus const *sv) ;

#endif
