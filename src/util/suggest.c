#include "util/suggest.h"

#include <stdint.h>
#include <string.h>

/* Keys and names are short; a longer word is not a typo of any of them, and the cap
 * keeps the three rows below on the stack. */
#define SUGGEST_MAX_LEN 256

size_t suggest_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t rows[3][SUGGEST_MAX_LEN + 1];
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];

    if (la > SUGGEST_MAX_LEN || lb > SUGGEST_MAX_LEN)
        return SIZE_MAX;
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = prev[j] + 1;               /* deletion */
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;               /* insertion */
            if (prev[j - 1] + cost < best)
                best = prev[j - 1] + cost;           /* substitution */
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;             /* swap of neighbours */
            cur[j] = best;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}

const char *suggest_closest(const char *word, const char *const *candidates, size_t n)
{
    size_t len = strlen(word);
    size_t limit = len / 3 > 2 ? len / 3 : 2;
    const char *best = NULL;
    size_t best_distance = SIZE_MAX;

    for (size_t i = 0; i < n; i++) {
        if (!candidates[i])
            continue;
        size_t d = suggest_distance(word, candidates[i]);
        if (d <= limit && d < best_distance) {
            best = candidates[i];
            best_distance = d;
        }
    }
    if (best)
        return best;
    /* A longer spelling of a word ("blocking", "warning") is too far by edits, yet
     * plainly meant: take a candidate that starts the word. */
    for (size_t i = 0; i < n; i++)
        if (candidates[i] && strlen(candidates[i]) >= 3 &&
            !strncmp(word, candidates[i], strlen(candidates[i])))
            return candidates[i];
    return NULL;
}
