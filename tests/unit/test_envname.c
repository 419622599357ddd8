#include <stdlib.h>
#include <string.h>
#include <check.h>
#include "check_run.h"
#include <nci/envname.h>

static struct { char const *s ; size_t len ; int valid ; } const cases[] =
{
  { "A", 1, 1 },
  { "_", 1, 1 },
  { "a_B9", 4, 1 },
  { "PATH", 4, 1 },
  { "_1", 2, 1 },
  { "AB=C", 2, 1 },
  { "", 0, 0 },
  { "A", 0, 0 },
  { "9A", 2, 0 },
  { "A-B", 3, 0 },
  { "A=B", 3, 0 },
  { "A B", 3, 0 },
  { "A.B", 3, 0 },
  { "caf\xc3\xa9", 5, 0 },
  { "A\0B", 3, 0 },
} ;

START_TEST (test_envname_table)
{
  ck_assert_int_eq(nci_env_name_valid(cases[_i].s, cases[_i].len), cases[_i].valid) ;
}
END_TEST

int main (void)
{
  Suite *s = suite_create("envname") ;
  TCase *tc = tcase_create("core") ;
  tcase_add_loop_test(tc, test_envname_table, 0, sizeof(cases) / sizeof(cases[0])) ;
  suite_add_tcase(s, tc) ;
  return check_run(s) ;
}
