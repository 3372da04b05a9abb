/*
 * near_pairs: the near-duplicate pairs the duplicates gate verifies, for one file, so a
 * reference can compare them with exact Jaccard similarities (bench/near_dup_recall.py,
 * docs/near-duplicates.md). A bench tool: not installed, not part of dsci.
 *
 *   near_pairs [--shingle N] [--permutations N] [--threshold T] [--candidates | --estimate] FILE
 *
 * Reads FILE (JSONL or a JSON array; ShareGPT with human/gpt/system roles, OpenAI chat
 * or Alpaca, decided from the first record) with dsci's reader, signs every parsed
 * record's turn texts with minhash_signature_texts, leaves out exact copies after the
 * first (same content hash) and records without a word, runs minhash_lsh with the
 * bands minhash_bands_choose picks for the threshold, and keeps a candidate pair when
 * its estimated similarity is >= threshold - 1e-9, as src/gates/duplicates.c does.
 * Everything is one split, so no pair is dropped for crossing splits.
 *
 * stdout: one line "i j similarity" per verified pair, i < j the 0-based record
 * indices in the file (unparsed records count), unique, sorted by (i, j); similarity
 * is the fraction of equal signature slots, printed with %.6f. --candidates prints
 * every distinct LSH candidate pair instead, verified or not. --estimate skips LSH:
 * it reads "i j" lines from stdin and prints "i j similarity" for each pair whose two
 * records have a signature (exact copies included), in input order.
 * stderr: one summary line (counts, bands and rows, times).
 *
 * Exit 0, 2 for a usage error, 3 when the file cannot be read.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gates/gate.h"
#include "run/minhash.h"
#include "read/reader.h"
#include "data/source.h"
#include "util/err.h"
#include "util/xalloc.h"

struct options {
    size_t shingle, permutations;
    double threshold;
    bool candidates, estimate;
    const char *path;
};

/* The signed records: sigs[k * permutations ...] belongs to record ordinal[k]. */
struct signed_set {
    const struct minhash *mh;
    minhash_slot *sigs;
    uint64_t *ordinal;
    unsigned char (*hash)[16];   /* the first 16 bytes of the content hash, as the gate keeps */
    size_t n, alloc;
    uint64_t records, parsed, no_words;
    const char **texts;          /* scratch for one record's turn texts */
    size_t *lens;
    size_t texts_alloc;
};

struct pair {
    uint32_t x, y;               /* ordinals, x < y */
    double sim;
};

struct pairs {
    const struct signed_set *set;
    double verify_at;            /* threshold - 1e-9; negative: keep every candidate */
    struct pair *v;
    size_t n, alloc;
    uint64_t calls;
};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int on_example(void *ctx, const struct example *ex)
{
    struct signed_set *s = ctx;
    s->records++;
    if (!ex->parsed)
        return 0;
    s->parsed++;
    size_t p = s->mh->permutations;
    if (s->n == s->alloc) {
        s->alloc = s->alloc < 64 ? 64 : s->alloc * 2;
        s->sigs = xreallocarray(s->sigs, s->alloc, p * sizeof(*s->sigs));
        s->ordinal = xreallocarray(s->ordinal, s->alloc, sizeof(*s->ordinal));
        s->hash = xreallocarray(s->hash, s->alloc, sizeof(*s->hash));
    }
    if (ex->n_turns > s->texts_alloc) {
        s->texts_alloc = ex->n_turns;
        s->texts = xreallocarray(s->texts, s->texts_alloc, sizeof(*s->texts));
        s->lens = xreallocarray(s->lens, s->texts_alloc, sizeof(*s->lens));
    }
    for (size_t i = 0; i < ex->n_turns; i++) {
        s->texts[i] = ex->turns[i].text;   /* NULL texts are skipped by the signer */
        s->lens[i] = ex->turns[i].text_len;
    }
    if (!minhash_signature_texts(s->mh, s->sigs + s->n * p, s->texts, s->lens, ex->n_turns)) {
        s->no_words++;
        return 0;
    }
    s->ordinal[s->n] = ex->ordinal;
    memcpy(s->hash[s->n], ex->hash, sizeof(s->hash[s->n]));
    s->n++;
    return 0;
}

static ssize_t fd_read(void *ctx, char *buf, size_t cap)
{
    int fd = *(int *)ctx;
    for (;;) {
        ssize_t r = read(fd, buf, cap);
        if (r >= 0)
            return r;
        if (errno != EINTR)
            return err_set(DSCI_EENV, "read error: %s", strerror(errno));
    }
}

static void fd_close(void *ctx)
{
    (void)ctx;   /* main closes it */
}

static const struct signed_set *sort_set;   /* qsort has no context argument */

static int hash_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    int c = memcmp(sort_set->hash[x], sort_set->hash[y], sizeof(sort_set->hash[x]));
    if (c)
        return c;
    return x < y ? -1 : x > y;
}

/* skip[k] = 1 for every exact copy after the first (one split, so content alone decides). */
static unsigned char *exact_copies(const struct signed_set *s, uint64_t *n_copies)
{
    unsigned char *skip = xcalloc(s->n ? s->n : 1, 1);
    uint32_t *order = xmalloc((s->n ? s->n : 1) * sizeof(*order));
    for (size_t k = 0; k < s->n; k++)
        order[k] = (uint32_t)k;
    sort_set = s;
    qsort(order, s->n, sizeof(*order), hash_cmp);
    sort_set = NULL;
    *n_copies = 0;
    for (size_t k = 1; k < s->n; k++)
        if (!memcmp(s->hash[order[k]], s->hash[order[k - 1]], sizeof(s->hash[0]))) {
            skip[order[k]] = 1;
            (*n_copies)++;
        }
    free(order);
    return skip;
}

static void on_candidate(void *ctx, uint32_t x, uint32_t y)
{
    struct pairs *ps = ctx;
    const struct signed_set *s = ps->set;
    size_t p = s->mh->permutations;
    ps->calls++;
    double sim = minhash_similarity(s->mh, s->sigs + (size_t)x * p, s->sigs + (size_t)y * p);
    if (ps->verify_at >= 0 && sim < ps->verify_at)
        return;
    ALLOC_GROW(ps->v, ps->n + 1, ps->alloc);
    /* minhash_lsh passes x < y and the signed records are in file order */
    ps->v[ps->n].x = (uint32_t)s->ordinal[x];
    ps->v[ps->n].y = (uint32_t)s->ordinal[y];
    ps->v[ps->n].sim = sim;
    ps->n++;
}

static int pair_cmp(const void *a, const void *b)
{
    const struct pair *p = a, *q = b;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    return p->y < q->y ? -1 : p->y > q->y;
}

/* --estimate: the similarity of the pairs named on stdin, by record index. */
static int estimate_pairs(const struct signed_set *s)
{
    uint32_t *at = xmalloc((s->records ? s->records : 1) * sizeof(*at));   /* ordinal -> k */
    for (uint64_t i = 0; i < s->records; i++)
        at[i] = UINT32_MAX;
    for (size_t k = 0; k < s->n; k++)
        at[s->ordinal[k]] = (uint32_t)k;
    size_t p = s->mh->permutations;
    unsigned long long i, j;
    int rc = 0, got;
    while ((got = scanf("%llu %llu", &i, &j)) == 2) {
        if (i >= s->records || j >= s->records || at[i] == UINT32_MAX || at[j] == UINT32_MAX)
            continue;
        printf("%llu %llu %.6f\n", i, j,
               minhash_similarity(s->mh, s->sigs + (size_t)at[i] * p, s->sigs + (size_t)at[j] * p));
    }
    if (got != EOF) {
        fprintf(stderr, "near_pairs: --estimate reads lines of two record indices\n");
        rc = 2;
    }
    free(at);
    return rc;
}

static int usage(const char *msg)
{
    if (msg)
        fprintf(stderr, "near_pairs: %s\n", msg);
    fprintf(stderr, "usage: near_pairs [--shingle N] [--permutations N] [--threshold T] "
                    "[--candidates | --estimate] FILE\n"
                    "  defaults as the spec: shingle 5, permutations 128, threshold 0.8\n");
    return 2;
}

static bool parse_size(const char *s, size_t lo, size_t hi, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || *s == '-' || v < lo || v > hi)
        return false;
    *out = (size_t)v;
    return true;
}

static int parse_args(struct options *o, int argc, char **argv)
{
    o->shingle = 5;
    o->permutations = 128;
    o->threshold = 0.8;
    o->candidates = o->estimate = false;
    o->path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--candidates")) {
            o->candidates = true;
        } else if (!strcmp(a, "--estimate")) {
            o->estimate = true;
        } else if (!strcmp(a, "--shingle") || !strcmp(a, "--permutations") ||
                   !strcmp(a, "--threshold")) {
            if (!val)
                return usage("an option needs a value");
            i++;
            if (!strcmp(a, "--shingle") && !parse_size(val, 1, 64, &o->shingle))
                return usage("--shingle takes an integer 1..64");
            if (!strcmp(a, "--permutations") &&
                !parse_size(val, 1, MINHASH_MAX_PERMUTATIONS, &o->permutations))
                return usage("--permutations takes an integer 1..1024");
            if (!strcmp(a, "--threshold")) {
                char *end;
                errno = 0;
                o->threshold = strtod(val, &end);
                if (errno || end == val || *end || !(o->threshold >= 0 && o->threshold <= 1))
                    return usage("--threshold takes a number 0..1");
            }
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(NULL);
            return 1;
        } else if (a[0] == '-' && a[1]) {
            return usage("unknown option");
        } else if (o->path) {
            return usage("one file only");
        } else {
            o->path = a;
        }
    }
    if (!o->path)
        return usage("no file given");
    if (o->candidates && o->estimate)
        return usage("--candidates and --estimate exclude each other");
    return 0;
}

int main(int argc, char **argv)
{
    struct options o;
    struct minhash *mh = NULL;
    struct signed_set set;
    struct pairs ps;
    unsigned char *skip = NULL;
    struct run_file file;
    int fd = -1, rc;

    memset(&set, 0, sizeof(set));
    memset(&ps, 0, sizeof(ps));
    memset(&file, 0, sizeof(file));
    if ((rc = parse_args(&o, argc, argv)) != 0)
        return rc == 1 ? 0 : rc;

    double t0 = now_seconds();
    mh = xmalloc(sizeof(*mh));   /* 16 KiB of multipliers: not for the stack */
    minhash_init(mh, o.shingle, o.permutations);
    set.mh = mh;
    fd = open(o.path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "near_pairs: cannot open '%s': %s\n", o.path, strerror(errno));
        rc = 3;
        goto done;
    }
    struct reader_options ro;
    memset(&ro, 0, sizeof(ro));
    ro.format = FORMAT_AUTO;
    ro.max_line_bytes = READER_DEFAULT_MAX_LINE;
    ro.role_human = "human";
    ro.role_assistant = "gpt";
    ro.role_system = "system";
    file.path = (char *)o.path;
    file.root_path = (char *)o.path;
    struct byte_stream stream = { fd_read, fd_close, &fd, NULL };
    if (reader_run(&file, &stream, &ro, on_example, &set) < 0) {
        fprintf(stderr, "near_pairs: %s: %s\n", o.path, err_last());
        rc = 3;
        goto done;
    }
    if (file.read_error) {
        fprintf(stderr, "near_pairs: %s:%zu: %s\n", o.path, file.read_error_line, file.read_error);
        rc = 3;
        goto done;
    }
    double t1 = now_seconds();

    if (o.estimate) {
        rc = estimate_pairs(&set);
        if (!rc && (fflush(stdout) || ferror(stdout))) {
            fprintf(stderr, "near_pairs: cannot write the estimates: %s\n", strerror(errno));
            rc = 3;
        }
        goto done;
    }

    uint64_t n_copies = 0;
    skip = exact_copies(&set, &n_copies);
    struct minhash_bands bands;
    minhash_bands_choose(&bands, o.threshold, mh->permutations);
    ps.set = &set;
    ps.verify_at = o.candidates ? -1.0 : o.threshold - 1e-9;
    minhash_lsh(mh, &bands, set.sigs, skip, set.n, on_candidate, &ps);
    double t2 = now_seconds();

    /* a pair sharing several bands came once per band */
    if (ps.n)
        qsort(ps.v, ps.n, sizeof(*ps.v), pair_cmp);
    size_t n_unique = 0;
    for (size_t k = 0; k < ps.n; k++)
        if (!n_unique || pair_cmp(&ps.v[n_unique - 1], &ps.v[k]))
            ps.v[n_unique++] = ps.v[k];
    for (size_t k = 0; k < n_unique; k++)
        printf("%u %u %.6f\n", ps.v[k].x, ps.v[k].y, ps.v[k].sim);
    if (fflush(stdout) || ferror(stdout)) {
        fprintf(stderr, "near_pairs: cannot write the pairs: %s\n", strerror(errno));
        rc = 3;
        goto done;
    }
    fprintf(stderr,
            "near_pairs: %llu records, %llu parsed, %llu without words, %llu exact copies left out; "
            "shingle %zu, permutations %zu, threshold %g: %zu bands x %zu rows; "
            "%llu candidate calls, %zu %s pairs; read+sign %.3f s, lsh+verify %.3f s\n",
            (unsigned long long)set.records, (unsigned long long)set.parsed,
            (unsigned long long)set.no_words, (unsigned long long)n_copies, mh->shingle,
            mh->permutations, o.threshold, bands.bands, bands.rows, (unsigned long long)ps.calls,
            n_unique, o.candidates ? "candidate" : "verified", t1 - t0, t2 - t1);
    rc = 0;
done:
    if (fd >= 0)
        close(fd);
    free(file.read_error);
    free(skip);
    free(ps.v);
    free(set.sigs);
    free(set.ordinal);
    free(set.hash);
    free(set.texts);
    free(set.lens);
    free(mh);
    return rc;
}
