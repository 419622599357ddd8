#include <signal.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>

#include <nci/ftrig.h>
#include <nci/control.h>
#include "supervise.h"

/* supervise/ as s6-supervise makes it, so s6's tools recognise the directory:
   the lock (s6-svok tests it), the control FIFO, and the event fifodir. */

static void make_dir (sv *s, char const *dir, mode_t mode)
{
  struct stat st ;
  if (mkdir(dir, mode) == 0) return ;
  if (errno != EEXIST) strerr_diefu4sys(111, "mkdir ", s->dir, "/", dir) ;
  if (stat(dir, &st) < 0) strerr_diefu4sys(111, "stat ", s->dir, "/", dir) ;
  if (!S_ISDIR(st.st_mode)) strerr_dief4x(100, s->dir, "/", dir, " exists and is not a directory") ;
}

void control_init (sv *s)
{
  int fd, r ;
  struct stat st ;
  mode_t m = umask(077) ;
  make_dir(s, "supervise", 0700) ;
  fd = open("supervise/lock", O_WRONLY | O_CREAT | O_NONBLOCK | O_CLOEXEC, 0600) ;
  if (fd < 0) strerr_diefu3sys(111, "open ", s->dir, "/supervise/lock") ;
  r = fd_lock(fd, 1, 1) ;
  if (r < 0) strerr_diefu3sys(111, "lock ", s->dir, "/supervise/lock") ;
  if (!r) strerr_dief2x(100, "another nci-supervise already runs on ", s->dir) ;
  /* the lock fd stays open (close-on-exec) for as long as supervise lives */

  if (mkfifo("supervise/control", 0600) < 0)
  {
    if (errno != EEXIST) strerr_diefu3sys(111, "mkfifo ", s->dir, "/supervise/control") ;
    if (stat("supervise/control", &st) < 0) strerr_diefu3sys(111, "stat ", s->dir, "/supervise/control") ;
    if (!S_ISFIFO(st.st_mode)) strerr_dief3x(100, s->dir, "/supervise/control", " is not a FIFO") ;
  }
  s->controlfd = open("supervise/control", O_RDONLY | O_NONBLOCK | O_CLOEXEC) ;
  if (s->controlfd < 0) strerr_diefu4sys(111, "open ", s->dir, "/supervise/control", " for reading") ;
  /* kept open for writing so the FIFO never reads EOF between writers */
  if (open("supervise/control", O_WRONLY | O_NONBLOCK | O_CLOEXEC) < 0)
    strerr_diefu4sys(111, "open ", s->dir, "/supervise/control", " for writing") ;
  umask(m) ;

  if (!nci_ftrig_mkdir("event")) strerr_diefu3sys(111, "make the fifodir ", s->dir, "/event") ;
  s->eventfd = open("event", O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (s->eventfd < 0) strerr_diefu3sys(111, "open ", s->dir, "/event") ;
}

static void mark_down (int present)
{
  if (present)
  {
    int fd = open_trunc("down") ;
    if (fd < 0) strerr_warnwu2sys("create ", "down") ;
    else fd_close(fd) ;
  }
  else if (unlink("down") < 0 && errno != ENOENT) strerr_warnwu2sys("remove ", "down") ;
}

/* A byte of supervise/control: an event of the machine, or a signal. */
void sv_on_control (sv *s, unsigned char c)
{
  nci_control k = nci_control_parse(c) ;
  switch (k.kind)
  {
    case NCI_CONTROL_IGNORE : break ;
    case NCI_CONTROL_SIGNAL :
      if (k.sig == SIGHUP) sv_event(s, SE_RELOAD, 0) ;
      else sv_signal_main(s, k.sig) ;
      break ;
    case NCI_CONTROL_RESTART : sv_event(s, SE_RESTART, 0) ; break ;
    case NCI_CONTROL_UP_MARK : mark_down(0) ; sv_event(s, SE_UP, 0) ; break ;
    case NCI_CONTROL_UP : sv_event(s, SE_UP, 0) ; break ;
    case NCI_CONTROL_ONCE : sv_event(s, SE_ONCE, 0) ; break ;
    case NCI_CONTROL_DOWN_MARK : mark_down(1) ; sv_event(s, SE_DOWN, 0) ; break ;
    case NCI_CONTROL_DOWN : sv_event(s, SE_DOWN, 0) ; break ;
    case NCI_CONTROL_FAIL : sv_event(s, SE_FAIL, 0) ; break ;
    case NCI_CONTROL_EXIT : sv_event(s, SE_EXIT, 0) ; break ;
    case NCI_CONTROL_ONCE_AT_MOST_MARK : mark_down(1) ; sv_event(s, SE_ONCE_AT_MOST, 0) ; break ;
    case NCI_CONTROL_ONCE_AT_MOST : sv_event(s, SE_ONCE_AT_MOST, 0) ; break ;
  }
}
