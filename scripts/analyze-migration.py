#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Dump and take apart a migration stream (QEMU 7.2's format, as Tern and
# QEMU write it: docs/devel/migration-stream.md, "Format reference").
# Python 3 standard library only.
#
#   analyze-migration.py -f STREAM                 sections as JSON
#   analyze-migration.py -f STREAM -d desc         the vmdesc trailer
#   analyze-migration.py -f STREAM -d records      every record, one per line
#   analyze-migration.py -f STREAM -x [-o DIR]     RAM blocks to DIR/NAME.ram
#
# Unlike QEMU's own script it reads streams with QEMU_VM_COMMAND records
# (return path, postcopy, PACKAGED blobs) and streams without a trailer.
# Device bodies have no length in the stream: their size comes from the
# trailer when there is one, else from a few known layouts (timer,
# globalstate), else from the next section footer.

import argparse
import json
import os
import struct
import sys

QEMU_VM_FILE_MAGIC = 0x5145564D
TYPE_NAMES = {0x00: 'EOF', 0x01: 'START', 0x02: 'PART', 0x03: 'END',
              0x04: 'FULL', 0x05: 'SUBSECTION', 0x06: 'VMDESCRIPTION',
              0x07: 'CONFIGURATION', 0x08: 'COMMAND', 0x7e: 'FOOTER'}
CMD_NAMES = {0: 'INVALID', 1: 'OPEN_RETURN_PATH', 2: 'PING',
             3: 'POSTCOPY_ADVISE', 4: 'POSTCOPY_LISTEN', 5: 'POSTCOPY_RUN',
             6: 'POSTCOPY_RAM_DISCARD', 7: 'PACKAGED', 8: 'ENABLE_COLO',
             9: 'POSTCOPY_RESUME', 10: 'RECV_BITMAP', 11: 'SWITCHOVER_START'}

RAM_FULL = 0x01
RAM_ZERO = 0x02
RAM_MEM_SIZE = 0x04
RAM_PAGE = 0x08
RAM_EOS = 0x10
RAM_CONTINUE = 0x20
RAM_XBZRLE = 0x40
RAM_HOOK = 0x80
RAM_COMPRESS = 0x100
RAM_MULTIFD_FLUSH = 0x200
PAGE_SIZE = 4096

# Bodies of known size, for streams without a trailer: idstr -> {ver: n}.
KNOWN_SIZES = {'timer': {1: 16, 2: 24}, 'globalstate': {1: 104}}


class StreamError(Exception):
    pass


class Reader:
    def __init__(self, data, base=0):
        self.data = data
        self.pos = 0
        self.base = base        # offset of data[0] in the file

    def offset(self):
        return self.base + self.pos

    def left(self):
        return len(self.data) - self.pos

    def take(self, n, what='data'):
        if n < 0 or self.pos + n > len(self.data):
            raise StreamError('stream ends at 0x%x inside %s (needs %d '
                              'bytes)' % (self.base + len(self.data), what,
                                          n))
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def u8(self, what='byte'):
        return self.take(1, what)[0]

    def be16(self, what='be16'):
        return struct.unpack('>H', self.take(2, what))[0]

    def be32(self, what='be32'):
        return struct.unpack('>I', self.take(4, what))[0]

    def be64(self, what='be64'):
        return struct.unpack('>Q', self.take(8, what))[0]

    def str8(self, what='string'):
        n = self.u8(what)
        return self.take(n, what).decode('utf-8', 'replace')

    def peek(self, n=1):
        return self.data[self.pos:self.pos + n]


def find_vmdesc(data):
    """Locate the trailer: 0x00 (EOF), 0x06, be32 len, len bytes at end."""
    pos = data.rfind(b'\x06')
    while pos > 0:
        if pos + 5 <= len(data):
            (n,) = struct.unpack('>I', data[pos + 1:pos + 5])
            if pos + 5 + n == len(data) and data[pos - 1] == 0:
                try:
                    return pos, json.loads(data[pos + 5:].decode('utf-8'))
                except ValueError:
                    return pos, None
        pos = data.rfind(b'\x06', 0, pos)
    return None, None


class RamBlock:
    def __init__(self, name, length):
        self.name = name
        self.length = length
        self.image = None       # bytearray when extracting

    def write(self, offset, page):
        if self.image is None:
            return
        self.image[offset:offset + len(page)] = page


def xbzrle_apply(delta, page):
    i = 0
    d = 0

    def uleb(i):
        b0 = delta[i]
        if b0 < 0x80:
            return b0, i + 1
        if i + 1 >= len(delta) or delta[i + 1] & 0x80:
            raise StreamError('bad XBZRLE run length')
        return (b0 & 0x7f) | (delta[i + 1] << 7), i + 2
    while i < len(delta):
        z, i = uleb(i)
        d += z
        if i >= len(delta):
            raise StreamError('XBZRLE delta ends after a zero run')
        nz, i = uleb(i)
        if nz == 0 or d + nz > len(page) or i + nz > len(delta):
            raise StreamError('bad XBZRLE run')
        page[d:d + nz] = delta[i:i + nz]
        d += nz
        i += nz


class Analyzer:
    def __init__(self, data, extract=False, verbose=False):
        self.data = data
        self.extract = extract
        self.verbose = verbose
        self.sections = {}          # section id -> (idstr, instance, ver)
        self.blocks = {}            # name -> RamBlock
        self.last_block = None
        self.ignore_shared = False
        self.footers = True
        self.records = []
        self.config = None
        self.vmdesc_pos, self.vmdesc = find_vmdesc(data)
        self.desc_by_name = {}
        if self.vmdesc:
            for dev in self.vmdesc.get('devices', []):
                self.desc_by_name[(dev['name'], dev['instance_id'])] = dev

    # ------------------------------------------------------------ header
    def parse(self):
        r = Reader(self.data)
        magic = r.be32('magic')
        if magic != QEMU_VM_FILE_MAGIC:
            raise StreamError('not a migration stream (magic 0x%08x)' %
                              magic)
        version = r.be32('version')
        if version != 3:
            raise StreamError('unsupported stream version %d' % version)
        if r.peek() == b'\x07':
            r.u8()
            self.config = self.parse_configuration(r)
        self.parse_records(r, top=True)
        return r

    def parse_configuration(self, r):
        n = r.be32('machine name length')
        cfg = {'machine': r.take(n, 'machine name').decode('utf-8',
                                                              'replace')}
        while r.peek() == b'\x05':
            save = r.pos
            r.u8()
            name = r.str8('subsection name')
            if not name.startswith('configuration'):
                r.pos = save
                break
            version = r.be32('subsection version')
            if name == 'configuration/capabilities':
                caps = [r.str8('capability') for _ in
                        range(r.be32('capability count'))]
                cfg['capabilities'] = caps
                self.ignore_shared = 'x-ignore-shared' in caps
            elif name == 'configuration/uuid':
                u = r.take(16, 'uuid').hex()
                cfg['uuid'] = '%s-%s-%s-%s-%s' % (u[:8], u[8:12], u[12:16],
                                                  u[16:20], u[20:])
            elif name == 'configuration/target-page-bits':
                cfg['target-page-bits'] = r.be32('page bits')
            else:
                raise StreamError('unknown configuration subsection %s '
                                  '(version %d)' % (name, version))
        return cfg

    # ----------------------------------------------------------- records
    def parse_records(self, r, top):
        while True:
            at = r.offset()
            t = r.u8('record type')
            if t == 0x00:
                self.records.append({'offset': at, 'type': 'EOF'})
                if top:
                    self.parse_trailer(r)
                return
            if t in (0x01, 0x04):
                sid = r.be32('section id')
                idstr = r.str8('idstr')
                inst = r.be32('instance id')
                ver = r.be32('version id')
                self.sections[sid] = (idstr, inst, ver)
                rec = {'offset': at, 'type': TYPE_NAMES[t],
                       'section_id': sid, 'idstr': idstr,
                       'instance_id': inst, 'version': ver}
                self.parse_body(r, rec, sid)
            elif t in (0x02, 0x03):
                sid = r.be32('section id')
                if sid not in self.sections:
                    raise StreamError('%s at 0x%x for unknown section id %d'
                                      % (TYPE_NAMES[t], at, sid))
                idstr, inst, ver = self.sections[sid]
                rec = {'offset': at, 'type': TYPE_NAMES[t],
                       'section_id': sid, 'idstr': idstr}
                self.parse_body(r, rec, sid)
            elif t == 0x08:
                rec = self.parse_command(r, at)
                if rec.get('ends_blob') and not top:
                    self.records.append(rec)
                    return
            else:
                raise StreamError('unknown record type 0x%02x at 0x%x' %
                                  (t, at))
            self.records.append(rec)
            if not top and r.left() == 0:
                raise StreamError('packaged blob ends without EOF')

    def parse_trailer(self, r):
        if r.left() == 0:
            return
        at = r.offset()
        if r.peek() != b'\x06':
            self.records.append({'offset': at, 'type': 'JUNK',
                                 'size': r.left()})
            return
        r.u8()
        n = r.be32('vmdesc length')
        r.take(min(n, r.left()))
        self.records.append({'offset': at, 'type': 'VMDESCRIPTION',
                             'size': n})

    def parse_command(self, r, at):
        cmd = r.be16('command')
        n = r.be16('command length')
        payload = r.take(n, 'command payload')
        rec = {'offset': at, 'type': 'COMMAND',
               'command': CMD_NAMES.get(cmd, 'UNKNOWN(%d)' % cmd),
               'length': n}
        if cmd == 2 and n == 4:
            rec['value'] = struct.unpack('>I', payload)[0]
        elif cmd == 3 and n == 16:
            rec['page_sizes'], rec['target_page_size'] = \
                struct.unpack('>QQ', payload)
        elif cmd == 5:
            rec['ends_blob'] = True
        elif cmd == 6 and n >= 3:
            pr = Reader(payload)
            pr.u8()
            rec['block'] = pr.str8()
            pr.u8()
            rec['ranges'] = [(pr.be64(), pr.be64())
                             for _ in range(pr.left() // 16)]
        elif cmd == 7 and n == 4:
            blen = struct.unpack('>I', payload)[0]
            blob = Reader(r.take(blen, 'packaged blob'), r.offset())
            inner = Analyzer.__new__(Analyzer)
            inner.__dict__.update(self.__dict__)
            inner.records = []
            inner.parse_records(blob, top=False)
            self.last_block = inner.last_block
            rec['blob'] = inner.records
        return rec

    def parse_footer(self, r, sid, rec):
        if not self.footers:
            return
        at = r.offset()
        if r.u8('footer') != 0x7e:
            raise StreamError('missing footer for %s at 0x%x' %
                              (rec.get('idstr'), at))
        fid = r.be32('footer id')
        if fid != sid:
            raise StreamError('footer at 0x%x has id %d, section %d' %
                              (at, fid, sid))

    # ------------------------------------------------------------- bodies
    def parse_body(self, r, rec, sid):
        idstr, inst, ver = self.sections[sid]
        start = r.offset()
        if idstr == 'ram':
            rec['ram'] = self.parse_ram(r)
        else:
            desc = self.desc_by_name.get((idstr, inst))
            size = None
            if desc is not None:
                size = desc_size(desc)
            elif ver in KNOWN_SIZES.get(idstr, {}):
                size = KNOWN_SIZES[idstr][ver]
            if size is None:
                size = self.size_by_footer(r, sid)
                rec['size_from'] = 'footer search'
            body = r.take(size, 'body of ' + idstr)
            if desc is not None:
                rec['state'] = decode_fields(desc, body)
            elif idstr == 'timer' and size >= 16:
                rec['state'] = dict(zip(
                    ('cpu_ticks_offset', 'unused', 'cpu_clock_offset'),
                    struct.unpack('>q8sq' if size == 24 else '>q8s',
                                  body[:size])))
                rec['state']['unused'] = rec['state']['unused'].hex()
            elif idstr == 'globalstate' and size == 104:
                rec['state'] = {'size': struct.unpack('>I', body[:4])[0],
                                'runstate': body[4:].split(b'\0')[0]
                                .decode('utf-8', 'replace')}
            else:
                rec['data'] = body[:64].hex() + ('...' if size > 64 else '')
        rec['size'] = r.offset() - start
        self.parse_footer(r, sid, rec)

    def size_by_footer(self, r, sid):
        marker = b'\x7e' + struct.pack('>I', sid)
        pos = r.data.find(marker, r.pos)
        if pos < 0:
            raise StreamError('cannot size section %d at 0x%x: no trailer '
                              'and no footer' % (sid, r.offset()))
        return pos - r.pos

    def parse_ram(self, r):
        info = {'zero': 0, 'page': 0, 'xbzrle': 0, 'compressed': 0}
        if self.verbose:
            info['records'] = []
        while True:
            at = r.offset()
            word = r.be64('RAM record')
            flags = word & (PAGE_SIZE - 1)
            addr = word & ~(PAGE_SIZE - 1)
            kind = flags & ~RAM_CONTINUE
            if flags == RAM_EOS:
                info['eos'] = True
                return info
            if flags == RAM_MEM_SIZE:
                info['mem_size'] = self.parse_mem_size(r, addr)
                continue
            if kind not in (RAM_ZERO, RAM_PAGE, RAM_XBZRLE, RAM_COMPRESS):
                raise StreamError('RAM record at 0x%x with flags 0x%x' %
                                  (at, flags))
            if flags & RAM_CONTINUE:
                if self.last_block is None:
                    raise StreamError('CONTINUE at 0x%x before any block' %
                                      at)
                block = self.last_block
            else:
                name = r.str8('block name')
                block = self.blocks.get(name)
                if block is None:
                    block = self.blocks[name] = RamBlock(name, None)
                self.last_block = block
            if kind == RAM_ZERO:
                fill = r.u8('fill byte')
                info['zero'] += 1
                block.write(addr, bytes([fill]) * PAGE_SIZE)
                what = 'zero'
            elif kind == RAM_PAGE:
                block.write(addr, r.take(PAGE_SIZE, 'page'))
                info['page'] += 1
                what = 'page'
            elif kind == RAM_XBZRLE:
                if r.u8('xbzrle flag') != 1:
                    raise StreamError('bad XBZRLE flag at 0x%x' % at)
                delta = r.take(r.be16('xbzrle length'), 'xbzrle data')
                if block.image is not None:
                    page = bytearray(block.image[addr:addr + PAGE_SIZE])
                    xbzrle_apply(delta, page)
                    block.write(addr, page)
                info['xbzrle'] += 1
                what = 'xbzrle'
            else:
                r.take(r.be32('compressed length'), 'compressed page')
                info['compressed'] += 1
                what = 'compressed'
            if self.verbose:
                info['records'].append('%s %s+0x%x' % (what, block.name,
                                                       addr))

    def parse_mem_size(self, r, total):
        blocks = {}
        left = total
        while left > 0:
            name = r.str8('block name')
            length = r.be64('block length')
            entry = {'length': length}
            if self.ignore_shared:
                entry['gpa'] = r.be64('block address')
            blocks[name] = entry
            block = self.blocks.get(name)
            if block is None:
                block = self.blocks[name] = RamBlock(name, length)
            block.length = length
            if self.extract and block.image is None:
                block.image = bytearray(length)
            if length > left:
                raise StreamError('MEM_SIZE list longer than its total')
            left -= length
        return {'total': total, 'blocks': blocks}


def desc_size(desc):
    total = 0
    for f in desc.get('fields', []):
        total += f['size'] * f.get('array_len', 1)
    for sub in desc.get('subsections', []):
        total += 1 + 1 + len(sub['vmsd_name']) + 4 + desc_size(sub)
    return total


def printable_text(raw):
    """NUL-padded printable ASCII (run state names and the like)."""
    text = raw.rstrip(b'\0')
    return len(text) > 0 and b'\0' not in text and \
        all(32 <= c < 127 for c in text)


def decode_fields(desc, body):
    out = {}
    r = Reader(body)
    for f in desc.get('fields', []):
        n = f.get('array_len', 1)
        vals = []
        for _ in range(n):
            raw = r.take(f['size'])
            t = f.get('type', '')
            if t in ('int8', 'int16', 'int32', 'int64', 'int32 equal',
                     'int32 le') and f['size'] in (1, 2, 4, 8):
                vals.append(int.from_bytes(raw, 'big', signed=True))
            elif (t.startswith('uint') or t == 'bool') and \
                    f['size'] in (1, 2, 4, 8):
                vals.append(int.from_bytes(raw, 'big'))
            elif t == 'buffer' and printable_text(raw):
                vals.append(raw.rstrip(b'\0').decode('ascii'))
            else:
                vals.append(raw.hex())
        name = f['name']
        if 'index' in f:
            name = '%s[%d]' % (name, f['index'])
        out[name] = vals[0] if n == 1 else vals
    for sub in desc.get('subsections', []):
        r.take(2 + len(sub['vmsd_name']) + 4)
        out[sub['vmsd_name']] = decode_fields(sub, r.take(desc_size(sub)))
    return out


def main():
    ap = argparse.ArgumentParser(description='Dump a migration stream.')
    ap.add_argument('-f', '--file', required=True, help='the stream')
    ap.add_argument('-d', '--dump', choices=['state', 'desc', 'records'],
                    default='state', help='what to print (default state)')
    ap.add_argument('-x', '--extract', action='store_true',
                    help='write each RAM block to DIR/NAME.ram')
    ap.add_argument('-o', '--output', default='.',
                    help='directory for -x (default: current)')
    ap.add_argument('-v', '--verbose', action='store_true',
                    help='list every RAM record')
    ap.add_argument('--no-footers', action='store_true',
                    help='stream written with send-section-footer=off')
    args = ap.parse_args()

    with open(args.file, 'rb') as fh:
        data = fh.read()
    an = Analyzer(data, extract=args.extract, verbose=args.verbose)
    an.footers = not args.no_footers
    try:
        an.parse()
    except StreamError as e:
        print('%s: %s' % (args.file, e), file=sys.stderr)
        return 1

    if args.extract:
        os.makedirs(args.output, exist_ok=True)
        for block in an.blocks.values():
            if block.image is None:
                continue
            name = block.name.replace('/', '_') + '.ram'
            with open(os.path.join(args.output, name), 'wb') as out:
                out.write(block.image)
            print('%s: %d bytes' % (name, len(block.image)))
        return 0
    if args.dump == 'desc':
        if an.vmdesc is None:
            print('%s: no vmdesc trailer' % args.file, file=sys.stderr)
            return 1
        print(json.dumps(an.vmdesc, indent=2))
    elif args.dump == 'records':
        for rec in an.records:
            print(json.dumps(rec))
    else:
        print(json.dumps({'configuration': an.config,
                          'records': an.records}, indent=2))
    return 0


if __name__ == '__main__':
    sys.exit(main())
