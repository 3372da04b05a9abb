/*
 * Contradictory preference pairs (gates/preference.c): two records with the same prompt
 * and the same two replies, one preferring A to B and the other B to A. Each pair is kept
 * as its prompt's hash and its two replies' hashes in a fixed order (the smaller first)
 * with the direction apart, so both records of a contradiction sort next to each other
 * wherever they are in the run (any file, any split).
 *
 *   struct pair_order_list l = PAIR_ORDER_LIST_INIT;
 *   pair_order_add(&l, prompt, chosen, rejected, file, pos, h0, h1);   // per pair, in run order
 *   pair_order_contradictions(&l, on_contradiction, arg);             // then in file order
 *   pair_order_release(&l);
 */
#ifndef DSCI_GATES_PAIR_ORDER_H
#define DSCI_GATES_PAIR_ORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gates/common.h"

struct pair_order {
    uint64_t prompt, lo, hi;   /* the prompt's hash, the replies' hashes, smaller first */
    uint64_t pos;              /* gate_example_pos() of the record */
    uint64_t h0, h1;           /* the record's content hash (for finding keys) */
    uint32_t file;
    uint32_t chosen_lo;        /* 1: the record chose reply `lo` */
};

struct pair_order_list {
    struct pair_order *v;      /* in mem */
    size_t n;
    struct gate_vec mem;
};

#define PAIR_ORDER_LIST_INIT { NULL, 0, GATE_VEC_INIT }

/* A pair whose replies differ (equal replies are the identical check's, never a
 * contradiction). */
void pair_order_add(struct pair_order_list *l, uint64_t prompt, uint64_t chosen, uint64_t rejected,
                    uint32_t file, uint64_t pos, uint64_t h0, uint64_t h1);

/* Calls cb once per record that prefers the other reply than the first record (in file
 * order) with the same prompt and replies does, with that first record as `other`, in
 * file order of `at`. Sorts the list. Returns how many. */
typedef void (*pair_order_fn)(void *arg, const struct pair_order *at, const struct pair_order *other);
uint64_t pair_order_contradictions(struct pair_order_list *l, pair_order_fn cb, void *arg);

void pair_order_release(struct pair_order_list *l);

#endif
