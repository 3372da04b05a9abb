#!/usr/bin/env python3
"""Writes a corpus of text that is hard on a tokenizer, the same every run (seeded):

  hostile.py PREFIX [N]

PREFIX.sharegpt.jsonl and PREFIX.openai.jsonl: N chat records each (a file has one
form: dsci decides the form per file from its first record), whose messages mix emoji
and ZWJ sequences, flags, CJK, Hangul (composed and as jamo: NFC changes them), combining
marks, scripts with their own digits, runs of spaces / tabs / newlines and of Unicode
spaces, long digit runs, very long words (past the merge's long path), contractions in
odd cases, special-token strings, JSON escapes (NUL, surrogate pairs) and random code
points of every plane. PREFIX.lines: N raw lines of the same plus invalid UTF-8 (stray
continuation bytes, overlong forms, encoded surrogates, bytes F5-FF, cut sequences).
"""
import json
import random
import unicodedata
import sys

SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|begin_of_text|>", "<|eot_id|>",
            "<|fim_prefix|>", "<|endofprompt|>", "<|start_header_id|>", "<s>", "</s>", "<|end|>"]
EMOJI = ["\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466", "\U0001F3F3\uFE0F\u200D\U0001F308",
         "\U0001F44D\U0001F3FD", "\U0001F1FA\U0001F1F8\U0001F1EF\U0001F1F5", "\u2764\uFE0F", "\U0001F600",
         "\U0001F9D1\u200D\U0001F4BB", "\u0023\uFE0F\u20E3", "\U0001FAE0", "\U0001F408\u200D\u2B1B"]
SCRIPTS = ["中文文档的处理", "日本語のテキスト、カタカナ", "한국어 텍스트", "\u1112\u1161\u11AB\u1100\u1173\u11AF",
           "ภาษาไทยไม่มีช่องว่าง", "العربية مع التشكيل: بِسْمِ", "हिन्दी में लिखा", "עִבְרִית", "Ελληνικά",
           "русский текст", "Ǆemal ǅ ǆ", "ﬁnance ﬀ", "Straße ẞ", "e\u0301 a\u0300 o\u0308\u0304",
           "Z\u0351\u036B\u0343\u036A\u0302\u036B\u033D\u034F\u0334\u0319\u0324\u031E\u0349\u035A\u032F\u031E\u0320\u034DA\u036B\u0357",
           "١٢٣٤٥ ٦٧٨", "１２３４５６", "²³¹⁰", "ⅠⅡⅢ", "\u0F40\u0F71\u0F72", "\u1E9B\u0323", "\u212B \u2126 \u00C5"]
SPACES = [" ", "  ", "\t", "\n", "\r\n", "\u00A0", "\u3000", "\u2003", "\u0085", "\u2028", "\u180E",
          "\uFEFF", "\u200B", "\u202F", "\v", "\f", "\r"]
WORDS = ["hello", "Hello", "HELLO", "don't", "DON'T", "it's", "IT'S", "we'LL", "they'Ve", "I'm",
         "she’s", "'ſ", "'S", "e-mail", "foo_bar", "naïve", "café", "https://example.com/a?b=c",
         "C++", "x86_64", "3.14159", "1,000,000", "$100", "#hashtag", "@user", "...", "!!!", "¿Qué?"]


def random_code_point(rng):
    # Assigned in this Python's Unicode (14.0 in Debian 12's), private use included: the
    # letters of a later version are letters to the references' Rust regex but not yet to
    # Debian 12's PCRE2 (Unicode 14): docs/tokens.md.
    while True:
        plane = rng.choice([0, 0, 0, 1, 2, 3, 14, 15, 16])
        cp = plane * 0x10000 + rng.randrange(0x10000)
        if unicodedata.category(chr(cp)) not in ("Cn", "Cs"):
            return chr(cp)


def segment(rng):
    kind = rng.randrange(14)
    if kind == 0:
        return rng.choice(EMOJI) * rng.randint(1, 4)
    if kind == 1:
        return rng.choice(SCRIPTS)
    if kind == 2:
        return "".join(rng.choice(SPACES) for _ in range(rng.randint(1, 6))) * rng.choice([1, 1, 3, 50])
    if kind == 3:
        return " " * rng.choice([1, 2, 3, 7, 16, 100, 1000, 5000])
    if kind == 4:
        return "".join(rng.choice("0123456789") for _ in range(rng.choice([1, 2, 3, 4, 7, 40, 1000])))
    if kind == 5:
        return rng.choice(SPECIALS)
    if kind == 6:
        return rng.choice("abcxyzéß") * rng.choice([50, 300, 1000]) + "".join(
            rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.choice([200, 1000, 3000])))
    if kind == 7:
        return "".join(random_code_point(rng) for _ in range(rng.randint(1, 12)))
    if kind == 8:
        return "\n" * rng.randint(1, 5) + " " * rng.randint(0, 4) + rng.choice(WORDS)
    if kind == 9:
        return "".join(chr(rng.randrange(0x20, 0x7F)) for _ in range(rng.randint(1, 40)))
    if kind == 10:
        return "".join(chr(rng.randrange(0x300, 0x370)) for _ in range(rng.randint(1, 8)))
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 8)))


def text(rng):
    return "".join(segment(rng) + rng.choice(["", " ", "", "\n"]) for _ in range(rng.randint(1, 10)))


def record(rng, sharegpt):
    turns = [text(rng) for _ in range(rng.choice([2, 2, 4]))]
    if sharegpt:
        roles = ["human", "gpt"] * 2
        line = json.dumps({"conversations": [{"from": roles[k], "value": t} for k, t in enumerate(turns)]},
                          ensure_ascii=rng.random() < 0.3)
    else:
        roles = ["user", "assistant"] * 2
        line = json.dumps({"messages": [{"role": roles[k], "content": t} for k, t in enumerate(turns)]},
                          ensure_ascii=rng.random() < 0.3)
    # Escapes: NUL, a surrogate pair. Not lone surrogates: dsci's JSON reader (yajl)
    # reads "\\ud800" as "?", JavaScript as U+FFFD (docs/tokens.md).
    if rng.random() < 0.05:
        line = line.replace('"value": "', '"value": "\\u0000\\ud83d\\ude00x', 1).replace(
            '"content": "', '"content": "\\ud83d\\ude00\\u0000\\u00e9', 1)
    return line


INVALID = [b"\x80", b"\xbf\xbf", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xed\xa0\x80", b"\xed\xbf\xbf",
           b"\xf4\x90\x80\x80", b"\xf5", b"\xff", b"\xfe\xff", b"\xe2\x82", b"\xf0\x9f\x98", b"\xc3",
           b"\xe2", b"\xf0\x9f"]


def raw_line(rng):
    parts = []
    for _ in range(rng.randint(1, 8)):
        if rng.random() < 0.4:
            parts.append(rng.choice(INVALID) * rng.randint(1, 3))
        else:
            parts.append(segment(rng).replace("\n", " ").replace("\r", " ").encode("utf-8", "surrogatepass"))
    return b"".join(parts)


def main():
    prefix = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    rng = random.Random(15)
    for form in ("sharegpt", "openai"):
        with open(f"{prefix}.{form}.jsonl", "w", encoding="utf-8") as f:
            for _ in range(n):
                f.write(record(rng, form == "sharegpt") + "\n")
    with open(f"{prefix}.lines", "wb") as f:
        for _ in range(n):
            f.write(raw_line(rng) + b"\n")


if __name__ == "__main__":
    main()
