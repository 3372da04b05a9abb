/*
 * A dataset opened for reading: its spec and the source of its bytes, from the work
 * tree, the index or a revision. The spec is read from the same place as the data, so
 * a staged spec change is judged together with the staged data. A baseline, opened
 * from a head dataset, reads the old data with the head's spec: old and new are
 * measured by the same rules.
 *
 *   struct dataset ds;
 *   if (dataset_open(&ds, DATASET_INDEX, NULL, spec_path) < 0) ...
 *   engine_check(&result, ds.spec, ds.src);
 *   dataset_close(&ds);
 */
#ifndef DSCI_DATASET_H
#define DSCI_DATASET_H

#include "data/repo.h"
#include "data/source.h"
#include "spec/spec.h"

enum dataset_place { DATASET_WORKTREE = 0, DATASET_INDEX, DATASET_REV };

struct dataset {
    enum dataset_place place;
    const char *rev;        /* DATASET_REV: the revision, borrowed from the caller */
    struct repo *repo;      /* NULL outside git for the work tree */
    struct source *src;
    struct spec *spec;
    char *spec_repo_path;   /* the spec's path relative to the repository top (NULL outside git) */
};

/*
 * spec_path is relative to the current directory (as the user typed it). For the index
 * and revisions, a repository is required (DSCI_EENV otherwise). `rev` only for
 * DATASET_REV.
 */
int dataset_open(struct dataset *out, enum dataset_place place, const char *rev, const char *spec_path);

/*
 * Judges the data by the spec as it is at `rev` (a pull request's base: the PR cannot
 * loosen its own gates). The dataset's own spec is handed back in *head_spec (the
 * caller's to spec_free) so the changes can be reported.
 */
int dataset_use_spec_from(struct dataset *ds, const char *rev, struct spec **head_spec);

/* Opens `rev` of the same repository with the same spec (a baseline to compare with):
 * the spec object is shared, not copied. */
int dataset_open_baseline(struct dataset *out, const struct dataset *head, const char *rev);

/*
 * Where dsci may write a file of the dataset (dataset.card, dataset.version_file, the
 * known-findings file): `rel` from the dataset root, resolved to its real path (a
 * symlinked folder or a symlinked file is followed to see where it leads). *out is that
 * real path, the caller's to free; writing there never replaces a symbolic link.
 *
 * Refused with DSCI_EUSAGE, naming `key` (e.g. "dataset.card") at `loc` in the spec
 * (key NULL: the file is named by `rel` alone): a target outside the repository's work
 * tree (outside git: the dataset root); inside the git directory (the repository's,
 * GIT_DIR's, a linked worktree's gitdir or the common dir) or below any `.git`
 * component; a dangling symbolic link; something there that is not a regular file.
 * Failing to resolve it is the OS's reason with path_error_code's class (a symlink loop:
 * DSCI_EUSAGE; a folder that cannot be searched: DSCI_EENV).
 */
int dataset_write_target(char **out, const struct dataset *ds, const char *rel, const char *key,
                         struct spec_loc loc);

void dataset_close(struct dataset *ds);

#endif
