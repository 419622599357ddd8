#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "init.h"

/* Commands for the oneshots, which nci-init runs itself: nci-ctl writes lines
   "C NAME" into the FIFO STATEDIR/.nci-init/control, C being s6-svc's byte for
   start (u), stop (d) or restart (r), and "k SIGNUM NAME" to signal a oneshot's
   running script. A longrun's commands go to its
   nci-supervise instead. A line is one write under PIPE_BUF: lines from
   several nci-ctl never mix. */

void control_open (void)
{
  size_t sl = strlen(G.statedir) ;
  char path[sl + 20] ;
  memcpy(path, G.statedir, sl) ;
  memcpy(path + sl, "/.nci-init/control", 19) ;
  if (mkfifo(path, 0600) < 0)
  {
    struct stat st ;
    if (errno != EEXIST) strerr_diefu2sys(111, "make the FIFO ", path) ;
    if (stat(path, &st) < 0) strerr_diefu2sys(111, "stat ", path) ;
    if (!S_ISFIFO(st.st_mode)) strerr_dief2x(111, path, " exists and is not a FIFO") ;
  }
  G.ctlr = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) ;
  if (G.ctlr < 0) strerr_diefu2sys(111, "open ", path) ;
  /* a writer of its own: the FIFO never reads as ended between two nci-ctl */
  G.ctlw = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC) ;
  if (G.ctlw < 0) strerr_diefu2sys(111, "open ", path) ;
}

/* Reads whole lines from fd into buf (len bytes kept across calls) and gives
   each to f; a line longer than max is dropped. */
void lines_read (int fd, char *buf, size_t *len, size_t max, void (*f) (char const *, size_t), char const *what)
{
  for (;;)
  {
    ssize_t r = read(fd, buf + *len, max - *len) ;
    size_t start = 0 ;
    if (r < 0)
    {
      if (errno == EAGAIN || errno == EINTR) return ;
      strerr_diefu2sys(111, "read ", what) ;
    }
    if (!r) return ;
    *len += (size_t)r ;
    for (size_t i = 0 ; i < *len ; i++)
      if (buf[i] == '\n') { (*f)(buf + start, i - start) ; start = i + 1 ; }
    memmove(buf, buf + start, *len - start) ;
    *len -= start ;
    if (*len == max) *len = 0 ;
  }
}

static void command (char const *line, size_t len)
{
  int i, sig = 0 ;
  size_t off = 2 ;
  unit *u ;
  if (len < 3 || line[1] != ' ') return ;
  if (line[0] == 'k')
  {
    /* "k SIGNUM NAME" */
    size_t n = int_scan(line + 2, &sig) ;
    if (!n || sig <= 0 || 2 + n >= len || line[2 + n] != ' ') return ;
    off = 3 + n ;
  }
  i = unit_find(line + off, len - off) ;
  if (i < 0) return ;
  u = G.units + i ;
  if (sig)
  {
    /* its running script, and only that: a pid not reaped yet is not reused */
    if (!u->longrun && u->pid > 0 && kill(u->pid, sig) < 0) strerr_warnwu2sys("signal ", u->name) ;
    return ;
  }
  /* a stop of the container wins */
  if (u->longrun || G.shutting) return ;
  switch (line[0])
  {
    case 'u' : unit_event(u, EV_CMD_START, 0) ; break ;
    case 'd' : unit_event(u, EV_CMD_STOP, 0) ; break ;
    case 'r' : unit_event(u, EV_CMD_RESTART, 0) ; break ;
    default : break ;
  }
}

void control_read (void)
{
  static char buf[4096] ;
  static size_t len ;
  lines_read(G.ctlr, buf, &len, sizeof buf, &command, "the control FIFO") ;
}
