/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interpreter's run loop (fetch through the decoded-instruction
 * cache, execute, deliver faults, take external interrupts, single-step
 * traps, HLT) and the architectural RESET state of an x86 vCPU.
 */
#include "qemu/osdep.h"
#include "qemu/atomic.h"
#include "target/i386/interp-int.h"
#include "target/i386/trace.h"

#define MP_STATE_RUNNABLE 0
#define MP_STATE_HALTED   3

void x86_interp_init(X86Interp *x, X86VCPUState *st,
                     const X86InterpOps *ops, void *opaque)
{
    GHashTable *pages = x->code_pages;

    x86_code_reap(x);
    memset(x, 0, sizeof(*x));
    x->st = st;
    x->ops = ops;
    x->opaque = opaque;
    x->code_pages = pages;
    x86_interp_flush(x);
}

void x86_interp_destroy(X86Interp *x)
{
    x86_code_reap(x);
    if (x->code_pages) {
        g_hash_table_destroy(x->code_pages);
        x->code_pages = NULL;
    }
}

static void seg_reset(X86Segment *s, uint16_t sel, uint64_t base,
                      uint8_t type, bool system)
{
    memset(s, 0, sizeof(*s));
    s->selector = sel;
    s->base = base;
    s->limit = 0xffff;
    s->type = type;
    s->present = 1;
    s->s = !system;
}

void x86_cpu_state_reset(X86VCPUState *st, uint16_t cs, uint16_t ip)
{
    const uint32_t *msrs;
    unsigned int nmsrs = x86_interp_msr_list(&msrs);
    uint32_t id[4];

    memset(st, 0, sizeof(*st));
    st->rflags = 2;
    x86_interp_cpuid(1, 0, id);
    st->regs[X86_REG_RDX] = id[0];      /* family, model, stepping */
    for (int i = 0; i < X86_SEG_NUM; i++) {
        seg_reset(&st->segs[i], 0, 0, 3, false);
    }
    seg_reset(&st->segs[X86_SEG_CS], 0xf000, 0xffff0000ULL, 0xb, false);
    seg_reset(&st->segs[X86_SEG_LDT], 0, 0, 2, true);
    seg_reset(&st->segs[X86_SEG_TR], 0, 0, 0xb, true);
    st->gdt.limit = 0xffff;
    st->idt.limit = 0xffff;
    st->cr0 = 0x60000010;
    st->apic_base = 0xfee00000ULL | 0x800 | 0x100;  /* enabled, BSP */
    st->dr6 = 0xffff0ff0;
    st->dr7 = 0x400;
    /* The legacy XSAVE area: FCW 0x37f, MXCSR 0x1f80; XCR0 = x87. */
    st->xsave_len = 4096;
    st->xsave[0] = 0x7f;
    st->xsave[1] = 0x03;
    st->xsave[24] = 0x80;
    st->xsave[25] = 0x1f;
    st->nxcrs = 1;
    st->xcrs[0].xcr = 0;
    st->xcrs[0].value = 1;
    st->nmsrs = nmsrs;
    for (unsigned i = 0; i < nmsrs; i++) {
        st->msrs[i].index = msrs[i];
        st->msrs[i].data = msrs[i] == MSR_PAT ? 0x0007040600070406ULL :
                           msrs[i] == MSR_MISC_ENABLE ? 1 : 0;
    }
    st->mp_state = MP_STATE_RUNNABLE;
    if (cs != 0xf000 || ip != 0xfff0) {
        st->segs[X86_SEG_CS].selector = cs;
        st->segs[X86_SEG_CS].base = (uint64_t)cs << 4;
    }
    st->rip = ip;
}

static X86MSREntry *tsc_entry(X86VCPUState *st)
{
    for (uint32_t i = 0; i < st->nmsrs && i < X86_KVM_MAX_MSRS; i++) {
        if (st->msrs[i].index == MSR_TSC) {
            return &st->msrs[i];
        }
    }
    return NULL;
}

void x86_interp_save_tsc(X86Interp *x)
{
    X86MSREntry *e = tsc_entry(x->st);

    if (e) {
        e->data = x->ops->host_ticks(x->opaque) + x->tsc_offset;
    }
}

void x86_interp_load_state(X86Interp *x)
{
    X86MSREntry *e = tsc_entry(x->st);

    if (e) {
        x->tsc_offset = e->data - x->ops->host_ticks(x->opaque);
    }
    x->shutdown = false;
    x->exc_depth = 0;
    x->inhibit_irq = false;
    x86_interp_flush(x);
}

/* Deliver the fault x86_raise() recorded; faults while doing so escalate. */
static void deliver_fault(X86Interp *x)
{
    int vec = x->exc_vec;
    bool has_err = x->exc_has_err;
    uint32_t err = x->exc_err;

    x->exc_depth++;
    if (x->exc_depth >= 3) {
        trace_x86_interp_triple_fault(x->insn_rip);
        x->shutdown = true;
        return;
    }
    if (x->exc_depth == 2) {
        vec = EXC_DF;
        has_err = true;
        err = 0;
    }
    /* Real mode has no error codes. */
    if (!x86_pe(x)) {
        has_err = false;
    }
    trace_x86_interp_exception(vec, err, x->insn_rip);
    x86_do_interrupt(x, vec, false, has_err, err, x->insn_rip);
    x->exc_depth = 0;
}

X86InterpExit x86_interp_run(X86Interp *x, uint64_t budget)
{
    X86VCPUState *st = x->st;
    uint64_t end = x->icount + budget;
    volatile bool locked = false;
    X86Insn scratch;
    const X86Insn *in;

    if (x->shutdown) {
        return X86_EXIT_SHUTDOWN;
    }
    if (sigsetjmp(x->jmp, 0)) {
        if (locked) {
            x86_exec_lock(false);
            locked = false;
        }
        st->rip = x->insn_rip;
        deliver_fault(x);
        if (x->shutdown) {
            return X86_EXIT_SHUTDOWN;
        }
        x->icount++;
    }
    while (x->icount < end) {
        bool tf;

        if (qatomic_read(&x->exit_request)) {
            return X86_EXIT_REQUEST;
        }
        if (qatomic_read(&x->irq_line) && (st->rflags & FL_IF) &&
            !x->inhibit_irq) {
            int vec = x->ops->irq_ack(x->opaque);

            if (vec >= 0) {
                st->mp_state = MP_STATE_RUNNABLE;
                x->insn_rip = st->rip;
                trace_x86_interp_interrupt(vec, st->rip);
                x86_do_interrupt(x, vec, false, false, 0, st->rip);
            }
        }
        if (st->mp_state == MP_STATE_HALTED) {
            return X86_EXIT_HLT;
        }
        x->inhibit_irq = false;
        x->insn_rip = st->rip;
        tf = st->rflags & FL_TF;
        if (x->dead_code) {
            x86_code_reap(x);
        }
        in = x86_fetch_insn(x, &scratch);
        if (x86_insn_needs_lock(in)) {
            x86_exec_lock(true);
            locked = true;
            x86_exec(x, in);
            locked = false;
            x86_exec_lock(false);
        } else {
            x86_exec(x, in);
        }
        x->icount++;
        if (tf) {
            /* Single-step trap after the instruction. */
            st->dr6 |= 0x4000;
            x->insn_rip = st->rip;
            x86_do_interrupt(x, EXC_DB, false, false, 0, st->rip);
        }
    }
    return X86_EXIT_BUDGET;
}
