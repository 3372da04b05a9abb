#!/usr/bin/env python3
"""Reference implementation of dsci's gate metrics (stdlib only).

Usage:  python3 bench/reference.py CONFIG.json

CONFIG.json:
    {
      "format": "sharegpt" | "openai" | "alpaca" | "auto",
      "files": {"train": ["path1", ...], "validation": [...]},   # split order = key order
      "coverage": {"by": "keywords" | "field",
                   "field": "metadata.operation",
                   "categories": [{"name": "Create", "keywords": ["create", ...]}, ...]},
      "roles": {"human": "human", "assistant": "gpt", "system": "system"}   # optional
    }

Paths are relative to the current directory. Prints ONE JSON object (sort_keys, indent=2):
records, valid_json, examples, human_length, assistant_length, unique_messages,
turn_variance, coverage, splits, overlaps.

The definitions mirror the "Gate definitions" of design/CONTRACT.md; they are written to be
read, not to be fast.  dsci must produce the same numbers.
"""

import json
import statistics
import sys

UTF8_BOM = b"\xef\xbb\xbf"
JSON_WHITESPACE = b" \t\r\n"      # used to find the first significant byte of a file
BLANK_LINE_CHARS = b" \t\r"       # a JSONL line made only of these is skipped (not a record)

DEFAULT_ROLES = {"human": "human", "assistant": "gpt", "system": "system"}

INVALID = object()                # marker: the record is not valid JSON


def reject_constant(name):
    """json.loads hook: NaN, Infinity and -Infinity are not JSON."""
    raise ValueError("invalid JSON constant " + name)


def parse_json_bytes(data):
    """Decode strict UTF-8 and parse strict JSON; return the value or INVALID."""
    try:
        text = data.decode("utf-8")          # strict: invalid UTF-8 raises
        return json.loads(text, parse_constant=reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        # json.JSONDecodeError is a ValueError.  RecursionError: absurdly deep nesting.
        return INVALID


# --------------------------------------------------------------------------------------------
# Reading records
# --------------------------------------------------------------------------------------------

def array_elements(data):
    """Yield the records of a JSON array file's bytes (after the '['), as dsci frames them.

    Each element is found by its brackets (strings and escapes tracked) and parsed on its
    own, so a broken element is one invalid record and the next one is still read.  A
    syntax error of the array itself (a missing or extra comma, data after the ']', the
    end of the file before the ']') is one invalid record and ends the file; an element
    cut off by the end of the file is parsed as it is (invalid).
    """
    ws = b" \t\r\n"
    i, n = 0, len(data)

    def skip(i):
        while i < n and data[i] in ws:
            i += 1
        return i

    i = skip(i)
    if i < n and data[i:i + 1] == b"]":
        i = skip(i + 1)
        if i < n:
            yield INVALID                    # data after the closing ']'
        return
    while True:
        i = skip(i)
        if i >= n or data[i:i + 1] in (b"]", b","):
            yield INVALID                    # end of file, a trailing or a double comma
            return
        start = i
        c = data[i:i + 1]
        if c in (b"{", b"[", b'"'):
            depth, in_string, escape = 0, False, False
            while i < n:
                ch = data[i:i + 1]
                i += 1
                if in_string:
                    if escape:
                        escape = False
                    elif ch == b"\\":
                        escape = True
                    elif ch == b'"':
                        in_string = False
                        if depth == 0:
                            break            # a string element ends here
                elif ch == b'"':
                    in_string = True
                elif ch in (b"{", b"["):
                    depth += 1
                elif ch in (b"}", b"]"):
                    depth -= 1
                    if depth == 0:
                        break
            else:
                yield parse_json_bytes(data[start:i])   # cut off by the end of the file
                return
        else:                                # a scalar ends at a delimiter
            while i < n and data[i:i + 1] not in (b",", b"]", b" ", b"\t", b"\r", b"\n"):
                i += 1
        yield parse_json_bytes(data[start:i])
        i = skip(i)
        if i < n and data[i:i + 1] == b",":
            i += 1
            continue
        if i < n and data[i:i + 1] == b"]":
            i = skip(i + 1)
            if i < n:
                yield INVALID                # data after the closing ']'
            return
        yield INVALID                        # no ',' or ']' after an element, or the end
        return


def read_records(path):
    """Yield every record of a file: a parsed JSON value, or INVALID.

    A .jsonl file is JSONL whatever its content.  Any other file whose first
    non-whitespace byte (after an optional UTF-8 BOM) is '[' is a JSON array file: its
    records are the array's elements (see array_elements).  Otherwise the file is JSONL:
    one record per line that is not blank (lines split on LF, a trailing CR removed).
    """
    with open(path, "rb") as f:
        # Peek at the first significant byte without reading the whole file.
        head = f.read(len(UTF8_BOM))
        if head != UTF8_BOM:
            f.seek(0)
        start = f.tell()
        first = b""
        while True:
            chunk = f.read(65536)
            if not chunk:
                break
            stripped = chunk.lstrip(JSON_WHITESPACE)
            if stripped:
                first = stripped[:1]
                break
        f.seek(start)

        if first == b"[" and not path.lower().endswith(".jsonl"):
            data = f.read()
            yield from array_elements(data[data.index(b"[") + 1:])
            return

        for line in f:                      # binary mode: lines end at b"\n" only
            if line.endswith(b"\n"):
                line = line[:-1]
            if line.endswith(b"\r"):
                line = line[:-1]
            if line.strip(BLANK_LINE_CHARS) == b"":
                continue
            yield parse_json_bytes(line)


def detect_format(record):
    """Format of a file under `format: auto`, from its first parsed record."""
    if "conversations" in record:
        return "sharegpt"
    if "messages" in record:
        return "openai"
    if "instruction" in record:
        return "alpaca"
    return "sharegpt"


# --------------------------------------------------------------------------------------------
# Messages of a record: a list of (role, text) with text None when it is not a string
# --------------------------------------------------------------------------------------------

def string_or_none(value):
    return value if isinstance(value, str) else None


def sharegpt_messages(record, roles):
    normalise = {
        roles["human"]: "user",
        roles["assistant"]: "assistant",
        roles["system"]: "system",
    }
    conversations = record.get("conversations")
    if not isinstance(conversations, list):
        return []
    messages = []
    for element in conversations:
        if not isinstance(element, dict):
            continue
        role = string_or_none(element.get("from"))
        if role is not None:
            role = normalise.get(role, role)
        messages.append((role, string_or_none(element.get("value"))))
    return messages


def openai_messages(record):
    items = record.get("messages")
    if not isinstance(items, list):
        return []
    messages = []
    for element in items:
        if not isinstance(element, dict):
            continue
        messages.append((string_or_none(element.get("role")),
                         string_or_none(element.get("content"))))
    return messages


def alpaca_messages(record):
    instruction = string_or_none(record.get("instruction"))
    output = string_or_none(record.get("output"))
    extra = string_or_none(record.get("input"))
    if instruction is not None and output is not None:
        prompt = instruction if not extra else instruction + "\n\n" + extra
        return [("user", prompt), ("assistant", output)]
    return [("user", instruction), ("assistant", output)]


def record_messages(record, fmt, roles):
    if fmt == "sharegpt":
        return sharegpt_messages(record, roles)
    if fmt == "openai":
        return openai_messages(record)
    if fmt == "alpaca":
        return alpaca_messages(record)
    raise ValueError("unknown format: %r" % (fmt,))


# --------------------------------------------------------------------------------------------
# Coverage
# --------------------------------------------------------------------------------------------

NO_CATEGORY = "(none)"


def category_by_keywords(texts, categories):
    haystack = " ".join(texts).lower()
    for category in categories:
        for keyword in category.get("keywords", []):
            if keyword.lower() in haystack:
                return category["name"]
    return NO_CATEGORY


def category_by_field(record, field, categories):
    value = record
    for key in field.split("."):
        if not isinstance(value, dict) or key not in value:
            return NO_CATEGORY
        value = value[key]
    if isinstance(value, str):
        for category in categories:
            if category["name"] == value:
                return value
    return NO_CATEGORY


# --------------------------------------------------------------------------------------------
# Main computation
# --------------------------------------------------------------------------------------------

def compute(config):
    fmt_setting = config.get("format", "auto")
    roles = dict(DEFAULT_ROLES)
    roles.update(config.get("roles") or {})
    coverage_cfg = config.get("coverage") or {}
    by = coverage_cfg.get("by", "keywords")
    field = coverage_cfg.get("field", "")
    categories = coverage_cfg.get("categories", [])

    records = 0
    valid_json = 0
    examples = 0
    user_chars = user_count = 0              # sums of len() and numbers of texts
    assistant_chars = assistant_count = 0
    all_texts_count = 0
    distinct_texts = set()
    turns = []
    coverage = {category["name"]: 0 for category in categories}
    coverage[NO_CATEGORY] = 0
    splits = {}
    # conversation (tuple of (role, text)) -> set of split names; only needed for 2+ splits
    track_overlaps = len(config["files"]) > 1
    splits_of_conversation = {}

    for split, paths in config["files"].items():
        if isinstance(paths, str):
            paths = [paths]
        splits[split] = 0
        for path in paths:
            fmt = None if fmt_setting == "auto" else fmt_setting
            for record in read_records(path):
                records += 1
                if record is INVALID:
                    continue
                valid_json += 1
                if not isinstance(record, dict):
                    continue
                examples += 1
                splits[split] += 1
                if fmt is None:
                    fmt = detect_format(record)

                messages = record_messages(record, fmt, roles)
                texts = [text for _, text in messages if text is not None]

                for role, text in messages:
                    if text is None:
                        continue
                    if role == "user":
                        user_chars += len(text)
                        user_count += 1
                    elif role == "assistant":
                        assistant_chars += len(text)
                        assistant_count += 1
                all_texts_count += len(texts)
                distinct_texts.update(texts)
                turns.append(len(messages))

                if by == "field":
                    name = category_by_field(record, field, categories)
                else:
                    name = category_by_keywords(texts, categories)
                coverage[name] += 1

                if track_overlaps:
                    splits_of_conversation.setdefault(tuple(messages), set()).add(split)

    def mean(total, count):
        return total / count if count else 0.0   # int / int: correctly rounded

    if all_texts_count:
        unique_messages = 100.0 * len(distinct_texts) / all_texts_count
    else:
        unique_messages = 100.0

    turn_variance = float(statistics.pvariance(turns)) if turns else 0.0
    overlaps = sum(1 for names in splits_of_conversation.values() if len(names) > 1)

    return {
        "records": records,
        "valid_json": valid_json,
        "examples": examples,
        "human_length": float(mean(user_chars, user_count)),
        "assistant_length": float(mean(assistant_chars, assistant_count)),
        "unique_messages": float(unique_messages),
        "turn_variance": turn_variance,
        "coverage": coverage,
        "splits": splits,
        "overlaps": overlaps,
    }


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: python3 bench/reference.py CONFIG.json\n")
        return 2
    with open(argv[1], "r", encoding="utf-8") as f:
        config = json.load(f)
    result = compute(config)
    sys.stdout.write(json.dumps(result, sort_keys=True, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
