#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Write a copy of the test guest with a different page range.
# START and END live at fixed offsets of the boot sector (see README.md).
import argparse
import struct
import sys

MAGIC_OFF, START_OFF, END_OFF = 0x04, 0x08, 0x0c


def parse_size(s):
    mult = {'k': 1 << 10, 'm': 1 << 20, 'g': 1 << 30}
    if s[-1].lower() in mult:
        return int(s[:-1], 0) * mult[s[-1].lower()]
    return int(s, 0)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument('input')
    p.add_argument('output')
    p.add_argument('--start', type=parse_size, help='first page (e.g. 1M)')
    p.add_argument('--end', type=parse_size, help='end, exclusive (e.g. 16M)')
    a = p.parse_args()
    img = bytearray(open(a.input, 'rb').read())
    if len(img) != 512 or img[510:512] != b'\x55\xaa' \
            or img[MAGIC_OFF:MAGIC_OFF + 4] != b'TGST':
        sys.exit('%s: not a Tern test guest image' % a.input)
    start, end = struct.unpack_from('<II', img, START_OFF)
    if a.start is not None:
        start = a.start
    if a.end is not None:
        end = a.end
    for v, n in ((start, 'start'), (end, 'end')):
        if v % 4096 or not 0 <= v < (1 << 32):
            sys.exit('%s must be 4 KiB aligned and below 4 GiB' % n)
    if start <= 0x7000 < end:
        sys.exit('range must not touch the boot sector page (0x7000)')
    struct.pack_into('<II', img, START_OFF, start, end)
    open(a.output, 'wb').write(img)


if __name__ == '__main__':
    main()
