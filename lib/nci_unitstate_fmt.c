#include <string.h>
#include <sys/wait.h>
#include <skalibs/types.h>
#include <skalibs/uint64.h>
#include <nci/signal.h>
#include <nci/unitstate.h>

static size_t catb (char *buf, size_t n, char const *s, size_t len)
{
  memcpy(buf + n, s, len) ;
  return n + len ;
}

static size_t cats (char *buf, size_t n, char const *s)
{
  return catb(buf, n, s, strlen(s)) ;
}

static size_t last_exit (char *buf, size_t n, nci_unitstate const *st)
{
  char sig[NCI_SIGNAL_NAME_MAX] ;
  if (!st->has_exit) return cats(buf, n, "none") ;
  if (!WIFSIGNALED(st->wstat))
  {
    n = cats(buf, n, "exited ") ;
    return n + uint_fmt(buf + n, (unsigned int)WEXITSTATUS(st->wstat)) ;
  }
  nci_signal_name(WTERMSIG(st->wstat), sig) ;
  n = cats(buf, n, WCOREDUMP(st->wstat) ? "dumped " : "killed ") ;
  return cats(buf, n, sig) ;
}

size_t nci_unitstate_fmt (char *buf, nci_unitstate const *st)
{
  char const *state = nci_unitstate_state_name(st->state) ;
  char const *result = nci_unitstate_result_name(st->result) ;
  size_t textlen = strnlen(st->status, NCI_UNITSTATE_TEXT_MAX - 1) ;
  size_t n = 0 ;
  n = cats(buf, n, "state ") ;
  n = cats(buf, n, state ? state : "?") ;
  n = cats(buf, n, "\nreadiness ") ;
  n = catb(buf, n, st->readiness, strnlen(st->readiness, sizeof st->readiness - 1)) ;
  n = cats(buf, n, st->ready ? "\nready yes\npid " : "\nready no\npid ") ;
  n += uint64_fmt(buf + n, st->pid > 0 ? (uint64_t)st->pid : 0) ;
  n = cats(buf, n, "\nsince ") ;
  n += uint64_fmt(buf + n, st->since_ms / 1000) ;
  buf[n++] = '.' ;
  n += uint640_fmt(buf + n, st->since_ms % 1000, 3) ;
  n = cats(buf, n, "\nrestarts ") ;
  n += uint_fmt(buf + n, st->restarts) ;
  n = cats(buf, n, "\nresult ") ;
  n = cats(buf, n, result ? result : "?") ;
  n = cats(buf, n, "\nlast-exit ") ;
  n = last_exit(buf, n, st) ;
  n = cats(buf, n, "\nstatus ") ;
  /* a newline in the text would end the line: the file stays one key a line */
  for (size_t i = 0 ; i < textlen ; i++) buf[n++] = st->status[i] == '\n' ? ' ' : st->status[i] ;
  buf[n++] = '\n' ;
  return n ;
}
