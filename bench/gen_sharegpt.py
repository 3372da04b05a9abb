#!/usr/bin/env python3
"""Generate a large, realistic ShareGPT JSONL file for benchmarking dsci.

Usage:  python3 bench/gen_sharegpt.py OUT_PATH [SIZE_MB] [--seed N]

SIZE_MB defaults to 200 (1 MB = 1,000,000 bytes); generation stops at the first record that
reaches the size.  The output is deterministic for a given seed and size.

Each line is {"id": ..., "conversations": [{"from": "human"|"gpt", "value": ...}, ...],
"metadata": {"operation": ...}} with 2, 4 or 6 alternating messages (human first, gpt last).
Human messages are about 30-80 characters, assistant messages about 80-300, both built from
word lists with a varied vocabulary, a few non-ASCII words (é, ü, 中文, emoji) and JSON escapes
(\\", \\n, and in about 1 record in 8, \\u00e9-style escapes including surrogate pairs).
Keywords such as create / update / delete / show make the coverage categories match.
"""

import argparse
import json
import random
import sys

MB = 1_000_000
CHUNK_BYTES = 8 * MB

ADJECTIVES = """quarterly weekly urgent small final draft shared private annual internal
external monthly new old quick long important optional pending blocked remote local
customer team personal legacy frontend backend mobile billing marketing security
naïve über café-style résumé-ready fiancé Zürich-based São-Paulo Düsseldorf
""".split()

NOUNS = """report budget review meeting invoice release deploy migration backup audit
presentation contract roadmap newsletter survey interview onboarding checklist sprint
retro demo proposal estimate schedule workshop benchmark dashboard ticket patch
database cluster certificate license laptop order shipment payroll offsite party
résumé café menu crème brûlée piñata jalapeño façade smörgåsbord 中文文档 日本語メモ 한국어노트
""".split()

PEOPLE = """Alice Bob Chen Dana Émile Fatima Gustav Hiro Ingrid José Kofi Léa Mateo Nadia
Olga Priya Quentin Rosa Søren Tomás Uma Viktor Wen Xavier Yusuf Zoë 李雷 韩梅梅
""".split()

PROJECTS = """Apollo Borealis Cobalt Delta Ember Falcon Granite Helix Iris Juniper Kestrel
Lumen Meridian Nimbus Orion Pegasus Quasar Raven Sierra Titan Umbra Vega Willow Zephyr
""".split()

WHEN = ["today", "tomorrow", "next Monday", "on Friday", "by end of week", "next month",
        "at 9am", "at noon", "this afternoon", "before the standup", "in two days",
        "on the 15th", "après-midi", "next sprint"]

PRIORITIES = ["low", "medium", "high", "urgent", "critical"]
STATUSES = ["todo", "in progress", "blocked", "done", "review"]
EMOJI = ["🚀", "✅", "📅", "🔥", "👍", "📝", "⚠️", "🎉", "💡", "⏰"]

FILLER_WORDS = """the a your this that task list item it will be now has been is was
with for to of in on at by from and or but so also still already just
updated saved scheduled assigned moved archived tagged synced shared notified
deadline priority reminder status owner project board column label note comment
calendar team workspace queue backlog milestone dependency subtask attachment
you can let me know if want anything else need other changes please confirm
I have set made added removed changed found shows there are currently
everyone involved automatically afterwards meanwhile however additionally
résumé naïve coöperate déjà vu über señor façade 中文 任务 完成 emoji
""".split()

# (operation, human templates).  Placeholders: {t} title, {p} person, {w} when,
# {r} priority, {s} status, {j} project, {n} number, {e} emoji.
HUMAN = [
    ("Create", [
        'Create a task called "{t}" for {w}',
        "Please create a new task: {t}, due {w}",
        "Add task {t} to the {j} board {e}",
        "New task for {p}: {t}, priority {r}",
        'Can you set up a reminder "{t}" {w}?',
        "create {t} in project {j} please",
    ]),
    ("Update", [
        "Update {t} so it is due {w}",
        "Change the priority of {t} to {r}",
        'Move "{t}" to {s} and assign it to {p}',
        "Modify task #{n}: rename it to {t}",
        "Mark {t} as {s} {e}",
        "Please update the owner of {t} to {p}",
    ]),
    ("Complete", [
        "I finished {t}, mark it done {e}",
        "Complete task #{n} ({t})",
        "{p} is done with {t}",
        "Mark as completed: {t}",
    ]),
    ("Delete", [
        "Delete the task {t}",
        "Remove {t} from {j}, it is obsolete",
        "Cancel {t} scheduled {w}",
        'Please delete task #{n} "{t}"',
        "remove all {s} tasks of {p} older than #{n}",
    ]),
    ("Query", [
        "Show me everything assigned to {p} about {t}",
        "List all {r} priority tasks in {j} about {t}",
        "What {r} tasks are overdue in {j} since #{n}?",
        "Show {s} tasks of {p} due {w} {e}",
        "Filter tasks by label {t} in {j}",
        "list my {s} tasks due {w} like {t}",
    ]),
    ("Other", [
        "Thanks, that is all for {t} {e}",
        "Hmm, what was I supposed to do about {t}?",
        "Good morning! Anything from {p} on {t}?",
    ]),
]
OPERATION_WEIGHTS = [24, 22, 14, 16, 20, 4]

ASSISTANT_OPENERS = {
    "Create": ['Done! I created "{t}" in {j}, due {w}.', "Created task #{n}: {t} (priority {r}).",
               "Your new task {t} is on the {j} board {e}."],
    "Update": ["Updated {t}: it is now due {w}.", "I changed the priority of {t} to {r}.",
               'Task #{n} "{t}" is now {s} and assigned to {p}.'],
    "Complete": ["Nice work {e} I marked {t} as done.", "Task #{n} ({t}) is completed.",
                 "{t} is now marked as finished for {p}."],
    "Delete": ["I deleted {t} from {j}.", 'Task #{n} "{t}" has been removed.',
               "Cancelled {t}; it will no longer appear {w}."],
    "Query": ["Here are the {s} tasks in {j}:", "{p} currently has {n} open tasks:",
              "I found {n} {r}-priority tasks due {w}:"],
    "Other": ["You're welcome {e}", "I could not find anything new from {p} about {t}.",
              "Sure, {t} is still {s}."],
}


def build_pools(rng):
    """Pre-generate titles and filler sentences so the per-record work stays small."""
    titles = []
    for _ in range(250_000):
        words = rng.choices(ADJECTIVES, k=rng.randint(1, 2)) + rng.choices(NOUNS, k=rng.randint(1, 2))
        suffix = rng.randrange(8)
        if suffix == 0:
            words.append(rng.choice(PROJECTS))
        elif suffix == 1:
            words.append("for " + rng.choice(PEOPLE))
        elif suffix == 2:
            words.append("v%d.%d" % (rng.randint(1, 9), rng.randint(0, 20)))
        elif suffix == 3:
            words.append("Q%d %d" % (rng.randint(1, 4), rng.randint(2019, 2026)))
        titles.append(" ".join(words))
    sentences = []
    for _ in range(20_000):
        words = rng.choices(FILLER_WORDS, k=rng.randint(5, 14))
        sentence = " ".join(words)
        sentence = sentence[0].upper() + sentence[1:] + rng.choice([".", ".", ".", "!", "?"])
        if rng.random() < 0.1:
            sentence += " " + rng.choice(EMOJI)
        sentences.append(sentence)
    return titles, sentences


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.titles, self.sentences = build_pools(self.rng)
        self.ops = [op for op, _ in HUMAN]
        self.human = dict(HUMAN)
        self.counter = 0

    def fields(self):
        rng = self.rng
        return {
            "t": rng.choice(self.titles),
            "p": rng.choice(PEOPLE),
            "w": rng.choice(WHEN),
            "r": rng.choice(PRIORITIES),
            "s": rng.choice(STATUSES),
            "j": rng.choice(PROJECTS),
            "n": rng.randint(1, 9999),
            "e": rng.choice(EMOJI),
        }

    def assistant(self, op, f):
        rng = self.rng
        parts = [rng.choice(ASSISTANT_OPENERS[op]).format(**f)]
        if op == "Query":
            items = rng.sample(self.titles, rng.randint(1, 4))
            parts.append("\n" + "\n".join("- %s (%s, due %s)" % (t, rng.choice(STATUSES), rng.choice(WHEN))
                                          for t in items))
        else:
            parts.extend(rng.sample(self.sentences, rng.choice((0, 1, 1, 2, 2, 3))))
            if rng.random() < 0.15:
                parts.append("\n\nDetails:\n- Owner: %s\n- Priority: %s" % (rng.choice(PEOPLE), rng.choice(PRIORITIES)))
        text = parts[0]
        for part in parts[1:]:
            text += part if part.startswith("\n") else " " + part
        return text[:300].rstrip() if len(text) > 300 else text

    def record(self):
        rng = self.rng
        self.counter += 1
        exchanges = rng.choices((1, 2, 3), weights=(40, 45, 15))[0]
        first_op = rng.choices(self.ops, weights=OPERATION_WEIGHTS)[0]
        conversation = []
        op = first_op
        for i in range(exchanges):
            if i:
                op = rng.choices(self.ops, weights=OPERATION_WEIGHTS)[0]
            f = self.fields()
            conversation.append({"from": "human", "value": rng.choice(self.human[op]).format(**f)})
            conversation.append({"from": "gpt", "value": self.assistant(op, f)})
        return {
            "id": "task-%07d" % self.counter,
            "conversations": conversation,
            "metadata": {"operation": first_op, "source": "synthetic", "seed_index": self.counter},
        }

    def line(self):
        record = self.record()
        # About 1 record in 8 is written with \\uXXXX escapes (surrogate pairs for emoji).
        ascii_only = self.rng.random() < 0.125
        return json.dumps(record, ensure_ascii=ascii_only)


def main(argv):
    parser = argparse.ArgumentParser(description="Generate a ShareGPT JSONL benchmark file.")
    parser.add_argument("out_path")
    parser.add_argument("size_mb", nargs="?", type=float, default=200.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv[1:])
    if args.size_mb <= 0:
        parser.error("SIZE_MB must be positive")

    target = int(args.size_mb * MB)
    gen = Generator(args.seed)
    written = 0
    records = 0
    with open(args.out_path, "wb") as out:
        while written < target:
            lines = []
            chunk = 0
            while chunk < CHUNK_BYTES and written + chunk < target:
                data = (gen.line() + "\n").encode("utf-8")
                lines.append(data)
                chunk += len(data)
            out.write(b"".join(lines))
            written += chunk
            records += len(lines)
    sys.stderr.write("wrote %s: %d records, %d bytes\n" % (args.out_path, records, written))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
