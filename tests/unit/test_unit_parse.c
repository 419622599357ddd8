/* unit_parse: one evaluated systemd.services.<name> (JSON) -> the unit model.
   Expected values come from systemd.service(5), systemd.exec(5), systemd.kill(5),
   systemd.unit(5), NixOS's rendering of services into unit files (environment lines
   first, null values skipped) and doc/tree.md. Test JSON is written with ' for "
   (\' gives a literal ", \u0027 a literal '). */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>
#include <skalibs/stralloc.h>

#include <nci/cmdline.h>
#include <nci/timespan.h>

#include "../../convert/convert.h"
#include "check_run.h"

char const *PROG = "test_unit_parse" ;

#define SEC NCI_USEC_PER_SEC
#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"
#define EXEC "'ExecStart': '/bin/true'"
#define SVC(x) "{'serviceConfig': {" EXEC ", " x "}}"
#define ONESHOT(x) "{'serviceConfig': {'Type': 'oneshot', " EXEC ", " x "}}"

static unit u ;

/* Everything a test allocates stays reachable from here, for LeakSanitizer. */
static char *kept[512] ;
static size_t nkept ;

static char *keep (char *s)
{
  if (nkept < sizeof(kept) / sizeof(kept[0])) kept[nkept++] = s ;
  return s ;
}

/* Exit tests expect a fatal message: keep it off the suite's output unless asked
   (NCI_TEST_VERBOSE=1). */
static void quiet (void)
{
  int fd ;
  if (getenv("NCI_TEST_VERBOSE")) return ;
  fd = open("/dev/null", O_WRONLY) ;
  if (fd < 0) return ;
  dup2(fd, 2) ;
  close(fd) ;
}

static json_t *js (char const *text)
{
  json_error_t e ;
  json_t *v ;
  char *s = keep(xstrdup(text)) ;
  for (char *p = s ; *p ; p++) if (*p == '\'') *p = '"' ;
  v = json_loads(s, JSON_REJECT_DUPLICATES, &e) ;
  if (!v) ck_abort_msg("test JSON does not parse (%s, column %d): %s", e.text, e.column, s) ;
  return v ;
}

static void parse_named (char const *name, char const *text)
{
  json_t *v = js(text) ;
  unit_parse(&u, name, v) ;
  json_decref(v) ;
}

static void parse (char const *text)
{
  parse_named("web", text) ;
}

/* The words of a command line joined with |. */
static char const *words (nci_cmdline const *c)
{
  stralloc sa = STRALLOC_ZERO ;
  char const *w = c->words.s ;
  for (unsigned int i = 0 ; i < c->n ; i++)
  {
    if (i) stralloc_catb(&sa, "|", 1) ;
    stralloc_cats(&sa, w) ;
    w += strlen(w) + 1 ;
  }
  stralloc_0(&sa) ;
  return keep(sa.s) ;
}

static char const *join (strlist const *l)
{
  stralloc sa = STRALLOC_ZERO ;
  for (size_t i = 0 ; i < l->n ; i++)
  {
    if (i) stralloc_catb(&sa, "|", 1) ;
    stralloc_cats(&sa, l->s[i]) ;
  }
  stralloc_0(&sa) ;
  return keep(sa.s) ;
}

static char const *report (void)
{
  return keep(report_text()) ;
}

/* Is there a report line that starts with prefix? */
static int report_has (char const *prefix)
{
  char const *r = report() ;
  size_t l = strlen(prefix) ;
  while (*r)
  {
    if (!strncmp(r, prefix, l)) return 1 ;
    r = strchr(r, '\n') ;
    if (!r) return 0 ;
    r++ ;
  }
  return 0 ;
}

#define ck_report(prefix) ck_assert_msg(report_has(prefix), "no report line starting with \"%s\"; report:\n%s", prefix, report())
#define ck_no_report() ck_assert_msg(!report()[0], "unexpected report:\n%s", report())

/* Runs unit_parse in a child with stderr to a pipe: the exit status, and the message. */
static int die_text (char const *text, char *out, size_t outlen)
{
  int p[2] ;
  pid_t pid ;
  size_t n = 0 ;
  int st ;
  json_t *v = js(text) ;
  ck_assert_int_eq(pipe(p), 0) ;
  pid = fork() ;
  ck_assert_int_ge(pid, 0) ;
  if (!pid)
  {
    close(p[0]) ;
    if (dup2(p[1], 2) < 0) _exit(99) ;
    input_name = "services.json" ;
    unit_parse(&u, "web", v) ;
    _exit(0) ;
  }
  close(p[1]) ;
  for (;;)
  {
    ssize_t r = read(p[0], out + n, outlen - 1 - n) ;
    if (r < 0 && errno == EINTR) continue ;
    if (r <= 0) break ;
    n += (size_t)r ;
    if (n == outlen - 1) break ;
  }
  out[n] = 0 ;
  close(p[0]) ;
  ck_assert_int_eq(waitpid(pid, &st, 0), pid) ;
  json_decref(v) ;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st) ;
}

/* The execline script of ExecStart, where nci-exec's options show what each key became. */
static char const *start_script (void)
{
  static enum exec_key const keys[1] = { EXEC_START } ;
  paths p = { .execline_bindir = "/el", .nci_bindir = "/nci" } ;
  stralloc sa = STRALLOC_ZERO ;
  script_write(&sa, &u, keys, 1, 1, &p) ;
  stralloc_0(&sa) ;
  return keep(sa.s) ;
}

/* ---- Type ---- */

static struct { char const *json ; enum svc_type type ; } const type_cases[] =
{
  { SVC("'Type': 'simple'"), TYPE_SIMPLE },
  { SVC("'Type': 'exec'"), TYPE_EXEC },
  { SVC("'Type': 'notify'"), TYPE_NOTIFY },
  { SVC("'Type': 'forking'"), TYPE_FORKING },
  { SVC("'Type': 'oneshot'"), TYPE_ONESHOT },
  { SVC("'Type': 'idle'"), TYPE_SIMPLE },
  { SVC("'Type': 'dbus'"), TYPE_SIMPLE },
  { SVC("'Type': 'notify-reload'"), TYPE_NOTIFY },
  { SVC("'Type': ['oneshot', 'forking']"), TYPE_FORKING },
  { "{'serviceConfig': {'ExecStart': '/bin/a'}}", TYPE_SIMPLE },
} ;

START_TEST(type_values)
{
  parse(type_cases[_i].json) ;
  ck_assert_int_eq(u.type, type_cases[_i].type) ;
}
END_TEST

START_TEST(type_idle_not_reported)
{
  parse(SVC("'Type': 'idle'")) ;
  ck_no_report() ;
}
END_TEST

START_TEST(type_dbus_reported)
{
  parse(SVC("'Type': 'dbus'")) ;
  ck_report("web: serviceConfig.Type: unsupported: dbus") ;
}
END_TEST

START_TEST(type_notify_reload_reported)
{
  parse(SVC("'Type': 'notify-reload'")) ;
  ck_report("web: serviceConfig.Type: unsupported: notify-reload") ;
}
END_TEST

START_TEST(type_default_oneshot)
{
  parse("{'serviceConfig': {'ExecStop': '/bin/stop', 'RemainAfterExit': true}}") ;
  ck_assert_int_eq(u.type, TYPE_ONESHOT) ;
  ck_assert_uint_eq(u.exec[EXEC_START].n, 0) ;
  ck_assert_uint_eq(u.exec[EXEC_STOP].n, 1) ;
}
END_TEST

/* systemd.service(5): simple is "the default if ExecStart= is specified but neither
   Type= nor BusName= are", and "Unless Type= is oneshot, exactly one command must be
   given". */
START_TEST(die_default_simple_two_commands)
{
  quiet() ;
  parse("{'serviceConfig': {'ExecStart': ['/bin/a', '/bin/b']}}") ;
}
END_TEST

/* systemd.service(5), ExecStart=: "If no ExecStart= is specified, then the service must
   have RemainAfterExit=yes and at least one ExecStop= line set." */
START_TEST(die_oneshot_stop_only_without_remain)
{
  quiet() ;
  parse("{'serviceConfig': {'ExecStop': '/bin/stop'}}") ;
}
END_TEST

START_TEST(die_no_commands)
{
  quiet() ;
  parse("{'serviceConfig': {}}") ;
}
END_TEST

START_TEST(die_type_unknown)
{
  quiet() ;
  parse(SVC("'Type': 'sometimes'")) ;
}
END_TEST

START_TEST(die_type_int)
{
  quiet() ;
  parse(SVC("'Type': 5")) ;
}
END_TEST

START_TEST(die_type_list_bad_element)
{
  quiet() ;
  parse(SVC("'Type': ['simple', true]")) ;
}
END_TEST

START_TEST(die_simple_without_exec_start)
{
  quiet() ;
  parse("{'serviceConfig': {'Type': 'simple', 'ExecStop': '/bin/stop'}}") ;
}
END_TEST

START_TEST(die_simple_two_commands_list)
{
  quiet() ;
  parse("{'serviceConfig': {'Type': 'simple', 'ExecStart': ['/bin/a', '/bin/b']}}") ;
}
END_TEST

START_TEST(die_simple_two_commands_semicolon)
{
  quiet() ;
  parse("{'serviceConfig': {'ExecStart': '/bin/a ; /bin/b', 'Type': 'exec'}}") ;
}
END_TEST

START_TEST(die_oneshot_restart_always)
{
  quiet() ;
  parse(ONESHOT("'Restart': 'always'")) ;
}
END_TEST

START_TEST(die_oneshot_restart_on_success)
{
  quiet() ;
  parse(ONESHOT("'Restart': 'on-success'")) ;
}
END_TEST

START_TEST(oneshot_restart_on_failure)
{
  parse(ONESHOT("'Restart': 'on-failure'")) ;
  ck_assert_str_eq(u.restart, "on-failure") ;
}
END_TEST

/* ---- Exec* ---- */

static struct { char const *json ; enum exec_key key ; } const exec_list_cases[] =
{
  { "{'serviceConfig': {'Type': 'oneshot', 'ExecStartPre': ['/bin/a 1', '/bin/b 2'], " EXEC "}}", EXEC_START_PRE },
  { "{'serviceConfig': {'Type': 'oneshot', 'ExecStart': ['/bin/a 1', '/bin/b 2']}}", EXEC_START },
  { "{'serviceConfig': {'Type': 'oneshot', 'ExecStartPost': ['/bin/a 1', '/bin/b 2'], " EXEC "}}", EXEC_START_POST },
  { "{'serviceConfig': {'Type': 'oneshot', 'ExecReload': ['/bin/a 1', '/bin/b 2'], " EXEC "}}", EXEC_RELOAD },
  { "{'serviceConfig': {'Type': 'oneshot', 'ExecStop': ['/bin/a 1', '/bin/b 2'], " EXEC "}}", EXEC_STOP },
  { "{'serviceConfig': {'Type': 'oneshot', 'ExecStopPost': ['/bin/a 1', '/bin/b 2'], " EXEC "}}", EXEC_STOP_POST },
} ;

START_TEST(exec_lists)
{
  cmdlist const *l ;
  parse(exec_list_cases[_i].json) ;
  l = &u.exec[exec_list_cases[_i].key] ;
  ck_assert_uint_eq(l->n, 2) ;
  ck_assert_str_eq(words(&l->c[0]), "/bin/a|1") ;
  ck_assert_str_eq(words(&l->c[1]), "/bin/b|2") ;
  ck_assert_uint_eq(l->c[0].flags, 0) ;
}
END_TEST

static struct { char const *json ; enum exec_key key ; } const exec_string_cases[] =
{
  { SVC("'ExecStartPre': '/bin/pre x'"), EXEC_START_PRE },
  { "{'serviceConfig': {'ExecStart': '/bin/pre x'}}", EXEC_START },
  { SVC("'ExecStartPost': '/bin/pre x'"), EXEC_START_POST },
  { SVC("'ExecReload': '/bin/pre x'"), EXEC_RELOAD },
  { SVC("'ExecStop': '/bin/pre x'"), EXEC_STOP },
  { SVC("'ExecStopPost': '/bin/pre x'"), EXEC_STOP_POST },
} ;

START_TEST(exec_strings)
{
  cmdlist const *l ;
  parse(exec_string_cases[_i].json) ;
  l = &u.exec[exec_string_cases[_i].key] ;
  ck_assert_uint_eq(l->n, 1) ;
  ck_assert_str_eq(words(&l->c[0]), "/bin/pre|x") ;
  for (unsigned int k = 0 ; k < EXEC_N ; k++)
    if (k != exec_string_cases[_i].key && k != EXEC_START) ck_assert_uint_eq(u.exec[k].n, 0) ;
}
END_TEST

START_TEST(exec_quoting)
{
  parse("{'serviceConfig': {'ExecStart': '/bin/echo hello \\u0027two words\\u0027 \\'q r\\' a\\\\\\\\tb'}}") ;
  ck_assert_uint_eq(u.exec[EXEC_START].n, 1) ;
  ck_assert_str_eq(words(&u.exec[EXEC_START].c[0]), "/bin/echo|hello|two words|q r|a\\tb") ;
}
END_TEST

START_TEST(exec_reset_in_list)
{
  parse(SVC("'ExecStartPre': ['/bin/a', '', '/bin/b', '/bin/c']")) ;
  ck_assert_uint_eq(u.exec[EXEC_START_PRE].n, 2) ;
  ck_assert_str_eq(words(&u.exec[EXEC_START_PRE].c[0]), "/bin/b") ;
  ck_assert_str_eq(words(&u.exec[EXEC_START_PRE].c[1]), "/bin/c") ;
}
END_TEST

START_TEST(exec_reset_to_nothing)
{
  parse(SVC("'ExecStartPost': ['/bin/a', ''], 'ExecReload': ''")) ;
  ck_assert_uint_eq(u.exec[EXEC_START_POST].n, 0) ;
  ck_assert_uint_eq(u.exec[EXEC_RELOAD].n, 0) ;
}
END_TEST

START_TEST(exec_prefixes)
{
  cmdlist const *l ;
  parse(SVC("'ExecStartPre': ['-/bin/a', '@/bin/b argv0 x', ':/bin/c $X', '+/bin/d', '!/bin/e', '!!/bin/f', '-+/bin/g']")) ;
  l = &u.exec[EXEC_START_PRE] ;
  ck_assert_uint_eq(l->n, 7) ;
  ck_assert_uint_eq(l->c[0].flags, NCI_CMD_IGNORE_FAILURE) ;
  ck_assert_str_eq(words(&l->c[0]), "/bin/a") ;
  ck_assert_uint_eq(l->c[1].flags, NCI_CMD_ARGV0) ;
  ck_assert_str_eq(words(&l->c[1]), "/bin/b|argv0|x") ;
  ck_assert_uint_eq(l->c[2].flags, NCI_CMD_NO_EXPAND) ;
  ck_assert_str_eq(words(&l->c[2]), "/bin/c|$X") ;
  ck_assert_uint_eq(l->c[3].flags, NCI_CMD_PRIVILEGED) ;
  ck_assert_uint_eq(l->c[4].flags, NCI_CMD_NO_SETUID) ;
  ck_assert_uint_eq(l->c[5].flags, 0) ;
  ck_assert_str_eq(words(&l->c[5]), "/bin/f") ;
  ck_assert_uint_eq(l->c[6].flags, NCI_CMD_IGNORE_FAILURE | NCI_CMD_PRIVILEGED) ;
  ck_assert_str_eq(words(&l->c[6]), "/bin/g") ;
}
END_TEST

START_TEST(exec_start_prefix_kept)
{
  parse("{'serviceConfig': {'ExecStart': '-/bin/daemon --fg'}}") ;
  ck_assert_uint_eq(u.exec[EXEC_START].c[0].flags, NCI_CMD_IGNORE_FAILURE) ;
  ck_assert_str_eq(words(&u.exec[EXEC_START].c[0]), "/bin/daemon|--fg") ;
}
END_TEST

START_TEST(exec_semicolons)
{
  cmdlist const *l ;
  parse("{'serviceConfig': {'Type': 'oneshot', 'ExecStart': '/bin/a 1 ; /bin/b 2', 'ExecStartPre': ['/bin/p ; -/bin/q', '/bin/r \\\\;']}}") ;
  l = &u.exec[EXEC_START] ;
  ck_assert_uint_eq(l->n, 2) ;
  ck_assert_str_eq(words(&l->c[0]), "/bin/a|1") ;
  ck_assert_str_eq(words(&l->c[1]), "/bin/b|2") ;
  l = &u.exec[EXEC_START_PRE] ;
  ck_assert_uint_eq(l->n, 3) ;
  ck_assert_str_eq(words(&l->c[0]), "/bin/p") ;
  ck_assert_str_eq(words(&l->c[1]), "/bin/q") ;
  ck_assert_uint_eq(l->c[1].flags, NCI_CMD_IGNORE_FAILURE) ;
  ck_assert_str_eq(words(&l->c[2]), "/bin/r|;") ;
}
END_TEST

START_TEST(exec_specifiers)
{
  parse_named("my-web", "{'serviceConfig': {'ExecStart': '/bin/echo %n %N %p %P %j %u %U %g %G %h %s %t %S %C %L %E %T %V %% 100% x%iy'}}") ;
  ck_assert_str_eq(words(&u.exec[EXEC_START].c[0]),
    "/bin/echo|my-web.service|my-web|my-web|my/web|web|root|0|root|0|/root|/bin/sh|/run|/var/lib|/var/cache|/var/log|/etc|/tmp|/var/tmp|%|100%|xy") ;
}
END_TEST

START_TEST(exec_specifiers_template)
{
  parse_named("tpl@", "{'serviceConfig': {'ExecStart': '/bin/x %n %p x%iy'}}") ;
  ck_assert_str_eq(words(&u.exec[EXEC_START].c[0]), "/bin/x|tpl@.service|tpl|xy") ;
  ck_assert_int_eq(u.is_template, 1) ;
}
END_TEST

START_TEST(exec_specifiers_instance)
{
  parse_named("getty@tty1", "{'serviceConfig': {'ExecStart': '/bin/x %n %p %i %I'}}") ;
  ck_assert_str_eq(words(&u.exec[EXEC_START].c[0]), "/bin/x|getty@tty1.service|getty|tty1|tty1") ;
  ck_assert_int_eq(u.is_template, 0) ;
}
END_TEST

START_TEST(exec_specifiers_user)
{
  parse("{'serviceConfig': {'ExecStart': '/bin/x %u %g', 'User': 'nginx', 'Group': 'www'}}") ;
  ck_assert_str_eq(words(&u.exec[EXEC_START].c[0]), "/bin/x|nginx|www") ;
}
END_TEST

START_TEST(exec_vars_verbatim)
{
  parse("{'serviceConfig': {'ExecStart': '/bin/echo $FOO ${BAR} $$ a$B \\'$C D\\''}}") ;
  ck_assert_str_eq(words(&u.exec[EXEC_START].c[0]), "/bin/echo|$FOO|${BAR}|$$|a$B|$C D") ;
  ck_assert_uint_eq(u.exec[EXEC_START].c[0].flags, 0) ;
}
END_TEST

START_TEST(die_exec_runtime_specifier)
{
  quiet() ;
  parse("{'serviceConfig': {'ExecStart': '/bin/x %H'}}") ;
}
END_TEST

START_TEST(die_exec_unbalanced_quotes)
{
  quiet() ;
  parse("{'serviceConfig': {'ExecStart': '/bin/x \\'a b'}}") ;
}
END_TEST

START_TEST(die_exec_int)
{
  quiet() ;
  parse("{'serviceConfig': {'ExecStart': 5}}") ;
}
END_TEST

START_TEST(die_exec_list_bool)
{
  quiet() ;
  parse(SVC("'ExecStartPre': ['/bin/a', true]")) ;
}
END_TEST

START_TEST(die_exec_object)
{
  quiet() ;
  parse(SVC("'ExecStop': {'a': 'b'}")) ;
}
END_TEST

START_TEST(die_exec_start_only_prefix)
{
  quiet() ;
  parse("{'serviceConfig': {'ExecStart': '-'}}") ;
}
END_TEST

/* ---- booleans ---- */

static struct { char const *value ; int expected ; } const bool_cases[] =
{
  { "true", 1 }, { "false", 0 }, { "'yes'", 1 }, { "'no'", 0 }, { "'on'", 1 }, { "'off'", 0 },
  { "'1'", 1 }, { "'0'", 0 }, { "'true'", 1 }, { "'False'", 0 }, { "1", 1 }, { "0", 0 },
  { "[true, false]", 0 }, { "['no', 'y']", 1 },
} ;

START_TEST(remain_after_exit)
{
  char buf[256] ;
  snprintf(buf, sizeof(buf), "{'serviceConfig': {'Type': 'oneshot', " EXEC ", 'RemainAfterExit': %s}}", bool_cases[_i].value) ;
  parse(buf) ;
  ck_assert_int_eq(u.remain_after_exit, bool_cases[_i].expected) ;
}
END_TEST

START_TEST(permissions_start_only)
{
  char buf[256] ;
  snprintf(buf, sizeof(buf), SVC("'PermissionsStartOnly': %s"), bool_cases[_i].value) ;
  parse(buf) ;
  ck_assert_int_eq(u.permissions_start_only, bool_cases[_i].expected) ;
}
END_TEST

START_TEST(no_new_privileges)
{
  char buf[256] ;
  snprintf(buf, sizeof(buf), SVC("'NoNewPrivileges': %s"), bool_cases[_i].value) ;
  parse(buf) ;
  ck_assert_int_eq(u.no_new_privileges, bool_cases[_i].expected) ;
}
END_TEST

START_TEST(bool_defaults)
{
  parse("{'serviceConfig': {'Type': 'oneshot', " EXEC "}}") ;
  ck_assert_int_eq(u.remain_after_exit, 0) ;
  ck_assert_int_eq(u.permissions_start_only, 0) ;
  ck_assert_int_eq(u.no_new_privileges, 0) ;
}
END_TEST

START_TEST(die_bool_word)
{
  quiet() ;
  parse(ONESHOT("'RemainAfterExit': 'maybe'")) ;
}
END_TEST

START_TEST(die_bool_int)
{
  quiet() ;
  parse(ONESHOT("'RemainAfterExit': 2")) ;
}
END_TEST

START_TEST(die_bool_object)
{
  quiet() ;
  parse(SVC("'NoNewPrivileges': {}")) ;
}
END_TEST

START_TEST(die_bool_null)
{
  quiet() ;
  parse(SVC("'PermissionsStartOnly': null")) ;
}
END_TEST

/* ---- PIDFile ---- */

START_TEST(pid_file)
{
  parse(SVC("'Type': 'forking', 'PIDFile': '/run/web/web.pid'")) ;
  ck_assert_str_eq(u.pid_file, "/run/web/web.pid") ;
}
END_TEST

START_TEST(pid_file_specifier)
{
  parse(SVC("'PIDFile': '%t/%p.pid'")) ;
  ck_assert_str_eq(u.pid_file, "/run/web.pid") ;
}
END_TEST

START_TEST(pid_file_last_and_reset)
{
  parse(SVC("'PIDFile': ['/a.pid', '/b.pid']")) ;
  ck_assert_str_eq(u.pid_file, "/b.pid") ;
}
END_TEST

START_TEST(pid_file_reset)
{
  parse(SVC("'PIDFile': ['/a.pid', '']")) ;
  ck_assert_ptr_null(u.pid_file) ;
}
END_TEST

/* systemd.service(5), PIDFile=: "If a relative path is specified it is hence prefixed
   with /run/." */
START_TEST(pid_file_relative)
{
  parse(SVC("'Type': 'forking', 'PIDFile': 'web.pid'")) ;
  ck_assert_ptr_nonnull(u.pid_file) ;
  ck_assert_str_eq(u.pid_file, "/run/web.pid") ;
}
END_TEST

START_TEST(die_pid_file_bool)
{
  quiet() ;
  parse(SVC("'PIDFile': true")) ;
}
END_TEST

/* ---- Restart, RestartSec ---- */

static char const *const restart_values[] = { "no", "always", "on-success", "on-failure", "on-abnormal", "on-abort", "on-watchdog" } ;

START_TEST(restart_values_all)
{
  char buf[256] ;
  snprintf(buf, sizeof(buf), SVC("'Restart': '%s'"), restart_values[_i]) ;
  parse(buf) ;
  ck_assert_str_eq(u.restart, restart_values[_i]) ;
}
END_TEST

START_TEST(restart_default)
{
  parse("{'serviceConfig': {" EXEC "}}") ;
  ck_assert_str_eq(u.restart, "no") ;
  ck_assert_uint_eq(u.restart_usec, 100000) ;
}
END_TEST

START_TEST(die_restart_unknown)
{
  quiet() ;
  parse(SVC("'Restart': 'sometimes'")) ;
}
END_TEST

START_TEST(die_restart_int)
{
  quiet() ;
  parse(SVC("'Restart': 1")) ;
}
END_TEST

START_TEST(restart_message)
{
  char buf[1024] ;
  ck_assert_int_eq(die_text(SVC("'Restart': 'sometimes'"), buf, sizeof(buf)), 1) ;
  ck_assert_str_eq(buf, "test_unit_parse: fatal: services.json: unit web: serviceConfig.Restart: unknown value \"sometimes\"\n") ;
}
END_TEST

static struct { char const *value ; uint64_t usec ; } const restart_sec_cases[] =
{
  { "2", 2 * SEC }, { "'2'", 2 * SEC }, { "'10s'", 10 * SEC }, { "'500ms'", 500000 }, { "'1min 30s'", 90 * SEC },
  { "0", 0 }, { "['5s', '3s']", 3 * SEC }, { "['5s', '']", 100000 },
} ;

START_TEST(restart_sec)
{
  char buf[256] ;
  snprintf(buf, sizeof(buf), SVC("'RestartSec': %s"), restart_sec_cases[_i].value) ;
  parse(buf) ;
  ck_assert_uint_eq(u.restart_usec, restart_sec_cases[_i].usec) ;
}
END_TEST

START_TEST(die_restart_sec_word)
{
  quiet() ;
  parse(SVC("'RestartSec': 'soon'")) ;
}
END_TEST

START_TEST(die_restart_sec_negative)
{
  quiet() ;
  parse(SVC("'RestartSec': -1")) ;
}
END_TEST

START_TEST(die_restart_sec_bool)
{
  quiet() ;
  parse(SVC("'RestartSec': true")) ;
}
END_TEST

START_TEST(die_restart_sec_real)
{
  quiet() ;
  parse(SVC("'RestartSec': 1.5")) ;
}
END_TEST

/* ---- timeouts ---- */

START_TEST(timeout_defaults)
{
  parse("{'serviceConfig': {" EXEC "}}") ;
  ck_assert_uint_eq(u.timeout_start_usec, 90 * SEC) ;
  ck_assert_uint_eq(u.timeout_stop_usec, 90 * SEC) ;
}
END_TEST

START_TEST(timeout_sec_both)
{
  parse(SVC("'TimeoutSec': 30")) ;
  ck_assert_uint_eq(u.timeout_start_usec, 30 * SEC) ;
  ck_assert_uint_eq(u.timeout_stop_usec, 30 * SEC) ;
}
END_TEST

START_TEST(timeout_specific_wins)
{
  parse(SVC("'TimeoutStopSec': 5, 'TimeoutSec': 30")) ;
  ck_assert_uint_eq(u.timeout_start_usec, 30 * SEC) ;
  ck_assert_uint_eq(u.timeout_stop_usec, 5 * SEC) ;
}
END_TEST

START_TEST(timeout_specific_wins_either_order)
{
  parse(SVC("'TimeoutSec': '1min', 'TimeoutStartSec': 'infinity'")) ;
  ck_assert_uint_eq(u.timeout_start_usec, NCI_TIMESPAN_INFINITY) ;
  ck_assert_uint_eq(u.timeout_stop_usec, 60 * SEC) ;
}
END_TEST

START_TEST(timeout_start_stop)
{
  parse(SVC("'TimeoutStartSec': '2min', 'TimeoutStopSec': '500ms'")) ;
  ck_assert_uint_eq(u.timeout_start_usec, 120 * SEC) ;
  ck_assert_uint_eq(u.timeout_stop_usec, 500000) ;
}
END_TEST

START_TEST(timeout_oneshot_infinite)
{
  parse("{'serviceConfig': {'Type': 'oneshot', " EXEC "}}") ;
  ck_assert_uint_eq(u.timeout_start_usec, NCI_TIMESPAN_INFINITY) ;
  ck_assert_uint_eq(u.timeout_stop_usec, 90 * SEC) ;
}
END_TEST

START_TEST(timeout_oneshot_implicit_infinite)
{
  parse("{'serviceConfig': {'ExecStop': '/bin/stop', 'RemainAfterExit': 'yes'}}") ;
  ck_assert_uint_eq(u.timeout_start_usec, NCI_TIMESPAN_INFINITY) ;
}
END_TEST

START_TEST(timeout_oneshot_explicit)
{
  parse(ONESHOT("'TimeoutStartSec': 10")) ;
  ck_assert_uint_eq(u.timeout_start_usec, 10 * SEC) ;
}
END_TEST

START_TEST(timeout_oneshot_timeout_sec)
{
  parse(ONESHOT("'TimeoutSec': 20")) ;
  ck_assert_uint_eq(u.timeout_start_usec, 20 * SEC) ;
  ck_assert_uint_eq(u.timeout_stop_usec, 20 * SEC) ;
}
END_TEST

START_TEST(die_timeout_word)
{
  quiet() ;
  parse(SVC("'TimeoutStopSec': 'forever'")) ;
}
END_TEST

START_TEST(die_timeout_sec_list)
{
  quiet() ;
  parse(SVC("'TimeoutSec': ['10s', 'x']")) ;
}
END_TEST

START_TEST(die_timeout_object)
{
  quiet() ;
  parse(SVC("'TimeoutStartSec': {}")) ;
}
END_TEST

/* ---- KillSignal, KillMode ---- */

START_TEST(kill_signal)
{
  parse(SVC("'KillSignal': 'SIGINT'")) ;
  ck_assert_int_eq(u.kill_signal, SIGINT) ;
}
END_TEST

START_TEST(kill_signal_short_name)
{
  parse(SVC("'KillSignal': 'QUIT'")) ;
  ck_assert_int_eq(u.kill_signal, SIGQUIT) ;
}
END_TEST

START_TEST(kill_signal_number)
{
  parse(SVC("'KillSignal': 9")) ;
  ck_assert_int_eq(u.kill_signal, SIGKILL) ;
}
END_TEST

START_TEST(kill_signal_rtmin)
{
  parse(SVC("'KillSignal': 'SIGRTMIN+3'")) ;
  ck_assert_int_eq(u.kill_signal, SIGRTMIN + 3) ;
}
END_TEST

START_TEST(kill_signal_default)
{
  parse("{'serviceConfig': {" EXEC "}}") ;
  ck_assert_int_eq(u.kill_signal, SIGTERM) ;
  ck_assert_str_eq(u.kill_mode, "control-group") ;
}
END_TEST

START_TEST(die_kill_signal_unknown)
{
  quiet() ;
  parse(SVC("'KillSignal': 'SIGFOO'")) ;
}
END_TEST

START_TEST(die_kill_signal_zero)
{
  quiet() ;
  parse(SVC("'KillSignal': 0")) ;
}
END_TEST

START_TEST(die_kill_signal_bool)
{
  quiet() ;
  parse(SVC("'KillSignal': false")) ;
}
END_TEST

static char const *const kill_modes[] = { "control-group", "process", "mixed", "none" } ;

START_TEST(kill_mode)
{
  char buf[256] ;
  snprintf(buf, sizeof(buf), SVC("'KillMode': '%s'"), kill_modes[_i]) ;
  parse(buf) ;
  ck_assert_str_eq(u.kill_mode, kill_modes[_i]) ;
  if (!strcmp(kill_modes[_i], "none")) ck_report("web: serviceConfig.KillMode: note: none") ;
  else ck_no_report() ;
}
END_TEST

START_TEST(die_kill_mode)
{
  quiet() ;
  parse(SVC("'KillMode': 'all'")) ;
}
END_TEST

/* ---- SuccessExitStatus ---- */

START_TEST(success_exit_status)
{
  parse(SVC("'SuccessExitStatus': '1 2 SIGKILL'")) ;
  ck_assert_str_eq(join(&u.success_exit_status), "1|2|SIGKILL") ;
}
END_TEST

START_TEST(success_exit_status_normalised)
{
  parse(SVC("'SuccessExitStatus': [75, 'TERM HUP', 'SIGRTMIN+2']")) ;
  ck_assert_str_eq(join(&u.success_exit_status), "75|SIGTERM|SIGHUP|SIGRTMIN+2") ;
}
END_TEST

START_TEST(success_exit_status_reset)
{
  parse(SVC("'SuccessExitStatus': ['1', '', '3 SIGUSR1']")) ;
  ck_assert_str_eq(join(&u.success_exit_status), "3|SIGUSR1") ;
}
END_TEST

/* systemd.service(5): "Exit status definitions can be numeric termination statuses,
   termination status names, or termination signal names", with the example
   "SuccessExitStatus=TEMPFAIL 250 SIGKILL: Exit status 75 (TEMPFAIL), 250, and the
   termination signal SIGKILL are considered clean service terminations." */
START_TEST(success_exit_status_names)
{
  parse(SVC("'SuccessExitStatus': 'TEMPFAIL 250 SIGKILL'")) ;
  ck_assert_str_eq(join(&u.success_exit_status), "75|250|SIGKILL") ;
}
END_TEST

START_TEST(die_success_exit_status_range)
{
  quiet() ;
  parse(SVC("'SuccessExitStatus': '256'")) ;
}
END_TEST

START_TEST(die_success_exit_status_word)
{
  quiet() ;
  parse(SVC("'SuccessExitStatus': 'SIGNOTHING'")) ;
}
END_TEST

START_TEST(die_success_exit_status_bool)
{
  quiet() ;
  parse(SVC("'SuccessExitStatus': true")) ;
}
END_TEST

/* ---- start limits ---- */

START_TEST(start_limit_defaults)
{
  parse("{'serviceConfig': {" EXEC "}}") ;
  ck_assert_uint_eq(u.start_limit_burst, 5) ;
  ck_assert_uint_eq(u.start_limit_interval_usec, 10 * SEC) ;
}
END_TEST

START_TEST(start_limit_service_config)
{
  parse(SVC("'StartLimitBurst': 3, 'StartLimitIntervalSec': '1min'")) ;
  ck_assert_uint_eq(u.start_limit_burst, 3) ;
  ck_assert_uint_eq(u.start_limit_interval_usec, 60 * SEC) ;
}
END_TEST

START_TEST(start_limit_old_interval)
{
  parse(SVC("'StartLimitInterval': 30")) ;
  ck_assert_uint_eq(u.start_limit_interval_usec, 30 * SEC) ;
}
END_TEST

START_TEST(start_limit_unit_config)
{
  parse("{'serviceConfig': {" EXEC "}, 'unitConfig': {'StartLimitBurst': '7', 'StartLimitIntervalSec': 20}}") ;
  ck_assert_uint_eq(u.start_limit_burst, 7) ;
  ck_assert_uint_eq(u.start_limit_interval_usec, 20 * SEC) ;
}
END_TEST

START_TEST(start_limit_unit_config_old_interval)
{
  parse("{'serviceConfig': {" EXEC "}, 'unitConfig': {'StartLimitInterval': '2min'}}") ;
  ck_assert_uint_eq(u.start_limit_interval_usec, 120 * SEC) ;
}
END_TEST

START_TEST(start_limit_nixos_top_level)
{
  parse("{'startLimitBurst': 2, 'startLimitIntervalSec': 5, 'serviceConfig': {" EXEC "}}") ;
  ck_assert_uint_eq(u.start_limit_burst, 2) ;
  ck_assert_uint_eq(u.start_limit_interval_usec, 5 * SEC) ;
  ck_no_report() ;
}
END_TEST

START_TEST(start_limit_service_config_wins)
{
  parse("{'unitConfig': {'StartLimitBurst': 7}, 'serviceConfig': {" EXEC ", 'StartLimitBurst': 9}}") ;
  ck_assert_uint_eq(u.start_limit_burst, 9) ;
}
END_TEST

START_TEST(start_limit_interval_zero)
{
  parse(SVC("'StartLimitIntervalSec': 0")) ;
  ck_assert_uint_eq(u.start_limit_interval_usec, 0) ;
}
END_TEST

START_TEST(die_start_limit_burst_word)
{
  quiet() ;
  parse(SVC("'StartLimitBurst': 'many'")) ;
}
END_TEST

START_TEST(die_start_limit_interval_word)
{
  quiet() ;
  parse("{'serviceConfig': {" EXEC "}, 'unitConfig': {'StartLimitIntervalSec': 'often'}}") ;
}
END_TEST

START_TEST(die_start_limit_top_level_bool)
{
  quiet() ;
  parse("{'startLimitBurst': true, 'serviceConfig': {" EXEC "}}") ;
}
END_TEST

/* ---- FailureAction, SuccessAction ---- */

START_TEST(actions)
{
  parse("{'serviceConfig': {" EXEC "}, 'unitConfig': {'FailureAction': 'exit', 'SuccessAction': 'poweroff-force'}}") ;
  ck_assert_str_eq(u.failure_action, "exit") ;
  ck_assert_str_eq(u.success_action, "poweroff-force") ;
}
END_TEST

START_TEST(actions_default)
{
  parse("{'serviceConfig': {" EXEC "}}") ;
  ck_assert_str_eq(u.failure_action, "none") ;
  ck_assert_str_eq(u.success_action, "none") ;
}
END_TEST

START_TEST(die_action_unknown)
{
  quiet() ;
  parse("{'serviceConfig': {" EXEC "}, 'unitConfig': {'FailureAction': 'explode'}}") ;
}
END_TEST

START_TEST(die_action_bool)
{
  quiet() ;
  parse("{'serviceConfig': {" EXEC "}, 'unitConfig': {'SuccessAction': true}}") ;
}
END_TEST

/* ---- credentials ---- */

START_TEST(user_group_strings)
{
  parse(SVC("'User': 'nginx', 'Group': 'www'")) ;
  ck_assert_str_eq(u.user, "nginx") ;
  ck_assert_str_eq(u.group, "www") ;
}
END_TEST

START_TEST(user_group_ints)
{
  parse(SVC("'User': 1000, 'Group': 100")) ;
  ck_assert_str_eq(u.user, "1000") ;
  ck_assert_str_eq(u.group, "100") ;
}
END_TEST

START_TEST(user_group_default)
{
  parse(SVC("'User': ''")) ;
  ck_assert_ptr_null(u.user) ;
  ck_assert_ptr_null(u.group) ;
}
END_TEST

START_TEST(die_user_bool)
{
  quiet() ;
  parse(SVC("'User': true")) ;
}
END_TEST

START_TEST(die_group_object)
{
  quiet() ;
  parse(SVC("'Group': {'name': 'www'}")) ;
}
END_TEST

START_TEST(supplementary_groups)
{
  parse(SVC("'SupplementaryGroups': 'wheel audio'")) ;
  ck_assert_str_eq(join(&u.supplementary_groups), "wheel|audio") ;
}
END_TEST

START_TEST(supplementary_groups_list)
{
  parse(SVC("'SupplementaryGroups': ['a', 'b c', 10]")) ;
  ck_assert_str_eq(join(&u.supplementary_groups), "a|b|c|10") ;
}
END_TEST

START_TEST(supplementary_groups_reset)
{
  parse(SVC("'SupplementaryGroups': ['a', '', 'b']")) ;
  ck_assert_str_eq(join(&u.supplementary_groups), "b") ;
}
END_TEST

START_TEST(die_supplementary_groups_bool)
{
  quiet() ;
  parse(SVC("'SupplementaryGroups': [false]")) ;
}
END_TEST

/* ---- WorkingDirectory ---- */

static struct { char const *value ; char const *expected ; } const wd_cases[] =
{
  { "/srv/web", "/srv/web" }, { "-/srv/web", "-/srv/web" }, { "~", "~" }, { "-~", "-~" }, { "%S/%p", "/var/lib/web" },
} ;

START_TEST(working_directory)
{
  char buf[256] ;
  snprintf(buf, sizeof(buf), SVC("'WorkingDirectory': '%s'"), wd_cases[_i].value) ;
  parse(buf) ;
  ck_assert_str_eq(u.working_directory, wd_cases[_i].expected) ;
}
END_TEST

START_TEST(die_working_directory_relative)
{
  quiet() ;
  parse(SVC("'WorkingDirectory': 'srv'")) ;
}
END_TEST

START_TEST(die_working_directory_int)
{
  quiet() ;
  parse(SVC("'WorkingDirectory': 5")) ;
}
END_TEST

/* ---- environment ---- */

START_TEST(environment_string_quoted)
{
  parse(SVC("'Environment': '\\'A=1\\' \\'B=two words\\' C=3 \\u0027D=x y\\u0027'")) ;
  ck_assert_str_eq(join(&u.env), "A=1|B=two words|C=3|D=x y|" DEFAULT_PATH) ;
  ck_no_report() ;
}
END_TEST

START_TEST(environment_list)
{
  parse(SVC("'Environment': ['A=1', 'B=2 C=3', 'E=']")) ;
  ck_assert_str_eq(join(&u.env), "A=1|B=2|C=3|E=|" DEFAULT_PATH) ;
}
END_TEST

/* NixOS renders Environment=B=two words: systemd reads two words, "words" is no
   assignment and is ignored with a warning. */
START_TEST(environment_two_words)
{
  parse(SVC("'Environment': ['A=1', 'B=two words']")) ;
  ck_assert_str_eq(join(&u.env), "A=1|B=two|" DEFAULT_PATH) ;
  ck_report("web: serviceConfig.Environment: unsupported: \"words\"") ;
}
END_TEST

START_TEST(environment_dollar_kept)
{
  parse(SVC("'Environment': 'A=$B C=${D}'")) ;
  ck_assert_str_eq(join(&u.env), "A=$B|C=${D}|" DEFAULT_PATH) ;
}
END_TEST

START_TEST(environment_specifiers)
{
  parse(SVC("'Environment': 'H=%h U=%n P=100%'")) ;
  ck_assert_str_eq(join(&u.env), "H=/root|U=web.service|P=100%|" DEFAULT_PATH) ;
}
END_TEST

START_TEST(environment_order)
{
  parse(SVC("'Environment': 'C=3 A=9'") ) ;
  ck_assert_str_eq(join(&u.env), "C=3|A=9|" DEFAULT_PATH) ;
}
END_TEST

START_TEST(environment_attrs_then_service_config)
{
  parse("{'environment': {'B': '2', 'A': '1', 'N': 5}, 'serviceConfig': {" EXEC ", 'Environment': 'C=3 A=9'}}") ;
  ck_assert_str_eq(join(&u.env), "A=1|B=2|N=5|C=3|A=9|" DEFAULT_PATH) ;
}
END_TEST

START_TEST(environment_attrs_verbatim)
{
  parse("{'environment': {'Q': 'a \\'b\\' $C \\\\\\\\n'}, 'serviceConfig': {" EXEC "}}") ;
  ck_assert_str_eq(join(&u.env), "Q=a \"b\" $C \\\\n|" DEFAULT_PATH) ;
}
END_TEST

/* NixOS writes environment as Environment="NAME=VALUE" lines, and systemd.exec(5)
   says of Environment=: "Specifier expansion is performed". */
START_TEST(environment_attrs_specifiers)
{
  parse("{'environment': {'DIR': '%S/%p', 'PCT': '100%'}, 'serviceConfig': {" EXEC "}}") ;
  ck_assert_str_eq(join(&u.env), "DIR=/var/lib/web|PCT=100%|" DEFAULT_PATH) ;
}
END_TEST

/* NixOS's serviceToUnit: optionalString (env.${n} != null) "Environment=...": a null
   value is no variable at all (the option's type is attrsOf (nullOr ...)). */
START_TEST(environment_attrs_null_skipped)
{
  parse("{'environment': {'A': null, 'B': '1'}, 'serviceConfig': {" EXEC "}}") ;
  ck_assert_str_eq(join(&u.env), "B=1|" DEFAULT_PATH) ;
}
END_TEST

/* systemd.exec(5), Environment=: "If the empty string is assigned to this option, the
   list of environment variables is reset, all prior assignments have no effect";
   NixOS writes the environment attrs as Environment= lines before serviceConfig's. */
START_TEST(environment_reset_clears_attrs)
{
  parse("{'environment': {'X': '1'}, 'serviceConfig': {" EXEC ", 'Environment': ['B=0', '', 'A=1']}}") ;
  ck_assert_msg(!strlist_has(&u.env, "X=1"), "X=1 survived the reset: %s", join(&u.env)) ;
  ck_assert_msg(!strlist_has(&u.env, "B=0"), "B=0 survived the reset: %s", join(&u.env)) ;
  ck_assert_msg(strlist_has(&u.env, "A=1"), "A=1 missing: %s", join(&u.env)) ;
}
END_TEST

START_TEST(die_environment_int)
{
  quiet() ;
  parse(SVC("'Environment': 5")) ;
}
END_TEST

START_TEST(die_environment_object)
{
  quiet() ;
  parse(SVC("'Environment': {'A': '1'}")) ;
}
END_TEST

START_TEST(die_environment_attrs_list)
{
  quiet() ;
  parse("{'environment': ['A=1'], 'serviceConfig': {" EXEC "}}") ;
}
END_TEST

START_TEST(die_environment_attrs_bool_value)
{
  quiet() ;
  parse("{'environment': {'A': true}, 'serviceConfig': {" EXEC "}}") ;
}
END_TEST

START_TEST(die_environment_attrs_bad_name)
{
  quiet() ;
  parse("{'environment': {'1X': 'a'}, 'serviceConfig': {" EXEC "}}") ;
}
END_TEST

START_TEST(environment_attrs_message)
{
  char buf[1024] ;
  ck_assert_int_eq(die_text("{'environment': [], 'serviceConfig': {" EXEC "}}", buf, sizeof(buf)), 1) ;
  ck_assert_msg(strstr(buf, "test_unit_parse: fatal: services.json: unit web: environment: ") == buf, "message: %s", buf) ;
}
END_TEST

/* ---- PATH ---- */

START_TEST(path_from_environment)
{
  parse("{'environment': {'PATH': '/env/bin'}, 'path': ['/nix/store/a-coreutils'], 'serviceConfig': {" EXEC "}}") ;
  ck_assert_str_eq(join(&u.env), "PATH=/env/bin") ;
}
END_TEST

START_TEST(path_fallback_17_03_string)
{
  parse("{'path': '/nix/store/a-coreutils/bin:/nix/store/b-grep/bin:/nix/store/a-coreutils/sbin', 'serviceConfig': {" EXEC "}}") ;
  ck_assert_str_eq(join(&u.env), "PATH=/nix/store/a-coreutils/bin:/nix/store/b-grep/bin:/nix/store/a-coreutils/sbin") ;
}
END_TEST

START_TEST(path_fallback_25_11_list)
{
  parse("{'path': ['/nix/store/a-coreutils', '/nix/store/b-grep'], 'serviceConfig': {" EXEC "}}") ;
  ck_assert_str_eq(join(&u.env), "PATH=/nix/store/a-coreutils/bin:/nix/store/b-grep/bin:/nix/store/a-coreutils/sbin:/nix/store/b-grep/sbin") ;
}
END_TEST

START_TEST(path_fallback_after_environment)
{
  parse("{'path': ['/p'], 'environment': {'A': '1'}, 'serviceConfig': {" EXEC ", 'Environment': 'B=2'}}") ;
  ck_assert_str_eq(join(&u.env), "A=1|B=2|PATH=/p/bin:/p/sbin") ;
}
END_TEST

START_TEST(path_from_service_environment)
{
  parse("{'path': ['/p'], 'serviceConfig': {" EXEC ", 'Environment': 'PATH=/mine'}}") ;
  ck_assert_str_eq(join(&u.env), "PATH=/mine") ;
}
END_TEST

START_TEST(path_default)
{
  parse("{'serviceConfig': {" EXEC "}}") ;
  ck_assert_str_eq(join(&u.env), DEFAULT_PATH) ;
}
END_TEST

START_TEST(path_empty)
{
  parse("{'path': [], 'serviceConfig': {" EXEC "}}") ;
  ck_assert_str_eq(join(&u.env), DEFAULT_PATH) ;
}
END_TEST

START_TEST(path_empty_string)
{
  parse("{'path': '', 'serviceConfig': {" EXEC "}}") ;
  ck_assert_str_eq(join(&u.env), DEFAULT_PATH) ;
}
END_TEST

START_TEST(die_path_int)
{
  quiet() ;
  parse("{'path': 5, 'serviceConfig': {" EXEC "}}") ;
}
END_TEST

START_TEST(die_path_list_int)
{
  quiet() ;
  parse("{'path': ['/p', 5], 'serviceConfig': {" EXEC "}}") ;
}
END_TEST

/* ---- EnvironmentFile ---- */

START_TEST(environment_file)
{
  parse(SVC("'EnvironmentFile': ['/etc/a', '-/etc/b', '%E/%p.env']")) ;
  ck_assert_str_eq(join(&u.env_files), "/etc/a|-/etc/b|/etc/web.env") ;
}
END_TEST

START_TEST(environment_file_string_reset)
{
  parse(SVC("'EnvironmentFile': ['/etc/a', '', '-/etc/c']")) ;
  ck_assert_str_eq(join(&u.env_files), "-/etc/c") ;
}
END_TEST

START_TEST(die_environment_file_relative)
{
  quiet() ;
  parse(SVC("'EnvironmentFile': 'etc/a'")) ;
}
END_TEST

START_TEST(die_environment_file_relative_dash)
{
  quiet() ;
  parse(SVC("'EnvironmentFile': '-etc/a'")) ;
}
END_TEST

START_TEST(die_environment_file_int)
{
  quiet() ;
  parse(SVC("'EnvironmentFile': 7")) ;
}
END_TEST

/* ---- UMask, Nice ---- */

static struct { char const *value ; int mask ; } const umask_cases[] =
{
  { "'0077'", 077 }, { "77", 077 }, { "'027'", 027 }, { "22", 022 }, { "'0'", 0 }, { "0", 0 }, { "'0777'", 0777 },
} ;

START_TEST(umask_values)
{
  char buf[256] ;
  snprintf(buf, sizeof(buf), SVC("'UMask': %s"), umask_cases[_i].value) ;
  parse(buf) ;
  ck_assert_int_eq(u.umask, umask_cases[_i].mask) ;
}
END_TEST

START_TEST(umask_default)
{
  parse("{'serviceConfig': {" EXEC "}}") ;
  ck_assert_int_eq(u.umask, 022) ;
  ck_assert_int_eq(u.nice_set, 0) ;
}
END_TEST

START_TEST(die_umask_digit)
{
  quiet() ;
  parse(SVC("'UMask': '0999'")) ;
}
END_TEST

START_TEST(die_umask_too_big)
{
  quiet() ;
  parse(SVC("'UMask': 1000")) ;
}
END_TEST

START_TEST(die_umask_bool)
{
  quiet() ;
  parse(SVC("'UMask': true")) ;
}
END_TEST

static struct { char const *value ; int nice ; } const nice_cases[] =
{
  { "-5", -5 }, { "'10'", 10 }, { "19", 19 }, { "-20", -20 }, { "0", 0 },
} ;

START_TEST(nice_values)
{
  char buf[256] ;
  snprintf(buf, sizeof(buf), SVC("'Nice': %s"), nice_cases[_i].value) ;
  parse(buf) ;
  ck_assert_int_eq(u.nice_set, 1) ;
  ck_assert_int_eq(u.nice, nice_cases[_i].nice) ;
}
END_TEST

START_TEST(die_nice_high)
{
  quiet() ;
  parse(SVC("'Nice': 20")) ;
}
END_TEST

START_TEST(die_nice_low)
{
  quiet() ;
  parse(SVC("'Nice': '-21'")) ;
}
END_TEST

START_TEST(die_nice_word)
{
  quiet() ;
  parse(SVC("'Nice': 'low'")) ;
}
END_TEST

/* ---- Limit* ---- */

static struct { char const *key ; char const *value ; char const *arg ; uint64_t soft ; uint64_t hard ; } const limit_cases[] =
{
  { "LimitNOFILE", "4096", "nofile=4096:4096", 4096, 4096 },
  { "LimitNOFILE", "'1024:524288'", "nofile=1024:524288", 1024, 524288 },
  { "LimitNOFILE", "'1024:infinity'", "nofile=1024:infinity", 1024, UINT64_MAX },
  { "LimitNPROC", "'infinity'", "nproc=infinity:infinity", UINT64_MAX, UINT64_MAX },
  { "LimitLOCKS", "100", "locks=100:100", 100, 100 },
  { "LimitSIGPENDING", "'200'", "sigpending=200:200", 200, 200 },
  { "LimitRTPRIO", "10", "rtprio=10:10", 10, 10 },
  { "LimitFSIZE", "'2T'", "fsize=2199023255552:2199023255552", UINT64_C(2199023255552), UINT64_C(2199023255552) },
  { "LimitDATA", "'512K'", "data=524288:524288", 524288, 524288 },
  { "LimitSTACK", "'8M'", "stack=8388608:8388608", 8388608, 8388608 },
  { "LimitCORE", "'infinity'", "core=infinity:infinity", UINT64_MAX, UINT64_MAX },
  { "LimitCORE", "0", "core=0:0", 0, 0 },
  { "LimitRSS", "'1G'", "rss=1073741824:1073741824", 1073741824, 1073741824 },
  { "LimitAS", "'16G'", "as=17179869184:17179869184", UINT64_C(17179869184), UINT64_C(17179869184) },
  { "LimitMEMLOCK", "'64M:128M'", "memlock=67108864:134217728", 67108864, 134217728 },
  { "LimitMSGQUEUE", "819200", "msgqueue=819200:819200", 819200, 819200 },
  { "LimitCPU", "30", "cpu=30:30", 30, 30 },
  { "LimitCPU", "'2min'", "cpu=120:120", 120, 120 },
  { "LimitCPU", "'1500ms'", "cpu=2:2", 2, 2 },
  { "LimitCPU", "'10:infinity'", "cpu=10:infinity", 10, UINT64_MAX },
  { "LimitRTTIME", "500", "rttime=500:500", 500, 500 },
  { "LimitRTTIME", "'1s'", "rttime=1000000:1000000", 1000000, 1000000 },
  { "LimitNICE", "'+5'", "nice=15:15", 15, 15 },
  { "LimitNICE", "'-10'", "nice=30:30", 30, 30 },
  { "LimitNICE", "'+19'", "nice=1:1", 1, 1 },
  { "LimitNICE", "'-20'", "nice=40:40", 40, 40 },
  { "LimitNICE", "10", "nice=10:10", 10, 10 },
  { "LimitNICE", "'40'", "nice=40:40", 40, 40 },
} ;

START_TEST(limits)
{
  char buf[256] ;
  char arg[128] ;
  unsigned int nset = 0, which = 0 ;
  snprintf(buf, sizeof(buf), SVC("'%s': %s"), limit_cases[_i].key, limit_cases[_i].value) ;
  parse(buf) ;
  for (unsigned int i = 0 ; i < NLIMITS ; i++) if (u.limits[i].set) { nset++ ; which = i ; }
  ck_assert_uint_eq(nset, 1) ;
  ck_assert_uint_eq(u.limits[which].soft, limit_cases[_i].soft) ;
  ck_assert_uint_eq(u.limits[which].hard, limit_cases[_i].hard) ;
  snprintf(arg, sizeof(arg), " -l %s ", limit_cases[_i].arg) ;
  ck_assert_msg(strstr(start_script(), arg), "no \"%s\" in:\n%s", arg, start_script()) ;
}
END_TEST

START_TEST(limit_reset)
{
  parse(SVC("'LimitNOFILE': ['4096', '']")) ;
  for (unsigned int i = 0 ; i < NLIMITS ; i++) ck_assert_int_eq(u.limits[i].set, 0) ;
}
END_TEST

/* systemd.exec(5): for LimitNICE= without + or -, "the value is understood as raw
   resource limit parameter in the range 0..40". */
START_TEST(die_limit_nice_raw_range)
{
  quiet() ;
  parse(SVC("'LimitNICE': 41")) ;
}
END_TEST

START_TEST(die_limit_nice_range)
{
  quiet() ;
  parse(SVC("'LimitNICE': '+20'")) ;
}
END_TEST

START_TEST(die_limit_word)
{
  quiet() ;
  parse(SVC("'LimitNOFILE': 'lots'")) ;
}
END_TEST

START_TEST(die_limit_suffix)
{
  quiet() ;
  parse(SVC("'LimitAS': '1X'")) ;
}
END_TEST

START_TEST(die_limit_suffix_on_count)
{
  quiet() ;
  parse(SVC("'LimitNOFILE': '1K'")) ;
}
END_TEST

START_TEST(die_limit_soft_above_hard)
{
  quiet() ;
  parse(SVC("'LimitNOFILE': '10:5'")) ;
}
END_TEST

START_TEST(die_limit_bool)
{
  quiet() ;
  parse(SVC("'LimitCORE': true")) ;
}
END_TEST

START_TEST(die_limit_cpu_span)
{
  quiet() ;
  parse(SVC("'LimitCPU': 'a while'")) ;
}
END_TEST

/* ---- *Directory, *DirectoryMode ---- */

static char const *const dir_keys[DIR_N] = { "StateDirectory", "RuntimeDirectory", "LogsDirectory", "CacheDirectory", "ConfigurationDirectory" } ;
static char const *const dir_kinds[DIR_N] = { "state", "runtime", "logs", "cache", "configuration" } ;

START_TEST(directories)
{
  char buf[256] ;
  char arg[128] ;
  snprintf(buf, sizeof(buf), SVC("'%s': '%%p %%p/sub', '%sMode': '0750'"), dir_keys[_i], dir_keys[_i]) ;
  parse(buf) ;
  ck_assert_str_eq(join(&u.dirs[_i]), "web|web/sub") ;
  ck_assert_uint_eq(u.dir_mode[_i], 0750) ;
  for (unsigned int k = 0 ; k < DIR_N ; k++)
  {
    if (k == (unsigned int)_i) continue ;
    ck_assert_uint_eq(u.dirs[k].n, 0) ;
    ck_assert_uint_eq(u.dir_mode[k], 0755) ;
  }
  snprintf(arg, sizeof(arg), " -d %s:web/sub:0750:root:root ", dir_kinds[_i]) ;
  ck_assert_msg(strstr(start_script(), arg), "no \"%s\" in:\n%s", arg, start_script()) ;
}
END_TEST

START_TEST(directory_list_and_int_mode)
{
  parse(SVC("'RuntimeDirectory': ['a', 'b c'], 'RuntimeDirectoryMode': 700")) ;
  ck_assert_str_eq(join(&u.dirs[DIR_RUNTIME]), "a|b|c") ;
  ck_assert_uint_eq(u.dir_mode[DIR_RUNTIME], 0700) ;
}
END_TEST

START_TEST(directory_reset)
{
  parse(SVC("'StateDirectory': ['a', '', 'b']")) ;
  ck_assert_str_eq(join(&u.dirs[DIR_STATE]), "b") ;
}
END_TEST

START_TEST(directory_mode_default)
{
  parse(SVC("'LogsDirectory': 'web'")) ;
  ck_assert_uint_eq(u.dir_mode[DIR_LOGS], 0755) ;
}
END_TEST

START_TEST(die_directory_absolute)
{
  quiet() ;
  parse(SVC("'StateDirectory': '/var/lib/web'")) ;
}
END_TEST

START_TEST(die_directory_dotdot)
{
  quiet() ;
  parse(SVC("'CacheDirectory': 'web/../../etc'")) ;
}
END_TEST

START_TEST(die_directory_mode_digit)
{
  quiet() ;
  parse(SVC("'StateDirectoryMode': '0999'")) ;
}
END_TEST

START_TEST(die_directory_bool)
{
  quiet() ;
  parse(SVC("'LogsDirectory': true")) ;
}
END_TEST

/* systemd.exec(5): RuntimeDirectoryPreserve= "Takes a boolean argument or restart";
   systemd.service(5): RootDirectoryStartOnly= "Takes a boolean argument". Keys nci
   does not implement are reported (DESIGN, README), whatever their value's type. */
START_TEST(runtime_directory_preserve_reported)
{
  parse(SVC("'RuntimeDirectory': 'web', 'RuntimeDirectoryPreserve': true")) ;
  ck_report("web: serviceConfig.RuntimeDirectoryPreserve: unsupported: ") ;
}
END_TEST

START_TEST(root_directory_start_only_reported)
{
  parse(SVC("'RootDirectoryStartOnly': true")) ;
  ck_report("web: serviceConfig.RootDirectoryStartOnly: unsupported: ") ;
}
END_TEST

START_TEST(runtime_directory_preserve_string_reported)
{
  parse(SVC("'RuntimeDirectoryPreserve': 'restart'")) ;
  ck_report("web: serviceConfig.RuntimeDirectoryPreserve: unsupported: ") ;
}
END_TEST

/* ---- StandardOutput, StandardError, StandardInput ---- */

static struct { char const *key ; char const *value ; char const *expected ; int reported ; } const std_cases[] =
{
  { "StandardOutput", "journal", "inherit", 0 },
  { "StandardOutput", "journal+console", "inherit", 0 },
  { "StandardOutput", "kmsg", "inherit", 0 },
  { "StandardOutput", "syslog", "inherit", 0 },
  { "StandardOutput", "console", "inherit", 0 },
  { "StandardOutput", "inherit", "null", 0 },
  { "StandardOutput", "null", "null", 0 },
  { "StandardOutput", "file:/var/log/web.log", "file:/var/log/web.log", 0 },
  { "StandardOutput", "append:%L/%p.log", "append:/var/log/web.log", 0 },
  { "StandardOutput", "truncate:/tmp/x", "truncate:/tmp/x", 0 },
  { "StandardOutput", "tty", "inherit", 1 },
  { "StandardOutput", "socket", "inherit", 1 },
  { "StandardOutput", "fd:web", "inherit", 1 },
  { "StandardError", "inherit", "stdout", 0 },
  { "StandardError", "journal", "inherit", 0 },
  { "StandardError", "null", "null", 0 },
  { "StandardError", "file:/e", "file:/e", 0 },
  { "StandardError", "tty", "inherit", 1 },
} ;

START_TEST(std_streams)
{
  char buf[256] ;
  char prefix[128] ;
  char const *got ;
  snprintf(buf, sizeof(buf), SVC("'%s': '%s'"), std_cases[_i].key, std_cases[_i].value) ;
  parse(buf) ;
  got = std_cases[_i].key[8] == 'O' ? u.std_output : u.std_error ;
  ck_assert_ptr_null(std_cases[_i].key[8] == 'O' ? u.std_error : u.std_output) ;
  ck_assert_str_eq(got, std_cases[_i].expected) ;
  snprintf(prefix, sizeof(prefix), "web: serviceConfig.%s: unsupported: ", std_cases[_i].key) ;
  if (std_cases[_i].reported) ck_report(prefix) ;
  else ck_no_report() ;
}
END_TEST

START_TEST(std_default)
{
  parse("{'serviceConfig': {" EXEC "}}") ;
  ck_assert_ptr_null(u.std_output) ;
  ck_assert_ptr_null(u.std_error) ;
}
END_TEST

START_TEST(die_std_relative_file)
{
  quiet() ;
  parse(SVC("'StandardOutput': 'file:web.log'")) ;
}
END_TEST

START_TEST(die_std_unknown)
{
  quiet() ;
  parse(SVC("'StandardError': 'printer'")) ;
}
END_TEST

START_TEST(die_std_bool)
{
  quiet() ;
  parse(SVC("'StandardOutput': false")) ;
}
END_TEST

START_TEST(std_input_null)
{
  parse(SVC("'StandardInput': 'null'")) ;
  ck_no_report() ;
}
END_TEST

START_TEST(std_input_tty)
{
  parse(SVC("'StandardInput': 'tty'")) ;
  ck_report("web: serviceConfig.StandardInput: unsupported: ") ;
}
END_TEST

/* ---- dependencies ---- */

static struct { char const *key ; enum dep_kind kind ; } const unit_dep_cases[] =
{
  { "After", DEP_AFTER }, { "Before", DEP_BEFORE }, { "Requires", DEP_REQUIRES }, { "Wants", DEP_WANTS },
  { "BindsTo", DEP_BINDS_TO }, { "Requisite", DEP_REQUISITE }, { "PartOf", DEP_PART_OF }, { "Conflicts", DEP_CONFLICTS },
  { "OnFailure", DEP_ON_FAILURE }, { "OnSuccess", DEP_ON_SUCCESS }, { "Upholds", DEP_UPHOLDS },
} ;

START_TEST(unit_config_deps)
{
  char buf[256] ;
  snprintf(buf, sizeof(buf), "{'serviceConfig': {" EXEC "}, 'unitConfig': {'%s': 'b.service %%p-x.service'}}", unit_dep_cases[_i].key) ;
  parse(buf) ;
  ck_assert_str_eq(join(&u.deps[unit_dep_cases[_i].kind]), "b.service|web-x.service") ;
  for (unsigned int k = 0 ; k < DEP_N ; k++)
    if (k != unit_dep_cases[_i].kind) ck_assert_uint_eq(u.deps[k].n, 0) ;
  ck_no_report() ;
}
END_TEST

static struct { char const *key ; enum dep_kind kind ; } const top_dep_cases[] =
{
  { "after", DEP_AFTER }, { "before", DEP_BEFORE }, { "requires", DEP_REQUIRES }, { "wants", DEP_WANTS },
  { "bindsTo", DEP_BINDS_TO }, { "requisite", DEP_REQUISITE }, { "partOf", DEP_PART_OF }, { "conflicts", DEP_CONFLICTS },
  { "wantedBy", DEP_WANTED_BY }, { "requiredBy", DEP_REQUIRED_BY }, { "upholds", DEP_UPHOLDS }, { "upheldBy", DEP_UPHELD_BY },
  { "onFailure", DEP_ON_FAILURE }, { "onSuccess", DEP_ON_SUCCESS },
} ;

START_TEST(top_level_deps)
{
  char buf[256] ;
  snprintf(buf, sizeof(buf), "{'%s': ['a.service', 'my.target'], 'serviceConfig': {" EXEC "}}", top_dep_cases[_i].key) ;
  parse(buf) ;
  ck_assert_str_eq(join(&u.deps[top_dep_cases[_i].kind]), "a.service|my.target") ;
  for (unsigned int k = 0 ; k < DEP_N ; k++)
    if (k != top_dep_cases[_i].kind) ck_assert_uint_eq(u.deps[k].n, 0) ;
}
END_TEST

START_TEST(deps_merged)
{
  parse("{'after': ['a.service'], 'unitConfig': {'After': 'b.service c.service'}, 'serviceConfig': {" EXEC "}}") ;
  ck_assert(strlist_has(&u.deps[DEP_AFTER], "a.service")) ;
  ck_assert(strlist_has(&u.deps[DEP_AFTER], "b.service")) ;
  ck_assert(strlist_has(&u.deps[DEP_AFTER], "c.service")) ;
  ck_assert_uint_eq(u.deps[DEP_BEFORE].n, 0) ;
}
END_TEST

START_TEST(die_unit_config_dep_int)
{
  quiet() ;
  parse("{'unitConfig': {'After': 5}, 'serviceConfig': {" EXEC "}}") ;
}
END_TEST

START_TEST(die_top_level_dep_string)
{
  quiet() ;
  parse("{'after': 'a.service', 'serviceConfig': {" EXEC "}}") ;
}
END_TEST

START_TEST(die_top_level_dep_element)
{
  quiet() ;
  parse("{'wantedBy': ['multi-user.target', 5], 'serviceConfig': {" EXEC "}}") ;
}
END_TEST

START_TEST(default_dependencies)
{
  parse("{'serviceConfig': {" EXEC "}}") ;
  ck_assert_int_eq(u.default_deps, 1) ;
}
END_TEST

START_TEST(default_dependencies_false)
{
  parse("{'unitConfig': {'DefaultDependencies': false}, 'serviceConfig': {" EXEC "}}") ;
  ck_assert_int_eq(u.default_deps, 0) ;
}
END_TEST

START_TEST(default_dependencies_no)
{
  parse("{'unitConfig': {'DefaultDependencies': 'no'}, 'serviceConfig': {" EXEC "}}") ;
  ck_assert_int_eq(u.default_deps, 0) ;
}
END_TEST

START_TEST(die_default_dependencies)
{
  quiet() ;
  parse("{'unitConfig': {'DefaultDependencies': 'sometimes'}, 'serviceConfig': {" EXEC "}}") ;
}
END_TEST

/* ---- what is ignored and what is reported ---- */

START_TEST(x_keys_ignored)
{
  parse("{'unitConfig': {'X-Restart-Triggers': '/nix/store/x', 'X-StopIfChanged': false}, 'serviceConfig': {" EXEC "}}") ;
  ck_no_report() ;
}
END_TEST

START_TEST(nixos_bookkeeping_ignored)
{
  parse("{'name': 'web.service', 'script': 'x', 'scriptArgs': '', 'preStart': 'y', 'postStart': '', 'reload': '', 'preStop': '',"
    " 'postStop': '', 'jobScripts': ['/nix/store/a'], 'restartTriggers': ['h'], 'reloadTriggers': [], 'restartIfChanged': true,"
    " 'reloadIfChanged': false, 'stopIfChanged': true, 'overrideStrategy': 'asDropinIfExists', 'documentation': [],"
    " 'enableStrictShellChecks': false, 'notSocketActivated': false, 'aliases': [], 'startAt': [], 'enable': true,"
    " 'unitConfig': {'Description': 'd', 'Documentation': 'man:web(8)'}, 'serviceConfig': {" EXEC "}}") ;
  ck_no_report() ;
}
END_TEST

START_TEST(unknown_service_key)
{
  parse(SVC("'PrivateTmp': true, 'CapabilityBoundingSet': ['CAP_NET_BIND_SERVICE']")) ;
  ck_assert_str_eq(report(),
    "web: serviceConfig.CapabilityBoundingSet: unsupported: not implemented by nci: ignored\n"
    "web: serviceConfig.PrivateTmp: unsupported: not implemented by nci: ignored\n") ;
}
END_TEST

START_TEST(unknown_unit_key)
{
  parse("{'unitConfig': {'ConditionPathExists': '/etc/web.conf'}, 'serviceConfig': {" EXEC "}}") ;
  ck_assert_str_eq(report(), "web: unitConfig.ConditionPathExists: unsupported: not implemented by nci: ignored\n") ;
}
END_TEST

START_TEST(unknown_top_level_key)
{
  parse("{'confinement': {'enable': true}, 'serviceConfig': {" EXEC "}}") ;
  ck_assert_str_eq(report(), "web: confinement: unsupported: unknown key: ignored\n") ;
}
END_TEST

START_TEST(description)
{
  parse("{'description': 'Web server', 'unitConfig': {'Description': 'other'}, 'serviceConfig': {" EXEC "}}") ;
  ck_assert_str_eq(u.description, "Web server") ;
}
END_TEST

START_TEST(description_unit_config)
{
  parse("{'description': '', 'unitConfig': {'Description': 'From unit'}, 'serviceConfig': {" EXEC "}}") ;
  ck_assert_str_eq(u.description, "From unit") ;
}
END_TEST

START_TEST(description_none)
{
  parse("{'serviceConfig': {" EXEC "}}") ;
  ck_assert_str_eq(u.description, "") ;
}
END_TEST

START_TEST(die_description_int)
{
  quiet() ;
  parse("{'description': 5, 'serviceConfig': {" EXEC "}}") ;
}
END_TEST

START_TEST(enable)
{
  parse("{'serviceConfig': {" EXEC "}}") ;
  ck_assert_int_eq(u.enabled, 1) ;
}
END_TEST

START_TEST(enable_false)
{
  parse("{'enable': false, 'serviceConfig': {" EXEC "}}") ;
  ck_assert_int_eq(u.enabled, 0) ;
}
END_TEST

START_TEST(die_enable_string)
{
  quiet() ;
  parse("{'enable': 'yes', 'serviceConfig': {" EXEC "}}") ;
}
END_TEST

START_TEST(start_at)
{
  parse("{'startAt': ['daily'], 'serviceConfig': {" EXEC "}}") ;
  ck_assert_int_eq(u.has_start_at, 1) ;
}
END_TEST

START_TEST(start_at_string)
{
  parse("{'startAt': '*:0/5', 'serviceConfig': {" EXEC "}}") ;
  ck_assert_int_eq(u.has_start_at, 1) ;
}
END_TEST

START_TEST(start_at_empty)
{
  parse("{'startAt': [], 'serviceConfig': {" EXEC "}}") ;
  ck_assert_int_eq(u.has_start_at, 0) ;
}
END_TEST

START_TEST(start_at_empty_string)
{
  parse("{'startAt': '', 'serviceConfig': {" EXEC "}}") ;
  ck_assert_int_eq(u.has_start_at, 0) ;
}
END_TEST

START_TEST(die_start_at_int)
{
  quiet() ;
  parse("{'startAt': 5, 'serviceConfig': {" EXEC "}}") ;
}
END_TEST

START_TEST(start_at_normalized)
{
  parse("{'startAt': ['daily', 'mon..fri 2:0'], 'serviceConfig': {" EXEC "}}") ;
  ck_assert_uint_eq(u.start_at.n, 2) ;
  ck_assert_str_eq(u.start_at.s[0], "*-*-* 00:00:00") ;
  ck_assert_str_eq(u.start_at.s[1], "Mon..Fri *-*-* 02:00:00") ;
}
END_TEST

START_TEST(die_start_at_invalid)
{
  quiet() ;
  parse("{'startAt': ['daily', 'Mon..Foo'], 'serviceConfig': {" EXEC "}}") ;
}
END_TEST

/* systemd.timer(5): OnCalendar= and the On*Sec= keys may repeat, "" resets them. */
START_TEST(timer)
{
  parse_named("backup.timer", "{'wantedBy': ['timers.target'], 'timerConfig': {'OnCalendar': ['hourly', '', 'daily', '*:0/15'],"
    " 'OnBootSec': ['5min', 30], 'OnUnitActiveSec': '1h', 'Unit': 'other.service', 'Persistent': true, 'AccuracySec': '1s',"
    " 'RandomizedDelaySec': 10, 'FixedRandomDelay': 'yes', 'WakeSystem': false, 'RemainAfterElapse': false}}") ;
  ck_assert_int_eq(u.is_timer, 1) ;
  ck_assert_uint_eq(u.timer.on_calendar.n, 2) ;
  ck_assert_str_eq(u.timer.on_calendar.s[0], "*-*-* 00:00:00") ;
  ck_assert_str_eq(u.timer.on_calendar.s[1], "*-*-* *:00/15:00") ;
  ck_assert_uint_eq(u.timer.spans[TIMER_ON_BOOT].n, 2) ;
  ck_assert_str_eq(u.timer.spans[TIMER_ON_BOOT].s[0], "300000000") ;
  ck_assert_str_eq(u.timer.spans[TIMER_ON_BOOT].s[1], "30000000") ;
  ck_assert_str_eq(u.timer.spans[TIMER_ON_UNIT_ACTIVE].s[0], "3600000000") ;
  ck_assert_uint_eq(u.timer.spans[TIMER_ON_ACTIVE].n, 0) ;
  ck_assert_str_eq(u.timer.unit, "other.service") ;
  ck_assert_int_eq(u.timer.persistent, 1) ;
  ck_assert_uint_eq(u.timer.accuracy_usec, SEC) ;
  ck_assert_uint_eq(u.timer.randomized_delay_usec, 10 * SEC) ;
  ck_assert_int_eq(u.timer.fixed_random_delay, 1) ;
  ck_assert_int_eq(u.timer.wake_system, 0) ;
  ck_assert_int_eq(u.timer.remain_after_elapse, 0) ;
  ck_assert_str_eq(u.deps[DEP_WANTED_BY].s[0], "timers.target") ;
}
END_TEST

START_TEST(timer_defaults)
{
  parse_named("t.timer", "{'timerConfig': {'OnActiveSec': 1}}") ;
  ck_assert_ptr_null(u.timer.unit) ;
  ck_assert_int_eq(u.timer.persistent, 0) ;
  ck_assert_int_eq(u.timer.remain_after_elapse, 1) ;
  ck_assert_uint_eq(u.timer.accuracy_usec, 60 * SEC) ;
}
END_TEST

START_TEST(timer_unknown_key)
{
  parse_named("t.timer", "{'timerConfig': {'OnActiveSec': 1, 'OnClockChange': true}, 'serviceConfig': {}}") ;
  ck_report("t.timer: serviceConfig: unsupported: ") ;
  ck_report("t.timer: timerConfig.OnClockChange: unsupported: ") ;
}
END_TEST

START_TEST(die_timer_calendar)
{
  quiet() ;
  parse_named("t.timer", "{'timerConfig': {'OnCalendar': '*-13-01'}}") ;
}
END_TEST

START_TEST(die_timer_span)
{
  quiet() ;
  parse_named("t.timer", "{'timerConfig': {'OnBootSec': '5 parsecs'}}") ;
}
END_TEST

START_TEST(die_timer_no_trigger)
{
  quiet() ;
  parse_named("t.timer", "{'timerConfig': {'Persistent': true}}") ;
}
END_TEST

START_TEST(aliases)
{
  parse("{'aliases': ['www.service'], 'serviceConfig': {" EXEC "}}") ;
  ck_report("web: aliases: unsupported: ") ;
}
END_TEST

START_TEST(die_aliases_string)
{
  quiet() ;
  parse("{'aliases': 'www.service', 'serviceConfig': {" EXEC "}}") ;
}
END_TEST

START_TEST(die_unit_not_object)
{
  quiet() ;
  parse("['ExecStart', '/bin/true']") ;
}
END_TEST

START_TEST(die_service_config_not_object)
{
  quiet() ;
  parse("{'serviceConfig': 'ExecStart=/bin/true'}") ;
}
END_TEST

START_TEST(die_unit_config_list)
{
  quiet() ;
  parse("{'unitConfig': [], 'serviceConfig': {" EXEC "}}") ;
}
END_TEST

START_TEST(type_message)
{
  char buf[1024] ;
  ck_assert_int_eq(die_text(SVC("'Type': 5"), buf, sizeof(buf)), 1) ;
  ck_assert_str_eq(buf, "test_unit_parse: fatal: services.json: unit web: serviceConfig.Type: expected a string or a list of them, got an integer\n") ;
}
END_TEST

START_TEST(specifier_message)
{
  char buf[1024] ;
  ck_assert_int_eq(die_text("{'serviceConfig': {'ExecStart': '/bin/x %H'}}", buf, sizeof(buf)), 1) ;
  ck_assert_msg(strstr(buf, "test_unit_parse: fatal: services.json: unit web: serviceConfig.ExecStart: specifier %H ") == buf, "message: %s", buf) ;
}
END_TEST

/* ---- the fixtures' shapes ---- */

START_TEST(fixture_17_03_shape)
{
  parse("{'after': ['network.target'], 'wantedBy': ['multi-user.target'], 'environment': {'LOCALE_ARCHIVE': '/l', 'PATH': '/c/bin:/c/sbin'},"
    " 'path': '/c/bin:/c/sbin', 'preStart': 'mkdir -p /run/x', 'script': 'exec x',"
    " 'serviceConfig': {'ExecStart': '/nix/store/a-unit-script/bin/my-start ', 'ExecStartPre': '/nix/store/b-unit-script/bin/my-pre-start',"
    " 'Restart': 'always', 'RestartSec': 2, 'User': 'nobody'},"
    " 'unitConfig': {'After': 'network.target', 'Description': ''}}") ;
  ck_assert_int_eq(u.type, TYPE_SIMPLE) ;
  ck_assert_str_eq(words(&u.exec[EXEC_START].c[0]), "/nix/store/a-unit-script/bin/my-start") ;
  ck_assert_str_eq(words(&u.exec[EXEC_START_PRE].c[0]), "/nix/store/b-unit-script/bin/my-pre-start") ;
  ck_assert_uint_eq(u.restart_usec, 2000000) ;
  ck_assert_str_eq(u.restart, "always") ;
  ck_assert_str_eq(u.user, "nobody") ;
  ck_assert_str_eq(join(&u.env), "LOCALE_ARCHIVE=/l|PATH=/c/bin:/c/sbin") ;
  ck_assert_str_eq(join(&u.deps[DEP_WANTED_BY]), "multi-user.target") ;
  ck_no_report() ;
}
END_TEST

static Suite *unit_parse_suite (void)
{
  Suite *s = suite_create("unit_parse") ;
  TCase *tc ;
  size_t nb = sizeof(bool_cases) / sizeof(bool_cases[0]) ;

  tc = tcase_create("Type") ;
  tcase_add_loop_test(tc, type_values, 0, (int)(sizeof(type_cases) / sizeof(type_cases[0]))) ;
  tcase_add_test(tc, type_idle_not_reported) ;
  tcase_add_test(tc, type_dbus_reported) ;
  tcase_add_test(tc, type_notify_reload_reported) ;
  tcase_add_test(tc, type_default_oneshot) ;
  tcase_add_test(tc, oneshot_restart_on_failure) ;
  tcase_add_test(tc, type_message) ;
  tcase_add_exit_test(tc, die_oneshot_stop_only_without_remain, 1) ;
  tcase_add_exit_test(tc, die_no_commands, 1) ;
  tcase_add_exit_test(tc, die_default_simple_two_commands, 1) ;
  tcase_add_exit_test(tc, die_type_unknown, 1) ;
  tcase_add_exit_test(tc, die_type_int, 1) ;
  tcase_add_exit_test(tc, die_type_list_bad_element, 1) ;
  tcase_add_exit_test(tc, die_simple_without_exec_start, 1) ;
  tcase_add_exit_test(tc, die_simple_two_commands_list, 1) ;
  tcase_add_exit_test(tc, die_simple_two_commands_semicolon, 1) ;
  tcase_add_exit_test(tc, die_oneshot_restart_always, 1) ;
  tcase_add_exit_test(tc, die_oneshot_restart_on_success, 1) ;
  suite_add_tcase(s, tc) ;

  tc = tcase_create("Exec") ;
  tcase_add_loop_test(tc, exec_lists, 0, EXEC_N) ;
  tcase_add_loop_test(tc, exec_strings, 0, EXEC_N) ;
  tcase_add_test(tc, exec_quoting) ;
  tcase_add_test(tc, exec_reset_in_list) ;
  tcase_add_test(tc, exec_reset_to_nothing) ;
  tcase_add_test(tc, exec_prefixes) ;
  tcase_add_test(tc, exec_start_prefix_kept) ;
  tcase_add_test(tc, exec_semicolons) ;
  tcase_add_test(tc, exec_specifiers) ;
  tcase_add_test(tc, exec_specifiers_template) ;
  tcase_add_test(tc, exec_specifiers_instance) ;
  tcase_add_test(tc, exec_specifiers_user) ;
  tcase_add_test(tc, exec_vars_verbatim) ;
  tcase_add_test(tc, specifier_message) ;
  tcase_add_exit_test(tc, die_exec_runtime_specifier, 1) ;
  tcase_add_exit_test(tc, die_exec_unbalanced_quotes, 1) ;
  tcase_add_exit_test(tc, die_exec_int, 1) ;
  tcase_add_exit_test(tc, die_exec_list_bool, 1) ;
  tcase_add_exit_test(tc, die_exec_object, 1) ;
  tcase_add_exit_test(tc, die_exec_start_only_prefix, 1) ;
  suite_add_tcase(s, tc) ;

  tc = tcase_create("booleans") ;
  tcase_add_loop_test(tc, remain_after_exit, 0, (int)nb) ;
  tcase_add_loop_test(tc, permissions_start_only, 0, (int)nb) ;
  tcase_add_loop_test(tc, no_new_privileges, 0, (int)nb) ;
  tcase_add_test(tc, bool_defaults) ;
  tcase_add_exit_test(tc, die_bool_word, 1) ;
  tcase_add_exit_test(tc, die_bool_int, 1) ;
  tcase_add_exit_test(tc, die_bool_object, 1) ;
  tcase_add_exit_test(tc, die_bool_null, 1) ;
  suite_add_tcase(s, tc) ;

  tc = tcase_create("PIDFile") ;
  tcase_add_test(tc, pid_file) ;
  tcase_add_test(tc, pid_file_specifier) ;
  tcase_add_test(tc, pid_file_last_and_reset) ;
  tcase_add_test(tc, pid_file_reset) ;
  tcase_add_test(tc, pid_file_relative) ;
  tcase_add_exit_test(tc, die_pid_file_bool, 1) ;
  suite_add_tcase(s, tc) ;

  tc = tcase_create("Restart") ;
  tcase_add_loop_test(tc, restart_values_all, 0, (int)(sizeof(restart_values) / sizeof(restart_values[0]))) ;
  tcase_add_test(tc, restart_default) ;
  tcase_add_test(tc, restart_message) ;
  tcase_add_loop_test(tc, restart_sec, 0, (int)(sizeof(restart_sec_cases) / sizeof(restart_sec_cases[0]))) ;
  tcase_add_exit_test(tc, die_restart_unknown, 1) ;
  tcase_add_exit_test(tc, die_restart_int, 1) ;
  tcase_add_exit_test(tc, die_restart_sec_word, 1) ;
  tcase_add_exit_test(tc, die_restart_sec_negative, 1) ;
  tcase_add_exit_test(tc, die_restart_sec_bool, 1) ;
  tcase_add_exit_test(tc, die_restart_sec_real, 1) ;
  suite_add_tcase(s, tc) ;

  tc = tcase_create("timeouts") ;
  tcase_add_test(tc, timeout_defaults) ;
  tcase_add_test(tc, timeout_sec_both) ;
  tcase_add_test(tc, timeout_specific_wins) ;
  tcase_add_test(tc, timeout_specific_wins_either_order) ;
  tcase_add_test(tc, timeout_start_stop) ;
  tcase_add_test(tc, timeout_oneshot_infinite) ;
  tcase_add_test(tc, timeout_oneshot_implicit_infinite) ;
  tcase_add_test(tc, timeout_oneshot_explicit) ;
  tcase_add_test(tc, timeout_oneshot_timeout_sec) ;
  tcase_add_exit_test(tc, die_timeout_word, 1) ;
  tcase_add_exit_test(tc, die_timeout_sec_list, 1) ;
  tcase_add_exit_test(tc, die_timeout_object, 1) ;
  suite_add_tcase(s, tc) ;

  tc = tcase_create("kill") ;
  tcase_add_test(tc, kill_signal) ;
  tcase_add_test(tc, kill_signal_short_name) ;
  tcase_add_test(tc, kill_signal_number) ;
  tcase_add_test(tc, kill_signal_rtmin) ;
  tcase_add_test(tc, kill_signal_default) ;
  tcase_add_loop_test(tc, kill_mode, 0, (int)(sizeof(kill_modes) / sizeof(kill_modes[0]))) ;
  tcase_add_exit_test(tc, die_kill_signal_unknown, 1) ;
  tcase_add_exit_test(tc, die_kill_signal_zero, 1) ;
  tcase_add_exit_test(tc, die_kill_signal_bool, 1) ;
  tcase_add_exit_test(tc, die_kill_mode, 1) ;
  suite_add_tcase(s, tc) ;

  tc = tcase_create("SuccessExitStatus") ;
  tcase_add_test(tc, success_exit_status) ;
  tcase_add_test(tc, success_exit_status_normalised) ;
  tcase_add_test(tc, success_exit_status_reset) ;
  tcase_add_test(tc, success_exit_status_names) ;
  tcase_add_exit_test(tc, die_success_exit_status_range, 1) ;
  tcase_add_exit_test(tc, die_success_exit_status_word, 1) ;
  tcase_add_exit_test(tc, die_success_exit_status_bool, 1) ;
  suite_add_tcase(s, tc) ;

  tc = tcase_create("start limits and actions") ;
  tcase_add_test(tc, start_limit_defaults) ;
  tcase_add_test(tc, start_limit_service_config) ;
  tcase_add_test(tc, start_limit_old_interval) ;
  tcase_add_test(tc, start_limit_unit_config) ;
  tcase_add_test(tc, start_limit_unit_config_old_interval) ;
  tcase_add_test(tc, start_limit_nixos_top_level) ;
  tcase_add_test(tc, start_limit_service_config_wins) ;
  tcase_add_test(tc, start_limit_interval_zero) ;
  tcase_add_test(tc, actions) ;
  tcase_add_test(tc, actions_default) ;
  tcase_add_exit_test(tc, die_start_limit_burst_word, 1) ;
  tcase_add_exit_test(tc, die_start_limit_interval_word, 1) ;
  tcase_add_exit_test(tc, die_start_limit_top_level_bool, 1) ;
  tcase_add_exit_test(tc, die_action_unknown, 1) ;
  tcase_add_exit_test(tc, die_action_bool, 1) ;
  suite_add_tcase(s, tc) ;

  tc = tcase_create("credentials and directory") ;
  tcase_add_test(tc, user_group_strings) ;
  tcase_add_test(tc, user_group_ints) ;
  tcase_add_test(tc, user_group_default) ;
  tcase_add_test(tc, supplementary_groups) ;
  tcase_add_test(tc, supplementary_groups_list) ;
  tcase_add_test(tc, supplementary_groups_reset) ;
  tcase_add_loop_test(tc, working_directory, 0, (int)(sizeof(wd_cases) / sizeof(wd_cases[0]))) ;
  tcase_add_exit_test(tc, die_user_bool, 1) ;
  tcase_add_exit_test(tc, die_group_object, 1) ;
  tcase_add_exit_test(tc, die_supplementary_groups_bool, 1) ;
  tcase_add_exit_test(tc, die_working_directory_relative, 1) ;
  tcase_add_exit_test(tc, die_working_directory_int, 1) ;
  suite_add_tcase(s, tc) ;

  tc = tcase_create("environment") ;
  tcase_add_test(tc, environment_string_quoted) ;
  tcase_add_test(tc, environment_list) ;
  tcase_add_test(tc, environment_two_words) ;
  tcase_add_test(tc, environment_dollar_kept) ;
  tcase_add_test(tc, environment_specifiers) ;
  tcase_add_test(tc, environment_order) ;
  tcase_add_test(tc, environment_attrs_then_service_config) ;
  tcase_add_test(tc, environment_attrs_verbatim) ;
  tcase_add_test(tc, environment_attrs_specifiers) ;
  tcase_add_test(tc, environment_attrs_null_skipped) ;
  tcase_add_test(tc, environment_reset_clears_attrs) ;
  tcase_add_test(tc, environment_attrs_message) ;
  tcase_add_test(tc, path_from_environment) ;
  tcase_add_test(tc, path_fallback_17_03_string) ;
  tcase_add_test(tc, path_fallback_25_11_list) ;
  tcase_add_test(tc, path_fallback_after_environment) ;
  tcase_add_test(tc, path_from_service_environment) ;
  tcase_add_test(tc, path_default) ;
  tcase_add_test(tc, path_empty) ;
  tcase_add_test(tc, path_empty_string) ;
  tcase_add_test(tc, environment_file) ;
  tcase_add_test(tc, environment_file_string_reset) ;
  tcase_add_exit_test(tc, die_environment_int, 1) ;
  tcase_add_exit_test(tc, die_environment_object, 1) ;
  tcase_add_exit_test(tc, die_environment_attrs_list, 1) ;
  tcase_add_exit_test(tc, die_environment_attrs_bool_value, 1) ;
  tcase_add_exit_test(tc, die_environment_attrs_bad_name, 1) ;
  tcase_add_exit_test(tc, die_path_int, 1) ;
  tcase_add_exit_test(tc, die_path_list_int, 1) ;
  tcase_add_exit_test(tc, die_environment_file_relative, 1) ;
  tcase_add_exit_test(tc, die_environment_file_relative_dash, 1) ;
  tcase_add_exit_test(tc, die_environment_file_int, 1) ;
  suite_add_tcase(s, tc) ;

  tc = tcase_create("UMask, Nice, Limit*") ;
  tcase_add_loop_test(tc, umask_values, 0, (int)(sizeof(umask_cases) / sizeof(umask_cases[0]))) ;
  tcase_add_test(tc, umask_default) ;
  tcase_add_loop_test(tc, nice_values, 0, (int)(sizeof(nice_cases) / sizeof(nice_cases[0]))) ;
  tcase_add_loop_test(tc, limits, 0, (int)(sizeof(limit_cases) / sizeof(limit_cases[0]))) ;
  tcase_add_test(tc, limit_reset) ;
  tcase_add_exit_test(tc, die_umask_digit, 1) ;
  tcase_add_exit_test(tc, die_umask_too_big, 1) ;
  tcase_add_exit_test(tc, die_umask_bool, 1) ;
  tcase_add_exit_test(tc, die_nice_high, 1) ;
  tcase_add_exit_test(tc, die_nice_low, 1) ;
  tcase_add_exit_test(tc, die_nice_word, 1) ;
  tcase_add_exit_test(tc, die_limit_nice_raw_range, 1) ;
  tcase_add_exit_test(tc, die_limit_nice_range, 1) ;
  tcase_add_exit_test(tc, die_limit_word, 1) ;
  tcase_add_exit_test(tc, die_limit_suffix, 1) ;
  tcase_add_exit_test(tc, die_limit_suffix_on_count, 1) ;
  tcase_add_exit_test(tc, die_limit_soft_above_hard, 1) ;
  tcase_add_exit_test(tc, die_limit_bool, 1) ;
  tcase_add_exit_test(tc, die_limit_cpu_span, 1) ;
  suite_add_tcase(s, tc) ;

  tc = tcase_create("directories") ;
  tcase_add_loop_test(tc, directories, 0, DIR_N) ;
  tcase_add_test(tc, directory_list_and_int_mode) ;
  tcase_add_test(tc, directory_reset) ;
  tcase_add_test(tc, directory_mode_default) ;
  tcase_add_test(tc, runtime_directory_preserve_reported) ;
  tcase_add_test(tc, root_directory_start_only_reported) ;
  tcase_add_test(tc, runtime_directory_preserve_string_reported) ;
  tcase_add_exit_test(tc, die_directory_absolute, 1) ;
  tcase_add_exit_test(tc, die_directory_dotdot, 1) ;
  tcase_add_exit_test(tc, die_directory_mode_digit, 1) ;
  tcase_add_exit_test(tc, die_directory_bool, 1) ;
  suite_add_tcase(s, tc) ;

  tc = tcase_create("standard streams") ;
  tcase_add_loop_test(tc, std_streams, 0, (int)(sizeof(std_cases) / sizeof(std_cases[0]))) ;
  tcase_add_test(tc, std_default) ;
  tcase_add_test(tc, std_input_null) ;
  tcase_add_test(tc, std_input_tty) ;
  tcase_add_exit_test(tc, die_std_relative_file, 1) ;
  tcase_add_exit_test(tc, die_std_unknown, 1) ;
  tcase_add_exit_test(tc, die_std_bool, 1) ;
  suite_add_tcase(s, tc) ;

  tc = tcase_create("dependencies") ;
  tcase_add_loop_test(tc, unit_config_deps, 0, (int)(sizeof(unit_dep_cases) / sizeof(unit_dep_cases[0]))) ;
  tcase_add_loop_test(tc, top_level_deps, 0, (int)(sizeof(top_dep_cases) / sizeof(top_dep_cases[0]))) ;
  tcase_add_test(tc, deps_merged) ;
  tcase_add_test(tc, default_dependencies) ;
  tcase_add_test(tc, default_dependencies_false) ;
  tcase_add_test(tc, default_dependencies_no) ;
  tcase_add_exit_test(tc, die_unit_config_dep_int, 1) ;
  tcase_add_exit_test(tc, die_top_level_dep_string, 1) ;
  tcase_add_exit_test(tc, die_top_level_dep_element, 1) ;
  tcase_add_exit_test(tc, die_default_dependencies, 1) ;
  suite_add_tcase(s, tc) ;

  tc = tcase_create("keys") ;
  tcase_add_test(tc, x_keys_ignored) ;
  tcase_add_test(tc, nixos_bookkeeping_ignored) ;
  tcase_add_test(tc, unknown_service_key) ;
  tcase_add_test(tc, unknown_unit_key) ;
  tcase_add_test(tc, unknown_top_level_key) ;
  tcase_add_test(tc, description) ;
  tcase_add_test(tc, description_unit_config) ;
  tcase_add_test(tc, description_none) ;
  tcase_add_test(tc, enable) ;
  tcase_add_test(tc, enable_false) ;
  tcase_add_test(tc, start_at) ;
  tcase_add_test(tc, start_at_string) ;
  tcase_add_test(tc, start_at_empty) ;
  tcase_add_test(tc, start_at_empty_string) ;
  tcase_add_test(tc, aliases) ;
  tcase_add_test(tc, fixture_17_03_shape) ;
  tcase_add_exit_test(tc, die_description_int, 1) ;
  tcase_add_exit_test(tc, die_enable_string, 1) ;
  tcase_add_exit_test(tc, die_start_at_int, 1) ;
  tcase_add_test(tc, start_at_normalized) ;
  tcase_add_exit_test(tc, die_start_at_invalid, 1) ;
  tcase_add_test(tc, timer) ;
  tcase_add_test(tc, timer_defaults) ;
  tcase_add_test(tc, timer_unknown_key) ;
  tcase_add_exit_test(tc, die_timer_calendar, 1) ;
  tcase_add_exit_test(tc, die_timer_span, 1) ;
  tcase_add_exit_test(tc, die_timer_no_trigger, 1) ;
  tcase_add_exit_test(tc, die_aliases_string, 1) ;
  tcase_add_exit_test(tc, die_unit_not_object, 1) ;
  tcase_add_exit_test(tc, die_service_config_not_object, 1) ;
  tcase_add_exit_test(tc, die_unit_config_list, 1) ;
  suite_add_tcase(s, tc) ;

  return s ;
}

int main (void)
{
  return check_run(unit_parse_suite()) ;
}
