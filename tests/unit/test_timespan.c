#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include <check.h>
#include "check_run.h"

#include <nci/timespan.h>

#define SEC NCI_USEC_PER_SEC
#define MSEC UINT64_C(1000)

/* Expected values from systemd.time(7) "Parsing time spans" (a month is 30.44 days, a
   year 365.25 days) and what systemd's parse_time gives for the same text. err is 0
   for a valid span, else the errno expected. */
struct timespan_case
{
  char const *in ;
  uint64_t unit ;  /* default unit; 0 means seconds */
  uint64_t usec ;
  int err ;
} ;

static struct timespan_case const cases[] =
{
  { .in = "2", .usec = 2 * SEC },
  { .in = "10s", .usec = 10 * SEC },
  { .in = "1min 30s", .usec = 90 * SEC },
  { .in = "500ms", .usec = 500 * MSEC },
  { .in = "2h5m", .usec = 7500 * SEC },
  { .in = "infinity", .usec = NCI_TIMESPAN_INFINITY },
  { .in = " infinity\t", .usec = NCI_TIMESPAN_INFINITY },
  { .in = "0", .usec = 0 },
  { .in = "1.5s", .usec = 1500 * MSEC },
  { .in = "0.5", .usec = 500 * MSEC },
  { .in = ".5", .usec = 500 * MSEC },
  { .in = "1.05s", .usec = 1050 * MSEC },
  { .in = "5 s", .usec = 5 * SEC },
  { .in = "5seconds", .usec = 5 * SEC },
  { .in = "1second", .usec = SEC },
  { .in = "1sec", .usec = SEC },
  { .in = "3 minutes", .usec = 180 * SEC },
  { .in = "1minute", .usec = 60 * SEC },
  { .in = "1 min", .usec = 60 * SEC },
  { .in = "1m", .usec = 60 * SEC },
  { .in = "1 msec", .usec = MSEC },
  { .in = "1ms", .usec = MSEC },
  { .in = "7 usec", .usec = 7 },
  { .in = "7us", .usec = 7 },
  { .in = "7\xc2\xb5s", .usec = 7 },
  { .in = "7\xce\xbcs", .usec = 7 },
  { .in = "1h", .usec = 3600 * SEC },
  { .in = "1hr", .usec = 3600 * SEC },
  { .in = "1hour", .usec = 3600 * SEC },
  { .in = "2hours", .usec = 7200 * SEC },
  { .in = "1d", .usec = 86400 * SEC },
  { .in = "1day", .usec = 86400 * SEC },
  { .in = "2days", .usec = 172800 * SEC },
  { .in = "1w", .usec = 604800 * SEC },
  { .in = "1week", .usec = 604800 * SEC },
  { .in = "2weeks", .usec = 1209600 * SEC },
  { .in = "1M", .usec = 2629800 * SEC },
  { .in = "1month", .usec = 2629800 * SEC },
  { .in = "2months", .usec = 5259600 * SEC },
  { .in = "1y", .usec = 31557600 * SEC },
  { .in = "1year", .usec = 31557600 * SEC },
  { .in = "2years", .usec = 63115200 * SEC },
  { .in = "1d1h", .usec = 90000 * SEC },
  { .in = "1min30", .usec = 90 * SEC },
  { .in = "1h 30", .usec = 3630 * SEC },
  { .in = "5 5 5", .usec = 15 * SEC },
  { .in = "12.34s.56", .usec = 12900 * MSEC },
  { .in = "+5", .usec = 5 * SEC },
  { .in = "007", .usec = 7 * SEC },
  { .in = "1.123456789s", .usec = 1123456 },
  { .in = "0.0000001s", .usec = 0 },
  { .in = "1.5M", .usec = 3944700 * SEC },
  { .in = "1.5y", .usec = 47336400 * SEC },
  { .in = "100", .unit = MSEC, .usec = 100 * MSEC },
  { .in = "1.5", .unit = MSEC, .usec = 1500 },
  { .in = "2", .unit = 1, .usec = 2 },
  { .in = "2s", .unit = MSEC, .usec = 2 * SEC },
  { .in = "3", .unit = 60 * SEC, .usec = 180 * SEC },
  { .in = "9223372036854775807us", .usec = UINT64_C(9223372036854775807) },
  { .in = "9223372036854775807us 9223372036854775807us", .usec = UINT64_C(18446744073709551614) },
  { .in = "213503981d", .usec = UINT64_C(18446743958400000000) },
  { .in = "584541y", .usec = UINT64_C(18446711061600000000) },
  { .in = "584541y 0.9y", .usec = UINT64_C(18446739463440000000) },
  { .in = "9223372036854775808us", .err = ERANGE },
  { .in = "18446744073709551615us", .err = ERANGE },
  { .in = "18446744073709551614", .err = ERANGE },
  { .in = "584542y", .err = ERANGE },
  { .in = "213503982d", .err = ERANGE },
  { .in = "584541y 584541y", .err = ERANGE },
  { .in = "9223372036854775807us 9223372036854775807us 1us", .err = ERANGE },
  { .in = "", .err = EINVAL },
  { .in = "   ", .err = EINVAL },
  { .in = "-5", .err = EINVAL },
  { .in = "-0", .err = EINVAL },
  { .in = "-1s", .err = EINVAL },
  { .in = "5 -1s", .err = EINVAL },
  { .in = "s", .err = EINVAL },
  { .in = "x", .err = EINVAL },
  { .in = "5x", .err = EINVAL },
  { .in = "5mins", .err = EINVAL },
  { .in = "1yrs", .err = EINVAL },
  { .in = "5secondsx", .err = EINVAL },
  { .in = "1e3", .err = EINVAL },
  { .in = "0x10", .err = EINVAL },
  { .in = "5,5", .err = EINVAL },
  { .in = "5.", .err = EINVAL },
  { .in = "3.sec", .err = EINVAL },
  { .in = "12.34.56", .err = EINVAL },
  { .in = "1.5.s", .err = EINVAL },
  { .in = ".", .err = EINVAL },
  { .in = "+", .err = EINVAL },
  { .in = "+.5", .err = EINVAL },
  { .in = "infinityx", .err = EINVAL },
  { .in = "5 infinity", .err = EINVAL },
  { .in = "infinity 5", .err = EINVAL },
  { .in = "1_000", .err = EINVAL },
  { .in = "5sm", .err = EINVAL },
  { .in = "1 2x", .err = EINVAL },
  { .in = "1 S", .err = EINVAL },
  { .in = "1 H", .err = EINVAL },
  { .in = "1 m s", .err = EINVAL },
} ;

START_TEST(test_parse)
{
  struct timespan_case const *c = &cases[_i] ;
  uint64_t usec = 12345 ;
  int r ;
  errno = 0 ;
  r = nci_timespan_parse(c->in, c->unit ? c->unit : SEC, &usec) ;
  if (c->err)
  {
    ck_assert_msg(!r, "input [%s]: accepted as %llu, expected errno %d", c->in, (unsigned long long)usec, c->err) ;
    ck_assert_msg(errno == c->err, "input [%s]: errno %d, expected %d", c->in, errno, c->err) ;
    ck_assert_uint_eq(usec, 12345) ;
  }
  else
  {
    ck_assert_msg(r == 1, "input [%s]: refused with errno %d", c->in, errno) ;
    ck_assert_msg(usec == c->usec, "input [%s]: %llu, expected %llu", c->in, (unsigned long long)usec, (unsigned long long)c->usec) ;
  }
}
END_TEST

START_TEST(test_zero_default_unit)
{
  uint64_t usec ;
  errno = 0 ;
  ck_assert_int_eq(nci_timespan_parse("5", 0, &usec), 0) ;
  ck_assert_int_eq(errno, EINVAL) ;
}
END_TEST

static Suite *timespan_suite (void)
{
  Suite *s = suite_create("timespan") ;
  TCase *tc = tcase_create("nci_timespan_parse") ;
  tcase_add_loop_test(tc, test_parse, 0, (int)(sizeof(cases) / sizeof(cases[0]))) ;
  tcase_add_test(tc, test_zero_default_unit) ;
  suite_add_tcase(s, tc) ;
  return s ;
}

int main (void)
{
  return check_run(timespan_suite()) ;
}
