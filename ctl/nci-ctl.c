#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/buffer.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include <nci/signal.h>
#include "ctl.h"

#define USAGE "nci-ctl [ -s statedir ] status [ unit... ] | start|stop|restart|reload unit... | kill sig unit..." \
  " | wait [ --ready ] [ -t ms ] unit... | check [ --ready ]" \
  " | list-timers | calendar [ --iterations n ] [ --base-time time ] expression..."
#define dieusage() strerr_dieusage(100, USAGE)

static char const help_text[] =
  "usage: " USAGE "\n"
  "\n"
  "  status [UNIT...]       a table of the units: all of them by name, or the UNITs given\n"
  "  start UNIT...          start a longrun (its restart policy applies again; clears failed)\n"
  "  stop UNIT...           stop a longrun and keep it down\n"
  "  restart UNIT...        stop a longrun and start it again\n"
  "  reload UNIT...         run its reload script (ExecReload=), else send it SIGHUP\n"
  "  kill SIG UNIT...       send SIG (TERM, SIGUSR1, 10...) to the main process of a longrun\n"
  "  wait [--ready] [-t MS] UNIT...\n"
  "                         wait until every UNIT is up (starting counts), or with --ready ready;\n"
  "                         at most MS milliseconds (0: no limit, the default)\n"
  "  check [--ready]        exit 0 when every unit is up (or ready), for exec probes; else\n"
  "                         print \"UNIT: STATE\" for each unit that is not\n"
  "  list-timers            the timers: next and last elapse, the unit each starts\n"
  "  calendar [--iterations N] [--base-time TIME] EXPRESSION...\n"
  "                         the normalized form and the next N (default 1) elapses of each\n"
  "                         OnCalendar= expression after TIME (default now), as\n"
  "                         systemd-analyze calendar prints them; TIME is @SECONDS or a\n"
  "                         date and time such as \"2026-01-31 12:00 UTC\"\n"
  "\n"
  "  -s STATEDIR            the state directory (default: $NCI_STATE_DIR, else /run/nci)\n"
  "  -r                     same as --ready\n"
  "\n"
  "At most 4096 units in one state directory or command.\n"
  "Exit codes: 0 done; 1 not up, not ready or failed (check, wait; also a timeout), or\n"
  "the service is down (kill), or an invalid expression (calendar); 2 unknown unit; 3 reload of a oneshot;\n"
  "100 wrong usage; 111 system failure, or the unit not supervised; 128+N wait\n"
  "interrupted by signal N.\n" ;

static void help (void)
{
  if (buffer_putsflush(buffer_1, help_text) < 0) strerr_diefu1sys(111, "write to stdout") ;
  _exit(0) ;
}

static struct { char const *name ; char opt ; } const longopts[] =
{
  { "ready", 'r' },
  { "help", 'h' },
  { "iterations", 'n' },
  { "base-time", 'b' },
} ;

/* subgetopt_r knows no long options: it stops at "--NAME" with '?' and problem '-',
   where a name of longopts is taken as its letter, with its argument after '=' or
   as the next word when the letter takes one. */
static int option_next (int argc, char const *const *argv, char const *opts, subgetopt *l)
{
  int opt = subgetopt_r(argc, argv, opts, l) ;
  if (opt == '?' && l->problem == '-' && l->pos == 1)
  {
    char const *name = argv[l->ind] + 2 ;
    size_t len = strcspn(name, "=") ;
    char const *letter = 0 ;
    for (unsigned int k = 0 ; k < sizeof longopts / sizeof longopts[0] ; k++)
      if (strlen(longopts[k].name) == len && !strncmp(name, longopts[k].name, len))
        letter = strchr(opts, longopts[k].opt) ;
    l->ind++ ;
    l->pos = 0 ;
    if (!letter) return '?' ;
    opt = *letter ;
    if (letter[1] != ':') return name[len] ? '?' : opt ;
    if (name[len]) l->arg = name + len + 1 ;
    else if (l->ind < argc) l->arg = argv[l->ind++] ;
    else return '?' ;
  }
  return opt ;
}

typedef struct opts_s opts ;
struct opts_s
{
  int ready ;
  unsigned int ms ;
  unsigned int iterations ;
  char const *base ;
} ;

/* A command's options (from letters: r, t, n, b, always h); returns the index of its
   first argument. */
static int options (int argc, char const *const *argv, char const *letters, opts *o)
{
  subgetopt l = SUBGETOPT_ZERO ;
  for (;;)
  {
    int opt = option_next(argc, argv, letters, &l) ;
    if (opt == -1) break ;
    switch (opt)
    {
      case 'r' : o->ready = 1 ; break ;
      case 't' : if (!uint0_scan(l.arg, &o->ms) || o->ms > INT_MAX) dieusage() ; break ;
      case 'n' : if (!uint0_scan(l.arg, &o->iterations) || o->iterations > 100000) dieusage() ; break ;
      case 'b' : o->base = l.arg ; break ;
      case 'h' : help() ; break ;
      default : dieusage() ;
    }
  }
  return l.ind ;
}

static struct { char const *name ; char c ; } const sends[] =
{
  { "start", 'u' },
  { "stop", 'd' },
  { "restart", 'r' },
  { "reload", 'h' }
} ;

static int command (int argc, char const *const *argv)
{
  char const *cmd = argv[0] ;
  opts o = { .ready = 0, .ms = 0, .iterations = 1, .base = 0 } ;
  int sig, i ;
  if (!strcmp(cmd, "wait"))
  {
    i = options(argc, argv, "rt:h", &o) ;
    if (i >= argc) dieusage() ;
    ctl_statedir_check() ;
    return ctl_wait(argv + i, (unsigned int)(argc - i), o.ready, o.ms) ;
  }
  if (!strcmp(cmd, "check"))
  {
    if (options(argc, argv, "rh", &o) < argc) dieusage() ;
    ctl_statedir_check() ;
    return ctl_check(o.ready) ;
  }
  if (!strcmp(cmd, "list-timers"))
  {
    if (options(argc, argv, "h", &o) < argc) dieusage() ;
    ctl_statedir_check() ;
    return ctl_list_timers() ;
  }
  if (!strcmp(cmd, "calendar"))
  {
    i = options(argc, argv, "n:b:h", &o) ;
    if (i >= argc) dieusage() ;
    return ctl_calendar(argv + i, (unsigned int)(argc - i), o.iterations, o.base) ;
  }
  i = options(argc, argv, "h", &o) ;
  if (!strcmp(cmd, "status"))
  {
    ctl_statedir_check() ;
    return ctl_status(argv + i, (unsigned int)(argc - i)) ;
  }
  if (!strcmp(cmd, "kill"))
  {
    if (argc - i < 2) dieusage() ;
    if (!nci_signal_parse(argv[i], &sig)) strerr_dief2x(100, "invalid signal: ", argv[i]) ;
    ctl_statedir_check() ;
    return ctl_kill(sig, argv + i + 1, (unsigned int)(argc - i - 1)) ;
  }
  for (unsigned int k = 0 ; k < sizeof sends / sizeof sends[0] ; k++)
  {
    if (strcmp(cmd, sends[k].name)) continue ;
    if (i >= argc) dieusage() ;
    ctl_statedir_check() ;
    return ctl_send(cmd, sends[k].c, argv + i, (unsigned int)(argc - i)) ;
  }
  dieusage() ;
}

int main (int argc, char const *const *argv)
{
  char const *env = getenv("NCI_STATE_DIR") ;
  subgetopt l = SUBGETOPT_ZERO ;
  PROG = "nci-ctl" ;
  if (env && *env) ctl_statedir = env ;
  for (;;)
  {
    int opt = option_next(argc, argv, "s:h", &l) ;
    if (opt == -1) break ;
    switch (opt)
    {
      case 's' : ctl_statedir = l.arg ; break ;
      case 'h' : help() ; break ;
      default : dieusage() ;
    }
  }
  if (l.ind >= argc || !*ctl_statedir) dieusage() ;
  return command(argc - l.ind, argv + l.ind) ;
}
