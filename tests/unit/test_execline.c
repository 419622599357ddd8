/* nci_execline_simple: the run scripts nci-convert writes for one command are
   split exactly as execlineb splits them (execlineb itself runs each script and
   argv-dump prints what it got); anything else is left to execlineb; no input
   crashes it. */

#include <check.h>
#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>
#include <nci/execline.h>
#include "../../convert/convert.h"

char const *PROG = "test_execline" ;

#define MAXW 64

static char const *el_bindir (void)
{
  char const *el = getenv("EXECLINE_BINDIR") ;
  return el ? el : "/usr/lib/execline/bin" ;
}

/* The run script nci-convert writes for a unit with this serviceConfig. */
static void convert_run (char const *service_config, stralloc *sa)
{
  static enum exec_key const keys[] = { EXEC_START_PRE, EXEC_START } ;
  char json[8192] ;
  json_error_t err ;
  json_t *j ;
  /* kept, as nci-convert keeps its units until it exits: unit_parse has no free */
  static unit units[16] ;
  static unsigned int nunits ;
  unit *u = units + nunits++ ;
  paths p ;
  p.nci_bindir = "/nci-bin" ;
  p.execline_bindir = el_bindir() ;
  snprintf(json, sizeof json, "{\"serviceConfig\": %s}", service_config) ;
  j = json_loads(json, 0, &err) ;
  ck_assert_msg(j != 0, "bad test JSON: %s", err.text) ;
  ck_assert_uint_le(nunits, 16) ;
  unit_parse(u, "t", j) ;
  json_decref(j) ;
  script_write(sa, u, keys, 2, 1, &p) ;
}

/* Runs the script with execlineb, its program replaced by argv-dump, and
   returns argv-dump's argv lines joined by '|' (argv[0] left out). */
static char *execlineb_argv (char const *script)
{
  static char out[65536], joined[65536] ;
  char dir[] = "/tmp/nci-test-execline.XXXXXX" ;
  char path[256], cmd[512], dump[512] ;
  char const *nl = strchr(script, '\n'), *sp ;
  FILE *f ;
  size_t n ;
  ck_assert_ptr_nonnull(mkdtemp(dir)) ;
  snprintf(dump, sizeof dump, "%s/tests/helpers/argv-dump", getenv("NCI_BUILD")) ;
  sp = strchr(nl + 1, ' ') ;
  snprintf(path, sizeof path, "%s/run", dir) ;
  f = fopen(path, "w") ;
  ck_assert_ptr_nonnull(f) ;
  fwrite(script, 1, (size_t)(nl + 1 - script), f) ;
  fputs(dump, f) ;
  fputs(sp ? sp : "\n", f) ;
  fclose(f) ;
  ck_assert_int_eq(chmod(path, 0755), 0) ;
  snprintf(cmd, sizeof cmd, "%s", path) ;
  f = popen(cmd, "r") ;
  ck_assert_ptr_nonnull(f) ;
  n = fread(out, 1, sizeof out - 1, f) ;
  out[n] = 0 ;
  pclose(f) ;
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir) ;
  ck_assert_int_eq(system(cmd), 0) ;
  joined[0] = 0 ;
  ck_assert_msg(strstr(out, "argv[0]=") != 0, "execlineb did not run argv-dump: %s", out) ;
  for (char const *p = out ; (p = strstr(p, "argv[")) ; )
  {
    char const *eq = strchr(p, '='), *end = strchr(eq, '\n') ;
    if (strncmp(p, "argv[0]=", 8))
    {
      if (strncmp(p, "argv[1]=", 8)) strcat(joined, "|") ;
      strncat(joined, eq + 1, (size_t)(end - eq - 1)) ;
    }
    p = end ;
  }
  return joined ;
}

static char *simple_argv (char const *script, unsigned int *n)
{
  static char buf[65536], joined[65536] ;
  char const *argv[MAXW] ;
  size_t len = strlen(script) ;
  memcpy(buf, script, len) ;
  *n = nci_execline_simple(buf, len, argv, MAXW) ;
  joined[0] = 0 ;
  for (unsigned int i = 1 ; i < *n ; i++)
  {
    if (i > 1) strcat(joined, "|") ;
    strcat(joined, argv[i]) ;
  }
  if (*n) ck_assert_ptr_null(argv[*n]) ;
  return joined ;
}

static void same_as_execlineb (char const *service_config)
{
  stralloc sa = STRALLOC_ZERO ;
  unsigned int n ;
  char *mine ;
  convert_run(service_config, &sa) ;
  ck_assert(stralloc_0(&sa)) ;
  mine = simple_argv(sa.s, &n) ;
  ck_assert_msg(n > 0, "not taken as one command: %s", sa.s) ;
  ck_assert_str_eq(mine, execlineb_argv(sa.s)) ;
  stralloc_free(&sa) ;
}

START_TEST (test_converted_scripts_split_as_execlineb)
{
  same_as_execlineb("{\"ExecStart\": \"/bin/prog\"}") ;
  same_as_execlineb("{\"ExecStart\": \"/bin/prog a b c\", \"User\": \"nobody\", \"WorkingDirectory\": \"/var/lib/x y\","
    " \"UMask\": \"0077\", \"LimitNOFILE\": 1024, \"StateDirectory\": \"s\", \"StandardOutput\": \"file:/tmp/o\"}") ;
  same_as_execlineb("{\"ExecStart\": \"@/bin/prog fake0 \\\"{\\\" \\\"}\\\" \\\"a b\\\" \\\"\\\" 'q\\\"uote' back\\\\\\\\slash"
    " \\\"#hash\\\" \\\\; \\\"tab\\\\there\\\" \\\"$$dollar\\\" \\\"${X}!\\\" $Y %n 'if' '' x\\\\x01y end\"}") ;
  same_as_execlineb("{\"ExecStart\": \"/bin/prog \\\"\\u00e9t\\u00e9 \\u2603\\\" \\\\x7f\"}") ;
}
END_TEST

START_TEST (test_other_scripts_go_to_execlineb)
{
  stralloc sa = STRALLOC_ZERO ;
  unsigned int n ;
  convert_run("{\"ExecStartPre\": \"/bin/pre\", \"ExecStart\": \"/bin/prog\"}", &sa) ;
  ck_assert(stralloc_0(&sa)) ;
  simple_argv(sa.s, &n) ;
  ck_assert_msg(n == 0, "a script of two commands taken as one: %s", sa.s) ;
  stralloc_free(&sa) ;
  {
    static char const *const not_simple[] =
    {
      "",
      "#!/bin/sh\n/bin/prog\n",                          /* not execline */
      "#!/usr/bin/execlineb\n/bin/prog\n",               /* no -P: positional parameters */
      "#!/usr/bin/execlineb -S1\n/bin/prog\n",
      "#!/usr/bin/execlineb -P\n",                        /* no command */
      "#!/usr/bin/execlineb -P\n/bin/prog",               /* no final newline */
      "#!/usr/bin/execlineb -P\n/bin/prog\n\n",           /* a second line */
      "#!/usr/bin/execlineb -P\n/bin/prog\n/bin/other\n",
      "#!/usr/bin/execlineb -P\nprog a\n",                /* PATH search */
      "#!/usr/bin/execlineb -P\n\"prog\" a\n",
      "#!/usr/bin/execlineb -P\n/bin/prog  a\n",          /* two blanks */
      "#!/usr/bin/execlineb -P\n/bin/prog a \n",
      "#!/usr/bin/execlineb -P\n /bin/prog\n",
      "#!/usr/bin/execlineb -P\n/bin/prog\ta\n",
      "#!/usr/bin/execlineb -P\n/bin/prog { a }\n",       /* a block */
      "#!/usr/bin/execlineb -P\n/bin/prog # comment\n",
      "#!/usr/bin/execlineb -P\n/bin/prog $a\n",
      "#!/usr/bin/execlineb -P\n/bin/prog a\"b\"\n",
      "#!/usr/bin/execlineb -P\n/bin/prog \"a\"b\n",
      "#!/usr/bin/execlineb -P\n/bin/prog \"a\n",         /* unterminated */
      "#!/usr/bin/execlineb -P\n/bin/prog \"a\nb\"\n",    /* a raw newline in quotes */
      "#!/usr/bin/execlineb -P\n/bin/prog \"\\q\"\n",     /* an escape nci-convert never writes */
      "#!/usr/bin/execlineb -P\n/bin/prog \"\\0x00\"\n",  /* a NUL */
      "#!/usr/bin/execlineb -P\n/bin/prog \"\\0x4\"\n",
      "#!/usr/bin/execlineb -P\n/bin/prog \"\\0xzz\"\n",
      "#!/usr/bin/execlineb -P\n/bin/prog \"\\",
      0
    } ;
    for (unsigned int i = 0 ; not_simple[i] ; i++)
    {
      char const *argv[MAXW] ;
      char buf[256] ;
      size_t len = strlen(not_simple[i]) ;
      memcpy(buf, not_simple[i], len) ;
      ck_assert_msg(nci_execline_simple(buf, len, argv, MAXW) == 0, "taken as one command: [%s]", not_simple[i]) ;
    }
  }
}
END_TEST

START_TEST (test_limits)
{
  char const *argv[4] ;
  char buf[256] ;
  char const *s = "#!/x/execlineb -P\n/bin/prog a b\n" ;
  size_t len = strlen(s) ;
  memcpy(buf, s, len) ;
  ck_assert_uint_eq(nci_execline_simple(buf, len, argv, 3), 0) ;  /* 3 words and the null do not fit in 3 */
  memcpy(buf, s, len) ;
  ck_assert_uint_eq(nci_execline_simple(buf, len, argv, 4), 3) ;
  ck_assert_str_eq(argv[0], "/bin/prog") ;
  ck_assert_str_eq(argv[2], "b") ;
  ck_assert_ptr_null(argv[3]) ;
  /* the length given is the end, whatever follows in memory */
  memcpy(buf, s, len) ;
  ck_assert_uint_eq(nci_execline_simple(buf, len - 1, argv, 4), 0) ;
  s = "#!/x/execlineb -P\n\"/bin/a\\\\b\" \"\\0x41\\n\\t\\\"\"\n" ;
  len = strlen(s) ;
  memcpy(buf, s, len) ;
  ck_assert_uint_eq(nci_execline_simple(buf, len, argv, 4), 2) ;
  ck_assert_str_eq(argv[0], "/bin/a\\b") ;
  ck_assert_str_eq(argv[1], "A\n\t\"") ;
  /* a raw NUL inside quotes: execlineb refuses it, so it is not one simple command */
  memcpy(buf, "#!/x/execlineb -P\n/bin/prog \"a\0b\"\n", 34) ;
  ck_assert_uint_eq(nci_execline_simple(buf, 34, argv, 4), 0) ;
}
END_TEST

/* Random bytes after a valid header, and random mutations of a valid script:
   never a crash or a read past the end (the sanitizer build runs this too), and
   every word it returns lies inside the buffer, NUL-terminated. */
START_TEST (test_fuzz)
{
  static char const base[] = "#!/x/execlineb -P\n/bin/prog -e env \"a b\" \"\\0x41\" c\n" ;
  unsigned int seed = 12345 ;
  for (unsigned int round = 0 ; round < 200000 ; round++)
  {
    char *buf ;
    char const *argv[MAXW] ;
    size_t len ;
    unsigned int n ;
    seed = seed * 1103515245 + 12345 ;
    if (round & 1)
    {
      len = sizeof base - 1 ;
      buf = malloc(len) ;
      memcpy(buf, base, len) ;
      for (unsigned int k = 0 ; k < 1 + (seed >> 16) % 4 ; k++)
      {
        seed = seed * 1103515245 + 12345 ;
        buf[(seed >> 8) % len] = (char)(seed >> 20) ;
      }
      seed = seed * 1103515245 + 12345 ;
      if (!((seed >> 16) % 3)) len = (seed >> 4) % (len + 1) ;
    }
    else
    {
      len = 18 + (seed >> 16) % 40 ;
      buf = malloc(len) ;
      memcpy(buf, base, 18) ;
      for (size_t k = 18 ; k < len ; k++)
      {
        seed = seed * 1103515245 + 12345 ;
        buf[k] = " \"\\0x41an\n/{}#$\t"[(seed >> 16) % 16] ;
      }
    }
    n = nci_execline_simple(buf, len, argv, MAXW) ;
    for (unsigned int i = 0 ; i < n ; i++)
    {
      ck_assert(argv[i] >= buf && argv[i] < buf + len) ;
      ck_assert(memchr(argv[i], 0, (size_t)(buf + len - argv[i])) != 0) ;
    }
    if (n) ck_assert_ptr_null(argv[n]) ;
    free(buf) ;
  }
}
END_TEST

int main (void)
{
  Suite *s = suite_create("execline_simple") ;
  TCase *tc = tcase_create("execline_simple") ;
  tcase_set_timeout(tc, 30) ;
  tcase_add_test(tc, test_converted_scripts_split_as_execlineb) ;
  tcase_add_test(tc, test_other_scripts_go_to_execlineb) ;
  tcase_add_test(tc, test_limits) ;
  tcase_add_test(tc, test_fuzz) ;
  suite_add_tcase(s, tc) ;
  return check_run(s) ;
}
