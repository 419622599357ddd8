#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include <nci/svstatus.h>
#include <nci/unitstate.h>
#include "init.h"

/* A longrun's nci-supervise: started, told, read. */

/* A write end of the pipe whose read end init holds: a new open file of the
   same pipe, through /proc (init holds no write ends between starts). */
static int reopen_write (int rfd)
{
  char path[32] = "/proc/self/fd/" ;
  path[14 + uint_fmt(path + 14, (unsigned int)rfd)] = 0 ;
  return open(path, O_WRONLY | O_CLOEXEC) ;
}

/* Each longrun's output pipes outlive its nci-supervise: init holds their read
   ends, so a service whose supervise died never writes into a pipe without a
   reader, and the next supervise reads the same pipes. Init holds only the read
   ends: every fd it holds is copied into each child it starts, and with N
   services 4N fds made the boot quadratic (make bench). */
int sv_spawn (unit *u, int down)
{
  pid_t pid ;
  unit_link(u) ;
  if (u->svfds[0] < 0)
  {
    int p[2], q[2] ;
    if (pipecoe(p) < 0) { strerr_warnwu2sys("create the output pipes of ", u->name) ; return 0 ; }
    if (pipecoe(q) < 0) { fd_close(p[0]) ; fd_close(p[1]) ; strerr_warnwu2sys("create the output pipes of ", u->name) ; return 0 ; }
    u->svfds[0] = p[0] ; u->svfds[1] = p[1] ; u->svfds[2] = q[0] ; u->svfds[3] = q[1] ;
  }
  else
  {
    u->svfds[1] = reopen_write(u->svfds[0]) ;
    if (u->svfds[1] < 0) { strerr_warnwu2sys("reopen the output pipes of ", u->name) ; return 0 ; }
    u->svfds[3] = reopen_write(u->svfds[2]) ;
    if (u->svfds[3] < 0) { fd_close(u->svfds[1]) ; u->svfds[1] = -1 ; strerr_warnwu2sys("reopen the output pipes of ", u->name) ; return 0 ; }
  }
  {
    char dir[PATH_MAX] ;
    char const *argv[7] ;
    int fds[8] = { 0, 1, 2, G.reportw, u->svfds[0], u->svfds[1], u->svfds[2], u->svfds[3] } ;
    unsigned int m = 0 ;
    unit_path(dir, u, "") ;
    argv[m++] = "nci-supervise" ;
    if (!G.prefix) argv[m++] = "--no-prefix" ;
    argv[m++] = "-r3" ;
    argv[m++] = "-f4,5,6,7" ;
    /* one that replaces an nci-supervise that died keeps a unit down that
       was down or failed (a service still running is taken over all the
       same; a failed one is stopped by the F sent again on its s letter) */
    if (down) argv[m++] = "-d" ;
    argv[m++] = dir ;
    argv[m++] = 0 ;
    pid = spawn_child(G.supervise_path, argv, 0, fds, 8, 111) ;
  }
  fd_close(u->svfds[1]) ; u->svfds[1] = -1 ;
  fd_close(u->svfds[3]) ; u->svfds[3] = -1 ;
  if (pid < 0) { strerr_warnwu2sys("start the nci-supervise of ", u->name) ; return 0 ; }
  unit_set_pid(u, pid) ;
  tain_copynow(&u->sv_started) ;
  return 1 ;
}

/* Tells the nci-supervise of a longrun something (s6-svc's byte). */
void sv_control (unit *u, char c)
{
  char path[PATH_MAX] ;
  int fd ;
  unit_path(path, u, "/supervise/control") ;
  fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC) ;
  if (fd < 0) { strerr_warnwu2sys("open ", path) ; return ; }
  if (write(fd, &c, 1) < 1) strerr_warnwu2sys("write to ", path) ;
  close(fd) ;
}

void sv_signal (unit *u, int sig)
{
  if (u->pid > 0 && kill(u->pid, sig) < 0) strerr_warnwu2sys("signal the nci-supervise of ", u->name) ;
}

/* What nci-supervise last wrote of a longrun. */
int sv_read (unit *u, nci_unitstate *st)
{
  char dir[PATH_MAX] ;
  unit_path(dir, u, "") ;
  return nci_unitstate_read(dir, st) ;
}

/* Whether its service is wanted up (a restart's down): its s6 status says. */
int sv_wantup (unit *u)
{
  nci_svstatus sv ;
  char dir[PATH_MAX] ;
  unit_path(dir, u, "") ;
  return nci_svstatus_read(dir, &sv) && sv.flags & NCI_SVSTATUS_WANTUP ;
}
