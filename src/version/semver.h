/*
 * Semantic versions (SemVer 2.0.0): strict parsing, §11 precedence, the next version
 * for `dsci bump`, and the choice of the baseline tag for `--base auto`.
 *
 *   struct semver v = SEMVER_INIT, next = SEMVER_INIT;
 *   if (semver_parse(&v, "1.3.0-rc.1") < 0)
 *       ...   // DSCI_EUSAGE; err_last(): "'1.02.3': leading zero in minor version"
 *   semver_bump(&next, &v, SEMVER_MINOR);          // 1.3.0: the release of the pre-release
 *   char *text = semver_format(&next);             // "1.3.0", free() it
 *   semver_release(&v); semver_release(&next);
 *
 * Ownership: a struct semver owns its prerelease and build strings; semver_release
 * frees them and leaves SEMVER_INIT. Functions that fill an out-param overwrite it
 * without releasing it first, and leave SEMVER_INIT on failure, so `goto done;
 * semver_release(&v)` is always safe. The text passed in never carries a tag prefix:
 * "v1.2.3" is not a version, the caller strips `versioning.tag_prefix`.
 */
#ifndef DSCI_SEMVER_H
#define DSCI_SEMVER_H

#include <stddef.h>
#include <stdint.h>

struct buf;

struct semver {
    uint64_t major, minor, patch;
    char *prerelease; /* "rc.1" without the '-'; NULL when absent */
    char *build;      /* "sha.5114f85" without the '+'; NULL when absent */
};

#define SEMVER_INIT { 0, 0, 0, NULL, NULL }

/* Ordered by size of change, so `a > b` means a is the bigger bump. */
enum semver_part {
    SEMVER_NONE,
    SEMVER_PATCH,
    SEMVER_MINOR,
    SEMVER_MAJOR,
};

/*
 * Parses the whole of `text` as a SemVer 2.0.0 version: no leading zeros in the core or
 * in numeric pre-release identifiers, identifiers of [0-9A-Za-z-] and non-empty, core
 * numbers that fit uint64_t. Returns 0, or DSCI_EUSAGE with a message saying why.
 */
int semver_parse(struct semver *out, const char *text);

void semver_release(struct semver *v);

/*
 * -1, 0 or 1 as `a` has lower, equal or higher precedence than `b` (SemVer §11):
 * build metadata is ignored, so 1.2.0 and 1.2.0+build compare equal.
 */
int semver_compare(const struct semver *a, const struct semver *b);

/* The canonical text, "1.2.3-rc.1+build"; the caller free()s it. */
char *semver_format(const struct semver *v);

/*
 * The next version after `from` for a change of size `part`; build metadata and the
 * pre-release are dropped. A pre-release already counts as the change it precedes, as
 * in npm's `semver inc`: patch of 1.2.3-rc.1 is 1.2.3, minor of 1.3.0-rc.1 is 1.3.0,
 * major of 2.0.0-rc.1 is 2.0.0. SEMVER_NONE copies `from` whole. `out` may be `from`.
 * Returns 0, DSCI_EUSAGE when a number would pass UINT64_MAX, DSCI_EINTERNAL for an
 * unknown part (a failure leaves `from` intact even when out == from).
 */
int semver_bump(struct semver *out, const struct semver *from, enum semver_part part);

/* "none", "patch", "minor", "major" (the words of the GitHub output `bump`). */
const char *semver_part_name(enum semver_part part);

/*
 * The baseline for `--base auto`: among tags[0..n) that start with `prefix` and whose
 * remainder is a version, the one of highest precedence for which is_ancestor(ctx, tag)
 * returns 1 (a NULL is_ancestor accepts every tag). Equal precedence (1.2.0 and
 * 1.2.0+build) goes to the tag whose name sorts first, so the pick does not depend on
 * the order the tags were listed in.
 *
 * Sets *out_index to the chosen tag's index, or to n when none qualifies, and returns 0;
 * a negative return of is_ancestor (which has set the error) is returned as is.
 *
 * Tags with the prefix that are not versions, and versions above the pick that are not
 * ancestors, add one line each to `notes` (may be NULL), e.g.
 *   ignored tag 'dataset-vnext': not a semantic version
 *   skipped tag 'dataset-v2.0.0': not an ancestor of HEAD
 * (head_name names the revision checked; NULL: HEAD).
 * is_ancestor is asked from the highest version down and not past the pick, since each
 * question may be a walk of the history; lower versions are therefore never noted.
 */
int semver_pick_baseline(size_t *out_index, const char *const *tags, size_t n, const char *prefix,
                         int (*is_ancestor)(void *ctx, const char *tag), void *ctx, const char *head_name,
                         struct buf *notes);

#endif
