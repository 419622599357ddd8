/* The input's members -> the units, on several threads (parallel.c), in name order.
   A thread parses a member's JSON, makes the unit of it, and drops the JSON
   (json_arena_clear) before the next.
   Which error is printed must not depend on the threads: it is the one a pass over
   the members one by one in key order meets first (jansson's for the whole input if
   any member is not JSON, then an invalid name, a name defined twice, a unit that
   does not parse), so each thread keeps the error of its unit, and units after the
   first error found are only checked for JSON. */

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "convert.h"

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

/* A member's unit name and its place in key order. */
typedef struct slot_s slot ;
struct slot_s
{
  char *name ;
  size_t pos ;
} ;

static int cmp_slots (void const *a, void const *b)
{
  slot const *x = a, *y = b ;
  int c = strcmp(x->name, y->name) ;
  return c ? c : x->pos < y->pos ? -1 : x->pos > y->pos ;
}

typedef struct job_s job ;
struct job_s
{
  member const *m ;
  char **names ;         /* by key order */
  size_t *at ;           /* by key order: index in units */
  unit *units ;
  unit_error *err ;      /* by key order */
  atomic_size_t first ;  /* lowest key order with an error so far */
  atomic_size_t bad_json ;  /* a member whose JSON does not parse, or SIZE_MAX */
} ;

static void lower (atomic_size_t *x, size_t v)
{
  size_t cur = atomic_load(x) ;
  while (v < cur && !atomic_compare_exchange_weak(x, &cur, v)) ;
}

static void parse_one (void *ctx, size_t i)
{
  job *j = ctx ;
  json_t const *v = j->m[i].value ;
  json_error_t err ;
  if (!v)
  {
    if (atomic_load(&j->bad_json) < SIZE_MAX) return ;
    v = json_loadb(j->m[i].text, j->m[i].len, INPUT_JSON_FLAGS, &err) ;
    if (!v) { lower(&j->bad_json, i) ; return ; }
  }
  if (i < atomic_load(&j->first) && !unit_parse_catch(&j->units[j->at[i]], j->names[i], v, &j->err[i]))
    lower(&j->first, i) ;
  if (!j->m[i].value) json_arena_clear() ;
}

/* The first name that is invalid or already taken, in key order, or n. */
static size_t check_names (job *j, slot const *sorted, size_t n)
{
  char *taken = xmalloc(n + 1) ;
  size_t i = 0 ;
  memset(taken, 0, n + 1) ;
  for (size_t r = 1 ; r < n ; r++)
    if (!strcmp(sorted[r].name, sorted[r - 1].name)) taken[sorted[r].pos] = 1 ;
  for ( ; i < n ; i++)
  {
    if (!valid_name(j->names[i]))
      j->err[i] = (unit_error){ .unitname = xstrdup(j->m[i].key), .key = xstrdup(""), .msg = xstrdup("not a valid unit name") } ;
    else if (taken[i])
      j->err[i] = (unit_error){ .unitname = xstrdup(j->names[i]), .key = xstrdup(""), .msg = xstrdup("defined twice") } ;
    else continue ;
    break ;
  }
  free(taken) ;
  return i ;
}

void units_parse (tree *t, input const *in)
{
  member const *m = in->m ;
  size_t n = in->n ;
  job j = { .m = m } ;
  slot *sorted = xmalloc((n + 1) * sizeof(slot)) ;
  j.names = xmalloc((n + 1) * sizeof(char *)) ;
  j.at = xmalloc((n + 1) * sizeof(size_t)) ;
  j.units = xmalloc((n + 1) * sizeof(unit)) ;
  j.err = xmalloc((n + 1) * sizeof(unit_error)) ;
  for (size_t i = 0 ; i < n ; i++)
  {
    size_t l = strlen(m[i].key) ;
    j.names[i] = xstrdup(m[i].key) ;
    if (l > 8 && !strcmp(j.names[i] + l - 8, ".service")) j.names[i][l - 8] = 0 ;
    sorted[i] = (slot){ .name = j.names[i], .pos = i } ;
  }
  if (n > 1) qsort(sorted, n, sizeof(slot), &cmp_slots) ;
  for (size_t r = 0 ; r < n ; r++) j.at[sorted[r].pos] = r ;
  atomic_init(&j.first, check_names(&j, sorted, n)) ;
  atomic_init(&j.bad_json, SIZE_MAX) ;
  parallel_for(n, &parse_one, &j) ;
  if (atomic_load(&j.bad_json) < SIZE_MAX) input_die_json(in, m[atomic_load(&j.bad_json)].key) ;
  if (atomic_load(&j.first) < n)
  {
    unit_error const *e = &j.err[atomic_load(&j.first)] ;
    die_unit(e->unitname, e->key, e->msg) ;
  }
  t->units = j.units ;
  t->n = n ;
  for (size_t i = 0 ; i < n ; i++) free(j.names[i]) ;
  free(j.err) ;
  free(j.at) ;
  free(j.names) ;
  free(sorted) ;
}
