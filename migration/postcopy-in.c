/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Postcopy on the destination: the POSTCOPY_* commands, the listen
 * thread and the page requests.
 *
 * Threads: the commands arrive on the main thread (the load coroutine,
 * or the listen thread for those after LISTEN); the fault thread
 * (postcopy-ram.c) sends requests on the return path; the listen
 * thread places pages.  None of them needs the BQL to serve a fault, so
 * a vCPU or a qtest read blocked on a page never waits for the main
 * loop.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-builtin-types.h"
#include "qemu/atomic.h"
#include "qemu/error-report.h"
#include "qemu/lockable.h"
#include "qemu/main-loop.h"
#include "qemu/thread.h"
#include "system/runstate.h"
#include "migration/migration.h"
#include "migration/options.h"
#include "migration/postcopy-in.h"
#include "migration/postcopy-msg.h"
#include "migration/postcopy-preempt.h"
#include "migration/postcopy-ram.h"
#include "migration/return-path.h"
#include "migration/trace.h"

/* QEMU's PostcopyState values (they appear in its error messages). */
typedef enum {
    POSTCOPY_INCOMING_NONE = 0,
    POSTCOPY_INCOMING_ADVISE,
    POSTCOPY_INCOMING_DISCARD,
    POSTCOPY_INCOMING_LISTENING,
    POSTCOPY_INCOMING_RUNNING,
    POSTCOPY_INCOMING_END,
} PostcopyState;

static struct {
    int state;                   /* PostcopyState, atomic */
    bool ram;                    /* RAM postcopy advised */
    PostcopyDest *pd;
    GPtrArray *blocks;           /* region index -> RAMBlock */
    RAMBlock *last_rb;           /* of the last request (fault thread) */
    int nr_vcpus;                /* blocktime: vCPU threads found */
    /* Blocktime kept for query-migrate once the memory is released. */
    bool bt_kept;
    uint32_t bt_total;
    uint32_t *bt_per_vcpu;
    QemuSemaphore main_done;
    bool main_done_init;
    bool main_failed;            /* the package failed: listen thread ends */
    PostcopyLoadFn *load;
    PostcopyLoadCleanupFn *load_cleanup;
    QEMUFile *f;
    /* Recovery: the listen thread waits here for the new channel. */
    QemuSemaphore resume_sem;
    /* Serializes requests (fault thread, re-requests after recovery). */
    QemuMutex req_lock;
} pc_in;

static void __attribute__((constructor)) postcopy_in_init(void)
{
    qemu_sem_init(&pc_in.resume_sem, 0);
    qemu_mutex_init(&pc_in.req_lock);
}

static int ps_get(void)
{
    return qatomic_read(&pc_in.state);
}

static void ps_set(int state)
{
    trace_postcopy_in_state(state);
    qatomic_set(&pc_in.state, state);
}

bool postcopy_in_advised(void)
{
    return ps_get() != POSTCOPY_INCOMING_NONE;
}

bool postcopy_in_placing(void)
{
    int ps = ps_get();

    return pc_in.pd && (ps == POSTCOPY_INCOMING_LISTENING ||
                        ps == POSTCOPY_INCOMING_RUNNING);
}

void postcopy_in_reset(void)
{
    postcopy_dest_free(pc_in.pd);
    pc_in.pd = NULL;
    if (pc_in.blocks) {
        g_ptr_array_free(pc_in.blocks, true);
        pc_in.blocks = NULL;
    }
    pc_in.last_rb = NULL;
    pc_in.ram = false;
    ps_set(POSTCOPY_INCOMING_NONE);
}

void postcopy_in_start_load(void)
{
    postcopy_preempt_dst_reset();
    postcopy_in_reset();
    migration_incoming_get_current()->postcopy_advised = false;
    pc_in.bt_kept = false;
}

/* Fault thread: ask the source for a page (REQ_PAGES_ID on a new block). */
static void postcopy_in_request(void *opaque, int region, uint64_t offset,
                                uint32_t tid)
{
    MigrationIncomingState *mis = migration_incoming_get_current();
    RAMBlock *rb = g_ptr_array_index(pc_in.blocks, region);
    uint8_t buf[POSTCOPY_REQ_PAGES_MAX_LEN];
    bool same;
    size_t len;

    QEMU_LOCK_GUARD(&pc_in.req_lock);
    same = rb == pc_in.last_rb;
    len = postcopy_req_pages_encode(buf, same ? NULL : rb->idstr, offset,
                                    rb->page_size);
    trace_postcopy_in_request(rb->idstr, offset, tid);
    /* Lost while paused: re-requested after the recovery. */
    if (!migrate_send_rp_message(mis, same ? MIG_RP_MSG_REQ_PAGES :
                                 MIG_RP_MSG_REQ_PAGES_ID, len, buf)) {
        pc_in.last_rb = rb;
    }
}

static int postcopy_in_discard_pages(void *opaque, int region,
                                     uint64_t offset, uint64_t len)
{
    return ram_block_discard_range(g_ptr_array_index(pc_in.blocks, region),
                                   offset, len);
}

bool postcopy_in_handle_advise(const uint8_t *buf, unsigned len,
                               Error **errp)
{
    uint64_t summary = 0, tps = 0, local = 0;
    RAMBlock *rb;
    bool has_ram;
    int ps = ps_get();

    if (ps != POSTCOPY_INCOMING_NONE) {
        error_setg(errp, "CMD_POSTCOPY_ADVISE in wrong postcopy state (%d)",
                   ps);
        return false;
    }
    if (!postcopy_advise_decode(buf, len, migrate_postcopy_ram(), &has_ram,
                                &summary, &tps, errp)) {
        return false;
    }
    ps_set(POSTCOPY_INCOMING_ADVISE);
    migration_incoming_get_current()->postcopy_advised = true;
    if (!has_ram) {
        return true;
    }
    RAMBLOCK_FOREACH_MIGRATABLE(rb) {
        local |= rb->page_size;
    }
    if (!postcopy_advise_check(summary, local, tps, TARGET_PAGE_SIZE, errp)) {
        return false;
    }
    pc_in.pd = postcopy_dest_new(postcopy_in_request,
                                 postcopy_in_discard_pages, NULL, errp);
    if (!pc_in.pd) {
        return false;
    }
    pc_in.blocks = g_ptr_array_new();
    RAMBLOCK_FOREACH_MIGRATABLE(rb) {
        postcopy_dest_add(pc_in.pd, rb->idstr, rb->host, rb->used_length,
                          rb->page_size);
        g_ptr_array_add(pc_in.blocks, rb);
    }
    pc_in.ram = true;
    return postcopy_dest_check(pc_in.pd, errp);
}

bool postcopy_in_handle_discard(const uint8_t *buf, unsigned len,
                                Error **errp)
{
    g_autofree uint64_t *start = NULL;
    g_autofree uint64_t *length = NULL;
    char block[256];
    unsigned n;
    int ps = ps_get();
    int region;

    if (ps != POSTCOPY_INCOMING_ADVISE && ps != POSTCOPY_INCOMING_DISCARD) {
        error_setg(errp, "CMD_POSTCOPY_RAM_DISCARD in wrong postcopy state "
                   "(%d)", ps);
        return false;
    }
    ps_set(POSTCOPY_INCOMING_DISCARD);
    if (!postcopy_discard_decode(buf, len, block, &start, &length, &n,
                                 errp)) {
        return false;
    }
    if (!pc_in.pd) {
        error_setg(errp, "CMD_POSTCOPY_RAM_DISCARD without RAM postcopy");
        return false;
    }
    region = postcopy_dest_find(pc_in.pd, block);
    if (region < 0) {
        error_setg(errp, "ram_discard_range: Failed to find block '%s'",
                   block);
        return false;
    }
    for (unsigned i = 0; i < n; i++) {
        if (!postcopy_dest_discard(pc_in.pd, region, start[i], length[i],
                                   errp)) {
            return false;
        }
    }
    return true;
}

static PostcopyVcpuListFn *vcpu_lister;

void postcopy_in_set_vcpu_lister(PostcopyVcpuListFn *fn)
{
    vcpu_lister = fn;
}

static void postcopy_in_blocktime_setup(void)
{
    g_autofree uint32_t *tids = NULL;
    int n = vcpu_lister ? vcpu_lister(&tids) : 0;

    postcopy_dest_set_vcpu_tids(pc_in.pd, tids, n);
    pc_in.nr_vcpus = n;
}

/* Keep the blocktime figures before the memory's state goes away. */
static void postcopy_in_keep_blocktime(void)
{
    if (pc_in.pd && migrate_postcopy_blocktime()) {
        g_free(pc_in.bt_per_vcpu);
        pc_in.bt_per_vcpu = g_new0(uint32_t, MAX(pc_in.nr_vcpus, 1));
        pc_in.bt_total = postcopy_dest_blocktime(pc_in.pd, pc_in.bt_per_vcpu,
                                                 pc_in.nr_vcpus);
        pc_in.bt_kept = true;
    }
}

bool postcopy_in_blocktime(uint32_t *total, uint32List **per_vcpu)
{
    g_autofree uint32_t *per = NULL;
    int n = pc_in.nr_vcpus;

    if (pc_in.pd && pc_in.ram && migrate_postcopy_blocktime()) {
        per = g_new0(uint32_t, MAX(n, 1));
        *total = postcopy_dest_blocktime(pc_in.pd, per, n);
    } else if (pc_in.bt_kept) {
        per = g_memdup2(pc_in.bt_per_vcpu, MAX(n, 1) * sizeof(*per));
        *total = pc_in.bt_total;
    } else {
        return false;
    }
    *per_vcpu = NULL;
    for (int i = n - 1; i >= 0; i--) {
        QAPI_LIST_PREPEND(*per_vcpu, per[i]);
    }
    return true;
}

bool postcopy_in_place(RAMBlock *block, ram_addr_t offset, int channel,
                       const void *page, Error **errp)
{
    /* Blocks are few: the region is found by a short scan. */
    for (int i = 0; i < pc_in.blocks->len; i++) {
        if (g_ptr_array_index(pc_in.blocks, i) == block) {
            return postcopy_dest_place_part(pc_in.pd, i, channel, offset,
                                            page, errp);
        }
    }
    error_setg(errp, "Postcopy: page for RAM block '%s', which was not "
               "registered", block->idstr);
    return false;
}

/* The last pages arrived and the main stream is loaded: tidy up. */
static void postcopy_in_finish(MigrationIncomingState *mis)
{
    uint64_t faults, p50, p99;

    p50 = postcopy_dest_fault_latency(pc_in.pd, 50, &faults);
    p99 = postcopy_dest_fault_latency(pc_in.pd, 99, &faults);
    trace_postcopy_in_fault_latency(faults, p50, p99);
    /* Every page is here: the preempt channel has nothing more to say. */
    postcopy_preempt_dst_stop();
    bql_lock();
    postcopy_in_keep_blocktime();
    postcopy_in_reset();
    ps_set(POSTCOPY_INCOMING_END);
    migrate_set_state(&mis->state, MIGRATION_STATUS_POSTCOPY_ACTIVE,
                      MIGRATION_STATUS_COMPLETED);
    if (mis->postcopy_load_done) {
        mis->postcopy_load_done();
    }
    bql_unlock();
}

/*
 * The preempt channel broke while the guest runs: break the main stream
 * too, so that the listen thread ends the way a broken link does.
 */
static void postcopy_in_preempt_broken(Error *err)
{
    MigrationIncomingState *mis = migration_incoming_get_current();

    migrate_incoming_set_error(mis, err);
    error_report_err(err);
    if (mis->from_src_file) {
        qemu_file_shutdown(mis->from_src_file);
    }
}

/*
 * The link broke while the guest runs here (postcopy-paused): drop the
 * channels, keep everything else, and wait for migrate-recover's new
 * channel.  Listen thread.
 */
static void postcopy_in_pause(MigrationIncomingState *mis)
{
    QEMUFile *from, *to;

    postcopy_preempt_dst_reset();
    bql_lock();
    from = mis->from_src_file;
    mis->from_src_file = NULL;
    WITH_QEMU_LOCK_GUARD(&mis->rp_mutex) {
        to = mis->to_src_file;
        mis->to_src_file = NULL;
    }
    bql_unlock();
    if (to) {
        qemu_fclose(to);
    }
    if (from) {
        qemu_fclose(from);
    }
    migrate_set_state(&mis->state, qatomic_read(&mis->state),
                      MIGRATION_STATUS_POSTCOPY_PAUSED);
    trace_postcopy_in_pause();
    do {
        qemu_sem_wait(&pc_in.resume_sem);
    } while (qatomic_read(&mis->state) != MIGRATION_STATUS_POSTCOPY_RECOVER);
    pc_in.f = mis->from_src_file;
    trace_postcopy_in_pause_continued();
}

void postcopy_in_recover_channel(QEMUFile *f)
{
    MigrationIncomingState *mis = migration_incoming_get_current();

    /* The listen thread reads it with blocking reads. */
    qio_channel_set_blocking(qemu_file_get_ioc(f), true, NULL);
    mis->from_src_file = f;
    /*
     * The source forgot the last block: the first request on the new
     * return path (a fault during the bitmap exchange included) names it.
     */
    WITH_QEMU_LOCK_GUARD(&pc_in.req_lock) {
        pc_in.last_rb = NULL;
    }
    WITH_QEMU_LOCK_GUARD(&mis->rp_mutex) {
        mis->to_src_file = qemu_file_get_return_path(f);
    }
    migrate_set_state(&mis->state, MIGRATION_STATUS_POSTCOPY_RECOVER_SETUP,
                      MIGRATION_STATUS_POSTCOPY_RECOVER);
    qemu_sem_post(&pc_in.resume_sem);
}

typedef struct BitmapPut {
    const unsigned long *bitmap;
    uint64_t nbits;
} BitmapPut;

static void postcopy_in_put_bitmap(QEMUFile *f, void *opaque)
{
    BitmapPut *b = opaque;

    postcopy_recv_bitmap_put(f, b->bitmap, b->nbits);
}

bool postcopy_in_handle_recv_bitmap(const uint8_t *buf, unsigned len,
                                    Error **errp)
{
    MigrationIncomingState *mis = migration_incoming_get_current();
    uint8_t payload[1 + 255];
    char block[256];
    BitmapPut b;
    int region;
    int state = qatomic_read(&mis->state);

    if (!postcopy_block_name_decode(buf, len, "CMD_RECV_BITMAP", block,
                                    errp)) {
        return false;
    }
    if (state != MIGRATION_STATUS_POSTCOPY_RECOVER) {
        error_setg(errp, "loadvm_handle_recv_bitmap: incorrect state %s",
                   MigrationStatus_str(state));
        return false;
    }
    region = pc_in.pd ? postcopy_dest_find(pc_in.pd, block) : -1;
    if (region < 0) {
        error_setg(errp, "loadvm_handle_recv_bitmap: block '%s' not found",
                   block);
        return false;
    }
    b.bitmap = postcopy_dest_received_bitmap(pc_in.pd, region, &b.nbits);
    len = postcopy_block_name_encode(payload, block);
    if (migrate_send_rp_message_with(mis, MIG_RP_MSG_RECV_BITMAP, len,
                                     payload, postcopy_in_put_bitmap,
                                     &b)) {
        error_setg(errp, "Postcopy recovery: cannot send the received "
                   "bitmap of '%s' on the return path", block);
        return false;
    }
    return true;
}

bool postcopy_in_handle_resume(Error **errp)
{
    MigrationIncomingState *mis = migration_incoming_get_current();

    if (qatomic_read(&mis->state) != MIGRATION_STATUS_POSTCOPY_RECOVER) {
        /* QEMU only logs it. */
        error_report("loadvm_postcopy_handle_resume: illegal resume "
                     "received");
        return true;
    }
    migrate_set_state(&mis->state, MIGRATION_STATUS_POSTCOPY_RECOVER,
                      MIGRATION_STATUS_POSTCOPY_ACTIVE);
    if (migrate_postcopy_preempt()) {
        postcopy_preempt_dst_start(postcopy_in_preempt_broken);
    }
    migrate_send_rp_resume_ack(mis, 1);
    /* The source forgot the requests in flight. */
    postcopy_dest_rerequest(pc_in.pd);
    return true;
}

static void *postcopy_listen_thread(void *opaque)
{
    MigrationIncomingState *mis = migration_incoming_get_current();
    Error *err = NULL;
    int ret;

    /*
     * The device state (in the package) is loaded first: the two loads
     * share the section table, and it is a few ms.
     */
    qemu_sem_wait(&pc_in.main_done);
    if (qatomic_read(&pc_in.main_failed)) {
        /* postcopy_in_main_load_failed() undid LISTEN; nothing was read. */
        trace_postcopy_in_listen_thread(-1);
        return NULL;
    }
    for (;;) {
        trace_postcopy_in_listen_thread(1);
        ret = pc_in.load(pc_in.f, &err);
        trace_postcopy_in_listen_thread(ret);
        if (ret >= 0 || ps_get() != POSTCOPY_INCOMING_RUNNING) {
            break;
        }
        /*
         * The guest runs here and its missing pages are only on the
         * source: keep it (blocked on them), never exit; wait for a
         * recovery.
         */
        error_prepend(&err, "load of migration failed: ");
        migrate_incoming_set_error(mis, err);
        error_report_err(err);
        err = NULL;
        error_report("Detected IO failure for postcopy. Migration paused.");
        postcopy_in_pause(mis);
    }
    if (pc_in.load_cleanup) {
        bql_lock();
        pc_in.load_cleanup();
        bql_unlock();
    }
    if (ret >= 0) {
        postcopy_in_finish(mis);
        return NULL;
    }
    error_prepend(&err, "load of migration failed: ");
    migrate_incoming_set_error(mis, err);
    migrate_set_state(&mis->state, MIGRATION_STATUS_POSTCOPY_ACTIVE,
                      MIGRATION_STATUS_FAILED);
    error_report_err(err);
    exit(EXIT_FAILURE);
}

bool postcopy_in_handle_listen(QEMUFile *f, PostcopyLoadFn *load,
                               PostcopyLoadCleanupFn *cleanup,
                               Error **errp)
{
    MigrationIncomingState *mis = migration_incoming_get_current();
    QemuThread thread;
    int ps = ps_get();

    if (ps != POSTCOPY_INCOMING_ADVISE && ps != POSTCOPY_INCOMING_DISCARD) {
        error_setg(errp, "CMD_POSTCOPY_LISTEN in wrong postcopy state (%d)",
                   ps);
        return false;
    }
    if (!pc_in.ram) {
        /* Only dirty bitmaps would use postcopy without RAM. */
        error_setg(errp, "CMD_POSTCOPY_LISTEN without RAM postcopy: "
                   "dirty-bitmaps postcopy is not supported by Tern yet");
        return false;
    }
    {
        if (!postcopy_dest_register(pc_in.pd, errp) ||
            !postcopy_dest_start(pc_in.pd, errp)) {
            return false;
        }
        if (migrate_postcopy_blocktime()) {
            postcopy_in_blocktime_setup();
        }
    }
    ps_set(POSTCOPY_INCOMING_LISTENING);
    if (!pc_in.main_done_init) {
        qemu_sem_init(&pc_in.main_done, 0);
        pc_in.main_done_init = true;
    }
    pc_in.main_failed = false;
    pc_in.load = load;
    pc_in.load_cleanup = cleanup;
    pc_in.f = f;
    if (migrate_postcopy_preempt()) {
        postcopy_preempt_dst_start(postcopy_in_preempt_broken);
    }
    migrate_set_state(&mis->state, MIGRATION_STATUS_ACTIVE,
                      MIGRATION_STATUS_POSTCOPY_ACTIVE);
    qemu_thread_create(&thread, "postcopy/listen", postcopy_listen_thread,
                       NULL, QEMU_THREAD_DETACHED);
    return true;
}

static void postcopy_in_run_bh(void *opaque)
{
    MigrationIncomingState *mis = migration_incoming_get_current();

    /* The device state is loaded: the incoming side's hook runs first. */
    if (mis->postcopy_run) {
        mis->postcopy_run();
    }
    if (autostart) {
        vm_start();
    } else {
        runstate_set(RUN_STATE_PAUSED);
    }
}

bool postcopy_in_handle_run(Error **errp)
{
    int ps = ps_get();

    if (ps != POSTCOPY_INCOMING_LISTENING) {
        error_setg(errp, "CMD_POSTCOPY_RUN in wrong postcopy state (%d)",
                   ps);
        return false;
    }
    ps_set(POSTCOPY_INCOMING_RUNNING);
    qemu_bh_schedule_oneshot(postcopy_in_run_bh, NULL);
    return true;
}

void postcopy_in_main_load_done(void)
{
    if (pc_in.main_done_init) {
        qemu_sem_post(&pc_in.main_done);
    }
}

/*
 * The package failed to load after LISTEN (a device section refused):
 * RUN was not reached, so the guest never ran here and this is a plain
 * failure.  The listen thread has not read anything: let it end, and
 * undo LISTEN (the fault and preempt threads, the registration), so that
 * the load's caller fails the migration as it would in precopy.
 */
void postcopy_in_main_load_failed(void)
{
    if (!pc_in.main_done_init || ps_get() != POSTCOPY_INCOMING_LISTENING) {
        return;
    }
    qatomic_set(&pc_in.main_failed, true);
    qemu_sem_post(&pc_in.main_done);
    postcopy_preempt_dst_reset();
    postcopy_in_reset();
    ps_set(POSTCOPY_INCOMING_END);
}
