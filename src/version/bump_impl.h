/*
 * What the files of src/version/bump*.c share and nothing else needs (the API is bump.h).
 *
 *   bump_plan.c    the decision (rules over the diff or the recorded counts) and the one
 *                  plan check and bump both use: baseline, version bumped from, next version
 *   bump_record.c  applying the plan: the new version file record, compared with the
 *                  current one, described (--dry-run) or written
 *   bump_tag.c     the release tag: refused when it exists, created only on a commit that
 *                  holds the data and the version file
 *   bump_summary.c the released version's summary stored with the tag (refs/dsci/summary/<tag>)
 *   bump.c         bump_run, the order of those steps, and the outcome
 *
 * Ownership as in bump.h: a struct bump_outcome owns every string in it; the version
 * files passed here are borrowed.
 */
#ifndef DSCI_BUMP_IMPL_H
#define DSCI_BUMP_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "version/bump.h"

/* "" for 1, else "s". */
const char *bump_plural(uint64_t n);

/* The split `name` of vf, or NULL (also when vf is NULL). Borrowed from vf. */
const struct version_split *bump_recorded_split(const struct version_file *vf, const char *name);

/* Where to write the version file `rel` (dataset_write_target: inside the repository,
 * never into .git, through its real path). *out is malloc'd; its folder exists. */
int bump_record_target(char **out, const struct dataset *ds, const char *rel);

/* Fills the empty `nv` (caller's, version_file_free) with the record for o->version:
 * previous, created, the head's splits and the change counts. `cur` is the version file
 * now (NULL when absent), `baseline_vf` the baseline's (NULL when none). */
void bump_record_make(struct version_file *nv, const struct bump_outcome *o, const struct version_file *cur,
                      const struct version_file *baseline_vf, const struct comparison *cmp, const struct spec *spec,
                      const struct result *head);

/* Writes `nv` to fs_path unless nothing changed (o->nothing) or it is recorded already
 * (o->up_to_date); on a dry run fills o->summary instead (o->would_write). `cur_data` is
 * the current file's text, whose layout the new text keeps. */
int bump_record_write(struct bump_outcome *o, const struct version_file *nv, const struct version_file *cur,
                      const char *cur_data, size_t cur_len, const char *fs_path, bool dry_run);

/* Sets o->tag (<tag_prefix><version>); DSCI_EUSAGE when that tag exists already. */
int bump_tag_reserve(struct bump_outcome *o, const struct dataset *ds);

/* Creates o->tag on HEAD when HEAD holds exactly the data and the version file, else
 * DSCI_EUSAGE listing what to commit. Sets o->tag_created. */
int bump_tag_create(struct bump_outcome *o, const struct dataset *ds, const struct result *head, const char *vf_rel);

/* Runs the tag as a later check runs its baseline and stores the summary cache entries
 * the run used under refs/dsci/summary/<tag>. 0 (*n_entries packed), or < 0 with
 * err_last(): the caller notes it, a tag without its summary is still a release. */
int bump_summary_store(struct dataset *ds, const char *tag, size_t *n_entries);

#endif
