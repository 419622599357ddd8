#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "ctl.h"

/* The unit's type file says oneshot (1) or timer (2), both nci-init's to run, else a
   longrun (0; also when there is none). Returns 1, or
   0 with errno set and path (PATH_MAX bytes) naming the file. */
int ctl_unit_type_read (char const *name, int *oneshot, char *path)
{
  char type[9] ;
  ssize_t r ;
  ctl_path(path, name, "type") ;
  r = openreadnclose(path, type, sizeof type) ;
  if (r < 0)
  {
    if (errno != ENOENT) return 0 ;
    r = 0 ;
  }
  /* a timer is nci-init's as a oneshot is: 2 */
  if ((r == 7 || (r == 8 && type[7] == '\n')) && !memcmp(type, "oneshot", 7)) *oneshot = 1 ;
  else if ((r == 5 || (r == 6 && type[5] == '\n')) && !memcmp(type, "timer", 5)) *oneshot = 2 ;
  else *oneshot = 0 ;
  return 1 ;
}

int ctl_unit_oneshot (char const *name)
{
  char path[PATH_MAX] ;
  int oneshot ;
  if (!ctl_unit_type_read(name, &oneshot, path)) strerr_diefu2sys(111, "read ", path) ;
  return oneshot ;
}

/* s6-svok's test: an nci-supervise holds a write lock on supervise/lock. */
static int lock_read (char const *name, int *held, char *path)
{
  int fd, r ;
  ctl_path(path, name, "supervise/lock") ;
  fd = open(path, O_RDONLY | O_CLOEXEC) ;
  if (fd < 0)
  {
    if (errno != ENOENT) return 0 ;
    *held = 0 ;
    return 1 ;
  }
  r = fd_islocked(fd) ;
  fd_close(fd) ;
  if (r < 0) return 0 ;
  *held = r ;
  return 1 ;
}

/* Whether STATEDIR/.nci-init/state lists name as failed ("failed NAME: WHY");
   why (NCI_UNITSTATE_TEXT_MAX bytes) gets WHY. Returns 1 or 0, or -1 with errno
   set and path naming the file. No file is no failure: no nci-init. */
static int init_failed (char const *name, char *why, char *path)
{
  char buf[16384] ;
  size_t nl = strlen(name) ;
  ssize_t r ;
  ctl_path(path, ".nci-init", "state") ;
  r = openreadnclose(path, buf, sizeof buf) ;
  if (r < 0) return errno == ENOENT ? 0 : -1 ;
  for (size_t i = 0 ; i < (size_t)r ;)
  {
    char const *line = buf + i ;
    char const *end = memchr(line, '\n', (size_t)r - i) ;
    size_t len = end ? (size_t)(end - line) : (size_t)r - i ;
    i += len + 1 ;
    if (len >= 9 + nl && !memcmp(line, "failed ", 7) && !memcmp(line + 7, name, nl) && !memcmp(line + 7 + nl, ": ", 2))
    {
      size_t wl = len - 9 - nl ;
      if (wl > NCI_UNITSTATE_TEXT_MAX - 1) wl = NCI_UNITSTATE_TEXT_MAX - 1 ;
      memcpy(why, line + 9 + nl, wl) ;
      why[wl] = 0 ;
      return 1 ;
    }
  }
  return 0 ;
}

/* Returns 1, or 0 with errno set and u->failed naming the file. A file that is
   not there yet leaves its has_ flag at 0. */
int ctl_unit_read (char const *name, ctl_unit *u)
{
  char dir[PATH_MAX] ;
  memset(u, 0, sizeof *u) ;
  u->name = name ;
  if (!ctl_unit_type_read(name, &u->oneshot, u->failed)) return 0 ;
  ctl_path(dir, name, 0) ;
  if (!u->oneshot)
  {
    if (!lock_read(name, &u->supervised, u->failed)) return 0 ;
    u->has_status = nci_svstatus_read(dir, &u->sv) ;
    if (!u->has_status && errno != ENOENT)
    {
      ctl_path(u->failed, name, "supervise/status") ;
      return 0 ;
    }
  }
  u->has_state = nci_unitstate_read(dir, &u->st) ;
  if (!u->has_state && errno != ENOENT)
  {
    ctl_path(u->failed, name, "supervise/nci-state") ;
    return 0 ;
  }
  /* A running longrun that nci-init failed (what it requires failed) is
     stopped and failed by its nci-supervise, with no result of its own:
     nci-init's list says why. */
  if (!u->oneshot && u->has_state && u->st.state == NCI_STATE_FAILED && u->st.result == NCI_RESULT_NONE)
  {
    char why[NCI_UNITSTATE_TEXT_MAX] ;
    int r = init_failed(name, why, u->failed) ;
    if (r < 0) return 0 ;
    if (r)
    {
      u->st.has_exit = 0 ;
      memcpy(u->st.status, why, sizeof why) ;
    }
  }
  return 1 ;
}

/* A longrun's nci-state is news only while its nci-supervise runs, but for
   failed: final, whether a supervise or nci-init (a longrun that never started)
   wrote it. */
static int state_current (ctl_unit const *u)
{
  return u->has_state && (u->oneshot || u->supervised || u->st.state == NCI_STATE_FAILED) ;
}

char const *ctl_unit_state (ctl_unit const *u)
{
  char const *name ;
  if (!state_current(u)) return !u->oneshot && !u->supervised ? "unsupervised" : "unknown" ;
  name = nci_unitstate_state_name(u->st.state) ;
  return name ? name : "unknown" ;
}

/* Started and not stopped yet: it has a pid, an uptime, a readiness. */
int ctl_unit_active (ctl_unit const *u)
{
  if (!state_current(u)) return 0 ;
  switch (u->st.state)
  {
    case NCI_STATE_STARTING :
    case NCI_STATE_UP :
    case NCI_STATE_STOPPING : return 1 ;
    default : return 0 ;
  }
}

/* A oneshot is ready once it is up: its run is over, whatever nci-state's ready says. */
int ctl_unit_ready (ctl_unit const *u)
{
  return u->oneshot ? u->st.state == NCI_STATE_UP : u->st.ready ;
}

/* Up for check and wait: a longrun up (or starting, unless ready is asked for),
   a oneshot up, or down after a successful run (remain-after-exit no). */
int ctl_unit_up (ctl_unit const *u, int ready)
{
  if (!state_current(u)) return 0 ;
  switch (u->st.state)
  {
    case NCI_STATE_UP : return !ready || ctl_unit_ready(u) ;
    case NCI_STATE_STARTING : return !ready && !u->oneshot ;
    case NCI_STATE_DOWN : return u->oneshot && u->st.result == NCI_RESULT_SUCCESS ;
    default : return 0 ;
  }
}

int ctl_unit_failed (ctl_unit const *u)
{
  return state_current(u) && u->st.state == NCI_STATE_FAILED ;
}

/* "exited 3", "killed SIGTERM", "dumped SIGSEGV", as nci-state says it; "-" for none. */
void ctl_unit_last_exit (ctl_unit const *u, char *buf)
{
  int w = u->st.wstat ;
  if (!u->has_state || !u->st.has_exit) memcpy(buf, "-", 2) ;
  else if (WIFEXITED(w))
  {
    memcpy(buf, "exited ", 7) ;
    buf[7 + uint_fmt(buf + 7, (unsigned int)WEXITSTATUS(w))] = 0 ;
  }
  else if (WIFSIGNALED(w))
  {
    memcpy(buf, WCOREDUMP(w) ? "dumped " : "killed ", 7) ;
    nci_signal_name(WTERMSIG(w), buf + 7) ;
  }
  else memcpy(buf, "-", 2) ;
}

static size_t append (char *buf, size_t len, char const *s)
{
  size_t n = strlen(s) ;
  if (len + n >= CTL_WHY_MAX) n = CTL_WHY_MAX - 1 - len ;
  memcpy(buf + len, s, n) ;
  buf[len + n] = 0 ;
  return len + n ;
}

/* The state, and what made it so when it is down: "failed (exit-code, exited 3)",
   "failed (exit-code: requirement db failed)", "up, not ready". */
void ctl_unit_why (ctl_unit const *u, int ready, char *buf)
{
  size_t len = append(buf, 0, ctl_unit_state(u)) ;
  if (!state_current(u)) return ;
  if (ready && u->st.state == NCI_STATE_UP && !ctl_unit_ready(u)) append(buf, len, ", not ready") ;
  else if ((u->st.state == NCI_STATE_FAILED || u->st.state == NCI_STATE_DOWN)
        && (u->st.result != NCI_RESULT_NONE || (u->st.state == NCI_STATE_FAILED && u->st.status[0])))
  {
    /* "(exit-code, exited 3: STATUS)"; only "(WHY)" for what nci-init failed */
    char const *sep = "" ;
    len = append(buf, len, " (") ;
    if (u->st.result != NCI_RESULT_NONE)
    {
      len = append(buf, len, nci_unitstate_result_name(u->st.result)) ;
      sep = ": " ;
      if (u->st.has_exit)
      {
        char last[CTL_EXIT_FMT] ;
        ctl_unit_last_exit(u, last) ;
        len = append(buf, len, ", ") ;
        len = append(buf, len, last) ;
      }
    }
    if (u->st.status[0])
    {
      len = append(buf, len, sep) ;
      len = append(buf, len, u->st.status) ;
    }
    append(buf, len, ")") ;
  }
}
