#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# TLS migration interop between Tern and Debian's QEMU 7.2, both ways,
# over x509 and PSK, without and with multifd (every channel encrypted),
# guest RAM compared; plus a refusal each way, whose reason each side
# must give.  Reuses test-qemu-interop.py's VMs, RAM
# patterns and checks.  Prints TAP; exits 77 when QEMU 7.2 or certtool is
# missing.
#
# usage: test-qemu-interop-tls.py TERN ANALYZER MAKE-CERTS
#   MAKE-CERTS: the tls-test-certs program (tests/unit), which makes the
#   certificate tree of tests/unit/crypto-tls-certs.h with certtool

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    'interop', os.path.join(HERE, 'test-qemu-interop.py'))
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)


def creds(certs, kind, sub, endpoint):
    """-object arguments for tls-creds-KIND id=tls0 over certs/SUB."""
    obj = 'tls-creds-%s,id=tls0,dir=%s,endpoint=%s' % (
        kind, os.path.join(certs, sub), endpoint)
    if kind == 'psk' and endpoint == 'client':
        obj += ',username=tern'
    return ['-object', obj]


def tls_params(vm, hostname=None, authz=None):
    p = {'tls-creds': 'tls0'}
    if hostname:
        p['tls-hostname'] = hostname
    if authz:
        p['tls-authz'] = authz
    vm.qmp.ok('migrate-set-parameters', **p)


# QEMU 7.2 closes its multifd channels without a TLS bye: Tern's
# destination must be told (as QEMU 10.0's would), besides the 7.2 dialect.
TERN_MULTIFD_72_DST = m.TERN_MULTIFD_72 + [
    '-global', 'migration.multifd-clean-tls-termination=off']


def multifd_label(multifd):
    return ' multifd %s x%d' % (multifd[1], multifd[0]) if multifd else ''


def qemu_to_tern(env, certs, kind, seed, multifd=None):
    label = 'qemu->tern %s%s' % (kind, multifd_label(multifd))
    want = m.image_of(m.pattern_ops(seed))
    src = env.start('qemu', 'q2t-' + kind, m.qemu_args(
        ram=m.image_file(env, 'q2t-' + kind, want)) +
        creds(certs, kind, 'psk' if kind == 'psk' else 'client', 'client') +
        ['-S'])
    # x509: Tern authorizes QEMU's client certificate by its name.
    authz = (['-object', 'authz-simple,id=authz0,identity=O=Tern,,'
              'CN=tern-src'] if kind == 'x509' else [])
    dst = env.start('tern', 't-' + kind, m.tern_args() + authz +
                    creds(certs, kind, 'psk' if kind == 'psk' else 'server',
                          'server') + ['-incoming', 'defer'] +
                    (TERN_MULTIFD_72_DST if multifd else []), qtest=True)
    dst.qtest.apply(m.GARBAGE)
    tls_params(src, hostname=None if kind == 'psk' else 'tern-dst')
    tls_params(dst, authz='authz0' if kind == 'x509' else None)
    if multifd:
        m.multifd_setup(src, multifd[0], multifd[1], False)
        m.multifd_setup(dst, multifd[0], multifd[1], True)
    m.socket_migration(env, label, src, dst, caps=('return-path',),
                       cont=True)
    m.compare_ram('%s: RAM equal' % label, dst.qtest.read_ram(), want)
    st = dst.qmp.status()
    m.check('%s: Tern ends running' % label, st == 'running', st)
    src.quit()
    dst.quit()


def tern_to_qemu(env, certs, kind, seed, multifd=None):
    label = 'tern->qemu %s%s' % (kind, multifd_label(multifd))
    ops = m.pattern_ops(seed)
    want = m.image_of(ops)
    garbage = m.image_file(env, 'garbage-' + kind, m.image_of(m.GARBAGE))
    src = env.start('tern', 't2q-' + kind, m.tern_args() +
                    creds(certs, kind, 'psk' if kind == 'psk' else 'client',
                          'client') + ['-S'] +
                    (m.TERN_MULTIFD_72 if multifd else []), qtest=True)
    src.qtest.apply(ops)
    dst = env.start('qemu', 'q-' + kind, m.qemu_args(ram=garbage) +
                    creds(certs, kind, 'psk' if kind == 'psk' else 'server',
                          'server') + ['-incoming', 'defer'])
    tls_params(src, hostname=None if kind == 'psk' else 'tern-dst')
    tls_params(dst)
    if multifd:
        m.multifd_setup(src, multifd[0], multifd[1], True)
        m.multifd_setup(dst, multifd[0], multifd[1], False)
    m.socket_migration(env, label, src, dst, caps=('return-path',),
                       cont=True)
    m.compare_ram('%s: RAM equal (pmemsave)' % label,
                  m.read_qemu_ram(env, dst, 't2q-' + kind), want)
    st = dst.qmp.status()
    m.check('%s: QEMU ends running' % label, st == 'running', st)
    src.quit()
    dst.quit()


def refused(env, certs, src_which, dst_which):
    """x509 with a tls-hostname the certificate does not have: the
    source refuses the server, the destination hears why."""
    label = '%s->%s wrong hostname' % (src_which, dst_which)
    a = m.tern_args() if src_which == 'tern' else m.qemu_args()
    src = env.start(src_which, label.replace(' ', '-').replace('>', '') +
                    '-src', a + creds(certs, 'x509', 'client', 'client'),
                    qtest=src_which == 'tern')
    a = m.tern_args() if dst_which == 'tern' else m.qemu_args()
    dst = env.start(dst_which, label.replace(' ', '-').replace('>', '') +
                    '-dst', a + creds(certs, 'x509', 'server', 'server') +
                    ['-incoming', 'defer'], qtest=dst_which == 'tern')
    tls_params(src, hostname='tern-other')
    tls_params(dst)
    sock = env.path(re.sub(r'\W', '_', label) + '.sock')
    dst.qmp.ok('migrate-incoming', uri='unix:' + sock)
    m.wait_path(sock, dst)
    src.qmp.ok('migrate', uri='unix:' + sock)
    s = src.qmp.wait_migration()
    err = s.get('error-desc', '')
    m.check('%s: the source fails naming the hostname' % label,
            s.get('status') == 'failed' and
            'Certificate does not match the hostname tern-other' in err, s)
    m.check('%s: the source keeps running' % label,
            src.qmp.status() in ('running', 'prelaunch'), src.qmp.status())
    if dst_which == 'tern':
        deadline = time.monotonic() + m.WAIT_S
        while dst.proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        # QEMU 7.2 checks the certificate after the handshake and hangs
        # up without an alert: Tern sees the TLS session cut short.
        m.check('%s: Tern says the TLS stream was cut' % label,
                'Stream failed before its header: Cannot read from TLS '
                'channel: ' in dst.stderr(), dst.stderr()[-400:])
    src.quit()
    if dst.proc.poll() is None:
        dst.quit()


def main():
    if len(sys.argv) != 4:
        print(__doc__ or 'usage: TERN ANALYZER MAKE-CERTS')
        return 2
    tern, _, make_certs = sys.argv[1:]
    qemu = shutil.which('qemu-system-x86_64')
    if not qemu:
        print('1..0 # SKIP qemu-system-x86_64 (QEMU 7.2) is not installed')
        return 77
    ver = subprocess.run([qemu, '--version'], capture_output=True,
                         text=True, timeout=m.WAIT_S).stdout
    if not re.match(r'QEMU emulator version 7\.2\.', ver):
        print('1..0 # SKIP %s is not QEMU 7.2' % qemu)
        return 77
    with tempfile.TemporaryDirectory(prefix='tern-interop-tls-') as tmp:
        certs = os.path.join(tmp, 'certs')
        r = subprocess.run([make_certs, certs], capture_output=True,
                           text=True, timeout=120)
        if r.returncode:
            print('1..0 # SKIP no test certificates: %s' % r.stderr.strip())
            return 77
        env = m.Env(os.path.abspath(tern), None, qemu, tmp)
        steps = [
            ('qemu->tern x509', lambda: qemu_to_tern(env, certs, 'x509', 11)),
            ('tern->qemu x509', lambda: tern_to_qemu(env, certs, 'x509', 12)),
            ('qemu->tern psk', lambda: qemu_to_tern(env, certs, 'psk', 13)),
            ('tern->qemu psk', lambda: tern_to_qemu(env, certs, 'psk', 14)),
            ('qemu->tern x509 multifd',
             lambda: qemu_to_tern(env, certs, 'x509', 15, (2, 'zstd'))),
            ('tern->qemu x509 multifd',
             lambda: tern_to_qemu(env, certs, 'x509', 16, (4, 'none'))),
            ('qemu->tern psk multifd',
             lambda: qemu_to_tern(env, certs, 'psk', 17, (4, 'none'))),
            ('tern->qemu psk multifd',
             lambda: tern_to_qemu(env, certs, 'psk', 18, (2, 'zlib'))),
            ('qemu->tern refused', lambda: refused(env, certs, 'qemu',
                                                   'tern')),
            ('tern->qemu refused', lambda: refused(env, certs, 'tern',
                                                   'qemu')),
        ]
        for name, step in steps:
            t0 = time.monotonic()
            try:
                step()
            except (OSError, RuntimeError, ValueError, KeyError,
                    subprocess.TimeoutExpired) as e:
                m.check('%s: ran to the end' % name, False,
                        traceback.format_exc(limit=-3) or repr(e))
            finally:
                env.cleanup()
            print('# %s took %.1f s' % (name, time.monotonic() - t0))
    print('1..%d' % len(m.results))
    for i, (name, ok, detail) in enumerate(m.results, 1):
        print('%s %d - %s' % ('ok' if ok else 'not ok', i, name))
        if not ok and detail:
            for line in str(detail).splitlines():
                print('# ' + line)
    return 0 if all(ok for _, ok, _ in m.results) else 1


if __name__ == '__main__':
    sys.exit(main())
