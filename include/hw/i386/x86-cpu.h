/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 vCPU's migration state.  X86VCPUState (system/kvm-x86.h) holds
 * everything KVM keeps for a vCPU; vmstate_x86_vcpu_state describes it
 * field by field (hw/i386/machine.c), so that it travels in a migration
 * stream like any device state.
 */
#ifndef HW_I386_X86_CPU_H
#define HW_I386_X86_CPU_H

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

#endif
