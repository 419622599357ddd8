/* json_split (the input's top-level members, found without parsing their values),
   json_arena and parallel_for: what lets nci-convert parse and write on several
   threads. The property that matters: json_split accepts a text only if jansson
   accepts the whole of it with the same members, so that jansson alone decides
   what is JSON and reports errors with the line and column in the file. It is
   checked on the cases below and on many mutations of them. */

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "../../convert/convert.h"
#include "check_run.h"

char const *PROG = "test_convert_split" ;

#define FLAGS (JSON_REJECT_DUPLICATES | JSON_DECODE_ANY)

static void members_free (member *m, size_t n)
{
  for (size_t i = 0 ; i < n ; i++) free(m[i].key) ;
  free(m) ;
}

/* Splits text, which must split into members "key=value text" as listed (NULL-ended). */
static void split_is (char const *text, char const *const *expected)
{
  member *m = 0 ;
  size_t n = json_split(text, strlen(text), &m) ;
  size_t k = 0 ;
  ck_assert_msg(n != (size_t)-1, "does not split: %s", text) ;
  while (expected[k]) k++ ;
  ck_assert_msg(n == k, "%s: %zu members, expected %zu", text, n, k) ;
  for (size_t i = 0 ; i < n ; i++)
  {
    char got[512] ;
    snprintf(got, sizeof(got), "%s=%.*s", m[i].key, (int)m[i].len, m[i].text) ;
    ck_assert_str_eq(got, expected[i]) ;
  }
  members_free(m, n) ;
}

static void no_split (char const *text, size_t len)
{
  member *m = 0 ;
  ck_assert_msg(json_split(text, len, &m) == (size_t)-1, "splits: %.*s", (int)len, text) ;
}

START_TEST (test_members)
{
  split_is("{}", (char const *const []){ 0 }) ;
  split_is(" \t\r\n{ \n}\n", (char const *const []){ 0 }) ;
  split_is("{\"a\": {}}", (char const *const []){ "a={}", 0 }) ;
  split_is("{\"a\":1,\"b\":true,\"c\":null,\"d\":-1.5e3}",
    (char const *const []){ "a=1", "b=true", "c=null", "d=-1.5e3", 0 }) ;
  split_is("{\n  \"web\" : {\"x\": [1, {\"y\": \"}]\"}]},\n  \"db\": [ ]\n}\n",
    (char const *const []){ "web={\"x\": [1, {\"y\": \"}]\"}]}", "db=[ ]", 0 }) ;
  /* Quotes and backslashes inside strings do not end them, escaped or not. */
  split_is("{\"a\": \"x\\\"}\", \"b\": \"\\\\\", \"c\": {\"k\": \"\\\\\\\"{\"}}",
    (char const *const []){ "a=\"x\\\"}\"", "b=\"\\\\\"", "c={\"k\": \"\\\\\\\"{\"}", 0 }) ;
  /* Keys are decoded as jansson decodes them. */
  split_is("{\"\\u0061\\/b\": 1, \"h\xc3\xa9\": 2, \"q\\\"q\": 3}",
    (char const *const []){ "a/b=1", "h\xc3\xa9=2", "q\"q=3", 0 }) ;
  /* Values are cut where they seem to end; jansson judges them afterwards. */
  split_is("{\"a\": tru, \"b\": 1/2, \"c\": [1}}",
    (char const *const []){ "a=tru", "b=1/2", "c=[1}", 0 }) ;
}
END_TEST

START_TEST (test_refused)
{
  static char const *const texts[] =
  {
    "", "   ", "[]", "3", "\"a\"", "{", "{\"a\"", "{\"a\": 1", "{\"a\": 1,}", "{\"a\" 1}", "{\"a\":}",
    "{a: 1}", "{\"a\": 1} x", "{\"a\": 1}}", "{\"a\": 1 2}", "{\"a\": 1,, \"b\": 2}", "{\"a\": \"x}",
    "{\"a\": [1, 2}", "{\"a\": {\"b\": 1}", "\xef\xbb\xbf{\"a\": 1}", "{\"\\u0000\": 1}", "{\"\x01\": 1}",
    "{\"\xff\": 1}", "{\"a\\x\": 1}",
  } ;
  for (size_t i = 0 ; i < sizeof(texts) / sizeof(texts[0]) ; i++) no_split(texts[i], strlen(texts[i])) ;
  no_split("{\"a\": 1}\0", 9) ;
}
END_TEST

/* "[" * depth + "]" * depth as the value of "a". */
static char *deep (size_t depth)
{
  char *s = xmalloc(2 * depth + 16) ;
  char *w = stpcpy(s, "{\"a\": ") ;
  memset(w, '[', depth) ;
  memset(w + depth, ']', depth) ;
  strcpy(w + 2 * depth, "}") ;
  return s ;
}

START_TEST (test_depth)
{
  char *ok = deep(1000) ;
  char *too_deep = deep(2047) ;
  member *m ;
  size_t n = json_split(ok, strlen(ok), &m) ;
  ck_assert_uint_eq(n, 1) ;
  members_free(m, n) ;
  /* Parsed alone, this value would pass jansson's limit that the whole text
     exceeds: it is left to the whole parse. */
  no_split(too_deep, strlen(too_deep)) ;
  free(ok) ;
  free(too_deep) ;
}
END_TEST

/* The property: if text splits, its members' texts all parse and its keys are
   distinct, then jansson parses the whole text into exactly those members. */
static void check_property (char const *text, size_t len)
{
  member *m = 0 ;
  size_t n = json_split(text, len, &m) ;
  json_error_t err ;
  json_t *whole ;
  int alone_ok = 1 ;
  if (n == (size_t)-1) return ;
  for (size_t i = 0 ; i < n ; i++)
  {
    m[i].value = json_loadb(m[i].text, m[i].len, FLAGS, &err) ;
    if (!m[i].value) alone_ok = 0 ;
    for (size_t j = 0 ; j < i ; j++) if (!strcmp(m[i].key, m[j].key)) alone_ok = 0 ;
  }
  whole = json_loadb(text, len, FLAGS, &err) ;
  if (alone_ok)
  {
    ck_assert_msg(whole != 0, "members parse, the whole does not (%s): %.*s", err.text, (int)len, text) ;
    ck_assert(json_is_object(whole)) ;
    ck_assert_uint_eq(json_object_size(whole), n) ;
    for (size_t i = 0 ; i < n ; i++)
      ck_assert_msg(json_equal(json_object_get(whole, m[i].key), m[i].value), "member %s differs", m[i].key) ;
  }
  else ck_assert_msg(!whole, "a member does not parse alone, the whole does: %.*s", (int)len, text) ;
  for (size_t i = 0 ; i < n ; i++) json_decref(m[i].value) ;
  json_decref(whole) ;
  members_free(m, n) ;
}

static char const *const seeds[] =
{
  "{\"a\": {\"serviceConfig\": {\"ExecStart\": \"/bin/true \\\"x\\\\\", \"Nice\": -5}, \"after\": [\"b.service\"]},\n"
  " \"b\": {\"enable\": false, \"environment\": {\"P\": \"/x:/y\", \"N\": null}, \"x\": [1.5, true, [], {}]}}",
  "{\"u\\u00e9\": \"s\", \"v\": [[[\"]\"]]], \"w\": {\"\\\\\": \"\\\\\\\"\"}}",
} ;

/* Deterministic mutations: bytes that matter to JSON's structure, inserted, deleted,
   replaced, and cuts. */
START_TEST (test_property)
{
  static char const pieces[][8] = { "{", "}", "[", "]", "\"", ",", ":", "\\", " ", "\n", "1", "true", "\"k\":1,", "\\\"", "\xff" } ;
  uint32_t r = 12345 ;
  for (size_t s = 0 ; s < sizeof(seeds) / sizeof(seeds[0]) ; s++)
  {
    size_t slen = strlen(seeds[s]) ;
    check_property(seeds[s], slen) ;
    for (unsigned int iter = 0 ; iter < 4000 ; iter++)
    {
      char buf[1024] ;
      size_t len = slen ;
      memcpy(buf, seeds[s], slen) ;
      for (unsigned int k = 0 ; k < 1 + iter % 3 ; k++)
      {
        size_t pos ;
        r = r * 1103515245u + 12345u ;
        pos = len ? (r >> 8) % (len + 1) : 0 ;
        switch ((r >> 4) % 4)
        {
          case 0 :
            if (pos < len) { memmove(buf + pos, buf + pos + 1, len - pos - 1) ; len-- ; }
            break ;
          case 1 :
          {
            char const *p = pieces[(r >> 20) % (sizeof(pieces) / sizeof(pieces[0]))] ;
            size_t pl = strlen(p) ;
            if (len + pl >= sizeof(buf)) break ;
            memmove(buf + pos + pl, buf + pos, len - pos) ;
            memcpy(buf + pos, p, pl) ;
            len += pl ;
            break ;
          }
          case 2 :
            if (pos < len) buf[pos] = pieces[(r >> 20) % (sizeof(pieces) / sizeof(pieces[0]))][0] ;
            break ;
          default :
            len = pos ;
            break ;
        }
      }
      check_property(buf, len) ;
    }
  }
}
END_TEST

static void count (void *ctx, size_t i)
{
  atomic_int *seen = ctx ;
  atomic_fetch_add(&seen[i], 1) ;
}

START_TEST (test_parallel_for)
{
  static size_t const ns[] = { 0, 1, 2, 3, 1000 } ;
  for (size_t k = 0 ; k < sizeof(ns) / sizeof(ns[0]) ; k++)
  {
    atomic_int *seen = calloc(ns[k] + 1, sizeof(atomic_int)) ;
    ck_assert_ptr_nonnull(seen) ;
    parallel_for(ns[k], &count, seen) ;
    for (size_t i = 0 ; i < ns[k] ; i++) ck_assert_int_eq(atomic_load(&seen[i]), 1) ;
    ck_assert_int_eq(atomic_load(&seen[ns[k]]), 0) ;
    free(seen) ;
  }
}
END_TEST

static void parse_and_clear (void *ctx, size_t i)
{
  atomic_int *ok = ctx ;
  char text[96] ;
  json_error_t err ;
  json_t *v ;
  int l = snprintf(text, sizeof(text), "{\"i\": %zu, \"s\": \"", i) ;
  memset(text + l, 'x', i % 40) ;
  strcpy(text + l + i % 40, "\"}") ;
  v = json_loadb(text, strlen(text), FLAGS, &err) ;
  if (v && json_integer_value(json_object_get(v, "i")) == (json_int_t)i
   && strlen(json_string_value(json_object_get(v, "s"))) == i % 40) atomic_fetch_add(ok, 1) ;
  json_decref(v) ;
  json_arena_clear() ;
}

/* Values live in the thread's arena until it is cleared; a value bigger than a
   block gets its own. */
START_TEST (test_arena)
{
  atomic_int ok ;
  json_error_t err ;
  json_t *big ;
  size_t const blen = 600 * 1024 ;
  char *text = xmalloc(blen + 3) ;
  atomic_init(&ok, 0) ;
  json_arena_begin() ;
  parallel_for(500, &parse_and_clear, &ok) ;
  ck_assert_int_eq(atomic_load(&ok), 500) ;
  text[0] = '"' ;
  memset(text + 1, 'x', blen) ;
  text[blen + 1] = '"' ;
  big = json_loadb(text, blen + 2, FLAGS, &err) ;
  ck_assert_ptr_nonnull(big) ;
  ck_assert_uint_eq(json_string_length(big), blen) ;
  json_arena_clear() ;
  json_arena_end() ;
  free(text) ;
  /* Plain malloc again. */
  big = json_loadb("[1]", 3, FLAGS, &err) ;
  ck_assert_ptr_nonnull(big) ;
  json_decref(big) ;
}
END_TEST

static Suite *suite (void)
{
  Suite *s = suite_create("convert_split") ;
  TCase *tc = tcase_create("core") ;
  tcase_add_test(tc, test_members) ;
  tcase_add_test(tc, test_refused) ;
  tcase_add_test(tc, test_depth) ;
  tcase_add_test(tc, test_property) ;
  tcase_add_test(tc, test_parallel_for) ;
  tcase_add_test(tc, test_arena) ;
  tcase_set_timeout(tc, 60) ;
  suite_add_tcase(s, tc) ;
  return s ;
}

int main (void)
{
  return check_run(suite()) ;
}
