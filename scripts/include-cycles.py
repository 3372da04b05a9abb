#!/usr/bin/env python3
"""Lists include cycles among dsci's own files, at two levels.

  python3 scripts/include-cycles.py [src]

File level: a header that (through others) includes itself.
Module level: foo.c/foo.h (and a private foo_impl.h) count as one module "foo"; foo depends on bar when foo.c or
foo.h includes bar.h. A cycle there (card.c -> card_doc.h, card_doc.c -> card.h) means
neither half can be read, built or tested without the other.

Only #include "..." lines are read (names resolved against src/, then the including
file's folder); system headers are ignored. Exit status 1 when a cycle is found.
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def scan(root):
    files = {}
    for folder, _, names in os.walk(root):
        for name in names:
            if name.endswith((".c", ".h")):
                path = os.path.relpath(os.path.join(folder, name), root)
                with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
                    files[path] = f.read()
    edges = {}
    for path, text in files.items():
        deps = set()
        for inc in INCLUDE.findall(text):
            for cand in (inc, os.path.normpath(os.path.join(os.path.dirname(path), inc))):
                if cand in files:
                    deps.add(cand)
                    break
        edges[path] = deps
    return edges


def cycles(graph):
    """Strongly connected components with more than one node (or a self loop), Tarjan."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in graph.get(v, ()):
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "src"
    files = scan(root)
    # an implementation header (foo_impl.h) is part of its module foo
    module = lambda p: re.sub(r"_impl$", "", os.path.splitext(p)[0])
    mods = {}
    for path, deps in files.items():
        m = mods.setdefault(module(path), set())
        m.update(module(d) for d in deps if d.endswith(".h") and module(d) != module(path))
    found = 0
    for level, graph in (("file", files), ("module", mods)):
        for comp in cycles(graph):
            found += 1
            print(f"{level} cycle: " + " <-> ".join(comp))
    if not found:
        print(f"no include cycle in {root}/ ({len(files)} files, {len(mods)} modules)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
