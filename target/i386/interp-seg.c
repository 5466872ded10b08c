/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Segmentation and privilege for the x86 interpreter: descriptor loads
 * with their checks, far jumps / calls / returns (call gates included),
 * exception and interrupt delivery through the IVT or IDT in real,
 * protected and long mode, IRET, SYSCALL/SYSRET, SYSENTER/SYSEXIT,
 * control registers, MSRs and CPUID.  Task switches (task gates, far
 * jumps to a TSS, IRET with NT) and virtual-8086 mode are not
 * implemented: they raise #GP and are traced.
 */
#include "qemu/osdep.h"
#include "target/i386/interp-int.h"
#include "target/i386/trace.h"

/* ------------------------------------------------------------------ */
/* Registers, stack                                                    */

const uint8_t x86_enc2kvm[16] = {
    X86_REG_RAX, X86_REG_RCX, X86_REG_RDX, X86_REG_RBX, X86_REG_RSP,
    X86_REG_RBP, X86_REG_RSI, X86_REG_RDI, X86_REG_R8, X86_REG_R9,
    X86_REG_R10, X86_REG_R11, X86_REG_R12, X86_REG_R13, X86_REG_R14,
    X86_REG_R15,
};

uint64_t x86_get_reg(X86Interp *x, int n, int size, bool rex)
{
    if (size == 1 && !rex && n >= 4 && n < 8) {
        return (R(x, n - 4) >> 8) & 0xff;
    }
    return R(x, n) & size_mask(size);
}

void x86_set_reg(X86Interp *x, int n, int size, bool rex, uint64_t v)
{
    uint64_t *r;

    if (size == 1 && !rex && n >= 4 && n < 8) {
        r = &R(x, n - 4);
        *r = (*r & ~0xff00ULL) | ((v & 0xff) << 8);
        return;
    }
    r = &R(x, n);
    switch (size) {
    case 1: *r = (*r & ~0xffULL) | (v & 0xff); break;
    case 2: *r = (*r & ~0xffffULL) | (v & 0xffff); break;
    case 4: *r = v & 0xffffffffULL; break;  /* zero-extends */
    default: *r = v; break;
    }
}

void x86_push(X86Interp *x, int size, uint64_t v)
{
    int ss = x86_stack_size(x);
    uint64_t sp = (R(x, E_SP) - size) & size_mask(ss);

    x86_st(x, X86_SEG_SS, sp, size, v);
    x86_set_reg(x, E_SP, ss, false, sp);
}

uint64_t x86_pop(X86Interp *x, int size)
{
    int ss = x86_stack_size(x);
    uint64_t sp = R(x, E_SP) & size_mask(ss);
    uint64_t v = x86_ld(x, X86_SEG_SS, sp, size);

    x86_set_reg(x, E_SP, ss, false, sp + size);
    return v;
}

void x86_set_rflags(X86Interp *x, uint64_t v, int opsize)
{
    uint64_t mask = FL_ARITH | FL_TF | FL_DF | FL_NT | FL_AC | FL_ID;
    int cpl = x86_cpl(x);
    int iopl = (x->st->rflags >> 12) & 3;

    if (cpl == 0) {
        mask |= FL_IOPL;
    }
    if (cpl <= iopl) {
        mask |= FL_IF;
    }
    if (opsize == 2) {
        mask &= 0xffff;
    }
    x->st->rflags = (x->st->rflags & ~mask) | (v & mask) | 2;
}

/* ------------------------------------------------------------------ */
/* Faults                                                              */

void x86_raise(X86Interp *x, int vec, bool has_err, uint32_t err)
{
    x->exc_vec = vec;
    x->exc_has_err = has_err;
    x->exc_err = err;
    siglongjmp(x->jmp, 1);
}

void x86_raise_ud(X86Interp *x)
{
    x86_raise(x, EXC_UD, false, 0);
}

/* ------------------------------------------------------------------ */
/* Descriptors                                                         */

static bool read_desc(X86Interp *x, uint16_t sel, uint64_t *lo,
                      uint64_t *addr)
{
    X86VCPUState *st = x->st;
    uint64_t base;
    uint32_t limit;
    uint32_t idx = sel & ~7;

    if (sel & 4) {
        if (st->segs[X86_SEG_LDT].unusable) {
            return false;
        }
        base = st->segs[X86_SEG_LDT].base;
        limit = st->segs[X86_SEG_LDT].limit;
    } else {
        base = st->gdt.base;
        limit = st->gdt.limit;
    }
    if (idx + 7 > limit) {
        return false;
    }
    *addr = base + idx;
    *lo = x86_ld_sys(x, *addr, 8);
    return true;
}

static void desc_to_seg(uint64_t lo, uint16_t sel, X86Segment *s)
{
    s->selector = sel;
    s->base = ((lo >> 16) & 0xffffff) | (((lo >> 56) & 0xff) << 24);
    s->limit = (lo & 0xffff) | (((lo >> 48) & 0xf) << 16);
    s->type = (lo >> 40) & 0xf;
    s->s = (lo >> 44) & 1;
    s->dpl = (lo >> 45) & 3;
    s->present = (lo >> 47) & 1;
    s->avl = (lo >> 52) & 1;
    s->l = (lo >> 53) & 1;
    s->db = (lo >> 54) & 1;
    s->g = (lo >> 55) & 1;
    s->unusable = 0;
    if (s->g) {
        s->limit = (s->limit << 12) | 0xfff;
    }
}

static void set_accessed(X86Interp *x, uint64_t addr, uint64_t lo)
{
    if (!(lo & (1ULL << 40))) {
        x86_st_sys(x, addr + 5, 1, (lo >> 40) | 1);
    }
}

static void real_seg(X86Interp *x, int seg, uint16_t sel)
{
    X86Segment *s = &x->st->segs[seg];

    s->selector = sel;
    s->base = (uint64_t)sel << 4;
    if (x86_vm86(x)) {
        s->limit = 0xffff;
        s->type = seg == X86_SEG_CS ? 0xb : 3;
        s->dpl = 3;
        s->db = 0;
        s->s = 1;
    }
    s->present = 1;
    s->unusable = 0;
}

void x86_load_seg(X86Interp *x, int seg, uint16_t sel)
{
    X86Segment *s = &x->st->segs[seg];
    int cpl = x86_cpl(x);
    int rpl = sel & 3;
    uint64_t lo, addr;
    X86Segment n;

    if (!x86_pe(x) || x86_vm86(x)) {
        real_seg(x, seg, sel);
        return;
    }
    if ((sel & ~3) == 0) {
        /* A null selector: usable for SS only in 64-bit code below 3. */
        if (seg == X86_SEG_SS && !(x86_long_mode(x) &&
                                   x->st->segs[X86_SEG_CS].l &&
                                   cpl != 3 && rpl == cpl)) {
            x86_raise(x, EXC_GP, true, 0);
        }
        memset(s, 0, sizeof(*s));
        s->selector = sel;
        s->unusable = 1;
        if (seg == X86_SEG_SS) {
            s->dpl = cpl;
            s->db = 1;
            s->type = 3;
            s->s = 1;
        }
        return;
    }
    if (!read_desc(x, sel, &lo, &addr)) {
        x86_raise(x, EXC_GP, true, sel & ~3);
    }
    desc_to_seg(lo, sel, &n);
    if (!n.s) {
        x86_raise(x, EXC_GP, true, sel & ~3);
    }
    if (seg == X86_SEG_SS) {
        if ((n.type & 8) || !(n.type & 2) || rpl != cpl || n.dpl != cpl) {
            x86_raise(x, EXC_GP, true, sel & ~3);
        }
        if (!n.present) {
            x86_raise(x, EXC_SS, true, sel & ~3);
        }
    } else {
        if ((n.type & 0xa) == 0x8) {
            x86_raise(x, EXC_GP, true, sel & ~3);   /* execute-only */
        }
        if ((!(n.type & 8) || !(n.type & 4)) &&
            n.dpl < MAX(cpl, rpl)) {
            x86_raise(x, EXC_GP, true, sel & ~3);
        }
        if (!n.present) {
            x86_raise(x, EXC_NP, true, sel & ~3);
        }
    }
    set_accessed(x, addr, lo);
    n.type |= 1;
    *s = n;
}

/* Load CS for a control transfer to privilege @cpl. */
static void load_cs(X86Interp *x, uint16_t sel, uint64_t lo, uint64_t addr,
                    int cpl)
{
    X86Segment *cs = &x->st->segs[X86_SEG_CS];

    set_accessed(x, addr, lo);
    desc_to_seg(lo | (1ULL << 40), (sel & ~3) | cpl, cs);
}

static void check_code_desc(X86Interp *x, uint16_t sel, uint64_t lo,
                            bool call_or_jmp)
{
    int cpl = x86_cpl(x), rpl = sel & 3, dpl = (lo >> 45) & 3;

    if (!((lo >> 44) & 1) || !((lo >> 43) & 1)) {
        x86_raise(x, EXC_GP, true, sel & ~3);
    }
    if ((lo >> 42) & 1) {
        if (dpl > cpl) {
            x86_raise(x, EXC_GP, true, sel & ~3);
        }
    } else if (call_or_jmp && (rpl > cpl || dpl != cpl)) {
        x86_raise(x, EXC_GP, true, sel & ~3);
    }
    if (!((lo >> 47) & 1)) {
        x86_raise(x, EXC_NP, true, sel & ~3);
    }
}

G_NORETURN static void task_switch_unsupported(X86Interp *x, uint16_t sel)
{
    trace_x86_interp_unimplemented(x->insn_rip, "task switch");
    x86_raise(x, EXC_GP, true, sel & ~3);
}

/* The inner stack for privilege @dpl from the TSS. */
static void tss_stack(X86Interp *x, int dpl, int ist, uint16_t *ss,
                      uint64_t *sp)
{
    X86Segment *tr = &x->st->segs[X86_SEG_TR];
    uint32_t off;

    if (tr->unusable || !tr->present) {
        x86_raise(x, EXC_TS, true, tr->selector & ~3);
    }
    if (x86_long_mode(x)) {
        off = ist ? 0x24 + 8 * (ist - 1) : 4 + 8 * dpl;
        if (off + 7 > tr->limit) {
            x86_raise(x, EXC_TS, true, tr->selector & ~3);
        }
        *sp = x86_ld_sys(x, tr->base + off, 8);
        *ss = dpl;
        return;
    }
    if ((tr->type & 8) == 0) {
        /* 16-bit TSS */
        off = 2 + 4 * dpl;
        *sp = x86_ld_sys(x, tr->base + off, 2);
        *ss = x86_ld_sys(x, tr->base + off + 2, 2);
        return;
    }
    off = 4 + 8 * dpl;
    if (off + 5 > tr->limit) {
        x86_raise(x, EXC_TS, true, tr->selector & ~3);
    }
    *sp = x86_ld_sys(x, tr->base + off, 4);
    *ss = x86_ld_sys(x, tr->base + off + 4, 2);
}

/* Switch to the stack @ss:@sp at privilege @dpl (not long mode). */
static void load_inner_ss(X86Interp *x, uint16_t ss, int dpl)
{
    uint64_t lo, addr;
    X86Segment n;

    if ((ss & ~3) == 0) {
        if (x86_long_mode(x)) {
            X86Segment *s = &x->st->segs[X86_SEG_SS];

            memset(s, 0, sizeof(*s));
            s->selector = ss;
            s->unusable = 1;
            s->dpl = dpl;
            s->db = 1;
            return;
        }
        x86_raise(x, EXC_TS, true, 0);
    }
    if (!read_desc(x, ss, &lo, &addr)) {
        x86_raise(x, EXC_TS, true, ss & ~3);
    }
    desc_to_seg(lo, ss, &n);
    if ((ss & 3) != dpl || n.dpl != dpl || !n.s || (n.type & 8) ||
        !(n.type & 2)) {
        x86_raise(x, EXC_TS, true, ss & ~3);
    }
    if (!n.present) {
        x86_raise(x, EXC_SS, true, ss & ~3);
    }
    set_accessed(x, addr, lo);
    n.type |= 1;
    x->st->segs[X86_SEG_SS] = n;
}

/* Null data segments the new, less privileged code may not use. */
static void null_outer_segs(X86Interp *x, int cpl)
{
    static const int segs[] = { X86_SEG_ES, X86_SEG_DS, X86_SEG_FS,
                                X86_SEG_GS };

    for (int i = 0; i < 4; i++) {
        X86Segment *s = &x->st->segs[segs[i]];

        if (!s->unusable && (!(s->type & 8) || !(s->type & 4)) &&
            s->dpl < cpl) {
            s->selector = 0;
            s->unusable = 1;
            s->present = 0;
        }
    }
}

void x86_far_jmp(X86Interp *x, uint16_t sel, uint64_t off, uint64_t next)
{
    uint64_t lo, addr;

    if (!x86_pe(x) || x86_vm86(x)) {
        real_seg(x, X86_SEG_CS, sel);
        x->st->rip = off;
        return;
    }
    if (!read_desc(x, sel, &lo, &addr) || !(sel & ~3)) {
        x86_raise(x, EXC_GP, true, sel & ~3);
    }
    if ((lo >> 44) & 1) {
        check_code_desc(x, sel, lo, true);
        load_cs(x, sel, lo, addr, x86_cpl(x));
        x->st->rip = off;
        return;
    }
    switch ((lo >> 40) & 0xf) {
    case 0x4:
    case 0xc: { /* call gate */
        int dpl = (lo >> 45) & 3;
        uint16_t tsel = (lo >> 16) & 0xffff;
        uint64_t toff = (lo & 0xffff) | ((lo >> 32) & 0xffff0000ULL);
        uint64_t tlo, taddr;

        if (dpl < x86_cpl(x) || dpl < (sel & 3)) {
            x86_raise(x, EXC_GP, true, sel & ~3);
        }
        if (!((lo >> 47) & 1)) {
            x86_raise(x, EXC_NP, true, sel & ~3);
        }
        if (x86_long_mode(x)) {
            toff |= x86_ld_sys(x, addr + 8, 4) << 32;
        } else if (((lo >> 40) & 0xf) == 0x4) {
            toff &= 0xffff;
        }
        if (!read_desc(x, tsel, &tlo, &taddr) || !(tsel & ~3)) {
            x86_raise(x, EXC_GP, true, tsel & ~3);
        }
        check_code_desc(x, tsel & ~3, tlo, false);
        if (!((tlo >> 42) & 1) && ((tlo >> 45) & 3) != x86_cpl(x)) {
            x86_raise(x, EXC_GP, true, tsel & ~3);
        }
        load_cs(x, tsel, tlo, taddr, x86_cpl(x));
        x->st->rip = toff;
        return;
    }
    default:
        task_switch_unsupported(x, sel);
    }
}

void x86_far_call(X86Interp *x, uint16_t sel, uint64_t off, int opsize,
                  uint64_t next)
{
    X86VCPUState *st = x->st;
    uint16_t old_cs = st->segs[X86_SEG_CS].selector;
    uint64_t lo, addr;

    if (!x86_pe(x) || x86_vm86(x)) {
        x86_push(x, opsize, old_cs);
        x86_push(x, opsize, next);
        real_seg(x, X86_SEG_CS, sel);
        st->rip = off & size_mask(opsize);
        return;
    }
    if (!read_desc(x, sel, &lo, &addr) || !(sel & ~3)) {
        x86_raise(x, EXC_GP, true, sel & ~3);
    }
    if ((lo >> 44) & 1) {
        check_code_desc(x, sel, lo, true);
        x86_push(x, opsize, old_cs);
        x86_push(x, opsize, next);
        load_cs(x, sel, lo, addr, x86_cpl(x));
        st->rip = off;
        return;
    }
    switch ((lo >> 40) & 0xf) {
    case 0x4:
    case 0xc: { /* call gate */
        int gdpl = (lo >> 45) & 3, cpl = x86_cpl(x), dpl;
        uint16_t tsel = (lo >> 16) & 0xffff;
        uint64_t toff = (lo & 0xffff) | ((lo >> 32) & 0xffff0000ULL);
        int gsize = x86_long_mode(x) ? 8 :
                    ((lo >> 40) & 0xf) == 0x4 ? 2 : 4;
        uint64_t tlo, taddr;

        if (gdpl < cpl || gdpl < (sel & 3)) {
            x86_raise(x, EXC_GP, true, sel & ~3);
        }
        if (!((lo >> 47) & 1)) {
            x86_raise(x, EXC_NP, true, sel & ~3);
        }
        if (gsize == 8) {
            toff |= x86_ld_sys(x, addr + 8, 4) << 32;
        } else if (gsize == 2) {
            toff &= 0xffff;
        }
        if (!read_desc(x, tsel, &tlo, &taddr) || !(tsel & ~3)) {
            x86_raise(x, EXC_GP, true, tsel & ~3);
        }
        check_code_desc(x, tsel & ~3, tlo, false);
        dpl = (tlo >> 45) & 3;
        if (dpl > cpl) {
            x86_raise(x, EXC_GP, true, tsel & ~3);
        }
        if (!((tlo >> 42) & 1) && dpl < cpl) {
            /* To an inner privilege: the TSS's stack; no parameters. */
            uint16_t old_ss = st->segs[X86_SEG_SS].selector, nss;
            uint64_t old_sp = R(x, E_SP), nsp;

            tss_stack(x, dpl, 0, &nss, &nsp);
            load_inner_ss(x, nss, dpl);
            st->segs[X86_SEG_CS].dpl = dpl;     /* for the pushes */
            R(x, E_SP) = nsp;
            x86_push(x, gsize, old_ss);
            x86_push(x, gsize, old_sp);
            x86_push(x, gsize, old_cs);
            x86_push(x, gsize, next);
            load_cs(x, tsel, tlo, taddr, dpl);
        } else {
            x86_push(x, gsize, old_cs);
            x86_push(x, gsize, next);
            load_cs(x, tsel, tlo, taddr, cpl);
        }
        st->rip = toff;
        return;
    }
    default:
        task_switch_unsupported(x, sel);
    }
}

void x86_far_ret(X86Interp *x, int opsize, uint16_t pop_extra)
{
    X86VCPUState *st = x->st;
    uint64_t ip, lo, addr;
    uint16_t sel;
    int cpl, rpl;

    ip = x86_pop(x, opsize);
    sel = x86_pop(x, opsize);
    if (!x86_pe(x) || x86_vm86(x)) {
        real_seg(x, X86_SEG_CS, sel);
        st->rip = ip;
        R(x, E_SP) += pop_extra;
        return;
    }
    cpl = x86_cpl(x);
    rpl = sel & 3;
    if (!read_desc(x, sel, &lo, &addr) || !(sel & ~3) || rpl < cpl) {
        x86_raise(x, EXC_GP, true, sel & ~3);
    }
    check_code_desc(x, sel, lo, false);
    if (!((lo >> 42) & 1) && ((lo >> 45) & 3) != rpl) {
        x86_raise(x, EXC_GP, true, sel & ~3);
    }
    x86_set_reg(x, E_SP, x86_stack_size(x), false,
                R(x, E_SP) + pop_extra);
    if (rpl > cpl) {
        uint64_t sp = x86_pop(x, opsize);
        uint16_t ss = x86_pop(x, opsize);

        load_cs(x, sel, lo, addr, rpl);
        if ((ss & ~3) == 0 && !(x86_long_mode(x) && st->segs[X86_SEG_CS].l)) {
            x86_raise(x, EXC_GP, true, 0);
        }
        load_inner_ss(x, ss, rpl);
        R(x, E_SP) = sp + pop_extra;
        null_outer_segs(x, rpl);
    } else {
        load_cs(x, sel, lo, addr, cpl);
    }
    st->rip = ip;
}

/* ------------------------------------------------------------------ */
/* Interrupts and exceptions                                           */

static void deliver_real(X86Interp *x, int vec, uint64_t next)
{
    X86VCPUState *st = x->st;
    uint64_t ent;

    if (vec * 4 + 3 > st->idt.limit) {
        x86_raise(x, EXC_GP, true, vec * 8 + 2);
    }
    ent = x86_ld_sys(x, st->idt.base + vec * 4, 4);
    x86_push(x, 2, st->rflags);
    x86_push(x, 2, st->segs[X86_SEG_CS].selector);
    x86_push(x, 2, next);
    st->rflags &= ~(FL_IF | FL_TF | FL_AC | FL_RF);
    real_seg(x, X86_SEG_CS, ent >> 16);
    st->rip = ent & 0xffff;
}

static void deliver_prot(X86Interp *x, int vec, bool is_int, bool has_err,
                         uint32_t err, uint64_t next)
{
    X86VCPUState *st = x->st;
    bool lm = x86_long_mode(x);
    int esize = lm ? 16 : 8;
    uint32_t gerr = vec * 8 + 2 + (is_int ? 0 : 1);
    uint64_t glo, ghi = 0, tlo, taddr, off;
    int type, gdpl, dpl, cpl = x86_cpl(x), psize;
    uint16_t tsel, old_ss = st->segs[X86_SEG_SS].selector;
    uint16_t old_cs = st->segs[X86_SEG_CS].selector;
    uint64_t old_sp = R(x, E_SP), old_fl = st->rflags;
    int ist;

    if (vec * esize + esize - 1 > st->idt.limit) {
        x86_raise(x, EXC_GP, true, gerr);
    }
    glo = x86_ld_sys(x, st->idt.base + vec * esize, 8);
    if (lm) {
        ghi = x86_ld_sys(x, st->idt.base + vec * esize + 8, 8);
    }
    type = (glo >> 40) & 0x1f;  /* with the S bit, which must be 0 */
    gdpl = (glo >> 45) & 3;
    if (type == 0x5 && !lm) {
        task_switch_unsupported(x, (glo >> 16) & 0xffff);
    }
    if (lm ? (type != 0xe && type != 0xf) :
        (type != 0x6 && type != 0x7 && type != 0xe && type != 0xf)) {
        x86_raise(x, EXC_GP, true, gerr);
    }
    if (is_int && gdpl < cpl) {
        x86_raise(x, EXC_GP, true, gerr);
    }
    if (!((glo >> 47) & 1)) {
        x86_raise(x, EXC_NP, true, gerr);
    }
    tsel = (glo >> 16) & 0xffff;
    off = (glo & 0xffff) | ((glo >> 32) & 0xffff0000ULL) | (ghi << 32);
    ist = lm ? (glo >> 32) & 7 : 0;
    psize = lm ? 8 : (type & 8) ? 4 : 2;
    if (psize == 2) {
        off &= 0xffff;
    }
    if (!read_desc(x, tsel, &tlo, &taddr) || !(tsel & ~3)) {
        x86_raise(x, EXC_GP, true, (tsel & ~3) + (is_int ? 0 : 1));
    }
    dpl = (tlo >> 45) & 3;
    if (!((tlo >> 44) & 1) || !((tlo >> 43) & 1) || dpl > cpl ||
        (lm && (!((tlo >> 53) & 1) || ((tlo >> 54) & 1)))) {
        x86_raise(x, EXC_GP, true, (tsel & ~3) + (is_int ? 0 : 1));
    }
    if (!((tlo >> 47) & 1)) {
        x86_raise(x, EXC_NP, true, (tsel & ~3) + (is_int ? 0 : 1));
    }
    if ((tlo >> 42) & 1) {
        dpl = cpl;  /* conforming: stays at the current privilege */
    }
    if (x86_vm86(x)) {
        trace_x86_interp_unimplemented(x->insn_rip, "vm86 interrupt");
        x86_raise(x, EXC_GP, true, tsel & ~3);
    }
    if (dpl < cpl || ist) {
        uint16_t nss;
        uint64_t nsp;

        tss_stack(x, dpl, ist, &nss, &nsp);
        if (lm) {
            nsp &= ~0xfULL;
        }
        if (dpl < cpl) {
            load_inner_ss(x, nss, dpl);
        }
        load_cs(x, tsel, tlo, taddr, dpl);
        R(x, E_SP) = nsp;
        if (dpl < cpl || lm) {
            x86_push(x, psize, old_ss);
            x86_push(x, psize, old_sp);
        }
    } else {
        if (lm) {
            R(x, E_SP) &= ~0xfULL;
        }
        load_cs(x, tsel, tlo, taddr, dpl);
        if (lm) {
            x86_push(x, 8, old_ss);
            x86_push(x, 8, old_sp);
        }
    }
    x86_push(x, psize, old_fl);
    x86_push(x, psize, old_cs);
    x86_push(x, psize, next);
    if (has_err) {
        x86_push(x, psize, err);
    }
    if (dpl < cpl) {
        null_outer_segs(x, dpl);
    }
    st->rflags &= ~(FL_TF | FL_NT | FL_RF | FL_VM);
    if (!(type & 1)) {
        st->rflags &= ~FL_IF;
    }
    st->rip = off;
}

void x86_do_interrupt(X86Interp *x, int vec, bool is_int, bool has_err,
                      uint32_t err, uint64_t next)
{
    if (!x86_pe(x)) {
        deliver_real(x, vec, next);
    } else {
        deliver_prot(x, vec, is_int, has_err, err, next);
    }
}

void x86_iret(X86Interp *x, int opsize)
{
    X86VCPUState *st = x->st;
    uint64_t ip, fl, lo, addr;
    uint16_t sel;
    int cpl, rpl;
    bool lm64 = x86_long_mode(x) && st->segs[X86_SEG_CS].l;

    if (!x86_pe(x) || x86_vm86(x)) {
        if (x86_vm86(x) && ((st->rflags >> 12) & 3) != 3) {
            x86_raise(x, EXC_GP, true, 0);
        }
        ip = x86_pop(x, opsize);
        sel = x86_pop(x, opsize);
        fl = x86_pop(x, opsize);
        real_seg(x, X86_SEG_CS, sel);
        st->rip = ip;
        if (x86_vm86(x)) {
            uint64_t m = FL_ARITH | FL_TF | FL_DF | FL_IF | FL_NT | FL_AC |
                         FL_ID;

            if (opsize == 2) {
                m &= 0xffff;
            }
            st->rflags = (st->rflags & ~m) | (fl & m) | 2;
        } else {
            uint64_t m = opsize == 2 ? 0xffff : 0x3f7fd5;

            st->rflags = (st->rflags & ~m) | (fl & m) | 2;
        }
        return;
    }
    if ((st->rflags & FL_NT) && !x86_long_mode(x)) {
        task_switch_unsupported(x, x86_ld_sys(x, st->segs[X86_SEG_TR].base,
                                              2));
    }
    ip = x86_pop(x, opsize);
    sel = x86_pop(x, opsize);
    fl = x86_pop(x, opsize);
    cpl = x86_cpl(x);
    rpl = sel & 3;
    if ((fl & FL_VM) && cpl == 0 && opsize == 4 && !x86_long_mode(x)) {
        trace_x86_interp_unimplemented(x->insn_rip, "iret to vm86");
        x86_raise(x, EXC_GP, true, 0);
    }
    if (!read_desc(x, sel, &lo, &addr) || !(sel & ~3) || rpl < cpl) {
        x86_raise(x, EXC_GP, true, sel & ~3);
    }
    check_code_desc(x, sel, lo, false);
    if (!((lo >> 42) & 1) && ((lo >> 45) & 3) != rpl) {
        x86_raise(x, EXC_GP, true, sel & ~3);
    }
    if (rpl > cpl || lm64) {
        uint64_t sp = x86_pop(x, opsize);
        uint16_t ss = x86_pop(x, opsize);

        x86_set_rflags(x, fl, opsize);
        load_cs(x, sel, lo, addr, rpl);
        if ((ss & ~3) == 0 &&
            !(x86_long_mode(x) && st->segs[X86_SEG_CS].l && rpl != 3)) {
            x86_raise(x, EXC_GP, true, 0);
        }
        load_inner_ss(x, ss, rpl);
        R(x, E_SP) = opsize == 8 ? sp : sp & size_mask(opsize);
        if (rpl > cpl) {
            null_outer_segs(x, rpl);
        }
    } else {
        x86_set_rflags(x, fl, opsize);
        load_cs(x, sel, lo, addr, cpl);
    }
    st->rip = ip;
}

/* ------------------------------------------------------------------ */
/* System registers and tables                                         */

static void load_system_seg(X86Interp *x, int seg, uint16_t sel)
{
    X86Segment *s = &x->st->segs[seg];
    uint64_t lo, addr;
    X86Segment n;
    int type;

    if (x86_cpl(x) != 0) {
        x86_raise(x, EXC_GP, true, 0);
    }
    if ((sel & ~3) == 0 && seg == X86_SEG_LDT) {
        memset(s, 0, sizeof(*s));
        s->unusable = 1;
        return;
    }
    if ((sel & 4) || !read_desc(x, sel, &lo, &addr)) {
        x86_raise(x, EXC_GP, true, sel & ~3);
    }
    desc_to_seg(lo, sel, &n);
    type = n.type;
    if (n.s || (seg == X86_SEG_LDT ? type != 2 :
                (type != 1 && type != 9))) {
        x86_raise(x, EXC_GP, true, sel & ~3);
    }
    if (!n.present) {
        x86_raise(x, EXC_NP, true, sel & ~3);
    }
    if (x86_long_mode(x)) {
        n.base |= x86_ld_sys(x, addr + 8, 4) << 32;
    }
    if (seg == X86_SEG_TR) {
        /* Mark the TSS busy. */
        x86_st_sys(x, addr + 5, 1, (lo >> 40) | 2);
        n.type |= 2;
    }
    *s = n;
}

void x86_lldt(X86Interp *x, uint16_t sel)
{
    load_system_seg(x, X86_SEG_LDT, sel);
}

void x86_ltr(X86Interp *x, uint16_t sel)
{
    load_system_seg(x, X86_SEG_TR, sel);
}

bool x86_check_desc(X86Interp *x, uint16_t sel, int what, uint64_t *out)
{
    uint64_t lo, addr;
    int cpl = x86_cpl(x), rpl = sel & 3, dpl, type;
    bool sys;

    if (!(sel & ~3) || !read_desc(x, sel, &lo, &addr)) {
        return false;
    }
    dpl = (lo >> 45) & 3;
    type = (lo >> 40) & 0xf;
    sys = !((lo >> 44) & 1);
    /* Conforming code is visible at any privilege. */
    if ((sys || (type & 0xc) != 0xc) && (dpl < cpl || dpl < rpl)) {
        return false;
    }
    switch (what) {
    case 0: /* LAR */
        if (sys && !(type == 1 || type == 2 || type == 3 || type == 4 ||
                     type == 5 || type == 9 || type == 0xb ||
                     type == 0xc)) {
            return false;
        }
        *out = lo & 0x00f0ff0000000000ULL;
        *out >>= 32;
        return true;
    case 1: { /* LSL */
        uint32_t limit = (lo & 0xffff) | (((lo >> 48) & 0xf) << 16);

        if (sys && !(type == 1 || type == 2 || type == 3 || type == 9 ||
                     type == 0xb)) {
            return false;
        }
        if ((lo >> 55) & 1) {
            limit = (limit << 12) | 0xfff;
        }
        *out = limit;
        return true;
    }
    case 2: /* VERR */
        return !sys && (!(type & 8) || (type & 2));
    default: /* VERW */
        return !sys && !(type & 8) && (type & 2);
    }
}

void x86_check_io(X86Interp *x, uint16_t port, int size)
{
    X86Segment *tr = &x->st->segs[X86_SEG_TR];
    uint32_t base_off;
    uint16_t bits;

    if (!x86_pe(x) || (!x86_vm86(x) &&
                       x86_cpl(x) <= ((x->st->rflags >> 12) & 3))) {
        return;
    }
    /* The TSS's I/O permission bitmap. */
    if (tr->unusable || tr->limit < 0x67) {
        x86_raise(x, EXC_GP, true, 0);
    }
    base_off = x86_ld_sys(x, tr->base + 0x66, 2);
    if (base_off + port / 8 + 1 > tr->limit) {
        x86_raise(x, EXC_GP, true, 0);
    }
    bits = x86_ld_sys(x, tr->base + base_off + port / 8, 2);
    if ((bits >> (port & 7)) & ((1 << size) - 1)) {
        x86_raise(x, EXC_GP, true, 0);
    }
}

void x86_set_cr(X86Interp *x, int n, uint64_t v)
{
    X86VCPUState *st = x->st;

    switch (n) {
    case 0:
        v |= CR0_ET;
        if ((v >> 32) || ((v & CR0_PG) && !(v & CR0_PE)) ||
            ((v & CR0_NW) && !(v & CR0_CD))) {
            x86_raise(x, EXC_GP, true, 0);
        }
        if ((v & CR0_PG) && !(st->cr0 & CR0_PG) && (st->efer & EFER_LME)) {
            if (!(st->cr4 & CR4_PAE)) {
                x86_raise(x, EXC_GP, true, 0);
            }
            st->efer |= EFER_LMA;
        }
        if (!(v & CR0_PG) && (st->cr0 & CR0_PG) && x86_long_mode(x)) {
            if (st->segs[X86_SEG_CS].l) {
                x86_raise(x, EXC_GP, true, 0);
            }
            st->efer &= ~EFER_LMA;
        }
        st->cr0 = v;
        break;
    case 2:
        st->cr2 = v;
        return;
    case 3:
        st->cr3 = v;
        break;
    case 4:
        if ((v & ~0x3f07ffULL) ||
            (x86_long_mode(x) && !(v & CR4_PAE))) {
            x86_raise(x, EXC_GP, true, 0);
        }
        st->cr4 = v;
        break;
    case 8:
        if (v & ~0xfULL) {
            x86_raise(x, EXC_GP, true, 0);
        }
        st->cr8 = v;
        return;
    default:
        x86_raise_ud(x);
    }
    x86_tlb_flush(x);
}

/* ------------------------------------------------------------------ */
/* MSRs                                                                */

static const uint32_t msr_list[] = {
    MSR_TSC, MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP,
    MSR_MISC_ENABLE, MSR_PAT, MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_FMASK,
    MSR_KERNEL_GS_BASE, MSR_TSC_AUX,
};

unsigned int x86_interp_msr_list(const uint32_t **indices)
{
    *indices = msr_list;
    return ARRAY_SIZE(msr_list);
}

static X86MSREntry *msr_slot(X86VCPUState *st, uint32_t idx)
{
    for (uint32_t i = 0; i < st->nmsrs && i < X86_KVM_MAX_MSRS; i++) {
        if (st->msrs[i].index == idx) {
            return &st->msrs[i];
        }
    }
    if (st->nmsrs < X86_KVM_MAX_MSRS) {
        X86MSREntry *e = &st->msrs[st->nmsrs++];

        e->index = idx;
        e->data = 0;
        return e;
    }
    return NULL;
}

uint64_t x86_rdtsc(X86Interp *x)
{
    return x->ops->host_ticks(x->opaque) + x->tsc_offset;
}

bool x86_rdmsr(X86Interp *x, uint32_t idx, uint64_t *v)
{
    X86VCPUState *st = x->st;
    X86MSREntry *e;

    switch (idx) {
    case MSR_TSC:
        *v = x86_rdtsc(x);
        return true;
    case MSR_EFER:
        *v = st->efer;
        return true;
    case MSR_APIC_BASE:
        *v = st->apic_base;
        return true;
    case MSR_FS_BASE:
        *v = st->segs[X86_SEG_FS].base;
        return true;
    case MSR_GS_BASE:
        *v = st->segs[X86_SEG_GS].base;
        return true;
    }
    for (unsigned i = 0; i < ARRAY_SIZE(msr_list); i++) {
        if (msr_list[i] == idx) {
            e = msr_slot(st, idx);
            *v = e ? e->data : 0;
            return true;
        }
    }
    trace_x86_interp_msr_unknown(idx, 0);
    return false;
}

bool x86_wrmsr(X86Interp *x, uint32_t idx, uint64_t v)
{
    X86VCPUState *st = x->st;
    X86MSREntry *e;

    switch (idx) {
    case MSR_TSC:
        x->tsc_offset = v - x->ops->host_ticks(x->opaque);
        return true;
    case MSR_EFER:
        if (v & ~(uint64_t)(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)) {
            return false;
        }
        if ((st->cr0 & CR0_PG) && ((v ^ st->efer) & EFER_LME)) {
            return false;
        }
        st->efer = (v & ~EFER_LMA) | (st->efer & EFER_LMA);
        x86_tlb_flush(x);
        return true;
    case MSR_APIC_BASE:
        st->apic_base = v;
        return true;
    case MSR_FS_BASE:
    case MSR_GS_BASE:
    case MSR_KERNEL_GS_BASE:
    case MSR_LSTAR:
    case MSR_CSTAR:
    case MSR_SYSENTER_ESP:
    case MSR_SYSENTER_EIP:
        if ((uint64_t)(((int64_t)v << 16) >> 16) != v) {
            return false;
        }
        if (idx == MSR_FS_BASE || idx == MSR_GS_BASE) {
            st->segs[idx == MSR_FS_BASE ? X86_SEG_FS : X86_SEG_GS].base = v;
            return true;
        }
        break;
    case MSR_PAT:
        for (int i = 0; i < 8; i++) {
            uint8_t t = v >> (8 * i);

            if (t == 2 || t == 3 || t > 7) {
                return false;
            }
        }
        break;
    case MSR_TSC_AUX:
        if (v >> 32) {
            return false;
        }
        break;
    }
    for (unsigned i = 0; i < ARRAY_SIZE(msr_list); i++) {
        if (msr_list[i] == idx) {
            e = msr_slot(st, idx);
            if (e) {
                e->data = v;
            }
            return true;
        }
    }
    trace_x86_interp_msr_unknown(idx, 1);
    return false;
}

static uint64_t msr_get(X86Interp *x, uint32_t idx)
{
    uint64_t v = 0;

    x86_rdmsr(x, idx, &v);
    return v;
}

/* A flat 64-bit or 32-bit segment as SYSCALL / SYSENTER load them. */
static void flat_seg(X86Segment *s, uint16_t sel, bool code, bool l,
                     int dpl)
{
    memset(s, 0, sizeof(*s));
    s->selector = sel;
    s->limit = 0xffffffff;
    s->type = code ? 0xb : 3;
    s->present = 1;
    s->s = 1;
    s->g = 1;
    s->dpl = dpl;
    s->l = l;
    s->db = !l;
}

void x86_syscall(X86Interp *x, uint64_t next)
{
    X86VCPUState *st = x->st;
    uint64_t star = msr_get(x, MSR_STAR);
    uint16_t sel = (star >> 32) & 0xfffc;

    if (!(st->efer & EFER_SCE) || !x86_pe(x)) {
        x86_raise_ud(x);
    }
    if (x86_long_mode(x)) {
        bool from64 = x86_code_size(x) == 8;

        R(x, E_CX) = next;
        R(x, E_R11) = st->rflags;
        st->rflags &= ~msr_get(x, MSR_FMASK);
        st->rflags |= 2;
        flat_seg(&st->segs[X86_SEG_CS], sel, true, true, 0);
        st->rip = from64 ? msr_get(x, MSR_LSTAR) : msr_get(x, MSR_CSTAR);
    } else {
        R(x, E_CX) = next & 0xffffffff;
        st->rflags &= ~(FL_VM | FL_IF | FL_RF);
        flat_seg(&st->segs[X86_SEG_CS], sel, true, false, 0);
        st->rip = star & 0xffffffff;
    }
    flat_seg(&st->segs[X86_SEG_SS], sel + 8, false, false, 0);
}

void x86_sysret(X86Interp *x, int opsize)
{
    X86VCPUState *st = x->st;
    uint64_t star = msr_get(x, MSR_STAR);
    uint16_t sel = (star >> 48) & 0xfffc;

    if (!(st->efer & EFER_SCE) || !x86_pe(x)) {
        x86_raise_ud(x);
    }
    if (x86_cpl(x) != 0) {
        x86_raise(x, EXC_GP, true, 0);
    }
    if (x86_long_mode(x)) {
        st->rflags = (R(x, E_R11) & 0x3c7fd7) | 2;
        if (opsize == 8) {
            flat_seg(&st->segs[X86_SEG_CS], (sel + 16) | 3, true, true, 3);
            st->rip = R(x, E_CX);
        } else {
            flat_seg(&st->segs[X86_SEG_CS], sel | 3, true, false, 3);
            st->rip = R(x, E_CX) & 0xffffffff;
        }
    } else {
        st->rflags |= FL_IF;
        flat_seg(&st->segs[X86_SEG_CS], sel | 3, true, false, 3);
        st->rip = R(x, E_CX) & 0xffffffff;
    }
    st->segs[X86_SEG_SS].selector = (sel + 8) | 3;
    st->segs[X86_SEG_SS].dpl = 3;
    st->segs[X86_SEG_SS].unusable = 0;
    st->segs[X86_SEG_SS].present = 1;
}

void x86_sysenter(X86Interp *x)
{
    X86VCPUState *st = x->st;
    uint16_t cs = msr_get(x, MSR_SYSENTER_CS) & 0xfffc;
    bool lm = x86_long_mode(x);

    if (!x86_pe(x) || !cs) {
        x86_raise(x, EXC_GP, true, 0);
    }
    st->rflags &= ~(FL_VM | FL_IF | FL_RF);
    flat_seg(&st->segs[X86_SEG_CS], cs, true, lm, 0);
    flat_seg(&st->segs[X86_SEG_SS], cs + 8, false, false, 0);
    R(x, E_SP) = msr_get(x, MSR_SYSENTER_ESP);
    st->rip = msr_get(x, MSR_SYSENTER_EIP);
    if (!lm) {
        R(x, E_SP) &= 0xffffffff;
        st->rip &= 0xffffffff;
    }
}

void x86_sysexit(X86Interp *x, int opsize)
{
    X86VCPUState *st = x->st;
    uint16_t cs = msr_get(x, MSR_SYSENTER_CS) & 0xfffc;

    if (!x86_pe(x) || !cs || x86_cpl(x) != 0) {
        x86_raise(x, EXC_GP, true, 0);
    }
    if (opsize == 8) {
        flat_seg(&st->segs[X86_SEG_CS], (cs + 32) | 3, true, true, 3);
        flat_seg(&st->segs[X86_SEG_SS], (cs + 40) | 3, false, false, 3);
    } else {
        flat_seg(&st->segs[X86_SEG_CS], (cs + 16) | 3, true, false, 3);
        flat_seg(&st->segs[X86_SEG_SS], (cs + 24) | 3, false, false, 3);
    }
    R(x, E_SP) = R(x, E_CX) & size_mask(opsize);
    st->rip = R(x, E_DX) & size_mask(opsize);
}

/* ------------------------------------------------------------------ */
/* CPUID                                                               */

/*
 * What the interpreter implements, and nothing more: no x87/SSE, no
 * local APIC, no hypervisor leaves.  Family 6 model 6 stepping 3 (as
 * QEMU's qemu64 reports), vendor GenuineIntel.
 */
void x86_interp_cpuid(uint32_t eax, uint32_t ecx, uint32_t out[4])
{
    memset(out, 0, 4 * sizeof(uint32_t));
    switch (eax) {
    case 0:
        out[0] = 0xd;
        out[1] = 0x756e6547;    /* "Genu" */
        out[3] = 0x49656e69;    /* "ineI" */
        out[2] = 0x6c65746e;    /* "ntel" */
        return;
    case 1:
        out[0] = 0x00000663;
        out[1] = 0x00010800;    /* 1 logical CPU, CLFLUSH 64 bytes */
        /* CX16, POPCNT is not: only what the interpreter executes. */
        out[2] = (1u << 13);
        /* PSE TSC MSR PAE CX8 SEP PGE CMOV PAT PSE36 */
        out[3] = (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) |
                 (1u << 8) | (1u << 11) | (1u << 13) | (1u << 15) |
                 (1u << 16) | (1u << 17);
        return;
    case 0x80000000:
        out[0] = 0x80000008;
        return;
    case 0x80000001:
        out[2] = 1u << 0;       /* LAHF/SAHF in 64-bit mode */
        /* SYSCALL NX LM RDTSCP */
        out[3] = (1u << 11) | (1u << 20) | (1u << 27) | (1u << 29);
        return;
    case 0x80000008:
        out[0] = 0x00003028;    /* 40-bit physical, 48-bit linear */
        return;
    }
}
