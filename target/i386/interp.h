/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tern's software x86 vCPU: an interpreter over X86VCPUState (the same
 * struct, and so the same "cpu" migration state, as the KVM vCPU).  It
 * knows nothing of QOM or the memory API: physical memory, port I/O and
 * the interrupt line reach it through X86InterpOps, so the unit suite and
 * the fuzz target drive it with plain buffers.  docs/devel/tcg.md has the
 * design.
 */
#ifndef TARGET_I386_INTERP_H
#define TARGET_I386_INTERP_H

#include <setjmp.h>
#include "system/kvm-x86.h"

typedef struct X86RamRange {
    uint64_t start;
    uint64_t size;
    uint8_t *host;
    uint64_t ram_addr;
    bool readonly;
} X86RamRange;

typedef struct X86InterpOps {
    /*
     * The RAM range holding guest physical @pa (guest start and size,
     * host pointer and ram_addr of its start, read-only for ROM), or
     * false for MMIO / unassigned.  The interpreter keeps the last one
     * until x86_interp_flush(), so a range must stay valid until the
     * caller flushes (after a change of the memory map).
     */
    bool (*ram_range)(void *opaque, uint64_t pa, X86RamRange *r);
    /* A guest store went to the RAM page at @ram_addr (dirty bitmap). */
    void (*mark_dirty)(void *opaque, uint64_t ram_addr);
    /*
     * Instructions are about to be decoded from the RAM page at
     * @ram_addr: from now on a write by anybody else must end in
     * x86_interp_invalidate_page() on this vCPU before it runs on.
     * (Its own stores are seen by the interpreter itself.)  Optional.
     */
    void (*protect_code)(void *opaque, uint64_t ram_addr);
    uint64_t (*mmio_read)(void *opaque, uint64_t pa, unsigned size);
    void (*mmio_write)(void *opaque, uint64_t pa, uint64_t val,
                       unsigned size);
    uint32_t (*io_in)(void *opaque, uint16_t port, unsigned size);
    void (*io_out)(void *opaque, uint16_t port, uint32_t val,
                   unsigned size);
    /* Acknowledge the pending external interrupt; its vector, or -1. */
    int (*irq_ack)(void *opaque);
    /* The host time base for RDTSC (ns is fine: any monotonic count). */
    uint64_t (*host_ticks)(void *opaque);
} X86InterpOps;

typedef enum X86InterpExit {
    X86_EXIT_BUDGET,        /* ran the number of instructions asked */
    X86_EXIT_REQUEST,       /* exit_request was set */
    X86_EXIT_HLT,           /* HLT with no interrupt to take */
    X86_EXIT_SHUTDOWN,      /* triple fault */
} X86InterpExit;

/* One decoded instruction (the per-page cache holds these). */
typedef struct X86Insn {
    uint64_t imm;
    int64_t disp;
    uint64_t imm2;          /* far pointers, ENTER's level */
    uint16_t opc;           /* 0x000-0x0ff, 0x100-0x1ff for 0F xx */
    uint8_t len;
    uint8_t mode;           /* code size 2/4/8 it was decoded for */
    uint8_t opsize;         /* 1 is not used: byte ops read opc */
    uint8_t adsize;
    int8_t seg;             /* override, or -1 */
    uint8_t rep;            /* 0, 0xf2, 0xf3 */
    uint8_t lock;
    uint8_t rex;
    uint8_t has_modrm;
    uint8_t mod, reg, rm;   /* reg and rm with REX bits */
    int8_t base, index;     /* -1: none; 16-bit: base/index pairs */
    uint8_t scale;
    uint8_t rip_rel;
    uint8_t valid;
    uint32_t tag;           /* page offset, for the cache */
} X86Insn;

#define X86_TLB_SIZE 256

typedef struct X86TLBEntry {
    uint64_t vpage_read;    /* linear page | 1 when empty */
    uint64_t vpage_write;
    uint64_t vpage_exec;
    uint64_t ppage;
    uint64_t ram_addr;      /* of the page, for mark_dirty() */
    uint8_t *host;          /* host address of the page, NULL: MMIO */
} X86TLBEntry;

typedef struct X86CodePage X86CodePage;

typedef struct X86Interp {
    X86VCPUState *st;
    const X86InterpOps *ops;
    void *opaque;

    /* Set by any thread to make x86_interp_run() return soon. */
    int exit_request;
    /* The interrupt line (PIC INTR output), set by any thread. */
    int irq_line;

    /* Instructions executed since creation. */
    uint64_t icount;
    /* TSC = host_ticks + tsc_offset. */
    int64_t tsc_offset;
    /* An unimplemented opcode was met (the fuzz target counts these). */
    uint64_t ud_count;

    /* Everything below is private to target/i386/interp-*.c. */
    sigjmp_buf jmp;
    uint64_t insn_rip;      /* rip of the instruction being executed */
    int exc_depth;          /* nested delivery: 2 = double fault */
    int exc_vec;            /* the fault being raised */
    bool exc_has_err;
    uint32_t exc_err;
    bool shutdown;          /* triple fault */
    bool inhibit_irq;       /* one instruction after STI / MOV SS */
    X86TLBEntry tlb[2][X86_TLB_SIZE];   /* [user][index] */
    X86RamRange ram_cache;  /* the last RAM range looked up */
    GHashTable *code_pages; /* physical page -> X86CodePage */
    /* Pages that may have decoded code: bit (page number & 0xffff). */
    uint64_t code_bloom[1024];
    X86CodePage *last_code;
    uint64_t last_code_page;
    GSList *dead_code;      /* dropped pages, freed at the next fetch */
    /* Instruction fetch fast path: the linear page last fetched from. */
    uint64_t fetch_vpage;
    X86CodePage *fetch_cp;
    uint8_t fetch_mode;
    bool fetch_user;
} X86Interp;

/* Bind @x to @st (the registers live there) and empty its caches. */
void x86_interp_init(X86Interp *x, X86VCPUState *st,
                     const X86InterpOps *ops, void *opaque);
void x86_interp_destroy(X86Interp *x);

/*
 * The architectural RESET state (real mode at f000:fff0 with CS base
 * 0xffff0000, EDX = the family/model/stepping CPUID reports, CR0
 * 0x60000010, DR6/DR7, FCW/MXCSR in the XSAVE area, the MSR list), then
 * the real-mode start at @cs:@ip with CS base @cs * 16 unless @cs is
 * 0xf000 and @ip 0xfff0.  Used by every accelerator that has no state
 * of its own to start from (tcg, qtest).
 */
void x86_cpu_state_reset(X86VCPUState *st, uint16_t cs, uint16_t ip);

/* Run at most @budget instructions. */
X86InterpExit x86_interp_run(X86Interp *x, uint64_t budget);

/*
 * The guest changed memory behind the interpreter's back (a loader, a
 * migration, DMA): drop every decoded instruction and TLB entry.  A
 * write through @x's own stores is noticed by itself.
 */
void x86_interp_flush(X86Interp *x);
/* Physical page @pa was written by someone else: drop its code. */
void x86_interp_invalidate_page(X86Interp *x, uint64_t pa);

/*
 * Before the state is read (migration, dumps): put the current TSC in
 * the state's MSR list, where the KVM vCPU keeps it too.
 */
void x86_interp_save_tsc(X86Interp *x);
/*
 * After the state was replaced (reset, incoming migration): take the
 * TSC from the MSR list, drop every cache and a pending triple fault.
 */
void x86_interp_load_state(X86Interp *x);

/* CPUID as the interpreter reports it (leaf @eax, subleaf @ecx). */
void x86_interp_cpuid(uint32_t eax, uint32_t ecx, uint32_t out[4]);

/* The MSRs the state carries for this vCPU (a fixed list). */
unsigned int x86_interp_msr_list(const uint32_t **indices);

#endif
