#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>
#include "check_run.h"
#include <skalibs/stralloc.h>
#include <nci/envfile.h>

/* Each case: the file's text, and every assignment reported as "KEY=VALUE\n" in order. */
struct envfile_case
{
  char const *text ;
  char const *expect ;
} ;

static struct envfile_case const cases[] =
{
  { "", "" },
  { "\n\n  \n", "" },
  { "A=1\nB=2\n", "A=1\nB=2\n" },
  { "A=1", "A=1\n" },
  { "A=1\nA=2\n", "A=1\nA=2\n" },
  { "# comment\n; comment\n  # indented\nA=1 # not a comment\n", "A=1 # not a comment\n" },
  { "  A = 1  \t\nB\t=\t2", "A=1\nB=2\n" },
  { "A=\nB=", "A=\nB=\n" },
  { "A='x  y' \nB='a\\b\"c'", "A=x  y\nB=a\\b\"c\n" },
  { "A=\"a\\\"b\\\\c\\$d\\`e\\nf\"", "A=a\"b\\c$d`e\\nf\n" },
  { "A=\"a\\\nb\"", "A=ab\n" },
  { "A=\"a\nb\"\nB=2", "A=a\nb\nB=2\n" },
  { "A=a\\ b\\\\c\\#d", "A=a b\\c#d\n" },
  { "A=a\\\nb\nB=2", "A=ab\nB=2\n" },
  { "A=a\\ \nB=b \\ ", "A=a \nB=b  \n" },
  { "A=\\\n", "A=\n" },
  { "A=x\"y\" 'z'", "A=x\"y\" 'z'\n" },
  { "A=\"x\" 'y' z", "A=xyz\n" },
  { "A=\"unterminated", "A=unterminated\n" },
  { "A='unterminated\n", "A=unterminated\n\n" },
  { "JUNK\nA=1\nALSO JUNK", "A=1\n" },
  { "export A=1\nA B=2\n", "export A=1\nA B=2\n" },
  { "A=1\r\nB=2\r\n", "A=1\nB=2\n" },
  { "# comment \\\nA=1", "A=1\n" },
  { "A=caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "A=caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\n" },
  { "# \xff in a comment is fine\nA=1", "A=1\n" },
  { "URL=http://x/?a=b&c=d", "URL=http://x/?a=b&c=d\n" },
} ;

/* Each case: text (with its length, for NUL bytes) that fails with EINVAL on a line. */
struct envfile_bad
{
  char const *text ;
  size_t len ;
  unsigned int line ;
} ;

#define BAD(s, l) { s, sizeof(s) - 1, l }
static struct envfile_bad const bad[] =
{
  BAD("A=1\nB=2\nC=\xff\n", 3),
  BAD("\xc3=1", 1),
  BAD("A=\xc0\xaf", 1),
  BAD("A=\xed\xa0\x80", 1),
  BAD("A=\xf4\x90\x80\x80", 1),
  BAD("A=\xef\xbf\xbe", 1),
  BAD("A=\xe2\x82", 1),
  BAD("\n\n# c\nA=\xff", 4),
  BAD("X=1\nA=\"x\ny\xff\"", 2),
  BAD("A=1\nB=\0\n", 2),
  BAD("# c\n\n\0", 3),
} ;

static int collect (char const *key, char const *value, void *data)
{
  stralloc *sa = data ;
  return stralloc_cats(sa, key) && stralloc_catb(sa, "=", 1) && stralloc_cats(sa, value) && stralloc_catb(sa, "\n", 1) ;
}

START_TEST (test_envfile_table)
{
  struct envfile_case const *c = &cases[_i] ;
  stralloc sa = STRALLOC_ZERO ;
  unsigned int line = 0 ;
  ck_assert_int_eq(nci_envfile_parse(c->text, strlen(c->text), &collect, &sa, &line), 1) ;
  ck_assert(stralloc_0(&sa)) ;
  ck_assert_str_eq(sa.s, c->expect) ;
  stralloc_free(&sa) ;
}
END_TEST

START_TEST (test_envfile_bad)
{
  struct envfile_bad const *c = &bad[_i] ;
  stralloc sa = STRALLOC_ZERO ;
  unsigned int line = 0 ;
  errno = 0 ;
  ck_assert_int_eq(nci_envfile_parse(c->text, c->len, &collect, &sa, &line), 0) ;
  ck_assert_int_eq(errno, EINVAL) ;
  ck_assert_uint_eq(line, c->line) ;
  stralloc_free(&sa) ;
}
END_TEST

static int refuse_b (char const *key, char const *value, void *data)
{
  unsigned int *calls = data ;
  (*calls)++ ;
  if (!strcmp(key, "B")) return (errno = EPERM, 0) ;
  return 1 ;
}

START_TEST (test_envfile_callback_stops)
{
  char const text[] = "A=1\n\nB=2\nC=3\n" ;
  unsigned int calls = 0, line = 0 ;
  errno = 0 ;
  ck_assert_int_eq(nci_envfile_parse(text, sizeof(text) - 1, &refuse_b, &calls, &line), 0) ;
  ck_assert_int_eq(errno, EPERM) ;
  ck_assert_uint_eq(calls, 2) ;
  ck_assert_uint_eq(line, 3) ;
}
END_TEST

START_TEST (test_envfile_length_bounds)
{
  char const text[] = "A=12345" ;
  stralloc sa = STRALLOC_ZERO ;
  unsigned int line = 0 ;
  ck_assert_int_eq(nci_envfile_parse(text, 4, &collect, &sa, &line), 1) ;
  ck_assert(stralloc_0(&sa)) ;
  ck_assert_str_eq(sa.s, "A=12\n") ;
  stralloc_free(&sa) ;
}
END_TEST

int main (void)
{
  Suite *s = suite_create("envfile") ;
  TCase *tc = tcase_create("core") ;
  tcase_add_loop_test(tc, test_envfile_table, 0, sizeof(cases) / sizeof(cases[0])) ;
  tcase_add_loop_test(tc, test_envfile_bad, 0, sizeof(bad) / sizeof(bad[0])) ;
  tcase_add_test(tc, test_envfile_callback_stops) ;
  tcase_add_test(tc, test_envfile_length_bounds) ;
  suite_add_tcase(s, tc) ;
  return check_run(s) ;
}
