/* doc/state.md's state tables, for the suites that check a state machine
   against them: a section "### HEADING" holds a table whose header names the
   events and whose rows are "| state | cell | ... |", a cell being the states
   the event can lead to, separated by "/", "=" for the state itself and "!"
   for a pair that cannot happen (logged as an internal error). */
#ifndef NCI_STATE_TABLE_H
#define NCI_STATE_TABLE_H

#include <stdio.h>
#include <string.h>

#include <check.h>

typedef struct state_table_s state_table ;
struct state_table_s
{
  char const *const *states ;
  int nstates ;                /* at most 62: a cell is a bit set, bit nstates for "!" */
  char const *const *events ;
  int nevents ;
  char const *heading ;
  long *cell ;                 /* nstates x nevents, -1 where the table says nothing */
} ;

/* IN(s, A, B...): whether s is one of A, B... */
static inline int state_in (int s, int const *v, unsigned int n)
{
  for (unsigned int i = 0 ; i < n ; i++) if (v[i] == s) return 1 ;
  return 0 ;
}
#define IN(s, ...) state_in(s, (int const[]){ __VA_ARGS__ }, sizeof((int const[]){ __VA_ARGS__ }) / sizeof(int))

static inline int state_table_name (state_table const *t, char const *s, size_t n)
{
  for (int i = 0 ; i < t->nstates ; i++)
    if (t->states[i] && strlen(t->states[i]) == n && !memcmp(t->states[i], s, n)) return i ;
  return -1 ;
}

/* Splits a table row into its cells, without the bars and backquotes. */
static inline int state_table_split (char *line, char **fields, int max)
{
  char *p = line + 1 ;
  int nf = 0 ;
  while (nf < max)
  {
    char *bar = strchr(p, '|'), *e ;
    if (!bar) break ;
    *bar = 0 ;
    while (*p == ' ' || *p == '`') p++ ;
    e = bar ;
    while (e > p && (e[-1] == ' ' || e[-1] == '`')) *--e = 0 ;
    fields[nf++] = p ;
    p = bar + 1 ;
  }
  return nf ;
}

static inline void state_table_row (state_table *t, char **fields, int nf, int const *col)
{
  int s = state_table_name(t, fields[0], strlen(fields[0])) ;
  ck_assert_msg(s >= 0, "doc/state.md, %s: no state %s", t->heading, fields[0]) ;
  for (int i = 1 ; i < nf ; i++)
  {
    long set = 0 ;
    char const *q = fields[i] ;
    while (*q)
    {
      size_t n = strcspn(q, "/") ;
      if (n == 1 && *q == '!') set |= 1L << t->nstates ;
      else if (n == 1 && *q == '=') set |= 1L << s ;
      else
      {
        int u = state_table_name(t, q, n) ;
        ck_assert_msg(u >= 0, "doc/state.md, %s: row %s: no state %.*s", t->heading, fields[0], (int)n, q) ;
        set |= 1L << u ;
      }
      q += n ;
      if (*q == '/') q++ ;
    }
    t->cell[s * t->nevents + col[i]] = set ;
  }
}

static inline void state_table_read (state_table *t)
{
  FILE *f = fopen("doc/state.md", "r") ;
  char line[4096] ;
  int on = 0, ncol = 0, col[64] ;
  ck_assert_msg(f != 0, "cannot open doc/state.md (run from the source tree)") ;
  ck_assert(t->nevents < 62 && t->nstates < 62) ;
  for (int i = 0 ; i < t->nstates * t->nevents ; i++) t->cell[i] = -1 ;
  while (fgets(line, sizeof line, f))
  {
    char *fields[64] ;
    int nf ;
    /* a section ends at the next heading, whatever its level */
    if (line[0] == '#') { on = !strncmp(line, "### ", 4) && !strncmp(line + 4, t->heading, strlen(t->heading)) ; ncol = 0 ; continue ; }
    if (!on || line[0] != '|') continue ;
    nf = state_table_split(line, fields, 64) ;
    if (!ncol)
    {
      /* the header: the events, by name */
      for (int i = 1 ; i < nf ; i++)
      {
        col[i] = -1 ;
        for (int e = 0 ; e < t->nevents ; e++) if (t->events[e] && !strcmp(fields[i], t->events[e])) col[i] = e ;
        ck_assert_msg(col[i] >= 0, "doc/state.md, %s: no event %s", t->heading, fields[i]) ;
      }
      ncol = nf ;
      continue ;
    }
    if (fields[0][0] == '-') continue ;
    ck_assert_msg(nf == ncol, "doc/state.md, %s: row %s has %d cells, not %d", t->heading, fields[0], nf, ncol) ;
    state_table_row(t, fields, nf, col) ;
  }
  fclose(f) ;
}

static inline void state_table_fmt (state_table const *t, char *buf, size_t max, int s, long set)
{
  size_t n = 0 ;
  buf[0] = 0 ;
  for (int u = 0 ; u <= t->nstates && n < max ; u++)
    if (set & (1L << u))
      n += (size_t)snprintf(buf + n, max - n, "%s%s", n ? "/" : "", u == t->nstates ? "!" : u == s ? "=" : t->states[u]) ;
}

/* 0 when what the machine did (got, a set as a cell) is the cell; else 1,
   said on stdout in the table's own words. */
static inline int state_table_check (state_table const *t, int s, int ev, long got)
{
  char want[512], have[512] ;
  long doc = t->cell[s * t->nevents + ev] ;
  if (got == doc) return 0 ;
  state_table_fmt(t, want, sizeof want, s, doc < 0 ? 0 : doc) ;
  state_table_fmt(t, have, sizeof have, s, got) ;
  printf("%s: %s x %s: doc/state.md says %s, the machine does %s\n", t->heading, t->states[s], t->events[ev], doc < 0 ? "nothing" : want, have) ;
  return 1 ;
}

#endif
