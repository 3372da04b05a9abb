/*
 * A .tiktoken rank file: one "BASE64 RANK" line per token, the rank being the token id
 * and the merge priority at once. The file holds no pre-tokenizer, so the encoding's
 * name picks the pattern OpenAI publishes for it (written here from the documented
 * patterns; cl100k's in its possessive form, which matches the same pieces).
 */
#include <stdio.h>
#include <string.h>

#include "tokens/tokenizer_impl.h"
#include "util/err.h"
#include "util/xalloc.h"

struct encoding {
    const char *name;
    const char *pattern;
    uint32_t n_ranks;      /* ranks the published file has, to guess an unnamed file */
};

#define CONTRACTIONS "(?i:'s|'t|'re|'ve|'m|'ll|'d)"

static const struct encoding encodings[] = {
    { "cl100k_base",
      "'(?i:[sdmt]|ll|ve|re)|[^\\r\\n\\p{L}\\p{N}]?+\\p{L}++|\\p{N}{1,3}+"
      "| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*+|\\s++$|\\s*[\\r\\n]|\\s+(?!\\S)|\\s",
      100256 },
    { "o200k_base",
      "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+" CONTRACTIONS "?"
      "|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*" CONTRACTIONS "?"
      "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
      199998 },
    { "p50k_base",
      "'(?:[sdmt]|ll|ve|re)| ?\\p{L}++| ?\\p{N}++| ?[^\\s\\p{L}\\p{N}]++|\\s++$|\\s+(?!\\S)|\\s",
      50280 },
    { "r50k_base",
      "'(?:[sdmt]|ll|ve|re)| ?\\p{L}++| ?\\p{N}++| ?[^\\s\\p{L}\\p{N}]++|\\s++$|\\s+(?!\\S)|\\s",
      50256 },
};
#define N_ENCODINGS (sizeof encodings / sizeof encodings[0])

static const struct encoding *encoding_named(const char *name)
{
    for (size_t i = 0; i < N_ENCODINGS; i++) {
        if (strcmp(encodings[i].name, name) == 0)
            return &encodings[i];
    }
    if (strcmp(name, "gpt2") == 0)
        return encoding_named("r50k_base");
    return NULL;
}

static const struct encoding *encoding_from_path(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    static const char *const hints[][2] = {
        { "cl100k", "cl100k_base" }, { "o200k", "o200k_base" }, { "p50k", "p50k_base" },
        { "r50k", "r50k_base" }, { "gpt2", "r50k_base" },
    };
    for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++) {
        if (strstr(base, hints[i][0]))
            return encoding_named(hints[i][1]);
    }
    return NULL;
}

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* Standard base64 with padding; the length decoded, or -1. */
static long b64_decode(const char *in, size_t n, char *out)
{
    if (n == 0 || n % 4)
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 4) {
        int v[4];
        for (int k = 0; k < 4; k++) {
            unsigned char c = (unsigned char)in[i + k];
            v[k] = c == '=' && i + 4 == n && k >= 2 ? 0 : b64_value(c);
            if (v[k] < 0)
                return -1;
        }
        uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        out[o++] = (char)(w >> 16);
        if (in[i + 2] != '=')
            out[o++] = (char)(w >> 8);
        if (in[i + 3] != '=')
            out[o++] = (char)w;
    }
    return (long)o;
}

/* Every token of two or more bytes is the merge of each split of it into two tokens. */
static void build_merges(struct tokenizer *t)
{
    struct vocab *v = &t->vocab;
    pair_table_init(&t->pairs, v->n * 4);
    for (uint32_t id = 0; id < v->n_ids; id++) {
        uint32_t len = v->id_len[id];
        if (len == UINT32_MAX || len < 2)
            continue;
        const char *bytes = v->blob + v->id_off[id];
        for (uint32_t k = 1; k < len; k++) {
            uint32_t a = vocab_find(v, bytes, k);
            if (a == VOCAB_NONE)
                continue;
            uint32_t b = vocab_find(v, bytes + k, len - k);
            if (b != VOCAB_NONE)
                pair_table_add(&t->pairs, a, b, id, id);
        }
    }
}

int tiktoken_load(struct tokenizer *t, const char *name, const char *encoding,
                  const char *data, size_t len)
{
    const struct encoding *enc = NULL;
    if (encoding) {
        enc = encoding_named(encoding);
        if (!enc)
            return err_set(DSCI_EUSAGE, "%s: unknown encoding '%s' (cl100k_base, o200k_base, "
                           "p50k_base, r50k_base)", name, encoding);
    }
    vocab_init(&t->vocab, len / 12 + 16);
    size_t line = 0;
    char token[512];
    for (size_t at = 0; at < len;) {
        const char *p = data + at, *nl = memchr(p, '\n', len - at);
        size_t n = nl ? (size_t)(nl - p) : len - at;
        at += n + 1;
        line++;
        if (n && p[n - 1] == '\r')
            n--;
        if (n == 0)
            continue;
        const char *sp = memchr(p, ' ', n);
        if (!sp || sp == p || (size_t)(sp - p) > 4 * sizeof token / 3 || sp + 1 == p + n)
            return err_set(DSCI_EUSAGE, "%s:%zu: not a .tiktoken rank line (BASE64 RANK) nor a "
                           "tokenizer.json", name, line);
        long k = b64_decode(p, (size_t)(sp - p), token);
        uint64_t rank = 0;
        const char *r = sp + 1;
        for (; r < p + n && *r >= '0' && *r <= '9' && rank < UINT32_MAX; r++)
            rank = rank * 10 + (uint64_t)(*r - '0');
        if (k <= 0 || r != p + n || rank >= UINT32_MAX - 1)
            return err_set(DSCI_EUSAGE, "%s:%zu: not a .tiktoken rank line (BASE64 RANK)", name, line);
        if (!vocab_add(&t->vocab, token, (size_t)k, (uint32_t)rank))
            return err_set(DSCI_EUSAGE, "%s:%zu: token or rank %llu given twice", name, line,
                           (unsigned long long)rank);
    }
    if (!enc)
        enc = encoding_from_path(name);
    for (size_t i = 0; !enc && i < N_ENCODINGS; i++) {
        if (encodings[i].n_ranks == t->vocab.n)
            enc = &encodings[i];
    }
    if (!enc)
        return err_set(DSCI_EUSAGE, "%s: which encoding's pre-tokenizer to use is not known from "
                       "the file name or size: name it (cl100k_base, o200k_base, p50k_base, "
                       "r50k_base)", name);
    int rc = tokenizer_check_bytes(t, name);
    if (rc < 0)
        return rc;
    build_merges(t);
    t->whole_piece_lookup = true;
    snprintf(t->kind, sizeof t->kind, "tiktoken %s", enc->name);
    return pretok_compile(t, name, enc->pattern);
}
