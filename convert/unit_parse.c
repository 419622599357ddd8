/* JSON (one evaluated systemd.services.<name>) -> unit model.
   Every key is either applied, known to have no meaning in a container image
   (NixOS bookkeeping), or reported; wrong types and invalid values are fatal. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <nci/calendar.h>
#include <nci/cmdline.h>
#include <nci/signal.h>
#include <nci/specifier.h>
#include <nci/timespan.h>
#include <nci/words.h>
#include "convert.h"

enum { T_STR = 1, T_INT = 2, T_BOOL = 4, T_LIST = 8 } ;

typedef struct ctx_s ctx ;
struct ctx_s
{
  unit *u ;
  char const *section ;  /* "serviceConfig", "unitConfig" or "" */
  char key[256] ;        /* the key being handled, for messages */
  strlist vals ;         /* its assignments, after "" resets */
  int reset ;            /* a "" was among them */
  nci_specifiers sp ;
  enum dep_kind dep ;    /* the list dep_word adds to */
  enum dir_kind dir ;    /* the list dir_word adds to */
} ;

static char const *type_name (json_t const *v)
{
  switch (json_typeof(v))
  {
    case JSON_OBJECT : return "an object" ;
    case JSON_ARRAY : return "a list" ;
    case JSON_STRING : return "a string" ;
    case JSON_INTEGER : return "an integer" ;
    case JSON_REAL : return "a number" ;
    case JSON_TRUE :
    case JSON_FALSE : return "a boolean" ;
    case JSON_NULL : return "null" ;
  }
  return "a value" ;
}

static void die (ctx *, char const *) __attribute__((noreturn)) ;
static void die (ctx *c, char const *msg)
{
  die_unit(c->u->name, c->key, msg) ;
}

static void die2 (ctx *, char const *, char const *) __attribute__((noreturn)) ;
static void die2 (ctx *c, char const *what, char const *value)
{
  size_t len = strlen(what) + strlen(value) + 8 ;
  char *m = xmalloc(len) ;
  strcpy(stpcpy(stpcpy(stpcpy(m, what), " \""), value), "\"") ;
  die(c, m) ;
}

static void set_key (ctx *c, char const *section, char const *key)
{
  size_t sl = strlen(section), kl = strlen(key) ;
  if (sl + kl + 2 > sizeof(c->key)) kl = sizeof(c->key) - sl - 2 ;
  memcpy(c->key, section, sl) ;
  if (sl) c->key[sl++] = '.' ;
  memcpy(c->key + sl, key, kl) ;
  c->key[sl + kl] = 0 ;
  c->section = section ;
}

static void expected (ctx *, unsigned int, json_t const *) __attribute__((noreturn)) ;
static void expected (ctx *c, unsigned int types, json_t const *v)
{
  char m[160] ;
  char *w = stpcpy(m, "expected ") ;
  int first = 1 ;
  static char const *const names[3] = { "a string", "an integer", "a boolean" } ;
  for (unsigned int i = 0 ; i < 3 ; i++) if (types & (1u << i))
  {
    w = stpcpy(stpcpy(w, first ? "" : " or "), names[i]) ;
    first = 0 ;
  }
  if (types & T_LIST) w = stpcpy(w, " or a list of them") ;
  strcpy(stpcpy(w, ", got "), type_name(v)) ;
  die(c, m) ;
}

static void scalar_add (ctx *c, unsigned int types, json_t const *v, json_t const *shown)
{
  char buf[INT_FMT + 2] ;
  switch (json_typeof(v))
  {
    case JSON_STRING :
      if (!(types & T_STR)) break ;
      if (!json_string_value(v)[0]) { strlist_clear(&c->vals) ; c->reset = 1 ; return ; }
      strlist_add(&c->vals, json_string_value(v)) ;
      return ;
    case JSON_INTEGER :
    {
      long long n = json_integer_value(v) ;
      if (!(types & (T_INT | T_BOOL))) break ;
      if (!(types & T_INT) && n != 0 && n != 1) break ;
      buf[n < 0 ? int64_fmt(buf, n) : uint64_fmt(buf, (uint64_t)n)] = 0 ;
      strlist_add(&c->vals, buf) ;
      return ;
    }
    case JSON_TRUE :
    case JSON_FALSE :
      if (!(types & T_BOOL)) break ;
      strlist_add(&c->vals, json_is_true(v) ? "true" : "false") ;
      return ;
    default : break ;
  }
  expected(c, types, shown) ;
}

/* Turns a directive's JSON value into its list of assignments, as systemd would see
   repeated lines of a unit file: a list repeats the directive, "" resets it. */
static void collect (ctx *c, unsigned int types, json_t const *v)
{
  strlist_clear(&c->vals) ;
  c->reset = 0 ;
  if (json_is_array(v))
  {
    size_t i ;
    json_t const *e ;
    if (!(types & T_LIST)) expected(c, types, v) ;
    json_array_foreach(v, i, e) scalar_add(c, types, e, e) ;
  }
  else scalar_add(c, types, v, v) ;
}

static char const *last (ctx *c)
{
  return c->vals.n ? c->vals.s[c->vals.n - 1] : 0 ;
}

static int parse_bool (ctx *c, char const *s)
{
  static char const *const yes[] = { "1", "yes", "y", "true", "t", "on", 0 } ;
  static char const *const no[] = { "0", "no", "n", "false", "f", "off", 0 } ;
  for (unsigned int i = 0 ; yes[i] ; i++) if (!strcasecmp(s, yes[i])) return 1 ;
  for (unsigned int i = 0 ; no[i] ; i++) if (!strcasecmp(s, no[i])) return 0 ;
  die2(c, "not a boolean:", s) ;
}

static uint64_t parse_span (ctx *c, char const *s, uint64_t per)
{
  uint64_t usec ;
  if (!nci_timespan_parse(s, per, &usec))
    die2(c, errno == ERANGE ? "time span out of range:" : "invalid time span:", s) ;
  return usec ;
}

static unsigned long long parse_ull (ctx *c, char const *s, char const *what)
{
  uint64_t n ;
  size_t len = uint640_scan(s, &n) ;
  if (!len || s[len]) die2(c, what, s) ;
  return n ;
}

static int parse_one_of (ctx *c, char const *s, char const *const *values)
{
  for (int i = 0 ; values[i] ; i++) if (!strcmp(s, values[i])) return i ;
  die2(c, "unknown value", s) ;
}

/* Resolves %-specifiers in one word, dying on one that cannot be known at build time. */
static char *spec (ctx *c, char const *word)
{
  stralloc sa = STRALLOC_ZERO ;
  char bad ;
  if (!nci_specifier_expand(&sa, word, &c->sp, &bad))
  {
    char m[96] = "specifier %" ;
    size_t l = strlen(m) ;
    if (errno != EINVAL) strerr_diefusys(111, "expand specifiers") ;
    m[l++] = bad ? bad : '%' ;
    strcpy(m + l, " cannot be resolved in a container image at build time") ;
    die(c, m) ;
  }
  return sa.s ;
}

/* Splits an assignment into systemd words (quotes and escapes), calling f on each. */
static void each_word (ctx *c, char const *s, void (*f)(ctx *, char const *))
{
  stralloc w = STRALLOC_ZERO ;
  size_t pos = 0 ;
  char const *err ;
  for (;;)
  {
    int r ;
    w.len = 0 ;
    r = nci_word_next(s, &pos, &w, &err) ;
    if (r < 0) die2(c, err, s) ;
    if (!r) break ;
    f(c, w.s) ;
  }
  stralloc_free(&w) ;
}

/* ---- [Service] ---- */

static void do_type (ctx *c)
{
  static char const *const types[] = { "simple", "exec", "notify", "forking", "oneshot", "idle", "dbus", "notify-reload", 0 } ;
  char const *s = last(c) ;
  int i ;
  if (!s) return ;
  i = parse_one_of(c, s, types) ;
  switch (i)
  {
    case 5 : c->u->type = TYPE_SIMPLE ; break ;
    case 6 :
      c->u->type = TYPE_SIMPLE ;
      report_add(REPORT_UNSUPPORTED, c->u->name, c->key, "dbus: no D-Bus name tracking, ready when started as Type=simple") ;
      break ;
    case 7 :
      c->u->type = TYPE_NOTIFY ;
      report_add(REPORT_UNSUPPORTED, c->u->name, c->key, "notify-reload: reloads use ExecReload only, started as Type=notify") ;
      break ;
    default : c->u->type = (enum svc_type)i ; break ;
  }
}

static enum exec_key exec_key_of (char const *k)
{
  static char const *const names[EXEC_N] = { "ExecStartPre", "ExecStart", "ExecStartPost", "ExecReload", "ExecStop", "ExecStopPost" } ;
  for (unsigned int i = 0 ; i < EXEC_N ; i++) if (!strcmp(k, names[i])) return (enum exec_key)i ;
  return EXEC_N ;
}

static void exec_add (ctx *c, cmdlist *l, char const *s)
{
  nci_cmdline tmp[16] ;
  char const *err ;
  int n ;
  for (unsigned int i = 0 ; i < 16 ; i++) tmp[i] = (nci_cmdline)NCI_CMDLINE_ZERO ;
  n = nci_cmdline_split(s, tmp, 16, &err) ;
  if (n < 0) die2(c, err, s) ;
  for (int i = 0 ; i < n ; i++)
  {
    nci_cmdline out = NCI_CMDLINE_ZERO ;
    char const *w = tmp[i].words.s ;
    out.flags = tmp[i].flags ;
    for (unsigned int j = 0 ; j < tmp[i].n ; j++)
    {
      char *r = spec(c, w) ;
      if (!stralloc_catb(&out.words, r, strlen(r) + 1)) strerr_diefusys(111, "allocate memory") ;
      free(r) ;
      out.n++ ;
      w += strlen(w) + 1 ;
    }
    nci_cmdline_free(&tmp[i]) ;
    if (l->n == l->cap)
    {
      l->cap = l->cap ? 2 * l->cap : 2 ;
      l->c = xrealloc(l->c, l->cap * sizeof(nci_cmdline)) ;
    }
    l->c[l->n++] = out ;
  }
}

static void do_exec (ctx *c, char const *k)
{
  cmdlist *l = &c->u->exec[exec_key_of(k)] ;
  for (size_t i = 0 ; i < l->n ; i++) nci_cmdline_free(&l->c[i]) ;
  l->n = 0 ;
  for (size_t i = 0 ; i < c->vals.n ; i++) exec_add(c, l, c->vals.s[i]) ;
}

static void do_restart (ctx *c)
{
  static char const *const v[] = { "no", "always", "on-success", "on-failure", "on-abnormal", "on-abort", "on-watchdog", 0 } ;
  char const *s = last(c) ;
  free(c->u->restart) ;
  c->u->restart = xstrdup(s ? v[parse_one_of(c, s, v)] : "no") ;
}

static void do_action (ctx *c, char **where)
{
  static char const *const v[] = { "none", "exit", "exit-force", "poweroff", "poweroff-force", "poweroff-immediate",
    "reboot", "reboot-force", "reboot-immediate", "halt", "halt-force", "halt-immediate", "kexec", "kexec-force", "soft-reboot", "soft-reboot-force", 0 } ;
  char const *s = last(c) ;
  free(*where) ;
  *where = xstrdup(s ? v[parse_one_of(c, s, v)] : "none") ;
}

static void do_kill_signal (ctx *c)
{
  char const *s = last(c) ;
  int sig ;
  if (!s) { c->u->kill_signal = 15 ; return ; }
  if (!nci_signal_parse(s, &sig)) die2(c, "unknown signal", s) ;
  c->u->kill_signal = sig ;
}

static void do_kill_mode (ctx *c)
{
  static char const *const v[] = { "control-group", "process", "mixed", "none", 0 } ;
  char const *s = last(c) ;
  free(c->u->kill_mode) ;
  c->u->kill_mode = xstrdup(s ? v[parse_one_of(c, s, v)] : "control-group") ;
  if (s && !strcmp(s, "none"))
    report_add(REPORT_NOTE, c->u->name, c->key, "none: processes are left running at stop until the container ends them") ;
}

/* The exit status names systemd accepts: BSD's sysexits.h and the LSB init codes. */
static struct { char const *name ; char const *code ; } const exit_names[] =
{
  { "INVALIDARGUMENT", "2" }, { "NOTIMPLEMENTED", "3" }, { "NOPERMISSION", "4" }, { "NOTINSTALLED", "5" },
  { "NOTCONFIGURED", "6" }, { "NOTRUNNING", "7" }, { "USAGE", "64" }, { "DATAERR", "65" }, { "NOINPUT", "66" },
  { "NOUSER", "67" }, { "NOHOST", "68" }, { "UNAVAILABLE", "69" }, { "SOFTWARE", "70" }, { "OSERR", "71" },
  { "OSFILE", "72" }, { "CANTCREAT", "73" }, { "IOERR", "74" }, { "TEMPFAIL", "75" }, { "PROTOCOL", "76" },
  { "NOPERM", "77" }, { "CONFIG", "78" },
} ;

static void success_word (ctx *c, char const *w)
{
  for (unsigned int i = 0 ; i < sizeof(exit_names) / sizeof(exit_names[0]) ; i++)
    if (!strcmp(w, exit_names[i].name)) { strlist_add(&c->u->success_exit_status, exit_names[i].code) ; return ; }
  uint64_t n ;
  size_t len = uint640_scan(w, &n) ;
  int sig ;
  char name[NCI_SIGNAL_NAME_MAX] ;
  if (len && !w[len])
  {
    if (n > 255) die2(c, "exit status out of range:", w) ;
    strlist_add(&c->u->success_exit_status, w) ;
    return ;
  }
  if (!nci_signal_parse(w, &sig)) die2(c, "not an exit status or signal:", w) ;
  nci_signal_name(sig, name) ;
  strlist_add(&c->u->success_exit_status, name) ;
}

static void do_success_exit_status (ctx *c)
{
  strlist_clear(&c->u->success_exit_status) ;
  for (size_t i = 0 ; i < c->vals.n ; i++) each_word(c, c->vals.s[i], &success_word) ;
}

static void set_str (ctx *c, char **where)
{
  char const *s = last(c) ;
  free(*where) ;
  *where = s ? spec(c, s) : 0 ;
}

static void group_word (ctx *c, char const *w)
{
  char *r = spec(c, w) ;
  strlist_add(&c->u->supplementary_groups, r) ;
  free(r) ;
}

static void do_supplementary_groups (ctx *c)
{
  strlist_clear(&c->u->supplementary_groups) ;
  for (size_t i = 0 ; i < c->vals.n ; i++) each_word(c, c->vals.s[i], &group_word) ;
}

static int env_name_ok (char const *s, size_t len)
{
  if (!len || s[0] == '.' || (s[0] >= '0' && s[0] <= '9')) return 0 ;
  for (size_t i = 0 ; i < len ; i++)
    if (s[i] == '/' || s[i] <= ' ' || s[i] == 0x7f) return 0 ;
  return 1 ;
}

static void env_word (ctx *c, char const *w)
{
  char const *eq = strchr(w, '=') ;
  char *r ;
  if (!eq || !env_name_ok(w, (size_t)(eq - w)))
  {
    char m[512] = "\"" ;
    size_t l = strlen(w) ;
    if (l > 400) l = 400 ;
    memcpy(m + 1, w, l) ;
    strcpy(m + 1 + l, "\" is not a NAME=VALUE assignment: ignored, as systemd does") ;
    report_add(REPORT_UNSUPPORTED, c->u->name, c->key, m) ;
    return ;
  }
  r = spec(c, w) ;
  strlist_add(&c->u->env, r) ;
  free(r) ;
}

static void do_environment (ctx *c)
{
  /* An empty Environment= drops every earlier assignment, the environment attrs too:
     NixOS writes those first. */
  if (c->reset) strlist_clear(&c->u->env) ;
  for (size_t i = 0 ; i < c->vals.n ; i++) each_word(c, c->vals.s[i], &env_word) ;
}

static void do_environment_file (ctx *c)
{
  strlist_clear(&c->u->env_files) ;
  for (size_t i = 0 ; i < c->vals.n ; i++)
  {
    char *r = spec(c, c->vals.s[i]) ;
    char const *p = r[0] == '-' ? r + 1 : r ;
    if (p[0] != '/') die2(c, "not an absolute path:", r) ;
    strlist_add(&c->u->env_files, r) ;
    free(r) ;
  }
}

static void do_working_directory (ctx *c)
{
  char const *p ;
  set_str(c, &c->u->working_directory) ;
  if (!c->u->working_directory) return ;
  p = c->u->working_directory ;
  if (p[0] == '-') p++ ;
  if (p[0] != '/' && strcmp(p, "~")) die2(c, "not an absolute path or ~:", c->u->working_directory) ;
}

static void do_umask (ctx *c)
{
  char const *s = last(c) ;
  uint64_t n = 0 ;
  if (!s) { c->u->umask = 022 ; return ; }
  /* An integer is what Nix gives for UMask = 0077: its digits are the octal mask. */
  for (size_t i = 0 ; s[i] ; i++)
  {
    if (s[i] < '0' || s[i] > '7' || i > 4) die2(c, "not an octal mode:", s) ;
    n = n * 8 + (uint64_t)(s[i] - '0') ;
  }
  if (n > 0777) die2(c, "not an octal mode:", s) ;
  c->u->umask = (int)n ;
}

static void do_nice (ctx *c)
{
  char const *s = last(c) ;
  int64_t n ;
  size_t len ;
  if (!s) { c->u->nice_set = 0 ; return ; }
  len = int640_scan(s, &n) ;
  if (!len || s[len] || n < -20 || n > 19) die2(c, "not a nice level (-20..19):", s) ;
  c->u->nice_set = 1 ;
  c->u->nice = (int)n ;
}

enum limit_kind { LK_COUNT, LK_BYTES, LK_SEC, LK_USEC, LK_NICE } ;
static struct { char const *key ; enum limit_kind kind ; } const limit_keys[NLIMITS] =
{
  { "LimitCPU", LK_SEC }, { "LimitFSIZE", LK_BYTES }, { "LimitDATA", LK_BYTES }, { "LimitSTACK", LK_BYTES },
  { "LimitCORE", LK_BYTES }, { "LimitRSS", LK_BYTES }, { "LimitNOFILE", LK_COUNT }, { "LimitAS", LK_BYTES },
  { "LimitNPROC", LK_COUNT }, { "LimitMEMLOCK", LK_BYTES }, { "LimitLOCKS", LK_COUNT }, { "LimitSIGPENDING", LK_COUNT },
  { "LimitMSGQUEUE", LK_BYTES }, { "LimitNICE", LK_NICE }, { "LimitRTPRIO", LK_COUNT }, { "LimitRTTIME", LK_USEC },
} ;

static uint64_t limit_value (ctx *c, char const *s, size_t len, enum limit_kind kind)
{
  char buf[64] ;
  uint64_t n ;
  size_t l ;
  if (len >= sizeof(buf)) die2(c, "invalid limit:", s) ;
  memcpy(buf, s, len) ;
  buf[len] = 0 ;
  if (!strcmp(buf, "infinity")) return UINT64_MAX ;
  switch (kind)
  {
    case LK_SEC :
    {
      uint64_t us = parse_span(c, buf, NCI_USEC_PER_SEC) ;
      return us == NCI_TIMESPAN_INFINITY ? UINT64_MAX : (us + NCI_USEC_PER_SEC - 1) / NCI_USEC_PER_SEC ;
    }
    case LK_USEC : return parse_span(c, buf, 1) ;
    case LK_NICE :
      if (buf[0] == '+' || buf[0] == '-')
      {
        int64_t nv ;
        l = int640_scan(buf, &nv) ;
        if (!l || buf[l] || nv < -20 || nv > 19) die2(c, "invalid nice limit:", buf) ;
        return (uint64_t)(20 - nv) ;
      }
      break ;
    default : break ;
  }
  l = uint64_scan(buf, &n) ;
  if (!l) die2(c, "invalid limit:", buf) ;
  if (kind == LK_BYTES && buf[l] && !buf[l + 1])
  {
    static char const suffixes[] = "KMGTPE" ;
    char const *p = strchr(suffixes, buf[l]) ;
    if (!p || !buf[l]) die2(c, "invalid size:", buf) ;
    for (long i = 0 ; i <= p - suffixes ; i++)
    {
      if (n > UINT64_MAX / 1024) die2(c, "size out of range:", buf) ;
      n *= 1024 ;
    }
    return n ;
  }
  if (buf[l]) die2(c, "invalid limit:", buf) ;
  if (kind == LK_NICE && n > 40) die2(c, "not a nice limit (0..40, or -20..19 with a sign):", buf) ;
  return n ;
}

static int do_limit (ctx *c, char const *k, json_t const *v)
{
  char const *s ;
  char const *colon ;
  unsigned int i = 0 ;
  while (i < NLIMITS && strcmp(k, limit_keys[i].key)) i++ ;
  if (i == NLIMITS) return 0 ;
  collect(c, T_STR | T_INT | T_LIST, v) ;
  s = last(c) ;
  if (!s) { c->u->limits[i].set = 0 ; return 1 ; }
  colon = strchr(s, ':') ;
  c->u->limits[i].set = 1 ;
  c->u->limits[i].soft = limit_value(c, s, colon ? (size_t)(colon - s) : strlen(s), limit_keys[i].kind) ;
  c->u->limits[i].hard = colon ? limit_value(c, colon + 1, strlen(colon + 1), limit_keys[i].kind) : c->u->limits[i].soft ;
  if (c->u->limits[i].soft > c->u->limits[i].hard) die2(c, "soft limit above hard limit:", s) ;
  return 1 ;
}

static char const *const dir_keys[DIR_N] = { "StateDirectory", "RuntimeDirectory", "LogsDirectory", "CacheDirectory", "ConfigurationDirectory" } ;

static void dir_word (ctx *c, char const *w)
{
  char *r = spec(c, w) ;
  if (!r[0] || r[0] == '/' || strstr(r, "..") || strchr(r, ':'))
    die2(c, "not a relative directory name:", r) ;
  strlist_add(&c->u->dirs[c->dir], r) ;
  free(r) ;
}

static int do_directory (ctx *c, char const *k, json_t const *v)
{
  for (unsigned int i = 0 ; i < DIR_N ; i++)
  {
    size_t l = strlen(dir_keys[i]) ;
    if (strncmp(k, dir_keys[i], l)) continue ;
    if (!k[l])
    {
      collect(c, T_STR | T_LIST, v) ;
      c->dir = (enum dir_kind)i ;
      strlist_clear(&c->u->dirs[i]) ;
      for (size_t j = 0 ; j < c->vals.n ; j++) each_word(c, c->vals.s[j], &dir_word) ;
      return 1 ;
    }
    if (!strcmp(k + l, "Mode"))
    {
      char const *s ;
      collect(c, T_STR | T_INT | T_LIST, v) ;
      s = last(c) ;
      uint64_t n = 0 ;
      if (!s) { c->u->dir_mode[i] = 0755 ; return 1 ; }
      for (size_t j = 0 ; s[j] ; j++)
      {
        if (s[j] < '0' || s[j] > '7' || j > 4) die2(c, "not an octal mode:", s) ;
        n = n * 8 + (uint64_t)(s[j] - '0') ;
      }
      if (n > 07777) die2(c, "not an octal mode:", s) ;
      c->u->dir_mode[i] = (unsigned int)n ;
      return 1 ;
    }
  }
  return 0 ;
}

/* StandardOutput/StandardError: the container's own output stands for the journal. */
static void do_std (ctx *c, char **where, int is_err)
{
  char const *s = last(c) ;
  static char const *const to_inherit[] = { "journal", "kmsg", "journal+console", "kmsg+console", "syslog", "syslog+console", "console", 0 } ;
  free(*where) ;
  *where = 0 ;
  if (!s) return ;
  /* inherit: stdout copies stdin, which is always /dev/null here; stderr copies stdout. */
  if (!strcmp(s, "inherit")) { *where = xstrdup(is_err ? "stdout" : "null") ; return ; }
  for (unsigned int i = 0 ; to_inherit[i] ; i++) if (!strcmp(s, to_inherit[i]))
  {
    *where = xstrdup("inherit") ;
    return ;
  }
  if (!strcmp(s, "null")) { *where = xstrdup("null") ; return ; }
  if (!strncmp(s, "file:", 5) || !strncmp(s, "append:", 7) || !strncmp(s, "truncate:", 9))
  {
    char *r = spec(c, s) ;
    if (strchr(r, ':')[1] != '/') die2(c, "not an absolute path:", r) ;
    *where = r ;
    return ;
  }
  if (!strcmp(s, "tty") || !strcmp(s, "socket") || !strncmp(s, "fd:", 3))
  {
    report_add(REPORT_UNSUPPORTED, c->u->name, c->key, "only inherit, journal, kmsg, syslog, console, null, file:, append: and truncate: are supported; the container's output is used") ;
    *where = xstrdup("inherit") ;
    return ;
  }
  die2(c, "unknown value", s) ;
}

/* serviceConfig keys that only make sense under systemd's manager (cgroups, namespaces,
   security sandboxing, accounting, D-Bus, sockets): reported, never silently dropped. */
static int service_key (ctx *c, char const *k, json_t const *v)
{
  unit *u = c->u ;
  enum exec_key ek = exec_key_of(k) ;
  if (ek != EXEC_N) { collect(c, T_STR | T_LIST, v) ; do_exec(c, k) ; return 1 ; }
  if (!strcmp(k, "Type")) { collect(c, T_STR | T_LIST, v) ; do_type(c) ; return 1 ; }
  if (!strcmp(k, "RemainAfterExit")) { collect(c, T_STR | T_BOOL | T_LIST, v) ; u->remain_after_exit = last(c) ? parse_bool(c, last(c)) : 0 ; return 1 ; }
  if (!strcmp(k, "PermissionsStartOnly")) { collect(c, T_STR | T_BOOL | T_LIST, v) ; u->permissions_start_only = last(c) ? parse_bool(c, last(c)) : 0 ; return 1 ; }
  if (!strcmp(k, "NoNewPrivileges")) { collect(c, T_STR | T_BOOL | T_LIST, v) ; u->no_new_privileges = last(c) ? parse_bool(c, last(c)) : 0 ; return 1 ; }
  if (!strcmp(k, "PIDFile"))
  {
    collect(c, T_STR | T_LIST, v) ;
    set_str(c, &u->pid_file) ;
    /* systemd: a relative PIDFile= is under /run. */
    if (u->pid_file && u->pid_file[0] != '/')
    {
      char *abs = xmalloc(strlen(u->pid_file) + 6) ;
      strcpy(stpcpy(abs, "/run/"), u->pid_file) ;
      free(u->pid_file) ;
      u->pid_file = abs ;
    }
    return 1 ;
  }
  if (!strcmp(k, "Restart")) { collect(c, T_STR | T_LIST, v) ; do_restart(c) ; return 1 ; }
  if (!strcmp(k, "RestartSec")) { collect(c, T_STR | T_INT | T_LIST, v) ; u->restart_usec = last(c) ? parse_span(c, last(c), NCI_USEC_PER_SEC) : 100000 ; return 1 ; }
  if (!strcmp(k, "TimeoutStartSec")) { collect(c, T_STR | T_INT | T_LIST, v) ; if (last(c)) u->timeout_start_usec = parse_span(c, last(c), NCI_USEC_PER_SEC) ; return 1 ; }
  if (!strcmp(k, "TimeoutStopSec")) { collect(c, T_STR | T_INT | T_LIST, v) ; if (last(c)) u->timeout_stop_usec = parse_span(c, last(c), NCI_USEC_PER_SEC) ; return 1 ; }
  if (!strcmp(k, "KillSignal")) { collect(c, T_STR | T_INT | T_LIST, v) ; do_kill_signal(c) ; return 1 ; }
  if (!strcmp(k, "KillMode")) { collect(c, T_STR | T_LIST, v) ; do_kill_mode(c) ; return 1 ; }
  if (!strcmp(k, "SuccessExitStatus")) { collect(c, T_STR | T_INT | T_LIST, v) ; do_success_exit_status(c) ; return 1 ; }
  if (!strcmp(k, "User")) { collect(c, T_STR | T_INT | T_LIST, v) ; set_str(c, &u->user) ; return 1 ; }
  if (!strcmp(k, "Group")) { collect(c, T_STR | T_INT | T_LIST, v) ; set_str(c, &u->group) ; return 1 ; }
  if (!strcmp(k, "SupplementaryGroups")) { collect(c, T_STR | T_INT | T_LIST, v) ; do_supplementary_groups(c) ; return 1 ; }
  if (!strcmp(k, "WorkingDirectory")) { collect(c, T_STR | T_LIST, v) ; do_working_directory(c) ; return 1 ; }
  if (!strcmp(k, "Environment")) { collect(c, T_STR | T_LIST, v) ; do_environment(c) ; return 1 ; }
  if (!strcmp(k, "EnvironmentFile")) { collect(c, T_STR | T_LIST, v) ; do_environment_file(c) ; return 1 ; }
  if (!strcmp(k, "UMask")) { collect(c, T_STR | T_INT | T_LIST, v) ; do_umask(c) ; return 1 ; }
  if (!strcmp(k, "Nice")) { collect(c, T_STR | T_INT | T_LIST, v) ; do_nice(c) ; return 1 ; }
  if (!strcmp(k, "StandardOutput")) { collect(c, T_STR | T_LIST, v) ; do_std(c, &u->std_output, 0) ; return 1 ; }
  if (!strcmp(k, "StandardError")) { collect(c, T_STR | T_LIST, v) ; do_std(c, &u->std_error, 1) ; return 1 ; }
  if (!strncmp(k, "Limit", 5) && do_limit(c, k, v)) return 1 ;
  if (do_directory(c, k, v)) return 1 ;
  if (!strcmp(k, "StandardInput"))
  {
    collect(c, T_STR | T_LIST, v) ;
    if (last(c) && strcmp(last(c), "null"))
      report_add(REPORT_UNSUPPORTED, u->name, c->key, "only null is supported: stdin is /dev/null") ;
    return 1 ;
  }
  return 0 ;
}

/* Keys accepted in both [Unit] and, for old units, [Service]. */
static int common_key (ctx *c, char const *k, json_t const *v)
{
  unit *u = c->u ;
  if (!strcmp(k, "StartLimitBurst"))
  {
    collect(c, T_STR | T_INT | T_LIST, v) ;
    u->start_limit_burst = last(c) ? (unsigned int)parse_ull(c, last(c), "not a count:") : 5 ;
    return 1 ;
  }
  if (!strcmp(k, "StartLimitIntervalSec") || !strcmp(k, "StartLimitInterval"))
  {
    collect(c, T_STR | T_INT | T_LIST, v) ;
    u->start_limit_interval_usec = last(c) ? parse_span(c, last(c), NCI_USEC_PER_SEC) : 10 * NCI_USEC_PER_SEC ;
    return 1 ;
  }
  if (!strcmp(k, "FailureAction")) { collect(c, T_STR | T_LIST, v) ; do_action(c, &u->failure_action) ; return 1 ; }
  if (!strcmp(k, "SuccessAction")) { collect(c, T_STR | T_LIST, v) ; do_action(c, &u->success_action) ; return 1 ; }
  return 0 ;
}

static struct { char const *key ; enum dep_kind kind ; } const unit_dep_keys[] =
{
  { "After", DEP_AFTER }, { "Before", DEP_BEFORE }, { "Requires", DEP_REQUIRES }, { "Wants", DEP_WANTS },
  { "BindsTo", DEP_BINDS_TO }, { "Requisite", DEP_REQUISITE }, { "PartOf", DEP_PART_OF }, { "Conflicts", DEP_CONFLICTS },
  { "OnFailure", DEP_ON_FAILURE }, { "OnSuccess", DEP_ON_SUCCESS }, { "Upholds", DEP_UPHOLDS },
} ;

static void dep_word (ctx *c, char const *w)
{
  char *r = spec(c, w) ;
  strlist_add(&c->u->deps[c->dep], r) ;
  free(r) ;
}

static int unit_key (ctx *c, char const *k, json_t const *v)
{
  unit *u = c->u ;
  for (unsigned int i = 0 ; i < sizeof(unit_dep_keys) / sizeof(unit_dep_keys[0]) ; i++)
    if (!strcmp(k, unit_dep_keys[i].key))
    {
      collect(c, T_STR | T_LIST, v) ;
      c->dep = unit_dep_keys[i].kind ;
      for (size_t j = 0 ; j < c->vals.n ; j++) each_word(c, c->vals.s[j], &dep_word) ;
      return 1 ;
    }
  if (!strcmp(k, "Description")) { collect(c, T_STR | T_LIST, v) ; if (last(c) && !u->description) u->description = xstrdup(last(c)) ; return 1 ; }
  if (!strcmp(k, "Documentation")) { collect(c, T_STR | T_LIST, v) ; return 1 ; }
  if (!strcmp(k, "DefaultDependencies")) { collect(c, T_STR | T_BOOL | T_LIST, v) ; u->default_deps = last(c) ? parse_bool(c, last(c)) : 1 ; return 1 ; }
  /* X- keys are extensions systemd itself ignores (NixOS's X-Restart-Triggers). */
  if (!strncmp(k, "X-", 2)) return 1 ;
  return 0 ;
}

/* ---- [Timer] ---- */

/* An OnCalendar=/startAt expression, checked and normalized now: a typo is an error at
   build time, not a timer that never fires. */
static void calendar_add (ctx *c, char const *expr, strlist *out)
{
  nci_calendar cal ;
  char const *why ;
  static char norm[NCI_CALENDAR_FMT_MAX] ;
  char *m ;
  if (nci_calendar_parse(expr, &cal, &why))
  {
    nci_calendar_format(&cal, norm) ;
    strlist_add(out, norm) ;
    return ;
  }
  m = xmalloc(strlen(expr) + strlen(why) + 40) ;
  strcpy(stpcpy(stpcpy(stpcpy(m, "invalid calendar expression \""), expr), "\": "), why) ;
  die(c, m) ;
}

static int timer_key (ctx *c, char const *k, json_t const *v)
{
  static char const *const span_keys[TIMER_SPAN_N] = { "OnActiveSec", "OnBootSec", "OnStartupSec", "OnUnitActiveSec", "OnUnitInactiveSec" } ;
  timer_config *t = &c->u->timer ;
  if (!strcmp(k, "OnCalendar"))
  {
    collect(c, T_STR | T_LIST, v) ;
    if (c->reset) strlist_clear(&t->on_calendar) ;
    for (size_t i = 0 ; i < c->vals.n ; i++) calendar_add(c, c->vals.s[i], &t->on_calendar) ;
    return 1 ;
  }
  for (unsigned int i = 0 ; i < TIMER_SPAN_N ; i++) if (!strcmp(k, span_keys[i]))
  {
    collect(c, T_STR | T_INT | T_LIST, v) ;
    if (c->reset) strlist_clear(&t->spans[i]) ;
    for (size_t j = 0 ; j < c->vals.n ; j++)
    {
      char buf[UINT64_FMT + 1] ;
      buf[uint64_fmt(buf, parse_span(c, c->vals.s[j], NCI_USEC_PER_SEC))] = 0 ;
      strlist_add(&t->spans[i], buf) ;
    }
    return 1 ;
  }
  if (!strcmp(k, "Unit")) { collect(c, T_STR | T_LIST, v) ; set_str(c, &t->unit) ; return 1 ; }
  if (!strcmp(k, "Persistent")) { collect(c, T_STR | T_BOOL | T_LIST, v) ; t->persistent = last(c) ? parse_bool(c, last(c)) : 0 ; return 1 ; }
  if (!strcmp(k, "WakeSystem")) { collect(c, T_STR | T_BOOL | T_LIST, v) ; t->wake_system = last(c) ? parse_bool(c, last(c)) : 0 ; return 1 ; }
  if (!strcmp(k, "RemainAfterElapse")) { collect(c, T_STR | T_BOOL | T_LIST, v) ; t->remain_after_elapse = last(c) ? parse_bool(c, last(c)) : 1 ; return 1 ; }
  if (!strcmp(k, "FixedRandomDelay")) { collect(c, T_STR | T_BOOL | T_LIST, v) ; t->fixed_random_delay = last(c) ? parse_bool(c, last(c)) : 0 ; return 1 ; }
  if (!strcmp(k, "AccuracySec")) { collect(c, T_STR | T_INT | T_LIST, v) ; t->accuracy_usec = last(c) ? parse_span(c, last(c), NCI_USEC_PER_SEC) : 60 * NCI_USEC_PER_SEC ; return 1 ; }
  if (!strcmp(k, "RandomizedDelaySec")) { collect(c, T_STR | T_INT | T_LIST, v) ; t->randomized_delay_usec = last(c) ? parse_span(c, last(c), NCI_USEC_PER_SEC) : 0 ; return 1 ; }
  return 0 ;
}

/* ---- top level ---- */

/* Both tables are sorted, for bsearch: every unit has some forty top-level keys. */
static struct top_dep_s { char const *key ; enum dep_kind kind ; } const top_dep_keys[] =
{
  { "after", DEP_AFTER }, { "before", DEP_BEFORE }, { "bindsTo", DEP_BINDS_TO }, { "conflicts", DEP_CONFLICTS },
  { "onFailure", DEP_ON_FAILURE }, { "onSuccess", DEP_ON_SUCCESS }, { "partOf", DEP_PART_OF },
  { "requiredBy", DEP_REQUIRED_BY }, { "requires", DEP_REQUIRES }, { "requisite", DEP_REQUISITE },
  { "upheldBy", DEP_UPHELD_BY }, { "upholds", DEP_UPHOLDS }, { "wantedBy", DEP_WANTED_BY }, { "wants", DEP_WANTS },
} ;

/* NixOS bookkeeping with no meaning at run time: the scripts are already in
   serviceConfig.Exec*, the triggers and *IfChanged drive switch-to-configuration. */
static char const *const top_ignored[] =
{
  "documentation", "enableStrictShellChecks", "jobScripts", "name", "notSocketActivated", "overrideStrategy",
  "postStart", "postStop", "preStart", "preStop", "reload", "reloadIfChanged", "reloadTriggers",
  "restartIfChanged", "restartTriggers", "script", "scriptArgs", "stopIfChanged",
} ;

/* The first member of each table entry is its key. */
static int cmp_key (void const *key, void const *entry)
{
  return strcmp(key, *(char const *const *)entry) ;
}

static void string_list (ctx *c, json_t const *v, strlist *out)
{
  size_t i ;
  json_t const *e ;
  if (!json_is_array(v)) expected(c, T_STR | T_LIST, v) ;
  json_array_foreach(v, i, e)
  {
    if (!json_is_string(e)) expected(c, T_STR | T_LIST, e) ;
    strlist_add(out, json_string_value(e)) ;
  }
}

/* An object's members, sorted by key: the order their effects are applied in, and
   the order in which their errors are met. The keys are the object's own. */
typedef struct kv_s kv ;
struct kv_s
{
  char const *k ;
  json_t const *v ;
} ;

static int cmp_kv (void const *a, void const *b)
{
  return strcmp(((kv const *)a)->k, ((kv const *)b)->k) ;
}

static kv *sorted_members (json_t const *obj, size_t *n)
{
  kv *m = xmalloc((json_object_size(obj) + 1) * sizeof(kv)) ;
  char const *k ;
  json_t const *v ;
  size_t i = 0 ;
  json_object_foreach((json_t *)obj, k, v) m[i++] = (kv){ .k = k, .v = v } ;
  if (i > 1) qsort(m, i, sizeof(kv), &cmp_kv) ;
  *n = i ;
  return m ;
}

static void do_env_attrs (ctx *c, json_t const *v)
{
  kv *m ;
  size_t n ;
  if (!json_is_object(v)) die2(c, "expected an object of strings, got", type_name(v)) ;
  m = sorted_members(v, &n) ;
  for (size_t i = 0 ; i < n ; i++)
  {
    json_t const *val = m[i].v ;
    char buf[INT_FMT + 2] ;
    char const *s ;
    char *line ;
    if (!env_name_ok(m[i].k, strlen(m[i].k))) die2(c, "invalid variable name", m[i].k) ;
    if (json_is_null(val)) continue ;
    if (json_is_string(val)) s = json_string_value(val) ;
    else if (json_is_integer(val))
    {
      long long nv = json_integer_value(val) ;
      buf[nv < 0 ? int64_fmt(buf, nv) : uint64_fmt(buf, (uint64_t)nv)] = 0 ;
      s = buf ;
    }
    else { set_key(c, "environment", m[i].k) ; expected(c, T_STR | T_INT, val) ; }
    line = xmalloc(strlen(m[i].k) + strlen(s) + 2) ;
    strcpy(stpcpy(stpcpy(line, m[i].k), "="), s) ;
    set_key(c, "environment", m[i].k) ;
    {
      char *r = spec(c, line) ;
      strlist_add(&c->u->env, r) ;
      free(r) ;
    }
    free(line) ;
  }
  free(m) ;
}

static int env_has (unit const *u, char const *name)
{
  size_t l = strlen(name) ;
  for (size_t i = 0 ; i < u->env.n ; i++) if (!strncmp(u->env.s[i], name, l) && u->env.s[i][l] == '=') return 1 ;
  return 0 ;
}

/* PATH from `path` for input that has no environment.PATH (NixOS always writes one):
   the 17.03 string is already joined; a list gives bin dirs, then sbin dirs. */
static void path_fallback (ctx *c, json_t const *v)
{
  stralloc sa = STRALLOC_ZERO ;
  if (!v || env_has(c->u, "PATH")) return ;
  set_key(c, "", "path") ;
  if (!stralloc_cats(&sa, "PATH=")) strerr_diefusys(111, "allocate memory") ;
  if (json_is_string(v))
  {
    if (!json_string_value(v)[0]) { stralloc_free(&sa) ; return ; }
    stralloc_cats(&sa, json_string_value(v)) ;
  }
  else if (json_is_array(v))
  {
    strlist l = STRLIST_ZERO ;
    string_list(c, v, &l) ;
    if (!l.n) { free(l.s) ; stralloc_free(&sa) ; return ; }
    for (int pass = 0 ; pass < 2 ; pass++)
      for (size_t i = 0 ; i < l.n ; i++)
      {
        if (sa.len > 5) stralloc_catb(&sa, ":", 1) ;
        stralloc_cats(&sa, l.s[i]) ;
        stralloc_cats(&sa, pass ? "/sbin" : "/bin") ;
      }
    strlist_clear(&l) ;
    free(l.s) ;
  }
  else expected(c, T_STR | T_LIST, v) ;
  if (!stralloc_0(&sa)) strerr_diefusys(111, "allocate memory") ;
  strlist_add(&c->u->env, sa.s) ;
  stralloc_free(&sa) ;
}

static void section (ctx *c, char const *name, json_t const *obj, int (*handler)(ctx *, char const *, json_t const *))
{
  kv *m ;
  size_t n ;
  if (!json_is_object(obj)) { set_key(c, "", name) ; die2(c, "expected an object, got", type_name(obj)) ; }
  m = sorted_members(obj, &n) ;
  /* TimeoutSec first: the specific TimeoutStartSec/TimeoutStopSec win over it. */
  if (handler == &service_key && json_object_get(obj, "TimeoutSec"))
  {
    set_key(c, name, "TimeoutSec") ;
    collect(c, T_STR | T_INT | T_LIST, json_object_get(obj, "TimeoutSec")) ;
    if (last(c)) c->u->timeout_start_usec = c->u->timeout_stop_usec = parse_span(c, last(c), NCI_USEC_PER_SEC) ;
  }
  for (size_t i = 0 ; i < n ; i++)
  {
    set_key(c, name, m[i].k) ;
    if (!strcmp(m[i].k, "TimeoutSec") && handler == &service_key) continue ;
    /* X- keys are extensions systemd itself ignores, in every section. */
    if (!strncmp(m[i].k, "X-", 2)) continue ;
    if ((*handler)(c, m[i].k, m[i].v) || common_key(c, m[i].k, m[i].v)) continue ;
    report_add(REPORT_UNSUPPORTED, c->u->name, c->key, "not implemented by nci: ignored") ;
  }
  free(m) ;
}

static int bool_of (ctx *c, json_t const *v)
{
  if (json_is_boolean(v)) return json_is_true(v) ;
  expected(c, T_BOOL, v) ;
  return 0 ;
}

/* A timer has its [Timer] section and no [Service]; what it needs to trigger at all is
   checked as systemd checks it when it loads a timer. */
static void timer_finish (ctx *c, json_t const *tc)
{
  timer_config const *t = &c->u->timer ;
  int any ;
  if (tc) section(c, "timerConfig", tc, &timer_key) ;
  any = t->on_calendar.n > 0 ;
  for (unsigned int i = 0 ; i < TIMER_SPAN_N ; i++) if (t->spans[i].n) any = 1 ;
  if (!any) die_unit(c->u->name, "timerConfig", "no OnCalendar=, OnActiveSec=, OnBootSec=, OnStartupSec=, OnUnitActiveSec= or OnUnitInactiveSec=: the timer would never elapse") ;
  if (c->u->description == 0) c->u->description = xstrdup("") ;
  strlist_clear(&c->vals) ;
  free(c->vals.s) ;
  free((char *)c->sp.unit) ;
  free((char *)c->sp.prefix) ;
}

void unit_parse (unit *u, char const *name, json_t const *obj)
{
  ctx c = { .u = u, .section = "", .vals = STRLIST_ZERO } ;
  json_t const *v ;
  char const *at ;
  char const *k ;
  memset(u, 0, sizeof(*u)) ;
  u->name = xstrdup(name) ;
  u->enabled = 1 ;
  u->default_deps = 1 ;
  u->type = TYPE_SIMPLE ;
  u->restart = xstrdup("no") ;
  u->restart_usec = 100000 ;
  u->start_limit_burst = 5 ;
  u->start_limit_interval_usec = 10 * NCI_USEC_PER_SEC ;
  u->timeout_start_usec = 90 * NCI_USEC_PER_SEC ;
  u->timeout_stop_usec = 90 * NCI_USEC_PER_SEC ;
  u->kill_signal = 15 ;
  u->kill_mode = xstrdup("control-group") ;
  u->failure_action = xstrdup("none") ;
  u->success_action = xstrdup("none") ;
  u->umask = 022 ;
  for (unsigned int i = 0 ; i < DIR_N ; i++) u->dir_mode[i] = 0755 ;
  at = strchr(name, '@') ;
  u->is_template = at && !at[1] ;
  u->is_timer = strlen(name) > 6 && !strcmp(name + strlen(name) - 6, ".timer") ;
  u->is_socket = strlen(name) > 7 && !strcmp(name + strlen(name) - 7, ".socket") ;
  u->timer.remain_after_elapse = 1 ;
  u->timer.accuracy_usec = 60 * NCI_USEC_PER_SEC ;
  set_key(&c, "", "") ;
  if (!json_is_object(obj)) die_unit(name, "", "expected an object") ;

  /* Specifiers depend on the unit name and on User=/Group=, which are known first. */
  {
    json_t const *sc = json_object_get(obj, "serviceConfig") ;
    json_t const *uv = sc && json_is_object(sc) ? json_object_get(sc, "User") : 0 ;
    json_t const *gv = sc && json_is_object(sc) ? json_object_get(sc, "Group") : 0 ;
    char *full = xmalloc(strlen(name) + 9) ;
    char *prefix = xstrdup(name) ;
    char *p = strchr(prefix, '@') ;
    strcpy(stpcpy(full, name), u->is_timer || u->is_socket ? "" : ".service") ;
    if (p) *p = 0 ;
    c.sp.unit = full ;
    c.sp.prefix = prefix ;
    c.sp.instance = at ? at + 1 : "" ;
    if (!uv || (json_is_string(uv) && !json_string_value(uv)[0]))
    {
      c.sp.user = "root" ; c.sp.uid = "0" ; c.sp.home = "/root" ; c.sp.shell = "/bin/sh" ;
      if (!gv) { c.sp.group = "root" ; c.sp.gid = "0" ; }
    }
    else if (json_is_string(uv)) c.sp.user = json_string_value(uv) ;
    if (gv && json_is_string(gv) && json_string_value(gv)[0]) c.sp.group = json_string_value(gv) ;
  }

  json_object_foreach((json_t *)obj, k, v)
  {
    struct top_dep_s const *dep = bsearch(k, top_dep_keys, sizeof(top_dep_keys) / sizeof(top_dep_keys[0]), sizeof(top_dep_keys[0]), &cmp_key) ;
    set_key(&c, "", k) ;
    if (dep) string_list(&c, v, &u->deps[dep->kind]) ;
    else if (bsearch(k, top_ignored, sizeof(top_ignored) / sizeof(top_ignored[0]), sizeof(top_ignored[0]), &cmp_key)) ;
    else if (!strcmp(k, "description"))
    {
      if (!json_is_string(v)) expected(&c, T_STR, v) ;
      if (json_string_value(v)[0]) { free(u->description) ; u->description = xstrdup(json_string_value(v)) ; }
    }
    else if (!strcmp(k, "enable")) u->enabled = bool_of(&c, v) ;
    else if (!strcmp(k, "startAt"))
    {
      strlist l = STRLIST_ZERO ;
      if (json_is_string(v)) { if (json_string_value(v)[0]) strlist_add(&l, json_string_value(v)) ; }
      else string_list(&c, v, &l) ;
      strlist_clear(&u->start_at) ;
      for (size_t i = 0 ; i < l.n ; i++) calendar_add(&c, l.s[i], &u->start_at) ;
      u->has_start_at = l.n > 0 ;
      strlist_clear(&l) ;
      free(l.s) ;
    }
    else if (!strcmp(k, "aliases"))
    {
      strlist l = STRLIST_ZERO ;
      string_list(&c, v, &l) ;
      if (l.n) report_add(REPORT_UNSUPPORTED, name, "aliases", "other names for a unit are not implemented: ignored") ;
      strlist_clear(&l) ;
      free(l.s) ;
    }
    else if (!strcmp(k, "environment") || !strcmp(k, "path") || !strcmp(k, "serviceConfig") || !strcmp(k, "unitConfig")) ;
    else if (!strcmp(k, "timerConfig") && u->is_timer) ;
    else if (u->is_socket) ;
    else if (!strcmp(k, "startLimitBurst") || !strcmp(k, "startLimitIntervalSec"))
    {
      char key[32] ;
      strcpy(key, k) ;
      key[0] = 'S' ;
      set_key(&c, "", k) ;
      common_key(&c, key, v) ;
    }
    else report_add(REPORT_UNSUPPORTED, name, k, "unknown key: ignored") ;
  }

  /* [Unit] first so that serviceConfig's StartLimit* (old form) and actions win, as
     they would in a unit file where [Service] comes after [Unit]. */
  if (u->is_socket)
  {
    report_add(REPORT_UNSUPPORTED, name, "socketConfig", "sockets are not run by nci-init yet: ignored") ;
    if (u->description == 0) u->description = xstrdup("") ;
    strlist_clear(&c.vals) ;
    free(c.vals.s) ;
    free((char *)c.sp.unit) ;
    free((char *)c.sp.prefix) ;
    return ;
  }
  v = json_object_get(obj, "environment") ;
  if (v) { set_key(&c, "", "environment") ; do_env_attrs(&c, v) ; }
  v = json_object_get(obj, "unitConfig") ;
  if (v) section(&c, "unitConfig", v, &unit_key) ;
  if (u->is_timer)
  {
    if (json_object_get(obj, "serviceConfig"))
      report_add(REPORT_UNSUPPORTED, name, "serviceConfig", "a timer has no [Service] section: ignored") ;
    timer_finish(&c, json_object_get(obj, "timerConfig")) ;
    return ;
  }
  v = json_object_get(obj, "serviceConfig") ;
  if (v) section(&c, "serviceConfig", v, &service_key) ;
  path_fallback(&c, json_object_get(obj, "path")) ;
  if (!env_has(u, "PATH")) strlist_add(&u->env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin") ;
  if (u->description == 0) u->description = xstrdup("") ;

  /* Checks systemd makes when it loads a service. */
  set_key(&c, "serviceConfig", "ExecStart") ;
  if (!json_object_get(obj, "serviceConfig") || !json_object_get(json_object_get(obj, "serviceConfig"), "Type"))
    if (!u->exec[EXEC_START].n) u->type = TYPE_ONESHOT ;
  if (u->type != TYPE_ONESHOT)
  {
    if (!u->exec[EXEC_START].n) die(&c, "missing: a service that is not Type=oneshot needs an ExecStart") ;
    if (u->exec[EXEC_START].n > 1) die(&c, "more than one command, which only Type=oneshot allows") ;
  }
  else
  {
    if (!u->exec[EXEC_START].n && !(u->exec[EXEC_STOP].n && u->remain_after_exit))
      die(&c, "missing: a Type=oneshot service needs an ExecStart, or an ExecStop with RemainAfterExit=yes") ;
    if (!strcmp(u->restart, "always") || !strcmp(u->restart, "on-success"))
    {
      set_key(&c, "serviceConfig", "Restart") ;
      die2(&c, "Type=oneshot does not allow Restart=", u->restart) ;
    }
    if (!json_object_get(json_object_get(obj, "serviceConfig"), "TimeoutStartSec")
     && !json_object_get(json_object_get(obj, "serviceConfig"), "TimeoutSec"))
      u->timeout_start_usec = NCI_TIMESPAN_INFINITY ;
  }
  for (size_t i = 0 ; i < u->exec[EXEC_START].n ; i++)
    if (!u->exec[EXEC_START].c[i].n) die(&c, "no program") ;
  strlist_clear(&c.vals) ;
  free(c.vals.s) ;
  free((char *)c.sp.unit) ;
  free((char *)c.sp.prefix) ;
}
