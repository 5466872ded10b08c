#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Soak: migrate one long-lived VMM again and again for a while and show
that it does not grow.  `make check-soak` runs it (SOAK_SECS, default
300; or SOAK_COUNT=Q,K: Q migrations of the qtest VM and K of the KVM
guest, however long they take); docs/devel/migration-testing.md records
runs.

A destination takes one incoming migration in its life (as in QEMU), so
the process that lives through every migration is the source: it
migrates to a fresh destination, the destination's memory is compared
with the stopped source's byte for byte, the destination quits, the
source resumes (`cont`) and changes some memory, and again.  Both sides
map their RAM from memory-backend-file share=on files in /dev/shm, so
the comparison reads the files rather than going through qtest.

Two guests share the time: a 256 MiB `-M none` qtest VM (its memory
changed through qtest between migrations), and where /dev/kvm works
the KVM test guest on `-M tern` (it keeps rewriting its memory while
the migration runs; the destination starts with -S, so both stop at
the switchover and must hold the same bytes).

The source's RSS (anonymous and total), fd count and thread count are
sampled after each migration, once its cleanup is done; the first and
last are printed and must be flat: fds and threads no more than after
the first migration, anonymous RSS no more than 16 MiB above it.
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
sys.path.insert(0, os.path.join(HERE, '..', '..', 'scripts', 'qmp'))

from tern_qmp import kvm_usable  # noqa: E402
from tern_vm import VM, VMError, wait_migration  # noqa: E402

PAGE = 4096
RSS_SLACK = 16 << 20
GUEST_START = 1 << 20
GUEST_END = 32 << 20


def proc_sample(pid):
    fields = {}
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            k, _, v = line.partition(':')
            fields[k] = v.strip()

    def kib(name):
        return int(fields.get(name, '0 kB').split()[0]) * 1024

    # RAM's zero-page probe keeps /proc/self/pagemap open: not counted.
    fds = 0
    for fd in os.listdir('/proc/%d/fd' % pid):
        try:
            t = os.readlink('/proc/%d/fd/%s' % (pid, fd))
        except OSError:
            continue
        fds += not t.endswith('/pagemap')
    return {
        'rss': kib('VmRSS'),
        'rss_anon': kib('RssAnon'),
        'fds': fds,
        'threads': len(os.listdir('/proc/%d/task' % pid)),
    }


def files_equal(a, b, size):
    chunk = 16 << 20
    with open(a, 'rb') as fa, open(b, 'rb') as fb:
        for off in range(0, size, chunk):
            da, db = fa.read(chunk), fb.read(chunk)
            if da != db:
                for p in range(0, len(da), PAGE):
                    if da[p:p + PAGE] != db[p:p + PAGE]:
                        return 'first differing page at 0x%x' % (off + p)
                return 'differs in the chunk at 0x%x' % off
    return None


class Soak:
    def __init__(self, a):
        self.a = a
        self.dir = tempfile.mkdtemp(prefix='tern-soak-', dir='/dev/shm')
        self.vms = []
        self.rnd = random.Random(0x50a4)
        self.failures = []
        self.migrations = 0
        self.bytes = 0

    def close(self):
        for vm in self.vms:
            vm.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    def start(self, name, args, qtest, mem_file, size):
        args = list(args) + [
            '-object', 'memory-backend-file,id=ram0,size=%d,mem-path=%s,'
            'share=on' % (size, mem_file),
            '-machine', 'memory-backend=ram0', '-m', '%dM' % (size >> 20)]
        vm = VM(self.a.binary, args, self.dir, name, qtest=qtest)
        self.vms.append(vm)
        return vm

    def stop_vm(self, vm):
        vm.quit()
        self.vms.remove(vm)

    def settle(self, src, first):
        """Sample the source once its cleanup has let go (bounded)."""
        deadline = time.monotonic() + 10
        while True:
            s = proc_sample(src.proc.pid)
            if first is None or (s['fds'] <= first['fds'] and
                                 s['threads'] <= first['threads']):
                return s
            if time.monotonic() > deadline:
                return s
            time.sleep(0.05)

    def one(self, src, src_file, size, dst_args, name, i):
        dst_file = os.path.join(self.dir, 'dst-%s.mem' % name)
        dst = self.start('dst-%s-%d' % (name, i), dst_args, False,
                         dst_file, size)
        sock = os.path.join(self.dir, 'mig-%s.sock' % name)
        dst.qmp.command('migrate-incoming', uri='unix:' + sock)
        src.qmp.command('migrate', uri='unix:' + sock)
        info = wait_migration(src, 300, interval=0.05)
        if info.get('status') != 'completed':
            raise VMError('migration %d of %s: %s (%s)'
                          % (i, name, info.get('status'),
                             info.get('error-desc')))
        self.bytes += info.get('ram', {}).get('transferred', 0)
        deadline = time.monotonic() + 60
        while dst.qmp.command('query-migrate').get('status') != 'completed':
            if time.monotonic() > deadline:
                raise VMError('destination of migration %d not completed' % i)
            time.sleep(0.02)
        diff = files_equal(src_file, dst_file, size)
        if diff:
            self.failures.append('%s migration %d not byte-exact: %s'
                                 % (name, i, diff))
        self.stop_vm(dst)
        os.unlink(dst_file)
        self.migrations += 1

    def run_guest(self, name, src, src_file, size, dst_args, until,
                  mutate):
        first = last = None
        i = 0
        while i == 0 or (i < until if self.a.count else
                         time.monotonic() < until):
            self.one(src, src_file, size, dst_args, name, i)
            src.qmp.command('cont')
            mutate(src)
            last = self.settle(src, first)
            if first is None:
                first = last
            i += 1
            if self.failures:
                break
        print('%s: %d migrations' % (name, i))
        for k in ('rss', 'rss_anon', 'fds', 'threads'):
            unit = 1 << 20 if k.startswith('rss') else 1
            print('  %-9s first %8.1f  last %8.1f%s'
                  % (k, first[k] / unit, last[k] / unit,
                     ' MiB' if unit > 1 else ''))
        if last['fds'] > first['fds']:
            self.failures.append('%s: fds grew %d -> %d'
                                 % (name, first['fds'], last['fds']))
        if last['threads'] > first['threads']:
            self.failures.append('%s: threads grew %d -> %d'
                                 % (name, first['threads'], last['threads']))
        if last['rss_anon'] > first['rss_anon'] + RSS_SLACK:
            self.failures.append('%s: anonymous RSS grew %.1f -> %.1f MiB'
                                 % (name, first['rss_anon'] / 2**20,
                                    last['rss_anon'] / 2**20))

    def qtest_case(self, until):
        size = 256 << 20
        src_file = os.path.join(self.dir, 'src-qtest.mem')
        with open(src_file, 'wb') as f:
            # every page non-zero: a random head, a fill byte after it
            for p in range(size // PAGE):
                f.write(self.rnd.randbytes(64) + bytes([1 + p % 255]) *
                        (PAGE - 64))
        src = self.start('src-qtest', ['-M', 'none'], True, src_file, size)

        def mutate(vm):
            for _ in range(64):
                off = self.rnd.randrange(size // PAGE) * PAGE
                vm.qtest.memwrite(off, self.rnd.randbytes(PAGE))

        self.run_guest('qtest-256M', src, src_file, size, ['-M', 'none',
                       '-incoming', 'defer'], until, mutate)
        self.stop_vm(src)

    def kvm_case(self, until):
        img = os.path.join(self.a.build_dir, 'tests', 'migration-guest',
                           'guest.img')
        if not os.path.exists(img):
            print('kvm guest: skipped, the guest image is not built')
            return
        data = bytearray(open(img, 'rb').read())
        data[8:16] = GUEST_START.to_bytes(4, 'little') + \
            GUEST_END.to_bytes(4, 'little')
        patched = os.path.join(self.dir, 'guest.img')
        open(patched, 'wb').write(data)
        size = 64 << 20
        src_file = os.path.join(self.dir, 'src-kvm.mem')
        common = ['-M', 'tern', '-accel', 'kvm', '-serial', 'null']
        src = self.start('src-kvm', common + [
            '-device', 'loader,file=%s,addr=0x7c00,force-raw=on' % patched],
            False, src_file, size)
        # as fast as the link goes: the guest dirties 31 MiB
        src.qmp.command('migrate-set-parameters', **{
            'max-bandwidth': 0, 'downtime-limit': 2000})
        self.run_guest('kvm-guest', src, src_file, size,
                       common + ['-S', '-incoming', 'defer'], until,
                       lambda vm: time.sleep(0.2))
        self.stop_vm(src)

    def run(self):
        t0 = time.monotonic()
        kvm, why = kvm_usable(), ''
        share = 2 / 3 if kvm else 1.0
        if self.a.count:
            self.qtest_case(self.a.count[0])
        else:
            self.qtest_case(t0 + self.a.seconds * share)
        if kvm:
            self.kvm_case(self.a.count[1] if self.a.count else
                          t0 + self.a.seconds)
        else:
            print('kvm guest: skipped, no usable /dev/kvm')
        print('%d migrations, %.1f GiB sent, %.0f s'
              % (self.migrations, self.bytes / 2**30, time.monotonic() - t0))
        for f in self.failures:
            print('FAIL:', f)
        print('PASS' if not self.failures else 'FAIL')
        return 0 if not self.failures else 1


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--build-dir', default='build')
    p.add_argument('--binary')
    p.add_argument('--seconds', type=float,
                   default=float(os.environ.get('SOAK_SECS', '300')))
    p.add_argument('--count', default=os.environ.get('SOAK_COUNT', ''),
                   help='Q,K: this many migrations of the qtest VM and of '
                   'the KVM guest instead of --seconds')
    a = p.parse_args()
    try:
        a.count = [int(n) for n in a.count.split(',')] if a.count else None
        if a.count and (len(a.count) != 2 or min(a.count) < 1):
            raise ValueError
    except ValueError:
        p.error('--count takes two positive numbers, Q,K')
    a.binary = a.binary or os.path.join(a.build_dir, 'tern-system-x86_64')
    s = Soak(a)
    try:
        return s.run()
    except VMError as e:
        print('FAIL:', e)
        return 1
    finally:
        s.close()


if __name__ == '__main__':
    sys.exit(main())
