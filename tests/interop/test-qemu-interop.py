#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Migration interop between Tern and Debian's QEMU 7.2
# (qemu-system-x86_64), both ways, over unix sockets and stream files.
# Python standard library only; prints TAP.
#
# usage: test-qemu-interop.py --case NAME TERN ANALYZER
#   NAME: qemu-to-tern, tern-to-qemu, files, negative, postcopy (or "all")
#
# Guest RAM gets a known pattern, and a destination is pre-filled with
# garbage where the source has zero pages, so that ZERO records must
# really clear it.  Tern is written and read through the qtest protocol
# (-accel qtest).  Debian's QEMU has no qtest accelerator, and its qtest
# server needs a CPU, which -M none lacks; so QEMU's RAM is a private
# (share=off) mapping of a pattern file, "-object memory-backend-file,
# id=ram,... -M none,memory-backend=ram", whose block is named "ram" as
# with plain -m.  QEMU's RAM is read back with QMP pmemsave.  RAM is
# compared as one SHA-256 per MiB.  Every wait is bounded.  Exits 77 when
# qemu-system-x86_64 is not installed or is not version 7.2 (the expected
# messages and the pc machine name are 7.2's).

import argparse
import base64
import hashlib
import json
import mmap
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback

MiB = 1 << 20
RAM = 64 * MiB
PAGE = 4096
WAIT_S = 30             # bound for any single wait
UUID = '12345678-9abc-def0-1122-334455667788'
OTHER_UUID = '87654321-9abc-def0-1122-334455667788'

results = []


def check(name, cond, detail=''):
    results.append((name, bool(cond), detail))
    return bool(cond)


# ------------------------------------------------------------------ pattern

def pattern_ops(seed):
    """The guest writes a source makes, as (addr, bytes) or memset ops."""
    ops = [('memset', 1 * MiB, 2 * MiB, 0x5a)]      # 2 MiB run of data
    for i in range(RAM // MiB):
        page = bytes(((j * 131) ^ (i * 17 + seed)) & 0xff or 1
                     for j in range(PAGE))
        ops.append(('write', i * MiB + ((i * 7) % 256) * PAGE, page))
        # A page whose only non-zero byte is its last one.
        ops.append(('write', i * MiB + 0x80000 + PAGE - 1,
                    bytes([i + 1])))
    return ops


# What a destination holds before the load, in pages the sources leave
# zero.
GARBAGE = [('memset', 0, 64 * 1024, 0xee),            # page 0 onwards
           ('memset', 40 * MiB + 0x3000, 2 * PAGE, 0x77),
           ('memset', RAM - PAGE, PAGE, 0x11)]         # last page


def image_of(ops):
    img = bytearray(RAM)
    for op in ops:
        if op[0] == 'memset':
            img[op[1]:op[1] + op[2]] = bytes([op[3]]) * op[2]
        else:
            img[op[1]:op[1] + len(op[2])] = op[2]
    return bytes(img)


def mib_hashes(data):
    return [hashlib.sha256(data[i:i + MiB]).hexdigest()
            for i in range(0, len(data), MiB)]


def compare_ram(name, got, want):
    if len(got) != len(want):
        return check(name, False, 'read %d bytes, want %d' % (len(got),
                                                             len(want)))
    g, w = mib_hashes(got), mib_hashes(want)
    bad = [i for i in range(len(w)) if g[i] != w[i]]
    return check(name, not bad, 'MiB that differ: %s' % bad[:16])


# ---------------------------------------------------------------- processes

class QMP:
    def __init__(self, path, vm):
        self.events = []
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.settimeout(WAIT_S)
        deadline = time.monotonic() + WAIT_S
        while True:
            try:
                self.sock.connect(path)
                break
            except OSError:
                if vm.proc.poll() is not None:
                    raise RuntimeError('%s exited (rc %s) before QMP: %s' %
                                       (vm.name, vm.proc.returncode,
                                        vm.stderr()))
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        # Reading and writing through one text-mode makefile('rw') loses
        # lines read ahead (every write drops the decoded buffer), so
        # replies go out with sendall and come in through a read-only file.
        self.f = self.sock.makefile('r')
        json.loads(self.f.readline())
        self.cmd('qmp_capabilities')

    def cmd(self, name, **args):
        msg = {'execute': name}
        if args:
            msg['arguments'] = args
        self.sock.sendall((json.dumps(msg) + '\n').encode())
        while True:
            line = self.f.readline()
            if not line:
                raise RuntimeError('QMP closed during %s' % name)
            r = json.loads(line)
            if 'event' in r:
                self.events.append(r)
            else:
                return r

    def ok(self, name, **args):
        r = self.cmd(name, **args)
        if 'return' not in r:
            raise RuntimeError('%s failed: %s' % (name, r))
        return r['return']

    def status(self):
        return self.ok('query-status')['status']

    def wait_migration(self, done=('completed', 'failed')):
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            r = self.ok('query-migrate')
            if r.get('status') in done:
                return r
            time.sleep(0.02)
        return {'status': 'timeout'}

    def migration_events(self):
        """MIGRATION statuses so far, waiting for the final one: the
        event may come after a query-migrate that saw the new status."""
        deadline = time.monotonic() + WAIT_S
        while True:
            st = [e['data']['status'] for e in self.events
                  if e['event'] == 'MIGRATION']
            if (st and st[-1] in ('completed', 'failed') or
                    time.monotonic() > deadline):
                return st
            self.cmd('query-status')            # collects pending events
            time.sleep(0.01)


class QTest:
    """The test's end of a -qtest unix:PATH connection (we listen)."""

    def __init__(self, listener, vm):
        listener.settimeout(WAIT_S)
        try:
            self.sock, _ = listener.accept()
        except socket.timeout:
            raise RuntimeError('%s never connected its qtest socket: %s' %
                               (vm.name, vm.stderr()))
        self.sock.settimeout(WAIT_S)
        self.f = self.sock.makefile('r')       # see QMP.__init__

    def cmd(self, line):
        self.sock.sendall((line + '\n').encode())
        while True:
            r = self.f.readline()
            if not r:
                raise RuntimeError('qtest closed during ' + line[:40])
            r = r.rstrip('\n')
            if r.startswith('OK') or r.startswith('FAIL'):
                break
            # Asynchronous IRQ lines are of no interest here.
        if not r.startswith('OK'):
            raise RuntimeError('qtest %s: %s' % (line[:40], r))
        return r[3:]

    def apply(self, ops):
        for op in ops:
            if op[0] == 'memset':
                self.cmd('memset 0x%x 0x%x 0x%x' % op[1:])
            else:
                self.cmd('b64write 0x%x 0x%x %s' %
                         (op[1], len(op[2]),
                          base64.b64encode(op[2]).decode()))

    def read_ram(self):
        out = []
        for a in range(0, RAM, MiB):
            out.append(base64.b64decode(self.cmd('b64read 0x%x 0x%x' %
                                                 (a, MiB))))
        return b''.join(out)


class VM:
    def __init__(self, tmp, name, argv, qmp=True, qtest=False):
        self.name = name
        self.tmp = tmp
        self.errpath = os.path.join(tmp, name + '.err')
        self.qmp = self.qtest = None
        listener = None
        if qtest:
            qpath = os.path.join(tmp, name + '.qtest')
            listener = socket.socket(socket.AF_UNIX)
            listener.bind(qpath)
            listener.listen(1)
            argv = argv + ['-qtest', 'unix:' + qpath]
        if qmp:
            mpath = os.path.join(tmp, name + '.qmp')
            argv = argv + ['-qmp', 'unix:%s,server=on,wait=off' % mpath]
        self.argv = argv
        with open(self.errpath, 'w') as err:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL,
                                         stderr=err)
        try:
            if listener:
                self.qtest = QTest(listener, self)
            if qmp:
                self.qmp = QMP(mpath, self)
        except BaseException:
            self.proc.kill()            # not yet known to Env.cleanup
            self.proc.wait()
            raise
        finally:
            if listener:
                listener.close()

    def stderr(self):
        with open(self.errpath) as f:
            return f.read()

    def wait_exit(self):
        try:
            return self.proc.wait(timeout=WAIT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return 'timeout'

    def quit(self):
        if self.proc.poll() is None:
            try:
                if self.qmp:
                    self.qmp.cmd('quit')
            except (OSError, RuntimeError, ValueError):
                pass
        return self.wait_exit()


class Env:
    def __init__(self, tern, analyzer, qemu, tmp):
        self.tern, self.analyzer, self.qemu, self.tmp = (tern, analyzer,
                                                         qemu, tmp)
        self.vms = []
        self.n = 0
        self.pattern = None     # a RAM image file with data, made at start

    def path(self, name):
        return os.path.join(self.tmp, name)

    def start(self, which, name, args, **kw):
        if which == 'tern':
            argv = [self.tern, '-display', 'none', '-nodefaults']
        else:
            argv = [self.qemu, '-display', 'none', '-nodefaults']
        self.n += 1
        vm = VM(self.tmp, '%02d-%s' % (self.n, name), argv + args, **kw)
        self.vms.append(vm)
        return vm

    def cleanup(self):
        for vm in self.vms:
            if vm.proc.poll() is None:
                vm.proc.kill()
                vm.proc.wait()
        self.vms = []


def tern_args(mem='64M', machine='none'):
    return ['-M', machine, '-m', mem, '-accel', 'qtest']


def qemu_args(mem='64M', machine='none', nic=True, ram=None):
    """RAM, if given, is a file with the guest's initial RAM."""
    if ram:
        return (['-M', machine + ',memory-backend=ram', '-m', mem,
                 '-object', 'memory-backend-file,id=ram,size=%s,'
                 'mem-path=%s,share=off' % (mem, ram), '-accel', 'tcg'] +
                (['-nic', 'none'] if nic else []))
    return (['-M', machine, '-m', mem, '-accel', 'tcg'] +
            (['-nic', 'none'] if nic else []))


def image_file(env, name, data):
    f = env.path(name + '.img')
    with open(f, 'wb') as fh:
        fh.write(data)
    return f


def set_caps(vm, *caps):
    vm.qmp.ok('migrate-set-capabilities', capabilities=[
        {'capability': c, 'state': True} for c in caps])


def fast(vm):
    # QEMU 7.2 defaults to 32 MiB/s; nothing here needs throttling.
    vm.qmp.ok('migrate-set-parameters', **{'max-bandwidth': 1 << 34})


def wait_path(path, vm):
    deadline = time.monotonic() + WAIT_S
    while not os.path.exists(path):
        if vm.proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError('%s never listened on %s: %s' %
                               (vm.name, path, vm.stderr()))
        time.sleep(0.02)


def read_qemu_ram(env, vm, name):
    f = env.path(name + '.pmem')
    vm.qmp.ok('pmemsave', val=0, size=RAM, filename=f)
    with open(f, 'rb') as fh:
        data = fh.read()
    os.unlink(f)
    return data


def socket_migration(env, label, src, dst, caps=(), cont=False,
                     bandwidth=1 << 34):
    """Migrate src to dst over a unix socket; both use -incoming defer.
    Returns the destination statuses seen while the source was sending."""
    sock = env.path(re.sub(r'\W', '_', label) + '.sock')
    for vm in (src, dst):
        set_caps(vm, 'events', *caps)
    src.qmp.ok('migrate-set-parameters', **{'max-bandwidth': bandwidth})
    dst.qmp.ok('migrate-incoming', uri='unix:' + sock)
    wait_path(sock, dst)
    if cont:
        src.qmp.ok('cont')
    src.qmp.ok('migrate', uri='unix:' + sock)
    seen = []
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if src.qmp.ok('query-migrate').get('status') in ('completed',
                                                         'failed'):
            break
        seen.append(dst.qmp.ok('query-migrate').get('status'))
        time.sleep(0.02)
    s = src.qmp.wait_migration()
    d = dst.qmp.wait_migration()
    check('%s: migration completed on both ends' % label,
          s.get('status') == 'completed' and d.get('status') == 'completed',
          (s, d, dst.stderr()[-400:], src.stderr()[-400:]))
    se, de = src.qmp.migration_events(), dst.qmp.migration_events()
    check('%s: MIGRATION events on both ends' % label,
          se and se[0] == 'setup' and se[-1] == 'completed' and
          'active' in se and de and de[-1] == 'completed' and
          'active' in de, (se, de))
    return seen


# ------------------------------------------------------------------- cases

def case_qemu_to_tern(env):
    ops = pattern_ops(1)
    want = image_of(ops)

    # Paused (-S) source: the destination ends in the state globalstate
    # names, prelaunch.
    src = env.start('qemu', 'q2t-src', qemu_args(
        ram=image_file(env, 'q2t', want)) + ['-S'])
    dst = env.start('tern', 'q2t-dst', tern_args() + ['-incoming', 'defer'],
                    qtest=True)
    dst.qtest.apply(GARBAGE)
    check('qemu->tern: Tern\'s RAM starts with the garbage',
          dst.qtest.read_ram() == image_of(GARBAGE))
    socket_migration(env, 'qemu->tern paused', src, dst)
    st = dst.qmp.status()
    check('qemu->tern paused: Tern ends in prelaunch', st == 'prelaunch', st)
    check('qemu->tern paused: QEMU source ends in postmigrate',
          src.qmp.status() == 'postmigrate')
    compare_ram('qemu->tern paused: RAM equal, garbage cleared',
                dst.qtest.read_ram(), want)
    src.quit()
    dst.quit()

    # Running source, return path (Tern answers PONG and SHUT, which the
    # QEMU source waits for), validate-uuid with the same -uuid.
    ops = pattern_ops(2)
    want = image_of(ops)
    src = env.start('qemu', 'q2t-rsrc', qemu_args(
        ram=image_file(env, 'q2t-r', want)) + ['-S', '-uuid', UUID])
    dst = env.start('tern', 'q2t-rdst', tern_args() +
                    ['-uuid', UUID, '-incoming', 'defer', '-trace',
                     'migrate_send_rp_message'], qtest=True)
    dst.qtest.apply(GARBAGE)
    # 4 MiB/s: QEMU sends the data in several PART sections, over about
    # half a second, while Tern's main loop must keep serving QMP.
    seen = socket_migration(env, 'qemu->tern running+rp+uuid', src, dst,
                            caps=('return-path', 'validate-uuid'),
                            cont=True, bandwidth=4 * MiB)
    # A load that blocked the main loop would let at most one answer
    # through before the end ('active', delayed until the stream is read).
    check('qemu->tern running: Tern answers QMP during the load',
          seen.count('active') >= 3, seen)
    st = dst.qmp.status()
    check('qemu->tern running: Tern ends running', st == 'running', st)
    compare_ram('qemu->tern running: RAM equal', dst.qtest.read_ram(), want)
    src.quit()
    dst.quit()
    err = dst.stderr()
    check('qemu->tern running: Tern sent PONG and SHUT to QEMU',
          re.search(r'migrate_send_rp_message\S* type 2 len 4', err) and
          re.search(r'migrate_send_rp_message\S* type 1 len 4', err), err)

    # validate-uuid with a different -uuid on Tern: refused.
    s, d, _ = tern_refuses(env, 'q2t-uuid', ['-S', '-uuid', UUID],
                           ['-uuid', OTHER_UUID], ('validate-uuid',))
    check('qemu->tern: Tern refuses a different uuid',
          d.get('status') == 'failed' and
          'UUID received is %s and local is %s' % (UUID, OTHER_UUID) in
          d.get('error-desc', ''), d)

    # QEMU's default user-mode network adds an opaque 'slirp' section that
    # Tern has no handler for: refused, naming it.
    s, d, _ = tern_refuses(env, 'q2t-slirp', ['-S', '-nic', 'user'], [],
                           nic=False)
    check('qemu->tern: Tern refuses the slirp section by name',
          d.get('status') == 'failed' and
          "Unknown savevm section or instance 'slirp' 0" in
          d.get('error-desc', ''), d)


def tern_refuses(env, name, src_extra, dst_extra, caps=(), nic=True):
    """A QEMU source with CAPS migrates to a Tern that must fail (with
    exit-on-error off, so that its error-desc can be read)."""
    src = env.start('qemu', name + '-src', qemu_args(
        nic=nic, ram=env.pattern) + src_extra)
    dst = env.start('tern', name + '-dst', tern_args() + dst_extra +
                    ['-incoming', 'defer'])
    sock = env.path(name + '.sock')
    if caps:
        set_caps(src, *caps)
    fast(src)
    dst.qmp.ok('migrate-incoming', uri='unix:' + sock,
               **{'exit-on-error': False})
    wait_path(sock, dst)
    src.qmp.ok('migrate', uri='unix:' + sock)
    d = dst.qmp.wait_migration()
    s = src.qmp.wait_migration()
    src.quit()
    dst.quit()
    return s, d, dst


def case_tern_to_qemu(env):
    ops = pattern_ops(3)
    want = image_of(ops)
    garbage = image_file(env, 'garbage', image_of(GARBAGE))
    compare_ram('tern->qemu: QEMU\'s RAM starts with the garbage '
                '(pmemsave)', read_qemu_ram(env, env.start(
                    'qemu', 't2q-g', qemu_args(ram=garbage) + ['-S']),
                    'g'), image_of(GARBAGE))

    # Paused Tern source: QEMU ends in prelaunch.
    src = env.start('tern', 't2q-src', tern_args() + ['-S'], qtest=True)
    src.qtest.apply(ops)
    dst = env.start('qemu', 't2q-dst', qemu_args(ram=garbage) +
                    ['-incoming', 'defer'])
    socket_migration(env, 'tern->qemu paused', src, dst)
    st = dst.qmp.status()
    check('tern->qemu paused: QEMU ends in prelaunch', st == 'prelaunch', st)
    st = src.qmp.status()
    check('tern->qemu paused: Tern source ends in postmigrate',
          st == 'postmigrate', st)
    compare_ram('tern->qemu paused: RAM equal (pmemsave), garbage cleared',
                read_qemu_ram(env, dst, 't2q'), want)
    src.quit()
    dst.quit()

    # Running Tern source with return path both ends and validate-uuid.
    ops = pattern_ops(4)
    want = image_of(ops)
    src = env.start('tern', 't2q-rsrc', tern_args() +
                    ['-S', '-uuid', UUID, '-trace',
                     'source_return_path_thread_*'], qtest=True)
    src.qtest.apply(ops)
    dst = env.start('qemu', 't2q-rdst', qemu_args(ram=garbage) +
                    ['-uuid', UUID, '-incoming', 'defer'])
    socket_migration(env, 'tern->qemu running+rp+uuid', src, dst,
                     caps=('return-path', 'validate-uuid'), cont=True)
    st = dst.qmp.status()
    check('tern->qemu running: QEMU ends running', st == 'running', st)
    compare_ram('tern->qemu running: RAM equal (pmemsave)',
                read_qemu_ram(env, dst, 't2q-r'), want)
    src.quit()
    dst.quit()
    err = src.stderr()
    check('tern->qemu running: Tern got PONG 1 and SHUT 0 from QEMU',
          re.search(r'source_return_path_thread_pong\S* 0x1\b', err) and
          re.search(r'source_return_path_thread_shut\S* 0x0\b', err), err)

    live_to_qemu(env, 'tern->qemu live', 't2q-l', pattern_ops(7))

    # A QEMU with a different -uuid refuses Tern's stream.
    src = env.start('tern', 't2q-usrc', tern_args() + ['-S', '-uuid', UUID])
    sock = env.path('t2q-uuid.sock')
    dst = env.start('qemu', 't2q-udst', qemu_args() +
                    ['-uuid', OTHER_UUID, '-incoming', 'unix:' + sock],
                    qmp=False)
    wait_path(sock, dst)
    set_caps(src, 'validate-uuid')
    src.qmp.ok('migrate', uri='unix:' + sock)
    rc = dst.wait_exit()
    check('tern->qemu: QEMU refuses a different uuid', rc == 1 and
          'UUID received is %s and local is %s' % (UUID, OTHER_UUID)
          in dst.stderr(), (rc, dst.stderr()))
    src.qmp.wait_migration()
    src.quit()


def live_to_qemu(env, label, name, ops, caps=(), params=None,
                 stop_when=None):
    """Live: Tern runs and qtest keeps writing while RAM is being sent (at
    a low bandwidth so that this takes a while).  pause-before-switchover
    makes the end exact: every write answered before Tern reaches
    pre-switchover precedes the final dirty sync, and none is made after
    it.  Rewritten pages must reach QEMU in their last version, including
    a data page that became zero.  PARAMS are more migration parameters;
    writing stops once STOP_WHEN(query-migrate) is true.  Returns the
    source's last query-migrate."""
    garbage = image_file(env, 'garbage', image_of(GARBAGE))
    src = env.start('tern', name + '-src', tern_args() + ['-S'], qtest=True)
    src.qtest.apply(ops)
    dst = env.start('qemu', name + '-dst', qemu_args(ram=garbage) +
                    ['-incoming', 'defer'])
    sock = env.path(name + '.sock')
    set_caps(src, 'events', 'pause-before-switchover', *caps)
    set_caps(dst, 'events')
    src.qmp.ok('migrate-set-parameters', **dict({'max-bandwidth': 4 * MiB},
                                                **(params or {})))
    dst.qmp.ok('migrate-incoming', uri='unix:' + sock)
    wait_path(sock, dst)
    src.qmp.ok('cont')
    src.qmp.ok('migrate', uri='unix:' + sock)
    live, n = [], 0
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        q = src.qmp.ok('query-migrate')
        st = q.get('status')
        if st not in ('setup', 'active'):
            break
        if stop_when and stop_when(q):
            time.sleep(0.02)
            continue
        n += 1
        # Low pages first (sent early in the pass), one page rewritten
        # again and again, and a 0x5a page that becomes zero.
        op = [('write', (n % 64) * PAGE + 8, n.to_bytes(4, 'big')),
              ('write', 5 * MiB, n.to_bytes(4, 'big') * 4),
              ('memset', 1 * MiB + (n % 512) * PAGE, PAGE, 0)][n % 3]
        src.qtest.apply([op])
        live.append(op)
    check(label + ': source paused before switchover',
          st == 'pre-switchover', st)
    passes = [e['data']['pass'] for e in src.qmp.events
              if e['event'] == 'MIGRATION_PASS']
    check(label + ': pages written during the migration',
          n >= 3, (n, passes))
    print('# %s: %d qtest writes during the migration, passes %s' %
          (label, n, passes))
    src.qmp.ok('migrate-continue', state='pre-switchover')
    s = src.qmp.wait_migration()
    d = dst.qmp.wait_migration()
    check(label + ': migration completed on both ends',
          s.get('status') == 'completed' and d.get('status') == 'completed',
          (s, d, dst.stderr()[-400:]))
    st = dst.qmp.status()
    check(label + ': QEMU ends running', st == 'running', st)
    compare_ram(label + ': RAM equal with the last writes (pmemsave)',
                read_qemu_ram(env, dst, name), image_of(ops + live))
    src.quit()
    dst.quit()
    return s


def case_xbzrle(env):
    """Tern's XBZRLE records into QEMU 7.2: the rewritten pages go as
    deltas after the first pass, and QEMU's RAM must be exact."""
    # downtime-limit 0: only a pass that finds nothing dirty ends it, and
    # the writes go on until deltas have been sent.  512 KiB/s makes the
    # pass that fills the cache last long enough to be written into.
    s = live_to_qemu(env, 'tern->qemu xbzrle', 't2q-x', pattern_ops(8),
                     caps=('xbzrle',), params={'downtime-limit': 0,
                                               'max-bandwidth': 512 << 10},
                     stop_when=lambda q: q.get('xbzrle-cache', {})
                     .get('pages', 0) > 0)
    x = s.get('xbzrle-cache', {})
    print('# tern->qemu xbzrle: %s' % x)
    check('tern->qemu xbzrle: pages went as XBZRLE deltas',
          x.get('pages', 0) > 0, x)
    xbzrle_from_qemu(env)


# Pages the QEMU source re-dirties for xbzrle_from_qemu(): two per MiB,
# enough that a round of them (496 KiB at 1 MiB/s) outlasts a round of
# the test's writes, so that no bitmap sync finds them all clean.
REDIRTY = [i * MiB + o for i in range(2, RAM // MiB)
           for o in (0x30000, 0x31000)]


def xbzrle_from_qemu(env):
    """QEMU 7.2's XBZRLE records into Tern.  A QEMU "-M none" has no CPU,
    and Debian's build no qtest, so nothing inside it writes its RAM;
    but its RAM can be a shared mapping of a file the test writes, and a
    reset rewrites the one-byte "-device loader" images at the start of
    the REDIRTY pages through QEMU's memory API, which marks those pages
    dirty.  So each round: change bytes in those pages through the file,
    then system_reset; from the third round on QEMU sends them as XBZRLE
    deltas against its cache.  Tern's ram_load_xbzrle trace counts what
    arrived, and its RAM must equal the file at the end.  The file is
    written behind QEMU's back, so pause-before-switchover makes the end
    exact, as in live_to_qemu(): every write (and the reset after it)
    precedes the final dirty sync.  Without it a loaded host once let
    QEMU find nothing dirty and complete while a round was being
    written, and Tern was (rightly) missing that round."""
    label = 'qemu->tern xbzrle'
    ops = pattern_ops(9) + [('write', a, b'\xa5') for a in REDIRTY]
    f = image_file(env, 'q2t-x', image_of(ops))
    one = image_file(env, 'q2t-x-byte', b'\xa5')
    loaders = []
    for a in REDIRTY:
        loaders += ['-device', 'loader,file=%s,addr=0x%x,force-raw=on'
                    % (one, a)]
    src = env.start('qemu', 'q2t-x-src', [
        '-M', 'none,memory-backend=ram', '-m', '64M', '-object',
        'memory-backend-file,id=ram,size=64M,mem-path=%s,share=on' % f,
        '-accel', 'tcg', '-nic', 'none', '-S'] + loaders)
    dst = env.start('tern', 'q2t-x-dst', tern_args() +
                    ['-incoming', 'defer', '-trace', 'ram_load_xbzrle'],
                    qtest=True)
    sock = env.path('q2t-x.sock')
    set_caps(src, 'events', 'pause-before-switchover', 'xbzrle')
    set_caps(dst, 'events')
    # downtime-limit 1 ms: QEMU syncs its bitmap whenever it has sent
    # everything dirty and goes on while anything is; 1 MiB/s makes the
    # first pass last about three seconds.
    src.qmp.ok('migrate-set-parameters', **{'max-bandwidth': 1 * MiB,
                                            'downtime-limit': 1})
    dst.qmp.ok('migrate-incoming', uri='unix:' + sock)
    wait_path(sock, dst)
    src.qmp.ok('migrate', uri='unix:' + sock)
    n, st = 0, None
    with open(f, 'r+b') as fh:
        ram = mmap.mmap(fh.fileno(), RAM)
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            q = src.qmp.ok('query-migrate')
            st = q.get('status')
            if st not in ('setup', 'active'):
                break
            if q.get('xbzrle-cache', {}).get('pages', 0) >= \
                    2 * len(REDIRTY):
                time.sleep(0.02)
                continue
            n += 1
            for i, a in enumerate(REDIRTY):
                ram[a + 64 + (n % 32) * 8:a + 72 + (n % 32) * 8] = \
                    (n * 1000 + i).to_bytes(8, 'little')
            src.qmp.ok('system_reset')
            time.sleep(0.02)
        ram.close()
    check(label + ': source paused before switchover',
          st == 'pre-switchover', st)
    src.qmp.ok('migrate-continue', state='pre-switchover')
    s = src.qmp.wait_migration()
    d = dst.qmp.wait_migration()
    check(label + ': migration completed on both ends',
          s.get('status') == 'completed' and d.get('status') == 'completed',
          (s, d, dst.stderr()[-400:]))
    x = s.get('xbzrle-cache', {})
    print('# %s: %d rounds of writes, QEMU\'s xbzrle-cache %s' % (label, n,
                                                                    x))
    # QEMU 7.2 counts a cache hit whose page did not change as an XBZRLE
    # page too, but sends nothing for it.
    check(label + ': QEMU sent pages as XBZRLE deltas',
          x.get('pages', 0) > 0, x)
    src.quit()
    with open(f, 'rb') as fh:
        want = fh.read()
    compare_ram(label + ': RAM equal to the source\'s file',
                dst.qtest.read_ram(), want)
    dst.quit()
    got = re.findall(r'ram_load_xbzrle\S* \S+ (0x[0-9a-f]+)', dst.stderr())
    check(label + ': Tern decoded XBZRLE records for the rewritten pages',
          got and all(int(a, 16) in REDIRTY for a in got),
          (len(got), got[:8]))
    print('# %s: Tern decoded %d XBZRLE records' % (label, len(got)))


def analyze(env, label, f, want):
    p = subprocess.run([sys.executable, env.analyzer, '-f', f],
                       capture_output=True, text=True, timeout=WAIT_S * 2)
    ok = check('%s: analyze-migration.py decodes it' % label,
               p.returncode == 0, p.stderr[-400:])
    if ok:
        doc = json.loads(p.stdout)
        names = [(r['type'], r.get('idstr')) for r in doc['records']
                 if r['type'] in ('START', 'FULL')]
        check('%s: configuration none; ram, timer, globalstate' % label,
              doc['configuration'].get('machine') == 'none' and
              names == [('START', 'ram'), ('FULL', 'timer'),
                        ('FULL', 'globalstate')], (doc['configuration'],
                                                   names))
    out = env.path(label.replace(' ', '_') + '.x')
    p = subprocess.run([sys.executable, env.analyzer, '-f', f, '-x', '-o',
                        out], capture_output=True, text=True,
                       timeout=WAIT_S * 2)
    got = b''
    if os.path.exists(os.path.join(out, 'ram.ram')):
        with open(os.path.join(out, 'ram.ram'), 'rb') as fh:
            got = fh.read()
    if p.returncode:
        check('%s: analyze-migration.py -x gives the RAM' % label, False,
              p.stderr[-400:])
    else:
        compare_ram('%s: analyze-migration.py -x gives the RAM' % label,
                    got, want)


def case_files(env):
    # Tern writes a file, QEMU loads it.
    ops = pattern_ops(5)
    want = image_of(ops)
    tfile = env.path('tern.mig')
    src = env.start('tern', 'f-tsrc', tern_args() + ['-S'], qtest=True)
    src.qtest.apply(ops)
    src.qmp.ok('migrate', uri='exec:cat > ' + tfile)
    s = src.qmp.wait_migration()
    check('file: Tern migrates to exec:cat>FILE',
          s.get('status') == 'completed', s)
    src.quit()
    dst = env.start('qemu', 'f-qdst', qemu_args() +
                    ['-incoming', 'exec:cat ' + tfile])
    d = dst.qmp.wait_migration()
    st = dst.qmp.status()
    check('file: QEMU loads Tern\'s file, ends in prelaunch',
          d.get('status') == 'completed' and st == 'prelaunch', (d, st))
    compare_ram('file: QEMU RAM equal (pmemsave)',
                read_qemu_ram(env, dst, 'f-q'), want)
    dst.quit()
    analyze(env, 'Tern file', tfile, want)

    # QEMU writes a file from a running guest, Tern loads it.
    ops = pattern_ops(6)
    want = image_of(ops)
    qfile = env.path('qemu.mig')
    src = env.start('qemu', 'f-qsrc', qemu_args(
        ram=image_file(env, 'f-q', want)) + ['-S'])
    src.qmp.ok('cont')
    fast(src)
    src.qmp.ok('migrate', uri='exec:cat > ' + qfile)
    s = src.qmp.wait_migration()
    check('file: QEMU migrates to exec:cat>FILE',
          s.get('status') == 'completed', s)
    src.quit()
    dst = env.start('tern', 'f-tdst', tern_args() +
                    ['-incoming', 'exec:cat ' + qfile], qtest=True)
    d = dst.qmp.wait_migration()
    st = dst.qmp.status()
    check('file: Tern loads QEMU\'s file, ends running',
          d.get('status') == 'completed' and st == 'running', (d, st))
    compare_ram('file: Tern RAM equal', dst.qtest.read_ram(), want)
    dst.quit()
    analyze(env, 'QEMU file', qfile, want)

    # A destination started with -S stays paused although the source ran.
    dst = env.start('tern', 'f-tdstS', tern_args() +
                    ['-S', '-incoming', 'exec:cat ' + qfile])
    d = dst.qmp.wait_migration()
    st = dst.qmp.status()
    check('file: Tern -S loads a running QEMU\'s file, ends paused',
          d.get('status') == 'completed' and st == 'paused', (d, st))
    dst.quit()


def idle_file(env, which, name, args):
    f = env.path(name + '.mig')
    src = env.start(which, name, args + ['-S'])
    fast(src)
    src.qmp.ok('migrate', uri='exec:cat > ' + f)
    s = src.qmp.wait_migration()
    src.quit()
    if s.get('status') != 'completed':
        raise RuntimeError('%s: migrate to file: %s %s' % (name, s,
                                                           src.stderr()))
    return f


def refused(env, which, name, args, f, want):
    """Load FILE with -incoming exec:cat; the process must exit 1 and
    print WANT."""
    vm = env.start(which, name, args + ['-incoming', 'exec:cat ' + f],
                   qmp=False)
    rc = vm.wait_exit()
    err = vm.stderr()
    return rc == 1 and want in err, (rc, err[-600:])


def case_negative(env):
    f = idle_file(env, 'tern', 'n-tern', tern_args(machine='tern'))
    ok, d = refused(env, 'qemu', 'n-qnone', qemu_args(), f,
                    "Machine type received is 'tern-1.0' and local is "
                    "'none'")
    check('negative: QEMU -M none refuses a Tern -M tern stream', ok, d)

    f = idle_file(env, 'qemu', 'n-pc', qemu_args(machine='pc'))
    ok, d = refused(env, 'tern', 'n-tnone', tern_args(), f,
                    "Machine type received is 'pc-i440fx-7.2' and local is "
                    "'none'")
    check('negative: Tern -M none refuses a QEMU -M pc stream', ok, d)

    f = idle_file(env, 'qemu', 'n-q32', qemu_args(mem='32M'))
    ok, d = refused(env, 'tern', 'n-t64', tern_args(), f,
                    'Size mismatch: ram: 0x2000000 != 0x4000000')
    check('negative: Tern -m 64M refuses QEMU\'s 32M RAM', ok, d)

    f = idle_file(env, 'tern', 'n-t32', tern_args(mem='32M'))
    ok, d = refused(env, 'qemu', 'n-q64', qemu_args(), f,
                    'Size mismatch: ram: 0x2000000 != 0x4000000')
    check('negative: QEMU -m 64M refuses Tern\'s 32M RAM', ok, d)

    # QEMU 7.2 features that Tern does not have yet: refused, not hung
    # and not silently incomplete.
    # A postcopy-ram source to a Tern without the capability: QEMU's
    # refusal of the advise.
    s, d, _ = tern_refuses(env, 'n-postcopy', ['-S'], [], ('postcopy-ram',))
    check('negative: Tern without postcopy-ram refuses a postcopy-ram '
          'source', d.get('status') == 'failed' and
          s.get('status') == 'failed' and
          'RAM postcopy is disabled but have 16 byte advise' in
          d.get('error-desc', ''), (s, d))
    s, d, _ = tern_refuses(env, 'n-compress', ['-S'], [], ('compress',))
    check('limit: Tern refuses compressed pages',
          d.get('status') == 'failed' and
          "error while loading state for instance 0x0 of device 'ram': "
          'Received an unexpected compressed page' in
          d.get('error-desc', ''), (s, d))
    # A QEMU 7.2 multifd source is not usable as a check: whichever of its
    # connections arrives first becomes Tern's main channel, and 7.2's
    # own error path may crash (SIGSEGV after "multifd_send_sync_main:
    # channel 0 has already quit").  So the source is played by hand: a
    # main channel that has sent the header and configuration, then a
    # second connection, as multifd opens.  Tern must fail the load at
    # once, whatever the source does next.
    dst = env.start('tern', 'n-2conn', tern_args() + ['-incoming', 'defer'])
    sock = env.path('2conn.sock')
    dst.qmp.ok('migrate-incoming', uri='unix:' + sock,
               **{'exit-on-error': False})
    wait_path(sock, dst)
    main = socket.socket(socket.AF_UNIX)
    main.connect(sock)
    main.sendall(b'QEVM\0\0\0\3\x07\0\0\0\x04none')
    st = dst.qmp.wait_migration(done=('active', 'failed', 'completed'))
    second = socket.socket(socket.AF_UNIX)
    second.connect(sock)        # Tern closes it at once: nothing to send
    d = dst.qmp.wait_migration()
    check('limit: a second connection without multifd fails the load',
          st.get('status') == 'active' and d.get('status') == 'failed' and
          'Extra incoming migration connection, but the multifd '
          'capability is off here' in dst.stderr(), (st, d, dst.stderr()))
    main.close()
    second.close()
    dst.quit()


# QEMU 7.2's multifd: a sync at every RAM EOS (no MULTIFD_FLUSH record),
# zero pages as ZERO records on the main channel.  Tern speaks it with
# multifd-flush-after-each-section=on and zero-page-detection=legacy.
TERN_MULTIFD_72 = ['-global', 'migration.multifd-flush-after-each-section=on']


def multifd_setup(vm, channels, comp, tern):
    set_caps(vm, 'multifd')
    args = {'multifd-channels': channels, 'multifd-compression': comp}
    if tern:
        args['zero-page-detection'] = 'legacy'
    vm.qmp.ok('migrate-set-parameters', **args)


def case_multifd(env):
    for comp in ('none', 'zlib', 'zstd'):
        for channels in (2, 4):
            # QEMU source -> Tern.
            label = 'multifd %s x%d qemu->tern' % (comp, channels)
            ops = pattern_ops(10 + channels)
            want = image_of(ops)
            src = env.start('qemu', 'mq-src', qemu_args(
                ram=image_file(env, 'mq', want)) + ['-S'])
            dst = env.start('tern', 'mq-dst', tern_args() + TERN_MULTIFD_72 +
                            ['-incoming', 'defer'], qtest=True)
            dst.qtest.apply(GARBAGE)
            multifd_setup(src, channels, comp, False)
            multifd_setup(dst, channels, comp, True)
            socket_migration(env, label, src, dst, cont=True)
            compare_ram(label + ': RAM equal', dst.qtest.read_ram(), want)
            check(label + ': Tern ends running', dst.qmp.status() ==
                  'running')
            src.quit()
            dst.quit()

            # Tern source -> QEMU.
            label = 'multifd %s x%d tern->qemu' % (comp, channels)
            ops = pattern_ops(20 + channels)
            want = image_of(ops)
            garbage = image_file(env, 'mgarbage', image_of(GARBAGE))
            src = env.start('tern', 'mt-src', tern_args() + TERN_MULTIFD_72,
                            qtest=True)
            src.qtest.apply(ops)
            dst = env.start('qemu', 'mt-dst', qemu_args(ram=garbage) +
                            ['-incoming', 'defer'])
            multifd_setup(src, channels, comp, True)
            multifd_setup(dst, channels, comp, False)
            socket_migration(env, label, src, dst)
            compare_ram(label + ': RAM equal (pmemsave)',
                        read_qemu_ram(env, dst, 'mt'), want)
            st = dst.qmp.status()
            check(label + ': QEMU ends running', st == 'running', st)
            src.quit()
            dst.quit()

    # The 7.2 dialect cannot carry zero pages in packets: refused first.
    src = env.start('tern', 'mz-src', tern_args() + TERN_MULTIFD_72)
    set_caps(src, 'multifd')
    src.qmp.ok('migrate-set-parameters',
               **{'zero-page-detection': 'multifd'})
    r = src.qmp.cmd('migrate', uri='unix:' + env.path('none.sock'))
    check('multifd: zero-page-detection=multifd refused in the 7.2 dialect',
          'error' in r and "zero-page-detection 'multifd' needs QEMU 9.0" in
          r['error'].get('desc', ''), r)
    src.quit()


def wait_both(src, dst, state):
    """Both ends' query-migrate once each has reached @state or ended."""
    done = (state, 'completed', 'failed')
    return (src.qmp.wait_migration(done=done),
            dst.qmp.wait_migration(done=done))


def postcopy_migration(env, label, src, dst, preempt=False):
    """Start a slow precopy from SRC to DST (both with postcopy-ram),
    switch to postcopy after a while, and return once the destination is
    in postcopy-active with its guest started.  The background stream
    stays slow (max-postcopy-bandwidth), so that the caller's reads on
    the destination find pages missing."""
    sock = env.path(re.sub(r'\W', '_', label) + '.sock')
    for vm in (src, dst):
        set_caps(vm, 'events', 'postcopy-ram',
                 *(['postcopy-preempt'] if preempt else []))
    src.qmp.ok('migrate-set-parameters', **{
        'max-bandwidth': 4 * MiB, 'max-postcopy-bandwidth': 4 * MiB,
        'downtime-limit': 1})
    dst.qmp.ok('migrate-incoming', uri='unix:' + sock)
    wait_path(sock, dst)
    src.qmp.ok('migrate', uri='unix:' + sock)
    # At once: the switch comes after the first bandwidth window, with
    # most of the RAM still to send.
    src.qmp.ok('migrate-start-postcopy')
    s, d = wait_both(src, dst, 'postcopy-active')
    check('%s: both ends reach postcopy' % label,
          s.get('status') == 'postcopy-active' and
          d.get('status') in ('postcopy-active', 'completed'),
          (s, d, src.stderr()[-400:], dst.stderr()[-400:]))


def postcopy_end(label, src, dst):
    s = src.qmp.wait_migration()
    d = dst.qmp.wait_migration()
    check('%s: migration completed on both ends' % label,
          s.get('status') == 'completed' and d.get('status') == 'completed',
          (s, d, dst.stderr()[-400:], src.stderr()[-400:]))
    se, de = src.qmp.migration_events(), dst.qmp.migration_events()
    check('%s: MIGRATION events on both ends' % label,
          se == ['setup', 'active', 'postcopy-active', 'completed'] and
          de == ['setup', 'active', 'postcopy-active', 'completed'],
          (se, de))
    check('%s: the source sent requested pages' % label,
          s.get('ram', {}).get('postcopy-requests', 0) > 0, s)


# QEMU 7.2 makes the preempt channel at the start and ends it with an
# EOS; Tern as a source to it says so with x-preempt-pre-7-2.
TERN_PREEMPT_72 = ['-global', 'migration.x-preempt-pre-7-2=on']


def case_postcopy(env):
    postcopy_both_ways(env, 'postcopy', False)


def case_postcopy_preempt(env):
    postcopy_both_ways(env, 'postcopy-preempt', True)


def postcopy_both_ways(env, name, preempt):
    # QEMU 7.2 -> Tern: Tern's qtest reader touches pages that have not
    # arrived; each is requested from QEMU on the return path.
    ops = pattern_ops(5)
    want = image_of(ops)
    src = env.start('qemu', 'pc-q2t-src', qemu_args(
        ram=image_file(env, 'pc-q2t', want)))
    trace = env.path(name + '-q2t.trace')
    dst = env.start('tern', 'pc-q2t-dst', tern_args() +
                    ['-incoming', 'defer', '-trace',
                     'enable=ram_load_preempt,file=' + trace], qtest=True)
    postcopy_migration(env, name + ' qemu->tern', src, dst, preempt)
    compare_ram(name + ' qemu->tern: RAM read during postcopy equal',
                dst.qtest.read_ram(), want)
    postcopy_end(name + ' qemu->tern', src, dst)
    st = dst.qmp.status()
    check(name + ' qemu->tern: Tern ends running', st == 'running', st)
    try:
        with open(trace) as f:
            on_preempt = f.read().count('ram_load_preempt')
    except OSError:
        on_preempt = 0
    check(name + ' qemu->tern: pages came on the preempt channel'
          if preempt else name + ' qemu->tern: no preempt channel',
          (on_preempt > 0) == preempt, on_preempt)
    src.quit()
    dst.quit()

    # Tern -> QEMU 7.2: QEMU's guest (TCG, -M none: no vCPU) reads
    # nothing, so its pages come by the background stream and by the
    # requests of pmemsave, which touches them all.
    ops = pattern_ops(6)
    want = image_of(ops)
    src = env.start('tern', 'pc-t2q-src', tern_args() +
                    (TERN_PREEMPT_72 if preempt else []), qtest=True)
    src.qtest.apply(ops)
    dst = env.start('qemu', 'pc-t2q-dst', qemu_args() +
                    ['-incoming', 'defer'])
    postcopy_migration(env, name + ' tern->qemu', src, dst, preempt)
    compare_ram(name + ' tern->qemu: RAM read during postcopy equal '
                '(pmemsave)', read_qemu_ram(env, dst, 'pc-t2q'), want)
    postcopy_end(name + ' tern->qemu', src, dst)
    st = src.qmp.status()
    check(name + ' tern->qemu: Tern source ends in postmigrate',
          st == 'postmigrate', st)
    src.quit()
    dst.quit()


def postcopy_recover(env, label, src, dst):
    """Break a running postcopy with migrate-pause on the source, check
    both ends paused, then migrate-recover / migrate resume=true."""
    src.qmp.ok('migrate-pause')
    s, d = wait_both(src, dst, 'postcopy-paused')
    check('%s: both ends postcopy-paused' % label,
          s.get('status') == 'postcopy-paused' and
          d.get('status') == 'postcopy-paused',
          (s, d, src.stderr()[-400:], dst.stderr()[-400:]))
    sock = env.path(re.sub(r'\W', '_', label) + '-rec.sock')
    dst.qmp.ok('migrate-recover', uri='unix:' + sock)
    wait_path(sock, dst)
    src.qmp.ok('migrate', uri='unix:' + sock, resume=True)
    s = src.qmp.wait_migration(done=('postcopy-active', 'completed',
                                     'failed'))
    check('%s: the source resumed' % label,
          s.get('status') in ('postcopy-active', 'completed'),
          (s, src.stderr()[-400:], dst.stderr()[-400:]))


def recovered_end(label, src, dst, tern):
    """TERN: the Tern end (src or dst), which goes through QEMU 10.0's
    states; QEMU 7.2 has no postcopy-recover-setup (its destination says
    'setup' there)."""
    s = src.qmp.wait_migration()
    d = dst.qmp.wait_migration()
    check('%s: migration completed on both ends' % label,
          s.get('status') == 'completed' and d.get('status') == 'completed',
          (s, d, dst.stderr()[-400:], src.stderr()[-400:]))
    want = ['postcopy-active', 'postcopy-paused', 'postcopy-recover-setup',
            'postcopy-recover', 'postcopy-active', 'completed']
    other = dst if tern is src else src
    te, oe = tern.qmp.migration_events(), other.qmp.migration_events()
    check('%s: Tern went through QEMU 10.0\'s recovery states' % label,
          te[-len(want):] == want, te)
    check('%s: QEMU 7.2 recovered too' % label,
          'postcopy-paused' in oe and
          oe[-3:] == ['postcopy-recover', 'postcopy-active', 'completed'], oe)


def case_postcopy_recovery(env):
    # QEMU 7.2 -> Tern, paused and recovered before Tern reads its RAM.
    label = 'postcopy-recovery qemu->tern'
    ops = pattern_ops(7)
    want = image_of(ops)
    src = env.start('qemu', 'pr-q2t-src', qemu_args(
        ram=image_file(env, 'pr-q2t', want)))
    dst = env.start('tern', 'pr-q2t-dst', tern_args() +
                    ['-incoming', 'defer'], qtest=True)
    postcopy_migration(env, label, src, dst)
    postcopy_recover(env, label, src, dst)
    compare_ram(label + ': RAM read after the recovery equal',
                dst.qtest.read_ram(), want)
    recovered_end(label, src, dst, dst)
    src.quit()
    dst.quit()

    # Tern -> QEMU 7.2.
    label = 'postcopy-recovery tern->qemu'
    ops = pattern_ops(8)
    want = image_of(ops)
    src = env.start('tern', 'pr-t2q-src', tern_args(), qtest=True)
    src.qtest.apply(ops)
    dst = env.start('qemu', 'pr-t2q-dst', qemu_args() +
                    ['-incoming', 'defer'])
    postcopy_migration(env, label, src, dst)
    postcopy_recover(env, label, src, dst)
    compare_ram(label + ': RAM read after the recovery equal (pmemsave)',
                read_qemu_ram(env, dst, 'pr-t2q'), want)
    recovered_end(label, src, dst, src)
    src.quit()
    dst.quit()


# ------------------------------------------------------------ e1000 layout

def desc_shape(desc):
    """A section's layout as the vmdesc trailer tells it: each field's
    name, type, wire size and count, nested structs and subsections."""
    fields = []
    for f in desc.get('fields', []):
        fields.append((f['name'], f.get('index'), f.get('type'),
                       f['size'], f.get('array_len', 1),
                       desc_shape(f['struct']) if 'struct' in f else None))
    subs = [(sub['vmsd_name'], sub.get('version'), desc_shape(sub))
            for sub in desc.get('subsections', [])]
    return (desc.get('vmsd_name'), desc.get('version'), fields, subs)


def e1000_section(env, f):
    """The e1000's vmdesc entry and its decoded state in stream F."""
    out = {}
    for dump in ('desc', 'state'):
        p = subprocess.run([sys.executable, env.analyzer, '-f', f, '-d',
                            dump], capture_output=True, text=True,
                           timeout=WAIT_S * 2)
        if p.returncode:
            raise RuntimeError('analyze-migration.py %s: %s' %
                               (f, p.stderr[-400:]))
        out[dump] = json.loads(p.stdout)
    desc = [d for d in out['desc'].get('devices', [])
            if d.get('vmsd_name') == 'e1000']
    state = [r for r in out['state']['records']
             if r.get('idstr', '').endswith('/e1000') and 'state' in r]
    if len(desc) != 1 or len(state) != 1:
        raise RuntimeError('%s: %d e1000 descriptions, %d sections' %
                           (f, len(desc), len(state)))
    return desc[0], state[0]


def case_e1000_layout(env):
    # The same NIC (slot 3, same MAC) in QEMU 7.2's pc and in Tern's
    # machine, each migrated to a file: the e1000 sections must be
    # described alike, field for field, and the EEPROM (the MAC and
    # QEMU's template) must decode to the same words.
    nic = ['-device', 'e1000,addr=3,mac=52:54:00:12:34:56,romfile=']
    qf = idle_file(env, 'qemu', 'e1000-q', qemu_args(machine='pc') + nic)
    tf = idle_file(env, 'tern', 'e1000-t', tern_args(machine='tern') +
                   nic[:1] + ['e1000,addr=3,mac=52:54:00:12:34:56'])
    qd, qs = e1000_section(env, qf)
    td, ts = e1000_section(env, tf)
    check('e1000: section 0000:00:03.0/e1000 version 2 on both',
          qs['idstr'] == ts['idstr'] == '0000:00:03.0/e1000' and
          qd.get('version') == td.get('version') == 2,
          (qs['idstr'], ts['idstr'], qd.get('version'), td.get('version')))
    qshape, tshape = desc_shape(qd), desc_shape(td)
    diff = [(i, q, t) for i, (q, t) in
            enumerate(zip(qshape[2], tshape[2])) if q != t]
    check('e1000: %d fields as QEMU describes them' % len(qshape[2]),
          len(qshape[2]) == len(tshape[2]) and not diff,
          (len(qshape[2]), len(tshape[2]), diff[:3]))
    check('e1000: subsections mit_state, full_mac_state, tx_tso_state',
          qshape[3] == tshape[3] and
          [n for n, _, _ in tshape[3]] == ['e1000/mit_state',
                                           'e1000/full_mac_state',
                                           'e1000/tx_tso_state'],
          ([n for n, _, _ in qshape[3]], [n for n, _, _ in tshape[3]]))
    check('e1000: section sizes equal',
          qs.get('size') == ts.get('size'), (qs.get('size'),
                                              ts.get('size')))
    qe, te = qs['state'].get('eeprom_data'), ts['state'].get('eeprom_data')
    check('e1000: the EEPROM decodes to the same 64 words',
          qe is not None and qe == te, (qe, te))
    # Receive address 0 (RAL0, RAH0 at 0x5400) in the full register file.
    ra = 0x5400 // 4
    qv = qs['state'].get('e1000/full_mac_state', {}).get('mac_reg')
    tv = ts['state'].get('e1000/full_mac_state', {}).get('mac_reg')
    check('e1000: full_mac_state holds receive address 0 alike',
          qv is not None and tv is not None and len(qv) == len(tv) and
          qv[ra:ra + 2] == tv[ra:ra + 2],
          (qv and qv[ra:ra + 2], tv and tv[ra:ra + 2]))


CASES = {
    'postcopy': case_postcopy,
    'postcopy-preempt': case_postcopy_preempt,
    'postcopy-recovery': case_postcopy_recovery,
    'qemu-to-tern': case_qemu_to_tern,
    'xbzrle': case_xbzrle,
    'tern-to-qemu': case_tern_to_qemu,
    'files': case_files,
    'negative': case_negative,
    'multifd': case_multifd,
    'e1000-layout': case_e1000_layout,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--case', default='all',
                    choices=['all'] + sorted(CASES))
    ap.add_argument('tern')
    ap.add_argument('analyzer')
    a = ap.parse_args()

    qemu = shutil.which('qemu-system-x86_64')
    if not qemu:
        print('1..0 # SKIP qemu-system-x86_64 (QEMU 7.2) is not installed; '
              'scripts/install-deps.sh installs it')
        return 77
    ver = subprocess.run([qemu, '--version'], capture_output=True,
                         text=True, timeout=WAIT_S).stdout
    if not re.match(r'QEMU emulator version 7\.2\.', ver):
        print('1..0 # SKIP %s is not QEMU 7.2: %s' %
              (qemu, ver.splitlines()[0] if ver else '(no version)'))
        return 77

    names = sorted(CASES) if a.case == 'all' else [a.case]
    with tempfile.TemporaryDirectory(prefix='tern-interop-') as tmp:
        env = Env(os.path.abspath(a.tern), a.analyzer, qemu, tmp)
        env.pattern = image_file(env, 'pattern', image_of(pattern_ops(0)))
        for n in names:
            t0 = time.monotonic()
            try:
                CASES[n](env)
            except (OSError, RuntimeError, ValueError, KeyError,
                    subprocess.TimeoutExpired) as e:
                check('%s: ran to the end' % n, False,
                      traceback.format_exc(limit=-3) or repr(e))
            finally:
                env.cleanup()
            print('# %s took %.1f s' % (n, time.monotonic() - t0))

    print('1..%d' % len(results))
    for i, (name, ok, detail) in enumerate(results, 1):
        print('%s %d - %s' % ('ok' if ok else 'not ok', i, name))
        if not ok and detail:
            for line in str(detail).splitlines():
                print('# ' + line)
    return 0 if all(ok for _, ok, _ in results) else 1


if __name__ == '__main__':
    sys.exit(main())
