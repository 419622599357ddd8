#ifndef NCI_SUPERVISE_H
#define NCI_SUPERVISE_H

#include <sys/types.h>
#include <limits.h>
#include <stdint.h>
#include <skalibs/tai.h>
#include <nci/svstatus.h>
#include <nci/unitstate.h>
#include <nci/outstream.h>
#include <nci/statefile.h>

typedef struct sv_s sv ;

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
extern void notify_read (sv *s, int fd) ;

/* The state machine (machine.c): a service's life is one state, changed there
   only, on the events below; doc/state.md has the table of what each event
   does in each state, and tests/unit/test_supervise_machine.c checks the code
   against it. */
enum svstate_e
{
  SV_DOWN,        /* not running, not failed */
  SV_GAP,         /* down after a restart (r): started again RESTART_GAP_MS later */
  SV_FAILED,      /* down after a failure, not restarted */
  SV_RESTARTING,  /* down, waiting restart-sec before Restart= starts it again */
  SV_STARTING,    /* run started, not ready */
  SV_START_POST,  /* ready: its start-post script runs */
  SV_UP,          /* ready (a reload script may run) */
  SV_STOP_SCRIPT, /* its stop script (ExecStop=) runs */
  SV_STOP_SIGNAL, /* down-signal sent per kill-mode: waits for its processes, SIGKILL at the deadline */
  SV_STOP_KILL,   /* SIGKILL sent: waits for its processes */
  SV_FINISHING,   /* its finish script runs */
  SV_NSTATES
} ;

enum svevent_e
{
  SE_UP,          /* u: wanted up */
  SE_ONCE,        /* o: started once */
  SE_DOWN,        /* d: wanted down */
  SE_RESTART,     /* r */
  SE_FAIL,        /* F: nci-init failed the unit */
  SE_EXIT,        /* x: exit once down */
  SE_ONCE_AT_MOST,/* O */
  SE_RELOAD,      /* h */
  SE_MAIN_EXIT,   /* the main process exited (arg: wait status) */
  SE_CTL_EXIT,    /* the control script (start-post, stop, reload, finish) exited (arg: wait status) */
  SE_OTHER_EXIT,  /* another process of the service was reaped */
  SE_READY,       /* its readiness came (exec, notify, notification-fd) */
  SE_TIMEOUT,     /* the deadline passed */
  SE_GROUP_CHECK, /* a look whether processes of a stopped service are left */
  SE_ADOPTED_EXIT,/* the main process taken over from an earlier nci-supervise ended */
  SE_MAINPID,     /* MAINPID= (arg: the pid) */
  SE_EXTEND,      /* EXTEND_TIMEOUT_USEC= (arg: milliseconds) */
  SE_N
} ;

/* What the current or next stop was asked to lead to. */
enum svpending_e { PEND_NONE, PEND_STOP, PEND_RESTART, PEND_FAIL } ;
enum want_e { WANT_DOWN, WANT_UP, WANT_ONCE } ;

extern char const *const svstate_names[SV_NSTATES] ;
extern char const *const svevent_names[SE_N] ;

/* What publish.c keeps of a service between its announces and its publish. */
typedef struct svpub_s svpub ;
struct svpub_s
{
  char pending[32] ;            /* letters announced, not sent yet */
  size_t npending ;
  int dirty ;                   /* a change not written yet */
  nci_svstatus snap_st ;        /* the state as of the last announce */
  nci_unitstate snap_u ;
  tain publish_at ;
  int publish_timed ;
  nci_statefile f_status, f_state ;
  tain prepare_at ;
  int prepare_timed ;
} ;

struct sv_s
{
  char const *name ;
  enum svstate_e state ;
  /* control beside the state, three fields: */
  enum want_e want ;
  enum svpending_e pending ;
  int exiting ;                 /* x: exit once the service is down */
  pid_t mainpid ;
  pid_t pgid[2] ;               /* the service's session, and the forked daemon's group */
  pid_t ctlpid ;                /* the control script the state runs (or a reload, or one being ended) */
  int paused ;                  /* SIGSTOP sent, no SIGCONT since */
  int main_wstat ;
  int has_exit ;
  uint64_t since_ms ;           /* when the state shown last changed */
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
  svpub pub ;
  policy pol ;                  /* last: its large pid_file is rarely touched */
} ;

extern void sv_event (sv *s, enum svevent_e ev, int arg) ;
extern void sv_begin (sv *s) ;   /* the first start, when wanted up */
extern enum nci_unitstate_state_e sv_shown_state (sv *s) ;
extern int sv_gone (sv *s) ;      /* exiting and down: nci-supervise may exit */
extern int sv_group_wait (sv *s) ;  /* stopped but for processes of its group: look again soon */
extern void sv_take_over (sv *s, int ready, int stopping) ;  /* adopt.c found its service running */
extern void sv_stay_failed (sv *s) ;  /* adopt.c found it failed */
extern void sv_signal_main (sv *s, int sig) ;  /* a control byte's signal to the main process */
/* publish.c */
extern void sv_announce (sv *s, char const *event) ;  /* a change, and its event letters (or 0) */
extern void sv_publish (sv *s) ;  /* writes the status files and sends the letters, if anything changed */
extern int sv_publish_later (sv *s, tain *when) ;  /* 1: sv_publish may wait until *when */
extern int sv_prepare_later (sv *s, tain *when) ;  /* 1: sv_prepare is due at *when */
extern void sv_prepare (sv *s) ;  /* makes the status files' next temporary files */
extern void sv_publish_init (sv *s) ;
extern void sv_log (sv *s, char const *s1, char const *s2, char const *s3) ;

/* Spawning: the service's run, and the control scripts. */
extern pid_t spawn_run (sv *s, int *readyfd) ;
extern pid_t spawn_script (sv *s, char const *script, char const *const *args, char const *const *env) ;

/* Signals to the service per KillMode; group_empty tells whether any process of
   the service is left. */
extern void kill_service (sv *s, int sig, int all) ;
extern int service_left (sv *s) ;
extern pid_t child_guess (sv *s) ;
/* Type=forking: the main process once the started one exited, 0 when unknown */
extern pid_t forked_main (sv *s) ;
extern void signal_ctl (sv *s, int sig) ;
extern void signal_main (sv *s, int sig) ;
extern pid_t group_of (pid_t pid) ;

/* Files of the service directory. */
extern void control_init (sv *s) ;
extern void sv_on_control (sv *s, unsigned char c) ;

/* A service left running by a previous nci-supervise on the same directory (it
   died; nci-init started this one) is taken over, not started twice. */
extern int adopt (sv *s) ;
/* A service the previous nci-supervise left failed stays failed and down:
   returns 1 when so (the state is taken over). */
extern int failed_before (sv *s) ;

#endif
