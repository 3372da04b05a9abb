/*
 * The dataset card (dataset.card, a Hugging Face README.md): YAML front matter that the
 * Hub reads, then Markdown. dsci owns a few front matter keys and the Markdown between
 * its markers; everything else in the file is the author's and is kept byte for byte.
 *
 *   ---
 *   pretty_name: Task API Assistant        <- owned: pretty_name, license, language,
 *   tags: [sharegpt]                          task_categories, size_categories, configs,
 *   ---                                       dataset_info (the rest is copied verbatim)
 *   # Dataset Card for Task API Assistant  <- hand-written
 *   <!-- dsci:begin statistics -->
 *   ...                                    <- generated, replaced on every run
 *   <!-- dsci:end statistics -->
 *
 * Rendering is a pure function of the inputs and the existing card, so `dsci card`
 * and the card check of `dsci check` share it: the check regenerates in memory and
 * compares. Nothing here reads the clock; dates come from the version file.
 *
 *   struct card_sample *sample = NULL;
 *   card_sample_load(&sample, spec, &result, read_fn, read_ctx);
 *   struct card_input in = { spec, &result, vf, sample, &diff, "dataset-v1.0.0", 0 };
 *   struct buf out = BUF_INIT;
 *   if (card_render(&out, "data/hf_dataset/README.md", old, old_len, &in) < 0)
 *       ...   // DSCI_EUSAGE: "data/hf_dataset/README.md:12: ..." (broken markers)
 *   card_sample_free(sample);
 *
 * Ownership: card_input borrows everything; *out of card_sample_load is the caller's to
 * card_sample_free; card_render appends to the caller's buf.
 *
 * src/card/ owns the card and nothing else: this header is its API (card_job.c runs
 * `dsci card` short of printing); card_impl.h lists the files and what they share.
 */
#ifndef DSCI_CARD_H
#define DSCI_CARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "data/dataset.h"
#include "run/diff.h"
#include "run/result.h"
#include "spec/spec.h"
#include "util/buf.h"
#include "version/version_file.h"

/* The generated blocks, in the order a new card shows them. */
enum card_block {
    CARD_SUMMARY = 0,
    CARD_STRUCTURE,
    CARD_STATISTICS,
    CARD_COVERAGE,
    CARD_QUALITY,
    CARD_CHECKSUMS,
    CARD_CHANGELOG,
    CARD_BLOCK_COUNT
};

/* "summary" ... "changelog": the NAME in <!-- dsci:begin NAME --> */
const char *card_block_name(enum card_block block);

/* The Hub's size_categories bucket for a number of examples: "n<1K", "1K<n<10K", ... "n>1T". */
const char *card_size_category(uint64_t examples);

/* Reads a whole file relative to the dataset root (source_read_file, or a gate's
 * read_file): 0 and malloc'd bytes, or a negative DSCI_E* code. */
typedef int (*card_read_fn)(void *ctx, const char *path, char **out, size_t *len);

/* The real example the card shows: the first record of the first split that is a JSON
 * object (what the reader calls a parsed example). */
struct card_sample;

/*
 * Finds the sample in the first split's files (result->files, in order). *out is NULL
 * when there is none; a file that cannot be read whole (an LFS pointer, larger than the
 * source's limit for whole reads) is named in the card instead. Never fails.
 */
void card_sample_load(struct card_sample **out, const struct spec *spec, const struct result *result,
                      card_read_fn read, void *read_ctx);
void card_sample_free(struct card_sample *sample);

struct card_input {
    const struct spec *spec;
    const struct result *result;      /* the head run: files, metrics, gate checks */
    const struct version_file *vf;    /* NULL: no version file */
    const struct card_sample *sample; /* NULL: no example to show */
    const struct diff *diff;          /* NULL: no baseline to compare with */
    const char *baseline;             /* the tag or revision diff is against */
    unsigned keep;                    /* (1u << enum card_block): blocks the caller cannot
                                         compute, taken as they are in the existing card */
    /* When `result` is not the data the version file records (unreleased changes; see
     * card_unreleased), the run of the released version's own data (its tag), which a
     * new changelog entry counts, with `diff` against `baseline` for it; NULL: the entry
     * takes the counts the version file records. Unused for released data. */
    const struct result *release;
};

/* Whether the card describes data the version file does not record: a version is
 * recorded, but the run's files (hashed) are not the ones it lists. The card then says
 * "<version> + unreleased changes" and never presents the checksums as the version's. */
bool card_unreleased(const struct card_input *in);

/*
 * Appends to *out the card `dsci card` writes, given the existing card (NULL for a new
 * one). `path` names the card in messages. A card whose front matter does not close, or
 * whose markers are broken (begin without end, nested, duplicated, unknown name), is
 * DSCI_EUSAGE with "path:line: ..." in err_last(); *out is then unchanged.
 */
int card_render(struct buf *out, const char *path, const char *existing, size_t existing_len,
                const struct card_input *in);

/*
 * A unified diff of two texts (line based, three lines of context), for --dry-run.
 * Appends nothing when they are equal. When the changed middle is too large to compare
 * line by line, one summary line stands for the hunks.
 */
void card_text_diff(struct buf *out, const char *label, const char *a, size_t a_len, const char *b,
                    size_t b_len);

/* 1-based line of `a` where it first differs from `b`; 0 when equal. */
size_t card_first_difference(const char *a, size_t a_len, const char *b, size_t b_len);

/*
 * What `dsci card` does short of printing: reads the work tree's data, the spec's card
 * and version file, compares with the baseline (`base`: auto, none or a revision) and
 * renders. `display` is the card as messages name it; `target` where it is written.
 */
struct card_job {
    char *display;
    char *target;
    char *old;            /* the card as it is; NULL when there is none */
    size_t old_len;
    struct buf new_text;
    char *baseline;       /* what the changelog compared with; NULL when nothing */
};

int card_job_run(struct card_job *job, struct dataset *ds, const char *base);
bool card_job_changed(const struct card_job *job);
/* Writes new_text atomically, creating missing folders of the card's path. */
int card_job_write(const struct card_job *job);
void card_job_release(struct card_job *job);

/* The card check of `dsci check` (src/gates/card.c): adds "Dataset card: up to date" or
 * "stale (run `dsci card`)" to the REPRODUCIBILITY section, by rendering the card as
 * `dsci card` would (without the diff, which only a new changelog entry uses, and a
 * missing entry makes the card stale whatever it would say). */
struct gate;
extern const struct gate gate_card;

#endif
