/*
 * A bump allocator for per-record storage: pointers handed out stay valid until
 * arena_reset(), which leaves one block as big as everything used, so steady-state
 * records allocate nothing.
 *
 *   struct arena a = ARENA_INIT;
 *   char *copy = arena_dup(&a, text, len);
 *   arena_reset(&a);      // all of the record's strings are gone
 *   arena_release(&a);
 */
#ifndef DSCI_ARENA_H
#define DSCI_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
    struct arena_block *head;  /* the current block; older ones chain behind it */
};

#define ARENA_INIT { NULL }

void *arena_alloc(struct arena *a, size_t size);   /* 16-byte aligned, never NULL */
char *arena_dup(struct arena *a, const void *data, size_t len); /* NUL-terminated */
void *arena_realloc(struct arena *a, void *old, size_t old_size, size_t new_size);
void arena_reset(struct arena *a);
void arena_release(struct arena *a);

#endif
