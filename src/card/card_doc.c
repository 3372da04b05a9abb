/*
 * Reading an existing card: where the front matter is and which top-level keys it has,
 * where dsci's blocks are, and the headings a card without blocks gets them under.
 * Line-based on purpose: the card is the author's file, so it is never re-serialized;
 * only byte ranges are located, to be copied or replaced.
 */
#include "card/card_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/xalloc.h"

static const char marker_open[] = "<!-- dsci:";

/* The line starting at `off`: its end (at '\n' or len) and the start of the next. */
static size_t line_end(const char *t, size_t len, size_t off, size_t *next)
{
    const char *nl = memchr(t + off, '\n', len - off);
    size_t end = nl ? (size_t)(nl - t) : len;
    *next = nl ? end + 1 : len;
    return end;
}

/* [s, e) without leading and trailing blanks (spaces, tabs, CR). */
static void trim(const char *t, size_t *s, size_t *e)
{
    while (*s < *e && (t[*s] == ' ' || t[*s] == '\t' || t[*s] == '\r'))
        (*s)++;
    while (*e > *s && (t[*e - 1] == ' ' || t[*e - 1] == '\t' || t[*e - 1] == '\r'))
        (*e)--;
}

static bool is_blank(const char *t, size_t s, size_t e)
{
    trim(t, &s, &e);
    return s == e;
}

static size_t line_number(const char *t, size_t off)
{
    size_t n = 1;
    for (const char *p = t; (p = memchr(p, '\n', (size_t)(t + off - p))); p++)
        n++;
    return n;
}

/* The key of a top-level "key: value" line, or NULL when the line is not one (it is then
 * a continuation: a flow collection's closing bracket, a complex key...). */
static char *top_level_key(const char *t, size_t s, size_t e)
{
    char c = t[s];
    if (c == ' ' || c == '\t' || c == '#' || c == '-' || c == '?' || c == '\r')
        return NULL;
    if (c == '"' || c == '\'') {
        size_t q = s + 1;
        while (q < e && t[q] != c)
            q += (c == '"' && t[q] == '\\' && q + 1 < e) ? 2 : 1;
        if (q >= e || q + 1 >= e || t[q + 1] != ':')
            return NULL;
        return xstrndup(t + s + 1, q - s - 1);
    }
    for (size_t i = s; i < e; i++) {
        if (t[i] == ':' && (i + 1 == e || t[i + 1] == ' ' || t[i + 1] == '\t' || t[i + 1] == '\r')) {
            size_t ke = i;
            while (ke > s && (t[ke - 1] == ' ' || t[ke - 1] == '\t'))
                ke--;
            return xstrndup(t + s, ke - s);
        }
        if (t[i] == ' ' && i + 1 < e && t[i + 1] == '#')
            return NULL;   /* a comment before any colon */
    }
    return NULL;
}

static void parse_front_matter_keys(struct card_doc *d)
{
    const char *t = d->text;
    size_t alloc = 0, next;
    for (size_t off = d->fm_off; off < d->fm_end; off = next) {
        size_t e = line_end(t, d->fm_end, off, &next);
        if (is_blank(t, off, e) || t[off] == '#')
            continue;   /* lead of the next key, or tail */
        char *key = top_level_key(t, off, e);
        if (!key) {
            if (d->n_entries)
                d->entries[d->n_entries - 1].end_off = next;
            continue;   /* before any key: stays in the first key's lead */
        }
        ALLOC_GROW(d->entries, d->n_entries + 1, alloc);
        struct card_fm_entry *en = &d->entries[d->n_entries++];
        en->key = key;
        en->key_off = off;
        en->end_off = next;
    }
    /* A key's lead starts where the previous key's last continuation line ends. */
    for (size_t i = 0; i < d->n_entries; i++)
        d->entries[i].lead_off = i ? d->entries[i - 1].end_off : d->fm_off;
    d->fm_tail_off = d->n_entries ? d->entries[d->n_entries - 1].end_off : d->fm_off;
}

/* The front matter: "---" on the first line, closed by the next "---" line. */
static int find_front_matter(struct card_doc *d, const char *path)
{
    const char *t = d->text;
    size_t next, s = 0, e = line_end(t, d->len, 0, &next);
    size_t ts = s, te = e;
    trim(t, &ts, &te);
    if (d->len < 3 || ts != 0 || te - ts != 3 || memcmp(t, "---", 3) != 0)
        return 0;
    d->has_fm = true;
    d->fm_off = next;
    for (size_t off = next; off < d->len; off = next) {
        e = line_end(t, d->len, off, &next);
        s = off;
        trim(t, &s, &e);
        if (s == off && e - s == 3 && !memcmp(t + s, "---", 3)) {
            d->fm_end = off;
            d->body_off = next;
            parse_front_matter_keys(d);
            return 0;
        }
    }
    return err_set(DSCI_EUSAGE, "%s:1: the front matter is not closed: no '---' line after the opening one",
                   path);
}

static int marker_error(const char *path, const char *t, size_t off, const char *message)
{
    return err_set(DSCI_EUSAGE, "%s:%zu: %s", path, line_number(t, off), message);
}

static int block_by_name(const char *name, size_t len)
{
    for (int b = 0; b < CARD_BLOCK_COUNT; b++) {
        const char *n = card_block_name((enum card_block)b);
        if (strlen(n) == len && !memcmp(n, name, len))
            return b;
    }
    return -1;
}

static int not_a_marker(const char *path, const char *t, size_t off, const char *shown)
{
    char message[200];
    snprintf(message, sizeof(message),
             "'%s' is not a dsci marker (expected '<!-- dsci:begin NAME -->' or '<!-- dsci:end NAME -->')",
             shown);
    return marker_error(path, t, off, message);
}

/* One marker line ("<!-- dsci:begin NAME -->"): *is_begin and the block, or an error. */
static int parse_marker(const char *path, const char *t, size_t off, size_t s, size_t e, bool *is_begin,
                        int *block)
{
    char shown[96];
    snprintf(shown, sizeof(shown), "%.*s", (int)(e - s > 80 ? 80 : e - s), t + s);
    size_t p = s + sizeof(marker_open) - 1;
    size_t word_len = 0;
    if (e - p >= 6 && !memcmp(t + p, "begin ", 6)) {
        *is_begin = true;
        word_len = 6;
    } else if (e - p >= 4 && !memcmp(t + p, "end ", 4)) {
        *is_begin = false;
        word_len = 4;
    } else {
        return not_a_marker(path, t, off, shown);
    }
    p += word_len;
    size_t name_end = p;
    while (name_end < e && t[name_end] != ' ')
        name_end++;
    size_t rest = name_end;
    while (rest < e && t[rest] == ' ')
        rest++;
    if (name_end == p || e - rest != 3 || memcmp(t + rest, "-->", 3) != 0)
        return not_a_marker(path, t, off, shown);
    *block = block_by_name(t + p, name_end - p);
    if (*block < 0) {
        char message[160];
        snprintf(message, sizeof(message),
                 "unknown dsci block '%.*s' (known: summary, structure, statistics, coverage, quality, "
                 "checksums, changelog)", (int)(name_end - p > 60 ? 60 : name_end - p), t + p);
        return marker_error(path, t, off, message);
    }
    return 0;
}

/* A code fence line: its character and length, 0 when the line is not one. */
static size_t fence_at(const char *t, size_t s, size_t e, char *ch)
{
    size_t i = s, indent = 0;
    while (i < e && t[i] == ' ' && indent < 4)
        i++, indent++;
    if (indent > 3 || i >= e || (t[i] != '`' && t[i] != '~'))
        return 0;
    size_t run = 0;
    while (i + run < e && t[i + run] == t[i])
        run++;
    if (run < 3)
        return 0;
    if (t[i] == '`' && memchr(t + i + run, '`', e - i - run))
        return 0;   /* CommonMark: a backtick fence's info string has no backticks */
    *ch = t[i];
    return run;
}

static void scan_body(struct card_doc *d, size_t *heading_alloc, size_t off, size_t e, char *fence_ch,
                      size_t *fence_len)
{
    const char *t = d->text;
    char ch;
    size_t run = fence_at(t, off, e, &ch);
    if (*fence_len) {
        /* inside a fence: only a closing fence matters */
        size_t s = off, te = e;
        trim(t, &s, &te);
        if (run && ch == *fence_ch && run >= *fence_len && s + run == te)
            *fence_len = 0;
        return;
    }
    if (run) {
        *fence_ch = ch;
        *fence_len = run;
        return;
    }
    size_t i = off, indent = 0;
    while (i < e && t[i] == ' ' && indent < 4)
        i++, indent++;
    if (indent > 3 || i >= e || t[i] != '#')
        return;
    size_t level = 0;
    while (i + level < e && t[i + level] == '#')
        level++;
    if (level > 6 || (i + level < e && t[i + level] != ' ' && t[i + level] != '\t' && t[i + level] != '\r'))
        return;
    size_t s = i + level, te = e;
    trim(t, &s, &te);
    /* an optional closing sequence of #s after a space */
    size_t c = te;
    while (c > s && t[c - 1] == '#')
        c--;
    if (c < te && (c == s || t[c - 1] == ' ' || t[c - 1] == '\t')) {
        te = c;
        trim(t, &s, &te);
    }
    ALLOC_GROW(d->headings, d->n_headings + 1, *heading_alloc);
    struct card_heading *h = &d->headings[d->n_headings++];
    h->off = off;
    h->text = t + s;
    h->text_len = te - s;
}

int card_doc_parse(struct card_doc *out, const char *path, const char *text, size_t len)
{
    struct card_doc *d = out;
    int rc;
    memset(d, 0, sizeof(*d));
    d->text = text;
    d->len = len;
    if ((rc = find_front_matter(d, path)) < 0)
        goto fail;

    int open = -1;
    size_t heading_alloc = 0, fence_len = 0, next;
    char fence_ch = 0;
    for (size_t off = d->body_off; off < len; off = next) {
        size_t e = line_end(text, len, off, &next);
        size_t s = off, te = e;
        trim(text, &s, &te);
        if (te - s < sizeof(marker_open) - 1 || memcmp(text + s, marker_open, sizeof(marker_open) - 1) != 0) {
            scan_body(d, &heading_alloc, off, e, &fence_ch, &fence_len);
            continue;
        }
        bool is_begin = false;
        int b = 0;
        if ((rc = parse_marker(path, text, off, s, te, &is_begin, &b)) < 0)
            goto fail;
        const char *name = card_block_name((enum card_block)b);
        char message[200];
        if (is_begin) {
            if (open >= 0) {
                snprintf(message, sizeof(message),
                         "'<!-- dsci:begin %s -->' inside block '%s' (opened at line %zu): blocks cannot nest",
                         name, card_block_name((enum card_block)open), d->blocks[open].line);
                rc = marker_error(path, text, off, message);
                goto fail;
            }
            if (d->blocks[b].present) {
                snprintf(message, sizeof(message), "block '%s' appears twice (first at line %zu)", name,
                         d->blocks[b].line);
                rc = marker_error(path, text, off, message);
                goto fail;
            }
            d->blocks[b].present = true;
            d->blocks[b].line = line_number(text, off);
            d->blocks[b].begin_off = off;
            d->blocks[b].content_off = next;
            d->n_marked++;
            open = b;
        } else {
            if (open < 0) {
                snprintf(message, sizeof(message), "'<!-- dsci:end %s -->' without a matching begin", name);
                rc = marker_error(path, text, off, message);
                goto fail;
            }
            if (open != b) {
                snprintf(message, sizeof(message),
                         "'<!-- dsci:end %s -->' does not close block '%s' (opened at line %zu)", name,
                         card_block_name((enum card_block)open), d->blocks[open].line);
                rc = marker_error(path, text, off, message);
                goto fail;
            }
            d->blocks[b].content_end = off;
            d->blocks[b].end_end = next;
            open = -1;
        }
    }
    if (open >= 0) {
        const char *name = card_block_name((enum card_block)open);
        rc = err_set(DSCI_EUSAGE, "%s:%zu: '<!-- dsci:begin %s -->' has no matching '<!-- dsci:end %s -->'", path,
                     d->blocks[open].line, name, name);
        goto fail;
    }
    return 0;
fail:
    card_doc_release(d);
    return rc;
}

void card_doc_release(struct card_doc *doc)
{
    for (size_t i = 0; i < doc->n_entries; i++)
        free(doc->entries[i].key);
    free(doc->entries);
    free(doc->headings);
    doc->entries = NULL;
    doc->headings = NULL;
    doc->n_entries = doc->n_headings = 0;
}

const struct card_fm_entry *card_doc_key(const struct card_doc *doc, const char *key)
{
    for (size_t i = 0; i < doc->n_entries; i++)
        if (!strcmp(doc->entries[i].key, key))
            return &doc->entries[i];
    return NULL;
}
