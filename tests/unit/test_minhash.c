/*
 * MinHash signatures and LSH banding: tokenisation rules, similarity estimates close to
 * the true Jaccard similarity, determinism, band choice, and candidate search.
 */
#include "test_helpers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "run/signatures.h"
#include "run/minhash.h"
#include "run/minhash_fold.h"
#include "util/unicode_lower.h"
#include "util/xalloc.h"

static double sim_texts(size_t shingle, size_t perms, const char *a, const char *b)
{
    static struct minhash mh;
    minhash_init(&mh, shingle, perms);
    minhash_slot *x = xmalloc(perms * sizeof(*x)), *y = xmalloc(perms * sizeof(*y));
    size_t la = strlen(a), lb = strlen(b);
    assert_true(minhash_signature_texts(&mh, x, &a, &la, 1));
    assert_true(minhash_signature_texts(&mh, y, &b, &lb, 1));
    double s = minhash_similarity(&mh, x, y);
    free(x);
    free(y);
    return s;
}

static void test_minhash__case_and_punctuation_ignored(void **state)
{
    (void)state;
    assert_true(sim_texts(3, 128, "Hello, World! How are you today?", "hello world how ARE you -- today")
                == 1.0);
    /* non-ASCII letters are word characters, lower-cased; punctuation blocks are not */
    assert_true(sim_texts(2, 128, "CAFÉ über Straße \xe2\x80\x94 naïve", "café ÜBER straße naïve") == 1.0);
    /* final sigma and sigma are the same letter */
    assert_true(sim_texts(1, 64, "ΟΔΟΣ", "οδοσ") == 1.0);
}

static void test_minhash__no_tokens(void **state)
{
    (void)state;
    struct minhash mh;
    minhash_init(&mh, 5, 16);
    minhash_slot sig[16];
    const char *t = "  ... !!! \xe2\x80\x94 ";
    size_t l = strlen(t);
    assert_false(minhash_signature_texts(&mh, sig, &t, &l, 1));
    for (int i = 0; i < 16; i++)
        assert_int_equal(sig[i], UINT16_MAX);
    /* a short text is one shorter shingle */
    t = "ok";
    l = 2;
    assert_true(minhash_signature_texts(&mh, sig, &t, &l, 1));
}

static void test_minhash__turns_do_not_share_shingles(void **state)
{
    (void)state;
    struct minhash mh;
    minhash_init(&mh, 2, 256);
    minhash_slot a[256], b[256];
    const char *ta[] = { "one two", "three four" };
    size_t la[] = { 7, 10 };
    const char *tb = "one two three four";
    size_t lb = strlen(tb);
    minhash_signature_texts(&mh, a, ta, la, 2);
    minhash_signature_texts(&mh, b, &tb, &lb, 1);
    /* {one two, three four} vs {one two, two three, three four}: J = 2/3 */
    double s = minhash_similarity(&mh, a, b);
    print_message("sim %f\n", s);
    assert_true(fabs(s - 2.0 / 3.0) < 0.12);
}

/* Estimates track the true Jaccard similarity of shingle sets built word by word. */
static void test_minhash__estimate_close_to_jaccard(void **state)
{
    (void)state;
    char a[4096], b[4096];
    size_t la = 0, lb = 0;
    /* 100 distinct words; b replaces every 10th word: shingle size 1 gives J = 90/110 */
    for (int i = 0; i < 100; i++) {
        la += (size_t)snprintf(a + la, sizeof(a) - la, "w%d ", i);
        if (i % 10 == 0)
            lb += (size_t)snprintf(b + lb, sizeof(b) - lb, "x%d ", i);
        else
            lb += (size_t)snprintf(b + lb, sizeof(b) - lb, "w%d ", i);
    }
    double s = sim_texts(1, 512, a, b);
    print_message("sim %f\n", s);
    assert_true(fabs(s - 90.0 / 110.0) < 0.06);
}

static void test_minhash__deterministic(void **state)
{
    (void)state;
    struct minhash m1, m2;
    minhash_init(&m1, 5, 128);
    minhash_init(&m2, 5, 128);
    assert_memory_equal(m1.a, m2.a, sizeof(m1.a));
    minhash_slot x[128], y[128];
    const char *t = "the quick brown fox jumps over the lazy dog again and again";
    size_t l = strlen(t);
    minhash_signature_texts(&m1, x, &t, &l, 1);
    minhash_signature_texts(&m2, y, &t, &l, 1);
    assert_memory_equal(x, y, sizeof(x));
}

static void test_minhash__bands(void **state)
{
    (void)state;
    struct minhash_bands b;
    minhash_bands_choose(&b, 0.8, 128);
    assert_true(b.bands * b.rows <= 128);
    double s = pow(1.0 / (double)b.bands, 1.0 / (double)b.rows);   /* the S-curve's midpoint */
    assert_true(s > 0.6 && s < 0.8);
    /* recall first: a pair at the threshold is a candidate most of the time */
    assert_true(1.0 - pow(1.0 - pow(0.8, (double)b.rows), (double)b.bands) > 0.8);
    minhash_bands_choose(&b, 0.5, 128);
    assert_true(b.bands * b.rows <= 128);
    assert_true(pow(1.0 / (double)b.bands, 1.0 / (double)b.rows) < 0.6);
}

struct pairs {
    minhash_slot x[64], y[64];
    size_t n;
};

static void collect(void *ctx, uint32_t x, uint32_t y)
{
    struct pairs *p = ctx;
    for (size_t i = 0; i < p->n; i++)
        if (p->x[i] == x && p->y[i] == y)
            return;
    assert_true(p->n < 64);
    p->x[p->n] = x;
    p->y[p->n] = y;
    p->n++;
}

static void test_minhash__lsh_finds_near_pair(void **state)
{
    (void)state;
    static const char *texts[] = {
        "please create a new task for the quarterly budget review meeting with alice tomorrow morning",
        "the weather in zurich is sunny and warm this week according to the forecast we read",
        "please create a new task for the quarterly budget review meeting with alice tomorrow evening",
        "list every open ticket assigned to the backend team sorted by priority and due date",
    };
    struct minhash mh;
    minhash_init(&mh, 3, 128);
    minhash_slot sigs[4 * 128];
    for (size_t i = 0; i < 4; i++) {
        size_t l = strlen(texts[i]);
        minhash_signature_texts(&mh, sigs + i * 128, &texts[i], &l, 1);
    }
    struct minhash_bands b;
    minhash_bands_choose(&b, 0.7, 128);
    struct pairs p = { .n = 0 };
    minhash_lsh(&mh, &b, sigs, NULL, 4, collect, &p);
    assert_int_equal(p.n, 1);
    assert_int_equal(p.x[0], 0);
    assert_int_equal(p.y[0], 2);
    /* skipped examples take no part */
    unsigned char skip[4] = { 0, 0, 1, 0 };
    p.n = 0;
    minhash_lsh(&mh, &b, sigs, skip, 4, collect, &p);
    assert_int_equal(p.n, 0);
}

static void count_pair(void *ctx, uint32_t x, uint32_t y)
{
    size_t *n = ctx;
    assert_true(x < y);
    assert_true(y - x <= MINHASH_BUCKET_WINDOW);
    (*n)++;
}

/* A degenerate bucket (many identical signatures) costs a window per member, not m^2. */
static void test_minhash__lsh_big_bucket_is_capped(void **state)
{
    (void)state;
    enum { N = 2000 };
    struct minhash mh;
    minhash_init(&mh, 1, 8);
    minhash_slot *sigs = xcalloc(N * 8, sizeof(*sigs));
    struct minhash_bands b = { 1, 8 };
    size_t count = 0;
    minhash_lsh(&mh, &b, sigs, NULL, N, count_pair, &count);
    size_t w = MINHASH_BUCKET_WINDOW;
    assert_int_equal(count, w * (w + 1) / 2 + (N - 1 - w) * w);
    free(sigs);
}

/* Every kernel gives the same bits: odd slot counts (the scalar tail), long and short
 * runs, extreme hash values. */
static void test_minhash__fold_kernels_agree(void **state)
{
    (void)state;
    if (!minhash_fold_avx2_available())
        skip();
    uint64_t r = 0x243f6a8885a308d3ull;
    for (size_t perms = 1; perms <= 70; perms += 3) {
        struct minhash mh;
        minhash_init(&mh, 5, perms);
        for (size_t n = 0; n <= 300; n += 37) {
            uint32_t *x = xmalloc((n + 1) * sizeof(*x));
            for (size_t k = 0; k < n; k++) {
                r = r * 6364136223846793005ull + 1442695040888963407ull;
                x[k] = k % 11 == 0 ? UINT32_MAX : k % 13 == 0 ? 0 : (uint32_t)(r >> 32);
            }
            uint32_t a[70], b[70];
            for (size_t i = 0; i < perms; i++)
                a[i] = b[i] = (uint32_t)(UINT32_MAX - i * 7919);
            struct minhash_perms perms_of = { mh.a, mh.b, mh.permutations };
            minhash_fold_scalar(&perms_of, a, x, n);
            minhash_fold_avx2(&perms_of, b, x, n);
            assert_memory_equal(a, b, perms * sizeof(*a));
            free(x);
        }
    }
}

struct call_log {
    uint32_t *v;
    size_t n, alloc;
};

static void log_pair(void *ctx, uint32_t x, uint32_t y)
{
    struct call_log *l = ctx;
    ALLOC_GROW(l->v, l->n + 2, l->alloc);
    l->v[l->n++] = x;
    l->v[l->n++] = y;
}

/* Bands on threads: the very same calls in the very same order as on one thread. */
static void test_minhash__lsh_threads_same_calls(void **state)
{
    (void)state;
    enum { N = 4000, P = 16 };
    struct minhash mh;
    minhash_init(&mh, 1, P);
    minhash_slot *sigs = xmalloc(N * P * sizeof(*sigs));
    unsigned char *skip = xcalloc(N, 1);
    uint64_t r = 42;
    for (size_t i = 0; i < N * P; i++) {
        r = r * 6364136223846793005ull + 1442695040888963407ull;
        sigs[i] = (minhash_slot)(r >> 61);   /* 8 values per slot: many shared buckets */
    }
    for (size_t i = 0; i < N; i += 7)
        skip[i] = 1;
    struct minhash_bands b = { 8, 2 };
    struct call_log one = { 0 }, many = { 0 };
    minhash_lsh(&mh, &b, sigs, skip, N, log_pair, &one);
    for (unsigned t = 2; t <= 9; t += 7) {
        many.n = 0;
        minhash_lsh_threads(&mh, &b, sigs, skip, N, log_pair, &many, t, false);
        assert_true(one.n > 1000);
        assert_int_equal(many.n, one.n);
        assert_memory_equal(many.v, one.v, one.n * sizeof(*one.v));
    }
    free(one.v);
    free(many.v);
    free(skip);
    free(sigs);
}

/* The candidate calls LSH must make, the plain way: per band every key, a stable sort
 * by key, and in each bucket every member with the MINHASH_BUCKET_WINDOW before it. */
struct ref_rec {
    uint64_t key;
    uint32_t idx;
};

static int ref_rec_cmp(const void *a, const void *b)
{
    const struct ref_rec *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void lsh_reference(const struct minhash *mh, const struct minhash_bands *b, const minhash_slot *sigs,
                          const unsigned char *skip, size_t n, struct call_log *log)
{
    struct ref_rec *v = xmalloc((n ? n : 1) * sizeof(*v));
    for (size_t band = 0; band < b->bands; band++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (!skip || !skip[i])
                v[m++] = (struct ref_rec){ minhash_band_key(b, sigs + i * mh->permutations, band), (uint32_t)i };
        if (m < 2)
            break;
        qsort(v, m, sizeof(*v), ref_rec_cmp);
        for (size_t i = 0; i < m;) {
            size_t e = i + 1;
            while (e < m && v[e].key == v[i].key)
                e++;
            for (size_t y = i + 1; y < e; y++)
                for (size_t x = y - i > MINHASH_BUCKET_WINDOW ? y - MINHASH_BUCKET_WINDOW : i; x < y; x++)
                    log_pair(log, v[x].idx, v[y].idx);
            i = e;
        }
    }
    free(v);
}

/* Rounds of bands (a small key budget makes many), threads, skips, buckets past the
 * window and a band narrower than a word: the calls of the plain way, in its order. */
static void test_minhash__lsh_matches_reference(void **state)
{
    (void)state;
    enum { N = 3000, P = 20 };
    struct minhash mh;
    minhash_init(&mh, 1, P);
    minhash_slot *sigs = xmalloc(N * P * sizeof(*sigs));
    unsigned char *skip = xcalloc(N, 1);
    uint64_t r = 7;
    for (size_t i = 0; i < N * P; i++) {
        r = r * 6364136223846793005ull + 1442695040888963407ull;
        sigs[i] = (minhash_slot)(i / P % 3 ? r >> 62 : r >> 48);   /* 4 values, or spread */
    }
    for (size_t i = 0; i < 200; i++)   /* one bucket of 200 in every band */
        memset(sigs + (1000 + i) * P, 0x5a, P * sizeof(*sigs));
    for (size_t i = 0; i < N; i += 5)
        skip[i] = 1;
    const struct minhash_bands shapes[] = { { 6, 3 }, { 5, 4 }, { 1, 20 }, { 20, 1 } };
    const char *budgets[] = { "", "1", "50000", "100000000" };
    for (size_t s = 0; s < sizeof(shapes) / sizeof(*shapes); s++)
        for (int with_skip = 0; with_skip <= 1; with_skip++) {
            const unsigned char *sk = with_skip ? skip : NULL;
            struct call_log want = { 0 }, got = { 0 };
            lsh_reference(&mh, &shapes[s], sigs, sk, N, &want);
            assert_true(want.n > 200);
            for (size_t k = 0; k < sizeof(budgets) / sizeof(*budgets); k++) {
                setenv("DSCI_LSH_KEY_BYTES", budgets[k], 1);
                for (unsigned t = 1; t <= 3; t++) {
                    got.n = 0;
                    minhash_lsh_threads(&mh, &shapes[s], sigs, sk, N, log_pair, &got, t, false);
                    assert_int_equal(got.n, want.n);
                    assert_memory_equal(got.v, want.v, want.n * sizeof(*want.v));
                }
            }
            free(want.v);
            free(got.v);
        }
    unsetenv("DSCI_LSH_KEY_BYTES");
    free(skip);
    free(sigs);
}

/* The store's signatures do not depend on how many workers made them. */
static void test_minhash__store_same_for_any_workers(void **state)
{
    (void)state;
    enum { N = 3000 };
    static char texts[N][96];
    static struct turn turns[N][2];
    static struct example ex[N];
    for (size_t i = 0; i < N; i++) {
        snprintf(texts[i], sizeof(texts[i]), "please create task %zu for team %zu before friday %zu", i % 97, i % 13, i);
        turns[i][0].text = texts[i];
        turns[i][0].text_len = strlen(texts[i]);
        turns[i][1].text = i % 5 ? "done, created it" : NULL;
        turns[i][1].text_len = i % 5 ? 16 : 0;
        ex[i].turns = turns[i];
        ex[i].n_turns = 2;
        ex[i].parsed = true;
        ex[i].line = i + 1;
        ex[i].hash[0] = (unsigned char)i;
    }
    struct signature_store *ref = NULL;
    for (unsigned workers = 0; workers <= 3; workers++) {
        struct signature_store *s = signature_store_new(5, 64, workers);
        for (size_t i = 0; i < N; i++)
            signature_store_add(s, &ex[i]);
        signature_store_finish(s);
        assert_int_equal(s->n, N);
        if (!ref) {
            ref = s;
            continue;
        }
        assert_memory_equal(s->sigs, ref->sigs, (size_t)N * 64 * sizeof(minhash_slot));
        assert_memory_equal(s->no_words, ref->no_words, N);
        assert_memory_equal(s->recs, ref->recs, N * sizeof(*s->recs));
        signature_store_free(s);
    }
    signature_store_free(ref);
}

/* The signature range grows with the examples, in place or moved when the addresses
 * after it are taken (here: on purpose), with workers busy; every signature is the one
 * minhash_signature_texts gives. */
static void test_minhash__store_grows_and_moves(void **state)
{
    (void)state;
    enum { N = 20000, P = 1024 };   /* 2 KiB per example: 40 MB, several doublings */
    static char texts[N][64];
    static struct turn turns[N][1];
    static struct example ex[N];
    for (size_t i = 0; i < N; i++) {
        snprintf(texts[i], sizeof(texts[i]), "update task %zu for team %zu today", i, i % 7);
        turns[i][0].text = texts[i];
        turns[i][0].text_len = strlen(texts[i]);
        ex[i].turns = turns[i];
        ex[i].n_turns = 1;
        ex[i].parsed = true;
        ex[i].line = i + 1;
    }
    for (unsigned workers = 0; workers <= 2; workers += 2) {
        struct signature_store *s = signature_store_new(5, P, workers);
        signature_store_add(s, &ex[0]);
        /* take the page right after the first reservation (8 MiB): growing in place fails */
        void *block = mmap((char *)s->sigs + ((size_t)8 << 20), 4096, PROT_NONE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        for (size_t i = 1; i < N; i++)
            signature_store_add(s, &ex[i]);
        signature_store_finish(s);
        assert_int_equal(s->n, N);
        minhash_slot *want = xmalloc(P * sizeof(*want));
        for (size_t i = 0; i < N; i += 997) {
            const char *t = texts[i];
            size_t len = strlen(t);
            minhash_signature_texts(&s->mh, want, &t, &len, 1);
            assert_memory_equal(signature_store_sig(s, i), want, P * sizeof(*want));
        }
        free(want);
        signature_store_free(s);
        if (block != MAP_FAILED)
            munmap(block, 4096);
    }
}

/* Past the spill size the signatures go to a file: the same signatures as in memory,
 * for any number of workers, with examples signed before (add_signed) among them, and
 * LSH over the file's mapping releasing pages as it goes makes the same calls. */
static void test_minhash__store_spilled_same(void **state)
{
    (void)state;
    enum { N = 5000, P = 32 };
    static char texts[N][80];
    static struct turn turns[N][1];
    static struct example ex[N];
    for (size_t i = 0; i < N; i++) {
        snprintf(texts[i], sizeof(texts[i]), "remove task %zu from board %zu now %zu", i % 301, i % 11, i % 1700);
        turns[i][0].text = texts[i];
        turns[i][0].text_len = i % 97 ? strlen(texts[i]) : 0;   /* some without words */
        ex[i].turns = turns[i];
        ex[i].n_turns = 1;
        ex[i].parsed = true;
        ex[i].line = i + 1;
        ex[i].hash[0] = (unsigned char)(i % 251);
    }
    struct signature_store *mem = signature_store_new(3, P, 0);
    for (size_t i = 0; i < N; i++)
        signature_store_add(mem, &ex[i]);
    signature_store_finish(mem);
    assert_false(mem->sigs_in_file);
    struct minhash_bands b = { 8, 4 };
    struct call_log want = { 0 }, got = { 0 };
    minhash_lsh_threads(&mem->mh, &b, mem->sigs, mem->no_words, N, log_pair, &want, 1, false);
    assert_true(want.n > 100);

    setenv("DSCI_SIGNATURE_SPILL_BYTES", "20000", 1);   /* about 300 examples in memory first */
    for (unsigned workers = 0; workers <= 3; workers++) {
        struct signature_store *s = signature_store_new(3, P, workers);
        for (size_t i = 0; i < N; i++) {
            if (i % 1000 >= 600 && i % 1000 < 700)   /* runs of cached examples */
                signature_store_add_signed(s, &ex[i], signature_store_sig(mem, i), mem->no_words[i]);
            else
                signature_store_add(s, &ex[i]);
        }
        signature_store_finish(s);
        assert_true(s->sigs_in_file);
        assert_int_equal(s->n, N);
        assert_memory_equal(s->sigs, mem->sigs, (size_t)N * P * sizeof(minhash_slot));
        assert_memory_equal(s->no_words, mem->no_words, N);
        assert_memory_equal(s->recs, mem->recs, N * sizeof(*s->recs));
        got.n = 0;
        minhash_lsh_threads(&s->mh, &b, s->sigs, s->no_words, N, log_pair, &got, workers + 1, true);
        assert_int_equal(got.n, want.n);
        assert_memory_equal(got.v, want.v, want.n * sizeof(*want.v));
        /* released pages read back the same */
        assert_memory_equal(s->sigs, mem->sigs, (size_t)N * P * sizeof(minhash_slot));
        signature_store_free(s);
    }
    unsetenv("DSCI_SIGNATURE_SPILL_BYTES");
    free(want.v);
    free(got.v);
    signature_store_free(mem);
}

/*
 * The signature the plain way, one code point at a time, written from the rules in
 * run/minhash.h: the reference for the shingler's fast paths (ASCII words in a loop of
 * their own, the vector fold).
 */
static uint64_t ref_mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

static bool ref_word_cp(uint32_t c)
{
    if (c < 0x80)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (c <= 0xBF || c == 0xD7 || c == 0xF7 || (c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F) ||
        (c >= 0xFE10 && c <= 0xFE6F) || (c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
        (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65) || (c >= 0x1F000 && c <= 0x1FAFF) ||
        (c >= 0xFE00 && c <= 0xFE0F))
        return false;
    return true;
}

struct ref_shingler {
    const struct minhash *mh;
    uint32_t full[MINHASH_MAX_PERMUTATIONS];
    uint64_t tokens[4096];
    size_t n_tokens;
    bool any;
};

static void ref_add(struct ref_shingler *r, uint64_t h)
{
    uint32_t x = (uint32_t)(h >> 32) ^ (uint32_t)h;
    for (size_t i = 0; i < r->mh->permutations; i++) {
        uint32_t v = (uint32_t)((r->mh->a[i] * x + r->mh->b[i]) >> 32);
        if (v < r->full[i])
            r->full[i] = v;
    }
    r->any = true;
}

/* The turn's shingles from its token hashes: a polynomial over each window of k. */
static void ref_turn(struct ref_shingler *r)
{
    size_t k = r->mh->shingle, n = r->n_tokens;
    if (n && n < k) {
        uint64_t roll = 0;
        for (size_t i = 0; i < n; i++)
            roll = roll * 0x9e3779b97f4a7c15ull + r->tokens[i];
        ref_add(r, ref_mix64(roll ^ (uint64_t)n));
    }
    for (size_t e = k; e <= n; e++) {
        uint64_t roll = 0;
        for (size_t i = e - k; i < e; i++)
            roll = roll * 0x9e3779b97f4a7c15ull + r->tokens[i];
        ref_add(r, ref_mix64(roll ^ (uint64_t)k));
    }
    r->n_tokens = 0;
}

static void ref_signature(const struct minhash *mh, minhash_slot *out, const char *const *texts,
                          const size_t *lens, size_t n, bool *any)
{
    static struct ref_shingler r;
    r.mh = mh;
    r.n_tokens = 0;
    r.any = false;
    for (size_t i = 0; i < mh->permutations; i++)
        r.full[i] = UINT32_MAX;
    for (size_t t = 0; t < n; t++) {
        const unsigned char *p = (const unsigned char *)texts[t];
        uint64_t th = 0xcbf29ce484222325ull;
        bool in = false;
        for (size_t i = 0; i < lens[t];) {
            uint32_t cp, low[3];
            size_t nl = 0;
            size_t l = unicode_utf8_decode(p + i, lens[t] - i, &cp);
            if (p[i] < 0x80) {
                cp = p[i];
                l = 1;
            }
            if (!l) {   /* not UTF-8: a separator */
                low[0] = 0;
                nl = 1;
                i++;
            } else {
                i += l;
                nl = unicode_lower(cp, low);
            }
            for (size_t j = 0; j < nl; j++) {
                uint32_t c = low[j] == 0x3C2 ? 0x3C3 : low[j];
                if (l && ref_word_cp(c)) {
                    th = (th ^ c) * 0x100000001b3ull;
                    in = true;
                } else if (in) {
                    assert_true(r.n_tokens < 4096);
                    r.tokens[r.n_tokens++] = ref_mix64(th);
                    th = 0xcbf29ce484222325ull;
                    in = false;
                }
            }
        }
        if (in)
            r.tokens[r.n_tokens++] = ref_mix64(th);
        ref_turn(&r);
    }
    for (size_t i = 0; i < mh->permutations; i++)
        out[i] = (minhash_slot)r.full[i];
    *any = r.any;
}

/* Random texts of ASCII words and separators, upper case, digits, accented and CJK
 * letters, punctuation blocks, emoji, a final sigma, bytes that are not UTF-8, and runs
 * cut at every place: the shingler gives the reference's signature bit for bit. */
static void test_minhash__signature_matches_reference(void **state)
{
    (void)state;
    static const char *pieces[] = {
        "a", "Z", "create", "TASK", "42", "x9y", " ", "  ", ",", ".", "-", "\n", "\t", "_", "'",
        "\xc3\xa9", "\xc3\x89t\xc3\xa9", "\xe4\xb8\xad\xe6\x96\x87", "\xe2\x80\x94", "\xf0\x9f\x9a\x80",
        "\xce\xa3", "\xcf\x82", "\xc4\xb0", "\xef\xbc\x81", "\xff", "\xc3", "\xe2\x80", "\x80" "abc", "\x7f",
        "\xef\xb8\x8f", "Stra\xc3\x9f" "e",
    };
    static struct minhash mh;
    char text[3][600];
    uint64_t r = 99;
    for (int round = 0; round < 3000; round++) {
        size_t shingle = 1 + (size_t)round % 6, perms = round % 3 ? 128 : 1 + (size_t)(round * 7) % 61;
        minhash_init(&mh, shingle, perms);
        const char *texts[3];
        size_t lens[3], n = 1 + (size_t)round % 3;
        for (size_t t = 0; t < n; t++) {
            size_t len = 0;
            r = r * 6364136223846793005ull + 1442695040888963407ull;
            size_t count = (r >> 33) % 40;
            for (size_t k = 0; k < count; k++) {
                r = r * 6364136223846793005ull + 1442695040888963407ull;
                const char *piece = pieces[(r >> 35) % (sizeof(pieces) / sizeof(*pieces))];
                size_t pl = strlen(piece);
                if (len + pl >= sizeof(text[t]))
                    break;
                memcpy(text[t] + len, piece, pl);
                len += pl;
            }
            r = r * 6364136223846793005ull + 1442695040888963407ull;
            texts[t] = text[t];
            lens[t] = len ? (size_t)(r >> 40) % (len + 1) : 0;   /* cut anywhere, mid-character too */
        }
        minhash_slot got[128], want[128];
        bool want_any;
        bool got_any = minhash_signature_texts(&mh, got, texts, lens, n);
        ref_signature(&mh, want, texts, lens, n, &want_any);
        assert_int_equal(got_any, want_any);
        assert_memory_equal(got, want, perms * sizeof(*got));
    }
}

int main(void)
{
    /* the store tests choose when it spills */
    unsetenv("DSCI_SIGNATURE_SPILL_BYTES");
    unsetenv("DSCI_LSH_KEY_BYTES");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minhash__case_and_punctuation_ignored),
        cmocka_unit_test(test_minhash__no_tokens),
        cmocka_unit_test(test_minhash__turns_do_not_share_shingles),
        cmocka_unit_test(test_minhash__estimate_close_to_jaccard),
        cmocka_unit_test(test_minhash__deterministic),
        cmocka_unit_test(test_minhash__bands),
        cmocka_unit_test(test_minhash__lsh_finds_near_pair),
        cmocka_unit_test(test_minhash__lsh_big_bucket_is_capped),
        cmocka_unit_test(test_minhash__fold_kernels_agree),
        cmocka_unit_test(test_minhash__store_same_for_any_workers),
        cmocka_unit_test(test_minhash__store_grows_and_moves),
        cmocka_unit_test(test_minhash__lsh_threads_same_calls),
        cmocka_unit_test(test_minhash__lsh_matches_reference),
        cmocka_unit_test(test_minhash__store_spilled_same),
        cmocka_unit_test(test_minhash__signature_matches_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
