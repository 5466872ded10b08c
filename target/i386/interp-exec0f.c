/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Execution of the two-byte (0F xx) opcode map: system instructions
 * (descriptor tables, control and debug registers, MSRs, CPUID, RDTSC,
 * SYSCALL / SYSENTER), Jcc rel16/32, SETcc, CMOVcc, bit operations,
 * double shifts, CMPXCHG / XADD / CMPXCHG8B/16B, MOVZX / MOVSX, BSWAP.
 * SSE and the other vector extensions are not implemented (#UD, traced).
 */
#include "qemu/osdep.h"
#include "target/i386/interp-int.h"

static inline bool rex_any(const X86Insn *in)
{
    return in->rex != 0;
}

static void need_cpl0(X86Interp *x)
{
    if (x86_cpl(x) != 0) {
        x86_raise(x, EXC_GP, true, 0);
    }
}

static void need_pe(X86Interp *x)
{
    if (!x86_pe(x) || x86_vm86(x)) {
        x86_raise_ud(x);
    }
}

/* SGDT/SIDT/LGDT/LIDT and the rest of group 7. */
static void exec_grp7(X86Interp *x, const X86Insn *in, uint64_t next)
{
    X86VCPUState *st = x->st;
    int op = in->reg & 7;
    bool lm = in->mode == 8;
    uint64_t ea;

    if (in->mod == 3) {
        int sub = (op << 3) | (in->rm & 7);

        switch (sub) {
        case 0x3a: /* SWAPGS */
            if (!lm) {
                x86_raise_ud(x);
            }
            need_cpl0(x);
            {
                uint64_t k = 0, g = st->segs[X86_SEG_GS].base;

                x86_rdmsr(x, MSR_KERNEL_GS_BASE, &k);
                st->segs[X86_SEG_GS].base = k;
                x86_wrmsr(x, MSR_KERNEL_GS_BASE, g);
            }
            return;
        case 0x3b: { /* RDTSCP */
            uint64_t t = x86_rdtsc(x), aux = 0;

            x86_rdmsr(x, MSR_TSC_AUX, &aux);
            x86_set_reg(x, E_AX, 4, false, t);
            x86_set_reg(x, E_DX, 4, false, t >> 32);
            x86_set_reg(x, E_CX, 4, false, aux);
            return;
        }
        }
        if (op == 4) { /* SMSW r */
            x86_set_reg(x, in->rm, in->opsize, false, st->cr0);
            return;
        }
        if (op == 6) { /* LMSW r */
            need_cpl0(x);
            x86_set_cr(x, 0, (st->cr0 & ~0xeULL) |
                       (x86_get_reg(x, in->rm, 2, false) & 0xf) |
                       (st->cr0 & CR0_PE));
            return;
        }
        x86_unimplemented(x, in);
    }
    ea = x86_ea(x, in, next);
    switch (op) {
    case 0: /* SGDT */
    case 1: { /* SIDT */
        X86DescTable *t = op ? &st->idt : &st->gdt;

        x86_st(x, x86_ea_seg(in), ea, 2, t->limit);
        x86_st(x, x86_ea_seg(in), (ea + 2) & size_mask(in->adsize),
               lm ? 8 : 4, lm ? t->base : t->base & 0xffffffff);
        return;
    }
    case 2: /* LGDT */
    case 3: { /* LIDT */
        X86DescTable *t = op == 3 ? &st->idt : &st->gdt;
        uint16_t limit;
        uint64_t base;

        need_cpl0(x);
        limit = x86_ld(x, x86_ea_seg(in), ea, 2);
        base = x86_ld(x, x86_ea_seg(in), (ea + 2) & size_mask(in->adsize),
                      lm ? 8 : 4);
        if (!lm && in->opsize == 2) {
            base &= 0xffffff;
        }
        t->limit = limit;
        t->base = base;
        return;
    }
    case 4: /* SMSW m16 */
        x86_st(x, x86_ea_seg(in), ea, 2, st->cr0);
        return;
    case 6: /* LMSW m16 */
        need_cpl0(x);
        x86_set_cr(x, 0, (st->cr0 & ~0xeULL) |
                   (x86_ld(x, x86_ea_seg(in), ea, 2) & 0xf) |
                   (st->cr0 & CR0_PE));
        return;
    case 7: /* INVLPG */
        need_cpl0(x);
        x86_tlb_flush_page(x, ea);
        return;
    default:
        x86_unimplemented(x, in);
    }
}

static void exec_grp6(X86Interp *x, const X86Insn *in, uint64_t next)
{
    X86VCPUState *st = x->st;
    int op = in->reg & 7;
    uint64_t v;

    need_pe(x);
    switch (op) {
    case 0: /* SLDT */
    case 1: /* STR */
        v = st->segs[op ? X86_SEG_TR : X86_SEG_LDT].selector;
        x86_set_rm(x, in, in->mod == 3 ? in->opsize : 2, v, next);
        return;
    case 2:
        x86_lldt(x, x86_get_rm(x, in, 2, next));
        return;
    case 3:
        x86_ltr(x, x86_get_rm(x, in, 2, next));
        return;
    case 4: /* VERR */
    case 5: /* VERW */
        if (x86_check_desc(x, x86_get_rm(x, in, 2, next), op - 2, &v)) {
            st->rflags |= FL_ZF;
        } else {
            st->rflags &= ~FL_ZF;
        }
        return;
    default:
        x86_unimplemented(x, in);
    }
}

/* BT/BTS/BTR/BTC; @op 0..3, @bit from a register or an immediate. */
static void exec_bt(X86Interp *x, const X86Insn *in, int op, int64_t bit,
                    bool imm, uint64_t next)
{
    int size = in->opsize;
    int bits = size * 8;
    uint64_t v, nv, mask;

    if (in->mod == 3 || imm) {
        bit &= bits - 1;
        if (in->mod == 3) {
            v = x86_get_reg(x, in->rm, size, false);
        } else {
            v = x86_ld(x, x86_ea_seg(in), x86_ea(x, in, next), size);
        }
        mask = 1ULL << bit;
        nv = op == 1 ? v | mask : op == 2 ? v & ~mask : op == 3 ? v ^ mask
             : v;
        if (op) {
            x86_set_rm(x, in, size, nv, next);
        }
    } else {
        /* A register bit offset reaches beyond the operand in memory. */
        int64_t sbit = sign_ext(bit, size);
        uint64_t ea = (x86_ea(x, in, next) + (uint64_t)(sbit >> 3)) &
                      size_mask(in->adsize);
        int b = sbit & 7;

        v = x86_ld(x, x86_ea_seg(in), ea, 1);
        mask = 1ULL << b;
        nv = op == 1 ? v | mask : op == 2 ? v & ~mask : op == 3 ? v ^ mask
             : v;
        if (op) {
            x86_st(x, x86_ea_seg(in), ea, 1, nv);
        }
    }
    if (v & mask) {
        x->st->rflags |= FL_CF;
    } else {
        x->st->rflags &= ~FL_CF;
    }
}

static void exec_cmpxchg8b(X86Interp *x, const X86Insn *in, uint64_t next)
{
    uint64_t ea, lo, hi = 0, clo, chi;
    int seg = x86_ea_seg(in);
    bool wide = in->opsize == 8;
    int half = wide ? 8 : 4;

    if (in->mod == 3 || (in->reg & 7) != 1) {
        x86_unimplemented(x, in);
    }
    ea = x86_ea(x, in, next);
    if (wide && (ea & 15)) {
        x86_raise(x, EXC_GP, true, 0);
    }
    lo = x86_ld(x, seg, ea, half);
    hi = x86_ld(x, seg, (ea + half) & size_mask(in->adsize), half);
    clo = R(x, E_AX) & size_mask(half);
    chi = R(x, E_DX) & size_mask(half);
    if (lo == clo && hi == chi) {
        x86_st(x, seg, ea, half, R(x, E_BX));
        x86_st(x, seg, (ea + half) & size_mask(in->adsize), half,
               R(x, E_CX));
        x->st->rflags |= FL_ZF;
    } else {
        /* The destination is written back unchanged, as the CPU does. */
        x86_st(x, seg, ea, half, lo);
        x86_set_reg(x, E_AX, half, false, lo);
        x86_set_reg(x, E_DX, half, false, hi);
        x->st->rflags &= ~FL_ZF;
    }
}

void x86_exec_0f(X86Interp *x, const X86Insn *in, uint64_t next)
{
    X86VCPUState *st = x->st;
    int b = in->opc & 0xff, size = in->opsize;
    uint64_t v, w;

    if (in->lock && !(b == 0xab || b == 0xb3 || b == 0xbb || b == 0xba ||
                      b == 0xb0 || b == 0xb1 || b == 0xc0 || b == 0xc1 ||
                      b == 0xc7)) {
        x86_raise_ud(x);
    }
    switch (b) {
    case 0x00:
        exec_grp6(x, in, next);
        return;
    case 0x01:
        exec_grp7(x, in, next);
        return;
    case 0x02: /* LAR */
    case 0x03: /* LSL */
        need_pe(x);
        if (x86_check_desc(x, x86_get_rm(x, in, 2, next), b - 2, &v)) {
            x86_set_reg(x, in->reg, size, false, v);
            st->rflags |= FL_ZF;
        } else {
            st->rflags &= ~FL_ZF;
        }
        return;
    case 0x05:
        if (in->mode != 8) {
            x86_raise_ud(x);
        }
        x86_syscall(x, next);
        return;
    case 0x06: /* CLTS */
        need_cpl0(x);
        st->cr0 &= ~CR0_TS;
        return;
    case 0x07:
        x86_sysret(x, size);
        return;
    case 0x08: /* INVD */
    case 0x09: /* WBINVD */
        need_cpl0(x);
        return;
    case 0x0b: /* UD2 */
        x86_raise_ud(x);
    case 0x0d: /* prefetch hints */
    case 0x18 ... 0x1f: /* hint NOPs */
        return;
    case 0x20: /* MOV r, CRn */
    case 0x22: { /* MOV CRn, r */
        int cr = in->reg;

        need_cpl0(x);
        if (cr != 0 && cr != 2 && cr != 3 && cr != 4 && cr != 8) {
            x86_raise_ud(x);
        }
        if (b == 0x20) {
            v = cr == 0 ? st->cr0 : cr == 2 ? st->cr2 : cr == 3 ? st->cr3 :
                cr == 4 ? st->cr4 : st->cr8;
            x86_set_reg(x, in->rm, in->mode == 8 ? 8 : 4, false, v);
        } else {
            v = x86_get_reg(x, in->rm, in->mode == 8 ? 8 : 4, false);
            x86_set_cr(x, cr, v);
        }
        return;
    }
    case 0x21: /* MOV r, DRn */
    case 0x23: { /* MOV DRn, r */
        int dr = in->reg & 7;
        uint64_t *p;

        need_cpl0(x);
        if (dr == 4 || dr == 5) {
            dr += 2;
        }
        p = dr < 4 ? &st->db[dr] : dr == 6 ? &st->dr6 : &st->dr7;
        if (b == 0x21) {
            x86_set_reg(x, in->rm, in->mode == 8 ? 8 : 4, false, *p);
        } else {
            v = x86_get_reg(x, in->rm, in->mode == 8 ? 8 : 4, false);
            /* Breakpoints are kept, not acted upon. */
            *p = dr == 6 ? (v | 0xffff0ff0ULL) & 0xffffffffULL :
                 dr == 7 ? (v | 0x400) & 0xffffffffULL : v;
        }
        return;
    }
    case 0x30: /* WRMSR */
        need_cpl0(x);
        if (!x86_wrmsr(x, R(x, E_CX) & 0xffffffff,
                       (R(x, E_AX) & 0xffffffff) |
                       (R(x, E_DX) << 32))) {
            x86_raise(x, EXC_GP, true, 0);
        }
        return;
    case 0x31: /* RDTSC */
        v = x86_rdtsc(x);
        x86_set_reg(x, E_AX, 4, false, v);
        x86_set_reg(x, E_DX, 4, false, v >> 32);
        return;
    case 0x32: /* RDMSR */
        need_cpl0(x);
        if (!x86_rdmsr(x, R(x, E_CX) & 0xffffffff, &v)) {
            x86_raise(x, EXC_GP, true, 0);
        }
        x86_set_reg(x, E_AX, 4, false, v);
        x86_set_reg(x, E_DX, 4, false, v >> 32);
        return;
    case 0x34:
        x86_sysenter(x);
        return;
    case 0x35:
        x86_sysexit(x, size);
        return;
    case 0x40 ... 0x4f:
        v = x86_get_rm(x, in, size, next);
        if (x86_cond(x, b & 15)) {
            x86_set_reg(x, in->reg, size, false, v);
        } else if (size == 4) {
            /* A 32-bit destination is zero-extended even if not moved. */
            x86_set_reg(x, in->reg, 4, false, R(x, in->reg));
        }
        return;
    case 0x80 ... 0x8f:
        if (x86_cond(x, b & 15)) {
            v = next + in->imm;
            x86_set_rip(x, in->mode != 8 ? v & size_mask(size) : v);
        }
        return;
    case 0x90 ... 0x9f:
        x86_set_rm(x, in, 1, x86_cond(x, b & 15), next);
        return;
    case 0xa0: /* PUSH FS */
    case 0xa8: /* PUSH GS */
        x86_push(x, in->mode == 8 ? (size == 2 ? 2 : 8) : size,
                 st->segs[b == 0xa0 ? X86_SEG_FS : X86_SEG_GS].selector);
        return;
    case 0xa1: /* POP FS */
    case 0xa9: { /* POP GS */
        int ps = in->mode == 8 ? (size == 2 ? 2 : 8) : size;
        int ss = x86_stack_size(x);
        uint64_t sp = R(x, E_SP) & size_mask(ss);

        x86_load_seg(x, b == 0xa1 ? X86_SEG_FS : X86_SEG_GS,
                     x86_ld(x, X86_SEG_SS, sp, 2));
        x86_set_reg(x, E_SP, ss, false, sp + ps);
        return;
    }
    case 0xa2: { /* CPUID */
        uint32_t out[4];

        x86_interp_cpuid(R(x, E_AX), R(x, E_CX), out);
        x86_set_reg(x, E_AX, 4, false, out[0]);
        x86_set_reg(x, E_BX, 4, false, out[1]);
        x86_set_reg(x, E_CX, 4, false, out[2]);
        x86_set_reg(x, E_DX, 4, false, out[3]);
        return;
    }
    case 0xa3: exec_bt(x, in, 0, R(x, in->reg), false, next); return;
    case 0xab: exec_bt(x, in, 1, R(x, in->reg), false, next); return;
    case 0xb3: exec_bt(x, in, 2, R(x, in->reg), false, next); return;
    case 0xbb: exec_bt(x, in, 3, R(x, in->reg), false, next); return;
    case 0xba:
        if ((in->reg & 7) < 4) {
            x86_unimplemented(x, in);
        }
        exec_bt(x, in, (in->reg & 7) - 4, in->imm & 0xff, true, next);
        return;
    case 0xa4: case 0xa5: case 0xac: case 0xad: {
        unsigned cnt = (b & 1) ? R(x, E_CX) & 0xff : in->imm & 0xff;

        v = x86_get_rm(x, in, size, next);
        w = x86_get_reg(x, in->reg, size, false);
        x86_set_rm(x, in, size, x86_shld(x, b >= 0xac, v, w, cnt, size),
                   next);
        return;
    }
    case 0xaf:
        v = x86_imul2(x, x86_get_reg(x, in->reg, size, false),
                      x86_get_rm(x, in, size, next), size);
        x86_set_reg(x, in->reg, size, false, v);
        return;
    case 0xb0:
    case 0xb1: { /* CMPXCHG */
        int sz = b == 0xb0 ? 1 : size;

        v = x86_get_rm(x, in, sz, next);
        x86_alu(x, ALU_CMP, R(x, E_AX), v, sz);
        if (st->rflags & FL_ZF) {
            x86_set_rm(x, in, sz, x86_get_reg(x, in->reg, sz, rex_any(in)),
                       next);
        } else {
            if (in->mod != 3) {
                x86_set_rm(x, in, sz, v, next);
            }
            x86_set_reg(x, E_AX, sz, false, v);
        }
        return;
    }
    case 0xb2: case 0xb4: case 0xb5: { /* LSS, LFS, LGS */
        uint16_t sel;

        v = x86_ld_far_ptr(x, in, next, &sel);
        x86_load_seg(x, b == 0xb2 ? X86_SEG_SS : b == 0xb4 ? X86_SEG_FS :
                     X86_SEG_GS, sel);
        x86_set_reg(x, in->reg, size, false, v);
        return;
    }
    case 0xb6: case 0xb7: case 0xbe: case 0xbf: {
        int ss = (b & 1) ? 2 : 1;

        v = x86_get_rm(x, in, ss, next);
        if (b >= 0xbe) {
            v = sign_ext(v, ss);
        }
        x86_set_reg(x, in->reg, size, false, v);
        return;
    }
    case 0xbc: /* BSF */
    case 0xbd: /* BSR */
        if (in->rep == 0xf3) {
            x86_unimplemented(x, in);   /* TZCNT / LZCNT */
        }
        v = x86_get_rm(x, in, size, next);
        if (!v) {
            st->rflags |= FL_ZF;
            return;
        }
        st->rflags &= ~FL_ZF;
        x86_set_reg(x, in->reg, size, false,
                    b == 0xbc ? __builtin_ctzll(v) : 63 - __builtin_clzll(v));
        return;
    case 0xc0:
    case 0xc1: { /* XADD */
        int sz = b == 0xc0 ? 1 : size;

        v = x86_get_rm(x, in, sz, next);
        w = x86_get_reg(x, in->reg, sz, rex_any(in));
        x86_set_rm(x, in, sz, x86_alu(x, ALU_ADD, v, w, sz), next);
        x86_set_reg(x, in->reg, sz, rex_any(in), v);
        return;
    }
    case 0xc7:
        exec_cmpxchg8b(x, in, next);
        return;
    case 0xc8 ... 0xcf: {
        int n = (b & 7) | ((in->rex & 1) << 3);

        v = R(x, n);
        if (size == 8) {
            x86_set_reg(x, n, 8, false, __builtin_bswap64(v));
        } else if (size == 4) {
            x86_set_reg(x, n, 4, false, __builtin_bswap32(v));
        } else {
            x86_set_reg(x, n, 2, false, 0);     /* undefined: zero */
        }
        return;
    }
    default:
        x86_unimplemented(x, in);
    }
}
