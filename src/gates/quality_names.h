/*
 * Private to the quality gate (gates/quality.c): the start of frequent message texts, so
 * a finding can quote the message it counts ("Sure, I can help…" appears 167 times)
 * although only hashes are kept per text.
 *
 * Two parts. The vote: a small table, one majority vote per slot, run on text hashes
 * only (replay() has no texts): a text keeps its slot while it comes back more often
 * than the others landing there, so a text repeated often wins its slot; a text whose
 * hash holds no slot at the end is simply not quoted. The names: beside each slot, the
 * first NAME_BYTES of the text whose hash it holds, when known. A name is a function of
 * the hash, so the names are a cache, not a count: learn() may fill them (quality_
 * names_learn) for texts whose hash holds a slot, and finish() fills the few it quotes
 * and does not know by reading their example again (quality_names_learn_from).
 *
 *   quality_names_learn(&t, h, text, len);        // learn, before the vote: cheap when not wanted
 *   quality_names_vote(&t, texts_seen, h);         // replay: the vote alone
 *   if (quality_names_wanted(&t, h0, h1) && !quality_names_known(&t, h0, h1)) reread...
 *   quality_names_quote(out, sizeof(out), &t, h0, h1);
 */
#ifndef DSCI_GATES_QUALITY_NAMES_H
#define DSCI_GATES_QUALITY_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "read/example.h"

#define NAME_BYTES 60
#define NAME_SLOTS_MAX 65536
#define NAME_QUOTE_SIZE (NAME_BYTES + 8)   /* a quote with its marks and NUL */

struct name_vote {
    uint64_t h0, h1;
    uint32_t votes;           /* 0: empty */
    uint32_t named;           /* names[] at this slot is known to hold this hash's name: a
                               * text seen again costs no look at names[] (a cache miss) */
};

/* The start of the text with hash (h0, h1). */
struct text_name {
    uint64_t h0, h1;
    bool set;
    bool cut;                 /* the text goes on */
    uint32_t len;             /* bytes kept in text */
    char text[NAME_BYTES];
};

struct name_table {
    struct name_vote *votes;
    struct text_name *names;  /* names[i]: of votes[i]'s text, when it has that hash */
    size_t n;                 /* a power of two, or 0 */
};

/* One more text (texts_seen of them so far, this one included) votes for its slot; the
 * table grows with the texts up to NAME_SLOTS_MAX slots. */
void quality_names_vote(struct name_table *t, uint64_t texts_seen, const uint64_t h[2]);

/* Asks the memory for the vote slot of a hash about to be learned or voted. */
static inline void quality_names_prefetch(const struct name_table *t, uint64_t h1)
{
    if (t->n)
        __builtin_prefetch(&t->votes[h1 & (t->n - 1)]);
}

/* Keeps the start of text[0..len) when its hash holds a slot and its name is not known. */
void quality_names_learn(struct name_table *t, const uint64_t h[2], const char *text, size_t len);

/* The text with hash (h0, h1) holds a slot: it is quoted. */
bool quality_names_wanted(const struct name_table *t, uint64_t h0, uint64_t h1);
bool quality_names_known(const struct name_table *t, uint64_t h0, uint64_t h1);

/* Learns the name of (h0, h1) from the first turn of ex with that text; false: none. */
bool quality_names_learn_from(struct name_table *t, const struct example *ex, uint64_t h0, uint64_t h1);

/* The quoted start of the text with hash (h0, h1), on one line: "Sure, I can help…";
 * empty when it holds no slot or its name is not known. */
void quality_names_quote(char *out, size_t size, const struct name_table *t, uint64_t h0, uint64_t h1);

void quality_names_release(struct name_table *t);

#endif
