#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""COLO and background snapshot benchmark (docs/devel/colo.md,
docs/devel/background-snapshot.md).  Reported, never asserted.

colo: a primary and a secondary (--mem MiB) in COLO with
x-checkpoint-delay --delay ms; once the first checkpoint went through
a writer dirties --rates MiB/s (qtest memset of 256 KiB pieces at
random places, each a random non-zero byte) for --seconds.  Per rate:
the rate the writer reached, checkpoints, the VM's pause per checkpoint (primary STOP to RESUME,
transfer and secondary load included: mean, median and max, ms, from
the primary's colo_vm_state_change trace lines, which Tern and QEMU
both print) and the checkpoint size (mean, MiB, Tern's x-tern-colo;
QEMU shows none).  With --compare, QEMU 7.2 runs the same pair: the
memory-and-devices part of its COLO needs no block replication or
network filters when there are no disks and no NICs.  Tern runs -M none
-accel qtest; QEMU -M pc -accel kvm (its qtest writes need a vCPU, and
under TCG its primary hangs at the first checkpoint), so its device
state is a PC's and its vCPU spins in the BIOS with no boot device.

snapshot: a --mem MiB VM filled with data, snapshotted with
background-snapshot to a file at --bandwidth MiB/s while the writer
rewrites 256 KiB pieces without pause.  Reported: the snapshot's total
time, the VM's pause at its start (downtime), and the writer's write
latency (each 256 KiB qtest write, p50/p99/max, ms), against the same
writer with no snapshot.  With --compare, QEMU 7.2 (-M none) runs the
snapshot part too.

Standard library only.
"""
import argparse
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'qmp'))

from tern_qmp import QTestError  # noqa: E402
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


def is_qemu(binary):
    return 'tern' not in os.path.basename(binary)


def pauses_from_log(path, since):
    """The primary's pauses (ms) from its colo_vm_state_change trace lines
    ('pid@sec.usec:colo_vm_state_change Change 'run' => 'stop''), both
    Tern and QEMU print them, for the stops after wall time @since."""
    out, stopped = [], None
    with open(path, errors='replace') as f:
        for line in f:
            m = re.match(r"\d+@(\d+\.\d+):colo_vm_state_change "
                         r"Change '(\w+)' => '(\w+)'", line)
            if not m:
                continue
            t = float(m.group(1))
            if m.group(2) == 'run' and m.group(3) == 'stop':
                stopped = t if t >= since else None
            elif m.group(2) == 'stop' and stopped is not None:
                out.append((t - stopped) * 1000.0)
                stopped = None
    return out


def colo_run(a, tmp, binary, rate):
    qemu = is_qemu(binary)
    mem = ['-m', '%dM' % a.mem, '-trace', 'colo_vm_state_change']
    if qemu:
        # QEMU 7.2's qtest writes go through the first vCPU's address
        # space (-M none has no vCPU and crashes), under TCG its primary
        # hangs on the BQL at the first checkpoint, so KVM; its log
        # backend stamps trace lines only with -msg.
        if not os.access('/dev/kvm', os.R_OK | os.W_OK):
            raise RuntimeError('QEMU needs /dev/kvm here')
        mem += ['-M', 'pc', '-accel', 'kvm', '-nic', 'none',
                '-msg', 'timestamp=on']
    else:
        mem += ['-M', 'none', '-accel', 'qtest']
    sock = os.path.join(tmp, 'colo.sock')
    pri = VM(binary, mem, tmp, 'primary', qtest=True)
    sec = VM(binary, mem + ['-incoming', 'defer'], tmp, 'secondary')
    # A primary stuck in a checkpoint answers no write: give up sooner.
    pri.qtest.timeout = 30
    try:
        for vm in (pri, sec):
            vm.qmp.command('migrate-set-capabilities', capabilities=[
                {'capability': 'x-colo', 'state': True}])
        pri.qmp.command('migrate-set-parameters',
                        **{'x-checkpoint-delay': a.delay,
                           'max-bandwidth': 8 << 30})
        sec.qmp.command('migrate-incoming', uri='unix:' + sock)
        pri.qmp.command('migrate', uri='unix:' + sock)
        wait_status(pri, 'colo')
        # The first checkpoint waits for the secondary's set-up.
        deadline = time.monotonic() + 600
        while not pauses_from_log(pri.log_path, 0):
            if time.monotonic() > deadline:
                raise RuntimeError('no checkpoint within 600 s')
            time.sleep(0.05)
        before = query_migrate(pri.qmp).get('x-tern-colo')
        since = time.time()
        rnd = random.Random(15)
        t0 = time.monotonic()
        written = 0
        while time.monotonic() - t0 < a.seconds:
            due = rate * MiB * (time.monotonic() - t0)
            if written < due:
                # memset: a short command, so the writer keeps up and
                # holds the main loop (and the BQL) only for the write.
                pri.qtest.memset(rnd.randrange(0, a.mem * MiB // PIECE) *
                                 PIECE, PIECE, rnd.randrange(1, 256))
                written += PIECE
            else:
                time.sleep(0.002)
        after = query_migrate(pri.qmp).get('x-tern-colo')
        pauses = pauses_from_log(pri.log_path, since)
        size = None
        if before and after and after['checkpoints'] > before['checkpoints']:
            size = ((after['total-size'] - before['total-size']) /
                    (after['checkpoints'] - before['checkpoints']) / MiB)
        return {'checkpoints': len(pauses),
                'written': written / MiB / a.seconds,
                'pause_ms': statistics.mean(pauses) if pauses else 0,
                'p50_ms': statistics.median(pauses) if pauses else 0,
                'max_ms': max(pauses) if pauses else 0,
                'size_mib': size}
    finally:
        pri.kill()
        sec.kill()


def percentiles(lat):
    lat = sorted(lat)
    return (statistics.median(lat) * 1000.0,
            lat[int(len(lat) * 0.99) - 1] * 1000.0, lat[-1] * 1000.0)


def snapshot_run(a, tmp, binary):
    qemu = is_qemu(binary)
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
    p.add_argument('--rates', default='0,10,100', help='MiB/s dirtied')
    p.add_argument('--seconds', type=float, default=5.0)
    p.add_argument('--bandwidth', type=int, default=512,
                   help='snapshot max-bandwidth (MiB/s)')
    p.add_argument('--compare', metavar='QEMU', nargs='?',
                   const='/usr/bin/qemu-system-x86_64',
                   help='also run both parts on this QEMU 7.2')
    p.add_argument('--only', choices=['colo', 'snapshot'])
    a = p.parse_args()
    tmp = tempfile.mkdtemp(prefix='tern-colobench-')
    try:
        if a.only != 'snapshot':
            bins = [os.path.join(a.build_dir, 'tern-system-x86_64')]
            if a.compare:
                bins.append(a.compare)
            print('COLO, %d MiB, x-checkpoint-delay %d ms, %.0f s'
                  % (a.mem, a.delay, a.seconds))
            print('%-20s %8s %8s %6s %10s %10s %10s %9s' % (
                  'binary', 'MiB/s', 'written', 'ckpts', 'pause ms',
                  'p50 ms', 'max ms', 'size MiB'))
            for rate in [float(r) for r in a.rates.split(',')]:
                for b in bins:
                    try:
                        r = colo_run(a, tmp, b, rate)
                    except (RuntimeError, TimeoutError, QTestError) as e:
                        print('%-20s %8.0f  failed: %s'
                              % (os.path.basename(b), rate, e))
                        continue
                    print('%-20s %8.0f %8.1f %6d %10.2f %10.2f %10.2f %9s'
                          % (os.path.basename(b), rate, r['written'],
                             r['checkpoints'], r['pause_ms'], r['p50_ms'],
                             r['max_ms'], '-' if r['size_mib'] is None
                             else '%.2f' % r['size_mib']))
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
