/*
 * Parse-only speed of one JSONL file's records: yajl (the slow path) against the fast
 * path (read/json_fast.h), both driving the same counting callbacks, on the same
 * bytes already in memory. CPU time of this process, best of RUNS.
 *
 *   build/bench/bench_json FILE.jsonl [RUNS]
 *
 * Also checks that both parsers saw the same number of events, and reports how many
 * records the fast path refused (those went to yajl in the reader).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <yajl/yajl_parse.h>

#include "read/json_fast.h"
#include "util/arena.h"
#include "util/simd_scan.h"

struct counts {
    size_t events, bytes;
};

static int on_null(void *c) { ((struct counts *)c)->events++; return 1; }
static int on_bool(void *c, int v) { (void)v; ((struct counts *)c)->events++; return 1; }
static int on_number(void *c, const char *s, size_t n) { (void)s; ((struct counts *)c)->events++; ((struct counts *)c)->bytes += n; return 1; }
static int on_string(void *c, const unsigned char *s, size_t n) { (void)s; ((struct counts *)c)->events++; ((struct counts *)c)->bytes += n; return 1; }
static int on_map(void *c) { ((struct counts *)c)->events++; return 1; }

static const yajl_callbacks callbacks = {
    on_null, on_bool, NULL, NULL, on_number, on_string, on_map, on_string, on_map, on_map, on_map,
};

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int parse_yajl(struct counts *c, const char *s, size_t len)
{
    yajl_handle h = yajl_alloc(&callbacks, NULL, c);
    yajl_status st = yajl_parse(h, (const unsigned char *)s, len);
    if (st == yajl_status_ok)
        st = yajl_complete_parse(h);
    yajl_free(h);
    return st == yajl_status_ok;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_json FILE.jsonl [RUNS]\n");
        return 2;
    }
    int runs = argc > 2 ? atoi(argv[2]) : 3;
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    fseek(f, 0, SEEK_END);
    size_t size = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc(size + 1);
    if (fread(data, 1, size, f) != size)
        return 2;
    fclose(f);

    struct arena scratch = ARENA_INIT;
    double best[3] = { 1e9, 1e9, 1e9 };
    struct counts seen[3];
    size_t refused = 0;
    for (int r = 0; r < runs; r++) {
        for (int which = 0; which < 3; which++) {
            struct counts c = { 0, 0 };
            if (which == 1)
                refused = 0;
            double t0 = cpu_seconds();
            for (const char *p = data, *end = data + size; p < end;) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
                if (which == 2) {
                    c.bytes += len; /* the split alone: the floor both parsers share */
                } else if (which == 0) {
                    parse_yajl(&c, p, len);
                } else {
                    /* a refused attempt's events are dropped, as the reader drops them */
                    struct counts attempt = c;
                    if (json_fast_parse(&callbacks, &attempt, &scratch, p, len)) {
                        c = attempt;
                    } else {
                        refused++;
                        parse_yajl(&c, p, len);
                    }
                }
                arena_reset(&scratch);
                p += len + 1;
            }
            double t = cpu_seconds() - t0;
            if (t < best[which])
                best[which] = t;
            seen[which] = c;
        }
    }
    printf("%s: %.1f MB, kernels %s\n", argv[1], (double)size / 1e6, simd_best()->name);
    printf("split only: %.3f s (included below)\n", best[2]);
    printf("yajl: %.3f s  %.0f MB/s\n", best[0], (double)size / 1e6 / best[0]);
    printf("fast: %.3f s  %.0f MB/s  (%zu records refused)\n", best[1], (double)size / 1e6 / best[1], refused);
    if (seen[0].events != seen[1].events || seen[0].bytes != seen[1].bytes) {
        printf("MISMATCH: events %zu vs %zu, bytes %zu vs %zu\n", seen[0].events, seen[1].events,
               seen[0].bytes, seen[1].bytes);
        return 1;
    }
    arena_release(&scratch);
    free(data);
    return 0;
}
