#include <nci/unitstate.h>

char const *nci_unitstate_result_name (enum nci_unitstate_result_e r)
{
  static char const *const names[] =
  {
    [NCI_RESULT_NONE] = "none",
    [NCI_RESULT_SUCCESS] = "success",
    [NCI_RESULT_EXIT_CODE] = "exit-code",
    [NCI_RESULT_SIGNAL] = "signal",
    [NCI_RESULT_CORE_DUMP] = "core-dump",
    [NCI_RESULT_TIMEOUT] = "timeout",
    [NCI_RESULT_START_LIMIT_HIT] = "start-limit-hit",
    [NCI_RESULT_RESOURCES] = "resources",
  } ;
  return (unsigned int)r < sizeof names / sizeof names[0] ? names[r] : 0 ;
}
