/*
 * The count path shared by every format: clean the text (invalid UTF-8 -> U+FFFD, NFC
 * when the file says so), split it with the pre-tokenizer pattern, and merge each piece
 * (tokens/bpe.c). Most pieces of real text are common words: a per-thread cache of
 * short pieces' tokens skips both the lookup and the merge for them.
 */
#include "tokens/tokenizer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "tokens/bpe.h"
#include "tokens/tokenizer_impl.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#define CACHE_SLOTS 16384       /* a power of two */
#define CACHE_PIECE_MAX 30      /* bytes; longer pieces are rare and merged each time */
#define CACHE_IDS_MAX 7

struct cache_slot {
    uint8_t len;                /* 0: empty */
    uint8_t n_ids;              /* tokens of the piece; ids kept when <= CACHE_IDS_MAX */
    char bytes[CACHE_PIECE_MAX];
    uint32_t ids[CACHE_IDS_MAX];
};

struct tokenizer_scratch {
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit_stack;
    struct bpe_work work;
    struct buf clean, prefixed;
    struct cache_slot *cache;
};

int tokenizer_check_bytes(struct tokenizer *t, const char *name)
{
    for (int b = 0; b < 256; b++) {
        char c = (char)b;
        t->byte_id[b] = vocab_find(&t->vocab, &c, 1);
        if (t->byte_id[b] == VOCAB_NONE)
            return err_set(DSCI_EUSAGE, "%s: byte 0x%02X is not a token: only byte-level BPE "
                           "vocabularies (every byte a token) are supported", name, b);
    }
    return 0;
}

static bool looks_like_json(const char *data, size_t len)
{
    size_t i = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r'))
        i++;
    return i < len && data[i] == '{';
}

static int finish_load(struct tokenizer **out, struct tokenizer *t, int rc)
{
    if (rc < 0) {
        tokenizer_free(t);
        *out = NULL;
        return rc;
    }
    *out = t;
    return 0;
}

int tokenizer_load(struct tokenizer **out, const char *name, const char *data, size_t len)
{
    if (!looks_like_json(data, len))
        return tokenizer_load_tiktoken(out, name, NULL, data, len);
    struct tokenizer *t = xcalloc(1, sizeof *t);
    return finish_load(out, t, hf_json_load(t, name, data, len));
}

int tokenizer_load_tiktoken(struct tokenizer **out, const char *name, const char *encoding,
                            const char *data, size_t len)
{
    struct tokenizer *t = xcalloc(1, sizeof *t);
    return finish_load(out, t, tiktoken_load(t, name, encoding, data, len));
}

int tokenizer_load_path(struct tokenizer **out, const char *path, const char *encoding)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return err_set(errno == ENOENT ? DSCI_EUSAGE : DSCI_EENV, "%s: %s", path,
                       errno == ENOENT ? "no such file" : strerror(errno));
    struct buf b = BUF_INIT;
    char chunk[1 << 16];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_add(&b, chunk, n);
    bool failed = ferror(f);
    fclose(f);
    int rc;
    if (failed)
        rc = err_set(DSCI_EENV, "%s: read error", path);
    else if (encoding)
        rc = tokenizer_load_tiktoken(out, path, encoding, b.ptr ? b.ptr : "", b.len);
    else
        rc = tokenizer_load(out, path, b.ptr ? b.ptr : "", b.len);
    buf_release(&b);
    return rc;
}

struct tokenizer_scratch *tokenizer_scratch_new(const struct tokenizer *t)
{
    struct tokenizer_scratch *s = xcalloc(1, sizeof *s);
    s->md = pcre2_match_data_create(4, NULL);
    s->mctx = pcre2_match_context_create(NULL);
    /* Possessive patterns barely backtrack, but a lookahead over a run of a million
     * spaces still wants more than the default 32 KiB of JIT stack. */
    s->jit_stack = pcre2_jit_stack_create(32 << 10, 8 << 20, NULL);
    if (!s->md || !s->mctx)
        xalloc_die("out of memory");
    if (s->jit_stack)
        pcre2_jit_stack_assign(s->mctx, NULL, s->jit_stack);
    s->clean = (struct buf)BUF_INIT;
    s->prefixed = (struct buf)BUF_INIT;
    s->cache = xcalloc(CACHE_SLOTS, sizeof *s->cache);
    return s;
}

void tokenizer_scratch_free(struct tokenizer_scratch *s)
{
    if (!s)
        return;
    pcre2_match_data_free(s->md);
    pcre2_match_context_free(s->mctx);
    pcre2_jit_stack_free(s->jit_stack);
    bpe_work_free(&s->work);
    buf_release(&s->clean);
    buf_release(&s->prefixed);
    free(s->cache);
    free(s);
}

/* Tokens of one piece; their ids go to ids[at..cap). */
static size_t piece_tokens(const struct tokenizer *t, struct tokenizer_scratch *s,
                           const char *p, size_t n, uint32_t *ids, size_t at, size_t cap)
{
    if (n == 1) {
        if (ids && at < cap)
            ids[at] = t->byte_id[(unsigned char)p[0]];
        return 1;
    }
    struct cache_slot *slot = NULL;
    if (n <= CACHE_PIECE_MAX) {
        slot = &s->cache[tok_hash_bytes(p, n) & (CACHE_SLOTS - 1)];
        if (slot->len == n && memcmp(slot->bytes, p, n) == 0 &&
            (!ids || slot->n_ids <= CACHE_IDS_MAX)) {
            for (size_t i = 0; ids && i < slot->n_ids && at + i < cap; i++)
                ids[at + i] = slot->ids[i];
            return slot->n_ids;
        }
    }
    const uint32_t *out;
    size_t k;
    uint32_t whole = t->whole_piece_lookup ? vocab_find(&t->vocab, p, n) : VOCAB_NONE;
    if (whole != VOCAB_NONE) {
        out = &whole;
        k = 1;
    } else {
        k = bpe_merge(&t->pairs, t->byte_id, (const unsigned char *)p, n, &s->work);
        out = s->work.ids;
    }
    for (size_t i = 0; ids && i < k && at + i < cap; i++)
        ids[at + i] = out[i];
    if (slot) {
        slot->len = (uint8_t)n;
        memcpy(slot->bytes, p, n);
        slot->n_ids = (uint8_t)(k < 255 ? k : 255);
        if (k <= CACHE_IDS_MAX)
            memcpy(slot->ids, out, k * sizeof *out);
        if (k >= 255)
            slot->len = 0;   /* the count does not fit: not cached */
    }
    return k;
}

/* The text as the references see it: each maximal invalid UTF-8 subsequence one U+FFFD. */
static const char *clean_utf8(struct buf *b, const char *text, size_t *len)
{
    size_t bad_at = utf8_invalid_at((const unsigned char *)text, *len);
    if (bad_at == *len)
        return text;
    buf_reset(b);
    buf_add(b, text, bad_at);
    const unsigned char *p = (const unsigned char *)text + bad_at, *end = (const unsigned char *)text + *len;
    while (p < end) {
        size_t bad, n = *p < 0x80 ? 1 : utf8_sequence(p, (size_t)(end - p), &bad);
        if (n) {
            buf_add(b, p, n);
            p += n;
        } else {
            buf_add(b, "\xEF\xBF\xBD", 3);
            p += bad;
        }
    }
    *len = b->len;
    return b->ptr;
}

/* Below U+0300 nothing composes: such text is its own NFC. */
static bool may_change_under_nfc(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)text[i] >= 0xCC)
            return true;
    }
    return false;
}

size_t tokenizer_encode(const struct tokenizer *t, struct tokenizer_scratch *s,
                        const char *text, size_t len, uint32_t *ids, size_t cap)
{
    if (!len)
        return 0;
    text = clean_utf8(&s->clean, text, &len);
    utf8proc_uint8_t *nfc = NULL;
    if (t->nfc && may_change_under_nfc(text, len)) {
        utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)text, (utf8proc_ssize_t)len, &nfc,
                                          UTF8PROC_STABLE | UTF8PROC_COMPOSE);
        if (n >= 0) {
            text = (const char *)nfc;
            len = (size_t)n;
        } else {
            nfc = NULL;   /* cannot happen on valid UTF-8; counted unnormalized */
        }
    }
    if (t->add_prefix_space && text[0] != ' ') {
        buf_reset(&s->prefixed);
        buf_addch(&s->prefixed, ' ');
        buf_add(&s->prefixed, text, len);
        text = s->prefixed.ptr;
        len = s->prefixed.len;
    }
    size_t count = 0, at = 0;
    while (at < len) {
        int rc = pcre2_match(t->re, (PCRE2_SPTR)text, len, at, PCRE2_NO_UTF_CHECK, s->md, s->mctx);
        size_t start = len, end = len;
        if (rc >= 0) {
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
            start = ov[0], end = ov[1];
        }
        if (start > at && t->keep_gaps)
            count += piece_tokens(t, s, text + at, start - at, ids, count, cap);
        if (rc < 0)
            break;
        if (end == start) {   /* an empty match: step over one character */
            end = start + 1;
            while (end < len && ((unsigned char)text[end] & 0xC0) == 0x80)
                end++;
            if (t->keep_gaps)
                count += piece_tokens(t, s, text + start, end - start, ids, count, cap);
        } else {
            count += piece_tokens(t, s, text + start, end - start, ids, count, cap);
        }
        at = end;
    }
    free(nfc);
    return count;
}

uint64_t tokenizer_count(const struct tokenizer *t, struct tokenizer_scratch *s,
                         const char *text, size_t len)
{
    return tokenizer_encode(t, s, text, len, NULL, 0);
}

const char *tokenizer_kind(const struct tokenizer *t)
{
    return t->kind;
}

void tokenizer_free(struct tokenizer *t)
{
    if (!t)
        return;
    vocab_free(&t->vocab);
    pair_table_free(&t->pairs);
    pcre2_code_free(t->re);
    free(t);
}
