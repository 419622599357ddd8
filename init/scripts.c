#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <string.h>

#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>

#include "init.h"

/* A oneshot's scripts: nci-init runs them itself, each with its output
   through a slot of nci-init's line prefixing (init.h). */

/* A oneshot's output slot outlives the oneshot while something it started
   still writes to its pipes (nci-init keeps no write end: the end of every
   writer is EOF); such a lingering slot is given up only when a new oneshot
   needs it. */
static void slot_free (int i)
{
  for (unsigned int k = 0 ; k < 2 ; k++)
  {
    nci_outstream *s = &G.slots[i].out[k] ;
    s->flush = 1 ;
    nci_outstream_drain(s) ;
    fd_close(s->rfd) ;
    if (s->outfd != (int)k + 1) fd_close(s->outfd) ;
  }
  G.slots[i].unit = -1 ;
  G.slots[i].linger = 0 ;
}

static int slot_get (void)
{
  for (int i = 0 ; i < G.nslots ; i++) if (G.slots[i].unit < 0) return i ;
  for (int i = 0 ; i < G.nslots ; i++) if (G.slots[i].linger) { slot_free(i) ; return i ; }
  return -1 ;
}

/* What the pipes hold now goes out now, as far as the output takes it without
   waiting: a oneshot's last lines come before anything the units ordered after
   it write (their nci-supervise writes theirs itself, and could be quicker than
   the loop's next turn). */
static void slot_pump (int i)
{
  for (unsigned int k = 0 ; k < 2 ; k++)
  {
    nci_outstream *s = &G.slots[i].out[k] ;
    s->flush = 1 ;
    /* bounded: something the oneshot left behind may write without end */
    for (unsigned int turn = 0 ; turn < 64 ; turn++)
    {
      int progress = 0 ;
      while (nci_outstream_wants_write(s))
      {
        size_t before = s->len ;
        nci_outstream_write(s) ;
        if (s->len == before) break ;  /* the output is full: the loop carries on later */
        progress = 1 ;
      }
      if (nci_outstream_wants_read(s))
      {
        size_t before = s->len ;
        int eof = s->eof, partial = s->partial_ok ;
        if (!nci_outstream_read(s)) { strerr_warnwu1sys("read a oneshot's output") ; break ; }
        if (s->len != before || s->eof != eof || s->partial_ok != partial) progress = 1 ;
      }
      if (!progress) break ;
    }
  }
}

/* The oneshot's script is gone: its slot is freed once its pipes have no writer left. */
void script_ended (unit *u)
{
  int i = u->slot ;
  if (i < 0) return ;
  ilog_flush() ;
  slot_pump(i) ;
  u->slot = -1 ;
  G.slots[i].linger = 1 ;
  slot_check(i) ;
}

void slot_check (int i)
{
  if (!G.slots[i].linger) return ;
  for (unsigned int k = 0 ; k < 2 ; k++)
  {
    nci_outstream const *s = &G.slots[i].out[k] ;
    if (!s->eof || nci_outstream_wants_write(s)) return ;
  }
  slot_free(i) ;
}

void slots_drain (void)
{
  for (int i = 0 ; i < G.nslots ; i++) if (G.slots[i].unit >= 0) slot_free(i) ;
}

/* A script's pipes or process could not be made: said once, not at each
   try. Returns 0, errno kept. */
static int spawn_failed (unit *u, char const *what)
{
  int e = errno ;
  if (!u->spawn_failing) strerr_warnwu2sys(what, u->name) ;
  u->spawn_failing = 1 ;
  errno = e ;
  return 0 ;
}

static int spawn_once (unit *u, char const *script)
{
  int i = slot_get() ;
  pid_t pid ;
  size_t nl = strlen(u->name) ;
  /* as many slots as oneshots, and a oneshot runs one script at a time */
  if (i < 0) { errno = EBUSY ; return 0 ; }
  if (G.prefix)
  {
    if (nl > sizeof G.slots[i].prefix - 3) nl = sizeof G.slots[i].prefix - 3 ;
    memcpy(G.slots[i].prefix, u->name, nl) ;
    G.slots[i].prefix[nl] = ':' ; G.slots[i].prefix[nl + 1] = ' ' ;
  }
  if (!nci_outstream_init(&G.slots[i].out[0], 1, -1, -1, G.slots[i].prefix, G.prefix ? nl + 2 : 0))
    return spawn_failed(u, "create the output pipes of ") ;
  if (!nci_outstream_init(&G.slots[i].out[1], 2, -1, -1, G.slots[i].prefix, G.prefix ? nl + 2 : 0))
  {
    nci_outstream *s = &G.slots[i].out[0] ;
    int e = errno ;
    fd_close(s->rfd) ; fd_close(s->wfd) ;
    if (s->outfd != 1) fd_close(s->outfd) ;
    errno = e ;
    return spawn_failed(u, "create the output pipes of ") ;
  }
  {
    char dir[PATH_MAX] ;
    char const *argv[3] = { script + 2, u->name, 0 } ;
    int fds[3] = { G.nullfd, G.slots[i].out[0].wfd, G.slots[i].out[1].wfd } ;
    unit_path(dir, u, "") ;
    pid = spawn_child(script, argv, dir, fds, 3, 127) ;
  }
  if (pid < 0)
  {
    int e = errno ;
    for (unsigned int k = 0 ; k < 2 ; k++) { fd_close(G.slots[i].out[k].wfd) ; G.slots[i].out[k].wfd = -1 ; }
    G.slots[i].unit = (int)(u - G.units) ;
    slot_free(i) ;
    errno = e ;
    return spawn_failed(u, "start a process for ") ;
  }
  for (unsigned int k = 0 ; k < 2 ; k++) { fd_close(G.slots[i].out[k].wfd) ; G.slots[i].out[k].wfd = -1 ; }
  G.slots[i].unit = (int)(u - G.units) ;
  u->spawn_failing = 0 ;
  u->slot = i ;
  unit_set_pid(u, pid) ;
  return 1 ;
}

/* Whether a script of nci-init's runs: its end gives back what a new one
   may lack (descriptors, processes). */
int scripts_running (void)
{
  for (int i = 0 ; i < G.nslots ; i++) if (G.slots[i].unit >= 0 && !G.slots[i].linger) return 1 ;
  return 0 ;
}

/* Runs a oneshot's up or down script. Returns 1, or 0 with errno set when
   its pipes or its process could not be made (said on stderr). With no
   script running, what lingering slots hold (a leftover writer may live on
   for ever) is given up for it, once. */
int script_run (unit *u, char const *script)
{
  int n = 0 ;
  unit_link(u) ;
  if (spawn_once(u, script)) return 1 ;
  if (scripts_running()) return 0 ;
  for (int i = 0 ; i < G.nslots ; i++) if (G.slots[i].linger) { slot_free(i) ; n++ ; }
  return n && spawn_once(u, script) ;
}

/* A signal to the running script's process group (it may have started
   others); a stopped one is woken to get it. */
void script_signal (unit *u, int sig)
{
  if (u->pid <= 0) return ;
  kill(-u->pid, sig) ;
  if (sig != SIGKILL) kill(-u->pid, SIGCONT) ;
}
