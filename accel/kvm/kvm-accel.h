/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to accel/kvm: the accelerator object and the parts of the
 * accelerator that kvm-all.c (VM, memory, kvmclock) and kvm-cpus.c (vCPU
 * threads) share.
 */
#ifndef ACCEL_KVM_KVM_ACCEL_H
#define ACCEL_KVM_KVM_ACCEL_H

#include "system/kvm.h"
#include "system/kvm-x86.h"

typedef struct KVMAccelState {
    AccelState parent_obj;

    /* Properties. */
    uint32_t dirty_ring_size;   /* "dirty-ring-size": entries, 0 = bitmaps */
    bool kernel_irqchip;        /* "kernel-irqchip" */
    bool kernel_irqchip_set;    /* given on -accel (wins over -machine) */
    bool dirty_log_manual;      /* "dirty-log-manual-protect" */
} KVMAccelState;

#define KVM_ACCEL(obj) OBJECT_CHECK(KVMAccelState, (obj), TYPE_KVM_ACCEL)

struct AccelCPUState {
    KVMVCPU *vcpu;
    /* Set by the thread when it dies on an error it cannot go on from. */
    bool dead;
};

/* kvm-cpus.c: install the CpusAccel and CPUAccelHooks. */
void kvm_cpus_init(void);

#endif /* ACCEL_KVM_KVM_ACCEL_H */
