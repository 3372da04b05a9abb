/*
 * card_render(): the existing card plus the inputs give the new card.
 *
 * Front matter: the keys dsci owns are rewritten where they stand; a missing one goes
 * next to the owned keys that are there; every other key is copied as its original
 * lines. Body: with markers, only the text between them is replaced; without markers
 * (a card written by hand), the whole body is kept and the blocks are inserted at the
 * end of the sections they belong to ("Dataset Structure", ...), or in sections of
 * their own at the end. A new card follows the Hub's template.
 */
#include "card/card_impl.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "util/xalloc.h"

static const char *const block_names[CARD_BLOCK_COUNT] = {
    "summary", "structure", "statistics", "coverage", "quality", "checksums", "changelog",
};

const char *card_block_name(enum card_block block)
{
    return block < CARD_BLOCK_COUNT ? block_names[block] : "?";
}

const char *card_size_category(uint64_t examples)
{
    static const char *const buckets[] = {
        "n<1K", "1K<n<10K", "10K<n<100K", "100K<n<1M", "1M<n<10M", "10M<n<100M",
        "100M<n<1B", "1B<n<10B", "10B<n<100B", "100B<n<1T", "n>1T",
    };
    uint64_t limit = 1000;
    for (size_t i = 0; i + 1 < sizeof(buckets) / sizeof(buckets[0]); i++, limit *= 10)
        if (examples < limit)
            return buckets[i];
    return buckets[sizeof(buckets) / sizeof(buckets[0]) - 1];
}

/* What every part of one render needs. */
struct render {
    const struct card_input *in;
    const struct card_doc *doc;      /* NULL for a new card */
    struct card_feature *features;
    size_t n_features;
};

/* ---- front matter ---------------------------------------------------------------- */

static int key_index(const char *key)
{
    for (int k = 0; k < CARD_KEY_COUNT; k++)
        if (!strcmp(card_key_name((enum card_key)k), key))
            return k;
    return -1;
}

static void front_matter(struct buf *out, const struct render *r)
{
    const struct card_doc *doc = r->doc && r->doc->has_fm ? r->doc : NULL;
    struct buf text[CARD_KEY_COUNT];
    bool owned[CARD_KEY_COUNT];
    long at[CARD_KEY_COUNT];              /* entry of the key's first occurrence, -1 */
    for (int k = 0; k < CARD_KEY_COUNT; k++) {
        struct buf b = BUF_INIT;
        text[k] = b;
        owned[k] = card_yaml_key(&text[k], (enum card_key)k, r->in, doc, r->features, r->n_features);
        at[k] = -1;
    }
    buf_addstr(out, "---\n");
    if (!doc) {
        for (int k = 0; k < CARD_KEY_COUNT; k++)
            if (owned[k])
                buf_add(out, text[k].ptr, text[k].len);
        goto done;
    }

    const char *t = doc->text;
    size_t n = doc->n_entries;
    for (size_t i = 0; i < n; i++) {
        int k = key_index(doc->entries[i].key);
        if (k >= 0 && at[k] < 0)
            at[k] = (long)i;
    }
    /* A missing owned key goes before the next owned key the card has, else after the
     * previous one, else at the end: the card's order is kept, new keys join their kin. */
    long before[CARD_KEY_COUNT], after[CARD_KEY_COUNT];
    for (int k = 0; k < CARD_KEY_COUNT; k++) {
        before[k] = after[k] = -1;
        if (!owned[k] || at[k] >= 0)
            continue;
        for (int j = k + 1; j < CARD_KEY_COUNT && before[k] < 0; j++)
            before[k] = at[j];
        for (int j = k - 1; j >= 0 && before[k] < 0 && after[k] < 0; j--)
            after[k] = at[j];
    }
    for (size_t i = 0; i < n; i++) {
        const struct card_fm_entry *e = &doc->entries[i];
        for (int k = 0; k < CARD_KEY_COUNT; k++)
            if (before[k] == (long)i)
                buf_add(out, text[k].ptr, text[k].len);
        buf_add(out, t + e->lead_off, e->key_off - e->lead_off);
        int k = key_index(e->key);
        if (k < 0 || !owned[k])
            buf_add(out, t + e->key_off, e->end_off - e->key_off);
        else if (at[k] == (long)i)
            buf_add(out, text[k].ptr, text[k].len);
        /* else: a second occurrence of an owned key is dropped (YAML forbids it anyway) */
        for (int j = 0; j < CARD_KEY_COUNT; j++)
            if (after[j] == (long)i)
                buf_add(out, text[j].ptr, text[j].len);
    }
    buf_add(out, t + doc->fm_tail_off, doc->fm_end - doc->fm_tail_off);
    for (int k = 0; k < CARD_KEY_COUNT; k++)
        if (owned[k] && at[k] < 0 && before[k] < 0 && after[k] < 0)
            buf_add(out, text[k].ptr, text[k].len);
done:
    buf_addstr(out, "---\n");
    for (int k = 0; k < CARD_KEY_COUNT; k++)
        buf_release(&text[k]);
}

/* ---- body ------------------------------------------------------------------------ */

static void block(struct buf *out, const struct render *r, enum card_block b)
{
    const struct card_marked *m = r->doc ? &r->doc->blocks[b] : NULL;
    const char *old = m && m->present ? r->doc->text + m->content_off : NULL;
    size_t old_len = m && m->present ? m->content_end - m->content_off : 0;
    if (old && (r->in->keep & (1u << b)))
        buf_add(out, old, old_len);
    else
        card_block_render(out, b, r->in, r->features, r->n_features, old, old_len);
}

static void wrapped(struct buf *out, const struct render *r, enum card_block b)
{
    buf_printf(out, "<!-- dsci:begin %s -->\n", card_block_name(b));
    block(out, r, b);
    buf_printf(out, "<!-- dsci:end %s -->\n", card_block_name(b));
}

static void template_body(struct buf *out, const struct render *r)
{
    static const char todo[] = "[More Information Needed]\n\n";
    buf_addstr(out, "\n# Dataset Card for ");
    buf_addstr(out, card_pretty_name(r->in->spec));
    buf_addstr(out, "\n\n## Dataset Details\n\n### Dataset Description\n\n");
    wrapped(out, r, CARD_SUMMARY);
    buf_printf(out, "\n### Dataset Sources\n\n- **Repository:** [More Information Needed]\n\n"
                    "## Uses\n\n### Direct Use\n\n%s### Out-of-Scope Use\n\n%s## Dataset Structure\n\n", todo, todo);
    for (enum card_block b = CARD_STRUCTURE; b <= CARD_QUALITY; b++) {
        wrapped(out, r, b);
        buf_addch(out, '\n');
    }
    buf_printf(out, "## Dataset Creation\n\n### Curation Rationale\n\n%s### Source Data\n\n%s"
                    "### Annotations\n\n%s### Personal and Sensitive Information\n\n%s"
                    "## Bias, Risks, and Limitations\n\n%s### Recommendations\n\n%s"
                    "## Citation\n\n%s## Glossary\n\n%s## More Information\n\n",
               todo, todo, todo, todo, todo, todo, todo, todo);
    wrapped(out, r, CARD_CHECKSUMS);
    buf_addstr(out, "\n## Changelog\n\n");
    wrapped(out, r, CARD_CHANGELOG);
    buf_printf(out, "\n## Dataset Card Authors\n\n%s## Dataset Card Contact\n\n[More Information Needed]\n", todo);
}

/* A card with markers: each block's content is replaced, nothing else is touched. */
static void replace_blocks(struct buf *out, const struct render *r)
{
    const struct card_doc *d = r->doc;
    size_t cursor = d->body_off;
    for (;;) {
        int next = -1;
        for (int b = 0; b < CARD_BLOCK_COUNT; b++)
            if (d->blocks[b].present && d->blocks[b].begin_off >= cursor &&
                (next < 0 || d->blocks[b].begin_off < d->blocks[next].begin_off))
                next = b;
        if (next < 0)
            break;
        const struct card_marked *m = &d->blocks[next];
        buf_add(out, d->text + cursor, m->content_off - cursor);
        block(out, r, (enum card_block)next);
        cursor = m->content_end;
    }
    buf_add(out, d->text + cursor, d->len - cursor);
}

/* Where a block goes in a card without markers: the end of the first section whose
 * heading is one of these (in this order of preference). */
static const char *const homes[CARD_BLOCK_COUNT][4] = {
    [CARD_SUMMARY] = { "Dataset Description", "Dataset Summary", "Dataset Details", NULL },
    [CARD_STRUCTURE] = { "Dataset Structure", NULL },
    [CARD_STATISTICS] = { "Dataset Structure", NULL },
    [CARD_COVERAGE] = { "Dataset Structure", NULL },
    [CARD_QUALITY] = { "Dataset Structure", NULL },
    [CARD_CHECKSUMS] = { "More Information", "Dataset Structure", NULL },
    [CARD_CHANGELOG] = { "Changelog", NULL },
};

/* The offset where the section of `name` ends (the next heading, or the end), or
 * SIZE_MAX when no heading matches. */
static size_t section_end(const struct card_doc *d, const char *const *names)
{
    for (; *names; names++) {
        size_t n = strlen(*names);
        for (size_t i = 0; i < d->n_headings; i++)
            if (d->headings[i].text_len == n && !strncasecmp(d->headings[i].text, *names, n))
                return i + 1 < d->n_headings ? d->headings[i + 1].off : d->len;
    }
    return SIZE_MAX;
}

/* Makes what is written so far end with a blank line. */
static void blank_line(struct buf *out)
{
    if (!out->len || out->ptr[out->len - 1] != '\n')
        buf_addch(out, '\n');
    if (out->len < 2 || !(out->ptr[out->len - 2] == '\n' ||
                          (out->len >= 3 && out->ptr[out->len - 2] == '\r' && out->ptr[out->len - 3] == '\n')))
        buf_addch(out, '\n');
}

/* A card without markers: every byte of it is kept; the blocks are added. */
static void insert_blocks(struct buf *out, const struct render *r)
{
    const struct card_doc *d = r->doc;
    size_t where[CARD_BLOCK_COUNT];
    bool placed[CARD_BLOCK_COUNT];
    for (int b = 0; b < CARD_BLOCK_COUNT; b++) {
        where[b] = section_end(d, homes[b]);
        placed[b] = false;
    }

    size_t cursor = d->body_off;
    for (;;) {
        size_t at = SIZE_MAX;
        for (int b = 0; b < CARD_BLOCK_COUNT; b++)
            if (!placed[b] && where[b] != SIZE_MAX && (at == SIZE_MAX || where[b] < at))
                at = where[b];
        if (at == SIZE_MAX)
            break;
        buf_add(out, d->text + cursor, at - cursor);
        blank_line(out);
        bool first = true;
        for (int b = 0; b < CARD_BLOCK_COUNT; b++)
            if (!placed[b] && where[b] == at) {
                if (!first)
                    buf_addch(out, '\n');
                wrapped(out, r, (enum card_block)b);
                placed[b] = true;
                first = false;
            }
        if (at < d->len)
            buf_addch(out, '\n');   /* a blank line before the next heading */
        cursor = at;
        if (at == d->len)
            break;
    }
    buf_add(out, d->text + cursor, d->len - cursor);

    bool heading = false;
    for (int b = 0; b < CARD_CHANGELOG; b++)
        if (where[b] == SIZE_MAX) {
            blank_line(out);
            if (!heading)
                buf_addstr(out, "## Dataset statistics (generated by dsci)\n\n");
            heading = true;
            wrapped(out, r, (enum card_block)b);
        }
    if (where[CARD_CHANGELOG] == SIZE_MAX) {
        blank_line(out);
        buf_addstr(out, "## Changelog\n\n");
        wrapped(out, r, CARD_CHANGELOG);
    }
}

int card_render(struct buf *out, const char *path, const char *existing, size_t existing_len,
                const struct card_input *in)
{
    struct card_doc doc;
    struct render r = { in, NULL, NULL, 0 };
    struct buf text = BUF_INIT;
    int rc;

    if (existing) {
        if ((rc = card_doc_parse(&doc, path, existing, existing_len)) < 0)
            return rc;
        r.doc = &doc;
    }
    card_features_build(&r.features, &r.n_features, card_format(in), in->sample);
    front_matter(&text, &r);
    if (!r.doc)
        template_body(&text, &r);
    else if (doc.n_marked)
        replace_blocks(&text, &r);
    else
        insert_blocks(&text, &r);
    buf_add(out, text.ptr, text.len);
    buf_release(&text);
    card_features_free(r.features, r.n_features);
    if (r.doc)
        card_doc_release(&doc);
    return 0;
}
