#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Migration benchmark: local source -> destination over a unix socket.

Cases: idle 1 GiB and 4 GiB (all pages zero), 1 GiB of random data (a
memory-backend-file prefilled once, mapped privately so the source sends
it), the dirtying test guest under KVM, and multifd: mfd-DATA-N-COMP
with DATA rand (1 GiB random) or half (1 GiB of pages half random, half
zero bytes), N channels and COMP none/zlib/zstd (--multifd: rand and
half x 1/2/4 x none/zstd).  The pause column is the real pause: the
source's STOP event to the destination's RESUME event.  Prints total time, downtime,
setup time, throughput, pages sent and the CPU time (user + sys, from
/proc/PID/stat) the source and the destination spent from `migrate' to
the end: on a small host CPU per byte matters as much as bandwidth.
--compare PATH runs the same cases
on another QEMU-compatible binary side by side with ratios; --interop
migrates Tern -> QEMU -> Tern and QEMU -> Tern on -M none and checks the
memory.  --repeat N runs every case N times, the binaries alternating,
and prints the median: a destination faulting in fresh memory is much
slower than one reusing memory the previous run just freed (the host
takes freed memory back after a few seconds), so one A-then-B run
favours B.  --settle S waits S seconds before every run (both
binaries alike), so that every destination backs fresh memory.

Convergence cases (--converge, or --cases writer,writer-auto,...): the
test guest rewriting 60 MiB (1-61 MiB, which a 64 MiB XBZRLE cache holds
without two pages sharing a slot) under KVM at QEMU's defaults
(128 MiB/s, 300 ms), alone (writer: it should not converge, though a
guest starved of CPU on a loaded host may; run once per binary,
cancelled after --converge-limit s and shown with the passes it made
and what it had left), with auto-converge, with xbzrle (64 MiB
cache) and with dirty-limit; the table adds the number of passes (dirty
syncs).  QEMU 7.2 has no dirty-limit capability (8.1 added it): its
writer-dlimit row limits every vCPU with set-vcpu-dirty-limit at the
capability's default vcpu-dirty-limit (1 MB/s) before `migrate'
instead; writer-vlimit does that on both binaries, for a like-for-like
row.  A tool the binary lacks shows as FAILED with its refusal.  --tls
x509|psk encrypts the migration (both binaries get the same
certificates, made with BUILD/tests/unit/tls-test-certs), to compare TLS
with plain text and with another binary's TLS.  Standard
library only.
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'qmp'))

from tern_qmp import QMPError, QMPConnectionError, kvm_usable  # noqa: E402
from tern_vm import VM, VMError, wait_migration, wait_dest_done  # noqa: E402
from tern_vm import guest_passes as passes  # noqa: E402

GiB = 1 << 30
MiB = 1 << 20
GUEST_START, GUEST_END = 1 * MiB, 33 * MiB
WRITER_END = 61 * MiB
# Convergence cases: the capabilities (and parameters) each one sets.
WRITERS = {
    'writer': ([], {}),
    'writer-auto': (['auto-converge'], {}),
    'writer-xbzrle': (['xbzrle'], {'xbzrle-cache-size': 64 * MiB}),
    'writer-dlimit': (['dirty-limit'], {}),
    # Both binaries: set-vcpu-dirty-limit from the start, no capability.
    'writer-vlimit': ([], {}),
}


def is_tern(binary):
    return 'tern' in os.path.basename(binary)


class Bench:
    def __init__(self, a):
        self.a = a
        self.dir = tempfile.mkdtemp(prefix='tern-bench-')
        self.vms = []
        self.data_file = None

    def cleanup(self):
        for vm in self.vms:
            vm.quit()
        self.vms = []
        shutil.rmtree(self.dir, ignore_errors=True)

    def start(self, binary, name, args, qtest=False):
        vm = VM(binary, args, self.dir, name, qtest=qtest)
        self.vms.append(vm)
        return vm

    def stop_all(self):
        for vm in self.vms:
            vm.quit()
        self.vms = []

    # ------------------------------------------------------------ inputs

    def random_file(self, size):
        if self.data_file is None:
            path = os.path.join(self.dir, 'random-%d.bin' % size)
            rnd = random.Random(1)
            with open(path, 'wb') as f:
                for _ in range(size // (64 * MiB)):
                    f.write(rnd.randbytes(64 * MiB))
            self.data_file = path
        return self.data_file

    def half_file(self, size):
        """Every 4 KiB page: 2 KiB random, 2 KiB zero (compresses 2:1)."""
        path = os.path.join(self.dir, 'half-%d.bin' % size)
        if not os.path.exists(path):
            rnd = random.Random(2)
            zero = bytes(2048)
            with open(path, 'wb') as f:
                for _ in range(size // (64 * MiB)):
                    f.write(b''.join(rnd.randbytes(2048) + zero
                                     for _ in range(64 * MiB // 4096)))
        return path

    def guest_image(self, end=GUEST_END):
        img = os.path.join(self.a.build_dir, 'tests', 'migration-guest',
                           'guest.img')
        data = bytearray(open(img, 'rb').read())
        data[8:16] = GUEST_START.to_bytes(4, 'little') + \
            end.to_bytes(4, 'little')
        out = os.path.join(self.dir, 'guest-%x.img' % end)
        open(out, 'wb').write(data)
        return out

    # ------------------------------------------------------------ cases

    def case_args(self, binary, case):
        """(source args, destination args) for one case and binary."""
        tern = is_tern(binary)
        if case in ('idle-1G', 'idle-4G'):
            size = '1G' if case == 'idle-1G' else '4G'
            base = ['-M', 'none', '-m', size]
            if tern:
                base += ['-accel', 'qtest']
            else:
                base += ['-nic', 'none']
            return base, base
        if case == 'data-1G' or case.startswith('mfd-'):
            f = (self.half_file(GiB) if case.startswith('mfd-half')
                 else self.random_file(GiB))
            mach = ['-M', 'none'] if tern else ['-M', 'pc', '-nic', 'none']
            if tern:
                mach += ['-accel', 'qtest']
            src = mach + ['-m', '1G', '-object',
                          'memory-backend-file,id=m,size=1G,mem-path=%s,'
                          'share=off' % f, '-machine', 'memory-backend=m']
            dst = mach + ['-m', '1G', '-object',
                          'memory-backend-ram,id=m,size=1G',
                          '-machine', 'memory-backend=m']
            return src, dst
        if case == 'guest-kvm' or case in WRITERS:
            img = self.guest_image(WRITER_END if case in WRITERS
                                   else GUEST_END)
            # dirty-limit measures each vCPU on the KVM dirty ring.
            accel = ('kvm,dirty-ring-size=65536'
                     if case in ('writer-dlimit', 'writer-vlimit') else 'kvm')
            if tern:
                src = ['-M', 'tern', '-accel', accel, '-m', '128M',
                       '-serial', 'file:' + os.path.join(self.dir, 's.log'),
                       '-device', 'loader,file=%s,addr=0x7c00,force-raw=on'
                       % img]
                dst = ['-M', 'tern', '-accel', 'kvm', '-m', '128M',
                       '-serial', 'file:' + os.path.join(self.dir, 'd.log')]
            else:
                src = ['-M', 'pc', '-accel', accel, '-m', '128M', '-nic',
                       'none', '-drive', 'file=%s,format=raw' % img,
                       '-serial', 'file:' + os.path.join(self.dir, 's.log')]
                dst = ['-M', 'pc', '-accel', 'kvm', '-m', '128M', '-nic',
                       'none', '-drive', 'file=%s,format=raw' % img,
                       '-serial', 'file:' + os.path.join(self.dir, 'd.log')]
            return src, dst
        raise ValueError(case)

    def tls_certs(self):
        certs = os.path.join(self.dir, 'certs')
        if not os.path.isdir(certs):
            tool = os.path.join(self.a.build_dir, 'tests', 'unit',
                                'tls-test-certs')
            subprocess.run([tool, certs], check=True)
        return certs

    def tls_args(self):
        """(source args, destination args) adding tls0 credentials."""
        if not self.a.tls:
            return [], []
        certs = self.tls_certs()
        kind = self.a.tls
        src = 'tls-creds-%s,id=tls0,endpoint=client,dir=%s' % (
            kind, os.path.join(certs, 'psk' if kind == 'psk' else 'client'))
        dst = 'tls-creds-%s,id=tls0,endpoint=server,dir=%s' % (
            kind, os.path.join(certs, 'psk' if kind == 'psk' else 'server'))
        if kind == 'psk':
            src += ',username=tern'
        return ['-object', src], ['-object', dst]

    def run_case(self, binary, case):
        src_args, dst_args = self.case_args(binary, case)
        tls_src, tls_dst = self.tls_args()
        src_args, dst_args = src_args + tls_src, dst_args + tls_dst
        sock = os.path.join(self.dir, 'mig.sock')
        mfd = multifd_params(case)
        tern = is_tern(binary)
        src = self.start(binary, 'src', src_args)
        dst = self.start(binary, 'dst', dst_args + ['-incoming',
                                                    'defer' if mfd else
                                                    'unix:' + sock])
        try:
            if mfd:
                for vm in (src, dst):
                    vm.qmp.command('migrate-set-capabilities', capabilities=[
                        {'capability': 'multifd', 'state': True}])
                    vm.qmp.command('migrate-set-parameters', **mfd)
                dst.qmp.command('migrate-incoming', uri='unix:' + sock)
            if case == 'guest-kvm' or case in WRITERS:
                log = os.path.join(self.dir, 's.log')
                t = time.monotonic()
                while passes(log) < 2 and time.monotonic() - t < 60:
                    time.sleep(0.1)
                if passes(log) < 2:
                    raise VMError('the guest did not start')
            params = {'max-bandwidth': self.a.bandwidth * MiB,
                      'downtime-limit': self.a.downtime}
            if case in WRITERS:
                caps, extra = WRITERS[case]
                if case == 'writer-vlimit' or (case == 'writer-dlimit' and
                                               not tern):
                    # QEMU 7.2: the limit itself, from the start.
                    caps = []
                    src.qmp.command('set-vcpu-dirty-limit', **{
                        'dirty-rate': 1})
                src.qmp.command('migrate-set-capabilities', capabilities=[
                    {'capability': c, 'state': True} for c in caps])
                # QEMU's defaults, which the writer outruns.
                params = dict(extra, **{'max-bandwidth': 128 * MiB,
                                        'downtime-limit': 300})
            src.qmp.command('migrate-set-parameters', **params)
            if self.a.tls:
                dst.qmp.command('migrate-set-parameters', **{
                    'tls-creds': 'tls0'})
                src.qmp.command('migrate-set-parameters', **{
                    'tls-creds': 'tls0', 'tls-hostname': 'tern-dst'})
            cpu0 = [cpu_ms(vm) for vm in (src, dst)]
            src.qmp.command('migrate', uri='unix:' + sock)
            if case == 'writer':
                return self.not_converging(src)
            info = wait_migration(src, self.a.timeout, interval=0.05,
                                  dst=dst)
            if info['status'] != 'completed':
                raise VMError('%s: %s' % (info['status'],
                                          info.get('error-desc', '')))
            # Soon after the end: a guest running afterwards adds CPU.
            wait_dest_done(dst, 60, interval=0.01)
            info['cpu'] = [cpu_ms(vm) - c for vm, c in zip((src, dst), cpu0)]
            info['pause'] = real_pause(src, dst)
            return info
        finally:
            self.stop_all()

    def not_converging(self, src):
        """The writer alone: a line saying how far it got in
        --converge-limit seconds, then migrate_cancel."""
        deadline = time.monotonic() + self.a.converge_limit
        while True:
            info = src.qmp.command('query-migrate')
            st = info.get('status')
            if st in ('completed', 'failed', 'cancelled') or \
                    (st == 'active' and time.monotonic() > deadline):
                break
            time.sleep(0.2)
        ram = info.get('ram', {})
        if st == 'active':
            src.qmp.command('migrate_cancel')
            return ('not converged after %d s: %d passes, %.0f MiB sent, '
                    '%.1f MiB left' % (self.a.converge_limit,
                                       ram.get('dirty-sync-count', 0),
                                       ram.get('transferred', 0) / MiB,
                                       ram.get('remaining', 0) / MiB))
        return '%s after %d ms, %d passes' % (
            info.get('status'), info.get('total-time', 0),
            ram.get('dirty-sync-count', 0))


def multifd_params(case):
    """migrate-set-parameters for mfd-DATA-N-COMP, else None."""
    if not case.startswith('mfd-'):
        return None
    _, _, n, comp = case.split('-')
    return {'multifd-channels': int(n), 'multifd-compression': comp}


def real_pause(src, dst):
    """ms from the source's STOP event to the destination's RESUME, by
    the events' own timestamps (one host clock); -1 if either is missing."""
    def ts(vm, name):
        for ev in vm.qmp.get_events(0.5):
            if ev.get('event') == name:
                t = ev.get('timestamp', {})
                return t.get('seconds', 0) + t.get('microseconds', 0) / 1e6
        return None
    stop, resume = ts(src, 'STOP'), ts(dst, 'RESUME')
    if stop is None or resume is None:
        return -1
    return (resume - stop) * 1000.0


def cpu_ms(vm):
    """User + system CPU time of a process so far, in ms."""
    with open('/proc/%d/stat' % vm.proc.pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000.0 / \
        os.sysconf('SC_CLK_TCK')



def row(info):
    ram = info['ram']
    t = info.get('total-time', 0)
    return {
        'total': t, 'downtime': info.get('downtime', 0),
        'setup': info.get('setup-time', 0),
        'mibs': ram['transferred'] / MiB / max(t / 1000.0, 1e-3),
        'normal': ram['normal'], 'dup': ram['duplicate'],
        'xfer': ram['transferred'] / MiB,
        'scpu': info['cpu'][0], 'dcpu': info['cpu'][1],
        'passes': ram.get('dirty-sync-count', 0),
        'pause': info.get('pause', -1),
    }


def median_row(rows):
    """Per column median of several runs of one case."""
    return {k: sorted(r[k] for r in rows)[len(rows) // 2]
            for k in rows[0]}


COLS = (('total', 'total ms', '%d'), ('downtime', 'down ms', '%d'),
        ('setup', 'setup ms', '%d'), ('mibs', 'MiB/s', '%.0f'),
        ('normal', 'normal pg', '%d'), ('dup', 'zero pg', '%d'),
        ('xfer', 'sent MiB', '%.1f'), ('scpu', 'src cpu ms', '%d'),
        ('dcpu', 'dst cpu ms', '%d'), ('passes', 'passes', '%d'),
        ('pause', 'pause ms', '%.1f'))


def print_table(results, names):
    hdr = '%-16s %-6s' % ('case', 'binary') + ''.join(
        ' %10s' % c[1] for c in COLS)
    print(hdr)
    print('-' * len(hdr))
    for case, per in results:
        for name in names:
            r = per.get(name)
            if isinstance(r, dict):
                print('%-16s %-6s' % (case, name) + ''.join(
                    ' %10s' % (fmt % r[k]) for k, _, fmt in COLS))
            else:
                print('%-16s %-6s %s' % (case, name, r))
        if len(names) == 2 and all(isinstance(per.get(n), dict)
                                   for n in names):
            a, b = per[names[0]], per[names[1]]
            print('%-16s %-6s' % ('', 'ratio') + ''.join(
                ' %10s' % ('%.2f' % (a[k] / b[k]) if b[k] else '-')
                for k, _, _ in COLS))


def interop(bench, tern, qemu):
    """Tern -> QEMU -> Tern (memory compared end to end) and QEMU -> Tern
    (memory compared with the backing file), both on -M none, 64 MiB."""
    a = bench.a
    results = []
    size = 64 * MiB
    sock = os.path.join(bench.dir, 'i.sock')
    ram = ['-M', 'none', '-m', '64M']

    def migrate(src, dst_bin, dst_args, qtest=False):
        dst = bench.start(dst_bin, 'dst%d' % len(bench.vms),
                          dst_args + ['-incoming', 'unix:' + sock],
                          qtest=qtest)
        src.qmp.command('migrate', uri='unix:' + sock)
        info = wait_migration(src, a.timeout, interval=0.05, dst=dst)
        if info['status'] != 'completed':
            raise VMError('source %s: %s' % (info['status'],
                                             info.get('error-desc', '')))
        d = wait_dest_done(dst, 60)
        if d['status'] != 'completed':
            raise VMError('destination %s: %s'
                          % (d['status'], d.get('error-desc', '')))
        return dst

    # Tern -> QEMU -> Tern
    try:
        t1 = bench.start(tern, 'tern1', ram + ['-accel', 'qtest'],
                         qtest=True)
        rnd = random.Random(7)
        for off in range(0, size, 16 * 4096):
            t1.qtest.memwrite(off, rnd.randbytes(4096))
        q = migrate(t1, qemu, ram + ['-nic', 'none'])
        t2 = migrate(q, tern, ram + ['-accel', 'qtest'], qtest=True)
        same = t1.qtest.memread(0, size) == t2.qtest.memread(0, size)
        results.append(('tern -> qemu -> tern', 'PASS' if same else
                        'FAIL: memory differs after the round trip'))
    except (VMError, QMPError, QMPConnectionError, OSError,
                TimeoutError) as e:
        results.append(('tern -> qemu -> tern', 'FAIL: %s' % e))
    finally:
        bench.stop_all()

    # QEMU (RAM from a random file) -> Tern
    try:
        f = os.path.join(bench.dir, 'interop.bin')
        with open(f, 'wb') as fh:
            fh.write(random.Random(9).randbytes(size))
        be = ['-object', 'memory-backend-file,id=m,size=64M,mem-path=%s,'
              'share=off' % f, '-machine', 'memory-backend=m']
        q = bench.start(qemu, 'qemu', ram + ['-nic', 'none'] + be)
        t = migrate(q, tern, ram + ['-accel', 'qtest', '-object',
                                    'memory-backend-ram,id=m,size=64M',
                                    '-machine', 'memory-backend=m'],
                    qtest=True)
        same = t.qtest.memread(0, size) == open(f, 'rb').read()
        results.append(('qemu -> tern', 'PASS' if same else
                        'FAIL: memory differs from the source file'))
    except (VMError, QMPError, QMPConnectionError, OSError,
                TimeoutError) as e:
        results.append(('qemu -> tern', 'FAIL: %s' % e))
    finally:
        bench.stop_all()
    for name, res in results:
        print('%-22s %s' % (name, res))
    return all(r == 'PASS' for _, r in results)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--build-dir', default='build')
    p.add_argument('--binary', help='default BUILD/tern-system-x86_64')
    p.add_argument('--compare', metavar='PATH',
                   help='another binary, e.g. /usr/bin/qemu-system-x86_64')
    p.add_argument('--interop', action='store_true',
                   help='Tern <-> QEMU stream interoperability '
                   '(QEMU from --compare, default qemu-system-x86_64)')
    p.add_argument('--cases', default='idle-1G,idle-4G,data-1G,guest-kvm')
    p.add_argument('--converge', action='store_true',
                   help='the convergence rows: writer, writer-auto, '
                   'writer-xbzrle, writer-dlimit, writer-vlimit')
    p.add_argument('--converge-limit', type=int, default=30,
                   help='seconds the writer alone runs before it is '
                   'cancelled')
    p.add_argument('--multifd', action='store_true',
                   help='the multifd rows: mfd-{rand,half}-{1,2,4}-'
                   '{none,zstd}')
    p.add_argument('--bandwidth', type=int, default=100000,
                   help='max-bandwidth, MiB/s (default: practically none)')
    p.add_argument('--downtime', type=int, default=300,
                   help='downtime-limit, ms')
    p.add_argument('--timeout', type=int, default=600)
    p.add_argument('--tls', choices=('x509', 'psk'),
                   help='migrate over TLS with these credentials')
    p.add_argument('--settle', type=float, default=0,
                   help='seconds to wait before every run, the same for '
                   'both binaries: this host takes memory freed by the '
                   'previous run back within about a second, so a wait '
                   'gives every destination fresh memory to back')
    p.add_argument('--repeat', type=int, default=1,
                   help='runs per case and binary, alternating the '
                   'binaries; the table shows the median')
    a = p.parse_args()
    a.binary = os.path.abspath(a.binary or os.path.join(
        a.build_dir, 'tern-system-x86_64'))

    bench = Bench(a)
    rc = 0
    try:
        if a.interop:
            qemu = a.compare or shutil.which('qemu-system-x86_64')
            if not qemu:
                print('SKIP: qemu-system-x86_64 is not installed')
                return 0
            return 0 if interop(bench, a.binary, qemu) else 1
        bins = [('A', a.binary)] + ([('B', a.compare)] if a.compare else [])
        print('A = %s' % a.binary)
        if a.compare:
            print('B = %s' % a.compare)
        # The machine may be shared: say how loaded it was.
        print('load average at the start: %.1f %.1f %.1f'
              % os.getloadavg())
        results = []
        cases = a.cases.split(',')
        if a.converge:
            cases = list(WRITERS)
        if a.multifd:
            cases = ['mfd-%s-%d-%s' % (d, n, c) for d in ('rand', 'half')
                     for c in ('none', 'zstd') for n in (1, 2, 4)]
        for case in cases:
            per = {}
            runs = {name: [] for name, _ in bins}
            for i in range(max(1, a.repeat)):
                # Alternate who goes first: see --repeat in the docstring.
                order = bins if i % 2 == 0 else bins[::-1]
                for name, b in order:
                    if name in per:
                        continue
                    if (case == 'guest-kvm' or case in WRITERS) and \
                            not kvm_usable():
                        per[name] = 'skipped: /dev/kvm is not usable'
                        continue
                    try:
                        time.sleep(a.settle)
                        r = bench.run_case(b, case)
                        if isinstance(r, str):      # the writer alone
                            per[name] = r
                            print('  run %d %-9s %s: %s' % (i + 1, case,
                                                            name, r))
                            continue
                        runs[name].append(row(r))
                        if a.repeat > 1:
                            r = runs[name][-1]
                            print('  run %d %-9s %s: %d ms, down %d ms, '
                                  'cpu src %d dst %d ms'
                                  % (i + 1, case, name, r['total'],
                                     r['downtime'], r['scpu'], r['dcpu']))
                            sys.stdout.flush()
                    except (VMError, QMPError, QMPConnectionError, OSError,
                            TimeoutError) as e:
                        per[name] = 'FAILED: %s' % \
                            str(e).splitlines()[0][:200]
                        rc = 1
            for name, _ in bins:
                if name not in per:
                    per[name] = median_row(runs[name])
            results.append((case, per))
            sys.stdout.flush()
        print()
        print('load average at the end: %.1f %.1f %.1f' % os.getloadavg())
        print_table(results, [n for n, _ in bins])
    finally:
        bench.cleanup()
    return rc


if __name__ == '__main__':
    sys.exit(main())
