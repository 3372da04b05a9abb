/*
 * Private to the files of src/card/: the parsed existing card, the sample and its features, and
 * the pieces card_render() assembles.
 *
 *   card_doc.c        the existing card: front matter keys, dsci markers, headings
 *   card_yaml.c       the front matter dsci owns (quoting: util/yaml_emit.h)
 *   card_blocks.c     the content of each generated block, and their Markdown helpers
 *   card_changelog.c  the changelog block (keeps the entries already written)
 *   card_sample.c     the example record: finding it, pretty JSON, features
 *   card_textdiff.c   line diff for --dry-run
 *   card.c            card_render(): puts it together
 *   card_job.c        `dsci card` short of printing: reads, compares, writes
 */
#ifndef DSCI_CARD_IMPL_H
#define DSCI_CARD_IMPL_H

#include "card/card.h"

/* ---- the existing card (card_doc.c) ------------------------------------------------ */

/* One top-level key of the front matter: the comment and blank lines before it, the
 * key's line, and its continuation lines (indented, or "- " items at column 0). All
 * offsets are into the card text. */
struct card_fm_entry {
    char *key;               /* unquoted */
    size_t lead_off;         /* comments and blank lines before the key start here */
    size_t key_off;          /* the key's line */
    size_t end_off;          /* one past its last continuation line */
};

/* Where a generated block stands: [begin_off, content_off) is the begin marker's line,
 * [content_off, content_end) the content, [content_end, end_end) the end marker's line. */
struct card_marked {
    bool present;
    size_t line;             /* of the begin marker, 1-based */
    size_t begin_off, content_off, content_end, end_end;
};

/* An ATX heading of the body outside code fences. */
struct card_heading {
    size_t off;              /* start of the heading's line */
    const char *text;        /* trimmed, closing #s removed; points into the card */
    size_t text_len;
};

struct card_doc {
    const char *text;
    size_t len;
    bool has_fm;
    size_t fm_off, fm_end;   /* the lines between the two --- lines */
    size_t body_off;         /* after the closing --- line; 0 without front matter */
    struct card_fm_entry *entries;
    size_t n_entries;
    size_t fm_tail_off;      /* comment/blank lines after the last key: [fm_tail_off, fm_end) */
    struct card_marked blocks[CARD_BLOCK_COUNT];
    size_t n_marked;
    struct card_heading *headings;
    size_t n_headings;
};

/* DSCI_EUSAGE with "path:line: ..." for a front matter that does not close or broken markers. */
int card_doc_parse(struct card_doc *out, const char *path, const char *text, size_t len);
void card_doc_release(struct card_doc *doc);

/* The entry for `key`, or NULL. */
const struct card_fm_entry *card_doc_key(const struct card_doc *doc, const char *key);

/* ---- the sample and the features (card_sample.c) ------------------------------------ */

struct card_sample {
    char *path;              /* the file, relative to the dataset root */
    size_t split;            /* index into spec->dataset.splits */
    size_t line;             /* 1-based line of the record; 0 in a JSON array file */
    bool is_array;           /* the file is a JSON array rather than JSON Lines */
    enum dataset_format format;
    void *record;            /* yajl_val of the record; NULL when `unreadable` */
    bool unreadable;         /* the first file could not be read whole: no record */
};

enum card_ftype { CARD_F_STRING, CARD_F_INT, CARD_F_FLOAT, CARD_F_BOOL, CARD_F_STRUCT, CARD_F_LIST, CARD_F_SEQUENCE };

/* A Hugging Face feature: a scalar dtype, a struct of features, a list of structs, or a
 * sequence of scalars (`item`). */
struct card_feature {
    char *name;
    enum card_ftype type;
    enum card_ftype item;    /* CARD_F_SEQUENCE: the scalar type */
    struct card_feature *fields;   /* CARD_F_STRUCT, CARD_F_LIST */
    size_t n_fields;
};

/* The features: the format's own fields (conversations/messages/instruction...) as the
 * format defines them, the record's other keys as their JSON values suggest. */
void card_features_build(struct card_feature **out, size_t *n, enum dataset_format format,
                         const struct card_sample *sample);
void card_features_free(struct card_feature *f, size_t n);

/* The record, pretty-printed (two-space indent, keys in file order), with very long
 * strings cut and backticks escaped where they could close a Markdown code fence. */
void card_sample_json(struct buf *out, const struct card_sample *sample);

/* Longest string value the example shows whole, in code points. */
#define CARD_SAMPLE_MAX_TEXT 600

/* ---- front matter (card_yaml.c) -------------------------------------------------- */

/* The owned keys, in the order a new card lists them. */
enum card_key {
    CARD_KEY_PRETTY_NAME = 0,
    CARD_KEY_LICENSE,
    CARD_KEY_LANGUAGE,
    CARD_KEY_TASK_CATEGORIES,
    CARD_KEY_SIZE_CATEGORIES,
    CARD_KEY_CONFIGS,
    CARD_KEY_DATASET_INFO,
    CARD_KEY_COUNT
};

const char *card_key_name(enum card_key key);

/* Appends "key: ...\n" and its continuation lines for one owned key. Returns false (and
 * appends nothing) when the spec does not give it and the existing card's value is kept
 * (or there is none to write). */
bool card_yaml_key(struct buf *out, enum card_key key, const struct card_input *in, const struct card_doc *doc,
                   const struct card_feature *features, size_t n_features);

/* ---- blocks (card_blocks.c) -------------------------------------------------------- */

/* Appends the content of `block` (without its markers). `old`/`old_len` is the block's
 * content in the existing card (NULL when it has none): the changelog keeps its entries. */
void card_block_render(struct buf *out, enum card_block block, const struct card_input *in,
                       const struct card_feature *features, size_t n_features, const char *old,
                       size_t old_len);

/* The per-split totals of the run's files. */
void card_split_totals(const struct result *r, size_t split, uint64_t *examples, uint64_t *bytes);
uint64_t card_total_examples(const struct result *r);
uint64_t card_total_bytes(const struct result *r);

/* The format the card describes: the sample's file's, else the first file's, else the spec's. */
enum dataset_format card_format(const struct card_input *in);

/* The name a new card's title and front matter use: pretty_name, else name. */
const char *card_pretty_name(const struct spec *spec);

/* Text for a Markdown table cell: '|' escaped, line breaks as spaces, bytes that are not
 * UTF-8 as U+FFFD. */
void card_md_cell(struct buf *out, const char *s);
/* `s` as a code span, as card_md_cell escapes it. */
void card_md_code(struct buf *out, const char *s);
/* "2025-01-01" from the version file's created time; NULL when it has none. Caller frees. */
char *card_created_date(const struct version_file *vf);
/* "130 examples (train 104, validation 13, test 13)" of run `r`; `unit` after the total. */
void card_example_counts(struct buf *out, const struct card_input *in, const struct result *r, const char *unit);
/* The same from what the version file records, in its own split order. */
void card_recorded_counts(struct buf *out, const struct version_file *vf, const char *unit);

/* ---- the changelog (card_changelog.c) -------------------------------------------- */

/* The changelog block's content; `old`/`old_len` its current content (NULL when none). */
void card_changelog_render(struct buf *out, const struct card_input *in, const char *old, size_t old_len);

#endif
