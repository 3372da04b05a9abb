#include "util/xalloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void xalloc_die(const char *fmt, ...)
{
    va_list ap;
    fputs("dsci: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(3);
}

static void die_oom(size_t size)
{
    xalloc_die("out of memory (allocating %zu bytes)", size);
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        die_oom(size);
    return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
    void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
    if (!p)
        die_oom(nmemb * size);
    return p;
}

void *xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        die_oom(size);
    return p;
}

void *xreallocarray(void *ptr, size_t nmemb, size_t size)
{
    if (size && nmemb > SIZE_MAX / size)
        xalloc_die("allocation size overflow (%zu x %zu)", nmemb, size);
    return xrealloc(ptr, nmemb * size);
}

void *xalloc_append(void *ptr, size_t n, size_t *alloc, size_t size)
{
    if (n + 1 > *alloc) {
        size_t grown = *alloc < 8 ? 8 : *alloc + *alloc / 2;
        if (grown < n + 1)
            grown = n + 1;
        ptr = xreallocarray(ptr, grown, size);
        *alloc = grown;
    }
    memset((char *)ptr + n * size, 0, size);
    return ptr;
}

char *xstrdup(const char *s)
{
    return xmemdup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    const char *end = memchr(s, '\0', n);
    return xmemdup(s, end ? (size_t)(end - s) : n);
}

char *xmemdup(const void *p, size_t n)
{
    if (n == SIZE_MAX)
        die_oom(n);
    char *out = xmalloc(n + 1);
    if (n)
        memcpy(out, p, n);
    out[n] = '\0';
    return out;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        die_oom(0);
    char *out = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(out, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return out;
}
