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
 * keys are allowed (they are kept by whoever rewrites the file, not here). All strings
 * are owned by the struct. The file may be at most VERSION_FILE_MAX_BYTES.
 */
#ifndef DSCI_VERSION_FILE_H
#define DSCI_VERSION_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VERSION_FILE_MAX_BYTES ((size_t)16 << 20)

struct version_split {
    char *name;          /* the key under "splits" */
    char *path;          /* relative to the dataset root; NULL when absent */
    char *checksum;      /* "sha256:<hex>" as written; NULL when absent */
    uint64_t examples, bytes;
    bool has_examples, has_bytes;
};

struct version_file {
    char *version, *previous, *created;   /* NULL when absent or null */
    struct version_split *splits;         /* in file order */
    size_t n_splits;
    bool has_random_seed;    /* generation_config.random_seed present and not null */
    char *seed_text;         /* the seed as written: 20250101, or the string's value */
    bool has_model;          /* generation_config.model present and not null */
    char *model;             /* its value when a string, else NULL */
};

int version_file_parse(struct version_file **out, const char *path, const char *data, size_t len);
void version_file_free(struct version_file *vf);

/* MAJOR.MINOR.PATCH with optional -prerelease and +build (semver.org 2.0.0). */
bool version_is_semver(const char *s);

#endif
