#ifndef NCI_ENVFILE_H
#define NCI_ENVFILE_H

#include <stddef.h>

typedef int nci_envfile_func (char const *key, char const *value, void *data) ;

/* Parses text in systemd's EnvironmentFile= format (KEY=VALUE lines, # and ; comments,
   single/double quotes, backslash escapes and continuations, optional "export " is NOT
   accepted, as systemd). Calls f for each assignment in order; f returning 0 stops the
   parse and makes it fail with f's errno. Returns 1, or 0 with errno (EINVAL for bad
   syntax, with *line set to the 1-based line number). */
extern int nci_envfile_parse (char const *s, size_t len, nci_envfile_func *f, void *data, unsigned int *line) ;

#endif
