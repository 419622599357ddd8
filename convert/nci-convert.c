/* nci-convert: NixOS systemd.services JSON -> compiled service tree. */

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <nci/self.h>
#include <nci/signal.h>
#include "convert.h"

#define USAGE "nci-convert [ --strict ] [ --report FILE ] [ --execline-bindir DIR ] [ --nci-bindir DIR ] INPUT.json OUTDIR"

char const *PROG = "nci-convert" ;

/* The new tree, beside OUTDIR, until it is put in place. */
static char *tmpdir ;
static int tmpdir_made ;

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

/* Keeps errno for the message that follows. */
static void cleanup (void)
{
  int e = errno ;
  if (tmpdir_made && !rm_rf_at(AT_FDCWD, tmpdir)) strerr_warnwu2sys("remove ", tmpdir) ;
  tmpdir_made = 0 ;
  errno = e ;
}

/* The report's unsupported and fails lines as warnings, in one write: there can be
   thousands. The bytes are strerr_warnw's. */
static void warn_report (char const *report)
{
  stralloc sa = STRALLOC_ZERO ;
  for (char const *line = report ; *line ; )
  {
    char const *nl = strchr(line, '\n') ;
    size_t len = (size_t)(nl - line) ;
    if ((memmem(line, len, ": unsupported: ", 15) || memmem(line, len, ": fails: ", 9))
     && !(stralloc_cats(&sa, PROG) && stralloc_cats(&sa, ": warning: ") && stralloc_cats(&sa, input_name)
       && stralloc_cats(&sa, ": ") && stralloc_catb(&sa, line, len + 1)))
      strerr_diefusys(111, "allocate memory") ;
    line = nl + 1 ;
  }
  /* As strerr_warnw: a warning that cannot be written has nowhere else to go. */
  allwrite(2, sa.s, sa.len) ;
  stralloc_free(&sa) ;
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
  if (rename(tmpdir, outdir) == 0) { tmpdir_made = 0 ; return ; }
  if (errno != ENOTEMPTY && errno != EEXIST) { cleanup() ; strerr_diefusys(111, "rename ", tmpdir, " to ", outdir) ; }
  if (stat(outdir, &st) < 0 || !S_ISDIR(st.st_mode)) { cleanup() ; strerr_dief(111, "unable to replace ", outdir, ": not a directory") ; }
  if (renameat2(AT_FDCWD, tmpdir, AT_FDCWD, outdir, RENAME_EXCHANGE) < 0) { cleanup() ; strerr_diefusys(111, "exchange ", tmpdir, " with ", outdir) ; }
  tmpdir_made = 0 ;
  if (!rm_rf_at(AT_FDCWD, tmpdir)) strerr_warnwusys("remove the previous tree, now at ", tmpdir) ;
}

static void make_tmpdir (char const *outdir)
{
  size_t l = strlen(outdir) ;
  while (l > 1 && outdir[l - 1] == '/') l-- ;
  tmpdir = xmalloc(l + 16) ;
  memcpy(tmpdir, outdir, l) ;
  strcpy(tmpdir + l, ".nci-XXXXXX") ;
  if (!mkdtemp(tmpdir)) strerr_diefusys(111, "create ", tmpdir) ;
  tmpdir_made = 1 ;
}

/* The tree is written by a child process. A fatal error can end the writing on any
   of its threads and at any depth (an allocation, a worker of parallel_for), and
   strerr's dies _exit at once, with nowhere to clean up from; a signal can end it
   too. Once the child is gone nothing writes in tmpdir any more: this process, on
   its one thread, removes it, once, and exits as the child did. Only the few fatal
   errors of this process itself call cleanup before they die. */
static void write_tree (tree const *t, paths const *p, char const *report, char const *report_file)
{
  int wstat ;
  pid_t pid = fork() ;
  if (pid < 0) { cleanup() ; strerr_diefusys(111, "fork to write the tree in ", tmpdir) ; }
  if (!pid)
  {
    if (chmod(tmpdir, 0755) < 0) strerr_diefusys(111, "chmod ", tmpdir) ;
    if (!tree_write(tmpdir, t, p, report)) strerr_diefusys(111, "write the tree in ", tmpdir) ;
    if (report_file) write_report_file(report_file, report) ;
    _exit(0) ;
  }
  if (wait_pid(pid, &wstat) < 0) { cleanup() ; strerr_diefusys(111, "wait for the writer of ", tmpdir) ; }
  if (WIFEXITED(wstat) && !WEXITSTATUS(wstat)) return ;
  cleanup() ;
  if (WIFSIGNALED(wstat))
  {
    char sig[NCI_SIGNAL_NAME_MAX] ;
    nci_signal_name(WTERMSIG(wstat), sig) ;
    strerr_dief(111, "unable to write the tree in ", tmpdir, ": killed by ", sig) ;
  }
  _exit(WEXITSTATUS(wstat)) ;
}

int main (int argc, char const *const *argv)
{
  int strict = 0 ;
  char const *report_file = 0 ;
  paths p = { .execline_bindir = NCI_EXECLINE_BINDIR, .nci_bindir = 0 } ;
  static char selfdir[PATH_MAX] ;
  char const *args[2] ;
  unsigned int nargs = 0 ;
  tree t = { 0 } ;
  input in ;
  char *report ;

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
  if (!p.nci_bindir)
  {
    /* the scripts call the nci-exec installed with this nci-convert, wherever
       that is; the build's PREFIX only when there is none beside it */
    if (nci_self_sibling(selfdir, sizeof selfdir, "nci-exec"))
    {
      char *slash = strrchr(selfdir, '/') ;
      if (slash == selfdir) slash[1] = 0 ;  /* installed in / itself: "/", not "" */
      else *slash = 0 ;
      p.nci_bindir = selfdir ;
    }
    else p.nci_bindir = NCI_BINDIR ;
  }
  if (p.execline_bindir[0] != '/' || p.nci_bindir[0] != '/') strerr_dief(100, "the bin directories must be absolute paths") ;
  input_name = args[0] ;
  umask(022) ;

  json_arena_begin() ;
  input_load(&in, args[0]) ;
  units_parse(&t, &in) ;
  json_arena_end() ;
  input_free(&in) ;
  timers_build(&t) ;
  graph_build(&t) ;

  report = report_text() ;
  if (report_any(REPORT_UNSUPPORTED) || report_any(REPORT_FAILS))
  {
    warn_report(report) ;
    if (strict) strerr_dief(1, input_name, ": --strict: the input uses what nci does not implement, or makes units fail (listed above)") ;
  }

  make_tmpdir(args[1]) ;
  write_tree(&t, &p, report, report_file) ;
  commit(args[1]) ;
  return 0 ;
}
