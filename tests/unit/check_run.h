/* The end of every suite's main: run it, exit nonzero on any failure. */
#ifndef NCI_CHECK_RUN_H
#define NCI_CHECK_RUN_H

#include <check.h>

static inline int check_run (Suite *s)
{
  SRunner *sr = srunner_create(s) ;
  int failed ;
  srunner_run_all(sr, CK_NORMAL) ;
  failed = srunner_ntests_failed(sr) ;
  srunner_free(sr) ;
  return failed ? 1 : 0 ;
}

#endif
