#include <errno.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <check.h>
#include "check_run.h"
#include <nci/rlimit.h>

static struct { char const *s ; int resource ; rlim_t soft ; rlim_t hard ; } const good[] =
{
  { "nofile=1024:4096", RLIMIT_NOFILE, 1024, 4096 },
  { "core=infinity:infinity", RLIMIT_CORE, RLIM_INFINITY, RLIM_INFINITY },
  { "cpu=0:infinity", RLIMIT_CPU, 0, RLIM_INFINITY },
  { "fsize=1:1", RLIMIT_FSIZE, 1, 1 },
  { "data=4294967296:8589934592", RLIMIT_DATA, 4294967296ULL, 8589934592ULL },
  { "stack=8388608:infinity", RLIMIT_STACK, 8388608, RLIM_INFINITY },
  { "rss=1:2", RLIMIT_RSS, 1, 2 },
  { "as=1:2", RLIMIT_AS, 1, 2 },
  { "nproc=100:200", RLIMIT_NPROC, 100, 200 },
  { "memlock=65536:65536", RLIMIT_MEMLOCK, 65536, 65536 },
  { "locks=1:2", RLIMIT_LOCKS, 1, 2 },
  { "sigpending=1:2", RLIMIT_SIGPENDING, 1, 2 },
  { "msgqueue=1:2", RLIMIT_MSGQUEUE, 1, 2 },
  { "nice=40:40", RLIMIT_NICE, 40, 40 },
  { "rtprio=1:99", RLIMIT_RTPRIO, 1, 99 },
  { "rttime=500:1000", RLIMIT_RTTIME, 500, 1000 },
} ;

static char const *const bad[] =
{
  "", "nofile", "nofile=", "=1:2", "bogus=1:2", "NOFILE=1:2", "no=1:2",
  "nofile=10", "nofile=:2", "nofile=1:", "nofile=1:2:3", "nofile=-1:2", "nofile=1k:2",
  "nofile=10:5", "nofile=infinity:5", "nofile=infinityx:5", "nofile=1:infinit",
  "nofile=99999999999999999999:1", "nofile= 1:2", "nofile=1:2 ",
} ;

START_TEST (test_rlimit_good)
{
  int resource = -1 ;
  struct rlimit rl = { .rlim_cur = 7, .rlim_max = 7 } ;
  ck_assert_int_eq(nci_rlimit_parse(good[_i].s, &resource, &rl), 1) ;
  ck_assert_int_eq(resource, good[_i].resource) ;
  ck_assert(rl.rlim_cur == good[_i].soft) ;
  ck_assert(rl.rlim_max == good[_i].hard) ;
}
END_TEST

START_TEST (test_rlimit_bad)
{
  int resource = -1 ;
  struct rlimit rl ;
  errno = 0 ;
  ck_assert_msg(!nci_rlimit_parse(bad[_i], &resource, &rl), "accepted [%s]", bad[_i]) ;
  ck_assert_int_eq(errno, EINVAL) ;
  ck_assert_int_eq(resource, -1) ;
}
END_TEST

int main (void)
{
  Suite *s = suite_create("rlimit") ;
  TCase *tc = tcase_create("core") ;
  tcase_add_loop_test(tc, test_rlimit_good, 0, sizeof(good) / sizeof(good[0])) ;
  tcase_add_loop_test(tc, test_rlimit_bad, 0, sizeof(bad) / sizeof(bad[0])) ;
  suite_add_tcase(s, tc) ;
  return check_run(s) ;
}
