#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include <nci/children.h>
#include "init.h"

/* Shutdown: the command first, then the units in reverse order (a unit stops
   once every unit ordered after it has stopped), each per its own stop policy
   (nci-supervise's for a longrun, the down script for a oneshot); then TERM to
   every process left, KILL after the grace, and the end as soon as none is left. */

void shutdown_begin (int code)
{
  if (G.shutting) return ;
  G.shutting = 1 ;
  set_exit(code) ;
  ilog("stopping", 0, 0, 0) ;
  for (unsigned int i = 0 ; i < G.n ; i++) unit_event(G.units + i, EV_SHUTDOWN, 0) ;
  if (G.cmdpid > 0)
  {
    tain t ;
    kill(G.cmdpid, SIGTERM) ;
    kill(G.cmdpid, SIGCONT) ;
    tain_from_millisecs(&t, (int)G.grace_ms) ;
    tain_add_g(&G.grace_end, &t) ;
    G.final_deadline = G.grace_end ;
  }
  state_write_boot() ;
  shutdown_step() ;
}

/* A unit's turn to stop comes once every unit ordered after it has stopped,
   whether or not that one had anything to stop (the order is transitive
   through a oneshot with no ExecStop). The early oneshots, which every
   longrun waited for at boot, wait for every longrun's nci-supervise to have
   ended: a prep script's ExecStop must not pull a directory from under a
   service still stopping. */
static int can_stop (unit const *u, unsigned int longruns_left)
{
  if (!u->longrun && u->early && longruns_left) return 0 ;
  for (unsigned int j = 0 ; j < u->nrafter ; j++)
    if (G.units[u->rafter[j]].state != U_STOPPED) return 0 ;
  return 1 ;
}

static void final_begin (void) ;

void shutdown_step (void)
{
  unsigned int left ;
  int changed ;
  if (G.final) return ;
  if (G.cmdpid > 0) return ;
  /* until nothing more can stop now: a unit with nothing to stop is stopped
     at once, which may let the units before it stop in the same step */
  do
  {
    unsigned int longruns_left = 0 ;
    changed = 0 ;
    for (unsigned int k = 0 ; k < G.n ; k++)
      if (G.units[k].longrun && G.units[k].pid > 0) longruns_left++ ;
    for (unsigned int k = G.n ; k-- ;)
    {
      unit *u = G.units + k ;
      if (u->state == U_STOPPED || !can_stop(u, longruns_left)) continue ;
      unit_event(u, EV_STOP_TURN, 0) ;
      if (u->state == U_STOPPED) changed = 1 ;
    }
  } while (changed) ;
  /* logged once every stop of this step is under way: a line is a write, and
     the last unit's stop would wait for all the lines before it */
  for (unsigned int k = 0 ; k < G.nstoplog ; k++) ilog("stopping ", G.units[G.stoplog[k]].name, 0, 0) ;
  G.nstoplog = 0 ;
  left = 0 ;
  for (unsigned int k = 0 ; k < G.n ; k++) if (G.units[k].state != U_STOPPED) left++ ;
  if (!left) final_begin() ;
}

/* Every process left, whoever it is: as PID 1 they are all in the container;
   otherwise they are nci-init's descendants, its children as their subreaper. */
static void signal_rest (int sig)
{
  static char buf[65536] ;
  static pid_t v[8192] ;
  ssize_t n ;
  if (G.pid1) { kill(-1, sig) ; return ; }
  n = nci_children(buf, sizeof buf, v, sizeof v / sizeof *v) ;
  for (ssize_t i = 0 ; i < n ; i++)
  {
    kill(v[i], sig) ;
    if (sig != SIGKILL) kill(v[i], SIGCONT) ;
  }
}

/* Not PID 1, the orphans of what was signalled come back to nci-init one by
   one as their parents die: they get the same treatment. */
void final_resignal (void)
{
  if (!G.final || G.pid1) return ;
  signal_rest(G.killed_all ? SIGKILL : SIGTERM) ;
}

int nothing_left (void)
{
  siginfo_t info ;
  info.si_pid = 0 ;
  return waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) < 0 && errno == ECHILD ;
}

/* The grace is waited once per stop: it starts with the first SIGTERM that
   has one, the command's when there is a command (an interactive shell
   ignores SIGTERM). What the command took of it is gone for what is left at
   the end, which gets SIGTERM and then SIGKILL when the grace ends, at once
   if it has. The stop as a whole stays within one grace plus the units' own
   stop timeouts, whatever the container runs. */
static void final_begin (void)
{
  tain left ;
  char fmt[UINT_FMT] ;
  int ms = 0 ;
  G.final = 1 ;
  state_write_boot() ;
  if (nothing_left()) return ;
  if (!tai_sec(tain_secp(&G.grace_end)))
  {
    tain t ;
    tain_from_millisecs(&t, (int)G.grace_ms) ;
    tain_add_g(&G.grace_end, &t) ;
  }
  if (tain_future(&G.grace_end) && tain_sub(&left, &G.grace_end, &STAMP)) ms = tain_to_millisecs(&left) ;
  if (ms < 0) ms = 0 ;
  fmt[uint_fmt(fmt, (unsigned int)ms)] = 0 ;
  ilog("sending SIGTERM to the processes left, the grace ends in ", fmt, " ms", 0) ;
  signal_rest(SIGTERM) ;
  if (G.pid1) kill(-1, SIGCONT) ;
  if (!ms) { final_step() ; return ; }
  G.final_deadline = G.grace_end ;
}

void final_step (void)
{
  if (G.cmdpid > 0 && !G.final)
  {
    ilog("sending SIGKILL to ", G.cmd[0], ": the grace is over", 0) ;
    kill(G.cmdpid, SIGKILL) ;
    G.final_deadline = tain_zero ;
    return ;
  }
  if (!G.final || G.killed_all) return ;
  ilog("sending SIGKILL to the processes left", 0, 0, 0) ;
  signal_rest(SIGKILL) ;
  G.killed_all = 1 ;
  G.final_deadline = tain_zero ;
}
