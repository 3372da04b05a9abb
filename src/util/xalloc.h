/*
 * Allocation that never returns NULL: on exhaustion or size overflow the process
 * prints one line and exits 3, so callers never test for NULL.
 *
 *   struct thing *t = xcalloc(1, sizeof(*t));
 *   ALLOC_GROW(arr, n + 1, alloc);   // arr has room for n + 1 elements
 */
#ifndef DSCI_XALLOC_H
#define DSCI_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xmemdup(const void *p, size_t n);           /* NUL-terminated copy */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The one way out when memory or address space is exhausted: "dsci: <message>" on
 * stderr, exit 3 (also for memory that is not malloc's, e.g. mmap'd signatures). */
void xalloc_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Grows `ptr` (of `alloc` elements) to hold at least `nr`, geometrically. */
#define ALLOC_GROW(ptr, nr, alloc)                                              \
    do {                                                                        \
        if ((nr) > (alloc)) {                                                   \
            size_t alloc_grow_new_ = (alloc) < 8 ? 8 : (alloc) + (alloc) / 2;   \
            if (alloc_grow_new_ < (nr))                                         \
                alloc_grow_new_ = (nr);                                         \
            (ptr) = xreallocarray((ptr), alloc_grow_new_, sizeof(*(ptr)));      \
            (alloc) = alloc_grow_new_;                                          \
        }                                                                       \
    } while (0)

/* Appends one zeroed element to `ptr` (of `n` used, `alloc` allocated, both size_t) and
 * evaluates to its address, valid until the next append:
 *   struct item *it = ALLOC_APPEND(items, n_items, alloc_items); */
#define ALLOC_APPEND(ptr, n, alloc) \
    ((ptr) = xalloc_append((ptr), (n), &(alloc), sizeof(*(ptr))), &(ptr)[(n)++])

/* ALLOC_APPEND's work: grows like ALLOC_GROW to hold n + 1 and zeroes element n. */
void *xalloc_append(void *ptr, size_t n, size_t *alloc, size_t size);

#endif
