#include <string.h>

#include <skalibs/buffer.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "init.h"

/* Boot: a unit starts once everything it is ordered after has finished starting
   (a oneshot exited, a longrun is ready or down, or either failed), and a
   longrun also waits for the early oneshots. A failure fails the units that
   require it and, per --on-failure and FailureAction=, ends the container. */

/* Decisions are logged into buffer_2 without a flush: the loop flushes it once
   per turn (ilog_flush), so a step that starts or stops a hundred units costs a
   few writes, not a hundred. Warnings (strerr) flush it first, so the order of
   lines holds, and so does a oneshot's output, written after ilog_flush. A
   state file is written after a flush too (statedir.c): what nci-ctl shows
   has been logged. */
void ilog (char const *s1, char const *s2, char const *s3, char const *s4)
{
  char const *v[6] = { PROG, ": info: ", s1, s2, s3, s4 } ;
  size_t len = 1 ;
  for (unsigned int i = 0 ; i < 6 ; i++) if (v[i]) len += strlen(v[i]) ;
  /* a line goes out in one write: split, another process's line could come
     between its halves */
  if (len > buffer_available(buffer_2)) ilog_flush() ;
  for (unsigned int i = 0 ; i < 6 ; i++)
    if (v[i] && buffer_puts(buffer_2, v[i]) < 0) return ;
  buffer_put(buffer_2, "\n", 1) ;
}

void ilog_flush (void)
{
  /* nowhere to report a failed write of the log itself */
  buffer_flush(buffer_2) ;
}

void set_exit (int code)
{
  if (G.exit_set) return ;
  G.exitcode = code ;
  G.exit_set = 1 ;
}

/* A report line "NAME LETTERS" of an nci-supervise: each letter an event of
   its unit, in order. */
void on_report (char const *line, size_t len)
{
  char const *sp = memchr(line, ' ', len) ;
  int i, starts ;
  unit *u ;
  if (!sp) return ;
  i = unit_find(line, (size_t)(sp - line)) ;
  if (i < 0) return ;
  u = G.units + i ;
  /* an s with a u in the same report: the service was started */
  starts = !!memchr(sp + 1, 'u', (size_t)(line + len - sp - 1)) ;
  for (char const *c = sp + 1 ; c < line + len ; c++)
  {
    switch (*c)
    {
      case 's' : unit_event(u, EV_SV_S, starts) ; break ;
      case 'u' : unit_event(u, EV_SV_U, 0) ; break ;
      case 'U' : unit_event(u, EV_SV_READY, 0) ; break ;
      case 'F' : unit_event(u, EV_SV_F, 0) ; break ;
      case 'D' : unit_event(u, EV_SV_D, 0) ; break ;
      default : break ;
    }
  }
}

static void boot_complete (void)
{
  char fmt[UINT_FMT] ;
  unsigned int up = 0 ;
  for (unsigned int i = 0 ; i < G.n ; i++)
  {
    enum ustate_e s = G.units[i].state ;
    if (s == U_UP || s == U_DONE || s == U_POST || s == U_UNBINDING) up++ ;
  }
  fmt[uint_fmt(fmt, up)] = 0 ;
  G.booted = 1 ;
  ilog("boot complete: ", fmt, " units up or done", 0) ;
  state_write_boot() ;
  if (G.cmd) command_start() ;
}

/* A pass of the boot: each unit that may go ahead does (init/unit_machine.c);
   the boot is complete once none is on its way. */
void schedule (void)
{
  int pending = 0 ;
  if (G.shutting) { shutdown_step() ; return ; }
  for (unsigned int i = 0 ; i < G.n && !G.shutting ; i++)
  {
    unit_event(G.units + i, EV_TURN, 0) ;
    if (unit_unsettled(G.units + i)) pending = 1 ;
  }
  if (!G.passed) { statedir_complete() ; G.passed = 1 ; }
  if (G.shutting) { shutdown_step() ; return ; }
  if (!pending && !G.booted) boot_complete() ;
}
