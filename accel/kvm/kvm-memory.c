/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The KVM memory listener: every RAM range of an address space's flat
 * view becomes one KVM memory slot; dirty logging is switched on and off
 * per slot as the memory core asks (log_start / log_stop), and log_sync
 * moves KVM's dirty log (bitmap or ring) into the RAMBlock dirty bitmaps
 * with cpu_physical_memory_set_dirty_lebitmap().  ROM is mapped
 * read-only when KVM can, else left to exit as MMIO; everything else
 * (I/O regions, unassigned space) is not mapped and exits to userspace.
 *
 * Needs only the memory core and the low-level KVM layer, so that a unit
 * test can drive it (tests/unit/test-kvm-memory.c).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/bitmap.h"
#include "qemu/error-report.h"
#include "system/kvm-low.h"
#include "system/kvm-memory.h"
#include "system/memory.h"
#include "system/ram_addr.h"

/* One RAM range of the flat view, mapped as one KVM memory slot. */
typedef struct KVMSlotMap {
    bool used;
    unsigned int slot;
    hwaddr gpa;
    uint64_t size;
    void *host;
    ram_addr_t ram_addr;
    bool logging;
    unsigned long *bitmap;      /* scratch for log_sync, one bit a page */
} KVMSlotMap;

typedef struct KVMMemoryListener {
    MemoryListener listener;
    KVMState *s;
    KVMSlotMap slot_maps[KVM_LOW_MAX_SLOTS];
} KVMMemoryListener;

#define KML(l) container_of(l, KVMMemoryListener, listener)

static KVMSlotMap *slot_map_find(KVMMemoryListener *kml, hwaddr gpa,
                                 uint64_t size)
{
    KVMSlotMap *slot_maps = kml->slot_maps;

    for (int i = 0; i < KVM_LOW_MAX_SLOTS; i++) {
        if (slot_maps[i].used && slot_maps[i].gpa == gpa &&
            slot_maps[i].size == size) {
            return &slot_maps[i];
        }
    }
    return NULL;
}

/*
 * The page-aligned part of @section that KVM can map; false if none.
 * Sections of the RAM regions Tern builds are always page-aligned.
 */
static bool section_to_slot(MemoryRegionSection *section, hwaddr *gpa,
                            uint64_t *size, void **host,
                            ram_addr_t *ram_addr)
{
    hwaddr start = section->offset_within_address_space;
    hwaddr end = start + section->size;
    hwaddr astart = ROUND_UP(start, TARGET_PAGE_SIZE);
    hwaddr aend = end & ~(hwaddr)(TARGET_PAGE_SIZE - 1);
    hwaddr delta = astart - start;

    if (!memory_region_is_ram(section->mr) || aend <= astart) {
        return false;
    }
    *gpa = astart;
    *size = aend - astart;
    *host = (uint8_t *)memory_region_get_ram_ptr(section->mr) +
            section->offset_within_region + delta;
    *ram_addr = memory_region_get_ram_addr(section->mr) +
                section->offset_within_region + delta;
    return true;
}

static void kvm_region_add(MemoryListener *listener,
                           MemoryRegionSection *section)
{
    KVMMemoryListener *kml = KML(listener);
    Error *err = NULL;
    KVMSlotMap *map = NULL;
    uint32_t flags = 0;
    hwaddr gpa;
    uint64_t size;
    void *host;
    ram_addr_t ram_addr;
    int slot;

    if (!section_to_slot(section, &gpa, &size, &host, &ram_addr)) {
        return;     /* MMIO or unassigned: accesses exit to userspace */
    }
    if (section->readonly || memory_region_is_rom(section->mr)) {
        if (kvm_check_extension(kml->s, KVM_CAP_READONLY_MEM) <= 0) {
            /* Leave ROM unmapped: reads and writes exit as MMIO. */
            return;
        }
        flags |= KVM_MEM_READONLY;
    }
    slot = kvm_find_free_slot(kml->s);
    for (int i = 0; i < KVM_LOW_MAX_SLOTS; i++) {
        if (!kml->slot_maps[i].used) {
            map = &kml->slot_maps[i];
            break;
        }
    }
    if (slot < 0 || !map) {
        error_report("kvm: no free memory slot for %s at 0x%" HWADDR_PRIx,
                     memory_region_name(section->mr), gpa);
        abort();
    }
    if (!kvm_set_user_memory(kml->s, slot, gpa, size, host, flags,
                             &err)) {
        error_reportf_err(err, "kvm: mapping %s: ",
                          memory_region_name(section->mr));
        abort();
    }
    *map = (KVMSlotMap) {
        .used = true, .slot = slot, .gpa = gpa, .size = size,
        .host = host, .ram_addr = ram_addr,
        .bitmap = bitmap_new(size / TARGET_PAGE_SIZE),
    };
}

static void kvm_region_del(MemoryListener *listener,
                           MemoryRegionSection *section)
{
    KVMMemoryListener *kml = KML(listener);
    Error *err = NULL;
    KVMSlotMap *map;
    hwaddr gpa;
    uint64_t size;
    void *host;
    ram_addr_t ram_addr;

    if (!section_to_slot(section, &gpa, &size, &host, &ram_addr)) {
        return;
    }
    map = slot_map_find(kml, gpa, size);
    if (!map) {
        return;     /* a ROM we left unmapped */
    }
    if (!kvm_set_user_memory(kml->s, map->slot, gpa, 0, NULL, 0, &err)) {
        error_reportf_err(err, "kvm: unmapping %s: ",
                          memory_region_name(section->mr));
        abort();
    }
    g_free(map->bitmap);
    memset(map, 0, sizeof(*map));
}

static KVMSlotMap *section_map(KVMMemoryListener *kml,
                               MemoryRegionSection *section)
{
    hwaddr gpa;
    uint64_t size;
    void *host;
    ram_addr_t ram_addr;

    if (!section_to_slot(section, &gpa, &size, &host, &ram_addr)) {
        return NULL;
    }
    return slot_map_find(kml, gpa, size);
}

static void kvm_log_start_cb(MemoryListener *listener,
                             MemoryRegionSection *section, int old, int new)
{
    KVMMemoryListener *kml = KML(listener);
    KVMSlotMap *map = section_map(kml, section);
    Error *err = NULL;

    if (!map || map->logging || !new) {
        return;
    }
    if (!kvm_log_start(kml->s, map->slot, &err)) {
        /* Migration would silently miss pages: nothing sane to do. */
        error_reportf_err(err, "kvm: starting dirty logging: ");
        abort();
    }
    map->logging = true;
}

static void kvm_log_stop_cb(MemoryListener *listener,
                            MemoryRegionSection *section, int old, int new)
{
    KVMMemoryListener *kml = KML(listener);
    KVMSlotMap *map = section_map(kml, section);
    Error *err = NULL;

    if (!map || !map->logging || new) {
        return;
    }
    if (!kvm_log_stop(kml->s, map->slot, &err)) {
        error_reportf_err(err, "kvm: stopping dirty logging: ");
        return;
    }
    map->logging = false;
}

/*
 * Fetch the slot's dirty pages and merge them into the RAMBlock bitmaps.
 * With manual protect the reported pages are re-protected right here,
 * chunk by chunk (kvm_log_sync's clear), before the caller copies them:
 * a write after this point shows up in the next sync.
 */
static void kvm_log_sync_cb(MemoryListener *listener,
                            MemoryRegionSection *section)
{
    KVMMemoryListener *kml = KML(listener);
    KVMSlotMap *map = section_map(kml, section);
    uint64_t npages;
    Error *err = NULL;

    if (!map || !map->logging) {
        return;
    }
    npages = map->size / TARGET_PAGE_SIZE;
    bitmap_zero(map->bitmap, npages);
    if (!kvm_log_sync(kml->s, map->slot, map->bitmap, true, &err)) {
        error_reportf_err(err, "kvm: reading the dirty log: ");
        /* Be safe rather than lose pages: report the whole slot. */
        bitmap_fill(map->bitmap, npages);
    }
    cpu_physical_memory_set_dirty_lebitmap(map->bitmap, map->ram_addr,
                                           npages);
}

void kvm_memory_listener_register(KVMState *s, AddressSpace *as)
{
    KVMMemoryListener *kml = g_new0(KVMMemoryListener, 1);

    kml->s = s;
    kml->listener = (MemoryListener) {
        .name = "kvm-memory",
        .region_add = kvm_region_add,
        .region_del = kvm_region_del,
        .log_start = kvm_log_start_cb,
        .log_stop = kvm_log_stop_cb,
        .log_sync = kvm_log_sync_cb,
        .priority = 10,
    };
    memory_listener_register(&kml->listener, as);
}
