#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# scripts/analyze-migration.py on real Tern streams (written by
# test-savevm-stream through TERN_STREAM_DIR) and on hand-made QEMU 7.2
# style streams with return-path commands, a PACKAGED blob, a device
# without trailer and no trailer at all.  Prints TAP.
#
# usage: test-analyze-migration.py TEST_SAVEVM_STREAM ANALYZER [EMULATOR]
#
# With EMULATOR, also: an idle "-M none -m 64M -accel qtest -S" Tern
# migrates to "exec:cat > FILE", the analyzer reads FILE, and a second
# Tern loads it with -incoming "exec:cat FILE" and ends in prelaunch.
# When Debian's qemu-system-x86_64 (7.2) is installed: its idle stream
# must mean what Tern's golden one means, and each loads the other's.
# Builds of 7.2 differ in bytes (a slower machine splits RAM into more
# PART sections), so the comparison is of meaning: configuration, the
# section sequence with versions (consecutive PARTs of one section as
# one), page counts, device state, the RAM image and the trailer's JSON.

import hashlib
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

results = []


def check(name, cond, detail=''):
    results.append((name, bool(cond), detail))


def run(analyzer, *args):
    p = subprocess.run([sys.executable, analyzer] + list(args),
                       capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def str8(s):
    return bytes([len(s)]) + s.encode()


def sec(kind, sid, idstr=None, inst=0, ver=0):
    b = bytes([kind]) + struct.pack('>I', sid)
    if idstr is not None:
        b += str8(idstr) + struct.pack('>II', inst, ver)
    return b


def footer(sid):
    return b'\x7e' + struct.pack('>I', sid)


def cmd(c, payload=b''):
    return b'\x08' + struct.pack('>HH', c, len(payload)) + payload


class QMP:
    def __init__(self, path, proc):
        self.sock = socket.socket(socket.AF_UNIX)
        deadline = time.monotonic() + 30
        while True:
            try:
                self.sock.connect(path)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        # Read through a buffered reader only; writes go straight to the
        # socket so they never interact with what the reader has buffered.
        self.f = self.sock.makefile('r', encoding='utf-8')
        json.loads(self.f.readline())
        self.cmd('qmp_capabilities')

    def cmd(self, name, **args):
        msg = json.dumps({'execute': name, 'arguments': args}) + '\n'
        self.sock.sendall(msg.encode('utf-8'))
        while True:
            r = json.loads(self.f.readline())
            if 'event' not in r:
                return r

    def wait_migration(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            r = self.cmd('query-migrate')['return']
            if r.get('status') in ('completed', 'failed'):
                return r
            time.sleep(0.05)
        return {'status': 'timeout'}


def run_emulator(emulator, tmp, name, *extra):
    path = os.path.join(tmp, name + '.qmp')
    proc = subprocess.Popen([emulator, '-M', 'none', '-m', '64M', '-accel',
                             'qtest', '-display', 'none', '-nodefaults',
                             '-qmp', 'unix:%s,server=on,wait=off' % path] +
                            list(extra), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    return proc, QMP(path, proc)


def binary_checks(emulator, analyzer, tmp):
    mig = os.path.join(tmp, 'binary.mig')
    proc, qmp = run_emulator(emulator, tmp, 'src', '-S')
    r = qmp.cmd('migrate', uri='exec:cat > %s' % mig)
    st = qmp.wait_migration()
    check('binary: migrate to exec:cat', 'return' in r and
          st.get('status') == 'completed', (r, st))
    qmp.cmd('quit')
    proc.wait(timeout=30)

    rc, out, err = run(analyzer, '-f', mig)
    check('binary: stream parses', rc == 0, err)
    if rc == 0:
        recs = json.loads(out)['records']
        names = [r.get('idstr') for r in recs if r['type'] == 'FULL']
        ram = [r['ram'] for r in recs if r.get('idstr') == 'ram']
        check('binary: timer and globalstate sent',
              'timer' in names and 'globalstate' in names, names)
        check('binary: all RAM as zero pages',
              sum(x['zero'] for x in ram) == 16384 and
              all(x['eos'] for x in ram), ram)

    proc, qmp = run_emulator(emulator, tmp, 'dst', '-incoming',
                             'exec:cat %s' % mig)
    st = qmp.wait_migration()
    status = qmp.cmd('query-status')['return']['status']
    check('binary: -incoming exec:cat loads it',
          st.get('status') == 'completed' and status == 'prelaunch',
          (st, status))
    qmp.cmd('quit')
    proc.wait(timeout=30)


def stream_meaning(analyzer, path, tmp):
    """What a stream says, as comparable data; (None, why) if unreadable."""
    rc, out, err = run(analyzer, '-f', path)
    if rc != 0:
        return None, err
    doc = json.loads(out)
    seq, pages, state = [], {}, {}
    for r in doc['records']:
        key = [r['type'], r.get('idstr'), r.get('instance_id'),
               r.get('version'), r.get('command')]
        if r['type'] == 'PART' and seq and seq[-1][:2] == key[:2]:
            pass                        # one section sent in more slices
        else:
            seq.append(key)
        if 'ram' in r:
            p = pages.setdefault(r['idstr'], {})
            for k, v in r['ram'].items():
                if k == 'mem_size':
                    p[k] = v
                elif k == 'eos':
                    p.setdefault('every slice ends in EOS', True)
                    p['every slice ends in EOS'] &= v
                else:
                    p[k] = p.get(k, 0) + v
        if 'state' in r:
            state['%s.%s' % (r['idstr'], r.get('instance_id'))] = r['state']
    rc, out, err = run(analyzer, '-f', path, '-d', 'desc')
    if rc != 0:
        return None, err
    desc = json.loads(out)
    xdir = os.path.join(tmp, 'x-' + os.path.basename(path))
    rc, _, err = run(analyzer, '-f', path, '-x', '-o', xdir)
    if rc != 0:
        return None, err
    ram = {}
    for name in sorted(os.listdir(xdir)):
        with open(os.path.join(xdir, name), 'rb') as f:
            data = f.read()
        ram[name] = {'length': len(data),
                     'nonzero bytes': len(data) - data.count(0),
                     'sha256': hashlib.sha256(data).hexdigest()}
    return {'configuration': doc['configuration'], 'sections': seq,
            'pages': pages, 'device state': state, 'ram image': ram,
            'trailer': desc}, None


def meaning_diff(a, b, where=''):
    """Paths where two meanings differ: 'field: A != B' strings."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b), key=str):
            path = '%s.%s' % (where, k) if where else str(k)
            if k not in a or k not in b:
                out.append('%s: only in %s' % (path, 'first' if k in a
                                                 else 'second'))
            else:
                out += meaning_diff(a[k], b[k], path)
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        out = []
        for i, (x, y) in enumerate(zip(a, b)):
            out += meaning_diff(x, y, '%s[%d]' % (where, i))
        return out
    return [] if a == b else ['%s: %r != %r' % (where, a, b)]


def meaning_checks(analyzer, tmp, golden_path):
    """The comparison itself: blind to slicing, not to content."""
    with open(golden_path, 'rb') as f:
        golden = f.read()
    want, why = stream_meaning(analyzer, golden_path, tmp)
    check('golden stream meaning', want is not None, why)
    if want is None:
        return
    # RAM's PART starts at 67: header (5), first page (8 + "ram" + fill),
    # then 9 bytes a page.  End the slice after 1000 and 9000 pages and
    # open another, as a slower QEMU does: 18 bytes each.
    cut = b'\0' * 7 + b'\x10' + footer(2) + sec(0x02, 2)
    split = golden
    for n in (9000, 1000):
        at = 85 + 9 * n
        split = split[:at] + cut + split[at:]
    path = os.path.join(tmp, 'split.mig')
    with open(path, 'wb') as f:
        f.write(split)
    got, why = stream_meaning(analyzer, path, tmp)
    diff = meaning_diff(got, want) if got else [why]
    check('36 more bytes of slicing mean the same', len(split) ==
          len(golden) + 36 and not diff, diff)

    at = golden.rindex(b'"version": 2')
    other = golden[:at] + b'"version": 3' + golden[at + 12:]
    path = os.path.join(tmp, 'other.mig')
    with open(path, 'wb') as f:
        f.write(other)
    got, why = stream_meaning(analyzer, path, tmp)
    diff = meaning_diff(got, want) if got else [why]
    check('a changed trailer field is named', diff ==
          ['trailer.devices[0].version: 3 != 2'], diff)


def qemu_checks(emulator, analyzer, tmp, golden_path):
    """Interop with Debian's QEMU 7.2 (-M none -nic none), both ways."""
    qemu = shutil.which('qemu-system-x86_64')
    if not qemu:
        results.append(('QEMU 7.2 interop', None,
                        'qemu-system-x86_64 not installed'))
        return
    base = [qemu, '-M', 'none', '-m', '64M', '-display', 'none', '-nic',
            'none', '-nodefaults']
    qmig = os.path.join(tmp, 'qemu.mig')
    path = os.path.join(tmp, 'q1.qmp')
    proc = subprocess.Popen(base + ['-S', '-qmp', 'unix:%s,server=on,'
                                    'wait=off' % path],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    qmp = QMP(path, proc)
    qmp.cmd('migrate', uri='exec:cat > %s' % qmig)
    st = qmp.wait_migration()
    qmp.cmd('quit')
    proc.wait(timeout=30)
    check('QEMU 7.2 writes its idle stream', st.get('status') ==
          'completed', st)
    want, why_w = stream_meaning(analyzer, golden_path, tmp)
    got, why_g = stream_meaning(analyzer, qmig, tmp)
    diff = (meaning_diff(got, want) if got and want else
            ['unreadable: %s' % (why_g or why_w)])
    check('QEMU 7.2 idle stream means what Tern\'s golden stream means',
          not diff, '; '.join(diff[:10]))

    proc, qmp = run_emulator(emulator, tmp, 'dst2', '-incoming',
                             'exec:cat %s' % qmig)
    st = qmp.wait_migration()
    status = qmp.cmd('query-status')['return']['status']
    check('Tern loads QEMU 7.2\'s stream', st.get('status') == 'completed'
          and status == 'prelaunch', (st, status))
    qmp.cmd('quit')
    proc.wait(timeout=30)

    tmig = os.path.join(tmp, 'binary.mig')
    path = os.path.join(tmp, 'q2.qmp')
    proc = subprocess.Popen(base + ['-qmp', 'unix:%s,server=on,wait=off' %
                                    path, '-incoming', 'exec:cat %s' % tmig],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    try:
        qmp = QMP(path, proc)
        st = qmp.wait_migration()
        status = qmp.cmd('query-status')['return']['status']
        qmp.cmd('quit')
        proc.wait(timeout=30)
        ok, detail = (st.get('status') == 'completed' and
                      status == 'prelaunch'), (st, status)
    except OSError:
        proc.wait(timeout=30)
        ok, detail = False, proc.stderr.read()
    check('QEMU 7.2 loads Tern\'s stream', ok, detail)


def main():
    test_bin, analyzer = sys.argv[1], sys.argv[2]
    emulator = sys.argv[3] if len(sys.argv) > 3 else None
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, TERN_STREAM_DIR=tmp)
        p = subprocess.run([test_bin, '-p', '/savevm/save/golden-idle-none',
                            '-p', '/savevm/save/roundtrip-data'],
                           env=env, capture_output=True, timeout=300)
        check('streams written', p.returncode == 0, p.stderr[-500:])
        none = os.path.join(tmp, 'none.mig')
        data = os.path.join(tmp, 'data.mig')

        rc, out, err = run(analyzer, '-f', none)
        check('idle stream parses', rc == 0, err)
        if rc == 0:
            doc = json.loads(out)
            recs = doc['records']
            check('machine none', doc['configuration'] == {'machine':
                                                         'none'})
            kinds = [(r['type'], r.get('idstr')) for r in recs]
            check('record sequence', kinds == [
                ('START', 'ram'), ('PART', 'ram'), ('END', 'ram'),
                ('FULL', 'timer'), ('FULL', 'globalstate'), ('EOF', None),
                ('VMDESCRIPTION', None)], kinds)
            check('16384 zero pages', recs[1]['ram']['zero'] == 16384)
            check('MEM_SIZE list', recs[0]['ram']['mem_size'] ==
                  {'total': 64 << 20, 'blocks': {'ram': {'length':
                                                         64 << 20}}})
            check('globalstate decoded', recs[4]['state'] ==
                  {'size': 10, 'runstate': 'prelaunch'}, recs[4])
            check('trailer size', recs[6]['size'] == 486)

        rc, out, err = run(analyzer, '-f', none, '-d', 'desc')
        check('-d desc', rc == 0 and [d['name'] for d in
                                      json.loads(out)['devices']] ==
              ['timer', 'globalstate'], err)

        xdir = os.path.join(tmp, 'x')
        rc, out, err = run(analyzer, '-f', data, '-x', '-o', xdir)
        with open(os.path.join(tmp, 'data.ram'), 'rb') as f:
            want = f.read()
        got = b''
        if os.path.exists(os.path.join(xdir, 'ram.ram')):
            with open(os.path.join(xdir, 'ram.ram'), 'rb') as f:
                got = f.read()
        check('-x extracts the RAM image bit for bit', rc == 0 and
              got == want, err)

        # A socket-style stream: return path, pings, a device that the
        # analyzer knows nothing about (sized by its footer), a PACKAGED
        # blob, no trailer.
        ram = (struct.pack('>Q', 0x2000 | 0x04) + str8('pc.ram') +
               struct.pack('>Q', 0x2000) + struct.pack('>Q', 0x10))
        page = struct.pack('>Q', 0x1000 | 0x08) + str8('pc.ram') + \
            bytes(range(256)) * 16
        blob = sec(0x04, 0, 'timer', 0, 2) + bytes(24) + footer(0) + b'\x00'
        s = (b'QEVM' + struct.pack('>I', 3) + b'\x07' +
             struct.pack('>I', 13) + b'pc-i440fx-7.2' +
             cmd(1) + cmd(2, struct.pack('>I', 1)) +
             sec(0x01, 2, 'ram', 0, 4) + ram + footer(2) +
             sec(0x02, 2) + page + struct.pack('>Q', 0x10) + footer(2) +
             sec(0x03, 2) + struct.pack('>Q', 0x0 | 0x22) + b'\x00' +
             struct.pack('>Q', 0x10) + footer(2) +
             sec(0x04, 4, 'slirp', 0, 4) + bytes(131) + footer(4) +
             cmd(7, struct.pack('>I', len(blob))) + blob +
             sec(0x04, 5, 'globalstate', 0, 1) + struct.pack('>I', 8) +
             b'running'.ljust(100, b'\0') + footer(5) + b'\x00')
        rp = os.path.join(tmp, 'rp.mig')
        with open(rp, 'wb') as f:
            f.write(s)
        rc, out, err = run(analyzer, '-f', rp, '-d', 'records')
        check('return-path stream parses', rc == 0, err)
        if rc == 0:
            recs = [json.loads(line) for line in out.splitlines()]
            check('commands decoded', [r.get('command') for r in recs
                                       if r['type'] == 'COMMAND'] ==
                  ['OPEN_RETURN_PATH', 'PING', 'PACKAGED'])
            check('ping value', recs[1].get('value') == 1)
            slirp = [r for r in recs if r.get('idstr') == 'slirp']
            check('unknown device sized by footer', slirp and
                  slirp[0]['size'] == 131 and
                  slirp[0].get('size_from') == 'footer search')
            pk = [r for r in recs if r.get('command') == 'PACKAGED']
            check('packaged blob parsed', pk and [b['type'] for b in
                                                  pk[0]['blob']] ==
                  ['FULL', 'EOF'])
            check('no trailer is fine', recs[-1]['type'] == 'EOF')
        rc, out, err = run(analyzer, '-f', rp, '-x', '-o', xdir)
        with open(os.path.join(xdir, 'pc.ram.ram'), 'rb') as f:
            img = f.read()
        check('-x on a stream without trailer', rc == 0 and
              img == bytes(0x1000) + bytes(range(256)) * 16, err)

        bad = os.path.join(tmp, 'bad.mig')
        with open(bad, 'wb') as f:
            f.write(s[:-40])
        rc, out, err = run(analyzer, '-f', bad)
        check('truncated stream is an error', rc == 1 and
              'stream ends' in err, err)

        meaning_checks(analyzer, tmp, none)
        if emulator:
            try:
                binary_checks(emulator, analyzer, tmp)
                qemu_checks(emulator, analyzer, tmp, none)
            except (OSError, ValueError, subprocess.TimeoutExpired) as e:
                check('binary migration', False, repr(e))

    print('1..%d' % len(results))
    for i, (name, ok, detail) in enumerate(results, 1):
        if ok is None:
            print('ok %d - %s # SKIP %s' % (i, name, detail))
            continue
        print('%s %d - %s' % ('ok' if ok else 'not ok', i, name))
        if not ok and detail:
            for line in str(detail).splitlines():
                print('# ' + line)
    return 0 if all(ok is not False for _, ok, _ in results) else 1


if __name__ == '__main__':
    sys.exit(main())
