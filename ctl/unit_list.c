#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>

#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "ctl.h"

char const *ctl_statedir = "/run/nci" ;

/* room for CTL_UNITS_MAX names of NAME_MAX bytes: untouched pages cost nothing */
static char names_store[CTL_UNITS_MAX * (NAME_MAX + 1)] ;

/* STATEDIR/UNIT, or STATEDIR/UNIT/FILE, into buf (PATH_MAX bytes): it always fits
   once ctl_statedir_check has passed, and FILE is at most CTL_FILE_MAX bytes. */
void ctl_path (char *buf, char const *unit, char const *file)
{
  size_t dlen = strlen(ctl_statedir), ulen = strlen(unit), flen = file ? strlen(file) : 0 ;
  size_t len = dlen + 1 + ulen ;
  if (ulen > NAME_MAX || flen > CTL_FILE_MAX || len + 1 + flen >= PATH_MAX)
    strerr_dief4x(101, "path too long for unit ", unit, " in ", ctl_statedir) ;
  memcpy(buf, ctl_statedir, dlen) ;
  buf[dlen] = '/' ;
  memcpy(buf + dlen + 1, unit, ulen) ;
  if (file)
  {
    buf[len++] = '/' ;
    memcpy(buf + len, file, flen) ;
    len += flen ;
  }
  buf[len] = 0 ;
}

/* After this, the path of any file nci-ctl uses in any unit fits in PATH_MAX. */
void ctl_statedir_check (void)
{
  int fd ;
  if (strlen(ctl_statedir) + 2 + NAME_MAX + CTL_FILE_MAX >= PATH_MAX)
  {
    errno = ENAMETOOLONG ;
    strerr_diefu2sys(111, "open state directory ", ctl_statedir) ;
  }
  fd = open(ctl_statedir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (fd < 0) strerr_diefu2sys(111, "open state directory ", ctl_statedir) ;
  fd_close(fd) ;
}

static int entry_is_dir (DIR *dir, struct dirent const *d)
{
  struct stat st ;
  if (d->d_type == DT_DIR) return 1 ;
  if (d->d_type != DT_UNKNOWN && d->d_type != DT_LNK) return 0 ;
  if (fstatat(dirfd(dir), d->d_name, &st, 0) < 0)
  {
    if (errno == ENOENT) return 0 ;
    strerr_diefu4sys(111, "stat ", ctl_statedir, "/", d->d_name) ;
  }
  return S_ISDIR(st.st_mode) ;
}

/* The units of the state directory, sorted by name (strcmp), into names
   (CTL_UNITS_MAX entries). */
unsigned int ctl_units_all (char const **names)
{
  size_t used = 0 ;
  unsigned int n = 0 ;
  DIR *dir = opendir(ctl_statedir) ;
  if (!dir) strerr_diefu2sys(111, "open state directory ", ctl_statedir) ;
  for (;;)
  {
    struct dirent *d ;
    size_t len ;
    unsigned int i ;
    errno = 0 ;
    d = readdir(dir) ;
    if (!d) break ;
    if (d->d_name[0] == '.' || !entry_is_dir(dir, d)) continue ;
    len = strlen(d->d_name) + 1 ;
    if (n == CTL_UNITS_MAX)
    {
      char fmt[UINT_FMT] ;
      fmt[uint_fmt(fmt, CTL_UNITS_MAX)] = 0 ;
      strerr_diefu(111, "list state directory ", ctl_statedir, ": more than ", fmt, " units") ;
    }
    memcpy(names_store + used, d->d_name, len) ;
    for (i = n ; i && strcmp(names[i - 1], names_store + used) > 0 ; i--) names[i] = names[i - 1] ;
    names[i] = names_store + used ;
    used += len ;
    n++ ;
  }
  if (errno) strerr_diefu2sys(111, "read state directory ", ctl_statedir) ;
  closedir(dir) ;
  return n ;
}

/* Dies with CTL_EXIT_UNKNOWN unless every name is a unit of the state directory. */
void ctl_units_known (char const *const *names, unsigned int n)
{
  if (n > CTL_UNITS_MAX)
  {
    char fmt[UINT_FMT] ;
    fmt[uint_fmt(fmt, CTL_UNITS_MAX)] = 0 ;
    strerr_dief3x(100, "more than ", fmt, " units given") ;
  }
  for (unsigned int i = 0 ; i < n ; i++)
  {
    char path[PATH_MAX] ;
    struct stat st ;
    char const *name = names[i] ;
    int known = name[0] && name[0] != '.' && !strchr(name, '/') && strlen(name) <= NAME_MAX ;
    if (known) ctl_path(path, name, 0) ;
    if (known && stat(path, &st) < 0)
    {
      if (errno != ENOENT && errno != ENOTDIR) strerr_diefu2sys(111, "stat ", path) ;
      known = 0 ;
    }
    if (!known || !S_ISDIR(st.st_mode))
      strerr_diefu(CTL_EXIT_UNKNOWN, "find unit ", name, " in ", ctl_statedir, ": no such unit") ;
  }
}
