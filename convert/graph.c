/* The dependency graph, decided at build time as systemd decides it at boot:
   which units start (pulled in from the boot targets), the order among them
   (After=/Before= between units that both start, transitively through targets,
   with the default dependencies of services and targets), what fails what, and a
   boot order. An ordering cycle is fatal and spelled out. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "convert.h"

enum node_kind { N_SERVICE, N_TARGET, N_OTHER } ;

typedef struct ivec_s ivec ;
struct ivec_s { size_t *v ; size_t n ; size_t cap ; } ;

enum edge { E_AFTER, E_PULL, E_FAIL, E_BIND, E_N } ;

typedef struct node_s node ;
struct node_s
{
  char *name ;        /* full unit name, "foo.service" */
  enum node_kind kind ;
  long unit ;         /* index into tree units, -1 when the input does not define it */
  int started ;
  int blocked ;       /* enable = false, or a template: never started */
  int default_deps ;
  ivec e[E_N] ;       /* E_AFTER: nodes this one is ordered after */
  int mark ;
} ;

static node *nodes ;
static size_t nnodes, capnodes ;
static size_t *hash ;
static size_t hashcap ;
static size_t *unit_nodes ;   /* by unit index */

/* Duplicates are kept: every walk marks what it has seen, and looking for them made
   adding an edge to a target that pulls in a thousand units quadratic. */
static void ivec_add (ivec *v, size_t x)
{
  if (v->n == v->cap)
  {
    v->cap = v->cap ? 2 * v->cap : 4 ;
    v->v = xrealloc(v->v, v->cap * sizeof(size_t)) ;
  }
  v->v[v->n++] = x ;
}

/* FNV-1a, then mixed: the table takes the low bits, and FNV's low bits alone put
   names like u1.service .. u1000.service in long runs of neighbouring slots. */
static size_t hash_of (char const *s)
{
  uint64_t h = 14695981039346656037u ;
  while (*s) h = (h ^ (unsigned char)*s++) * 1099511628211u ;
  h ^= h >> 33 ;
  h *= 0xff51afd7ed558ccdu ;
  h ^= h >> 33 ;
  return (size_t)h ;
}

static void rehash (void)
{
  size_t cap = hashcap ? hashcap * 2 : 256 ;
  free(hash) ;
  hash = xmalloc(cap * sizeof(size_t)) ;
  for (size_t i = 0 ; i < cap ; i++) hash[i] = (size_t)-1 ;
  hashcap = cap ;
  for (size_t i = 0 ; i < nnodes ; i++)
  {
    size_t h = hash_of(nodes[i].name) & (cap - 1) ;
    while (hash[h] != (size_t)-1) h = (h + 1) & (cap - 1) ;
    hash[h] = i ;
  }
}

static enum node_kind kind_of (char const *name)
{
  size_t l = strlen(name) ;
  if (l > 8 && !strcmp(name + l - 8, ".service")) return N_SERVICE ;
  if (l > 7 && !strcmp(name + l - 7, ".target")) return N_TARGET ;
  return N_OTHER ;
}

/* Returns the node for a unit name; a name without a known suffix is a service, as
   systemd reads "foo" in a dependency list. Called tens of thousands of times on
   big inputs: the name is built on the stack, and copied only for a new node. */
static size_t node_get (char const *name0)
{
  static char const *const suffixes[] = { ".socket", ".device", ".mount", ".automount", ".swap", ".path", ".timer", ".slice", ".scope", 0 } ;
  char buf[256] ;
  char *name = buf ;
  char const *dot ;
  size_t l, h ;
  int service = 1 ;
  /* NixOS links default.target to systemd.defaultUnit, multi-user.target by default:
     one unit under two names. */
  if (!strcmp(name0, "default.target")) name0 = "multi-user.target" ;
  dot = strrchr(name0, '.') ;
  if (dot && (kind_of(name0) != N_OTHER)) service = 0 ;
  for (unsigned int i = 0 ; service && dot && suffixes[i] ; i++) if (!strcmp(dot, suffixes[i])) service = 0 ;
  l = strlen(name0) ;
  if (l + 9 > sizeof(buf)) name = xmalloc(l + 9) ;
  memcpy(name, name0, l) ;
  strcpy(name + l, service ? ".service" : "") ;
  if (2 * (nnodes + 1) > hashcap) rehash() ;
  h = hash_of(name) & (hashcap - 1) ;
  while (hash[h] != (size_t)-1 && strcmp(nodes[hash[h]].name, name)) h = (h + 1) & (hashcap - 1) ;
  if (hash[h] == (size_t)-1)
  {
    if (nnodes == capnodes)
    {
      capnodes = capnodes ? 2 * capnodes : 64 ;
      nodes = xrealloc(nodes, capnodes * sizeof(node)) ;
    }
    memset(&nodes[nnodes], 0, sizeof(node)) ;
    nodes[nnodes].name = xstrdup(name) ;
    nodes[nnodes].kind = kind_of(name) ;
    nodes[nnodes].unit = -1 ;
    nodes[nnodes].default_deps = 1 ;
    hash[h] = nnodes++ ;
  }
  if (name != buf) free(name) ;
  return hash[h] ;
}

/* Indices, not pointers: node_get may move the node table. */
static void edge (size_t from, enum edge e, size_t to)
{
  ivec_add(&nodes[from].e[e], to) ;
}

static void after (char const *a, char const *b)
{
  size_t x = node_get(a) ;
  size_t y = node_get(b) ;
  edge(x, E_AFTER, y) ;
}

/* The targets a container boot reaches. network*.target are reached because the
   container runtime brings the network up before init starts. */
static char const *const boot_targets[] =
{
  "default.target", "multi-user.target", "basic.target", "sysinit.target", "local-fs.target", "swap.target",
  "sockets.target", "paths.target", "slices.target", "timers.target", "network.target", "network-online.target", 0
} ;

static void builtin_edges (void)
{
  static char const *const order[][2] =
  {
    { "multi-user.target", "basic.target" },
    { "basic.target", "sysinit.target" }, { "basic.target", "sockets.target" }, { "basic.target", "paths.target" },
    { "basic.target", "slices.target" }, { "sysinit.target", "local-fs.target" }, { "sysinit.target", "swap.target" },
    { "network-online.target", "network.target" },
  } ;
  for (unsigned int i = 0 ; i < sizeof(order) / sizeof(order[0]) ; i++) after(order[i][0], order[i][1]) ;
  for (unsigned int i = 0 ; boot_targets[i] ; i++)
  {
    size_t x = node_get(boot_targets[i]) ;
    nodes[x].started = 1 ;
  }
}

static void add_unit_edges (tree *t, size_t ui)
{
  unit *u = &t->units[ui] ;
  char *full = xmalloc(strlen(u->name) + 9) ;
  size_t s ;
  strcpy(stpcpy(full, u->name), ".service") ;
  s = unit_nodes[ui] = node_get(full) ;
  nodes[s].unit = (long)ui ;
  nodes[s].default_deps = u->default_deps ;
  nodes[s].blocked = !u->enabled || u->is_template ;
  for (size_t i = 0 ; i < u->deps[DEP_AFTER].n ; i++) edge(s, E_AFTER, node_get(u->deps[DEP_AFTER].s[i])) ;
  for (size_t i = 0 ; i < u->deps[DEP_BEFORE].n ; i++) edge(node_get(u->deps[DEP_BEFORE].s[i]), E_AFTER, s) ;
  for (size_t i = 0 ; i < u->deps[DEP_WANTS].n ; i++) edge(s, E_PULL, node_get(u->deps[DEP_WANTS].s[i])) ;
  for (size_t i = 0 ; i < u->deps[DEP_UPHOLDS].n ; i++) edge(s, E_PULL, node_get(u->deps[DEP_UPHOLDS].s[i])) ;
  for (size_t i = 0 ; i < u->deps[DEP_REQUIRES].n ; i++)
  {
    size_t x = node_get(u->deps[DEP_REQUIRES].s[i]) ;
    edge(s, E_PULL, x) ;
    edge(s, E_FAIL, x) ;
  }
  for (size_t i = 0 ; i < u->deps[DEP_BINDS_TO].n ; i++)
  {
    size_t x = node_get(u->deps[DEP_BINDS_TO].s[i]) ;
    edge(s, E_PULL, x) ;
    edge(s, E_FAIL, x) ;
    edge(s, E_BIND, x) ;
  }
  for (size_t i = 0 ; i < u->deps[DEP_REQUISITE].n ; i++) edge(s, E_FAIL, node_get(u->deps[DEP_REQUISITE].s[i])) ;
  for (size_t i = 0 ; i < u->deps[DEP_WANTED_BY].n ; i++) edge(node_get(u->deps[DEP_WANTED_BY].s[i]), E_PULL, s) ;
  for (size_t i = 0 ; i < u->deps[DEP_UPHELD_BY].n ; i++) edge(node_get(u->deps[DEP_UPHELD_BY].s[i]), E_PULL, s) ;
  for (size_t i = 0 ; i < u->deps[DEP_REQUIRED_BY].n ; i++)
  {
    size_t x = node_get(u->deps[DEP_REQUIRED_BY].s[i]) ;
    edge(x, E_PULL, s) ;
    edge(x, E_FAIL, s) ;
  }
  if (u->default_deps)
  {
    edge(s, E_AFTER, node_get("basic.target")) ;
    edge(s, E_AFTER, node_get("sysinit.target")) ;
  }
  free(full) ;
}

static void report_deps (tree *t, size_t ui)
{
  unit *u = &t->units[ui] ;
  if (u->deps[DEP_UPHOLDS].n || u->deps[DEP_UPHELD_BY].n)
    report_add(REPORT_UNSUPPORTED, u->name, "upholds", "Upholds= is treated as Wants=: the unit is started once, not kept up") ;
  if (u->deps[DEP_ON_FAILURE].n) report_add(REPORT_UNSUPPORTED, u->name, "onFailure", "OnFailure= units are not implemented: ignored") ;
  if (u->deps[DEP_ON_SUCCESS].n) report_add(REPORT_UNSUPPORTED, u->name, "onSuccess", "OnSuccess= units are not implemented: ignored") ;
  for (size_t i = 0 ; i < u->deps[DEP_CONFLICTS].n ; i++)
    if (strcmp(u->deps[DEP_CONFLICTS].s[i], "shutdown.target"))
      report_add(REPORT_UNSUPPORTED, u->name, "conflicts", "Conflicts= is not implemented: ignored") ;
}

static void pull_in (size_t s)
{
  size_t *stack = xmalloc(nnodes * sizeof(size_t)) ;
  size_t sp = 0 ;
  stack[sp++] = s ;
  while (sp)
  {
    node *n = &nodes[stack[--sp]] ;
    for (size_t i = 0 ; i < n->e[E_PULL].n ; i++)
    {
      node *m = &nodes[n->e[E_PULL].v[i]] ;
      if (m->started || m->blocked) continue ;
      if (m->kind == N_OTHER || (m->kind == N_SERVICE && m->unit < 0)) continue ;
      m->started = 1 ;
      stack[sp++] = n->e[E_PULL].v[i] ;
    }
  }
  free(stack) ;
}

static int relevant (size_t) ;

/* Units other than services and targets have no place in a container: a dependency
   on one is reported and ignored. A required service that will not run (undefined,
   enable = false, a template) stays in the requires list, so that init fails the unit
   at boot as systemd would, and the report says so now. */
static void check_missing (tree *t, size_t ui, strlist *failing)
{
  unit *u = &t->units[ui] ;
  static struct { enum dep_kind kind ; char const *key ; int fatal ; } const kinds[] =
  {
    { DEP_REQUIRES, "requires", 1 }, { DEP_BINDS_TO, "bindsTo", 1 }, { DEP_REQUISITE, "requisite", 1 },
    { DEP_WANTS, "wants", 0 }, { DEP_UPHOLDS, "upholds", 0 },
  } ;
  for (unsigned int k = 0 ; k < sizeof(kinds) / sizeof(kinds[0]) ; k++)
    for (size_t i = 0 ; i < u->deps[kinds[k].kind].n ; i++)
    {
      char const *dep = u->deps[kinds[k].kind].s[i] ;
      size_t mi = node_get(dep) ;
      node *m = &nodes[mi] ;
      char msg[600] ;
      char const *why = 0 ;
      size_t dl = strlen(dep) ;
      if (dl > 400) dl = 400 ;
      memcpy(msg, dep, dl) ;
      msg[dl] = 0 ;
      if (m->kind == N_OTHER)
      {
        strcat(msg, ": this kind of unit does not exist in a container: dependency ignored") ;
        report_add(REPORT_UNSUPPORTED, u->name, kinds[k].key, msg) ;
        continue ;
      }
      if (m->kind != N_SERVICE) continue ;
      if (m->unit < 0 && !strncmp(dep, "systemd-", 8))
      {
        strcat(msg, ": part of systemd itself, not in a container: dependency ignored") ;
        report_add(REPORT_UNSUPPORTED, u->name, kinds[k].key, msg) ;
        continue ;
      }
      if (m->unit < 0) why = " is not defined" ;
      else if (!t->units[m->unit].enabled) why = " has enable = false" ;
      else if (t->units[m->unit].is_template) why = " is a template, and instances are not implemented" ;
      else if (!relevant(mi)) why = " is not started by anything (Requisite= does not pull it in)" ;
      if (!why) continue ;
      strcat(msg, why) ;
      if (kinds[k].fatal)
      {
        strcat(msg, ": the unit will fail at boot, as under systemd") ;
        report_add(REPORT_FAILS, u->name, kinds[k].key, msg) ;
        strlist_addn(failing, m->name, strlen(m->name) - 8) ;
      }
      else
      {
        strcat(msg, ": ignored, as systemd does") ;
        report_add(REPORT_NOTE, u->name, kinds[k].key, msg) ;
      }
    }
}

static int relevant (size_t i)
{
  return nodes[i].started && !nodes[i].blocked && nodes[i].kind != N_OTHER && (nodes[i].kind == N_TARGET || nodes[i].unit >= 0) ;
}

/* Depth-first search for an ordering cycle among started units; dies naming it. */
static size_t *path ;
static size_t pathlen ;

static void dfs (size_t i)
{
  nodes[i].mark = 1 ;
  path[pathlen++] = i ;
  for (size_t k = 0 ; k < nodes[i].e[E_AFTER].n ; k++)
  {
    size_t j = nodes[i].e[E_AFTER].v[k] ;
    if (!relevant(j)) continue ;
    if (nodes[j].mark == 1)
    {
      size_t start = 0, len = 64 ;
      char *msg ;
      char *w ;
      while (path[start] != j) start++ ;
      for (size_t p = start ; p < pathlen ; p++) len += strlen(nodes[path[p]].name) + 8 ;
      msg = xmalloc(len + strlen(nodes[j].name)) ;
      w = stpcpy(msg, "ordering cycle: ") ;
      for (size_t p = start ; p < pathlen ; p++) w = stpcpy(stpcpy(w, nodes[path[p]].name), " after ") ;
      strcpy(w, nodes[j].name) ;
      {
        size_t who = nodes[path[start]].kind == N_SERVICE ? path[start] : i ;
        char *unitname = xstrdup(nodes[who].name) ;
        char *dot = strrchr(unitname, '.') ;
        if (nodes[who].kind == N_SERVICE) *dot = 0 ;
        die_unit(unitname, "after", msg) ;
      }
    }
    if (!nodes[j].mark) dfs(j) ;
  }
  pathlen-- ;
  nodes[i].mark = 2 ;
}

/* The started services reachable from node i over edges of kind e, passing through
   targets only (a service stops the walk). */
static void flatten (size_t i, enum edge e, strlist *out, unsigned int *seen, unsigned int stamp)
{
  for (size_t k = 0 ; k < nodes[i].e[e].n ; k++)
  {
    size_t j = nodes[i].e[e].v[k] ;
    if (!relevant(j) || seen[j] == stamp) continue ;
    seen[j] = stamp ;
    if (nodes[j].kind == N_SERVICE)
    {
      char const *nm = nodes[j].name ;
      strlist_addn(out, nm, strlen(nm) - 8) ;
    }
    else flatten(j, e, out, seen, stamp) ;
  }
}

/* seen[j] == stamp: j seen by this walk; a new stamp per walk saves clearing seen. */
static void flatten_of (size_t s, enum edge e, strlist *out, unsigned int *seen)
{
  static unsigned int stamp ;
  seen[s] = ++stamp ;
  flatten(s, e, out, seen, stamp) ;
  strlist_sort_unique(out) ;
}

static int name_index (tree const *t, char const *name)
{
  size_t lo = 0, hi = t->n ;
  while (lo < hi)
  {
    size_t mid = (lo + hi) / 2 ;
    int c = strcmp(t->units[mid].name, name) ;
    if (!c) return (int)mid ;
    if (c < 0) lo = mid + 1 ; else hi = mid ;
  }
  return -1 ;
}

/* Kahn's algorithm, smallest name first among the ready, for a stable boot order. */
static void boot_order (tree *t, int const *started)
{
  size_t *indeg = xmalloc(t->n * sizeof(size_t)) ;
  int *done = xmalloc(t->n * sizeof(int)) ;
  ivec *succ = xmalloc(t->n * sizeof(ivec)) ;
  memset(succ, 0, t->n * sizeof(ivec)) ;
  for (size_t i = 0 ; i < t->n ; i++) { indeg[i] = 0 ; done[i] = !started[i] ; }
  for (size_t i = 0 ; i < t->n ; i++) if (started[i])
    for (size_t k = 0 ; k < t->after[i].n ; k++)
    {
      int j = name_index(t, t->after[i].s[k]) ;
      ivec_add(&succ[j], i) ;
      indeg[i]++ ;
    }
  t->order = xmalloc((t->n + 1) * sizeof(size_t)) ;
  t->norder = 0 ;
  for (;;)
  {
    size_t pick = t->n ;
    for (size_t i = 0 ; i < t->n ; i++) if (!done[i] && !indeg[i]) { pick = i ; break ; }
    if (pick == t->n) break ;
    done[pick] = 1 ;
    t->order[t->norder++] = pick ;
    for (size_t k = 0 ; k < succ[pick].n ; k++) indeg[succ[pick].v[k]]-- ;
  }
  for (size_t i = 0 ; i < t->n ; i++) free(succ[i].v) ;
  free(succ) ;
  free(done) ;
  free(indeg) ;
}

/* What an enabled timer triggers is pulled in as a boot target pulls in, so that it
   and what it needs are in the tree; what only timers pull in is not started at boot
   (t->demand). */
static void timers_pull_in (tree *t)
{
  for (size_t i = 0 ; i < t->ntimers ; i++)
  {
    unit *tm = &t->timers[i] ;
    int s ;
    if (!tm->enabled || !tm->timer.service) continue ;
    /* a timer runs from the boot when what the boot starts wants it, as under systemd;
       else it is armed only by a command */
    for (unsigned int k = 0 ; k < 2 ; k++)
    {
      strlist const *l = &tm->deps[k ? DEP_REQUIRED_BY : DEP_WANTED_BY] ;
      for (size_t j = 0 ; j < l->n ; j++) if (relevant(node_get(l->s[j]))) tm->timer.at_boot = 1 ;
    }
    if (!tm->timer.at_boot)
      report_add(REPORT_NOTE, tm->name, "wantedBy", "not wanted by timers.target or another boot target: armed only by nci-ctl start") ;
    s = name_index(t, tm->timer.service) ;
    if (s < 0 || nodes[unit_nodes[s]].blocked) continue ;
    nodes[unit_nodes[s]].started = 1 ;
    pull_in(unit_nodes[s]) ;
  }
}

void graph_build (tree *t)
{
  unsigned int *seen ;
  int *boot_started ;
  int *started = xmalloc((t->n + 1) * sizeof(int)) ;
  unit_nodes = xmalloc((t->n + 1) * sizeof(size_t)) ;
  builtin_edges() ;
  for (size_t i = 0 ; i < t->n ; i++) add_unit_edges(t, i) ;
  /* Templates start only as instances, and instances come from sockets or from
     other units by name: neither is implemented yet. */
  for (size_t i = 0 ; i < t->n ; i++)
  {
    if (!t->units[i].enabled) report_add(REPORT_NOTE, t->units[i].name, "enable", "enable = false: not in the tree") ;
    else if (t->units[i].is_template)
      report_add(REPORT_UNSUPPORTED, t->units[i].name, "name", "template unit: instances (socket activation) are not implemented; not started") ;
  }

  for (unsigned int i = 0 ; boot_targets[i] ; i++) pull_in(node_get(boot_targets[i])) ;
  boot_started = xmalloc((t->n + 1) * sizeof(int)) ;
  for (size_t i = 0 ; i < t->n ; i++) boot_started[i] = relevant(unit_nodes[i]) ;
  timers_pull_in(t) ;

  /* A target is ordered after what it pulls in, unless that unit opted out of
     default dependencies or is already ordered after the target. */
  for (size_t i = 0 ; i < nnodes ; i++) if (nodes[i].kind == N_TARGET)
    for (size_t k = 0 ; k < nodes[i].e[E_PULL].n ; k++)
    {
      size_t j = nodes[i].e[E_PULL].v[k] ;
      int loop = 0 ;
      if (!nodes[j].default_deps) continue ;
      for (size_t m = 0 ; m < nodes[j].e[E_AFTER].n ; m++) if (nodes[j].e[E_AFTER].v[m] == i) loop = 1 ;
      if (!loop) ivec_add(&nodes[i].e[E_AFTER], j) ;
    }

  t->demand = xmalloc((t->n + 1) * sizeof(int)) ;
  for (size_t i = 0 ; i < t->n ; i++)
  {
    started[i] = relevant(unit_nodes[i]) ;
    t->demand[i] = started[i] && !boot_started[i] ;
    if (!started[i]) continue ;
    report_deps(t, i) ;
  }
  free(boot_started) ;
  for (size_t i = 0 ; i < t->n ; i++)
  {
    unit *u = &t->units[i] ;
    if (started[i] || !u->enabled || u->is_template) continue ;
    report_add(REPORT_NOTE, u->name, "wantedBy", "not pulled in by any boot target or timer: not started") ;
  }

  path = xmalloc((nnodes + 1) * sizeof(size_t)) ;
  for (size_t i = 0 ; i < nnodes ; i++) if (relevant(i) && !nodes[i].mark) dfs(i) ;

  t->after = xmalloc((t->n + 1) * sizeof(strlist)) ;
  t->requires = xmalloc((t->n + 1) * sizeof(strlist)) ;
  t->binds_to = xmalloc((t->n + 1) * sizeof(strlist)) ;
  t->part_of = xmalloc((t->n + 1) * sizeof(strlist)) ;
  seen = xmalloc((nnodes + 1) * sizeof(unsigned int)) ;
  memset(seen, 0, (nnodes + 1) * sizeof(unsigned int)) ;
  for (size_t i = 0 ; i < t->n ; i++)
  {
    size_t s = unit_nodes[i] ;
    t->after[i] = t->requires[i] = t->binds_to[i] = t->part_of[i] = (strlist)STRLIST_ZERO ;
    if (!started[i]) continue ;
    flatten_of(s, E_AFTER, &t->after[i], seen) ;
    check_missing(t, i, &t->requires[i]) ;
    flatten_of(s, E_FAIL, &t->requires[i], seen) ;
    flatten_of(s, E_BIND, &t->binds_to[i], seen) ;
    for (size_t k = 0 ; k < t->units[i].deps[DEP_PART_OF].n ; k++)
    {
      size_t x = node_get(t->units[i].deps[DEP_PART_OF].s[k]) ;
      if (relevant(x) && nodes[x].kind == N_SERVICE) strlist_addn(&t->part_of[i], nodes[x].name, strlen(nodes[x].name) - 8) ;
    }
    strlist_sort_unique(&t->part_of[i]) ;
  }
  free(seen) ;
  boot_order(t, started) ;
  free(started) ;
}
