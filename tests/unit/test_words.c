#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include "check_run.h"
#include <skalibs/stralloc.h>

#include <nci/words.h>

#define MAXWORDS 8

/* Expected splits, from systemd.syntax(7) "Quoting" and the behaviour of systemd's
   extract_first_word(EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE); err is set when the input
   must be refused, and words then lists the words read before the bad one. */
struct word_case
{
  char const *in ;
  char const *words[MAXWORDS] ;
  char const *err ;
} ;

static struct word_case const cases[] =
{
  { .in = "", .words = { 0 } },
  { .in = " \t \n ", .words = { 0 } },
  { .in = "a", .words = { "a" } },
  { .in = "  a  b\tc\r\nd  ", .words = { "a", "b", "c", "d" } },
  { .in = "\"a b\" c", .words = { "a b", "c" } },
  { .in = "'a b' c", .words = { "a b", "c" } },
  { .in = "a\"b c\"d", .words = { "ab cd" } },
  { .in = "--opt=\"x y\"", .words = { "--opt=x y" } },
  { .in = "\"a\"'b'c", .words = { "abc" } },
  { .in = "\"\"", .words = { "" } },
  { .in = "'' x \"\"", .words = { "", "x", "" } },
  { .in = "\"it's\"", .words = { "it's" } },
  { .in = "'say \"hi\"'", .words = { "say \"hi\"" } },
  { .in = "\"  spaced  \"", .words = { "  spaced  " } },
  { .in = "\\a\\b\\f\\n\\r\\t\\v", .words = { "\a\b\f\n\r\t\v" } },
  { .in = "\\\\", .words = { "\\" } },
  { .in = "\\\"a\\\"", .words = { "\"a\"" } },
  { .in = "\\'", .words = { "'" } },
  { .in = "a\\sb c", .words = { "a b", "c" } },
  { .in = "\\x41\\x7a", .words = { "Az" } },
  { .in = "\\xff \\xFe", .words = { "\xff", "\xfe" } },
  { .in = "\\101\\060 \\377", .words = { "A0", "\xff" } },
  { .in = "\\u0041 \\u00e9 \\u20AC", .words = { "A", "\xc3\xa9", "\xe2\x82\xac" } },
  { .in = "\\U0001F600 \\U0010FFFD", .words = { "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbd" } },
  { .in = "\\uFFFE", .words = { "\xef\xbf\xbe" } },
  { .in = "'a\\tb' \"c\\nd\"", .words = { "a\tb", "c\nd" } },
  { .in = "\"a\\\"b\" 'c\\'d'", .words = { "a\"b", "c'd" } },
  { .in = "\"x\\x20y\"", .words = { "x y" } },
  { .in = "a\\\nb", .words = { "a", "b" } },
  { .in = "a \\\n  b", .words = { "a", "b" } },
  { .in = "\"a\\\nb\"", .words = { "a b" } },
  { .in = "\\\n", .words = { 0 } },
  { .in = "$MAINPID ${X} $$ %n", .words = { "$MAINPID", "${X}", "$$", "%n" } },
  { .in = "caf\xc3\xa9", .words = { "caf\xc3\xa9" } },
  { .in = "/bin/x ", .words = { "/bin/x" } },
  { .in = "\"a", .err = "unbalanced quotes" },
  { .in = "'a", .err = "unbalanced quotes" },
  { .in = "ok a\"b", .words = { "ok" }, .err = "unbalanced quotes" },
  { .in = "\"a'", .err = "unbalanced quotes" },
  { .in = "\"a\\", .err = "unbalanced quotes" },
  { .in = "a\\", .err = "trailing backslash" },
  { .in = "ok \\", .words = { "ok" }, .err = "trailing backslash" },
  { .in = "\\q", .err = "invalid escape sequence" },
  { .in = "a\\ b", .err = "invalid escape sequence" },
  { .in = "\\;", .err = "invalid escape sequence" },
  { .in = "\\x4", .err = "invalid escape sequence" },
  { .in = "\\xg1", .err = "invalid escape sequence" },
  { .in = "\\x00", .err = "invalid escape sequence" },
  { .in = "\\000", .err = "invalid escape sequence" },
  { .in = "\\400", .err = "invalid escape sequence" },
  { .in = "\\08", .err = "invalid escape sequence" },
  { .in = "\\7", .err = "invalid escape sequence" },
  { .in = "\\u0000", .err = "invalid escape sequence" },
  { .in = "\\u12", .err = "invalid escape sequence" },
  { .in = "\\uD800", .err = "invalid escape sequence" },
  { .in = "\\U00110000", .err = "invalid escape sequence" },
  { .in = "\\U0000FFFE", .err = "invalid escape sequence" },
  { .in = "\\U0000FDD0", .err = "invalid escape sequence" },
  { .in = "\\U0000D800", .err = "invalid escape sequence" },
  { .in = "'ok' \"\\q\"", .words = { "ok" }, .err = "invalid escape sequence" },
} ;

START_TEST(test_split)
{
  struct word_case const *c = &cases[_i] ;
  stralloc sa = STRALLOC_ZERO ;
  size_t pos = 0 ;
  unsigned int n = 0 ;
  int r ;
  for (;;)
  {
    char const *err = 0 ;
    size_t before = sa.len ;
    errno = 0 ;
    r = nci_word_next(c->in, &pos, &sa, &err) ;
    if (r < 0)
    {
      ck_assert_msg(c->err, "input [%s]: unexpected error %s", c->in, err) ;
      ck_assert_str_eq(err, c->err) ;
      ck_assert_int_eq(errno, EINVAL) ;
      ck_assert_uint_eq(sa.len, before) ;
      break ;
    }
    if (!r)
    {
      ck_assert_msg(!c->err, "input [%s]: accepted, expected error %s", c->in, c->err) ;
      ck_assert_uint_eq(pos, strlen(c->in)) ;
      ck_assert_uint_eq(sa.len, before) ;
      break ;
    }
    ck_assert_msg(n < MAXWORDS && c->words[n], "input [%s]: extra word [%s]", c->in, sa.s + before) ;
    ck_assert_uint_eq(sa.len, before + strlen(c->words[n]) + 1) ;
    ck_assert_str_eq(sa.s + before, c->words[n]) ;
    n++ ;
  }
  ck_assert_msg(n == MAXWORDS || !c->words[n], "input [%s]: missing word [%s]", c->in, c->words[n]) ;
  stralloc_free(&sa) ;
}
END_TEST

START_TEST(test_appends_to_out)
{
  stralloc sa = STRALLOC_ZERO ;
  size_t pos = 0 ;
  char const *err ;
  ck_assert(stralloc_catb(&sa, "keep", 5)) ;
  ck_assert_int_eq(nci_word_next("  one two", &pos, &sa, &err), 1) ;
  ck_assert_uint_eq(pos, 6) ;
  ck_assert_uint_eq(sa.len, 9) ;
  ck_assert_str_eq(sa.s, "keep") ;
  ck_assert_str_eq(sa.s + 5, "one") ;
  ck_assert_int_eq(nci_word_next("  one two", &pos, &sa, &err), 1) ;
  ck_assert_str_eq(sa.s + 9, "two") ;
  ck_assert_int_eq(nci_word_next("  one two", &pos, &sa, &err), 0) ;
  ck_assert_uint_eq(sa.len, 13) ;
  stralloc_free(&sa) ;
}
END_TEST

START_TEST(test_error_keeps_pos)
{
  stralloc sa = STRALLOC_ZERO ;
  size_t pos = 3 ;
  char const *err = 0 ;
  ck_assert_int_eq(nci_word_next("ok \"open", &pos, &sa, &err), -1) ;
  ck_assert_uint_eq(pos, 3) ;
  ck_assert_str_eq(err, "unbalanced quotes") ;
  stralloc_free(&sa) ;
}
END_TEST

static Suite *words_suite (void)
{
  Suite *s = suite_create("words") ;
  TCase *tc = tcase_create("nci_word_next") ;
  tcase_add_loop_test(tc, test_split, 0, (int)(sizeof(cases) / sizeof(cases[0]))) ;
  tcase_add_test(tc, test_appends_to_out) ;
  tcase_add_test(tc, test_error_keeps_pos) ;
  suite_add_tcase(s, tc) ;
  return s ;
}

int main (void)
{
  return check_run(words_suite()) ;
}
