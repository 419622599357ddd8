#include <stdlib.h>
#include <string.h>
#include <check.h>
#include "check_run.h"
#include <skalibs/stralloc.h>
#include <nci/expand.h>

#define MAXW 8

static char const *const env[] =
{
  "A=alpha",
  "E=",
  "S=one two  three ",
  "Q=x 'y z' \"w\\\"v\" \\ q 'open end",
  "B={b}",
  "R=$A",
  "T=tail\\",
  0
} ;

struct expand_case
{
  char const *words[MAXW] ;   /* NULL-terminated */
  char const *expect[MAXW] ;  /* NULL-terminated */
} ;

static struct expand_case const cases[] =
{
  { { "/bin/echo", "plain", "with space", 0 }, { "/bin/echo", "plain", "with space", 0 } },
  { { "$A", 0 }, { "alpha", 0 } },
  { { "x", "$S", "y", 0 }, { "x", "one", "two", "three", "y", 0 } },
  { { "$Q", 0 }, { "x", "y z", "w\"v", " q", "open end", 0 } },
  { { "$T", 0 }, { "tail", 0 } },
  { { "a", "$E", "$UNSET", "b", 0 }, { "a", "b", 0 } },
  { { "$A/b", "$", "$A-b", 0 }, { 0 } },
  { { "${A}", "x${A}y", "${A}${A}", 0 }, { "alpha", "xalphay", "alphaalpha", 0 } },
  { { "${E}", "${UNSET}", 0 }, { "", "", 0 } },
  { { "${S}", 0 }, { "one two  three ", 0 } },
  { { "a$A", "a$", "$}", 0 }, { "a$A", "a$", 0 } },
  { { "$$", "a$$b", "$$A", "$${A}", "$$$", 0 }, { "$", "a$b", "$A", "${A}", "$$", 0 } },
  { { "${B}", "${R}", 0 }, { "{b}", "$A", 0 } },
  { { "${A:-d}", "${UNSET:-d}", "${E:-d}", 0 }, { "alpha", "d", "", 0 } },
  { { "${A:+alt}", "${UNSET:+alt}", "${E:+alt}", 0 }, { "alt", "", "alt", 0 } },
  { { "${UNSET:-${A}x}", "${UNSET:-{b}}", "${A:+<${A:+${A}}>}", 0 }, { "alphax", "{b}", "<alpha>", 0 } },
  { { "${UNSET:-}", "x${UNSET:-$$}y", 0 }, { "", "x$y", 0 } },
  { { "${A:x}", "${A:x}${A}", "${A:", "${A:-", "${A", "${", 0 }, { "${A:x}", "${A:x}alpha", "${A:", "${A:-", "${A", "${", 0 } },
  { { "${A=B}", "${}", "${A B}", 0 }, { "", "", "", 0 } },
} ;

static unsigned int count (char const *const *v)
{
  unsigned int n = 0 ;
  while (v[n]) n++ ;
  return n ;
}

START_TEST (test_expand_table)
{
  struct expand_case const *c = &cases[_i] ;
  stralloc out = STRALLOC_ZERO ;
  unsigned int n = 0, want = count(c->expect) ;
  size_t pos = 0 ;
  ck_assert_int_eq(nci_expand(c->words, count(c->words), env, &out, &n), 1) ;
  ck_assert_uint_eq(n, want) ;
  for (unsigned int i = 0 ; i < want ; i++)
  {
    ck_assert_uint_lt(pos, out.len) ;
    ck_assert_str_eq(out.s + pos, c->expect[i]) ;
    pos += strlen(out.s + pos) + 1 ;
  }
  ck_assert_uint_eq(pos, out.len) ;
  stralloc_free(&out) ;
}
END_TEST

START_TEST (test_expand_appends)
{
  char const *const words[] = { "$S", "${A}" } ;
  stralloc out = STRALLOC_ZERO ;
  unsigned int n = 2 ;
  ck_assert(stralloc_catb(&out, "old", 4)) ;
  ck_assert_int_eq(nci_expand(words, 2, env, &out, &n), 1) ;
  ck_assert_uint_eq(n, 6) ;
  ck_assert_uint_eq(out.len, 4 + sizeof("one two three alpha")) ;
  ck_assert(!memcmp(out.s, "old\0one\0two\0three\0alpha", out.len)) ;
  stralloc_free(&out) ;
}
END_TEST

START_TEST (test_expand_empty)
{
  char const *const empty[] = { 0 } ;
  char const *const words[] = { "$A", "${A}" } ;
  stralloc out = STRALLOC_ZERO ;
  unsigned int n = 0 ;
  ck_assert_int_eq(nci_expand(words, 0, env, &out, &n), 1) ;
  ck_assert_uint_eq(n, 0) ;
  ck_assert_uint_eq(out.len, 0) ;
  ck_assert_int_eq(nci_expand(words, 2, empty, &out, &n), 1) ;
  ck_assert_uint_eq(n, 1) ;
  ck_assert_uint_eq(out.len, 1) ;
  ck_assert_int_eq(out.s[0], 0) ;
  stralloc_free(&out) ;
}
END_TEST

int main (void)
{
  Suite *s = suite_create("expand") ;
  TCase *tc = tcase_create("core") ;
  tcase_add_loop_test(tc, test_expand_table, 0, sizeof(cases) / sizeof(cases[0])) ;
  tcase_add_test(tc, test_expand_appends) ;
  tcase_add_test(tc, test_expand_empty) ;
  suite_add_tcase(s, tc) ;
  return check_run(s) ;
}
