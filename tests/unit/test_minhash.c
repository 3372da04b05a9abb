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

int main(void)
{
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
