#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs the schema compiler over every tests/qapi-schema/*.json, printing
# TAP: a schema with a .err file must fail with exactly that message; one
# with a .out file must pass, dump to exactly that text and generate C
# without error.  --update rewrites the expected files from the results.

import io
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'scripts'))

from qapi.dump import dump_schema  # noqa: E402
from qapi.error import QAPIError  # noqa: E402
from qapi.gen import generate_all  # noqa: E402
from qapi.schema import QAPISchema  # noqa: E402


def run_one(fname, update):
    """Returns None on success, else a reason."""
    base = fname[:-len('.json')]
    try:
        schema = QAPISchema(fname)
        got_err = None
    except QAPIError as e:
        got_err = str(e) + '\n'
    if os.path.exists(base + '.err') or (update and got_err):
        if update:
            with open(base + '.err', 'w') as f:
                f.write(got_err or '')
            return None
        with open(base + '.err') as f:
            want = f.read()
        if got_err is None:
            return 'expected an error, but the schema was accepted'
        if got_err != want:
            return 'wrong error:\n  got:  %s  want: %s' % (got_err, want)
        return None
    if got_err:
        return 'unexpected error: ' + got_err.rstrip()
    dump = dump_schema(schema)
    if update:
        with open(base + '.out', 'w') as f:
            f.write(dump)
    else:
        if not os.path.exists(base + '.out'):
            return 'no %s.out or %s.err file' % (base, base)
        with open(base + '.out') as f:
            want = f.read()
        if dump != want:
            import difflib
            diff = ''.join(difflib.unified_diff(
                want.splitlines(True), dump.splitlines(True),
                base + '.out', 'actual'))
            return 'dump differs:\n' + diff
    with tempfile.TemporaryDirectory() as tmp:
        generate_all(schema, tmp, 'test-', True, False)
    return None


def main():
    update = '--update' in sys.argv[1:]
    names = [a for a in sys.argv[1:] if not a.startswith('--')]
    os.chdir(HERE)      # messages name files relative to this directory
    if not names:
        names = sorted(f for f in os.listdir('.') if f.endswith('.json'))
    print('1..%d' % len(names))
    failed = 0
    for i, name in enumerate(names, 1):
        try:
            reason = run_one(name, update)
        except Exception as e:      # a crash of the compiler is a failure
            import traceback
            reason = 'compiler crashed: %r\n%s' % (e, traceback.format_exc())
        if reason is None:
            print('ok %d %s' % (i, name))
        else:
            failed += 1
            print('not ok %d %s' % (i, name))
            for line in reason.splitlines():
                print('# ' + line)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
