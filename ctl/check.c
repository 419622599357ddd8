#include <skalibs/buffer.h>
#include <skalibs/strerr.h>

#include "ctl.h"

static char const *all[CTL_UNITS_MAX] ;

static void put (char const *s)
{
  if (buffer_puts(buffer_1, s) < 0) strerr_diefu1sys(111, "write to stdout") ;
}

/* For exec probes: every unit of the state directory up (or ready); one line
   "UNIT: STATE" for each that is not. */
int ctl_check (int ready)
{
  unsigned int n = ctl_units_all(all) ;
  int ok = 1 ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    ctl_unit u ;
    char why[CTL_WHY_MAX] ;
    if (!ctl_unit_read(all[i], &u)) strerr_diefu2sys(111, "read ", u.failed) ;
    if (ctl_unit_up(&u, ready)) continue ;
    ok = 0 ;
    ctl_unit_why(&u, ready, why) ;
    put(all[i]) ;
    put(": ") ;
    put(why) ;
    put("\n") ;
  }
  if (!buffer_flush(buffer_1)) strerr_diefu1sys(111, "write to stdout") ;
  return ok ? 0 : CTL_EXIT_NOT_MET ;
}
