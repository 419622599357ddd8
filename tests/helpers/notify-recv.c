/* notify-recv [-n COUNT] [-t MS] [-p] PATH: an sd_notify receiver for the tests.
   Binds a datagram socket at PATH (abstract when PATH starts with '@'; a socket left at PATH is
   replaced) and prints each datagram it receives on one line of stdout, a newline inside it
   written as the two characters \n; with -p the line starts with the sender's pid and a space.
   Exits 0 after COUNT datagrams (default 1), or when MS milliseconds (default 10000) have passed
   if COUNT is 0; exits 1 if MS pass before COUNT datagrams came. Removes PATH when it exits.
   100 for a bad command line, 111 for a system failure. */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char const *path ;
static int bound ;

static void done (int code)
{
  if (bound && path[0] != '@') unlink(path) ;
  exit(code) ;
}

static void die (int code, char const *what)
{
  fprintf(stderr, "notify-recv: fatal: unable to %s %s: %s\n", what, path, strerror(errno)) ;
  done(code) ;
}

static void usage (void)
{
  fputs("notify-recv: usage: notify-recv [-n COUNT] [-t MS] [-p] PATH\n", stderr) ;
  exit(100) ;
}

static unsigned long number (char const *s)
{
  char *end ;
  unsigned long v ;
  if (*s < '0' || *s > '9') usage() ;
  errno = 0 ;
  v = strtoul(s, &end, 10) ;
  if (errno || *end || v > INT_MAX) usage() ;
  return v ;
}

static long long now_ms (void)
{
  struct timespec ts ;
  clock_gettime(CLOCK_MONOTONIC, &ts) ;
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 ;
}

int main (int argc, char **argv)
{
  unsigned long count = 1, got = 0, ms = 10000 ;
  int withpid = 0, opt, fd, one = 1 ;
  long long deadline ;
  struct sockaddr_un sa ;
  socklen_t salen ;
  size_t plen ;
  static char buf[65536], line[2 * sizeof(buf) + 32] ;

  while ((opt = getopt(argc, argv, "n:t:p")) != -1)
  {
    switch (opt)
    {
      case 'n' : count = number(optarg) ; break ;
      case 't' : ms = number(optarg) ; break ;
      case 'p' : withpid = 1 ; break ;
      default : usage() ;
    }
  }
  if (argc - optind != 1) usage() ;
  path = argv[optind] ;
  plen = strlen(path) ;
  memset(&sa, 0, sizeof(sa)) ;
  sa.sun_family = AF_UNIX ;
  if (!plen || plen >= sizeof(sa.sun_path)) usage() ;
  memcpy(sa.sun_path, path, plen) ;
  if (path[0] == '@')
  {
    sa.sun_path[0] = 0 ;
    salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen) ;
  }
  else
  {
    struct stat st ;
    if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) unlink(path) ;
    salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen + 1) ;
  }

  deadline = now_ms() + (long long)ms ;
  fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0) ;
  if (fd < 0) die(111, "create a socket for") ;
  if (withpid && setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0) die(111, "set SO_PASSCRED on") ;
  if (bind(fd, (struct sockaddr *)&sa, salen) < 0) die(111, "bind to") ;
  bound = 1 ;

  while (!count || got < count)
  {
    struct pollfd pfd = { .fd = fd, .events = POLLIN, .revents = 0 } ;
    long long left = deadline - now_ms() ;
    union { struct cmsghdr h ; char space[CMSG_SPACE(sizeof(struct ucred))] ; } control ;
    struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) } ;
    struct msghdr msg ;
    struct cmsghdr *c ;
    pid_t pid = 0 ;
    ssize_t r ;
    size_t n = 0 ;
    if (left <= 0)
    {
      if (!count) break ;
      errno = ETIMEDOUT ;
      die(1, "receive every datagram on") ;
    }
    r = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left) ;
    if (r < 0 && errno != EINTR) die(111, "poll") ;
    if (r <= 0) continue ;
    memset(&msg, 0, sizeof(msg)) ;
    msg.msg_iov = &iov ;
    msg.msg_iovlen = 1 ;
    msg.msg_control = &control ;
    msg.msg_controllen = sizeof(control) ;
    r = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) ;
    if (r < 0)
    {
      if (errno == EINTR || errno == EAGAIN) continue ;
      die(111, "receive on") ;
    }
    for (c = CMSG_FIRSTHDR(&msg) ; c ; c = CMSG_NXTHDR(&msg, c))
    {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS)
      {
        struct ucred cred ;
        memcpy(&cred, CMSG_DATA(c), sizeof(cred)) ;
        pid = cred.pid ;
      }
    }
    if (withpid) n = (size_t)snprintf(line, 32, "%ld ", (long)pid) ;
    for (ssize_t i = 0 ; i < r ; i++)
    {
      if (buf[i] == '\n') { line[n++] = '\\' ; line[n++] = 'n' ; }
      else line[n++] = buf[i] ;
    }
    line[n++] = '\n' ;
    if (fwrite(line, 1, n, stdout) != n || fflush(stdout) == EOF) die(111, "write to stdout for") ;
    got++ ;
  }
  done(0) ;
}
