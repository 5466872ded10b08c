/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The background snapshot: the VM stops only for as long as it takes to
 * save its device state into memory and write-protect its RAM; then it
 * runs on while the RAM is sent, each page once, as it was at that
 * moment (ram-wp.c keeps a copy of any page the guest writes before it
 * went).  The stream is an ordinary precopy stream (QEMU's layout for a
 * background snapshot: START ram, PARTs, END ram, then the device state
 * saved at the start, EOF and the trailer), so `-incoming file:` loads
 * it.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "io/channel-buffer.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "system/runstate.h"
#include "migration/background-snapshot.h"
#include "migration/global_state.h"
#include "migration/migration-stats.h"
#include "migration/options.h"
#include "migration/ram.h"
#include "migration/ram-wp.h"
#include "migration/savevm.h"
#include "migration/threadinfo.h"
#include "migration/trace.h"

static const RamSaveTracker bg_tracker = {
    .page_begin = ram_wp_page_begin,
    .page_end = ram_wp_page_end,
};

static int64_t now_ms(void)
{
    return qemu_clock_get_ms(QEMU_CLOCK_REALTIME);
}

/*
 * BQL held: stop the VM, keep its device state in @dev, protect the RAM,
 * run the VM again.  This is the snapshot's moment.
 */
static bool bg_snapshot_start(MigrationState *s, QEMUFile *dev,
                              Error **errp)
{
    RunState rs = runstate_get();
    bool was_running = runstate_check(RUN_STATE_RUNNING);
    bool ok;

    s->downtime_start = now_ms();
    global_state_store_runstate(rs);
    if (was_running) {
        vm_stop_force_state(RUN_STATE_PAUSED);
    }
    ok = qemu_save_device_state(dev, true, errp) == 0 && ram_wp_start(errp);
    if (was_running) {
        vm_start();
    }
    s->downtime = now_ms() - s->downtime_start;
    trace_bg_snapshot_start(s->downtime, ok);
    return ok;
}

/* The rest of a BUFFER_DELAY window whose byte budget is spent. */
static void bg_rate_limit(MigrationState *s, int64_t *window_start)
{
    int64_t now = now_ms();

    if (now >= *window_start + BUFFER_DELAY) {
        migration_rate_reset();
        *window_start = now;
        return;
    }
    if (migration_rate_exceeded(s->to_dst_file)) {
        qemu_sem_timedwait(&s->rate_limit_sem,
                           *window_start + BUFFER_DELAY - now);
    }
}

static bool bg_snapshot_active(MigrationState *s)
{
    return qatomic_read(&s->state) == MIGRATION_STATUS_ACTIVE &&
           !qemu_file_get_error(s->to_dst_file);
}

void *bg_migration_thread(void *opaque)
{
    MigrationState *s = opaque;
    MigrationThread *thr = migration_threads_add("bg_snapshot",
                                                 qemu_get_thread_id());
    QEMUFile *f = s->to_dst_file;
    g_autoptr(QIOChannelBuffer) bioc = qio_channel_buffer_new(64 * 1024);
    QEMUFile *dev = qemu_file_new_output(QIO_CHANNEL(bioc));
    int64_t start = now_ms(), window = start;
    Error *err = NULL;
    int ret = 0;

    ram_save_set_tracker(&bg_tracker);
    migration_rate_reset();
    bql_lock();
    qemu_savevm_state_header(f);
    ret = qemu_savevm_state_setup(f, &err);
    bql_unlock();
    if (ret) {
        if (!err) {
            error_setg_errno(&err, -ret, "Failed to set up the snapshot");
        }
        migrate_set_state(&s->state, MIGRATION_STATUS_SETUP,
                          MIGRATION_STATUS_FAILED);
        goto out;
    }
    s->setup_time = now_ms() - start;
    migrate_set_state(&s->state, MIGRATION_STATUS_SETUP,
                      MIGRATION_STATUS_ACTIVE);

    bql_lock();
    ret = bg_snapshot_start(s, dev, &err) ? 0 : -EINVAL;
    bql_unlock();

    /* RAM, each page once, until every page went. */
    while (!ret && bg_snapshot_active(s)) {
        ret = qemu_savevm_state_iterate(f, false);
        if (ret > 0) {
            ret = 0;
            break;
        }
        bg_rate_limit(s, &window);
    }
    if (!ret && bg_snapshot_active(s)) {
        ret = qemu_savevm_state_complete_precopy(f, true, &err);
    }
    if (!ret && bg_snapshot_active(s)) {
        qemu_fflush(dev);
        qemu_put_buffer(f, bioc->data, bioc->usage);
        qemu_fflush(f);
        ret = qemu_file_get_error_obj(f, &err);
    }
    if (!ret && qatomic_read(&s->state) == MIGRATION_STATUS_ACTIVE) {
        s->total_time = now_ms() - s->start_time;
        migration_update_transferred(f);
        if (s->total_time > 0) {
            s->mbps = ((double)migration_transferred_bytes() * 8.0 /
                       ((double)s->total_time / 1000.0)) / 1000.0 / 1000.0;
        }
        stat64_set(&mig_stats.remaining, 0);
        migrate_set_state(&s->state, MIGRATION_STATUS_ACTIVE,
                          MIGRATION_STATUS_COMPLETED);
    } else {
        if (!err && qemu_file_get_error(f)) {
            qemu_file_get_error_obj(f, &err);
        }
        migrate_set_state(&s->state, MIGRATION_STATUS_ACTIVE,
                          MIGRATION_STATUS_FAILED);
    }
out:
    {
        RamWpStats st;

        ram_wp_get_stats(&st);
        trace_bg_snapshot_end(MigrationStatus_str(s->state), st.faults,
                              st.copies, st.wait_max_us);
    }
    ram_wp_stop();
    ram_save_set_tracker(NULL);
    qemu_fclose(dev);
    if (err) {
        migrate_set_error(s, err);
        error_free(err);
    }
    migration_threads_remove(thr);
    bql_lock();
    qemu_bh_schedule(s->cleanup_bh);
    bql_unlock();
    return NULL;
}
