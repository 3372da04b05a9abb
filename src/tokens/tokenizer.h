/*
 * Token counts with a model's real tokenizer: OpenAI's BPE encodings from a .tiktoken
 * rank file, and Hugging Face tokenizer.json files with a byte-level BPE model (GPT-2,
 * Llama 3, Qwen 2 style). No network, no Python.
 *
 *   struct tokenizer *t;
 *   if (tokenizer_load(&t, path, bytes, len) < 0) ...;      // err_last() says why
 *   struct tokenizer_scratch *s = tokenizer_scratch_new(t); // one per thread
 *   uint64_t n = tokenizer_count(t, s, text, text_len);
 *
 * Invariants:
 *   - a loaded tokenizer is immutable: any number of threads may share it, each with
 *     its own scratch (the scratch keeps a cache of frequent pre-tokens);
 *   - text is encoded as ordinary text: a special token's string in the text ("<|endoftext|>")
 *     counts as the text it spells, as tiktoken's encode_ordinary does;
 *   - invalid UTF-8 never fails: each maximal invalid subsequence becomes U+FFFD first
 *     (the WHATWG decoder's rule, which is how the JavaScript references see such bytes);
 *   - a file the engine cannot tokenize exactly (a Unigram or WordPiece model, an unknown
 *     normalizer or pre-tokenizer) is refused at load time, never counted wrongly.
 */
#ifndef DSCI_TOKENIZER_H
#define DSCI_TOKENIZER_H

#include <stddef.h>
#include <stdint.h>

struct tokenizer;          /* immutable once loaded: shared by threads */
struct tokenizer_scratch;  /* per thread */

/* Loads a tokenizer from the bytes of a file: a .tiktoken rank file (base64 token SP rank
 * per line) or a Hugging Face tokenizer.json (byte-level BPE). `name` is for messages (path).
 * 0, or DSCI_EUSAGE with err_set naming the file and what is unsupported (e.g. a Unigram model). */
int tokenizer_load(struct tokenizer **out, const char *name, const char *data, size_t len);

/* For a .tiktoken file, which encoding's pre-tokenizer regex and special tokens to use:
 * "cl100k_base" / "o200k_base" / "p50k_base" / "r50k_base"; guessed from the file name
 * when NULL (DSCI_EUSAGE when neither says). */
int tokenizer_load_tiktoken(struct tokenizer **out, const char *name, const char *encoding,
                            const char *data, size_t len);

/* Reads the file at path (a .tiktoken file when encoding is given) and loads it as above;
 * a missing file is DSCI_EUSAGE, a read error DSCI_EENV. */
int tokenizer_load_path(struct tokenizer **out, const char *path, const char *encoding);

struct tokenizer_scratch *tokenizer_scratch_new(const struct tokenizer *t);
void tokenizer_scratch_free(struct tokenizer_scratch *s);

/* Tokens of `text` (UTF-8; invalid UTF-8 handled as above) encoded as ordinary text. */
uint64_t tokenizer_count(const struct tokenizer *t, struct tokenizer_scratch *s,
                         const char *text, size_t len);

/* The ids of `text`, as tokenizer_count counts them: writes the first `cap` of them to
 * ids and returns how many there are (all of them, also beyond cap). */
size_t tokenizer_encode(const struct tokenizer *t, struct tokenizer_scratch *s,
                        const char *text, size_t len, uint32_t *ids, size_t cap);

/* What was loaded, for messages and reports: "tiktoken cl100k_base", "tokenizer.json BPE". */
const char *tokenizer_kind(const struct tokenizer *t);

void tokenizer_free(struct tokenizer *t);

#endif
