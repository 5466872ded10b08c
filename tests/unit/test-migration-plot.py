#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""scripts/migration-plot.py: a history in each accepted shape gives an
SVG that parses as XML with one polyline per series and one point per
pass at the right height; bad input fails with a message.  Prints TAP.

usage: test-migration-plot.py PLOT_SCRIPT
"""

import json
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

PLOT = sys.argv[1]
N = 0
FAILED = 0


def check(name, cond, detail=''):
    global N, FAILED
    N += 1
    print('%s %d - %s' % ('ok' if cond else 'not ok', N, name))
    if not cond:
        FAILED += 1
        print('# %s' % detail)


def run(stdin_text, *args):
    return subprocess.run([sys.executable, PLOT, '-'] + list(args),
                          input=stdin_text, capture_output=True, text=True,
                          timeout=60)


MIB = 1024 * 1024
passes = [
    {'pass': 2, 'start': 0, 'duration': 1000, 'pages-sent': 8192,
     'pages-dirtied': 4096, 'bandwidth': 32 * MIB, 'expected-downtime': 500},
    {'pass': 3, 'start': 1000, 'duration': 500, 'pages-sent': 4096,
     'pages-dirtied': 1024, 'bandwidth': 32 * MIB, 'expected-downtime': 125},
    {'pass': 4, 'start': 1500, 'duration': 125, 'pages-sent': 1024,
     'pages-dirtied': 64, 'bandwidth': 32 * MIB, 'expected-downtime': 8},
]
NS = '{http://www.w3.org/2000/svg}'

for label, doc in [('list', passes),
                   ('query-migrate object', {'status': 'completed',
                                             'x-tern-passes': passes}),
                   ('QMP reply', {'return': {'x-tern-passes': passes}})]:
    p = run(json.dumps(doc), '--title', 'a <test>')
    check('%s: exit 0' % label, p.returncode == 0, p.stderr)
    try:
        root = ET.fromstring(p.stdout)
    except ET.ParseError as e:
        check('%s: SVG parses' % label, False, e)
        continue
    lines = {pl.get('class'): pl.get('points').split()
             for pl in root.iter(NS + 'polyline')}
    check('%s: three series' % label,
          sorted(lines) == ['bandwidth', 'dirty', 'remaining'], lines)
    check('%s: one point per pass' % label,
          all(len(v) == 3 for v in lines.values()), lines)
    # Bandwidth is flat; dirty (16, 8, 2 MiB/s) and remaining (16, 4,
    # 0.25 MiB) fall: y grows downwards.
    ys = {k: [float(pt.split(',')[1]) for pt in v] for k, v in lines.items()}
    check('%s: bandwidth flat' % label, len(set(ys['bandwidth'])) == 1, ys)
    check('%s: dirty rate and remaining fall' % label,
          ys['dirty'][0] < ys['dirty'][1] < ys['dirty'][2] and
          ys['remaining'][0] < ys['remaining'][1] < ys['remaining'][2], ys)
    check('%s: title escaped' % label, 'a &lt;test&gt;' in p.stdout)

with tempfile.NamedTemporaryFile('w', suffix='.json') as f:
    json.dump(passes, f)
    f.flush()
    out = f.name + '.svg'
    p = subprocess.run([sys.executable, PLOT, f.name, '-o', out],
                       capture_output=True, text=True, timeout=60)
    check('file in, file out', p.returncode == 0 and
          open(out).read().startswith('<svg'), p.stderr)

for label, text, msg in [
        ('not JSON', 'nope', 'migration-plot: '),
        ('no history', '{"return": {"status": "active"}}',
         'no x-tern-passes'),
        ('empty', '[]', 'the history is empty'),
        ('bad record', '[{"pass": 1}]', 'record 0: missing or bad')]:
    p = run(text)
    check('%s: refused with a message' % label,
          p.returncode == 1 and msg in p.stderr, (p.returncode, p.stderr))

print('1..%d' % N)
sys.exit(1 if FAILED else 0)
