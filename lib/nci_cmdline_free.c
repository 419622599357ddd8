#include <skalibs/stralloc.h>

#include <nci/cmdline.h>

void nci_cmdline_free (nci_cmdline *c)
{
  stralloc_free(&c->words) ;
  c->n = 0 ;
  c->flags = 0 ;
}
