/*
 * Gates see the dataset once, as a stream: extract() takes what the gate needs of
 * every example's texts (valid only during the call), replay() counts it in file order,
 * finish() turns what they kept into a report section. A gate keeps only compact state (counts, sums, hashes), so memory
 * grows with the number of examples, never with the bytes of text.
 *
 *   struct gate_ctx ctx = { spec, files, n_files, &result, ... };
 *   for each gate g: g->begin(&state, &ctx); ... g->extract(state, ex, &bytes); g->replay(state, at, bytes) ... g->finish(state, &ctx); g->free(state);
 *
 * One file per gate in src/gates/; gates/gates.h declares them all and gate_list()
 * gives them in report order.
 */
#ifndef DSCI_GATE_H
#define DSCI_GATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "read/example.h"
#include "read/run_file.h"
#include "run/result.h"
#include "spec/spec.h"
#include "util/buf.h"

/* What every gate may consult at finish() time. */
struct gate_ctx {
    const struct spec *spec;
    struct run_file *files;
    size_t n_files;
    struct result *result;
    /* Reads a repo file (version file, card) from the same place as the data:
     * work tree, index or revision. Returns 0 and malloc'd bytes, GIT_ENOTFOUND-like
     * DSCI_EUSAGE when missing. */
    int (*read_file)(void *source, const char *path, char **out, size_t *out_len);
    void *source;
    /* The path reports show (repository-relative in git) for a path relative to the
     * dataset root, malloc'd; NULL: the path as given. Findings on files the spec names
     * (version file, card, a recorded split file) go through gate_shown_path(). */
    char *(*display_path)(void *source, const char *root_path);
    /* The spec as reports show it (repository-relative in git); NULL: spec->path. */
    const char *spec_path;
    /* The MinHash signatures of every parsed example, at finish() time, when a gate
     * that compares by similarity is on (run/signatures.h); NULL otherwise. */
    const struct signature_store *signatures;
    /* Reads the example at (file, pos) again from the source, texts and all, and hands
     * it to cb: for a gate that kept only a hash of a text and must quote it at finish()
     * (the example came from the summary cache, run/digest.h). pos as gate_example_pos().
     * Returns 0 when cb was called, DSCI_EUSAGE when there is no such example, or a
     * negative DSCI_E* I/O error. NULL when the run cannot read again. */
    int (*reread)(void *engine, size_t file, uint64_t pos,
                  void (*cb)(void *arg, const struct example *ex), void *arg);
    void *engine;
};

struct signature_store;

struct gate {
    const char *name;        /* spec key: "format" */
    const char *title;       /* report section: "FORMAT" */
    bool (*enabled)(const struct spec *spec);
    void *(*begin)(const struct gate_ctx *ctx);
    /* Incremental runs keep what each example gave each gate (run/digest.h), so that
     * unchanged data is never parsed again; a gate sees an example in two steps.
     * extract() writes what the gate takes from the example's texts, tools, id, label
     * and issues into out (util/wire.h); it may use the state's read-only helpers (a
     * classifier, a scanner) but must not change what the gate counts, and its bytes may
     * depend only on the example and on the spec settings digest_key() writes (they are
     * cached by the content of the data). replay() then feeds those bytes to the gate,
     * once per example, in run order, with `at`: the example without its texts (path,
     * split, file_index, line, column, char_column, ordinal, format, parsed, errors and
     * hash are set; turns, tools, id, label and issues are empty), its lines already
     * those of the whole file. A gate that needs nothing but `at` has no extract (NULL:
     * replay gets len 0); one that needs no example at all has no replay either. */
    void (*extract)(void *state, const struct example *ex, struct buf *out);
    void (*replay)(void *state, const struct example *at, const void *bytes, size_t len);
    /* extract() only reads the state (and what begin() set up), so the run calls it on
     * the thread that parsed the example, in parallel with other examples and with
     * replay(); false: on the reading thread, in run order, just before replay(). */
    bool extract_threadsafe;
    /* Called on the reading thread, in run order, just before replay(), with the example
     * texts and all and the bytes extract() wrote for it, when the example was read (not
     * when its summary came from the cache): for work that must see the gate's state as
     * replay() left it and may change what the gate keeps but no number or quote (the
     * quality gate's names of repeated texts). NULL: none. */
    void (*learn)(void *state, const struct example *ex, const void *bytes, size_t len);
    /* false once extract()'s bytes no longer depend on the example alone (the PII gate
     * after a scan limit stopped it: it writes a marker instead of scanning), so the
     * run keeps no summary from then on; NULL: always true. */
    bool (*keepable)(const void *state);
    /* The spec settings extract() depends on, written to out; NULL: none. */
    void (*digest_key)(const struct spec *spec, const void *state, struct buf *out);
    int (*finish)(void *state, const struct gate_ctx *ctx);
    void (*free)(void *state);   /* only ever given the non-NULL state begin returned */
    /* Its numbers describe a version (metrics, counts, version, file checksums): a
     * baseline run, which is read only to be compared with, runs just these gates. */
    bool measures;
    /* What the gate asks of the engine for this spec, asked only of the gates that run;
     * NULL: nothing. needs_signatures: the MinHash signature of every parsed example
     * (ctx->signatures at finish(), shaped by gate_signature_shape()).
     * needs_content_hash: the SHA-256 of every file read (run_file.sha256). */
    bool (*needs_signatures)(const struct spec *spec);
    bool (*needs_content_hash)(const struct spec *spec);
    /* example.hash (the content hash of every parsed example) in `at`: otherwise the run
     * may leave it zero. NULL: not needed. */
    bool (*needs_example_hash)(const struct spec *spec);
};

/*
 * Defines `gate_<name>` (spec key "<name>") from the functions its file names with
 * `prefix`: prefix_enabled, _begin, _finish and _free. What else the gate says of
 * itself follows as designated initializers: whether it measures, and how it sees
 * examples (.extract, .replay, .digest_key):
 *
 *   GATE_DEFINE(coverage, coverage, "COVERAGE", .measures = true);
 *   GATE_DEFINE(leakage, leakage, "LEAKAGE", .measures = false, .needs_signatures = leakage_enabled);
 */
#define GATE_DEFINE(name_, prefix, title_, ...)                                          \
    const struct gate gate_##name_ = {                                                  \
        .name = #name_, .title = (title_), .enabled = prefix##_enabled,                   \
        .begin = prefix##_begin, .finish = prefix##_finish,                               \
        .free = prefix##_free, __VA_ARGS__                                              \
    }

#endif
