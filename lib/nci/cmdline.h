#ifndef NCI_CMDLINE_H
#define NCI_CMDLINE_H

#include <skalibs/stralloc.h>

/* Prefixes of an Exec*= command line, as systemd.service(5) defines them. */
#define NCI_CMD_ARGV0 0x01           /* @ : the second word is argv[0] */
#define NCI_CMD_IGNORE_FAILURE 0x02  /* - : a failure exit code is recorded but ignored */
#define NCI_CMD_NO_EXPAND 0x04       /* : : no $VAR expansion */
#define NCI_CMD_PRIVILEGED 0x08      /* + : User=, Group= etc. are not applied */
#define NCI_CMD_NO_SETUID 0x10       /* ! : credentials are not changed. "!!" is accepted but
                                        sets no flag: systemd only honours it on kernels
                                        without ambient capabilities. */

typedef struct nci_cmdline_s nci_cmdline, *nci_cmdline_ref ;
struct nci_cmdline_s
{
  unsigned int flags ;
  unsigned int n ;   /* number of words in words */
  stralloc words ;   /* n NUL-terminated words: the program path first; with NCI_CMD_ARGV0
                        the second word is argv[0]. Words keep $VAR syntax (and $$) for
                        run-time expansion; %-specifiers are not touched here. */
} ;
#define NCI_CMDLINE_ZERO { .flags = 0, .n = 0, .words = STRALLOC_ZERO }

/* Splits one Exec*= value into command lines. A lone ";" word separates commands
   (systemd's multiple commands on one line); "\;" is a literal ";".
   Fills up to max entries of cmds (each must be NCI_CMDLINE_ZERO on entry) and returns
   how many, 0 for an empty or all-blank value; or -1 with errno EINVAL and *err a static
   message ("unbalanced quotes", "trailing backslash", "invalid escape sequence",
   "invalid prefix", "no program after prefixes", "no argv[0] after @ program",
   "too many commands"; "program path is not absolute" is NOT checked here), or -1 with
   errno ENOMEM. On -1 every entry is left freed (as NCI_CMDLINE_ZERO).
   Invalid escapes are errors where systemd only warns and keeps the backslash; a
   first word equal to ";" once unquoted is a separator, as in systemd; a prefix that
   systemd refuses (a repeat, + with !, "!!!") is "invalid prefix". An error is an
   error even with the - prefix, where systemd drops the line with a warning. */
extern int nci_cmdline_split (char const *s, nci_cmdline *cmds, unsigned int max, char const **err) ;
extern void nci_cmdline_free (nci_cmdline *) ;

#endif
