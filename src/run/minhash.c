#include "run/minhash.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "run/minhash_fold.h"
#include "util/unicode_lower.h"
#include "util/xalloc.h"

/* splitmix64: the seed expander for the permutations and the finaliser of hashes. */
static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

#define MINHASH_SEED 0x6473636923d5a1e7ull   /* fixed: signatures are the same on every run */
#define TOKEN_PRIME 0x100000001b3ull          /* FNV-1a over code points */
#define TOKEN_BASIS 0xcbf29ce484222325ull
#define SHINGLE_BASE 0x9e3779b97f4a7c15ull    /* rolling polynomial over token hashes */

void minhash_init(struct minhash *mh, size_t shingle, size_t permutations)
{
    memset(mh, 0, sizeof(*mh));
    mh->shingle = shingle < 1 ? 1 : shingle > 64 ? 64 : shingle;   /* the shingler's ring */
    if (permutations < 1)
        permutations = 1;
    if (permutations > MINHASH_MAX_PERMUTATIONS)
        permutations = MINHASH_MAX_PERMUTATIONS;
    mh->permutations = permutations;
    minhash_fold_avx2_available();   /* decided here, before any worker thread reads it */
    uint64_t s = MINHASH_SEED;
    for (size_t i = 0; i < permutations; i++) {
        s += 0x9e3779b97f4a7c15ull;
        mh->a[i] = mix64(s) | 1;
        s += 0x9e3779b97f4a7c15ull;
        mh->b[i] = mix64(s);
    }
}

/*
 * Word characters, decided on the lower-cased code point: ASCII letters and digits,
 * and every non-ASCII code point outside the Latin-1 punctuation and symbols, the
 * punctuation / symbol / arrow / box-drawing blocks (U+2000-U+2BFF), CJK punctuation,
 * the fullwidth ASCII punctuation and the emoji planes. bench/near_dup_recall.py has
 * the same rule.
 */
static bool word_cp(uint32_t c)
{
    if (c < 0x80)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (c <= 0xBF || c == 0xD7 || c == 0xF7)
        return false;
    if (c >= 0x2000 && c <= 0x2BFF)
        return false;
    if (c >= 0x3000 && c <= 0x303F)
        return false;
    if (c >= 0xFE10 && c <= 0xFE6F)
        return false;
    if ((c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) ||
        (c >= 0xFF5B && c <= 0xFF65))
        return false;
    if (c >= 0x1F000 && c <= 0x1FAFF)
        return false;
    if (c >= 0xFE00 && c <= 0xFE0F)   /* variation selectors (emoji presentation) */
        return false;
    return true;
}

/* Builds the shingle hashes of one example; they are folded into the signature in runs,
 * which lets the fold keep signature slots in registers (src/minhash_fold.c). */
#define SHINGLE_RUN 256

struct shingler {
    const struct minhash *mh;
    struct minhash_perms perms;   /* mh's multipliers, as the fold takes them */
    uint32_t *sig;
    uint64_t ring[64];      /* last `shingle` token hashes (spec caps shingle at 64) */
    size_t n_tokens;        /* tokens of the current turn */
    size_t slot;            /* where the next token goes in the ring */
    uint64_t roll;          /* polynomial over the ring */
    uint64_t base_k;        /* SHINGLE_BASE^(shingle - 1): the weight of the oldest token */
    bool any;
    uint32_t run[SHINGLE_RUN];
    size_t n_run;
};

static void flush_run(struct shingler *s)
{
    if (s->n_run)
        minhash_fold(&s->perms, s->sig, s->run, s->n_run);
    s->n_run = 0;
}

static inline void add_shingle(struct shingler *s, uint64_t h)
{
    s->run[s->n_run++] = (uint32_t)(h >> 32) ^ (uint32_t)h;
    if (s->n_run == SHINGLE_RUN)
        flush_run(s);
    s->any = true;
}

static inline void end_token(struct shingler *s, uint64_t th)
{
    size_t k = s->mh->shingle;
    th = mix64(th);
    size_t slot = s->slot;   /* n_tokens % k, without a division per token */
    if (s->n_tokens >= k)
        s->roll -= s->ring[slot] * s->base_k;
    s->roll = s->roll * SHINGLE_BASE + th;
    s->ring[slot] = th;
    s->slot = slot + 1 == k ? 0 : slot + 1;
    s->n_tokens++;
    if (s->n_tokens >= k)
        add_shingle(s, mix64(s->roll ^ (uint64_t)k));
}

static inline void end_turn(struct shingler *s)
{
    /* a turn shorter than one shingle still counts, as one shorter shingle */
    if (s->n_tokens && s->n_tokens < s->mh->shingle)
        add_shingle(s, mix64(s->roll ^ (uint64_t)s->n_tokens));
    s->n_tokens = 0;
    s->slot = 0;
    s->roll = 0;
}

/* One character of a text: a word character extends the token's hash, anything else
 * ends the token in progress. */
static inline void token_step(struct shingler *s, uint64_t *th, bool *in, uint32_t c, bool word)
{
    if (word) {
        *th = (*th ^ c) * TOKEN_PRIME;
        *in = true;
    } else if (*in) {
        end_token(s, *th);
        *th = TOKEN_BASIS;
        *in = false;
    }
}

/* ASCII word characters, lower-cased; 0 for everything else. */
static const unsigned char ascii_word[128] = {
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4', ['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8',
    ['9'] = '9', ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f', ['g'] = 'g', ['h'] = 'h',
    ['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n', ['o'] = 'o', ['p'] = 'p', ['q'] = 'q',
    ['r'] = 'r', ['s'] = 's', ['t'] = 't', ['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y', ['z'] = 'z',
    ['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f', ['G'] = 'g', ['H'] = 'h', ['I'] = 'i',
    ['J'] = 'j', ['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n', ['O'] = 'o', ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r',
    ['S'] = 's', ['T'] = 't', ['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y', ['Z'] = 'z',
};

static void shingle_text(struct shingler *s, const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text;
    uint64_t th = TOKEN_BASIS;
    bool in = false;
    size_t i = 0;
    while (i < len) {
        unsigned char c = p[i];
        if (c < 0x80) {
            unsigned w = ascii_word[c];
            if (w) {
                /* the rest of an ASCII word in a loop of its own: the hash's multiply
                 * chain is then all it waits on */
                do {
                    th = (th ^ w) * TOKEN_PRIME;
                    if (++i == len)
                        break;
                    c = p[i];
                    w = c < 0x80 ? ascii_word[c] : 0;
                } while (w);
                in = true;
                continue;
            }
            i++;
            token_step(s, &th, &in, 0, false);
            continue;
        }
        uint32_t cp, low[3];
        size_t l = unicode_utf8_decode(p + i, len - i, &cp);
        if (!l) {   /* not UTF-8: a separator */
            i++;
            token_step(s, &th, &in, 0, false);
            continue;
        }
        i += l;
        size_t nl = unicode_lower(cp, low);
        for (size_t j = 0; j < nl; j++) {
            uint32_t lc = low[j] == 0x3C2 ? 0x3C3 : low[j];   /* final sigma folds to sigma */
            token_step(s, &th, &in, lc, word_cp(lc));
        }
    }
    if (in)
        end_token(s, th);
    end_turn(s);
}

static void shingler_start(struct shingler *s, const struct minhash *mh, uint32_t *out)
{
    s->mh = mh;
    s->perms = (struct minhash_perms){ mh->a, mh->b, mh->permutations };
    s->sig = out;
    s->n_tokens = 0;
    s->slot = 0;
    s->roll = 0;
    s->any = false;
    s->n_run = 0;
    s->base_k = 1;
    for (size_t i = 1; i < mh->shingle; i++)
        s->base_k *= SHINGLE_BASE;
    for (size_t i = 0; i < mh->permutations; i++)
        out[i] = UINT32_MAX;
}

/* The minima are computed on 32 bits and kept as their low 16 (b-bit minwise hashing):
 * two different minima agree by chance once in 65,536 slots, which moves a similarity
 * estimate by 0.00002, and the signatures take half the memory. */
static void narrow(const struct minhash *mh, minhash_slot *out, const uint32_t *full)
{
    for (size_t i = 0; i < mh->permutations; i++)
        out[i] = (minhash_slot)full[i];
}

bool minhash_signature_texts(const struct minhash *mh, minhash_slot *out, const char *const *texts,
                             const size_t *lens, size_t n)
{
    struct shingler s;
    uint32_t full[MINHASH_MAX_PERMUTATIONS];
    shingler_start(&s, mh, full);
    for (size_t i = 0; i < n; i++)
        if (texts[i])
            shingle_text(&s, texts[i], lens[i]);
    flush_run(&s);
    narrow(mh, out, full);
    return s.any;
}

bool minhash_signature(const struct minhash *mh, minhash_slot *out, const struct example *ex)
{
    struct shingler s;
    uint32_t full[MINHASH_MAX_PERMUTATIONS];
    shingler_start(&s, mh, full);
    for (size_t i = 0; i < ex->n_turns; i++)
        if (ex->turns[i].text)
            shingle_text(&s, ex->turns[i].text, ex->turns[i].text_len);
    flush_run(&s);
    narrow(mh, out, full);
    return s.any;
}

double minhash_similarity(const struct minhash *mh, const minhash_slot *x, const minhash_slot *y)
{
    size_t eq = 0, n = mh->permutations;
    for (size_t i = 0; i < n; i++)
        eq += x[i] == y[i];
    return (double)eq / (double)n;
}

/* P(candidate | similarity s) = 1 - (1 - s^r)^b, integrated by Simpson's rule. */
static double area(double lo, double hi, size_t b, size_t r, bool false_negative)
{
    const int steps = 64;
    double h = (hi - lo) / steps, sum = 0;
    for (int i = 0; i <= steps; i++) {
        double s = lo + h * i;
        double p = 1.0 - pow(1.0 - pow(s, (double)r), (double)b);
        double f = false_negative ? 1.0 - p : p;
        sum += f * (i == 0 || i == steps ? 1 : (i % 2 ? 4 : 2));
    }
    return sum * h / 3.0;
}

/* A false candidate costs one signature comparison; a missed pair is a duplicate or a
 * leak nobody hears of. Equal weights (datasketch's default) let a pair right at the
 * threshold through LSH only 40% of the time (0.8, 128 slots: 9 x 13); these weights
 * make it 87% (14 x 9), measured by bench/near_dup_recall.py. */
#define BANDS_FALSE_POSITIVE_WEIGHT 0.1

void minhash_bands_choose(struct minhash_bands *out, double threshold, size_t permutations)
{
    double best = INFINITY;
    out->bands = permutations ? permutations : 1;
    out->rows = 1;
    for (size_t b = 1; b <= permutations; b++)
        for (size_t r = 1; r <= permutations / b; r++) {
            double err = BANDS_FALSE_POSITIVE_WEIGHT * area(0.0, threshold, b, r, false) +
                         (1.0 - BANDS_FALSE_POSITIVE_WEIGHT) * area(threshold, 1.0, b, r, true);
            if (err < best) {
                best = err;
                out->bands = b;
                out->rows = r;
            }
        }
}
