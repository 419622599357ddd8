#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>
#include "check_run.h"

#include <nci/calendar.h>

/* What the corpus test against systemd-analyze cannot see: our error texts, our cap,
   where the zone files are looked up, and that a zone's computation leaves TZ as it was.
   Times are UTC epochs; the elapses are calendar facts. */

#define SEC UINT64_C(1000000)

static uint64_t next_after (char const *expr, uint64_t after)
{
  nci_calendar cal ;
  char const *why = 0 ;
  uint64_t next = 0 ;
  ck_assert_msg(nci_calendar_parse(expr, &cal, &why), "[%s] refused: %s", expr, why) ;
  ck_assert_msg(nci_calendar_next(&cal, after, &next), "[%s]: no next elapse (errno %d)", expr, errno) ;
  return next ;
}

struct refused_case
{
  char const *in ;
  char const *why ;
} ;

static struct refused_case const refused[] =
{
  { "", "nothing but a time zone" },
  { "bogus", "a number is expected" },
  { "Mon..", "a weekday range has no end" },
  { "Fri..Mon", "a weekday range goes backwards" },
  { "Monx", "unknown weekday" },
  { "*-13-01", "month out of range" },
  { "25:00", "hour out of range" },
  { "12:60", "minute out of range" },
  { "12:00:60", "second out of range" },
  { "1969-01-01", "year out of range (1970..2199)" },
  { "*-*-32", "day out of range" },
  { "*:0/0", "a repetition is zero" },
  { "12:00:1.", "a fraction has no digits" },
  { "12:00 extra", "a time is malformed" },
  { "Mon 12:00 x", "a time is malformed" },
  { "@1234 x", "unexpected text" },
  { "*~02-03", "'~' is only between month and day" },
  { "*-02~03-01", "a date is malformed" },
  { "12:00:00:00", "unexpected text after the time" },
  { "99999999999999999999:00", "a number is out of range" },
} ;

START_TEST(test_refused)
{
  struct refused_case const *c = &refused[_i] ;
  nci_calendar cal ;
  char const *why = 0 ;
  errno = 0 ;
  ck_assert_msg(!nci_calendar_parse(c->in, &cal, &why), "[%s] accepted", c->in) ;
  ck_assert_int_eq(errno, EINVAL) ;
  ck_assert_msg(why && !strcmp(why, c->why), "[%s]: why [%s], expected [%s]", c->in, why ? why : "(null)", c->why) ;
}
END_TEST

START_TEST(test_component_cap)
{
  char buf[NCI_CALENDAR_TEXT_MAX] ;
  size_t len = 0 ;
  nci_calendar cal ;
  char const *why = 0 ;
  /* 60 minutes and 60 seconds fit; 60 more values of the hour do not */
  for (int f = 0 ; f < 3 ; f++)
  {
    for (int i = 0 ; i < (f ? 60 : 24) ; i++)
      len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%d", i ? "," : "", i) ;
    len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s", f < 2 ? ":" : "") ;
  }
  ck_assert_msg(!nci_calendar_parse(buf, &cal, &why), "144 values accepted") ;
  ck_assert_str_eq(why, "more than 128 values") ;
  ck_assert_msg(nci_calendar_parse("0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23:*:*", &cal, &why), "24 hours refused: %s", why) ;
}
END_TEST

START_TEST(test_too_long)
{
  char buf[NCI_CALENDAR_TEXT_MAX + 8] ;
  nci_calendar cal ;
  char const *why = 0 ;
  memset(buf, ' ', sizeof(buf) - 1) ;
  buf[sizeof(buf) - 1] = 0 ;
  memcpy(buf, "daily", 5) ;
  ck_assert(!nci_calendar_parse(buf, &cal, &why)) ;
  ck_assert_str_eq(why, "longer than 1023 characters") ;
}
END_TEST

START_TEST(test_normalized)
{
  nci_calendar cal ;
  char const *why = 0 ;
  char out[NCI_CALENDAR_FMT_MAX] ;
  ck_assert(nci_calendar_parse("sat,thu,mon..wed,sat..sun 5,1,3-*-1/10 *:0/15:0.5 UTC", &cal, &why)) ;
  nci_calendar_format(&cal, out) ;
  ck_assert_str_eq(out, "Mon..Thu,Sat,Sun 2001,2003,2005-*-01/10 *:00/15:00.500000 UTC") ;
}
END_TEST

START_TEST(test_elapses)
{
  uint64_t base = UINT64_C(1769860800) * SEC ;  /* Sat 2026-01-31 12:00:00 UTC */
  ck_assert_uint_eq(next_after("*-02~01 UTC", base), UINT64_C(1772236800) * SEC) ;  /* 2026-02-28 */
  ck_assert_uint_eq(next_after("*-02-29 UTC", base), UINT64_C(1835395200) * SEC) ;  /* 2028-02-29 */
  ck_assert_uint_eq(next_after("Mon *-*-* 00:00 UTC", base), UINT64_C(1769990400) * SEC) ;  /* 2026-02-02 */
  ck_assert_uint_eq(next_after("*:*:0/7.5 UTC", base), base + 7500000) ;
  ck_assert_uint_eq(next_after("*:*:0/7.5 UTC", base + 7500000), base + 15 * SEC) ;
}
END_TEST

START_TEST(test_never)
{
  nci_calendar cal ;
  char const *why = 0 ;
  uint64_t next = 7 ;
  ck_assert(nci_calendar_parse("*-02-30", &cal, &why)) ;
  errno = 0 ;
  ck_assert(!nci_calendar_next(&cal, 0, &next)) ;
  ck_assert_int_eq(errno, ENOENT) ;
  ck_assert_uint_eq(next, 7) ;
}
END_TEST

/* A zone's elapse is computed in that zone and the caller's TZ is put back, set or not. */
START_TEST(test_zone_restores_tz)
{
  uint64_t base = UINT64_C(1769860800) * SEC ;
  ck_assert_int_eq(setenv("TZ", "America/New_York", 1), 0) ;
  ck_assert_uint_eq(next_after("*-*-* 18:00 Europe/Berlin", base), UINT64_C(1769878800) * SEC) ;  /* 17:00 UTC */
  ck_assert_str_eq(getenv("TZ"), "America/New_York") ;
  ck_assert_int_eq(unsetenv("TZ"), 0) ;
  ck_assert_uint_eq(next_after("*-*-* 18:00 Europe/Berlin", base), UINT64_C(1769878800) * SEC) ;
  ck_assert_ptr_null(getenv("TZ")) ;
}
END_TEST

/* Zones are looked up under $TZDIR when it is set, as the C library does. */
START_TEST(test_tzdir)
{
  nci_calendar cal ;
  char const *why = 0 ;
  ck_assert(nci_calendar_parse("daily Europe/Berlin", &cal, &why)) ;
  ck_assert_str_eq(cal.tz, "Europe/Berlin") ;
  ck_assert_int_eq(setenv("TZDIR", "/nonexistent", 1), 0) ;
  ck_assert(!nci_calendar_parse("daily Europe/Berlin", &cal, &why)) ;
  ck_assert_int_eq(unsetenv("TZDIR"), 0) ;
  ck_assert(!nci_calendar_parse("daily Europe/../Berlin", &cal, &why)) ;
}
END_TEST

static Suite *calendar_suite (void)
{
  Suite *s = suite_create("calendar") ;
  TCase *tc = tcase_create("nci_calendar") ;
  tcase_add_loop_test(tc, test_refused, 0, (int)(sizeof(refused) / sizeof(refused[0]))) ;
  tcase_add_test(tc, test_component_cap) ;
  tcase_add_test(tc, test_too_long) ;
  tcase_add_test(tc, test_normalized) ;
  tcase_add_test(tc, test_elapses) ;
  tcase_add_test(tc, test_never) ;
  tcase_add_test(tc, test_zone_restores_tz) ;
  tcase_add_test(tc, test_tzdir) ;
  suite_add_tcase(s, tc) ;
  return s ;
}

int main (void)
{
  return check_run(calendar_suite()) ;
}
