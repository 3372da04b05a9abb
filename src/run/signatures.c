/*
 * Workers take batches of examples in the order they were filled; each batch owns a
 * copy of its examples' turn texts (the reader's buffers are gone once extract()
 * returns). Signatures are written straight to their final place: the signature array
 * is one reserved range of address space, made writable ahead of the examples by the
 * main thread, so whoever signs (mostly the workers) pays for first touching its pages.
 * The range is reserved as the examples come and doubles when full (it moves, with the
 * workers drained, only when the addresses after it are taken), so a limited address
 * space (`ulimit -v`) is used according to the dataset's size. The main thread collects
 * finished batches in order and refills them: a ring of a few batches bounds the memory
 * in flight whatever the dataset size.
 *
 * Past SPILL_AFTER bytes the signatures go to an unlinked temporary file instead (at
 * 128 slots they are 256 bytes an example, the largest thing a run keeps: 400 MB for
 * 1 GB of data): workers write their batches' signatures at their place in it, and
 * finish() maps the file read-only. The kernel keeps the pages in its cache while there
 * is room and drops or writes them back when memory runs short, and the LSH passes
 * release what they have read (minhash_lsh_threads' `droppable`), so the process holds
 * only what it is reading.
 */
#include "run/signatures.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "gates/common.h"
#include "util/work_ring.h"
#include "util/size_text.h"
#include "util/xalloc.h"

#define BATCH_EXAMPLES 512
#define BATCH_BYTES ((size_t)1 << 20)

struct batch {
    size_t first;              /* store index of its first example */
    size_t count;
    char *text;                /* the turn texts, back to back */
    size_t text_len, text_alloc;
    size_t *turn_len;          /* per turn with a text */
    size_t n_turns, turns_alloc;
    size_t ex_turns[BATCH_EXAMPLES];   /* turns per example */
    unsigned char no_words[BATCH_EXAMPLES];
    minhash_slot *sigs;        /* spilling: the batch's signatures before they are written */
};

struct signature_work {
    struct gate_vec recs_mem, words_mem;
    unsigned char *sig_base;   /* the reserved range */
    size_t sig_reserved, sig_writable;   /* bytes */
    struct work_ring *ring;    /* NULL: the main thread signs each example as it comes */
    size_t n_batches;
    struct batch *batches;     /* the ring's slots */
    size_t spill_after;        /* signature bytes kept in memory; more go to spill_fd */
    int spill_fd;              /* -1: the signatures are in sig_base */
    void *spill_map;           /* after finish(): the file, read-only */
    size_t spill_map_len;
    minhash_slot *pending;     /* spilling, main thread: consecutive signatures to write */
    size_t pending_first, pending_n;
};

/* Signatures kept in memory before the rest go to a file; DSCI_SIGNATURE_SPILL_BYTES
 * sets it (tests). */
#define SPILL_AFTER ((size_t)64 << 20)
#define PENDING_EXAMPLES 256

/* Signs the batch's examples into sigs[0 .. count * permutations). */
static void batch_sign(const struct minhash *mh, minhash_slot *sigs, struct batch *b)
{
    size_t turn = 0, at = 0, p = mh->permutations, alloc = 0;
    const char **texts = NULL;
    for (size_t e = 0; e < b->count; e++) {
        size_t n = b->ex_turns[e];
        ALLOC_GROW(texts, n + 1, alloc);
        for (size_t t = 0; t < n; t++) {
            texts[t] = b->text + at;
            at += b->turn_len[turn + t];
        }
        b->no_words[e] = !minhash_signature_texts(mh, sigs + e * p, texts, b->turn_len + turn, n);
        turn += n;
    }
    free(texts);
}

#define SIG_FIRST_RESERVE ((size_t)8 << 20)
#define SIG_COMMIT_STEP ((size_t)2 << 20)

/* Out of address space or memory: like xmalloc, one line and exit 3. */
static void sig_die(const char *what, size_t bytes)
{
    xalloc_die("out of memory: cannot %s %zu bytes for the near-duplicate signatures "
               "(is the address space limited, `ulimit -v`?)", what, bytes);
}

static unsigned char *sig_map(void *at, size_t size, int flags)
{
    void *p = mmap(at, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | flags, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

/* Address space for the signatures, asked for without access so that it costs nothing
 * but addresses; a first piece, grown as the examples come (sig_grow). */
static void sig_reserve(struct signature_work *w)
{
    w->sig_base = sig_map(NULL, SIG_FIRST_RESERVE, 0);
    if (!w->sig_base)
        sig_die("reserve", SIG_FIRST_RESERVE);
    w->sig_reserved = SIG_FIRST_RESERVE;
}

/*
 * Room for `need` bytes: the range doubles, in place when the addresses after it are
 * free, else on a new range that the written pages move to (mremap, no copy). The
 * workers write into the range, so they are drained before it moves.
 */
static void sig_grow(struct signature_store *s, size_t need)
{
    struct signature_work *w = s->work;
    size_t size = w->sig_reserved;
    while (size < need) {
        if (size > SIZE_MAX / 2)
            sig_die("reserve", need);
        size *= 2;
    }
#ifdef MAP_FIXED_NOREPLACE
    unsigned char *end = w->sig_base + w->sig_reserved;
    unsigned char *tail = sig_map(end, size - w->sig_reserved, MAP_FIXED_NOREPLACE);
    if (tail == end) {
        w->sig_reserved = size;
        return;
    }
    if (tail)   /* a kernel without MAP_FIXED_NOREPLACE took the address as a hint */
        munmap(tail, size - w->sig_reserved);
#endif
    unsigned char *p = sig_map(NULL, size, 0);
    if (!p)
        sig_die("reserve", size);
    if (w->ring)
        work_ring_drain(w->ring);
    if (w->sig_writable &&
        mremap(w->sig_base, w->sig_writable, w->sig_writable, MREMAP_MAYMOVE | MREMAP_FIXED, p) == MAP_FAILED)
        sig_die("move", w->sig_writable);
    /* the written part moved away; what is left of the old range is the unwritten tail */
    munmap(w->sig_base + w->sig_writable, w->sig_reserved - w->sig_writable);
    w->sig_base = p;
    w->sig_reserved = size;
    s->sigs = (minhash_slot *)p;
}

static void spill_start(struct signature_store *s);

/* Makes the signature range writable up to `bytes`, in steps of 2 MiB (a huge page). */
static void sig_commit(struct signature_store *s, size_t bytes)
{
    struct signature_work *w = s->work;
    if (w->spill_fd >= 0)
        return;
    if (bytes > w->spill_after) {
        spill_start(s);
        if (w->spill_fd >= 0)
            return;
    }
    if (bytes <= w->sig_writable)
        return;
    size_t want = (bytes + SIG_COMMIT_STEP - 1) / SIG_COMMIT_STEP * SIG_COMMIT_STEP;
    if (want > w->sig_reserved)
        sig_grow(s, want);
    if (mprotect(w->sig_base + w->sig_writable, want - w->sig_writable, PROT_READ | PROT_WRITE) != 0)
        sig_die("allocate", want - w->sig_writable);
#ifdef MADV_HUGEPAGE
    madvise(w->sig_base + w->sig_writable, want - w->sig_writable, MADV_HUGEPAGE);
#endif
    w->sig_writable = want;
}

/* Writes count signatures of store indices first.. at their place in the spill file
 * (any thread: pwrite has its own offset). */
static void spill_write(const struct signature_store *s, const minhash_slot *sigs, size_t first, size_t count)
{
    size_t row = s->mh.permutations * sizeof(*sigs);
    const unsigned char *p = (const unsigned char *)sigs;
    size_t len = count * row;
    off_t at = (off_t)(first * row);
    while (len) {
        ssize_t w = pwrite(s->work->spill_fd, p, len, at);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            xalloc_die("cannot write the near-duplicate signatures to a temporary file: %s "
                       "(is TMPDIR full?)", w < 0 ? strerror(errno) : "no space");
        p += w;
        len -= (size_t)w;
        at += w;
    }
}

static void pending_flush(struct signature_store *s)
{
    struct signature_work *w = s->work;
    if (w->pending_n)
        spill_write(s, w->pending, w->pending_first, w->pending_n);
    w->pending_n = 0;
}

/* Spilling, on the main thread: the signature of store index `at`, written with its
 * neighbours in one go. */
static minhash_slot *pending_slot(struct signature_store *s, size_t at)
{
    struct signature_work *w = s->work;
    if (w->pending_n && (at != w->pending_first + w->pending_n || w->pending_n == PENDING_EXAMPLES))
        pending_flush(s);
    if (!w->pending_n)
        w->pending_first = at;
    return w->pending + w->pending_n++ * s->mh.permutations;
}

static int spill_open(void)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    int fd = -1;
#ifdef O_TMPFILE
    fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#endif
    if (fd < 0) {
        char *path = xasprintf("%s/dsci-signatures.XXXXXX", dir);
        fd = mkstemp(path);
        if (fd >= 0)
            unlink(path);
        free(path);
    }
    return fd;
}

/* From memory to the file: the signatures made so far (the workers drained first) are
 * written out and their memory given back. Without a file the run stays in memory. */
static void spill_start(struct signature_store *s)
{
    struct signature_work *w = s->work;
    w->spill_after = SIZE_MAX;   /* one attempt */
    int fd = spill_open();
    if (fd < 0)
        return;
    if (w->ring)
        work_ring_drain(w->ring);
    w->spill_fd = fd;
    if (s->n)
        spill_write(s, (const minhash_slot *)w->sig_base, 0, s->n);
    munmap(w->sig_base, w->sig_reserved);
    w->sig_base = NULL;
    w->sig_reserved = w->sig_writable = 0;
    s->sigs = NULL;   /* until finish() maps the file */
    w->pending = xmalloc(PENDING_EXAMPLES * s->mh.permutations * sizeof(*w->pending));
}

static void sign_slot(void *ctx, size_t slot, unsigned worker)
{
    struct signature_store *s = ctx;
    struct signature_work *w = s->work;
    struct batch *b = &w->batches[slot];
    size_t p = s->mh.permutations;
    (void)worker;
    if (w->spill_fd < 0) {
        batch_sign(&s->mh, (minhash_slot *)w->sig_base + b->first * p, b);
        return;
    }
    if (!b->sigs)
        b->sigs = xmalloc(BATCH_EXAMPLES * p * sizeof(*b->sigs));
    batch_sign(&s->mh, b->sigs, b);
    spill_write(s, b->sigs, b->first, b->count);
}

/* Takes in a finished batch's word flags and empties it for the next round. */
static void collect_slot(void *ctx, size_t slot)
{
    struct signature_store *s = ctx;
    struct signature_work *w = s->work;
    struct batch *b = &w->batches[slot];
    s->no_words = gate_vec_grow(&w->words_mem, b->first + b->count);
    memcpy(s->no_words + b->first, b->no_words, b->count);
    b->count = 0;
    b->text_len = 0;
    b->n_turns = 0;
}

struct signature_store *signature_store_new(size_t shingle, size_t permutations, unsigned workers)
{
    struct signature_store *s = xcalloc(1, sizeof(*s));
    struct signature_work *w = xcalloc(1, sizeof(*w));
    s->work = w;
    w->spill_fd = -1;
    w->spill_after = SPILL_AFTER;
    const char *spill_env = getenv("DSCI_SIGNATURE_SPILL_BYTES");
    size_t spill_set;
    if (spill_env && size_text_parse(spill_env, &spill_set))
        w->spill_after = spill_set;
    minhash_init(&s->mh, shingle, permutations);
    sig_reserve(w);
    s->sigs = (minhash_slot *)w->sig_base;
    if (!workers)
        return s;
    /* one batch per worker at work, one more ready for each, one being filled */
    static const struct work_ring_ops ops = { sign_slot, collect_slot };
    w->n_batches = 2 * (size_t)workers + 1;
    w->batches = xcalloc(w->n_batches, sizeof(*w->batches));
    w->ring = work_ring_new(w->n_batches, workers, &ops, s);
    return s;
}

void signature_store_add(struct signature_store *s, const struct example *ex)
{
    struct signature_work *w = s->work;
    size_t p = s->mh.permutations;
    s->recs = gate_vec_grow(&w->recs_mem, (s->n + 1) * sizeof(*s->recs));
    struct sig_rec *r = &s->recs[s->n];
    memcpy(&r->h0, ex->hash, 8);
    memcpy(&r->h1, ex->hash + 8, 8);
    r->line = gate_example_pos(ex);   /* line, or index in a JSON array file */
    r->file = (uint32_t)ex->file_index;
    r->split = (uint32_t)ex->split;

    sig_commit(s, (s->n + 1) * p * sizeof(*s->sigs));
    if (!w->ring) {
        minhash_slot *sig = w->spill_fd >= 0 ? pending_slot(s, s->n) : s->sigs + s->n * p;
        s->no_words = gate_vec_grow(&w->words_mem, s->n + 1);
        s->no_words[s->n] = !minhash_signature(&s->mh, sig, ex);
        s->n++;
        return;
    }

    struct batch *b = &w->batches[work_ring_fill(w->ring)];
    if (!b->count)
        b->first = s->n;
    size_t turns = 0;
    for (size_t i = 0; i < ex->n_turns; i++) {
        const struct turn *t = &ex->turns[i];
        if (!t->text)
            continue;
        ALLOC_GROW(b->turn_len, b->n_turns + 1, b->turns_alloc);
        b->turn_len[b->n_turns++] = t->text_len;
        ALLOC_GROW(b->text, b->text_len + t->text_len + 1, b->text_alloc);
        memcpy(b->text + b->text_len, t->text, t->text_len);
        b->text_len += t->text_len;
        turns++;
    }
    b->ex_turns[b->count++] = turns;
    s->n++;
    if (b->count == BATCH_EXAMPLES || b->text_len >= BATCH_BYTES)
        work_ring_submit(w->ring);
}

void signature_store_add_signed(struct signature_store *s, const struct example *at, const minhash_slot *sig,
                                bool no_words)
{
    struct signature_work *w = s->work;
    /* a batch being filled holds consecutive examples: it goes to the workers first */
    if (w->ring && w->batches[work_ring_fill(w->ring)].count)
        work_ring_submit(w->ring);
    size_t p = s->mh.permutations;
    s->recs = gate_vec_grow(&w->recs_mem, (s->n + 1) * sizeof(*s->recs));
    struct sig_rec *r = &s->recs[s->n];
    memcpy(&r->h0, at->hash, 8);
    memcpy(&r->h1, at->hash + 8, 8);
    r->line = gate_example_pos(at);
    r->file = (uint32_t)at->file_index;
    r->split = (uint32_t)at->split;
    sig_commit(s, (s->n + 1) * p * sizeof(*s->sigs));
    memcpy(w->spill_fd >= 0 ? pending_slot(s, s->n) : s->sigs + s->n * p, sig, p * sizeof(*sig));
    s->no_words = gate_vec_grow(&w->words_mem, s->n + 1);
    s->no_words[s->n] = no_words;
    s->n++;
}

static bool content_less(const struct sig_rec *r, uint32_t a, uint32_t b)
{
    if (r[a].h0 != r[b].h0)
        return r[a].h0 < r[b].h0;
    if (r[a].h1 != r[b].h1)
        return r[a].h1 < r[b].h1;
    if (r[a].split != r[b].split)
        return r[a].split < r[b].split;
    return a < b;
}

/* Both similarity gates first need exact copies grouped: one sort for both. Content
 * hashes are uniform, so a counting pass on the top bits leaves buckets of a few
 * records for an insertion sort. */
static void sort_by_content(struct signature_store *s)
{
    size_t n = s->n;
    unsigned bits = 4;
    while (bits < 22 && ((size_t)1 << (bits + 1)) <= n / 2)
        bits++;
    size_t n_buckets = (size_t)1 << bits;
    size_t *start = xcalloc(n_buckets + 1, sizeof(*start));
    uint32_t *v = xmalloc((n ? n : 1) * sizeof(*v));
    for (size_t i = 0; i < n; i++)
        start[(s->recs[i].h0 >> (64 - bits)) + 1]++;
    for (size_t b = 0; b < n_buckets; b++)
        start[b + 1] += start[b];
    for (size_t i = 0; i < n; i++)   /* ascending i: each bucket starts in index order */
        v[start[s->recs[i].h0 >> (64 - bits)]++] = (uint32_t)i;
    size_t lo = 0;
    for (size_t b = 0; b < n_buckets; b++) {
        size_t hi = start[b];
        for (size_t i = lo + 1; i < hi; i++) {
            uint32_t x = v[i];
            size_t j = i;
            while (j > lo && content_less(s->recs, x, v[j - 1])) {
                v[j] = v[j - 1];
                j--;
            }
            v[j] = x;
        }
        lo = hi;
    }
    free(start);
    s->by_content = v;
}

void signature_store_finish(struct signature_store *s)
{
    struct signature_work *w = s->work;
    if (w->ring)
        work_ring_finish(w->ring);
    if (w->spill_fd >= 0 && !w->spill_map) {
        pending_flush(s);
        size_t len = s->n * s->mh.permutations * sizeof(*s->sigs);
        void *map = mmap(NULL, len, PROT_READ, MAP_SHARED, w->spill_fd, 0);
        if (map == MAP_FAILED)
            sig_die("map", len);
        w->spill_map = map;
        w->spill_map_len = len;
        s->sigs = map;
        s->sigs_in_file = true;
    }
    /* an empty store still hands out valid (empty) arrays */
    s->no_words = gate_vec_grow(&w->words_mem, s->n ? s->n : 1);
    if (!s->by_content)
        sort_by_content(s);
}

void signature_store_read_through(const struct signature_store *s, size_t first, size_t count)
{
    if (!s->sigs_in_file || !count)
        return;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    size_t row = s->mh.permutations * sizeof(*s->sigs);
    uintptr_t from = ((uintptr_t)s->sigs + first * row + page - 1) & ~(page - 1);
    uintptr_t to = ((uintptr_t)s->sigs + (first + count) * row) & ~(page - 1);
    if (to > from)
        madvise((void *)from, to - from, MADV_DONTNEED);
}

void signature_store_free(struct signature_store *s)
{
    if (!s)
        return;
    struct signature_work *w = s->work;
    work_ring_free(w->ring);
    for (size_t i = 0; i < w->n_batches; i++) {
        free(w->batches[i].text);
        free(w->batches[i].turn_len);
        free(w->batches[i].sigs);
    }
    if (w->spill_map)
        munmap(w->spill_map, w->spill_map_len);
    if (w->spill_fd >= 0)
        close(w->spill_fd);
    free(w->pending);
    free(w->batches);
    free(s->by_content);
    gate_vec_release(&w->recs_mem);
    if (w->sig_base)
        munmap(w->sig_base, w->sig_reserved);
    gate_vec_release(&w->words_mem);
    free(w);
    free(s);
}
