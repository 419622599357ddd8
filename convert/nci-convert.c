/* nci-convert: NixOS systemd.services JSON -> compiled service tree. */

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>
#include <skalibs/strerr.h>
#include "convert.h"

#define USAGE "nci-convert [ --strict ] [ --report FILE ] [ --execline-bindir DIR ] [ --nci-bindir DIR ] INPUT.json OUTDIR"

char const *PROG = "nci-convert" ;

static char *tmpdir ;

static int rm_rf_at (int dirfd, char const *name)
{
  int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) ;
  if (fd < 0) return errno == ENOTDIR || errno == ELOOP ? unlinkat(dirfd, name, 0) == 0 : errno == ENOENT ;
  {
    int fd2 = dup(fd) ;
    DIR *d ;
    struct dirent *e ;
    if (fd2 < 0) { close(fd) ; return 0 ; }
    d = fdopendir(fd2) ;
    if (!d) { close(fd2) ; close(fd) ; return 0 ; }
    while ((e = readdir(d)))
    {
      if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue ;
      if (!rm_rf_at(fd, e->d_name)) { closedir(d) ; close(fd) ; return 0 ; }
    }
    closedir(d) ;
  }
  close(fd) ;
  return unlinkat(dirfd, name, AT_REMOVEDIR) == 0 ;
}

static void cleanup (void)
{
  if (!tmpdir) return ;
  rm_rf_at(AT_FDCWD, tmpdir) ;
  tmpdir = 0 ;
}

static int valid_name (char const *s)
{
  size_t at = 0 ;
  if (!s[0] || !strcmp(s, ".") || !strcmp(s, "..") || strlen(s) > 247) return 0 ;
  for (char const *p = s ; *p ; p++)
  {
    if (*p == '@') at++ ;
    else if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr(":_.\\-", *p))) return 0 ;
  }
  return at <= 1 && s[0] != '@' ;
}

static int cmp_units (void const *a, void const *b)
{
  return strcmp(((unit const *)a)->name, ((unit const *)b)->name) ;
}

/* Reads the whole input first: jansson parses a buffer much faster than a stream. */
static json_t *load (char const *file)
{
  json_error_t err ;
  json_t *root ;
  stralloc sa = STRALLOC_ZERO ;
  int fd = strcmp(file, "-") ? open(file, O_RDONLY | O_CLOEXEC) : 0 ;
  if (fd < 0) strerr_diefusys(111, "open ", file) ;
  for (;;)
  {
    ssize_t r ;
    if (!stralloc_readyplus(&sa, 65536)) strerr_diefusys(111, "allocate memory") ;
    r = read(fd, sa.s + sa.len, 65536) ;
    if (r < 0) { if (errno == EINTR) continue ; strerr_diefusys(111, "read ", file) ; }
    if (!r) break ;
    sa.len += (size_t)r ;
  }
  if (fd) close(fd) ;
  root = json_loadb(sa.s ? sa.s : "", sa.len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err) ;
  stralloc_free(&sa) ;
  if (!root)
  {
    char lc[64] ;
    snprintf(lc, sizeof(lc), ":%d:%d", err.line, err.column) ;
    strerr_dief(1, input_name, lc, ": invalid JSON: ", err.text) ;
  }
  if (!json_is_object(root)) strerr_dief(1, input_name, ": expected an object mapping unit names to services") ;
  return root ;
}

static void write_report_file (char const *file, char const *text)
{
  FILE *f ;
  if (!strcmp(file, "-")) f = stdout ;
  else if (!(f = fopen(file, "w"))) strerr_diefusys(111, "open ", file) ;
  if (fputs(text, f) == EOF || fflush(f) == EOF) strerr_diefusys(111, "write ", file) ;
  if (f != stdout && fclose(f) == EOF) strerr_diefusys(111, "write ", file) ;
}

/* Puts the new tree in place of outdir in one step: a rename when outdir does not
   exist (or is empty), an exchange with the old tree otherwise. */
static void commit (char const *outdir)
{
  struct stat st ;
  if (rename(tmpdir, outdir) == 0) { tmpdir = 0 ; return ; }
  if (errno != ENOTEMPTY && errno != EEXIST) { int e = errno ; cleanup() ; errno = e ; strerr_diefusys(111, "rename ", tmpdir, " to ", outdir) ; }
  if (stat(outdir, &st) < 0 || !S_ISDIR(st.st_mode)) { cleanup() ; strerr_dief(111, "unable to replace ", outdir, ": not a directory") ; }
  if (renameat2(AT_FDCWD, tmpdir, AT_FDCWD, outdir, RENAME_EXCHANGE) < 0)
  {
    int e = errno ;
    cleanup() ;
    errno = e ;
    strerr_diefusys(111, "exchange ", tmpdir, " with ", outdir) ;
  }
  if (!rm_rf_at(AT_FDCWD, tmpdir)) strerr_warnwusys("remove the previous tree, now at ", tmpdir) ;
  tmpdir = 0 ;
}

int main (int argc, char const *const *argv)
{
  int strict = 0 ;
  char const *report_file = 0 ;
  paths p = { .execline_bindir = NCI_EXECLINE_BINDIR, .nci_bindir = NCI_BINDIR } ;
  char const *args[2] ;
  unsigned int nargs = 0 ;
  tree t = { 0 } ;
  json_t *root ;
  char const *k ;
  json_t *v ;
  char *report ;
  strlist names = STRLIST_ZERO ;

  for (int i = 1 ; i < argc ; i++)
  {
    char const *a = argv[i] ;
    if (!strcmp(a, "--strict")) strict = 1 ;
    else if (!strcmp(a, "--report") || !strcmp(a, "--execline-bindir") || !strcmp(a, "--nci-bindir"))
    {
      if (i + 1 >= argc) strerr_dieusage(100, USAGE) ;
      if (a[2] == 'r') report_file = argv[++i] ;
      else if (a[2] == 'e') p.execline_bindir = argv[++i] ;
      else p.nci_bindir = argv[++i] ;
    }
    else if (!strcmp(a, "--help")) { fputs("usage: " USAGE "\n", stdout) ; return 0 ; }
    else if (!strcmp(a, "--")) { while (++i < argc && nargs < 2) args[nargs++] = argv[i] ; if (i < argc) strerr_dieusage(100, USAGE) ; break ; }
    else if (a[0] == '-' && a[1]) strerr_dieusage(100, USAGE) ;
    else if (nargs < 2) args[nargs++] = a ;
    else strerr_dieusage(100, USAGE) ;
  }
  if (nargs != 2 || !args[1][0]) strerr_dieusage(100, USAGE) ;
  if (p.execline_bindir[0] != '/' || p.nci_bindir[0] != '/') strerr_dief(100, "the bin directories must be absolute paths") ;
  input_name = args[0] ;
  umask(022) ;

  root = load(args[0]) ;
  json_object_foreach(root, k, v) strlist_add(&names, k) ;
  strlist_sort_unique(&names) ;
  t.units = xmalloc((names.n + 1) * sizeof(unit)) ;
  for (size_t i = 0 ; i < names.n ; i++)
  {
    char *name = xstrdup(names.s[i]) ;
    size_t l = strlen(name) ;
    if (l > 8 && !strcmp(name + l - 8, ".service")) name[l - 8] = 0 ;
    if (!valid_name(name)) strerr_dief(1, input_name, ": unit ", names.s[i], ": not a valid unit name") ;
    for (size_t j = 0 ; j < t.n ; j++)
      if (!strcmp(t.units[j].name, name)) strerr_dief(1, input_name, ": unit ", name, ": defined twice") ;
    unit_parse(&t.units[t.n++], name, json_object_get(root, names.s[i])) ;
    free(name) ;
  }
  json_decref(root) ;
  qsort(t.units, t.n, sizeof(unit), &cmp_units) ;
  graph_build(&t) ;

  report = report_text() ;
  if (report_count(REPORT_UNSUPPORTED) + report_count(REPORT_FAILS))
  {
    for (char *line = report ; *line ; )
    {
      char *nl = strchr(line, '\n') ;
      *nl = 0 ;
      if (strstr(line, ": unsupported: ") || strstr(line, ": fails: ")) strerr_warnw(input_name, ": ", line) ;
      *nl = '\n' ;
      line = nl + 1 ;
    }
    if (strict) strerr_dief(1, input_name, ": --strict: the input uses what nci does not implement, or makes units fail (listed above)") ;
  }

  {
    size_t l = strlen(args[1]) ;
    while (l > 1 && args[1][l - 1] == '/') l-- ;
    tmpdir = xmalloc(l + 16) ;
    memcpy(tmpdir, args[1], l) ;
    strcpy(tmpdir + l, ".nci-XXXXXX") ;
    if (!mkdtemp(tmpdir)) { char const *d = tmpdir ; tmpdir = 0 ; strerr_diefusys(111, "create ", d) ; }
    if (chmod(tmpdir, 0755) < 0) { int e = errno ; cleanup() ; errno = e ; strerr_diefusys(111, "chmod ", args[1]) ; }
  }
  if (!tree_write(tmpdir, &t, &p, report))
  {
    int e = errno ;
    char const *d = xstrdup(tmpdir) ;
    cleanup() ;
    errno = e ;
    strerr_diefusys(111, "write the tree in ", d) ;
  }
  if (report_file) write_report_file(report_file, report) ;
  commit(args[1]) ;
  return 0 ;
}
