/* The execline writer, round trip: a unit's ExecStart goes through unit_parse and
   script_write, execlineb -P runs the script, nci-exec applies the context, and
   argv-dump (tests/helpers) prints the argv the service really got. */

#include <check.h>
#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <jansson.h>
#include "../../convert/convert.h"

char const *PROG = "test_script" ;

static char dir[] = "/tmp/nci-test-script.XXXXXX" ;

/* Converts one unit from its serviceConfig JSON, writes the chosen script into dir
   with an env/ as the tree would have it, runs it, and returns what it printed. */
static char *run_script (char const *service_config, char const *env_json, enum exec_key const *keys, unsigned int nkeys, int exec_last)
{
  char const *build = getenv("NCI_BUILD") ;
  char const *el = getenv("EXECLINE_BINDIR") ;
  paths p ;
  char json[8192], path[512], cmd[1024] ;
  json_error_t err ;
  json_t *j ;
  unit u ;
  stralloc sa = STRALLOC_ZERO ;
  FILE *f ;
  static char out[65536] ;
  size_t n ;
  ck_assert_msg(build != 0, "NCI_BUILD must name the build directory") ;
  p.nci_bindir = build ;
  p.execline_bindir = el ? el : "/usr/lib/execline/bin" ;
  snprintf(json, sizeof(json), "{\"environment\": %s, \"serviceConfig\": %s}", env_json, service_config) ;
  j = json_loads(json, 0, &err) ;
  ck_assert_msg(j != 0, "bad test JSON: %s", err.text) ;
  unit_parse(&u, "t", j) ;
  json_decref(j) ;
  script_write(&sa, &u, keys, nkeys, exec_last, &p) ;
  ck_assert_ptr_nonnull(mkdtemp(dir)) ;
  snprintf(path, sizeof(path), "%s/env", dir) ;
  ck_assert_int_eq(mkdir(path, 0755), 0) ;
  for (size_t i = 0 ; i < u.env.n ; i++)
  {
    char const *eq = strchr(u.env.s[i], '=') ;
    snprintf(path, sizeof(path), "%s/env/%.*s", dir, (int)(eq - u.env.s[i]), u.env.s[i]) ;
    f = fopen(path, "w") ;
    ck_assert_ptr_nonnull(f) ;
    fputs(eq + 1, f) ;
    fclose(f) ;
  }
  snprintf(path, sizeof(path), "%s/script", dir) ;
  f = fopen(path, "w") ;
  ck_assert_ptr_nonnull(f) ;
  fwrite(sa.s, 1, sa.len, f) ;
  fclose(f) ;
  stralloc_free(&sa) ;
  ck_assert_int_eq(chmod(path, 0755), 0) ;
  snprintf(cmd, sizeof(cmd), "cd %s && ./script 2>&1; echo \"exit=$?\"", dir) ;
  f = popen(cmd, "r") ;
  ck_assert_ptr_nonnull(f) ;
  n = fread(out, 1, sizeof(out) - 1, f) ;
  out[n] = 0 ;
  pclose(f) ;
  snprintf(cmd, sizeof(cmd), "rm -rf %s", dir) ;
  ck_assert_int_eq(system(cmd), 0) ;
  return out ;
}

static enum exec_key const main_only[] = { EXEC_START } ;

/* The argv lines of argv-dump's output, joined with '|'. */
static char *argv_of (char const *out)
{
  static char buf[8192] ;
  char const *p = out ;
  buf[0] = 0 ;
  while ((p = strstr(p, "argv[")))
  {
    char const *eq = strchr(p, '=') ;
    char const *nl = strchr(eq, '\n') ;
    if (buf[0]) strcat(buf, "|") ;
    strncat(buf, eq + 1, (size_t)(nl - eq - 1)) ;
    p = nl ;
  }
  return buf ;
}

START_TEST (test_quoting_round_trip)
{
  char cfg[2048] ;
  char *out ;
  snprintf(cfg, sizeof(cfg),
    "{\"ExecStart\": \"@%s/tests/helpers/argv-dump fake0 \\\"{\\\" \\\"}\\\" \\\"a b\\\" \\\"\\\" 'q\\\"uote' back\\\\\\\\slash"
    " \\\"#hash\\\" semi \\\\; \\\"tab\\\\there\\\" \\\"$$dollar\\\" \\\"${X}!\\\" $Y %%n end\"}", getenv("NCI_BUILD")) ;
  out = run_script(cfg, "{\"X\": \"x value\", \"Y\": \"y1  y2\"}", main_only, 1, 1) ;
  ck_assert_str_eq(argv_of(out), "fake0|{|}|a b||q\"uote|back\\slash|#hash|semi|;|tab\there|$dollar|x value!|y1|y2|t.service|end") ;
  ck_assert_msg(strstr(out, "exit=0\n") != 0, "%s", out) ;
}
END_TEST

START_TEST (test_no_expand_prefix)
{
  char cfg[1024], want[1024] ;
  snprintf(cfg, sizeof(cfg), "{\"ExecStart\": \":%s/tests/helpers/argv-dump $Y ${X}\"}", getenv("NCI_BUILD")) ;
  snprintf(want, sizeof(want), "%s/tests/helpers/argv-dump|$Y|${X}", getenv("NCI_BUILD")) ;
  ck_assert_str_eq(argv_of(run_script(cfg, "{\"X\": \"x\", \"Y\": \"y\"}", main_only, 1, 1)), want) ;
}
END_TEST

START_TEST (test_pre_failure_stops_the_list)
{
  char cfg[1024] ;
  static enum exec_key const run_keys[] = { EXEC_START_PRE, EXEC_START } ;
  char *out ;
  snprintf(cfg, sizeof(cfg), "{\"ExecStartPre\": [\"-/bin/sh -c 'echo ignored; exit 4'\", \"/bin/sh -c 'echo failing; exit 3'\"],"
    " \"ExecStart\": \"%s/tests/helpers/argv-dump main\"}", getenv("NCI_BUILD")) ;
  out = run_script(cfg, "{}", run_keys, 2, 1) ;
  ck_assert_msg(strstr(out, "ignored\nfailing\n") != 0, "%s", out) ;
  ck_assert_msg(strstr(out, "argv[") == 0, "main ran after a failed ExecStartPre: %s", out) ;
  ck_assert_msg(strstr(out, "exit=3\n") != 0, "%s", out) ;
}
END_TEST

START_TEST (test_last_ignored_failure_succeeds)
{
  static enum exec_key const stop_keys[] = { EXEC_STOP } ;
  char *out = run_script("{\"Type\": \"oneshot\", \"RemainAfterExit\": true, \"ExecStop\": [\"/bin/sh -c 'echo one'\", \"-/bin/sh -c 'echo two; exit 9'\"]}", "{}", stop_keys, 1, 0) ;
  ck_assert_str_eq(out, "one\ntwo\nexit=0\n") ;
}
END_TEST

START_TEST (test_environment_is_the_units_own)
{
  char cfg[1024] ;
  char *out ;
  snprintf(cfg, sizeof(cfg), "{\"ExecStart\": \"%s/tests/helpers/argv-dump\", \"Environment\": \"A=1 \\\"B=two words\\\"\"}", getenv("NCI_BUILD")) ;
  out = run_script(cfg, "{\"PATH\": \"/usr/bin:/bin\"}", main_only, 1, 1) ;
  ck_assert_msg(strstr(out, "env A=1\nenv B=two words\nenv PATH=/usr/bin:/bin\nuid=") != 0, "%s", out) ;
}
END_TEST

int main (void)
{
  Suite *s = suite_create("script_write") ;
  TCase *tc = tcase_create("round trip") ;
  tcase_set_timeout(tc, 20) ;
  tcase_add_test(tc, test_quoting_round_trip) ;
  tcase_add_test(tc, test_no_expand_prefix) ;
  tcase_add_test(tc, test_pre_failure_stops_the_list) ;
  tcase_add_test(tc, test_last_ignored_failure_succeeds) ;
  tcase_add_test(tc, test_environment_is_the_units_own) ;
  suite_add_tcase(s, tc) ;
  return check_run(s) ;
}
