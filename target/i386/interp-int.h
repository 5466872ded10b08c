/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the interpreter's files share: register and flag helpers, the
 * memory access functions (interp-mmu.c), segment and exception helpers
 * (interp-seg.c), the ALU (interp-alu.c) and the two opcode maps
 * (interp-exec.c, interp-exec0f.c).  Faults leave an instruction with
 * siglongjmp() to the run loop, which delivers them.
 */
#ifndef TARGET_I386_INTERP_INT_H
#define TARGET_I386_INTERP_INT_H

#include "target/i386/interp.h"

/* RFLAGS bits. */
#define FL_CF   0x0001
#define FL_PF   0x0004
#define FL_AF   0x0010
#define FL_ZF   0x0040
#define FL_SF   0x0080
#define FL_TF   0x0100
#define FL_IF   0x0200
#define FL_DF   0x0400
#define FL_OF   0x0800
#define FL_IOPL 0x3000
#define FL_NT   0x4000
#define FL_RF   0x10000
#define FL_VM   0x20000
#define FL_AC   0x40000
#define FL_ID   0x200000
#define FL_ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

#define CR0_PE  0x1
#define CR0_MP  0x2
#define CR0_EM  0x4
#define CR0_TS  0x8
#define CR0_ET  0x10
#define CR0_NE  0x20
#define CR0_WP  0x10000
#define CR0_AM  0x40000
#define CR0_NW  0x20000000
#define CR0_CD  0x40000000
#define CR0_PG  0x80000000u

#define CR4_PSE 0x10
#define CR4_PAE 0x20
#define CR4_PGE 0x80

#define EFER_SCE 0x1
#define EFER_LME 0x100
#define EFER_LMA 0x400
#define EFER_NXE 0x800

#define EXC_DE  0
#define EXC_DB  1
#define EXC_NMI 2
#define EXC_BP  3
#define EXC_OF  4
#define EXC_BR  5
#define EXC_UD  6
#define EXC_NM  7
#define EXC_DF  8
#define EXC_TS  10
#define EXC_NP  11
#define EXC_SS  12
#define EXC_GP  13
#define EXC_PF  14

/* Memory access kinds for the page walk. */
enum { ACC_READ, ACC_WRITE, ACC_EXEC };

#define MSR_TSC             0x10
#define MSR_APIC_BASE       0x1b
#define MSR_SYSENTER_CS     0x174
#define MSR_SYSENTER_ESP    0x175
#define MSR_SYSENTER_EIP    0x176
#define MSR_MISC_ENABLE     0x1a0
#define MSR_PAT             0x277
#define MSR_EFER            0xc0000080
#define MSR_STAR            0xc0000081
#define MSR_LSTAR           0xc0000082
#define MSR_CSTAR           0xc0000083
#define MSR_FMASK           0xc0000084
#define MSR_FS_BASE         0xc0000100
#define MSR_GS_BASE         0xc0000101
#define MSR_KERNEL_GS_BASE  0xc0000102
#define MSR_TSC_AUX         0xc0000103

/*
 * General registers by their instruction encoding (EAX ECX EDX EBX ESP
 * EBP ESI EDI R8..R15); X86VCPUState keeps them in struct kvm_regs order.
 */
enum { E_AX, E_CX, E_DX, E_BX, E_SP, E_BP, E_SI, E_DI, E_R8, E_R9, E_R10,
       E_R11 };
extern const uint8_t x86_enc2kvm[16];
#define R(x, n) ((x)->st->regs[x86_enc2kvm[n]])

static inline bool x86_long_mode(X86Interp *x)
{
    return x->st->efer & EFER_LMA;
}

static inline bool x86_pe(X86Interp *x)
{
    return x->st->cr0 & CR0_PE;
}

static inline bool x86_vm86(X86Interp *x)
{
    return x->st->rflags & FL_VM;
}

static inline int x86_cpl(X86Interp *x)
{
    if (!x86_pe(x)) {
        return 0;
    }
    if (x86_vm86(x)) {
        return 3;
    }
    return x->st->segs[X86_SEG_CS].dpl;
}

/* Code size: 2, 4 or 8 bytes. */
static inline int x86_code_size(X86Interp *x)
{
    const X86Segment *cs = &x->st->segs[X86_SEG_CS];

    if (x86_long_mode(x) && cs->l) {
        return 8;
    }
    return (x86_pe(x) && !x86_vm86(x) && cs->db) ? 4 : 2;
}

/* Stack pointer size: 2, 4 or 8. */
static inline int x86_stack_size(X86Interp *x)
{
    if (x86_long_mode(x) && x->st->segs[X86_SEG_CS].l) {
        return 8;
    }
    return x->st->segs[X86_SEG_SS].db && x86_pe(x) ? 4 : 2;
}

static inline uint64_t size_mask(int size)
{
    return size == 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

static inline int64_t sign_ext(uint64_t v, int size)
{
    switch (size) {
    case 1: return (int8_t)v;
    case 2: return (int16_t)v;
    case 4: return (int32_t)v;
    default: return (int64_t)v;
    }
}

/* General register @n of @size bytes (size 1: AL..BH unless @rex). */
uint64_t x86_get_reg(X86Interp *x, int n, int size, bool rex);
void x86_set_reg(X86Interp *x, int n, int size, bool rex, uint64_t v);

/* --- faults (interp-seg.c) --- */
G_NORETURN void x86_raise(X86Interp *x, int vec, bool has_err, uint32_t err);
G_NORETURN void x86_raise_ud(X86Interp *x);
/* Deliver an exception or interrupt through the IDT / IVT. */
void x86_do_interrupt(X86Interp *x, int vec, bool is_int, bool has_err,
                      uint32_t err, uint64_t next_rip);

/* --- memory (interp-mmu.c) --- */
uint64_t x86_ld_lin(X86Interp *x, uint64_t lin, int size, int acc,
                    bool user);
void x86_st_lin(X86Interp *x, uint64_t lin, int size, uint64_t v,
                bool user);
/* Segment-relative: limit and rights checks, then the linear access. */
uint64_t x86_seg_lin(X86Interp *x, int seg, uint64_t off, int size,
                     int acc);
uint64_t x86_ld(X86Interp *x, int seg, uint64_t off, int size);
void x86_st(X86Interp *x, int seg, uint64_t off, int size, uint64_t v);
/* A load that a store to the same place follows (write checks first). */
uint64_t x86_ld_rmw(X86Interp *x, int seg, uint64_t off, int size);
/* Supervisor (implicit) accesses: descriptor tables, TSS. */
uint64_t x86_ld_sys(X86Interp *x, uint64_t lin, int size);
void x86_st_sys(X86Interp *x, uint64_t lin, int size, uint64_t v);
void x86_tlb_flush(X86Interp *x);
void x86_tlb_flush_page(X86Interp *x, uint64_t lin);
/*
 * Decode at rip, through the per-page cache: the cached instruction, or
 * @scratch for one that is not cached.  Valid until the next fetch.
 */
const X86Insn *x86_fetch_insn(X86Interp *x, X86Insn *scratch);
/* Free the code pages dropped since the last fetch. */
void x86_code_reap(X86Interp *x);
/* Decode @n bytes at @buf (interp-exec.c); false if @n is too short. */
bool x86_decode(const uint8_t *buf, int n, int mode, X86Insn *insn);

/* --- stack --- */
void x86_push(X86Interp *x, int size, uint64_t v);
uint64_t x86_pop(X86Interp *x, int size);

/* --- segments and control transfers (interp-seg.c) --- */
void x86_load_seg(X86Interp *x, int seg, uint16_t sel);
void x86_far_jmp(X86Interp *x, uint16_t sel, uint64_t off,
                 uint64_t next_rip);
void x86_far_call(X86Interp *x, uint16_t sel, uint64_t off, int opsize,
                  uint64_t next_rip);
void x86_far_ret(X86Interp *x, int opsize, uint16_t pop_extra);
void x86_iret(X86Interp *x, int opsize);
void x86_lldt(X86Interp *x, uint16_t sel);
void x86_ltr(X86Interp *x, uint16_t sel);
void x86_set_cr(X86Interp *x, int n, uint64_t v);
bool x86_rdmsr(X86Interp *x, uint32_t idx, uint64_t *v);
bool x86_wrmsr(X86Interp *x, uint32_t idx, uint64_t v);
void x86_syscall(X86Interp *x, uint64_t next_rip);
void x86_sysret(X86Interp *x, int opsize);
void x86_sysenter(X86Interp *x);
void x86_sysexit(X86Interp *x, int opsize);
uint64_t x86_rdtsc(X86Interp *x);
/* LAR / LSL / VERR / VERW: the descriptor, or false (ZF = 0). */
bool x86_check_desc(X86Interp *x, uint16_t sel, int what, uint64_t *out);
void x86_check_io(X86Interp *x, uint16_t port, int size);
void x86_set_rflags(X86Interp *x, uint64_t v, int opsize);

/* --- ALU (interp-alu.c) --- */
enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR,
       ALU_CMP };
uint64_t x86_alu(X86Interp *x, int op, uint64_t a, uint64_t b, int size);
uint64_t x86_incdec(X86Interp *x, bool dec, uint64_t a, int size);
/* ROL ROR RCL RCR SHL SHR SAL SAR = 0..7 */
uint64_t x86_shift(X86Interp *x, int op, uint64_t a, unsigned cnt,
                   int size);
uint64_t x86_shld(X86Interp *x, bool right, uint64_t a, uint64_t b,
                  unsigned cnt, int size);
void x86_set_logic_flags(X86Interp *x, uint64_t r, int size);
bool x86_cond(X86Interp *x, int cc);
/* Group 3 MUL/IMUL/DIV/IDIV on the accumulator. */
void x86_muldiv(X86Interp *x, int op, uint64_t src, int size);
uint64_t x86_imul2(X86Interp *x, uint64_t a, uint64_t b, int size);
void x86_bcd(X86Interp *x, int opc, uint8_t imm);

/* --- execute (interp-exec.c, interp-exec0f.c) --- */
void x86_exec(X86Interp *x, const X86Insn *insn);
void x86_exec_0f(X86Interp *x, const X86Insn *insn, uint64_t next);
uint64_t x86_ea(X86Interp *x, const X86Insn *insn, uint64_t next);
int x86_ea_seg(const X86Insn *insn);
/* A far pointer operand m16:16/32/64: the offset, and *@sel. */
uint64_t x86_ld_far_ptr(X86Interp *x, const X86Insn *insn, uint64_t next,
                        uint16_t *sel);
/* The r/m operand, register or memory. */
uint64_t x86_get_rm(X86Interp *x, const X86Insn *insn, int size,
                    uint64_t next);
void x86_set_rm(X86Interp *x, const X86Insn *insn, int size, uint64_t v,
                uint64_t next);
void x86_set_rip(X86Interp *x, uint64_t rip);
G_NORETURN void x86_unimplemented(X86Interp *x, const X86Insn *insn);
/* LOCKed instructions and XCHG with memory run under one mutex. */
static inline bool x86_insn_needs_lock(const X86Insn *in)
{
    return in->lock || ((in->opc == 0x86 || in->opc == 0x87) &&
                        in->mod != 3);
}
void x86_exec_lock(bool on);

#endif
