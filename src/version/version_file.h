/*
 * The version file (dataset.version_file, JSON): the dataset's semantic version, the
 * checksum of every split file, and how the data was generated.
 *
 *   {"version": "1.2.0", "previous": "1.1.0", "created": "2025-01-01T00:00:00Z",
 *    "splits": {"train": {"path": "data/splits/train.jsonl", "examples": 85,
 *                         "bytes": 40960, "checksum": "sha256:<64 hex>"}},
 *    "generation_config": {"random_seed": 20250101, "model": "gpt-4o"}}
 *
 *   struct version_file *vf = NULL;
 *   if (version_file_parse(&vf, "data/hf_dataset/version.json", data, len) < 0)
 *       ...   // DSCI_EUSAGE; err_last(): "data/hf_dataset/version.json:3: ..."
 *   version_file_free(vf);
 *
 * A key of the wrong type is an error naming the file, the line and the key; unknown
 * keys are allowed. All strings are owned by the struct. The file may be at most
 * VERSION_FILE_MAX_BYTES.
 *
 * Writing (dsci bump): fill a struct version_file with what dsci computes and render it
 * over the current file's text, which supplies everything dsci does not compute:
 *
 *   char *text; size_t len;
 *   if (version_file_render(&text, &len, &vf, path, old, old_len) < 0) ...  // old unparsable
 *   atomic_write_file(path, text, len, 0644); free(text);
 */
#ifndef DSCI_VERSION_FILE_H
#define DSCI_VERSION_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VERSION_FILE_MAX_BYTES ((size_t)16 << 20)

/* One file of a split that has several ("files": [...] under the split). */
struct version_split_file {
    char *path;          /* relative to the dataset root; NULL when absent */
    char *checksum;      /* "sha256:<hex>"; NULL when absent */
    uint64_t examples, bytes;
    bool has_examples, has_bytes;
};

/*
 * A split. With one file, path/checksum/examples/bytes are that file's. With several,
 * examples and bytes are the split's totals, path and checksum the first file's (so a
 * reader that knows only "path" still verifies one), and `files` lists every file.
 */
struct version_split {
    char *name;          /* the key under "splits" */
    char *path;          /* relative to the dataset root; NULL when absent */
    char *checksum;      /* "sha256:<hex>" as written; NULL when absent */
    uint64_t examples, bytes;
    bool has_examples, has_bytes;
    struct version_split_file *files;   /* "files", in order; n_files 0 when absent */
    size_t n_files;
};

struct version_file {
    char *version, *previous, *created;   /* NULL when absent or null */
    struct version_split *splits;         /* in file order */
    size_t n_splits;
    bool has_random_seed;    /* generation_config.random_seed present and not null */
    char *seed_text;         /* the seed as written: 20250101, or the string's value */
    bool has_model;          /* generation_config.model present and not null */
    char *model;             /* its value when a string, else NULL */
    /* "tokenizer": {"path", "kind", "sha256": "sha256:<hex>"}: the file gates.tokens counted
     * with. Strings NULL when absent or not strings; has_tokenizer when the object is there
     * (or, writing, when dsci records one: it replaces the old object's three keys). */
    bool has_tokenizer;
    char *tokenizer_path, *tokenizer_kind, *tokenizer_sha256;
    bool has_changes;        /* "changes" present and an object */
    uint64_t added, removed, modified;   /* "changes" counts (0 when absent) */
};

int version_file_parse(struct version_file **out, const char *path, const char *data, size_t len);
void version_file_free(struct version_file *vf);

/*
 * The text of the version file: "version", "previous" (null when NULL), "created",
 * "splits" and "changes" from `vf` (each split: path, examples, bytes, checksum, then
 * "files" when n_files > 0); "generation_config" from `old`, the current file's text (NULL when there is none; a missing generation_config is written as
 * {"random_seed": null, "model": null} for a person to fill in); "tokenizer" from `vf`
 * when it has one (other keys of the old object kept), else from `old`; then every other key
 * of `old` in its order. Keys dsci does not know inside a split or "changes" are kept
 * too. Values are re-emitted as written: numbers keep their text (20250101, 1e3,
 * 12345678901234567890), nesting and order are kept, strings are re-escaped the one
 * way dsci writes JSON. Two-space indent and a final newline.
 *
 * Returns 0 with *out malloc'd, or DSCI_EUSAGE "path:line: ..." when `old` does not
 * parse as a version file (then nothing should be written).
 */
int version_file_render(char **out, size_t *len, const struct version_file *vf, const char *path,
                        const char *old, size_t old_len);

/* MAJOR.MINOR.PATCH with optional -prerelease and +build (semver.org 2.0.0). */
bool version_is_semver(const char *s);

#endif
