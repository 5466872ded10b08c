/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86 vCPUs on the low-level KVM layer: CPUID setup, the architectural
 * reset, and the whole vCPU state as one plain struct with fixed-size
 * arrays (X86VCPUState), read and written with the KVM_GET_* / KVM_SET_*
 * ioctls.  A VMStateDescription can describe the struct field by field.
 */
#ifndef SYSTEM_KVM_X86_H
#define SYSTEM_KVM_X86_H

#include "system/kvm-low.h"

#define X86_KVM_MAX_MSRS     256
#define X86_KVM_MAX_XCRS     16
/* Enough for every XSAVE component KVM exposes today, AMX included. */
#define X86_KVM_XSAVE_BYTES  16384
#define X86_KVM_LAPIC_BYTES  1024

/* Segment registers, in the order of QEMU's R_ES... indices. */
enum {
    X86_SEG_ES, X86_SEG_CS, X86_SEG_SS, X86_SEG_DS, X86_SEG_FS, X86_SEG_GS,
    X86_SEG_LDT, X86_SEG_TR, X86_SEG_NUM
};

/* General registers, in struct kvm_regs order. */
enum {
    X86_REG_RAX, X86_REG_RBX, X86_REG_RCX, X86_REG_RDX, X86_REG_RSI,
    X86_REG_RDI, X86_REG_RSP, X86_REG_RBP, X86_REG_R8, X86_REG_R9,
    X86_REG_R10, X86_REG_R11, X86_REG_R12, X86_REG_R13, X86_REG_R14,
    X86_REG_R15, X86_REG_NUM
};

typedef struct X86Segment {
    uint64_t base;
    uint32_t limit;
    uint16_t selector;
    uint8_t type;
    uint8_t present;
    uint8_t dpl;
    uint8_t db;
    uint8_t s;
    uint8_t l;
    uint8_t g;
    uint8_t avl;
    uint8_t unusable;
} X86Segment;

typedef struct X86DescTable {
    uint64_t base;
    uint16_t limit;
} X86DescTable;

typedef struct X86MSREntry {
    uint32_t index;
    uint64_t data;
} X86MSREntry;

typedef struct X86XCREntry {
    uint32_t xcr;
    uint64_t value;
} X86XCREntry;

/*
 * Pending events (struct kvm_vcpu_events), one plain field each so that
 * the state description names them; the kernel's flags word is rebuilt on
 * put.
 */
typedef struct X86VCPUEvents {
    uint8_t exception_injected;
    uint8_t exception_nr;
    uint8_t exception_has_error_code;
    uint8_t exception_pending;
    uint32_t exception_error_code;
    uint8_t exception_has_payload;
    uint64_t exception_payload;
    uint8_t interrupt_injected;
    uint8_t interrupt_nr;
    uint8_t interrupt_soft;
    uint8_t interrupt_shadow;
    uint8_t nmi_injected;
    uint8_t nmi_pending;
    uint8_t nmi_masked;
    uint32_t sipi_vector;
    uint8_t smi_smm;
    uint8_t smi_pending;
    uint8_t smi_inside_nmi;
    uint8_t smi_latched_init;
    uint8_t triple_fault_pending;
    /* KVM_VCPUEVENT_VALID_SMM / _PAYLOAD / _TRIPLE_FAULT as read. */
    bool has_smm;
    bool has_payload;
    bool has_triple_fault;
} X86VCPUEvents;

typedef struct X86VCPUState {
    uint64_t regs[X86_REG_NUM];
    uint64_t rip;
    uint64_t rflags;

    X86Segment segs[X86_SEG_NUM];
    X86DescTable gdt;
    X86DescTable idt;
    uint64_t cr0, cr2, cr3, cr4, cr8;
    uint64_t efer;
    uint64_t apic_base;
    /* PAE page-directory pointers; valid only with KVM_CAP_SREGS2. */
    bool pdptrs_valid;
    uint64_t pdptrs[4];

    /* The XSAVE area as KVM_GET_XSAVE(2) returns it. */
    uint32_t xsave_len;
    uint8_t xsave[X86_KVM_XSAVE_BYTES];

    uint32_t nxcrs;
    X86XCREntry xcrs[X86_KVM_MAX_XCRS];

    uint32_t nmsrs;
    X86MSREntry msrs[X86_KVM_MAX_MSRS];

    X86VCPUEvents events;

    uint64_t db[4];
    uint64_t dr6;
    uint64_t dr7;

    uint32_t mp_state;      /* KVM_MP_STATE_* */

    bool has_lapic;         /* only with the in-kernel irqchip */
    uint8_t lapic[X86_KVM_LAPIC_BYTES];
} X86VCPUState;

/*
 * KVM_SET_CPUID2 with everything KVM_GET_SUPPORTED_CPUID offers, then
 * save the vCPU's power-on MSRs and LAPIC for kvm_x86_vcpu_reset().
 */
bool kvm_x86_vcpu_init_cpuid(KVMVCPU *cpu, Error **errp);

/*
 * Put @cpu in the state it has after RESET (the TSC keeps counting; needs
 * kvm_x86_vcpu_init_cpuid() first), but starting in real mode at
 * @cs:@ip with CS base @cs * 16 (0000:7c00 for a boot sector; f000:fff0
 * gives base 0xf0000 for a BIOS-style start).
 */
bool kvm_x86_vcpu_reset(KVMVCPU *cpu, uint16_t cs, uint16_t ip,
                        Error **errp);

/*
 * The MSRs that are saved: KVM_GET_MSR_INDEX_LIST filtered, once per
 * KVMState, to those a scratch vCPU can both read and write back.
 * Returns the count and sets *@indices (owned by @s).
 */
unsigned int kvm_x86_msr_list(KVMState *s, const uint32_t **indices,
                              Error **errp);

/* Read and write the whole vCPU state; the vCPU must not be running. */
bool kvm_x86_get_state(KVMVCPU *cpu, X86VCPUState *st, Error **errp);
bool kvm_x86_put_state(KVMVCPU *cpu, const X86VCPUState *st, Error **errp);

/* Look up an MSR in a saved state; false if it was not saved. */
bool x86_vcpu_state_get_msr(const X86VCPUState *st, uint32_t index,
                            uint64_t *value);

#endif
