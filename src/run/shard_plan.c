#include "run/shard_plan.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void shard_plan_init(struct shard_plan *p, unsigned index, unsigned count, const uint64_t *sizes, size_t n_files)
{
    memset(p, 0, sizeof(*p));
    p->index = index;
    p->count = count ? count : 1;
    p->n_files = n_files;
    p->start = xcalloc(n_files ? n_files : 1, sizeof(uint64_t));
    p->size = xcalloc(n_files ? n_files : 1, sizeof(uint64_t));
    for (size_t i = 0; i < n_files; i++) {
        p->start[i] = p->total;
        p->size[i] = sizes[i];
        p->total += sizes[i];
    }
}

void shard_plan_release(struct shard_plan *p)
{
    free(p->start);
    free(p->size);
    memset(p, 0, sizeof(*p));
}

static unsigned owner_at(const struct shard_plan *p, uint64_t at)
{
    if (p->total == 0)
        return 0;
    /* 128 bits: a byte offset of a large dataset times the shard count */
    unsigned __int128 scaled = (unsigned __int128)at * p->count / p->total;
    return scaled >= p->count ? p->count - 1 : (unsigned)scaled;
}

unsigned shard_plan_owner(const struct shard_plan *p, size_t file, uint64_t offset)
{
    uint64_t size = p->size[file];
    uint64_t last = size ? size - 1 : 0;
    return owner_at(p, p->start[file] + (offset < last ? offset : last));
}

bool shard_plan_touches(const struct shard_plan *p, size_t file)
{
    uint64_t size = p->size[file];
    return shard_plan_owner(p, file, 0) <= p->index && shard_plan_owner(p, file, size ? size - 1 : 0) >= p->index;
}

int shard_plan_parse(const char *text, unsigned *index, unsigned *count)
{
    char *end;
    if (!text || *text < '0' || *text > '9')
        return -1;
    unsigned long i = strtoul(text, &end, 10);
    if (*end != '/' || end[1] < '0' || end[1] > '9')
        return -1;
    unsigned long n = strtoul(end + 1, &end, 10);
    if (*end || n == 0 || n > SHARD_MAX_COUNT || i == 0 || i > n)
        return -1;
    *index = (unsigned)(i - 1);
    *count = (unsigned)n;
    return 0;
}
