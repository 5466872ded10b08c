/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the memory core: RAMBlocks, the dirty bitmaps, flat view
 * rendering, listeners and dirty logging, guest accesses, and the host
 * memory backends.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/bitmap.h"
#include "qemu/bswap.h"
#include "qemu/module.h"
#include "qom/object.h"
#include "qom/object_interfaces.h"
#include "system/hostmem.h"
#include "system/memory.h"
#include "system/ram_addr.h"

#define PAGE TARGET_PAGE_SIZE

/* --- RAMBlocks and dirty bitmaps --- */

static void test_ramblock_basic(void)
{
    MemoryRegion mr;
    RAMBlock *rb;

    g_assert_true(memory_region_init_ram(&mr, NULL, "t-basic", 4 * MiB,
                                         &error_abort));
    rb = memory_region_get_ram_block(&mr);
    g_assert_nonnull(rb);
    g_assert_cmpstr(qemu_ram_get_idstr(rb), ==, "t-basic");
    g_assert_cmpuint(rb->used_length, ==, 4 * MiB);
    g_assert_cmpuint(rb->max_length, ==, 4 * MiB);
    g_assert_cmpuint(qemu_ram_pagesize(rb), ==, qemu_real_host_page_size());
    g_assert_true(qemu_ram_is_migratable(rb));
    g_assert_false(qemu_ram_is_shared(rb));
    g_assert_true(qemu_ram_block_by_name("t-basic") == rb);
    g_assert_true(qemu_get_ram_block(rb->offset + 5) == rb);
    g_assert_cmpuint(rb->offset % (64 * PAGE), ==, 0);
    /* The host memory is there and zeroed. */
    g_assert_cmpint(((uint8_t *)ramblock_ptr(rb, 4 * MiB - 1))[0], ==, 0);
    memory_region_finalize(&mr);
    g_assert_null(qemu_ram_block_by_name("t-basic"));
}

static void test_ramblock_sorted_and_unique(void)
{
    MemoryRegion a, b, c, dup;
    RAMBlock *block;
    uint64_t prev = UINT64_MAX;
    Error *err = NULL;

    g_assert_true(memory_region_init_ram(&a, NULL, "t-small", 1 * MiB,
                                         &error_abort));
    g_assert_true(memory_region_init_ram(&b, NULL, "t-big", 8 * MiB,
                                         &error_abort));
    g_assert_true(memory_region_init_ram(&c, NULL, "t-mid", 2 * MiB,
                                         &error_abort));
    RAMBLOCK_FOREACH(block) {
        g_assert_cmpuint(block->max_length, <=, prev);
        prev = block->max_length;
    }
    /* Blocks do not overlap in ram_addr space. */
    g_assert_true(a.ram_block->offset + MiB <= b.ram_block->offset ||
                  b.ram_block->offset + 8 * MiB <= a.ram_block->offset);
    g_assert_false(memory_region_init_ram(&dup, NULL, "t-big", MiB, &err));
    error_free_or_abort(&err);
    memory_region_finalize(&a);
    memory_region_finalize(&b);
    memory_region_finalize(&c);
}

static void test_dirty_ranges(void)
{
    MemoryRegion mr;
    ram_addr_t base;

    g_assert_true(memory_region_init_ram(&mr, NULL, "t-dirty", 16 * MiB,
                                         &error_abort));
    base = mr.ram_block->offset;
    /* New RAM starts dirty for everybody but migration (not tracking). */
    g_assert_true(cpu_physical_memory_all_dirty(base, 16 * MiB,
                                                DIRTY_MEMORY_VGA));
    g_assert_false(cpu_physical_memory_get_dirty(base, 16 * MiB,
                                                 DIRTY_MEMORY_MIGRATION));
    g_assert_true(cpu_physical_memory_test_and_clear_dirty(
                      base, 16 * MiB, DIRTY_MEMORY_VGA));
    g_assert_false(cpu_physical_memory_get_dirty(base, 16 * MiB,
                                                 DIRTY_MEMORY_VGA));
    g_assert_false(cpu_physical_memory_test_and_clear_dirty(
                       base, 16 * MiB, DIRTY_MEMORY_VGA));

    /* A range not aligned to pages touches every page it covers. */
    cpu_physical_memory_set_dirty_range(base + PAGE - 1, 2,
                                        1 << DIRTY_MEMORY_VGA);
    g_assert_cmpuint(cpu_physical_memory_dirty_count(base, 16 * MiB,
                                                     DIRTY_MEMORY_VGA),
                     ==, 2);
    g_assert_true(cpu_physical_memory_get_dirty_flag(base,
                                                     DIRTY_MEMORY_VGA));
    g_assert_true(cpu_physical_memory_get_dirty_flag(base + PAGE,
                                                     DIRTY_MEMORY_VGA));
    g_assert_false(cpu_physical_memory_get_dirty_flag(base + 2 * PAGE,
                                                      DIRTY_MEMORY_VGA));
    /* Clearing part of a range leaves the rest. */
    g_assert_true(cpu_physical_memory_test_and_clear_dirty(
                      base + PAGE, PAGE, DIRTY_MEMORY_VGA));
    g_assert_true(cpu_physical_memory_get_dirty_flag(base,
                                                     DIRTY_MEMORY_VGA));
    g_assert_false(cpu_physical_memory_get_dirty_flag(base + PAGE,
                                                      DIRTY_MEMORY_VGA));
    /* A long range crossing many words. */
    cpu_physical_memory_set_dirty_range(base + 3 * PAGE, 1000 * PAGE,
                                        1 << DIRTY_MEMORY_VGA);
    g_assert_cmpuint(cpu_physical_memory_dirty_count(base, 16 * MiB,
                                                     DIRTY_MEMORY_VGA),
                     ==, 1001);
    g_assert_true(cpu_physical_memory_all_dirty(base + 3 * PAGE,
                                                1000 * PAGE,
                                                DIRTY_MEMORY_VGA));
    memory_region_finalize(&mr);
}

static void test_dirty_lebitmap(void)
{
    MemoryRegion mr;
    ram_addr_t base;
    unsigned long bm[3] = { 0 };
    uint64_t pages = 130;

    g_assert_true(memory_region_init_ram(&mr, NULL, "t-le", 1 * MiB,
                                         &error_abort));
    base = mr.ram_block->offset;
    cpu_physical_memory_test_and_clear_dirty(base, MiB, DIRTY_MEMORY_VGA);
    /* Pages 0, 63, 64..70, 129; and bit 131 beyond @pages is ignored. */
    bm[0] = cpu_to_le64(1UL | (1UL << 63));
    bm[1] = cpu_to_le64(0x7fUL);
    bm[2] = cpu_to_le64((1UL << 1) | (1UL << 3));
    cpu_physical_memory_set_dirty_lebitmap(bm, base, pages);
    g_assert_true(cpu_physical_memory_get_dirty_flag(base, 0));
    g_assert_true(cpu_physical_memory_get_dirty_flag(base + 63 * PAGE, 0));
    g_assert_true(cpu_physical_memory_all_dirty(base + 64 * PAGE, 7 * PAGE,
                                                0));
    g_assert_false(cpu_physical_memory_get_dirty_flag(base + 71 * PAGE, 0));
    g_assert_true(cpu_physical_memory_get_dirty_flag(base + 129 * PAGE, 0));
    g_assert_false(cpu_physical_memory_get_dirty_flag(base + 131 * PAGE, 0));
    g_assert_cmpuint(cpu_physical_memory_dirty_count(base, MiB, 0), ==, 10);
    memory_region_finalize(&mr);
}

typedef struct SetterArgs {
    ram_addr_t base;
    unsigned first;
} SetterArgs;

static gpointer dirty_setter(gpointer opaque)
{
    SetterArgs *a = opaque;

    /* Every other page, so both threads write the same words. */
    for (unsigned p = a->first; p < 4096; p += 2) {
        cpu_physical_memory_set_dirty_range(a->base + p * PAGE, PAGE,
                                            1 << DIRTY_MEMORY_VGA);
    }
    return NULL;
}

static void test_dirty_atomic(void)
{
    MemoryRegion mr;
    SetterArgs a, b;
    GThread *t1, *t2;

    g_assert_true(memory_region_init_ram(&mr, NULL, "t-atomic", 16 * MiB,
                                         &error_abort));
    cpu_physical_memory_test_and_clear_dirty(mr.ram_block->offset, 16 * MiB,
                                             DIRTY_MEMORY_VGA);
    a = (SetterArgs) { mr.ram_block->offset, 0 };
    b = (SetterArgs) { mr.ram_block->offset, 1 };
    t1 = g_thread_new("even", dirty_setter, &a);
    t2 = g_thread_new("odd", dirty_setter, &b);
    g_thread_join(t1);
    g_thread_join(t2);
    /* No bit lost to a racing read-modify-write. */
    g_assert_cmpuint(cpu_physical_memory_dirty_count(
                         mr.ram_block->offset, 16 * MiB, DIRTY_MEMORY_VGA),
                     ==, 4096);
    memory_region_finalize(&mr);
}

/* --- flat views --- */

static uint64_t io_last_addr, io_last_val;
static unsigned io_last_size, io_writes;

static uint64_t test_io_read(void *opaque, hwaddr addr, unsigned size)
{
    io_last_addr = addr;
    io_last_size = size;
    return 0x1122334455667788ULL >> (8 * (8 - size)) ^ addr;
}

static void test_io_write(void *opaque, hwaddr addr, uint64_t val,
                          unsigned size)
{
    io_last_addr = addr;
    io_last_val = val;
    io_last_size = size;
    io_writes++;
}

static const MemoryRegionOps test_io_ops = {
    .read = test_io_read,
    .write = test_io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
};

static void check_range(FlatView *v, unsigned i, hwaddr start, uint64_t size,
                        MemoryRegion *mr, hwaddr off)
{
    g_assert_cmpuint(i, <, v->nr);
    g_assert_cmphex(v->ranges[i].start, ==, start);
    g_assert_cmphex(v->ranges[i].size, ==, size);
    g_assert_true(v->ranges[i].mr == mr);
    g_assert_cmphex(v->ranges[i].offset_in_region, ==, off);
}

static void test_flatview_overlap_alias(void)
{
    MemoryRegion root, ram, io, alias, hidden;
    AddressSpace as;
    FlatView *v;

    memory_region_init(&root, NULL, "t-root", 1 * GiB);
    g_assert_true(memory_region_init_ram(&ram, NULL, "t-fv-ram", 64 * KiB,
                                         &error_abort));
    memory_region_init_io(&io, NULL, &test_io_ops, NULL, "t-io", 16 * KiB);
    memory_region_init_alias(&alias, NULL, "t-alias", &ram, 8 * KiB,
                             8 * KiB);
    memory_region_init_io(&hidden, NULL, &test_io_ops, NULL, "t-hidden",
                          4 * KiB);
    address_space_init(&as, &root, "t-as");

    memory_region_add_subregion(&root, 0, &ram);
    /* io overlaps ram's [16K, 32K) with higher priority: it wins. */
    memory_region_add_subregion_overlap(&root, 16 * KiB, &io, 1);
    /* A lower priority region under io is invisible. */
    memory_region_add_subregion_overlap(&root, 20 * KiB, &hidden, -1);
    memory_region_add_subregion(&root, 1 * MiB, &alias);

    v = address_space_get_flatview(&as);
    g_assert_cmpuint(v->nr, ==, 4);
    check_range(v, 0, 0, 16 * KiB, &ram, 0);
    check_range(v, 1, 16 * KiB, 16 * KiB, &io, 0);
    check_range(v, 2, 32 * KiB, 32 * KiB, &ram, 32 * KiB);
    check_range(v, 3, 1 * MiB, 8 * KiB, &ram, 8 * KiB);
    flatview_unref(v);

    /* Disabling io uncovers ram again (merged into one range). */
    memory_region_set_enabled(&io, false);
    v = address_space_get_flatview(&as);
    g_assert_cmpuint(v->nr, ==, 2);
    check_range(v, 0, 0, 64 * KiB, &ram, 0);
    flatview_unref(v);

    /* Moving the alias window changes what it shows. */
    memory_region_set_alias_offset(&alias, 0);
    v = address_space_get_flatview(&as);
    check_range(v, 1, 1 * MiB, 8 * KiB, &ram, 0);
    flatview_unref(v);

    memory_region_del_subregion(&root, &alias);
    memory_region_del_subregion(&root, &hidden);
    memory_region_del_subregion(&root, &io);
    memory_region_del_subregion(&root, &ram);
    v = address_space_get_flatview(&as);
    g_assert_cmpuint(v->nr, ==, 0);
    flatview_unref(v);
    address_space_destroy(&as);
    memory_region_finalize(&alias);
    memory_region_finalize(&io);
    memory_region_finalize(&hidden);
    memory_region_finalize(&ram);
    memory_region_finalize(&root);
}

static void test_access(void)
{
    MemoryRegion *sys = get_system_memory();
    MemoryRegion ram, rom, io;
    uint8_t buf[16];
    uint64_t v;
    ram_addr_t ra;

    g_assert_true(memory_region_init_ram(&ram, NULL, "t-acc-ram", 64 * KiB,
                                         &error_abort));
    g_assert_true(memory_region_init_rom(&rom, NULL, "t-acc-rom", 4 * KiB,
                                         &error_abort));
    memory_region_init_io(&io, NULL, &test_io_ops, NULL, "t-acc-io",
                          4 * KiB);
    memory_region_add_subregion(sys, 0x100000, &ram);
    memory_region_add_subregion(sys, 0x200000, &rom);
    memory_region_add_subregion(sys, 0x300000, &io);
    ra = ram.ram_block->offset;
    cpu_physical_memory_test_and_clear_dirty(ra, 64 * KiB, DIRTY_MEMORY_VGA);

    /* RAM: written bytes read back, and the page gets dirty. */
    memcpy(buf, "hello, guest RAM", 16);
    g_assert_cmpint(address_space_write(&address_space_memory, 0x100ff8,
                                        MEMTXATTRS_UNSPECIFIED, buf, 16),
                    ==, MEMTX_OK);
    memset(buf, 0, sizeof(buf));
    cpu_physical_memory_read(0x100ff8, buf, 16);
    g_assert_cmpmem(buf, 16, "hello, guest RAM", 16);
    g_assert_cmpuint(cpu_physical_memory_dirty_count(ra, 64 * KiB,
                                                     DIRTY_MEMORY_VGA),
                     ==, 2);

    /* ROM: guest writes are dropped, loader writes land. */
    cpu_physical_memory_write(0x200000, "x", 1);
    cpu_physical_memory_read(0x200000, buf, 1);
    g_assert_cmpint(buf[0], ==, 0);
    address_space_write_rom(&address_space_memory, 0x200000,
                            MEMTXATTRS_UNSPECIFIED, "y", 1);
    cpu_physical_memory_read(0x200000, buf, 1);
    g_assert_cmpint(buf[0], ==, 'y');

    /* Unassigned: all ones, decode error; writes vanish. */
    memset(buf, 0, sizeof(buf));
    g_assert_cmpint(address_space_read(&address_space_memory, 0x50000000,
                                       MEMTXATTRS_UNSPECIFIED, buf, 8),
                    ==, MEMTX_DECODE_ERROR);
    for (int i = 0; i < 8; i++) {
        g_assert_cmpint(buf[i], ==, 0xff);
    }
    /* A read straddling RAM's end: RAM bytes, then ones. */
    cpu_physical_memory_write(0x10fffe, "ab", 2);
    cpu_physical_memory_read(0x10fffe, buf, 4);
    g_assert_cmpmem(buf, 4, "ab\xff\xff", 4);

    /* I/O: a 4-byte access reaches the callback once. */
    io_writes = 0;
    g_assert_cmpint(address_space_st(&address_space_memory, 0x300010, 4,
                                     0xdeadbeef), ==, MEMTX_OK);
    g_assert_cmpuint(io_writes, ==, 1);
    g_assert_cmphex(io_last_addr, ==, 0x10);
    g_assert_cmphex(io_last_val, ==, 0xdeadbeef);
    g_assert_cmpuint(io_last_size, ==, 4);
    /* 8 bytes is above max_access_size 4: two accesses via rw. */
    io_writes = 0;
    memcpy(buf, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    cpu_physical_memory_write(0x300020, buf, 8);
    g_assert_cmpuint(io_writes, ==, 2);
    g_assert_cmphex(io_last_val, ==, 0x08070605);
    g_assert_cmpint(address_space_ld(&address_space_memory, 0x300004, 2,
                                     &v), ==, MEMTX_OK);
    g_assert_cmphex(v, ==, 0x1122 ^ 4);
    g_assert_cmpuint(io_last_size, ==, 2);

    memory_region_del_subregion(sys, &io);
    memory_region_del_subregion(sys, &rom);
    memory_region_del_subregion(sys, &ram);
    memory_region_finalize(&io);
    memory_region_finalize(&rom);
    memory_region_finalize(&ram);
}

/* --- writes to pages with decoded code (a tcg vCPU's) --- */

static GArray *code_notes;

static void note_code_write(ram_addr_t page)
{
    if (code_notes) {
        g_array_append_val(code_notes, page);
    }
}

static void test_code_written(void)
{
    MemoryRegion *sys = get_system_memory();
    MemoryRegion ram;
    ram_addr_t ra;

    code_notes = g_array_new(false, false, sizeof(ram_addr_t));
    cpu_physical_memory_set_code_notify(note_code_write);
    g_assert_true(memory_region_init_ram(&ram, NULL, "t-code", 64 * KiB,
                                         &error_abort));
    memory_region_add_subregion(sys, 0x400000, &ram);
    ra = ram.ram_block->offset;

    /* New RAM holds no code: writes tell nobody. */
    cpu_physical_memory_write(0x400000, "abcd", 4);
    g_assert_cmpuint(code_notes->len, ==, 0);

    /* A vCPU decodes from page 1: a write straddling 0/1 tells it once. */
    cpu_physical_memory_test_and_clear_dirty(ra + PAGE, PAGE,
                                             DIRTY_MEMORY_CODE);
    cpu_physical_memory_write(0x400000 + PAGE - 2, "wxyz", 4);
    g_assert_cmpuint(code_notes->len, ==, 1);
    g_assert_cmphex(g_array_index(code_notes, ram_addr_t, 0), ==, ra + PAGE);
    /* Told already: the next write until it decodes again is silent. */
    cpu_physical_memory_write(0x400000 + PAGE, "q", 1);
    address_space_set(&address_space_memory, 0x400000, 0x90, 64 * KiB,
                      MEMTXATTRS_UNSPECIFIED);
    g_assert_cmpuint(code_notes->len, ==, 1);

    /* memset over the whole range, and migration's RAM load, tell too. */
    cpu_physical_memory_test_and_clear_dirty(ra + 3 * PAGE, PAGE,
                                             DIRTY_MEMORY_CODE);
    address_space_set(&address_space_memory, 0x400000, 0xcc, 64 * KiB,
                      MEMTXATTRS_UNSPECIFIED);
    g_assert_cmpuint(code_notes->len, ==, 2);
    g_assert_cmphex(g_array_index(code_notes, ram_addr_t, 1), ==,
                    ra + 3 * PAGE);
    cpu_physical_memory_test_and_clear_dirty(ra + 5 * PAGE, PAGE,
                                             DIRTY_MEMORY_CODE);
    cpu_physical_memory_code_written(ra + 5 * PAGE, PAGE);
    g_assert_cmpuint(code_notes->len, ==, 3);
    g_assert_cmphex(g_array_index(code_notes, ram_addr_t, 2), ==,
                    ra + 5 * PAGE);

    memory_region_del_subregion(sys, &ram);
    memory_region_finalize(&ram);
    g_array_free(code_notes, true);
    code_notes = NULL;
}

/* --- listeners --- */

typedef struct TestListener {
    MemoryListener ml;
    int adds, dels, log_starts, log_stops, syncs, global_starts;
    int global_stops;
    hwaddr last_add;
    uint64_t last_size;
    bool fail_global_start;
} TestListener;

static void tl_add(MemoryListener *l, MemoryRegionSection *s)
{
    TestListener *t = container_of(l, TestListener, ml);

    t->adds++;
    t->last_add = s->offset_within_address_space;
    t->last_size = s->size;
}

static void tl_del(MemoryListener *l, MemoryRegionSection *s)
{
    container_of(l, TestListener, ml)->dels++;
}

static void tl_log_start(MemoryListener *l, MemoryRegionSection *s,
                         int old, int new)
{
    g_assert_true(new & ~old);
    container_of(l, TestListener, ml)->log_starts++;
}

static void tl_log_stop(MemoryListener *l, MemoryRegionSection *s,
                        int old, int new)
{
    g_assert_true(old & ~new);
    container_of(l, TestListener, ml)->log_stops++;
}

/* Pretend the accelerator saw page 1 of the section written. */
static void tl_log_sync(MemoryListener *l, MemoryRegionSection *s)
{
    unsigned long bm = cpu_to_le64(2);
    ram_addr_t ra = memory_region_get_ram_addr(s->mr) +
                    s->offset_within_region;

    container_of(l, TestListener, ml)->syncs++;
    cpu_physical_memory_set_dirty_lebitmap(&bm, ra, 2);
}

static bool tl_global_start(MemoryListener *l, Error **errp)
{
    TestListener *t = container_of(l, TestListener, ml);

    if (t->fail_global_start) {
        error_setg(errp, "test listener refuses");
        return false;
    }
    t->global_starts++;
    return true;
}

static void tl_global_stop(MemoryListener *l)
{
    container_of(l, TestListener, ml)->global_stops++;
}

static void tl_init(TestListener *t, unsigned prio)
{
    *t = (TestListener) {
        .ml = {
            .region_add = tl_add, .region_del = tl_del,
            .log_start = tl_log_start, .log_stop = tl_log_stop,
            .log_sync = tl_log_sync,
            .log_global_start = tl_global_start,
            .log_global_stop = tl_global_stop,
            .priority = prio, .name = "test",
        },
    };
}

static void test_listener(void)
{
    MemoryRegion *sys = get_system_memory();
    MemoryRegion ram;
    TestListener t, bad;
    RAMBlock *rb;
    Error *err = NULL;

    g_assert_true(memory_region_init_ram(&ram, NULL, "t-ls-ram", 1 * MiB,
                                         &error_abort));
    rb = ram.ram_block;
    memory_region_add_subregion(sys, 0x4000000, &ram);

    /* Registering replays what is already mapped. */
    tl_init(&t, 10);
    memory_listener_register(&t.ml, &address_space_memory);
    g_assert_cmpint(t.adds, >=, 1);
    g_assert_cmpint(t.log_starts, ==, 0);

    /* Global dirty logging: start per listener, then per RAM range. */
    g_assert_true(memory_global_dirty_log_start(GLOBAL_DIRTY_MIGRATION,
                                                &error_abort));
    g_assert_cmpint(t.global_starts, ==, 1);
    g_assert_cmpint(t.log_starts, >=, 1);
    g_assert_cmpuint(global_dirty_tracking, ==, GLOBAL_DIRTY_MIGRATION);

    /* Sync: the listener's bits land in the migration bitmap. */
    cpu_physical_memory_test_and_clear_dirty(rb->offset, MiB,
                                             DIRTY_MEMORY_MIGRATION);
    memory_global_dirty_log_sync(false);
    g_assert_cmpint(t.syncs, >=, 1);
    g_assert_true(cpu_physical_memory_get_dirty_flag(
                      rb->offset + PAGE, DIRTY_MEMORY_MIGRATION));
    g_assert_false(cpu_physical_memory_get_dirty_flag(
                       rb->offset, DIRTY_MEMORY_MIGRATION));

    /* ...and migration moves them into its per-block bitmap. */
    rb->bmap = bitmap_new(rb->used_length >> TARGET_PAGE_BITS);
    cpu_physical_memory_write(0x4000000 + 5 * PAGE, "z", 1);
    g_assert_cmpuint(cpu_physical_memory_sync_dirty_bitmap(rb, 0, MiB), ==,
                     2);
    g_assert_true(test_bit(1, rb->bmap) && test_bit(5, rb->bmap));
    g_assert_false(cpu_physical_memory_get_dirty(rb->offset, MiB,
                                                 DIRTY_MEMORY_MIGRATION));
    g_assert_cmpuint(cpu_physical_memory_sync_dirty_bitmap(rb, 0, MiB), ==,
                     0);

    /* A listener registered while tracking gets the global start too. */
    tl_init(&bad, 20);
    memory_listener_register(&bad.ml, &address_space_memory);
    g_assert_cmpint(bad.global_starts, ==, 1);
    g_assert_cmpint(bad.log_starts, >=, 1);
    memory_listener_unregister(&bad.ml);
    g_assert_cmpint(bad.log_stops, ==, bad.log_starts);
    g_assert_cmpint(bad.dels, ==, bad.adds);

    memory_global_dirty_log_stop(GLOBAL_DIRTY_MIGRATION);
    g_assert_cmpint(t.global_stops, ==, 1);
    g_assert_cmpint(t.log_stops, ==, t.log_starts);
    g_assert_cmpuint(global_dirty_tracking, ==, 0);

    /* A refusing listener undoes the start of those before it. */
    tl_init(&bad, 20);
    bad.fail_global_start = true;
    memory_listener_register(&bad.ml, &address_space_memory);
    g_assert_false(memory_global_dirty_log_start(GLOBAL_DIRTY_MIGRATION,
                                                 &err));
    error_free_or_abort(&err);
    g_assert_cmpint(t.global_starts, ==, 2);
    g_assert_cmpint(t.global_stops, ==, 2);
    g_assert_cmpuint(global_dirty_tracking, ==, 0);
    memory_listener_unregister(&bad.ml);

    /* Adding and removing regions is reported. */
    t.adds = t.dels = 0;
    memory_region_del_subregion(sys, &ram);
    g_assert_cmpint(t.dels, ==, 1);
    memory_region_add_subregion(sys, 0x8000000, &ram);
    g_assert_cmpint(t.adds, ==, 1);
    g_assert_cmphex(t.last_add, ==, 0x8000000);
    g_assert_cmphex(t.last_size, ==, MiB);
    memory_listener_unregister(&t.ml);
    memory_region_del_subregion(sys, &ram);
    memory_region_finalize(&ram);
}

static void test_mtree(void)
{
    MemoryRegion ram;
    g_autofree char *tree = NULL;

    g_assert_true(memory_region_init_ram(&ram, NULL, "t-mt-ram", 1 * MiB,
                                         &error_abort));
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    tree = mtree_info(false, false, false);
    g_assert_nonnull(strstr(tree, "address-space: memory\n"));
    g_assert_nonnull(strstr(tree, "  0000000000000000-ffffffffffffffff "
                            "(prio 0, i/o): system\n"));
    g_assert_nonnull(strstr(tree, "    0000000000000000-00000000000fffff "
                            "(prio 0, ram): t-mt-ram\n"));
    memory_region_del_subregion(get_system_memory(), &ram);
    memory_region_finalize(&ram);
}

/* --- host memory backends --- */

static HostMemoryBackend *backend_add(const char *opts)
{
    /* The object belongs to /objects. */
    return MEMORY_BACKEND(user_creatable_add_opts_str(opts, &error_abort));
}

static void test_backend_ram(void)
{
    HostMemoryBackend *b = backend_add("memory-backend-ram,id=m0,size=4M");
    HostMemoryBackend *s;
    RAMBlock *rb = memory_region_get_ram_block(
        host_memory_backend_get_memory(b));
    Error *err = NULL;

    g_assert_cmpstr(qemu_ram_get_idstr(rb), ==, "m0");
    g_assert_cmpuint(rb->used_length, ==, 4 * MiB);
    g_assert_false(qemu_ram_is_shared(rb));
    g_assert_cmpint(rb->fd, ==, -1);
    /* Not migrated until a machine maps it. */
    g_assert_false(qemu_ram_is_migratable(rb));
    /* Properties are frozen once the memory exists. */
    g_assert_false(object_property_set_uint(OBJECT(b), "size", MiB, &err));
    error_free_or_abort(&err);

    s = backend_add("memory-backend-ram,id=m1,size=1M,share=on");
    rb = s->mr.ram_block;
    g_assert_true(qemu_ram_is_shared(rb));

    /* In use: deletion refused; then allowed. */
    host_memory_backend_set_mapped(b, true);
    g_assert_false(user_creatable_del("m0", &err));
    error_free_or_abort(&err);
    host_memory_backend_set_mapped(b, false);
    g_assert_true(user_creatable_del("m0", &error_abort));
    g_assert_null(qemu_ram_block_by_name("m0"));
    g_assert_true(user_creatable_del("m1", &error_abort));

    /* Size 0 is refused, and a missing size too. */
    g_assert_null(user_creatable_add_opts_str(
                      "memory-backend-ram,id=m2,size=0", &err));
    error_free_or_abort(&err);
    g_assert_null(user_creatable_add_opts_str("memory-backend-ram,id=m3",
                                              &err));
    error_free_or_abort(&err);
}

static void test_backend_memfd(void)
{
    HostMemoryBackend *b =
        backend_add("memory-backend-memfd,id=mfd,size=2M");
    RAMBlock *rb = b->mr.ram_block;
    struct stat st;

    g_assert_cmpstr(qemu_ram_get_idstr(rb), ==, "mfd");
    g_assert_true(qemu_ram_is_shared(rb));
    g_assert_cmpint(rb->fd, >=, 0);
    g_assert_cmpint(fstat(rb->fd, &st), ==, 0);
    g_assert_cmpint(st.st_size, ==, 2 * MiB);
    /* Sealed: the file cannot grow under the guest. */
    g_assert_cmpint(ftruncate(rb->fd, 4 * MiB), <, 0);
    g_assert_true(user_creatable_del("mfd", &error_abort));
}

static void check_file_backend(const char *dir, bool share)
{
    g_autofree char *path = g_build_filename(dir, share ? "on" : "off",
                                             NULL);
    g_autofree char *opts = g_strdup_printf(
        "memory-backend-file,id=mf,size=1M,mem-path=%s,share=%s", path,
        share ? "on" : "off");
    HostMemoryBackend *b = backend_add(opts);
    RAMBlock *rb = b->mr.ram_block;
    g_autofree char *contents = NULL;
    gsize len;

    g_assert_cmpstr(qemu_ram_get_idstr(rb), ==, "mf");
    g_assert_cmpuint(rb->used_length, ==, MiB);
    g_assert_true(qemu_ram_is_shared(rb) == share);
    g_assert_true(qemu_ram_is_named_file(rb));
    memcpy(ramblock_ptr(rb, 4096), "guest", 5);
    g_assert_true(g_file_get_contents(path, &contents, &len, NULL));
    g_assert_cmpuint(len, ==, MiB);
    /* Only a shared mapping writes through to the file. */
    g_assert_true((memcmp(contents + 4096, "guest", 5) == 0) == share);
    g_assert_true(user_creatable_del("mf", &error_abort));
    unlink(path);
}

static void test_backend_file(void)
{
    g_autofree char *dir = g_dir_make_tmp("test-memory-XXXXXX", NULL);
    Error *err = NULL;

    g_assert_nonnull(dir);
    check_file_backend(dir, true);
    check_file_backend(dir, false);
    g_assert_null(user_creatable_add_opts_str(
                      "memory-backend-file,id=mf,size=1M", &err));
    error_free_or_abort(&err);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    module_call_init(MODULE_INIT_QOM);
    g_test_add_func("/memory/ramblock/basic", test_ramblock_basic);
    g_test_add_func("/memory/ramblock/sorted-unique",
                    test_ramblock_sorted_and_unique);
    g_test_add_func("/memory/dirty/ranges", test_dirty_ranges);
    g_test_add_func("/memory/dirty/lebitmap", test_dirty_lebitmap);
    g_test_add_func("/memory/dirty/atomic", test_dirty_atomic);
    g_test_add_func("/memory/flatview/overlap-alias",
                    test_flatview_overlap_alias);
    g_test_add_func("/memory/access", test_access);
    g_test_add_func("/memory/code-written", test_code_written);
    g_test_add_func("/memory/listener", test_listener);
    g_test_add_func("/memory/mtree", test_mtree);
    g_test_add_func("/memory/backend/ram", test_backend_ram);
    g_test_add_func("/memory/backend/memfd", test_backend_memfd);
    g_test_add_func("/memory/backend/file", test_backend_file);
    return g_test_run();
}
