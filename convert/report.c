#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "convert.h"

/* One list for the whole run: nci-convert converts one input. */
static strlist entries[REPORT_N] = { STRLIST_ZERO, STRLIST_ZERO, STRLIST_ZERO } ;
static char const *const labels[REPORT_N] = { ": unsupported: ", ": fails: ", ": note: " } ;
/* Units are parsed on several threads; the lines are sorted, so the order in which
   they come does not matter. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER ;

void report_add (enum report_kind kind, char const *unitname, char const *key, char const *msg)
{
  size_t len = strlen(unitname) + strlen(key) + strlen(msg) + 32 ;
  char *line = xmalloc(len) ;
  char *w = stpcpy(stpcpy(line, unitname), ": ") ;
  strlist *l = &entries[kind] ;
  w = stpcpy(stpcpy(w, key), labels[kind]) ;
  strcpy(w, msg) ;
  pthread_mutex_lock(&lock) ;
  if (l->n == l->cap)
  {
    l->cap = l->cap ? 2 * l->cap : 64 ;
    l->s = xrealloc(l->s, l->cap * sizeof(char *)) ;
  }
  l->s[l->n++] = line ;
  pthread_mutex_unlock(&lock) ;
}

int report_any (enum report_kind kind)
{
  return entries[kind].n > 0 ;
}

static int cmp (void const *a, void const *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b) ;
}

/* The lines of every kind, sorted, each once: a large input has thousands. */
char *report_text (void)
{
  size_t n = 0, len = 1, k = 0, m = 0 ;
  char const **all ;
  char *text ;
  for (int kind = 0 ; kind < REPORT_N ; kind++) n += entries[kind].n ;
  all = xmalloc((n + 1) * sizeof(char *)) ;
  for (int kind = 0 ; kind < REPORT_N ; kind++)
    for (size_t i = 0 ; i < entries[kind].n ; i++) all[m++] = entries[kind].s[i] ;
  if (n) qsort(all, n, sizeof(char *), &cmp) ;
  for (size_t i = 0 ; i < n ; i++) len += strlen(all[i]) + 1 ;
  text = xmalloc(len) ;
  for (size_t i = 0 ; i < n ; i++)
  {
    size_t l ;
    if (i && !strcmp(all[i], all[i - 1])) continue ;
    l = strlen(all[i]) ;
    memcpy(text + k, all[i], l) ;
    text[k + l] = '\n' ;
    k += l + 1 ;
  }
  text[k] = 0 ;
  free(all) ;
  return text ;
}
