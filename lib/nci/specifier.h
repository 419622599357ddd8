#ifndef NCI_SPECIFIER_H
#define NCI_SPECIFIER_H

#include <skalibs/stralloc.h>

/* What the %-specifiers of systemd.unit(5) resolve to for one unit at build time.
   A NULL field makes its specifier an error for this unit (it cannot be known
   before run time). */
typedef struct nci_specifiers_s nci_specifiers ;
struct nci_specifiers_s
{
  char const *unit ;      /* %n: "foo@bar.service" */
  char const *prefix ;    /* %p: "foo" */
  char const *instance ;  /* %i: "bar", "" for non-templates */
  char const *user ;      /* %u */
  char const *uid ;       /* %U */
  char const *group ;     /* %g */
  char const *gid ;       /* %G */
  char const *home ;      /* %h */
  char const *shell ;     /* %s */
} ;

/* Appends word to out with its specifiers resolved and NUL-terminates it.
   Supported: %% %n %N %p %P %i %I %j %J %f %t %S %C %L %E %T %V %u %U %g %G %h %s;
   container paths: %t=/run %S=/var/lib %C=/var/cache %L=/var/log %E=/etc %T=/tmp %V=/var/tmp.
   Returns 1, or 0 with errno EINVAL and *bad set to the offending specifier letter
   (a letter or digit that is unknown, or known but NULL in sp). As systemd, a % that
   ends the word or comes before any other character is kept as it is ("100%",
   "50% off"), so *bad is never '\0'.
   As systemd: %N is %n without its last ".suffix"; %P %I %J undo unit-name escaping
   ("-" is "/", "\xNN" a byte); %j is what follows the last "-" of %p; %f is "/" and the
   unescaped instance, or the unescaped prefix for a non-template, and must be a
   normalized path. A name that cannot be unescaped is EINVAL with *bad its letter.
   Or 0 with errno ENOMEM. On 0, out is as it was. */
extern int nci_specifier_expand (stralloc *out, char const *word, nci_specifiers const *sp, char *bad) ;

#endif
