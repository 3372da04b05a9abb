/*
 * The token counts of one split, kept whole so that p50 and p95 are exact: 4 bytes per
 * example (a count over 2^32 - 1 is kept as that), in a gate_vec mapping.
 *
 *   struct token_counts c = TOKEN_COUNTS_INIT;
 *   token_counts_add(&c, 812); ...
 *   struct result_token_stats s; token_counts_stats(&s, &c, 1);   // sorts c's counts
 *   token_counts_release(&c);
 */
#ifndef DSCI_TOKEN_STATS_H
#define DSCI_TOKEN_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "gates/common.h"
#include "run/result.h"

struct token_counts {
    struct gate_vec v;   /* uint32_t counts, in run order until stats sort them */
    uint64_t n, total, max;
};

#define TOKEN_COUNTS_INIT { GATE_VEC_INIT, 0, 0, 0 }

void token_counts_add(struct token_counts *c, uint64_t tokens);

/* Examples, total, mean, max and the nearest-rank p50 and p95 (the smallest count with
 * at least p% of the examples at or below it) of the counts of `n` token_counts taken
 * together; all zero when there are none. Sorts each one's counts; over and under are
 * left as they were. */
void token_counts_stats(struct result_token_stats *out, struct token_counts *c, size_t n);

void token_counts_release(struct token_counts *c);

#endif
