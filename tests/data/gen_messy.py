#!/usr/bin/env python3
"""Writes a ShareGPT JSONL split with everything the gates look for, deterministically:
valid examples over several coverage categories, exact and near duplicates, PII (emails,
phone numbers), broken lines (invalid JSON, a wrong type, turn-order errors, empty
messages), CRLF and blank lines. Used by the cache tests, which edit it afterwards.

    gen_messy.py OUT N_EXAMPLES SEED [--leak-from OTHER.jsonl]
"""
import json
import random
import sys

out, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
leak = sys.argv[5] if len(sys.argv) > 5 and sys.argv[4] == "--leak-from" else None
rng = random.Random(seed)
ops = ["create", "update", "complete", "delete", "show", "archive"]
words = ("task project report meeting deadline review budget client launch draft invoice "
         "sprint roadmap backlog ticket release hotfix vendor contract agenda").split()
lines = []
for i in range(n):
    op = rng.choice(ops)
    q = f"Please {op} the {rng.choice(words)} {rng.choice(words)} item {rng.randint(0, 10**6)} for {rng.choice(words)}"
    a = f"Sure, I will {op} it. " + " ".join(rng.choice(words) for _ in range(rng.randint(8, 40)))
    roll = rng.random()
    if roll < 0.02:
        a += f" Contact jane.doe{i}@example.com or +1 415 555 {1000 + i % 9000:04d}."
    rec = {"id": f"{seed}-{i}", "conversations": [{"from": "human", "value": q}, {"from": "gpt", "value": a}]}
    if roll < 0.01:
        lines.append('{"conversations": [{"from": "human", "value": "broken')   # invalid JSON
        continue
    if roll < 0.015:
        rec["conversations"].reverse()                                           # turn order
    elif roll < 0.02:
        rec["conversations"][1]["value"] = "   "                                # empty message
    elif roll < 0.025:
        lines.append("[1, 2, 3]")                                                # not an object
        continue
    line = json.dumps(rec, ensure_ascii=bool(i % 2))
    lines.append(line)
    if roll > 0.985 and lines:
        lines.append(line)                                                        # exact duplicate
    elif roll > 0.97:
        near = dict(rec, id=f"{seed}-{i}-near")
        near["conversations"] = [dict(rec["conversations"][0]), dict(rec["conversations"][1])]
        near["conversations"][1]["value"] = a + " thanks"
        lines.append(json.dumps(near))                                            # near duplicate
    if roll > 0.995:
        lines.append("")                                                          # blank line
if leak:
    with open(leak, encoding="utf-8") as f:
        other = [l for l in f.read().split("\n") if l.startswith("{\"id\"")]
    for l in other[:: max(1, len(other) // 5)][:5]:
        lines.insert(rng.randrange(len(lines)), l)                                # leaked into this split
with open(out, "w", encoding="utf-8", newline="") as f:
    for k, l in enumerate(lines):
        f.write(l + ("\r\n" if k % 997 == 5 else "\n"))
