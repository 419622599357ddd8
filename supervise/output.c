#include <sys/stat.h>
#include <sys/uio.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "supervise.h"

/* The service's output becomes whole lines "NAME: text\n". One writev() carries
   at most PIPE_BUF bytes of whole lines, so the lines of all the services sharing
   the container's stdout never tear. A line longer than the buffer is split.
   When supervise's output is a pipe, it is reopened non-blocking (a file
   description of its own, so nobody else's writes change): a slow reader makes
   writes wait in the loop, the buffer fills, supervise stops reading the
   service's pipe and the service waits on its own write. Nothing is dropped and
   the loop never blocks. */

#define IOV_LINES 16

static char prefix[128] ;
static size_t prefixlen ;
static char newline = '\n' ;

void output_prefix_set (char const *name, int enabled)
{
  size_t n = strlen(name) ;
  if (!enabled) { prefixlen = 0 ; return ; }
  if (n > sizeof prefix - 2) n = sizeof prefix - 2 ;
  memcpy(prefix, name, n) ;
  prefix[n] = ':' ; prefix[n + 1] = ' ' ;
  prefixlen = n + 2 ;
}

static size_t line_max (void)
{
  return OUT_CHUNK - prefixlen - 1 ;
}

/* A pipe gets a non-blocking file description of its own; anything else (a
   file, a terminal) is written as it is. */
static int private_output (int fd)
{
  struct stat st ;
  char path[32] = "/proc/self/fd/" ;
  int nfd ;
  if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode)) return fd ;
  path[14 + uint_fmt(path + 14, (unsigned int)fd)] = 0 ;
  nfd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC) ;
  return nfd < 0 ? fd : nfd ;
}

/* rfd, wfd: a pipe nci-init made and keeps, so the service's output survives
   a restart of supervise itself; -1 to make one here. */
void output_init (stream *s, int outfd, int rfd, int wfd)
{
  int p[2] = { rfd, wfd } ;
  if (rfd < 0 && pipecoe(p) < 0) strerr_diefu1sys(111, "create the output pipe") ;
  if (rfd >= 0 && (coe(rfd) < 0 || coe(wfd) < 0)) strerr_diefu1sys(111, "set close-on-exec on the output pipe") ;
  if (ndelay_on(p[0]) < 0) strerr_diefu1sys(111, "make the output pipe non-blocking") ;
  s->rfd = p[0] ;
  s->wfd = p[1] ;
  s->outfd = private_output(outfd) ;
  s->len = 0 ;
  s->flush = s->partial_ok = s->broken = 0 ;
  s->dropped = 0 ;
}

int output_wants_read (stream const *s)
{
  return s->len < line_max() ;
}

/* Whether buf starts with something to write: a whole line, a line too long
   for the buffer, or the last partial line of a service that is gone. */
int output_wants_write (stream const *s)
{
  if (!s->len) return 0 ;
  return s->len >= line_max() || s->partial_ok || memchr(s->buf, '\n', s->len) ;
}

void output_read (stream *s)
{
  ssize_t r = read(s->rfd, s->buf + s->len, line_max() - s->len) ;
  if (r < 0)
  {
    if (errno == EINTR) return ;
    if (errno != EAGAIN) strerr_diefu1sys(111, "read the service's output pipe") ;
    /* the pipe is empty: the writer's last partial line may go out */
    if (s->flush) { s->flush = 0 ; s->partial_ok = s->len > 0 ; }
    return ;
  }
  s->len += (size_t)r ;
}

/* Builds the iovec of the lines to write now; returns the bytes of buf they use. */
static size_t gather (stream const *s, struct iovec *v, unsigned int *n, size_t *total)
{
  size_t used = 0 ;
  *n = 0 ; *total = 0 ;
  while (used < s->len && *n + 3 <= 3 * IOV_LINES)
  {
    char const *start = s->buf + used ;
    size_t left = s->len - used ;
    char const *nl = memchr(start, '\n', left) ;
    size_t take, text ;
    int addnl ;
    if (nl) { text = (size_t)(nl - start) ; take = text + 1 ; addnl = 0 ; }
    else if (left >= line_max() || s->partial_ok) { text = take = left ; addnl = 1 ; }
    else break ;
    if (*total + prefixlen + text + 1 > OUT_CHUNK) break ;
    if (prefixlen) v[(*n)++] = (struct iovec){ .iov_base = prefix, .iov_len = prefixlen } ;
    v[(*n)++] = (struct iovec){ .iov_base = (char *)start, .iov_len = take } ;
    if (addnl) v[(*n)++] = (struct iovec){ .iov_base = &newline, .iov_len = 1 } ;
    *total += prefixlen + text + 1 ;
    used += take ;
  }
  return used ;
}

static void consume (stream *s, size_t used)
{
  memmove(s->buf, s->buf + used, s->len - used) ;
  s->len -= used ;
  if (!s->len) s->partial_ok = 0 ;
}

/* Writes what writev did not (a short write only happens on files and
   terminals), blocking: it is a rare, bounded remainder. */
static void finish_short (stream *s, struct iovec *v, unsigned int n, size_t done)
{
  for (unsigned int i = 0 ; i < n ; i++)
  {
    if (done >= v[i].iov_len) { done -= v[i].iov_len ; continue ; }
    if (allwrite(s->outfd, (char *)v[i].iov_base + done, v[i].iov_len - done) < v[i].iov_len - done)
    {
      s->broken = 1 ;
      return ;
    }
    done = 0 ;
  }
}

void output_write (stream *s)
{
  struct iovec v[3 * IOV_LINES] ;
  unsigned int n ;
  size_t total ;
  size_t used = gather(s, v, &n, &total) ;
  ssize_t r ;
  if (!used) return ;
  if (s->broken) { s->dropped += total ; consume(s, used) ; return ; }
  r = writev(s->outfd, v, (int)n) ;
  if (r < 0)
  {
    if (errno == EAGAIN || errno == EINTR) return ;
    /* The reader of our output is gone (EPIPE) or it failed: keep supervising,
       count what cannot be written, and say it at exit. */
    s->broken = 1 ;
    s->dropped += total ;
    consume(s, used) ;
    return ;
  }
  if ((size_t)r < total) finish_short(s, v, n, (size_t)r) ;
  consume(s, used) ;
}

/* At exit: whatever is in the pipe and the buffer goes out, waiting on outfd
   if it must; the service is gone, so this is bounded by the pipe's size. */
void output_drain (stream *s)
{
  if (ndelay_off(s->outfd) < 0) s->broken = 1 ;
  for (;;)
  {
    ssize_t r ;
    while (output_wants_write(s)) output_write(s) ;
    r = read(s->rfd, s->buf + s->len, line_max() - s->len) ;
    if (r > 0) { s->len += (size_t)r ; continue ; }
    if (!s->len) break ;
    s->partial_ok = 1 ;
  }
  if (s->dropped)
  {
    char fmt[UINT64_FMT] ;
    fmt[uint64_fmt(fmt, s->dropped)] = 0 ;
    strerr_warnw3x("dropped ", fmt, " bytes of output: the output could not be written") ;
  }
}
