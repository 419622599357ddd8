/* supervise/nci-state (doc/state.md): exact text, round trips, malformed files. */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <check.h>
#include "check_run.h"
#include <nci/unitstate.h>

/* doc/state.md's example */
#define EXAMPLE \
  "state up\n" \
  "readiness notify\n" \
  "ready yes\n" \
  "pid 1234\n" \
  "since 1763700000.123\n" \
  "restarts 2\n" \
  "result exit-code\n" \
  "last-exit exited 3\n" \
  "status Listening on 127.0.0.1:8080\n"

static nci_unitstate const example =
{
  .state = NCI_STATE_UP, .readiness = "notify", .ready = 1, .pid = 1234, .since_ms = 1763700000123ULL,
  .restarts = 2, .result = NCI_RESULT_EXIT_CODE, .has_exit = 1, .wstat = 3 << 8,
  .status = "Listening on 127.0.0.1:8080",
} ;

static char const *const states[] = { "down", "starting", "up", "stopping", "finishing", "restarting", "failed" } ;
static char const *const results[] = { "none", "success", "exit-code", "signal", "core-dump", "timeout", "start-limit-hit", "resources" } ;
static char const *const readiness[] = { "simple", "exec", "notify", "forking", "notification-fd", "oneshot" } ;
#define N(a) (sizeof (a) / sizeof (a)[0])

static void assert_same (nci_unitstate const *a, nci_unitstate const *b)
{
  ck_assert_int_eq(a->state, b->state) ;
  ck_assert_str_eq(a->readiness, b->readiness) ;
  ck_assert_int_eq(!!a->ready, !!b->ready) ;
  ck_assert_int_eq(a->pid, b->pid) ;
  ck_assert(a->since_ms == b->since_ms) ;
  ck_assert_uint_eq(a->restarts, b->restarts) ;
  ck_assert_int_eq(a->result, b->result) ;
  ck_assert_int_eq(!!a->has_exit, !!b->has_exit) ;
  if (a->has_exit) ck_assert_int_eq(a->wstat, b->wstat) ;
  ck_assert_str_eq(a->status, b->status) ;
}

/* fmt then parse gives st back; the text is also returned for more checks. */
static size_t round_trip (nci_unitstate const *st, char *buf)
{
  nci_unitstate back ;
  size_t n = nci_unitstate_fmt(buf, st) ;
  ck_assert_uint_lt(n, NCI_UNITSTATE_FMT) ;
  memset(&back, 0x5a, sizeof back) ;
  ck_assert_msg(nci_unitstate_parse(buf, n, &back) == 1, "unparsable: [%.*s]", (int)n, buf) ;
  assert_same(st, &back) ;
  return n ;
}

START_TEST (test_unitstate_example_text)
{
  char buf[NCI_UNITSTATE_FMT] ;
  size_t n = nci_unitstate_fmt(buf, &example) ;
  ck_assert_uint_eq(n, sizeof EXAMPLE - 1) ;
  ck_assert(!memcmp(buf, EXAMPLE, n)) ;
  round_trip(&example, buf) ;
}
END_TEST

START_TEST (test_unitstate_names)
{
  for (unsigned int i = 0 ; i < N(states) ; i++) ck_assert_str_eq(nci_unitstate_state_name((enum nci_unitstate_state_e)i), states[i]) ;
  for (unsigned int i = 0 ; i < N(results) ; i++) ck_assert_str_eq(nci_unitstate_result_name((enum nci_unitstate_result_e)i), results[i]) ;
  ck_assert_ptr_null(nci_unitstate_state_name((enum nci_unitstate_state_e)N(states))) ;
  ck_assert_ptr_null(nci_unitstate_result_name((enum nci_unitstate_result_e)N(results))) ;
  ck_assert_ptr_null(nci_unitstate_state_name((enum nci_unitstate_state_e)-1)) ;
  ck_assert_ptr_null(nci_unitstate_result_name((enum nci_unitstate_result_e)1000)) ;
}
END_TEST

/* Every state with every result, each line as the doc spells it. */
START_TEST (test_unitstate_state_result)
{
  unsigned int s = (unsigned int)_i / N(results), r = (unsigned int)_i % N(results) ;
  nci_unitstate st = example ;
  char buf[NCI_UNITSTATE_FMT] ;
  char line[64] ;
  size_t n ;
  st.state = (enum nci_unitstate_state_e)s ;
  st.result = (enum nci_unitstate_result_e)r ;
  memcpy(st.readiness, readiness[_i % N(readiness)], strlen(readiness[_i % N(readiness)]) + 1) ;
  st.ready = _i & 1 ;
  n = round_trip(&st, buf) ;
  buf[n] = 0 ;
  snprintf(line, sizeof line, "state %s\n", states[s]) ;
  ck_assert(!strncmp(buf, line, strlen(line))) ;
  snprintf(line, sizeof line, "\nresult %s\n", results[r]) ;
  ck_assert_ptr_nonnull(strstr(buf, line)) ;
  snprintf(line, sizeof line, "\nreadiness %s\nready %s\n", readiness[_i % N(readiness)], _i & 1 ? "yes" : "no") ;
  ck_assert_ptr_nonnull(strstr(buf, line)) ;
}
END_TEST

static struct { int has_exit ; int wstat ; char const *text ; } const exits[] =
{
  { 0, 0, "none" },
  { 1, 0, "exited 0" },
  { 1, 1 << 8, "exited 1" },
  { 1, 255 << 8, "exited 255" },
  { 1, SIGTERM, "killed SIGTERM" },
  { 1, SIGKILL, "killed SIGKILL" },
  { 1, SIGHUP, "killed SIGHUP" },
  { 1, SIGSEGV | 0x80, "dumped SIGSEGV" },
  { 1, SIGABRT | 0x80, "dumped SIGABRT" },
} ;

START_TEST (test_unitstate_last_exit)
{
  nci_unitstate st = example ;
  char buf[NCI_UNITSTATE_FMT] ;
  char line[64] ;
  size_t n ;
  st.has_exit = exits[_i].has_exit ;
  st.wstat = exits[_i].wstat ;
  n = round_trip(&st, buf) ;
  buf[n] = 0 ;
  snprintf(line, sizeof line, "\nlast-exit %s\n", exits[_i].text) ;
  ck_assert_msg(strstr(buf, line) != 0, "no [%s] in [%s]", exits[_i].text, buf) ;
}
END_TEST

/* Every signal there is, killed and dumped, whatever its name. */
START_TEST (test_unitstate_every_signal)
{
  nci_unitstate st = example ;
  char buf[NCI_UNITSTATE_FMT] ;
  st.has_exit = 1 ;
  for (int sig = 1 ; sig <= SIGRTMAX ; sig++)
  {
    st.wstat = sig ;
    round_trip(&st, buf) ;
    st.wstat = sig | 0x80 ;
    round_trip(&st, buf) ;
  }
}
END_TEST

START_TEST (test_unitstate_numbers)
{
  static struct { uint64_t ms ; char const *text ; } const since[] =
  {
    { 0, "since 0.000\n" }, { 5, "since 0.005\n" }, { 999, "since 0.999\n" }, { 1000, "since 1.000\n" },
    { 1763700000001ULL, "since 1763700000.001\n" }, { UINT64_MAX, "since 18446744073709551.615\n" },
  } ;
  nci_unitstate st = example ;
  char buf[NCI_UNITSTATE_FMT] ;
  size_t n ;
  for (size_t i = 0 ; i < N(since) ; i++)
  {
    st.since_ms = since[i].ms ;
    n = round_trip(&st, buf) ;
    buf[n] = 0 ;
    ck_assert_msg(strstr(buf, since[i].text) != 0, "no [%s] in [%s]", since[i].text, buf) ;
  }
  st.pid = 0 ; st.restarts = 0 ;
  n = round_trip(&st, buf) ; buf[n] = 0 ;
  ck_assert_ptr_nonnull(strstr(buf, "\npid 0\n")) ;
  ck_assert_ptr_nonnull(strstr(buf, "\nrestarts 0\n")) ;
  st.pid = INT_MAX ; st.restarts = UINT_MAX ;
  n = round_trip(&st, buf) ; buf[n] = 0 ;
  ck_assert_ptr_nonnull(strstr(buf, "\npid 2147483647\n")) ;
  ck_assert_ptr_nonnull(strstr(buf, "\nrestarts 4294967295\n")) ;
}
END_TEST

START_TEST (test_unitstate_status_text)
{
  nci_unitstate st = example ;
  char buf[NCI_UNITSTATE_FMT] ;
  size_t n ;
  st.status[0] = 0 ;
  n = round_trip(&st, buf) ;
  ck_assert(n >= 9 && !memcmp(buf + n - 9, "\nstatus \n", 9)) ;
  memset(st.status, 'x', NCI_UNITSTATE_TEXT_MAX - 1) ;
  st.status[NCI_UNITSTATE_TEXT_MAX - 1] = 0 ;
  round_trip(&st, buf) ;
  strcpy(st.status, "tab\there, caf\xc3\xa9, \x01 and trailing space ") ;
  round_trip(&st, buf) ;
}
END_TEST

/* A newline in the text would make a second line; it is written as a space. And a
   status filling all 128 bytes without a NUL is cut at 127. */
START_TEST (test_unitstate_status_sanitized)
{
  nci_unitstate st = example, back ;
  char buf[NCI_UNITSTATE_FMT] ;
  size_t n ;
  strcpy(st.status, "two\nlines\n") ;
  n = nci_unitstate_fmt(buf, &st) ;
  ck_assert_int_eq(nci_unitstate_parse(buf, n, &back), 1) ;
  ck_assert_str_eq(back.status, "two lines ") ;
  memset(st.status, 'y', sizeof st.status) ;
  n = nci_unitstate_fmt(buf, &st) ;
  ck_assert_int_eq(nci_unitstate_parse(buf, n, &back), 1) ;
  ck_assert_uint_eq(strlen(back.status), NCI_UNITSTATE_TEXT_MAX - 1) ;
}
END_TEST

/* The longest of everything still fits NCI_UNITSTATE_FMT. */
START_TEST (test_unitstate_longest)
{
  nci_unitstate st =
  {
    .state = NCI_STATE_RESTARTING, .readiness = "notification-fd", .ready = 1, .pid = INT_MAX,
    .since_ms = UINT64_MAX, .restarts = UINT_MAX, .result = NCI_RESULT_START_LIMIT_HIT,
    .has_exit = 1, .wstat = (SIGRTMIN + 10) | 0x80,
  } ;
  char buf[NCI_UNITSTATE_FMT + 64] ;
  memset(buf, 0x77, sizeof buf) ;
  memset(st.status, 'z', sizeof st.status - 1) ;
  st.status[sizeof st.status - 1] = 0 ;
  round_trip(&st, buf) ;
  for (size_t i = NCI_UNITSTATE_FMT ; i < sizeof buf ; i++) ck_assert_int_eq(buf[i], 0x77) ;
}
END_TEST

#define BAD(s) { s, sizeof(s) - 1 }
static struct { char const *s ; size_t len ; } const bad[] =
{
  BAD(""),
  BAD("\n"),
  BAD("state up"),
  BAD(EXAMPLE "extra line\n"),
  BAD(EXAMPLE "\n"),
  BAD(EXAMPLE "x"),
  BAD("state up\nreadiness notify\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit exited 3\n"),
  BAD("readiness notify\nstate up\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit exited 3\nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\nsince 1763700000.123\npid 1234\nrestarts 2\nresult exit-code\nlast-exit exited 3\nstatus \n"),
  BAD("state running\nreadiness notify\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit exited 3\nstatus \n"),
  BAD("state Up\nreadiness notify\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit exited 3\nstatus \n"),
  BAD("state  up\nreadiness notify\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit exited 3\nstatus \n"),
  BAD("state up \nreadiness notify\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit exited 3\nstatus \n"),
  BAD("State up\nreadiness notify\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit exited 3\nstatus \n"),
  BAD("state\tup\nreadiness notify\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit exited 3\nstatus \n"),
  BAD("state up\r\nreadiness notify\r\nready yes\r\npid 1234\r\nsince 1763700000.123\r\nrestarts 2\r\nresult exit-code\r\nlast-exit exited 3\r\nstatus \r\n"),
  BAD("state up\nreadiness \nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit exited 3\nstatus \n"),
  BAD("state up\nreadiness Notify\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit exited 3\nstatus \n"),
  BAD("state up\nreadiness notification-fdx\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit exited 3\nstatus \n"),
  BAD("state up\nreadiness no tify\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit exited 3\nstatus \n"),
  BAD("state up\nreadiness notify\nready maybe\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit exited 3\nstatus \n"),
  BAD("state up\nreadiness notify\nready \npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit exited 3\nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\npid -1\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit exited 3\nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\npid \nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit exited 3\nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\npid 12a\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit exited 3\nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\npid 2147483648\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit exited 3\nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\npid +5\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit exited 3\nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\npid 1234\nsince 1763700000\nrestarts 2\nresult exit-code\nlast-exit exited 3\nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\npid 1234\nsince 1763700000.12\nrestarts 2\nresult exit-code\nlast-exit exited 3\nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\npid 1234\nsince 1763700000.1234\nrestarts 2\nresult exit-code\nlast-exit exited 3\nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\npid 1234\nsince .123\nrestarts 2\nresult exit-code\nlast-exit exited 3\nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\npid 1234\nsince 1.12a\nrestarts 2\nresult exit-code\nlast-exit exited 3\nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\npid 1234\nsince 1,123\nrestarts 2\nresult exit-code\nlast-exit exited 3\nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\npid 1234\nsince 18446744073709551.616\nrestarts 2\nresult exit-code\nlast-exit exited 3\nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\npid 1234\nsince 18446744073709552.000\nrestarts 2\nresult exit-code\nlast-exit exited 3\nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\npid 1234\nsince 1763700000.123\nrestarts 4294967296\nresult exit-code\nlast-exit exited 3\nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult failure\nlast-exit exited 3\nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult \nlast-exit exited 3\nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit exited 256\nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit exited\nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit exited \nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit exited -1\nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit killed SIGBOGUS\nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit killed \nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit killed 0\nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit killed SIGTERMINATOR_OF_ALL\nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit dumped\nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit crashed SIGSEGV\nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit none \nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit \nstatus \n"),
  BAD("state up\nreadiness notify\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit none\nstatus\n"),
  BAD("state up\nreadiness notify\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit none\nstatus a\0b\n"),
  BAD("state up\nreadiness notify\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit none\nstatus "
      "01234567890123456789012345678901234567890123456789012345678901234567890123456789"
      "012345678901234567890123456789012345678901234567\n"),
  BAD("state up\nreadiness notify\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit killed SIG\0TERM\nstatus \n"),
  BAD("state u\0\nreadiness notify\nready yes\npid 1234\nsince 1763700000.123\nrestarts 2\nresult exit-code\nlast-exit none\nstatus \n"),
} ;

START_TEST (test_unitstate_bad)
{
  nci_unitstate st = example ;
  errno = 0 ;
  ck_assert_msg(nci_unitstate_parse(bad[_i].s, bad[_i].len, &st) == 0, "accepted [%s]", bad[_i].s) ;
  ck_assert_int_eq(errno, EPROTO) ;
  assert_same(&st, &example) ;
}
END_TEST

/* The good text minus anything from its end: every cut is refused. */
START_TEST (test_unitstate_truncated)
{
  nci_unitstate st ;
  for (size_t len = 0 ; len < sizeof EXAMPLE - 1 ; len++)
  {
    errno = 0 ;
    ck_assert_msg(!nci_unitstate_parse(EXAMPLE, len, &st), "accepted %zu bytes", len) ;
    ck_assert_int_eq(errno, EPROTO) ;
  }
}
END_TEST

/* A 127-byte status parses (the bad table has a 128-byte one refused). */
START_TEST (test_unitstate_status_limit)
{
  char buf[NCI_UNITSTATE_FMT] ;
  nci_unitstate st ;
  int n = snprintf(buf, sizeof buf, "state up\nreadiness notify\nready yes\npid 1\nsince 0.000\nrestarts 0\nresult none\nlast-exit none\nstatus %0127d\n", 0) ;
  ck_assert_int_eq(nci_unitstate_parse(buf, (size_t)n, &st), 1) ;
  ck_assert_uint_eq(strlen(st.status), NCI_UNITSTATE_TEXT_MAX - 1) ;
}
END_TEST

/* Random damage to a good text: no crash, no read outside it (ASan), and whatever
   is accepted formats back to something that parses to the same. */
START_TEST (test_unitstate_fuzz)
{
  unsigned int seed = 777u + (unsigned int)_i ;
  char good[NCI_UNITSTATE_FMT] ;
  size_t goodlen = nci_unitstate_fmt(good, &example) ;
  for (unsigned int n = 0 ; n < 20000 ; n++)
  {
    char *s = malloc(goodlen) ;
    char buf[NCI_UNITSTATE_FMT] ;
    nci_unitstate st, again ;
    size_t len = goodlen ;
    unsigned int edits = 1 + (unsigned int)rand_r(&seed) % 4 ;
    ck_assert_ptr_nonnull(s) ;
    memcpy(s, good, goodlen) ;
    for (unsigned int e = 0 ; e < edits ; e++)
    {
      size_t at = (size_t)rand_r(&seed) % len ;
      switch (rand_r(&seed) % 3)
      {
        case 0 : s[at] = (char)rand_r(&seed) ; break ;
        case 1 : s[at] = "0123456789 \n.-aSIGxyz"[rand_r(&seed) % 21] ; break ;
        case 2 : len = at ; break ;
      }
      if (!len) break ;
    }
    if (nci_unitstate_parse(s, len, &st))
    {
      size_t m = nci_unitstate_fmt(buf, &st) ;
      ck_assert_int_eq(nci_unitstate_parse(buf, m, &again), 1) ;
      assert_same(&st, &again) ;
    }
    else ck_assert_int_eq(errno, EPROTO) ;
    free(s) ;
  }
}
END_TEST

#define TEMPLATE "/tmp/nci-test-unitstate.XXXXXX"
static char dir[] = TEMPLATE ;
static char path[PATH_MAX] ;

static char const *at (char const *name)
{
  snprintf(path, sizeof path, "%s/supervise/%s", dir, name) ;
  return path ;
}

static void setup (void)
{
  char sub[PATH_MAX] ;
  memcpy(dir, TEMPLATE, sizeof dir) ;
  ck_assert_ptr_nonnull(mkdtemp(dir)) ;
  snprintf(sub, sizeof sub, "%s/supervise", dir) ;
  ck_assert_int_eq(mkdir(sub, 0700), 0) ;
}

static void teardown (void)
{
  char cmd[PATH_MAX + 16] ;
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir) ;
  ck_assert_int_eq(system(cmd), 0) ;
}

static void put_file (char const *s, size_t len)
{
  int fd = open(at("nci-state"), O_WRONLY | O_CREAT | O_TRUNC, 0600) ;
  ck_assert_int_ge(fd, 0) ;
  ck_assert_int_eq(write(fd, s, len), (ssize_t)len) ;
  ck_assert_int_eq(close(fd), 0) ;
}

START_TEST (test_unitstate_write_read)
{
  nci_unitstate back, second = example ;
  char raw[NCI_UNITSTATE_FMT] ;
  struct stat st, st2 ;
  ssize_t r ;
  int fd ;
  umask(0) ;
  ck_assert_int_eq(nci_unitstate_write(dir, &example), 1) ;
  ck_assert_int_eq(stat(at("nci-state"), &st), 0) ;
  ck_assert_int_eq(st.st_mode & 07777, 0600) ;
  ck_assert_int_eq(access(at("nci-state.new"), F_OK), -1) ;
  fd = open(at("nci-state"), O_RDONLY) ;
  ck_assert_int_ge(fd, 0) ;
  r = read(fd, raw, sizeof raw) ;
  ck_assert_int_eq(r, (ssize_t)(sizeof EXAMPLE - 1)) ;
  ck_assert(!memcmp(raw, EXAMPLE, sizeof EXAMPLE - 1)) ;
  ck_assert_int_eq(nci_unitstate_read(dir, &back), 1) ;
  assert_same(&example, &back) ;
  /* replaced by a rename: the reader of the old file keeps the old text */
  second.state = NCI_STATE_FAILED ;
  ck_assert_int_eq(nci_unitstate_write(dir, &second), 1) ;
  ck_assert_int_eq(stat(at("nci-state"), &st2), 0) ;
  ck_assert(st.st_ino != st2.st_ino) ;
  ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0) ;
  ck_assert_int_eq(read(fd, raw, sizeof raw), r) ;
  ck_assert(!memcmp(raw, EXAMPLE, sizeof EXAMPLE - 1)) ;
  close(fd) ;
  ck_assert_int_eq(nci_unitstate_read(dir, &back), 1) ;
  ck_assert_int_eq(back.state, NCI_STATE_FAILED) ;
}
END_TEST

START_TEST (test_unitstate_read_errors)
{
  char big[NCI_UNITSTATE_FMT + 10] ;
  nci_unitstate st = example ;
  errno = 0 ;
  ck_assert_int_eq(nci_unitstate_read(dir, &st), 0) ;
  ck_assert_int_eq(errno, ENOENT) ;
  put_file("state up\n", 9) ;
  errno = 0 ;
  ck_assert_int_eq(nci_unitstate_read(dir, &st), 0) ;
  ck_assert_int_eq(errno, EPROTO) ;
  memcpy(big, EXAMPLE, sizeof EXAMPLE - 1) ;
  memset(big + sizeof EXAMPLE - 1, 'x', sizeof big - (sizeof EXAMPLE - 1)) ;
  put_file(big, sizeof big) ;
  errno = 0 ;
  ck_assert_int_eq(nci_unitstate_read(dir, &st), 0) ;
  ck_assert_int_eq(errno, EPROTO) ;
  put_file("", 0) ;
  errno = 0 ;
  ck_assert_int_eq(nci_unitstate_read(dir, &st), 0) ;
  ck_assert_int_eq(errno, EPROTO) ;
  assert_same(&st, &example) ;
}
END_TEST

START_TEST (test_unitstate_write_errors)
{
  char sub[PATH_MAX] ;
  ck_assert_int_eq(mkdir(at("nci-state"), 0700), 0) ;
  ck_assert_int_eq(mkdir(at("nci-state/x"), 0700), 0) ;
  errno = 0 ;
  ck_assert_int_eq(nci_unitstate_write(dir, &example), 0) ;
  ck_assert(errno == EISDIR || errno == ENOTEMPTY || errno == EEXIST) ;
  ck_assert_int_eq(access(at("nci-state.new"), F_OK), -1) ;
  snprintf(sub, sizeof sub, "%s/nothere", dir) ;
  errno = 0 ;
  ck_assert_int_eq(nci_unitstate_write(sub, &example), 0) ;
  ck_assert_int_eq(errno, ENOENT) ;
}
END_TEST

int main (void)
{
  Suite *s = suite_create("unitstate") ;
  TCase *text = tcase_create("text") ;
  TCase *file = tcase_create("file") ;
  tcase_add_test(text, test_unitstate_example_text) ;
  tcase_add_test(text, test_unitstate_names) ;
  tcase_add_loop_test(text, test_unitstate_state_result, 0, N(states) * N(results)) ;
  tcase_add_loop_test(text, test_unitstate_last_exit, 0, N(exits)) ;
  tcase_add_test(text, test_unitstate_every_signal) ;
  tcase_add_test(text, test_unitstate_numbers) ;
  tcase_add_test(text, test_unitstate_status_text) ;
  tcase_add_test(text, test_unitstate_status_sanitized) ;
  tcase_add_test(text, test_unitstate_status_limit) ;
  tcase_add_test(text, test_unitstate_longest) ;
  tcase_add_loop_test(text, test_unitstate_bad, 0, N(bad)) ;
  tcase_add_test(text, test_unitstate_truncated) ;
  tcase_add_loop_test(text, test_unitstate_fuzz, 0, 4) ;
  tcase_add_checked_fixture(file, setup, teardown) ;
  tcase_add_test(file, test_unitstate_write_read) ;
  tcase_add_test(file, test_unitstate_read_errors) ;
  tcase_add_test(file, test_unitstate_write_errors) ;
  suite_add_tcase(s, text) ;
  suite_add_tcase(s, file) ;
  return check_run(s) ;
}
