#!/usr/bin/env python3
"""A straightforward Python MinHash near-duplicate + leakage pass, for speed comparison only.

Usage:  python3 bench/reference_minhash.py SPEC_DIR [--limit N]

Reads train.jsonl, val.jsonl and test.jsonl (ShareGPT) from SPEC_DIR, computes the same
signatures dsci does (tokens and shingles as in src/run/minhash.c, 128 slots of
((a*x + b) mod 2^64) >> 32 over 32-bit shingle hashes), LSH-bands them (14 x 9 for 0.8 within
a split, 8 x 16 for 0.9 across train/held-out) and verifies candidates. Prints examples/s.
Its hash of a shingle is Python's, not dsci's, so pairs may differ slightly; it measures
the work, not the answer (bench/near_dup_recall.py compares answers).
"""
import argparse
import json
import os
import sys
import time
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from near_dup_recall import shingles  # noqa: E402  (the same tokenizer rules)

MASK64 = (1 << 64) - 1
PERMS = 128


def permutations(seed=0x6473636923D5A1E7):
    a, b, s = [], [], seed
    for _ in range(PERMS):
        s = (s + 0x9E3779B97F4A7C15) & MASK64
        a.append(s | 1)
        s = (s + 0x9E3779B97F4A7C15) & MASK64
        b.append(s)
    return a, b


def signature(texts, a, b):
    hs = [hash(sh) & 0xFFFFFFFF for sh in shingles(texts, 5)]
    if not hs:
        return None
    return tuple(min(((ai * x + bi) & MASK64) >> 32 for x in hs) for ai, bi in zip(a, b))


def candidates(sigs, bands, rows):
    for band in range(bands):
        buckets = defaultdict(list)
        for i, s in enumerate(sigs):
            if s is not None:
                buckets[s[band * rows:(band + 1) * rows]].append(i)
        for members in buckets.values():
            for y in range(1, len(members)):
                for x in range(max(0, y - 32), y):
                    yield members[x], members[y]


def similarity(x, y):
    return sum(1 for p, q in zip(x, y) if p == q) / PERMS


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--limit", type=int, default=20000, help="examples read in all (default 20000)")
    args = ap.parse_args(argv)
    a, b = permutations()
    t0 = time.perf_counter()
    sigs, split, nbytes = [], [], 0
    per_file = args.limit // 3 + 1
    for s, name in enumerate(("train.jsonl", "val.jsonl", "test.jsonl")):
        with open(os.path.join(args.dir, name), "rb") as f:
            for k, line in enumerate(f):
                if k >= (args.limit - 2 * per_file if s == 0 else per_file):
                    break
                nbytes += len(line)
                rec = json.loads(line)
                sigs.append(signature([m.get("value") for m in rec["conversations"]], a, b))
                split.append(s)
    dups, leaks = set(), set()
    for x, y in candidates(sigs, 14, 9):
        if split[x] == split[y] and similarity(sigs[x], sigs[y]) >= 0.8 - 1e-9:
            dups.add((x, y))
    for x, y in candidates(sigs, 8, 16):
        if (split[x] == 0) != (split[y] == 0) and similarity(sigs[x], sigs[y]) >= 0.9 - 1e-9:
            leaks.add((x, y))
    dt = time.perf_counter() - t0
    print(f"reference_minhash: {len(sigs)} examples, {nbytes / 1e6:.1f} MB in {dt:.2f} s: "
          f"{len(sigs) / dt:.0f} examples/s, {nbytes / 1e6 / dt:.2f} MB/s; "
          f"{len(dups)} near pairs, {len(leaks)} near leaks")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
