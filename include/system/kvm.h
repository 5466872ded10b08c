/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The KVM accelerator ("-accel kvm"): the glue between the low-level KVM
 * layer (system/kvm-low.h) and the machine.  It maps guest RAM into
 * memory slots through a MemoryListener and feeds KVM's dirty log into
 * the RAMBlock dirty bitmaps, runs one thread per vCPU, implements the
 * pause / resume / kick seam of system/cpus.h, and carries the VM-wide
 * KVM state that migrates (kvmclock).  docs/devel/x86-machine.md has the
 * design.
 *
 * Everything here runs under the BQL unless it says otherwise.
 */
#ifndef SYSTEM_KVM_H
#define SYSTEM_KVM_H

#include "qemu/accel.h"
#include "hw/core/cpu.h"

#ifdef CONFIG_KVM
#include "system/kvm-low.h"
#else
typedef struct KVMState KVMState;
typedef struct KVMVCPU KVMVCPU;
#endif

#define TYPE_KVM_ACCEL ACCEL_CLASS_NAME("kvm")

/* Set once -accel kvm is the accelerator in use. */
extern bool kvm_allowed;
#define kvm_enabled() (kvm_allowed)

/* The VM (NULL unless kvm_enabled()). */
extern KVMState *kvm_state;

/* The in-kernel PIC/IOAPIC/LAPICs exist (-machine kernel-irqchip=on). */
bool kvm_irqchip_is_in_kernel(void);
/* And the in-kernel PIT. */
bool kvm_pit_is_in_kernel(void);

/* Drive ISA interrupt line @irq of the in-kernel irqchip (KVM_IRQ_LINE). */
void kvm_set_irq(int irq, int level);

/*
 * The dirty ring ("-accel kvm,dirty-ring-size=N"): whether it is in use,
 * its entries per vCPU (0: bitmaps), harvesting every ring now (any
 * thread; the counters below are then current), and the pages @cpu
 * dirtied so far according to its ring (0 without the ring).
 */
bool kvm_dirty_ring_enabled(void);
uint32_t kvm_dirty_ring_size(void);
void kvm_dirty_ring_flush(void);
uint64_t kvm_cpu_dirty_pages(CPUState *cpu);

/*
 * Create @cpu's KVM vCPU (id = its APIC ID) and its thread ("CPU N/KVM"),
 * which waits, stopped, until the VM starts.  Called by the CPU's
 * realize when kvm_enabled().
 */
bool kvm_init_vcpu(CPUState *cpu, Error **errp);
/* The low-level vCPU of @cpu (NULL before kvm_init_vcpu()). */
KVMVCPU *kvm_cpu_vcpu(CPUState *cpu);

/*
 * The architecture's half (hw/i386/x86-cpu.c), called in @cpu's thread:
 * read the whole register state from KVM into the CPU object, write it
 * back, and apply a pending reset (real mode at the reset vector, or
 * wherever a loader asked the CPU to start).
 */
bool kvm_arch_get_registers(CPUState *cpu, Error **errp);
bool kvm_arch_put_registers(CPUState *cpu, Error **errp);
bool kvm_arch_reset_vcpu(CPUState *cpu, Error **errp);
/* Once per vCPU, after creation (CPUID). */
bool kvm_arch_init_vcpu(CPUState *cpu, Error **errp);

#endif /* SYSTEM_KVM_H */
