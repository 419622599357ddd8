#include <nci/envname.h>

static int isnamechar (char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ;
}

int nci_env_name_valid (char const *s, size_t len)
{
  if (!len || (s[0] >= '0' && s[0] <= '9')) return 0 ;
  for (size_t i = 0 ; i < len ; i++) if (!isnamechar(s[i])) return 0 ;
  return 1 ;
}
