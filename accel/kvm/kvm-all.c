/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The KVM accelerator object ("-accel kvm"): creates the VM, maps guest
 * RAM into memory slots with a MemoryListener on the system address
 * space, moves KVM's dirty log into the RAMBlock dirty bitmaps
 * (log_start / log_stop / log_sync), runs the dirty-ring reaper, drives
 * the in-kernel irqchip's ISA lines and migrates the VM's kvmclock.
 * The vCPU threads are in kvm-cpus.c.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "qemu/bitmap.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qemu/thread.h"
#include "hw/boards.h"
#include "migration/register.h"
#include "system/memory.h"
#include "system/ram_addr.h"
#include "system/runstate.h"
#include "kvm-accel.h"

bool kvm_allowed;
KVMState *kvm_state;

static bool irqchip_in_kernel;
static bool pit_in_kernel;

bool kvm_irqchip_is_in_kernel(void)
{
    return irqchip_in_kernel;
}

bool kvm_pit_is_in_kernel(void)
{
    return pit_in_kernel;
}

void kvm_set_irq(int irq, int level)
{
    struct kvm_irq_level event = { .irq = irq, .level = level };
    int ret;

    if (!kvm_state || !irqchip_in_kernel) {
        return;     /* no interrupt controller to deliver to */
    }
    ret = kvm_vm_ioctl(kvm_state, KVM_IRQ_LINE, &event);
    if (ret < 0) {
        error_report("kvm: setting IRQ %d to %d failed: %s", irq, level,
                     strerror(-ret));
    }
}

/* ------------------------------------------------------------------ */
/* Memory slots                                                        */

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

static KVMSlotMap slot_maps[KVM_LOW_MAX_SLOTS];

static KVMSlotMap *slot_map_find(hwaddr gpa, uint64_t size)
{
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
        if (kvm_check_extension(kvm_state, KVM_CAP_READONLY_MEM) <= 0) {
            /* Leave ROM unmapped: reads and writes exit as MMIO. */
            return;
        }
        flags |= KVM_MEM_READONLY;
    }
    slot = kvm_find_free_slot(kvm_state);
    for (int i = 0; i < KVM_LOW_MAX_SLOTS; i++) {
        if (!slot_maps[i].used) {
            map = &slot_maps[i];
            break;
        }
    }
    if (slot < 0 || !map) {
        error_report("kvm: no free memory slot for %s at 0x%" HWADDR_PRIx,
                     memory_region_name(section->mr), gpa);
        abort();
    }
    if (!kvm_set_user_memory(kvm_state, slot, gpa, size, host, flags,
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
    Error *err = NULL;
    KVMSlotMap *map;
    hwaddr gpa;
    uint64_t size;
    void *host;
    ram_addr_t ram_addr;

    if (!section_to_slot(section, &gpa, &size, &host, &ram_addr)) {
        return;
    }
    map = slot_map_find(gpa, size);
    if (!map) {
        return;     /* a ROM we left unmapped */
    }
    if (!kvm_set_user_memory(kvm_state, map->slot, gpa, 0, NULL, 0, &err)) {
        error_reportf_err(err, "kvm: unmapping %s: ",
                          memory_region_name(section->mr));
        abort();
    }
    g_free(map->bitmap);
    memset(map, 0, sizeof(*map));
}

static KVMSlotMap *section_map(MemoryRegionSection *section)
{
    hwaddr gpa;
    uint64_t size;
    void *host;
    ram_addr_t ram_addr;

    if (!section_to_slot(section, &gpa, &size, &host, &ram_addr)) {
        return NULL;
    }
    return slot_map_find(gpa, size);
}

static void kvm_log_start_cb(MemoryListener *listener,
                             MemoryRegionSection *section, int old, int new)
{
    KVMSlotMap *map = section_map(section);
    Error *err = NULL;

    if (!map || map->logging || !new) {
        return;
    }
    if (!kvm_log_start(kvm_state, map->slot, &err)) {
        /* Migration would silently miss pages: nothing sane to do. */
        error_reportf_err(err, "kvm: starting dirty logging: ");
        abort();
    }
    map->logging = true;
}

static void kvm_log_stop_cb(MemoryListener *listener,
                            MemoryRegionSection *section, int old, int new)
{
    KVMSlotMap *map = section_map(section);
    Error *err = NULL;

    if (!map || !map->logging || new) {
        return;
    }
    if (!kvm_log_stop(kvm_state, map->slot, &err)) {
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
    KVMSlotMap *map = section_map(section);
    uint64_t npages;
    Error *err = NULL;

    if (!map || !map->logging) {
        return;
    }
    npages = map->size / TARGET_PAGE_SIZE;
    bitmap_zero(map->bitmap, npages);
    if (!kvm_log_sync(kvm_state, map->slot, map->bitmap, true, &err)) {
        error_reportf_err(err, "kvm: reading the dirty log: ");
        /* Be safe rather than lose pages: report the whole slot. */
        bitmap_fill(map->bitmap, npages);
    }
    cpu_physical_memory_set_dirty_lebitmap(map->bitmap, map->ram_addr,
                                           npages);
}

static MemoryListener kvm_memory_listener = {
    .name = "kvm-memory",
    .region_add = kvm_region_add,
    .region_del = kvm_region_del,
    .log_start = kvm_log_start_cb,
    .log_stop = kvm_log_stop_cb,
    .log_sync = kvm_log_sync_cb,
    .priority = 10,
};

/* ------------------------------------------------------------------ */
/* Dirty ring reaper                                                   */

static QemuThread reaper_thread;
static QemuSemaphore reaper_sem;
static bool reaper_quit;

/*
 * Harvest the rings every 100 ms so that vCPUs rarely fill theirs (a
 * vCPU whose ring is full reaps by itself and re-enters).  No BQL.
 */
static void *kvm_dirty_ring_reaper(void *opaque)
{
    while (!qatomic_read(&reaper_quit)) {
        Error *err = NULL;

        qemu_sem_timedwait(&reaper_sem, 100);
        if (kvm_dirty_ring_reap(kvm_state, &err) < 0) {
            error_reportf_err(err, "kvm: dirty ring reaper stops: ");
            break;
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* kvmclock                                                            */

/*
 * The VM's kvmclock.  It is read when the VM stops and written back when
 * it runs again, so that guest time does not jump over a pause, and so
 * that the value a migration carries is the one the guest saw last.
 */
typedef struct KVMClockState {
    uint64_t clock;
    bool clock_valid;
} KVMClockState;

static KVMClockState kvmclock;

static void kvmclock_vm_state_change(void *opaque, bool running,
                                     RunState state)
{
    KVMClockState *s = opaque;
    Error *err = NULL;

    if (running) {
        if (s->clock_valid && !kvm_set_clock(kvm_state, s->clock, &err)) {
            error_report_err(err);
        }
        s->clock_valid = false;
    } else if (!s->clock_valid) {
        if (kvm_get_clock(kvm_state, &s->clock, &err)) {
            s->clock_valid = true;
        } else {
            error_report_err(err);
        }
    }
}

static bool kvmclock_pre_save(void *opaque, Error **errp)
{
    KVMClockState *s = opaque;

    /* Normally stopped (so valid); a live snapshot reads it now. */
    if (!s->clock_valid) {
        return kvm_get_clock(kvm_state, &s->clock, errp);
    }
    return true;
}

static bool kvmclock_post_load(void *opaque, int version_id, Error **errp)
{
    KVMClockState *s = opaque;

    /* Written to KVM when the VM starts (kvmclock_vm_state_change). */
    s->clock_valid = true;
    return true;
}

static const VMStateDescription vmstate_kvmclock = {
    .name = "kvmclock",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save_errp = kvmclock_pre_save,
    .post_load_errp = kvmclock_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT64(clock, KVMClockState),
        VMSTATE_END_OF_LIST()
    },
};

/* ------------------------------------------------------------------ */
/* The accelerator object                                              */

static bool kvm_accel_init_machine(AccelState *accel, MachineState *ms,
                                   Error **errp)
{
    KVMAccelState *k = KVM_ACCEL(accel);
    KVMOptions opts = { 0 };

    if (!k->kernel_irqchip_set && ms &&
        object_property_find(OBJECT(ms), "kernel-irqchip")) {
        g_autofree char *v = object_property_get_str(OBJECT(ms),
                                                     "kernel-irqchip",
                                                     errp);
        if (!v) {
            return false;
        }
        k->kernel_irqchip = !strcmp(v, "on");
    }
    opts.irqchip = k->kernel_irqchip;
    opts.pit = k->kernel_irqchip;
    opts.dirty_ring_entries = k->dirty_ring_size;
    opts.no_manual_protect = !k->dirty_log_manual;

    kvm_state = kvm_state_new(&opts, errp);
    if (!kvm_state) {
        return false;
    }
    irqchip_in_kernel = opts.irqchip;
    pit_in_kernel = opts.pit;
    kvm_allowed = true;

    memory_listener_register(&kvm_memory_listener, &address_space_memory);
    vmstate_register(NULL, 0, &vmstate_kvmclock, &kvmclock);
    qemu_add_vm_change_state_handler(kvmclock_vm_state_change, &kvmclock);
    if (k->dirty_ring_size) {
        qemu_sem_init(&reaper_sem, 0);
        qemu_thread_create(&reaper_thread, "kvm-reaper",
                           kvm_dirty_ring_reaper, NULL,
                           QEMU_THREAD_DETACHED);
    }
    kvm_cpus_init();
    return true;
}

static void kvm_get_dirty_ring_size(Object *obj, Visitor *v,
                                    const char *name, void *opaque,
                                    Error **errp)
{
    visit_type_uint32(v, name, &KVM_ACCEL(obj)->dirty_ring_size, errp);
}

static void kvm_set_dirty_ring_size(Object *obj, Visitor *v,
                                    const char *name, void *opaque,
                                    Error **errp)
{
    KVMAccelState *k = KVM_ACCEL(obj);
    uint32_t value;

    if (!visit_type_uint32(v, name, &value, errp)) {
        return;
    }
    if (value & (value - 1)) {
        error_setg(errp, "dirty-ring-size must be a power of two, "
                   "not %" PRIu32, value);
        return;
    }
    k->dirty_ring_size = value;
}

static char *kvm_get_kernel_irqchip(Object *obj, Error **errp)
{
    return g_strdup(KVM_ACCEL(obj)->kernel_irqchip ? "on" : "off");
}

static void kvm_set_kernel_irqchip(Object *obj, const char *value,
                                   Error **errp)
{
    KVMAccelState *k = KVM_ACCEL(obj);

    if (!strcmp(value, "on")) {
        k->kernel_irqchip = true;
    } else if (!strcmp(value, "off")) {
        k->kernel_irqchip = false;
    } else if (!strcmp(value, "split")) {
        error_setg(errp, "kernel-irqchip=split is not supported by Tern");
        return;
    } else {
        error_setg(errp, "kernel-irqchip must be on or off, not '%s'",
                   value);
        return;
    }
    k->kernel_irqchip_set = true;
}

static bool kvm_get_manual(Object *obj, Error **errp)
{
    return KVM_ACCEL(obj)->dirty_log_manual;
}

static void kvm_set_manual(Object *obj, bool value, Error **errp)
{
    KVM_ACCEL(obj)->dirty_log_manual = value;
}

static void kvm_accel_instance_init(Object *obj)
{
    KVMAccelState *k = KVM_ACCEL(obj);

    k->kernel_irqchip = true;
    k->dirty_log_manual = true;
}

static void kvm_accel_class_init(ObjectClass *oc, const void *data)
{
    AccelClass *ac = ACCEL_CLASS(oc);

    ac->name = "kvm";
    ac->init_machine = kvm_accel_init_machine;
    ac->allowed = &kvm_allowed;

    object_class_property_add(oc, "dirty-ring-size", "uint32",
                              kvm_get_dirty_ring_size,
                              kvm_set_dirty_ring_size, NULL, NULL);
    object_class_property_add_str(oc, "kernel-irqchip",
                                  kvm_get_kernel_irqchip,
                                  kvm_set_kernel_irqchip);
    /* Tern's own knob: off falls back to KVM_GET_DIRTY_LOG alone. */
    object_class_property_add_bool(oc, "dirty-log-manual-protect",
                                   kvm_get_manual, kvm_set_manual);
}

static const TypeInfo kvm_accel_type = {
    .name = TYPE_KVM_ACCEL,
    .parent = TYPE_ACCEL,
    .instance_size = sizeof(KVMAccelState),
    .instance_init = kvm_accel_instance_init,
    .class_init = kvm_accel_class_init,
};

static void kvm_type_init(void)
{
    type_register_static(&kvm_accel_type);
}

type_init(kvm_type_init)
