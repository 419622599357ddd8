#include <stdint.h>
#include <stdlib.h>

#include <skalibs/strerr.h>

#include "init.h"

/* Which unit a reaped pid is: a unit's oneshot script or nci-supervise, one
   pid per unit at most. An open-addressing table at least twice as large as
   the units, sized once at load: one probe or two per lookup whatever the
   number of units, and no allocation once running. Removal shifts the entries
   of the probe run back, so no tombstones build up over restarts. */

static int *slots ;               /* unit index + 1, 0 for empty */
static unsigned int mask, shift ;

void pidmap_init (unsigned int n)
{
  unsigned int size = 4 ;
  shift = 30 ;
  while (size < 2 * n + 2) { size <<= 1 ; shift-- ; }
  slots = calloc(size, sizeof *slots) ;
  if (!slots) strerr_diefu1sys(111, "allocate the pid table") ;
  mask = size - 1 ;
}

static unsigned int home (pid_t pid)
{
  /* Fibonacci hashing, the product's top bits: consecutive pids spread over the table */
  return (unsigned int)(((uint32_t)pid * 2654435769u) >> shift) & mask ;
}

static unsigned int find (pid_t pid)
{
  unsigned int i = home(pid) ;
  while (slots[i] && G.units[slots[i] - 1].pid != pid) i = (i + 1) & mask ;
  return i ;
}

unit *unit_by_pid (pid_t pid)
{
  unsigned int i ;
  if (pid <= 0) return 0 ;
  i = find(pid) ;
  return slots[i] ? G.units + slots[i] - 1 : 0 ;
}

static void remove_at (unsigned int i)
{
  unsigned int j = i ;
  slots[i] = 0 ;
  for (;;)
  {
    unsigned int h ;
    j = (j + 1) & mask ;
    if (!slots[j]) return ;
    h = home(G.units[slots[j] - 1].pid) ;
    /* the entry at j stays if its home lies cyclically in (i, j] */
    if (i <= j ? (i < h && h <= j) : (i < h || h <= j)) continue ;
    slots[i] = slots[j] ;
    slots[j] = 0 ;
    i = j ;
  }
}

void unit_set_pid (unit *u, pid_t pid)
{
  if (u->pid > 0)
  {
    unsigned int i = find(u->pid) ;
    if (slots[i]) remove_at(i) ;
  }
  u->pid = pid ;
  if (pid > 0) slots[find(pid)] = (int)(u - G.units) + 1 ;
}
