# SPDX-License-Identifier: GPL-2.0-or-later
"""A small, standard-library-only QMP and qtest client.

Used by scripts/migration-demo.py and tests/bench/migration-bench.py. It
speaks the QMP wire protocol (greeting, qmp_capabilities, commands with
optional file descriptors passed as SCM_RIGHTS, asynchronous events) and
the qtest text protocol (b64read/b64write/memset), so it works against
Tern and against QEMU alike.

    qmp = QMPClient('/tmp/qmp.sock', timeout=30)
    qmp.command('migrate', uri='unix:/tmp/mig.sock')
    ev = qmp.event_wait('MIGRATION', timeout=60,
                        match=lambda e: e['data']['status'] == 'completed')
"""
import array
import base64
import json
import os
import socket
import time


class QMPError(Exception):
    """A command answered with an 'error' member."""

    def __init__(self, cmd, err):
        self.cmd = cmd
        self.error_class = err.get('class', '')
        self.desc = err.get('desc', '')
        super().__init__('%s: %s: %s' % (cmd, self.error_class, self.desc))


class QMPConnectionError(Exception):
    """The peer went away, never answered, or spoke something else."""


def _connect(address, timeout, alive=None):
    """Connect to a unix path or (host, port), retrying while the server
    process is starting up (as long as alive(), if given, is true)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if isinstance(address, tuple):
                s = socket.create_connection(address, timeout=timeout)
            else:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.settimeout(timeout)
                s.connect(address)
            return s
        except (FileNotFoundError, ConnectionRefusedError):
            if alive is not None and not alive():
                raise QMPConnectionError('server process exited')
            if time.monotonic() >= deadline:
                raise QMPConnectionError('cannot connect to %r within %ss'
                                         % (address, timeout))
            time.sleep(0.05)


class QMPClient:
    """One QMP connection, negotiated into command mode."""

    def __init__(self, address, timeout=30.0, negotiate=True, alive=None):
        self.address = address
        self.timeout = timeout
        self.sock = _connect(address, timeout, alive)
        self.buf = b''
        self.events = []
        self.greeting = self._read_msg(timeout)
        if 'QMP' not in self.greeting:
            raise QMPConnectionError('no QMP greeting: %r' % self.greeting)
        if negotiate:
            self.command('qmp_capabilities')

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def _read_msg(self, timeout):
        """Return the next JSON object from the socket."""
        deadline = time.monotonic() + timeout
        while True:
            nl = self.buf.find(b'\n')
            if nl >= 0:
                line, self.buf = self.buf[:nl], self.buf[nl + 1:]
                line = line.strip()
                if not line:
                    continue
                try:
                    return json.loads(line)
                except ValueError as e:
                    raise QMPConnectionError('bad JSON from QMP: %r (%s)'
                                             % (line[:200], e))
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError('no QMP message within %ss' % timeout)
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                raise TimeoutError('no QMP message within %ss' % timeout)
            except OSError as e:
                raise QMPConnectionError('QMP connection error: %s' % e)
            if not data:
                raise QMPConnectionError('QMP connection closed by peer')
            self.buf += data

    def _send(self, obj, fds=()):
        data = json.dumps(obj).encode() + b'\n'
        self.sock.settimeout(self.timeout)
        if fds:
            anc = [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                    array.array('i', fds).tobytes())]
            # The fd rides on the first byte; send the rest normally.
            self.sock.sendmsg([data[:1]], anc)
            data = data[1:]
        self.sock.sendall(data)

    def cmd_raw(self, name, args=None, fds=(), timeout=None):
        """Send a command and return the whole response object; events
        that arrive meanwhile are queued."""
        msg = {'execute': name}
        if args:
            msg['arguments'] = args
        self._send(msg, fds)
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while True:
            resp = self._read_msg(max(0.0, deadline - time.monotonic()))
            if 'event' in resp:
                self.events.append(resp)
                continue
            return resp

    def command(self, name, fds=(), timeout=None, **args):
        """Run a command; return its 'return' or raise QMPError.
        Argument names use '-' as QMP does: pass them as
        command('x', **{'max-bandwidth': 1})."""
        resp = self.cmd_raw(name, args, fds, timeout)
        if 'error' in resp:
            raise QMPError(name, resp['error'])
        if 'return' not in resp:
            raise QMPConnectionError('unexpected reply to %s: %r'
                                     % (name, resp))
        return resp['return']

    def hmp(self, line):
        return self.command('human-monitor-command', **{'command-line': line})

    def get_events(self, timeout=0.0):
        """Drain queued events, waiting up to timeout for the first one."""
        if not self.events and timeout > 0:
            try:
                self.events.append(self._read_msg(timeout))
            except TimeoutError:
                pass
        evs, self.events = self.events, []
        return evs

    def event_wait(self, name, timeout=60.0, match=None):
        """Wait for event NAME (for which match(ev) is true); events that
        do not match stay queued."""
        deadline = time.monotonic() + timeout
        while True:
            for i, ev in enumerate(self.events):
                if ev.get('event') == name and (match is None or match(ev)):
                    del self.events[i]
                    return ev
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError('event %s not seen within %ss'
                                   % (name, timeout))
            msg = self._read_msg(left)
            if 'event' in msg:
                self.events.append(msg)


class QTestError(Exception):
    pass


class QTestClient:
    """The qtest text protocol on a socket (the server is the VMM's
    -qtest chardev, e.g. -qtest unix:PATH,server=on,wait=off)."""

    def __init__(self, address, timeout=60.0, alive=None):
        self.timeout = timeout
        self.sock = _connect(address, timeout, alive)
        self.rfile = self.sock.makefile('rb')

    def close(self):
        try:
            self.rfile.close()
            self.sock.close()
        except OSError:
            pass

    def _cmd(self, line):
        self.sock.settimeout(self.timeout)
        self.sock.sendall(line.encode() + b'\n')
        while True:
            try:
                resp = self.rfile.readline()
            except socket.timeout:
                raise TimeoutError('qtest: no answer to %s within %ss'
                                   % (line.split()[0], self.timeout))
            if not resp:
                raise QTestError('qtest connection closed (during %s)'
                                 % line.split()[0])
            resp = resp.decode().rstrip('\n')
            if resp.startswith('IRQ '):
                continue    # asynchronous interrupt notification
            if resp.startswith('OK'):
                return resp[3:]
            raise QTestError('qtest %s: %s' % (line.split()[0], resp))

    def memwrite(self, addr, data, chunk=4 << 20):
        for off in range(0, len(data), chunk):
            part = data[off:off + chunk]
            self._cmd('b64write 0x%x 0x%x %s'
                      % (addr + off, len(part),
                         base64.b64encode(part).decode()))

    def memread(self, addr, size, chunk=4 << 20):
        out = bytearray()
        for off in range(0, size, chunk):
            n = min(chunk, size - off)
            out += base64.b64decode(self._cmd('b64read 0x%x 0x%x'
                                              % (addr + off, n)))
        if len(out) != size:
            raise QTestError('b64read returned %d bytes, wanted %d'
                             % (len(out), size))
        return bytes(out)

    def memset(self, addr, size, value):
        self._cmd('memset 0x%x 0x%x 0x%x' % (addr, size, value))

    def readb(self, addr):
        return int(self._cmd('readb 0x%x' % addr), 0)

    def writeb(self, addr, val):
        self._cmd('writeb 0x%x 0x%x' % (addr, val))


def kvm_usable(honour_hide=True):
    """True when /dev/kvm can be opened read-write and (unless
    @honour_hide is false) TERN_HIDE_KVM, as Tern itself reads it, does
    not hide it."""
    if honour_hide and os.environ.get('TERN_HIDE_KVM', '') not in ('', '0'):
        return False
    try:
        fd = os.open('/dev/kvm', os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return False
    os.close(fd)
    return True
