#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""COLO and background snapshot benchmark (docs/devel/colo.md,
docs/devel/background-snapshot.md).  Reported, never asserted.

colo: a primary and a secondary (-accel qtest, --mem MiB) in COLO with
x-checkpoint-delay --delay ms; a writer dirties --rates MiB/s of random
data (256 KiB pieces at random places) through qtest for --seconds.
Per rate: checkpoints, the VM's pause per checkpoint (primary STOP to
RESUME, transfer and secondary load included: mean and max, ms) and the
checkpoint size (mean, MiB), from query-migrate's x-tern-colo.

snapshot: a --mem MiB VM filled with data, snapshotted with
background-snapshot to a file at --bandwidth MiB/s while the writer
rewrites 256 KiB pieces without pause.  Reported: the snapshot's total
time, the VM's pause at its start (downtime), and the writer's write
latency (each 256 KiB qtest write, p50/p99/max, ms), against the same
writer with no snapshot.  With --compare, QEMU 7.2 (-M none) runs the
snapshot part too; COLO needs QEMU's block replication and network
filters, so QEMU is not compared there.

Standard library only.
"""
import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'qmp'))

from tern_vm import VM, query_migrate  # noqa: E402

MiB = 1 << 20
PIECE = 256 * 1024


def wait_status(vm, want, timeout=120.0):
    deadline = time.monotonic() + timeout
    while True:
        st = query_migrate(vm.qmp).get('status')
        if st == want:
            return
        if st in ('failed', 'cancelled') or time.monotonic() > deadline:
            raise RuntimeError('%s: status %s, waiting for %s'
                               % (vm.name, st, want))
        time.sleep(0.05)


def write_piece(vm, rnd, mem):
    addr = rnd.randrange(0, mem // PIECE) * PIECE
    vm.qtest.memwrite(addr, rnd.randbytes(PIECE))


def colo_run(a, tmp, rate):
    tern = os.path.join(a.build_dir, 'tern-system-x86_64')
    mem = ['-M', 'none', '-m', '%dM' % a.mem]
    sock = os.path.join(tmp, 'colo.sock')
    pri = VM(tern, mem, tmp, 'primary', qtest=True)
    sec = VM(tern, mem + ['-accel', 'qtest', '-incoming', 'defer'], tmp,
             'secondary')
    try:
        for vm in (pri, sec):
            vm.qmp.command('migrate-set-capabilities', capabilities=[
                {'capability': 'x-colo', 'state': True}])
        pri.qmp.command('migrate-set-parameters',
                        **{'x-checkpoint-delay': a.delay})
        sec.qmp.command('migrate-incoming', uri='unix:' + sock)
        pri.qmp.command('migrate', uri='unix:' + sock)
        wait_status(pri, 'colo')
        rnd = random.Random(15)
        t0 = time.monotonic()
        written = 0
        while time.monotonic() - t0 < a.seconds:
            due = rate * MiB * (time.monotonic() - t0)
            if written < due:
                write_piece(pri, rnd, a.mem * MiB)
                written += PIECE
            else:
                time.sleep(0.002)
        c = query_migrate(pri.qmp)['x-tern-colo']
        n = max(c['checkpoints'], 1)
        return {'checkpoints': c['checkpoints'],
                'pause_ms': c['total-pause-us'] / n / 1000.0,
                'max_ms': c['max-pause-us'] / 1000.0,
                'size_mib': c['total-size'] / n / MiB}
    finally:
        pri.kill()
        sec.kill()


def percentiles(lat):
    lat = sorted(lat)
    return (statistics.median(lat) * 1000.0,
            lat[int(len(lat) * 0.99) - 1] * 1000.0, lat[-1] * 1000.0)


def snapshot_run(a, tmp, binary):
    qemu = 'tern' not in os.path.basename(binary)
    mem = ['-M', 'none', '-m', '%dM' % a.mem]
    if qemu:
        mem += ['-nic', 'none']
    vm = VM(binary, mem, tmp, 'snap', qtest=True)
    image = os.path.join(tmp, 'snapshot.img')
    try:
        rnd = random.Random(16)
        for off in range(0, a.mem * MiB, 2 * MiB):
            vm.qtest.memset(off, 2 * MiB, rnd.randrange(1, 256))
        base = []
        t_end = time.monotonic() + 1.0
        while time.monotonic() < t_end:
            t = time.monotonic()
            write_piece(vm, rnd, a.mem * MiB)
            base.append(time.monotonic() - t)
        vm.qmp.command('migrate-set-capabilities', capabilities=[
            {'capability': 'background-snapshot', 'state': True}])
        vm.qmp.command('migrate-set-parameters',
                       **{'max-bandwidth': a.bandwidth * MiB})
        vm.qmp.command('migrate', uri='file:' + image)
        lat = []
        while True:
            info = query_migrate(vm.qmp)
            if info.get('status') == 'completed':
                break
            if info.get('status') in ('failed', 'cancelled'):
                raise RuntimeError('snapshot %s: %s' % (
                    info.get('status'), info.get('error-desc')))
            for _ in range(16):
                t = time.monotonic()
                write_piece(vm, rnd, a.mem * MiB)
                lat.append(time.monotonic() - t)
        return {'total_ms': info.get('total-time', 0),
                'pause_ms': info.get('downtime', 0),
                'writes': len(lat), 'lat': percentiles(lat),
                'base': percentiles(base)}
    finally:
        vm.kill()
        if os.path.exists(image):
            os.unlink(image)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--build-dir', default=os.path.join(ROOT, 'build'))
    p.add_argument('--mem', type=int, default=1024, help='MiB of RAM')
    p.add_argument('--delay', type=int, default=200,
                   help='x-checkpoint-delay (ms)')
    p.add_argument('--rates', default='10,100', help='MiB/s dirtied')
    p.add_argument('--seconds', type=float, default=5.0)
    p.add_argument('--bandwidth', type=int, default=512,
                   help='snapshot max-bandwidth (MiB/s)')
    p.add_argument('--compare', metavar='QEMU', nargs='?',
                   const='/usr/bin/qemu-system-x86_64',
                   help='also run the snapshot on this QEMU 7.2')
    p.add_argument('--only', choices=['colo', 'snapshot'])
    a = p.parse_args()
    tmp = tempfile.mkdtemp(prefix='tern-colobench-')
    try:
        if a.only != 'snapshot':
            print('COLO, %d MiB, x-checkpoint-delay %d ms, %.0f s'
                  % (a.mem, a.delay, a.seconds))
            print('%10s %12s %12s %12s %12s' % ('MiB/s', 'checkpoints',
                  'pause ms', 'max ms', 'size MiB'))
            for rate in [float(r) for r in a.rates.split(',')]:
                r = colo_run(a, tmp, rate)
                print('%10.0f %12d %12.2f %12.2f %12.2f'
                      % (rate, r['checkpoints'], r['pause_ms'], r['max_ms'],
                         r['size_mib']))
        if a.only != 'colo':
            bins = [os.path.join(a.build_dir, 'tern-system-x86_64')]
            if a.compare:
                bins.append(a.compare)
            print('background snapshot, %d MiB at %d MiB/s, 256 KiB writes'
                  % (a.mem, a.bandwidth))
            print('%-22s %9s %9s %7s %22s %22s' % (
                  'binary', 'total ms', 'pause ms', 'writes',
                  'write p50/p99/max ms', 'idle p50/p99/max ms'))
            for b in bins:
                r = snapshot_run(a, tmp, b)
                print('%-22s %9d %9d %7d %22s %22s' % (
                      os.path.basename(b), r['total_ms'], r['pause_ms'],
                      r['writes'], '%.2f/%.2f/%.2f' % r['lat'],
                      '%.2f/%.2f/%.2f' % r['base']))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
