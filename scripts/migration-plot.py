#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Draw a migration's per-pass history as an SVG (standard library only).

The history is Tern's x-tern-passes member of query-migrate: one record
per dirty-bitmap round with its start, duration, pages sent, pages
dirtied, bandwidth and expected downtime.  The input may be a
query-migrate reply ({"return": {...}}), its "return" object, or the
list of records itself; "-" reads standard input.

usage: migration-plot.py [-o OUT.svg] [--title TEXT] HISTORY.json

Three series over the passes, on one MiB (or MiB/s) axis: bandwidth,
dirty rate (pages dirtied / duration) and remaining (the data dirty at
the end of the pass, i.e. the next pass's work).  A migration that
converges shows remaining falling below the bandwidth line times the
downtime limit; one that does not shows dirty rate at or above
bandwidth and remaining flat.
"""

import argparse
import json
import sys
from xml.sax.saxutils import escape

PAGE = 4096
MIB = 1024 * 1024
W, H = 800, 420
LEFT, RIGHT, TOP, BOTTOM = 70, 160, 40, 50
SERIES = [('bandwidth', 'MiB/s sent', '#1f77b4'),
          ('dirty', 'MiB/s dirtied', '#d62728'),
          ('remaining', 'MiB left', '#2ca02c')]


def load(path):
    fh = sys.stdin if path == '-' else open(path)
    with fh:
        doc = json.load(fh)
    if isinstance(doc, dict) and 'return' in doc:
        doc = doc['return']
    if isinstance(doc, dict):
        doc = doc.get('x-tern-passes')
        if doc is None:
            raise ValueError('no x-tern-passes in this query-migrate '
                             'reply (no pass ended yet, or not Tern)')
    if not isinstance(doc, list):
        raise ValueError('expected a list of pass records')
    rows = []
    for i, r in enumerate(doc):
        try:
            dur = max(int(r['duration']), 1)
            bw = int(r['bandwidth'])
            rows.append({
                'pass': int(r['pass']),
                'bandwidth': bw / MIB,
                'dirty': int(r['pages-dirtied']) * PAGE * 1000 / dur / MIB,
                'remaining': int(r['expected-downtime']) * bw / 1000 / MIB,
            })
        except (KeyError, TypeError, ValueError) as e:
            raise ValueError('record %d: missing or bad %s' % (i, e))
    if not rows:
        raise ValueError('the history is empty')
    return rows


def nice_max(v):
    """A round axis top at or above v."""
    if v <= 0:
        return 1
    step = 1
    while step * 10 < v:
        step *= 10
    for m in (1, 2, 5, 10):
        if m * step >= v:
            return m * step
    return 10 * step


def svg(rows, title):
    n = len(rows)
    top = nice_max(max(max(r[k] for k, _, _ in SERIES) for r in rows))
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM

    def x(i):
        return LEFT + (pw * i / (n - 1) if n > 1 else pw / 2)

    def y(v):
        return TOP + ph - ph * v / top

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="12">' % (W, H),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="22" font-size="15">%s</text>' %
           (LEFT, escape(title))]
    for t in range(6):
        v = top * t / 5
        out.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" '
                   'stroke="#ddd"/>' % (LEFT, LEFT + pw, y(v), y(v)))
        out.append('<text x="%d" y="%.1f" text-anchor="end">%g</text>' %
                   (LEFT - 6, y(v) + 4, round(v, 2)))
    every = max(1, n // 10)
    for i, r in enumerate(rows):
        if i % every == 0 or i == n - 1:
            out.append('<text x="%.1f" y="%d" text-anchor="middle">%d'
                       '</text>' % (x(i), TOP + ph + 18, r['pass']))
    out.append('<text x="%d" y="%d" text-anchor="middle">pass</text>' %
               (LEFT + pw // 2, H - 8))
    out.append('<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="black"/>' %
               (LEFT, LEFT + pw, TOP + ph, TOP + ph))
    out.append('<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="black"/>' %
               (LEFT, LEFT, TOP, TOP + ph))
    for j, (key, label, colour) in enumerate(SERIES):
        pts = ' '.join('%.1f,%.1f' % (x(i), y(r[key]))
                       for i, r in enumerate(rows))
        out.append('<polyline class="%s" fill="none" stroke="%s" '
                   'stroke-width="2" points="%s"/>' % (key, colour, pts))
        ly = TOP + 10 + 20 * j
        out.append('<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s" '
                   'stroke-width="2"/>' % (W - RIGHT + 15, W - RIGHT + 35,
                                           ly, ly, colour))
        out.append('<text x="%d" y="%d">%s</text>' %
                   (W - RIGHT + 40, ly + 4, escape(label)))
    out.append('</svg>')
    return '\n'.join(out) + '\n'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('history', help='JSON file, or - for stdin')
    ap.add_argument('-o', '--output', default='-',
                    help='SVG file (default: stdout)')
    ap.add_argument('--title', default='Migration passes')
    a = ap.parse_args()
    try:
        rows = load(a.history)
    except (OSError, ValueError) as e:
        print('migration-plot: %s' % e, file=sys.stderr)
        return 1
    text = svg(rows, a.title)
    if a.output == '-':
        sys.stdout.write(text)
    else:
        with open(a.output, 'w') as fh:
            fh.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
