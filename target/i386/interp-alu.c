/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The integer ALU of the x86 interpreter with its flags computed eagerly
 * (no lazy condition codes): add/sub families, logic, inc/dec, shifts
 * and rotates, double shifts, multiply/divide and the BCD adjustments.
 * Where the manuals leave a flag undefined the value is the one the
 * formula below gives; the unit suite only checks defined flags.
 */
#include "qemu/osdep.h"
#include "target/i386/interp-int.h"

static inline uint64_t msb(uint64_t v, int size)
{
    return (v >> (size * 8 - 1)) & 1;
}

static inline bool parity8(uint64_t v)
{
    return !__builtin_parity(v & 0xff);
}

static void set_szp(X86Interp *x, uint64_t r, int size, uint64_t other)
{
    uint64_t f = x->st->rflags & ~FL_ARITH;

    r &= size_mask(size);
    if (!r) {
        f |= FL_ZF;
    }
    if (msb(r, size)) {
        f |= FL_SF;
    }
    if (parity8(r)) {
        f |= FL_PF;
    }
    x->st->rflags = f | other;
}

void x86_set_logic_flags(X86Interp *x, uint64_t r, int size)
{
    set_szp(x, r, size, 0);
}

uint64_t x86_alu(X86Interp *x, int op, uint64_t a, uint64_t b, int size)
{
    uint64_t m = size_mask(size);
    uint64_t c = x->st->rflags & FL_CF;
    uint64_t r, f = 0;

    a &= m;
    b &= m;
    switch (op) {
    case ALU_ADD:
    case ALU_ADC:
        if (op == ALU_ADD) {
            c = 0;
        }
        r = (a + b + c) & m;
        if (c ? r <= a : r < a) {
            f |= FL_CF;
        }
        if (msb((a ^ r) & (b ^ r), size)) {
            f |= FL_OF;
        }
        f |= (a ^ b ^ r) & FL_AF;
        break;
    case ALU_SUB:
    case ALU_SBB:
    case ALU_CMP:
        if (op != ALU_SBB) {
            c = 0;
        }
        r = (a - b - c) & m;
        if (c ? a <= b : a < b) {
            f |= FL_CF;
        }
        if (msb((a ^ b) & (a ^ r), size)) {
            f |= FL_OF;
        }
        f |= (a ^ b ^ r) & FL_AF;
        break;
    case ALU_OR:
        r = a | b;
        break;
    case ALU_AND:
        r = a & b;
        break;
    default:
        r = a ^ b;
        break;
    }
    set_szp(x, r, size, f);
    return r;
}

uint64_t x86_incdec(X86Interp *x, bool dec, uint64_t a, int size)
{
    uint64_t m = size_mask(size);
    uint64_t cf = x->st->rflags & FL_CF;
    uint64_t r;

    a &= m;
    r = x86_alu(x, dec ? ALU_SUB : ALU_ADD, a, 1, size);
    x->st->rflags = (x->st->rflags & ~FL_CF) | cf;
    return r;
}

static void set_cf_of(X86Interp *x, bool cf, bool of)
{
    uint64_t f = x->st->rflags & ~(FL_CF | FL_OF);

    x->st->rflags = f | (cf ? FL_CF : 0) | (of ? FL_OF : 0);
}

uint64_t x86_shift(X86Interp *x, int op, uint64_t a, unsigned cnt, int size)
{
    int bits = size * 8;
    uint64_t m = size_mask(size);
    uint64_t r;
    bool cf;

    cnt &= size == 8 ? 63 : 31;
    a &= m;
    if (!cnt) {
        return a;
    }
    switch (op) {
    case 0: /* ROL */
        cnt %= bits;
        r = cnt ? ((a << cnt) | (a >> (bits - cnt))) & m : a;
        cf = r & 1;
        set_cf_of(x, cf, msb(r, size) ^ cf);
        return r;
    case 1: /* ROR */
        cnt %= bits;
        r = cnt ? ((a >> cnt) | (a << (bits - cnt))) & m : a;
        cf = msb(r, size);
        set_cf_of(x, cf, msb(r, size) ^ ((r >> (bits - 2)) & 1));
        return r;
    case 2: /* RCL */
    case 3: /* RCR */
        if (size < 4) {
            cnt %= bits + 1;
        }
        cf = x->st->rflags & FL_CF;
        r = a;
        for (unsigned i = 0; i < cnt; i++) {
            bool out;

            if (op == 2) {
                out = msb(r, size);
                r = ((r << 1) | cf) & m;
            } else {
                out = r & 1;
                r = (r >> 1) | ((uint64_t)cf << (bits - 1));
            }
            cf = out;
        }
        if (op == 2) {
            set_cf_of(x, cf, msb(r, size) ^ cf);
        } else {
            set_cf_of(x, cf, msb(r, size) ^ ((r >> (bits - 2)) & 1));
        }
        return r;
    case 4: /* SHL */
    case 6: /* SAL */
        r = cnt < 64 ? (a << cnt) & m : 0;
        cf = cnt <= bits ? (a >> (bits - cnt)) & 1 : 0;
        set_szp(x, r, size, (cf ? FL_CF : 0) |
                ((msb(r, size) ^ cf) ? FL_OF : 0));
        return r;
    case 5: /* SHR */
        r = cnt < 64 ? a >> cnt : 0;
        cf = cnt <= bits ? (a >> (cnt - 1)) & 1 : 0;
        set_szp(x, r, size, (cf ? FL_CF : 0) |
                (msb(a, size) && cnt == 1 ? FL_OF : 0));
        return r;
    default: { /* SAR */
        int64_t s = sign_ext(a, size);
        unsigned c = cnt > 63 ? 63 : cnt;

        r = (uint64_t)(s >> c) & m;
        cf = (s >> (c - 1)) & 1;
        set_szp(x, r, size, cf ? FL_CF : 0);
        return r;
    }
    }
}

uint64_t x86_shld(X86Interp *x, bool right, uint64_t a, uint64_t b,
                  unsigned cnt, int size)
{
    int bits = size * 8;
    uint64_t m = size_mask(size);
    unsigned __int128 w;
    uint64_t r;
    bool cf;

    cnt &= size == 8 ? 63 : 31;
    a &= m;
    b &= m;
    if (!cnt) {
        return a;
    }
    if (!right) {
        /* a:b (then a again for 16-bit counts over 16), shifted left. */
        w = ((unsigned __int128)a << bits) | b;
        if (size == 2) {
            w = (w << 16) | a;
            r = (uint64_t)(w >> (48 - cnt)) & m;
            cf = (uint64_t)(w >> (48 - cnt + 16)) & 1;
        } else {
            r = (uint64_t)((w << cnt) >> bits) & m;
            cf = (uint64_t)(w >> (2 * bits - cnt)) & 1;
        }
    } else {
        w = ((unsigned __int128)b << bits) | a;
        if (size == 2) {
            w |= (unsigned __int128)a << 32;
        }
        r = (uint64_t)(w >> cnt) & m;
        cf = (uint64_t)(w >> (cnt - 1)) & 1;
    }
    set_szp(x, r, size, (cf ? FL_CF : 0) |
            ((msb(r, size) ^ msb(a, size)) ? FL_OF : 0));
    return r;
}

bool x86_cond(X86Interp *x, int cc)
{
    uint64_t f = x->st->rflags;
    bool r;

    switch (cc >> 1) {
    case 0: r = f & FL_OF; break;
    case 1: r = f & FL_CF; break;
    case 2: r = f & FL_ZF; break;
    case 3: r = f & (FL_CF | FL_ZF); break;
    case 4: r = f & FL_SF; break;
    case 5: r = f & FL_PF; break;
    case 6: r = !!(f & FL_SF) != !!(f & FL_OF); break;
    default:
        r = (f & FL_ZF) || !!(f & FL_SF) != !!(f & FL_OF);
        break;
    }
    return (cc & 1) ? !r : r;
}

static void mul_flags(X86Interp *x, uint64_t lo, int size, bool ovf)
{
    set_szp(x, lo, size, ovf ? (FL_CF | FL_OF) : 0);
}

uint64_t x86_imul2(X86Interp *x, uint64_t a, uint64_t b, int size)
{
    __int128 p = (__int128)sign_ext(a, size) * sign_ext(b, size);
    uint64_t lo = (uint64_t)p & size_mask(size);

    mul_flags(x, lo, size, (__int128)sign_ext(lo, size) != p);
    return lo;
}

/* op: 4 MUL, 5 IMUL, 6 DIV, 7 IDIV (group 3's reg field). */
void x86_muldiv(X86Interp *x, int op, uint64_t src, int size)
{
    uint64_t m = size_mask(size);
    int bits = size * 8;
    unsigned __int128 dividend, q, rem;
    uint64_t lo, hi;

    src &= m;
    if (size == 1) {
        lo = R(x, E_AX) & 0xff;
        dividend = R(x, E_AX) & 0xffff;
    } else {
        lo = R(x, E_AX) & m;
        hi = R(x, E_DX) & m;
        dividend = ((unsigned __int128)hi << bits) | lo;
    }
    switch (op) {
    case 4: {
        unsigned __int128 p = (unsigned __int128)lo * src;
        uint64_t plo = (uint64_t)p & m, phi = (uint64_t)(p >> bits) & m;

        if (size == 1) {
            x86_set_reg(x, 0, 2, false, (uint64_t)p & 0xffff);
        } else {
            x86_set_reg(x, E_AX, size, false, plo);
            x86_set_reg(x, E_DX, size, false, phi);
        }
        mul_flags(x, plo, size, phi != 0);
        return;
    }
    case 5: {
        __int128 p = (__int128)sign_ext(lo, size) * sign_ext(src, size);
        uint64_t plo = (uint64_t)p & m, phi = (uint64_t)(p >> bits) & m;

        if (size == 1) {
            x86_set_reg(x, 0, 2, false, (uint64_t)p & 0xffff);
        } else {
            x86_set_reg(x, E_AX, size, false, plo);
            x86_set_reg(x, E_DX, size, false, phi);
        }
        mul_flags(x, plo, size, (__int128)sign_ext(plo, size) != p);
        return;
    }
    case 6:
        if (!src) {
            x86_raise(x, EXC_DE, false, 0);
        }
        q = dividend / src;
        rem = dividend % src;
        if (q > m) {
            x86_raise(x, EXC_DE, false, 0);
        }
        break;
    default: {
        __int128 sd, sq;
        int64_t ss = sign_ext(src, size);

        if (!src) {
            x86_raise(x, EXC_DE, false, 0);
        }
        /* Sign-extend the double-width dividend. */
        sd = (__int128)(dividend << (128 - 2 * bits)) >> (128 - 2 * bits);
        if (sd == -((__int128)1 << 126) * 2 && ss == -1) {
            x86_raise(x, EXC_DE, false, 0);
        }
        sq = sd / ss;
        if (sq != (__int128)sign_ext((uint64_t)sq & m, size)) {
            x86_raise(x, EXC_DE, false, 0);
        }
        q = (unsigned __int128)sq;
        rem = (unsigned __int128)(sd % ss);
        break;
    }
    }
    if (size == 1) {
        x86_set_reg(x, 0, 2, false,
                    ((uint64_t)q & 0xff) | (((uint64_t)rem & 0xff) << 8));
    } else {
        x86_set_reg(x, E_AX, size, false, (uint64_t)q & m);
        x86_set_reg(x, E_DX, size, false, (uint64_t)rem & m);
    }
}

/* DAA 0x27, DAS 0x2f, AAA 0x37, AAS 0x3f, AAM 0xd4, AAD 0xd5. */
void x86_bcd(X86Interp *x, int opc, uint8_t imm)
{
    uint64_t f = x->st->rflags;
    uint8_t al = R(x, E_AX) & 0xff;
    uint8_t ah = (R(x, E_AX) >> 8) & 0xff;
    bool cf = f & FL_CF, af = f & FL_AF;
    uint8_t old = al;

    switch (opc) {
    case 0x27:
    case 0x2f: {
        bool sub = opc == 0x2f;
        bool ncf = false;

        if ((al & 0xf) > 9 || af) {
            al = sub ? al - 6 : al + 6;
            ncf = cf || (sub ? old < 6 : old > 0xf9);
            af = true;
        } else {
            af = false;
        }
        if (old > 0x99 || cf) {
            al = sub ? al - 0x60 : al + 0x60;
            ncf = true;
        }
        x86_set_reg(x, 0, 1, false, al);
        set_szp(x, al, 1, (ncf ? FL_CF : 0) | (af ? FL_AF : 0));
        return;
    }
    case 0x37:
    case 0x3f:
        if ((al & 0xf) > 9 || af) {
            if (opc == 0x37) {
                x86_set_reg(x, 0, 2, false,
                            (R(x, E_AX) + 0x106) & 0xffff);
            } else {
                x86_set_reg(x, 0, 2, false,
                            (R(x, E_AX) - 6) & 0xffff);
                x86_set_reg(x, 4, 1, false, ah - 1);
            }
            f |= FL_AF | FL_CF;
        } else {
            f &= ~(FL_AF | FL_CF);
        }
        x86_set_reg(x, 0, 1, false, R(x, E_AX) & 0xf);
        x->st->rflags = f;
        return;
    case 0xd4:
        if (!imm) {
            x86_raise(x, EXC_DE, false, 0);
        }
        ah = al / imm;
        al = al % imm;
        x86_set_reg(x, 0, 2, false, al | (ah << 8));
        set_szp(x, al, 1, 0);
        return;
    default:
        al = (al + ah * imm) & 0xff;
        x86_set_reg(x, 0, 2, false, al);
        set_szp(x, al, 1, 0);
        return;
    }
}
