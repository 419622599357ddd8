#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <skalibs/direntry.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>

#include <nci/ftrig.h>
#include <nci/unitstate.h>
#include "init.h"

/* STATEDIR/NAME is a service directory: the tree unit's files as symlinks (the
   tree stays read-only), and what supervise and init write beside them. A state
   dir left by an earlier run of the same container is taken over: its symlinks
   are made again, its supervise/ and event/ kept (doc/state.md). */

/* Returns 1 if the directory was there already. */
static int mkdir_or_keep (char const *path, mode_t mode)
{
  struct stat st ;
  if (mkdir(path, mode) == 0) return 0 ;
  if (errno != EEXIST) strerr_diefu2sys(111, "mkdir ", path) ;
  if (stat(path, &st) < 0) strerr_diefu2sys(111, "stat ", path) ;
  if (!S_ISDIR(st.st_mode)) strerr_dief2x(111, path, " exists and is not a directory") ;
  return 1 ;
}

/* What an earlier run wrote of a unit's state is not this run's: its pids
   name processes of another PID namespace, or reused ones, which a new
   nci-supervise would take over as its service (supervise/adopt.c). Every
   unit starts down here; a longrun's s6 status goes until its nci-supervise
   writes one. A oneshot gets its state even in a new state dir: init is the
   only one to write it, and "not run yet" is a state nci-ctl shows. */
static void state_reset (unit *u, int kept)
{
  if (u->longrun && !kept) return ;
  u->st.state = NCI_STATE_DOWN ;
  u->st.pid = 0 ;
  state_write_unit(u) ;
  if (u->longrun)
  {
    char path[PATH_MAX] ;
    struct stat st ;
    unit_path(path, u, "/supervise/status") ;
    if (unlink(path) < 0 && errno != ENOENT) strerr_diefu2sys(111, "remove the status left by an earlier run: ", path) ;
    /* s6-svc -D of an earlier run (a file, not the tree's): a new boot
       starts every unit, as a first one does */
    unit_path(path, u, "/down") ;
    if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && unlink(path) < 0)
      strerr_diefu2sys(111, "remove the down file left by an earlier run: ", path) ;
  }
}

/* The tree's files of the unit, as listed at load, each linked into its
   directory (made already, kept from an earlier run or not): a few syscalls
   per unit, relative to the directory's fd. */
static void link_unit (unit *u, int kept)
{
  size_t sl = strlen(G.statedir), tl = strlen(G.tree), nl = strlen(u->name) ;
  char dst[sl + nl + 2] ;
  char from[PATH_MAX] ;
  char const *f = u->files ;
  int dfd ;
  u->linked = 1 ;
  memcpy(dst, G.statedir, sl) ; dst[sl] = '/' ; memcpy(dst + sl + 1, u->name, nl + 1) ;
  dfd = open(dst, O_PATH | O_DIRECTORY | O_CLOEXEC) ;
  if (dfd < 0) strerr_diefu2sys(111, "open ", dst) ;
  /* checked at start: the tree's path and a unit's name and file fit */
  memcpy(from, G.tree, tl) ; memcpy(from + tl, "/units/", 7) ; memcpy(from + tl + 7, u->name, nl) ;
  from[tl + 7 + nl] = '/' ;
  for (unsigned int i = 0 ; i < u->nfiles ; i++, f += strlen(f) + 1)
  {
    size_t fl = strlen(f) ;
    if (tl + nl + fl + 9 > sizeof from) { errno = ENAMETOOLONG ; strerr_diefu4sys(111, "link ", f, " of unit ", u->name) ; }
    memcpy(from + tl + nl + 8, f, fl + 1) ;
    /* a state dir taken over has them already: replaced then, not first
       removed every time (a failed unlink per file and unit on a fresh one) */
    if (symlinkat(from, dfd, f) < 0)
    {
      if (errno != EEXIST) strerr_diefu6sys(111, "symlink ", dst, "/", f, " to ", from) ;
      if (unlinkat(dfd, f, 0) < 0 && errno != ENOENT && errno != EISDIR)
        strerr_diefu4sys(111, "remove ", dst, "/", f) ;
      if (symlinkat(from, dfd, f) < 0) strerr_diefu6sys(111, "symlink ", dst, "/", f, " to ", from) ;
    }
  }
  if (mkdirat(dfd, "supervise", 0700) < 0 && errno != EEXIST) strerr_diefu3sys(111, "mkdir ", dst, "/supervise") ;
  fd_close(dfd) ;
  if (!u->longrun)
  {
    /* nci-supervise makes a longrun's; a oneshot's events are init's to send */
    char ev[sl + nl + 8] ;
    memcpy(ev, dst, sl + nl + 1) ; memcpy(ev + sl + nl + 1, "/event", 7) ;
    if (!nci_ftrig_mkdir(ev)) strerr_diefu2sys(111, "make the fifodir ", ev) ;
  }
  state_reset(u, kept) ;
}

void statedir_prepare (void)
{
  size_t sl = strlen(G.statedir) ;
  for (unsigned int i = 0 ; i < G.n ; i++)
    if (sl + strlen(G.units[i].name) + UNIT_PATH_SUFFIX_MAX >= PATH_MAX)
      strerr_dief4x(100, "the state directory ", G.statedir, " is too long a path for unit ", G.units[i].name) ;
  char own[sl + 11] ;
  if (mkdir(G.statedir, 0755) < 0 && errno != EEXIST) strerr_diefu2sys(111, "create the state directory ", G.statedir) ;
  if (access(G.statedir, W_OK) < 0) strerr_diefu2sys(111, "write to the state directory ", G.statedir) ;
  memcpy(own, G.statedir, sl) ; memcpy(own + sl, "/.nci-init", 11) ;
  mkdir_or_keep(own, 0755) ;
  /* Every unit's directory now, so nci-ctl lists every unit from the first
     start on; what is inside it once the unit is first started or shown, or
     at the end of the boot's first pass (statedir_complete): at N=1000,
     linking all of it first would hold the first start back by as long as
     the whole tree's load. A directory taken over from an earlier run is
     made whole now: what that run left in it must not be read as this one's. */
  for (unsigned int i = 0 ; i < G.n ; i++)
  {
    unit *u = G.units + i ;
    size_t nl = strlen(u->name) ;
    char dst[sl + nl + 2] ;
    memcpy(dst, G.statedir, sl) ; dst[sl] = '/' ; memcpy(dst + sl + 1, u->name, nl + 1) ;
    if (mkdir_or_keep(dst, 0755)) link_unit(u, 1) ;
  }
}

/* The unit's directory made whole before anything uses it. */
void unit_link (unit *u)
{
  if (!u->linked) link_unit(u, 0) ;
}

void statedir_complete (void)
{
  for (unsigned int i = 0 ; i < G.n ; i++) unit_link(G.units + i) ;
}

/* STATEDIR/.nci-init/state: "state booting|up|stopping", then one line
   "failed NAME: WHY" per failed unit (as many as fit in a fixed buffer: no
   allocation once running). */
static size_t cat (char *buf, size_t n, size_t max, char const *s)
{
  size_t l = strlen(s) ;
  if (n + l > max) l = max - n ;
  memcpy(buf + n, s, l) ;
  return n + l ;
}

void state_write_boot (void)
{
  static char buf[16384], last[16384] ;
  static size_t lastn = (size_t)-1 ;
  size_t sl = strlen(G.statedir), n = 0 ;
  char path[sl + 17] ;
  memcpy(path, G.statedir, sl) ; memcpy(path + sl, "/.nci-init/state", 17) ;
  n = cat(buf, n, sizeof buf, "state ") ;
  n = cat(buf, n, sizeof buf, G.down ? "down\n" : G.shutting ? "stopping\n" : G.booted ? "up\n" : "booting\n") ;
  for (unsigned int i = 0 ; i < G.n ; i++)
  {
    unit *u = G.units + i ;
    if (!unit_has_failed(u)) continue ;
    if (n + strlen(u->name) + strlen(u->why) + 10 > sizeof buf) break ;
    n = cat(buf, n, sizeof buf, "failed ") ;
    n = cat(buf, n, sizeof buf, u->name) ;
    n = cat(buf, n, sizeof buf, ": ") ;
    n = cat(buf, n, sizeof buf, u->why) ;
    n = cat(buf, n, sizeof buf, "\n") ;
  }
  /* called on every unit's change: written only when it says something new
     (at shutdown, 100 units stopping would write "stopping" 100 times) */
  if (n == lastn && !memcmp(buf, last, n)) return ;
  ilog_flush() ;
  if (!openwritenclose_suffix(path, buf, n, ".new")) { strerr_warnwu2sys("write ", path) ; return ; }
  memcpy(last, buf, n) ;
  lastn = n ;
}

void unit_path (char *buf, unit const *u, char const *suffix)
{
  size_t sl = strlen(G.statedir), nl = strlen(u->name) ;
  memcpy(buf, G.statedir, sl) ;
  buf[sl] = '/' ;
  memcpy(buf + sl + 1, u->name, nl) ;
  memcpy(buf + sl + 1 + nl, suffix, strlen(suffix) + 1) ;
}

void state_write_unit (unit *u)
{
  char dir[PATH_MAX] ;
  if (u->longrun && u->pid) return ;
  ilog_flush() ;
  unit_path(dir, u, "") ;
  if (!u->longrun) memcpy(u->st.readiness, "oneshot", 8) ;
  else if (!u->st.readiness[0]) memcpy(u->st.readiness, "simple", 7) ;
  if (!nci_unitstate_write(dir, &u->st)) strerr_warnwu3sys("write the state of ", u->name, " in supervise/nci-state") ;
}

static void now_ms (uint64_t *ms)
{
  struct timespec ts ;
  *ms = clock_gettime(CLOCK_REALTIME, &ts) == 0 ? (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000 : 0 ;
}

/* A oneshot's events go to its event/ fifodir as a longrun's do (doc/state.md),
   so nci-ctl wait and s6-svwait can wait for it. */
static void oneshot_event (unit *u, char const *letters)
{
  char path[PATH_MAX] ;
  int fd ;
  unit_path(path, u, "/event") ;
  fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (fd < 0) return ;
  if (nci_ftrig_notify(fd, letters, strlen(letters)) < 0) strerr_warnwu2sys("notify the listeners of ", path) ;
  close(fd) ;
}

/* What nci-ctl shows of a oneshot, and what it says to the listeners of its
   event/ (a longrun's nci-supervise writes its own). */
void unit_show (unit *u, enum nci_unitstate_state_e st)
{
  unit_link(u) ;
  u->st.state = st ;
  /* a oneshot is ready once it has done its work */
  u->st.ready = st == NCI_STATE_UP || (st == NCI_STATE_DOWN && u->st.result == NCI_RESULT_SUCCESS) ;
  now_ms(&u->st.since_ms) ;
  state_write_unit(u) ;
  if (u->longrun) return ;
  switch (st)
  {
    case NCI_STATE_STARTING : oneshot_event(u, "u") ; break ;
    case NCI_STATE_UP : oneshot_event(u, "U") ; break ;
    case NCI_STATE_DOWN : oneshot_event(u, u->st.result == NCI_RESULT_SUCCESS && u->state == U_DONE ? "UdD" : "dD") ; break ;
    case NCI_STATE_FAILED : oneshot_event(u, "dDF") ; break ;
    default : break ;
  }
}
