/* graph_build: which units start, their order, what fails what, boot order, cycles
   and missing dependencies, on small trees parsed from JSON by unit_parse.
   Expected values come from systemd.unit(5), systemd.special(7), systemd.target(5)
   (targets are ordered after what they pull in), NixOS (default.target is a link to
   systemd.defaultUnit, multi-user.target), doc/tree.md and the README.
   Test JSON is written with ' for "; a unit without serviceConfig gets
   {"ExecStart": "/bin/true"}. graph_build keeps its graph in static storage: one
   build per test, each test in its own process (CK_FORK). */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>
#include <skalibs/stralloc.h>

#include "../../convert/convert.h"
#include "check_run.h"

char const *PROG = "test_graph" ;

static tree t ;

/* Everything a test allocates stays reachable from here, for LeakSanitizer. */
static char *kept[256] ;
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

static int cmp_units (void const *a, void const *b)
{
  return strcmp(((unit const *)a)->name, ((unit const *)b)->name) ;
}

/* Parses every unit of the map, sorts them by name as nci-convert's main does, and
   builds the graph. */
static void build (char const *text)
{
  json_error_t e ;
  json_t *root ;
  char const *k ;
  json_t *v ;
  strlist names = STRLIST_ZERO ;
  char *s = keep(xstrdup(text)) ;
  for (char *p = s ; *p ; p++) if (*p == '\'') *p = '"' ;
  root = json_loads(s, JSON_REJECT_DUPLICATES, &e) ;
  if (!root) ck_abort_msg("test JSON does not parse (%s, column %d): %s", e.text, e.column, s) ;
  json_object_foreach(root, k, v)
  {
    strlist_add(&names, k) ;
    if (json_is_object(v) && !json_object_get(v, "serviceConfig") && !strstr(k, ".timer"))
      json_object_set_new(v, "serviceConfig", json_pack("{s:s}", "ExecStart", "/bin/true")) ;
  }
  strlist_sort_unique(&names) ;
  t.units = xmalloc((names.n + 1) * sizeof(unit)) ;
  t.n = 0 ;
  for (size_t i = names.n ; i-- ; ) unit_parse(&t.units[t.n++], names.s[i], json_object_get(root, names.s[i])) ;
  qsort(t.units, t.n, sizeof(unit), &cmp_units) ;
  strlist_clear(&names) ;
  free(names.s) ;
  json_decref(root) ;
  timers_build(&t) ;
  graph_build(&t) ;
}


static size_t idx (char const *name)
{
  for (size_t i = 0 ; i < t.n ; i++) if (!strcmp(t.units[i].name, name)) return i ;
  ck_abort_msg("no unit %s", name) ;
  return 0 ;
}

static int demand (char const *name)
{
  return t.demand[idx(name)] ;
}

static int started (char const *name)
{
  size_t i = idx(name) ;
  for (size_t k = 0 ; k < t.norder ; k++) if (t.order[k] == i) return 1 ;
  return 0 ;
}

static char const *order (void)
{
  stralloc sa = STRALLOC_ZERO ;
  for (size_t k = 0 ; k < t.norder ; k++)
  {
    if (k) stralloc_catb(&sa, " ", 1) ;
    stralloc_cats(&sa, t.units[t.order[k]].name) ;
  }
  stralloc_0(&sa) ;
  return keep(sa.s) ;
}

static char const *join (strlist const *l)
{
  stralloc sa = STRALLOC_ZERO ;
  for (size_t i = 0 ; i < l->n ; i++)
  {
    if (i) stralloc_catb(&sa, " ", 1) ;
    stralloc_cats(&sa, l->s[i]) ;
  }
  stralloc_0(&sa) ;
  return keep(sa.s) ;
}

#define AFTER(n) join(&t.after[idx(n)])
#define REQUIRES(n) join(&t.requires[idx(n)])
#define BINDS_TO(n) join(&t.binds_to[idx(n)])
#define PART_OF(n) join(&t.part_of[idx(n)])

static char const *report (void)
{
  return keep(report_text()) ;
}

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
#define ck_no_report(prefix) ck_assert_msg(!report_has(prefix), "unexpected report line starting with \"%s\"; report:\n%s", prefix, report())

/* Builds in a child with stderr to a pipe: the exit status, and what it printed. */
static int build_text (char const *text, char *out, size_t outlen)
{
  int p[2] ;
  pid_t pid ;
  size_t n = 0 ;
  int st ;
  ck_assert_int_eq(pipe(p), 0) ;
  pid = fork() ;
  ck_assert_int_ge(pid, 0) ;
  if (!pid)
  {
    close(p[0]) ;
    if (dup2(p[1], 2) < 0) _exit(99) ;
    input_name = "services.json" ;
    build(text) ;
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
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st) ;
}

#define WANTED "'wantedBy': ['multi-user.target']"

/* ---- which units start ---- */

START_TEST(start_boot_targets)
{
  build("{'a': {" WANTED "}, 'b': {'wantedBy': ['default.target']}, 'c': {'requiredBy': ['multi-user.target']},"
    " 'd': {}, 'e': {'wantedBy': ['graphical.target']}}") ;
  ck_assert(started("a")) ;
  ck_assert(started("b")) ;
  ck_assert(started("c")) ;
  ck_assert(!started("d")) ;
  ck_assert(!started("e")) ;
  ck_assert_str_eq(order(), "a b c") ;
  ck_report("d: wantedBy: note: not pulled in by any boot target") ;
  ck_report("e: wantedBy: note: not pulled in by any boot target") ;
  ck_no_report("a: ") ;
}
END_TEST

START_TEST(start_other_boot_targets)
{
  build("{'n': {'wantedBy': ['network.target']}, 'o': {'wantedBy': ['network-online.target']},"
    " 's': {'wantedBy': ['sysinit.target'], 'before': ['sysinit.target'], 'unitConfig': {'DefaultDependencies': false}},"
    " 'b': {'wantedBy': ['basic.target']},"
    " 'l': {'wantedBy': ['local-fs.target'], 'before': ['local-fs.target'], 'unitConfig': {'DefaultDependencies': false}},"
    " 't': {'wantedBy': ['timers.target'], 'before': ['timers.target'], 'unitConfig': {'DefaultDependencies': false}}}") ;
  ck_assert_str_eq(order(), "l s b n o t") ;
  ck_assert_str_eq(AFTER("b"), "l s") ;
  ck_assert_str_eq(AFTER("n"), "l s") ;
  ck_assert_str_eq(AFTER("o"), "l s") ;
  ck_assert_str_eq(AFTER("s"), "") ;
}
END_TEST

START_TEST(start_pulled_in)
{
  build("{'a': {" WANTED ", 'wants': ['b.service'], 'requires': ['c.service'], 'bindsTo': ['d.service'], 'upholds': ['e.service']},"
    " 'b': {}, 'c': {}, 'd': {}, 'e': {}, 'f': {'wants': ['g.service']}, 'g': {}}") ;
  ck_assert_str_eq(order(), "a b c d e") ;
  ck_assert(!started("f")) ;
  ck_assert(!started("g")) ;
}
END_TEST

START_TEST(start_pulled_in_chain)
{
  build("{'a': {" WANTED ", 'wants': ['b.service']}, 'b': {'requires': ['c.service']}, 'c': {'bindsTo': ['d.service']}, 'd': {}}") ;
  ck_assert_str_eq(order(), "a b c d") ;
}
END_TEST

START_TEST(start_requisite_does_not_pull)
{
  build("{'a': {" WANTED ", 'requisite': ['b.service']}, 'b': {" WANTED "}}") ;
  ck_assert_str_eq(order(), "a b") ;
  ck_assert_str_eq(REQUIRES("a"), "b") ;
}
END_TEST

START_TEST(start_through_pulled_target)
{
  build("{'a': {" WANTED ", 'wants': ['my.target']}, 'b': {'wantedBy': ['my.target']}, 'c': {'requiredBy': ['my.target']},"
    " 'd': {'wantedBy': ['other.target']}}") ;
  ck_assert(started("b")) ;
  ck_assert(started("c")) ;
  ck_assert(!started("d")) ;
  ck_assert_str_eq(order(), "a b c") ;
}
END_TEST

START_TEST(start_target_pulled_by_unstarted)
{
  build("{'a': {'wants': ['my.target']}, 'b': {'wantedBy': ['my.target']}}") ;
  ck_assert_str_eq(order(), "") ;
}
END_TEST

START_TEST(enable_false)
{
  build("{'a': {" WANTED "}, 'e': {" WANTED ", 'enable': false}}") ;
  ck_assert(!started("e")) ;
  ck_assert_str_eq(order(), "a") ;
  ck_report("e: enable: note: ") ;
  ck_no_report("e: wantedBy: ") ;
}
END_TEST

START_TEST(enable_false_wanted)
{
  build("{'a': {" WANTED ", 'wants': ['e.service']}, 'e': {'enable': false}}") ;
  ck_assert_str_eq(order(), "a") ;
  ck_report("a: wants: note: e.service has enable = false") ;
}
END_TEST

/* README: "A requires on a unit that will not run (not defined, enable = false, a
   template) is reported as fails: the unit is in the tree and fails at boot". */
START_TEST(enable_false_required)
{
  build("{'a': {" WANTED ", 'requires': ['e.service'], 'after': ['e.service']}, 'e': {'enable': false}}") ;
  ck_assert_str_eq(order(), "a") ;
  ck_assert_str_eq(REQUIRES("a"), "e") ;
  ck_assert_str_eq(AFTER("a"), "") ;
  ck_report("a: requires: fails: e.service has enable = false") ;
}
END_TEST

START_TEST(enable_false_bound)
{
  build("{'a': {" WANTED ", 'bindsTo': ['e.service']}, 'e': {'enable': false}}") ;
  ck_assert_str_eq(order(), "a") ;
  ck_assert_str_eq(REQUIRES("a"), "e") ;
  ck_report("a: bindsTo: fails: e.service has enable = false") ;
}
END_TEST

START_TEST(template_not_started)
{
  build("{'a': {" WANTED "}, 'tpl@': {" WANTED "}}") ;
  ck_assert(!started("tpl@")) ;
  ck_assert_str_eq(order(), "a") ;
  ck_report("tpl@: name: unsupported: template unit") ;
}
END_TEST

START_TEST(template_required)
{
  build("{'a': {" WANTED ", 'requires': ['tpl@.service']}, 'tpl@': {}}") ;
  ck_assert_str_eq(order(), "a") ;
  ck_assert_str_eq(REQUIRES("a"), "tpl@") ;
  ck_report("a: requires: fails: tpl@.service is a template") ;
}
END_TEST

/* A service that only its timer starts is in the tree, not started at boot, with what
   it needs; one that the boot starts too is started at boot (and by its timer). */
START_TEST(start_at_on_demand)
{
  build("{'a': {" WANTED "}, 'timed': {'startAt': ['daily'], 'requires': ['dep.service'], 'after': ['dep.service']}, 'dep': {}, 'idle': {}}") ;
  ck_assert(started("timed")) ;
  ck_assert(demand("timed")) ;
  ck_assert(started("dep")) ;
  ck_assert(demand("dep")) ;
  ck_assert(!demand("a")) ;
  ck_assert(!started("idle")) ;
  ck_assert_str_eq(order(), "a dep timed") ;
  ck_assert_uint_eq(t.ntimers, 1) ;
  ck_assert_str_eq(t.timers[0].name, "timed.timer") ;
  ck_assert_str_eq(t.timers[0].timer.service, "timed") ;
  ck_no_report("timed: ") ;
  ck_report("idle: wantedBy: note: not pulled in by any boot target or timer: not started") ;
}
END_TEST

/* systemd starts a timer that what the boot starts wants (timers.target); another only
   by hand, and its service is in the tree for then. */
START_TEST(timer_not_wanted)
{
  build("{'a': {" WANTED "}, 'x': {}, 'x.timer': {'timerConfig': {'OnBootSec': 5}}, 'y': {}, 'y.timer': {'wantedBy': ['timers.target'], 'timerConfig': {'OnBootSec': 5}}}") ;
  ck_assert_uint_eq(t.ntimers, 2) ;
  ck_assert_int_eq(t.timers[0].timer.at_boot, 0) ;
  ck_assert_int_eq(t.timers[1].timer.at_boot, 1) ;
  ck_assert(demand("x")) ;
  ck_assert(demand("y")) ;
  ck_report("x.timer: wantedBy: note: not wanted by timers.target") ;
  ck_no_report("y.timer: ") ;
}
END_TEST

START_TEST(start_at_pulled)
{
  build("{'a': {" WANTED ", 'wants': ['timed.service']}, 'timed': {'startAt': ['daily']}}") ;
  ck_assert(started("timed")) ;
  ck_assert(!demand("timed")) ;
  ck_assert_uint_eq(t.ntimers, 1) ;
}
END_TEST

START_TEST(timer_of_nothing)
{
  build("{'a': {" WANTED "}, 'lost.timer': {'timerConfig': {'OnBootSec': 5}}, 'off.timer': {'enable': false, 'timerConfig': {'OnBootSec': 5}}}") ;
  ck_assert_uint_eq(t.ntimers, 2) ;
  ck_assert_ptr_null(t.timers[0].timer.service) ;
  ck_report("lost.timer: timerConfig.Unit: fails: the service it triggers is not defined") ;
  ck_report("off.timer: enable: note: enable = false") ;
}
END_TEST

/* ---- order ---- */

START_TEST(order_after_before)
{
  build("{'a': {" WANTED "}, 'b': {" WANTED ", 'after': ['a.service']}, 'c': {" WANTED ", 'before': ['a.service']}}") ;
  ck_assert_str_eq(AFTER("a"), "c") ;
  ck_assert_str_eq(AFTER("b"), "a") ;
  ck_assert_str_eq(AFTER("c"), "") ;
  ck_assert_str_eq(order(), "c a b") ;
}
END_TEST

START_TEST(order_unit_config_strings)
{
  build("{'a': {" WANTED "}, 'b': {" WANTED ", 'unitConfig': {'After': 'a.service'}}}") ;
  ck_assert_str_eq(AFTER("b"), "a") ;
}
END_TEST

START_TEST(order_only_between_started)
{
  build("{'a': {" WANTED ", 'after': ['x.service', 'nope.service', 'e.service']}, 'x': {}, 'e': {" WANTED ", 'enable': false}}") ;
  ck_assert_str_eq(AFTER("a"), "") ;
}
END_TEST

START_TEST(order_through_started_target)
{
  build("{'a': {" WANTED ", 'before': ['my.target']}, 'b': {" WANTED ", 'wants': ['my.target'], 'after': ['my.target']}}") ;
  ck_assert_str_eq(AFTER("b"), "a") ;
  ck_assert_str_eq(order(), "a b") ;
}
END_TEST

START_TEST(order_target_after_what_it_pulls)
{
  build("{'a': {'wantedBy': ['my.target']}, 'b': {" WANTED ", 'wants': ['my.target'], 'after': ['my.target']}}") ;
  ck_assert_str_eq(AFTER("b"), "a") ;
  ck_assert_str_eq(order(), "a b") ;
}
END_TEST

START_TEST(order_not_through_unstarted_target)
{
  build("{'a': {" WANTED ", 'before': ['my.target']}, 'b': {" WANTED ", 'after': ['my.target']}}") ;
  ck_assert_str_eq(AFTER("b"), "") ;
  ck_assert_str_eq(order(), "a b") ;
}
END_TEST

START_TEST(order_wanted_by_target_before_after_target)
{
  build("{'a': {" WANTED "}, 'b': {" WANTED ", 'after': ['multi-user.target']}, 'c': {" WANTED ", 'unitConfig': {'DefaultDependencies': false}}}") ;
  ck_assert_str_eq(AFTER("b"), "a") ;
  ck_assert_str_eq(AFTER("a"), "") ;
  ck_assert_str_eq(order(), "a b c") ;
}
END_TEST

START_TEST(order_default_dependencies)
{
  build("{'s': {'wantedBy': ['sysinit.target'], 'before': ['sysinit.target'], 'unitConfig': {'DefaultDependencies': false}},"
    " 'a': {" WANTED "}, 'n': {" WANTED ", 'unitConfig': {'DefaultDependencies': 'no'}}}") ;
  ck_assert_str_eq(AFTER("a"), "s") ;
  ck_assert_str_eq(AFTER("n"), "") ;
  ck_assert_str_eq(order(), "n s a") ;
}
END_TEST

START_TEST(order_basic_target)
{
  build("{'early': {'wantedBy': ['basic.target'], 'before': ['basic.target'], 'unitConfig': {'DefaultDependencies': false}}, 'a': {" WANTED "}, 'b': {" WANTED ", 'after': ['basic.target']}}") ;
  ck_assert_str_eq(AFTER("a"), "early") ;
  ck_assert_str_eq(AFTER("b"), "early") ;
}
END_TEST

/* NixOS links default.target to systemd.defaultUnit ("multi-user.target" by default):
   they are one unit, so what is wanted by default.target is ordered before what is
   after multi-user.target. */
START_TEST(order_default_target_is_multi_user)
{
  build("{'a': {'wantedBy': ['default.target']}, 'b': {" WANTED ", 'after': ['multi-user.target']}}") ;
  ck_assert_str_eq(AFTER("b"), "a") ;
  ck_assert_str_eq(order(), "a b") ;
}
END_TEST

START_TEST(order_default_target_no_false_cycle)
{
  build("{'d': {" WANTED ", 'after': ['default.target']}}") ;
  ck_assert(started("d")) ;
  ck_assert_str_eq(AFTER("d"), "") ;
}
END_TEST

START_TEST(order_after_default_target)
{
  build("{'a': {" WANTED "}, 'b': {'wantedBy': ['default.target'], 'after': ['default.target']}}") ;
  ck_assert_str_eq(AFTER("b"), "a") ;
}
END_TEST

START_TEST(boot_order_ties_by_name)
{
  build("{'d': {" WANTED ", 'after': ['b.service']}, 'c': {" WANTED "}, 'b': {" WANTED "}, 'a': {" WANTED ", 'after': ['c.service']}}") ;
  ck_assert_str_eq(order(), "b c a d") ;
}
END_TEST

START_TEST(boot_order_chain)
{
  build("{'x': {" WANTED ", 'after': ['y.service']}, 'y': {" WANTED ", 'after': ['z.service']}, 'z': {" WANTED "}}") ;
  ck_assert_str_eq(order(), "z y x") ;
  ck_assert_str_eq(AFTER("x"), "y") ;
}
END_TEST

/* ---- requires, binds-to, part-of ---- */

START_TEST(dependency_files)
{
  build("{'a': {" WANTED ", 'requires': ['b.service'], 'bindsTo': ['c.service'], 'requisite': ['d.service'],"
    " 'partOf': ['e.service', 'my.target'], 'after': ['b.service', 'c.service', 'd.service'], 'wants': ['f.service']},"
    " 'b': {}, 'c': {}, 'd': {" WANTED "}, 'e': {" WANTED "}, 'f': {}}") ;
  ck_assert_str_eq(REQUIRES("a"), "b c d") ;
  ck_assert_str_eq(BINDS_TO("a"), "c") ;
  ck_assert_str_eq(PART_OF("a"), "e") ;
  ck_assert_str_eq(AFTER("a"), "b c d") ;
  ck_assert_str_eq(REQUIRES("b"), "") ;
  ck_assert_str_eq(BINDS_TO("b"), "") ;
  ck_assert_str_eq(PART_OF("e"), "") ;
}
END_TEST

START_TEST(part_of_unstarted)
{
  build("{'a': {" WANTED ", 'partOf': ['x.service']}, 'x': {}}") ;
  ck_assert_str_eq(PART_OF("a"), "") ;
}
END_TEST

START_TEST(failure_through_target)
{
  build("{'b': {'requiredBy': ['my.target']}, 'a': {" WANTED ", 'requires': ['my.target'], 'after': ['my.target']},"
    " 'c': {" WANTED ", 'wants': ['my.target'], 'after': ['my.target']}, 'd': {'wantedBy': ['my.target']}}") ;
  ck_assert_str_eq(REQUIRES("a"), "b") ;
  ck_assert_str_eq(AFTER("a"), "b d") ;
  ck_assert_str_eq(REQUIRES("c"), "") ;
  ck_assert_str_eq(AFTER("c"), "b d") ;
}
END_TEST

START_TEST(failure_not_through_wants)
{
  build("{'a': {" WANTED ", 'wants': ['b.service'], 'after': ['b.service']}, 'b': {'requires': ['c.service']}, 'c': {}}") ;
  ck_assert_str_eq(REQUIRES("a"), "") ;
  ck_assert_str_eq(REQUIRES("b"), "c") ;
}
END_TEST

/* ---- cycles ---- */

START_TEST(cycle_two)
{
  quiet() ;
  build("{'a': {" WANTED ", 'after': ['b.service']}, 'b': {" WANTED ", 'after': ['a.service']}}") ;
}
END_TEST

START_TEST(cycle_three_message)
{
  char buf[2048] ;
  ck_assert_int_eq(build_text("{'a': {" WANTED ", 'after': ['b.service']}, 'b': {" WANTED ", 'after': ['c.service']},"
    " 'c': {" WANTED ", 'after': ['a.service']}, 'd': {" WANTED "}}", buf, sizeof(buf)), 1) ;
  ck_assert_msg(strstr(buf, "test_graph: fatal: services.json: unit ") == buf, "message: %s", buf) ;
  ck_assert_msg(strstr(buf, "ordering cycle"), "message: %s", buf) ;
  ck_assert_msg(strstr(buf, "a.service"), "message: %s", buf) ;
  ck_assert_msg(strstr(buf, "b.service"), "message: %s", buf) ;
  ck_assert_msg(strstr(buf, "c.service"), "message: %s", buf) ;
  ck_assert_msg(!strstr(buf, "d.service"), "message: %s", buf) ;
}
END_TEST

START_TEST(cycle_through_target_message)
{
  char buf[2048] ;
  ck_assert_int_eq(build_text("{'a': {" WANTED ", 'wants': ['my.target'], 'after': ['my.target']},"
    " 'b': {'wantedBy': ['my.target'], 'after': ['a.service']}}", buf, sizeof(buf)), 1) ;
  ck_assert_msg(strstr(buf, "ordering cycle"), "message: %s", buf) ;
  ck_assert_msg(strstr(buf, "a.service"), "message: %s", buf) ;
  ck_assert_msg(strstr(buf, "b.service"), "message: %s", buf) ;
  ck_assert_msg(strstr(buf, "my.target"), "message: %s", buf) ;
}
END_TEST

START_TEST(cycle_between_unstarted)
{
  build("{'a': {" WANTED "}, 'x': {'after': ['y.service']}, 'y': {'after': ['x.service']}}") ;
  ck_assert_str_eq(order(), "a") ;
}
END_TEST

START_TEST(cycle_through_unstarted)
{
  build("{'a': {" WANTED ", 'after': ['x.service']}, 'b': {" WANTED ", 'before': ['x.service'], 'after': ['a.service']}, 'x': {}}") ;
  ck_assert_str_eq(order(), "a b") ;
}
END_TEST

/* ---- missing dependencies ---- */

START_TEST(missing_required)
{
  build("{'a': {" WANTED ", 'requires': ['nope.service'], 'after': ['nope.service']}, 'b': {" WANTED ", 'after': ['a.service']}}") ;
  ck_assert_str_eq(order(), "a b") ;
  ck_assert_str_eq(REQUIRES("a"), "nope") ;
  ck_assert_str_eq(AFTER("a"), "") ;
  ck_assert_str_eq(REQUIRES("b"), "") ;
  ck_report("a: requires: fails: nope.service is not defined") ;
}
END_TEST

START_TEST(missing_bound)
{
  build("{'a': {" WANTED ", 'bindsTo': ['nope.service']}}") ;
  ck_assert_str_eq(REQUIRES("a"), "nope") ;
  ck_report("a: bindsTo: fails: nope.service is not defined") ;
}
END_TEST

START_TEST(missing_requisite)
{
  build("{'a': {" WANTED ", 'requisite': ['nope.service']}}") ;
  ck_assert_str_eq(REQUIRES("a"), "nope") ;
  ck_report("a: requisite: fails: nope.service is not defined") ;
}
END_TEST

START_TEST(missing_required_through_pulled)
{
  build("{'a': {" WANTED ", 'wants': ['b.service']}, 'b': {'requires': ['nope.service']}}") ;
  ck_assert_str_eq(order(), "a b") ;
  ck_assert_str_eq(REQUIRES("b"), "nope") ;
  ck_assert_str_eq(REQUIRES("a"), "") ;
  ck_report("b: requires: fails: nope.service is not defined") ;
}
END_TEST

START_TEST(missing_required_by_unstarted)
{
  build("{'a': {" WANTED "}, 'x': {'requires': ['nope.service']}}") ;
  ck_assert_str_eq(order(), "a") ;
  ck_no_report("x: requires: ") ;
}
END_TEST

START_TEST(missing_wanted)
{
  build("{'a': {" WANTED ", 'wants': ['nope.service'], 'after': ['nope.service']}}") ;
  ck_assert_str_eq(order(), "a") ;
  ck_report("a: wants: note: nope.service is not defined") ;
}
END_TEST

START_TEST(missing_devices_reported)
{
  build("{'a': {" WANTED ", 'bindsTo': ['dev-foo.device'], 'requires': ['dev-bar.device', 'srv.mount'], 'wants': ['x.socket'], 'after': ['dev-foo.device']}}") ;
  ck_assert_str_eq(order(), "a") ;
  ck_assert_str_eq(REQUIRES("a"), "") ;
  ck_assert_str_eq(BINDS_TO("a"), "") ;
  ck_report("a: bindsTo: unsupported: dev-foo.device: ") ;
  ck_report("a: requires: unsupported: dev-bar.device: ") ;
  ck_report("a: requires: unsupported: srv.mount: ") ;
  ck_report("a: wants: unsupported: x.socket: ") ;
}
END_TEST

START_TEST(missing_systemd_services_reported)
{
  build("{'a': {" WANTED ", 'wants': ['systemd-udevd.service'], 'requires': ['systemd-journald.service'], 'after': ['systemd-journald.service']}}") ;
  ck_assert_str_eq(order(), "a") ;
  ck_assert_str_eq(REQUIRES("a"), "") ;
  ck_report("a: wants: unsupported: systemd-udevd.service: ") ;
  ck_report("a: requires: unsupported: systemd-journald.service: ") ;
}
END_TEST

/* systemd.unit(5), Requisite=: "if the units listed here are not started already, they
   will not be started and the starting of this unit will fail immediately". A unit
   nothing starts makes the requisite unit fail at every boot, as a requires on a unit
   that will not run does (README: reported as fails, in the requires list). */
START_TEST(requisite_on_unstarted)
{
  build("{'a': {" WANTED ", 'requisite': ['d.service'], 'after': ['d.service']}, 'd': {}}") ;
  ck_assert(!started("d")) ;
  ck_report("a: requisite: fails: d.service") ;
  ck_assert_str_eq(REQUIRES("a"), "d") ;
}
END_TEST

/* ---- what graph_build reports ---- */

START_TEST(reported_dependency_kinds)
{
  build("{'a': {" WANTED ", 'onFailure': ['alert.service'], 'onSuccess': ['done.service'], 'conflicts': ['shutdown.target', 'other.service'],"
    " 'upholds': ['u.service']}, 'u': {}, 'alert': {}, 'done': {}, 'other': {" WANTED ", 'conflicts': ['shutdown.target']}}") ;
  ck_assert(started("u")) ;
  ck_assert(!started("alert")) ;
  ck_report("a: onFailure: unsupported: ") ;
  ck_report("a: onSuccess: unsupported: ") ;
  ck_report("a: conflicts: unsupported: ") ;
  ck_report("a: upholds: unsupported: ") ;
  ck_no_report("other: ") ;
}
END_TEST

START_TEST(fixture_custom_deps)
{
  build("{'my-deps': {'after': ['network.target', 'my-oneshot.service'], 'before': ['nginx.service'], 'bindsTo': ['dev-foo.device'],"
    " 'conflicts': ['shutdown.target'], 'partOf': ['my.target'], 'requiredBy': ['my.target'], 'requires': ['my-oneshot.service'],"
    " 'wantedBy': ['multi-user.target'], 'wants': ['network-online.target'],"
    " 'unitConfig': {'After': 'network.target my-oneshot.service', 'Before': 'nginx.service', 'BindsTo': 'dev-foo.device',"
    " 'Requires': 'my-oneshot.service', 'Wants': 'network-online.target', 'PartOf': 'my.target', 'Conflicts': 'shutdown.target'},"
    " 'serviceConfig': {'ExecStart': '/bin/sleep infinity'}},"
    " 'my-oneshot': {" WANTED ", 'serviceConfig': {'Type': 'oneshot', 'RemainAfterExit': true, 'ExecStart': '/bin/true'}},"
    " 'nginx': {" WANTED "}}") ;
  ck_assert_str_eq(order(), "my-oneshot my-deps nginx") ;
  ck_assert_str_eq(AFTER("my-deps"), "my-oneshot") ;
  ck_assert_str_eq(AFTER("nginx"), "my-deps") ;
  ck_assert_str_eq(REQUIRES("my-deps"), "my-oneshot") ;
  ck_assert_str_eq(BINDS_TO("my-deps"), "") ;
  ck_report("my-deps: bindsTo: unsupported: dev-foo.device: ") ;
  ck_no_report("my-deps: conflicts: ") ;
}
END_TEST

static Suite *graph_suite (void)
{
  Suite *s = suite_create("graph") ;
  TCase *tc ;

  tc = tcase_create("which units start") ;
  tcase_add_test(tc, start_boot_targets) ;
  tcase_add_test(tc, start_other_boot_targets) ;
  tcase_add_test(tc, start_pulled_in) ;
  tcase_add_test(tc, start_pulled_in_chain) ;
  tcase_add_test(tc, start_requisite_does_not_pull) ;
  tcase_add_test(tc, start_through_pulled_target) ;
  tcase_add_test(tc, start_target_pulled_by_unstarted) ;
  tcase_add_test(tc, enable_false) ;
  tcase_add_test(tc, enable_false_wanted) ;
  tcase_add_test(tc, enable_false_required) ;
  tcase_add_test(tc, enable_false_bound) ;
  tcase_add_test(tc, template_required) ;
  tcase_add_test(tc, template_not_started) ;
  tcase_add_test(tc, start_at_on_demand) ;
  tcase_add_test(tc, timer_of_nothing) ;
  tcase_add_test(tc, timer_not_wanted) ;
  tcase_add_test(tc, start_at_pulled) ;
  suite_add_tcase(s, tc) ;

  tc = tcase_create("order") ;
  tcase_add_test(tc, order_after_before) ;
  tcase_add_test(tc, order_unit_config_strings) ;
  tcase_add_test(tc, order_only_between_started) ;
  tcase_add_test(tc, order_through_started_target) ;
  tcase_add_test(tc, order_target_after_what_it_pulls) ;
  tcase_add_test(tc, order_not_through_unstarted_target) ;
  tcase_add_test(tc, order_wanted_by_target_before_after_target) ;
  tcase_add_test(tc, order_default_dependencies) ;
  tcase_add_test(tc, order_basic_target) ;
  tcase_add_test(tc, order_default_target_is_multi_user) ;
  tcase_add_test(tc, order_default_target_no_false_cycle) ;
  tcase_add_test(tc, order_after_default_target) ;
  tcase_add_test(tc, boot_order_ties_by_name) ;
  tcase_add_test(tc, boot_order_chain) ;
  suite_add_tcase(s, tc) ;

  tc = tcase_create("dependency files") ;
  tcase_add_test(tc, dependency_files) ;
  tcase_add_test(tc, part_of_unstarted) ;
  tcase_add_test(tc, failure_through_target) ;
  tcase_add_test(tc, failure_not_through_wants) ;
  tcase_add_test(tc, fixture_custom_deps) ;
  suite_add_tcase(s, tc) ;

  tc = tcase_create("cycles") ;
  tcase_add_exit_test(tc, cycle_two, 1) ;
  tcase_add_test(tc, cycle_three_message) ;
  tcase_add_test(tc, cycle_through_target_message) ;
  tcase_add_test(tc, cycle_between_unstarted) ;
  tcase_add_test(tc, cycle_through_unstarted) ;
  suite_add_tcase(s, tc) ;

  tc = tcase_create("missing dependencies") ;
  tcase_add_test(tc, missing_required) ;
  tcase_add_test(tc, missing_bound) ;
  tcase_add_test(tc, missing_requisite) ;
  tcase_add_test(tc, missing_required_through_pulled) ;
  tcase_add_test(tc, missing_required_by_unstarted) ;
  tcase_add_test(tc, missing_wanted) ;
  tcase_add_test(tc, missing_devices_reported) ;
  tcase_add_test(tc, missing_systemd_services_reported) ;
  tcase_add_test(tc, requisite_on_unstarted) ;
  tcase_add_test(tc, reported_dependency_kinds) ;
  suite_add_tcase(s, tc) ;

  return s ;
}

int main (void)
{
  return check_run(graph_suite()) ;
}
