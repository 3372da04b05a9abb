#!/usr/bin/env python3
"""Generate a TRL preference JSONL (prompt / chosen / rejected as message lists) for
benchmarking the DPO gate (bench/bench_preference.sh, docs/preference.md).

Usage:  python3 bench/gen_preference.py OUT_PATH [SIZE_MB] [--pairs N] [--seed N]

SIZE_MB defaults to 120 (1 MB = 1,000,000 bytes); generation stops at the first record that
reaches the size, or after N pairs with --pairs. The output is deterministic for a given
seed and size (the first N pairs of a seed are always the same).

Each line is {"prompt": [...], "chosen": [...], "rejected": [...]}: the prompt a user message
of 10-60 words (1 in 10 after a system message, 1 in 25 a three-turn conversation), each
reply one assistant message of 30-300 words (1 in 50 two messages). Words come from a varied
vocabulary with some non-ASCII (é, 中文, emoji; emoji are one code point, "⚠️" two) so that
lengths in code points differ from bytes; 1 record in 8 is written with \\uXXXX escapes
(surrogate pairs for emoji). The chosen reply is a little longer on average, as in real
preference data. What the gate looks for, in known shares:
  identical      ~2%  the rejected reply is a copy of the chosen one
  near           ~3%  a few characters edited (1 to ~7% of the length: some fall just
                      below the 0.95 threshold, some just above)
  reworded       ~1%  10-20% of the words replaced: similar lengths, far from near, the
                      distance's worst case
  truncated      ~10% the rejected reply is the chosen one cut short
  contradictory ~1%   an earlier pair again with chosen and rejected swapped (sometimes
                      twice); ~0.5% an earlier pair repeated in the same order (no finding)
The rest are two independent replies.
"""

import argparse
import json
import random
import sys

MB = 1_000_000

BASE_WORDS = """the a an your this that these it they we you I is are was were be been will
would can could should may might must have has had do does did not no yes and or but so
because if then when while after before since until also still already just only even very
more most less least many much some any each every all both either neither other another
such same different first last next previous new old good better best bad worse worst
data model training example record file line dataset split test validation train prompt
reply answer question user assistant system message conversation turn token length size
function method class module package library service server client request response error
warning value number string list map set key field column row table query index cache
build deploy release version branch commit merge review change update create delete show
return call run start stop open close read write parse check verify measure compare count
first second third step result output input format schema config option setting default
performance memory thread process queue lock buffer stream chunk batch pipeline report
""".split()

NON_ASCII = """café naïve résumé über façade déjà São Zürich Düsseldorf smörgåsbord jalapeño
piñata crème brûlée señor coöperate 中文 任务 完成 数据 模型 日本語 한국어 Ελληνικά русский
🚀 ✅ 📅 🔥 👍 📝 ⚠️ 🎉 💡 ⏰""".split()

SYSTEM = ["You are a helpful assistant.", "You are a concise technical writer.",
          "Answer as a senior engineer would, with examples.", "Reply in plain English.",
          "You are a careful reviewer: point out mistakes."]


def make_vocab(rng):
    # pseudo-words make the text varied enough that replies rarely share long runs by chance
    syll = ["ka", "lo", "mi", "ne", "ra", "to", "vu", "shi", "tre", "pla", "gor", "den", "qu", "ix",
            "ba", "el", "on", "st", "ar", "um"]
    made = set()
    while len(made) < 1500:
        made.add("".join(rng.choice(syll) for _ in range(rng.randint(2, 4))))
    return BASE_WORDS * 6 + sorted(made) + NON_ASCII


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.vocab = make_vocab(self.rng)
        self.kept = []   # earlier pairs, to repeat or swap

    def words(self, n):
        rng = self.rng
        out = []
        sentence = 0
        for i in range(n):
            w = rng.choice(self.vocab)
            if sentence == 0:
                w = w[:1].upper() + w[1:]
            out.append(w)
            sentence += 1
            if sentence > 5 and rng.random() < 0.12:
                out[-1] += rng.choice([".", ".", ".", "?", "!", ":"])
                sentence = 0
                if rng.random() < 0.15:
                    out[-1] += rng.choice(["\n", "\n\n", "\n- "])
        text = " ".join(out).replace("\n ", "\n")
        if rng.random() < 0.05:
            text += '\n\n```\nprint("quoted \\"text\\"")\n```'
        return text.rstrip() + "."

    def prompt(self):
        rng = self.rng
        msgs = []
        if rng.random() < 0.10:
            msgs.append({"role": "system", "content": rng.choice(SYSTEM)})
        if rng.random() < 0.04:
            msgs.append({"role": "user", "content": self.words(rng.randint(10, 40))})
            msgs.append({"role": "assistant", "content": self.words(rng.randint(20, 80))})
        msgs.append({"role": "user", "content": self.words(rng.randint(10, 60))})
        return msgs

    def reply(self, lo, hi):
        rng = self.rng
        if rng.random() < 0.02:
            n = rng.randint(lo, hi)
            a = max(1, n // 3)
            return [{"role": "assistant", "content": self.words(a)},
                    {"role": "assistant", "content": self.words(n - a)}]
        return [{"role": "assistant", "content": self.words(rng.randint(lo, hi))}]

    def edit_chars(self, text, edits):
        rng = self.rng
        s = list(text)
        for _ in range(edits):
            op = rng.random()
            i = rng.randrange(len(s) + 1)
            c = rng.choice("abcdefghijklmnopqrstuvwxyz ,.é中🚀")
            if op < 0.4 and i < len(s):
                s[i] = c
            elif op < 0.7 or not s:
                s.insert(i, c)
            elif i < len(s):
                del s[i]
        return "".join(s)

    def reword(self, text, share):
        rng = self.rng
        ws = text.split(" ")
        for i in range(len(ws)):
            if rng.random() < share:
                ws[i] = rng.choice(self.vocab)
        return " ".join(ws)

    def record(self):
        rng = self.rng
        r = rng.random()
        if self.kept and r < 0.015:
            p, c, j = rng.choice(self.kept)
            if r < 0.010:
                return {"prompt": p, "chosen": j, "rejected": c}   # contradicts the earlier one
            return {"prompt": p, "chosen": c, "rejected": j}       # the same order again
        prompt = self.prompt()
        chosen = self.reply(40, 300)
        r = rng.random()
        if r < 0.02:
            rejected = [dict(m) for m in chosen]
        elif r < 0.05:
            text = chosen[-1]["content"]
            # up to ~7% of the length: around the 0.95 threshold on both sides
            edits = rng.randint(1, max(1, len(text) * 7 // 100))
            rejected = [dict(m) for m in chosen]
            rejected[-1]["content"] = self.edit_chars(text, edits)
        elif r < 0.06:
            rejected = [dict(m) for m in chosen]
            rejected[-1]["content"] = self.reword(chosen[-1]["content"], rng.uniform(0.10, 0.20))
        elif r < 0.16:
            text = chosen[-1]["content"]
            rejected = [{"role": "assistant", "content": text[:max(1, int(len(text) * rng.uniform(0.3, 0.8)))]}]
        else:
            rejected = self.reply(30, 260)
        rec = {"prompt": prompt, "chosen": chosen, "rejected": rejected}
        if rng.random() < 0.02 and len(self.kept) < 20000:
            self.kept.append((prompt, chosen, rejected))
        return rec


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("size_mb", nargs="?", type=int, default=120)
    ap.add_argument("--pairs", type=int, default=0, help="stop after this many pairs instead")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.size_mb <= 0 or args.pairs < 0:
        sys.exit("gen_preference: SIZE_MB and --pairs must be positive")
    g = Gen(args.seed)
    limit = args.size_mb * MB
    written = records = 0
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        while (records < args.pairs) if args.pairs else (written < limit):
            rec = g.record()
            line = json.dumps(rec, ensure_ascii=g.rng.random() < 0.125) + "\n"
            f.write(line)
            written += len(line.encode("utf-8"))
            records += 1
    print(f"{records} pairs, {written} bytes")


if __name__ == "__main__":
    main()
