#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include "check_run.h"
#include <skalibs/stralloc.h>

#include <nci/specifier.h>

/* A template instance whose names need unescaping. */
static nci_specifiers const tmpl =
{
  .unit = "foo-bar@var-lib-x.service",
  .prefix = "foo-bar",
  .instance = "var-lib-x",
  .user = "nginx",
  .uid = "60",
  .group = "web",
  .gid = "61",
  .home = "/var/empty",
  .shell = "/run/current-system/sw/bin/nologin",
} ;

/* A plain unit with an escaped "-" in its name. */
static nci_specifiers const plain =
{
  .unit = "my\\x2dapp-web.service",
  .prefix = "my\\x2dapp-web",
  .instance = "",
  .user = "root",
  .uid = "0",
  .group = "root",
  .gid = "0",
  .home = "/root",
  .shell = "/bin/sh",
} ;

/* Nothing known: every unit or user specifier must be refused. */
static nci_specifiers const none = { .unit = 0 } ;

#define SP(u, p, i) { .unit = u, .prefix = p, .instance = i }
static nci_specifiers const inst_dash = SP("q@-.service", "q", "-") ;
static nci_specifiers const inst_lead = SP("q@-a.service", "q", "-a") ;
static nci_specifiers const inst_trail = SP("q@a-.service", "q", "a-") ;
static nci_specifiers const inst_double = SP("q@a--b.service", "q", "a--b") ;
static nci_specifiers const inst_dotdot = SP("q@a-..-b.service", "q", "a-..-b") ;
static nci_specifiers const inst_dot = SP("q@a-.-b.service", "q", "a-.-b") ;
static nci_specifiers const inst_dots = SP("q@a..b.service", "q", "a..b") ;
static nci_specifiers const inst_slash = SP("q@a\\x2fb.service", "q", "a\\x2fb") ;
static nci_specifiers const bad_escape = SP("a\\q@b\\x00.service", "a\\q", "b\\x00") ;
static nci_specifiers const last_esc = SP("a-b\\x2dc.service", "a-b\\x2dc", "") ;
static nci_specifiers const no_suffix = SP("odd", "odd", "") ;

/* Expected results from systemd.unit(5) "Specifiers" with the container values of
   lib/nci/specifier.h; bad is the letter expected in *bad when out is 0. */
struct spec_case
{
  nci_specifiers const *sp ;
  char const *in ;
  char const *out ;
  char bad ;
} ;

static struct spec_case const cases[] =
{
  { &tmpl, "", "", 0 },
  { &tmpl, "plain word", "plain word", 0 },
  { &tmpl, "%n", "foo-bar@var-lib-x.service", 0 },
  { &tmpl, "%N", "foo-bar@var-lib-x", 0 },
  { &tmpl, "%p", "foo-bar", 0 },
  { &tmpl, "%P", "foo/bar", 0 },
  { &tmpl, "%i", "var-lib-x", 0 },
  { &tmpl, "%I", "var/lib/x", 0 },
  { &tmpl, "%j", "bar", 0 },
  { &tmpl, "%J", "bar", 0 },
  { &tmpl, "%f", "/var/lib/x", 0 },
  { &tmpl, "%t/%N.sock", "/run/foo-bar@var-lib-x.sock", 0 },
  { &tmpl, "%S %C %L %E %T %V", "/var/lib /var/cache /var/log /etc /tmp /var/tmp", 0 },
  { &tmpl, "%u:%g %U:%G %h %s", "nginx:web 60:61 /var/empty /run/current-system/sw/bin/nologin", 0 },
  { &tmpl, "--state=%S/%p", "--state=/var/lib/foo-bar", 0 },
  { &tmpl, "%%", "%", 0 },
  { &tmpl, "100%%", "100%", 0 },
  { &tmpl, "%%n", "%n", 0 },
  { &tmpl, "%%%n", "%foo-bar@var-lib-x.service", 0 },
  { &tmpl, "100%", "100%", 0 },
  { &tmpl, "50% off", "50% off", 0 },
  { &tmpl, "%-x %/ %_", "%-x %/ %_", 0 },
  { &tmpl, "%\xc3\xa9", "%\xc3\xa9", 0 },
  { &tmpl, "$MAINPID ${X}", "$MAINPID ${X}", 0 },
  { &plain, "%n", "my\\x2dapp-web.service", 0 },
  { &plain, "%N", "my\\x2dapp-web", 0 },
  { &plain, "%p", "my\\x2dapp-web", 0 },
  { &plain, "%P", "my-app/web", 0 },
  { &plain, "[%i][%I]", "[][]", 0 },
  { &plain, "%j", "web", 0 },
  { &plain, "%f", "/my-app/web", 0 },
  { &plain, "%h %s", "/root /bin/sh", 0 },
  { &last_esc, "%j", "b\\x2dc", 0 },
  { &last_esc, "%J", "b-c", 0 },
  { &no_suffix, "%N", "odd", 0 },
  { &inst_dash, "%f", "/", 0 },
  { &inst_dots, "%f", "/a..b", 0 },
  { &inst_slash, "%f %I", "/a/b a/b", 0 },
  { &none, "%t %%", "/run %", 0 },
  { &tmpl, "%Z", 0, 'Z' },
  { &tmpl, "%z", 0, 'z' },
  { &tmpl, "%1", 0, '1' },
  { &tmpl, "ok %H", 0, 'H' },
  { &tmpl, "%a", 0, 'a' },
  { &tmpl, "%m", 0, 'm' },
  { &tmpl, "%b", 0, 'b' },
  { &tmpl, "%t %l", 0, 'l' },
  { &none, "%n", 0, 'n' },
  { &none, "%N", 0, 'N' },
  { &none, "%p", 0, 'p' },
  { &none, "%P", 0, 'P' },
  { &none, "%i", 0, 'i' },
  { &none, "%I", 0, 'I' },
  { &none, "%j", 0, 'j' },
  { &none, "%J", 0, 'J' },
  { &none, "%f", 0, 'f' },
  { &none, "%u", 0, 'u' },
  { &none, "%U", 0, 'U' },
  { &none, "%g", 0, 'g' },
  { &none, "%G", 0, 'G' },
  { &none, "%h", 0, 'h' },
  { &none, "%s", 0, 's' },
  { &bad_escape, "%P", 0, 'P' },
  { &bad_escape, "%I", 0, 'I' },
  { &bad_escape, "%J", 0, 'J' },
  { &bad_escape, "%f", 0, 'f' },
  { &inst_lead, "%f", 0, 'f' },
  { &inst_trail, "%f", 0, 'f' },
  { &inst_double, "%f", 0, 'f' },
  { &inst_dotdot, "%f", 0, 'f' },
  { &inst_dot, "%f", 0, 'f' },
} ;

START_TEST(test_expand)
{
  struct spec_case const *c = &cases[_i] ;
  stralloc sa = STRALLOC_ZERO ;
  char bad = '?' ;
  int r ;
  ck_assert(stralloc_catb(&sa, "keep", 5)) ;
  errno = 0 ;
  r = nci_specifier_expand(&sa, c->in, c->sp, &bad) ;
  if (c->out)
  {
    ck_assert_msg(r == 1, "input [%s]: refused at %%%c", c->in, bad) ;
    ck_assert_str_eq(sa.s + 5, c->out) ;
    ck_assert_uint_eq(sa.len, 5 + strlen(c->out) + 1) ;
  }
  else
  {
    ck_assert_msg(!r, "input [%s]: accepted as [%s]", c->in, sa.s + 5) ;
    ck_assert_int_eq(errno, EINVAL) ;
    ck_assert_int_eq(bad, c->bad) ;
    ck_assert_uint_eq(sa.len, 5) ;
  }
  ck_assert_str_eq(sa.s, "keep") ;
  stralloc_free(&sa) ;
}
END_TEST

static Suite *specifier_suite (void)
{
  Suite *s = suite_create("specifier") ;
  TCase *tc = tcase_create("nci_specifier_expand") ;
  tcase_add_loop_test(tc, test_expand, 0, (int)(sizeof(cases) / sizeof(cases[0]))) ;
  suite_add_tcase(s, tc) ;
  return s ;
}

int main (void)
{
  return check_run(specifier_suite()) ;
}
