/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the migration stream loader: qemu_loadvm_state()
 * over a buffer channel, with the sections of a "-M none -m 256K"
 * destination registered (timer, ram, globalstate).
 *
 * Checks, for arbitrary bytes: no crash, overflow or leak (ASan/LSan);
 * a failed load always says why (an Error is set); the loader never
 * writes outside the RAM block (its guard pages are never touched).
 * With x-colo (a bit of the first byte) a stream that loaded with
 * ENABLE_COLO goes on as COLO checkpoints, read as the secondary reads
 * them (docs/devel/colo.md): CHECKPOINT_REQUEST, VMSTATE_SEND, the RAM
 * records, VMSTATE_SIZE and the device state, loaded from a buffer.
 *
 * The rest of the VMM is replaced by small fakes (below) so that the
 * target compiles from a short list of sources: one RAMBlock, no QOM
 * machine, no main loop.  Seeds: tests/fuzz/migration-corpus.
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include "io/channel-buffer.h"
#include "qemu/cutils.h"
#include "migration/global_state.h"
#include "migration/migration.h"
#include "migration/migration-stats.h"
#include "migration/options.h"
#include "migration/ram.h"
#include "migration/return-path.h"
#include "migration/register.h"
#include "migration/savevm.h"
#include "migration/timer-state.h"
#include "qapi/error.h"
#include "qemu/coroutine.h"
#include "qemu/main-loop.h"
#include "qemu/module.h"
#include "qom/object.h"
#include "system/memory.h"
#include "system/ram_addr.h"
#include "migration/postcopy-in.h"
#include "migration/postcopy-msg.h"
#include "migration/postcopy-preempt.h"
#include "migration/postcopy-queue.h"
#include "migration/colo-msg.h"
#include "tests/fuzz/fuzz-fail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_RAM_SIZE (256 * KiB)

/* ------------------------------------------------ migration control */

static MigrationIncomingState fake_mis;
static bool fake_ignore_shared;

bool migrate_ignore_shared(void) { return fake_ignore_shared; }
bool migrate_validate_uuid(void) { return false; }
bool migrate_events(void) { return false; }
bool migrate_send_section_footer(void) { return true; }
bool migrate_send_configuration(void) { return true; }
bool migrate_store_global_state(void) { return true; }
static bool fake_colo;
bool migrate_colo(void) { return fake_colo; }
/* Saving only: XBZRLE records are decoded without the capability. */
#include "tests/migration-ram-fakes.h"

MigrationAtomicStats mig_stats;

bool migration_rate_exceeded(QEMUFile *f) { return false; }
void migration_send_pass_event(int64_t pass) { }

MigrationIncomingState *migration_incoming_get_current(void)
{
    return &fake_mis;
}

/*
 * Postcopy with the capability off (as here) fails at ADVISE; the
 * payload decoding is the real one, fuzzed further by fuzz-postcopy-msg.
 */
bool postcopy_in_handle_advise(const uint8_t *buf, unsigned len,
                               Error **errp)
{
    uint64_t summary, tps;
    bool has_ram;

    return postcopy_advise_decode(buf, len, false, &has_ram, &summary, &tps,
                                  errp);
}
bool postcopy_in_handle_discard(const uint8_t *buf, unsigned len,
                                Error **errp)
{
    g_autofree uint64_t *start = NULL;
    g_autofree uint64_t *length = NULL;
    char block[256];
    unsigned n;

    if (postcopy_discard_decode(buf, len, block, &start, &length, &n,
                                errp)) {
        error_setg(errp, "CMD_POSTCOPY_RAM_DISCARD without RAM postcopy");
    }
    return false;
}
bool postcopy_in_handle_listen(QEMUFile *f, PostcopyLoadFn *load,
                               PostcopyLoadCleanupFn *cleanup, Error **errp)
{
    error_setg(errp, "CMD_POSTCOPY_LISTEN in wrong postcopy state (0)");
    return false;
}
bool postcopy_in_handle_run(Error **errp)
{
    error_setg(errp, "CMD_POSTCOPY_RUN in wrong postcopy state (0)");
    return false;
}
/* Recovery's commands outside a recovery, as postcopy-in.c answers. */
bool postcopy_in_handle_recv_bitmap(const uint8_t *buf, unsigned len,
                                    Error **errp)
{
    char block[256];

    if (!postcopy_block_name_decode(buf, len, "CMD_RECV_BITMAP", block,
                                    errp)) {
        return false;
    }
    error_setg(errp, "loadvm_handle_recv_bitmap: incorrect state active");
    return false;
}
bool postcopy_in_handle_resume(Error **errp)
{
    return true;
}
void postcopy_in_main_load_done(void) { }
void postcopy_in_main_load_failed(void) { }
void postcopy_in_start_load(void) { }
bool postcopy_in_advised(void) { return false; }
bool postcopy_in_placing(void) { return false; }
bool postcopy_in_place(RAMBlock *block, ram_addr_t offset, int channel,
                       const void *page, Error **errp)
{
    g_assert_not_reached();
}
bool postcopy_queue_pop(RAMBlock **block, ram_addr_t *offset)
{
    return false;
}
bool postcopy_queue_has_request(void) { return false; }
/* postcopy-preempt.c: no preempt channel without postcopy. */
void postcopy_preempt_set_loader(PostcopyPreemptLoadFn *fn) { }
bool migrate_postcopy_ram(void) { return false; }
bool migrate_postcopy_preempt(void) { return false; }
bool migrate_release_ram(void) { return false; }
int ram_block_discard_range(RAMBlock *rb, uint64_t start, size_t length)
{
    g_assert_not_reached();
}

/* -------------------------------------------------- one RAM block */

RAMList ram_list = { .blocks = QLIST_HEAD_INITIALIZER(ram_list.blocks) };
static RAMBlock fuzz_block;
static uint8_t *guard_area;

void qemu_mutex_lock_ramlist(void) { }
void qemu_mutex_unlock_ramlist(void) { }
bool qemu_ram_is_migratable(RAMBlock *rb) { return true; }
bool qemu_ram_is_shared(RAMBlock *rb) { return false; }
bool qemu_ram_is_named_file(RAMBlock *rb) { return false; }

RAMBlock *qemu_ram_block_by_name(const char *name)
{
    return strcmp(name, fuzz_block.idstr) == 0 ? &fuzz_block : NULL;
}

bool qemu_ram_resize(RAMBlock *block, ram_addr_t newsize, Error **errp)
{
    error_setg(errp, "not resizeable");
    return false;
}

uint64_t cpu_physical_memory_sync_dirty_bitmap(RAMBlock *rb,
                                               ram_addr_t start,
                                               ram_addr_t length)
{
    return 0;
}

bool memory_global_dirty_log_start(unsigned int flags, Error **errp)
{
    return true;
}
void memory_global_dirty_log_stop(unsigned int flags) { }
void memory_global_dirty_log_sync(bool last_stage) { }
void memory_global_after_dirty_log_sync(void) { }
RAMBlock *memory_region_get_ram_block(MemoryRegion *mr) { return NULL; }
const char *memory_region_name(const MemoryRegion *mr) { return ""; }
bool qemu_ram_set_idstr(RAMBlock *block, const char *name,
                        DeviceState *dev, Error **errp)
{
    return true;
}
void qemu_ram_unset_idstr(RAMBlock *block) { }
void qemu_ram_set_migratable(RAMBlock *rb) { }
void qemu_ram_unset_migratable(RAMBlock *rb) { }

/* ------------------------------------------------ machine, clocks */

static Object *fuzz_machine;

Object *qdev_get_machine(void) { return fuzz_machine; }
void qdev_set_vmstate_hooks(const QdevVMStateHooks *hooks) { }
char *qdev_get_dev_path(DeviceState *dev) { return NULL; }

TimersState timers_state;
int64_t qemu_clock_get_ns(QEMUClockType type) { return 0; }
bool bql_locked(void) { return true; }
void bql_lock(void) { }
void bql_unlock(void) { }

/* Buffer channels never block and no section here has a QEMUTimer. */
bool qemu_in_coroutine(void) { return false; }
Coroutine *qemu_coroutine_self(void) { g_assert_not_reached(); }
void qemu_coroutine_yield(void) { g_assert_not_reached(); }
void qemu_coroutine_enter(Coroutine *co) { g_assert_not_reached(); }
void timer_mod_ns(QEMUTimer *ts, int64_t expire_time)
{
    g_assert_not_reached();
}
int64_t timer_expire_time_ns(QEMUTimer *ts) { g_assert_not_reached(); }
void timer_del(QEMUTimer *ts) { g_assert_not_reached(); }

static const TypeInfo fuzz_machine_info = {
    .name = "none-machine",
    .parent = TYPE_OBJECT,
};

static void fuzz_init(void)
{
    size_t page = qemu_real_host_page_size();

    module_call_init(MODULE_INIT_QOM);
    type_register_static(&fuzz_machine_info);
    fuzz_machine = object_new("none-machine");

    /* The block sits between two inaccessible guard pages. */
    guard_area = mmap(NULL, FUZZ_RAM_SIZE + 2 * page, PROT_NONE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_assert(guard_area != MAP_FAILED);
    g_assert(mprotect(guard_area + page, FUZZ_RAM_SIZE,
                      PROT_READ | PROT_WRITE) == 0);
    fuzz_block.host = guard_area + page;
    fuzz_block.used_length = fuzz_block.max_length = FUZZ_RAM_SIZE;
    fuzz_block.page_size = page;
    pstrcpy(fuzz_block.idstr, sizeof(fuzz_block.idstr), "ram");
    QLIST_INSERT_HEAD(&ram_list.blocks, &fuzz_block, next);

    qemu_mutex_init(&fake_mis.rp_mutex);
    cpu_timers_vmstate_register();
    ram_mig_init();
    register_global_state();
}

/* Device state above this is refused (small, so the fuzzer gets there). */
#define FUZZ_COLO_DEVICE_MAX (64 * KiB)

/* One checkpoint as colo-incoming.c reads it; false when it failed. */
static bool fuzz_colo_checkpoint(QEMUFile *f, Error **errp)
{
    g_autoptr(QIOChannelBuffer) dev_bioc = NULL;
    g_autofree uint8_t *dev = NULL;
    QEMUFile *df;
    uint64_t n;
    int ret;

    if (!colo_receive_check_message(f, COLO_MESSAGE_CHECKPOINT_REQUEST,
                                    errp) ||
        !colo_receive_check_message(f, COLO_MESSAGE_VMSTATE_SEND, errp)) {
        return false;
    }
    if (qemu_loadvm_colo_load(f, errp) < 0) {
        return false;
    }
    dev = colo_receive_device_state(f, FUZZ_COLO_DEVICE_MAX, &n, errp);
    if (!dev) {
        return false;
    }
    if (n > FUZZ_COLO_DEVICE_MAX) {
        fuzz_fail("device state of %" PRIu64 " bytes accepted", n);
    }
    dev_bioc = qio_channel_buffer_new(0);
    g_free(dev_bioc->data);
    dev_bioc->data = g_steal_pointer(&dev);
    dev_bioc->capacity = dev_bioc->usage = n;
    df = qemu_file_new_input(QIO_CHANNEL(dev_bioc));
    ret = qemu_loadvm_colo_load(df, errp);
    qemu_fclose(df);
    return ret == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool initialized;
    QIOChannelBuffer *bioc;
    QEMUFile *f;
    Error *err = NULL;
    int ret;

    if (!initialized) {
        fuzz_init();
        initialized = true;
    }
    /* The first byte picks a configuration knob; the rest is the stream. */
    fake_ignore_shared = size && (data[0] & 1);
    fake_colo = size && (data[0] & 2);
    fake_mis.colo_enabled = false;
    if (size) {
        data++;
        size--;
    }
    bioc = qio_channel_buffer_new(size);
    if (size) {
        memcpy(bioc->data, data, size);
    }
    bioc->usage = size;
    f = qemu_file_new_input(QIO_CHANNEL(bioc));
    global_state_reset();
    ret = qemu_loadvm_state(f, &err);
    if (ret < 0 && !err) {
        g_error("qemu_loadvm_state failed (%d) without saying why", ret);
    }
    if (ret == 0 && fake_mis.colo_enabled) {
        if (!fake_colo) {
            fuzz_fail("ENABLE_COLO accepted without x-colo");
        }
        /* Checkpoints until one fails; the end of input fails too. */
        while (fuzz_colo_checkpoint(f, &err)) {
        }
        if (!err) {
            fuzz_fail("a COLO checkpoint failed without saying why");
        }
        qemu_loadvm_colo_end();
    }
    error_free(err);
    if (fake_mis.to_src_file) {
        qemu_fclose(fake_mis.to_src_file);
        fake_mis.to_src_file = NULL;
    }
    qemu_fclose(f);
    object_unref(OBJECT(bioc));
    return 0;
}
