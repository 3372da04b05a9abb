#include "run/summary_cache.h"

#include <stdlib.h>
#include <string.h>

#include "data/repo.h"
#include "util/xalloc.h"

#include "gates/gate.h"
#include "gates/gates.h"
#include "run/digest.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/sha256.h"
#include "util/size_text.h"
#include "util/wire.h"

#ifndef DSCI_VERSION
#define DSCI_VERSION "0.0.0"
#endif

static bool disabled;

void summary_cache_disable(void)
{
    disabled = true;
}

bool summary_cache_enabled(void)
{
    const char *env = getenv("DSCI_NO_CACHE");
    return !disabled && !(env && *env && strcmp(env, "0") != 0);
}

#define CACHE_DEFAULT_MAX ((uint64_t)2 << 30)

void summary_cache_open_store(struct cache_store **out, const struct repo *repo)
{
    *out = NULL;
    if (!summary_cache_enabled())
        return;
    const char *env_dir = getenv("DSCI_CACHE_DIR");
    char *dir = NULL;
    if (env_dir && *env_dir)
        dir = xstrdup(env_dir);
    else if (repo && repo_commondir(repo))
        dir = xasprintf("%s%sdsci/cache", repo_commondir(repo),
                        repo_commondir(repo)[strlen(repo_commondir(repo)) - 1] == '/' ? "" : "/");
    if (!dir)
        return;
    /* "0" empties the cache after every run; a size it cannot read leaves the default */
    const char *env_max = getenv("DSCI_CACHE_MAX");
    size_t parsed;
    uint64_t max = CACHE_DEFAULT_MAX;
    if (env_max && !strcmp(env_max, "0"))
        max = 0;
    else if (env_max && size_text_parse(env_max, &parsed))
        max = parsed;
    if (cache_store_open(out, dir, max) < 0) {
        err_clear();
        *out = NULL;
    }
    free(dir);
}

static void put_str(struct buf *b, const char *s)
{
    wire_put_bytes(b, s ? s : "", s ? strlen(s) : 0);
    wire_put_u8(b, s != NULL);
}

void summary_cache_init(struct summary_cache *c, struct cache_store *store, const struct spec *spec,
                        const struct reader_options *ro, const struct gate *const *gates,
                        const void *const *states, size_t n_gates,
                        bool observer, size_t sig_shingle, size_t sig_permutations)
{
    (void)spec;
    memset(c, 0, sizeof(*c));
    c->store = store;
    c->sig_shingle = sig_shingle;
    c->sig_permutations = sig_permutations;
    struct buf b = BUF_INIT, k = BUF_INIT;
    put_str(&b, "dsci summary " DSCI_VERSION);
    wire_put_varint(&b, DIGEST_VERSION);
    wire_put_varint(&b, ro->format);
    wire_put_varint(&b, ro->max_line_bytes);
    put_str(&b, ro->id_field);
    put_str(&b, ro->label_field);
    put_str(&b, ro->role_human);
    put_str(&b, ro->role_assistant);
    put_str(&b, ro->role_system);
    wire_put_u8(&b, !ro->no_example_hash);   /* a summary without hashes never serves a run that reads them */
    for (size_t i = 0; i < n_gates; i++) {
        if (!gates[i]->replay)
            continue;
        put_str(&b, gates[i]->name);
        buf_reset(&k);
        if (gates[i]->digest_key)
            gates[i]->digest_key(spec, states ? states[i] : NULL, &k);
        wire_put_bytes(&b, k.ptr, k.len);
    }
    wire_put_u8(&b, observer);
    if (observer) {   /* the diff classifies every example by the coverage rules, gate on or off */
        buf_reset(&k);
        gate_coverage.digest_key(spec, NULL, &k);
        wire_put_bytes(&b, k.ptr, k.len);
    }
    struct sha256 h;
    sha256_init(&h);
    sha256_update(&h, b.ptr, b.len);
    sha256_final(&h, c->config);
    buf_release(&b);
    buf_release(&k);
}

void summary_cache_chunk_key(const struct summary_cache *c, enum reader_start start,
                             enum dataset_format initial_format, const void *bytes, size_t len,
                             unsigned char key[32])
{
    unsigned char data[32];
    struct sha256 h;
    sha256_init(&h);
    sha256_update(&h, bytes, len);
    sha256_final(&h, data);
    unsigned char head[3] = { 'c', (unsigned char)start, (unsigned char)initial_format };
    sha256_init(&h);
    sha256_update(&h, c->config, 32);
    sha256_update(&h, head, sizeof(head));
    sha256_update(&h, data, 32);
    sha256_final(&h, key);
}

void summary_cache_sig_key(const struct summary_cache *c, const unsigned char chunk_key[32], unsigned char key[32])
{
    struct buf b = BUF_INIT;
    put_str(&b, "signatures");
    wire_put_varint(&b, c->sig_shingle);
    wire_put_varint(&b, c->sig_permutations);
    wire_put_raw(&b, chunk_key, 32);
    struct sha256 h;
    sha256_init(&h);
    sha256_update(&h, b.ptr, b.len);
    sha256_final(&h, key);
    buf_release(&b);
}

void summary_cache_file_key(const struct summary_cache *c, const char *root_path, const unsigned char *blob_id,
                            size_t id_len, unsigned char key[32])
{
    struct buf b = BUF_INIT;
    put_str(&b, "file");
    wire_put_raw(&b, c->config, 32);
    /* the name decides only one thing about the bytes: a .jsonl file is never an array */
    wire_put_u8(&b, reader_path_is_jsonl(root_path));
    wire_put_bytes(&b, blob_id, id_len);
    struct sha256 h;
    sha256_init(&h);
    sha256_update(&h, b.ptr, b.len);
    sha256_final(&h, key);
    buf_release(&b);
}

void summary_cache_used(struct summary_cache *c, const unsigned char key[32])
{
    if (c->used_keys)
        wire_put_raw(c->used_keys, key, 32);
}
