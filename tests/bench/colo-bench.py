#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""COLO and background snapshot benchmark (docs/devel/colo.md,
docs/devel/background-snapshot.md).  Reported, never asserted.

colo: a primary and a secondary (--mem MiB) in COLO with
x-checkpoint-delay --delay ms, dirtying --rates MiB/s for --seconds once
the first checkpoint went through.  Two writers (--writer):

  guest  (the default where /dev/kvm is usable and the test guest is
         built) the KVM test guest (tests/migration-guest) rewriting
         the first byte of every page of RATE x DELAY MiB from 1 MiB on
         in a loop: it goes over its range many times between two
         checkpoints, so every checkpoint carries exactly that range
         (10 MiB/s at 200 ms: 2 MiB; 50 MiB/s: 10 MiB).  Tern runs
         -M tern with the guest loaded at 0x7c00, QEMU -M pc booting it
         from a raw drive (the guest never writes the drive).
  qtest  qtest memset of 256 KiB pieces at random places, each a random
         non-zero byte, at the rate; the qtest protocol tops out at a
         few tens of MiB/s.  Tern runs -M none -accel qtest; QEMU -M pc
         -accel kvm (its qtest writes need a vCPU, and under TCG its
         primary hangs at the first checkpoint), its vCPU spinning in
         the BIOS with no boot device.

Per rate: the MiB/s the qtest writer reached (the guest: '-'),
checkpoints, the VM's pause per checkpoint (primary STOP to RESUME,
transfer and secondary load included: mean, median and max, ms, from
the primary's colo_vm_state_change trace lines, which Tern and QEMU
both print), the checkpoint size (mean, MiB, Tern's x-tern-colo;
QEMU counts none) and, with the guest, its passes over its range per
checkpoint (from the 'B's on its serial port: at least 1 means every
checkpoint carried the whole range, on either binary).  With
--compare, QEMU 7.2 runs the same pair: the memory-and-devices part of
its COLO needs no block replication or network filters when no disk is
written and there are no NICs.  --trace DIR keeps both sides' logs
there (Tern's with the colo_* trace points).

snapshot: a --mem MiB VM filled with data, snapshotted with
background-snapshot to a file at --bandwidth MiB/s while the writer
rewrites 256 KiB pieces without pause.  Reported: the snapshot's total
time, the VM's pause at its start (downtime), and the writer's write
latency (each 256 KiB qtest write, p50/p99/max, ms), against the same
writer with no snapshot.  With --compare, QEMU 7.2 runs the snapshot
part too, on -M pc -accel kvm (its qtest writes need a vCPU; it spins
in the BIOS) and to exec:cat (7.2 has no file: migration), Tern on
-M none -accel qtest to file:.

Standard library only.
"""
import argparse
import os
import random
import re
import shlex
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'qmp'))

from tern_qmp import QMPError, QTestError, kvm_usable  # noqa: E402
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


GUEST_START = 1 * MiB


def guest_image(a, tmp, rate, name):
    """The test guest patched to rewrite RATE x DELAY MiB from 1 MiB
    (one file per VM: QEMU locks its drive)."""
    img = os.path.join(a.build_dir, 'tests', 'migration-guest', 'guest.img')
    data = bytearray(open(img, 'rb').read())
    span = int(rate * a.delay / 1000.0 * MiB) // 4096 * 4096
    data[8:16] = GUEST_START.to_bytes(4, 'little') + \
        (GUEST_START + span).to_bytes(4, 'little')
    out = os.path.join(tmp, name + '-guest.img')
    open(out, 'wb').write(data)
    return out


def colo_args(a, tmp, binary, rate, name):
    """The command line of both sides for the writer chosen."""
    qemu = is_qemu(binary)
    # The guest writes 'B' to the serial port after each pass.
    args = ['-m', '%dM' % a.mem, '-serial', 'file:' +
            os.path.join(tmp, name + '-serial.log')]
    if qemu:
        # QEMU 7.2's qtest writes go through the first vCPU's address
        # space (-M none has no vCPU and crashes), under TCG its primary
        # hangs on the BQL at the first checkpoint, so KVM; its log
        # backend stamps trace lines only with -msg.
        if not kvm_usable():
            raise RuntimeError('QEMU needs /dev/kvm here')
        args += ['-M', 'pc', '-accel', 'kvm', '-nic', 'none',
                 '-msg', 'timestamp=on', '-trace', 'colo_vm_state_change']
        if a.writer == 'guest':
            args += ['-drive', 'file=%s,format=raw'
                     % guest_image(a, tmp, rate, name)]
        return args
    args += ['-trace', 'colo_*' if a.trace else 'colo_vm_state_change']
    if a.writer == 'guest':
        return args + ['-M', 'tern', '-accel', 'kvm', '-device',
                       'loader,file=%s,addr=0x7c00,force-raw=on'
                       % guest_image(a, tmp, rate, name)]
    return args + ['-M', 'none', '-accel', 'qtest']


def guest_passes(tmp):
    """The primary's guest's passes over its range so far."""
    try:
        return os.path.getsize(os.path.join(tmp, 'primary-serial.log'))
    except OSError:
        return 0


def qtest_writer(a, pri, rate):
    """memset 256 KiB pieces at @rate for a.seconds; MiB/s reached."""
    rnd = random.Random(15)
    t0 = time.monotonic()
    written = 0
    while time.monotonic() - t0 < a.seconds:
        due = rate * MiB * (time.monotonic() - t0)
        if written < due:
            # memset: a short command, so the writer keeps up and holds
            # the main loop (and the BQL) only for the write.
            pri.qtest.memset(rnd.randrange(0, a.mem * MiB // PIECE) *
                             PIECE, PIECE, rnd.randrange(1, 256))
            written += PIECE
        else:
            time.sleep(0.002)
    return written / MiB / a.seconds


def colo_run(a, tmp, binary, rate):
    qtest = a.writer == 'qtest'
    sock = os.path.join(tmp, 'colo.sock')
    pri = VM(binary, colo_args(a, tmp, binary, rate, 'primary'), tmp,
             'primary', qtest=qtest)
    sec = VM(binary, colo_args(a, tmp, binary, rate, 'secondary') +
             ['-incoming', 'defer'], tmp, 'secondary')
    if qtest:
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
            if not pri.alive() or not sec.alive():
                raise RuntimeError('a VM died: ' + (pri.output() +
                                                    sec.output())[-300:])
            time.sleep(0.05)
        # The guest's range is being rewritten (QEMU: past its BIOS).
        while not qtest and guest_passes(tmp) < 3:
            if time.monotonic() > deadline:
                raise RuntimeError('the guest made no passes within 600 s')
            time.sleep(0.05)
        before = query_migrate(pri.qmp).get('x-tern-colo')
        passes = guest_passes(tmp)
        since = time.time()
        if qtest:
            written = qtest_writer(a, pri, rate)
        else:
            time.sleep(a.seconds)
            written = None
        after = query_migrate(pri.qmp).get('x-tern-colo')
        passes = guest_passes(tmp) - passes
        pauses = pauses_from_log(pri.log_path, since)
        size = None
        if before and after and after['checkpoints'] > before['checkpoints']:
            size = ((after['total-size'] - before['total-size']) /
                    (after['checkpoints'] - before['checkpoints']) / MiB)

        return {'checkpoints': len(pauses),
                'written': written,
                'passes': None if qtest else passes / max(len(pauses), 1),
                'pause_ms': statistics.mean(pauses) if pauses else 0,
                'p50_ms': statistics.median(pauses) if pauses else 0,
                'max_ms': max(pauses) if pauses else 0,
                'size_mib': size}
    finally:
        pri.kill()
        sec.kill()
        if a.trace:
            os.makedirs(a.trace, exist_ok=True)
            for vm in (pri, sec):
                shutil.copy(vm.log_path, os.path.join(
                    a.trace, '%s-%g-%s.log' % (
                        'qemu' if is_qemu(binary) else 'tern', rate,
                        vm.name)))


def percentiles(lat):
    lat = sorted(lat)
    return (statistics.median(lat) * 1000.0,
            lat[int(len(lat) * 0.99) - 1] * 1000.0, lat[-1] * 1000.0)


def snapshot_run(a, tmp, binary):
    mem = ['-m', '%dM' % a.mem]
    if is_qemu(binary):
        # As for COLO: QEMU 7.2's qtest memory commands need a vCPU.
        if not kvm_usable():
            raise RuntimeError('QEMU needs /dev/kvm here')
        mem += ['-M', 'pc', '-accel', 'kvm', '-nic', 'none']
    else:
        mem += ['-M', 'none']
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
        # QEMU 7.2 has no file: migration (8.2 added it).
        vm.qmp.command('migrate', uri=(
            'exec:cat > ' + shlex.quote(image) if is_qemu(binary)
            else 'file:' + image))
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
    p.add_argument('--writer', choices=['guest', 'qtest'],
                   help='COLO\'s writer (default: guest with /dev/kvm)')
    p.add_argument('--trace', metavar='DIR',
                   help='keep the COLO runs\' logs (Tern: colo_* trace) '
                   'in DIR')
    a = p.parse_args()
    if not a.writer:
        img = os.path.join(a.build_dir, 'tests', 'migration-guest',
                           'guest.img')
        a.writer = ('guest' if kvm_usable() and os.path.exists(img)
                    else 'qtest')
    tmp = tempfile.mkdtemp(prefix='tern-colobench-')
    try:
        if a.only != 'snapshot':
            bins = [os.path.join(a.build_dir, 'tern-system-x86_64')]
            if a.compare:
                bins.append(a.compare)
            print('COLO, %d MiB, x-checkpoint-delay %d ms, %.0f s, '
                  '%s writer' % (a.mem, a.delay, a.seconds, a.writer))
            print('%-20s %8s %8s %6s %10s %10s %10s %9s %7s' % (
                  'binary', 'MiB/s', 'written', 'ckpts', 'pause ms',
                  'p50 ms', 'max ms', 'size MiB', 'passes'))
            for rate in [float(r) for r in a.rates.split(',')]:
                for b in bins:
                    try:
                        r = colo_run(a, tmp, b, rate)
                    except (RuntimeError, TimeoutError, QMPError,
                            QTestError) as e:
                        print('%-20s %8.0f  failed: %s'
                              % (os.path.basename(b), rate, e))
                        continue
                    print('%-20s %8.0f %8s %6d %10.2f %10.2f %10.2f %9s %7s'
                          % (os.path.basename(b), rate,
                             '-' if r['written'] is None
                             else '%.1f' % r['written'],
                             r['checkpoints'], r['pause_ms'], r['p50_ms'],
                             r['max_ms'], '-' if r['size_mib'] is None
                             else '%.2f' % r['size_mib'],
                             '-' if r['passes'] is None
                             else '%.1f' % r['passes']))
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
                try:
                    r = snapshot_run(a, tmp, b)
                except (RuntimeError, TimeoutError, QMPError,
                        QTestError) as e:
                    print('%-22s failed: %s' % (os.path.basename(b), e))
                    continue
                print('%-22s %9d %9d %7d %22s %22s' % (
                      os.path.basename(b), r['total_ms'], r['pause_ms'],
                      r['writes'], '%.2f/%.2f/%.2f' % r['lat'],
                      '%.2f/%.2f/%.2f' % r['base']))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
