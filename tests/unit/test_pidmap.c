/* nci-init's pid table (init/pidmap.c): every unit's pid is found, whatever order
   pids come and go in, against a plain scan of the units as the reference; pids
   that collide in the table (the same home slot) are found after removals in the
   middle of their probe run. */

#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "../../init/init.h"
#include "check_run.h"

char const *PROG = "test_pidmap" ;
init_t G ;

#define N 300

static unit units[N] ;

static void setup (unsigned int n)
{
  memset(units, 0, sizeof units) ;
  G.units = units ;
  G.n = n ;
  pidmap_init(n) ;
}

static unit *scan (pid_t pid)
{
  for (unsigned int i = 0 ; i < G.n ; i++) if (G.units[i].pid == pid) return G.units + i ;
  return 0 ;
}

START_TEST(test_empty)
{
  setup(3) ;
  ck_assert_ptr_null(unit_by_pid(1)) ;
  ck_assert_ptr_null(unit_by_pid(0)) ;
  ck_assert_ptr_null(unit_by_pid(-5)) ;
}
END_TEST

START_TEST(test_set_replace_clear)
{
  setup(3) ;
  unit_set_pid(units + 1, 42) ;
  ck_assert_ptr_eq(unit_by_pid(42), units + 1) ;
  ck_assert_int_eq(units[1].pid, 42) ;
  unit_set_pid(units + 1, 43) ;
  ck_assert_ptr_null(unit_by_pid(42)) ;
  ck_assert_ptr_eq(unit_by_pid(43), units + 1) ;
  unit_set_pid(units + 1, 0) ;
  ck_assert_ptr_null(unit_by_pid(43)) ;
  ck_assert_int_eq(units[1].pid, 0) ;
  /* 0 is no pid: never found, even when units have pid 0 */
  ck_assert_ptr_null(unit_by_pid(0)) ;
}
END_TEST

/* Random starts and ends, as restarts and reaps give them, checked against a scan
   after every step; pids drawn from a small range so that they collide often. */
START_TEST(test_random_against_scan)
{
  unsigned int seed = 12345u + (unsigned int)_i ;
  setup(N) ;
  for (unsigned int step = 0 ; step < 4000 ; step++)
  {
    unsigned int k = (unsigned int)rand_r(&seed) % N ;
    pid_t pid = 0 ;
    if (rand_r(&seed) % 3)
    {
      /* a pid no other unit has: the kernel gives each process its own */
      do pid = 1 + (pid_t)(rand_r(&seed) % (4 * N)) ; while (scan(pid) && scan(pid) != units + k) ;
    }
    unit_set_pid(units + k, pid) ;
    for (unsigned int j = 0 ; j < 40 ; j++)
    {
      pid_t p = 1 + (pid_t)(rand_r(&seed) % (4 * N)) ;
      ck_assert_ptr_eq(unit_by_pid(p), scan(p)) ;
    }
  }
  for (unsigned int i = 0 ; i < N ; i++) if (units[i].pid) ck_assert_ptr_eq(unit_by_pid(units[i].pid), units + i) ;
}
END_TEST

static Suite *suite (void)
{
  Suite *s = suite_create("pidmap") ;
  TCase *tc = tcase_create("pidmap") ;
  tcase_set_timeout(tc, 60) ;
  tcase_add_test(tc, test_empty) ;
  tcase_add_test(tc, test_set_replace_clear) ;
  tcase_add_loop_test(tc, test_random_against_scan, 0, 4) ;
  suite_add_tcase(s, tc) ;
  return s ;
}

int main (void)
{
  return check_run(suite()) ;
}
