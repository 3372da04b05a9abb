#include "gates/quality_names.h"

#include <stdlib.h>
#include <string.h>

#include "util/text_hash.h"
#include "util/xalloc.h"

static size_t slot_of(const struct name_table *t, uint64_t h1)
{
    return (size_t)(h1 & (t->n - 1));
}

static bool holds(const struct name_vote *v, uint64_t h0, uint64_t h1)
{
    return v->votes && v->h0 == h0 && v->h1 == h1;
}

static void vote_put(struct name_table *t, const struct name_vote *e)
{
    struct name_vote *s = &t->votes[slot_of(t, e->h1)];
    if (holds(s, e->h0, e->h1)) {
        s->votes += e->votes;
    } else if (s->votes > e->votes) {
        s->votes -= e->votes;
    } else {
        *s = *e;
    }
}

static void grow(struct name_table *t)
{
    size_t n = t->n ? 2 * t->n : 256;
    struct name_table bigger = { xcalloc(n, sizeof(struct name_vote)), xcalloc(n, sizeof(struct text_name)), n };
    for (size_t i = 0; i < t->n; i++)
        if (t->votes[i].votes)
            vote_put(&bigger, &t->votes[i]);
    /* A name at slot i has a hash whose low bits are i, so no two land on one slot. */
    for (size_t i = 0; i < t->n; i++)
        if (t->names[i].set)
            bigger.names[slot_of(&bigger, t->names[i].h1)] = t->names[i];
    quality_names_release(t);
    *t = bigger;
}

void quality_names_vote(struct name_table *t, uint64_t texts_seen, const uint64_t h[2])
{
    if (t->n < NAME_SLOTS_MAX && texts_seen >= 4 * (uint64_t)t->n)
        grow(t);
    struct name_vote *s = &t->votes[slot_of(t, h[1])];
    if (holds(s, h[0], h[1])) {
        s->votes++;
        return;
    }
    if (s->votes > 1) {
        s->votes--;
        return;
    }
    s->h0 = h[0];
    s->h1 = h[1];
    s->votes = 1;
    s->named = 0;
}

static void name_set(struct text_name *name, uint64_t h0, uint64_t h1, const char *text, size_t len)
{
    /* a whole UTF-8 sequence or none at the cut */
    size_t keep = len < NAME_BYTES ? len : NAME_BYTES;
    if (keep < len)
        while (keep > 0 && ((unsigned char)text[keep] & 0xc0) == 0x80)
            keep--;
    name->h0 = h0;
    name->h1 = h1;
    name->set = true;
    name->len = (uint32_t)keep;
    name->cut = keep < len;
    memcpy(name->text, text, keep);
}

bool quality_names_wanted(const struct name_table *t, uint64_t h0, uint64_t h1)
{
    return t->n && holds(&t->votes[slot_of(t, h1)], h0, h1);
}

bool quality_names_known(const struct name_table *t, uint64_t h0, uint64_t h1)
{
    if (!t->n)
        return false;
    const struct text_name *name = &t->names[slot_of(t, h1)];
    return name->set && name->h0 == h0 && name->h1 == h1;
}

void quality_names_learn(struct name_table *t, const uint64_t h[2], const char *text, size_t len)
{
    if (!t->n)
        return;
    struct name_vote *v = &t->votes[slot_of(t, h[1])];
    if (!holds(v, h[0], h[1]) || v->named)   /* the common answers, from the vote slot alone */
        return;
    if (!quality_names_known(t, h[0], h[1]))
        name_set(&t->names[slot_of(t, h[1])], h[0], h[1], text, len);
    v->named = 1;
}

bool quality_names_learn_from(struct name_table *t, const struct example *ex, uint64_t h0, uint64_t h1)
{
    if (!t->n)
        return false;
    for (size_t i = 0; i < ex->n_turns; i++) {
        const struct turn *turn = &ex->turns[i];
        if (!turn->text)
            continue;
        uint64_t h[2];
        text_hash128(h, turn->text, turn->text_len);
        if (h[0] == h0 && h[1] == h1) {
            name_set(&t->names[slot_of(t, h1)], h0, h1, turn->text, turn->text_len);
            struct name_vote *v = &t->votes[slot_of(t, h1)];
            if (holds(v, h0, h1))
                v->named = 1;
            return true;
        }
    }
    return false;
}

void quality_names_quote(char *out, size_t size, const struct name_table *t, uint64_t h0, uint64_t h1)
{
    out[0] = '\0';
    if (!quality_names_wanted(t, h0, h1) || !quality_names_known(t, h0, h1))
        return;
    const struct text_name *s = &t->names[slot_of(t, h1)];
    size_t o = 0;
    out[o++] = '"';
    for (size_t i = 0; i < s->len && o + 8 < size; i++) {
        unsigned char ch = (unsigned char)s->text[i];
        out[o++] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;   /* one line */
    }
    while (s->cut && o > 1 && out[o - 1] == ' ')
        o--;   /* "saved…", not "saved …" */
    if (s->cut && o + 4 < size) {
        memcpy(out + o, "\xe2\x80\xa6", 3);
        o += 3;
    }
    out[o++] = '"';
    out[o] = '\0';
}

void quality_names_release(struct name_table *t)
{
    free(t->votes);
    free(t->names);
    t->votes = NULL;
    t->names = NULL;
    t->n = 0;
}
