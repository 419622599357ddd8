#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <nci/signal.h>
#include <nci/unitstate.h>

/* One line "KEY VALUE\n" of s[0..len) at *pos; sets the value and moves past it. */
static int field (char const *s, size_t len, size_t *pos, char const *key, char const **val, size_t *vlen)
{
  size_t keylen = strlen(key) ;
  char const *nl ;
  if (len - *pos <= keylen || memcmp(s + *pos, key, keylen) || s[*pos + keylen] != ' ') return 0 ;
  *val = s + *pos + keylen + 1 ;
  nl = memchr(*val, '\n', len - (*pos + keylen + 1)) ;
  if (!nl) return 0 ;
  *vlen = (size_t)(nl - *val) ;
  *pos = (size_t)(nl - s) + 1 ;
  return 1 ;
}

static int is (char const *val, size_t vlen, char const *word)
{
  return vlen == strlen(word) && !memcmp(val, word, vlen) ;
}

static int scan_u64 (char const *s, size_t len, uint64_t max, uint64_t *u)
{
  uint64_t r = 0 ;
  if (!len) return 0 ;
  for (size_t i = 0 ; i < len ; i++)
  {
    unsigned int d = (unsigned char)s[i] - '0' ;
    if (d > 9 || r > (max - d) / 10) return 0 ;
    r = r * 10 + d ;
  }
  *u = r ;
  return 1 ;
}

static int scan_since (char const *s, size_t len, uint64_t *ms)
{
  uint64_t sec, frac ;
  if (len < 5 || s[len - 4] != '.') return 0 ;
  if (!scan_u64(s, len - 4, UINT64_MAX / 1000, &sec) || !scan_u64(s + len - 3, 3, 999, &frac)
   || sec * 1000 > UINT64_MAX - frac) return 0 ;
  *ms = sec * 1000 + frac ;
  return 1 ;
}

static int scan_readiness (char const *s, size_t len, char *out, size_t max)
{
  if (!len || len >= max) return 0 ;
  for (size_t i = 0 ; i < len ; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-')) return 0 ;
  memcpy(out, s, len) ;
  out[len] = 0 ;
  return 1 ;
}

static int scan_last_exit (char const *s, size_t len, nci_unitstate *st)
{
  char name[NCI_SIGNAL_NAME_MAX] ;
  uint64_t code ;
  int sig ;
  st->has_exit = 1 ;
  if (is(s, len, "none")) { st->has_exit = 0 ; st->wstat = 0 ; return 1 ; }
  if (len > 7 && !memcmp(s, "exited ", 7))
  {
    if (!scan_u64(s + 7, len - 7, 255, &code)) return 0 ;
    st->wstat = (int)code << 8 ;
    return 1 ;
  }
  if (len <= 7 || len - 7 >= sizeof name || (memcmp(s, "killed ", 7) && memcmp(s, "dumped ", 7))) return 0 ;
  memcpy(name, s + 7, len - 7) ;
  name[len - 7] = 0 ;
  if (memchr(name, 0, len - 7) || !nci_signal_parse(name, &sig)) return 0 ;
  st->wstat = sig | (s[0] == 'd' ? 0x80 : 0) ;
  return 1 ;
}

static int scan_name (char const *s, size_t len, char const *(*name)(unsigned int), unsigned int *out)
{
  char const *n ;
  for (unsigned int i = 0 ; (n = (*name)(i)) ; i++)
    if (is(s, len, n)) { *out = i ; return 1 ; }
  return 0 ;
}

static char const *state_name (unsigned int i) { return nci_unitstate_state_name((enum nci_unitstate_state_e)i) ; }
static char const *result_name (unsigned int i) { return nci_unitstate_result_name((enum nci_unitstate_result_e)i) ; }

int nci_unitstate_parse (char const *s, size_t len, nci_unitstate *st)
{
  nci_unitstate u ;
  char const *v ;
  size_t vlen ;
  size_t pos = 0 ;
  uint64_t x ;
  unsigned int e ;
  memset(&u, 0, sizeof u) ;
  if (!field(s, len, &pos, "state", &v, &vlen) || !scan_name(v, vlen, &state_name, &e)) goto bad ;
  u.state = (enum nci_unitstate_state_e)e ;
  if (!field(s, len, &pos, "readiness", &v, &vlen) || !scan_readiness(v, vlen, u.readiness, sizeof u.readiness)) goto bad ;
  if (!field(s, len, &pos, "ready", &v, &vlen)) goto bad ;
  if (is(v, vlen, "yes")) u.ready = 1 ;
  else if (!is(v, vlen, "no")) goto bad ;
  if (!field(s, len, &pos, "pid", &v, &vlen) || !scan_u64(v, vlen, INT_MAX, &x)) goto bad ;
  u.pid = (pid_t)x ;
  if (!field(s, len, &pos, "since", &v, &vlen) || !scan_since(v, vlen, &u.since_ms)) goto bad ;
  if (!field(s, len, &pos, "restarts", &v, &vlen) || !scan_u64(v, vlen, UINT_MAX, &x)) goto bad ;
  u.restarts = (unsigned int)x ;
  if (!field(s, len, &pos, "result", &v, &vlen) || !scan_name(v, vlen, &result_name, &e)) goto bad ;
  u.result = (enum nci_unitstate_result_e)e ;
  if (!field(s, len, &pos, "last-exit", &v, &vlen) || !scan_last_exit(v, vlen, &u)) goto bad ;
  if (!field(s, len, &pos, "status", &v, &vlen) || vlen >= sizeof u.status || memchr(v, 0, vlen) || pos != len) goto bad ;
  memcpy(u.status, v, vlen) ;
  u.status[vlen] = 0 ;
  *st = u ;
  return 1 ;

 bad:
  errno = EPROTO ;
  return 0 ;
}
