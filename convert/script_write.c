/* Execline scripts for a unit's command lists. Each command runs through nci-exec,
   which applies the unit's execution context; the commands of a list run in order,
   a failure (without the "-" prefix) ends the list with that command's exit code,
   as systemd runs ExecStartPre= and friends. */

#include <stdio.h>
#include <string.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>
#include <nci/cmdline.h>
#include "convert.h"

static void cat (stralloc *sa, char const *s)
{
  if (!stralloc_cats(sa, s)) strerr_diefusys(111, "allocate memory") ;
}

static int safe_char (char ch)
{
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
    || ch == '_' || ch == '/' || ch == '.' || ch == ',' || ch == ':' || ch == '=' || ch == '@' || ch == '%' || ch == '+' || ch == '-' ;
}

static int safe (char const *w)
{
  if (!*w) return 0 ;
  for (; *w ; w++) if (!safe_char(*w)) return 0 ;
  return 1 ;
}

/* Appends one word as execlineb reads it: bare when it cannot be mistaken for
   anything else, otherwise double-quoted with execline's escapes. */
static void word (stralloc *sa, char const *w)
{
  if (sa->len && sa->s[sa->len - 1] != '\n' && sa->s[sa->len - 1] != ' ') cat(sa, " ") ;
  if (safe(w))
  {
    if (!stralloc_catb(sa, w, strlen(w))) strerr_diefusys(111, "allocate memory") ;
    return ;
  }
  cat(sa, "\"") ;
  for (; *w ; w++)
  {
    unsigned char ch = (unsigned char)*w ;
    char buf[8] ;
    if (ch == '"' || ch == '\\') { buf[0] = '\\' ; buf[1] = (char)ch ; buf[2] = 0 ; }
    else if (ch == '\n') strcpy(buf, "\\n") ;
    else if (ch == '\t') strcpy(buf, "\\t") ;
    else if (ch < 0x20 || ch == 0x7f)
    {
      static char const hex[] = "0123456789abcdef" ;
      buf[0] = '\\' ; buf[1] = '0' ; buf[2] = 'x' ; buf[3] = hex[ch >> 4] ; buf[4] = hex[ch & 15] ; buf[5] = 0 ;
    }
    else { buf[0] = (char)ch ; buf[1] = 0 ; }
    cat(sa, buf) ;
  }
  cat(sa, "\"") ;
}

static void tool (stralloc *sa, char const *dir, char const *name)
{
  char buf[4096] ;
  snprintf(buf, sizeof(buf), "%s/%s", dir, name) ;
  word(sa, buf) ;
}

static char const *const dir_kinds[DIR_N] = { "state", "runtime", "logs", "cache", "configuration" } ;

static void context (stralloc *sa, unit const *u, int privileged)
{
  char buf[256] ;
  word(sa, "-e") ; word(sa, "env") ;
  for (size_t i = 0 ; i < u->env_files.n ; i++) { word(sa, "-f") ; word(sa, u->env_files.s[i]) ; }
  if (!privileged)
  {
    if (u->user) { word(sa, "-u") ; word(sa, u->user) ; }
    if (u->group) { word(sa, "-g") ; word(sa, u->group) ; }
    if (u->supplementary_groups.n)
    {
      stralloc g = STRALLOC_ZERO ;
      for (size_t i = 0 ; i < u->supplementary_groups.n ; i++)
      {
        if (i) cat(&g, ",") ;
        cat(&g, u->supplementary_groups.s[i]) ;
      }
      if (!stralloc_0(&g)) strerr_diefusys(111, "allocate memory") ;
      word(sa, "-G") ; word(sa, g.s) ;
      stralloc_free(&g) ;
    }
  }
  if (u->working_directory) { word(sa, "-w") ; word(sa, u->working_directory) ; }
  /* unit_parse keeps the umask within 0777: four octal digits. */
  for (unsigned int i = 0 ; i < 4 ; i++) buf[i] = (char)('0' + ((unsigned int)u->umask >> (3 * (3 - i)) & 7)) ;
  buf[4] = 0 ;
  word(sa, "-m") ; word(sa, buf) ;
  if (u->nice_set) { buf[int_fmt(buf, u->nice)] = 0 ; word(sa, "-n") ; word(sa, buf) ; }
  for (unsigned int i = 0 ; i < NLIMITS ; i++) if (u->limits[i].set)
  {
    static char const *const res[NLIMITS] = { "cpu", "fsize", "data", "stack", "core", "rss", "nofile", "as",
      "nproc", "memlock", "locks", "sigpending", "msgqueue", "nice", "rtprio", "rttime" } ;
    char soft[UINT64_FMT + 1] = "infinity", hard[UINT64_FMT + 1] = "infinity" ;
    if (u->limits[i].soft != UINT64_MAX) soft[uint64_fmt(soft, u->limits[i].soft)] = 0 ;
    if (u->limits[i].hard != UINT64_MAX) hard[uint64_fmt(hard, u->limits[i].hard)] = 0 ;
    snprintf(buf, sizeof(buf), "%s=%s:%s", res[i], soft, hard) ;
    word(sa, "-l") ; word(sa, buf) ;
  }
  for (unsigned int k = 0 ; k < DIR_N ; k++)
    for (size_t i = 0 ; i < u->dirs[k].n ; i++)
    {
      stralloc d = STRALLOC_ZERO ;
      snprintf(buf, sizeof(buf), "%s:", dir_kinds[k]) ;
      cat(&d, buf) ;
      cat(&d, u->dirs[k].s[i]) ;
      snprintf(buf, sizeof(buf), ":%04o:", u->dir_mode[k]) ;
      cat(&d, buf) ;
      cat(&d, u->user ? u->user : "root") ;
      cat(&d, ":") ;
      cat(&d, u->group ? u->group : (u->user ? "" : "root")) ;
      if (!stralloc_0(&d)) strerr_diefusys(111, "allocate memory") ;
      word(sa, "-d") ; word(sa, d.s) ;
      stralloc_free(&d) ;
    }
  {
    char const *o = u->std_output ? u->std_output : "inherit" ;
    char const *e = u->std_error ? u->std_error : "stdout" ;
    if (strcmp(o, "inherit")) { word(sa, "-o") ; word(sa, o) ; }
    if (strcmp(e, "inherit") && (strcmp(e, "stdout") || strcmp(o, "inherit"))) { word(sa, "-O") ; word(sa, e) ; }
  }
  if (u->no_new_privileges && !privileged) word(sa, "-N") ;
}

static void command (stralloc *sa, unit const *u, nci_cmdline const *c, int privileged, paths const *p)
{
  char const *w = c->words.s ;
  unsigned int i = 0 ;
  tool(sa, p->nci_bindir, "nci-exec") ;
  context(sa, u, privileged || (c->flags & (NCI_CMD_PRIVILEGED | NCI_CMD_NO_SETUID))) ;
  if (c->flags & NCI_CMD_NO_EXPAND) word(sa, "-x") ;
  if (c->flags & NCI_CMD_ARGV0)
  {
    char const *argv0 = w + strlen(w) + 1 ;
    word(sa, "-a") ; word(sa, argv0) ;
    word(sa, "--") ; word(sa, w) ;
    w = argv0 + strlen(argv0) + 1 ;
    i = 2 ;
  }
  else word(sa, "--") ;
  for (; i < c->n ; i++) { word(sa, w) ; w += strlen(w) + 1 ; }
}

void script_write (stralloc *sa, unit const *u, enum exec_key const *keys, unsigned int nkeys, int exec_last, paths const *p)
{
  size_t total = 0, done = 0 ;
  for (unsigned int k = 0 ; k < nkeys ; k++) total += u->exec[keys[k]].n ;
  cat(sa, "#!") ;
  cat(sa, p->execline_bindir) ;
  cat(sa, "/execlineb -P\n") ;
  for (unsigned int k = 0 ; k < nkeys ; k++)
  {
    /* PermissionsStartOnly= runs everything but ExecStart= with full privileges. */
    int privileged = u->permissions_start_only && keys[k] != EXEC_START ;
    for (size_t i = 0 ; i < u->exec[keys[k]].n ; i++)
    {
      nci_cmdline const *c = &u->exec[keys[k]].c[i] ;
      int ignore = !!(c->flags & NCI_CMD_IGNORE_FAILURE) ;
      /* With exec_last, the last command is the service's main process, exec'd by
         the script itself: its "-" is the supervisor's business (ignore-failure). */
      if (++done == total && (!ignore || exec_last))
      {
        command(sa, u, c, privileged, p) ;
        cat(sa, "\n") ;
        break ;
      }
      tool(sa, p->execline_bindir, ignore ? "foreground" : "if") ;
      cat(sa, " {") ;
      command(sa, u, c, privileged, p) ;
      cat(sa, " }\n") ;
      if (done == total)
      {
        tool(sa, p->execline_bindir, "exit") ;
        word(sa, "0") ;
        cat(sa, "\n") ;
      }
    }
  }
}
