#ifndef NCI_UNITSTATE_H
#define NCI_UNITSTATE_H

#include <stdint.h>
#include <sys/types.h>

/* supervise/nci-state of a unit's directory in the state dir: what s6's status
   file cannot say. Written by nci-supervise for a longrun and by nci-init for a
   oneshot, atomically (nci-state.new then rename), mode 0600. Text, one
   "key value" per line, always these keys in this order (doc/state.md):
     state down|starting|up|stopping|finishing|restarting|failed
     readiness simple|exec|notify|forking|notification-fd|oneshot
     ready yes|no
     pid N                 main process, 0 when none
     since SEC.MSEC        wall clock of the last state change (Unix time)
     restarts N            automatic restarts since supervise started or the last manual start
     result R              systemd's $SERVICE_RESULT of the last run: success, exit-code,
                           signal, core-dump, timeout, start-limit-hit, resources, none
     last-exit E           "exited N", "killed SIGNAME", "dumped SIGNAME" or "none"
     status TEXT           the service's last STATUS= (sd_notify), may be empty */
#define NCI_UNITSTATE_TEXT_MAX 128

enum nci_unitstate_state_e
{
  NCI_STATE_DOWN, NCI_STATE_STARTING, NCI_STATE_UP, NCI_STATE_STOPPING,
  NCI_STATE_FINISHING, NCI_STATE_RESTARTING, NCI_STATE_FAILED
} ;

enum nci_unitstate_result_e
{
  NCI_RESULT_NONE, NCI_RESULT_SUCCESS, NCI_RESULT_EXIT_CODE, NCI_RESULT_SIGNAL,
  NCI_RESULT_CORE_DUMP, NCI_RESULT_TIMEOUT, NCI_RESULT_START_LIMIT_HIT, NCI_RESULT_RESOURCES
} ;

typedef struct nci_unitstate_s nci_unitstate ;
struct nci_unitstate_s
{
  enum nci_unitstate_state_e state ;
  char readiness[16] ;
  int ready ;
  pid_t pid ;
  uint64_t since_ms ;      /* Unix time in milliseconds */
  unsigned int restarts ;
  enum nci_unitstate_result_e result ;
  int has_exit ;           /* 0: last-exit none */
  int wstat ;              /* the last main process's wait status when has_exit */
  char status[NCI_UNITSTATE_TEXT_MAX] ;
} ;

/* The names of the file; 0 for a value out of range. */
extern char const *nci_unitstate_state_name (enum nci_unitstate_state_e s) ;
extern char const *nci_unitstate_result_name (enum nci_unitstate_result_e r) ;

/* Formats st into buf (NCI_UNITSTATE_FMT bytes are always enough); returns the
   length. A newline in status becomes a space. */
#define NCI_UNITSTATE_FMT 512
extern size_t nci_unitstate_fmt (char *buf, nci_unitstate const *st) ;

/* Parses the text form; returns 1, or 0 with errno EPROTO. */
extern int nci_unitstate_parse (char const *s, size_t len, nci_unitstate *st) ;

/* DIR/supervise/nci-state: atomic write (via nci-state.new), and read. Return 1,
   or 0 with errno set. */
extern int nci_unitstate_write (char const *dir, nci_unitstate const *st) ;
extern int nci_unitstate_read (char const *dir, nci_unitstate *st) ;

#endif
