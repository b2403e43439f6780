#!/usr/bin/env python3
"""Size profile of a wasm file: function body bytes by owner and by kind of code.

Usage: python3 scripts/wasm_size.py FILE.wasm [OWNER KIND [N]]

FILE must keep its name section. For names that say which pattern a generic function
was instantiated for, build with v0 symbol mangling and keep names through wasm-opt:

  RUSTFLAGS="-Csymbol-mangling-version=v0" CARGO_TARGET_DIR=/tmp/prof \
    cargo build --release --target wasm32-unknown-unknown -p playground-web
  wasm-bindgen --target web --out-dir /tmp/prof/bg /tmp/prof/wasm32-unknown-unknown/release/playground-web.wasm
  wasm-opt -Oz -g --zero-filled-memory --low-memory-unused --converge \
    /tmp/prof/bg/playground-web_bg.wasm -o /tmp/prof/named.wasm

The owner is the pattern named in the function's name (generic arguments included),
else the page (playground_web), else the engine (playground_core::sim), else the first
crate of the name. With OWNER and KIND it also lists that cell's largest functions.
See BENCHMARKS.md, "Bundle size".
"""
import collections
import re
import sys


def leb(b, i):
    r = s = 0
    while True:
        x = b[i]
        i += 1
        r |= (x & 0x7F) << s
        s += 7
        if x < 0x80:
            return r, i


def function_sizes(path):
    """(body bytes, name) of every function defined in the file."""
    b = open(path, 'rb').read()
    i = 8; nimp = 0; bodies = []; names = {}
    while i < len(b):
        sid = b[i]; i += 1
        size, i = leb(b, i); end = i + size
        if sid == 2:
            n, j = leb(b, i)
            for _ in range(n):
                l, j = leb(b, j); j += l
                l, j = leb(b, j); j += l
                kind = b[j]; j += 1
                if kind == 0: _, j = leb(b, j); nimp += 1
                elif kind == 1: j += 1; fl, j = leb(b, j); _, j = leb(b, j); 
                elif kind == 2:
                    fl, j = leb(b, j); _, j = leb(b, j)
                    if fl & 1: _, j = leb(b, j)
                elif kind == 3: j += 2
                elif kind == 4: j += 1; _, j = leb(b, j)
                if kind == 1 and fl & 1: _, j = leb(b, j)
        elif sid == 10:
            n, j = leb(b, i)
            for _ in range(n):
                l, j2 = leb(b, j); bodies.append(l + (j2 - j)); j = j2 + l
        elif sid == 0:
            l, j = leb(b, i); nm = b[j:j+l].decode(); j += l
            if nm == 'name':
                while j < end:
                    sub = b[j]; j += 1; sl, j = leb(b, j); se = j + sl
                    if sub == 1:
                        n, k = leb(b, j)
                        for _ in range(n):
                            idx, k = leb(b, k); l, k = leb(b, k)
                            names[idx] = b[k:k+l].decode('utf-8', 'replace'); k += l
                    j = se
        i = end
    return [(s, names.get(k + nimp, f"func[{k + nimp}]")) for k, s in enumerate(bodies)]


# Add each new pattern's module name here.
PATS = ['lamport','generation','hybrid','idempotent','consistent','balance','resilience','discovery','gateway','deploy','sharding','broker','bus','hub','scatter','mapreduce','batch','workload']


def clean(n): return re.sub(r'\[[0-9a-f]+\]', '', n)


def owner(n):
    for p in PATS:
        if f'patterns::{p}::' in n: return p
    if 'playground_web' in n: return 'web'
    if 'playground_core' in n: return 'sim'
    m = re.match(r'^[<&*\s]*(?:dyn )?([a-z_][a-z0-9_]*)::', n)
    return m.group(1) if m else 'other'


def kind(n):
    if re.search(r'sim::(state::State|engine::Simulation|trace::Trace|run::)', n) and 'Checker>' in n or re.search(r'^<?playground_core::sim::(state::State|engine::Simulation|trace::Trace)<', n) or 'as playground_core::sim::run::Engine>' in n:
        return 'engine-generic'
    if 'fmt::Display>::fmt' in n or 'fmt::Debug>::fmt' in n or re.search(r'\bfmt::', n.split(' as ')[0]) or 'to_string' in n or 'Write>::write' in n: return 'fmt'
    if 'drop_in_place' in n or 'ops::drop::Drop>::drop' in n: return 'drop-glue'
    if 'clone::Clone>::clone' in n: return 'clone'
    if re.search(r'(collections::btree|imbl|archery|hashbrown|sized_chunks|alloc::vec|raw_vec|slice::sort|vec::)', n.split('::{closure')[0][:200]): return 'collections'
    return 'logic'


def main():
    rows = [(s, clean(n)) for s, n in function_sizes(sys.argv[1])]
    t = collections.defaultdict(collections.Counter)
    for s, n in rows: t[owner(n)][kind(n)] += s
    kinds = ['engine-generic','fmt','collections','clone','drop-glue','logic']
    print(f"{'owner':12s} {'total':>7s} " + ' '.join(f'{k:>14s}' for k in kinds))
    for o, c in sorted(t.items(), key=lambda x: -sum(x[1].values()))[:40]:
        print(f"{o:12s} {sum(c.values()):7d} " + ' '.join(f'{c[k]:14d}' for k in kinds))
    if len(sys.argv) > 3:
        for s, n in sorted([(s,n) for s,n in rows if owner(n)==sys.argv[2] and kind(n)==sys.argv[3]], reverse=True)[:int(sys.argv[4]) if len(sys.argv)>4 else 40]: print(s, n[:260])
if __name__ == '__main__':
    main()
