#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>
#include "check_run.h"
#include <nci/execdir.h>

static struct
{
  char const *s ;
  unsigned int kind ;
  char const *base ;
  char const *var ;
  char const *path ;
  unsigned int mode ;
  char const *owner ;
  char const *group ;
} const good[] =
{
  { "state:foo:0750:nobody:nogroup", 0, "/var/lib", "STATE_DIRECTORY", "foo", 0750, "nobody", "nogroup" },
  { "runtime:a/b/c:755:65534:65534", 1, "/run", "RUNTIME_DIRECTORY", "a/b/c", 0755, "65534", "65534" },
  { "logs:nginx:0700:www:www", 2, "/var/log", "LOGS_DIRECTORY", "nginx", 0700, "www", "www" },
  { "cache:x.y:02775:u:g", 3, "/var/cache", "CACHE_DIRECTORY", "x.y", 02775, "u", "g" },
  { "configuration:..x/.y:0:root:root", 4, "/etc", "CONFIGURATION_DIRECTORY", "..x/.y", 0, "root", "root" },
  { "state:pg:0750:postgres:", 0, "/var/lib", "STATE_DIRECTORY", "pg", 0750, "postgres", "" },
} ;

static char const *const bad[] =
{
  "", "state", "state:foo", "state:foo:0755", "state:foo:0755:u", "state:foo:0755:u:g:x",
  "bogus:foo:0755:u:g", "State:foo:0755:u:g", ":foo:0755:u:g",
  "state::0755:u:g", "state:/abs:0755:u:g", "state:a/../b:0755:u:g", "state:..:0755:u:g",
  "state:./a:0755:u:g", "state:a/.:0755:u:g", "state:a//b:0755:u:g", "state:a/:0755:u:g",
  "state:a:0855:u:g", "state:a:10000:u:g", "state:a::u:g", "state:a:-1:u:g", "state:a:0755 :u:g",
  "state:a:0755::g",
} ;

START_TEST (test_execdir_good)
{
  char buf[64] ;
  nci_execdir d ;
  strcpy(buf, good[_i].s) ;
  ck_assert_int_eq(nci_execdir_parse(buf, &d), 1) ;
  ck_assert_uint_eq(d.kind, good[_i].kind) ;
  ck_assert_str_eq(d.base, good[_i].base) ;
  ck_assert_str_eq(d.var, good[_i].var) ;
  ck_assert_str_eq(d.path, good[_i].path) ;
  ck_assert_uint_eq(d.mode, good[_i].mode) ;
  ck_assert_str_eq(d.owner, good[_i].owner) ;
  ck_assert_str_eq(d.group, good[_i].group) ;
}
END_TEST

START_TEST (test_execdir_bad)
{
  char buf[64] ;
  nci_execdir d ;
  strcpy(buf, bad[_i]) ;
  errno = 0 ;
  ck_assert_msg(!nci_execdir_parse(buf, &d), "accepted [%s]", bad[_i]) ;
  ck_assert_int_eq(errno, EINVAL) ;
}
END_TEST

int main (void)
{
  Suite *s = suite_create("execdir") ;
  TCase *tc = tcase_create("core") ;
  tcase_add_loop_test(tc, test_execdir_good, 0, sizeof(good) / sizeof(good[0])) ;
  tcase_add_loop_test(tc, test_execdir_bad, 0, sizeof(bad) / sizeof(bad[0])) ;
  suite_add_tcase(s, tc) ;
  return check_run(s) ;
}
