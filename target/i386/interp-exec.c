/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Execution of the one-byte opcode map (the 0F map is in
 * interp-exec0f.c): operands, effective addresses, string instructions
 * with REP, port I/O, control transfers and the groups.  Every opcode
 * that is not implemented ends in x86_unimplemented(): #UD in the guest
 * and a trace point with the address and bytes.
 */
#include "qemu/osdep.h"
#include "target/i386/interp-int.h"
#include "target/i386/trace.h"

/*
 * LOCKed instructions (and XCHG with memory) of all vCPUs run one at a
 * time under this mutex; the run loop takes it around the instruction.
 */
static GMutex lock_mutex;

void x86_exec_lock(bool on)
{
    if (on) {
        g_mutex_lock(&lock_mutex);
    } else {
        g_mutex_unlock(&lock_mutex);
    }
}

void x86_unimplemented(X86Interp *x, const X86Insn *in)
{
    char bytes[3 * 15 + 1] = "";
    int len = in->len ? in->len : 15;

    for (int i = 0; i < len && i < 15; i++) {
        uint64_t lin = x->st->segs[X86_SEG_CS].base + x->insn_rip + i;
        /* The bytes were fetched a moment ago: this cannot fault. */
        uint8_t b = x86_ld_lin(x, lin & (in->mode == 8 ? ~0ULL :
                                         0xffffffffULL),
                               1, ACC_EXEC, x86_cpl(x) == 3);

        snprintf(bytes + 3 * i, 4, "%02x ", b);
    }
    trace_x86_interp_unimplemented(x->insn_rip, bytes);
    x->ud_count++;
    x86_raise_ud(x);
}

void x86_set_rip(X86Interp *x, uint64_t rip)
{
    int cs = x86_code_size(x);

    x->st->rip = cs == 8 ? rip : rip & size_mask(cs);
}

int x86_ea_seg(const X86Insn *in)
{
    if (in->seg >= 0) {
        return in->seg;
    }
    if (in->base == E_BP || in->base == E_SP) {
        return X86_SEG_SS;
    }
    return X86_SEG_DS;
}

uint64_t x86_ea(X86Interp *x, const X86Insn *in, uint64_t next)
{
    uint64_t ea = in->disp;

    if (in->base >= 0) {
        ea += R(x, in->base);
    }
    if (in->index >= 0) {
        ea += R(x, in->index) << in->scale;
    }
    if (in->rip_rel) {
        ea += next;
    }
    return ea & size_mask(in->adsize);
}

static inline bool rex_any(const X86Insn *in)
{
    return in->rex != 0;
}

uint64_t x86_get_rm(X86Interp *x, const X86Insn *in, int size,
                    uint64_t next)
{
    if (in->mod == 3) {
        return x86_get_reg(x, in->rm, size, rex_any(in));
    }
    return x86_ld(x, x86_ea_seg(in), x86_ea(x, in, next), size);
}

void x86_set_rm(X86Interp *x, const X86Insn *in, int size, uint64_t v,
                uint64_t next)
{
    if (in->mod == 3) {
        x86_set_reg(x, in->rm, size, rex_any(in), v);
        return;
    }
    x86_st(x, x86_ea_seg(in), x86_ea(x, in, next), size, v);
}

/* Read-modify-write of the r/m operand with the address computed once. */
typedef struct RMW {
    uint64_t ea;
    int seg;
    bool write;     /* set by the caller: a store will follow */
} RMW;

static uint64_t rmw_read(X86Interp *x, const X86Insn *in, int size,
                         uint64_t next, RMW *r)
{
    if (in->mod == 3) {
        return x86_get_reg(x, in->rm, size, rex_any(in));
    }
    r->seg = x86_ea_seg(in);
    r->ea = x86_ea(x, in, next);
    return r->write ? x86_ld_rmw(x, r->seg, r->ea, size) :
                      x86_ld(x, r->seg, r->ea, size);
}

static void rmw_write(X86Interp *x, const X86Insn *in, int size,
                      uint64_t v, RMW *r)
{
    if (in->mod == 3) {
        x86_set_reg(x, in->rm, size, rex_any(in), v);
        return;
    }
    x86_st(x, r->seg, r->ea, size, v);
}

/* LOCK is valid only on these with a memory destination. */
static void check_lock(X86Interp *x, const X86Insn *in, bool ok)
{
    if (in->lock && (!ok || in->mod == 3)) {
        x86_raise_ud(x);
    }
}

uint64_t x86_ld_far_ptr(X86Interp *x, const X86Insn *in, uint64_t next,
                        uint16_t *sel)
{
    uint64_t ea, off;

    if (in->mod == 3) {
        x86_raise_ud(x);
    }
    ea = x86_ea(x, in, next);
    off = x86_ld(x, x86_ea_seg(in), ea, in->opsize);
    *sel = x86_ld(x, x86_ea_seg(in), (ea + in->opsize) &
                  size_mask(in->adsize), 2);
    return off;
}

static inline int stack_opsize(X86Interp *x, const X86Insn *in)
{
    if (in->mode == 8) {
        return in->opsize == 2 ? 2 : 8;
    }
    return in->opsize;
}

static inline int bsize(const X86Insn *in)
{
    return (in->opc & 1) ? in->opsize : 1;
}

/* ------------------------------------------------------------------ */
/* Strings                                                             */

static uint64_t str_reg(X86Interp *x, const X86Insn *in, int r)
{
    return R(x, r) & size_mask(in->adsize);
}

static void str_adv(X86Interp *x, const X86Insn *in, int r, int size)
{
    int64_t d = (x->st->rflags & FL_DF) ? -size : size;

    x86_set_reg(x, r, in->adsize, false, R(x, r) + d);
}

/* Elements per execution before re-entering to look at interrupts. */
#define REP_CHUNK 1024

static void exec_string(X86Interp *x, const X86Insn *in, uint64_t next)
{
    int size = bsize(in);
    int op = in->opc & ~1;
    int src_seg = in->seg >= 0 ? in->seg : X86_SEG_DS;
    bool rep = in->rep != 0;
    bool cmp = op == 0xa6 || op == 0xae;
    uint64_t count = rep ? str_reg(x, in, E_CX) : 1;
    int n = 0;

    if (op == 0x6c || op == 0x6e) {
        x86_check_io(x, R(x, E_DX) & 0xffff, size);
    }
    while (count) {
        uint64_t v, w;

        switch (op) {
        case 0xa4: /* MOVS */
            v = x86_ld(x, src_seg, str_reg(x, in, E_SI), size);
            x86_st(x, X86_SEG_ES, str_reg(x, in, E_DI), size, v);
            str_adv(x, in, E_SI, size);
            str_adv(x, in, E_DI, size);
            break;
        case 0xa6: /* CMPS */
            v = x86_ld(x, src_seg, str_reg(x, in, E_SI), size);
            w = x86_ld(x, X86_SEG_ES, str_reg(x, in, E_DI), size);
            x86_alu(x, ALU_CMP, v, w, size);
            str_adv(x, in, E_SI, size);
            str_adv(x, in, E_DI, size);
            break;
        case 0xaa: /* STOS */
            x86_st(x, X86_SEG_ES, str_reg(x, in, E_DI), size,
                   R(x, E_AX));
            str_adv(x, in, E_DI, size);
            break;
        case 0xac: /* LODS */
            v = x86_ld(x, src_seg, str_reg(x, in, E_SI), size);
            x86_set_reg(x, E_AX, size, false, v);
            str_adv(x, in, E_SI, size);
            break;
        case 0xae: /* SCAS */
            w = x86_ld(x, X86_SEG_ES, str_reg(x, in, E_DI), size);
            x86_alu(x, ALU_CMP, R(x, E_AX), w, size);
            str_adv(x, in, E_DI, size);
            break;
        case 0x6c: /* INS */
            v = x->ops->io_in(x->opaque, R(x, E_DX) & 0xffff, size);
            x86_st(x, X86_SEG_ES, str_reg(x, in, E_DI), size, v);
            str_adv(x, in, E_DI, size);
            break;
        default: /* OUTS */
            v = x86_ld(x, src_seg, str_reg(x, in, E_SI), size);
            x->ops->io_out(x->opaque, R(x, E_DX) & 0xffff, v, size);
            str_adv(x, in, E_SI, size);
            break;
        }
        if (!rep) {
            break;
        }
        count--;
        x86_set_reg(x, E_CX, in->adsize, false, count);
        if (cmp) {
            bool zf = x->st->rflags & FL_ZF;

            if ((in->rep == 0xf3 && !zf) || (in->rep == 0xf2 && zf)) {
                break;
            }
        }
        /* Each element counts as an instruction against the budget. */
        x->icount++;
        if (count && ++n >= REP_CHUNK) {
            /* Come back to this instruction after a look at interrupts. */
            x->st->rip = x->insn_rip;
            return;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Groups                                                              */

static void exec_grp3(X86Interp *x, const X86Insn *in, uint64_t next)
{
    int size = bsize(in);
    int op = in->reg & 7;
    uint64_t v;
    RMW r = { .write = true };

    switch (op) {
    case 0:
    case 1: /* TEST */
        check_lock(x, in, false);
        v = x86_get_rm(x, in, size, next);
        x86_alu(x, ALU_AND, v, in->imm, size);
        return;
    case 2: /* NOT */
        check_lock(x, in, true);
        v = rmw_read(x, in, size, next, &r);
        rmw_write(x, in, size, ~v, &r);
        return;
    case 3: /* NEG */
        check_lock(x, in, true);
        v = rmw_read(x, in, size, next, &r);
        rmw_write(x, in, size, x86_alu(x, ALU_SUB, 0, v, size), &r);
        return;
    default:
        check_lock(x, in, false);
        x86_muldiv(x, op, x86_get_rm(x, in, size, next), size);
        return;
    }
}

static void exec_grp5(X86Interp *x, const X86Insn *in, uint64_t next)
{
    int size = bsize(in);
    int op = in->reg & 7;
    uint64_t v;
    RMW r = { .write = true };

    switch (op) {
    case 0:
    case 1:
        check_lock(x, in, true);
        v = rmw_read(x, in, size, next, &r);
        rmw_write(x, in, size, x86_incdec(x, op, v, size), &r);
        return;
    }
    check_lock(x, in, false);
    if (in->opc == 0xfe) {
        x86_unimplemented(x, in);
    }
    switch (op) {
    case 2: /* CALL near indirect */
        size = stack_opsize(x, in);
        v = x86_get_rm(x, in, size, next);
        x86_push(x, size, next);
        x86_set_rip(x, v);
        return;
    case 4: /* JMP near indirect */
        size = stack_opsize(x, in);
        x86_set_rip(x, x86_get_rm(x, in, size, next));
        return;
    case 3: /* CALL far m16:16/32/64 */
    case 5: { /* JMP far */
        uint16_t sel;
        uint64_t off = x86_ld_far_ptr(x, in, next, &sel);

        if (op == 3) {
            x86_far_call(x, sel, off, in->opsize, next);
        } else {
            x86_far_jmp(x, sel, off, next);
        }
        return;
    }
    case 6: /* PUSH r/m */
        size = stack_opsize(x, in);
        x86_push(x, size, x86_get_rm(x, in, size, next));
        return;
    default:
        x86_unimplemented(x, in);
    }
}

static void exec_io(X86Interp *x, const X86Insn *in, uint16_t port,
                    bool out)
{
    int size = bsize(in) == 8 ? 4 : bsize(in);

    x86_check_io(x, port, size);
    if (out) {
        x->ops->io_out(x->opaque, port, R(x, E_AX) & size_mask(size),
                       size);
    } else {
        x86_set_reg(x, E_AX, size, false,
                    x->ops->io_in(x->opaque, port, size));
    }
}

static bool invalid64(const X86Insn *in)
{
    switch (in->opc) {
    case 0x06: case 0x07: case 0x0e: case 0x16: case 0x17: case 0x1e:
    case 0x1f: case 0x27: case 0x2f: case 0x37: case 0x3f: case 0x60:
    case 0x61: case 0x62: case 0x82: case 0x9a: case 0xc4: case 0xc5:
    case 0xce: case 0xd4: case 0xd5: case 0xd6: case 0xea:
        return true;
    }
    return false;
}

static void push_seg(X86Interp *x, const X86Insn *in, int seg)
{
    x86_push(x, stack_opsize(x, in), x->st->segs[seg].selector);
}

static void pop_seg(X86Interp *x, const X86Insn *in, int seg)
{
    int size = stack_opsize(x, in);
    int ss = x86_stack_size(x);
    uint64_t sp = R(x, E_SP) & size_mask(ss);
    uint16_t sel = x86_ld(x, X86_SEG_SS, sp, 2);

    x86_load_seg(x, seg, sel);
    x86_set_reg(x, E_SP, ss, false, sp + size);
    if (seg == X86_SEG_SS) {
        x->inhibit_irq = true;
    }
}

/* ------------------------------------------------------------------ */
/* The one-byte map                                                    */

void x86_exec(X86Interp *x, const X86Insn *in)
{
    X86VCPUState *st = x->st;
    uint64_t next = st->rip + in->len;
    int opc = in->opc, size = in->opsize;
    uint64_t v, w;
    RMW r = { .write = true };

    if (in->mode != 8) {
        next &= size_mask(in->mode);
    } else if (invalid64(in)) {
        x86_raise_ud(x);
    }
    st->rip = next;
    if (opc >= 0x100) {
        x86_exec_0f(x, in, next);
        return;
    }
    if (opc < 0x40 && (opc & 7) < 6) {
        int op = opc >> 3;

        size = bsize(in);
        switch (opc & 7) {
        case 0:
        case 1:
            check_lock(x, in, op != ALU_CMP);
            r.write = op != ALU_CMP;
            v = rmw_read(x, in, size, next, &r);
            w = x86_get_reg(x, in->reg, size, rex_any(in));
            v = x86_alu(x, op, v, w, size);
            if (op != ALU_CMP) {
                rmw_write(x, in, size, v, &r);
            }
            return;
        case 2:
        case 3:
            check_lock(x, in, false);
            v = x86_get_reg(x, in->reg, size, rex_any(in));
            w = x86_get_rm(x, in, size, next);
            v = x86_alu(x, op, v, w, size);
            if (op != ALU_CMP) {
                x86_set_reg(x, in->reg, size, rex_any(in), v);
            }
            return;
        default:
            check_lock(x, in, false);
            v = x86_alu(x, op, R(x, E_AX), in->imm, size);
            if (op != ALU_CMP) {
                x86_set_reg(x, E_AX, size, false, v);
            }
            return;
        }
    }
    if (in->lock && !(opc >= 0x80 && opc <= 0x83) && opc != 0x86 &&
        opc != 0x87 && opc != 0xf6 && opc != 0xf7 && opc != 0xfe &&
        opc != 0xff) {
        x86_raise_ud(x);
    }

    switch (opc) {
    case 0x06: push_seg(x, in, X86_SEG_ES); return;
    case 0x07: pop_seg(x, in, X86_SEG_ES); return;
    case 0x0e: push_seg(x, in, X86_SEG_CS); return;
    case 0x16: push_seg(x, in, X86_SEG_SS); return;
    case 0x17: pop_seg(x, in, X86_SEG_SS); return;
    case 0x1e: push_seg(x, in, X86_SEG_DS); return;
    case 0x1f: pop_seg(x, in, X86_SEG_DS); return;
    case 0x27: case 0x2f: case 0x37: case 0x3f:
        x86_bcd(x, opc, 0);
        return;
    case 0x40 ... 0x4f:
        v = x86_get_reg(x, opc & 7, size, false);
        x86_set_reg(x, opc & 7, size, false,
                    x86_incdec(x, opc & 8, v, size));
        return;
    case 0x50 ... 0x57:
        size = stack_opsize(x, in);
        x86_push(x, size, R(x, (opc & 7) | ((in->rex & 1) << 3)));
        return;
    case 0x58 ... 0x5f:
        size = stack_opsize(x, in);
        v = x86_pop(x, size);
        x86_set_reg(x, (opc & 7) | ((in->rex & 1) << 3), size, false, v);
        return;
    case 0x60: { /* PUSHA */
        uint64_t sp = R(x, E_SP);

        for (int i = 0; i < 8; i++) {
            x86_push(x, size, i == E_SP ? sp : R(x, i));
        }
        return;
    }
    case 0x61: { /* POPA: DI SI BP (SP skipped) BX DX CX AX */
        for (int i = 7; i >= 0; i--) {
            v = x86_pop(x, size);
            if (i != E_SP) {
                x86_set_reg(x, i, size, false, v);
            }
        }
        return;
    }
    case 0x62: /* BOUND */
        if (in->mod == 3) {
            x86_raise_ud(x);
        }
        w = x86_ea(x, in, next);
        v = sign_ext(x86_get_reg(x, in->reg, size, false), size);
        if ((int64_t)v < sign_ext(x86_ld(x, x86_ea_seg(in), w, size), size) ||
            (int64_t)v > sign_ext(x86_ld(x, x86_ea_seg(in),
                                         (w + size) & size_mask(in->adsize),
                                         size), size)) {
            x86_raise(x, EXC_BR, false, 0);
        }
        return;
    case 0x63:
        if (in->mode == 8) { /* MOVSXD */
            v = sign_ext(x86_get_rm(x, in, 4, next), 4);
            x86_set_reg(x, in->reg, size, false, v);
            return;
        }
        if (!x86_pe(x) || x86_vm86(x)) { /* ARPL */
            x86_raise_ud(x);
        }
        v = rmw_read(x, in, 2, next, &r);
        w = x86_get_reg(x, in->reg, 2, false);
        if ((v & 3) < (w & 3)) {
            rmw_write(x, in, 2, (v & ~3) | (w & 3), &r);
            st->rflags |= FL_ZF;
        } else {
            st->rflags &= ~FL_ZF;
        }
        return;
    case 0x68:
    case 0x6a:
        x86_push(x, stack_opsize(x, in), in->imm);
        return;
    case 0x69:
    case 0x6b:
        v = x86_imul2(x, x86_get_rm(x, in, size, next), in->imm, size);
        x86_set_reg(x, in->reg, size, false, v);
        return;
    case 0x6c ... 0x6f:
    case 0xa4 ... 0xa7:
    case 0xaa ... 0xaf:
        exec_string(x, in, next);
        return;
    case 0x70 ... 0x7f:
        if (x86_cond(x, opc & 15)) {
            x86_set_rip(x, next + in->imm);
        }
        return;
    case 0x80 ... 0x83: {
        int op = in->reg & 7;

        size = bsize(in);
        check_lock(x, in, op != ALU_CMP);
        r.write = op != ALU_CMP;
        v = rmw_read(x, in, size, next, &r);
        v = x86_alu(x, op, v, in->imm, size);
        if (op != ALU_CMP) {
            rmw_write(x, in, size, v, &r);
        }
        return;
    }
    case 0x84:
    case 0x85:
        size = bsize(in);
        v = x86_get_rm(x, in, size, next);
        x86_alu(x, ALU_AND, v, x86_get_reg(x, in->reg, size, rex_any(in)),
                size);
        return;
    case 0x86:
    case 0x87:
        size = bsize(in);
        v = rmw_read(x, in, size, next, &r);
        w = x86_get_reg(x, in->reg, size, rex_any(in));
        rmw_write(x, in, size, w, &r);
        x86_set_reg(x, in->reg, size, rex_any(in), v);
        return;
    case 0x88 ... 0x8b:
        size = bsize(in);
        if (opc & 2) {
            x86_set_reg(x, in->reg, size, rex_any(in),
                        x86_get_rm(x, in, size, next));
        } else {
            x86_set_rm(x, in, size,
                       x86_get_reg(x, in->reg, size, rex_any(in)), next);
        }
        return;
    case 0x8c: /* MOV r/m, Sreg */
        if ((in->reg & 7) > 5) {
            x86_raise_ud(x);
        }
        v = st->segs[in->reg & 7].selector;
        x86_set_rm(x, in, in->mod == 3 ? size : 2, v, next);
        return;
    case 0x8d:
        if (in->mod == 3) {
            x86_raise_ud(x);
        }
        x86_set_reg(x, in->reg, size, false, x86_ea(x, in, next));
        return;
    case 0x8e: { /* MOV Sreg, r/m */
        int seg = in->reg & 7;

        if (seg == X86_SEG_CS || seg > 5) {
            x86_raise_ud(x);
        }
        x86_load_seg(x, seg, x86_get_rm(x, in, 2, next));
        if (seg == X86_SEG_SS) {
            x->inhibit_irq = true;
        }
        return;
    }
    case 0x8f:
        /* POP r/m: the address is computed with RSP after the pop. */
        size = stack_opsize(x, in);
        v = x86_pop(x, size);
        x86_set_rm(x, in, size, v, next);
        return;
    case 0x90:
        if (!(in->rex & 1)) {
            return;     /* NOP, PAUSE */
        }
        /* fall through */
    case 0x91 ... 0x97: {
        int n = (opc & 7) | ((in->rex & 1) << 3);

        v = x86_get_reg(x, n, size, false);
        x86_set_reg(x, n, size, false, x86_get_reg(x, 0, size, false));
        x86_set_reg(x, 0, size, false, v);
        return;
    }
    case 0x98:
        v = sign_ext(R(x, E_AX), size / 2);
        x86_set_reg(x, E_AX, size, false, v);
        return;
    case 0x99:
        v = sign_ext(R(x, E_AX), size) < 0 ? ~0ULL : 0;
        x86_set_reg(x, E_DX, size, false, v);
        return;
    case 0x9a:
        x86_far_call(x, in->imm2, in->imm, size, next);
        return;
    case 0x9b: /* FWAIT: no x87 state to wait for */
        if ((st->cr0 & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS)) {
            x86_raise(x, EXC_NM, false, 0);
        }
        return;
    case 0x9c:
        if (x86_vm86(x) && ((st->rflags >> 12) & 3) != 3) {
            x86_raise(x, EXC_GP, true, 0);
        }
        x86_push(x, stack_opsize(x, in),
                 st->rflags & ~(uint64_t)(FL_VM | FL_RF));
        return;
    case 0x9d:
        if (x86_vm86(x) && ((st->rflags >> 12) & 3) != 3) {
            x86_raise(x, EXC_GP, true, 0);
        }
        size = stack_opsize(x, in);
        x86_set_rflags(x, x86_pop(x, size), size);
        return;
    case 0x9e: /* SAHF */
        v = (R(x, E_AX) >> 8) & (FL_SF | FL_ZF | FL_AF | FL_PF |
                                        FL_CF);
        st->rflags = (st->rflags & ~0xd5ULL) | v | 2;
        return;
    case 0x9f: /* LAHF */
        x86_set_reg(x, 4, 1, false, (st->rflags & 0xd5) | 2);
        return;
    case 0xa0 ... 0xa3: {
        int seg = in->seg >= 0 ? in->seg : X86_SEG_DS;

        size = bsize(in);
        if (opc & 2) {
            x86_st(x, seg, in->imm, size, R(x, E_AX));
        } else {
            x86_set_reg(x, E_AX, size, false,
                        x86_ld(x, seg, in->imm, size));
        }
        return;
    }
    case 0xa8:
    case 0xa9:
        size = bsize(in);
        x86_alu(x, ALU_AND, R(x, E_AX), in->imm, size);
        return;
    case 0xb0 ... 0xb7:
        x86_set_reg(x, (opc & 7) | ((in->rex & 1) << 3), 1, rex_any(in),
                    in->imm);
        return;
    case 0xb8 ... 0xbf:
        x86_set_reg(x, (opc & 7) | ((in->rex & 1) << 3), size, false,
                    in->imm);
        return;
    case 0xc0: case 0xc1: case 0xd0: case 0xd1: case 0xd2: case 0xd3: {
        unsigned cnt = opc <= 0xc1 ? in->imm & 0xff :
                       opc <= 0xd1 ? 1 : R(x, E_CX) & 0xff;

        size = bsize(in);
        v = rmw_read(x, in, size, next, &r);
        rmw_write(x, in, size, x86_shift(x, in->reg & 7, v, cnt, size), &r);
        return;
    }
    case 0xc2:
    case 0xc3:
        size = stack_opsize(x, in);
        v = x86_pop(x, size);
        if (opc == 0xc2) {
            int ss = x86_stack_size(x);

            x86_set_reg(x, E_SP, ss, false,
                        R(x, E_SP) + (in->imm & 0xffff));
        }
        x86_set_rip(x, v);
        return;
    case 0xc4:
    case 0xc5: { /* LES, LDS */
        uint16_t sel;

        v = x86_ld_far_ptr(x, in, next, &sel);
        x86_load_seg(x, opc == 0xc4 ? X86_SEG_ES : X86_SEG_DS, sel);
        x86_set_reg(x, in->reg, size, false, v);
        return;
    }
    case 0xc6:
    case 0xc7:
        if (in->reg & 7) {
            x86_unimplemented(x, in);
        }
        x86_set_rm(x, in, bsize(in), in->imm, next);
        return;
    case 0xc8: { /* ENTER */
        int level = in->imm2 & 31;
        int ssz = x86_stack_size(x);
        uint64_t frame;

        size = stack_opsize(x, in);
        x86_push(x, size, R(x, E_BP));
        frame = R(x, E_SP);
        for (int i = 1; i < level; i++) {
            uint64_t bp = (R(x, E_BP) - i * size) & size_mask(ssz);

            x86_push(x, size, x86_ld(x, X86_SEG_SS, bp, size));
        }
        if (level) {
            x86_push(x, size, frame);
        }
        x86_set_reg(x, E_BP, size, false, frame);
        x86_set_reg(x, E_SP, ssz, false,
                    R(x, E_SP) - (in->imm & 0xffff));
        return;
    }
    case 0xc9: { /* LEAVE */
        int ssz = x86_stack_size(x);

        x86_set_reg(x, E_SP, ssz, false, R(x, E_BP));
        size = stack_opsize(x, in);
        x86_set_reg(x, E_BP, size, false, x86_pop(x, size));
        return;
    }
    case 0xca:
    case 0xcb:
        x86_far_ret(x, size, opc == 0xca ? in->imm & 0xffff : 0);
        return;
    case 0xcc:
        x86_do_interrupt(x, EXC_BP, true, false, 0, next);
        return;
    case 0xcd:
        if (x86_vm86(x) && ((st->rflags >> 12) & 3) != 3) {
            x86_raise(x, EXC_GP, true, 0);
        }
        x86_do_interrupt(x, in->imm & 0xff, true, false, 0, next);
        return;
    case 0xce:
        if (st->rflags & FL_OF) {
            x86_do_interrupt(x, EXC_OF, true, false, 0, next);
        }
        return;
    case 0xcf:
        x86_iret(x, size);
        return;
    case 0xd4:
    case 0xd5:
        x86_bcd(x, opc, in->imm & 0xff);
        return;
    case 0xd6: /* SALC */
        x86_set_reg(x, 0, 1, false, (st->rflags & FL_CF) ? 0xff : 0);
        return;
    case 0xd7: { /* XLAT */
        int seg = in->seg >= 0 ? in->seg : X86_SEG_DS;
        uint64_t ea = (R(x, E_BX) + (R(x, E_AX) & 0xff)) &
                      size_mask(in->adsize);

        x86_set_reg(x, 0, 1, false, x86_ld(x, seg, ea, 1));
        return;
    }
    case 0xe0 ... 0xe2: { /* LOOPNE, LOOPE, LOOP */
        uint64_t c = (R(x, E_CX) - 1) & size_mask(in->adsize);
        bool zf = st->rflags & FL_ZF;

        x86_set_reg(x, E_CX, in->adsize, false, c);
        if (c && (opc == 0xe2 || (opc == 0xe1 ? zf : !zf))) {
            x86_set_rip(x, next + in->imm);
        }
        return;
    }
    case 0xe3:
        if (!(R(x, E_CX) & size_mask(in->adsize))) {
            x86_set_rip(x, next + in->imm);
        }
        return;
    case 0xe4: case 0xe5: case 0xe6: case 0xe7:
        exec_io(x, in, in->imm & 0xff, opc & 2);
        return;
    case 0xec: case 0xed: case 0xee: case 0xef:
        exec_io(x, in, R(x, E_DX) & 0xffff, opc & 2);
        return;
    case 0xe8:
        x86_push(x, stack_opsize(x, in), next);
        v = next + in->imm;
        x86_set_rip(x, in->mode != 8 ? v & size_mask(size) : v);
        return;
    case 0xe9:
    case 0xeb:
        v = next + in->imm;
        x86_set_rip(x, in->mode != 8 ? v & size_mask(size) : v);
        return;
    case 0xea:
        x86_far_jmp(x, in->imm2, in->imm, next);
        return;
    case 0xf1: /* INT1 */
        x86_do_interrupt(x, EXC_DB, false, false, 0, next);
        return;
    case 0xf4: /* HLT */
        if (x86_cpl(x) != 0) {
            x86_raise(x, EXC_GP, true, 0);
        }
        st->mp_state = 3;   /* KVM_MP_STATE_HALTED */
        return;
    case 0xf5:
        st->rflags ^= FL_CF;
        return;
    case 0xf6:
    case 0xf7:
        exec_grp3(x, in, next);
        return;
    case 0xf8: st->rflags &= ~FL_CF; return;
    case 0xf9: st->rflags |= FL_CF; return;
    case 0xfa:
    case 0xfb: {
        int iopl = (st->rflags >> 12) & 3;

        if (x86_pe(x) && x86_cpl(x) > iopl) {
            x86_raise(x, EXC_GP, true, 0);
        }
        if (opc == 0xfa) {
            st->rflags &= ~FL_IF;
        } else {
            if (!(st->rflags & FL_IF)) {
                x->inhibit_irq = true;
            }
            st->rflags |= FL_IF;
        }
        return;
    }
    case 0xfc: st->rflags &= ~FL_DF; return;
    case 0xfd: st->rflags |= FL_DF; return;
    case 0xfe:
    case 0xff:
        exec_grp5(x, in, next);
        return;
    default:
        /* x87 (D8-DF) and anything else not listed above. */
        x86_unimplemented(x, in);
    }
}
