#include <sys/stat.h>
#include <sys/uio.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/types.h>

#include <nci/outstream.h>

/* See nci/outstream.h. A pipe output is reopened non-blocking through
   /proc/self/fd: a file description of its own, so the blocking mode of nobody
   else's writes changes. */

#define IOV_LINES 16

static char newline = '\n' ;

static size_t line_max (nci_outstream const *s)
{
  return NCI_OUTSTREAM_CHUNK - s->prefixlen - 1 ;
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

int nci_outstream_init (nci_outstream *s, int outfd, int rfd, int wfd, char const *prefix, size_t prefixlen)
{
  int p[2] = { rfd, wfd } ;
  if (rfd < 0 && pipecoe(p) < 0) return 0 ;
  if (rfd >= 0 && (coe(rfd) < 0 || coe(wfd) < 0)) return 0 ;
  if (ndelay_on(p[0]) < 0)
  {
    if (rfd < 0) { int e = errno ; fd_close(p[0]) ; fd_close(p[1]) ; errno = e ; }
    return 0 ;
  }
  s->rfd = p[0] ;
  s->wfd = p[1] ;
  s->outfd = private_output(outfd) ;
  s->prefix = prefix ;
  s->prefixlen = prefixlen ;
  s->len = 0 ;
  s->flush = s->partial_ok = s->broken = s->eof = 0 ;
  s->dropped = 0 ;
  return 1 ;
}

int nci_outstream_wants_read (nci_outstream const *s)
{
  return !s->eof && s->len < line_max(s) ;
}

/* Whether buf starts with something to write: a whole line, a line too long
   for the buffer, or the last partial line of a service that is gone. */
int nci_outstream_wants_write (nci_outstream const *s)
{
  if (!s->len) return 0 ;
  return s->len >= line_max(s) || s->partial_ok || memchr(s->buf, '\n', s->len) ;
}

int nci_outstream_read (nci_outstream *s)
{
  ssize_t r = read(s->rfd, s->buf + s->len, line_max(s) - s->len) ;
  if (r < 0)
  {
    if (errno == EINTR) return 1 ;
    if (errno != EAGAIN) return 0 ;
    /* the pipe is empty: the writer's last partial line may go out */
    if (s->flush) { s->flush = 0 ; s->partial_ok = s->len > 0 ; }
    return 1 ;
  }
  if (!r)
  {
    /* no writer left: the last partial line goes out */
    s->eof = 1 ;
    s->partial_ok = s->len > 0 ;
    return 1 ;
  }
  s->len += (size_t)r ;
  return 1 ;
}

/* Builds the iovec of the lines to write now; returns the bytes of buf they use. */
static size_t gather (nci_outstream const *s, struct iovec *v, unsigned int *n, size_t *total)
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
    else if (left >= line_max(s) || s->partial_ok) { text = take = left ; addnl = 1 ; }
    else break ;
    if (*total + s->prefixlen + text + 1 > NCI_OUTSTREAM_CHUNK) break ;
    if (s->prefixlen) v[(*n)++] = (struct iovec){ .iov_base = (char *)s->prefix, .iov_len = s->prefixlen } ;
    v[(*n)++] = (struct iovec){ .iov_base = (char *)start, .iov_len = take } ;
    if (addnl) v[(*n)++] = (struct iovec){ .iov_base = &newline, .iov_len = 1 } ;
    *total += s->prefixlen + text + 1 ;
    used += take ;
  }
  return used ;
}

static void consume (nci_outstream *s, size_t used)
{
  memmove(s->buf, s->buf + used, s->len - used) ;
  s->len -= used ;
  if (!s->len) s->partial_ok = 0 ;
}

/* Writes what writev did not (a short write only happens on files and
   terminals), blocking: it is a rare, bounded remainder. */
static void finish_short (nci_outstream *s, struct iovec *v, unsigned int n, size_t done)
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

void nci_outstream_write (nci_outstream *s)
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
void nci_outstream_drain (nci_outstream *s)
{
  if (ndelay_off(s->outfd) < 0) s->broken = 1 ;
  for (;;)
  {
    ssize_t r ;
    while (nci_outstream_wants_write(s)) nci_outstream_write(s) ;
    r = s->eof ? 0 : read(s->rfd, s->buf + s->len, line_max(s) - s->len) ;
    if (r > 0) { s->len += (size_t)r ; continue ; }
    if (!s->len) break ;
    s->partial_ok = 1 ;
  }
}
