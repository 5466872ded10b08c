#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The e1000 and the announcements, side by side with QEMU 7.2.

1. e1000 packets per second over -netdev socket,udp=: the same qtest
   sequence drives both VMMs (Tern -M tern -accel qtest, QEMU -M pc
   -accel tcg, whose qtest server needs a CPU, running: QEMU queues
   frames while stopped; its SeaBIOS gets two seconds to finish and the
   NIC has no option ROM): the test maps the
   NIC's BAR through 0xcf8/0xcfc, fills a 256-entry TX ring with 60-byte
   frames and moves TDT by 32 at a time; a UDP socket counts what
   arrives.  RX: the socket sends batches of 128 frames to the NIC, the
   test waits for RDH to follow and gives the descriptors back.
2. Time from the destination's RESUME event to the first announcement
   frame (RARP) seen by the netdev's UDP peer, for a Tern -> Tern and a
   QEMU -> QEMU migration over unix: (negative: the frame came first;
   both announce just before starting the guest).

Standard library only; never run by `meson test` (speed is shown, not
asserted).
"""
import argparse
import os
import shutil
import socket
import struct
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'qmp'))

from tern_vm import VM, wait_migration  # noqa: E402

SLOT = 5
MMIO = 0xfebc0000
RING_TX, RING_RX = 0x100000, 0x110000
BUF_TX, BUF_RX = 0x200000, 0x300000
NDESC = 256
MAC = bytes.fromhex('525400aabbcc')
TDT, TDH, RDT, RDH = 0x3818, 0x3810, 0x2818, 0x2810


def udp_socket():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('127.0.0.1', 0))
    return s


def free_udp_port():
    s = udp_socket()
    port = s.getsockname()[1]
    s.close()
    return port


class Nic:
    """The qtest side of a driver."""

    def __init__(self, qt):
        self.qt = qt

    def cmd(self, line):
        return self.qt._cmd(line)

    def cfg_write(self, reg, val):
        self.cmd('outl 0xcf8 0x%x' % (0x80000000 | SLOT << 11 | reg))
        self.cmd('outl 0xcfc 0x%x' % val)

    def w(self, reg, val):
        self.cmd('writel 0x%x 0x%x' % (MMIO + reg, val))

    def r(self, reg):
        return int(self.cmd('readl 0x%x' % (MMIO + reg)), 0)

    def setup(self):
        self.cfg_write(0x10, MMIO)
        self.cfg_write(0x04, 0x6)           # memory + bus master
        frame = b'\xff' * 6 + MAC + b'\x08\x00' + bytes(46)
        self.qt.memwrite(BUF_TX, frame)
        ring = b''.join(struct.pack('<QII', BUF_TX, 60 | 0x0b << 24, 0)
                        for _ in range(NDESC))
        self.qt.memwrite(RING_TX, ring)
        for reg, val in ((0x3800, RING_TX), (0x3804, 0), (0x3808, NDESC * 16),
                         (TDH, 0), (TDT, 0), (0x400, 0x2)):
            self.w(reg, val)
        rx = b''.join(struct.pack('<QQ', BUF_RX + 2048 * i, 0)
                      for i in range(NDESC))
        self.qt.memwrite(RING_RX, rx)
        for reg, val in ((0x2800, RING_RX), (0x2804, 0), (0x2808, NDESC * 16),
                         (RDH, 0), (RDT, NDESC - 1),
                         (0x100, 0x2 | 0x8000 | 0x04000000)):
            self.w(reg, val)


def start(binary, is_qemu, workdir, name, peer_port, nic_port, extra=()):
    args = ['-m', '64M',
            '-netdev', 'socket,id=n0,udp=127.0.0.1:%d,localaddr=127.0.0.1:%d'
            % (peer_port, nic_port),
            '-device', 'e1000,netdev=n0,addr=%d,mac=52:54:00:aa:bb:cc%s'
            % (SLOT, ',romfile=' if is_qemu else '')] + list(extra)
    if is_qemu:
        args = ['-M', 'pc', '-accel', 'tcg'] + args
    else:
        args = ['-M', 'tern'] + args
    vm = VM(binary, args, workdir, name, qtest=True)
    if is_qemu:
        time.sleep(2)       # SeaBIOS programs the PCI devices first
    return vm


def bench_tx(nic, peer, seconds):
    got = [0]
    stop = threading.Event()

    def drain():
        peer.settimeout(0.2)
        while not stop.is_set():
            try:
                peer.recv(2048)
                got[0] += 1
            except socket.timeout:
                pass
    t = threading.Thread(target=drain)
    t.start()
    tdt, sent = 0, 0
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        tdt = (tdt + 32) % NDESC
        nic.w(TDT, tdt)
        sent += 32
    elapsed = time.monotonic() - t0
    time.sleep(0.5)
    stop.set()
    t.join()
    return sent / elapsed, got[0] / elapsed


def bench_rx(nic, peer, nic_port, seconds):
    frame = MAC + b'\x02\x00\x00\x00\x00\x01\x08\x00' + bytes(46)
    rdh = 0
    received = 0
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        for _ in range(128):
            peer.sendto(frame, ('127.0.0.1', nic_port))
        target = (rdh + 128) % NDESC
        deadline = time.monotonic() + 5
        while nic.r(RDH) != target and time.monotonic() < deadline:
            pass
        now = nic.r(RDH)
        received += (now - rdh) % NDESC
        rdh = now
        nic.w(RDT, (rdh - 1) % NDESC)
    return received / (time.monotonic() - t0)


def run_pps(name, binary, is_qemu, workdir, seconds):
    peer = udp_socket()
    nic_port = free_udp_port()
    vm = start(binary, is_qemu, workdir, name, peer.getsockname()[1],
               nic_port)
    try:
        nic = Nic(vm.qtest)
        nic.setup()
        tx_sent, tx_got = bench_tx(nic, peer, seconds)
        rx = bench_rx(nic, peer, nic_port, seconds)
    finally:
        vm.quit()
        peer.close()
    print('%-12s TX %9.0f frames/s queued, %9.0f frames/s at the peer; '
          'RX %9.0f frames/s' % (name, tx_sent, tx_got, rx))


def run_announce(name, binary, is_qemu, workdir):
    peer = udp_socket()
    nic_port = free_udp_port()
    sock = os.path.join(workdir, name + '-mig.sock')
    src = start(binary, is_qemu, workdir, name + '-src',
                free_udp_port(), free_udp_port())
    dst = start(binary, is_qemu, workdir, name + '-dst',
                peer.getsockname()[1], nic_port,
                ['-incoming', 'unix:' + sock])
    first = [None]

    def watch():
        peer.settimeout(30)
        while True:
            try:
                data = peer.recv(2048)
            except socket.timeout:
                return
            if len(data) == 60 and data[12:14] == b'\x80\x35':
                first[0] = time.time()
                return
    t = threading.Thread(target=watch)
    t.start()
    try:
        src.qmp.command('migrate', uri='unix:' + sock)
        wait_migration(src, 60, interval=0.05)
        ev = dst.qmp.event_wait('RESUME', timeout=60)
        ts = ev['timestamp']
        resume = ts['seconds'] + ts['microseconds'] / 1e6
        t.join()
    finally:
        src.quit()
        dst.quit()
        peer.close()
    if first[0] is None:
        print('%-12s no announcement seen' % name)
    else:
        print('%-12s first announcement %+8.2f ms after RESUME'
              % (name, (first[0] - resume) * 1000))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--build-dir', default=os.path.join(ROOT, 'build'))
    ap.add_argument('--compare', metavar='QEMU',
                    help='QEMU 7.2 binary to run the same sequence on')
    ap.add_argument('--seconds', type=float, default=3.0)
    a = ap.parse_args()
    tern = os.path.join(a.build_dir, 'tern-system-x86_64')
    workdir = tempfile.mkdtemp(prefix='tern-net-bench-')
    try:
        run_pps('tern', tern, False, workdir, a.seconds)
        if a.compare:
            run_pps('qemu-7.2', a.compare, True, workdir, a.seconds)
        run_announce('tern', tern, False, workdir)
        if a.compare:
            run_announce('qemu-7.2', a.compare, True, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == '__main__':
    main()
