/* nci-convert's unit model: what one systemd.services.<name> value means, decided at
   build time, and what the graph makes of all of them. Only nci-convert uses it. */

#ifndef NCI_CONVERT_H
#define NCI_CONVERT_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include <nci/cmdline.h>

/* Growable array of owned strings. */
typedef struct strlist_s strlist ;
struct strlist_s
{
  char **s ;
  size_t n ;
  size_t cap ;
} ;
#define STRLIST_ZERO { .s = 0, .n = 0, .cap = 0 }

extern void strlist_add (strlist *, char const *) ;
extern void strlist_addn (strlist *, char const *, size_t) ;
extern int strlist_has (strlist const *, char const *) ;
extern void strlist_clear (strlist *) ;
extern void strlist_sort_unique (strlist *) ;

/* Dies with 111 on allocation failure: nci-convert is a build-time tool. */
extern void *xmalloc (size_t) ;
extern void *xrealloc (void *, size_t) ;
extern char *xstrdup (char const *) ;
extern char *xstrndup (char const *, size_t) ;

/* A list of command lines for one Exec*= key. */
typedef struct cmdlist_s cmdlist ;
struct cmdlist_s
{
  nci_cmdline *c ;
  size_t n ;
  size_t cap ;
} ;
#define CMDLIST_ZERO { .c = 0, .n = 0, .cap = 0 }

enum svc_type { TYPE_SIMPLE, TYPE_EXEC, TYPE_NOTIFY, TYPE_FORKING, TYPE_ONESHOT } ;
enum exec_key { EXEC_START_PRE, EXEC_START, EXEC_START_POST, EXEC_RELOAD, EXEC_STOP, EXEC_STOP_POST, EXEC_N } ;
enum dep_kind { DEP_AFTER, DEP_BEFORE, DEP_REQUIRES, DEP_WANTS, DEP_BINDS_TO, DEP_REQUISITE, DEP_PART_OF,
  DEP_WANTED_BY, DEP_REQUIRED_BY, DEP_UPHOLDS, DEP_UPHELD_BY, DEP_CONFLICTS, DEP_ON_FAILURE, DEP_ON_SUCCESS, DEP_N } ;
enum dir_kind { DIR_STATE, DIR_RUNTIME, DIR_LOGS, DIR_CACHE, DIR_CONFIGURATION, DIR_N } ;

#define NLIMITS 16

typedef struct limit_s limit ;
struct limit_s
{
  int set ;
  uint64_t soft ;  /* UINT64_MAX: infinity */
  uint64_t hard ;
} ;

/* A timer's [Timer] section (timerConfig). */
enum timer_span { TIMER_ON_ACTIVE, TIMER_ON_BOOT, TIMER_ON_STARTUP, TIMER_ON_UNIT_ACTIVE, TIMER_ON_UNIT_INACTIVE, TIMER_SPAN_N } ;

typedef struct timer_config_s timer_config ;
struct timer_config_s
{
  strlist on_calendar ;            /* normalized expressions */
  strlist spans[TIMER_SPAN_N] ;    /* microseconds, in decimal */
  char *unit ;                     /* Unit=, or 0: the service of the timer's own name */
  char *service ;                  /* the service it triggers, a name of tree.units, or 0: none (timers.c) */
  int at_boot ;                    /* something the boot starts wants it (timers.target...): graph.c */
  int persistent ;
  int wake_system ;
  int remain_after_elapse ;
  int fixed_random_delay ;
  uint64_t accuracy_usec ;
  uint64_t randomized_delay_usec ;
} ;

typedef struct unit_s unit ;
struct unit_s
{
  char *name ;          /* map key, without ".service" */
  char *description ;
  int enabled ;
  int is_template ;     /* "foo@" */
  int has_start_at ;
  strlist start_at ;    /* startAt: its calendar expressions, normalized */
  int default_deps ;
  int is_timer ;        /* a systemd.timers.<name>: the name ends in ".timer" */
  int is_socket ;       /* a systemd.sockets.<name>: the name ends in ".socket" */
  timer_config timer ;

  enum svc_type type ;
  cmdlist exec[EXEC_N] ;
  int remain_after_exit ;
  int permissions_start_only ;
  char *pid_file ;
  char *restart ;
  uint64_t restart_usec ;
  unsigned int start_limit_burst ;
  uint64_t start_limit_interval_usec ;
  uint64_t timeout_start_usec ;
  uint64_t timeout_stop_usec ;
  int kill_signal ;
  char *kill_mode ;
  strlist success_exit_status ;   /* normalised: numbers and signal names */
  char *failure_action ;
  char *success_action ;

  char *user ;
  char *group ;
  strlist supplementary_groups ;
  char *working_directory ;
  strlist env ;                   /* KEY=VALUE, later ones override earlier ones */
  strlist env_files ;
  int umask ;                     /* -1: unset */
  int nice_set ;
  int nice ;
  limit limits[NLIMITS] ;
  strlist dirs[DIR_N] ;
  unsigned int dir_mode[DIR_N] ;
  char *std_output ;              /* nci-exec -o value */
  char *std_error ;               /* nci-exec -O value */
  int no_new_privileges ;

  strlist deps[DEP_N] ;           /* full unit names, as given */
} ;

/* Report entries: what was ignored or not started, per unit. report_add may be
   called from several threads at once. */
/* FAILS: the input asks for something that makes a unit fail at boot. */
enum report_kind { REPORT_UNSUPPORTED, REPORT_FAILS, REPORT_NOTE, REPORT_N } ;
extern void report_add (enum report_kind, char const *unitname, char const *key, char const *msg) ;
extern int report_any (enum report_kind) ;
extern char *report_text (void) ;   /* sorted lines, "UNIT: KEY: unsupported|fails|note: MSG" */

/* Set by main: the input's name, for error messages. */
extern char const *input_name ;

/* Dies with exit code 1: "nci-convert: fatal: FILE: unit NAME: KEY: MSG". */
extern void die_unit (char const *unitname, char const *key, char const *msg) __attribute__((noreturn)) ;

/* What die_unit would print, kept instead (owned strings). */
typedef struct unit_error_s unit_error ;
struct unit_error_s
{
  char *unitname ;
  char *key ;
  char *msg ;
} ;

/* Parses one unit; dies on bad input. */
extern void unit_parse (unit *, char const *name, json_t const *) ;

/* unit_parse that returns 0 and fills *err where unit_parse would die: for threads,
   which must not exit with whichever bad unit they meet first. The unit is then
   left half made. */
extern int unit_parse_catch (unit *, char const *name, json_t const *, unit_error *err) ;

/* Runs f(ctx, i) for every i in [0, n), on as many threads as there are CPUs (up to
   a few), the caller's among them; items are handed out in increasing order. */
extern void parallel_for (size_t n, void (*f)(void *ctx, size_t i), void *ctx) ;

/* One member of the input's top-level object. */
typedef struct member_s member ;
struct member_s
{
  char *key ;            /* the unit name as written, ".service" or not */
  char const *text ;     /* the value's JSON text, in the input, to be parsed */
  size_t len ;
  json_t *value ;        /* or the value, when the whole input had to be parsed */
} ;

/* Splits a JSON text made of one object into its members (key and value text, no
   value parsed) in *m. Returns their number, or (size_t)-1 when the top level is not
   simply a well-formed object: then the text must be parsed whole, to get jansson's
   own error. */
extern size_t json_split (char const *s, size_t len, member **m) ;

/* Between begin and end, jansson's memory comes from per-thread blocks: json_decref
   frees nothing, json_arena_clear frees every value of the calling thread, and
   json_arena_end, with no other thread running, every value. */
extern void json_arena_begin (void) ;
extern void json_arena_clear (void) ;
extern void json_arena_end (void) ;

#define INPUT_JSON_FLAGS (JSON_REJECT_DUPLICATES | JSON_DECODE_ANY)

typedef struct input_s input ;
struct input_s
{
  char const *s ;        /* the input's text, in buf */
  size_t len ;
  stralloc buf ;
  member *m ;            /* sorted by key */
  size_t n ;
} ;

/* Reads the input (a file or "-") and splits it into its members; if it cannot be
   split, parses it whole, dying with jansson's error (line and column in the file)
   if it is not JSON, and if it is not an object. */
extern void input_load (input *, char const *file) ;

/* Called when a member's text does not parse: dies with jansson's error for the
   whole input. */
extern void input_die_json (input const *, char const *key) __attribute__((noreturn)) ;

extern void input_free (input *) ;

typedef struct tree_s tree ;
struct tree_s
{
  unit *units ;        /* all services of the input, sorted by name */
  size_t n ;
  unit *timers ;       /* the timers: systemd.timers and those startAt makes, sorted by name */
  size_t ntimers ;
  size_t *order ;      /* started units in boot order: indices into units */
  int *demand ;        /* per unit: started by a timer only, not at boot */
  size_t norder ;
  strlist *after ;     /* per unit: started units it starts after (names, sorted) */
  strlist *requires ;  /* per unit: units whose failure fails it, also ones that never start */
  strlist *binds_to ;
  strlist *part_of ;
} ;

/* Makes t->units from the input's members, sorted by unit name, parsing their JSON
   where the input was split. Dies with the error a pass over the members one by
   one in key order would meet first: jansson's for the whole input if any member
   is not JSON, else an invalid or doubly defined name, or a unit that does not
   parse. */
extern void units_parse (tree *t, input const *in) ;

/* timers.c: takes the timers and sockets out of t->units, makes the timers of
   startAt, and finds the service each triggers. */
extern void timers_build (tree *t) ;

extern void graph_build (tree *) ;

typedef struct paths_s paths ;
struct paths_s
{
  char const *execline_bindir ;
  char const *nci_bindir ;
} ;

/* Appends an execline script for the command lists of u to sa. */
extern void script_write (stralloc *sa, unit const *u, enum exec_key const *keys, unsigned int nkeys, int exec_last, paths const *p) ;

/* Writes the tree into dir (which exists and is empty), the units' directories on
   several threads. Files get their mode from open: the umask must be 022, as main
   sets it. Returns 1, or 0 with errno. */
extern int tree_write (char const *dir, tree const *t, paths const *p, char const *report) ;

#endif
