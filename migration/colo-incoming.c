/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * COLO, the secondary side.  At the start every migratable RAM block
 * gets a copy (the COLO cache) holding the primary's memory as of the
 * last checkpoint.  The secondary VM runs from its own memory; at a
 * checkpoint it stops, the RAM records go into the cache (ram.c's load
 * redirect) and the device state into a buffer, and only when the
 * checkpoint arrived whole is it applied: every page the checkpoint
 * brought or the secondary wrote since the last one is copied from the
 * cache into guest memory, then the devices are loaded.  A primary that
 * dies mid-checkpoint therefore leaves guest memory and devices at the
 * last whole checkpoint.
 *
 * The checkpoints are read by a thread ("colo_incoming") that holds the
 * BQL only to stop the VM and to apply a checkpoint from memory, never
 * while it waits for the primary, so x-colo-lost-heartbeat is always
 * served.
 */
#include "qemu/osdep.h"
#include <sys/socket.h>
#include <sys/mman.h>
#include "qapi/error.h"
#include "io/channel-buffer.h"
#include "qemu/bitmap.h"
#include "qemu/error-report.h"
#include "qemu/lockable.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "system/memory.h"
#include "system/ram_addr.h"
#include "system/runstate.h"
#include "migration/colo-failover.h"
#include "migration/colo-incoming.h"
#include "migration/colo-msg.h"
#include "migration/ram.h"
#include "migration/savevm.h"
#include "migration/trace.h"

/* Device state larger than this is refused (QEMU's is a few MiB). */
#define COLO_DEVICE_STATE_MAX (256u * 1024 * 1024)

typedef struct ColoCacheBlock {
    RAMBlock *block;
    uint8_t *mem;               /* used_length bytes, mmap'ed */
    size_t len;
} ColoCacheBlock;

static struct {
    MigrationIncomingState *mis;
    ColoIncomingDoneFn done;
    QemuThread thread;
    /* Main thread only: the thread exists and was not joined yet. */
    bool thread_running;
    ColoCacheBlock *blocks;
    int nb_blocks;
    ColoCacheBlock *last;       /* the redirect's last hit */
    bool exit_reported;         /* COLO_EXIT (error) already sent */
    uint8_t *scratch;           /* where a page of an unknown block goes */
    bool missed;                /* a page went to scratch */
} ci;

/* ----------------------------------------------------------- the cache */

static ColoCacheBlock *colo_cache_find(RAMBlock *block)
{
    if (ci.last && ci.last->block == block) {
        return ci.last;
    }
    for (int i = 0; i < ci.nb_blocks; i++) {
        if (ci.blocks[i].block == block) {
            ci.last = &ci.blocks[i];
            return ci.last;
        }
    }
    return NULL;
}

/*
 * ram.c's load redirect: the page goes to the cache, and block->bmap
 * remembers it for the flush.  (The secondary never sends RAM, so the
 * bitmap that is the source's dirty set elsewhere is free here.)
 */
static uint8_t *colo_cache_page(RAMBlock *block, uint64_t offset)
{
    ColoCacheBlock *cb = colo_cache_find(block);

    if (!cb || offset >= cb->len) {
        ci.missed = true;
        return ci.scratch;
    }
    set_bit(offset >> TARGET_PAGE_BITS, block->bmap);
    return cb->mem + offset;
}

static void colo_cache_free(void)
{
    for (int i = 0; i < ci.nb_blocks; i++) {
        ColoCacheBlock *cb = &ci.blocks[i];

        munmap(cb->mem, cb->len);
        g_free(cb->block->bmap);
        cb->block->bmap = NULL;
    }
    g_clear_pointer(&ci.blocks, g_free);
    g_clear_pointer(&ci.scratch, g_free);
    ci.nb_blocks = 0;
    ci.last = NULL;
}

/*
 * Give every page of guest memory its own host memory now.  What the
 * secondary never wrote is the (huge) zero page; the first checkpoint
 * to bring a page there would otherwise allocate and clear a 2 MiB
 * page inside the pause, which under load cost hundreds of ms per
 * checkpoint.  Contents stay as they are, so this runs in the thread
 * while the VM runs, before the first checkpoint.  Old kernels without
 * MADV_POPULATE_WRITE pay at the first checkpoint instead.
 */
static void colo_populate_guest(void)
{
#ifdef MADV_POPULATE_WRITE
    for (int i = 0; i < ci.nb_blocks; i++) {
        RAMBlock *block = ci.blocks[i].block;

        if (madvise(block->host, ci.blocks[i].len, MADV_POPULATE_WRITE) < 0) {
            trace_colo_populate_failed(block->idstr, errno);
        }
    }
#endif
}

/* BQL held, VM stopped: the cache starts as a copy of guest memory. */
static bool colo_cache_init(Error **errp)
{
    RAMBlock *block;
    int n = 0;

    ci.scratch = g_malloc(TARGET_PAGE_SIZE);
    qemu_mutex_lock_ramlist();
    RAMBLOCK_FOREACH_MIGRATABLE(block) {
        n++;
    }
    ci.blocks = g_new0(ColoCacheBlock, n);
    RAMBLOCK_FOREACH_MIGRATABLE(block) {
        ColoCacheBlock *cb = &ci.blocks[ci.nb_blocks];
        void *mem = mmap(NULL, block->used_length, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

        if (mem == MAP_FAILED) {
            error_setg_errno(errp, errno, "COLO: cannot allocate the cache "
                             "of RAM block '%s' (%" PRIu64 " bytes)",
                             block->idstr, (uint64_t)block->used_length);
            qemu_mutex_unlock_ramlist();
            colo_cache_free();
            return false;
        }
        cb->block = block;
        cb->mem = mem;
        cb->len = block->used_length;
        memcpy(cb->mem, block->host, cb->len);
        g_free(block->bmap);
        block->bmap = bitmap_new(cb->len >> TARGET_PAGE_BITS);
        ci.nb_blocks++;
    }
    qemu_mutex_unlock_ramlist();

    /* What the secondary writes from now on must be undone by the flush. */
    if (!memory_global_dirty_log_start(GLOBAL_DIRTY_MIGRATION, errp)) {
        error_prepend(errp, "COLO: cannot log the secondary's writes: ");
        colo_cache_free();
        return false;
    }
    memory_global_dirty_log_sync(false);
    for (int i = 0; i < ci.nb_blocks; i++) {
        ColoCacheBlock *cb = &ci.blocks[i];

        cpu_physical_memory_sync_dirty_bitmap(cb->block, 0, cb->len);
        bitmap_zero(cb->block->bmap, cb->len >> TARGET_PAGE_BITS);
    }
    memory_global_after_dirty_log_sync();
    return true;
}

/*
 * BQL held, VM stopped, the checkpoint whole: guest memory becomes the
 * cache on every page the checkpoint brought or the secondary wrote.
 */
static uint64_t colo_flush_ram_cache(void)
{
    uint64_t pages = 0;
    int64_t t0 = qemu_clock_get_us(QEMU_CLOCK_REALTIME), t_sync;

    memory_global_dirty_log_sync(false);
    for (int i = 0; i < ci.nb_blocks; i++) {
        cpu_physical_memory_sync_dirty_bitmap(ci.blocks[i].block, 0,
                                              ci.blocks[i].len);
    }
    t_sync = qemu_clock_get_us(QEMU_CLOCK_REALTIME);
    for (int i = 0; i < ci.nb_blocks; i++) {
        ColoCacheBlock *cb = &ci.blocks[i];
        RAMBlock *block = cb->block;
        unsigned long npages = cb->len >> TARGET_PAGE_BITS;
        unsigned long p;

        for (p = find_first_bit(block->bmap, npages); p < npages;
             p = find_next_bit(block->bmap, npages, p + 1)) {
            size_t off = (size_t)p << TARGET_PAGE_BITS;

            memcpy(block->host + off, cb->mem + off, TARGET_PAGE_SIZE);
            pages++;
        }
        bitmap_zero(block->bmap, npages);
    }
    memory_global_after_dirty_log_sync();
    trace_colo_flush_ram_cache(pages, t_sync - t0,
                               qemu_clock_get_us(QEMU_CLOCK_REALTIME) - t_sync);
    return pages;
}

/* ---------------------------------------------------- the checkpoints */

static int64_t colo_now_us(void)
{
    return qemu_clock_get_us(QEMU_CLOCK_REALTIME);
}

/* BQL held: flush the cache and load the devices (takes @dev). */
static bool colo_apply_checkpoint(uint8_t *dev, uint64_t size,
                                  int64_t *t_flush, Error **errp)
{
    g_autoptr(QIOChannelBuffer) bioc = qio_channel_buffer_new(0);
    QEMUFile *fb;
    int ret;

    g_free(bioc->data);
    bioc->data = dev;       /* the channel frees it when closed */
    bioc->capacity = bioc->usage = size;
    colo_flush_ram_cache();
    *t_flush = colo_now_us();
    fb = qemu_file_new_input(QIO_CHANNEL(bioc));
    ret = qemu_loadvm_colo_load(fb, errp);
    qemu_fclose(fb);
    if (ret < 0) {
        error_prepend(errp, "COLO: load device state failed: ");
        return false;
    }
    return true;
}

/* One checkpoint after its CHECKPOINT_REQUEST. */
static bool colo_incoming_checkpoint(MigrationIncomingState *mis,
                                     Error **errp)
{
    QEMUFile *f = mis->from_src_file, *rp = mis->to_src_file;
    g_autofree uint8_t *dev = NULL;
    uint64_t size, live_start;
    int64_t t0, t_stop, t_ram, t_dev, t_flush = 0, t_load, t_loaded, t_end;
    bool ok;

    bql_lock();
    t0 = colo_now_us();
    vm_stop_force_state(RUN_STATE_COLO);
    bql_unlock();
    trace_colo_vm_state_change("run", "stop");

    if (!colo_send_message(rp, COLO_MESSAGE_CHECKPOINT_REPLY, errp) ||
        !colo_receive_check_message(f, COLO_MESSAGE_VMSTATE_SEND, errp)) {
        return false;
    }
    t_stop = colo_now_us();
    /* The RAM records, into the cache only: guest memory is untouched. */
    live_start = qemu_file_transferred(f);
    ci.missed = false;
    if (qemu_loadvm_colo_load(f, errp) < 0) {
        error_prepend(errp, "Load VM's live state (ram) error: ");
        return false;
    }
    if (ci.missed) {
        error_setg(errp, "COLO: the checkpoint has a page of a RAM block "
                   "without a cache");
        return false;
    }
    t_ram = colo_now_us();
    dev = colo_receive_device_state(f, COLO_DEVICE_STATE_MAX, &size, errp);
    if (!dev) {
        return false;
    }
    if (!colo_send_message(rp, COLO_MESSAGE_VMSTATE_RECEIVED, errp)) {
        return false;
    }
    t_dev = colo_now_us();

    bql_lock();
    ok = colo_apply_checkpoint(g_steal_pointer(&dev), size, &t_flush, errp);
    bql_unlock();
    t_load = colo_now_us();
    /*
     * LOADED before this VM runs again: the primary's pause ends as
     * soon as the checkpoint is in place here, not after the vCPUs
     * woke (which on a busy host can cost a scheduler slice).  A link
     * that breaks now leaves this VM stopped at this checkpoint.
     */
    if (!ok ||
        !colo_send_message(rp, COLO_MESSAGE_VMSTATE_LOADED, errp)) {
        return false;
    }
    t_loaded = colo_now_us();
    bql_lock();
    if (failover_get_state() == FAILOVER_STATUS_NONE) {
        vm_start();
        trace_colo_vm_state_change("stop", "run");
    }
    t_end = colo_now_us();
    bql_unlock();
    trace_colo_incoming_times(t_stop - t0, t_ram - t_stop, t_dev - t_ram,
                              t_flush - t_dev, t_load - t_flush,
                              t_loaded - t_load, t_end - t_loaded);
    colo_stats_checkpoint(t_end - t0, qemu_file_transferred(f) - live_start);
    return true;
}

static void colo_incoming_thread_done(void *opaque);

static void *colo_incoming_thread(void *opaque)
{
    MigrationIncomingState *mis = opaque;
    Error *err = NULL;

    if (!colo_send_message(mis->to_src_file, COLO_MESSAGE_CHECKPOINT_READY,
                           &err)) {
        goto out;
    }
    /* The primary runs meanwhile; its first REQUEST waits in the socket. */
    colo_populate_guest();
    while (qatomic_read(&mis->state) == MIGRATION_STATUS_COLO) {
        COLOMessage msg;

        if (!colo_receive_message(mis->from_src_file, &msg, &err)) {
            break;
        }
        if (msg != COLO_MESSAGE_CHECKPOINT_REQUEST) {
            error_setg(&err, "Got unknown COLO message: %d", msg);
            break;
        }
        if (failover_get_state() != FAILOVER_STATUS_NONE) {
            break;
        }
        if (!colo_incoming_checkpoint(mis, &err)) {
            break;
        }
    }
out:
    if (err) {
        if (failover_get_state() == FAILOVER_STATUS_NONE) {
            error_report_err(err);
        } else {
            error_free(err);        /* the failover broke the link */
        }
    }
    qemu_bh_schedule_oneshot(colo_incoming_thread_done, mis);
    return NULL;
}

/* ------------------------------------------------------------ the end */

/* BQL: leave COLO; the VM runs on its own from the last checkpoint. */
static void colo_incoming_takeover(void)
{
    MigrationIncomingState *mis = ci.mis;

    migrate_set_state(&mis->state, MIGRATION_STATUS_COLO,
                      MIGRATION_STATUS_COMPLETED);
    failover_set_state(FAILOVER_STATUS_ACTIVE, FAILOVER_STATUS_COMPLETED);
    ram_load_set_redirect(NULL);
    memory_global_dirty_log_stop(GLOBAL_DIRTY_MIGRATION);
    colo_cache_free();
    qemu_loadvm_colo_end();
    if (!autostart) {
        error_report("\"-S\" qemu option will be ignored in secondary side");
        autostart = true;
    }
    vm_start();
    trace_colo_vm_state_change("stop", "run");
    /* No SHUT: the primary reads COLO messages, not return-path ones. */
    WITH_QEMU_LOCK_GUARD(&mis->rp_mutex) {
        if (mis->to_src_file) {
            qemu_fclose(mis->to_src_file);
            mis->to_src_file = NULL;
        }
    }
    ci.done();
}

/*
 * The thread ended.  Asked to (failover 'active'): take over now.  The
 * link broke: stay paused at the last whole checkpoint, still the
 * secondary, until x-colo-lost-heartbeat says the primary is gone.
 */
static void colo_incoming_thread_done(void *opaque)
{
    FailoverStatus fs;

    qemu_thread_join(&ci.thread);
    ci.thread_running = false;
    fs = failover_get_state();
    if (fs == FAILOVER_STATUS_ACTIVE) {
        colo_incoming_takeover();
        colo_exit_report(COLO_MODE_SECONDARY, COLO_EXIT_REASON_REQUEST,
                         true);
        return;
    }
    if (fs == FAILOVER_STATUS_REQUIRE) {
        return;     /* the failover's bottom half takes over */
    }
    if (runstate_check(RUN_STATE_RUNNING)) {
        vm_stop_force_state(RUN_STATE_COLO);
    }
    ci.exit_reported = true;
    colo_exit_report(COLO_MODE_SECONDARY, COLO_EXIT_REASON_ERROR, true);
}

void colo_incoming_failover(void)
{
    MigrationIncomingState *mis = ci.mis;

    if (ci.thread_running) {
        /* Wake it from its read; colo_incoming_thread_done() goes on. */
        qemu_file_shutdown(mis->from_src_file);
        WITH_QEMU_LOCK_GUARD(&mis->rp_mutex) {
            if (mis->to_src_file) {
                qemu_file_shutdown(mis->to_src_file);
            }
        }
        return;
    }
    colo_incoming_takeover();
    colo_exit_report(COLO_MODE_SECONDARY, COLO_EXIT_REASON_REQUEST,
                     !ci.exit_reported);
}

bool colo_incoming_start(MigrationIncomingState *mis, ColoIncomingDoneFn done,
                         Error **errp)
{
    if (!colo_cache_init(errp)) {
        qemu_loadvm_colo_end();
        return false;
    }
    if (!mis->to_src_file) {
        WITH_QEMU_LOCK_GUARD(&mis->rp_mutex) {
            mis->to_src_file = qemu_file_get_return_path(mis->from_src_file);
        }
    }
    /* The thread reads with blocking I/O; the load coroutine is done. */
    qio_channel_set_blocking(qemu_file_get_ioc(mis->from_src_file), true,
                             NULL);
    colo_grow_socket_buffer(mis->from_src_file, SO_RCVBUF);
    ram_load_set_redirect(colo_cache_page);
    ci.mis = mis;
    ci.done = done;
    ci.exit_reported = false;
    failover_init_state();
    colo_enter_mode(COLO_MODE_SECONDARY);
    migrate_set_state(&mis->state, MIGRATION_STATUS_ACTIVE,
                      MIGRATION_STATUS_COLO);
    vm_start();
    trace_colo_vm_state_change("stop", "run");
    ci.thread_running = true;
    qemu_thread_create(&ci.thread, "colo_incoming", colo_incoming_thread,
                       mis, QEMU_THREAD_JOINABLE);
    return true;
}
