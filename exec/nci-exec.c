#include <sys/types.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/prctl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/allreadwrite.h>
#include <skalibs/bytestr.h>
#include <skalibs/types.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>
#include <skalibs/direntry.h>
#include <skalibs/env.h>
#include <skalibs/posixplz.h>
#include <skalibs/setgroups.h>

#include <nci/envfile.h>
#include <nci/envname.h>
#include <nci/execdir.h>
#include <nci/expand.h>
#include <nci/rlimit.h>

#define USAGE "nci-exec [ -e envdir ] [ -f [-]envfile ]... [ -u user ] [ -g group ] [ -G group,group... ]" \
  " [ -w [-]dir ] [ -m umask ] [ -n nice ] [ -l res=soft:hard ]... [ -d kind:path:mode:owner:group ]..." \
  " [ -o stdout ] [ -O stderr ] [ -N ] [ -x ] [ -a argv0 ] prog args..."
#define dieusage() strerr_dieusage(100, USAGE)
#define dienomem() strerr_diefu1sys(111, "allocate memory")

/* systemd's own search path, for a command name when the unit's environment has no PATH */
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* What a service may inherit from the one who runs it: the variables systemd itself
   hands to services. Everything else of nci-exec's environment is dropped. */
static char const *const protocol_vars[] =
{
  "NOTIFY_SOCKET", "MAINPID", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES",
  "SERVICE_RESULT", "EXIT_CODE", "EXIT_STATUS", "WATCHDOG_USEC", "WATCHDOG_PID",
  "INVOCATION_ID", "MONITOR_SERVICE_RESULT", "MONITOR_EXIT_CODE", "MONITOR_EXIT_STATUS",
  "MONITOR_INVOCATION_ID", "MONITOR_UNIT", 0
} ;

enum output_kind_e { OUT_INHERIT, OUT_NULL, OUT_FILE, OUT_APPEND, OUT_TRUNCATE, OUT_STDOUT } ;

typedef struct output_s output ;
struct output_s
{
  enum output_kind_e kind ;
  char const *path ;
} ;

/* One -d directory, parsed, with its owner looked up. */
typedef struct dir_s dir ;
struct dir_s
{
  nci_execdir d ;
  uid_t uid ;
  gid_t gid ;
} ;

/* The credentials to apply; each part only when its option was given. */
typedef struct creds_s creds ;
struct creds_s
{
  int hasuser ;
  uid_t uid ;
  char *name ;
  char *home ;
  char *shell ;
  int hasgid ;
  gid_t gid ;
  int hasgroups ;
  size_t ngroups ;
  gid_t const *groups ;
} ;

static void addenv (stralloc *sa, char const *name, char const *value, size_t len)
{
  if (!stralloc_cats(sa, name) || !stralloc_catb(sa, "=", 1)
   || (len && !stralloc_catb(sa, value, len)) || !stralloc_0(sa))
    dienomem() ;
}

/* getpwnam's errors as POSIX lists them, and ENOMEM. Any other errno with no
   entry means "no such user": C libraries leave what they like there (musl,
   without nscd, EINVAL; glibc ENOENT or ESRCH). */
static int lookup_failed (void)
{
  return errno == EIO || errno == EINTR || errno == EMFILE || errno == ENFILE || errno == ENOMEM ;
}

/* As systemd: a user is a name or a number, and must have a passwd entry either way. */
static struct passwd *passwd_get (char const *s)
{
  struct passwd *pw ;
  uid_t uid ;
  errno = 0 ;
  pw = uid0_scan(s, &uid) ? getpwuid(uid) : getpwnam(s) ;
  if (!pw)
  {
    if (lookup_failed()) strerr_diefu2sys(111, "look up user ", s) ;
    strerr_dief2x(1, "unknown user: ", s) ;
  }
  return pw ;
}

static gid_t group_get (char const *s)
{
  struct group *gr ;
  gid_t gid ;
  errno = 0 ;
  gr = gid0_scan(s, &gid) ? getgrgid(gid) : getgrnam(s) ;
  if (!gr)
  {
    if (lookup_failed()) strerr_diefu2sys(111, "look up group ", s) ;
    strerr_dief2x(1, "unknown group: ", s) ;
  }
  return gr->gr_gid ;
}

static char *xstrdup (char const *s)
{
  char *x = strdup(s) ;
  if (!x) dienomem() ;
  return x ;
}

static size_t groups_parse (char const *s, gid_t *tab, size_t n, size_t max)
{
  while (*s)
  {
    size_t len = strcspn(s, ",") ;
    if (len)
    {
      char name[len + 1] ;
      if (n >= max) strerr_dief2x(1, "too many groups: ", s) ;
      memcpy(name, s, len) ;
      name[len] = 0 ;
      tab[n++] = group_get(name) ;
    }
    s += len ;
    if (*s) s++ ;
  }
  return n ;
}

/* As systemd for User=: the group defaults to the user's, the supplementary groups
   are the user's (initgroups) plus SupplementaryGroups=. */
static creds creds_resolve (char const *username, char const *groupname, char const *extra)
{
  static gid_t groups[NGROUPS_MAX] ;
  creds c = { .hasuser = !!username, .hasgid = username || groupname, .hasgroups = username || extra, .groups = groups } ;
  if (username)
  {
    struct passwd *pw = passwd_get(username) ;
    c.uid = pw->pw_uid ;
    c.gid = pw->pw_gid ;
    c.name = xstrdup(pw->pw_name) ;
    c.home = xstrdup(pw->pw_dir) ;
    c.shell = xstrdup(pw->pw_shell) ;
  }
  if (groupname) c.gid = group_get(groupname) ;
  if (username)
  {
    int n = NGROUPS_MAX ;
    if (getgrouplist(c.name, c.gid, groups, &n) < 0) strerr_dief2x(1, "too many groups for user ", c.name) ;
    c.ngroups = (size_t)n ;
  }
  if (extra) c.ngroups = groups_parse(extra, groups, c.ngroups, NGROUPS_MAX) ;
  return c ;
}

static void creds_apply (creds const *c)
{
  if (c->hasgroups && skalibs_setgroups(c->ngroups, c->groups) < 0) strerr_diefu1sys(111, "set supplementary groups") ;
  if (c->hasgid && setgid(c->gid) < 0) strerr_diefu1sys(111, "setgid") ;
  if (c->hasuser && setuid(c->uid) < 0) strerr_diefu1sys(111, "setuid") ;
}

/* The directory -w names, "~" resolved now, while user lookups still work as root. */
static char const *workdir_resolve (char const *workdir, creds const *c)
{
  char fmt[UID_FMT] ;
  if (strcmp(workdir + (workdir[0] == '-'), "~")) return workdir + (workdir[0] == '-') ;
  if (c->hasuser) return c->home ;
  fmt[uid_fmt(fmt, getuid())] = 0 ;
  return xstrdup(passwd_get(fmt)->pw_dir) ;
}

/* systemd falls back to its own cwd, "/", when a "-" directory cannot be entered. */
static void workdir_enter (char const *wd, int missingok)
{
  if (chdir(wd) == 0) return ;
  if (!missingok) strerr_diefu2sys(111, "chdir to ", wd) ;
  if (chdir("/") < 0) strerr_diefu1sys(111, "chdir to /") ;
}

static output output_parse (char const *s, int isstderr)
{
  static struct { char const *prefix ; enum output_kind_e kind ; } const files[] =
  {
    { "file:", OUT_FILE },
    { "append:", OUT_APPEND },
    { "truncate:", OUT_TRUNCATE },
  } ;
  if (!strcmp(s, "inherit")) return (output){ .kind = OUT_INHERIT, .path = 0 } ;
  if (!strcmp(s, "null")) return (output){ .kind = OUT_NULL, .path = "/dev/null" } ;
  if (isstderr && !strcmp(s, "stdout")) return (output){ .kind = OUT_STDOUT, .path = 0 } ;
  for (size_t i = 0 ; i < sizeof(files) / sizeof(files[0]) ; i++)
  {
    size_t len = strlen(files[i].prefix) ;
    if (!strncmp(s, files[i].prefix, len) && s[len]) return (output){ .kind = files[i].kind, .path = s + len } ;
  }
  strerr_dief2x(1, isstderr ? "invalid standard error: " : "invalid standard output: ", s) ;
}

static void output_open (output const *o, int fd, mode_t mode)
{
  int flags = O_WRONLY | O_NOCTTY | O_CREAT ;
  int newfd ;
  switch (o->kind)
  {
    case OUT_INHERIT : return ;
    case OUT_STDOUT :
      if (fd_copy(fd, 1) < 0) strerr_diefu1sys(111, "duplicate stdout to stderr") ;
      return ;
    case OUT_NULL : flags = O_WRONLY | O_NOCTTY ; break ;
    case OUT_FILE : break ;
    case OUT_APPEND : flags |= O_APPEND ; break ;
    case OUT_TRUNCATE : flags |= O_TRUNC ; break ;
  }
  newfd = open(o->path, flags, mode) ;
  if (newfd < 0) strerr_diefu2sys(111, "open ", o->path) ;
  if (fd_move(fd, newfd) < 0) strerr_diefu2sys(111, "redirect output to ", o->path) ;
}

/* As systemd: stderr shares stdout's descriptor when both name the same file, so
   neither overwrites the other. */
static void outputs_open (output const *out, output const *err, mode_t mode)
{
  output_open(out, 1, mode) ;
  if (err->kind == out->kind && out->kind >= OUT_FILE && out->kind <= OUT_TRUNCATE && !strcmp(err->path, out->path))
    output_open(&(output){ .kind = OUT_STDOUT, .path = 0 }, 2, mode) ;
  else output_open(err, 2, mode) ;
}

/* The files are written by nci-convert: a file's name is the variable, its exact
   bytes are the value, an empty file an empty value. */
static void envdir_read (char const *path, stralloc *modifs)
{
  stralloc value = STRALLOC_ZERO ;
  size_t pathlen = strlen(path) ;
  DIR *d = opendir(path) ;
  if (!d) strerr_diefu2sys(111, "open directory ", path) ;
  for (;;)
  {
    direntry *de ;
    errno = 0 ;
    de = readdir(d) ;
    if (!de) break ;
    if (de->d_name[0] == '.') continue ;
    {
      size_t namelen = strlen(de->d_name) ;
      char file[pathlen + namelen + 2] ;
      memcpy(file, path, pathlen) ;
      file[pathlen] = '/' ;
      memcpy(file + pathlen + 1, de->d_name, namelen + 1) ;
      if (!nci_env_name_valid(de->d_name, namelen)) strerr_dief2x(1, "invalid environment variable name: ", file) ;
      value.len = 0 ;
      if (!openslurpclose(&value, file)) strerr_diefu2sys(111, "read ", file) ;
      if (value.len && memchr(value.s, 0, value.len)) strerr_dief2x(1, "invalid environment value (NUL byte): ", file) ;
      addenv(modifs, de->d_name, value.s, value.len) ;
    }
  }
  if (errno) strerr_diefu2sys(111, "read directory ", path) ;
  dir_close(d) ;
  stralloc_free(&value) ;
}

typedef struct envfile_s envfile ;
struct envfile_s
{
  stralloc *modifs ;
  char const *file ;
} ;

/* systemd drops an assignment with an invalid name with a warning; the rest of the file applies. */
static int envfile_assign (char const *key, char const *value, void *data)
{
  envfile *ef = data ;
  if (!nci_env_name_valid(key, strlen(key)))
  {
    strerr_warnw4x("ignoring invalid variable name in ", ef->file, ": ", key) ;
    return 1 ;
  }
  addenv(ef->modifs, key, value, strlen(value)) ;
  return 1 ;
}

static void envfile_read (char const *arg, stralloc *modifs)
{
  int optional = arg[0] == '-' ;
  envfile ef = { .modifs = modifs, .file = arg + optional } ;
  stralloc text = STRALLOC_ZERO ;
  unsigned int line = 0 ;
  if (!openslurpclose(&text, ef.file))
  {
    if (optional && errno == ENOENT) return ;
    strerr_diefu2sys(111, "read environment file ", ef.file) ;
  }
  if (!nci_envfile_parse(text.s, text.len, &envfile_assign, &ef, &line))
  {
    char fmt[UINT_FMT] ;
    if (errno != EINVAL) strerr_diefu2sys(111, "parse environment file ", ef.file) ;
    fmt[uint_fmt(fmt, line)] = 0 ;
    strerr_dief4x(1, "malformed environment file: ", ef.file, ": line ", fmt) ;
  }
  stralloc_free(&text) ;
}

/* In systemd's order (exec_invoke's strv_env_merge): what the manager sets first
   (protocol variables, the user's, the directories), then Environment= (the env dir),
   then each EnvironmentFile=; the last assignment of a name wins. */
static void env_build (stralloc *modifs, creds const *c, dir const *dirs, unsigned int ndirs,
  char const *envdir, char const *const *envfiles, unsigned int nenvfiles)
{
  for (char const *const *v = protocol_vars ; *v ; v++)
  {
    char const *x = getenv(*v) ;
    if (x) addenv(modifs, *v, x, strlen(x)) ;
  }
  if (c->hasuser)
  {
    addenv(modifs, "USER", c->name, strlen(c->name)) ;
    addenv(modifs, "LOGNAME", c->name, strlen(c->name)) ;
    if (c->home[0] == '/') addenv(modifs, "HOME", c->home, strlen(c->home)) ;
    if (c->shell[0] == '/') addenv(modifs, "SHELL", c->shell, strlen(c->shell)) ;
  }
  for (unsigned int kind = 0 ; kind < NCI_EXECDIR_KINDS ; kind++)
  {
    int first = 1 ;
    for (unsigned int i = 0 ; i < ndirs ; i++)
    {
      nci_execdir const *d = &dirs[i].d ;
      if (d->kind != kind) continue ;
      if (!(first ? stralloc_cats(modifs, d->var) && stralloc_catb(modifs, "=", 1) : stralloc_catb(modifs, ":", 1))
       || !stralloc_cats(modifs, d->base) || !stralloc_catb(modifs, "/", 1) || !stralloc_cats(modifs, d->path))
        dienomem() ;
      first = 0 ;
    }
    if (!first && !stralloc_0(modifs)) dienomem() ;
  }
  if (envdir) envdir_read(envdir, modifs) ;
  for (unsigned int i = 0 ; i < nenvfiles ; i++) envfile_read(envfiles[i], modifs) ;
}

static dir dir_parse (char const *arg)
{
  dir x ;
  uid_t uid ;
  gid_t gid ;
  if (!nci_execdir_parse(xstrdup(arg), &x.d)) strerr_dief2x(1, "invalid directory: ", arg) ;
  x.uid = uid0_scan(x.d.owner, &uid) ? uid : passwd_get(x.d.owner)->pw_uid ;
  /* No group: the owner's primary group, as User= without Group= means. */
  if (!x.d.group[0]) x.gid = passwd_get(x.d.owner)->pw_gid ;
  else x.gid = gid0_scan(x.d.group, &gid) ? gid : group_get(x.d.group) ;
  return x ;
}

/* As systemd's setup_exec_directory(): parents made 0755 and left to root; the leaf
   gets its mode and owner even if it existed, except an existing configuration
   directory, which systemd leaves alone. Only what differs is changed, so directories
   already right on a read-only root are fine. */
static void dir_make (dir const *x)
{
  nci_execdir const *d = &x->d ;
  size_t baselen = strlen(d->base) ;
  size_t pathlen = strlen(d->path) ;
  char full[baselen + pathlen + 2] ;
  struct stat st ;
  memcpy(full, d->base, baselen) ;
  full[baselen] = '/' ;
  memcpy(full + baselen + 1, d->path, pathlen + 1) ;
  for (char *p = strchr(full + 1, '/') ; p ; p = strchr(p + 1, '/'))
  {
    *p = 0 ;
    if (mkdir(full, 0755) < 0 && errno != EEXIST) strerr_diefu2sys(111, "mkdir ", full) ;
    *p = '/' ;
  }
  if (mkdir(full, d->mode) < 0)
  {
    if (errno != EEXIST) strerr_diefu2sys(111, "mkdir ", full) ;
    if (!strcmp(d->var, "CONFIGURATION_DIRECTORY")) return ;
  }
  if (stat(full, &st) < 0) strerr_diefu2sys(111, "stat ", full) ;
  if (!S_ISDIR(st.st_mode)) { errno = ENOTDIR ; strerr_diefu2sys(111, "use ", full) ; }
  if ((st.st_uid != x->uid || st.st_gid != x->gid) && chown(full, x->uid, x->gid) < 0) strerr_diefu2sys(111, "chown ", full) ;
  if ((st.st_mode & 07777) != d->mode && chmod(full, d->mode) < 0) strerr_diefu2sys(111, "chmod ", full) ;
}

/* nci-supervise hands a Type=exec service the write end of a pipe and its number in
   NCI_EXEC_FD: it is closed by the exec of the service's program (and of every
   command before it), so supervise reads EOF once the program itself runs. */
static void exec_ready_close_on_exec (void)
{
  char const *s = getenv("NCI_EXEC_FD") ;
  unsigned int fd ;
  if (!s) return ;
  if (!uint0_scan(s, &fd) || fd < 3) strerr_dief2x(100, "invalid NCI_EXEC_FD: ", s) ;
  if (coe((int)fd) < 0 && errno != EBADF) strerr_diefu1sys(111, "set close-on-exec on NCI_EXEC_FD") ;
}

/* The command's words are expanded (unless noexpand) with the final environment; the
   program itself never is, and a name without a slash is looked up in the unit's PATH. */
static void run (char const *prog, char const *argv0, char const *const *args, unsigned int nargs, int noexpand, stralloc const *modifs)
{
  size_t nenv = byte_count(modifs->s, modifs->len, '\0') + 1 ;
  char const *envp[nenv] ;
  stralloc words = STRALLOC_ZERO ;
  unsigned int nwords = 0 ;
  char const *path ;
  if (!env_merge(envp, nenv, 0, 0, modifs->s, modifs->len)) dienomem() ;
  if (noexpand) nwords = nargs ;
  else if (!nci_expand(args, nargs, envp, &words, &nwords)) dienomem() ;
  {
    char const *argv[nwords + 2] ;
    size_t pos = 0 ;
    argv[0] = argv0 ? argv0 : prog ;
    for (unsigned int i = 0 ; i < nwords ; i++)
    {
      if (noexpand) argv[i + 1] = args[i] ;
      else
      {
        argv[i + 1] = words.s + pos ;
        pos += strlen(words.s + pos) + 1 ;
      }
    }
    argv[nwords + 1] = 0 ;
    path = env_get2(envp, "PATH") ;
    exec_ready_close_on_exec() ;
    execvep(prog, argv, envp, path ? path : DEFAULT_PATH) ;
    strerr_dieexec(errno == ENOENT ? 127 : 126, prog) ;
  }
}

int main (int argc, char const *const *argv)
{
  char const *envdir = 0, *username = 0, *groupname = 0, *extragroups = 0 ;
  char const *workdir = "/", *argv0 = 0 ;
  char const *envfiles[argc] ;
  dir dirs[argc] ;
  int limres[argc] ;
  struct rlimit limval[argc] ;
  unsigned int nenvfiles = 0, ndirs = 0, nlimits = 0 ;
  output out = { .kind = OUT_INHERIT, .path = 0 }, err = { .kind = OUT_INHERIT, .path = 0 } ;
  unsigned int umaskv = 022 ;
  int hasumask = 0, hasnice = 0, nicev = 0, nnp = 0, noexpand = 0 ;
  stralloc modifs = STRALLOC_ZERO ;
  creds c ;
  char const *wd ;
  PROG = "nci-exec" ;
  if (argc == 2 && !strcmp(argv[1], "--help"))
    return allwrite(1, "usage: " USAGE "\n", sizeof("usage: " USAGE "\n") - 1) < sizeof("usage: " USAGE "\n") - 1 ? 111 : 0 ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = subgetopt_r(argc, argv, "e:f:u:g:G:w:m:n:l:d:o:O:Nxa:", &l) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'e' : envdir = l.arg ; break ;
        case 'f' : envfiles[nenvfiles++] = l.arg ; break ;
        case 'u' : username = l.arg ; break ;
        case 'g' : groupname = l.arg ; break ;
        case 'G' : extragroups = l.arg ; break ;
        case 'w' : workdir = l.arg ; break ;
        case 'm' :
          if (!uint0_oscan(l.arg, &umaskv) || umaskv > 0777) strerr_dief2x(1, "invalid umask: ", l.arg) ;
          hasumask = 1 ;
          break ;
        case 'n' :
          if (!int0_scan(l.arg, &nicev) || nicev < -20 || nicev > 19) strerr_dief2x(1, "invalid nice value: ", l.arg) ;
          hasnice = 1 ;
          break ;
        case 'l' :
          if (!nci_rlimit_parse(l.arg, &limres[nlimits], &limval[nlimits])) strerr_dief2x(1, "invalid limit: ", l.arg) ;
          nlimits++ ;
          break ;
        case 'd' : dirs[ndirs++] = dir_parse(l.arg) ; break ;
        case 'o' : out = output_parse(l.arg, 0) ; break ;
        case 'O' : err = output_parse(l.arg, 1) ; break ;
        case 'N' : nnp = 1 ; break ;
        case 'x' : noexpand = 1 ; break ;
        case 'a' : argv0 = l.arg ; break ;
        default : dieusage() ;
      }
    }
    argc -= l.ind ; argv += l.ind ;
  }
  if (!argc || !*argv[0]) dieusage() ;

  /* Everything that can be invalid is looked at before anything is changed, and the
     steps follow systemd's exec_invoke(). */
  c = creds_resolve(username, groupname, extragroups) ;
  wd = workdir_resolve(workdir, &c) ;
  env_build(&modifs, &c, dirs, ndirs, envdir, envfiles, nenvfiles) ;
  for (unsigned int i = 0 ; i < ndirs ; i++) dir_make(&dirs[i]) ;
  /* opened as root, with the unit's umask, as systemd does */
  outputs_open(&out, &err, 0666 & ~(mode_t)umaskv) ;
  if (hasumask) umask((mode_t)umaskv) ;
  if (hasnice && setpriority(PRIO_PROCESS, 0, nicev) < 0) strerr_diefu1sys(111, "set the nice value") ;
  for (unsigned int i = 0 ; i < nlimits ; i++)
    if (setrlimit(limres[i], &limval[i]) < 0) strerr_diefu1sys(111, "set a resource limit") ;
  creds_apply(&c) ;
  /* as the user (the directory may be on NFS, says systemd), and last: -e and -f
     name files relative to the service directory */
  workdir_enter(wd, workdir[0] == '-') ;
  if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) strerr_diefu1sys(111, "set no_new_privs") ;
  run(argv[0], argv0, argv + 1, (unsigned int)argc - 1, noexpand, &modifs) ;
}
