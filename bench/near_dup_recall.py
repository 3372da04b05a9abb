#!/usr/bin/env python3
"""Recall and precision of dsci's near-duplicate pairs against exact Jaccard similarity.

Usage:  python3 bench/near_dup_recall.py [--examples N] [--seed N] [--threshold T ...]
                                         [--shingle N] [--permutations N]
                                         [--near-pairs PATH] [--data PATH]

Generates a deterministic ShareGPT JSONL file (default 3000 examples of about 500 characters)
in which some examples have planted near-duplicate paraphrases: copies edited by word
substitutions, insertions, deletions, swaps and case / punctuation changes until their true
Jaccard similarity to the original falls to a target drawn from 0.5-1.0 (one in ten gets case
and punctuation changes only: similarity 1.0, different content).  Then

  * computes the exact Jaccard similarity of the shingle sets of every pair of examples, with
    the tokenization and shingling of src/run/minhash.c (docs/near-duplicates.md): shingles are
    tuples of tokens, so this is the exact set, where dsci hashes shingles to 32 bits.  Pairs
    that share no shingle have similarity 0; the others are counted through an inverted index
    (shingle -> examples), so every pair is accounted for without a Python loop over n^2;
  * runs near_pairs (bench/near_pairs.c: the duplicates gate's signatures, LSH and
    verification) once per threshold for the verified pairs, and once with --candidates for
    the LSH candidates before verification;
  * prints recall (true pairs with J >= t that near_pairs reports), precision (reported pairs
    whose true J >= t), a table by true-J band with the candidate and detection rates next to
    the rates an ideal MinHash predicts (independent signature slots, each equal with
    probability J), the estimate error, and the runtimes.

The leakage gate verifies train / held-out pairs exactly like this at leakage.near_threshold
(default 0.9) over the same signatures, so `--threshold 0.9` measures its pair detection.

Exit status: 0 after a report (whatever the numbers), 2 on a usage or setup error (near_pairs
missing or failing).
"""

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_NEAR_PAIRS = os.path.join(ROOT, "build", "bench", "near_pairs")
EPS = 1e-9          # the gates verify at threshold - 1e-9


# --------------------------------------------------------------------------------------------
# Tokenization and shingles: the rules of src/run/minhash.c (word_cp, shingle_text)
# --------------------------------------------------------------------------------------------

def word_cp(c):
    """Word character, decided on the lower-cased code point (src/run/minhash.c word_cp)."""
    if c < 0x80:
        return 0x30 <= c <= 0x39 or 0x61 <= c <= 0x7A or 0x41 <= c <= 0x5A
    if c <= 0xBF or c == 0xD7 or c == 0xF7:
        return False
    if 0x2000 <= c <= 0x2BFF:
        return False
    if 0x3000 <= c <= 0x303F:
        return False
    if 0xFE10 <= c <= 0xFE6F:
        return False
    if (0xFF01 <= c <= 0xFF0F or 0xFF1A <= c <= 0xFF20 or 0xFF3B <= c <= 0xFF40
            or 0xFF5B <= c <= 0xFF65):
        return False
    if 0x1F000 <= c <= 0x1FAFF:
        return False
    if 0xFE00 <= c <= 0xFE0F:
        return False
    return True


def tokens(text):
    """Maximal runs of word characters after per-code-point str.lower(); final sigma folds to
    sigma.  Each code point is lower-cased alone (no final-sigma context), as dsci does."""
    out = []
    cur = []
    for ch in text:
        for lc in ch.lower():
            if lc == "\u03c2":
                lc = "\u03c3"
            if word_cp(ord(lc)):
                cur.append(lc)
            elif cur:
                out.append("".join(cur))
                cur = []
    if cur:
        out.append("".join(cur))
    return out


def shingles(texts, k):
    """The shingle set of an example: k consecutive tokens of one turn; a turn with fewer
    than k tokens (but at least one) gives one shorter shingle; none cross turns."""
    out = set()
    for text in texts:
        if text is None:
            continue
        t = tokens(text)
        if not t:
            continue
        if len(t) < k:
            out.add(tuple(t))
        else:
            for i in range(len(t) - k + 1):
                out.add(tuple(t[i:i + k]))
    return out


def jaccard(a, b):
    if not a and not b:
        return 1.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


# --------------------------------------------------------------------------------------------
# The generated dataset
# --------------------------------------------------------------------------------------------

SYLLABLES = """ka lo mi ne ru ta vo shi pe da gu ri zo ben tal mor vik sel dran po
lu fe na qui ster ga ro mel tis on ar ec ul im bor cal dis fen har jor kel lim nor pra""".split()

FUNCTION_WORDS = """the a an to of in on for with and or but is are was be this that it
you we they can will should please here there then also not only just more most some any
each every from by at as about into over after before""".split()

# Non-ASCII words that exercise the tokenizer: letters with diacritics, final sigma, a dotted
# capital I (lower-cases to two code points), CJK runs (one token each), Cyrillic.
UNICODE_WORDS = """naïve Straße café résumé Zürich ΟΔΟΣ οδός Σοφός İstanbul 中文文档 日本語メモ
한국어노트 Привет данные São façade""".split()

# Non-word runs that now and then follow a word (besides the sentence punctuation).
SEPARATORS = [" —", " 🙂", " /", "…", " (", ")", " «", "»"]

SYSTEM_PROMPTS = [
    "You are a helpful assistant.",
    "You are a concise assistant for project management questions.",
    "Answer as a friendly support agent.",
]


def make_vocab(rng, n):
    words = set()
    while len(words) < n:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))))
    return sorted(words)


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.content = make_vocab(self.rng, 4000)

    def word(self):
        r = self.rng.random()
        if r < 0.30:
            return self.rng.choice(FUNCTION_WORDS)
        if r < 0.33:
            return self.rng.choice(UNICODE_WORDS)
        return self.rng.choice(self.content)

    def sentence(self):
        words = [self.word() for _ in range(self.rng.randint(6, 14))]
        words[0] = words[0][:1].upper() + words[0][1:]
        words[-1] += self.rng.choice([".", ".", ".", "?", "!"])
        if self.rng.random() < 0.4:
            i = self.rng.randrange(len(words) - 1)
            words[i] += ","
        if self.rng.random() < 0.2:
            i = self.rng.randrange(len(words) - 1)
            words[i] += self.rng.choice(SEPARATORS)
        return words

    def turn(self, chars):
        """A turn as a list of words (with attached punctuation), about `chars` long."""
        words = []
        while sum(len(w) + 1 for w in words) < chars:
            words.extend(self.sentence())
        return words

    def example(self):
        """[(role, [words...] or a fixed text)], about 500 characters of text."""
        ex = []
        if self.rng.random() < 0.3:
            ex.append(("system", self.rng.choice(SYSTEM_PROMPTS)))
        if self.rng.random() < 0.75:
            ex.append(("human", self.turn(self.rng.randint(80, 140))))
            ex.append(("gpt", self.turn(self.rng.randint(300, 400))))
        else:
            for _ in range(2):
                ex.append(("human", self.turn(self.rng.randint(40, 80))))
                ex.append(("gpt", self.turn(self.rng.randint(120, 180))))
        return ex

    def edit(self, ex, neutral_only):
        """One random edit of one word list in place; neutral edits change case or
        punctuation only (the tokens stay, except where case mapping changes letters)."""
        rng = self.rng
        turns = [i for i, (_, t) in enumerate(ex) if isinstance(t, list)]
        words = ex[rng.choice(turns)][1]
        op = rng.choices(["case", "punct"] if neutral_only else
                         ["sub", "ins", "del", "swap", "case", "punct"],
                         weights=[1, 1] if neutral_only else [35, 20, 20, 5, 10, 10])[0]
        # a third of the edits at either end of the turn, where fewer shingles cover a word:
        # they make the similarities between 0.9 and 1 that one edit in the middle skips
        if rng.random() < 1 / 3:
            i = rng.choice([0, 1, len(words) - 2, len(words) - 1])
            i = min(max(i, 0), len(words) - 1)
        else:
            i = rng.randrange(len(words))
        w = words[i]
        stem = w.rstrip(",.?!;:")
        tail = w[len(stem):]
        if op == "sub":
            words[i] = self.word() + tail
        elif op == "ins":
            words.insert(i, self.word())
        elif op == "del" and len(words) > 3:
            del words[i]
        elif op == "swap" and i + 1 < len(words):
            words[i], words[i + 1] = words[i + 1], words[i]
        elif op == "case":
            words[i] = rng.choice([str.upper, str.lower, str.title, str.capitalize])(stem) + tail
        elif op == "punct":
            words[i] = stem + rng.choice(["", ",", ";", ".", "!", " -", ":"])


def render(ex):
    """[(role, text)]: word lists joined with single spaces."""
    return [(r, " ".join(t) if isinstance(t, list) else t) for r, t in ex]


def generate(n, seed, k):
    """The records (lists of (role, text)) in file order: bases, and for 40% of them one to
    three edited variants, shuffled.  No two records are the same."""
    g = Gen(seed)
    rng = g.rng
    records = []
    seen = set()
    while len(records) < n:
        base = g.example()
        base_rec = render(base)
        key = tuple(base_rec)
        if key in seen:
            continue
        seen.add(key)
        records.append(base_rec)
        if rng.random() >= 0.4:
            continue
        base_sh = shingles([x for _, x in base_rec], k)
        for _ in range(rng.choice([1, 1, 2, 3])):
            if len(records) >= n:
                break
            var = [(r, list(t) if isinstance(t, list) else t) for r, t in base]
            neutral = rng.random() < 0.1
            target = 1.0 if neutral else rng.uniform(0.5, 1.0)
            for _attempt in range(200):
                g.edit(var, neutral)
                rec = render(var)
                if tuple(rec) in seen:
                    continue
                if neutral or jaccard(base_sh, shingles([x for _, x in rec], k)) <= target:
                    break
            seen.add(tuple(rec))
            records.append(rec)
    rng.shuffle(records)
    return records


def write_jsonl(path, records):
    with open(path, "w", encoding="utf-8") as f:
        for i, rec in enumerate(records):
            obj = {"id": "ex-%05d" % i,
                   "conversations": [{"from": r, "value": x} for r, x in rec]}
            f.write(json.dumps(obj, ensure_ascii=False) + "\n")


# --------------------------------------------------------------------------------------------
# Exact all-pairs similarity
# --------------------------------------------------------------------------------------------

def exact_pairs(records, k):
    """{(i, j): J} for every pair i < j with J > 0 (all other pairs have J = 0), leaving out
    examples without a token and exact copies after the first, as near_pairs does."""
    ids = {}
    sets = []
    seen = {}
    left_out = 0
    for idx, rec in enumerate(records):
        key = tuple(rec)
        sh = shingles([x for _, x in rec], k)
        if not sh or key in seen:
            left_out += 1
            sets.append(None)
            continue
        seen[key] = idx
        sets.append([ids.setdefault(s, len(ids)) for s in sh])
    postings = [[] for _ in range(len(ids))]
    for idx, s in enumerate(sets):
        if s is not None:
            for sid in s:
                postings[sid].append(idx)
    n = len(records)
    inter = {}
    for p in postings:
        for a in range(len(p)):
            base = p[a] * n
            for b in range(a + 1, len(p)):
                key = base + p[b]
                inter[key] = inter.get(key, 0) + 1
    out = {}
    for key, c in inter.items():
        i, j = divmod(key, n)
        out[(i, j)] = c / (len(sets[i]) + len(sets[j]) - c)
    return out, left_out


# --------------------------------------------------------------------------------------------
# The ideal MinHash model (independent slots, each equal with probability J)
# --------------------------------------------------------------------------------------------

def choose_bands(threshold, perms):
    """minhash_bands_choose: b, r minimising the false positive area (weight 0.1) plus the
    false negative area (weight 0.9) of 1 - (1 - s^r)^b (Simpson's rule, 64 steps)."""
    def area(lo, hi, b, r, fn):
        steps = 64
        h = (hi - lo) / steps
        total = 0.0
        for i in range(steps + 1):
            s = lo + h * i
            p = 1.0 - (1.0 - s ** r) ** b
            f = 1.0 - p if fn else p
            total += f * (1 if i in (0, steps) else (4 if i % 2 else 2))
        return total * h / 3.0
    best, out = math.inf, (perms, 1)
    for b in range(1, perms + 1):
        for r in range(1, perms // b + 1):
            err = 0.1 * area(0.0, threshold, b, r, False) + 0.9 * area(threshold, 1.0, b, r, True)
            if err < best:
                best, out = err, (b, r)
    return out


class Model:
    def __init__(self, threshold, perms, bands, rows):
        self.perms, self.bands, self.rows = perms, bands, rows
        self.need = math.ceil((threshold - EPS) * perms - 1e-12)   # equal slots to verify
        self.memo = {}

    def rates(self, j):
        """(P(candidate), P(candidate and estimate >= threshold)) at similarity j."""
        j = round(j, 3)
        if j in self.memo:
            return self.memo[j]
        p, q, r, b = self.perms, 1.0 - j, self.rows, self.bands
        binom = [math.comb(r, x) * j ** x * q ** (r - x) for x in range(r)]   # x < r: band not full
        dist = [1.0]                      # P(no band full so far, x equal slots)
        for _ in range(b):
            nd = [0.0] * (len(dist) + r - 1)
            for x, px in enumerate(dist):
                if px:
                    for y, py in enumerate(binom):
                        nd[x + y] += px * py
            dist = nd
        left = p - b * r
        lb = [math.comb(left, x) * j ** x * q ** (left - x) for x in range(left + 1)]
        tail_all = sum(math.comb(p, x) * j ** x * q ** (p - x) for x in range(self.need, p + 1))
        tail_nofull = 0.0
        for x, px in enumerate(dist):
            for y, py in enumerate(lb):
                if x + y >= self.need:
                    tail_nofull += px * py
        cand = 1.0 - (1.0 - j ** r) ** b
        out = (cand, max(0.0, tail_all - tail_nofull))
        self.memo[j] = out
        return out


# --------------------------------------------------------------------------------------------
# Running near_pairs
# --------------------------------------------------------------------------------------------

def run_near_pairs(binary, data, threshold, args, mode=None, stdin=None):
    """mode: None (verified pairs), "--candidates" or "--estimate" (with stdin)."""
    cmd = [binary, "--shingle", str(args.shingle), "--permutations", str(args.permutations),
           "--threshold", repr(threshold)]
    if mode:
        cmd.append(mode)
    cmd.append(data)
    t0 = time.perf_counter()
    try:
        p = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    except OSError as e:
        raise SetupError("cannot run %s: %s" % (binary, e))
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise SetupError("%s exited %d: %s" % (" ".join(cmd), p.returncode, p.stderr.strip()))
    pairs = {}
    for line in p.stdout.splitlines():
        i, j, s = line.split()
        pairs[(int(i), int(j))] = float(s)
    return pairs, wall, p.stderr.strip()


class SetupError(Exception):
    pass


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------

def band_edges():
    edges = [0.0, 0.5]
    x = 0.5
    while x < 0.999:
        x = round(x + 0.05, 2)
        edges.append(x)
    return edges       # 0, 0.5, 0.55, ..., 1.0


def band_of(j, edges):
    if j >= 1.0 - 1e-12:
        return "1.0"
    for lo, hi in zip(edges, edges[1:]):
        if lo <= j < hi:
            return "[%.2f, %.2f)" % (lo, hi)
    return "[%.2f, %.2f)" % (edges[-2], edges[-1])


def pct(a, b):
    return "%d/%d (%.1f%%)" % (a, b, 100.0 * a / b) if b else "0/0"


def report(threshold, args, exact, n_records, verified, cands, wall, summary, model):
    """One threshold: recall, precision, and the S-curve by band of true J."""
    truth = {p for p, j in exact.items() if j >= threshold - EPS}
    found = set(verified)
    tp = truth & found
    print("## threshold %g" % threshold)
    print()
    print(summary)
    print()
    print("- true pairs (exact J >= %g): %d" % (threshold, len(truth)))
    print("- reported pairs: %d" % len(found))
    print("- recall: %s" % pct(len(tp), len(truth)))
    print("- precision: %s" % pct(len(tp), len(found)))
    fp = sorted(exact.get(p, 0.0) for p in found - truth)
    if fp:
        print("- reported below the threshold: %d, true J %.3f-%.3f" % (len(fp), fp[0], fp[-1]))
    fn = truth - found
    if fn:
        not_cand = sum(1 for p in fn if p not in cands)
        js = sorted(exact[p] for p in fn)
        print("- missed: %d (%d never an LSH candidate, %d estimated below the threshold), "
              "true J %.3f-%.3f" % (len(fn), not_cand, len(fn) - not_cand, js[0], js[-1]))
    print()

    edges = band_edges()
    rows = {}
    order = ["[%.2f, %.2f)" % (lo, hi) for lo, hi in zip(edges, edges[1:])] + ["1.0"]
    for p, j in exact.items():
        r = rows.setdefault(band_of(j, edges), [0, 0, 0, 0.0, 0.0])
        r[0] += 1
        r[1] += p in cands
        r[2] += p in found
        mc, mv = model.rates(j)
        r[3] += mc
        r[4] += mv
    print("| true J | pairs | LSH candidates | model | reported | model |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    zero = n_records * (n_records - 1) // 2 - len(exact)
    print("| 0 (no shared shingle) | %d | - | - | %d | - |" %
          (zero, sum(1 for p in found if p not in exact)))
    for name in order:
        if name not in rows:
            continue
        n, c, v, mc, mv = rows[name]
        print("| %s | %d | %s | %.1f%% | %s | %.1f%% |" %
              (name, n, pct(c, n), 100.0 * mc / n, pct(v, n), 100.0 * mv / n))
    print()
    print("runtime: near_pairs %.3f s wall (verified run)" % wall)
    print()


def report_estimates(args, exact, est):
    """Estimate minus exact J over every pair that shares a shingle, by band: an unbiased
    check that the signatures behave like ideal MinHash over the same shingle sets (a
    tokenization that differed from dsci's would show here as bias)."""
    edges = [0.0, 0.25, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    print("## estimates")
    print()
    print("| true J | pairs | mean estimate - J | RMS error | ideal RMS | largest error |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    total = [0, 0.0, 0.0, 0.0]
    for lo, hi in zip(edges, edges[1:]):
        errs, var = [], 0.0
        for p, j in exact.items():
            if (lo <= j < hi or (hi == 1.0 and j >= 1.0)) and p in est:
                errs.append(est[p] - j)
                var += j * (1 - j) / args.permutations
        if not errs:
            continue
        n = len(errs)
        total[0] += n
        total[1] += sum(errs)
        total[2] += sum(e * e for e in errs)
        total[3] = max(total[3], max(abs(e) for e in errs))
        print("| [%.2f, %.2f%s | %d | %+.4f | %.4f | %.4f | %.3f |" %
              (lo, hi, "]" if hi == 1.0 else ")", n, sum(errs) / n,
               math.sqrt(sum(e * e for e in errs) / n), math.sqrt(var / n),
               max(abs(e) for e in errs)))
    print()
    if total[0]:
        print("all %d pairs: mean estimate - J %+.5f, RMS %.4f" %
              (total[0], total[1] / total[0], math.sqrt(total[2] / total[0])))
        print()


def main(argv):
    ap = argparse.ArgumentParser(description="dsci near-duplicate pairs vs exact Jaccard.")
    ap.add_argument("--examples", type=int, default=3000, help="examples to generate (3000)")
    ap.add_argument("--seed", type=int, default=1, help="generator seed (1)")
    ap.add_argument("--threshold", type=float, action="append",
                    help="similarity threshold, repeatable (0.8)")
    ap.add_argument("--shingle", type=int, default=5, help="tokens per shingle (5)")
    ap.add_argument("--permutations", type=int, default=128, help="MinHash permutations (128)")
    ap.add_argument("--near-pairs", default=DEFAULT_NEAR_PAIRS,
                    help="the near_pairs binary (build/bench/near_pairs)")
    ap.add_argument("--data", help="write the generated JSONL here and keep it")
    args = ap.parse_args(argv[1:])
    thresholds = args.threshold or [0.8]
    if args.examples < 2:
        ap.error("--examples must be at least 2")
    if not 1 <= args.shingle <= 64:
        ap.error("--shingle must be 1..64")
    if not 1 <= args.permutations <= 1024:
        ap.error("--permutations must be 1..1024")
    if any(not 0.0 <= t <= 1.0 for t in thresholds):
        ap.error("--threshold must be 0..1")
    if not os.access(args.near_pairs, os.X_OK):
        print("near_dup_recall: no near_pairs binary at %s (build it: cmake -S . -B build && "
              "make -C build near_pairs, or pass --near-pairs)" % args.near_pairs, file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="near_dup_recall.") as tmp:
        data = args.data or os.path.join(tmp, "near_dup.jsonl")
        t0 = time.perf_counter()
        records = generate(args.examples, args.seed, args.shingle)
        try:
            write_jsonl(data, records)
        except OSError as e:
            print("near_dup_recall: cannot write %s: %s" % (data, e), file=sys.stderr)
            return 2
        t_gen = time.perf_counter() - t0
        t0 = time.perf_counter()
        exact, left_out = exact_pairs(records, args.shingle)
        t_exact = time.perf_counter() - t0
        chars = sum(len(x) for rec in records for _, x in rec)

        print("# near-duplicate recall: %d examples (seed %d, %.0f characters on average), "
              "shingle %d, permutations %d" %
              (len(records), args.seed, chars / len(records), args.shingle, args.permutations))
        print()
        print("generated in %.2f s; exact all-pairs Jaccard (Python, inverted index) in %.2f s: "
              "%d pairs share a shingle, %d examples left out (exact copies, no words)" %
              (t_gen, t_exact, len(exact), left_out))
        print()
        try:
            for t in thresholds:
                verified, wall, summary = run_near_pairs(args.near_pairs, data, t, args)
                cands, _, _ = run_near_pairs(args.near_pairs, data, t, args, "--candidates")
                b, r = choose_bands(t, args.permutations)
                report(t, args, exact, len(records), verified, cands, wall, summary,
                       Model(t, args.permutations, b, r))
            pairs_in = "".join("%d %d\n" % p for p in sorted(exact))
            est, _, _ = run_near_pairs(args.near_pairs, data, thresholds[0], args, "--estimate",
                                       pairs_in)
            report_estimates(args, exact, est)
        except SetupError as e:
            print("near_dup_recall: %s" % e, file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
