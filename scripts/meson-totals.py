#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Print meson's test totals as one line: 'N passed, N failed, N skipped'.

Reads the testlog.json that 'meson test' writes (one JSON object a line).
Exits 1 when a test failed, timed out or passed unexpectedly.
"""
import json
import sys


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else 'build/meson-logs/testlog.json'
    passed = failed = skipped = 0
    try:
        with open(path, encoding='utf-8') as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                result = json.loads(line).get('result', '')
                if result in ('OK', 'EXPECTEDFAIL'):
                    passed += 1
                elif result == 'SKIP':
                    skipped += 1
                else:
                    failed += 1
    except OSError as e:
        print(f'meson-totals: cannot read {path}: {e.strerror}',
              file=sys.stderr)
        print('0 passed, 1 failed, 0 skipped')
        return 1
    print(f'{passed} passed, {failed} failed, {skipped} skipped')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
