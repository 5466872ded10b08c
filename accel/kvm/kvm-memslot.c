/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory slots and dirty logging with KVM_GET_DIRTY_LOG, optionally in
 * manual-protect mode (KVM_CLEAR_DIRTY_LOG); in dirty ring mode the sync
 * reports what the reaper harvested instead.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/bitops.h"
#include "kvm-int.h"

static KVMSlot *kvm_get_slot(KVMState *s, unsigned int slot, Error **errp)
{
    if (slot >= KVM_LOW_MAX_SLOTS || !s->slots[slot].used) {
        error_setg(errp, "kvm: memory slot %u is not in use", slot);
        return NULL;
    }
    return &s->slots[slot];
}

/* Bytes of a bitmap with one bit per page, in whole 64-bit words. */
static size_t kvm_bitmap_bytes(uint64_t npages)
{
    return DIV_ROUND_UP(npages, 64) * 8;
}

static int kvm_slot_ioctl(KVMState *s, unsigned int slot, uint64_t gpa,
                          uint64_t size, void *host, uint32_t flags)
{
    struct kvm_userspace_memory_region mem = {
        .slot = slot,
        .flags = flags,
        .guest_phys_addr = gpa,
        .memory_size = size,
        .userspace_addr = (uintptr_t)host,
    };

    return kvm_vm_ioctl(s, KVM_SET_USER_MEMORY_REGION, &mem);
}

static bool kvm_slot_delete(KVMState *s, unsigned int slot, Error **errp)
{
    KVMSlot *mem = &s->slots[slot];
    int ret;

    if (!mem->used) {
        return true;
    }
    g_mutex_lock(&s->ring_lock);
    if (s->ring_entries) {
        /* Harvest entries for this slot while it still exists. */
        kvm_dirty_ring_reap_locked(s, NULL);
    }
    ret = kvm_slot_ioctl(s, slot, mem->gpa, 0, mem->host, 0);
    if (ret < 0) {
        g_mutex_unlock(&s->ring_lock);
        error_setg_errno(errp, -ret, "kvm: cannot delete memory slot %u",
                         slot);
        return false;
    }
    g_free(mem->dirty_bmap);
    g_free(mem->ring_bmap);
    memset(mem, 0, sizeof(*mem));
    g_mutex_unlock(&s->ring_lock);
    return true;
}

bool kvm_set_user_memory(KVMState *s, unsigned int slot, uint64_t gpa,
                         uint64_t size, void *host, uint32_t flags,
                         Error **errp)
{
    KVMSlot *mem;
    int ret;

    if (slot >= KVM_LOW_MAX_SLOTS) {
        error_setg(errp, "kvm: memory slot %u is out of range (max %d)",
                   slot, KVM_LOW_MAX_SLOTS - 1);
        return false;
    }
    mem = &s->slots[slot];
    if (size == 0) {
        return kvm_slot_delete(s, slot, errp);
    }
    if ((gpa | size | (uintptr_t)host) & (TARGET_PAGE_SIZE - 1)) {
        error_setg(errp, "kvm: memory slot %u is not page aligned", slot);
        return false;
    }
    if (flags & ~(uint32_t)(KVM_MEM_LOG_DIRTY_PAGES | KVM_MEM_READONLY)) {
        error_setg(errp, "kvm: memory slot %u: unknown flags 0x%" PRIx32,
                   slot, flags);
        return false;
    }
    if (mem->used && (mem->gpa != gpa || mem->size != size ||
                      mem->host != host)) {
        error_setg(errp, "kvm: memory slot %u is in use; delete it before "
                   "moving or resizing it", slot);
        return false;
    }
    for (int i = 0; i < KVM_LOW_MAX_SLOTS; i++) {
        KVMSlot *o = &s->slots[i];

        if (i != (int)slot && o->used && gpa < o->gpa + o->size &&
            o->gpa < gpa + size) {
            error_setg(errp, "kvm: memory slot %u overlaps slot %d", slot, i);
            return false;
        }
    }

    g_mutex_lock(&s->ring_lock);
    if (mem->used && s->ring_entries &&
        (mem->flags & KVM_MEM_LOG_DIRTY_PAGES) &&
        !(flags & KVM_MEM_LOG_DIRTY_PAGES)) {
        /* Harvest what is pending before logging stops; best effort. */
        kvm_dirty_ring_reap_locked(s, NULL);
    }
    ret = kvm_slot_ioctl(s, slot, gpa, size, host, flags);
    if (ret < 0) {
        g_mutex_unlock(&s->ring_lock);
        error_setg_errno(errp, -ret, "kvm: cannot set memory slot %u "
                         "(0x%" PRIx64 "+0x%" PRIx64 ", flags 0x%" PRIx32 ")",
                         slot, gpa, size, flags);
        return false;
    }
    mem->used = true;
    mem->gpa = gpa;
    mem->size = size;
    mem->host = host;
    mem->flags = flags;
    if (flags & KVM_MEM_LOG_DIRTY_PAGES) {
        size_t bytes = kvm_bitmap_bytes(kvm_slot_pages(mem));

        if (s->ring_entries && !mem->ring_bmap) {
            mem->ring_bmap = g_malloc0(bytes);
        } else if (!s->ring_entries && !mem->dirty_bmap) {
            mem->dirty_bmap = g_malloc0(bytes);
        }
    } else {
        g_clear_pointer(&mem->dirty_bmap, g_free);
        g_clear_pointer(&mem->ring_bmap, g_free);
    }
    g_mutex_unlock(&s->ring_lock);
    return true;
}

int kvm_find_free_slot(KVMState *s)
{
    for (int i = 0; i < KVM_LOW_MAX_SLOTS; i++) {
        if (!s->slots[i].used) {
            return i;
        }
    }
    return -1;
}

uint64_t kvm_slot_npages(KVMState *s, unsigned int slot)
{
    if (slot >= KVM_LOW_MAX_SLOTS || !s->slots[slot].used) {
        return 0;
    }
    return kvm_slot_pages(&s->slots[slot]);
}

static bool kvm_log_set(KVMState *s, unsigned int slot, bool on,
                        Error **errp)
{
    KVMSlot *mem = kvm_get_slot(s, slot, errp);
    uint32_t flags;

    if (!mem) {
        return false;
    }
    flags = on ? mem->flags | KVM_MEM_LOG_DIRTY_PAGES
               : mem->flags & ~(uint32_t)KVM_MEM_LOG_DIRTY_PAGES;
    if (flags == mem->flags) {
        return true;
    }
    return kvm_set_user_memory(s, slot, mem->gpa, mem->size, mem->host,
                               flags, errp);
}

bool kvm_log_start(KVMState *s, unsigned int slot, Error **errp)
{
    return kvm_log_set(s, slot, true, errp);
}

bool kvm_log_stop(KVMState *s, unsigned int slot, Error **errp)
{
    return kvm_log_set(s, slot, false, errp);
}

static void kvm_bitmap_or(unsigned long *dst, const unsigned long *src,
                          uint64_t nbits)
{
    uint64_t words = nbits / BITS_PER_LONG;

    for (uint64_t i = 0; i < words; i++) {
        dst[i] |= src[i];
    }
    if (nbits % BITS_PER_LONG) {
        dst[words] |= src[words] & (BIT(nbits % BITS_PER_LONG) - 1);
    }
}

bool kvm_log_clear(KVMState *s, unsigned int slot, uint64_t first_page,
                   uint64_t npages, Error **errp)
{
    KVMSlot *mem = kvm_get_slot(s, slot, errp);
    uint64_t total, start, end;

    if (!mem) {
        return false;
    }
    if (!s->manual_protect || !(mem->flags & KVM_MEM_LOG_DIRTY_PAGES)) {
        return true;
    }
    total = kvm_slot_pages(mem);
    if (first_page >= total || npages == 0) {
        return true;
    }
    /* KVM wants 64-page alignment, or a range reaching the slot's end. */
    start = QEMU_ALIGN_DOWN(first_page, 64);
    end = MIN(QEMU_ALIGN_UP(first_page + MIN(npages, total - first_page),
                            64), total);

    while (start < end) {
        uint64_t n = MIN(end - start, KVM_LOG_CLEAR_CHUNK_PAGES);
        struct kvm_clear_dirty_log d = {
            .slot = slot,
            .first_page = start,
            .num_pages = n,
            .dirty_bitmap = mem->dirty_bmap + start / BITS_PER_LONG,
        };
        int ret = kvm_vm_ioctl(s, KVM_CLEAR_DIRTY_LOG, &d);

        if (ret < 0) {
            error_setg_errno(errp, -ret, "kvm: KVM_CLEAR_DIRTY_LOG failed "
                             "for slot %u pages %" PRIu64 "+%" PRIu64,
                             slot, start, n);
            return false;
        }
        start += n;
    }
    return true;
}

bool kvm_log_sync(KVMState *s, unsigned int slot, unsigned long *bitmap,
                  bool clear, Error **errp)
{
    KVMSlot *mem = kvm_get_slot(s, slot, errp);
    struct kvm_dirty_log d = { .slot = slot };
    uint64_t npages;
    int ret;

    if (!mem) {
        return false;
    }
    if (!(mem->flags & KVM_MEM_LOG_DIRTY_PAGES)) {
        return true;
    }
    npages = kvm_slot_pages(mem);

    if (s->ring_entries) {
        bool ok;

        g_mutex_lock(&s->ring_lock);
        ok = kvm_dirty_ring_reap_locked(s, errp) >= 0;
        if (ok) {
            kvm_bitmap_or(bitmap, mem->ring_bmap, npages);
            memset(mem->ring_bmap, 0, kvm_bitmap_bytes(npages));
        }
        g_mutex_unlock(&s->ring_lock);
        return ok;
    }

    d.dirty_bitmap = mem->dirty_bmap;
    ret = kvm_vm_ioctl(s, KVM_GET_DIRTY_LOG, &d);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "kvm: KVM_GET_DIRTY_LOG failed for "
                         "slot %u", slot);
        return false;
    }
    kvm_bitmap_or(bitmap, mem->dirty_bmap, npages);
    if (clear) {
        return kvm_log_clear(s, slot, 0, npages, errp);
    }
    return true;
}
