#ifndef NCI_CTL_H
#define NCI_CTL_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include <nci/signal.h>
#include <nci/svstatus.h>
#include <nci/unitstate.h>

/* Exit codes besides 0, 100 (usage) and 111 (system failure); README. */
#define CTL_EXIT_NOT_MET 1    /* check or wait: a unit is not up, not ready, or failed; kill: it is down */
#define CTL_EXIT_UNKNOWN 2    /* a UNIT is not a directory of the state dir */
#define CTL_EXIT_ONESHOT 3    /* reload of a oneshot, which has nothing to reload */

/* The units one run can list or wait for: its tables are sized by it, never allocated. */
#define CTL_UNITS_MAX 4096

extern char const *ctl_statedir ;

/* The longest FILE of STATEDIR/UNIT/FILE that nci-ctl uses: event/ and a listener FIFO. */
#define CTL_FILE_MAX 64

/* unit_list.c: the state directory and the names in it. */
extern void ctl_path (char *buf, char const *unit, char const *file) ;
extern void ctl_statedir_check (void) ;
extern unsigned int ctl_units_all (char const **names) ;
extern void ctl_units_known (char const *const *names, unsigned int n) ;

/* unit_read.c: what one unit's files say. */
typedef struct ctl_unit_s ctl_unit ;
struct ctl_unit_s
{
  char const *name ;
  int oneshot ;      /* 1, or 2 for a timer: run by nci-init; 0 a longrun */
  int supervised ;  /* longrun: an nci-supervise holds supervise/lock */
  int has_status ;  /* sv holds supervise/status */
  int has_state ;   /* st holds supervise/nci-state */
  nci_svstatus sv ;
  nci_unitstate st ;
  char failed[PATH_MAX] ;  /* the file ctl_unit_read could not read */
} ;

#define CTL_EXIT_FMT (8 + NCI_SIGNAL_NAME_MAX)
#define CTL_WHY_MAX (64 + NCI_UNITSTATE_TEXT_MAX)

extern int ctl_unit_type_read (char const *name, int *oneshot, char *path) ;
extern int ctl_unit_oneshot (char const *name) ;
extern int ctl_unit_read (char const *name, ctl_unit *u) ;
extern char const *ctl_unit_state (ctl_unit const *u) ;
extern int ctl_unit_active (ctl_unit const *u) ;
extern int ctl_unit_ready (ctl_unit const *u) ;
extern int ctl_unit_up (ctl_unit const *u, int ready) ;
extern int ctl_unit_failed (ctl_unit const *u) ;
extern void ctl_unit_last_exit (ctl_unit const *u, char *buf) ;
extern void ctl_unit_why (ctl_unit const *u, int ready, char *buf) ;

/* The commands. Each returns the exit code, or dies. */
extern int ctl_status (char const *const *names, unsigned int n) ;
extern int ctl_send (char const *verb, char c, char const *const *names, unsigned int n) ;
extern int ctl_kill (int sig, char const *const *names, unsigned int n) ;
extern int ctl_wait (char const *const *names, unsigned int n, int ready, unsigned int ms) ;
extern int ctl_check (int ready) ;
extern int ctl_calendar (char const *const *exprs, unsigned int n, unsigned int iterations, char const *base) ;
extern int ctl_list_timers (void) ;

/* time_fmt.c: a time (microseconds since the epoch) as systemd prints it. */
extern void ctl_time_fmt (char *buf, size_t len, uint64_t usec, int utc) ;
extern void ctl_time_relative (char *buf, size_t len, uint64_t usec, uint64_t now) ;

#endif
