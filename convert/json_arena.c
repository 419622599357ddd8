/* jansson's memory while the input is parsed and turned into units. Parsing a
   thousand units makes hundreds of thousands of small values, and malloc then free
   for each was a fifth of nci-convert's time. Here each thread carves them from its
   own blocks (no lock, no header, nothing freed one by one) and json_arena_end
   gives every block back at once, when no value is left. */

#include <pthread.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <jansson.h>
#include "convert.h"

#define BLOCK_SIZE (1024 * 1024)

typedef struct block_s block ;
struct block_s
{
  block *next ;
  size_t used ;
  size_t size ;
  alignas(max_align_t) char data[] ;
} ;

static block *blocks ;     /* every block, for json_arena_end */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER ;
static _Thread_local block *current ;

static block *block_new (size_t size)
{
  block *b = xmalloc(offsetof(block, data) + size) ;
  b->used = 0 ;
  b->size = size ;
  pthread_mutex_lock(&lock) ;
  b->next = blocks ;
  blocks = b ;
  pthread_mutex_unlock(&lock) ;
  return b ;
}

static void *arena_malloc (size_t n)
{
  size_t const align = alignof(max_align_t) ;
  n = (n + align - 1) & ~(align - 1) ;
  /* A value too big to share a block gets its own. */
  if (n > BLOCK_SIZE / 8) return block_new(n)->data ;
  if (!current || current->size - current->used < n) current = block_new(BLOCK_SIZE) ;
  current->used += n ;
  return current->data + current->used - n ;
}

static void arena_free (void *p)
{
  (void)p ;
}

void json_arena_begin (void)
{
  json_set_alloc_funcs(&arena_malloc, &arena_free) ;
}

/* Called on the main thread with every worker joined: their current blocks are in
   the list, and their thread-local pointers are gone with them. */
void json_arena_end (void)
{
  while (blocks)
  {
    block *b = blocks ;
    blocks = b->next ;
    free(b) ;
  }
  current = 0 ;
  json_set_alloc_funcs(&malloc, &free) ;
}
