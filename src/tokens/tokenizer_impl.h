/*
 * What a loaded tokenizer is, for the files of src/tokens only: whatever file it came
 * from, the count path is the same (pretok.c splits, bpe.c merges, tokenizer.c caches);
 * the loaders fill this in and say which of the per-format rules apply.
 */
#ifndef DSCI_TOKENIZER_IMPL_H
#define DSCI_TOKENIZER_IMPL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>

#include "tokens/tokenizer.h"
#include "tokens/vocab.h"

struct tokenizer {
    char kind[96];
    struct vocab vocab;
    struct pair_table pairs;
    uint32_t byte_id[256];
    pcre2_code *re;
    /* A pre-token that is one token of the vocabulary is that token, merges or not
     * (tiktoken always; tokenizer.json with "ignore_merges": true). */
    bool whole_piece_lookup;
    /* tokenizer.json's Split with behavior Isolated: text between matches is a
     * pre-token too (tiktoken drops it; its patterns leave none). */
    bool keep_gaps;
    bool nfc;
    bool add_prefix_space;   /* ByteLevel add_prefix_space */
};

/* Every single byte must be a token: then any text has a count, with no unknown token. */
int tokenizer_check_bytes(struct tokenizer *t, const char *name);

/* Compiles a pre-tokenizer pattern written for Rust's regex / Oniguruma (\s is Unicode
 * White_Space) into t->re with PCRE2 (UTF, UCP, JIT). */
int pretok_compile(struct tokenizer *t, const char *name, const char *pattern);

/* The loaders (tokenizer.c dispatches). */
int tiktoken_load(struct tokenizer *t, const char *name, const char *encoding,
                  const char *data, size_t len);
int hf_json_load(struct tokenizer *t, const char *name, const char *data, size_t len);

#endif
