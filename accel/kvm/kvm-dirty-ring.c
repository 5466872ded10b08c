/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Harvesting the per-vCPU dirty rings (KVM_CAP_DIRTY_LOG_RING).
 *
 * Each vCPU's ring is an array of struct kvm_dirty_gfn shared with KVM.
 * KVM publishes an entry by setting KVM_DIRTY_GFN_F_DIRTY (release); we
 * read slot and offset after seeing the flag (acquire), then hand the
 * entry back by setting KVM_DIRTY_GFN_F_RESET.  KVM_RESET_DIRTY_RINGS
 * makes KVM re-protect the harvested pages and reuse the entries.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/atomic.h"
#include "qemu/bitops.h"
#include "kvm-int.h"

static void kvm_dirty_ring_mark(KVMState *s, uint32_t slot_id,
                                uint64_t offset)
{
    uint32_t as_id = slot_id >> 16;
    uint32_t id = slot_id & 0xffff;
    KVMSlot *mem;

    /* Tern uses one address space; anything else is KVM's bug or ours. */
    if (as_id != 0 || id >= KVM_LOW_MAX_SLOTS) {
        return;
    }
    mem = &s->slots[id];
    if (!mem->used || !mem->ring_bmap || offset >= kvm_slot_pages(mem)) {
        return;
    }
    set_bit(offset, mem->ring_bmap);
}

static uint64_t kvm_dirty_ring_harvest(KVMState *s, KVMVCPU *cpu)
{
    uint32_t mask = s->ring_entries - 1;
    uint64_t count = 0;

    for (;;) {
        struct kvm_dirty_gfn *e = &cpu->ring[cpu->ring_fetch & mask];
        uint32_t flags = qatomic_load_acquire(&e->flags);

        if (!(flags & KVM_DIRTY_GFN_F_DIRTY)) {
            break;
        }
        kvm_dirty_ring_mark(s, e->slot, e->offset);
        qatomic_store_release(&e->flags, KVM_DIRTY_GFN_F_RESET);
        cpu->ring_fetch++;
        count++;
        if (count > s->ring_entries) {
            /* Cannot happen with a sane KVM; do not spin forever. */
            break;
        }
    }
    if (count) {
        qatomic_add(&cpu->ring_pages, count);
    }
    return count;
}

int64_t kvm_dirty_ring_reap_locked(KVMState *s, Error **errp)
{
    uint64_t total = 0;
    int ret;

    if (!s->ring_entries) {
        return 0;
    }
    for (guint i = 0; i < s->vcpus->len; i++) {
        total += kvm_dirty_ring_harvest(s, g_ptr_array_index(s->vcpus, i));
    }
    if (total) {
        ret = kvm_vm_ioctl(s, KVM_RESET_DIRTY_RINGS, NULL);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "kvm: KVM_RESET_DIRTY_RINGS failed");
            return -1;
        }
    }
    return total;
}

uint64_t kvm_vcpu_dirty_pages(KVMVCPU *cpu)
{
    return qatomic_read(&cpu->ring_pages);
}

int64_t kvm_dirty_ring_reap(KVMState *s, Error **errp)
{
    int64_t ret;

    if (!s->ring_entries) {
        error_setg(errp, "kvm: the dirty ring is not enabled");
        return -1;
    }
    g_mutex_lock(&s->ring_lock);
    ret = kvm_dirty_ring_reap_locked(s, errp);
    g_mutex_unlock(&s->ring_lock);
    return ret;
}
