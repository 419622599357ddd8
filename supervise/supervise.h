#ifndef NCI_SUPERVISE_H
#define NCI_SUPERVISE_H

#include <sys/types.h>
#include <limits.h>
#include <stdint.h>
#include <skalibs/tai.h>
#include <nci/svstatus.h>
#include <nci/unitstate.h>
#include <nci/outstream.h>

/* The unit's policy, read once from the service directory at start (doc/tree.md). */
enum readiness_e { READY_SIMPLE, READY_EXEC, READY_NOTIFY, READY_FORKING, READY_FD } ;
enum restart_e { RESTART_NO, RESTART_ALWAYS, RESTART_ON_SUCCESS, RESTART_ON_FAILURE,
  RESTART_ON_ABNORMAL, RESTART_ON_ABORT, RESTART_ON_WATCHDOG } ;
enum killmode_e { KILL_CONTROL_GROUP, KILL_PROCESS, KILL_MIXED, KILL_NONE } ;

#define SUCCESS_STATUS_MAX 32

/* A report line to nci-init: "NAME LETTERS\n"; a unit name is at most 255 bytes. */
#define NCI_REPORT_LINE_MAX 300

typedef struct policy_s policy ;
struct policy_s
{
  enum readiness_e readiness ;
  enum restart_e restart ;
  enum killmode_e killmode ;
  unsigned int restart_ms ;
  unsigned int burst ;
  unsigned int interval_ms ;
  unsigned int timeout_start_ms ;  /* 0 = none */
  unsigned int timeout_kill_ms ;   /* 0 = none */
  unsigned int timeout_finish_ms ; /* 0 = none */
  int down_signal ;
  int notification_fd ;            /* -1 = none */
  int ignore_failure ;
  int has_start_post, has_stop, has_reload, has_finish ;
  unsigned int nsuccess_codes, nsuccess_signals ;
  unsigned char success_codes[SUCCESS_STATUS_MAX] ;
  int success_signals[SUCCESS_STATUS_MAX] ;
  char pid_file[PATH_MAX] ;        /* "" = none */
} ;

extern void policy_read (policy *p, char const *dir) ;

/* The notify socket ($NOTIFY_SOCKET) of a Type=notify service. */
extern int notify_open (char const *path) ;
extern void notify_read (int fd) ;

/* The state machine. */
enum ctl_e { CTL_NONE, CTL_START_POST, CTL_STOP, CTL_RELOAD, CTL_FINISH } ;
enum want_e { WANT_DOWN, WANT_UP, WANT_ONCE } ;

typedef struct sv_s sv ;
struct sv_s
{
  char const *name ;
  enum nci_unitstate_state_e state ;
  enum want_e want ;
  int stop_requested ;          /* the current stop was asked for: no Restart= decision */
  int restart_requested ;       /* r: start again once down */
  int fail_requested ;          /* F: failed once down (nci-init failed the unit) */
  int start_pending ;           /* down after r: start again at the deadline */
  int exiting ;                 /* exit once the service is down */
  int exit_now ;
  int dying ;                   /* SIGKILL already sent for this stop */
  int group_wait ;              /* stopped but for processes of its group: look again soon */
  pid_t mainpid ;
  pid_t pgid[2] ;               /* the service's session, and the forked daemon's group */
  pid_t ctlpid ;
  enum ctl_e ctl ;
  int ready ;
  int main_wstat ;
  int has_exit ;
  enum nci_unitstate_result_e result ;
  unsigned int restarts ;
  tain deadline ;
  tain limit_begin ;            /* start limit window (systemd's ratelimit) */
  unsigned int limit_count ;
  int readyfd ;                 /* exec-readiness pipe or notification-fd, -1 when none */
  int notifyfd ;                /* the notify socket, -1 when none */
  int controlfd ;
  int eventfd ;                 /* event/ directory */
  int nullfd ;
  int reportfd ;                /* nci-init's pipe for "NAME LETTERS" lines, -1 when none */
  int adoptfd ;                 /* pidfd of a main process adopted from a previous supervise */
  char status_text[NCI_UNITSTATE_TEXT_MAX] ;
  nci_svstatus st ;
  nci_outstream out, err ;
  char notify_path[108] ;       /* sun_path */
  char dir[PATH_MAX] ;          /* absolute path of the service directory */
  policy pol ;                  /* last: its large pid_file is rarely touched */
} ;

extern sv S ;

extern void sv_start (void) ;
extern void sv_on_child (pid_t pid, int wstat) ;
extern void sv_on_timeout (void) ;
extern void sv_on_group_check (void) ;
extern void sv_on_ready_fd (void) ;
extern void sv_on_notify_ready (void) ;
extern void sv_on_notify_mainpid (pid_t pid) ;
extern void sv_on_notify_extend (unsigned long long usec) ;
extern void sv_on_control (unsigned char c) ;
extern void sv_on_signal (int sig) ;
extern void sv_announce (char const *event) ;  /* a change, and its event letters (or 0) */
extern void sv_publish (void) ;  /* writes the status files and sends the letters, if anything changed */
extern int sv_publish_later (tain *when) ;  /* 1: sv_publish may wait until *when */
extern int sv_prepare_later (tain *when) ;  /* 1: sv_prepare is due at *when */
extern void sv_prepare (void) ;  /* makes the status files' next temporary files */
extern void sv_log (char const *s1, char const *s2, char const *s3) ;

/* Spawning: the service's run, and the control scripts. */
extern pid_t spawn_run (int *readyfd) ;
extern pid_t spawn_script (char const *script, char const *const *args, char const *const *env) ;

/* Signals to the service per KillMode; group_empty tells whether any process of
   the service is left. */
extern void kill_service (int sig, int all) ;
extern int service_left (void) ;
extern pid_t child_guess (void) ;

/* Files of the service directory. */
extern void control_init (void) ;

/* A service left running by a previous nci-supervise on the same directory (it
   died; nci-init started this one) is taken over, not started twice. */
extern int adopt (void) ;
/* A service the previous nci-supervise left failed stays failed and down:
   returns 1 when so (the state is taken over). */
extern int failed_before (void) ;
extern void sv_on_adopted_exit (void) ;

#endif
