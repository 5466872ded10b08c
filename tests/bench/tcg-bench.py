#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The tcg accelerator's speed, side by side with QEMU 7.2's TCG.

Both run the same boot sector (tests/migration-guest/guest.img, its
default 100 MiB range: 25,344 pages a pass, 4 instructions a page): Tern
with -M tern -accel tcg and the image loaded at 0x7c00, QEMU with -M pc
-accel tcg booting it from a raw disk through SeaBIOS.  The rate is
taken between two readings of the serial log after a warm-up, so the
BIOS boot does not count.  Each is run --rounds times, alternated;
prints the medians of passes, pages dirtied and guest instructions per
wall-clock second and per CPU second of the process (on a shared host
the latter moves far less with the other load) and Tern's share of
QEMU's rate in both.

--migrate also migrates the running guest (128 MiB VM, default
bandwidth and downtime) Tern tcg -> Tern tcg and prints whether precopy
converged, its total time, downtime and dirty-sync count.  The guest's
range is then 1..25 MiB, as in `make demo`: a working set rewritten
every few milliseconds converges only when it fits what the link moves
within the downtime limit (128 MiB/s x 300 ms).

Standard library only; never run by `meson test` (speed is shown, not
asserted).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'qmp'))

from tern_vm import VM, VMError, wait_migration  # noqa: E402
from tern_vm import guest_passes as passes  # noqa: E402

PAGES_PER_PASS = (0x06400000 - 0x00100000) // 4096
INSNS_PER_PASS = 4 * PAGES_PER_PASS + 8



def cpu_seconds(pid):
    """User + system CPU time of every thread of PID so far, in s."""
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def measure(cmd, log, warmup, seconds):
    """Start CMD, wait WARMUP s, count passes over SECONDS.  Returns
    passes per wall-clock second and per CPU second of the process (the
    latter hardly moves with the host's other load)."""
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while passes(log) == 0:
            if proc.poll() is not None:
                raise SystemExit('%s exited with %d' % (cmd[0],
                                                        proc.returncode))
            if time.monotonic() > deadline:
                raise SystemExit('%s printed no pass in 60 s' % cmd[0])
            time.sleep(0.05)
        time.sleep(warmup)
        n0, t0, c0 = passes(log), time.monotonic(), cpu_seconds(proc.pid)
        time.sleep(seconds)
        n1, t1, c1 = passes(log), time.monotonic(), cpu_seconds(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return (n1 - n0) / (t1 - t0), (n1 - n0) / max(c1 - c0, 0.01)


def report(name, rate):
    print('%-32s %7.1f passes/s %6.2f M pages/s %6.1f M insns/s'
          % (name, rate, rate * PAGES_PER_PASS / 1e6,
             rate * INSNS_PER_PASS / 1e6))


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def migrate(tern, image, workdir):
    small = os.path.join(workdir, 'guest-25m.img')
    subprocess.run([sys.executable, os.path.join(ROOT, 'tests',
                                                 'migration-guest',
                                                 'patch-guest.py'),
                    image, small, '--start', '1M', '--end', '25M'],
                   check=True)
    image = small
    args = ['-M', 'tern', '-m', '128M', '-accel', 'tcg',
            '-device', 'loader,file=%s,addr=0x7c00,cpu-num=0' % image]
    src = VM(tern, args + ['-serial', 'file:' + os.path.join(workdir,
                                                             's.log')],
             workdir, 'src')
    dst = VM(tern, args[:6] + ['-serial',
                               'file:' + os.path.join(workdir, 'd.log'),
                               '-incoming', 'unix:' +
                               os.path.join(workdir, 'mig.sock')],
             workdir, 'dst')
    try:
        time.sleep(1)
        t0 = time.monotonic()
        src.qmp.command('migrate', uri='unix:' +
                        os.path.join(workdir, 'mig.sock'))
        info = wait_migration(src, 120, interval=0.1, dst=dst)
        t = time.monotonic() - t0
        ram = info.get('ram', {})
        print('precopy 128 MiB tcg guest (24 MiB working set): %s in '
              '%.2f s, downtime %s ms, '
              '%d dirty syncs, %.1f MiB sent'
              % (info.get('status'), t, info.get('downtime'),
                 ram.get('dirty-sync-count', 0),
                 ram.get('transferred', 0) / 2**20))
    finally:
        src.quit()
        dst.quit()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--tern', default=os.path.join(ROOT, 'build',
                                                   'tern-system-x86_64'))
    ap.add_argument('--qemu', default='/usr/bin/qemu-system-x86_64')
    ap.add_argument('--image', default=os.path.join(
        ROOT, 'build', 'tests', 'migration-guest', 'guest.img'))
    ap.add_argument('--seconds', type=float, default=5.0)
    ap.add_argument('--warmup', type=float, default=1.0)
    ap.add_argument('--migrate', action='store_true')
    ap.add_argument('--rounds', type=int, default=3,
                    help='Tern and QEMU runs, alternated (medians shown)')
    a = ap.parse_args()

    workdir = tempfile.mkdtemp(prefix='tcg-bench-')
    try:
        tlog = os.path.join(workdir, 'tern.log')
        qlog = os.path.join(workdir, 'qemu.log')
        tern_cmd = [a.tern, '-M', 'tern', '-m', '128M', '-accel', 'tcg',
                    '-display', 'none', '-nodefaults', '-monitor', 'none',
                    '-serial', 'file:' + tlog, '-device',
                    'loader,file=%s,addr=0x7c00,cpu-num=0' % a.image]
        qemu_cmd = [a.qemu, '-M', 'pc', '-accel', 'tcg', '-m', '128',
                    '-display', 'none', '-nodefaults', '-monitor', 'none',
                    '-drive', 'file=%s,format=raw,if=ide,snapshot=on'
                    % a.image, '-serial', 'file:' + qlog]
        have_qemu = os.path.exists(a.qemu)
        runs = {'tern': [], 'qemu': []}
        # Alternated, so that a change of the host's load hits both.
        for r in range(a.rounds):
            for name, cmd, log in (('tern', tern_cmd, tlog),
                                   ('qemu', qemu_cmd, qlog)):
                if name == 'qemu' and not have_qemu:
                    continue
                if os.path.exists(log):
                    os.unlink(log)
                wall, cpu = measure(cmd, log, a.warmup, a.seconds)
                runs[name].append((wall, cpu))
                print('round %d %-5s %9.1f passes/s %9.1f passes/CPU-s'
                      % (r + 1, name, wall, cpu))
        print('medians of %d rounds:' % a.rounds)
        for label, i in (('wall clock', 0), ('per CPU second', 1)):
            tern = median([x[i] for x in runs['tern']])
            report('Tern tcg (%s)' % label, tern)
            if have_qemu:
                qemu = median([x[i] for x in runs['qemu']])
                report('QEMU 7.2 TCG (%s)' % label, qemu)
                print('Tern / QEMU (%s): %.2f'
                      % (label, tern / qemu if qemu else 0))
        if not have_qemu:
            print('%s not found: QEMU column skipped' % a.qemu)
        if a.migrate:
            migrate(a.tern, a.image, workdir)
    except VMError as e:
        raise SystemExit(str(e))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == '__main__':
    main()
