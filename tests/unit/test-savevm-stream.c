/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration stream end to end in one process: savevm.c, ram.c,
 * the timer and globalstate sections over a real 64 MiB RAMBlock.
 *
 * Save side: an idle "-M none -m 64M -nic none -S" stream must equal
 * QEMU 7.2's record by record (docs/devel/migration-stream.md, "The
 * idle stream"; its trailer the 486-byte JSON QEMU 7.2 writes).  Load
 * side: every hard rule of docs/devel/migration-interop.md ("What a
 * QEMU 7.2 loader refuses") as a hand-made stream with its exact error,
 * Tern's stricter choices, return-path commands, and truncation of a
 * small valid stream at every byte.
 *
 * The control half of migration (options, incoming state, rate limiter)
 * is replaced by the small fakes below; the return-path writers are the
 * real ones (return-path.c).
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include "io/channel-buffer.h"
#include "migration/global_state.h"
#include "migration/migration.h"
#include "migration/migration-stats.h"
#include "migration/options.h"
#include "migration/postcopy-preempt.h"
#include "migration/ram.h"
#include "migration/xbzrle.h"
#include "migration/register.h"
#include "migration/return-path.h"
#include "migration/savevm.h"
#include "migration/timer-state.h"
#include "qapi/error.h"
#include "qemu/bswap.h"
#include "qemu/cutils.h"
#include "qemu/module.h"
#include "qom/object.h"
#include "system/memory.h"
#include "system/ram_addr.h"
#include "system/runstate.h"

#define PAGE 4096
#define RAM_SIZE (64 * MiB)

/* ------------------------------------------------------------- fakes */

static bool opt_ignore_shared, opt_validate_uuid, opt_events;
static bool opt_no_footer, opt_no_config;
static int pass_events;
static MigrationIncomingState fake_mis;

bool migrate_ignore_shared(void) { return opt_ignore_shared; }
bool migrate_validate_uuid(void) { return opt_validate_uuid; }
bool migrate_events(void) { return opt_events; }
bool migrate_send_section_footer(void) { return !opt_no_footer; }
bool migrate_send_configuration(void) { return !opt_no_config; }
bool migrate_store_global_state(void) { return true; }
bool migrate_colo(void) { return false; }
#include "tests/migration-ram-fakes.h"

/* Postcopy (postcopy-in.c): never advised here, so never reached. */
bool migrate_postcopy_ram(void) { return false; }
bool migrate_postcopy_blocktime(void) { return false; }
bool migrate_postcopy_preempt(void) { return false; }
/* postcopy-preempt.c: no preempt channel without postcopy. */
void postcopy_preempt_set_loader(PostcopyPreemptLoadFn *fn) { }
void postcopy_preempt_dst_start(void (*broken)(Error *err))
{
    g_assert_not_reached();
}
void postcopy_preempt_dst_stop(void) { }
void postcopy_preempt_dst_reset(void) { }
bool migrate_release_ram(void) { return false; }
void migrate_set_state(int *state, int old_state, int new_state)
{
    g_assert_not_reached();
}
void migrate_incoming_set_error(MigrationIncomingState *mis,
                                const Error *error)
{
    g_assert_not_reached();
}
bool autostart;
void vm_start(void) { g_assert_not_reached(); }
void runstate_set(RunState new_state) { g_assert_not_reached(); }

MigrationAtomicStats mig_stats;

bool migration_rate_exceeded(QEMUFile *f)
{
    return qemu_file_get_error(f) != 0;
}

void migration_send_pass_event(int64_t pass)
{
    pass_events++;
}

MigrationIncomingState *migration_incoming_get_current(void)
{
    return &fake_mis;
}

/* ------------------------------------------------------------- setup */

static MemoryRegion ram_mr;
static RAMBlock *ram_rb;

/* QEMU registers live handlers here that are inactive on -M none. */
static bool never_active(void *opaque)
{
    return false;
}

static int unused_setup(QEMUFile *f, void *opaque, Error **errp)
{
    g_assert_not_reached();
}

static const SaveVMHandlers inactive_handlers = {
    .is_active = never_active,
    .save_setup = unused_setup,
};

static const TypeInfo none_machine_info = {
    .name = "none-machine",
    .parent = TYPE_OBJECT,
};

static void stream_setup(void)
{
    Object *machine;

    /* The real -M none when the machine core is linked in. */
    if (!object_class_by_name(none_machine_info.name)) {
        type_register_static(&none_machine_info);
    }
    machine = object_new("none-machine");
    object_property_add_child(object_get_root(), "machine", machine);
    object_unref(machine);

    g_assert_true(memory_region_init_ram(&ram_mr, NULL, "ram", RAM_SIZE,
                                         &error_abort));
    memory_region_add_subregion(get_system_memory(), 0, &ram_mr);
    ram_rb = ram_mr.ram_block;

    /*
     * QEMU 7.2's registration order on -M none -nic none: timer 0,
     * dirty-bitmap 1, ram 2, block 3, globalstate 4.
     */
    cpu_timers_vmstate_register();
    register_savevm_live("dirty-bitmap", 0, 1, &inactive_handlers, NULL);
    ram_mig_init();
    register_savevm_live("block", 0, 1, &inactive_handlers, NULL);
    register_global_state();
    /* One PART for all of RAM however loaded the machine is, as QEMU's
     * idle capture has. */
    ram_set_iterate_max_ms(0);
}

static void reset_state(void)
{
    opt_ignore_shared = opt_validate_uuid = opt_events = false;
    opt_no_footer = opt_no_config = false;
    qemu_savevm_set_uuid(NULL);
    memset(ram_rb->host, 0, RAM_SIZE);
    memset(&timers_state, 0, sizeof(timers_state));
    global_state_store_runstate(RUN_STATE_PRELAUNCH);
    global_state_reset();
    g_assert_null(fake_mis.to_src_file);
}

/* --------------------------------------------------- stream builders */

typedef GByteArray Stream;

static void put8(Stream *s, uint8_t v)
{
    g_byte_array_append(s, &v, 1);
}

static void put16(Stream *s, uint16_t v)
{
    put8(s, v >> 8);
    put8(s, v);
}

static void put32(Stream *s, uint32_t v)
{
    put16(s, v >> 16);
    put16(s, v);
}

static void put64(Stream *s, uint64_t v)
{
    put32(s, v >> 32);
    put32(s, v);
}

static void putbuf(Stream *s, const void *p, size_t len)
{
    g_byte_array_append(s, p, len);
}

static void putstr8(Stream *s, const char *str)
{
    put8(s, strlen(str));
    putbuf(s, str, strlen(str));
}

static void put_header(Stream *s)
{
    put32(s, 0x5145564d);
    put32(s, 3);
}

static void put_config(Stream *s, const char *machine)
{
    put8(s, 0x07);
    put32(s, strlen(machine));
    putbuf(s, machine, strlen(machine));
}

static Stream *stream_start(void)
{
    Stream *s = g_byte_array_new();

    put_header(s);
    put_config(s, "none");
    return s;
}

static void put_sec(Stream *s, uint8_t type, uint32_t id, const char *idstr,
                    uint32_t instance, uint32_t version)
{
    put8(s, type);
    put32(s, id);
    if (idstr) {
        putstr8(s, idstr);
        put32(s, instance);
        put32(s, version);
    }
}

static void put_footer(Stream *s, uint32_t id)
{
    put8(s, 0x7e);
    put32(s, id);
}

static void put_timer(Stream *s, uint32_t id, int64_t ticks, int64_t clock)
{
    put_sec(s, 0x04, id, "timer", 0, 2);
    put64(s, ticks);
    put64(s, 0);
    put64(s, clock);
    put_footer(s, id);
}

static void put_globalstate(Stream *s, uint32_t id, const char *state)
{
    uint8_t buf[100] = { 0 };

    memcpy(buf, state, MIN(strlen(state), sizeof(buf)));
    put_sec(s, 0x04, id, "globalstate", 0, 1);
    put32(s, strlen(state) + 1);
    putbuf(s, buf, sizeof(buf));
    put_footer(s, id);
}

/* START of "ram" with the MEM_SIZE list for our one 64 MiB block. */
static void put_ram_start(Stream *s, uint32_t id)
{
    put_sec(s, 0x01, id, "ram", 0, 4);
    put64(s, RAM_SIZE | 0x04);
    putstr8(s, "ram");
    put64(s, RAM_SIZE);
    put64(s, 0x10);
    put_footer(s, id);
}

/* A page record: block named unless @cont. */
static void put_page_hdr(Stream *s, uint64_t offset, uint64_t flags,
                         bool cont)
{
    put64(s, offset | flags | (cont ? 0x20 : 0));
    if (!cont) {
        putstr8(s, "ram");
    }
}

/* ------------------------------------------------------ save / load */

static Stream *save_stream(void)
{
    QIOChannelBuffer *bioc = qio_channel_buffer_new(0);
    QEMUFile *f = qemu_file_new_output(QIO_CHANNEL(bioc));
    Stream *s = g_byte_array_new();

    g_assert_cmpint(qemu_savevm_state(f, &error_abort), ==, 0);
    qemu_fflush(f);
    g_byte_array_append(s, bioc->data, bioc->usage);
    g_assert_cmpint(qemu_fclose(f), ==, 0);
    object_unref(bioc);
    return s;
}

/* Return-path bytes written by the last load_stream(). */
static GByteArray *rp_bytes;

static int load_bytes(const uint8_t *data, size_t len, Error **errp)
{
    QIOChannelBuffer *bioc = qio_channel_buffer_new(len);
    QEMUFile *f;
    int ret;

    if (len) {
        memcpy(bioc->data, data, len);
    }
    bioc->usage = len;
    f = qemu_file_new_input(QIO_CHANNEL(bioc));
    global_state_reset();
    ret = qemu_loadvm_state(f, errp);
    if (fake_mis.to_src_file) {
        /*
         * What migration_incoming_state_destroy() does: SHUT with the
         * outcome.  The return path shares the buffer channel (written
         * after the stream's end): collect what the loader answered.
         */
        migrate_send_rp_shut(&fake_mis, ret < 0);
        g_byte_array_set_size(rp_bytes, 0);
        if (bioc->usage > len) {
            g_byte_array_append(rp_bytes, bioc->data + len,
                                bioc->usage - len);
        }
        qemu_fclose(fake_mis.to_src_file);
        fake_mis.to_src_file = NULL;
    } else {
        g_byte_array_set_size(rp_bytes, 0);
    }
    qemu_fclose(f);
    object_unref(bioc);
    return ret;
}

static int load_stream(Stream *s, Error **errp)
{
    return load_bytes(s->data, s->len, errp);
}

/* Load @s, expect failure with exactly @msg. */
static void expect_error(Stream *s, const char *msg)
{
    Error *err = NULL;

    g_assert_cmpint(load_stream(s, &err), <, 0);
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
    g_byte_array_free(s, true);
}

static void expect_ok(Stream *s)
{
    g_assert_cmpint(load_stream(s, &error_abort), ==, 0);
    g_byte_array_free(s, true);
}

/*
 * With TERN_STREAM_DIR set, keep a copy of a stream (or RAM image) there
 * for tests/unit/test-analyze-migration.py.
 */
static void keep_file(const char *name, const void *data, size_t len)
{
    const char *dir = g_getenv("TERN_STREAM_DIR");
    g_autofree char *path = NULL;

    if (dir) {
        path = g_build_filename(dir, name, NULL);
        g_assert_true(g_file_set_contents(path, data, len, NULL));
    }
}

/* ------------------------------------------------------- save tests */

static const char none_vmdesc[] =
    "{\"page_size\": 4096, \"devices\": ["
    "{\"name\": \"timer\", \"instance_id\": 0, \"vmsd_name\": \"timer\", "
    "\"version\": 2, \"fields\": ["
    "{\"name\": \"cpu_ticks_offset\", \"type\": \"int64\", \"size\": 8}, "
    "{\"name\": \"unused\", \"type\": \"unused_buffer\", \"size\": 8}, "
    "{\"name\": \"cpu_clock_offset\", \"type\": \"int64\", \"size\": 8}]}, "
    "{\"name\": \"globalstate\", \"instance_id\": 0, "
    "\"vmsd_name\": \"globalstate\", \"version\": 1, \"fields\": ["
    "{\"name\": \"size\", \"type\": \"uint32\", \"size\": 4}, "
    "{\"name\": \"runstate\", \"type\": \"buffer\", \"size\": 100}]}]}";

/* QEMU 7.2's idle stream, -nic none variant, built by hand. */
static Stream *golden_none(void)
{
    Stream *s = stream_start();
    uint64_t off;

    put_ram_start(s, 2);
    put_sec(s, 0x02, 2, NULL, 0, 0);
    put_page_hdr(s, 0, 0x02, false);
    put8(s, 0);
    for (off = PAGE; off < RAM_SIZE; off += PAGE) {
        put_page_hdr(s, off, 0x02, true);
        put8(s, 0);
    }
    put64(s, 0x10);
    put_footer(s, 2);
    put_sec(s, 0x03, 2, NULL, 0, 0);
    put64(s, 0x10);
    put_footer(s, 2);
    put_timer(s, 0, 0, 0);
    put_globalstate(s, 4, "prelaunch");
    put8(s, 0x00);
    put8(s, 0x06);
    put32(s, strlen(none_vmdesc));
    putbuf(s, none_vmdesc, strlen(none_vmdesc));
    return s;
}

static void test_golden_idle(void)
{
    g_autoptr(GByteArray) got = NULL;
    g_autoptr(GByteArray) want = golden_none();
    size_t i;

    reset_state();
    got = save_stream();
    /* 148 237 bytes: the QEMU 7.2 capture's size; 486 bytes of JSON. */
    g_assert_cmpuint(strlen(none_vmdesc), ==, 486);
    g_assert_cmpuint(want->len, ==, 148237);
    for (i = 0; i < MIN(got->len, want->len); i++) {
        if (got->data[i] != want->data[i]) {
            g_test_message("first difference at offset 0x%zx", i);
            break;
        }
    }
    g_assert_cmpuint(got->len, ==, want->len);
    g_assert_true(memcmp(got->data, want->data, want->len) == 0);
    keep_file("none.mig", got->data, got->len);
    /* Record sizes named by the spec: 13-byte first zero, then 9. */
    g_assert_cmphex(got->data[0x43], ==, 0x02);            /* PART */
    g_assert_cmphex(got->data[0x48 + 13 + 7], ==, 0x22);   /* ZERO|CONT */
    /* It loads back, and the destination would stay in prelaunch. */
    g_assert_cmpint(load_stream(got, &error_abort), ==, 0);
    g_assert_true(global_state_received());
    g_assert_cmpint(global_state_get_runstate(), ==, RUN_STATE_PRELAUNCH);
}

/* Data pages travel as PAGE records and come back byte for byte. */
static void test_roundtrip_data(void)
{
    g_autoptr(GByteArray) s = NULL;
    g_autofree uint8_t *copy = NULL;
    uint64_t normal0 = stat64_get(&mig_stats.normal_pages);
    int i;

    reset_state();
    for (i = 0; i < 300; i++) {
        uint64_t off = (uint64_t)g_test_rand_int_range(0, RAM_SIZE / PAGE)
                       * PAGE;

        memset(ram_rb->host + off + (i % 64) * 8, 0x40 + i % 50, 100);
    }
    timers_state.cpu_ticks_offset = 0x1122334455667788LL;
    timers_state.cpu_clock_offset = 987654321;
    global_state_store_running();
    copy = g_memdup2(ram_rb->host, RAM_SIZE);
    s = save_stream();
    g_assert_cmpuint(stat64_get(&mig_stats.normal_pages) - normal0, >, 0);
    keep_file("data.mig", s->data, s->len);
    keep_file("data.ram", copy, RAM_SIZE);

    memset(ram_rb->host, 0x55, RAM_SIZE);
    memset(&timers_state, 0, sizeof(timers_state));
    g_assert_cmpint(load_stream(s, &error_abort), ==, 0);
    g_assert_true(memcmp(ram_rb->host, copy, RAM_SIZE) == 0);
    g_assert_cmpint(timers_state.cpu_ticks_offset, ==,
                    0x1122334455667788LL);
    g_assert_cmpint(timers_state.cpu_clock_offset, ==, 987654321);
    g_assert_cmpint(global_state_get_runstate(), ==, RUN_STATE_RUNNING);
}

/*
 * Live: the first pass sends every page; a page written afterwards
 * reaches the bitmap at the next sync and goes in a later PART.
 */
static void test_dirty_pass(void)
{
    QIOChannelBuffer *bioc = qio_channel_buffer_new(0);
    QEMUFile *f = qemu_file_new_output(QIO_CHANNEL(bioc));
    uint64_t must, can, syncs;
    size_t mark;
    uint8_t *p;

    reset_state();
    opt_events = true;
    pass_events = 0;
    syncs = stat64_get(&mig_stats.dirty_sync_count);
    qemu_savevm_state_header(f);
    g_assert_cmpint(qemu_savevm_state_setup(f, &error_abort), ==, 0);
    g_assert_cmpint(pass_events, ==, 1);
    qemu_savevm_state_pending_estimate(&must, &can);
    g_assert_cmpuint(must, ==, RAM_SIZE);
    g_assert_cmpuint(can, ==, 0);
    g_assert_cmpint(qemu_savevm_state_iterate(f, false), ==, 1);
    qemu_savevm_state_pending_estimate(&must, &can);
    g_assert_cmpuint(must, ==, 0);

    /* The guest (here: a device write) dirties one page. */
    cpu_physical_memory_write(0x123000 + 17, "dirty!", 6);
    qemu_savevm_state_pending_exact(&must, &can);
    g_assert_cmpuint(must, ==, PAGE);
    g_assert_cmpuint(stat64_get(&mig_stats.dirty_sync_count), ==,
                     syncs + 2);
    g_assert_cmpint(pass_events, ==, 2);

    qemu_fflush(f);
    mark = bioc->usage;
    g_assert_cmpint(qemu_savevm_state_iterate(f, false), ==, 1);
    qemu_fflush(f);
    /* PART 2: one PAGE record for 0x123000, block named (not CONT). */
    p = bioc->data + mark;
    g_assert_cmphex(p[0], ==, 0x02);
    g_assert_cmphex(ldl_be_p(p + 1), ==, 2);
    g_assert_cmphex(ldq_be_p(p + 5), ==, 0x123000 | 0x08 | 0x20);
    g_assert_cmpint(memcmp(p + 13 + 17, "dirty!", 6), ==, 0);
    g_assert_cmphex(ldq_be_p(p + 13 + PAGE), ==, 0x10);
    g_assert_cmpuint(bioc->usage - mark, ==, 5 + 8 + PAGE + 8 + 5);

    g_assert_cmpint(qemu_savevm_state_complete_precopy(f, false,
                                                       &error_abort), ==, 0);
    qemu_savevm_state_cleanup();
    g_assert_cmpuint(global_dirty_tracking, ==, 0);
    qemu_fclose(f);
    object_unref(bioc);
}

/* Is the page at @p backed by memory (mincore)? */
static bool page_resident(void *p)
{
    unsigned char v = 0;

    g_assert_cmpint(mincore(p, PAGE, &v), ==, 0);
    return v & 1;
}

/*
 * Pages of RAM the kernel never backed are sent as ZERO records without
 * being read (pagemap).  What the source learnt about them must not
 * outlive a bitmap sync: a page written before the sync is sent.
 */
static void test_untouched_pages(void)
{
    QIOChannelBuffer *bioc = qio_channel_buffer_new(0);
    QEMUFile *f = qemu_file_new_output(QIO_CHANNEL(bioc));
    const uint64_t dirty = RAM_SIZE - 3 * PAGE;    /* in the last chunk */
    uint64_t must, can, zeros = stat64_get(&mig_stats.zero_pages);
    size_t mark;
    uint8_t *p;

    reset_state();
    g_assert_cmpint(madvise(ram_rb->host, RAM_SIZE, MADV_DONTNEED), ==, 0);
    g_assert_false(page_resident(ram_rb->host + dirty));
    qemu_savevm_state_header(f);
    g_assert_cmpint(qemu_savevm_state_setup(f, &error_abort), ==, 0);
    g_assert_cmpint(qemu_savevm_state_iterate(f, false), ==, 1);
    g_assert_cmpuint(stat64_get(&mig_stats.zero_pages) - zeros, ==,
                     RAM_SIZE / PAGE);
    /* Not even read: reading would have mapped the zero page. */
    g_assert_false(page_resident(ram_rb->host + dirty));
    g_assert_false(page_resident(ram_rb->host + PAGE));

    cpu_physical_memory_write(dirty + 5, "fresh", 5);
    qemu_savevm_state_pending_exact(&must, &can);
    g_assert_cmpuint(must, ==, PAGE);
    qemu_fflush(f);
    mark = bioc->usage;
    g_assert_cmpint(qemu_savevm_state_iterate(f, false), ==, 1);
    qemu_fflush(f);
    p = bioc->data + mark;
    g_assert_cmphex(ldq_be_p(p + 5), ==, dirty | 0x08 | 0x20);
    g_assert_cmpint(memcmp(p + 13 + 5, "fresh", 5), ==, 0);

    g_assert_cmpint(qemu_savevm_state_complete_precopy(f, false,
                                                       &error_abort), ==, 0);
    qemu_savevm_state_cleanup();
    qemu_fclose(f);
    object_unref(bioc);
    reset_state();
}

static void test_config_subsections(void)
{
    g_autoptr(GByteArray) s = NULL;
    QemuUUID uuid;
    static const uint8_t want[] = {
        0x07, 0, 0, 0, 4, 'n', 'o', 'n', 'e',
        0x05, 26, 'c', 'o', 'n', 'f', 'i', 'g', 'u', 'r', 'a', 't', 'i',
        'o', 'n', '/', 'c', 'a', 'p', 'a', 'b', 'i', 'l', 'i', 't', 'i',
        'e', 's', 0, 0, 0, 1, 0, 0, 0, 1, 15, 'x', '-', 'i', 'g', 'n',
        'o', 'r', 'e', '-', 's', 'h', 'a', 'r', 'e', 'd',
        0x05, 18, 'c', 'o', 'n', 'f', 'i', 'g', 'u', 'r', 'a', 't', 'i',
        'o', 'n', '/', 'u', 'u', 'i', 'd', 0, 0, 0, 1,
        0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
        0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
    };

    reset_state();
    opt_ignore_shared = opt_validate_uuid = true;
    g_assert_cmpint(qemu_uuid_parse("12345678-9abc-def0-1122-334455667788",
                                    &uuid), ==, 0);
    qemu_savevm_set_uuid(&uuid);
    s = save_stream();
    g_assert_cmpuint(s->len, >, 8 + sizeof(want));
    g_assert_true(memcmp(s->data + 8, want, sizeof(want)) == 0);
    /* x-ignore-shared adds the GPA to each MEM_SIZE entry. */
    g_assert_cmphex(ldq_be_p(s->data + 8 + sizeof(want) + 17 + 8 + 4 + 8), ==,
                    0);
    /* Our own loader takes it back. */
    g_assert_cmpint(load_stream(s, &error_abort), ==, 0);
    reset_state();
}

/* A legacy (non-VMState) handler: opaque bytes, sized in the trailer. */
static uint8_t legacy_state[131];

static void legacy_save(QEMUFile *f, void *opaque)
{
    qemu_put_buffer(f, legacy_state, sizeof(legacy_state));
}

static int legacy_load(QEMUFile *f, void *opaque, int version_id,
                       Error **errp)
{
    qemu_get_buffer(f, legacy_state, sizeof(legacy_state));
    return 0;
}

static const SaveVMHandlers legacy_handlers = {
    .save_state = legacy_save,
    .load_state = legacy_load,
};

static int failing_setup(QEMUFile *f, void *opaque, Error **errp)
{
    return -EIO;        /* without saying why: savevm must cope */
}

static const SaveVMHandlers failing_handlers = {
    .save_setup = failing_setup,
};

static void test_legacy_and_failures(void)
{
    g_autoptr(GByteArray) s = NULL;
    QIOChannelBuffer *bioc;
    QEMUFile *f;
    Error *err = NULL;
    const char *want = "{\"name\": \"slirp\", \"instance_id\": 0, "
        "\"size\": 131, \"fields\": [{\"name\": \"data\", "
        "\"size\": 131, \"type\": \"buffer\"}]}";

    reset_state();
    register_savevm_live("slirp", VMSTATE_INSTANCE_ID_ANY, 4,
                         &legacy_handlers, legacy_state);
    memset(legacy_state, 0x5a, sizeof(legacy_state));
    s = save_stream();
    g_assert_nonnull(memmem(s->data, s->len, want, strlen(want)));
    memset(legacy_state, 0, sizeof(legacy_state));
    g_assert_cmpint(load_stream(s, &error_abort), ==, 0);
    g_assert_cmphex(legacy_state[130], ==, 0x5a);
    unregister_savevm(NULL, "slirp", legacy_state);

    register_savevm_live("failing", 0, 1, &failing_handlers, NULL);
    bioc = qio_channel_buffer_new(0);
    f = qemu_file_new_output(QIO_CHANNEL(bioc));
    g_assert_cmpint(qemu_savevm_state(f, &err), ==, -EIO);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "failing: setup failed: Input/output error");
    error_free(err);
    qemu_fclose(f);
    object_unref(bioc);
    unregister_savevm(NULL, "failing", NULL);

    /* Unregistered: the idle stream is the golden one again. */
    g_byte_array_unref(s);
    s = save_stream();
    g_assert_cmpuint(s->len, ==, 148237);
}

static const VMStateDescription vmstate_unmigratable = {
    .name = "no-migration-please",
    .unmigratable = true,
};

static void test_unmigratable(void)
{
    Error *err = NULL;
    int dummy;

    g_assert_false(qemu_savevm_state_blocked(&error_abort));
    vmstate_register(NULL, 0, &vmstate_unmigratable, &dummy);
    g_assert_true(qemu_savevm_state_blocked(&err));
    g_assert_cmpstr(error_get_pretty(err), ==, "State blocked by "
                    "non-migratable device 'no-migration-please'");
    error_free(err);
    vmstate_unregister(NULL, &vmstate_unmigratable, &dummy);
    g_assert_false(qemu_savevm_state_blocked(&error_abort));
}

static void test_commands_sent(void)
{
    QIOChannelBuffer *bioc = qio_channel_buffer_new(0);
    QEMUFile *f = qemu_file_new_output(QIO_CHANNEL(bioc));
    static const uint8_t want[] = {
        0x08, 0x00, 0x01, 0x00, 0x00,
        0x08, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01,
    };

    qemu_savevm_send_open_return_path(f);
    qemu_savevm_send_ping(f, 1);
    qemu_fflush(f);
    g_assert_cmpuint(bioc->usage, ==, sizeof(want));
    g_assert_true(memcmp(bioc->data, want, sizeof(want)) == 0);
    qemu_fclose(f);
    object_unref(bioc);
}

/* ------------------------------------------------------- load tests */

static void test_load_header(void)
{
    Stream *s;

    reset_state();
    s = g_byte_array_new();
    putbuf(s, "QEVN", 4);
    put32(s, 3);
    expect_error(s, "Not a migration stream");

    s = g_byte_array_new();
    put32(s, 0x5145564d);
    put32(s, 2);
    expect_error(s, "SaveVM v2 format is obsolete and don't work anymore");

    s = g_byte_array_new();
    put32(s, 0x5145564d);
    put32(s, 4);
    expect_error(s, "Unsupported migration stream version");

    s = g_byte_array_new();
    put_header(s);
    put8(s, 0x00);
    expect_error(s, "Configuration section missing");

    /* The 18-byte minimum QEMU accepts (no trailer: a warning only). */
    s = stream_start();
    put8(s, 0x00);
    expect_ok(s);
}

static void test_load_machine_name(void)
{
    Stream *s;

    reset_state();
    s = g_byte_array_new();
    put_header(s);
    put_config(s, "pc");
    put8(s, 0);
    expect_error(s, "Machine type received is 'pc' and local is 'none'");

    s = g_byte_array_new();
    put_header(s);
    put_config(s, "nonexyz");
    put8(s, 0);
    expect_error(s, "Machine type received is 'nonexyz' and local is "
                 "'none'");

    /* QEMU's prefix rule: only the received length is compared. */
    s = g_byte_array_new();
    put_header(s);
    put_config(s, "no");
    put8(s, 0);
    expect_ok(s);
    s = g_byte_array_new();
    put_header(s);
    put_config(s, "");
    put8(s, 0);
    expect_ok(s);
}

static void put_cfg_sub(Stream *s, const char *name)
{
    put8(s, 0x05);
    putstr8(s, name);
    put32(s, 1);
}

static void test_load_config_subsections(void)
{
    Stream *s;
    QemuUUID uuid;

    reset_state();
    s = stream_start();
    put_cfg_sub(s, "configuration/bogus");
    put8(s, 0);
    expect_error(s, "Unknown configuration subsection "
                 "'configuration/bogus'");

    s = stream_start();
    put_cfg_sub(s, "configuration/capabilities");
    put32(s, 1);
    putstr8(s, "x-frobnicate");
    put8(s, 0);
    expect_error(s, "Received unknown capability x-frobnicate");

    s = stream_start();
    put_cfg_sub(s, "configuration/capabilities");
    put32(s, 1);
    putstr8(s, "x-ignore-shared");
    put8(s, 0);
    expect_error(s, "Capability x-ignore-shared is off, but received "
                 "capability is on");

    /* Known but unvalidated capabilities, or none, are fine. */
    s = stream_start();
    put_cfg_sub(s, "configuration/capabilities");
    put32(s, 1);
    putstr8(s, "xbzrle");
    put8(s, 0);
    expect_ok(s);

    opt_ignore_shared = true;
    s = stream_start();
    put8(s, 0);
    expect_error(s, "Capability x-ignore-shared is on, but received "
                 "capability is off");
    opt_ignore_shared = false;

    s = stream_start();
    put_cfg_sub(s, "configuration/target-page-bits");
    put32(s, 13);
    put8(s, 0);
    expect_error(s, "Received TARGET_PAGE_BITS is 13 but local is 12");

    /* uuid: mismatch fatal; no local -uuid only warns. */
    s = stream_start();
    put_cfg_sub(s, "configuration/uuid");
    putbuf(s, "0123456789abcdef", 16);
    put8(s, 0);
    expect_ok(s);
    g_assert_cmpint(qemu_uuid_parse("12345678-9abc-def0-1122-334455667788",
                                    &uuid), ==, 0);
    qemu_savevm_set_uuid(&uuid);
    s = stream_start();
    put_cfg_sub(s, "configuration/uuid");
    putbuf(s, "0123456789abcdef", 16);
    put8(s, 0);
    expect_error(s, "UUID received is 30313233-3435-3637-3839-616263646566 "
                 "and local is 12345678-9abc-def0-1122-334455667788");
    qemu_savevm_set_uuid(NULL);

    /* A subsection that is not configuration's is left for the loop. */
    s = stream_start();
    put_cfg_sub(s, "timer/icount");
    put8(s, 0);
    expect_error(s, "Unknown savevm section type 5");
}

static void test_load_sections(void)
{
    Stream *s;

    reset_state();
    s = stream_start();
    put_sec(s, 0x04, 1, "bogus", 0, 1);
    expect_error(s, "Unknown savevm section or instance 'bogus' 0. Make "
                 "sure that your current VM setup matches your saved VM "
                 "setup, including any hotplugged devices");

    s = stream_start();
    put_sec(s, 0x04, 0, "timer", 1, 2);
    expect_error(s, "Unknown savevm section or instance 'timer' 1. Make "
                 "sure that your current VM setup matches your saved VM "
                 "setup, including any hotplugged devices");

    s = stream_start();
    put_sec(s, 0x04, 0, "timer", 0, 3);
    expect_error(s, "savevm: unsupported version 3 for 'timer' v2");

    s = stream_start();
    put_sec(s, 0x04, 0, "timer", 0, 0);
    put64(s, 0);
    put_footer(s, 0);
    expect_error(s, "error while loading state for instance 0x0 of device "
                 "'timer': VMState timer: incoming version_id 0 is too "
                 "old for local minimum version_id 1");

    s = stream_start();
    put_sec(s, 0x01, 2, "ram", 0, 5);
    expect_error(s, "savevm: unsupported version 5 for 'ram' v4");

    s = stream_start();
    put_sec(s, 0x01, 2, "ram", 0, 3);
    put64(s, 0x10);
    put_footer(s, 2);
    expect_error(s, "error while loading state for instance 0x0 of device "
                 "'ram': ram: stream version 3, only 4 is supported");

    s = stream_start();
    put8(s, 0x04);
    put32(s, 0);
    put8(s, 0);
    expect_error(s, "Unable to read ID string for section 0");

    /* A version-1 timer body is 16 bytes: 24 leaves 8 before footer. */
    s = stream_start();
    put_sec(s, 0x04, 0, "timer", 0, 1);
    put64(s, 0);
    put64(s, 0);
    put64(s, 0);
    put_footer(s, 0);
    expect_error(s, "Missing section footer for timer");

    s = stream_start();
    put_sec(s, 0x04, 0, "timer", 0, 1);
    put64(s, 1);
    put64(s, 0);
    put_footer(s, 0);
    put8(s, 0);
    expect_ok(s);
    g_assert_cmpint(timers_state.cpu_ticks_offset, ==, 1);
}

static void test_load_footers(void)
{
    Stream *s;

    reset_state();
    s = stream_start();
    put_sec(s, 0x04, 0, "timer", 0, 2);
    put64(s, 0);
    put64(s, 0);
    put64(s, 0);
    put8(s, 0x00);
    expect_error(s, "Missing section footer for timer");

    s = stream_start();
    put_sec(s, 0x04, 0, "timer", 0, 2);
    put64(s, 0);
    put64(s, 0);
    put64(s, 0);
    put_footer(s, 7);
    expect_error(s, "Mismatched section id in footer for timer -- read 0x7 "
                 "expected 0x0");

    s = stream_start();
    put_sec(s, 0x02, 99, NULL, 0, 0);
    expect_error(s, "Unknown savevm section 99");

    /* With footers off on both ends, the grammar has none. */
    opt_no_footer = true;
    s = stream_start();
    put_sec(s, 0x04, 0, "timer", 0, 2);
    put64(s, 0);
    put64(s, 0);
    put64(s, 0);
    put8(s, 0);
    expect_ok(s);
    s = stream_start();
    put_timer(s, 0, 0, 0);
    put8(s, 0);
    expect_error(s, "Unknown savevm section type 126");
    opt_no_footer = false;
}

/*
 * QEMU routes PART/END to the first handler whose last section id
 * matches, so a START with id 0 misroutes (the id-0 trap).  Tern binds
 * ids explicitly: id 0 works, one id for two handlers is refused.
 */
static void test_load_section_ids(void)
{
    Stream *s;

    reset_state();
    s = stream_start();
    put_sec(s, 0x01, 0, "ram", 0, 4);
    put64(s, 0x10);
    put_footer(s, 0);
    put_sec(s, 0x02, 0, NULL, 0, 0);
    put_page_hdr(s, 0, 0x08, false);
    for (int i = 0; i < PAGE; i++) {
        put8(s, 0xa5);
    }
    put64(s, 0x10);
    put_footer(s, 0);
    put_sec(s, 0x03, 0, NULL, 0, 0);
    put64(s, 0x10);
    put_footer(s, 0);
    put_timer(s, 1000, 0, 0);
    put_globalstate(s, 0xffffffff, "running");
    put8(s, 0);
    expect_ok(s);
    g_assert_cmphex(ram_rb->host[PAGE - 1], ==, 0xa5);

    s = stream_start();
    put_ram_start(s, 3);
    put_timer(s, 3, 0, 0);
    put8(s, 0);
    expect_error(s, "Section id 3 of 'timer' is already used by 'ram'");
}

static void test_load_ram(void)
{
    Stream *s;
    const char *pfx = "error while loading state for instance 0x0 of "
                      "device 'ram': ";
    g_autofree char *msg = NULL;

#define RAM_ERR(text) (g_free(msg), msg = g_strconcat(pfx, text, NULL))

    reset_state();
    /* Missing EOS: the footer is read as a record word. */
    s = stream_start();
    put_sec(s, 0x01, 2, "ram", 0, 4);
    put64(s, RAM_SIZE | 0x04);
    putstr8(s, "ram");
    put64(s, RAM_SIZE);
    put_footer(s, 2);
    put8(s, 0);
    put8(s, 0);
    put8(s, 0);
    expect_error(s, RAM_ERR("Unknown combination of migration flags: "
                            "0x0"));

    s = stream_start();
    put_sec(s, 0x01, 2, "ram", 0, 4);
    put64(s, RAM_SIZE | 0x04);
    putstr8(s, "foo");
    put64(s, RAM_SIZE);
    expect_error(s, RAM_ERR("Unknown ramblock \"foo\", cannot accept "
                            "migration"));

    s = stream_start();
    put_sec(s, 0x01, 2, "ram", 0, 4);
    put64(s, 0x2000000 | 0x04);
    putstr8(s, "ram");
    put64(s, 0x2000000);
    expect_error(s, RAM_ERR("Size mismatch: ram: 0x2000000 != 0x4000000"));

    /* A block of 4 GiB, bigger than ours. */
    s = stream_start();
    put_sec(s, 0x01, 2, "ram", 0, 4);
    put64(s, 0x100000000ULL | 0x04);
    putstr8(s, "ram");
    put64(s, 0x100000000ULL);
    expect_error(s, RAM_ERR("Size mismatch: ram: 0x100000000 != "
                            "0x4000000"));

    /*
     * A total of 4 GiB and our block listed again and again: refused at
     * the repeat, so the list cannot go on for 4 GiB / 64 MiB entries.
     */
    s = stream_start();
    put_sec(s, 0x01, 2, "ram", 0, 4);
    put64(s, 0x100000000ULL | 0x04);
    for (int i = 0; i < 3; i++) {
        putstr8(s, "ram");
        put64(s, RAM_SIZE);
    }
    expect_error(s, RAM_ERR("RAM size list: block ram is listed twice "
                            "(0xfc000000 bytes of the announced total "
                            "left)"));

    /* A total bigger than the list: the EOS is read as a block name. */
    s = stream_start();
    put_sec(s, 0x01, 2, "ram", 0, 4);
    put64(s, (RAM_SIZE + PAGE) | 0x04);
    putstr8(s, "ram");
    put64(s, RAM_SIZE);
    put64(s, 0x10);
    put_footer(s, 2);
    expect_error(s, RAM_ERR("Bad or missing ramblock name in the RAM size "
                            "list (0x1000 bytes unaccounted for)"));

    /* Smaller than the list: Tern refuses (QEMU wraps around). */
    s = stream_start();
    put_sec(s, 0x01, 2, "ram", 0, 4);
    put64(s, PAGE | 0x04);
    putstr8(s, "ram");
    put64(s, RAM_SIZE);
    expect_error(s, RAM_ERR("RAM size list: block ram (0x4000000) is "
                            "bigger than the 0x1000 bytes left of the "
                            "announced total"));

    /* Empty or absent lists are fine. */
    s = stream_start();
    put_sec(s, 0x01, 2, "ram", 0, 4);
    put64(s, 0x04);
    put64(s, 0x10);
    put_footer(s, 2);
    put8(s, 0);
    expect_ok(s);

    static const struct {
        uint64_t flags;
        const char *err;
    } bad_flags[] = {
        { 0x01, "Unknown combination of migration flags: 0x1" },
        { 0x80, "Received an RDMA hook record (0x80); Tern has no RDMA "
                "transport" },
        { 0x200, "Received a MULTIFD_FLUSH record (QEMU 8.0+ multifd), "
                 "but the multifd capability is off here: set it on both "
                 "sides" },
        { 0x0a, "Unknown combination of migration flags: 0xa" },
        { 0x100, "Received an unexpected compressed page" },
        { 0x30, "Unknown combination of migration flags: 0x30" },
        { 0x24, "Unknown combination of migration flags: 0x24" },
        { 0x20, "Unknown combination of migration flags: 0x20" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad_flags); i++) {
        s = stream_start();
        put_ram_start(s, 2);
        put_sec(s, 0x02, 2, NULL, 0, 0);
        put64(s, bad_flags[i].flags);
        expect_error(s, RAM_ERR(bad_flags[i].err));
    }

    s = stream_start();
    put_ram_start(s, 2);
    put_sec(s, 0x02, 2, NULL, 0, 0);
    put_page_hdr(s, 0, 0x02, true);
    put8(s, 0);
    expect_error(s, RAM_ERR("Ack, bad migration stream! (CONTINUE before "
                            "any block was named)"));

    s = stream_start();
    put_ram_start(s, 2);
    put_sec(s, 0x02, 2, NULL, 0, 0);
    put_page_hdr(s, RAM_SIZE, 0x02, false);
    put8(s, 0);
    expect_error(s, RAM_ERR("Illegal RAM offset 4000000"));

    s = stream_start();
    put_ram_start(s, 2);
    put_sec(s, 0x02, 2, NULL, 0, 0);
    put64(s, 0x08);
    putstr8(s, "foo");
    expect_error(s, RAM_ERR("Can't find block foo"));

    /* Tern's choice: a zero page must say 0 (QEMU 7.2 would fill). */
    s = stream_start();
    put_ram_start(s, 2);
    put_sec(s, 0x02, 2, NULL, 0, 0);
    put_page_hdr(s, 0, 0x02, false);
    put8(s, 0x41);
    expect_error(s, RAM_ERR("Found a zero page with value 65"));

    /* A block named in START may be CONTINUEd in a later section. */
    memset(ram_rb->host + 5 * PAGE, 0x77, PAGE);
    s = stream_start();
    put_sec(s, 0x01, 2, "ram", 0, 4);
    put_page_hdr(s, 0, 0x08, false);
    for (int i = 0; i < PAGE; i++) {
        put8(s, i);
    }
    put64(s, 0x10);
    put_footer(s, 2);
    put_sec(s, 0x03, 2, NULL, 0, 0);
    put_page_hdr(s, 5 * PAGE, 0x02, true);
    put8(s, 0);
    put64(s, 0x10);
    put_footer(s, 2);
    put8(s, 0);
    expect_ok(s);
    g_assert_cmphex(ram_rb->host[5 * PAGE + 9], ==, 0);
    g_assert_cmphex(ram_rb->host[255], ==, 255);

    /*
     * Never-backed pages: a ZERO record leaves them alone (not even
     * read), but a ZERO record after a PAGE record for the same page in
     * the same stream clears what the PAGE wrote.
     */
    g_assert_cmpint(madvise(ram_rb->host, RAM_SIZE, MADV_DONTNEED), ==, 0);
    s = stream_start();
    put_ram_start(s, 2);
    put_sec(s, 0x02, 2, NULL, 0, 0);
    put_page_hdr(s, 9 * PAGE, 0x02, false);     /* learns pages 0..511 */
    put8(s, 0);
    put_page_hdr(s, 7 * PAGE, 0x08, true);
    for (int i = 0; i < PAGE; i++) {
        put8(s, i | 1);
    }
    put_page_hdr(s, 7 * PAGE, 0x02, true);
    put8(s, 0);
    /* Another 2 MiB: the PAGE above backed a whole huge page. */
    put_page_hdr(s, 16 * MiB, 0x02, true);
    put8(s, 0);
    put64(s, 0x10);
    put_footer(s, 2);
    put8(s, 0);
    expect_ok(s);
    g_assert_true(buffer_is_zero(ram_rb->host + 7 * PAGE, PAGE));
    g_assert_false(page_resident(ram_rb->host + 16 * MiB));

    /*
     * Normal pages in two consecutive 2 MiB regions: the regions just
     * ahead may be faulted in by the helper (how far it got when the
     * load ended is timing), never changed, never more than 4 ahead.
     */
    g_assert_cmpint(madvise(ram_rb->host, RAM_SIZE, MADV_DONTNEED), ==, 0);
    s = stream_start();
    put_ram_start(s, 2);
    put_sec(s, 0x02, 2, NULL, 0, 0);
    for (int r = 0; r < 2; r++) {
        put_page_hdr(s, r * 2 * MiB + PAGE, 0x08, r > 0);
        for (int i = 0; i < PAGE; i++) {
            put8(s, 0x5a);
        }
    }
    put64(s, 0x10);
    put_footer(s, 2);
    put8(s, 0);
    expect_ok(s);
    for (int r = 0; r < 2; r++) {
        g_assert_cmphex(ram_rb->host[r * 2 * MiB + PAGE + 99], ==, 0x5a);
        g_assert_true(buffer_is_zero(ram_rb->host + r * 2 * MiB, PAGE));
    }
    g_assert_true(buffer_is_zero(ram_rb->host + 2 * 2 * MiB, 4 * 2 * MiB));
    g_assert_false(page_resident(ram_rb->host + 6 * 2 * MiB));
#undef RAM_ERR
}

static void test_load_xbzrle(void)
{
    Stream *s;
    static const uint8_t delta[] = { 0x00, 0x04, 0xde, 0xad, 0xbe, 0xef,
                                     0x81, 0x01, 0x01, 0x42 };
    uint8_t page[PAGE] = { 0 };

    reset_state();
    memset(ram_rb->host + 3 * PAGE, 0x11, PAGE);
    s = stream_start();
    put_ram_start(s, 2);
    put_sec(s, 0x02, 2, NULL, 0, 0);
    put_page_hdr(s, 3 * PAGE, 0x40, false);
    put8(s, 0x01);
    put16(s, sizeof(delta));
    putbuf(s, delta, sizeof(delta));
    put64(s, 0x10);
    put_footer(s, 2);
    put8(s, 0);
    expect_ok(s);
    g_assert_cmphex(ram_rb->host[3 * PAGE], ==, 0xde);
    g_assert_cmphex(ram_rb->host[3 * PAGE + 3], ==, 0xef);
    g_assert_cmphex(ram_rb->host[3 * PAGE + 4], ==, 0x11);
    /* zrun 0x81 0x01 = 129: offset 4 + 129 = 133. */
    g_assert_cmphex(ram_rb->host[3 * PAGE + 133], ==, 0x42);
    g_assert_cmphex(ram_rb->host[3 * PAGE + 134], ==, 0x11);

    /* The decoder alone: every malformed shape is refused. */
    g_assert_cmpint(xbzrle_decode_buffer(delta, 6, page, PAGE), ==, 4);
    g_assert_cmpint(xbzrle_decode_buffer((const uint8_t []){ 0x00 }, 1,
                                         page, PAGE), ==, -1);
    g_assert_cmpint(xbzrle_decode_buffer((const uint8_t []){ 0x00, 0x05,
                                         1, 2, 3, 4 }, 6, page, PAGE), ==,
                    -1);
    g_assert_cmpint(xbzrle_decode_buffer((const uint8_t []){ 0x00, 0x00 },
                                         2, page, PAGE), ==, -1);
    g_assert_cmpint(xbzrle_decode_buffer((const uint8_t []){ 0xff, 0x7f,
                                         0x01, 0x00 }, 4, page, PAGE), ==,
                    -1);
    g_assert_cmpint(xbzrle_decode_buffer((const uint8_t []){ 0x80, 0x80,
                                         0x01 }, 3, page, PAGE), ==, -1);
    g_assert_cmpint(xbzrle_decode_buffer((const uint8_t []){ 0x00, 0x01,
                                         0x07, 0x00, 0x01, 0x07 }, 6, page,
                                         PAGE), ==, -1);

    s = stream_start();
    put_ram_start(s, 2);
    put_sec(s, 0x02, 2, NULL, 0, 0);
    put_page_hdr(s, 0, 0x40, false);
    put8(s, 0x02);
    put16(s, 6);
    expect_error(s, "error while loading state for instance 0x0 of device "
                 "'ram': Failed to load XBZRLE page - wrong compression!");
    s = stream_start();
    put_ram_start(s, 2);
    put_sec(s, 0x02, 2, NULL, 0, 0);
    put_page_hdr(s, 0, 0x40, false);
    put8(s, 0x01);
    put16(s, PAGE + 1);
    expect_error(s, "error while loading state for instance 0x0 of device "
                 "'ram': Failed to load XBZRLE page - len overflow!");
    s = stream_start();
    put_ram_start(s, 2);
    put_sec(s, 0x02, 2, NULL, 0, 0);
    put_page_hdr(s, 0, 0x40, false);
    put8(s, 0x01);
    put16(s, 2);
    put16(s, 0x0000);
    expect_error(s, "error while loading state for instance 0x0 of device "
                 "'ram': Failed to load XBZRLE page - decode error! "
                 "(empty changed run at byte 1)");
}

static void test_load_globalstate(void)
{
    Stream *s;
    char name[101];

    reset_state();
    s = stream_start();
    put_globalstate(s, 4, "bogus");
    put8(s, 0);
    expect_error(s, "error while loading state for instance 0x0 of device "
                 "'globalstate': VMState globalstate: post_load: "
                 "invalid parameter value: bogus");

    memset(name, 'a', 100);
    name[100] = 0;
    s = stream_start();
    put_globalstate(s, 4, name);
    put8(s, 0);
    expect_error(s, "error while loading state for instance 0x0 of device "
                 "'globalstate': VMState globalstate: post_load: "
                 "invalid parameter value: "
                 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");

    s = stream_start();
    put_globalstate(s, 4, "postmigrate");
    put8(s, 0);
    expect_ok(s);
    g_assert_cmpint(global_state_get_runstate(), ==, RUN_STATE_POSTMIGRATE);

    /* Nothing received: the destination runs (unless -S). */
    s = stream_start();
    put8(s, 0);
    expect_ok(s);
    g_assert_false(global_state_received());
    g_assert_cmpint(global_state_get_runstate(), ==, RUN_STATE_RUNNING);
}

static void test_load_toplevel(void)
{
    Stream *s;

    reset_state();
    s = stream_start();
    expect_error(s, "Stream ended before QEMU_VM_EOF");
    s = stream_start();
    put_timer(s, 0, 0, 0);
    expect_error(s, "Stream ended before QEMU_VM_EOF (at the record after "
                 "section 'timer' 0)");

    s = stream_start();
    put8(s, 0x09);
    expect_error(s, "Unknown savevm section type 9");

    s = stream_start();
    put8(s, 0x06);
    put32(s, 2);
    putbuf(s, "{}", 2);
    put8(s, 0);
    expect_error(s, "Unknown savevm section type 6");

    /* After EOF: junk, a truncated or a non-JSON trailer are ignored. */
    s = stream_start();
    put8(s, 0);
    putbuf(s, "junk", 4);
    expect_ok(s);
    s = stream_start();
    put8(s, 0);
    put8(s, 0x06);
    put32(s, 1000);
    putbuf(s, "{\"page", 6);
    expect_ok(s);
    s = stream_start();
    put8(s, 0);
    put8(s, 0x06);
    put32(s, 3);
    putbuf(s, "xyz", 3);
    expect_ok(s);
}

static void put_cmd(Stream *s, uint16_t cmd, uint16_t len)
{
    put8(s, 0x08);
    put16(s, cmd);
    put16(s, len);
}

static void test_load_commands(void)
{
    Stream *s;
    static const uint8_t rp_want[] = {
        0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01,     /* PONG 1 */
        0x00, 0x02, 0x00, 0x04, 0xca, 0xfe, 0xf0, 0x0d,     /* PONG */
        0x00, 0x01, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,     /* SHUT 0 */
    };
    Stream *blob;

    reset_state();
    s = stream_start();
    put_cmd(s, 0, 0);
    expect_error(s, "MIG_CMD 0x0 unknown (len 0x0)");
    s = stream_start();
    put_cmd(s, 42, 3);
    expect_error(s, "MIG_CMD 0x2a unknown (len 0x3)");
    s = stream_start();
    put_cmd(s, 11, 0);
    expect_error(s, "MIG_CMD 0xb unknown (len 0x0)");
    s = stream_start();
    put_cmd(s, 2, 2);
    put16(s, 1);
    expect_error(s, "PING received with bad length - expecting 4, got 2");
    s = stream_start();
    put_cmd(s, 2, 4);
    put32(s, 1);
    expect_error(s, "CMD_PING (0x1) received with no return path");
    s = stream_start();
    put_cmd(s, 1, 1);
    expect_error(s, "OPEN_RETURN_PATH received with bad length - "
                 "expecting 0, got 1");
    s = stream_start();
    put_cmd(s, 3, 16);
    put64(s, PAGE);
    put64(s, PAGE);
    expect_error(s, "RAM postcopy is disabled but have 16 byte advise");
    s = stream_start();
    put_cmd(s, 4, 0);
    expect_error(s, "CMD_POSTCOPY_LISTEN in wrong postcopy state (0)");
    s = stream_start();
    put_cmd(s, 5, 0);
    expect_error(s, "CMD_POSTCOPY_RUN in wrong postcopy state (0)");
    s = stream_start();
    put_cmd(s, 3, 0);
    put_cmd(s, 6, 4);
    put32(s, 0x00017200);
    expect_error(s, "CMD_POSTCOPY_RAM_DISCARD invalid length (4)");
    s = stream_start();
    put_cmd(s, 8, 0);
    expect_error(s, "ENABLE_COLO command come in migration stream, but "
                 "x-colo capability is not set");

    /* OPEN_RETURN_PATH + PINGs: PONGs, then SHUT 0 at the end. */
    s = stream_start();
    put_cmd(s, 1, 0);
    put_cmd(s, 2, 4);
    put32(s, 1);
    put_timer(s, 0, 0, 0);
    put_cmd(s, 2, 4);
    put32(s, 0xcafef00d);
    put8(s, 0);
    g_assert_cmpint(load_stream(s, &error_abort), ==, 0);
    g_byte_array_free(s, true);
    g_assert_cmpuint(rp_bytes->len, ==, sizeof(rp_want));
    g_assert_true(memcmp(rp_bytes->data, rp_want, sizeof(rp_want)) == 0);

    /* A failed load with a return path ends with SHUT 1. */
    s = stream_start();
    put_cmd(s, 1, 0);
    put8(s, 0x09);
    g_assert_cmpint(load_stream(s, NULL), <, 0);
    g_byte_array_free(s, true);
    g_assert_cmpuint(rp_bytes->len, ==, 8);
    g_assert_cmphex(rp_bytes->data[1], ==, 0x01);
    g_assert_cmphex(rp_bytes->data[7], ==, 0x01);

    /* PACKAGED: a nested record sequence that must end with EOF. */
    blob = g_byte_array_new();
    put_timer(blob, 0, 42, 43);
    put8(blob, 0);
    s = stream_start();
    put_cmd(s, 7, 4);
    put32(s, blob->len);
    putbuf(s, blob->data, blob->len);
    put8(s, 0);
    expect_ok(s);
    g_assert_cmpint(timers_state.cpu_clock_offset, ==, 43);

    s = stream_start();
    put_cmd(s, 7, 4);
    put32(s, blob->len - 1);
    putbuf(s, blob->data, blob->len - 1);
    put8(s, 0);
    expect_error(s, "In a packaged blob: Stream ended before QEMU_VM_EOF "
                 "(at the record after section 'timer' 0)");

    s = stream_start();
    put_cmd(s, 7, 4);
    put32(s, (1u << 24) + 1);
    expect_error(s, "Unreasonably large packaged state: 16777217");
    /* A 4 GiB claim is refused before anything is allocated. */
    s = stream_start();
    put_cmd(s, 7, 4);
    put32(s, UINT32_MAX);
    expect_error(s, "Unreasonably large packaged state: 4294967295");
    /* The largest allowed, cut short: only what came is held. */
    s = stream_start();
    put_cmd(s, 7, 4);
    put32(s, 1u << 24);
    putbuf(s, blob->data, blob->len);
    expect_error(s, "Stream ended in a packaged blob of 16777216 bytes");
    g_byte_array_free(blob, true);
}

/* Cut a small valid stream at every byte: each prefix fails cleanly. */
static void test_truncation(void)
{
    g_autoptr(GByteArray) s = stream_start();
    size_t eof_at, len;

    reset_state();
    put_cmd(s, 1, 0);
    put_cmd(s, 2, 4);
    put32(s, 1);
    put_ram_start(s, 2);
    put_sec(s, 0x02, 2, NULL, 0, 0);
    put_page_hdr(s, 0, 0x02, false);
    put8(s, 0);
    put_page_hdr(s, PAGE, 0x08, true);
    for (int i = 0; i < 64; i++) {
        putbuf(s, "0123456789abcdef0123456789abcdef0123456789abcdef"
               "0123456789abcdef", 64);
    }
    put_page_hdr(s, 2 * PAGE, 0x40, true);
    put8(s, 1);
    put16(s, 6);
    putbuf(s, (const uint8_t []){ 0x00, 0x04, 1, 2, 3, 4 }, 6);
    put64(s, 0x10);
    put_footer(s, 2);
    put_sec(s, 0x03, 2, NULL, 0, 0);
    put64(s, 0x10);
    put_footer(s, 2);
    put_timer(s, 0, 5, 6);
    put_globalstate(s, 4, "paused");
    eof_at = s->len;
    put8(s, 0);
    put8(s, 0x06);
    put32(s, strlen(none_vmdesc));
    putbuf(s, none_vmdesc, strlen(none_vmdesc));

    g_assert_cmpint(load_bytes(s->data, s->len, &error_abort), ==, 0);
    for (len = 0; len <= eof_at; len++) {
        Error *err = NULL;

        if (load_bytes(s->data, len, &err) >= 0) {
            g_error("a stream cut at %zu bytes was accepted", len);
        }
        g_assert_nonnull(err);
        error_free(err);
    }
    /* Cut inside the trailer: loaded, as QEMU does. */
    g_assert_cmpint(load_bytes(s->data, eof_at + 3, &error_abort), ==, 0);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    module_call_init(MODULE_INIT_QOM);
    qemu_mutex_init(&fake_mis.rp_mutex);
    stream_setup();
    rp_bytes = g_byte_array_new();

    g_test_add_func("/savevm/save/golden-idle-none", test_golden_idle);
    g_test_add_func("/savevm/save/roundtrip-data", test_roundtrip_data);
    g_test_add_func("/savevm/save/dirty-pass", test_dirty_pass);
    g_test_add_func("/savevm/save/untouched-pages", test_untouched_pages);
    g_test_add_func("/savevm/save/config-subsections",
                    test_config_subsections);
    g_test_add_func("/savevm/save/commands", test_commands_sent);
    g_test_add_func("/savevm/save/unmigratable", test_unmigratable);
    g_test_add_func("/savevm/save/legacy-and-failures",
                    test_legacy_and_failures);
    g_test_add_func("/savevm/load/header", test_load_header);
    g_test_add_func("/savevm/load/machine-name", test_load_machine_name);
    g_test_add_func("/savevm/load/config-subsections",
                    test_load_config_subsections);
    g_test_add_func("/savevm/load/sections", test_load_sections);
    g_test_add_func("/savevm/load/footers", test_load_footers);
    g_test_add_func("/savevm/load/section-ids", test_load_section_ids);
    g_test_add_func("/savevm/load/ram", test_load_ram);
    g_test_add_func("/savevm/load/xbzrle", test_load_xbzrle);
    g_test_add_func("/savevm/load/globalstate", test_load_globalstate);
    g_test_add_func("/savevm/load/toplevel", test_load_toplevel);
    g_test_add_func("/savevm/load/commands", test_load_commands);
    g_test_add_func("/savevm/load/truncation", test_truncation);
    ret = g_test_run();
    g_byte_array_free(rp_bytes, true);
    return ret;
}
