#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Postcopy benchmark: a guest that dirties memory faster than the link
carries, switched to postcopy after the first pass.

The KVM test guest rewrites 32 MiB in a loop; the migration bandwidth is
held below its dirty rate (--bandwidth MiB/s), so precopy alone would
never converge.  After the first bitmap sync, migrate-start-postcopy.
Reported per binary (Tern, and QEMU 7.2 with --compare), median of
--repeat runs, never asserted (--preempt: with postcopy-preempt):

  total    the source's total-time (ms)
  downtime the source's downtime (ms): VM stopped to package sent
  pause    source STOP event to destination RESUME event (ms): the time
           the guest really ran nowhere (both events' timestamps)
  requests postcopy-requests (pages the destination asked for)
  p99      the destination's 99th percentile page fault latency (us),
           from Tern's postcopy_in_fault_latency trace (QEMU: n/a)

Needs /dev/kvm and the test guest image (BUILD/tests/migration-guest).
Standard library only.
"""
import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'qmp'))

from tern_qmp import kvm_usable  # noqa: E402
from tern_vm import VM, VMError, wait_migration, wait_dest_done  # noqa: E402
from tern_vm import guest_passes as passes  # noqa: E402

MiB = 1 << 20
GUEST_START, GUEST_END = 1 * MiB, 33 * MiB


def is_tern(binary):
    return 'tern' in os.path.basename(binary)



def event_time(ev):
    ts = ev['timestamp']
    return ts['seconds'] + ts['microseconds'] / 1e6


class Bench:
    def __init__(self, a):
        self.a = a
        self.dir = tempfile.mkdtemp(prefix='tern-pcbench-')

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def guest_image(self):
        img = os.path.join(self.a.build_dir, 'tests', 'migration-guest',
                           'guest.img')
        data = bytearray(open(img, 'rb').read())
        data[8:16] = GUEST_START.to_bytes(4, 'little') + \
            GUEST_END.to_bytes(4, 'little')
        out = os.path.join(self.dir, 'guest.img')
        open(out, 'wb').write(data)
        return out

    def args(self, binary, serial):
        img = self.guest_image()
        if is_tern(binary):
            return ['-M', 'tern', '-accel', 'kvm', '-m', '128M',
                    '-serial', 'file:' + serial,
                    '-device', 'loader,file=%s,addr=0x7c00,force-raw=on'
                    % img]
        return ['-M', 'pc', '-accel', 'kvm', '-m', '128M', '-nic', 'none',
                '-drive', 'file=%s,format=raw' % img,
                '-serial', 'file:' + serial]

    def run(self, binary):
        sock = os.path.join(self.dir, 'pc.sock')
        slog = os.path.join(self.dir, 's.log')
        dlog = os.path.join(self.dir, 'd.log')
        for p in (slog, dlog):
            if os.path.exists(p):
                os.unlink(p)
        src = VM(binary, self.args(binary, slog), self.dir, 'src')
        # postcopy-preempt must be set before the destination listens.
        dst_extra = ['-incoming', 'defer']
        if is_tern(binary):
            dst_extra += ['-trace', 'postcopy_in_fault_latency']
        dst = VM(binary, self.args(binary, dlog) + dst_extra, self.dir,
                 'dst')
        try:
            t = time.monotonic()
            while passes(slog) < 2 and time.monotonic() - t < 60:
                time.sleep(0.1)
            if passes(slog) < 2:
                raise VMError('the guest did not start')
            caps = ['postcopy-ram'] + (['postcopy-preempt']
                                       if self.a.preempt else [])
            for vm in (src, dst):
                vm.qmp.command('migrate-set-capabilities', capabilities=[
                    {'capability': c, 'state': True} for c in caps])
            dst.qmp.command('migrate-incoming', uri='unix:' + sock)
            src.qmp.command('migrate-set-parameters', **{
                'max-bandwidth': self.a.bandwidth * MiB,
                'max-postcopy-bandwidth': self.a.bandwidth * MiB,
                'downtime-limit': 300})
            src.qmp.command('migrate', uri='unix:' + sock)
            deadline = time.monotonic() + self.a.timeout
            while True:
                info = src.qmp.command('query-migrate')
                if info.get('ram', {}).get('dirty-sync-count', 0) >= 2:
                    break
                if info.get('status') in ('completed', 'failed') or \
                        time.monotonic() > deadline:
                    raise VMError('no first pass: %s' % info)
                time.sleep(0.02)
            src.qmp.command('migrate-start-postcopy')
            info = wait_migration(src, self.a.timeout, interval=0.05,
                                  dst=dst)
            if info['status'] != 'completed':
                raise VMError('%s: %s' % (info['status'],
                                          info.get('error-desc', '')))
            wait_dest_done(dst, 60, interval=0.02)
            stop = src.qmp.event_wait('STOP', timeout=10)
            resume = dst.qmp.event_wait('RESUME', timeout=10)
            out = {
                'total': info.get('total-time', 0),
                'downtime': info.get('downtime', 0),
                'pause': (event_time(resume) - event_time(stop)) * 1000,
                'requests': info.get('ram', {}).get('postcopy-requests', 0),
                'p99': None,
            }
            dst.quit()
            m = re.search(r'postcopy_in_fault_latency\S* faults (\d+) '
                          r'p50 (\d+) ns p99 (\d+) ns', dst.output())
            if m:
                out['p99'] = int(m.group(3)) / 1000.0
                out['faults'] = int(m.group(1))
            return out
        finally:
            src.quit()
            dst.quit()


def median(rows, key):
    vals = [r[key] for r in rows if r.get(key) is not None]
    return statistics.median(vals) if vals else None


def fmt(v, unit=''):
    if v is None:
        return 'n/a'
    return '%.1f%s' % (v, unit) if isinstance(v, float) else '%d%s' % (v,
                                                                        unit)


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('--build-dir', default='build')
    p.add_argument('--binary', help='default BUILD/tern-system-x86_64')
    p.add_argument('--compare', metavar='PATH',
                   help='also run this binary (e.g. QEMU 7.2)')
    p.add_argument('--bandwidth', type=int, default=32,
                   help='MiB/s, below the guest\'s dirty rate')
    p.add_argument('--repeat', type=int, default=3)
    p.add_argument('--preempt', action='store_true',
                   help='with postcopy-preempt (requested pages on their '
                   'own channel)')
    p.add_argument('--timeout', type=int, default=300)
    a = p.parse_args()
    if not kvm_usable():
        print('postcopy-bench: skipped: /dev/kvm is not usable')
        return 0
    binaries = [a.binary or os.path.join(a.build_dir, 'tern-system-x86_64')]
    if a.compare:
        binaries.append(a.compare)
    bench = Bench(a)
    results = {b: [] for b in binaries}
    try:
        for i in range(a.repeat):
            for b in binaries:
                r = bench.run(b)
                print('# run %d %s: %s' % (i + 1, os.path.basename(b), r),
                      flush=True)
                results[b].append(r)
    finally:
        bench.cleanup()
    print('%-22s %9s %9s %9s %9s %9s' % ('binary (median)', 'total ms',
                                         'downt ms', 'pause ms', 'requests',
                                         'p99 us'))
    for b in binaries:
        rows = results[b]
        print('%-22s %9s %9s %9s %9s %9s' % (
            os.path.basename(b)[:22], fmt(median(rows, 'total')),
            fmt(median(rows, 'downtime')), fmt(median(rows, 'pause')),
            fmt(median(rows, 'requests')), fmt(median(rows, 'p99'))))
    return 0


if __name__ == '__main__':
    sys.exit(main())
