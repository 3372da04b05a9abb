/*
 * One file of a run (run/engine_impl.h). A JSONL file is cut into content-defined
 * chunks (read/chunker.h); each chunk is read by its own reader_run, every record
 * becomes its summary (run/digest.h: place, flags and each gate's extract() bytes), and
 * the chunk's summary is then replayed into the gates. A file that must be read whole
 * (a JSON array, an LFS pointer) and the rest of a file after a line too long to hold
 * are one piece each, replayed as they come. Warm or cold, the gates only ever see
 * replays, so a summary kept from an earlier run gives the same report as reading.
 */
#include "run/engine_impl.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "data/source.h"
#include "data/stream_codec.h"
#include "read/chunker.h"
#include "run/classify.h"
#include "run/digest.h"
#include "run/shard.h"
#include "util/err.h"
#include "util/wire.h"
#include "util/xalloc.h"


static int damaged_summary(const struct run *run, size_t file_index)
{
    return err_set(DSCI_EINTERNAL, "%s: a kept summary of this file is damaged; run again with --no-cache",
                   run->files[file_index].path);
}

/* Feeds n records of a summary to the gates. sigs: the records' signatures when they
 * come from a kept summary (NULL when they were signed while reading). read: the one
 * record's example when it was just read (n is 1; the gates' learn() see it), else NULL. */
static int replay_records(struct run *run, size_t file_index, struct wire_in *in, uint64_t n,
                          struct replay_pos *pos, const minhash_slot *sigs, const unsigned char *no_words,
                          const struct example *read)
{
    struct run_file *f = &run->files[file_index];
    struct result_metrics *m = &run->result->metrics;
    size_t perms = run->signatures ? run->signatures->mh.permutations : 0;
    uint64_t signed_at = 0;
    struct example at;
    memset(&at, 0, offsetof(struct example, issues));   /* no issues: n_issues says so */
    at.n_issues = 0;
    at.path = f->path;
    at.split = f->split;
    at.file_index = file_index;
    for (uint64_t r = 0; r < n; r++) {
        if (!digest_get_place(in, &at, pos->prev_line))
            return damaged_summary(run, file_index);
        pos->prev_line = at.line;
        at.line += pos->line_base;
        at.ordinal = pos->ordinal++;
        m->records++;
        if (at.column) {   /* a record of a JSON array file: where it starts, by its index */
            if (at.ordinal >= f->n_positions) {
                ALLOC_GROW(f->positions, (size_t)at.ordinal + 1, f->alloc_positions);
                memset(f->positions + f->n_positions, 0,
                       ((size_t)at.ordinal + 1 - f->n_positions) * sizeof(*f->positions));
                f->n_positions = (size_t)at.ordinal + 1;
            }
            f->positions[at.ordinal].line = at.line;
            f->positions[at.ordinal].column = at.column;
            f->positions[at.ordinal].char_column = at.char_column;
        }
        if (!(at.errors & ((1u << EX_INVALID_JSON) | (1u << EX_INVALID_UTF8) | (1u << EX_NUL_BYTE) |
                           (1u << EX_LINE_TOO_LONG) | (1u << EX_TOO_DEEP))))
            m->valid_json++;
        if (at.parsed) {
            m->examples++;
            run->examples_per_file[file_index]++;
        }
        for (size_t g = 0; g < run->n_gates; g++) {
            const struct gate *gate = run->gates[g].gate;
            if (!gate->replay)
                continue;
            size_t len;
            const char *bytes = wire_get_bytes(in, &len);
            if (read && gate->learn)
                gate->learn(run->gates[g].state, read, bytes, len);
            gate->replay(run->gates[g].state, &at, bytes, len);
        }
        if (run->extra) {
            size_t len;
            const char *bytes = wire_get_bytes(in, &len);
            run->extra->replay(run->extra->ctx, &at, bytes, len);
        }
        if (sigs && at.parsed) {
            signature_store_add_signed(run->signatures, &at, sigs + signed_at * perms, no_words[signed_at]);
            signed_at++;
        }
    }
    return in->bad ? damaged_summary(run, file_index) : 0;
}

/* One slot of a record's summary: extract()'s bytes, length first (as wire_put_bytes
 * writes them) without a second buffer: one byte is kept for the length, which most
 * slots fit, and the bytes move only when it takes more. */
static void put_slot(struct buf *out, void (*extract)(void *, const struct example *, struct buf *), void *state,
                     const struct example *ex)
{
    size_t at = out->len;
    wire_put_u8(out, 0);
    if (extract)
        extract(state, ex, out);
    size_t n = out->len - at - 1;
    if (n < 0x80) {
        out->ptr[at] = (char)n;
        return;
    }
    struct buf len = BUF_INIT;
    wire_put_varint(&len, n);
    size_t more = len.len - 1;
    wire_put_raw(out, len.ptr, more);   /* room for the longer length */
    memmove(out->ptr + at + len.len, out->ptr + at + 1, n);
    memcpy(out->ptr + at, len.ptr, len.len);
    buf_release(&len);
}

/* A slot whose extract() runs on the parsing threads (or that has none). */
static bool slot_on_workers(const struct gate *gate)
{
    return !gate->extract || gate->extract_threadsafe;
}

bool engine_extracts_on_workers(const struct run *run)
{
    for (size_t g = 0; g < run->n_gates; g++)
        if (run->gates[g].gate->replay && !slot_on_workers(run->gates[g].gate))
            return false;
    return true;
}

/* reader_options.annotate, on the thread that parsed the record (a parsing worker, or
 * the reading thread): the coverage category (the classifier is read-only: threads
 * share it), then the summary slots of every gate whose extract() may run there and of
 * the observer, in slot order (read/reader.h: the example carries them as its note). */
void engine_annotate(void *ctx, struct example *ex, struct buf *out)
{
    const struct run *run = ctx;
    if (run->classifier && ex->parsed)
        ex->known_category = (uint32_t)classify_example(run->classifier, ex) + 1;
    for (size_t g = 0; g < run->n_gates; g++) {
        const struct gate *gate = run->gates[g].gate;
        if (gate->replay && slot_on_workers(gate))
            put_slot(out, gate->extract, run->gates[g].state, ex);
    }
    if (run->extra)
        put_slot(out, run->extra->extract, run->extra->ctx, ex);
}

static int on_record(void *ctx, const struct example *ex)
{
    struct piece *p = ctx;
    struct run *run = p->run;
    size_t at = p->records.len;
    digest_put_place(&p->records, ex, p->prev_line);
    p->prev_line = ex->line;
    if (run->extract_on_main) {   /* the note's slots, with the others' extracted here, in order */
        struct wire_in note = wire_in(ex->note, ex->note_len);
        for (size_t g = 0; g < run->n_gates; g++) {
            const struct gate *gate = run->gates[g].gate;
            if (!gate->replay)
                continue;
            if (slot_on_workers(gate)) {
                size_t len;
                const char *bytes = wire_get_bytes(&note, &len);
                wire_put_bytes(&p->records, bytes, len);
            } else {
                put_slot(&p->records, gate->extract, run->gates[g].state, ex);
            }
        }
        if (run->extra) {
            size_t len;
            const char *bytes = wire_get_bytes(&note, &len);
            wire_put_bytes(&p->records, bytes, len);
        }
    } else {
        wire_put_raw(&p->records, ex->note, ex->note_len);
    }
    p->n_records++;
    if (ex->parsed) {
        p->parsed++;
        if (run->signatures) {   /* signed on workers, in run order: the file's own place */
            struct example whole = *ex;
            whole.line += p->pos.line_base;
            whole.ordinal = p->pos.ordinal;   /* replay has not counted this record yet */
            signature_store_add(run->signatures, &whole);
        }
    }
    struct wire_in in = wire_in(p->records.ptr + at, p->records.len - at);
    /* replayed as soon as it is made: the gates count while the workers parse ahead */
    int rc = replay_records(run, p->file_index, &in, 1, &p->pos, NULL, NULL, ex);
    if (!p->keep)   /* nobody keeps it: memory stays at one record's summary */
        buf_reset(&p->records);
    return rc;
}

struct mem_stream {
    const char *data;
    size_t len, at;
};

static ssize_t mem_read(void *ctx, char *out, size_t cap)
{
    struct mem_stream *m = ctx;
    size_t n = m->len - m->at < cap ? m->len - m->at : cap;
    memcpy(out, m->data + m->at, n);
    m->at += n;
    return (ssize_t)n;
}

static void mem_close(void *ctx)
{
    (void)ctx;
}

/* Adds what a piece showed of the file to the file; `first`: the piece starts it. */
static void merge_facts(struct run_file *f, const struct chunk_facts *c, uint64_t line_base, bool first)
{
    f->records += c->records;
    f->format = (enum dataset_format)c->format_out;
    if (first) {
        f->bom = c->bom;
        f->lfs_pointer = c->lfs_pointer;
        f->is_array = c->is_array;
    }
    f->no_final_newline = c->no_final_newline;
    if (c->crlf_lines) {
        if (!f->crlf_lines)
            f->first_crlf_line = line_base + c->first_crlf_line;
        f->crlf_lines += c->crlf_lines;
    }
    if (c->blank_lines) {
        if (!f->blank_lines)
            f->first_blank_line = line_base + c->first_blank_line;
        f->blank_lines += c->blank_lines;
    }
    if (c->read_error && !f->read_error) {
        f->read_error = xstrndup(c->read_error, c->read_error_len);
        f->read_error_line = line_base + c->read_error_line;
    }
}

/*
 * Reads one piece of file i from `in` with the reader, summarising every record and
 * replaying each summary as it is made (p->records keeps them all when p->keep). start:
 * where the piece is in its file (read/reader.h). The reader fills *piece_file. A chunk
 * is in memory (`in` is a mem_stream): the reader is given its bytes, to frame them
 * where they are rather than copy them.
 */
static int read_piece(struct run *run, size_t i, const struct byte_stream *in, enum reader_start start,
                      struct piece *p, struct run_file *piece_file)
{
    struct run_file *f = &run->files[i];
    memset(piece_file, 0, sizeof(*piece_file));
    piece_file->path = f->path;
    piece_file->root_path = f->root_path;
    piece_file->split = f->split;
    struct reader_options ro = run->ro;
    ro.file_index = i;
    ro.start = start;
    ro.initial_format = f->format;
    if (in->read == mem_read) {
        const struct mem_stream *m = in->ctx;
        ro.bytes = m->data;
        ro.n_bytes = m->len;
    }
    p->run = run;
    p->file_index = i;
    p->pos.prev_line = 0;
    return reader_run(piece_file, in, &ro, on_record, p);   /* on_record stops it only with an error */
}

static void piece_release(struct piece *p, struct run_file *piece_file)
{
    buf_release(&p->records);
    free(piece_file->read_error);
    free(piece_file->positions);
}

/* Where a piece of file i was, for reading an example again (run/reread.h). */
static void note_piece(struct run *run, size_t i, uint64_t line_base, uint64_t lines, uint64_t offset,
                       uint64_t bytes, enum reader_start start, enum dataset_format format_in)
{
    struct reread_file *pf = &run->pieces[i];
    struct reread_piece *p = ALLOC_APPEND(pf->pieces, pf->n, pf->alloc);
    p->line_base = line_base;
    p->lines = lines;
    p->offset = offset;
    p->bytes = bytes;
    p->start = start;
    p->format_in = format_in;
}

static void kept_release(struct kept *k)
{
    cache_blob_release(&k->summary);
    cache_blob_release(&k->sigs);
}

/* Finds a chunk's kept summary (and signatures, when the run makes them): 1, or 0 when
 * any part is missing (counted: absent or damaged). */
static int kept_get(struct run *run, const unsigned char key[32], struct kept *k)
{
    struct summary_cache *c = run->cache;
    memset(k, 0, sizeof(*k));
    uint64_t damaged = cache_store_stats(c->store)->damaged;
    int found = cache_store_get(c->store, key, &k->summary);
    if (found && run->signatures) {
        unsigned char sig_key[32];
        summary_cache_sig_key(c, key, sig_key);
        found = cache_store_get(c->store, sig_key, &k->sigs);
    }
    if (found) {
        summary_cache_used(c, key);
        if (run->signatures) {
            unsigned char sig_key[32];
            summary_cache_sig_key(c, key, sig_key);
            summary_cache_used(c, sig_key);
        }
    }
    if (!found) {
        kept_release(k);
        if (cache_store_stats(c->store)->damaged > damaged)
            c->counts.chunks_damaged++;
        else
            c->counts.chunks_absent++;
    }
    return found;
}

/* Replays a kept summary of a piece that started as `start` and had `lines` lines
 * (UINT64_MAX: the rest of the file, read whole) into the gates, and adds what it showed
 * to file i (facts, where it was, the cache's counts); `at` moves past it. */
int engine_replay_summary(struct run *run, size_t i, const struct kept *k, enum reader_start start, uint64_t lines,
                          struct piece_at *at)
{
    struct run_file *f = &run->files[i];
    struct chunk_facts facts;
    struct wire_in in = wire_in(k->summary.data, k->summary.len);
    if (!digest_get_facts(&in, &facts))
        return damaged_summary(run, i);
    uint64_t n = wire_get_varint(&in);
    const minhash_slot *sigs = NULL;
    const unsigned char *no_words = NULL;
    if (run->signatures) {
        size_t perms = run->signatures->mh.permutations;
        if (k->sigs.len != facts.parsed * (perms * sizeof(minhash_slot) + 1))
            return err_set(DSCI_EINTERNAL, "%s: kept signatures of this file do not fit; run again with --no-cache",
                           f->path);
        sigs = k->sigs.data;
        no_words = (const unsigned char *)k->sigs.data + facts.parsed * perms * sizeof(minhash_slot);
    }
    enum dataset_format format_in = f->format;
    at->pos.prev_line = 0;
    int rc = replay_records(run, i, &in, n, &at->pos, sigs, no_words, NULL);
    if (rc < 0)
        return rc;
    bool whole = lines == UINT64_MAX;
    note_piece(run, i, at->pos.line_base, lines, at->offset, whole ? UINT64_MAX : facts.bytes, start, format_in);
    merge_facts(f, &facts, at->pos.line_base, at->first);
    if (run->cache) {
        run->cache->counts.chunks_reused++;
        run->cache->counts.bytes_reused += facts.bytes;
    }
    at->offset += facts.bytes;
    at->pos.line_base += whole ? 0 : lines;
    at->first = false;
    return 0;
}

static int kept_replay(struct run *run, size_t i, const struct kept *k, uint64_t lines, struct piece_at *at)
{
    return engine_replay_summary(run, i, k, at->first ? READER_START_JSONL : READER_START_CONTINUE, lines, at);
}

static bool all_keepable(const struct run *run)
{
    for (size_t g = 0; g < run->n_gates; g++)
        if (run->gates[g].gate->keepable && !run->gates[g].gate->keepable(run->gates[g].state))
            return false;
    return true;
}

void engine_compose_summary(struct buf *out, const struct chunk_facts *facts, const struct piece *p)
{
    digest_put_facts(out, facts);
    wire_put_varint(out, p->n_records);
    wire_put_raw(out, p->records.ptr, p->records.len);
}

/* The summary of a chunk just read, kept under key; its signatures follow at the end
 * of the run, once they are made. */
static void keep_chunk(struct run *run, const unsigned char key[32], const struct chunk_facts *facts,
                       const struct piece *p, size_t first_sig)
{
    struct summary_cache *c = run->cache;
    struct buf b = BUF_INIT;
    engine_compose_summary(&b, facts, p);
    if (cache_store_put(c->store, key, b.ptr, b.len) == 0)
        summary_cache_used(c, key);
    buf_release(&b);
    if (run->signatures) {
        struct pending_sig *ps = ALLOC_APPEND(run->pending_sigs, run->n_pending_sigs, run->alloc_pending_sigs);
        memcpy(ps->key, key, 32);
        ps->first = first_sig;
        ps->count = p->parsed;
    }
}

void engine_keep_signatures(struct run *run)
{
    if (!run->cache || !run->signatures)
        return;
    const struct signature_store *s = run->signatures;
    size_t perms = s->mh.permutations;
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < run->n_pending_sigs; i++) {
        const struct pending_sig *ps = &run->pending_sigs[i];
        buf_reset(&b);
        wire_put_raw(&b, signature_store_sig(s, ps->first), ps->count * perms * sizeof(minhash_slot));
        signature_store_read_through(s, ps->first, ps->count);
        wire_put_raw(&b, s->no_words + ps->first, ps->count);
        unsigned char sig_key[32];
        summary_cache_sig_key(run->cache, ps->key, sig_key);
        if (cache_store_put(run->cache->store, sig_key, b.ptr, b.len) == 0)
            summary_cache_used(run->cache, sig_key);
        run->cache->counts.sigs_made++;
    }
    buf_release(&b);
}

/* The pieces a file was read as, for its entry by blob id: key and lines of each. */
struct file_entry {
    struct buf bytes;
    uint64_t n_pieces;
    bool complete;    /* every piece was kept */
};

enum { FILE_ENTRY_VERSION = 1 };

/*
 * A file whose blob id has an entry: every piece replayed from its kept summary,
 * without reading the file. 1: done; 0: not possible (nothing was replayed); < 0 error.
 */
static int replay_whole_file(struct run *run, size_t i, const unsigned char file_key[32])
{
    struct summary_cache *c = run->cache;
    struct run_file *f = &run->files[i];
    struct cache_blob entry;
    if (!cache_store_get(c->store, file_key, &entry))
        return 0;
    size_t noted = c->used_keys ? c->used_keys->len : 0;
    struct wire_in in = wire_in(entry.data, entry.len);
    uint64_t version = wire_get_varint(&in);
    uint64_t bytes = wire_get_varint(&in);
    const unsigned char *sha = wire_get_raw(&in, 32);
    uint64_t n = wire_get_varint(&in);
    if (in.bad || version != FILE_ENTRY_VERSION || n > entry.len) {
        cache_blob_release(&entry);
        return 0;
    }
    struct kept *kept = xcalloc(n ? n : 1, sizeof(*kept));
    uint64_t *lines = xcalloc(n ? n : 1, sizeof(*lines));
    uint64_t got = 0;
    for (; got < n; got++) {
        const unsigned char *key = wire_get_raw(&in, 32);
        lines[got] = wire_get_varint(&in);
        if (in.bad || !kept_get(run, key, &kept[got]))
            break;
    }
    int rc = 0;
    if (got == n && !in.bad) {
        struct piece_at at = { .first = true };
        f->format = FORMAT_AUTO;
        for (uint64_t k = 0; k < n && rc == 0; k++)
            rc = kept_replay(run, i, &kept[k], lines[k], &at);
        if (rc == 0) {
            f->bytes = bytes;
            memcpy(f->sha256, sha, 32);
            c->counts.files_skipped++;
            summary_cache_used(c, file_key);
            rc = 1;
        }
    }
    if (rc != 1 && c->used_keys)   /* nothing of the file came from the cache after all */
        c->used_keys->len = noted;
    for (uint64_t k = 0; k < got; k++)
        kept_release(&kept[k]);
    free(kept);
    free(lines);
    cache_blob_release(&entry);
    return rc;
}

int engine_read_file(struct run *run, size_t i)
{
    struct run_file *f = &run->files[i];
    struct summary_cache *c = run->cache;
    struct shard_run *shard = run->shard;
    if (shard && shard->job->merging)
        return engine_shard_replay_file(run, i);
    if (shard && !shard_plan_touches(&shard->plan, i))
        return 0;
    /* A shard that reads the file's first byte says what the whole file is (size,
     * checksum): it reads on to the end, the others stop after their last piece. */
    bool starts_file = !shard || shard_plan_owner(&shard->plan, i, 0) == shard->plan.index;
    const struct engine_progress *progress = engine_progress_display;
    if (progress) {   /* before a whole-file replay too, so the display counts the file */
        uint64_t stored = 0;
        if (source_size(run->src, f->root_path, &stored) < 0)
            err_clear();
        progress->file(progress->ctx, i, f->path, stored, stream_codec_of(f->root_path) != CODEC_NONE);
    }
    unsigned char blob[20], file_key[32];
    bool by_blob = c && !shard && source_blob_id(run->src, f->root_path, blob);
    int rc;
    if (by_blob) {
        summary_cache_file_key(c, f->root_path, blob, sizeof(blob), file_key);
        if ((rc = replay_whole_file(run, i, file_key)) != 0)
            return rc < 0 ? rc : 0;
    }

    struct byte_stream stream;
    if ((rc = source_open_stream(run->src, f->root_path, &stream)) < 0)   /* missing, a folder, a FIFO, unreadable */
        return engine_spec_error(run->spec, &run->spec->dataset.splits[f->split], rc);
    f->format = FORMAT_AUTO;
    struct chunker ch;
    chunker_init(&ch, &stream, run->ro.max_line_bytes, run->chunk_bytes,
                 shard ? starts_file : run->hash_files || by_blob);
    struct file_entry entry = { .bytes = BUF_INIT, .complete = c != NULL };
    const char *head;
    size_t head_len;
    struct piece_at at = { .first = true };
    run->pieces[i].n = 0;   /* a whole-file replay that fell through noted nothing it kept */
    if ((rc = chunker_peek(&ch, 64, &head, &head_len)) < 0)
        goto done;
    bool whole = reader_is_lfs_pointer(head, head_len) ||
                 reader_starts_array(f->root_path ? f->root_path : f->path, head, head_len);
    for (;;) {
        if (progress)
            progress->tick(progress->ctx, at.offset, run->result->metrics.records);
        struct byte_stream piece_in;
        struct mem_stream mem = { 0 };
        enum reader_start start = at.first ? READER_START_JSONL : READER_START_CONTINUE;
        bool rest = whole;
        uint64_t lines = 0;
        unsigned char key[32];
        if (whole) {
            start = READER_START_FILE;
        } else {
            const char *data;
            size_t len;
            rc = chunker_next(&ch, &data, &len);
            if (rc < 0)
                goto done;
            if (rc == CHUNKER_END)
                break;
            rest = rc == CHUNKER_LONG_LINE;
            mem.data = data;
            mem.len = len;
            lines = ch.chunk_lines;
        }
        if (shard && shard_plan_owner(&shard->plan, i, at.offset) != shard->plan.index) {
            /* past the shard's pieces: the end drains the rest into the checksum, uncut */
            if (rest || shard_plan_owner(&shard->plan, i, at.offset) > shard->plan.index)
                break;
            if ((rc = engine_shard_skip_piece(run, i, mem.data, mem.len, start)) < 0)
                goto done;
            at.offset += mem.len;
            at.pos.line_base += lines;
            at.first = false;
            continue;
        }
        struct piece_at before = at;
        enum dataset_format format_in = f->format;
        if (!rest && c) {
            summary_cache_chunk_key(c, start, f->format, mem.data, mem.len, key);
            struct kept k;
            if (kept_get(run, key, &k)) {
                rc = kept_replay(run, i, &k, lines, &at);
                if (rc == 0 && shard)
                    rc = engine_shard_emit(run, i, &before, start, format_in, lines, k.summary.data, k.summary.len,
                                           &k.sigs, 0);
                kept_release(&k);
                if (rc < 0)
                    goto done;
                wire_put_raw(&entry.bytes, key, 32);
                wire_put_varint(&entry.bytes, lines);
                entry.n_pieces++;
                continue;
            }
        }
        if (rest) {
            chunker_rest(&ch, &piece_in);
        } else {
            piece_in.read = mem_read;
            piece_in.close = mem_close;
            piece_in.ctx = &mem;
        }
        bool cacheable = c && !rest;
        struct piece p = { .records = BUF_INIT, .keep = cacheable || shard };
        struct run_file piece_file;
        size_t first_sig = run->signatures ? run->signatures->n : 0;
        p.pos = at.pos;
        rc = read_piece(run, i, &piece_in, start, &p, &piece_file);
        struct chunk_facts facts;
        if (rc == 0) {
            chunk_facts_from_file(&facts, &piece_file, lines, p.parsed);
            note_piece(run, i, at.pos.line_base, rest ? UINT64_MAX : lines, at.offset, rest ? UINT64_MAX : mem.len,
                       start, f->format);
            at.offset += mem.len;
        }
        if (rc == 0 && cacheable) {   /* replayed before it is kept: a gate may have stopped on it */
            if (all_keepable(run))
                keep_chunk(run, key, &facts, &p, first_sig);
            else
                cacheable = false;
        }
        if (rc == 0 && shard) {
            struct buf summary = BUF_INIT;
            engine_compose_summary(&summary, &facts, &p);
            rc = engine_shard_emit(run, i, &before, start, format_in, rest ? UINT64_MAX : lines, summary.ptr,
                                   summary.len, NULL, first_sig);
            buf_release(&summary);
        }
        if (rc == 0) {
            merge_facts(f, &facts, at.pos.line_base, at.first);
            if (c) {
                c->counts.bytes_read += facts.bytes;
                if (cacheable) {
                    c->counts.chunks_read++;
                    wire_put_raw(&entry.bytes, key, 32);
                    wire_put_varint(&entry.bytes, lines);
                    entry.n_pieces++;
                } else {
                    c->counts.uncacheable_pieces++;
                    entry.complete = false;
                }
            }
        }
        piece_release(&p, &piece_file);
        if (rc < 0)
            goto done;
        at.pos.line_base += lines;
        at.pos.ordinal = p.pos.ordinal;
        at.first = false;
        if (rest)
            break;
    }
    /* whatever the reader left unread (an LFS pointer) still counts in size and checksum */
    if (!shard || starts_file) {
        struct byte_stream drain;
        chunker_rest(&ch, &drain);
        char sink[65536];
        ssize_t n;
        while ((n = drain.read(drain.ctx, sink, sizeof(sink))) > 0)
            ;
        if (n < 0) {
            rc = (int)n;
            goto done;
        }
    }
    /* the checksum is of the stored bytes: a decompressing stream knows them, not the chunker */
    uint64_t stored_bytes;
    if (stream.stored && stream.stored(stream.ctx, f->sha256, &stored_bytes) == 1) {
        f->bytes = stored_bytes;
    } else {
        f->bytes = ch.bytes;
        chunker_sha256(&ch, f->sha256);
    }
    if (shard && starts_file)
        shard_run_file_facts(shard, i, f->bytes, ch.bytes, f->sha256);
    if (by_blob && entry.complete) {
        struct buf b = BUF_INIT;
        wire_put_varint(&b, FILE_ENTRY_VERSION);
        wire_put_varint(&b, f->bytes);
        wire_put_raw(&b, f->sha256, 32);
        wire_put_varint(&b, entry.n_pieces);
        wire_put_raw(&b, entry.bytes.ptr, entry.bytes.len);
        if (cache_store_put(c->store, file_key, b.ptr, b.len) == 0)
            summary_cache_used(c, file_key);
        buf_release(&b);
    }
    rc = 0;
done:
    buf_release(&entry.bytes);
    chunker_release(&ch);
    stream.close(stream.ctx);
    return rc;
}
