#include <setjmp.h>
#include <skalibs/strerr.h>
#include "convert.h"

char const *input_name = "-" ;

/* Set while unit_parse_catch runs on this thread: where die_unit returns to. */
static _Thread_local jmp_buf *trap ;
static _Thread_local unit_error *caught ;

/* Called only before the tree is written: nothing to clean up. */
void die_unit (char const *unitname, char const *key, char const *msg)
{
  if (trap)
  {
    /* The strings may live in the frames longjmp unwinds. */
    caught->unitname = xstrdup(unitname) ;
    caught->key = xstrdup(key) ;
    caught->msg = xstrdup(msg) ;
    longjmp(*trap, 1) ;
  }
  if (key[0]) strerr_dief(1, input_name, ": unit ", unitname, ": ", key, ": ", msg) ;
  strerr_dief(1, input_name, ": unit ", unitname, ": ", msg) ;
}

int unit_parse_catch (unit *u, char const *name, json_t const *v, unit_error *err)
{
  jmp_buf env ;
  caught = err ;
  trap = &env ;
  if (setjmp(env))
  {
    trap = 0 ;
    return 0 ;
  }
  unit_parse(u, name, v) ;
  trap = 0 ;
  return 1 ;
}
