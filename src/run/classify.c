/*
 * Classification (run/classify.h): every parsed example falls in the first category (in
 * spec order) that it matches, or in "(none)".
 *
 * By keywords, an example matches when a lower-cased keyword is a substring of its texts
 * joined by one space and lower-cased (Python's str.lower()). Rather than building that
 * string and searching it once per keyword, the classifier builds one Aho-Corasick
 * automaton of all keywords per run (a dense DFA over bytes, 1 KiB per state) and streams
 * each text through it once, lower-casing on the fly: ASCII capitals are folded into the
 * DFA's transitions and code points that lower() leaves alone pass as raw bytes, so most
 * text costs one table step per byte; the others go through unicode_lower(). Each
 * accepting state knows the lowest category index it completes, and the scan stops as
 * soon as the first category has matched. Longer texts are scanned as two interleaved
 * halves (see ac_scan_text), since one scan is a chain of dependent loads.
 *
 * By field, the reader hands over the field's string value (ex->label), which must equal
 * a category name.
 */
#include "run/classify.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "run/classify_scan.h"
#include "util/buf.h"
#include "util/unicode_lower.h"
#include "util/utf8.h"
#include "util/xalloc.h"

/* ---- Aho-Corasick DFA ---------------------------------------------------------------- */

struct ac {
    uint32_t *delta;     /* n_states * 256; entries are target state * 256 */
    int32_t *out;        /* per state: lowest category completed there, INT32_MAX for none */
    size_t accept_off;   /* states >= accept_off / 256 accept (they are numbered last) */
    size_t n_states;
    size_t max_len;      /* longest keyword, in lower-cased bytes */
    /* raw[b]: byte b can go through the DFA as it is: ASCII (capitals are folded into
     * the DFA), continuation bytes, and the lead bytes of code points that never change
     * under lower() (CJK, most symbols). Other leads take the decoding path. */
    uint8_t raw[256];
    /* For a lead that is not raw, bit (second & 63) of second_changes[lead]: some code
     * point starting with those two bytes changes under lower(). Lets the filtered scan
     * step over é, ü or an emoji as raw bytes. */
    uint64_t second_changes[256];
};

/* Whether the code point whose lead (not raw) is at p[i] may change under lower(). */
static inline bool ac_lead_changes(const struct ac *ac, const unsigned char *p, size_t len,
                                   size_t i)
{
    return i + 1 >= len || (p[i + 1] & 0xC0) != 0x80
           || (ac->second_changes[p[i]] >> (p[i + 1] & 63) & 1);
}

/* The masks depend on Unicode only, not on the spec: built once per process (walking
 * 0x40000 code points takes milliseconds, and a run builds two or three classifiers). */
static uint64_t second_changes_table[256];
static pthread_once_t second_changes_once = PTHREAD_ONCE_INIT;

static void second_changes_build(void)
{
    bool raw[256];
    for (int b = 0; b < 256; b++) {
        raw[b] = !unicode_lower_lead_changes((unsigned char)b);
        second_changes_table[b] = raw[b] ? 0 : ~UINT64_C(0);
    }
    /* Code points with changing leads up to 0xF0 (all there are): exact masks. */
    bool exact[256] = { false };
    for (uint32_t cp = 0x80; cp < 0x40000; cp++) {
        if (cp >= 0xD800 && cp < 0xE000)
            continue;
        unsigned char enc[4];
        utf8_encode(cp, enc);
        if (raw[enc[0]])
            continue;
        if (!exact[enc[0]]) {
            exact[enc[0]] = true;
            second_changes_table[enc[0]] = 0;
        }
        uint32_t low[3];
        size_t k = unicode_lower(cp, low);
        if (k != 1 || low[0] != cp)
            second_changes_table[enc[0]] |= UINT64_C(1) << (enc[1] & 63);
    }
}

static void ac_build_second_changes(struct ac *ac)
{
    pthread_once(&second_changes_once, second_changes_build);
    memcpy(ac->second_changes, second_changes_table, sizeof(ac->second_changes));
}

static void ac_release(struct ac *ac)
{
    free(ac->delta);
    free(ac->out);
    memset(ac, 0, sizeof(*ac));
}

struct ac_keyword {
    const unsigned char *bytes;   /* lower-cased UTF-8 */
    size_t len;
    int32_t category;
};

/* Builds the DFA of non-empty keywords. */
static void ac_build(struct ac *ac, const struct ac_keyword *kw, size_t n_kw)
{
    size_t n = 1;
    for (size_t i = 0; i < n_kw; i++)
        n += kw[i].len;   /* an upper bound on trie nodes */

    int32_t (*go)[256] = xmalloc(n * sizeof(*go));
    int32_t *out = xmalloc(n * sizeof(*out));
    int32_t *fail = xcalloc(n, sizeof(*fail));
    memset(go[0], -1, sizeof(go[0]));
    out[0] = INT32_MAX;
    size_t n_states = 1;

    for (size_t i = 0; i < n_kw; i++) {
        int32_t s = 0;
        for (size_t j = 0; j < kw[i].len; j++) {
            unsigned char c = kw[i].bytes[j];
            if (go[s][c] < 0) {
                memset(go[n_states], -1, sizeof(go[0]));
                out[n_states] = INT32_MAX;
                go[s][c] = (int32_t)n_states++;
            }
            s = go[s][c];
        }
        if (kw[i].category < out[s])
            out[s] = kw[i].category;
    }

    /* Breadth-first: failure links, inherited outputs, and the missing transitions. */
    int32_t *queue = xmalloc(n_states * sizeof(*queue));
    size_t head = 0, tail = 0;
    for (int c = 0; c < 256; c++) {
        if (go[0][c] < 0) {
            go[0][c] = 0;
        } else {
            fail[go[0][c]] = 0;
            queue[tail++] = go[0][c];
        }
    }
    while (head < tail) {
        int32_t u = queue[head++];
        if (out[fail[u]] < out[u])
            out[u] = out[fail[u]];
        for (int c = 0; c < 256; c++) {
            int32_t v = go[u][c];
            if (v < 0) {
                go[u][c] = go[fail[u]][c];
            } else {
                fail[v] = go[fail[u]][c];
                queue[tail++] = v;
            }
        }
    }
    /* Lower-cased keywords hold no ASCII capitals: let capitals act as their lower case. */
    for (size_t s = 0; s < n_states; s++)
        for (int c = 'A'; c <= 'Z'; c++)
            go[s][c] = go[s][c + 32];

    /* Number accepting states last, so the scan tests acceptance with one comparison. */
    int32_t *perm = xmalloc(n_states * sizeof(*perm));
    int32_t next = 0;
    for (size_t s = 0; s < n_states; s++)
        if (out[s] == INT32_MAX)
            perm[s] = next++;
    int32_t first_accept = next;
    for (size_t s = 0; s < n_states; s++)
        if (out[s] != INT32_MAX)
            perm[s] = next++;

    for (int b = 0; b < 256; b++)
        ac->raw[b] = !unicode_lower_lead_changes((unsigned char)b);
    ac_build_second_changes(ac);
    ac->n_states = n_states;
    ac->max_len = 0;
    for (size_t i = 0; i < n_kw; i++)
        if (kw[i].len > ac->max_len)
            ac->max_len = kw[i].len;
    ac->delta = xmalloc(n_states * 256 * sizeof(*ac->delta));
    ac->out = xmalloc(n_states * sizeof(*ac->out));
    ac->accept_off = (size_t)first_accept * 256;
    for (size_t s = 0; s < n_states; s++) {
        uint32_t *row = ac->delta + (size_t)perm[s] * 256;
        for (int c = 0; c < 256; c++)
            row[c] = (uint32_t)perm[go[s][c]] * 256;
        ac->out[perm[s]] = out[s];
    }
    free(perm);
    free(queue);
    free(fail);
    free(out);
    free(go);
}

/* A scan in progress: the DFA state (as a row offset) and the lowest category matched. */
struct ac_run {
    size_t s;
    int32_t best;
};

/* Feeds already lower-cased bytes; returns false once category 0 has matched. */
static bool ac_feed(const struct ac *ac, struct ac_run *run, const unsigned char *p, size_t n)
{
    size_t s = run->s;
    for (size_t i = 0; i < n; i++) {
        s = ac->delta[s + p[i]];
        if (s >= ac->accept_off && ac->out[s >> 8] < run->best) {
            run->best = ac->out[s >> 8];
            if (!run->best)
                break;
        }
    }
    run->s = s;
    return run->best != 0;
}

/* Feeds the lower case of the non-ASCII code point at text[i] (or the byte there, when
 * it is not UTF-8: the reader rejects such texts, so this only keeps the scan defined).
 * Returns its length in text, 0 once category 0 has matched. */
static size_t ac_feed_other(const struct ac *ac, struct ac_run *run, const char *text, size_t len,
                            size_t i)
{
    const unsigned char *p = (const unsigned char *)text + i;
    uint32_t cp;
    size_t n = unicode_utf8_decode(p, len - i, &cp);
    if (!n)
        return ac_feed(ac, run, p, 1) ? 1 : 0;
    uint32_t low[3];
    size_t k;
    if (cp == UNICODE_CAPITAL_SIGMA) {
        low[0] = unicode_final_sigma(text, len, i, n) ? 0x3C2 : 0x3C3;
        k = 1;
    } else {
        k = unicode_lower(cp, low);
    }
    if (k == 1 && low[0] == cp)
        return ac_feed(ac, run, p, n) ? n : 0;
    unsigned char enc[12];
    size_t m = 0;
    for (size_t j = 0; j < k; j++)
        m += unicode_utf8_encode(low[j], enc + m);
    return ac_feed(ac, run, enc, m) ? n : 0;
}

/* Streams text[from..to) (to at a code point boundary), lower-casing as Python does;
 * the whole text is the context of a final sigma. Returns false once category 0 matched.
 * The ASCII loop is the hot path: one dependent table load per byte, with the state
 * and the table in registers. */
static bool ac_scan_range(const struct ac *ac, struct ac_run *run, const char *text, size_t len,
                          size_t from, size_t to)
{
    const unsigned char *p = (const unsigned char *)text;
    const uint32_t *delta = ac->delta;
    const size_t accept = ac->accept_off;
    size_t s = run->s;
    size_t i = from;
    const uint8_t *raw = ac->raw;
    while (i < to) {
        unsigned c = p[i];
        if (__builtin_expect(raw[c], 1)) {
            s = delta[s + c];
            i++;
            if (__builtin_expect(s >= accept, 0) && ac->out[s >> 8] < run->best) {
                run->best = ac->out[s >> 8];
                if (!run->best)
                    break;
            }
            continue;
        }
        run->s = s;
        size_t n = ac_feed_other(ac, run, text, len, i);
        if (!n)
            return false;
        s = run->s;
        i += n;
    }
    run->s = s;
    return run->best != 0;
}

/* Texts at least this long are scanned as two interleaved halves. */
#define AC_SPLIT_MIN 32

/* Notes the category of accepting state `state`; false once category 0 matched. */
static inline bool ac_accept(const struct ac *ac, size_t state, int32_t *best)
{
    if (ac->out[state >> 8] < *best)
        *best = ac->out[state >> 8];
    return *best != 0;
}

/*
 * One text, scanned as two halves at once: a single scan is a chain of dependent table
 * loads, two independent chains run in the time of one. The first half continues the
 * running state up to the middle; the second starts from the root max_len code points
 * before the middle (each code point lowers to at least one byte, so it knows the true
 * state by the middle) and runs to the end, leaving the state the next text continues
 * from. Every match either half reports is a real one, and every match is seen by one
 * of them, so the lowest category is the same as one scan's.
 */
static bool ac_scan_text(const struct ac *ac, struct ac_run *run, const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t mid = len / 2;
    while (mid < len && (p[mid] & 0xC0) == 0x80)
        mid++;
    size_t start = mid, back = 0;
    while (start > 0 && back < ac->max_len) {
        start--;
        back += (p[start] & 0xC0) != 0x80;
    }
    if (len < AC_SPLIT_MIN || back < ac->max_len)   /* too short to pay, or to overlap */
        return ac_scan_range(ac, run, text, len, 0, len);

    /* The two states stay in locals (never address-taken) so the loop keeps them in
     * registers; the slow paths go through the ac_run copies. */
    const uint32_t *delta = ac->delta;
    const size_t accept = ac->accept_off;
    const uint8_t *raw = ac->raw;
    struct ac_run a = *run, b = { 0, run->best };
    size_t sa = a.s, sb = 0;
    size_t i = 0, j = start;
    while (i < mid && j < len) {
        unsigned ca = p[i], cb = p[j];
        if (__builtin_expect(raw[ca] & raw[cb], 1)) {
            sa = delta[sa + ca];
            sb = delta[sb + cb];
            i++;
            j++;
            if (__builtin_expect(sa >= accept, 0) && !ac_accept(ac, sa, &a.best))
                goto first_category;
            if (__builtin_expect(sb >= accept, 0) && !ac_accept(ac, sb, &b.best))
                goto first_category;
            continue;
        }
        if (!raw[ca]) {
            a.s = sa;
            size_t n = ac_feed_other(ac, &a, text, len, i);
            if (!n)
                goto first_category;
            sa = a.s;
            i += n;
        }
        if (!raw[cb]) {
            b.s = sb;
            size_t n = ac_feed_other(ac, &b, text, len, j);
            if (!n)
                goto first_category;
            sb = b.s;
            j += n;
        }
    }
    a.s = sa;
    b.s = sb;
    if (!ac_scan_range(ac, &a, text, len, i, mid) || !ac_scan_range(ac, &b, text, len, j, len))
        goto first_category;
    run->s = b.s;
    run->best = a.best < b.best ? a.best : b.best;
    return run->best != 0;
first_category:   /* category 0 matched: nothing can beat it */
    run->best = 0;
    return false;
}

/*
 * One text with the prefilter (run/classify_scan.h): the DFA runs from the root at each
 * candidate position until it is back at the root, and the bytes between are skipped.
 * That is exact: every match starts at a candidate, and at the root no match is in
 * progress, so a skipped byte cannot be part of one. At a lead whose lower case may
 * differ, the run starts two bytes early (never before the bytes already answered): a
 * match may begin there and go on in the lowered bytes the filter could not see. Starting
 * from the root anywhere only finds real matches, and a lone continuation byte leaves the
 * root alone, since the keywords are UTF-8. A run may go on past the text's end into the
 * joining space and the next text, as the one scan did. filters[k] has the keywords of the
 * categories before k, the last one all of them. Where the candidates are dense,
 * the rest of the text goes to the plain scan, which is then faster.
 */
static size_t ac_run_to_root(const struct ac *ac, struct ac_run *run, const char *text,
                             size_t len, size_t i, size_t past);

static bool ac_scan_filtered(const struct ac *ac, const struct kw_filter *filters,
                             size_t n_filters, struct ac_run *run, const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t i = 0, runs = 0;
    if (run->s) {   /* a match may be in progress from the text before */
        i = ac_run_to_root(ac, run, text, len, 0, 0);
        if (i == SIZE_MAX)
            return false;
    }
    size_t answered = i;   /* no match starts before it that is not found yet */
    while (i < len) {
        /* Once a category matched, only the keywords of earlier ones can change the
         * answer: fewer beginnings, fewer candidates. */
        size_t best = (size_t)run->best;
        const struct kw_filter *f = &filters[best < n_filters ? best : n_filters - 1];
        size_t c = f->next(f, p, len, i);
        if (c >= len)
            break;
        size_t from = c;
        if (!ac->raw[p[c]]) {
            if (ac_lead_changes(ac, p, len, c))
                from = c - answered >= KW_FILTER_WIDTH - 1 ? c - (KW_FILTER_WIDTH - 1) : answered;
            else if (!kw_filter_begins(f, p, len, c)) {   /* é, ü, an emoji: as raw bytes */
                i = c + 1;
                continue;
            }
        }
        i = ac_run_to_root(ac, run, text, len, from, c);
        if (i == SIZE_MAX)
            return false;
        answered = i;
        if (++runs >= 64 && runs * 8 > i)   /* a run per 8 bytes: the filter does not pay */
            return ac_scan_range(ac, run, text, len, i, len);
    }
    return run->best != 0;
}

/* Steps the DFA from text[i] until it is back at the root after text[past] or the text
 * ends. Returns where it stopped, SIZE_MAX once category 0 matched. */
static size_t ac_run_to_root(const struct ac *ac, struct ac_run *run, const char *text,
                             size_t len, size_t i, size_t past)
{
    const unsigned char *p = (const unsigned char *)text;
    const uint32_t *delta = ac->delta;
    size_t s = run->s;
    while (i < len) {
        unsigned c = p[i];
        if (__builtin_expect(ac->raw[c], 1) || !ac_lead_changes(ac, p, len, i)) {
            s = delta[s + c];
            i++;
            if (__builtin_expect(s >= ac->accept_off, 0) && !ac_accept(ac, s, &run->best))
                return SIZE_MAX;
        } else {
            run->s = s;
            size_t n = ac_feed_other(ac, run, text, len, i);
            if (!n)
                return SIZE_MAX;
            s = run->s;
            i += n;
        }
        if (!s && i > past)
            break;
    }
    run->s = s;
    return i;
}

/* ---- classifier ---------------------------------------------------------------------- */

struct classifier {
    const struct spec *spec;
    size_t n_categories;
    bool by_field;
    struct ac ac;
    bool have_ac;
    /* The prefilter, else the plain scan: filters[k] (k >= 1) knows the keywords of the
     * categories before k, the last one all of them (NULL when there is none). */
    struct kw_filter *filters;
    size_t n_filters;
    int32_t empty_category;       /* lowest category with an empty keyword; INT32_MAX none */
};

/* More categories than this and only the filter of all keywords is built. */
#define FILTERS_MAX 32

static void build_filters(struct classifier *c, const struct ac_keyword *kw,
                          const struct kw_first *firsts, size_t n_kw)
{
    size_t n = c->n_categories < FILTERS_MAX ? c->n_categories + 1 : 1;
    c->filters = xcalloc(n, sizeof(*c->filters));
    /* firsts[] follow the categories in order: those before k are a prefix. */
    for (size_t k = 0; k < n; k++) {
        size_t before = k == n - 1 ? c->n_categories : k;
        size_t m = 0;
        while (m < n_kw && (size_t)kw[m].category < before)
            m++;
        if (!kw_filter_init(&c->filters[k], firsts, m)) {
            free(c->filters);   /* too many keywords: the last (all) would fail too */
            c->filters = NULL;
            return;
        }
    }
    c->n_filters = n;
}

struct classifier *classify_new(const struct spec *spec)
{
    struct classifier *c = xcalloc(1, sizeof(*c));
    c->spec = spec;
    c->n_categories = spec->gates.coverage.n_categories;
    c->by_field = spec->gates.coverage.by == COVERAGE_FIELD;
    c->empty_category = INT32_MAX;
    if (c->by_field)
        return c;

    /* Lower-case every keyword once, as Python's keyword.lower(). */
    struct buf lowered = BUF_INIT;
    struct ac_keyword *kw = NULL;
    size_t n_kw = 0, alloc_kw = 0;
    size_t *offsets = NULL, alloc_off = 0;
    for (size_t i = 0; i < c->n_categories; i++) {
        const struct spec_category *cat = &spec->gates.coverage.categories[i];
        for (size_t j = 0; j < cat->n_keywords; j++) {
            const char *k = cat->keywords[j];
            size_t start = lowered.len;
            unicode_lower_utf8(&lowered, k, strlen(k));
            if (lowered.len == start) {
                if ((int32_t)i < c->empty_category)
                    c->empty_category = (int32_t)i;
                continue;
            }
            ALLOC_GROW(kw, n_kw + 1, alloc_kw);
            ALLOC_GROW(offsets, n_kw + 1, alloc_off);
            offsets[n_kw] = start;
            kw[n_kw].len = lowered.len - start;
            kw[n_kw].category = (int32_t)i;
            n_kw++;
        }
    }
    for (size_t i = 0; i < n_kw; i++)   /* the buffer may have moved while growing */
        kw[i].bytes = (const unsigned char *)lowered.ptr + offsets[i];
    if (n_kw) {
        ac_build(&c->ac, kw, n_kw);
        c->have_ac = true;
        /* The filter's runs may start inside a code point: that needs UTF-8 keywords. */
        struct kw_first *firsts = xmalloc(n_kw * sizeof(*firsts));
        bool valid = true;
        for (size_t i = 0; i < n_kw; i++) {
            valid &= utf8_valid((const char *)kw[i].bytes, kw[i].len);
            firsts[i].len = kw[i].len < KW_FILTER_WIDTH ? kw[i].len : KW_FILTER_WIDTH;
            memcpy(firsts[i].b, kw[i].bytes, firsts[i].len);
        }
        if (valid)
            build_filters(c, kw, firsts, n_kw);
        free(firsts);
    }
    free(offsets);
    free(kw);
    buf_release(&lowered);
    return c;
}

static size_t match_keywords(const struct classifier *c, const struct example *ex, bool filter)
{
    struct ac_run run = { 0, c->empty_category };
    if (run.best == 0 || !c->have_ac)
        return run.best == INT32_MAX ? c->n_categories : (size_t)run.best;
    bool first = true;
    static const unsigned char space = ' ';
    for (size_t i = 0; i < ex->n_turns; i++) {
        const struct turn *t = &ex->turns[i];
        if (!t->text)
            continue;
        if (!first && !ac_feed(&c->ac, &run, &space, 1))
            return 0;
        first = false;
        if (filter ? !ac_scan_filtered(&c->ac, c->filters, c->n_filters, &run, t->text,
                                       t->text_len)
                   : !ac_scan_text(&c->ac, &run, t->text, t->text_len))
            return 0;
    }
    return run.best == INT32_MAX ? c->n_categories : (size_t)run.best;
}

static size_t match_field(const struct classifier *c, const struct example *ex)
{
    if (!ex->label)
        return c->n_categories;
    for (size_t i = 0; i < c->n_categories; i++) {
        const char *name = c->spec->gates.coverage.categories[i].name;
        if (strlen(name) == ex->label_len && !memcmp(name, ex->label, ex->label_len))
            return i;
    }
    return c->n_categories;
}

size_t classify_example(const struct classifier *c, const struct example *ex)
{
    if (ex->known_category)   /* the run classified it already, by the same spec's rules */
        return ex->known_category - 1;
    return c->by_field ? match_field(c, ex) : match_keywords(c, ex, c->filters != NULL);
}

size_t classify_example_plain(const struct classifier *c, const struct example *ex)
{
    if (ex->known_category)
        return ex->known_category - 1;
    return c->by_field ? match_field(c, ex) : match_keywords(c, ex, false);
}

bool classify_use_filter_variant(struct classifier *c, size_t index)
{
    if (!c->filters)
        return false;
    for (size_t k = 0; k < c->n_filters; k++)
        kw_filter_use_variant(&c->filters[k], index);
    return true;
}

void classify_free(struct classifier *c)
{
    if (!c)
        return;
    ac_release(&c->ac);
    free(c->filters);
    free(c);
}
