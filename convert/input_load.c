/* Reading the input and splitting it into its members. jansson parses one text on
   one thread, and that was a third of nci-convert's time on a thousand units: so
   the top-level object is split into its members (json_split.c), whose values
   jansson then parses apart, on several threads (units_parse.c). jansson stays the
   judge of what is JSON: a top level json_split does not take, a duplicate key or
   a value that does not parse makes the whole text be parsed at once, and that
   parse's error is the one printed, with its line and column in the file. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include "convert.h"

static void read_all (int fd, char const *file, stralloc *sa)
{
  for (;;)
  {
    ssize_t r ;
    if (!stralloc_readyplus(sa, 65536)) strerr_diefusys(111, "allocate memory") ;
    r = read(fd, sa->s + sa->len, sa->a - sa->len) ;
    if (r < 0) { if (errno == EINTR) continue ; strerr_diefusys(111, "read ", file) ; }
    if (!r) break ;
    sa->len += (size_t)r ;
  }
}

/* A regular file is mapped: reading it was copying megabytes into fresh pages,
   time spent before any thread can start. Standard input, which may be a pipe or
   a file read from its middle, is read; so is a file that cannot be mapped. */
static void input_read (input *in, char const *file)
{
  struct stat st ;
  int fd = strcmp(file, "-") ? open(file, O_RDONLY | O_CLOEXEC) : 0 ;
  if (fd < 0) strerr_diefusys(111, "open ", file) ;
  if (fd && !fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0)
  {
    void *p = mmap(0, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0) ;
    if (p != MAP_FAILED)
    {
      in->map = p ;
      in->s = p ;
      in->len = (size_t)st.st_size ;
      close(fd) ;
      return ;
    }
  }
  read_all(fd, file, &in->buf) ;
  if (fd) close(fd) ;
  in->s = in->buf.s ? in->buf.s : "" ;
  in->len = in->buf.len ;
}

static int cmp_members (void const *a, void const *b)
{
  return strcmp(((member const *)a)->key, ((member const *)b)->key) ;
}

static void members_free (member *m, size_t n)
{
  for (size_t i = 0 ; i < n ; i++) free(m[i].key) ;
  free(m) ;
}

/* The whole text at once: jansson's error for the file, or its members. */
static member *parse_whole (input const *in, size_t *n)
{
  json_error_t err ;
  json_t *root = json_loadb(in->s, in->len, INPUT_JSON_FLAGS, &err) ;
  char const *k ;
  json_t *v ;
  member *m ;
  size_t i = 0 ;
  if (!root)
  {
    char lc[64] ;
    snprintf(lc, sizeof(lc), ":%d:%d", err.line, err.column) ;
    strerr_dief(1, input_name, lc, ": invalid JSON: ", err.text) ;
  }
  if (!json_is_object(root)) strerr_dief(1, input_name, ": expected an object mapping unit names to services") ;
  m = xmalloc((json_object_size(root) + 1) * sizeof(member)) ;
  json_object_foreach(root, k, v) m[i++] = (member){ .key = xstrdup(k), .value = v } ;
  qsort(m, i, sizeof(member), &cmp_members) ;
  *n = i ;
  return m ;
}

void input_load (input *in, char const *file)
{
  size_t n ;
  *in = (input){ .buf = STRALLOC_ZERO } ;
  input_read(in, file) ;
  n = json_split(in->s, in->len, &in->m) ;
  if (n != (size_t)-1)
  {
    if (n > 1) qsort(in->m, n, sizeof(member), &cmp_members) ;
    for (size_t i = 1 ; i < n ; i++) if (!strcmp(in->m[i - 1].key, in->m[i].key))
    {
      members_free(in->m, n) ;
      n = (size_t)-1 ;
      break ;
    }
  }
  if (n == (size_t)-1) in->m = parse_whole(in, &n) ;
  in->n = n ;
}

void input_die_json (input const *in, char const *key)
{
  size_t n ;
  parse_whole(in, &n) ;
  strerr_dief(111, "internal error: ", input_name, ": unit ", key, ": its JSON did not parse alone, but the whole input does") ;
}

void input_free (input *in)
{
  members_free(in->m, in->n) ;
  if (in->map) munmap(in->map, in->len) ;
  stralloc_free(&in->buf) ;
}
