/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to accel/kvm: the layout of KVMState, its slot table and
 * KVMVCPU.
 */
#ifndef ACCEL_KVM_INT_H
#define ACCEL_KVM_INT_H

#include "system/kvm-low.h"

typedef struct KVMSlot {
    bool used;
    uint64_t gpa;
    uint64_t size;
    void *host;
    uint32_t flags;
    /* Bitmap mode: KVM_GET_DIRTY_LOG's buffer, i.e. the last sync. */
    unsigned long *dirty_bmap;
    /* Ring mode: pages harvested from the rings and not yet synced. */
    unsigned long *ring_bmap;
} KVMSlot;

struct KVMState {
    int fd;                 /* /dev/kvm */
    int vmfd;
    int vcpu_mmap_size;
    bool irqchip;
    bool immediate_exit;
    bool manual_protect;
    bool initially_set;
    uint32_t ring_entries;
    KVMSlot slots[KVM_LOW_MAX_SLOTS];
    /*
     * ring_lock orders reaping against itself, against slot changes and
     * against syncs; it guards vcpus and every slot's ring_bmap.
     */
    GMutex ring_lock;
    GPtrArray *vcpus;
    /* x86: the MSRs to save, computed once (kvm-x86.c). */
    GMutex msr_lock;
    bool msr_list_done;
    unsigned int n_msrs;
    uint32_t *msr_list;
};

struct KVMVCPU {
    KVMState *s;
    unsigned int id;
    int fd;
    struct kvm_run *run;
    struct kvm_dirty_gfn *ring;  /* ring_entries entries, or NULL */
    uint32_t ring_fetch;         /* next entry to harvest */
    uint64_t ring_pages;         /* entries harvested so far (atomic) */
    GMutex thread_lock;          /* guards thread and has_thread */
    pthread_t thread;
    bool has_thread;
    /*
     * x86: the power-on MSR values and LAPIC image, read right after
     * CPUID was set (kvm-x86.c); what a reset writes back.
     */
    struct kvm_msr_entry *reset_msrs;
    unsigned int n_reset_msrs;
    struct kvm_lapic_state *reset_lapic;
};

static inline uint64_t kvm_slot_pages(const KVMSlot *slot)
{
    return slot->size >> TARGET_PAGE_BITS;
}

/* Harvest the rings with ring_lock held (kvm-dirty-ring.c). */
int64_t kvm_dirty_ring_reap_locked(KVMState *s, Error **errp);

#endif
