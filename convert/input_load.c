/* Reading and parsing the input. jansson parses one text on one thread, and that
   was a third of nci-convert's time on a thousand units: so the top-level object is
   split into its members (json_split.c) and their values are parsed by jansson on
   several threads. jansson stays the judge of what is JSON: a value that does not
   parse, a duplicate key or a top level json_split does not take makes the whole
   text be parsed again at once, and that parse's error is the one printed, with
   the line and column in the file as ever. */

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include "convert.h"

#define FLAGS (JSON_REJECT_DUPLICATES | JSON_DECODE_ANY)

static void read_all (char const *file, stralloc *sa)
{
  struct stat st ;
  int fd = strcmp(file, "-") ? open(file, O_RDONLY | O_CLOEXEC) : 0 ;
  if (fd < 0) strerr_diefusys(111, "open ", file) ;
  /* Knowing the size saves growing the buffer; without it, it grows. */
  if (!fstat(fd, &st) && S_ISREG(st.st_mode) && !stralloc_ready(sa, (size_t)st.st_size + 1))
    strerr_diefusys(111, "allocate memory") ;
  for (;;)
  {
    ssize_t r ;
    if (!stralloc_readyplus(sa, 65536)) strerr_diefusys(111, "allocate memory") ;
    r = read(fd, sa->s + sa->len, sa->a - sa->len) ;
    if (r < 0) { if (errno == EINTR) continue ; strerr_diefusys(111, "read ", file) ; }
    if (!r) break ;
    sa->len += (size_t)r ;
  }
  if (fd) close(fd) ;
}

static int cmp_members (void const *a, void const *b)
{
  return strcmp(((member const *)a)->key, ((member const *)b)->key) ;
}

static void members_sort (member *m, size_t n)
{
  if (n) qsort(m, n, sizeof(member), &cmp_members) ;
}

static void members_free (member *m, size_t n)
{
  for (size_t i = 0 ; i < n ; i++)
  {
    free(m[i].key) ;
    if (m[i].value) json_decref(m[i].value) ;
  }
  free(m) ;
}

/* The whole text at once: jansson's error for the file, or its members. */
static member *parse_whole (char const *s, size_t len, size_t *n)
{
  json_error_t err ;
  json_t *root = json_loadb(s, len, FLAGS, &err) ;
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
  json_object_foreach(root, k, v) m[i++] = (member){ .key = xstrdup(k), .value = json_incref(v) } ;
  json_decref(root) ;
  members_sort(m, i) ;
  *n = i ;
  return m ;
}

typedef struct parse_job_s parse_job ;
struct parse_job_s
{
  member *m ;
  atomic_int failed ;
} ;

static void parse_member (void *ctx, size_t i)
{
  parse_job *j = ctx ;
  json_error_t err ;
  if (atomic_load(&j->failed)) return ;
  j->m[i].value = json_loadb(j->m[i].text, j->m[i].len, FLAGS, &err) ;
  if (!j->m[i].value) atomic_store(&j->failed, 1) ;
}

/* The members parsed apart, or 0 if the whole text must be parsed. */
static member *parse_split (char const *s, size_t len, size_t *n)
{
  parse_job j = { .m = 0 } ;
  size_t k = json_split(s, len, &j.m) ;
  if (k == (size_t)-1) return 0 ;
  members_sort(j.m, k) ;
  for (size_t i = 1 ; i < k ; i++)
    if (!strcmp(j.m[i - 1].key, j.m[i].key)) { members_free(j.m, k) ; return 0 ; }
  atomic_init(&j.failed, 0) ;
  parallel_for(k, &parse_member, &j) ;
  if (atomic_load(&j.failed)) { members_free(j.m, k) ; return 0 ; }
  *n = k ;
  return j.m ? j.m : xmalloc(sizeof(member)) ;
}

member *input_load (char const *file, size_t *n)
{
  stralloc sa = STRALLOC_ZERO ;
  member *m ;
  read_all(file, &sa) ;
  m = parse_split(sa.s ? sa.s : "", sa.len, n) ;
  if (!m) m = parse_whole(sa.s ? sa.s : "", sa.len, n) ;
  stralloc_free(&sa) ;
  return m ;
}
