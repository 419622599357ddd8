/* Several threads on one loop. nci-convert's two long phases, making the units
   (jansson's parse of their JSON, then unit_parse) and writing their directories,
   are independent per unit, and an image build has cores to spare: on 2 cores each
   takes about half the time. The caller's thread works too; if no thread can be
   started, it does every item alone, with the same result. */

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>
#include <skalibs/strerr.h>
#include "convert.h"

/* Beyond a few threads the kernel's locks in file creation, and the items left
   over, take back what more threads would give. */
#define THREADS_MAX 4

typedef struct job_s job ;
struct job_s
{
  atomic_size_t next ;
  size_t n ;
  void (*f)(void *, size_t) ;
  void *ctx ;
} ;

static void *work (void *arg)
{
  job *j = arg ;
  for (;;)
  {
    size_t i = atomic_fetch_add(&j->next, 1) ;
    if (i >= j->n) break ;
    (*j->f)(j->ctx, i) ;
  }
  return 0 ;
}

void parallel_for (size_t n, void (*f)(void *, size_t), void *ctx)
{
  pthread_t th[THREADS_MAX - 1] ;
  unsigned int nth = 0 ;
  long cpus = sysconf(_SC_NPROCESSORS_ONLN) ;
  size_t want = cpus < 1 ? 1 : cpus > THREADS_MAX ? THREADS_MAX : (size_t)cpus ;
  job j = { .n = n, .f = f, .ctx = ctx } ;
  atomic_init(&j.next, 0) ;
  if (want > n) want = n ;
  while (nth + 1 < want && !pthread_create(&th[nth], 0, &work, &j)) nth++ ;
  work(&j) ;
  for (unsigned int i = 0 ; i < nth ; i++)
  {
    int e = pthread_join(th[i], 0) ;
    if (e) { errno = e ; strerr_diefusys(111, "join a worker thread") ; }
  }
}
