#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Live-migrate a running VM between two local Tern processes.

The source runs the test guest (tests/migration-guest) under KVM when
/dev/kvm is usable, else under the tcg accelerator (Tern's x86
interpreter): it increments one byte per page of a 1..25 MiB range and
prints 'B' on its serial port after each pass.  With --mode qtest (or
when the guest image is not built) the source runs on the qtest
accelerator and this script writes a memory pattern into it through the
qtest protocol.  The destination listens on TCP port 0 (migrate-incoming
after -incoming defer); the script migrates, prints progress once a second
and the final statistics, checks the destination, and prints PASS or FAIL.
Standard library only.
"""
import argparse
import hashlib
import os
import random
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, 'qmp'))

from tern_qmp import QMPError, QMPConnectionError, kvm_usable  # noqa: E402
from tern_vm import (VM, VMError, guest_passes as passes,  # noqa: E402
                     wait_migration, wait_dest_done)

PAGE = 4096
GUEST_START = 1 << 20
# The guest rewrites its whole range every few milliseconds, so precopy
# converges only when that working set fits what the link moves within
# downtime-limit: 128 MiB/s x 300 ms ~ 38 MiB with the default parameters.
GUEST_END = 25 << 20


def mib(n):
    return '%.1f MiB' % (n / (1 << 20))


def parse_size(s):
    mult = {'k': 1 << 10, 'm': 1 << 20, 'g': 1 << 30}
    if s[-1].lower() in mult:
        return int(s[:-1]) * mult[s[-1].lower()]
    return int(s)


class Demo:
    def __init__(self, a):
        self.a = a
        self.dir = tempfile.mkdtemp(prefix='tern-demo-')
        self.vms = []
        self.failures = []

    def cleanup(self):
        for vm in self.vms:
            vm.quit()
        if not self.a.keep:
            shutil.rmtree(self.dir, ignore_errors=True)
        else:
            print('files kept in', self.dir)

    def start(self, name, args, qtest):
        vm = VM(self.a.binary, args, self.dir, name, qtest=qtest)
        self.vms.append(vm)
        return vm

    def check(self, ok, what):
        print('  [%s] %s' % ('ok' if ok else 'FAILED', what))
        if not ok:
            self.failures.append(what)

    # ---------------------------------------------------------- sources

    def guest_image(self):
        img = os.path.join(self.a.build_dir, 'tests', 'migration-guest',
                           'guest.img')
        if not os.path.exists(img):
            return None
        data = bytearray(open(img, 'rb').read())
        if len(data) != 512 or data[4:8] != b'TGST':
            return None
        data[8:16] = GUEST_START.to_bytes(4, 'little') + \
            GUEST_END.to_bytes(4, 'little')
        out = os.path.join(self.dir, 'guest.img')
        open(out, 'wb').write(data)
        return out

    def start_guest_source(self, img, accel):
        self.src_serial = os.path.join(self.dir, 'src-serial.log')
        self.dst_serial = os.path.join(self.dir, 'dst-serial.log')
        args = ['-M', self.a.machine or 'tern', '-accel', accel,
                '-m', self.a.mem, '-serial', 'file:' + self.src_serial,
                '-device', 'loader,file=%s,addr=0x7c00,force-raw=on' % img]
        return self.start('source', args, qtest=False)

    def start_qtest_source(self):
        args = ['-M', self.a.machine or 'none', '-m', self.a.mem]
        src = self.start('source', args, qtest=True)
        size = parse_size(self.a.mem)
        # Leave the first and last 16 MiB alone on machines with firmware.
        base = 0 if (self.a.machine or 'none') == 'none' else 16 << 20
        end = size if base == 0 else size - (16 << 20)
        self.region = (base, end)
        t = time.monotonic()
        rnd = random.Random(0x7e4)
        run = 64 * PAGE
        for off in range(base, end, run):
            src.qtest.memset(off, min(run, end - off),
                             1 + (off // run) % 255)
        # Random bytes on one page in 16, tagged with the page address.
        for off in range(base, end, 16 * PAGE):
            page = off.to_bytes(8, 'little') + rnd.randbytes(PAGE - 8)
            src.qtest.memwrite(off, page)
        print('wrote a %s pattern through qtest in %.1f s'
              % (mib(end - base), time.monotonic() - t))
        self.rnd = rnd
        return src

    # ---------------------------------------------------------- checks

    def digests(self, vm):
        base, end = self.region
        out = []
        chunk = 4 << 20
        for off in range(base, end, chunk):
            out.append(hashlib.sha256(
                vm.qtest.memread(off, min(chunk, end - off))).digest())
        return out

    def check_guest_pattern(self, vm):
        """The a-b invariant of the test guest's bytes (see its README)."""
        vm.qmp.command('stop')
        data = vm.qtest.memread(GUEST_START, GUEST_END - GUEST_START)
        vm.qmp.command('cont')
        b = data[::PAGE]
        steps = [i for i in range(1, len(b)) if b[i] != b[i - 1]]
        ok = all((b[i - 1] - 1) % 256 == b[i] for i in steps) and \
            len(steps) <= 1 and (b[0] - b[-1]) % 256 <= 1 and \
            any(b)
        self.check(ok, 'destination memory keeps the guest pattern '
                   '(%d pages, first byte %d, last %d)'
                   % (len(b), b[0], b[-1]))

    # ---------------------------------------------------------- run

    def run(self):
        a = self.a
        if a.mode == 'auto':
            accel = 'kvm' if kvm_usable() else 'tcg'
        else:
            accel = a.mode
        # "kvm" here names whether a guest runs (under KVM or tcg).
        kvm = accel != 'qtest'
        img = self.guest_image() if kvm else None
        if kvm and img is None:
            if a.mode != 'auto':
                raise VMError('the test guest image is not built')
            kvm = False
            accel = 'qtest'
        print('== Tern live migration demo: %s source, %s RAM'
              % ({'kvm': 'KVM guest',
                  'tcg': 'tcg guest (x86 interpreter, no KVM)'}.get(
                      accel, 'qtest (no guest)'), a.mem))
        print('   binary: %s' % a.binary)

        src = self.start_guest_source(img, accel) if kvm else \
            self.start_qtest_source()
        dst_args = ['-M', a.machine or ('tern' if kvm else 'none'),
                    '-m', a.mem, '-incoming', 'defer']
        if kvm:
            dst_args += ['-accel', accel, '-serial',
                         'file:' + self.dst_serial]
        dst = self.start('destination', dst_args, qtest=True)

        if kvm:
            t = time.monotonic()
            while passes(self.src_serial) < 2:
                if time.monotonic() - t > 30:
                    raise VMError('the guest printed no markers in 30 s')
                time.sleep(0.1)
            print('guest running: %d passes so far' % passes(self.src_serial))

        for vm in (src, dst):
            vm.qmp.command('migrate-set-capabilities', capabilities=[
                {'capability': 'events', 'state': True}])
        if not kvm:
            # The script dirties pages while the migration runs; pausing
            # before switchover gives it a point to stop, so that what the
            # source holds at the end is what the destination must hold.
            src.qmp.command('migrate-set-capabilities', capabilities=[
                {'capability': 'pause-before-switchover', 'state': True}])
        src.qmp.command('migrate-set-parameters', **{
            'max-bandwidth': a.bandwidth << 20,
            'downtime-limit': a.downtime})
        dst.qmp.command('migrate-incoming', uri='tcp:127.0.0.1:0')
        addr = dst.qmp.command('query-migrate')['socket-address'][0]
        uri = 'tcp:%s:%s' % (addr['host'], addr['port'])
        print('destination listening on %s' % uri)

        print('\n%-10s %12s %12s %9s %6s %10s'
              % ('status', 'transferred', 'remaining', 'Mbit/s', 'syncs',
                 'exp.down'))
        src.qmp.command('migrate', uri=uri)
        t0 = time.monotonic()
        last = [0.0]

        def progress(info):
            if info.get('status') == 'pre-switchover':
                print('pre-switchover: the script stops writing; '
                      'migrate-continue')
                src.qmp.command('migrate-continue', state='pre-switchover')
            if not kvm and info.get('status') == 'active':
                # keep the source "live": rewrite a few pages each poll
                base, end = self.region
                for _ in range(32):
                    off = base + self.rnd.randrange((end - base) // PAGE) \
                        * PAGE
                    src.qtest.memwrite(off + 64, self.rnd.randbytes(64))
            now = time.monotonic()
            if now - last[0] < 1.0 and info.get('status') not in \
                    ('completed', 'failed', 'cancelled'):
                return
            last[0] = now
            ram = info.get('ram', {})
            print('%-10s %12s %12s %9.1f %6s %8s ms'
                  % (info.get('status'), mib(ram.get('transferred', 0)),
                     mib(ram.get('remaining', 0)), ram.get('mbps', 0.0),
                     ram.get('dirty-sync-count', '-'),
                     info.get('expected-downtime', '-')))

        info = wait_migration(src, a.timeout, interval=0.25,
                              on_poll=progress, dst=dst)
        wall = time.monotonic() - t0
        if info['status'] != 'completed':
            raise VMError('migration %s: %s' % (info['status'],
                          info.get('error-desc', '(no error-desc)')))
        dinfo = wait_dest_done(dst, 60)

        ram = info['ram']
        rows = [
            ('total time', '%d ms' % info.get('total-time', 0)),
            ('downtime', '%d ms' % info.get('downtime', 0)),
            ('setup time', '%d ms' % info.get('setup-time', 0)),
            ('transferred', mib(ram['transferred'])),
            ('guest RAM', mib(ram['total'])),
            ('pages sent (normal)', str(ram['normal'])),
            ('zero pages (duplicate)', str(ram['duplicate'])),
            ('dirty syncs', str(ram['dirty-sync-count'])),
            ('throughput', '%.1f Mbit/s (%.1f MiB/s)'
             % (ram['mbps'], ram['transferred'] / (1 << 20)
                / max(info.get('total-time', 1) / 1000, 1e-3))),
            ('wall clock', '%.2f s' % wall),
        ]
        print('\n== final statistics (source query-migrate)')
        for k, v in rows:
            print('   %-24s %s' % (k, v))

        print('\n== checks')
        self.check(dinfo['status'] == 'completed',
                   'destination migration status %s' % dinfo['status'])
        st = src.qmp.command('query-status')['status']
        self.check(st == 'postmigrate', 'source run state %s' % st)
        ev = [e['data']['status'] for e in src.qmp.get_events()
              if e.get('event') == 'MIGRATION']
        self.check(ev[:1] == ['setup'] and ev[-1:] == ['completed'],
                   'source MIGRATION events: %s' % ' '.join(ev))
        deadline = time.monotonic() + 30
        while dst.qmp.command('query-status')['status'] != 'running':
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        st = dst.qmp.command('query-status')['status']
        self.check(st == 'running', 'destination run state %s' % st)
        if kvm:
            n = passes(self.dst_serial)
            t = time.monotonic()
            while passes(self.dst_serial) < n + 3 and \
                    time.monotonic() - t < 30:
                time.sleep(0.1)
            m = passes(self.dst_serial)
            self.check(m >= n + 3, 'guest keeps running on the destination '
                       '(%d new markers)' % (m - n))
            self.check_guest_pattern(dst)
        else:
            d1, d2 = self.digests(src), self.digests(dst)
            bad = sum(1 for x, y in zip(d1, d2) if x != y)
            self.check(bad == 0 and len(d1) == len(d2),
                       'memory of %s identical on both sides (%d of %d '
                       '4 MiB chunks differ)'
                       % (mib(self.region[1] - self.region[0]), bad,
                          len(d1)))


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--build-dir', default='build')
    p.add_argument('--binary', help='VMM binary (default: '
                   'BUILD/tern-system-x86_64)')
    p.add_argument('--mode', choices=('auto', 'kvm', 'tcg', 'qtest'),
                   default='auto')
    p.add_argument('--machine', help='machine type (default tern with a '
                   'guest, none with qtest)')
    p.add_argument('--mem', default='256M')
    p.add_argument('--bandwidth', type=int, default=128,
                   help='max-bandwidth in MiB/s (default 128)')
    p.add_argument('--downtime', type=int, default=300,
                   help='downtime-limit in ms (default 300)')
    p.add_argument('--timeout', type=int, default=300)
    p.add_argument('--keep', action='store_true', help='keep the logs')
    a = p.parse_args()
    if not a.binary:
        a.binary = os.path.join(a.build_dir, 'tern-system-x86_64')
    a.binary = os.path.abspath(a.binary)
    if not os.access(a.binary, os.X_OK):
        print('FAIL: %s is not built' % a.binary)
        return 1

    demo = Demo(a)
    try:
        demo.run()
    except (VMError, QMPError, QMPConnectionError, OSError,
            TimeoutError) as e:
        demo.failures.append(str(e))
        print('\nerror: %s' % e)
        for vm in demo.vms:
            out = vm.output()
            if out:
                print('--- %s output (%s):\n%s'
                      % (vm.name, 'running' if vm.alive() else
                         'exited with %s' % vm.proc.returncode,
                         out[-3000:]))
    except KeyboardInterrupt:
        demo.failures.append('interrupted')
    finally:
        demo.cleanup()
    if demo.failures:
        print('\nFAIL')
        return 1
    print('\nPASS')
    return 0


if __name__ == '__main__':
    sys.exit(main())
