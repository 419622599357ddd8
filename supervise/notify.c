#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "supervise.h"

/* The sd_notify protocol: the service sends datagrams of "KEY=VALUE\n" lines to
   $NOTIFY_SOCKET. The socket lives in the service directory, mode 0666, so a
   service running as another User= can reach it; what it says is believed only
   from the service's own processes (checked with SCM_CREDENTIALS). */

int notify_open (char const *path)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX } ;
  size_t len = strlen(path) ;
  int one = 1 ;
  mode_t m ;
  int fd ;
  if (len >= sizeof sa.sun_path)
    strerr_dief3x(100, "the notify socket path ", path, " is longer than a socket path can be") ;
  memcpy(sa.sun_path, path, len + 1) ;
  fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) ;
  if (fd < 0) strerr_diefu1sys(111, "create the notify socket") ;
  if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one) < 0)
    strerr_diefu1sys(111, "set SO_PASSCRED on the notify socket") ;
  if (unlink(path) < 0 && errno != ENOENT) strerr_diefu2sys(111, "remove ", path) ;
  m = umask(0) ;
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
  {
    umask(m) ;
    strerr_diefu2sys(111, "bind the notify socket to ", path) ;
  }
  umask(m) ;
  return fd ;
}

static int from_service (sv *s, pid_t pid)
{
  pid_t sid ;
  if (pid <= 0) return 0 ;
  if (pid == s->mainpid) return 1 ;
  sid = getsid(pid) ;
  if (sid < 0) return 0 ;
  return sid == s->pgid[0] || (s->pgid[1] && sid == getsid(s->pgid[1])) ;
}

static void handle_line (sv *s, char const *line, size_t n)
{
  if (n == 7 && !memcmp(line, "READY=1", 7) && s->pol.readiness == READY_NOTIFY) sv_event(s, SE_READY, 0) ;
  else if (n > 8 && !memcmp(line, "MAINPID=", 8))
  {
    char num[PID_FMT + 1] ;
    pid_t pid ;
    if (n - 8 > PID_FMT) return ;
    memcpy(num, line + 8, n - 8) ; num[n - 8] = 0 ;
    if (pid0_scan(num, &pid) && pid > 0) sv_event(s, SE_MAINPID, (int)pid) ;
  }
  else if (n >= 7 && !memcmp(line, "STATUS=", 7))
  {
    size_t k = n - 7 < NCI_UNITSTATE_TEXT_MAX - 1 ? n - 7 : NCI_UNITSTATE_TEXT_MAX - 1 ;
    memcpy(s->status_text, line + 7, k) ;
    s->status_text[k] = 0 ;
    for (size_t i = 0 ; i < k ; i++) if (s->status_text[i] < 32) s->status_text[i] = ' ' ;
    sv_announce(s, 0) ;
  }
  else if (n > 20 && !memcmp(line, "EXTEND_TIMEOUT_USEC=", 20))
  {
    char num[UINT64_FMT + 1] ;
    uint64_t usec ;
    if (n - 20 > UINT64_FMT) return ;
    memcpy(num, line + 20, n - 20) ; num[n - 20] = 0 ;
    if (uint640_scan(num, &usec)) sv_event(s, SE_EXTEND, (int)(usec / 1000 > 0x7fffffff ? 0x7fffffff : usec / 1000)) ;
  }
}

void notify_read (sv *s, int fd)
{
  for (;;)
  {
    static char buf[4096] ;
    union { struct cmsghdr h ; char b[CMSG_SPACE(sizeof(struct ucred))] ; } cbuf ;
    struct iovec iov = { .iov_base = buf, .iov_len = sizeof buf } ;
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf.b, .msg_controllen = sizeof cbuf.b } ;
    struct cmsghdr *c ;
    pid_t sender = 0 ;
    ssize_t r = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) ;
    if (r < 0)
    {
      if (errno == EAGAIN || errno == EINTR) return ;
      strerr_diefu1sys(111, "receive from the notify socket") ;
    }
    for (c = CMSG_FIRSTHDR(&msg) ; c ; c = CMSG_NXTHDR(&msg, c))
    {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS)
      {
        struct ucred cr ;
        memcpy(&cr, CMSG_DATA(c), sizeof cr) ;
        sender = cr.pid ;
      }
      else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      {
        /* fd store is not supported: close what was passed so it does not leak */
        size_t nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int) ;
        for (size_t i = 0 ; i < nfd ; i++)
        {
          int passed ;
          memcpy(&passed, CMSG_DATA(c) + i * sizeof(int), sizeof passed) ;
          close(passed) ;
        }
      }
    }
    if (!from_service(s, sender)) continue ;
    {
      char const *p = buf ;
      char const *end = buf + r ;
      while (p < end)
      {
        char const *nl = memchr(p, '\n', (size_t)(end - p)) ;
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p) ;
        handle_line(s, p, n) ;
        p += n + 1 ;
      }
    }
  }
}
