/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 instruction decoder: prefixes, REX, the opcode (one byte or
 * 0F xx), ModRM / SIB / displacement and the immediates, into an
 * X86Insn that the executor and the per-page cache use.  It only
 * measures and splits the instruction; whether the opcode exists is
 * decided when it is executed.
 */
#include "qemu/osdep.h"
#include "target/i386/interp-int.h"

/* Operand encodings of the opcode maps. */
enum {
    F_M = 1,        /* ModRM */
    F_I8 = 2,       /* imm8 */
    F_IZ = 4,       /* imm16/32 by operand size (32 in 64-bit mode) */
    F_IV = 8,       /* imm16/32/64 by operand size (MOV r, imm) */
    F_I16 = 16,     /* imm16 */
    F_AP = 32,      /* far pointer: offset by operand size, then sel16 */
    F_MO = 64,      /* moffs: by address size */
    F_GRP3 = 128,   /* F6/F7: an immediate for /0 and /1 */
};

static uint8_t map1[256];
static uint8_t map2[256];

static void __attribute__((constructor)) decode_tables_init(void)
{
    for (int i = 0; i < 0x40; i++) {
        switch (i & 7) {
        case 0: case 1: case 2: case 3: map1[i] = F_M; break;
        case 4: map1[i] = F_I8; break;
        case 5: map1[i] = F_IZ; break;
        }
    }
    map1[0x62] = map1[0x63] = F_M;
    map1[0x68] = F_IZ;
    map1[0x69] = F_M | F_IZ;
    map1[0x6a] = F_I8;
    map1[0x6b] = F_M | F_I8;
    for (int i = 0x70; i < 0x80; i++) {
        map1[i] = F_I8;
    }
    map1[0x80] = map1[0x82] = map1[0x83] = F_M | F_I8;
    map1[0x81] = F_M | F_IZ;
    for (int i = 0x84; i < 0x90; i++) {
        map1[i] = F_M;
    }
    map1[0x9a] = F_AP;
    for (int i = 0xa0; i < 0xa4; i++) {
        map1[i] = F_MO;
    }
    map1[0xa8] = F_I8;
    map1[0xa9] = F_IZ;
    for (int i = 0xb0; i < 0xb8; i++) {
        map1[i] = F_I8;
    }
    for (int i = 0xb8; i < 0xc0; i++) {
        map1[i] = F_IV;
    }
    map1[0xc0] = map1[0xc1] = F_M | F_I8;
    map1[0xc2] = map1[0xca] = F_I16;
    map1[0xc4] = map1[0xc5] = F_M;
    map1[0xc6] = F_M | F_I8;
    map1[0xc7] = F_M | F_IZ;
    map1[0xc8] = F_I16 | F_I8;
    map1[0xcd] = F_I8;
    for (int i = 0xd0; i < 0xe0; i++) {
        map1[i] = F_M;
    }
    map1[0xd4] = map1[0xd5] = F_I8;
    for (int i = 0xe0; i < 0xe8; i++) {
        map1[i] = F_I8;
    }
    map1[0xe8] = map1[0xe9] = F_IZ;
    map1[0xea] = F_AP;
    map1[0xeb] = F_I8;
    map1[0xf6] = map1[0xf7] = F_M | F_GRP3;
    map1[0xfe] = map1[0xff] = F_M;

    /* 0F xx: ModRM almost everywhere except these. */
    for (int i = 0; i < 256; i++) {
        map2[i] = F_M;
    }
    static const uint8_t no_modrm[] = {
        0x05, 0x06, 0x07, 0x08, 0x09, 0x0b, 0x0e, 0x30, 0x31, 0x32, 0x33,
        0x34, 0x35, 0x37, 0x77, 0xa0, 0xa1, 0xa2, 0xa8, 0xa9, 0xaa,
        0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
    };
    for (unsigned i = 0; i < sizeof(no_modrm); i++) {
        map2[no_modrm[i]] = 0;
    }
    for (int i = 0x80; i < 0x90; i++) {
        map2[i] = F_IZ;
    }
    map2[0x70] = map2[0x71] = map2[0x72] = map2[0x73] = F_M | F_I8;
    map2[0xa4] = map2[0xac] = map2[0xba] = F_M | F_I8;
    map2[0xc2] = map2[0xc4] = map2[0xc5] = map2[0xc6] = F_M | F_I8;
}

static const int8_t base16[8] = { 3, 3, 5, 5, 6, 7, 5, 3 };
static const int8_t index16[8] = { 6, 7, 6, 7, -1, -1, -1, -1 };

#define NEED(k) do { if (i + (k) > n) { return false; } } while (0)

static uint64_t get_le(const uint8_t *p, int size)
{
    uint64_t v = 0;

    memcpy(&v, p, size);
    return v;
}

bool x86_decode(const uint8_t *buf, int n, int mode, X86Insn *in)
{
    int i = 0, flags, isize;
    bool p66 = false, p67 = false;
    uint8_t b;

    if (n > 15) {
        n = 15;
    }
    memset(in, 0, sizeof(*in));
    in->seg = -1;
    in->base = in->index = -1;
    in->mode = mode;
    for (;;) {
        NEED(1);
        b = buf[i];
        switch (b) {
        case 0x66: p66 = true; in->rex = 0; i++; continue;
        case 0x67: p67 = true; in->rex = 0; i++; continue;
        case 0x26: in->seg = X86_SEG_ES; in->rex = 0; i++; continue;
        case 0x2e: in->seg = X86_SEG_CS; in->rex = 0; i++; continue;
        case 0x36: in->seg = X86_SEG_SS; in->rex = 0; i++; continue;
        case 0x3e: in->seg = X86_SEG_DS; in->rex = 0; i++; continue;
        case 0x64: in->seg = X86_SEG_FS; in->rex = 0; i++; continue;
        case 0x65: in->seg = X86_SEG_GS; in->rex = 0; i++; continue;
        case 0xf0: in->lock = 1; in->rex = 0; i++; continue;
        case 0xf2: case 0xf3: in->rep = b; in->rex = 0; i++; continue;
        }
        if (mode == 8 && (b & 0xf0) == 0x40) {
            in->rex = b;
            i++;
            continue;
        }
        break;
    }
    if (mode == 8 && in->seg >= 0 && in->seg < X86_SEG_FS) {
        in->seg = -1;   /* ES/CS/SS/DS overrides do nothing in 64-bit */
    }
    if (mode == 8) {
        in->opsize = (in->rex & 8) ? 8 : p66 ? 2 : 4;
        in->adsize = p67 ? 4 : 8;
    } else {
        in->opsize = (mode == 4) != p66 ? 4 : 2;
        in->adsize = (mode == 4) != p67 ? 4 : 2;
    }
    i++;
    if (b == 0x0f) {
        NEED(1);
        b = buf[i++];
        in->opc = 0x100 | b;
        flags = map2[b];
        if (b == 0x38) {
            NEED(1);
            i++;
            flags = F_M;
        } else if (b == 0x3a) {
            NEED(1);
            i++;
            flags = F_M | F_I8;
        }
    } else {
        in->opc = b;
        flags = map1[b];
    }

    if (flags & F_M) {
        uint8_t m, mod, rm;

        NEED(1);
        m = buf[i++];
        in->has_modrm = 1;
        mod = m >> 6;
        rm = m & 7;
        in->mod = mod;
        in->reg = ((m >> 3) & 7) | ((in->rex & 4) << 1);
        in->rm = rm | ((in->rex & 1) << 3);
        if (mod != 3) {
            if (in->adsize == 2) {
                in->base = base16[rm];
                in->index = index16[rm];
                if (mod == 0 && rm == 6) {
                    in->base = -1;
                    NEED(2);
                    in->disp = (int16_t)get_le(buf + i, 2);
                    i += 2;
                }
            } else {
                if (rm == 4) {
                    uint8_t sib;

                    NEED(1);
                    sib = buf[i++];
                    in->scale = sib >> 6;
                    in->index = ((sib >> 3) & 7) | ((in->rex & 2) << 2);
                    if (in->index == 4) {
                        in->index = -1;
                    }
                    in->base = (sib & 7) | ((in->rex & 1) << 3);
                    if ((sib & 7) == 5 && mod == 0) {
                        in->base = -1;
                        NEED(4);
                        in->disp = (int32_t)get_le(buf + i, 4);
                        i += 4;
                    }
                } else if (rm == 5 && mod == 0) {
                    in->base = -1;
                    in->rip_rel = mode == 8;
                    NEED(4);
                    in->disp = (int32_t)get_le(buf + i, 4);
                    i += 4;
                } else {
                    in->base = rm | ((in->rex & 1) << 3);
                }
            }
            if (mod == 1) {
                NEED(1);
                in->disp = (int8_t)buf[i++];
            } else if (mod == 2) {
                int ds = in->adsize == 2 ? 2 : 4;

                NEED(ds);
                in->disp = ds == 2 ? (int16_t)get_le(buf + i, 2) :
                                     (int32_t)get_le(buf + i, 4);
                i += ds;
            }
        }
    }

    if ((flags & F_GRP3) && ((in->reg & 7) < 2)) {
        flags |= (in->opc & 1) ? F_IZ : F_I8;
    }
    if (flags & F_I16) {
        NEED(2);
        in->imm = get_le(buf + i, 2);
        i += 2;
        if (flags & F_I8) {     /* ENTER: imm16, imm8 */
            NEED(1);
            in->imm2 = buf[i++];
            flags &= ~F_I8;
        }
    }
    if (flags & F_I8) {
        NEED(1);
        in->imm = (uint64_t)(int8_t)buf[i++];
    }
    if (flags & F_IZ) {
        isize = in->opsize == 2 ? 2 : 4;
        /* Near branches in 64-bit mode take rel32 whatever 66 says. */
        if (mode == 8 && (in->opc == 0xe8 || in->opc == 0xe9 ||
                          (in->opc >= 0x180 && in->opc < 0x190))) {
            isize = 4;
        }
        NEED(isize);
        in->imm = (uint64_t)sign_ext(get_le(buf + i, isize), isize);
        i += isize;
    }
    if (flags & F_IV) {
        isize = in->opsize;
        NEED(isize);
        in->imm = get_le(buf + i, isize);
        i += isize;
    }
    if (flags & F_AP) {
        isize = in->opsize == 2 ? 2 : 4;
        NEED(isize + 2);
        in->imm = get_le(buf + i, isize);
        in->imm2 = get_le(buf + i + isize, 2);
        i += isize + 2;
    }
    if (flags & F_MO) {
        isize = in->adsize;
        NEED(isize);
        in->imm = get_le(buf + i, isize);
        i += isize;
    }
    in->len = i;
    return true;
}
