/* Times jansson's parse of a whole file on one thread: what nci-convert's parse
   would cost if it did not split the input into its units and parse those on
   every CPU (convert/input_load.c, convert/units_parse.c). */

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <jansson.h>

int main (int argc, char **argv)
{
  FILE *f ;
  long n ;
  char *buf ;
  json_error_t err ;
  json_t *root ;
  struct timespec a, b ;
  if (argc != 2) { fputs("usage: json-parse FILE\n", stderr) ; return 100 ; }
  f = fopen(argv[1], "r") ;
  if (!f || fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0) { perror(argv[1]) ; return 111 ; }
  buf = malloc((size_t)n + 1) ;
  if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) { perror(argv[1]) ; return 111 ; }
  fclose(f) ;
  clock_gettime(CLOCK_MONOTONIC, &a) ;
  root = json_loadb(buf, (size_t)n, JSON_REJECT_DUPLICATES, &err) ;
  clock_gettime(CLOCK_MONOTONIC, &b) ;
  if (!root) { fprintf(stderr, "%s:%d:%d: %s\n", argv[1], err.line, err.column, err.text) ; return 1 ; }
  printf("%lld\n", (long long)(b.tv_sec - a.tv_sec) * 1000000 + (b.tv_nsec - a.tv_nsec) / 1000) ;
  json_decref(root) ;
  free(buf) ;
  return 0 ;
}
