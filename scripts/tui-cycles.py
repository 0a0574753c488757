#!/usr/bin/env python3
"""Import cycles between the files of src/ (or of a part of it).

    python3 scripts/tui-cycles.py            # cycles among the files under src/tui
    python3 scripts/tui-cycles.py src        # cycles anywhere in src/
    python3 scripts/tui-cycles.py src/tui -v # and every edge, file by file

A file depends on another when it names it in a path: `use crate::a::b`, `super::x`, `self::y`,
a child module by its bare name (`use child::Thing`, `child::f()`), in `use` trees
(`use crate::tui::{app::App, layout}`) and in code alike. A path is charged to the longest
module prefix that is a file. A parent declaring `mod child;` is not a dependency by itself
(it is the module tree, not an import). Comments and string literals are ignored.

Prints the strongly connected components with more than one file (each is at least one cycle)
and one concrete cycle for each; exits 1 when there is any, so CI could run it.
"""

import os
import re
import sys

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def strip_code(text):
    """Removes comments, string and char literals (keeps line structure roughly)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif c == "r" and re.match(r'r#*"', text[i:i + 10]) and (i == 0 or not re.match(r"[A-Za-z0-9_]", text[i - 1])):
            m = re.match(r'r(#*)"', text[i:])
            end = '"' + m.group(1)
            j = text.find(end, i + len(m.group(0)))
            i = n if j < 0 else j + len(end)
            out.append('""')
        elif c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            i += 1
            out.append('""')
        elif c == "'" and re.match(r"'(\\.|[^\\'])'", text[i:i + 4]) or (c == "'" and text.startswith("'\\u{", i)):
            j = text.find("'", i + 1)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def inline_modules(code):
    """(start, end, name) of each `mod name { ... }` written inside the file."""
    out = []
    for m in re.finditer(r"\bmod\s+(" + IDENT + r")\s*\{", code):
        depth, i = 1, m.end()
        while i < len(code) and depth:
            depth += {"{": 1, "}": -1}.get(code[i], 0)
            i += 1
        out.append((m.end(), i, m.group(1)))
    return out


def enclosing(mods, pos):
    """The inline modules around `pos`, outermost first."""
    return [name for start, end, name in sorted(mods) if start <= pos < end]


def module_path(root, path):
    """src/tui/app/checkin.rs -> ['tui', 'app', 'checkin']; src/lib.rs -> []."""
    rel = os.path.relpath(path, root)[:-3].split(os.sep)
    if rel[-1] in ("mod", "lib", "main"):
        rel = rel[:-1]
    return rel


def expand_use_tree(tree):
    """'crate::a::{b, c::{d, e as f}, self}' -> ['crate::a::b', 'crate::a::c::d', 'crate::a::c::e', 'crate::a']."""
    tree = re.sub(r"\s+", "", tree)
    depth = 0
    for i, c in enumerate(tree):
        if c == "{":
            if depth == 0:
                prefix = tree[:i].rstrip(":")
                inner = tree[i + 1:tree.rindex("}")]
                parts, level, start = [], 0, 0
                for j, d in enumerate(inner):
                    if d == "{":
                        level += 1
                    elif d == "}":
                        level -= 1
                    elif d == "," and level == 0:
                        parts.append(inner[start:j])
                        start = j + 1
                parts.append(inner[start:])
                out = []
                for p in parts:
                    if not p:
                        continue
                    if p == "self":
                        out.append(prefix)
                    else:
                        out.extend(expand_use_tree(prefix + "::" + p if prefix else p))
                return out
            depth += 1
    return [tree]


def resolve(segments, here, modules, is_dir_module):
    """The module (as a tuple) a path names, from file module `here`, or None when outside the crate."""
    if not segments:
        return None
    first = segments[0]
    # Inside foo.rs or foo/mod.rs, `self` is foo and `super` is foo's parent.
    if first == "crate":
        base, rest = (), segments[1:]
    elif first in ("self", "super"):
        base = tuple(here)
        rest = segments
        while rest and rest[0] in ("self", "super"):
            if rest[0] == "super":
                base = base[:-1]
            rest = rest[1:]
    elif tuple(here) + (first,) in modules:
        base, rest = tuple(here), segments
    else:
        return None
    best = base if base in modules else None
    cur = base
    for seg in rest:
        cur = cur + (seg,)
        if cur in modules:
            best = cur
        else:
            break
    return best


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    verbose = "-v" in sys.argv
    scope = args[0] if args else "src/tui"
    root = "src"
    files = {}
    for dirpath, _, names in os.walk(root):
        for name in names:
            if name.endswith(".rs"):
                path = os.path.join(dirpath, name)
                files[tuple(module_path(root, path))] = path
    modules = set(files)
    edges = {m: set() for m in modules}
    path_re = re.compile(r"(?<![A-Za-z0-9_:])((?:" + IDENT + r"::)+" + IDENT + ")")
    use_re = re.compile(r"\buse\s+([^;]+);")
    for here, path in files.items():
        with open(path, encoding="utf-8") as f:
            code = strip_code(f.read())
        mods = inline_modules(code)
        paths = []
        for m in use_re.finditer(code):
            at = list(here) + enclosing(mods, m.start())
            paths.extend((at, p) for p in expand_use_tree(re.sub(r"\s+as\s+" + IDENT, "", m.group(1))))
        code_without_uses = use_re.sub(lambda m: " " * len(m.group(0)), code)
        for m in path_re.finditer(code_without_uses):
            paths.append((list(here) + enclosing(mods, m.start()), m.group(1)))
        for at, p in paths:
            target = resolve(p.split("::"), at, modules, None)
            if target is not None and target != here:
                # A path through an ancestor to a descendant of `here` is still `here`'s own module tree.
                edges[here].add(target)

    in_scope = {m for m, p in files.items() if os.path.normpath(p).startswith(os.path.normpath(scope))}
    graph = {m: {t for t in edges[m] if t in in_scope} for m in in_scope}

    # Tarjan's strongly connected components.
    index, low, stack, on_stack, sccs, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            sccs.append(comp)

    for v in sorted(graph):
        if v not in index:
            visit(v)

    def name(m):
        return files[m]

    if verbose:
        for m in sorted(graph):
            for t in sorted(graph[m]):
                print(f"{name(m)} -> {name(t)}")
    cycles = [sorted(c) for c in sccs if len(c) > 1]
    print(f"{len(graph)} files under {scope}, {sum(len(e) for e in graph.values())} import edges")
    if not cycles:
        print("no import cycles")
        return 0
    for comp in cycles:
        members = set(comp)
        print(f"cycle among {len(comp)} files: " + ", ".join(name(m) for m in comp))
        # One concrete cycle: a shortest path back to the first file.
        start = comp[0]
        prev, frontier, found = {start: None}, [start], None
        while frontier and found is None:
            nxt = []
            for v in frontier:
                for w in sorted(graph[v] & members):
                    if w == start:
                        found = v
                        break
                    if w not in prev:
                        prev[w] = v
                        nxt.append(w)
                if found is not None:
                    break
            frontier = nxt
        chain, v = [], found
        while v is not None:
            chain.append(v)
            v = prev[v]
        chain.reverse()
        print("  e.g. " + " -> ".join(name(m) for m in chain + [start]))
    return 1


if __name__ == "__main__":
    sys.exit(main())
