/*
 * gates.tokens: the tokenizer file (a path the run reads through the source, so --rev
 * and --staged read it as that revision has it), its pinned hash, the limits per example
 * and in total, the chat template's overhead and the price of a million training tokens.
 */
#include "spec/spec_impl.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/xalloc.h"

/* sha256: 64 hex digits, "sha256:" in front allowed (the version file's form); kept in
 * lower case so comparing with a computed hash is strcmp. */
static int get_sha256(struct ctx *c, const struct ynode *v, char **out)
{
    char tmp[80];
    int r = get_str(c, v, out, true);

    if (r < 0 || v->is_null)
        return r;
    const char *hex = !strncasecmp(*out, "sha256:", 7) ? *out + 7 : *out;
    size_t n = strlen(hex);
    bool ok = n == 64;
    for (size_t i = 0; ok && i < n; i++)
        ok = isxdigit((unsigned char)hex[i]) != 0;
    if (!ok)
        return fail(c, v, "%s: expected 64 hex digits (the file's SHA-256, e.g. from "
                    "`sha256sum`), got '%s'", kp(c), shown(v->value, tmp, sizeof(tmp)));
    char *lower = xstrdup(hex);
    for (size_t i = 0; lower[i]; i++)
        lower[i] = (char)tolower((unsigned char)lower[i]);
    free(*out);
    *out = lower;
    return 0;
}

static int tokens_key(struct ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
    struct spec *s = c->spec;
    const char *k = key->value;

    (void)arg;
    if (!strcmp(k, "tokenizer")) {
        s->gates.tokens.tokenizer_loc = loc_of(val);
        return get_path(c, val, &s->gates.tokens.tokenizer);
    }
    if (!strcmp(k, "encoding"))
        return get_str(c, val, &s->gates.tokens.encoding, true);
    if (!strcmp(k, "sha256")) {
        s->gates.tokens.sha256_loc = loc_of(val);
        return get_sha256(c, val, &s->gates.tokens.sha256);
    }
    if (!strcmp(k, "max_tokens")) {
        s->gates.tokens.max_tokens_loc = loc_of(key);
        return get_uint(c, val, 1, UINT32_MAX, &s->gates.tokens.max_tokens);
    }
    if (!strcmp(k, "min_tokens")) {
        s->gates.tokens.min_tokens_loc = loc_of(key);
        return get_uint(c, val, 0, UINT32_MAX, &s->gates.tokens.min_tokens);
    }
    if (!strcmp(k, "per_message"))
        return get_uint(c, val, 0, 1000, &s->gates.tokens.per_message);
    if (!strcmp(k, "per_example"))
        return get_uint(c, val, 0, 1000, &s->gates.tokens.per_example);
    if (!strcmp(k, "max_total_tokens")) {
        s->gates.tokens.max_total_loc = loc_of(key);
        return get_uint(c, val, 1, SIZE_MAX, &s->gates.tokens.max_total_tokens);
    }
    return get_number(c, val, 0, 1e9, &s->gates.tokens.price_per_million);   /* price_per_million */
}

int schema_parse_tokens(struct ctx *c, const struct ynode *key, const struct ynode *v)
{
    static const char *const keys[] = {
        "level", "tokenizer", "encoding", "sha256", "max_tokens", "min_tokens", "per_message",
        "per_example", "max_total_tokens", "price_per_million",
    };
    struct spec *s = c->spec;
    bool given = false;
    int r;

    if ((r = gate_walk(c, key, v, &s->gates.tokens.loc, &s->gates.tokens.level, &given, keys,
                       ARRAY_SIZE(keys), tokens_key, NULL)) < 0)
        return r;
    if (!given)
        s->gates.tokens.level = s->gates.tokens.tokenizer ? LEVEL_BLOCK : LEVEL_OFF;
    else if (s->gates.tokens.level != LEVEL_OFF && !s->gates.tokens.tokenizer)
        return fail(c, key, "missing required key '%s.tokenizer' (the tokenizer file the "
                    "counts use, relative to the dataset root)", kp(c));
    if (s->gates.tokens.max_tokens && s->gates.tokens.min_tokens > s->gates.tokens.max_tokens)
        return fail_at(c, s->gates.tokens.min_tokens_loc, "%s: min_tokens %zu is above max_tokens %zu",
                       kp(c), s->gates.tokens.min_tokens, s->gates.tokens.max_tokens);
    return 0;
}
