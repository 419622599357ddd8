/* jansson's memory. A thousand units are hundreds of thousands of small JSON values:
   malloc and free for each, and pages touched once, were a fifth of nci-convert's
   time. Here each thread carves jansson's values from its own block, and once a
   unit is made from its JSON, json_arena_clear empties the block again: the next
   unit reuses the same few pages, still in the cache. */

#include <errno.h>
#include <pthread.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <jansson.h>
#include <skalibs/strerr.h>
#include "convert.h"

/* Larger than one unit's JSON, so that a thread keeps to its first block. */
#define BLOCK_SIZE (256 * 1024)

typedef struct block_s block ;
struct block_s
{
  block *prev ;
  size_t used ;
  size_t size ;
  alignas(max_align_t) char data[] ;
} ;

/* This thread's newest block; the same pointer under key, whose destructor frees
   the blocks of a thread that ends. */
static _Thread_local block *top ;
static pthread_key_t key ;

static void blocks_free (void *p)
{
  block *b = p ;
  while (b)
  {
    block *prev = b->prev ;
    free(b) ;
    b = prev ;
  }
}

static void set_top (block *b)
{
  int e ;
  top = b ;
  e = pthread_setspecific(key, b) ;
  if (e) { errno = e ; strerr_diefusys(111, "set thread data") ; }
}

static void *arena_malloc (size_t n)
{
  size_t const align = alignof(max_align_t) ;
  n = (n + align - 1) & ~(align - 1) ;
  if (!top || top->size - top->used < n)
  {
    size_t size = n > BLOCK_SIZE ? n : BLOCK_SIZE ;
    block *b = xmalloc(offsetof(block, data) + size) ;
    b->prev = top ;
    b->used = 0 ;
    b->size = size ;
    set_top(b) ;
  }
  top->used += n ;
  return top->data + top->used - n ;
}

static void arena_free (void *p)
{
  (void)p ;
}

void json_arena_begin (void)
{
  int e = pthread_key_create(&key, &blocks_free) ;
  if (e) { errno = e ; strerr_diefusys(111, "create thread data") ; }
  json_set_alloc_funcs(&arena_malloc, &arena_free) ;
}

/* Keeps the thread's first block, empty, and frees the others (a unit with more JSON
   than a block). */
void json_arena_clear (void)
{
  if (!top) return ;
  if (top->prev)
  {
    block *b = top ;
    while (b->prev)
    {
      block *prev = b->prev ;
      free(b) ;
      b = prev ;
    }
    set_top(b) ;
  }
  top->used = 0 ;
}

/* On the main thread, with every worker joined: their blocks went with them. */
void json_arena_end (void)
{
  blocks_free(top) ;
  set_top(0) ;
  pthread_key_delete(key) ;
  json_set_alloc_funcs(&malloc, &free) ;
}
