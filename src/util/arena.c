#include "util/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

#define ARENA_BLOCK_SIZE ((size_t)64 << 10)

struct arena_block {
    struct arena_block *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
};

static struct arena_block *new_block(size_t min_size, struct arena_block *next)
{
    size_t size = min_size > ARENA_BLOCK_SIZE ? min_size : ARENA_BLOCK_SIZE;
    if (size > SIZE_MAX - sizeof(struct arena_block))
        size = SIZE_MAX - sizeof(struct arena_block); /* xmalloc will report it */
    struct arena_block *b = xmalloc(sizeof(*b) + size);
    b->next = next;
    b->used = 0;
    b->size = size;
    return b;
}

void *arena_alloc(struct arena *a, size_t size)
{
    size_t rounded = (size + 15) & ~(size_t)15;
    if (rounded < size)
        rounded = size; /* overflow: new_block will fail loudly */
    struct arena_block *b = a->head;
    if (!b || b->size - b->used < rounded) {
        b = new_block(rounded, a->head);
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += rounded;
    return p;
}

char *arena_dup(struct arena *a, const void *data, size_t len)
{
    char *p = arena_alloc(a, len + 1);
    if (len)
        memcpy(p, data, len);
    p[len] = '\0';
    return p;
}

void *arena_realloc(struct arena *a, void *old, size_t old_size, size_t new_size)
{
    void *p = arena_alloc(a, new_size);
    if (old && old_size)
        memcpy(p, old, old_size < new_size ? old_size : new_size);
    return p;
}

void arena_reset(struct arena *a)
{
    struct arena_block *b = a->head;
    if (!b)
        return;
    if (!b->next) {
        b->used = 0;
        return;
    }
    /* Several blocks: next time, one block as big as all of them, so a reader that needs
     * this much again (a big record, a chunk of records) gets it without a malloc per
     * block, and without giving pages back to the system only to fault them in again. */
    size_t total = 0;
    while (b) {
        struct arena_block *next = b->next;
        total += b->size;
        free(b);
        b = next;
    }
    a->head = new_block(total, NULL);
}

void arena_release(struct arena *a)
{
    struct arena_block *b = a->head;
    while (b) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}
