/*
 * The known-findings file (.dsci-baseline.json at the dataset root, docs/known-findings.md):
 * findings a team has looked at and accepted, keyed by check and by the content of the
 * example(s) they are about (struct finding.key), so they stay accepted when lines move
 * and come back the moment the example changes. Accepted findings do not fail their
 * check; entries that match nothing any more are reported as stale.
 *
 *   struct known_findings *k;
 *   if (known_findings_parse(&k, text, len, ".dsci-baseline.json") < 0) ...   // exit 2
 *   known_findings_apply(k, &result);       // marks, re-judges checks, notes stale entries
 *   known_findings_render(&buf, &result);   // the file --update-baseline writes
 *   known_findings_free(k);
 */
#ifndef DSCI_KNOWN_FINDINGS_H
#define DSCI_KNOWN_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "run/result.h"
#include "util/buf.h"

#define KNOWN_FINDINGS_FILE ".dsci-baseline.json"
#define KNOWN_FINDINGS_MAX_BYTES ((size_t)64 << 20)

struct known_findings;

/* Parses the file; a DSCI_EUSAGE error naming `path` and what is wrong when it is not
 * the expected JSON. */
int known_findings_parse(struct known_findings **out, const char *text, size_t len, const char *path);
void known_findings_free(struct known_findings *k);

/* How many entries the file holds, and how many matched a finding in the last apply(). */
size_t known_findings_count(const struct known_findings *k);
size_t known_findings_stale(const struct known_findings *k);

/*
 * Marks every finding listed in `k` as accepted. A failing or warning check all of whose
 * findings are accepted passes (and no longer blocks); its value says how many were
 * accepted. Adds a note per stale entry (at most a few, then a count).
 */
void known_findings_apply(struct known_findings *k, struct result *r, const char *path);

/* The file that accepts every keyed finding of every check that did not pass (or passed
 * only because of accepted findings), sorted so that updates diff well. Returns the
 * number of entries. */
size_t known_findings_render(struct buf *out, const struct result *r);

struct dataset;

/*
 * The file as a check reads it: from the dataset's own place, or with spec_rev (the
 * revision the spec is taken from, e.g. the base branch of a pull request) from that
 * revision, so that a change cannot accept its own findings; *edited then tells whether
 * the change edits the file. None is fine (*out stays NULL). On success with a file,
 * *out (known_findings_free) and *shown_out (its name for messages, free) are the
 * caller's, and result_max_findings() grows by the file's entries: no accepted finding
 * may look open only because the report stopped storing findings.
 */
int known_findings_load(struct known_findings **out, char **shown_out, bool *edited, struct dataset *ds,
                        const char *spec_rev);

/* --update-baseline: writes the file accepting every finding of `r` at the dataset root
 * of the work tree, then judges `r` by what was written, as the next run will. */
int known_findings_update(const struct dataset *ds, struct result *r);

#endif
