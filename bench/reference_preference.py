#!/usr/bin/env python3
"""A straightforward Python implementation of dsci's preference gate (docs/preference.md),
for bench/bench_preference.sh to time and to check dsci's counts against.

Usage:  python3 bench/reference_preference.py FILE.jsonl [--near-threshold 0.95]

Reads TRL explicit-prompt records (prompt, chosen, rejected: message lists or strings) with
json.loads per line and prints one JSON object:
  {"pairs", "identical", "near_identical", "contradictory", "chosen_longer"}
with the definitions of src/gates/preference.c:
  identical      the chosen and rejected replies are the same messages (roles and texts);
  near           not identical, and similarity = 1 - d / max(len) >= threshold, d the
                 Levenshtein distance over code points of each reply's texts joined by "\\n";
  contradictory  a record whose (prompt, {reply A, reply B}) was seen before with the other
                 reply chosen: counted per record that disagrees with the group's first
                 record in file order (identical pairs take no part);
  chosen_longer  the chosen reply has more code points than the rejected one.
The distance is computed only as far as the threshold needs: a length difference over the
allowed k = floor((1 - threshold) * longer) answers at once; otherwise the common prefix and
suffix are cut and a DP banded to k decides (stopping when a whole row is over k).
"""

import argparse
import json
import math
import sys


def turns(side, string_role):
    """A side as a tuple of (role, text): a string is one message."""
    if isinstance(side, str):
        return ((string_role, side),)
    return tuple((m.get("role"), m.get("content") or "") for m in side)


def limit_for(length, threshold):
    # as pair_distance_limit(): the epsilon keeps 0.95 * 100 from rounding down to 4.999...
    return max(0, math.floor((1.0 - threshold) * length + 1e-9))


def distance_within(a, b, k):
    """The Levenshtein distance of a and b when it is <= k, else k + 1."""
    n = min(len(a), len(b))
    p = 0
    while p < n and a[p] == b[p]:
        p += 1
    a, b = a[p:], b[p:]
    s = 0
    n = min(len(a), len(b))
    while s < n and a[-1 - s] == b[-1 - s]:
        s += 1
    if s:
        a, b = a[:-s], b[:-s]
    if abs(len(a) - len(b)) > k:
        return k + 1
    if not a or not b:
        return max(len(a), len(b))
    if len(a) > len(b):
        a, b = b, a
    n, m = len(a), len(b)
    big = k + 1
    # D[i][j] only for |i - j| <= k: a path leaving that band costs more than k already
    prev = [j if j <= k else big for j in range(m + 1)]
    cur = [big] * (m + 1)
    for i in range(1, n + 1):
        ai = a[i - 1]
        lo, hi = max(0, i - k), min(m, i + k)
        if lo > 0:
            cur[lo - 1] = big   # a stale cell of two rows ago
        row_min = big
        j = lo
        if j == 0:
            cur[0] = row_min = i
            j = 1
        left = cur[j - 1]
        for j in range(j, hi + 1):
            v = prev[j - 1] + (ai != b[j - 1])
            x = prev[j] + 1
            if x < v:
                v = x
            x = left + 1
            if x < v:
                v = x
            cur[j] = left = v
            if v < row_min:
                row_min = v
        if row_min > k:
            return k + 1
        prev, cur = cur, prev
    return min(prev[m], big)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file")
    ap.add_argument("--near-threshold", type=float, default=0.95)
    args = ap.parse_args()
    threshold = args.near_threshold
    pairs = identical = near = contradictory = chosen_longer = 0
    first_order = {}
    with open(args.file, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            rec = json.loads(line)
            prompt = turns(rec["prompt"], "user")
            chosen = turns(rec["chosen"], "assistant")
            rejected = turns(rec["rejected"], "assistant")
            pairs += 1
            a = "\n".join(t for _, t in chosen)
            b = "\n".join(t for _, t in rejected)
            chosen_longer += len(a) > len(b)
            if chosen == rejected:
                identical += 1
                continue
            longer = max(len(a), len(b))
            k = limit_for(longer, threshold)
            if abs(len(a) - len(b)) <= k and distance_within(a, b, k) <= k:
                near += 1
            key = (prompt, min(chosen, rejected), max(chosen, rejected))
            order = chosen < rejected
            seen = first_order.setdefault(key, order)
            contradictory += seen != order
    json.dump({"pairs": pairs, "identical": identical, "near_identical": near,
               "contradictory": contradictory, "chosen_longer": chosen_longer}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
