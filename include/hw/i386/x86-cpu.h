/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 vCPU's migration state.  X86VCPUState (system/kvm-x86.h) holds
 * everything KVM keeps for a vCPU; vmstate_x86_vcpu_state describes it
 * field by field (hw/i386/machine.c), so that it travels in a migration
 * stream like any device state.
 */
#ifndef HW_I386_X86_CPU_H
#define HW_I386_X86_CPU_H

#include "hw/core/cpu.h"
#include "migration/vmstate.h"
#include "system/kvm-x86.h"

/*
 * "x86-vcpu", version 1: registers, segments, descriptor tables,
 * control registers, EFER, APIC base, the XSAVE area (its used length,
 * then that many bytes), XCRs and MSRs (count, then index/value pairs),
 * pending events, debug registers, mp_state.  Subsections:
 * "x86-vcpu/pdptrs" (PAE PDPTRs, when KVM_CAP_SREGS2 gave them) and
 * "x86-vcpu/lapic" (the in-kernel local APIC page).
 */
extern const VMStateDescription vmstate_x86_vcpu_state;

/*
 * The x86 CPU object (hw/i386/x86-cpu.c).  "host-x86_64-cpu" is the only
 * model: KVM's supported CPUID as is.  Its migration section is "cpu"
 * (instance = cpu_index), version 1: the x86-vcpu state above, then the
 * userspace halt flag (u32); pre_save fetches the registers from KVM
 * and post_load writes them back.
 */
#define TYPE_X86_CPU "x86_64-cpu"
#define X86_CPU_TYPE_NAME(model) model "-" TYPE_X86_CPU
#define TYPE_X86_HOST_CPU X86_CPU_TYPE_NAME("host")
OBJECT_DECLARE_TYPE(X86CPU, X86CPUClass, X86_CPU)

struct X86CPUClass {
    CPUClass parent_class;
    DeviceRealize parent_realize;
};

struct X86CPU {
    CPUState parent_obj;

    /* The registers as last read from (or to be written to) KVM. */
    X86VCPUState env;
    /*
     * Where the CPU starts after a reset, in real mode: f000:fff0 (the
     * reset vector) unless a loader chose otherwise with cpu_set_pc().
     */
    uint16_t start_cs;
    uint16_t start_ip;
};

extern const VMStateDescription vmstate_x86_cpu;

#endif
