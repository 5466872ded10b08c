# SPDX-License-Identifier: GPL-2.0-or-later
"""Start and stop a VMM process (Tern or QEMU) with a QMP socket, and
drive a migration between two of them.  Standard library only; used by
scripts/migration-demo.py and tests/bench/migration-bench.py."""
import os
import signal
import subprocess
import time

from tern_qmp import QMPClient, QMPConnectionError, QTestClient

TERMINAL_STATES = ('completed', 'failed', 'cancelled')


class VMError(Exception):
    pass


class VM:
    """One VMM process.  The QMP socket is DIR/NAME-qmp.sock; with
    qtest=True a qtest socket DIR/NAME-qtest.sock is added (which also
    selects the qtest accelerator)."""

    def __init__(self, binary, args, workdir, name, qtest=False,
                 timeout=30.0):
        self.name = name
        self.binary = binary
        self.qmp_path = os.path.join(workdir, name + '-qmp.sock')
        self.qtest_path = os.path.join(workdir, name + '-qtest.sock')
        self.log_path = os.path.join(workdir, name + '.log')
        self.qmp = None
        self.qtest = None
        cmd = [binary, '-display', 'none', '-nodefaults',
               '-qmp', 'unix:%s,server=on,wait=off' % self.qmp_path]
        if qtest:
            cmd += ['-qtest', 'unix:%s,server=on,wait=off' % self.qtest_path,
                    '-qtest-log', '/dev/null']
        cmd += list(args)
        self.cmdline = cmd
        for p in (self.qmp_path, self.qtest_path):
            if os.path.exists(p):
                os.unlink(p)
        self.log = open(self.log_path, 'wb')
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=self.log,
                                     stderr=subprocess.STDOUT)
        try:
            self._wait_socket(self.qmp_path, timeout)
            self.qmp = QMPClient(self.qmp_path, timeout=timeout,
                                  alive=self.alive)
            if qtest:
                self._wait_socket(self.qtest_path, timeout)
                self.qtest = QTestClient(self.qtest_path, timeout=120,
                                         alive=self.alive)
        except Exception as e:
            out = self.output()
            self.kill()
            raise VMError('%s: %s failed to start (%s)%s'
                          % (name, os.path.basename(binary), e,
                             ':\n' + out[-4000:] if out else ''))

    def _wait_socket(self, path, timeout):
        deadline = time.monotonic() + timeout
        while not os.path.exists(path):
            if self.proc.poll() is not None:
                raise VMError('exited with status %d' % self.proc.returncode)
            if time.monotonic() > deadline:
                raise VMError('no socket %s after %ss' % (path, timeout))
            time.sleep(0.02)

    def output(self):
        """What the process printed so far (its error messages)."""
        try:
            with open(self.log_path, 'rb') as f:
                return f.read().decode(errors='replace').strip()
        except OSError:
            return ''

    def alive(self):
        return self.proc.poll() is None

    def kill(self, sig=signal.SIGKILL):
        for c in (self.qtest, self.qmp):
            if c:
                c.close()
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(sig)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def quit(self):
        """Ask politely, then kill."""
        if self.qmp and self.alive():
            try:
                self.qmp.command('quit', timeout=5)
            except Exception:
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        self.kill()


def guest_passes(path):
    """Passes the migration test guest printed on its serial log (one
    "B" each); 0 while the log is not there."""
    try:
        with open(path, 'rb') as f:
            return f.read().count(b'B')
    except OSError:
        return 0


def query_migrate(qmp):
    return qmp.command('query-migrate')


def wait_migration(src, timeout, interval=1.0, on_poll=None, dst=None):
    """Poll query-migrate on SRC until a terminal state; call
    on_poll(info) at each poll.  Returns the last MigrationInfo.  Raises
    VMError when the deadline passes or a process dies."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            info = query_migrate(src.qmp)
        except (QMPConnectionError, OSError) as e:
            raise VMError('source stopped answering QMP (%s)%s'
                          % (e, _died(src)))
        if on_poll:
            on_poll(info)
        if info.get('status') in TERMINAL_STATES:
            return info
        if dst is not None and not dst.alive():
            # The destination may exit on a load error; give the source a
            # moment to notice so its error-desc is reported.
            interval = min(interval, 0.2)
        if time.monotonic() > deadline:
            raise VMError('migration not finished after %ss (status %s)'
                          % (timeout, info.get('status')))
        time.sleep(interval)


def _died(vm):
    if vm.alive():
        return ''
    return '; %s exited with %s: %s' % (vm.name, vm.proc.returncode,
                                         vm.output()[-2000:])


def wait_dest_done(dst, timeout, interval=0.1):
    """Wait until the destination reports completed (or failed),
    polling every @interval seconds."""
    deadline = time.monotonic() + timeout
    while True:
        if not dst.alive():
            raise VMError('destination exited with status %s: %s'
                          % (dst.proc.returncode, dst.output()[-2000:]))
        info = query_migrate(dst.qmp)
        if info.get('status') in ('completed', 'failed'):
            return info
        if time.monotonic() > deadline:
            raise VMError('destination still %s after %ss'
                          % (info.get('status'), timeout))
        time.sleep(interval)
