/*
 * The changelog block: one entry per version, newest first, from the version file and
 * the diff. Entries already in the card are kept byte for byte.
 */
#include "card/card_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Offset of the first "### " line of text, or len. */
static size_t first_entry(const char *text, size_t len)
{
    for (size_t off = 0; off < len;) {
        if (len - off >= 4 && !memcmp(text + off, "### ", 4))
            return off;
        const char *nl = memchr(text + off, '\n', len - off);
        off = nl ? (size_t)(nl - text) + 1 : len;
    }
    return len;
}

/* Whether an entry "### VERSION ..." exists (VERSION with an optional leading 'v'). */
static bool has_entry(const char *text, size_t len, const char *version)
{
    size_t vlen = strlen(version);
    for (size_t off = first_entry(text, len); off < len;) {
        const char *nl = memchr(text + off, '\n', len - off);
        size_t end = nl ? (size_t)(nl - text) : len;
        if (end - off >= 4 && !memcmp(text + off, "### ", 4)) {
            size_t p = off + 4;
            if (p < end && text[p] == 'v')
                p++;
            if (end - p >= vlen && !memcmp(text + p, version, vlen) &&
                (p + vlen == end || text[p + vlen] == ' ' || text[p + vlen] == '\r'))
                return true;
        }
        off = nl ? end + 1 : len;
    }
    return false;
}

static void changes_by_category(struct buf *out, const struct card_input *in)
{
    const struct diff *d = in->diff;
    const struct spec *spec = in->spec;
    bool any = false;
    for (size_t c = 0; c <= d->n_categories && c <= spec->gates.coverage.n_categories; c++) {
        const struct diff_counts *k = &d->by_category[c];
        if (!k->added && !k->removed && !k->modified)
            continue;
        buf_addstr(out, any ? "; " : "- By category: ");
        any = true;
        card_md_cell(out, c < spec->gates.coverage.n_categories ? spec->gates.coverage.categories[c].name : "(none)");
        if (k->added)
            buf_printf(out, " +%llu", (unsigned long long)k->added);
        if (k->removed)
            buf_printf(out, " \xe2\x88\x92%llu", (unsigned long long)k->removed);
        if (k->modified)
            buf_printf(out, " ~%llu", (unsigned long long)k->modified);
    }
    if (any)
        buf_addstr(out, " (+ added, \xe2\x88\x92 removed, ~ modified)\n");
}

static void changelog_entry(struct buf *out, const struct card_input *in)
{
    const struct version_file *vf = in->vf;
    /* The entry describes the version's own data: the run when it is that data, else
     * the version's tag (in->release), else what the version file records for it. */
    bool unreleased = card_unreleased(in);
    const struct result *counted = unreleased ? in->release : in->result;
    char *date = card_created_date(vf);
    buf_addstr(out, "### ");
    card_md_cell(out, vf->version);
    if (date)
        buf_printf(out, " (%s)", date);
    free(date);
    buf_addstr(out, "\n\n- ");
    if (counted)
        card_example_counts(out, in, counted, " examples");
    else if (vf->n_splits)
        card_recorded_counts(out, vf, " examples");
    else
        buf_addstr(out, "Examples not recorded (the version file lists no splits)");
    buf_addch(out, '\n');
    if (in->diff && counted) {
        const struct diff_counts *t = &in->diff->total;
        buf_addstr(out, "- Since ");
        card_md_code(out, in->baseline ? in->baseline : "the baseline");
        buf_printf(out, ": %llu added, %llu removed, %llu modified\n", (unsigned long long)t->added,
                   (unsigned long long)t->removed, (unsigned long long)t->modified);
        if (in->diff->by_category && in->diff->n_categories)
            changes_by_category(out, in);
    } else if (vf->previous && vf->has_changes) {
        buf_addstr(out, "- Since ");
        card_md_cell(out, vf->previous);
        buf_printf(out, ": %llu added, %llu removed, %llu modified (as the version file records)\n",
                   (unsigned long long)vf->added, (unsigned long long)vf->removed,
                   (unsigned long long)vf->modified);
    } else if (vf->previous) {
        buf_addstr(out, "- Previous version: ");
        card_md_cell(out, vf->previous);
        buf_addstr(out, " (not compared: no baseline to diff against)\n");
    } else {
        buf_addstr(out, "- First version\n");
    }
}

/*
 * One entry per version, newest first. The entries already written are kept as they
 * are; the version file's version gets an entry when it has none. So the block only
 * changes when the version does, and rerunning changes nothing.
 */
void card_changelog_render(struct buf *out, const struct card_input *in, const char *old, size_t old_len)
{
    size_t first = old ? first_entry(old, old_len) : 0;
    bool have_entries = old && first < old_len;
    if (!in->vf || !in->vf->version) {
        if (have_entries)
            buf_add(out, old, old_len);
        else
            buf_addstr(out, "No version recorded yet: run `dsci bump`, then `dsci card`.\n");
        return;
    }
    if (have_entries && has_entry(old, old_len, in->vf->version)) {
        buf_add(out, old, old_len);
        return;
    }
    if (have_entries)
        buf_add(out, old, first);   /* a line above the entries stays above them */
    changelog_entry(out, in);
    if (have_entries) {
        buf_addch(out, '\n');
        buf_add(out, old + first, old_len - first);
    }
}
