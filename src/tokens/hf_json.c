/*
 * A Hugging Face tokenizer.json with a byte-level BPE model: GPT-2, Llama 3, Qwen 2
 * style. What it takes is what those files use, and everything else is refused by name,
 * because counting with a part left out would be wrong without saying so:
 *   normalizer     null, NFC (alone or in a Sequence)
 *   pre_tokenizer  ByteLevel (its GPT-2 regex when use_regex), or a Sequence of a Split
 *                  (Regex pattern, behavior Isolated, not inverted) and a ByteLevel
 *                  without its regex
 *   model          BPE over byte-level tokens, merges as "a b" or ["a", "b"],
 *                  ignore_merges honoured; no dropout, byte fallback, subword affixes
 * Added tokens are not looked for in the text: their strings count as text, the way
 * tiktoken's encode_ordinary counts them (tokenizer.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tokens/json_tree.h"
#include "tokens/tokenizer_impl.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#define GPT2_PATTERN "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+"

/* GPT-2's byte-level alphabet: each byte is one printable code point, the printable
 * Latin-1 bytes themselves and the rest 256, 257, ... in byte order. */
static void byte_level_alphabet(int32_t byte_of_cp[324])
{
    for (int i = 0; i < 324; i++)
        byte_of_cp[i] = -1;
    int next = 256;
    for (int b = 0; b < 256; b++) {
        bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
        byte_of_cp[printable ? b : next++] = b;
    }
}

/* The bytes a byte-level token string stands for; false when it is not one. */
static bool byte_level_decode(const int32_t byte_of_cp[324], const char *s, size_t len, struct buf *out)
{
    buf_reset(out);
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        uint32_t cp;
        size_t n = utf8_decode(p, (size_t)(end - p), &cp);
        if (!n || cp >= 324 || byte_of_cp[cp] < 0)
            return false;
        buf_addch(out, (char)byte_of_cp[cp]);
        p += n;
    }
    return true;
}

static yajl_val member(yajl_val obj, const char *key)
{
    if (!YAJL_IS_OBJECT(obj))
        return NULL;
    for (size_t i = 0; i < obj->u.object.len; i++) {
        if (strcmp(obj->u.object.keys[i], key) == 0)
            return obj->u.object.values[i];
    }
    return NULL;
}

static const char *type_of(yajl_val obj)
{
    const char *t = YAJL_GET_STRING(member(obj, "type"));
    return t ? t : "(no type)";
}

static bool is_true(yajl_val v) { return YAJL_IS_TRUE(v); }

/* Absent, null, false, 0 or "": the option is off. */
static bool is_off(yajl_val v)
{
    return !v || YAJL_IS_NULL(v) || YAJL_IS_FALSE(v) ||
           (YAJL_IS_NUMBER(v) && v->u.number.d == 0) ||
           (YAJL_IS_STRING(v) && !*YAJL_GET_STRING(v));
}

static int unsupported(const char *name, const char *what)
{
    return err_set(DSCI_EUSAGE, "%s: %s is not supported (dsci counts byte-level BPE "
                   "tokenizers: GPT-2, Llama 3, Qwen 2 style; see docs/tokens.md)", name, what);
}

static int load_normalizer(struct tokenizer *t, const char *name, yajl_val n)
{
    if (!n || YAJL_IS_NULL(n))
        return 0;
    const char *type = type_of(n);
    if (strcmp(type, "NFC") == 0) {
        t->nfc = true;
        return 0;
    }
    if (strcmp(type, "Sequence") == 0) {
        yajl_val list = member(n, "normalizers");
        for (size_t i = 0; YAJL_IS_ARRAY(list) && i < list->u.array.len; i++) {
            int rc = load_normalizer(t, name, list->u.array.values[i]);
            if (rc < 0)
                return rc;
        }
        return 0;
    }
    char what[96];
    snprintf(what, sizeof what, "the normalizer %.40s", type);
    return unsupported(name, what);
}

static int load_byte_level(struct tokenizer *t, const char *name, yajl_val p, const char **pattern,
                           bool alone)
{
    yajl_val use_regex = member(p, "use_regex");
    bool regex = !use_regex || is_true(use_regex);   /* Hugging Face's default: true */
    if (regex && !alone)
        return unsupported(name, "a ByteLevel pre-tokenizer with use_regex after a Split");
    if (regex)
        *pattern = GPT2_PATTERN;
    if (is_true(member(p, "add_prefix_space"))) {
        if (!alone)
            return unsupported(name, "a ByteLevel pre-tokenizer with add_prefix_space after a Split");
        t->add_prefix_space = true;
    }
    return 0;
}

static int load_pre_tokenizer(struct tokenizer *t, const char *name, yajl_val p, const char **pattern)
{
    const char *type = type_of(p);
    if (!YAJL_IS_OBJECT(p))
        return unsupported(name, "a tokenizer without a ByteLevel pre-tokenizer");
    if (strcmp(type, "ByteLevel") == 0)
        return load_byte_level(t, name, p, pattern, true);
    yajl_val list = member(p, "pretokenizers");
    if (strcmp(type, "Sequence") != 0 || !YAJL_IS_ARRAY(list) || list->u.array.len != 2 ||
        strcmp(type_of(list->u.array.values[0]), "Split") != 0 ||
        strcmp(type_of(list->u.array.values[1]), "ByteLevel") != 0) {
        char what[96];
        snprintf(what, sizeof what, "the pre-tokenizer %.40s (other than Split + ByteLevel)", type);
        return unsupported(name, what);
    }
    yajl_val split = list->u.array.values[0];
    const char *behavior = YAJL_GET_STRING(member(split, "behavior"));
    const char *regex = YAJL_GET_STRING(member(member(split, "pattern"), "Regex"));
    if (!regex)
        return unsupported(name, "a Split pre-tokenizer without a Regex pattern");
    if (!behavior || strcmp(behavior, "Isolated") != 0 || !is_off(member(split, "invert")))
        return unsupported(name, "a Split pre-tokenizer other than behavior Isolated, not inverted");
    *pattern = regex;
    t->keep_gaps = true;
    return load_byte_level(t, name, list->u.array.values[1], pattern, false);
}

static int load_vocab(struct tokenizer *t, const char *name, yajl_val vocab, const int32_t *alphabet)
{
    if (!YAJL_IS_OBJECT(vocab))
        return err_set(DSCI_EUSAGE, "%s: model.vocab is not an object", name);
    vocab_init(&t->vocab, vocab->u.object.len);
    struct buf bytes = BUF_INIT;
    int rc = 0;
    for (size_t i = 0; i < vocab->u.object.len && rc == 0; i++) {
        const char *key = vocab->u.object.keys[i];
        yajl_val id = vocab->u.object.values[i];
        if (!YAJL_IS_INTEGER(id) || YAJL_GET_INTEGER(id) < 0 || YAJL_GET_INTEGER(id) >= UINT32_MAX - 1)
            rc = err_set(DSCI_EUSAGE, "%s: model.vocab: the id of '%.40s' is not a token id", name, key);
        /* A token that is not byte-level text never comes out of byte-level merges. */
        else if (byte_level_decode(alphabet, key, strlen(key), &bytes) &&
                 !vocab_add(&t->vocab, bytes.ptr, bytes.len, (uint32_t)YAJL_GET_INTEGER(id)))
            rc = err_set(DSCI_EUSAGE, "%s: model.vocab: '%.40s' or its id is there twice", name, key);
    }
    buf_release(&bytes);
    return rc;
}

static uint32_t find_token(const struct tokenizer *t, const int32_t *alphabet, const char *s, size_t len,
                           struct buf *scratch)
{
    if (!byte_level_decode(alphabet, s, len, scratch))
        return VOCAB_NONE;
    return vocab_find(&t->vocab, scratch->ptr ? scratch->ptr : "", scratch->len);
}

static int load_merges(struct tokenizer *t, const char *name, yajl_val merges, const int32_t *alphabet)
{
    if (!YAJL_IS_ARRAY(merges))
        return err_set(DSCI_EUSAGE, "%s: model.merges is not a list", name);
    pair_table_init(&t->pairs, merges->u.array.len);
    struct buf both = BUF_INIT, scratch = BUF_INIT;
    int rc = 0;
    for (size_t rank = 0; rank < merges->u.array.len && rc == 0; rank++) {
        yajl_val m = merges->u.array.values[rank];
        const char *left, *right;
        size_t left_len, right_len;
        if (YAJL_IS_STRING(m)) {
            const char *s = YAJL_GET_STRING(m), *sp = strchr(s, ' ');
            if (!sp || strchr(sp + 1, ' ')) {
                rc = err_set(DSCI_EUSAGE, "%s: model.merges[%zu] is not \"A B\"", name, rank);
                break;
            }
            left = s, left_len = (size_t)(sp - s), right = sp + 1, right_len = strlen(sp + 1);
        } else if (YAJL_IS_ARRAY(m) && m->u.array.len == 2 && YAJL_IS_STRING(m->u.array.values[0]) &&
                   YAJL_IS_STRING(m->u.array.values[1])) {
            left = YAJL_GET_STRING(m->u.array.values[0]), left_len = strlen(left);
            right = YAJL_GET_STRING(m->u.array.values[1]), right_len = strlen(right);
        } else {
            rc = err_set(DSCI_EUSAGE, "%s: model.merges[%zu] is neither \"A B\" nor [\"A\", \"B\"]", name, rank);
            break;
        }
        uint32_t l = find_token(t, alphabet, left, left_len, &scratch);
        uint32_t r = find_token(t, alphabet, right, right_len, &scratch);
        buf_reset(&both);
        buf_add(&both, left, left_len);
        buf_add(&both, right, right_len);
        uint32_t merged = find_token(t, alphabet, both.ptr, both.len, &scratch);
        /* A merge whose parts or result are not tokens can never apply. */
        if (l != VOCAB_NONE && r != VOCAB_NONE && merged != VOCAB_NONE)
            pair_table_add(&t->pairs, l, r, (uint32_t)rank, merged);
    }
    buf_release(&both);
    buf_release(&scratch);
    return rc;
}

static int load_model(struct tokenizer *t, const char *name, yajl_val model)
{
    if (!YAJL_IS_OBJECT(model))
        return err_set(DSCI_EUSAGE, "%s: no model in this tokenizer.json", name);
    const char *type = YAJL_GET_STRING(member(model, "type"));
    if (type && strcmp(type, "BPE") != 0) {
        char what[96];
        snprintf(what, sizeof what, "a %.40s model", type);
        return unsupported(name, what);
    }
    if (!member(model, "merges"))
        return unsupported(name, "a model without merges");
    if (!is_off(member(model, "dropout")))
        return unsupported(name, "BPE dropout");
    if (!is_off(member(model, "byte_fallback")))
        return unsupported(name, "a BPE model with byte_fallback (SentencePiece style)");
    if (!is_off(member(model, "continuing_subword_prefix")) || !is_off(member(model, "end_of_word_suffix")))
        return unsupported(name, "a BPE model with subword prefixes or suffixes");
    t->whole_piece_lookup = is_true(member(model, "ignore_merges"));
    int32_t alphabet[324];
    byte_level_alphabet(alphabet);
    int rc = load_vocab(t, name, member(model, "vocab"), alphabet);
    if (rc == 0)
        rc = tokenizer_check_bytes(t, name);
    if (rc == 0)
        rc = load_merges(t, name, member(model, "merges"), alphabet);
    return rc;
}

int hf_json_load(struct tokenizer *t, const char *name, const char *data, size_t len)
{
    char why[256] = "";
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)   /* saved by an editor that adds one */
        data += 3, len -= 3;
    yajl_val root = json_tree_parse(data, len, why, sizeof why);
    if (!root)
        return err_set(DSCI_EUSAGE, "%s: not valid JSON: %s", name, why[0] ? why : "parse error");
    const char *pattern = NULL;
    int rc = load_model(t, name, member(root, "model"));
    if (rc == 0)
        rc = load_normalizer(t, name, member(root, "normalizer"));
    if (rc == 0)
        rc = load_pre_tokenizer(t, name, member(root, "pre_tokenizer"), &pattern);
    if (rc == 0 && !pattern)
        rc = unsupported(name, "a pre-tokenizer without a pattern");
    if (rc == 0)
        rc = pretok_compile(t, name, pattern);
    if (rc == 0)
        snprintf(t->kind, sizeof t->kind, "tokenizer.json BPE%s", t->nfc ? " (NFC)" : "");
    json_tree_free(root);
    return rc;
}
