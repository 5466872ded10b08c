#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Find include/call loops between the C files of a directory.

The rule of the house: no file that includes another's header is called
back by it (the callee returns a value or takes a callback instead).
This script builds a rough graph between the .c files of DIR: file A
has an edge to file B when A names a function that B defines with
external linkage (directly, or through a static inline function of a
header), or when A includes a header whose functions B defines (the
header's owner: the file defining most of what it declares).  A loop
(a strongly connected component of more than one file) is reported with
the edges that make it, and the exit status is 1.

It is a heuristic, not a C parser: definitions are found by their shape
(return type and name at column 0, body on a later line), and a name
in a comment or string is ignored.  A callback passed as a pointer is
no edge when the function is static, which is what the rule asks for.
docs/devel/migration.md ("Layers") lists the order it checks.

Usage: check-include-loops.py [--graph] [DIR...]   (default: migration)
Run from the top of the source tree.
"""

import os
import re
import sys

DEF_RE = re.compile(r'^(?!static\b|typedef\b|extern\b|#)'
                    r'[A-Za-z_][\w \t\*]*?\b([A-Za-z_]\w*)\s*\(', re.M)
IDENT_RE = re.compile(r'\b[A-Za-z_]\w*\b')
COMMENT_RE = re.compile(r'/\*.*?\*/|//[^\n]*', re.S)
STRING_RE = re.compile(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'')
INCLUDE_RE = re.compile(r'^#include\s+"([^"]+)"', re.M)


def strip(text):
    text = COMMENT_RE.sub(' ', text)
    return STRING_RE.sub('""', text)


def closing(text, i, pair):
    """Index of the bracket closing the one at text[@i] (pair: "()")."""
    depth = 0
    while i < len(text):
        if text[i] == pair[0]:
            depth += 1
        elif text[i] == pair[1]:
            depth -= 1
            if depth == 0:
                break
        i += 1
    return i


def definitions(text):
    """Names of the functions @text defines with external linkage."""
    names = set()
    for m in DEF_RE.finditer(text):
        i = closing(text, m.end() - 1, '()')
        rest = text[i + 1:].lstrip()
        if rest.startswith('{'):
            names.add(m.group(1))
    return names


def header_path(name, including_dir):
    """The file #include "@name" names, or None (generated, system)."""
    for base in (including_dir, '.', 'include'):
        path = os.path.normpath(os.path.join(base, name))
        if os.path.isfile(path):
            return path
    return None


def inline_calls(text, owner):
    """static inline function name -> the owned functions it names."""
    out = {}
    for m in re.finditer(r'^static inline\b[^;{]*?\b(\w+)\s*\(', text, re.M):
        start = text.find('{', m.end())
        if start < 0:
            continue
        body = text[start:closing(text, start, '{}')]
        out[m.group(1)] = {n for n in IDENT_RE.findall(body) if n in owner}
    return out


def sccs(nodes, edges):
    """Tarjan's strongly connected components."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
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
            out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def main(argv):
    show_graph = '--graph' in argv
    dirs = [a for a in argv if not a.startswith('--')] or ['migration']
    files = {}
    for d in dirs:
        for name in sorted(os.listdir(d)):
            if name.endswith('.c'):
                path = os.path.join(d, name)
                with open(path, encoding='utf-8') as f:
                    files[path] = strip(f.read())

    owner = {}
    for path, text in files.items():
        for name in definitions(text):
            owner.setdefault(name, path)

    # Headers the files include: their owner and their inline functions.
    headers, inlines = {}, {}
    for path in files:
        with open(path, encoding='utf-8') as f:
            raw = f.read()
        for inc in INCLUDE_RE.findall(raw):
            hpath = header_path(inc, os.path.dirname(path))
            if hpath and hpath not in headers:
                with open(hpath, encoding='utf-8') as f:
                    htext = strip(f.read())
                declared = [n for n in IDENT_RE.findall(htext) if n in owner]
                counts = {}
                for n in declared:
                    counts[owner[n]] = counts.get(owner[n], 0) + 1
                headers[hpath] = max(counts, key=counts.get) if counts \
                    else None
                inlines.update(inline_calls(htext, owner))

    edges, why = {}, {}

    def add(a, b, reason):
        if b and b != a:
            edges.setdefault(a, set()).add(b)
            why.setdefault((a, b), set()).add(reason)

    for path, text in files.items():
        for ident in set(IDENT_RE.findall(text)):
            add(path, owner.get(ident), ident)
            for callee in inlines.get(ident, ()):
                add(path, owner[callee], '%s via %s' % (callee, ident))
        with open(path, encoding='utf-8') as f:
            raw = f.read()
        for inc in INCLUDE_RE.findall(raw):
            hpath = header_path(inc, os.path.dirname(path))
            if hpath:
                add(path, headers.get(hpath), '#include "%s"' % inc)

    if show_graph:
        for path in sorted(files):
            print(path)
            for callee in sorted(edges.get(path, ())):
                print('    calls %s: %s' % (
                    callee, ', '.join(sorted(why[(path, callee)]))))

    loops = [c for c in sccs(files, edges) if len(c) > 1]
    for comp in loops:
        print('include/call loop between %d files:' % len(comp))
        members = set(comp)
        for a in comp:
            for b in sorted(edges.get(a, ())):
                if b in members:
                    print('  %s -> %s (%s)' % (
                        a, b, ', '.join(sorted(why[(a, b)]))))
    if loops:
        return 1
    print('no include/call loop in %s (%d files)' % (' '.join(dirs), len(files)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
