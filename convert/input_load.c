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
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include "convert.h"

/* Reads fd to its end: the buffer starts at size bytes, and grows only if there is
   more to read than that. */
static void read_all (int fd, char const *file, stralloc *sa, size_t size)
{
  if (!stralloc_ready(sa, size)) strerr_diefusys(111, "allocate memory") ;
  for (;;)
  {
    ssize_t r ;
    if (sa->len == sa->a && !stralloc_readyplus(sa, 65536)) strerr_diefusys(111, "allocate memory") ;
    r = read(fd, sa->s + sa->len, sa->a - sa->len) ;
    if (r < 0) { if (errno == EINTR) continue ; strerr_diefusys(111, "read ", file) ; }
    if (!r) break ;
    sa->len += (size_t)r ;
  }
}

/* The input is read into memory, never mapped: a mapped file that another process
   truncates raises SIGBUS where the mapping is touched, and one it rewrites changes
   under the parse; a copy stays what was read. A regular file's buffer is its size
   and a byte, so that one read takes it whole and the next sees its end (a file
   that shrank or grew meanwhile is read to its new end). Against a mapping, the
   copy into fresh pages costs about 1.5 ms for the 4 MB of a thousand units, under
   2% of the run. */
static void input_read (input *in, char const *file)
{
  struct stat st ;
  size_t size = 65536 ;
  int fd = strcmp(file, "-") ? open(file, O_RDONLY | O_CLOEXEC) : 0 ;
  if (fd < 0) strerr_diefusys(111, "open ", file) ;
  if (!fstat(fd, &st) && S_ISREG(st.st_mode)) size = (size_t)st.st_size + 1 ;
  read_all(fd, file, &in->buf, size) ;
  if (fd) close(fd) ;
  in->s = in->buf.s ;
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

static int section_name (char const *k)
{
  return !strcmp(k, "services") || !strcmp(k, "timers") || !strcmp(k, "sockets") ;
}

/* One section's members (a value that the split could not take apart is parsed whole
   here, or, if it is not JSON alone, with the whole input for jansson's error), each
   key given the section's suffix. */
static void section_members (input const *in, member const *sec, char const *suffix, member **out, size_t *n, size_t *cap)
{
  member *m = 0 ;
  size_t k = (size_t)-1 ;
  json_t *obj = sec->value ;
  if (!obj)
  {
    k = json_split(sec->text, sec->len, &m) ;
    if (k == (size_t)-1)
    {
      json_error_t err ;
      obj = json_loadb(sec->text, sec->len, INPUT_JSON_FLAGS, &err) ;
      if (!obj) input_die_json(in, sec->key) ;
    }
  }
  if (obj)
  {
    char const *key ;
    json_t *v ;
    size_t i = 0 ;
    if (!json_is_object(obj)) strerr_dief(1, input_name, ": ", sec->key, ": expected an object mapping unit names to units") ;
    m = xmalloc((json_object_size(obj) + 1) * sizeof(member)) ;
    json_object_foreach(obj, key, v) m[i++] = (member){ .key = xstrdup(key), .value = v } ;
    k = i ;
  }
  for (size_t i = 0 ; i < k ; i++)
  {
    size_t l = strlen(m[i].key), sl = strlen(suffix) ;
    if (*n == *cap)
    {
      *cap = *cap * 2 + 16 ;
      *out = xrealloc(*out, *cap * sizeof(member)) ;
    }
    if (sl && !(l > sl && !strcmp(m[i].key + l - sl, suffix)))
    {
      char *key = xmalloc(l + sl + 1) ;
      strcpy(stpcpy(key, m[i].key), suffix) ;
      free(m[i].key) ;
      m[i].key = key ;
    }
    (*out)[(*n)++] = m[i] ;
  }
  free(m) ;
}

/* The sectioned shape, {"services": {...}, "timers": {...}, "sockets": {...}}: its
   members become the units of its sections, timers and sockets with their suffix. Any
   other object is the plain map of services. */
static void sections (input *in)
{
  member *out = 0 ;
  size_t n = 0, cap = 0 ;
  int services = 0 ;
  for (size_t i = 0 ; i < in->n ; i++)
  {
    if (!section_name(in->m[i].key)) return ;
    if (!strcmp(in->m[i].key, "services")) services = 1 ;
  }
  if (!services) return ;
  for (size_t i = 0 ; i < in->n ; i++)
  {
    char const *k = in->m[i].key ;
    section_members(in, &in->m[i], !strcmp(k, "services") ? "" : !strcmp(k, "timers") ? ".timer" : ".socket", &out, &n, &cap) ;
  }
  members_free(in->m, in->n) ;
  if (n > 1) qsort(out, n, sizeof(member), &cmp_members) ;
  in->m = out ;
  in->n = n ;
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
  sections(in) ;
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
  stralloc_free(&in->buf) ;
}
