#!/usr/bin/env python3
"""TRL preference pairs (prompt/chosen/rejected JSONL) for the preference e2e tests.

gen_pairs.py OUT N SEED [--swap-from FILE]

Deterministic for a seed. Planted, at known rates: identical pairs (every 97th), near-identical
ones (every 89th: one word changed in a long reply), e-mail addresses in rejected replies (every
151st), and chosen replies mostly longer (length bias). --swap-from FILE: every 50th record of
FILE again with chosen and rejected swapped (contradictions across files).
"""
import json
import random
import sys

WORDS = ("the a model answer data train test list show create update delete remove change set "
         "up value field record file line reply prompt user system tool call result error check "
         "gate spec split shard chunk cache token count length share band pair prefer reject "
         "choose near exact hash code point text word").split()


def sentence(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def main():
    out, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        prompt = "Q%d-%d: %s" % (seed, i, sentence(rng, rng.randint(4, 12)))
        chosen = " ".join(sentence(rng, rng.randint(5, 15)) for _ in range(rng.randint(2, 6)))
        rejected = " ".join(sentence(rng, rng.randint(3, 10)) for _ in range(rng.randint(1, 4)))
        if i % 97 == 5:
            rejected = chosen
        elif i % 89 == 7:
            words = chosen.split(" ")
            words[len(words) // 2] = "CHANGED"
            rejected = " ".join(words)
        if i % 151 == 11:
            rejected += " Mail user%d@corp-mail.io for help." % i
        rows.append({"prompt": prompt, "chosen": chosen, "rejected": rejected})
    if len(sys.argv) > 5 and sys.argv[4] == "--swap-from":
        with open(sys.argv[5], encoding="utf-8") as f:
            src = [json.loads(line) for line in f]
        for k in range(0, len(src), 50):
            r = src[k]
            rows.insert(rng.randint(0, len(rows)), {"prompt": r["prompt"], "chosen": r["rejected"],
                                                    "rejected": r["chosen"]})
    with open(out, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")


main()
