#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include <nci/calendar.h>
#include <nci/defaults.h>
#include <nci/dirnames.h>
#include "init.h"

/* The tree is read once, at start; everything init needs later is sized here. */

static stralloc text = STRALLOC_ZERO ;   /* every name and list, NUL-separated */

static void dienomem (void)
{
  strerr_diefu1sys(111, "allocate memory for the tree") ;
}

static void *xcalloc (size_t n, size_t size)
{
  void *p = calloc(n ? n : 1, size) ;
  if (!p) dienomem() ;
  return p ;
}

/* TREE/units/NAME/FILE into path (PATH_MAX). */
static void tree_path (char *path, char const *name, char const *file)
{
  size_t tl = strlen(G.tree), nl = strlen(name), fl = strlen(file) ;
  if (tl + nl + fl + 9 > PATH_MAX) strerr_dief4x(1, "unit ", name, " makes too long a path in ", G.tree) ;
  memcpy(path, G.tree, tl) ;
  memcpy(path + tl, "/units/", 7) ;
  memcpy(path + tl + 7, name, nl) ;
  path[tl + 7 + nl] = '/' ;
  memcpy(path + tl + 8 + nl, file, fl + 1) ;
}

/* The files of the unit being read, listed once: most are absent (the tree
   writes only what differs from the defaults), and with N units each failed
   open is N lookups on the boot's path. */
static char const *const known[] =
{
  "after", "requires", "binds-to", "part-of", "remain-after-exit", "down", "up", "run",
  "failure-action", "success-action", "timeout-start", "timeout-kill", "on-demand",
  "unit", "on-calendar", "on-active", "on-boot", "on-startup", "on-unit-active", "persistent",
  "randomized-delay", "fixed-random-delay", "on-unit-inactive", 0
} ;
static uint32_t present ;

/* Every file of every unit, one after another, NUL-terminated: the state
   directory links them (statedir.c) without listing each unit's directory
   again. Offsets while it grows, pointers once loaded. */
static stralloc files = STRALLOC_ZERO ;

static int add_file (char const *name, void *ctx)
{
  unit *u = ctx ;
  /* hidden files are not the unit's (an editor's, a VCS's) */
  if (name[0] == '.') return 1 ;
  if (!stralloc_catb(&files, name, strlen(name) + 1)) return 0 ;
  u->nfiles++ ;
  return 1 ;
}

static void list_unit (unit *u)
{
  char path[PATH_MAX] ;
  tree_path(path, u->name, "") ;
  u->files = (char const *)(uintptr_t)files.len ;
  /* no directory: no files, and the missing up or run script says so below */
  if (!nci_dir_names(path, known, &present, &add_file, u) && errno != ENOENT)
    strerr_diefu2sys(111, errno == ENOMEM ? "allocate the file list of " : "list ", path) ;
}

static int listed (char const *file)
{
  return nci_dir_has(known, present, file) ;
}

/* Reads TREE/units/NAME/FILE into sa; 0 when there is no such file. */
static int unit_slurp (stralloc *sa, char const *name, char const *file)
{
  char path[PATH_MAX] ;
  sa->len = 0 ;
  if (!listed(file)) return 0 ;
  tree_path(path, name, file) ;
  if (!openslurpclose(sa, path))
  {
    if (errno == ENOENT) return 0 ;
    strerr_diefu2sys(111, "read ", path) ;
  }
  return 1 ;
}

static unsigned int read_ms (char const *name, char const *file, unsigned int def)
{
  stralloc sa = STRALLOC_ZERO ;
  unsigned int v = def ;
  if (unit_slurp(&sa, name, file))
  {
    size_t len ;
    if (!stralloc_0(&sa)) dienomem() ;
    len = uint_scan(sa.s, &v) ;
    if (!len || (sa.s[len] && sa.s[len] != '\n'))
      strerr_dief6x(1, "invalid ", file, " of unit ", name, " in ", G.tree) ;
  }
  stralloc_free(&sa) ;
  return v ;
}

static enum action_e read_action (char const *name, char const *file)
{
  stralloc sa = STRALLOC_ZERO ;
  enum action_e a = ACT_NONE ;
  if (unit_slurp(&sa, name, file))
  {
    if (!stralloc_0(&sa)) dienomem() ;
    sa.s[strcspn(sa.s, "\n")] = 0 ;
    /* in a container, every way of ending the machine is the container exiting */
    a = !strcmp(sa.s, "none") ? ACT_NONE : ACT_EXIT ;
  }
  stralloc_free(&sa) ;
  return a ;
}

static int exists (char const *name, char const *file)
{
  char path[PATH_MAX] ;
  if (!listed(file)) return 0 ;
  tree_path(path, name, file) ;
  if (access(path, F_OK) == 0) return 1 ;
  if (errno != ENOENT) strerr_diefu2sys(111, "access ", path) ;
  return 0 ;
}

static int cmp_name (void const *a, void const *b)
{
  return strcmp(G.units[*(unsigned int const *)a].name, G.units[*(unsigned int const *)b].name) ;
}

int unit_find (char const *name, size_t len)
{
  unsigned int lo = 0, hi = G.n ;
  while (lo < hi)
  {
    unsigned int mid = (lo + hi) / 2 ;
    char const *m = G.units[G.byname[mid]].name ;
    int c = strncmp(m, name, len) ;
    if (!c && m[len]) c = 1 ;
    if (!c) return (int)G.byname[mid] ;
    if (c < 0) lo = mid + 1 ; else hi = mid ;
  }
  return -1 ;
}

/* Reads a list file into an array of unit indices; a name not in the tree is
   kept in *missing when asked for, else ignored (an ordering on a unit that
   does not run orders nothing). */
static unsigned int *read_list (char const *name, char const *file, unsigned int *n, char const **missing)
{
  stralloc sa = STRALLOC_ZERO ;
  unsigned int *v, k = 0 ;
  size_t i = 0 ;
  *n = 0 ;
  if (!unit_slurp(&sa, name, file) || !sa.len) { stralloc_free(&sa) ; return 0 ; }
  for (size_t j = 0 ; j < sa.len ; j++) if (sa.s[j] == '\n') (*n)++ ;
  if (sa.s[sa.len - 1] != '\n') (*n)++ ;
  v = xcalloc(*n, sizeof *v) ;
  while (i < sa.len)
  {
    size_t e = i ;
    int idx ;
    while (e < sa.len && sa.s[e] != '\n') e++ ;
    if (e > i)
    {
      idx = unit_find(sa.s + i, e - i) ;
      if (idx >= 0) v[k++] = (unsigned int)idx ;
      else if (missing && !*missing)
      {
        *missing = strndup(sa.s + i, e - i) ;
        if (!*missing) dienomem() ;
      }
    }
    i = e + 1 ;
  }
  *n = k ;
  stralloc_free(&sa) ;
  return v ;
}

/* The lines of a timer's file, each a number of milliseconds. */
static unsigned int *read_spans (char const *name, char const *file, unsigned int *n)
{
  stralloc sa = STRALLOC_ZERO ;
  unsigned int *v ;
  size_t i = 0 ;
  *n = 0 ;
  if (!unit_slurp(&sa, name, file) || !sa.len) { stralloc_free(&sa) ; return 0 ; }
  if (!stralloc_0(&sa)) dienomem() ;
  for (size_t j = 0 ; j < sa.len ; j++) if (sa.s[j] == '\n') (*n)++ ;
  v = xcalloc(*n + 1, sizeof *v) ;
  *n = 0 ;
  while (sa.s[i])
  {
    size_t len = uint_scan(sa.s + i, &v[*n]) ;
    if (!len || sa.s[i + len] != '\n') strerr_dief6x(1, "invalid ", file, " of unit ", name, " in ", G.tree) ;
    (*n)++ ;
    i += len + 1 ;
  }
  stralloc_free(&sa) ;
  return v ;
}

/* A timer: its unit, its calendar expressions (parsed now: a bad one is a broken
   tree) and its spans. */
static void timer_load (unit *u)
{
  static char const *const span_files[TS_N] = { "on-active", "on-boot", "on-startup", "on-unit-active", "on-unit-inactive" } ;
  stralloc sa = STRALLOC_ZERO ;
  utimer *t = xcalloc(1, sizeof *t) ;
  int target ;
  size_t i = 0 ;
  u->timer = t ;
  if (!unit_slurp(&sa, u->name, "unit") || !sa.len) strerr_dief4x(1, "timer ", u->name, " names no unit in ", G.tree) ;
  target = unit_find(sa.s, strcspn(sa.s, "\n") < sa.len ? strcspn(sa.s, "\n") : sa.len) ;
  if (target < 0 || G.units[target].timer) strerr_dief4x(1, "timer ", u->name, " starts a unit that is not a service of ", G.tree) ;
  t->target = (unsigned int)target ;
  if (unit_slurp(&sa, u->name, "on-calendar") && sa.len)
  {
    if (!stralloc_0(&sa)) dienomem() ;
    for (size_t j = 0 ; j < sa.len ; j++) if (sa.s[j] == '\n') t->ncal++ ;
    t->cal = xcalloc(t->ncal + 1, sizeof *t->cal) ;
    t->ncal = 0 ;
    while (sa.s[i])
    {
      size_t e = i + strcspn(sa.s + i, "\n") ;
      char const *why ;
      int last = !sa.s[e] ;
      sa.s[e] = 0 ;
      if (!nci_calendar_parse(sa.s + i, &t->cal[t->ncal++], &why))
        strerr_dief6x(1, "invalid on-calendar of timer ", u->name, " in ", G.tree, ": ", why) ;
      i = last ? e : e + 1 ;
    }
  }
  for (unsigned int k = 0 ; k < TS_N ; k++) t->span[k] = read_spans(u->name, span_files[k], &t->nspan[k]) ;
  t->persistent = exists(u->name, "persistent") ;
  t->fixed_random = exists(u->name, "fixed-random-delay") ;
  t->random_ms = read_ms(u->name, "randomized-delay", 0) ;
  stralloc_free(&sa) ;
}

static void add_rafter (void)
{
  unsigned int *count = xcalloc(G.n, sizeof *count) ;
  for (unsigned int i = 0 ; i < G.n ; i++)
    for (unsigned int j = 0 ; j < G.units[i].nafter ; j++) count[G.units[i].after[j]]++ ;
  for (unsigned int i = 0 ; i < G.n ; i++) G.units[i].rafter = xcalloc(count[i], sizeof(unsigned int)) ;
  for (unsigned int i = 0 ; i < G.n ; i++)
    for (unsigned int j = 0 ; j < G.units[i].nafter ; j++)
    {
      unit *a = G.units + G.units[i].after[j] ;
      a->rafter[a->nrafter++] = i ;
    }
  free(count) ;
}

/* A oneshot is early when nothing it is (transitively) ordered after is a
   longrun: it finishes before any longrun starts. Worked out in an order
   where what a unit is ordered after comes first (Kahn's): nci-convert's index
   is one, a tree made by hand need not be; one with an ordering cycle would
   wait for ever, and is refused. */
static void mark_early (void)
{
  char *after_longrun = xcalloc(G.n, 1) ;
  unsigned int *waiting = xcalloc(G.n, sizeof *waiting) ;
  unsigned int *queue = xcalloc(G.n, sizeof *queue) ;
  unsigned int head = 0, tail = 0 ;
  for (unsigned int i = 0 ; i < G.n ; i++)
  {
    waiting[i] = G.units[i].nafter ;
    if (!waiting[i]) queue[tail++] = i ;
  }
  while (head < tail)
  {
    unsigned int i = queue[head++] ;
    unit *u = G.units + i ;
    for (unsigned int j = 0 ; j < u->nafter ; j++)
    {
      unit *a = G.units + u->after[j] ;
      if (a->longrun || after_longrun[u->after[j]]) after_longrun[i] = 1 ;
    }
    u->early = !u->longrun && !after_longrun[i] ;
    if (u->early) G.early_left++ ;
    for (unsigned int j = 0 ; j < u->nrafter ; j++)
      if (!--waiting[u->rafter[j]]) queue[tail++] = u->rafter[j] ;
  }
  if (tail < G.n)
    for (unsigned int i = 0 ; i < G.n ; i++)
      if (waiting[i]) strerr_dief4x(1, "unit ", G.units[i].name, " is in an ordering cycle (after) in ", G.tree) ;
  free(queue) ;
  free(waiting) ;
  free(after_longrun) ;
}

void tree_load (void)
{
  stralloc index = STRALLOC_ZERO ;
  size_t tl = strlen(G.tree) ;
  char path[tl + 7] ;
  size_t i = 0 ;
  unsigned int k = 0 ;
  memcpy(path, G.tree, tl) ;
  memcpy(path + tl, "/index", 7) ;
  if (!openslurpclose(&index, path))
    strerr_diefu3sys(errno == ENOENT ? 1 : 111, "read ", path, errno == ENOENT ? " (not an nci tree?)" : "") ;
  for (size_t j = 0 ; j < index.len ; j++) if (index.s[j] == '\n') G.n++ ;
  G.units = xcalloc(G.n, sizeof *G.units) ;
  G.byname = xcalloc(G.n, sizeof *G.byname) ;
  pidmap_init(G.n) ;
  /* names first, as offsets into text: it may move while it grows */
  while (i < index.len && k < G.n)
  {
    size_t e = i, sp ;
    while (e < index.len && index.s[e] != '\n') e++ ;
    sp = i ;
    while (sp < e && index.s[sp] != ' ') sp++ ;
    if (sp == i || sp == e) strerr_dief3x(1, "malformed line in ", path, ": expected \"NAME oneshot|longrun\"") ;
    if (e - sp - 1 == 7 && !memcmp(index.s + sp + 1, "longrun", 7)) G.units[k].longrun = 1 ;
    /* marked now, loaded once every name is known */
    else if (e - sp - 1 == 5 && !memcmp(index.s + sp + 1, "timer", 5)) G.units[k].timer = (utimer *)1 ;
    else if (e - sp - 1 != 7 || memcmp(index.s + sp + 1, "oneshot", 7))
      strerr_dief3x(1, "malformed line in ", path, ": a type is oneshot, longrun or timer") ;
    G.units[k].name = (char const *)(uintptr_t)text.len ;
    if (!stralloc_catb(&text, index.s + i, sp - i) || !stralloc_0(&text)) dienomem() ;
    G.byname[k] = k ;
    k++ ;
    i = e + 1 ;
  }
  stralloc_free(&index) ;
  /* no units is a tree too: an image that only runs a command */
  for (k = 0 ; k < G.n ; k++) G.units[k].name = text.s + (uintptr_t)G.units[k].name ;
  qsort(G.byname, G.n, sizeof *G.byname, &cmp_name) ;
  for (k = 1 ; k < G.n ; k++)
    if (!strcmp(G.units[G.byname[k]].name, G.units[G.byname[k - 1]].name))
      strerr_dief4x(1, "unit ", G.units[G.byname[k]].name, " is twice in ", path) ;
  for (k = 0 ; k < G.n ; k++)
  {
    unit *u = G.units + k ;
    list_unit(u) ;
    u->after = read_list(u->name, "after", &u->nafter, 0) ;
    u->req = read_list(u->name, "requires", &u->nreq, &u->missing) ;
    {
      unsigned int nb = 0, np = 0 ;
      unsigned int *b = read_list(u->name, "binds-to", &nb, 0) ;
      unsigned int *p = read_list(u->name, "part-of", &np, 0) ;
      u->bind = xcalloc(nb + np, sizeof *u->bind) ;
      if (nb) memcpy(u->bind, b, nb * sizeof *b) ;
      if (np) memcpy(u->bind + nb, p, np * sizeof *p) ;
      u->nbind = nb + np ;
      free(b) ; free(p) ;
    }
    u->remain = !u->longrun && exists(u->name, "remain-after-exit") ;
    if (u->remain)
    {
      stralloc sa = STRALLOC_ZERO ;
      if (unit_slurp(&sa, u->name, "remain-after-exit") && sa.len >= 2 && !memcmp(sa.s, "no", 2)) u->remain = 0 ;
      stralloc_free(&sa) ;
    }
    u->demand = exists(u->name, "on-demand") ;
    u->slot = -1 ;
    for (unsigned int j = 0 ; j < 4 ; j++) u->svfds[j] = -1 ;
    if (u->timer) { timer_load(u) ; continue ; }
    u->has_down = !u->longrun && exists(u->name, "down") ;
    if (!u->longrun && !exists(u->name, "up")) strerr_dief4x(1, "unit ", u->name, " has no up script in ", G.tree) ;
    if (u->longrun && !exists(u->name, "run")) strerr_dief4x(1, "unit ", u->name, " has no run script in ", G.tree) ;
    u->failure_action = read_action(u->name, "failure-action") ;
    u->success_action = read_action(u->name, "success-action") ;
    u->timeout_ms = read_ms(u->name, "timeout-start", u->longrun ? NCI_DEFAULT_TIMEOUT_START_MS : NCI_DEFAULT_TIMEOUT_START_ONESHOT_MS) ;
    u->kill_ms = read_ms(u->name, "timeout-kill", NCI_DEFAULT_TIMEOUT_KILL_MS) ;
  }

  for (k = 0 ; k < G.n ; k++) G.units[k].files = G.units[k].nfiles ? files.s + (uintptr_t)G.units[k].files : "" ;
  add_rafter() ;
  mark_early() ;
  G.stoplog = xcalloc(G.n ? G.n : 1, sizeof *G.stoplog) ;
  /* a slot per oneshot: sized here, never grown (about 8 kB each, half of
     it touched only when used) */
  for (k = 0 ; k < G.n ; k++) if (!G.units[k].longrun && !G.units[k].timer) G.nslots++ ;
  if (!G.nslots) G.nslots = 1 ;
  G.slots = xcalloc((size_t)G.nslots, sizeof *G.slots) ;
  for (int s = 0 ; s < G.nslots ; s++) G.slots[s].unit = -1 ;
  G.iox = xcalloc(3 + 4 * (size_t)G.nslots, sizeof *G.iox) ;
  G.iowho = xcalloc(3 + 4 * (size_t)G.nslots, sizeof *G.iowho) ;
}
