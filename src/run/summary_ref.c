#include "run/summary_ref.h"

#include <stdlib.h>
#include <string.h>

#include "data/repo.h"
#include "util/err.h"
#include "util/sha256.h"
#include "util/wire.h"
#include "util/xalloc.h"

static const char pack_magic[8] = { 'D', 'S', 'C', 'I', 'S', 'U', 'M', 'P' };

static int compare_keys(const void *a, const void *b)
{
    return memcmp(a, b, 32);
}

size_t summary_pack_make(struct buf *out, struct cache_store *store, const void *keys, size_t keys_len)
{
    size_t n_keys = keys_len / 32;
    /* a key is used again by every file that holds the same chunk: each goes in once, and
     * sorted, so the same run packs the same bytes */
    unsigned char *sorted = xmalloc(n_keys ? n_keys * 32 : 1);
    if (n_keys)
        memcpy(sorted, keys, n_keys * 32);
    qsort(sorted, n_keys, 32, compare_keys);
    size_t start = out->len;
    wire_put_raw(out, pack_magic, sizeof(pack_magic));
    wire_put_varint(out, SUMMARY_PACK_VERSION);
    /* the count is known at the end: a fixed-width word filled in then, so the entries
     * (the size of the summaries) are never copied */
    size_t count_at = out->len, packed = 0;
    wire_put_u64(out, 0);
    for (size_t i = 0; i < n_keys; i++) {
        const unsigned char *key = sorted + i * 32;
        if (i && !memcmp(key, key - 32, 32))
            continue;
        struct cache_blob blob;
        /* trimmed since the run kept it: the pack is only smaller, the check reads that part */
        if (!cache_store_get(store, key, &blob))
            continue;
        wire_put_raw(out, key, 32);
        wire_put_bytes(out, blob.data, blob.len);
        cache_blob_release(&blob);
        packed++;
    }
    for (int b = 0; b < 8; b++)
        ((unsigned char *)out->ptr)[count_at + b] = (unsigned char)((uint64_t)packed >> (8 * b));
    unsigned char sum[32];
    struct sha256 h;
    sha256_init(&h);
    sha256_update(&h, out->ptr + start, out->len - start);
    sha256_final(&h, sum);
    wire_put_raw(out, sum, sizeof(sum));
    free(sorted);
    return packed;
}

/* Checks everything but the store: the checksum, the header, every length. The entries
 * start at *body; *count of them. */
static int pack_verify(const unsigned char *pack, size_t len, struct wire_in *body, uint64_t *count)
{
    if (len < sizeof(pack_magic) + 32 || memcmp(pack, pack_magic, sizeof(pack_magic)) != 0)
        return err_set(DSCI_EENV, "not a dsci summary pack");
    unsigned char sum[32];
    struct sha256 h;
    sha256_init(&h);
    sha256_update(&h, pack, len - 32);
    sha256_final(&h, sum);
    if (memcmp(sum, pack + len - 32, 32) != 0)
        return err_set(DSCI_EENV, "damaged (checksum mismatch)");
    struct wire_in in = wire_in(pack + sizeof(pack_magic), len - 32 - sizeof(pack_magic));
    uint64_t version = wire_get_varint(&in);
    if (!in.bad && version != SUMMARY_PACK_VERSION)
        return err_set(DSCI_EENV, "pack version %llu, this dsci reads %d", (unsigned long long)version,
                       SUMMARY_PACK_VERSION);
    uint64_t n = wire_get_u64(&in);
    *body = in;
    for (uint64_t i = 0; i < n && !in.bad; i++) {
        size_t payload_len;
        wire_get_raw(&in, 32);
        wire_get_bytes(&in, &payload_len);
    }
    if (in.bad || in.p != in.end)
        return err_set(DSCI_EENV, "damaged (its lengths do not add up)");
    *count = n;
    return 0;
}

int summary_pack_import(struct cache_store *store, const void *pack, size_t len, struct summary_import *out)
{
    struct wire_in in;
    uint64_t n = 0;
    int rc = pack_verify(pack, len, &in, &n);
    if (rc < 0)
        return rc;
    out->entries = n;
    for (uint64_t i = 0; i < n; i++) {
        size_t payload_len;
        const unsigned char *key = wire_get_raw(&in, 32);
        const char *payload = wire_get_bytes(&in, &payload_len);
        struct cache_blob there;
        if (cache_store_get(store, key, &there)) {
            cache_blob_release(&there);
            out->present++;
        } else if (cache_store_put(store, key, payload, payload_len) == 0) {
            out->imported++;
        }
    }
    return 0;
}

char *summary_ref_name(const char *tag)
{
    return xasprintf("%s%s", SUMMARY_REF_PREFIX, tag);
}

int summary_ref_store(const struct repo *repo, const char *tag, struct cache_store *store, const struct buf *keys,
                      size_t *n_entries)
{
    struct buf pack = BUF_INIT;
    *n_entries = summary_pack_make(&pack, store, keys->ptr, keys->len);
    int rc = 0;
    if (!*n_entries) {
        rc = err_set(DSCI_EENV, "the run kept no summary to store");
    } else {
        char *ref = summary_ref_name(tag), *msg = xasprintf("dsci bump: summary of %s", tag);
        rc = repo_write_blob_ref(repo, ref, pack.ptr, pack.len, msg);
        free(msg);
        free(ref);
    }
    buf_release(&pack);
    return rc;
}

void summary_ref_import(const struct repo *repo, const char *tag, struct cache_store *store,
                        struct summary_import *out)
{
    char *ref = summary_ref_name(tag), *pack = NULL;
    size_t len = 0;
    memset(out, 0, sizeof(*out));
    int rc = repo_read_blob_ref(repo, ref, &pack, &len);
    if (rc != 0) {
        out->found = true;
        if (rc < 0 || summary_pack_import(store, pack, len, out) < 0) {
            out->ignored = true;
            out->why = xstrdup(err_last());
            out->entries = out->imported = out->present = 0;
        }
    }
    err_clear();
    free(pack);
    free(ref);
}

void summary_import_release(struct summary_import *imp)
{
    free(imp->why);
    memset(imp, 0, sizeof(*imp));
}
