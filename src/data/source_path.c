/*
 * Lexical path names shared by the sources, the dataset and bump (see source_path.h).
 */
#include "data/source_path.h"

#include <string.h>

#include "util/xalloc.h"

char *source_path_join(const char *dir, const char *rel)
{
    if (!dir || !*dir || !strcmp(dir, "."))
        return xstrdup(rel);
    size_t n = strlen(dir);
    return xasprintf("%s%s%s", dir, dir[n - 1] == '/' ? "" : "/", rel);
}

void source_path_normalize(char *path)
{
    char *out = path, *p = path;
    if (*p == '/')
        out++, p++;
    char *start = out;
    while (*p) {
        char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char *next = p + len + (end != NULL);
        /* the start of the last component written, to see whether it is ".." */
        char *last = out;
        while (last > start && last[-1] != '/')
            last--;
        if (len == 0 || (len == 1 && p[0] == '.')) {
            /* nothing to keep */
        } else if (len == 2 && p[0] == '.' && p[1] == '.' && out > start &&
                   !(out - last == 2 && !strncmp(last, "..", 2))) {
            out = last > start ? last - 1 : start; /* drop the previous component */
        } else {
            if (out > start)
                *out++ = '/';
            memmove(out, p, len); /* out <= p: the copy never overtakes the reading */
            out += len;
        }
        p = next;
    }
    if (out == path)
        *out++ = '.';
    *out = '\0';
}
