#include <stdlib.h>
#include <string.h>
#include "convert.h"

void strlist_addn (strlist *l, char const *s, size_t len)
{
  if (l->n == l->cap)
  {
    l->cap = l->cap ? l->cap * 2 : 4 ;
    l->s = xrealloc(l->s, l->cap * sizeof(char *)) ;
  }
  l->s[l->n++] = xstrndup(s, len) ;
}

void strlist_add (strlist *l, char const *s)
{
  strlist_addn(l, s, strlen(s)) ;
}

int strlist_has (strlist const *l, char const *s)
{
  for (size_t i = 0 ; i < l->n ; i++) if (!strcmp(l->s[i], s)) return 1 ;
  return 0 ;
}

void strlist_clear (strlist *l)
{
  for (size_t i = 0 ; i < l->n ; i++) free(l->s[i]) ;
  l->n = 0 ;
}

static int cmp (void const *a, void const *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b) ;
}

void strlist_sort_unique (strlist *l)
{
  size_t j = 0 ;
  if (!l->n) return ;
  qsort(l->s, l->n, sizeof(char *), &cmp) ;
  for (size_t i = 1 ; i < l->n ; i++)
  {
    if (!strcmp(l->s[i], l->s[j])) free(l->s[i]) ;
    else l->s[++j] = l->s[i] ;
  }
  l->n = j + 1 ;
}
