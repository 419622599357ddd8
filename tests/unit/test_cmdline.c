#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include "check_run.h"
#include <skalibs/stralloc.h>

#include <nci/cmdline.h>

#define MAXCMDS 4
#define MAXWORDS 8

#define ARGV0 NCI_CMD_ARGV0
#define IGN NCI_CMD_IGNORE_FAILURE
#define NOEXP NCI_CMD_NO_EXPAND
#define PRIV NCI_CMD_PRIVILEGED
#define NOSETUID NCI_CMD_NO_SETUID

struct cmd
{
  unsigned int flags ;
  char const *words[MAXWORDS] ;
} ;

/* Expected results from systemd.service(5) "Command lines" and ExecStart= prefixes,
   and from what systemd's config_parse_exec accepts. */
struct cmdline_case
{
  char const *in ;
  unsigned int max ;  /* 0 means MAXCMDS */
  int n ;
  struct cmd cmds[MAXCMDS] ;
  char const *err ;
} ;

static struct cmdline_case const cases[] =
{
  { .in = "", .n = 0 },
  { .in = "  \t\n ", .n = 0 },
  { .in = "/nix/store/0abc-unit-script-foo-start/bin/foo-start ", .n = 1,
    .cmds = { { 0, { "/nix/store/0abc-unit-script-foo-start/bin/foo-start" } } } },
  { .in = "/nix/store/0abc-coreutils/bin/kill -HUP $MAINPID", .n = 1,
    .cmds = { { 0, { "/nix/store/0abc-coreutils/bin/kill", "-HUP", "$MAINPID" } } } },
  { .in = "/bin/echo ${FOO} $$ \"a $B\" %n", .n = 1,
    .cmds = { { 0, { "/bin/echo", "${FOO}", "$$", "a $B", "%n" } } } },
  { .in = "echo one ; echo \"two two\"", .n = 2,
    .cmds = { { 0, { "echo", "one" } }, { 0, { "echo", "two two" } } } },
  { .in = "echo / >/dev/null & \\; \\\nls", .n = 1,
    .cmds = { { 0, { "echo", "/", ">/dev/null", "&", ";", "ls" } } } },
  { .in = "/bin/sh -c 'dmesg | tac'", .n = 1,
    .cmds = { { 0, { "/bin/sh", "-c", "dmesg | tac" } } } },
  { .in = "\"/opt/my prog/bin/x\" arg", .n = 1,
    .cmds = { { 0, { "/opt/my prog/bin/x", "arg" } } } },
  { .in = "-/bin/false", .n = 1, .cmds = { { IGN, { "/bin/false" } } } },
  { .in = "@/bin/sh sh -c x", .n = 1, .cmds = { { ARGV0, { "/bin/sh", "sh", "-c", "x" } } } },
  { .in = ":/bin/echo $X", .n = 1, .cmds = { { NOEXP, { "/bin/echo", "$X" } } } },
  { .in = "+/bin/x", .n = 1, .cmds = { { PRIV, { "/bin/x" } } } },
  { .in = "!/bin/x", .n = 1, .cmds = { { NOSETUID, { "/bin/x" } } } },
  { .in = "!!/bin/x", .n = 1, .cmds = { { 0, { "/bin/x" } } } },
  { .in = "-!!/bin/x", .n = 1, .cmds = { { IGN, { "/bin/x" } } } },
  { .in = "!!-/bin/x", .n = 1, .cmds = { { IGN, { "/bin/x" } } } },
  { .in = "-@:+/bin/true x", .n = 1, .cmds = { { IGN | ARGV0 | NOEXP | PRIV, { "/bin/true", "x" } } } },
  { .in = "+:-/bin/x", .n = 1, .cmds = { { PRIV | NOEXP | IGN, { "/bin/x" } } } },
  { .in = "!@-:/bin/x a", .n = 1, .cmds = { { NOSETUID | ARGV0 | IGN | NOEXP, { "/bin/x", "a" } } } },
  { .in = "-\"/bin/a b\"", .n = 1, .cmds = { { IGN, { "/bin/a b" } } } },
  { .in = "/bin/a ; -/bin/b x ; @/bin/c c", .n = 3,
    .cmds = { { 0, { "/bin/a" } }, { IGN, { "/bin/b", "x" } }, { ARGV0, { "/bin/c", "c" } } } },
  { .in = "/bin/a ; ; /bin/b", .n = 2, .cmds = { { 0, { "/bin/a" } }, { 0, { "/bin/b" } } } },
  { .in = "; /bin/a", .n = 1, .cmds = { { 0, { "/bin/a" } } } },
  { .in = "\";\" /bin/a", .n = 1, .cmds = { { 0, { "/bin/a" } } } },
  { .in = ";", .n = 0 },
  { .in = "/bin/a ;", .n = 1, .cmds = { { 0, { "/bin/a" } } } },
  { .in = "/bin/a\t;\t/bin/b", .n = 2, .cmds = { { 0, { "/bin/a" } }, { 0, { "/bin/b" } } } },
  { .in = "/bin/a \\\n; /bin/b", .n = 2, .cmds = { { 0, { "/bin/a" } }, { 0, { "/bin/b" } } } },
  { .in = "/bin/a ';' \";\" \\\\; \\;", .n = 1, .cmds = { { 0, { "/bin/a", ";", ";", "\\;", ";" } } } },
  { .in = "/bin/a ;b b; \\;c", .err = "invalid escape sequence" },
  { .in = "/bin/a ;b b;", .n = 1, .cmds = { { 0, { "/bin/a", ";b", "b;" } } } },
  { .in = "/bin/a x\\;", .err = "invalid escape sequence" },
  { .in = "/bin/a ; /bin/b", .max = 1, .err = "too many commands" },
  { .in = "/bin/a ; /bin/b ; /bin/c", .max = 2, .err = "too many commands" },
  { .in = "/bin/a ; ;", .max = 1, .n = 1, .cmds = { { 0, { "/bin/a" } } } },
  { .in = "-", .err = "no program after prefixes" },
  { .in = "@", .err = "no program after prefixes" },
  { .in = "-@ /bin/x", .err = "no program after prefixes" },
  { .in = "\"\" x", .err = "no program after prefixes" },
  { .in = "! !/bin/true", .err = "no program after prefixes" },
  { .in = "@/bin/sh", .err = "no argv[0] after @ program" },
  { .in = "@/bin/sh ; /bin/x", .err = "no argv[0] after @ program" },
  { .in = "/bin/x ; @/bin/sh", .err = "no argv[0] after @ program" },
  { .in = "--/bin/x", .err = "invalid prefix" },
  { .in = "@@/bin/x a", .err = "invalid prefix" },
  { .in = "::/bin/x", .err = "invalid prefix" },
  { .in = "+!/bin/x", .err = "invalid prefix" },
  { .in = "!+/bin/x", .err = "invalid prefix" },
  { .in = "!!+/bin/x", .err = "invalid prefix" },
  { .in = "++/bin/x", .err = "invalid prefix" },
  { .in = "!!!/bin/x", .err = "invalid prefix" },
  { .in = "/bin/a ; +!!/bin/b", .err = "invalid prefix" },
  { .in = "/bin/a \"b", .err = "unbalanced quotes" },
  { .in = "/bin/a ; /bin/b 'c", .err = "unbalanced quotes" },
  { .in = "/bin/a b\\", .err = "trailing backslash" },
  { .in = "/bin/a \\q", .err = "invalid escape sequence" },
  { .in = "\\;", .err = "invalid escape sequence" },
} ;

static void check_words (struct cmdline_case const *c, unsigned int i, nci_cmdline const *got)
{
  struct cmd const *want = &c->cmds[i] ;
  size_t off = 0 ;
  unsigned int n = 0 ;
  ck_assert_msg(got->flags == want->flags, "input [%s] command %u: flags %#x, expected %#x", c->in, i, got->flags, want->flags) ;
  while (n < MAXWORDS && want->words[n]) n++ ;
  ck_assert_msg(got->n == n, "input [%s] command %u: %u words, expected %u", c->in, i, got->n, n) ;
  for (unsigned int j = 0 ; j < n ; j++)
  {
    ck_assert_uint_lt(off, got->words.len) ;
    ck_assert_str_eq(got->words.s + off, want->words[j]) ;
    off += strlen(got->words.s + off) + 1 ;
  }
  ck_assert_uint_eq(off, got->words.len) ;
}

START_TEST(test_split)
{
  struct cmdline_case const *c = &cases[_i] ;
  nci_cmdline cmds[MAXCMDS] = { NCI_CMDLINE_ZERO, NCI_CMDLINE_ZERO, NCI_CMDLINE_ZERO, NCI_CMDLINE_ZERO } ;
  char const *err = 0 ;
  int r ;
  errno = 0 ;
  r = nci_cmdline_split(c->in, cmds, c->max ? c->max : MAXCMDS, &err) ;
  if (c->err)
  {
    ck_assert_msg(r == -1, "input [%s]: returned %d, expected error %s", c->in, r, c->err) ;
    ck_assert_str_eq(err, c->err) ;
    ck_assert_int_eq(errno, EINVAL) ;
    for (unsigned int i = 0 ; i < MAXCMDS ; i++)
    {
      ck_assert_uint_eq(cmds[i].n, 0) ;
      ck_assert_ptr_null(cmds[i].words.s) ;
    }
    return ;
  }
  ck_assert_msg(r == c->n, "input [%s]: returned %d (%s), expected %d", c->in, r, r < 0 ? err : "", c->n) ;
  for (unsigned int i = 0 ; i < (unsigned int)r ; i++) check_words(c, i, &cmds[i]) ;
  for (unsigned int i = (unsigned int)r ; i < MAXCMDS ; i++) ck_assert_uint_eq(cmds[i].n, 0) ;
  for (unsigned int i = 0 ; i < MAXCMDS ; i++) nci_cmdline_free(&cmds[i]) ;
}
END_TEST

START_TEST(test_free_resets)
{
  nci_cmdline c = NCI_CMDLINE_ZERO ;
  char const *err ;
  ck_assert_int_eq(nci_cmdline_split("-@/bin/a a", &c, 1, &err), 1) ;
  nci_cmdline_free(&c) ;
  ck_assert_uint_eq(c.n, 0) ;
  ck_assert_uint_eq(c.flags, 0) ;
  ck_assert_ptr_null(c.words.s) ;
  ck_assert_uint_eq(c.words.len, 0) ;
  nci_cmdline_free(&c) ;
}
END_TEST

START_TEST(test_zero_max)
{
  nci_cmdline c = NCI_CMDLINE_ZERO ;
  char const *err = 0 ;
  ck_assert_int_eq(nci_cmdline_split(" ; ", &c, 0, &err), 0) ;
  ck_assert_int_eq(nci_cmdline_split("/bin/a", &c, 0, &err), -1) ;
  ck_assert_str_eq(err, "too many commands") ;
  ck_assert_ptr_null(c.words.s) ;
}
END_TEST

static Suite *cmdline_suite (void)
{
  Suite *s = suite_create("cmdline") ;
  TCase *tc = tcase_create("nci_cmdline_split") ;
  tcase_add_loop_test(tc, test_split, 0, (int)(sizeof(cases) / sizeof(cases[0]))) ;
  tcase_add_test(tc, test_free_resets) ;
  tcase_add_test(tc, test_zero_max) ;
  suite_add_tcase(s, tc) ;
  return s ;
}

int main (void)
{
  return check_run(cmdline_suite()) ;
}
