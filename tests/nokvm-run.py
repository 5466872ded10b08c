#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run one test of the 'nokvm' suite: the command after '--' with
# TERN_HIDE_KVM=1, so that on a KVM host Tern and the tests take the
# paths of a machine without /dev/kvm (qtest accelerator, skips).
#
# Where /dev/kvm cannot be opened anyway, the plain suites already are
# the no-KVM run: the test is skipped, saying so (TAP plan "1..0 # SKIP"
# for --protocol tap, exit status 77 for --protocol exitcode).
#
# usage: nokvm-run.py --protocol tap|exitcode -- COMMAND [ARG...]

import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'scripts', 'qmp'))
from tern_qmp import kvm_usable  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--protocol', choices=['tap', 'exitcode'],
                    required=True)
    ap.add_argument('command', nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.command[1:] if a.command[:1] == ['--'] else a.command
    if not cmd:
        ap.error('no command after --')
    if not kvm_usable(honour_hide=False):
        why = ('no /dev/kvm: the plain suites already ran this test '
               'without KVM')
        if a.protocol == 'tap':
            print('1..0 # SKIP ' + why)
            return 0
        print('SKIP: ' + why)
        return 77
    env = dict(os.environ, TERN_HIDE_KVM='1')
    sys.stdout.flush()
    os.execvpe(cmd[0], cmd, env)


if __name__ == '__main__':
    sys.exit(main())
