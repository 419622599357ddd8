#ifndef NCI_INIT_H
#define NCI_INIT_H

#include <sys/types.h>
#include <signal.h>
#include <skalibs/tai.h>
#include <skalibs/iopause.h>
#include <nci/outstream.h>
#include <nci/unitstate.h>

/* The life of a unit as nci-init sees it: one state is the whole truth of
   where the unit is; init/unit_machine.c alone changes it, on the events
   below. doc/state.md has the table of what each event does in each state,
   and tests/unit/test_unit_machine.c checks the code against that table. */
enum ustate_e
{
  U_WAITING,          /* not started: waiting for what it is ordered after */
  U_STARTING,         /* oneshot: its up script runs; longrun: its nci-supervise runs, the service is not ready */
  U_TIMED_OUT,        /* oneshot: its up script outlived its start timeout and is being killed */
  U_UP,               /* oneshot: done with RemainAfterExit; longrun: ready */
  U_POST,             /* oneshot: done without RemainAfterExit, its down script (ExecStop) runs */
  U_DONE,             /* not running and not failed: a oneshot done or stopped, a longrun down */
  U_STOPPING,         /* oneshot: stopped by a command, the script that ends it runs */
  U_UNBINDING,        /* longrun: stopped with what it is bound to, its nci-supervise's D not seen yet */
  U_FAILING,          /* longrun: failed by nci-init, its nci-supervise told F and not said F yet */
  U_FAILED,           /* failed, nothing of it runs */
  U_FAILED_STOPPING,  /* oneshot: failed, a script of it still runs or its down script is to run */
  U_ABORTING,         /* oneshot: the container stops while its up script runs: that script is being killed */
  U_SHUT_STOPPING,    /* its turn in the container's stop came: its stop runs */
  U_STOPPED,          /* the container's stop is done with it */
  U_NSTATES
} ;

enum uevent_e
{
  EV_TURN,            /* a pass of the boot: starts what may start (waiting), runs what was held back */
  EV_DEP_FAILED,      /* a unit it requires failed (arg: its index) */
  EV_BOUND_DOWN,      /* a unit it is bound to (BindsTo=, PartOf=) went down or failed (arg: its index) */
  EV_EXIT,            /* its script (oneshot) or nci-supervise (longrun) exited (arg: the wait status) */
  EV_TIMEOUT,         /* its deadline passed */
  EV_SV_S,            /* its nci-supervise said s: started (arg: 1 when the same report says u) */
  EV_SV_U,            /* ... u: the service started */
  EV_SV_READY,        /* ... U: the service is ready */
  EV_SV_F,            /* ... F: the service failed and stays down */
  EV_SV_D,            /* ... D: the service is down */
  EV_CMD_START,       /* nci-ctl start (oneshots: a longrun's commands go to its nci-supervise) */
  EV_CMD_STOP,        /* nci-ctl stop */
  EV_CMD_RESTART,     /* nci-ctl restart */
  EV_SHUTDOWN,        /* the container's stop begins */
  EV_STOP_TURN,       /* its turn in the container's stop: every unit ordered after it is stopped */
  EV_N
} ;

extern char const *const ustate_names[U_NSTATES] ;
extern char const *const uevent_names[EV_N] ;

enum action_e { ACT_NONE, ACT_EXIT } ;

/* A oneshot's output goes through init's own line prefixing, in a slot of
   its own while it runs. There are as many slots as oneshots, so any number
   of them can run at once; a slot lingers while something the oneshot left
   behind still writes, and is given up when a new script needs it. */
typedef struct slot_s slot ;
struct slot_s
{
  nci_outstream out[2] ;            /* stdout, stderr */
  int unit ;                        /* the unit whose script writes here, -1 */
  int linger ;                      /* its oneshot is gone, something it started may still write */
  char prefix[130] ;
} ;

/* A timer's schedule (doc/tree.md), read once; the spans in milliseconds. */
enum tspan_e { TS_ACTIVE, TS_BOOT, TS_STARTUP, TS_UNIT_ACTIVE, TS_UNIT_INACTIVE, TS_N } ;

typedef struct utimer_s utimer ;
struct utimer_s
{
  unsigned int target ;             /* the unit it starts */
  struct nci_calendar_s *cal ;      /* its OnCalendar= expressions */
  unsigned int ncal ;
  unsigned int *span[TS_N] ;
  unsigned int nspan[TS_N] ;
  int persistent ;
  unsigned int random_ms ;          /* RandomizedDelaySec= */
  int fixed_random ;
  tain armed ;                      /* when it was last started (OnActiveSec=), monotonic */
  tain last ;                       /* its last elapse, monotonic; 0: none in this run */
  uint64_t last_real ;              /* the same, realtime microseconds; 0: never (kept with Persistent=) */
  uint64_t next_real ;              /* its next elapse, realtime microseconds, shown; 0: none */
  int stopped ;                     /* disarmed by a command (not armed again by its unit's start) */
  tain seen_start, seen_stop ;      /* its unit's started_at and stopped_at when it was last armed */
} ;

typedef struct unit_s unit ;
struct unit_s
{
  char const *name ;
  int longrun ;
  utimer *timer ;                   /* a timer, or 0 */
  int demand ;                      /* started by a timer or a command, not at boot */
  tain started_at ;                 /* when it last began to start, monotonic (OnUnitActiveSec=) */
  tain stopped_at ;                 /* when it last ended after a start (OnUnitInactiveSec=) */
  unsigned int *after, nafter ;     /* indices of the units this is ordered after */
  unsigned int *req, nreq ;         /* requires, binds-to, requisite: their failure fails this */
  unsigned int *bind, nbind ;       /* binds-to, part-of: their stop stops this */
  unsigned int *rafter, nrafter ;   /* the units ordered after this one */
  char const *missing ;             /* a requirement that is not in the tree, or 0 */
  char const *files ;               /* the names in its tree directory, each NUL-terminated */
  unsigned int nfiles ;
  enum ustate_e state ;             /* changed by unit_machine.c only */
  int early ;                       /* a oneshot ordered after no longrun */
  int remain ;
  int has_down ;
  enum action_e failure_action, success_action ;
  unsigned int timeout_ms ;         /* oneshot: timeout-start, 0 = none */
  unsigned int kill_ms ;            /* oneshot: timeout-kill */
  pid_t pid ;                       /* oneshot's script, or the longrun's nci-supervise */
  /* control beside the state, five fields: */
  int killsig ;                     /* oneshot: the last signal its stop sent its running script, 0 none */
  int pending ;                     /* oneshot: started by a command once its running script ends */
  int spawn_failing ;               /* oneshot: its last script could not be started (said once) */
  int sv_announced ;                /* longrun: its nci-supervise said s */
  unsigned int sv_count ;           /* longrun: nci-supervises started for it */
  int linked ;                      /* its state directory is whole (statedir.c) */
  tain deadline ;
  tain sv_started ;                 /* longrun: when its nci-supervise last started */
  int svfds[4] ;                    /* longrun: output pipes kept across nci-supervise restarts */
  int slot ;                        /* oneshot: output slot while it runs, -1 */
  int exitcode ;                    /* what this unit's failure makes the container exit with */
  nci_unitstate st ;                /* oneshot: written to supervise/nci-state */
  char why[128] ;                   /* why it failed, for the log and the state; empty: it has not */
} ;

typedef struct init_s init_t ;
struct init_s
{
  char const *tree ;
  char const *statedir ;
  int prefix ;
  int on_failure_exit ;
  unsigned int grace_ms ;
  char const *const *cmd ;          /* command mode, or 0 */
  pid_t cmdpid ;
  int pid1 ;
  unit *units ;
  unsigned int n ;
  unsigned int *byname ;            /* unit indices sorted by name */
  unsigned int early_left ;         /* early oneshots not settled: kept by unit_machine.c */
  unsigned int *stoplog ;           /* the units whose stop began in this shutdown step, to log */
  unsigned int nstoplog ;
  int booted ;
  int passed ;                      /* the boot's first pass is done: every unit's directory is whole */
  int shutting ;
  int final ;                       /* all units stopped: TERM/KILL to what is left */
  int down ;                        /* nothing left: nci-init is exiting */
  int killed_all ;
  int exitcode ;
  int exit_set ;
  tain started ;                    /* nci-init's start (OnBootSec=, OnStartupSec=) */
  tain final_deadline ;
  tain grace_end ;                  /* the stop's one grace, from its first SIGTERM; 0: not begun */
  int reportr, reportw ;            /* the pipe every nci-supervise reports on */
  int ctlr, ctlw ;                  /* STATEDIR/.nci-init/control, the oneshots' commands */
  int nullfd ;
  char supervise_path[4096] ;
  int signal_stop ;                 /* the shutdown came from a signal */
  slot *slots ;                     /* one per oneshot, at least one */
  int nslots ;
  iopause_fd *iox ;                 /* the loop's: 3 + 4 per slot */
  int *iowho ;                      /* which slot and stream each of iox is */
} ;

extern init_t G ;

/* timers.c: a timer's schedule (the machine, unit_machine.c, decides when to use it) */
extern int timer_arm (unit *t) ;
extern void timer_disarm (unit *t) ;
extern int timer_waits_for_unit (unit const *t) ;
extern int timer_unit_changed (unit const *t) ;
extern void timer_elapse (unit *t) ;
extern void timer_show (unit *t) ;

/* tree_load.c */
extern void tree_load (void) ;
extern int unit_find (char const *name, size_t len) ;

/* pidmap.c: the unit whose script or nci-supervise has that pid, or 0; u->pid is
   set through unit_set_pid only */
extern void pidmap_init (unsigned int n) ;
extern unit *unit_by_pid (pid_t pid) ;
extern void unit_set_pid (unit *u, pid_t pid) ;

/* statedir.c */
/* STATEDIR/NAME + suffix into buf (PATH_MAX), the longest suffix being
   "/supervise/nci-state.new": checked against PATH_MAX at start */
#define UNIT_PATH_SUFFIX_MAX 32
extern void unit_path (char *buf, unit const *u, char const *suffix) ;
extern void statedir_prepare (void) ;
extern void unit_link (unit *u) ;
extern void statedir_complete (void) ;
extern void state_write_boot (void) ;
extern void state_write_unit (unit *u) ;

/* unit_machine.c: every change of a unit's state, on an event */
extern void unit_event (unit *u, enum uevent_e ev, int arg) ;
extern int unit_unsettled (unit const *u) ;
extern int unit_has_failed (unit const *u) ;

/* The actions the machine asks for: each does what it says to the world
   (a process, a file, the log) and changes no unit's state. */
/* scripts.c: a oneshot's scripts. script_run starts ./up or ./down and
   returns 1, or 0 with errno set (said); script_ended gives up its output
   slot once drained. */
extern int script_run (unit *u, char const *script) ;
extern int scripts_running (void) ;
extern void script_signal (unit *u, int sig) ;
extern void script_ended (unit *u) ;
extern void slot_check (int i) ;
extern void slots_drain (void) ;
/* longrun.c: a longrun's nci-supervise. sv_spawn returns 1, or 0 (said). */
extern int sv_spawn (unit *u, int down) ;
extern void sv_control (unit *u, char c) ;
extern void sv_signal (unit *u, int sig) ;
extern int sv_read (unit *u, nci_unitstate *st) ;
extern int sv_wantup (unit *u) ;
/* statedir.c */
extern void unit_show (unit *u, enum nci_unitstate_state_e st) ;

/* boot.c */
extern void schedule (void) ;
extern void on_report (char const *line, size_t len) ;
extern void set_exit (int code) ;
extern void ilog (char const *s1, char const *s2, char const *s3, char const *s4) ;
extern void ilog_flush (void) ;
/* The signals nci-init acts on or passes on: its stop signals, SIGCHLD, and those for a command. */
extern void signals_fill (sigset_t *set) ;

/* shutdown.c */
extern void shutdown_begin (int code) ;
extern void shutdown_step (void) ;
extern void final_step (void) ;
extern int nothing_left (void) ;
extern void final_resignal (void) ;

/* command.c */
extern void command_start (void) ;
extern void on_command_exit (int wstat) ;

/* control.c */
extern void control_open (void) ;
extern void control_read (void) ;
extern void lines_read (int fd, char *buf, size_t *len, size_t max, void (*f) (char const *, size_t), char const *what) ;

/* spawn.c: path with argv, fds[i] on descriptor i for i < nfds (nothing else
   open), in a new session, in dir if not 0, with no signal blocked. Returns the
   pid or -1 (errno set); the child exits setup_code if it cannot set that up,
   127 or 126 if it cannot exec path (not found, or another reason). */
#define SPAWN_FDS_MAX 8
extern pid_t spawn_child (char const *path, char const *const *argv, char const *dir, int const *fds, unsigned int nfds, int setup_code) ;

/* vm.c: PID 1 of a machine (the initial PID namespace): mounts what is
   missing, then forks; returns in the child, the nci-init that runs the tree,
   and never in PID 1, which powers off once the child is gone. Returns at
   once in any other PID 1. */
extern void vm_init (void) ;

#endif
