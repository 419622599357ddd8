#include <skalibs/strerr.h>
#include "convert.h"

char const *input_name = "-" ;

/* Called only before the tree is written: nothing to clean up. */
void die_unit (char const *unitname, char const *key, char const *msg)
{
  if (key[0]) strerr_dief(1, input_name, ": unit ", unitname, ": ", key, ": ", msg) ;
  strerr_dief(1, input_name, ": unit ", unitname, ": ", msg) ;
}
