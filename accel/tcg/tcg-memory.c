/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest memory for the tcg vCPUs.  A MemoryListener on the system address
 * space keeps a table of its RAM ranges (guest address, host pointer,
 * ram_addr, read-only); the interpreter asks it for the range of a guest
 * physical address when its own last range does not hold it (a change
 * of the map makes every vCPU flush before its next slice), goes to the
 * memory API
 * (with the BQL) for anything else, and reports each store to RAM, which
 * sets the page's bit in the migration dirty bitmap while dirty tracking
 * is on (precopy, postcopy, multifd and dirty-rate read those bitmaps).
 * Port I/O goes to address_space_io, INTA to the userspace i8259.
 */
#include "qemu/osdep.h"
#include "qemu/atomic.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "hw/intc/i8259.h"
#include "system/memory.h"
#include "system/ram_addr.h"
#include "tcg-accel.h"

typedef struct TCGRamRange {
    hwaddr gpa;
    uint64_t size;
    uint8_t *host;
    ram_addr_t ram_addr;
    bool readonly;
} TCGRamRange;

/*
 * The table is rebuilt under the BQL (listener callbacks) and read by
 * vCPU threads that do not hold it: the lock is held only around those
 * short lookups and swaps.
 */
static QemuMutex map_lock;
static GArray *map;             /* TCGRamRange, any order */
static unsigned map_gen;

unsigned tcg_memory_map_gen(void)
{
    return qatomic_read(&map_gen);
}

static void map_changed(void)
{
    CPUState *cpu;

    qatomic_inc(&map_gen);
    /* vCPUs look at the generation between time slices: make it soon. */
    CPU_FOREACH(cpu) {
        if (cpu->accel) {
            qatomic_set(&cpu->accel->interp.exit_request, 1);
        }
    }
}

static void tcg_region_add(MemoryListener *listener,
                           MemoryRegionSection *section)
{
    TCGRamRange r;

    if (!memory_region_is_ram(section->mr)) {
        return;     /* MMIO: through the memory API */
    }
    r.gpa = section->offset_within_address_space;
    r.size = section->size;
    r.host = (uint8_t *)memory_region_get_ram_ptr(section->mr) +
             section->offset_within_region;
    r.ram_addr = memory_region_get_ram_addr(section->mr) +
                 section->offset_within_region;
    r.readonly = section->readonly || memory_region_is_rom(section->mr);
    qemu_mutex_lock(&map_lock);
    g_array_append_val(map, r);
    qemu_mutex_unlock(&map_lock);
    map_changed();
}

static void tcg_region_del(MemoryListener *listener,
                           MemoryRegionSection *section)
{
    hwaddr gpa = section->offset_within_address_space;

    qemu_mutex_lock(&map_lock);
    for (guint i = 0; i < map->len; i++) {
        TCGRamRange *r = &g_array_index(map, TCGRamRange, i);

        if (r->gpa == gpa && r->size == section->size) {
            g_array_remove_index_fast(map, i);
            break;
        }
    }
    qemu_mutex_unlock(&map_lock);
    map_changed();
}

static MemoryListener tcg_memory_listener = {
    .name = "tcg",
    .region_add = tcg_region_add,
    .region_del = tcg_region_del,
    .priority = 10,
};

/* ------------------------------------------------------------------ */
/* Writes to code by others                                            */

/* More pending pages than this and the vCPU drops all its code. */
#define TCG_INVAL_MAX 256

/*
 * cpu_physical_memory_code_written() found decoded code on the RAM page
 * at @page: queue its guest addresses to every vCPU and make it look
 * before its next instruction.  Any thread, maybe a vCPU's own (a
 * device doing DMA on its port write).
 */
static void tcg_code_written(ram_addr_t page)
{
    uint64_t gpa[4];
    unsigned n = 0;
    bool many = false;
    CPUState *cpu;

    qemu_mutex_lock(&map_lock);
    for (guint i = 0; i < map->len; i++) {
        TCGRamRange *r = &g_array_index(map, TCGRamRange, i);

        if (page - r->ram_addr < r->size) {
            if (n == ARRAY_SIZE(gpa)) {
                many = true;
                break;
            }
            gpa[n++] = r->gpa + (page - r->ram_addr);
        }
    }
    qemu_mutex_unlock(&map_lock);
    if (!n) {
        return;     /* not mapped: a map change flushed its code */
    }
    CPU_FOREACH(cpu) {
        AccelCPUState *a = cpu->accel;

        if (!a) {
            continue;
        }
        qemu_mutex_lock(&a->inval_lock);
        if (many || a->inval_all || a->inval_pages->len + n > TCG_INVAL_MAX) {
            a->inval_all = true;
        } else {
            g_array_append_vals(a->inval_pages, gpa, n);
        }
        qemu_mutex_unlock(&a->inval_lock);
        /* Both after the queue: the vCPU takes it before running on. */
        qatomic_set(&a->inval_pending, 1);
        qatomic_set(&a->interp.exit_request, 1);
    }
}

void tcg_memory_listener_register(void)
{
    qemu_mutex_init(&map_lock);
    map = g_array_new(false, false, sizeof(TCGRamRange));
    memory_listener_register(&tcg_memory_listener, &address_space_memory);
    cpu_physical_memory_set_code_notify(tcg_code_written);
}

/* ------------------------------------------------------------------ */
/* X86InterpOps                                                        */

static bool tcg_ram_range(void *opaque, uint64_t pa, X86RamRange *out)
{
    bool found = false;

    qemu_mutex_lock(&map_lock);
    for (guint i = 0; i < map->len; i++) {
        TCGRamRange *r = &g_array_index(map, TCGRamRange, i);

        if (pa - r->gpa < r->size) {
            *out = (X86RamRange) {
                .start = r->gpa, .size = r->size, .host = r->host,
                .ram_addr = r->ram_addr, .readonly = r->readonly,
            };
            found = true;
            break;
        }
    }
    qemu_mutex_unlock(&map_lock);
    return found;
}

static void tcg_mark_dirty(void *opaque, uint64_t ram_addr)
{
    if (qatomic_read(&global_dirty_tracking) &&
        !cpu_physical_memory_get_dirty_flag(ram_addr,
                                            DIRTY_MEMORY_MIGRATION)) {
        cpu_physical_memory_set_dirty_flag(ram_addr, DIRTY_MEMORY_MIGRATION);
    }
}

/* From now on writes by others to @ram_addr reach tcg_code_written(). */
static void tcg_protect_code(void *opaque, uint64_t ram_addr)
{
    cpu_physical_memory_test_and_clear_dirty(ram_addr, TARGET_PAGE_SIZE,
                                             DIRTY_MEMORY_CODE);
}

/* Device accesses leave the vCPU thread's lock-free path for the BQL. */
static uint64_t tcg_locked_ld(AddressSpace *as, uint64_t addr, unsigned size)
{
    uint64_t v = 0;

    bql_lock();
    address_space_ld(as, addr, size, &v);
    bql_unlock();
    return v;
}

static void tcg_locked_st(AddressSpace *as, uint64_t addr, unsigned size,
                          uint64_t v)
{
    bql_lock();
    address_space_st(as, addr, size, v);
    bql_unlock();
}

static uint64_t tcg_mmio_read(void *opaque, uint64_t pa, unsigned size)
{
    return tcg_locked_ld(&address_space_memory, pa, size);
}

static void tcg_mmio_write(void *opaque, uint64_t pa, uint64_t v,
                           unsigned size)
{
    tcg_locked_st(&address_space_memory, pa, size, v);
}

/* Unassigned ports read all-ones (the memory core's rule). */
static uint32_t tcg_io_in(void *opaque, uint16_t port, unsigned size)
{
    return tcg_locked_ld(&address_space_io, port, size);
}

static void tcg_io_out(void *opaque, uint16_t port, uint32_t v,
                       unsigned size)
{
    tcg_locked_st(&address_space_io, port, size, v);
}

static int tcg_irq_ack(void *opaque)
{
    int vec;

    bql_lock();
    vec = i8259_ack();
    bql_unlock();
    return vec;
}

static uint64_t tcg_host_ticks(void *opaque)
{
    /* The TSC counts guest time: it stops with the VM, as kvmclock. */
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

const X86InterpOps tcg_x86_ops = {
    .ram_range = tcg_ram_range,
    .mark_dirty = tcg_mark_dirty,
    .protect_code = tcg_protect_code,
    .mmio_read = tcg_mmio_read,
    .mmio_write = tcg_mmio_write,
    .io_in = tcg_io_in,
    .io_out = tcg_io_out,
    .irq_ack = tcg_irq_ack,
    .host_ticks = tcg_host_ticks,
};
