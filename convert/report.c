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
  w = stpcpy(stpcpy(w, key), labels[kind]) ;
  strcpy(w, msg) ;
  pthread_mutex_lock(&lock) ;
  strlist_add(&entries[kind], line) ;
  pthread_mutex_unlock(&lock) ;
  free(line) ;
}

size_t report_count (enum report_kind kind)
{
  strlist_sort_unique(&entries[kind]) ;
  return entries[kind].n ;
}

char *report_text (void)
{
  strlist all = STRLIST_ZERO ;
  size_t len = 1, k = 0 ;
  char *text ;
  for (int kind = 0 ; kind < REPORT_N ; kind++)
    for (size_t i = 0 ; i < entries[kind].n ; i++) strlist_add(&all, entries[kind].s[i]) ;
  strlist_sort_unique(&all) ;
  for (size_t i = 0 ; i < all.n ; i++) len += strlen(all.s[i]) + 1 ;
  text = xmalloc(len) ;
  for (size_t i = 0 ; i < all.n ; i++)
  {
    size_t l = strlen(all.s[i]) ;
    memcpy(text + k, all.s[i], l) ;
    text[k + l] = '\n' ;
    k += l + 1 ;
  }
  text[k] = 0 ;
  strlist_clear(&all) ;
  free(all.s) ;
  return text ;
}
