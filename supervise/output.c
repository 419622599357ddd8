#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "supervise.h"

/* The service's output becomes whole lines "NAME: text\n". A formatted line is at
   most OUT_CHUNK (PIPE_BUF) bytes so one write() carries it whole: the lines of
   all the services sharing the container's stdout never tear. A longer line is
   split into several. When outfd is slow, q stays full and supervise stops
   reading the service's pipe: the service waits on its own write, nothing is
   dropped, and supervise's loop never blocks. */

static char prefix[256] ;
static size_t prefixlen ;

void output_prefix_set (char const *name, int enabled)
{
  size_t n = strlen(name) ;
  if (!enabled) { prefixlen = 0 ; return ; }
  if (n > sizeof prefix - 2) n = sizeof prefix - 2 ;
  memcpy(prefix, name, n) ;
  prefix[n] = ':' ; prefix[n + 1] = ' ' ;
  prefixlen = n + 2 ;
}

void output_init (stream *s, int outfd)
{
  int p[2] ;
  if (pipecoe(p) < 0) strerr_diefu1sys(111, "create the output pipe") ;
  if (ndelay_on(p[0]) < 0) strerr_diefu1sys(111, "make the output pipe non-blocking") ;
  s->rfd = p[0] ;
  s->wfd = p[1] ;
  s->outfd = outfd ;
  s->len = s->qlen = 0 ;
  s->flush = s->broken = 0 ;
  s->dropped = 0 ;
}

static size_t line_max (void)
{
  return OUT_CHUNK - prefixlen - 1 ;
}

/* Moves whole lines (or a too-long line's first part, or on flush the partial
   line) from buf to q while they fit. */
static void format (stream *s, int flush_partial)
{
  for (;;)
  {
    char *nl = memchr(s->buf, '\n', s->len) ;
    size_t n, take ;
    if (nl) { n = (size_t)(nl - s->buf) ; take = n + 1 ; }
    else if (s->len >= line_max() || (flush_partial && s->len)) { n = s->len < line_max() ? s->len : line_max() ; take = n ; }
    else return ;
    if (n > line_max()) { n = line_max() ; take = n ; }
    if (s->qlen + prefixlen + n + 1 > OUT_CHUNK) return ;
    memcpy(s->q + s->qlen, prefix, prefixlen) ;
    memcpy(s->q + s->qlen + prefixlen, s->buf, n) ;
    s->q[s->qlen + prefixlen + n] = '\n' ;
    s->qlen += prefixlen + n + 1 ;
    memmove(s->buf, s->buf + take, s->len - take) ;
    s->len -= take ;
  }
}

int output_wants_read (stream const *s)
{
  return s->len < line_max() && s->qlen == 0 ;
}

void output_read (stream *s)
{
  ssize_t r = read(s->rfd, s->buf + s->len, line_max() - s->len) ;
  if (r < 0)
  {
    if (errno == EAGAIN || errno == EINTR)
    {
      if (s->flush) { format(s, 1) ; if (!s->len) s->flush = 0 ; }
      return ;
    }
    strerr_diefu1sys(111, "read the service's output pipe") ;
  }
  s->len += (size_t)r ;
  format(s, 0) ;
}

void output_write (stream *s)
{
  ssize_t r ;
  if (!s->qlen) return ;
  if (s->broken) { s->dropped += s->qlen ; s->qlen = 0 ; format(s, 0) ; return ; }
  r = write(s->outfd, s->q, s->qlen) ;
  if (r < 0)
  {
    if (errno == EAGAIN || errno == EINTR) return ;
    /* The reader of our output is gone (EPIPE) or it failed: keep supervising,
       count what cannot be written, and say it once. */
    s->broken = 1 ;
    s->dropped += s->qlen ;
    s->qlen = 0 ;
    strerr_warnwu2sys("write the output of ", prefixlen ? prefix : "the service") ;
    return ;
  }
  memmove(s->q, s->q + r, s->qlen - (size_t)r) ;
  s->qlen -= (size_t)r ;
  if (!s->qlen) format(s, 0) ;
}

/* At exit: whatever is in the pipe and the buffers goes out, blocking on outfd
   if it must; the service is gone, so this is bounded by the pipe's size. */
void output_drain (stream *s)
{
  if (ndelay_off(s->outfd) < 0) s->broken = 1 ;
  for (;;)
  {
    ssize_t r ;
    while (s->qlen) output_write(s) ;
    r = read(s->rfd, s->buf + s->len, line_max() - s->len) ;
    if (r > 0) { s->len += (size_t)r ; format(s, 0) ; continue ; }
    format(s, 1) ;
    if (!s->qlen) break ;
  }
  if (s->dropped)
  {
    char fmt[UINT64_FMT] ;
    fmt[uint64_fmt(fmt, s->dropped)] = 0 ;
    strerr_warnw3x("dropped ", fmt, " bytes of output: the output could not be written") ;
  }
}
