#!/usr/bin/env python3
"""Generate the bundled example dataset examples/task-api/ for dsci.

The dataset is a small "Task API assistant" fine-tuning set in ShareGPT JSONL:
a user asks an assistant to create, edit, finish, remove or look up tasks, and
the assistant answers with the task objects it changed or found.

Everything is derived from one fixed seed, so running

    python3 scripts/gen_task_api.py [--out DIR]

rewrites every file under DIR (default: examples/task-api, relative to the
repository root) byte for byte identically. Only the Python 3 standard library
is used, so the example can be rebuilt on any machine that has python3.

The generator checks its own output against the seed spec's gates (coverage by
keywords, quality bands, split sizes, no leakage, no PII-looking strings) and
exits non-zero instead of writing a dataset that dsci would reject.
"""

import argparse
import datetime
import hashlib
import json
import os
import random
import re
import sys

SEED = 20250101
VERSION = "1.0.0"
# A fixed timestamp: the real clock would make every run produce a new file.
CREATED = "2025-01-01T00:00:00Z"

# Per-operation sizes. The spec's minimums are 20/20/15/15/15; the margin lets
# a few examples be edited away in a demo without the coverage gate failing.
COUNTS = {"Create": 30, "Update": 28, "Complete": 24, "Delete": 24, "Query": 24}

# Must mirror specs/task-api.yaml: dsci counts an example under the FIRST
# category (in this order) that has any keyword as a substring of its text.
CATEGORIES = [
    ("Create", ["create", "new task", "add task", "set up"]),
    ("Update", ["update", "change", "modify", "mark as"]),
    ("Complete", ["complete", "finish", "done", "completed"]),
    ("Delete", ["delete", "remove", "cancel"]),
    ("Query", ["show", "list", "what tasks", "overdue", "filter"]),
]

SPLITS = [  # (split name in the spec, file name, share)
    ("train", "train.jsonl", 0.8),
    ("validation", "val.jsonl", 0.1),
    ("test", "test.jsonl", 0.1),
]

# Verbatim from the seed spec in the dsci contract (design/CONTRACT.md).
SPEC_YAML = """\
dsci: 1                              # spec format version
dataset:
  name: task-api
  format: sharegpt                   # sharegpt | openai | alpaca | auto
  files:                             # split -> repo-relative path (a glob may match several files)
    train: data/splits/train.jsonl
    validation: data/splits/val.jsonl
    test: data/splits/test.jsonl
  card: data/hf_dataset/README.md
  version_file: data/hf_dataset/version.json
  license: apache-2.0
  language: [en]
versioning:
  tag_prefix: dataset-v              # tags look like dataset-v1.2.0
gates:
  format: {level: block}             # valid JSON, schema, alternating turns, non-empty (all must be 100%)
  coverage:
    level: block
    by: keywords                     # keywords (first matching category wins, in spec order) | field
    field: metadata.operation        # used when by: field
    categories:
      - {name: Create,   min: 20, keywords: [create, new task, add task, set up]}
      - {name: Update,   min: 20, keywords: [update, change, modify, mark as]}
      - {name: Complete, min: 15, keywords: [complete, finish, done, completed]}
      - {name: Delete,   min: 15, keywords: [delete, remove, cancel]}
      - {name: Query,    min: 15, keywords: [show, list, what tasks, overdue, filter]}
  quality:
    level: warn                      # in target: PASS; in acceptable: WARN; outside: FAIL (non-blocking unless level: block)
    human_length:     {target: [30, 80],  acceptable: [20, 100]}    # mean characters (Unicode code points)
    assistant_length: {target: [80, 200], acceptable: [50, 300]}
    unique_messages:  {target: 95%, acceptable: 90%}                # share of distinct message texts, minimum
    turn_variance:    {target: 2.0, acceptable: 3.0}                # variance of turns per conversation, maximum
  duplicates: {exact: block, near: warn, threshold: 0.8}            # near = MinHash Jaccard estimate
  leakage:    {level: block, near_threshold: 0.9}                   # no example shared across splits
  pii:        {level: block, detect: [email, phone, credit_card, ipv4, api_key], allow: [example.com]}
  reproducibility:
    level: block
    require: [version, checksums, random_seed, model, card]
  splits:
    level: block
    train:      {ratio: 0.8, min: 68}
    validation: {ratio: 0.1, min: 8}
    test:       {ratio: 0.1, min: 8}
  regression:                        # against the baseline version
    level: block
    coverage_drop: block             # a category may not fall below its count in the baseline
    max_removed: 5%                  # share of baseline examples removed
    metric_drift: warn               # a quality metric leaving its target band that was inside it before
"""

# (title, tags). Titles and tags never contain a category keyword, so only the
# template wording decides which category a conversation falls into; a few are
# non-ASCII on purpose, to exercise code-point (not byte) length counting.
TITLES = [
    ("Renew parking permit", ["admin"]),
    ("Draft Q3 budget memo", ["finance"]),
    ("Book venue for team offsite", ["events"]),
    ("Café supplies order", ["kitchen", "facilities"]),
    ("Überprüfung der Lieferverträge", ["legal"]),
    ("naïve Bayes notes cleanup", ["research"]),
    ("Review billing pull request", ["eng", "billing"]),
    ("Back up the wiki", ["ops"]),
    ("Prepare slides for all-hands", ["events"]),
    ("Order printer toner", ["facilities"]),
    ("Reconcile travel expenses", ["finance", "travel"]),
    ("Renew domain registration", ["ops", "admin"]),
    ("Write release notes for 2.4", ["docs"]),
    ("Plan sprint retro", ["eng"]),
    ("Fix flaky login test", ["eng", "qa"]),
    ("Archive old invoices", ["finance"]),
    ("Water the office plants", ["facilities"]),
    ("Translate FAQ into Spanish", ["docs"]),
    ("Audit access permissions", ["ops", "security"]),
    ("Rotate staging credentials", ["ops", "security"]),
    ("Collect feedback on onboarding", ["hiring"]),
    ("Benchmark search latency", ["eng"]),
    ("Pay electricity bill", ["home"]),
    ("Submit conference talk proposal", ["events"]),
    ("Book flights for Lisbon trip", ["travel"]),
    ("Label storage boxes", ["home"]),
    ("Research standing desks", ["facilities"]),
    ("Print badges for the meetup", ["events"]),
    ("Crème brûlée tasting for the party", ["events", "kitchen"]),
    ("Jalapeño order for the canteen", ["kitchen"]),
    ("Smörgåsbord catering quote", ["events"]),
    ("Résumé screening for intern roles", ["hiring"]),
    ("Kaffeemaschine entkalken", ["kitchen"]),
    ("Renew car insurance", ["home", "admin"]),
    ("Sort receipts for taxes", ["finance", "home"]),
    ("Replace hallway light bulb", ["home"]),
    ("Refill first-aid kit", ["facilities"]),
    ("Test fire alarm batteries", ["facilities"]),
    ("Draft blog post on caching", ["marketing"]),
    ("Interview prep for backend role", ["hiring"]),
    ("Compare cloud storage quotes", ["infra"]),
    ("Organize team lunch", ["events"]),
    ("Return library books", ["errands"]),
    ("Calibrate the 3D printer", ["facilities"]),
    ("Fix typo on pricing page", ["marketing"]),
    ("Proofread the grant application", ["research", "docs"]),
    ("Review vendor contract", ["legal"]),
    ("Defrost the freezer", ["home"]),
    ("Pick up dry cleaning", ["errands"]),
    ("Return rental bike", ["errands"]),
    ("Read chapter 7 of the SRE book", ["research"]),
    ("Tune Postgres autovacuum", ["infra"]),
    ("Write unit tests for the parser", ["eng", "qa"]),
    ("Pack for the Porto conference", ["travel"]),
    ("Check tyre pressure", ["errands"]),
    ("Prune stale Git branches", ["eng"]),
    ("Measure room for bookshelf", ["home"]),
    ("Order São Paulo office chairs", ["facilities"]),
    ("Zürich visa appointment paperwork", ["travel", "admin"]),
    ("Sketch logo ideas for the newsletter", ["marketing"]),
]
EXTRA_TAGS = ["q3", "urgent-ish", "someday", "team", "solo", "blocked", "waiting"]
PRIORITIES = ["low", "medium", "high"]
BAD_PRIORITIES = ["critical", "P0", "p1", "super high", "extreme", "7", "top", "ASAP", "meh", "urgent"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def ordinal(n):
    if 11 <= n % 100 <= 13:
        return f"{n}th"
    return str(n) + {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


# Titles that start with a verb read naturally after "a task to ..."; the
# others (mostly the non-English ones) need "a task for ...".
VERBS = {"Renew", "Draft", "Book", "Review", "Back", "Prepare", "Order", "Reconcile", "Write",
         "Plan", "Fix", "Archive", "Water", "Translate", "Audit", "Rotate", "Collect", "Benchmark",
         "Pay", "Submit", "Label", "Research", "Print", "Sort", "Replace", "Refill", "Test",
         "Compare", "Organize", "Return", "Calibrate", "Proofread", "Defrost", "Pick", "Read",
         "Tune", "Pack", "Check", "Prune", "Measure", "Sketch"}


def purpose(title):
    first, _, rest = title.partition(" ")
    if first in VERBS:
        return f"to {first.lower()} {rest}"
    return f"for {title}"


def cap(text):
    # str.capitalize() would also lower-case the rest ("I" -> "i").
    return text[:1].upper() + text[1:]


def says_priority(text):
    return re.search(r"\b(low|medium|high)\b", text) is not None


def long_date(d):
    # Own tables instead of strftime: %A/%B follow the process locale.
    return f"{WEEKDAYS[d.weekday()]}, {MONTHS[d.month - 1]} {d.day}"


def short_date(d):
    return f"{MONTHS[d.month - 1][:3]} {d.day}"


class Task:
    def __init__(self, tid, title, tags, due, priority, status="open"):
        self.id, self.title, self.tags = tid, title, list(tags)
        self.due, self.priority, self.status = due, priority, status

    def json(self):
        obj = {
            "id": self.id,
            "title": self.title,
            "due": self.due.isoformat() if self.due else None,
            "priority": self.priority,
            "tags": self.tags,
            "status": self.status,
        }
        return json.dumps(obj, ensure_ascii=False, separators=(", ", ": "))

    def line(self):
        due = f"due {self.due.isoformat()}" if self.due else "no due date"
        return f"• {self.id} {self.title} — {due}, {self.priority}"


class Gen:
    """Slot values for one run; every draw goes through self.rng."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        # 1234 is the placeholder id the assistant uses in examples.
        ids = [n for n in range(1001, 1990) if n != 1234]
        self.rng.shuffle(ids)
        self._ids = ids
        # Ids that "do not exist" come from a disjoint range so a not-found
        # answer can never contradict another example's task.
        ghosts = list(range(2100, 9900))
        self.rng.shuffle(ghosts)
        self._ghosts = ghosts
        self._deck = []

    def pick(self, options):
        return self.rng.choice(options)

    def pair(self):
        """Two titles that share their first word, for "which one?" turns."""
        groups = {}
        for title, tags in TITLES:
            groups.setdefault(title.split()[0], []).append((title, tags))
        word = self.pick(sorted(w for w, v in groups.items() if len(v) > 1))
        (t1, tags1), (t2, tags2) = self.rng.sample(groups[word], 2)
        return word, (t1, tags1), (t2, tags2)

    def tagged(self, tag, avoid=()):
        """Titles that really carry `tag`, so tag queries stay believable."""
        return [(t, tags) for t, tags in TITLES if tag in tags and t not in avoid]

    def new_id(self):
        return f"TSK-{self._ids.pop()}"

    def ghost_id(self):
        return f"TSK-{self._ghosts.pop()}"

    def title(self, avoid=()):
        # A shuffled deck spreads titles evenly instead of letting a few repeat.
        while True:
            if not self._deck:
                self._deck = list(TITLES)
                self.rng.shuffle(self._deck)
            entry = self._deck.pop()
            if entry[0] not in avoid:
                return entry

    def today(self):
        return datetime.date(2025, 1, 6) + datetime.timedelta(days=self.rng.randrange(0, 300))

    def future(self, today, lo=2, hi=45):
        return today + datetime.timedelta(days=self.rng.randrange(lo, hi))

    def past(self, today, lo=1, hi=20):
        return today - datetime.timedelta(days=self.rng.randrange(lo, hi))

    def task(self, today=None, status="open", tags=True, avoid=(), due="future"):
        title, base_tags = self.title(avoid)
        today = today or self.today()
        if due == "future":
            d = self.future(today)
        elif due == "past":
            d = self.past(today)
        else:
            d = None
        tag_list = list(base_tags) if tags else []
        if tags and self.rng.random() < 0.3:
            tag_list.append(self.pick(EXTRA_TAGS))
        return Task(self.new_id(), title, tag_list, d, self.pick(PRIORITIES), status)

    def say_date(self, d):
        """A due date the way people type it."""
        return self.pick([
            d.isoformat(),
            f"{MONTHS[d.month - 1]} {d.day}",
            short_date(d),
            f"{d.day} {MONTHS[d.month - 1]}",
            f"the {ordinal(d.day)} of {MONTHS[d.month - 1]}",
        ])


# --------------------------------------------------------------------------
# Templates. Each returns (scenario, [message texts]); messages alternate
# human, gpt, starting with human. The wording of non-Create templates is
# chosen to avoid every keyword of the categories listed before theirs
# (e.g. a Delete conversation never says "done" or "created").
# --------------------------------------------------------------------------

# Context people add to a request. Appending one now and then makes human
# turns read like messages rather than bare commands, and keeps them from
# repeating. None of these may contain a category keyword.
WHY_NEW = ["so I don't forget", "it came up in today's standup", "my manager asked for it",
           "it's been on my mind all week", "before the quarter closes", "for the whole team",
           "the auditors will ask about it", "we promised it to the client"]
DEADLINE_CONTEXT = ["that's the last day of the sprint", "the portal closes that evening",
                    "before the team trip", "that's when the contract renews", "the board meets then",
                    "ahead of the launch", "before the holidays start"]
WHY_LATER = ["the vendor hasn't sent the quote yet", "we lost a week to the release",
             "half the team is out for the holiday", "I'm travelling that week",
             "legal wants another look first", "the budget sign-off slipped",
             "it depends on the new hire starting", "the room isn't free until then"]
WHY_DROP = ["it's a duplicate of another task", "we switched vendors", "the project got shelved",
            "someone else took it over", "it isn't needed any more", "the event moved online",
            "the client pulled out", "the budget got cut"]
WHY_KEEP = ["I might still need it", "let me check with the team first", "the client may come back",
            "I'll revisit it on Friday", "it's still useful as a reminder"]
FINISH_NOTES = ["it went out this morning", "signed and filed", "took less time than I expected",
                "the team signed off on it", "finally", "wrapped it up before lunch",
                "sent it over an hour ago", "all sorted"]
PRIORITY_REASON = {
    "high": ["it blocks the release", "people are waiting on it", "it can't slip"],
    "medium": ["it matters but it isn't on fire", "normal urgency", "somewhere in the middle"],
    "low": ["nobody is waiting on it", "it can slide if needed", "it's a nice-to-have"],
}


def create_full(g):
    t = g.task(tags=g.rng.random() < 0.5)
    d = g.say_date(t.due)
    tags = ", ".join(t.tags)
    if t.tags:
        h = g.pick([
            f'Create a task "{t.title}" due {d}, {t.priority} priority, tags {tags}.',
            f"Please add task: {t.title}. Due {d}, priority {t.priority}, tagged {tags}.",
            f"New task: {t.title} by {d} ({t.priority}; tags: {tags})",
        ])
    else:
        h = g.pick([
            f'Create a task called "{t.title}", due {d}, {t.priority} priority.',
            f"Can you set up a task for “{t.title}”? Due {d}, {t.priority}.",
            f"add task {t.title} due {d} priority {t.priority}",
        ])
    if g.rng.random() < 0.5:
        h = h.rstrip(".") + f" — {g.pick(WHY_NEW)}."
    a = g.pick([
        f"Created {t.id}:\n{t.json()}",
        f"Your task is in as {t.id}.\n{t.json()}",
        f"Saved. Here is the task the API created:\n{t.json()}",
    ])
    return "happy_path", [h, a]


def default_priority(t, text):
    """The API defaults priority to medium; only what the user said counts."""
    if says_priority(text):
        return ""
    t.priority = "medium"
    return " Priority defaults to medium."


def create_missing_title(g):
    t = g.task(tags=False)
    d = g.say_date(t.due)
    h1 = g.pick([
        f"Add a task for {d}, {t.priority} priority — {g.pick(WHY_NEW)}.",
        f"I need a new task due {d} — {g.pick(WHY_NEW)}.",
        f"Create something for {d} please, priority {t.priority}.",
        f"Set up a {t.priority}-priority reminder on {d}, {g.pick(WHY_NEW)}.",
    ])
    note = default_priority(t, h1)
    a1 = g.pick([
        f"Happy to. What should the task be called? I have the due date as {t.due.isoformat()}.",
        f"Sure — a task needs a title. What is it for? (Due {long_date(t.due)}, {t.priority} priority so far.)",
        f"I can create it once I know the title. What should I call the task due {short_date(t.due)}?",
    ])
    h2 = g.pick([
        f"Call it {t.title}, please.",
        f"Oh right — the title is “{t.title}”.",
        f"Title: {t.title}. Thanks!",
        f"Sorry, it's “{t.title}”.",
    ])
    a2 = g.pick([
        f"Created {t.id}:\n{t.json()}",
        f"Got it, {t.id} is created.{note}\n{t.json()}",
    ])
    return "missing_info", [h1, a1, h2, a2]


def create_missing_date(g):
    t = g.task(tags=False)
    h1 = g.pick([
        f"New task: {t.title}, {g.pick(WHY_NEW)}.",
        f"Please create a task {purpose(t.title)}.",
        f"Add task — {t.title}, {t.priority} priority.",
        f"Could you set up a task called “{t.title}”? {cap(g.pick(WHY_NEW))}.",
    ])
    note = default_priority(t, h1)
    a1 = g.pick([
        f"Sure. When is “{t.title}” due? A date like 2025-06-30 works, or say no due date.",
        f"I can add “{t.title}”. Does it have a due date? If not, I'll leave the due field empty.",
        f"What due date should “{t.title}” get? Any format is fine, e.g. {short_date(g.future(t.due))}.",
    ])
    if g.rng.random() < 0.25:
        t.due = None
        h2 = g.pick(["No due date, it's a someday thing.", "Leave it open-ended for now, no rush.",
                     "No deadline on this one, thanks.", "Skip the date; it can float."])
    else:
        h2 = g.pick([f"{g.say_date(t.due)} — {g.pick(DEADLINE_CONTEXT)}.",
                     f"By {g.say_date(t.due)}, please.",
                     f"Make it {g.say_date(t.due)}, {g.pick(DEADLINE_CONTEXT)}."])
    a2 = g.pick([
        f"Created {t.id} with {t.priority} priority:\n{t.json()}",
        f"Here it is — task {t.id}.{note}\n{t.json()}",
    ])
    return "missing_info", [h1, a1, h2, a2]


def create_bad_date(g):
    t = g.task(tags=g.rng.random() < 0.4)
    bad = g.pick(["2025-02-30", "2025-13-02", "31/31/2025", "April 31", "2025-06-31",
                  "next Blursday", "the 32nd", "2025-00-10", "yesterday-ish", "Feb 29 2025"])
    h1 = g.pick([
        f"Create a task “{t.title}”, due {bad}.",
        f"New task: {t.title} — due {bad}, {t.priority} priority.",
        f"Please add task: {t.title}, due {bad} — {g.pick(WHY_NEW)}.",
    ])
    note = default_priority(t, h1)
    if t.tags:
        h1 = h1.rstrip(".") + f". Tag it {', '.join(t.tags)}."
    a1 = g.pick([
        f"“{bad}” isn't a valid calendar date, so the API would reject it. Which date did you mean? YYYY-MM-DD is safest.",
        f"I can't use “{bad}” as a due date — it doesn't exist on the calendar. Could you give me the date again?",
        f"The due date “{bad}” doesn't parse as a real date. What day should “{t.title}” be due?",
    ])
    h2 = g.pick([f"Sorry, typo — {g.say_date(t.due)}.", f"Oops. I meant {g.say_date(t.due)}.",
                 f"Use {g.say_date(t.due)} instead, {g.pick(DEADLINE_CONTEXT)}."])
    a2 = g.pick([
        f"No problem. Created {t.id}.{note}\n{t.json()}",
        f"Thanks — {t.id} is created with due date {t.due.isoformat()}.\n{t.json()}",
    ])
    return "invalid_input", [h1, a1, h2, a2]


def create_bad_priority(g):
    t = g.task(tags=False)
    bad = g.pick(BAD_PRIORITIES)
    h1 = g.pick([
        f"Create “{t.title}”, priority {bad}, due {g.say_date(t.due)}.",
        f"Set up a task: {t.title} ({bad} priority) by {g.say_date(t.due)}",
        f"New task “{t.title}” for {g.say_date(t.due)}, make it {bad} — {g.pick(WHY_NEW)}.",
    ])
    a1 = g.pick([
        f"Priority must be low, medium or high, and “{bad}” isn't one of them. Which should I use?",
        f"The task API only accepts low, medium or high for priority. How should I map “{bad}”?",
    ])
    why = g.pick(PRIORITY_REASON[t.priority])
    h2 = g.pick([f"{cap(t.priority)}, then — {why}.", f"Go with {t.priority}; {why}.",
                 f"OK, {t.priority} is fine, {why}."])
    a2 = g.pick([
        f"Created {t.id} with {t.priority} priority:\n{t.json()}",
        f"Done — created {t.id}.\n{t.json()}",
    ])
    return "invalid_input", [h1, a1, h2, a2]


def create_past_date(g):
    today = g.today()
    t = g.task(today=today, due="past", tags=False)
    later = g.future(today, 3, 20)
    h1 = g.pick([
        f"Create a task “{t.title}” due {g.say_date(t.due)}.",
        f"Add task: {t.title}, due {g.say_date(t.due)}, {t.priority}.",
        f"New task for “{t.title}”, due {g.say_date(t.due)} — {g.pick(WHY_NEW)}.",
    ])
    note = default_priority(t, h1)
    a1 = (f"Heads-up: {t.due.isoformat()} is already in the past (today is {today.isoformat()}). "
          f"Keep that date, or pick a later one?")
    h2 = g.pick([f"Good catch, make it {g.say_date(later)}.", f"Move it to {g.say_date(later)} then, thanks.",
                 f"Ah, wrong month. {g.say_date(later)}, {g.pick(DEADLINE_CONTEXT)}."])
    t.due = later
    a2 = f"Created {t.id} due {long_date(later)}.{note}\n{t.json()}"
    return "invalid_input", [h1, a1, h2, a2]


def create_two(g):
    t1 = g.task(tags=False)
    t2 = g.task(tags=False, avoid=(t1.title,))
    h = g.pick([
        f"Create two tasks: “{t1.title}” by {g.say_date(t1.due)} and “{t2.title}” by {g.say_date(t2.due)}.",
        f"Two new tasks please — {t1.title} ({g.say_date(t1.due)}) and {t2.title} ({g.say_date(t2.due)}).",
    ])
    a = (f"Created both; priorities default to medium unless you say otherwise.\n"
         f"{t1.id}: {t1.title}, due {t1.due.isoformat()}\n{t2.id}: {t2.title}, due {t2.due.isoformat()}")
    return "happy_path", [h, a]


def create_then_tag(g):
    t = g.task(tags=False)
    h1 = g.pick([
        f"Create a task {purpose(t.title)}.",
        f"I need a new task: {t.title}. {cap(g.pick(WHY_NEW))}.",
    ])
    a1 = g.pick([
        f"Sure. What's the due date for “{t.title}”, and should it be low, medium or high priority?",
        "Will do. When is it due, and how urgent is it (low, medium, high)?",
    ])
    h2 = g.pick([f"{g.say_date(t.due)}, {t.priority}.",
                 f"Due {g.say_date(t.due)}. {cap(t.priority)} priority, {g.pick(PRIORITY_REASON[t.priority])}."])
    tag = [x for x in TITLES if x[0] == t.title][0][1][0]
    a2 = (f"Created {t.id}, due {long_date(t.due)} with {t.priority} priority. "
          f"Want any tags on it, like {tag}?")
    h3 = g.pick([f"Yes, tag it {tag} so it sits with the others.", f"Sure, add {tag}.",
                 f"{cap(tag)} please, that's how the team searches."])
    t.tags = [tag]
    a3 = f"Tagged. {t.id} now looks like this:\n{t.json()}"
    return "missing_info", [h1, a1, h2, a2, h3, a3]


CREATE = [create_full, create_missing_title, create_missing_date, create_bad_date,
          create_bad_priority, create_past_date, create_two, create_then_tag]


def update_due(g):
    t = g.task()
    new = g.future(t.due, 1, 15)
    old = t.due
    why = g.pick(WHY_LATER)
    h = g.pick([
        f"Move the due date of {t.id} to {g.say_date(new)}; {why}.",
        f"Push {t.id} back to {g.say_date(new)}, please — {why}.",
        f"Can you change the deadline on “{t.title}” to {g.say_date(new)}?",
        f"Reschedule {t.id} for {g.say_date(new)}. {cap(why)}.",
    ])
    t.due = new
    a = g.pick([
        f"Updated {t.id}: due date {old.isoformat()} → {new.isoformat()}.\n{t.json()}",
        f"Updated: {t.title} now falls due {long_date(new)} (was {short_date(old)}).",
        f"Changed. {t.id} is due {new.isoformat()} now; nothing else was modified.",
    ])
    return "happy_path", [h, a]


def update_priority(g):
    t = g.task()
    new = g.pick([p for p in PRIORITIES if p != t.priority])
    why = g.pick(PRIORITY_REASON[new])
    h = g.pick([
        f"Bump {t.id} to {new} priority, {why}.",
        f"Set the priority of {t.title} to {new}.",
        f"Change {t.id} priority → {new} ({why})",
        f"{t.title} should be {new} priority now — {why}.",
    ])
    old = t.priority
    t.priority = new
    a = g.pick([
        f"Updated {t.id} from {old} to {new} priority.\n{t.json()}",
        f"Priority changed: {t.id} “{t.title}” is {new} now (it was {old}). Due date stays {t.due.isoformat()}.",
    ])
    return "happy_path", [h, a]


def update_rename(g):
    t = g.task()
    if g.rng.random() < 0.5:
        # The stored title has a typo (two letters swapped) that the user fixes.
        words = t.title.split()
        k = max(range(len(words)), key=lambda i: (len(words[i]), i))
        w = words[k]
        # Swap two different adjacent letters, or the "typo" would be invisible.
        j = g.pick([i for i in range(1, len(w) - 2) if w[i] != w[i + 1]])
        words[k] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
        old, new_title = " ".join(words), t.title
        h = g.pick([
            f"Rename {t.id} to “{new_title}” — I misspelled it.",
            f"Fix the typo in {t.id}: it should read {new_title}.",
            f"Modify the title of {t.id}, “{old}” has a typo.",
        ])
    else:
        old = t.title
        new_title = old + g.pick([" (second pass)", " for Q4", " and send a summary", " — final round",
                                  " before the audit", " with the team"])
        h = g.pick([
            f"Rename {t.id} to “{new_title}”.",
            f"Modify the title of {t.id}: it should read {new_title}.",
            f"Please retitle {t.id} as “{new_title}”; the old name was too vague.",
        ])
    t.title = new_title
    a = g.pick([
        f"Updated the title of {t.id} (was “{old}”):\n{t.json()}",
        f"Renamed — that's the only change. {t.id} is now called “{new_title}”; due date and tags stay as they were.",
    ])
    return "happy_path", [h, a]


def update_not_found(g):
    t = g.task()
    ghost = g.ghost_id()
    new = g.pick([p for p in PRIORITIES if p != t.priority])
    h1 = g.pick([
        f"Change the priority of {ghost} to {new}.",
        f"Update {ghost}: priority {new}, {g.pick(PRIORITY_REASON[new])}.",
        f"Set {ghost} to {new} priority please.",
    ])
    a1 = g.pick([
        f"I couldn't find a task with id {ghost}. Could you double-check the id, or tell me the title?",
        f"The API returned 404 for {ghost}, so nothing was changed. Which task did you mean?",
    ])
    h2 = g.pick([f"My mistake, it's {t.id}.", f"Sorry — it's the “{t.title}” one.",
                 f"Try {t.id}; I swapped two digits."])
    t.priority = new
    a2 = f"Found it. Updated {t.id} to {new} priority:\n{t.json()}"
    return "not_found", [h1, a1, h2, a2]


def update_bad_priority(g):
    t = g.task()
    bad = g.pick(BAD_PRIORITIES)
    new = g.pick([p for p in PRIORITIES if p != t.priority])
    h1 = g.pick([
        f"Modify {t.id}: priority = {bad}.",
        f"Change “{t.title}” to {bad} priority.",
        f"Make {t.id} {bad}, please.",
    ])
    a1 = (f"“{bad}” isn't a priority the API knows; the allowed values are low, medium and high. "
          f"{t.id} is currently {t.priority}. Which one do you want?")
    why = g.pick(PRIORITY_REASON[new])
    h2 = g.pick([f"{cap(new)}, {why}.", f"Use {new} then — {why}.", f"Let's say {new}."])
    t.priority = new
    a2 = g.pick([
        f"Updated {t.id} to {new}.\n{t.json()}",
        f"Changed {t.id} to {new} priority. Everything else is unchanged.",
    ])
    return "invalid_input", [h1, a1, h2, a2]


def update_bad_date(g):
    t = g.task()
    bad = g.pick(["13/45/2025", "2025-02-29", "Sept 31", "2025-11-31", "someday soon", "2025/99/01"])
    new = g.future(t.due, 1, 12)
    h1 = g.pick([
        f"Change the due date of {t.id} to {bad}.",
        f"Update {t.title}: due {bad}, {g.pick(WHY_LATER)}.",
        f"Can you move {t.id} to {bad}? {cap(g.pick(WHY_LATER))}.",
    ])
    a1 = g.pick([
        f"“{bad}” isn't a valid date, so I left {t.id} alone (still due {t.due.isoformat()}). What date should it be?",
        f"I can't parse “{bad}” as a date, so {t.id} keeps its date. Could you send it as YYYY-MM-DD?",
    ])
    h2 = g.pick([f"{new.isoformat()}, sorry.", f"Oh, I meant {g.say_date(new)}.",
                 f"Try {g.say_date(new)}; {g.pick(WHY_LATER)}."])
    t.due = new
    a2 = f"Updated {t.id}: due {long_date(new)}.\n{t.json()}"
    return "invalid_input", [h1, a1, h2, a2]


def update_ambiguous(g):
    word, (n1, tags1), (n2, tags2) = g.pair()
    today = g.today()
    t1 = Task(g.new_id(), n1, tags1, g.future(today), g.pick(PRIORITIES))
    t2 = Task(g.new_id(), n2, tags2, g.future(today), g.pick(PRIORITIES))
    new = g.future(t1.due, 2, 14)
    h1 = g.pick([
        f"Update the due date on the “{word} …” task to {g.say_date(new)}.",
        f"Change the {word.lower()} one so it's due {g.say_date(new)}; {g.pick(WHY_LATER)}.",
    ])
    a1 = f"Two tasks start with “{word}”:\n{t1.line()}\n{t2.line()}\nWhich one should move to {new.isoformat()}?"
    h2 = g.pick([f"The first, {t1.id}. The other one can stay.", f"“{t1.title}”, the {t1.tags[0]} one.",
                 f"{t1.id}, the {t1.priority}-priority one."])
    t1.due = new
    a2 = g.pick([
        f"Updated {t1.id}; {t2.id} is untouched.\n{t1.json()}",
        f"Changed {t1.id} to {new.isoformat()}. The other task, {t2.id}, keeps {t2.due.isoformat()}.",
    ])
    return "missing_info", [h1, a1, h2, a2]


def update_tags(g):
    t = g.task()
    extra = g.pick([x for x in EXTRA_TAGS if x not in t.tags])
    h1 = g.pick([
        f"Tag {t.id} with {extra} as well, it's part of that batch.",
        f"Add the {extra} tag to {t.title}, please.",
        f"{t.id} also needs a {extra} label so I can find it later.",
    ])
    t.tags.append(extra)
    a1 = f"Updated {t.id} “{t.title}”; its tags are now {', '.join(t.tags)}. Anything else to adjust?"
    drop = t.tags[0]
    h2 = g.pick([f"And take {drop} off it, that was wrong.", f"Remove {drop} while you're at it.",
                 f"Drop the {drop} tag too."])
    t.tags.remove(drop)
    a2 = g.pick([
        f"Removed {drop}. Here's the task now:\n{t.json()}",
        f"{drop} is gone; {t.id} keeps {', '.join(t.tags)}.\n{t.json()}",
    ])
    return "happy_path", [h1, a1, h2, a2]


def update_multi(g):
    t = g.task()
    new_due = g.future(t.due, 1, 10)
    new_p = g.pick([p for p in PRIORITIES if p != t.priority])
    h1 = g.pick([
        f"For {t.id}: {new_p} priority and due {g.say_date(new_due)}.",
        f"Change “{t.title}” to {new_p}, due {g.say_date(new_due)}.",
    ])
    t.priority, t.due = new_p, new_due
    a1 = f"Updated both fields on {t.id}:\n{t.json()}"
    h2 = g.pick([f"Is anything else due on {short_date(new_due)}?",
                 f"Does that clash with anything on {WEEKDAYS[new_due.weekday()]}?",
                 f"Anything else due {g.say_date(new_due)}?"])
    other = g.task(avoid=(t.title,))
    a2 = (f"Yes, one other task lands on {new_due.isoformat()}: {other.id} “{other.title}” ({other.priority}). "
          f"Want me to stagger them?")
    h3 = g.pick([f"No, leave both on {short_date(new_due)}.", f"It's fine, {other.id} is quick.",
                 f"Nope, “{other.title}” can stay where it is."])
    a3 = g.pick([
        f"Okay — no further edits. {t.id} and {other.id} both stay on {short_date(new_due)}.",
        f"Understood, I won't modify either. Both remain due {long_date(new_due)}.",
    ])
    return "happy_path", [h1, a1, h2, a2, h3, a3]


UPDATE = [update_due, update_priority, update_rename, update_not_found, update_bad_priority,
          update_bad_date, update_ambiguous, update_tags, update_multi]


def complete_by_id(g):
    t = g.task()
    note = g.pick(FINISH_NOTES)
    h = g.pick([
        f"Mark {t.id} done — {note}.",
        f"{t.id} is finished, {note}.",
        f"Complete {t.id}, please. {cap(note)}.",
        f"Close {t.id} out, it's done.",
        f"Tick off {t.id}: {note}.",
    ])
    t.status = "done"
    a = g.pick([
        f"Nice work — {t.id} “{t.title}” is complete.\n{t.json()}",
        f"Marked {t.id} as done. “{t.title}” was due {long_date(t.due)}, so you're ahead of schedule.",
        f"{t.id} is now complete: {t.json()}",
    ])
    return "happy_path", [h, a]


def complete_by_title(g):
    t = g.task()
    h = g.pick([
        f"Finished the “{t.title}” task, {g.pick(FINISH_NOTES)}.",
        f"Done with “{t.title}”. {cap(g.pick(FINISH_NOTES))}.",
        f"Just wrapped up “{t.title}” — you can complete it.",
    ])
    t.status = "done"
    a = g.pick([
        f"Found it as {t.id} and marked it complete:\n{t.json()}",
        f"Great — {t.id} ({t.title}) is done. It had {t.priority} priority and was due {t.due.isoformat()}.",
    ])
    return "happy_path", [h, a]


def complete_already(g):
    today = g.today()
    t = g.task(today=today, status="done", due="past")
    closed = g.past(today, 1, 9)
    tag = t.tags[0]
    h1 = g.pick([
        f"Complete {t.id}, {g.pick(FINISH_NOTES)}.",
        f"Please mark {t.id} finished.",
        f"“{t.title}” is done, close it.",
    ])
    a1 = g.pick([
        f"{t.id} “{t.title}” was already completed on {closed.isoformat()}, so there's nothing to do. Want me to reopen it instead?",
        f"That one is already done — {t.id} was closed on {long_date(closed)}. Should I leave it as it is?",
    ])
    if g.rng.random() < 0.5:
        h2 = g.pick([f"No, leave {t.id} closed.", "Oh, right, I forgot I'd closed it. Leave it.",
                     f"No need, thanks — I mixed it up with another {tag} task."])
        a2 = g.pick([
            f"Okay, {t.id} stays complete. No other tasks were touched.",
            f"Understood. {t.id} keeps its done status from {short_date(closed)}.",
        ])
    else:
        h2 = g.pick([f"Then which {tag} tasks are still open?", f"Fine. Anything left tagged {tag}?"])
        others = g.tagged(tag, avoid=(t.title,))
        if others:
            title, tags = g.pick(others)
            o = Task(g.new_id(), title, tags, g.future(today), g.pick(PRIORITIES))
            a2 = f"One open task is tagged {tag}:\n{o.line()}\nFinish that and the tag is clear."
        else:
            a2 = f"None — {t.id} was your only {tag} task, and it's already complete."
    return "already_complete", [h1, a1, h2, a2]


def complete_not_found(g):
    t = g.task()
    ghost = g.ghost_id()
    h1 = g.pick([
        f"Close out {ghost}, it's done.",
        f"Mark {ghost} complete — {g.pick(FINISH_NOTES)}.",
        f"I've finished {ghost}, you can close it.",
    ])
    a1 = g.pick([
        f"There's no task with id {ghost}. Maybe a typo? You can also give me the title.",
        f"The API can't find {ghost}, so I couldn't complete it. Which task was it?",
    ])
    h2 = g.pick([f"Try {t.id}, I misread the number.", f"It's the “{t.title}” one.", f"Sorry, {t.id} — wrong tab."])
    t.status = "done"
    a2 = f"That worked — {t.id} is complete.\n{t.json()}"
    return "not_found", [h1, a1, h2, a2]


def complete_ambiguous(g):
    kw, (n1, tags1), (n2, tags2) = g.pair()
    today = g.today()
    t1 = Task(g.new_id(), n1, tags1, g.future(today), g.pick(PRIORITIES))
    t2 = Task(g.new_id(), n2, tags2, g.future(today), g.pick(PRIORITIES))
    h1 = g.pick([f"I'm done with the “{kw} …” one.", f"Finished the “{kw} …” task, {g.pick(FINISH_NOTES)}."])
    a1 = f"Two open tasks start with “{kw}”:\n{t1.line()}\n{t2.line()}\nWhich one did you finish?"
    h2 = g.pick([f"{t1.id}, the {t1.tags[0]} one.", f"The one due {t1.due.isoformat()}; the other is still in progress.",
                 f"{t1.title}, obviously."])
    t1.status = "done"
    a2 = g.pick([
        f"Completed {t1.id}; {t2.id} stays open.\n{t1.json()}",
        f"{t1.id} is done now. {t2.id} “{t2.title}” is still open for {short_date(t2.due)}.",
    ])
    return "missing_info", [h1, a1, h2, a2]


def complete_two(g):
    t1 = g.task()
    t2 = g.task(avoid=(t1.title,))
    h = g.pick([
        f"Finish off {t1.id} and {t2.id}.",
        f"Both {t1.id} and {t2.id} are done; {g.pick(FINISH_NOTES)}.",
        f"Complete {t1.id} + {t2.id}, please. Good day today.",
    ])
    a = (f"Both are complete:\n{t1.id} {t1.title} — done\n{t2.id} {t2.title} — done\n"
         f"Two fewer open tasks on your plate.")
    return "happy_path", [h, a]


def complete_then_next(g):
    today = g.today()
    t = g.task(today=today)
    n = g.task(today=today, avoid=(t.title,))
    h1 = g.pick([f"{t.id} is finished, {g.pick(FINISH_NOTES)}.", f"Complete “{t.title}”.", f"Done: {t.id}, {g.pick(FINISH_NOTES)}."])
    t.status = "done"
    a1 = f"{t.id} “{t.title}” is marked complete ({t.priority} priority, it was due {short_date(t.due)})."
    h2 = g.pick(["What should I pick up next? I have the afternoon free.", "Which task is most pressing now?",
                 f"What's next in line after {t.id}?", "Okay, what's next by due date?"])
    a2 = (f"Next up by due date is {n.id} “{n.title}”, due {long_date(n.due)} with {n.priority} priority. "
          f"Want the details?")
    h3 = g.pick([f"Yes, full details for {n.id} please.", f"Sure, send me the whole {n.id} record.",
                 f"Yes please, I'll start on {n.title} now."])
    a3 = f"Here it is:\n{n.json()}"
    return "happy_path", [h1, a1, h2, a2, h3, a3]


COMPLETE = [complete_by_id, complete_by_title, complete_already, complete_not_found,
            complete_ambiguous, complete_two, complete_then_next]


def delete_by_id(g):
    t = g.task()
    why = g.pick(WHY_DROP)
    h = g.pick([
        f"Delete {t.id}, {why}.",
        f"Please delete task {t.id}, we don't need it anymore.",
        f"Remove {t.id} from my tasks — {why}.",
        f"Get rid of {t.id}. {cap(why)}.",
    ])
    a = g.pick([
        f"Deleted {t.id} “{t.title}”. This is permanent, so let me know if you need it back as a fresh task.",
        f"{t.id} ({t.title}, due {t.due.isoformat()}) has been deleted. Your other tasks are untouched.",
        f"Removed {t.id}. It was tagged {', '.join(t.tags)} and due {long_date(t.due)}.",
    ])
    return "happy_path", [h, a]


def delete_confirm(g):
    t = g.task()
    why = g.pick(WHY_DROP)
    h1 = g.pick([
        f"Remove the “{t.title}” task; {why}.",
        f"Delete “{t.title}”.",
        f"We're not doing “{t.title}” any more. Remove it.",
    ])
    a1 = g.pick([
        f"Just to confirm: delete {t.id} “{t.title}” (due {t.due.isoformat()}, {t.priority})? Deletion is permanent.",
        f"That's {t.id}, due {long_date(t.due)}. Deleting can't be reversed — go ahead?",
    ])
    h2 = g.pick([f"Yes, go ahead with {t.id}.", f"Yep, delete it — {why}.", "Confirmed, it can go.",
                 f"Yes, remove {t.id} for good."])
    a2 = g.pick([
        f"{t.id} is deleted. If the work comes back, I can add a fresh task for it.",
        f"Deleted. {t.id} no longer appears in your tasks; nothing else was touched.",
        f"Removed {t.id} “{t.title}”. You now have one fewer {t.priority}-priority task.",
    ])
    return "happy_path", [h1, a1, h2, a2]


def delete_not_found(g):
    t = g.task()
    ghost = g.ghost_id()
    h1 = g.pick([f"Cancel {ghost}; {g.pick(WHY_DROP)}.", f"Delete task {ghost} please.",
                 f"Remove {ghost}, it's obsolete."])
    a1 = g.pick([
        f"There is no task {ghost}, so nothing was deleted. Do you have the title, or another id to try?",
        f"{ghost} doesn't exist (the API returned 404), so I haven't touched anything. Which task should I remove?",
    ])
    h2 = g.pick([f"It's called “{t.title}”.", f"Oh, I meant {t.id}.", f"The one named “{t.title}”."])
    a2 = g.pick([
        f"Found it: {t.id}. Deleted “{t.title}”, which was due {t.due.isoformat()}.",
        f"That's {t.id}, {t.priority} priority, due {long_date(t.due)}. It's removed now.",
    ])
    return "not_found", [h1, a1, h2, a2]


def delete_by_tag(g):
    today = g.today()
    tag = g.pick(sorted({x for _, tags in TITLES for x in tags if len(g.tagged(x)) >= 3}))
    picked = g.rng.sample(g.tagged(tag), g.rng.randrange(2, 4))
    tasks = [Task(g.new_id(), title, tags, g.future(today), g.pick(PRIORITIES))
             for title, tags in picked]
    n = len(tasks)
    h1 = g.pick([
        f"Delete every task tagged {tag}.",
        f"Remove all the {tag} tasks, that whole area is moving to another team.",
        f"Wipe the {tag} tag: delete everything in it.",
    ])
    lines = "\n".join(x.line() for x in tasks)
    a1 = f"That would delete {n} tasks:\n{lines}\nConfirm?"
    both = "both" if n == 2 else f"all {n}"
    h2 = g.pick(["Confirm. None of those are coming back.", f"Yes, {both} of them.",
                 f"Yes, delete {both}; I've told the team."])
    a2 = g.pick([
        f"Deleted {n} tasks. Nothing tagged {tag} is left.",
        f"{cap(both)} {tag} tasks are removed: {', '.join(x.id for x in tasks)}.",
    ])
    return "happy_path", [h1, a1, h2, a2]


def delete_cancel_event(g):
    t = g.task()
    reason = g.pick(["plans fell through", "the client pulled out", "the budget got cut",
                     "priorities shifted", "we're going a different direction", "nobody signed up"])
    h = g.pick([
        f"Cancel “{t.title}”, {reason}.",
        f"{cap(reason)}, so please cancel {t.id}.",
    ])
    a = g.pick([
        f"Cancelled: {t.id} “{t.title}” is removed from your tasks.",
        f"{t.id} is cancelled and deleted. It was {t.priority} priority, due {short_date(t.due)}, tagged {t.tags[0]}.",
        f"Cancelled {t.id}. “{t.title}” no longer appears in your tasks, and its {short_date(t.due)} due date is cleared.",
    ])
    return "happy_path", [h, a]


def delete_missing_id(g):
    t = g.task()
    h1 = g.pick([f"Delete a task for me — {g.pick(WHY_DROP)}.", "I want to remove one of my tasks.",
                 "Can you delete something from my tasks?"])
    a1 = g.pick([
        "Sure — which one? Give me the id (like TSK-1234) or the title, and I'll confirm before deleting anything.",
        "Which task should I delete? The id or the title both work; I'll read it back to you first.",
    ])
    h2 = g.pick([f"The one called “{t.title}”.", f"“{t.title}”, the {t.tags[0]} one.", f"It's {t.id}."])
    a2 = f"That's {t.id}, {t.priority} priority, due {t.due.isoformat()}. Delete it permanently?"
    h3 = g.pick([f"Yes, {t.id} can go.", "Yes please, it's permanent and that's fine.",
                 f"Do it. {cap(g.pick(WHY_DROP))}.", f"Go ahead, I won't need {t.id}."])
    a3 = g.pick([
        f"Deleted {t.id} “{t.title}”.",
        f"{t.id} is gone. You have one fewer {t.tags[0]} task.",
    ])
    return "missing_info", [h1, a1, h2, a2, h3, a3]


def delete_keep(g):
    t = g.task()
    h1 = g.pick([f"Delete {t.id}, I think it's stale.", f"Remove “{t.title}”.",
                 f"Delete “{t.title}”, {g.pick(WHY_DROP)}."])
    a1 = (f"{t.id} “{t.title}” is {t.priority} priority and due {long_date(t.due)}. "
          f"Deleting is permanent — should I remove it?")
    why = g.pick(WHY_KEEP)
    h2 = g.pick([f"Actually, no. Keep it; {why}.", f"Hmm, hold off — {why}.", f"On second thought, keep it. {cap(why)}."])
    a2 = g.pick([
        f"No problem, {t.id} stays as it is. Nothing was deleted.",
        f"Okay, I've left {t.id} alone; it's still open for {short_date(t.due)}.",
    ])
    return "declined", [h1, a1, h2, a2]


DELETE = [delete_by_id, delete_confirm, delete_not_found, delete_by_tag,
          delete_cancel_event, delete_missing_id, delete_keep]


def query_overdue(g):
    today = g.today()
    late = [g.task(today=today, due="past")]
    for _ in range(g.rng.randrange(0, 2)):
        late.append(g.task(today=today, due="past", avoid=[x.title for x in late]))
    day = WEEKDAYS[today.weekday()]
    h = g.pick([
        f"What's overdue? I'm planning my {day}.",
        "Anything overdue right now? I want to triage before standup.",
        "Which of my tasks are overdue?",
        f"Show me overdue tasks as of {g.say_date(today)}.",
    ])
    lines = "\n".join(x.line() for x in late)
    a = g.pick([
        f"As of {today.isoformat()}, {len(late)} task{'s are' if len(late) > 1 else ' is'} overdue:\n{lines}",
        f"Overdue as of {long_date(today)}:\n{lines}",
    ])
    return "happy_path", [h, a]


def query_priority(g):
    today = g.today()
    p = g.pick(["high", "high", "low"])
    ts = [g.task(today=today)]
    ts.append(g.task(today=today, avoid=[ts[0].title]))
    for x in ts:
        x.priority = p
    h = g.pick([
        f"Show me my {p}-priority tasks.",
        f"List the {p} priority stuff, soonest first.",
        f"Filter tasks by priority {p}.",
        f"What tasks are {p} priority this month?",
    ])
    ts.sort(key=lambda x: x.due)
    lines = "\n".join(x.line() for x in ts)
    a = f"You have {len(ts)} open {p}-priority tasks, soonest first:\n{lines}"
    return "happy_path", [h, a]


def query_tag(g):
    today = g.today()
    t = g.task(today=today)
    tag = t.tags[0]
    h1 = g.pick([
        f"Filter my tasks by the {tag} tag.",
        f"Show everything tagged {tag}.",
        f"List {tag} tasks, I'm prepping for the weekly sync.",
    ])
    a1 = f"One open task carries the {tag} tag:\n{t.line()}\nNothing else in your workspace is tagged {tag}."
    kind = g.pick(["same_day", "by_day", "record"])
    if kind == "record":
        h2 = f"And the full record for {t.id}?"
        a2 = f"Here is {t.id} in full:\n{t.json()}"
    else:
        o = g.task(today=today, avoid=(t.title,))
        if kind == "same_day":
            h2 = g.pick([f"What else is on {short_date(t.due)}?", f"Anything else due the same day?"])
            o.due = t.due
            a2 = f"Also due {long_date(o.due)}: {o.id} “{o.title}” ({o.priority}, tagged {o.tags[0]})."
        else:
            h2 = f"Anything else due by {g.say_date(t.due)}?"
            o.due = t.due - datetime.timedelta(days=g.rng.randrange(1, 4))
            a2 = f"Yes, {o.id} “{o.title}” ({o.priority}) is due a little earlier, on {long_date(o.due)}."
    return "happy_path", [h1, a1, h2, a2]


def query_week(g):
    today = g.today()
    end = today + datetime.timedelta(days=6)
    ts = [g.task(today=today)]
    ts.append(g.task(today=today, avoid=[ts[0].title]))
    for x in ts:
        x.due = today + datetime.timedelta(days=g.rng.randrange(0, 7))
    ts.sort(key=lambda x: x.due)
    h = g.pick([
        f"What tasks are due this week? Today is {g.say_date(today)}.",
        "What tasks do I have in the next seven days?",
        f"List what's due between {g.say_date(today)} and {g.say_date(end)}.",
    ])
    lines = "\n".join(x.line() for x in ts)
    a = f"Between {today.isoformat()} and {end.isoformat()} you have:\n{lines}"
    return "happy_path", [h, a]


def query_empty(g):
    today = g.today()
    tag = g.pick(["garden", "music", "health", "board", "press", "charity", "audit", "sales", "design"])
    t = g.task(today=today)
    h = g.pick([
        f"Show tasks tagged {tag}.",
        f"Filter by {tag}, please. I think a few were tagged that way.",
        f"Do I have anything in the {tag} list?",
        f"List my {tag} tasks for {g.say_date(today)}.",
    ])
    a = g.pick([
        f"No open tasks carry the {tag} tag right now. The closest is {t.id} “{t.title}”, tagged {t.tags[0]}.",
        f"Nothing matches {tag} — that filter returns an empty result. Tags in use include {t.tags[0]} and {g.pick(EXTRA_TAGS)}.",
        f"There are no tasks tagged {tag}. Your next due task is {t.id} “{t.title}” on {long_date(t.due)}.",
    ])
    return "empty_result", [h, a]


def query_one(g):
    t = g.task()
    h = g.pick([f"Show me {t.id}, I need the due date.", f"Can you show me what's in {t.id}?",
                f"List the details of {t.id}.", f"Show {t.title}, please."])
    a = g.pick([
        f"Here's {t.id}:\n{t.json()}",
        f"{t.id} is an open {t.priority}-priority task:\n{t.json()}",
    ])
    return "happy_path", [h, a]


def query_not_found(g):
    t = g.task()
    ghost = g.ghost_id()
    h1 = g.pick([f"Show me {ghost}, it's in my notes.", f"Pull up {ghost}, please. I need it for the weekly sync.",
                 f"Show {ghost}; a colleague mentioned it."])
    a1 = g.pick([
        f"No task has the id {ghost}. Want me to list tasks with a similar id or search by title?",
        f"{ghost} doesn't exist. I can show recent tasks if that helps.",
    ])
    h2 = g.pick([f"Search by title then: {t.title}.", f"Look for “{t.title}”."])
    a2 = f"One match:\n{t.line()}\nTags: {', '.join(t.tags)}."
    return "not_found", [h1, a1, h2, a2]


def query_summary(g):
    today = g.today()
    n = [g.rng.randrange(1, 6) for _ in PRIORITIES]
    late = g.task(today=today, due="past")
    h1 = g.pick([f"What tasks do I have as of {g.say_date(today)}?", "Give me an overview of my tasks.",
                 "How does my task list look this week?"])
    a1 = (f"You have {sum(n)} open tasks: {n[2]} high, {n[1]} medium and {n[0]} low priority. "
          f"One is overdue. Want the list?")
    h2 = g.pick(["Just the overdue one, I'll deal with it first.", "Only the late one, please.",
                 "Show me the overdue one first.", "Which one is overdue?"])
    a2 = f"{late.id} “{late.title}” was due {long_date(late.due)}:\n{late.json()}"
    return "happy_path", [h1, a1, h2, a2]


QUERY = [query_overdue, query_priority, query_tag, query_week, query_empty, query_one,
         query_not_found, query_summary]

TEMPLATES = {"Create": CREATE, "Update": UPDATE, "Complete": COMPLETE, "Delete": DELETE, "Query": QUERY}


# --------------------------------------------------------------------------
# Self-checks: the same rules dsci applies, so a template edit that breaks a
# gate fails here rather than in CI.
# --------------------------------------------------------------------------

def categorise(texts):
    text = " ".join(texts).lower()
    for name, kws in CATEGORIES:
        if any(k in text for k in kws):
            return name
    return None


PII_PATTERNS = [
    ("email", re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")),
    ("at-sign", re.compile(r"@")),
    ("ipv4", re.compile(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b")),
    ("card-like digit run", re.compile(r"(?:\d[ -]?){13,19}")),
    ("phone", re.compile(r"\+?\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}\b")),
    ("api key", re.compile(r"\b(?:sk|pk|ghp|gho|xox[bp]|AKIA)[-_][A-Za-z0-9]{8,}|\b[A-Za-z0-9]{32,}\b")),
]


def check(cond, msg):
    if not cond:
        sys.exit(f"gen_task_api.py: self-check failed: {msg}")


def content_key(conv):
    return tuple((m["from"], m["value"]) for m in conv)


def generate(seed):
    g = Gen(seed)
    records = []
    seen, seen_texts = set(), set()
    for op, _ in CATEGORIES:
        templates = TEMPLATES[op]
        i = 0
        while sum(r["metadata"]["operation"] == op for r in records) < COUNTS[op]:
            # Round-robin keeps every template represented. Redraw (a bounded
            # number of times) when a message text was already used, so short
            # stock replies don't pile up; an exact repeat is never kept.
            fn = templates[i % len(templates)]
            best = None
            for _ in range(8):
                scenario, texts = fn(g)
                # Checked on every draw, kept or not, to exercise more of
                # each template's wording variants.
                got = categorise(texts)
                check(got == op, f"{fn.__name__} produced a conversation categorised as {got!r}, "
                                 f"expected {op!r}:\n" + "\n".join(texts))
                if tuple(texts) in seen:
                    continue
                best = (scenario, texts)
                if not any(t in seen_texts for t in texts):
                    break
            check(best is not None, f"{fn.__name__} keeps repeating itself")
            scenario, texts = best
            conv = [{"from": "human" if k % 2 == 0 else "gpt", "value": v} for k, v in enumerate(texts)]
            seen.add(tuple(texts))
            seen_texts.update(texts)
            i += 1
            records.append({"id": f"task-api-{len(records) + 1:04d}", "conversations": conv,
                            "metadata": {"operation": op, "scenario": scenario, "template": fn.__name__}})
    return records


def split(records, seed):
    # Stratified: shuffle within each operation, then deal 8/1/1 over the
    # concatenation, so every split sees every operation.
    rng = random.Random(seed + 1)
    order = []
    for op, _ in CATEGORIES:
        group = [r for r in records if r["metadata"]["operation"] == op]
        rng.shuffle(group)
        order.extend(group)
    pattern = ["train"] * 8 + ["validation", "test"]
    out = {name: [] for name, _, _ in SPLITS}
    for k, r in enumerate(order):
        out[pattern[k % 10]].append(r)
    for name in out:
        rng.shuffle(out[name])
    return out


def quality(records):
    human, gpt, texts, turns = [], [], [], []
    for r in records:
        conv = r["conversations"]
        turns.append(len(conv))
        for m in conv:
            texts.append(m["value"])
            (human if m["from"] == "human" else gpt).append(len(m["value"]))
    mean_t = sum(turns) / len(turns)
    return {
        "human_length": sum(human) / len(human),
        "assistant_length": sum(gpt) / len(gpt),
        "unique_messages": 100.0 * len(set(texts)) / len(texts),
        "turn_variance": sum((t - mean_t) ** 2 for t in turns) / len(turns),
    }


def shingle_sets(text):
    """Word 1-grams, word 3-grams and character 5-grams of a conversation.

    dsci estimates Jaccard similarity with MinHash; the shingling it uses is
    its own business, so the dataset has to stay clear under all the usual
    choices, not just one.
    """
    text = text.lower()
    words = re.findall(r"\w+", text)
    return (set(words),
            {" ".join(words[i:i + 3]) for i in range(max(1, len(words) - 2))},
            {text[i:i + 5] for i in range(max(1, len(text) - 4))})


def jaccard(a, b):
    return len(a & b) / len(a | b) if a | b else 1.0


def self_check(records, splits):
    in_spec = [(name, [k.strip() for k in kws.split(",")])
               for name, kws in re.findall(r"\{name: (\w+),.*?keywords: \[([^\]]*)\]\}", SPEC_YAML)]
    check(in_spec == CATEGORIES, "CATEGORIES and the spec's coverage categories differ")
    counts = {op: 0 for op, _ in CATEGORIES}
    for r in records:
        conv = r["conversations"]
        check(len(conv) in (2, 4, 6), f"{r['id']}: {len(conv)} messages")
        for k, m in enumerate(conv):
            check(m["from"] == ("human" if k % 2 == 0 else "gpt"), f"{r['id']}: turn order")
            check(m["value"].strip() != "", f"{r['id']}: empty message")
            for kind, pat in PII_PATTERNS:
                check(not pat.search(m["value"]), f"{r['id']}: looks like {kind}: {m['value']!r}")
        cat = categorise([m["value"] for m in conv])
        check(cat == r["metadata"]["operation"], f"{r['id']}: categorised {cat}")
        counts[cat] += 1
    for op, floor in {"Create": 25, "Update": 25, "Complete": 20, "Delete": 20, "Query": 20}.items():
        check(counts[op] >= floor, f"{op}: {counts[op]} < {floor}")

    q = quality(records)
    check(30 <= q["human_length"] <= 80, f"human length {q['human_length']:.1f}")
    check(80 <= q["assistant_length"] <= 200, f"assistant length {q['assistant_length']:.1f}")
    check(q["unique_messages"] >= 95.0, f"unique messages {q['unique_messages']:.1f}%")
    check(q["turn_variance"] <= 2.0, f"turn variance {q['turn_variance']:.2f}")

    total = len(records)
    for name, _, share in SPLITS:
        got = len(splits[name])
        check(abs(got / total - share) <= 0.05, f"{name}: ratio {got / total:.3f}")
    check(len(splits["train"]) >= 68 and len(splits["validation"]) >= 8 and len(splits["test"]) >= 8,
          "split minimums")

    # Exact and near repeats. Staying under the 0.8 near-duplicate threshold
    # for every pair also keeps us clear of the 0.9 cross-split leakage one.
    where = {}
    sh = []
    for name, _, _ in SPLITS:
        for r in splits[name]:
            key = content_key(r["conversations"])
            check(key not in where, f"{r['id']} repeats an example ({where.get(key)})")
            where[key] = name
            sh.append((r["id"], shingle_sets(" ".join(m["value"] for m in r["conversations"]))))
    worst = (0.0, None, None)
    for i in range(len(sh)):
        for j in range(i + 1, len(sh)):
            s = max(jaccard(a, b) for a, b in zip(sh[i][1], sh[j][1]))
            if s > worst[0]:
                worst = (s, sh[i][0], sh[j][0])
    check(worst[0] < 0.8, f"near duplicates {worst[1]} / {worst[2]}: Jaccard {worst[0]:.2f}")
    return counts, q, worst


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------

def jsonl(records):
    return "".join(json.dumps(r, ensure_ascii=False, separators=(", ", ": ")) + "\n" for r in records)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = text.encode("utf-8")
    # newline="" / binary: identical bytes on every platform.
    with open(path, "wb") as f:
        f.write(data)
    return data


def version_file(split_bytes, split_counts, total):
    return {
        "version": VERSION,
        "created": CREATED,
        "previous": None,
        "splits": {
            name: {
                "path": f"data/splits/{fname}",
                "examples": split_counts[name],
                "bytes": len(split_bytes[name]),
                "checksum": "sha256:" + hashlib.sha256(split_bytes[name]).hexdigest(),
            }
            for name, fname, _ in SPLITS
        },
        "generation_config": {
            "random_seed": SEED,
            "model": "template-generator/gen_task_api.py",
            "generator": "scripts/gen_task_api.py",
            "templates_per_operation": {op: len(TEMPLATES[op]) for op, _ in CATEGORIES},
        },
        "changes": {"added": total, "removed": 0, "modified": 0},
    }


def card(splits, split_bytes, counts, q, example):
    total = sum(len(v) for v in splits.values())
    size = sum(len(b) for b in split_bytes.values())
    split_info = "".join(
        f"  - name: {name}\n    num_bytes: {len(split_bytes[name])}\n    num_examples: {len(splits[name])}\n"
        for name, _, _ in SPLITS)
    data_files = "".join(f"  - split: {name}\n    path: data/splits/{fname}\n" for name, fname, _ in SPLITS)
    rows = "".join(f"| {op} | {counts[op]} |\n" for op, _ in CATEGORIES)
    split_rows = "".join(f"| {name} | `data/splits/{fname}` | {len(splits[name])} |\n"
                         for name, fname, _ in SPLITS)
    ex = json.dumps(example, ensure_ascii=False, indent=2)
    return f"""---
pretty_name: Task API Assistant
license: apache-2.0
language:
- en
task_categories:
- text-generation
size_categories:
- n<1K
tags:
- sharegpt
- synthetic
- tool-use
configs:
- config_name: default
  data_files:
{data_files}dataset_info:
  features:
  - name: id
    dtype: string
  - name: conversations
    list:
    - name: from
      dtype: string
    - name: value
      dtype: string
  - name: metadata
    struct:
    - name: operation
      dtype: string
    - name: scenario
      dtype: string
    - name: template
      dtype: string
  splits:
{split_info}  dataset_size: {size}
---

# Dataset Card for Task API Assistant

## Dataset Description

{total} short synthetic conversations between a user and an assistant that manages tasks through a
task API (create, edit, complete, delete and look up tasks with ids, titles, due dates, priorities and
tags). Besides the straightforward requests, it covers missing information (the assistant asks for the
title or date), invalid input (impossible dates, unknown priority values, dates in the past), unknown task
ids and tasks that are already complete.

It is the bundled example dataset of dsci (dataset CI for fine-tuning datasets): small enough to read
in full, and built so that every gate of `specs/task-api.yaml` passes on it.

- **Curated by:** the dsci maintainers
- **Language:** English (a few task titles contain non-English words such as “Überprüfung” or “Café”)
- **License:** Apache-2.0
- **Version:** {VERSION}

## Uses

### Direct Use

A worked example for dsci's gates, diffs, version bumps and card generation, and a toy
supervised fine-tuning set for teaching a model the shape of a task-API assistant.

### Out-of-Scope Use

It is far too small and too templated to train a production assistant, and the task API it
describes is fictional: do not treat its field names or error messages as a real service's.

## Dataset Structure

JSON Lines in ShareGPT format, one conversation per line. Each record has an `id`, a
`conversations` list whose messages alternate `human` / `gpt` (starting with `human`, ending with
`gpt`, 1 to 3 exchanges), and `metadata` with the `operation` (Create, Update, Complete, Delete,
Query), the `scenario` (for example `missing_info`, `invalid_input`, `not_found`,
`already_complete`) and the generating `template`.

| split | file | examples |
| --- | --- | --- |
{split_rows}
Examples per operation (dsci's keyword coverage, first matching category wins):

| operation | examples |
| --- | --- |
{rows}
Quality metrics over all splits: mean human message length {q['human_length']:.1f} code points,
mean assistant message length {q['assistant_length']:.1f}, {q['unique_messages']:.1f}% distinct
message texts, variance of messages per conversation {q['turn_variance']:.2f}.

One example:

```json
{ex}
```

## Dataset Creation

### Curation Rationale

A realistic but fully reproducible dataset to demonstrate and test dataset CI.

### Source Data

No real data. Every conversation is produced by `scripts/gen_task_api.py` (Python 3 standard
library only) from hand-written templates — several per operation, each with several phrasings —
and random slot values (titles, dates, priorities, tags, ids) drawn with the fixed seed {SEED}.
The splits are stratified by operation and dealt 80/10/10. Running the script again reproduces
every file byte for byte; the checksums are in `data/hf_dataset/version.json`.

### Annotations

None beyond `metadata`, which the generator writes.

### Personal and Sensitive Information

None. The conversations contain no names of people, e-mail addresses, phone numbers, IP addresses,
payment card numbers or credentials; task titles and tags are invented. The generator refuses to
write text that looks like any of these.

## Bias, Risks, and Limitations

Templated text: phrasings repeat across examples and are less varied than real users. The dates
are all in 2025, the assistant is always polite and always right, and the API's behaviour
(priorities low/medium/high, ids like TSK-1234) is one invented design. English only.

### Recommendations

Use it to exercise tooling, not as a benchmark or as the main data for a real model.

## Citation

```bibtex
@misc{{dsci_task_api,
  title  = {{Task API Assistant: the dsci example dataset}},
  year   = {{2025}},
  note   = {{Generated by scripts/gen_task_api.py with seed {SEED}}}
}}
```
"""


README = f"""# task-api — the dsci example dataset

A small synthetic "Task API assistant" dataset in ShareGPT JSON Lines, used by dsci's
documentation and tests: users ask an assistant to create, edit, complete, delete and look
up tasks, including the awkward cases (missing title or date, impossible dates, unknown
priorities, unknown ids, tasks that are already complete).

```
specs/task-api.yaml          the dsci spec (paths are relative to this folder)
data/splits/train.jsonl      80%
data/splits/val.jsonl        10%
data/splits/test.jsonl       10%
data/hf_dataset/version.json version, checksums, seed, generator
data/hf_dataset/README.md    Hugging Face dataset card
```

Every file here is generated. To rebuild it, from the repository root:

```sh
python3 scripts/gen_task_api.py            # writes examples/task-api/
python3 scripts/gen_task_api.py --out DIR  # or anywhere else
```

The script uses only the Python 3 standard library and the fixed seed {SEED}, so the output
is byte-for-byte identical on every run; it exits non-zero if its own checks (coverage,
quality bands, splits, duplicates, PII-looking text) would not pass. Then:

```sh
dsci check -C examples/task-api
```
"""


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.join(os.path.dirname(here), "examples", "task-api")
    ap = argparse.ArgumentParser(description="Generate the dsci example dataset (task-api).")
    ap.add_argument("--out", default=default_out, help="output folder (default: examples/task-api)")
    args = ap.parse_args()

    records = generate(SEED)
    splits = split(records, SEED)
    counts, q, worst = self_check(records, splits)

    split_bytes = {}
    for name, fname, _ in SPLITS:
        split_bytes[name] = write(os.path.join(args.out, "data", "splits", fname), jsonl(splits[name]))
    vf = version_file(split_bytes, {k: len(v) for k, v in splits.items()}, len(records))
    write(os.path.join(args.out, "data", "hf_dataset", "version.json"),
          json.dumps(vf, ensure_ascii=False, indent=2) + "\n")
    example = next(r for r in splits["train"] if len(r["conversations"]) == 4)
    # The card's generated blocks belong to `dsci card`; this script only writes the
    # first, hand-written card when there is none, so regenerating the data keeps the
    # card dsci maintains (run `dsci card` afterwards to refresh its blocks).
    card_path = os.path.join(args.out, "data", "hf_dataset", "README.md")
    if not os.path.exists(card_path):
        write(card_path, card(splits, split_bytes, counts, q, example))
    write(os.path.join(args.out, "specs", "task-api.yaml"), SPEC_YAML)
    write(os.path.join(args.out, "README.md"), README)

    print(f"wrote {len(records)} examples to {args.out}: "
          + ", ".join(f"{n} {len(splits[n])}" for n, _, _ in SPLITS))
    print("coverage: " + ", ".join(f"{op} {counts[op]}" for op, _ in CATEGORIES))
    print(f"quality: human {q['human_length']:.1f}, assistant {q['assistant_length']:.1f}, "
          f"unique {q['unique_messages']:.1f}%, turn variance {q['turn_variance']:.3f}; "
          f"max pairwise Jaccard {worst[0]:.2f}")


if __name__ == "__main__":
    main()
