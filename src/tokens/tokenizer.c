/*
 * Stub while the engine is written: every load is refused, so callers build and
 * their error paths can be tested.
 */
#include "tokens/tokenizer.h"

#include <stdlib.h>

#include "util/err.h"

int tokenizer_load(struct tokenizer **out, const char *name, const char *data, size_t len)
{
    *out = NULL;
    return err_set(DSCI_EUSAGE, "%s: tokenizers are not implemented yet", name);
}

int tokenizer_load_tiktoken(struct tokenizer **out, const char *name, const char *encoding,
                            const char *data, size_t len)
{
    *out = NULL;
    return err_set(DSCI_EUSAGE, "%s: tokenizers are not implemented yet", name);
}

struct tokenizer_scratch *tokenizer_scratch_new(const struct tokenizer *t) { return NULL; }
void tokenizer_scratch_free(struct tokenizer_scratch *s) {}

uint64_t tokenizer_count(const struct tokenizer *t, struct tokenizer_scratch *s,
                         const char *text, size_t len)
{
    return 0;
}

size_t tokenizer_encode(const struct tokenizer *t, struct tokenizer_scratch *s,
                        const char *text, size_t len, uint32_t *ids, size_t cap)
{
    return 0;
}

const char *tokenizer_kind(const struct tokenizer *t) { return "none"; }
void tokenizer_free(struct tokenizer *t) {}
