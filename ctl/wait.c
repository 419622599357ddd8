#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/buffer.h>
#include <skalibs/iopause.h>
#include <skalibs/selfpipe.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>

#include <nci/ftrig.h>
#include "ctl.h"

/* As s6-svwait: a listener FIFO in each unit's event/ fifodir is made before the
   first look at the unit's state, so no change falls between the look and the wait;
   each letter then says "look again". The FIFOs are removed on every way out. */

typedef struct listener_s listener ;
struct listener_s
{
  int fd ;
  int wfd ;
  int met ;
  int listening ;
  char fifo[7 + NCI_FTRIG_NAME_LEN] ;  /* event/ftrig1:@... */
} ;

static listener L[CTL_UNITS_MAX] ;
static iopause_fd x[1 + CTL_UNITS_MAX] ;
static char const *const *units ;
static unsigned int nunits ;

static void cleanup (void)
{
  int e = errno ;
  for (unsigned int i = 0 ; i < nunits ; i++)
  {
    char path[PATH_MAX] ;
    if (!L[i].listening) continue ;
    ctl_path(path, units[i], L[i].fifo) ;
    if (unlink(path) < 0 && errno != ENOENT) strerr_warnwu2sys("remove ", path) ;
    L[i].listening = 0 ;
  }
  errno = e ;
}

static void die_sys (char const *verb, char const *object)
{
  cleanup() ;
  strerr_diefu2sys(111, verb, object) ;
}

static void put (char const *s)
{
  buffer_puts(buffer_2, s) ;
}

/* nci-init makes no event/ for a oneshot: one without it is looked at once. */
static void listen_unit (unsigned int i)
{
  char dir[PATH_MAX] ;
  char path[PATH_MAX] ;
  char const *base ;
  int oneshot ;
  x[1 + i].fd = -1 ;
  if (!ctl_unit_type_read(units[i], &oneshot, path)) die_sys("read ", path) ;
  ctl_path(dir, units[i], "event") ;
  L[i].fd = nci_ftrig_listen(dir, &L[i].wfd, path) ;
  if (L[i].fd < 0)
  {
    if (errno == ENOENT && oneshot) return ;
    die_sys("subscribe to ", dir) ;
  }
  base = path + strlen(path) - NCI_FTRIG_NAME_LEN ;
  memcpy(L[i].fifo, "event/", 6) ;
  memcpy(L[i].fifo + 6, base, NCI_FTRIG_NAME_LEN + 1) ;
  L[i].listening = 1 ;
  x[1 + i].fd = L[i].fd ;
  x[1 + i].events = IOPAUSE_READ ;
}

/* Reads what the FIFO holds; returns 1 when the unit said F (failed, staying down). */
static int letters_read (unsigned int i)
{
  int failed = 0 ;
  for (;;)
  {
    char buf[64] ;
    ssize_t r = read(L[i].fd, buf, sizeof buf) ;
    if (r < 0)
    {
      if (errno == EINTR) continue ;
      if (errno == EAGAIN) return failed ;
      {
        char path[PATH_MAX] ;
        ctl_path(path, units[i], L[i].fifo) ;
        die_sys("read from ", path) ;
      }
    }
    if (!r) return failed ;
    if (memchr(buf, 'F', (size_t)r)) failed = 1 ;
  }
}

static int look (unsigned int i, int ready, int failed)
{
  ctl_unit u ;
  if (!ctl_unit_read(units[i], &u)) die_sys("read ", u.failed) ;
  if (failed || ctl_unit_failed(&u))
  {
    char why[CTL_WHY_MAX] ;
    if (ctl_unit_failed(&u)) ctl_unit_why(&u, ready, why) ;
    else memcpy(why, "failed", 7) ;
    cleanup() ;
    strerr_diefu(CTL_EXIT_NOT_MET, "wait for ", units[i], ": ", why) ;
  }
  return ctl_unit_up(&u, ready) ;
}

/* "unable to wait for web, db: timed out after 500 ms: web is starting, db is down (...)" */
static void die_timeout (unsigned int n, int ready, unsigned int ms)
{
  char fmt[UINT_FMT] ;
  char const *sep = "" ;
  put(PROG) ;
  put(": fatal: unable to wait for ") ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    if (L[i].met) continue ;
    put(sep) ;
    put(units[i]) ;
    sep = ", " ;
  }
  fmt[uint_fmt(fmt, ms)] = 0 ;
  put(": timed out after ") ;
  put(fmt) ;
  put(" ms") ;
  sep = ": " ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    ctl_unit u ;
    char why[CTL_WHY_MAX] ;
    if (L[i].met) continue ;
    if (ctl_unit_read(units[i], &u)) ctl_unit_why(&u, ready, why) ;
    else memcpy(why, "unreadable", 11) ;
    put(sep) ;
    put(units[i]) ;
    put(" is ") ;
    put(why) ;
    sep = ", " ;
  }
  put("\n") ;
  buffer_flush(buffer_2) ;
  cleanup() ;
  _exit(CTL_EXIT_NOT_MET) ;
}

static void on_signal (void)
{
  int sig = selfpipe_read() ;
  if (sig < 0) die_sys("read ", "the selfpipe") ;
  if (!sig) return ;
  cleanup() ;
  _exit(128 + sig) ;
}

/* Every unit up (or ready) at the same time: a unit that goes down again counts
   as not up again. ms 0: no time limit. */
int ctl_wait (char const *const *names, unsigned int n, int ready, unsigned int ms)
{
  tain deadline ;
  unsigned int left = 0 ;
  sigset_t set ;
  ctl_units_known(names, n) ;
  units = names ;
  nunits = n ;
  tain_now_set_stopwatch_g() ;
  if (ms)
  {
    tain_from_millisecs(&deadline, (int)ms) ;
    tain_add_g(&deadline, &deadline) ;
  }
  else tain_add_g(&deadline, &tain_infinite_relative) ;

  /* trapped before the first FIFO exists, so an interrupt cannot leave one behind */
  x[0].fd = selfpipe_init() ;
  if (x[0].fd < 0) strerr_diefu1sys(111, "init the selfpipe") ;
  x[0].events = IOPAUSE_READ ;
  sigemptyset(&set) ;
  sigaddset(&set, SIGINT) ;
  sigaddset(&set, SIGTERM) ;
  sigaddset(&set, SIGHUP) ;
  if (!selfpipe_trapset(&set)) strerr_diefu1sys(111, "trap signals") ;

  for (unsigned int i = 0 ; i < n ; i++) listen_unit(i) ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    L[i].met = look(i, ready, 0) ;
    if (L[i].met) continue ;
    if (!L[i].listening)
    {
      cleanup() ;
      strerr_diefu(CTL_EXIT_ONESHOT, "wait for ", units[i], ": not supported for a oneshot that has not finished yet") ;
    }
    left++ ;
  }
  while (left)
  {
    int r = iopause_g(x, 1 + n, &deadline) ;
    if (r < 0) die_sys("iopause", "") ;
    if (!r) die_timeout(n, ready, ms) ;
    if (x[0].revents & IOPAUSE_READ) on_signal() ;
    for (unsigned int i = 0 ; i < n ; i++)
    {
      int met ;
      if (!(x[1 + i].revents & IOPAUSE_READ)) continue ;
      met = look(i, ready, letters_read(i)) ;
      if (met && !L[i].met) left-- ;
      else if (!met && L[i].met) left++ ;
      L[i].met = met ;
    }
  }
  cleanup() ;
  return 0 ;
}
