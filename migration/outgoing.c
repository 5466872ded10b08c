/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The outgoing migration: migrate / migrate_cancel / migrate-continue,
 * the migration thread (setup, rate-limited iteration, the switchover
 * decision, stop-and-copy), the return-path reader, and the cleanup that
 * puts the source back the way it was when the migration fails.
 *
 * The thread holds the BQL only for setup and the switchover; the rest
 * of the time it sends without it.  Cleanup always runs on the main
 * thread, in a bottom half scheduled when the thread ends.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-migration.h"
#include "qemu/bswap.h"
#include "qemu/error-report.h"
#include "qemu/lockable.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "system/runstate.h"
#include "migration/background-snapshot.h"
#include "migration/channel.h"
#include "migration/colo.h"
#include "migration/forecast.h"
#include "migration/global_state.h"
#include "migration/migration.h"
#include "migration/migration-stats.h"
#include "migration/multifd.h"
#include "migration/options.h"
#include "migration/postcopy-msg.h"
#include "migration/postcopy-out.h"
#include "migration/postcopy-preempt.h"
#include "migration/postcopy-queue.h"
#include "migration/qemu-file.h"
#include "migration/ram.h"
#include "migration/ram-converge.h"
#include "migration/return-path.h"
#include "migration/savevm.h"
#include "migration/threadinfo.h"
#include "migration/tls.h"
#include "migration/trace.h"
#include "migration/yank_functions.h"

static int64_t now_ms(void)
{
    return qemu_clock_get_ms(QEMU_CLOCK_REALTIME);
}

/* ------------------------------------------------------- start and stop */

static bool migrate_prepare(MigrationState *s, bool resume, Error **errp)
{
    if (resume) {
        if (qatomic_read(&s->state) != MIGRATION_STATUS_POSTCOPY_PAUSED) {
            error_setg(errp, "Cannot resume if there is no paused migration");
            return false;
        }
        return true;
    }
    /*
     * A failed migration's thread sets 'failed' before its cleanup has
     * run on the main thread: until then the threads, files and
     * semaphores still belong to it.
     */
    if (migration_is_running() || s->migration_thread_running) {
        error_setg(errp, "There's a migration process in progress");
        return false;
    }
    if (runstate_check(RUN_STATE_INMIGRATE)) {
        error_setg(errp, "Guest is waiting for an incoming migration");
        return false;
    }
    if (runstate_check(RUN_STATE_POSTMIGRATE)) {
        error_setg(errp, "Can't migrate the vm that was paused due to "
                   "previous migration");
        return false;
    }
    if (migration_is_blocked(errp)) {
        return false;
    }
    if (migrate_mode() != MIG_MODE_NORMAL) {
        error_setg(errp, "Migration mode '%s' is not supported by Tern yet",
                   MigMode_str(migrate_mode()));
        return false;
    }
    return true;
}

/* Take every pending post: a new migration must not see old wake-ups. */
static void migration_sem_drain(QemuSemaphore *sem)
{
    while (qemu_sem_timedwait(sem, 0) == 0) {
        /* nothing */
    }
}

/*
 * Forget the previous migration (its threads are joined); state
 * none -> setup.
 */
static void migrate_init(MigrationState *s)
{
    migrate_error_free(s);
    g_clear_pointer(&s->hostname, g_free);
    s->to_dst_file = NULL;
    s->cleanup_bh = NULL;
    s->migration_thread_running = false;
    s->cancel_requested = false;
    memset(&s->rp_state.from_dst_file, 0, sizeof(s->rp_state.from_dst_file));
    s->rp_state.rp_thread_created = false;
    s->rp_state.error = false;
    s->rp_state.received_shut = false;
    s->rp_state.shut_value = 0;
    /*
     * The return-path reader posts rp_sem when it ends, but only a
     * migration that reached the switchover waits for it: after an
     * earlier failure the post is left over and would let the next
     * switchover go on before that migration's SHUT arrived.  PONGs,
     * a cancel's wake-ups and a migrate-continue racing a cancel leave
     * posts behind in the same way.
     */
    migration_sem_drain(&s->rp_state.rp_sem);
    migration_sem_drain(&s->rp_state.rp_pong_acks);
    migration_sem_drain(&s->rate_limit_sem);
    migration_sem_drain(&s->pause_sem);
    s->start_time = now_ms();
    s->setup_time = 0;
    s->total_time = 0;
    s->downtime = 0;
    s->downtime_start = 0;
    s->expected_downtime = 0;
    s->threshold_size = 0;
    s->mbps = 0.0;
    s->iteration_start_time = 0;
    s->iteration_initial_bytes = 0;
    s->iteration_initial_pages = 0;
    s->pass_done = false;
    s->extra_pass = false;
    s->switchover_start_bytes = 0;
    s->vm_old_state = RUN_STATE__MAX;
    s->vm_stopped_for_switchover = false;
    s->switchover_done = false;
    qatomic_set(&s->start_postcopy, false);
    postcopy_queue_reset();
    migration_reset_vm_stats();

    s->state = MIGRATION_STATUS_NONE;
    migrate_set_state(&s->state, MIGRATION_STATUS_NONE,
                      MIGRATION_STATUS_SETUP);
}

/* A failure before the thread exists: fail and clean up right away. */
static void migrate_fd_error(MigrationState *s, const Error *error)
{
    trace_migrate_fd_error(error_get_pretty(error));
    migrate_set_error(s, error);
    migrate_set_state(&s->state, MIGRATION_STATUS_SETUP,
                      MIGRATION_STATUS_FAILED);
    migration_yank_unregister();
    migration_call_notifiers(MIG_EVENT_PRECOPY_FAILED, NULL);
}

/*
 * One outgoing connection attempt.  A socket connect may report after
 * its migration was cancelled and a new one started: the id tells its
 * result apart, so that it cannot fail or feed the new migration.
 */
typedef struct MigrationConnectAttempt {
    MigrationState *s;
    unsigned int id;
} MigrationConnectAttempt;

static void migration_channel_connect(QIOChannel *ioc, const char *hostname,
                                      Error *error, void *opaque);
static void migration_resume_connect(MigrationState *s, Error *error_in);

void qmp_migrate(const char *uri, MigrationChannelList *channels,
                 bool has_detach, bool detach, bool has_resume, bool resume,
                 Error **errp)
{
    MigrationState *s = migrate_get_current();
    g_autoptr(MigrationChannel) channel = NULL;
    MigrationConnectAttempt *attempt;
    Error *local_err = NULL;

    if (!migrate_channel_from_args(uri, channels, false, &channel, errp)) {
        return;
    }
    if (!migrate_prepare(s, has_resume && resume, errp)) {
        return;
    }
    if (!multifd_send_set_address(channel->addr, errp) ||
        !postcopy_preempt_set_address(channel->addr, errp)) {
        return;
    }
    trace_qmp_migrate(uri ? uri : "(channels)", channel->addr->transport);
    if (has_resume && resume) {
        /* The paused thread and the RAM state wait: a new channel only. */
        migrate_set_state(&s->state, MIGRATION_STATUS_POSTCOPY_PAUSED,
                          MIGRATION_STATUS_POSTCOPY_RECOVER_SETUP);
        attempt = g_new0(MigrationConnectAttempt, 1);
        attempt->s = s;
        attempt->id = ++s->connect_attempt;
        if (!migration_transport_start_outgoing(channel->addr,
                                                migration_channel_connect,
                                                attempt, errp)) {
            g_free(attempt);
            migrate_set_state(&s->state,
                              MIGRATION_STATUS_POSTCOPY_RECOVER_SETUP,
                              MIGRATION_STATUS_POSTCOPY_PAUSED);
        }
        return;
    }

    migrate_init(s);
    if (!migration_yank_register(&local_err) ||
        migration_call_notifiers(MIG_EVENT_PRECOPY_SETUP, &local_err)) {
        migrate_fd_error(s, local_err);
        error_propagate(errp, local_err);
        return;
    }
    attempt = g_new0(MigrationConnectAttempt, 1);
    attempt->s = s;
    attempt->id = ++s->connect_attempt;
    if (!migration_transport_start_outgoing(channel->addr,
                                            migration_channel_connect,
                                            attempt, &local_err)) {
        g_free(attempt);
        migrate_fd_error(s, local_err);
        error_propagate(errp, local_err);
    }
}

static void migration_cancel(void)
{
    MigrationState *s = migrate_get_current();
    int old;

    trace_migrate_fd_cancel(MigrationStatus_str(qatomic_read(&s->state)));
    s->cancel_requested = true;
    do {
        old = qatomic_read(&s->state);
        if (!migration_state_is_running(old) ||
            old == MIGRATION_STATUS_CANCELLING) {
            break;
        }
        /* Wake a thread paused before switchover. */
        if (old == MIGRATION_STATUS_PRE_SWITCHOVER) {
            qemu_sem_post(&s->pause_sem);
        }
        migrate_set_state(&s->state, old, MIGRATION_STATUS_CANCELLING);
    } while (qatomic_read(&s->state) != MIGRATION_STATUS_CANCELLING);

    if (qatomic_read(&s->state) != MIGRATION_STATUS_CANCELLING) {
        return;
    }
    /* Make the thread's I/O fail now rather than at the next byte. */
    migration_shutdown_files(s);
    multifd_send_shutdown();
    qemu_sem_post(&s->rate_limit_sem);
    /* Still connecting (no thread yet): the cancel completes here. */
    if (!s->migration_thread_running) {
        migrate_set_state(&s->state, MIGRATION_STATUS_CANCELLING,
                          MIGRATION_STATUS_CANCELLED);
        migration_yank_unregister();
        migration_call_notifiers(MIG_EVENT_PRECOPY_FAILED, NULL);
    }
}

void qmp_migrate_cancel(Error **errp)
{
    if (migration_in_postcopy()) {
        /* The guest runs on the destination: there is no going back. */
        error_setg(errp, "Postcopy migration in progress, cannot cancel.");
        return;
    }
    migration_cancel();
}

/*
 * A postcopy link that carries the migration: postcopy-active, or a
 * recovery's handshake (postcopy-recover), which may wait for a silent
 * peer and is broken the same way.
 */
static bool postcopy_link_alive(int state)
{
    return state == MIGRATION_STATUS_POSTCOPY_ACTIVE ||
           state == MIGRATION_STATUS_POSTCOPY_RECOVER;
}

/*
 * Break a postcopy link on purpose: the channel is shut down, both ends
 * notice the error and go to postcopy-paused (the guest is kept).
 */
void qmp_migrate_pause(Error **errp)
{
    MigrationState *s = migrate_get_current();
    MigrationIncomingState *mis = migration_incoming_get_current();

    if (postcopy_link_alive(qatomic_read(&s->state))) {
        WITH_QEMU_LOCK_GUARD(&s->qemu_file_lock) {
            if (s->to_dst_file) {
                qemu_file_shutdown(s->to_dst_file);
            }
            if (s->postcopy_qemufile_src) {
                qemu_file_shutdown(s->postcopy_qemufile_src);
            }
        }
        qemu_sem_post(&s->rate_limit_sem);
        return;
    }
    if (postcopy_link_alive(qatomic_read(&mis->state)) &&
        mis->from_src_file) {
        qemu_file_shutdown(mis->from_src_file);
        return;
    }
    error_setg(errp, "migrate-pause is currently only supported during "
               "postcopy-active or postcopy-recover state");
}

void qmp_migrate_start_postcopy(Error **errp)
{
    MigrationState *s = migrate_get_current();

    if (!migrate_postcopy()) {
        error_setg(errp, "Enable postcopy with migrate_set_capability before"
                   " the start of migration");
        return;
    }
    if (qatomic_read(&s->state) == MIGRATION_STATUS_NONE) {
        error_setg(errp, "Postcopy must be started after migration has been"
                   " started");
        return;
    }
    qatomic_set(&s->start_postcopy, true);
}

void qmp_migrate_continue(MigrationStatus state, Error **errp)
{
    MigrationState *s = migrate_get_current();
    int cur = qatomic_read(&s->state);

    if (cur != state) {
        error_setg(errp, "Migration not in expected state: %s",
                   MigrationStatus_str(cur));
        return;
    }
    qemu_sem_post(&s->pause_sem);
}


/* ------------------------------------------------------ the return path */

/* Read RP messages until SHUT, an error, or the migration ends. */
static void *source_return_path_thread(void *opaque)
{
    MigrationState *s = opaque;
    QEMUFile *rp = s->rp_state.from_dst_file;
    MigrationThread *thr = migration_threads_add("mig/src/rp_thr",
                                                 qemu_get_thread_id());
    MigRPMessage msg;
    Error *err = NULL;

    trace_source_return_path_thread_entry();
    while (migration_is_setup_or_active()) {
        trace_source_return_path_thread_loop_top();
        if (!migration_rp_read_message(rp, &msg, &err)) {
            break;
        }
        switch (msg.type) {
        case MIG_RP_MSG_SHUT:
            s->rp_state.shut_value = msg.value;
            s->rp_state.received_shut = true;
            trace_source_return_path_thread_shut(s->rp_state.shut_value);
            if (s->rp_state.shut_value) {
                error_setg(&err, "Sibling indicated error %u",
                           s->rp_state.shut_value);
            }
            goto out;
        case MIG_RP_MSG_PONG:
            trace_source_return_path_thread_pong(msg.value);
            qemu_sem_post(&s->rp_state.rp_pong_acks);
            break;
        case MIG_RP_MSG_REQ_PAGES:
        case MIG_RP_MSG_REQ_PAGES_ID: {
            char block[256];
            uint64_t start;
            uint32_t len;

            if (!postcopy_req_pages_decode(msg.type ==
                                           MIG_RP_MSG_REQ_PAGES_ID,
                                           msg.payload, msg.len, block,
                                           &start, &len, &err) ||
                !postcopy_queue_request(block, start, len, &err)) {
                goto out;
            }
            /* Serve it now, not after the rate limit's sleep. */
            qemu_sem_post(&s->rate_limit_sem);
            break;
        }
        case MIG_RP_MSG_RECV_BITMAP: {
            char block[256];

            if (qatomic_read(&s->state) !=
                MIGRATION_STATUS_POSTCOPY_RECOVER) {
                error_setg(&err, "RP: RECV_BITMAP outside a postcopy "
                           "recovery");
                goto out;
            }
            if (!postcopy_block_name_decode(msg.payload, msg.len,
                                            "RP: RECV_BITMAP", block, &err) ||
                !ram_postcopy_bitmap_reload(rp, block, &err)) {
                goto out;
            }
            qatomic_inc(&s->rp_state.resume_msgs);
            qemu_sem_post(&s->postcopy_resume_sem);
            break;
        }
        case MIG_RP_MSG_RESUME_ACK:
            if (qatomic_read(&s->state) !=
                MIGRATION_STATUS_POSTCOPY_RECOVER) {
                error_setg(&err, "RP: RESUME_ACK outside a postcopy "
                           "recovery");
                goto out;
            }
            qatomic_inc(&s->rp_state.resume_msgs);
            qemu_sem_post(&s->postcopy_resume_sem);
            break;
        default:
            /* Switchover-ack messages: a feature not here. */
            error_setg(&err, "Return path message '%s' is not supported "
                       "by Tern yet", migration_rp_message_name(msg.type));
            goto out;
        }
    }
out:
    if (err) {
        trace_source_return_path_thread_bad_end();
        s->rp_state.error = true;
        migrate_set_error(s, err);
        error_free(err);
        /*
         * Stop the sender too, at the channel: its next write fails by
         * itself.  Latching an error in the file as well would fail a
         * switchover whose last byte had already gone out, and the
         * source would resume while the destination may be running.
         */
        WITH_QEMU_LOCK_GUARD(&s->qemu_file_lock) {
            QIOChannel *ioc = s->to_dst_file ?
                              qemu_file_get_ioc(s->to_dst_file) : NULL;

            if (ioc && qio_channel_has_feature(ioc,
                                               QIO_CHANNEL_FEATURE_SHUTDOWN)) {
                qio_channel_shutdown(ioc, QIO_CHANNEL_SHUTDOWN_BOTH, NULL);
            }
        }
        /* A multifd channel may wait for the peer (a TLS handshake). */
        multifd_send_shutdown();
    }
    trace_source_return_path_thread_end();
    migration_threads_remove(thr);
    /* A recovery waiting for this thread's messages waits no more. */
    qatomic_set(&s->rp_state.ended, true);
    qemu_sem_post(&s->postcopy_resume_sem);
    qemu_sem_post(&s->rp_state.rp_sem);
    return NULL;
}

static bool open_return_path_on_source(MigrationState *s, Error **errp)
{
    QEMUFile *rp = qemu_file_get_return_path(s->to_dst_file);

    if (!rp) {
        error_setg(errp, "Unable to open return-path for migration");
        return false;
    }
    WITH_QEMU_LOCK_GUARD(&s->rp_state.qemu_file_lock) {
        s->rp_state.from_dst_file = rp;
    }
    qatomic_set(&s->rp_state.resume_msgs, 0);
    qatomic_set(&s->rp_state.ended, false);
    qemu_thread_create(&s->rp_state.rp_thread, "mig/src/rp_thr",
                       source_return_path_thread, s, QEMU_THREAD_JOINABLE);
    s->rp_state.rp_thread_created = true;
    return true;
}

static void close_return_path_on_source(MigrationState *s)
{
    QEMUFile *rp;

    if (!s->rp_state.rp_thread_created) {
        return;
    }
    qemu_thread_join(&s->rp_state.rp_thread);
    s->rp_state.rp_thread_created = false;
    WITH_QEMU_LOCK_GUARD(&s->rp_state.qemu_file_lock) {
        rp = s->rp_state.from_dst_file;
        s->rp_state.from_dst_file = NULL;
    }
    if (rp) {
        qemu_fclose(rp);
    }
}

/* ------------------------------------------------------------- cleanup */

/*
 * Close the channels (main, return path, preempt).  In a postcopy pause
 * only these go: the RAM state and the stopped VM stay.
 */
static void migration_drop_channels(MigrationState *s)
{
    QEMUFile *f, *pf;

    WITH_QEMU_LOCK_GUARD(&s->qemu_file_lock) {
        f = s->to_dst_file;
        s->to_dst_file = NULL;
        pf = s->postcopy_qemufile_src;
        s->postcopy_qemufile_src = NULL;
    }
    if (f) {
        /* The return-path thread reads the same socket: unblock it. */
        qemu_file_shutdown(f);
        migration_retire_file(f);
    }
    close_return_path_on_source(s);
    if (f) {
        qemu_fclose(f);
    }
    if (pf) {
        qemu_fclose(pf);
    }
}

/*
 * Migration thread: the link broke in postcopy.  The channels go before
 * the state says postcopy-paused: from that moment migrate resume=true
 * (main thread) may install new ones and start their return-path
 * thread, and a drop after it would shut down and free those under that
 * thread (a read of a freed QEMUFile, or a resume that hangs).
 */
static void migration_postcopy_enter_pause(MigrationState *s, int old_state)
{
    migration_drop_channels(s);
    migrate_set_state(&s->state, old_state, MIGRATION_STATUS_POSTCOPY_PAUSED);
}

/* Main thread, BQL held: release everything, restore the source. */
static void migration_cleanup(MigrationState *s)
{
    int state;

    if (s->migration_thread_running) {
        qemu_thread_join(&s->thread);
        s->migration_thread_running = false;
    }
    qemu_savevm_state_cleanup();
    migration_drop_channels(s);
    migration_yank_unregister();
    if (s->cleanup_bh) {
        qemu_bh_delete(s->cleanup_bh);
        s->cleanup_bh = NULL;
    }

    if (qatomic_read(&s->state) == MIGRATION_STATUS_CANCELLING) {
        migrate_set_state(&s->state, MIGRATION_STATUS_CANCELLING,
                          MIGRATION_STATUS_CANCELLED);
    }
    state = qatomic_read(&s->state);
    trace_migration_cleanup(MigrationStatus_str(state));

    if (state == MIGRATION_STATUS_POSTCOPY_PAUSED) {
        /*
         * The guest is on the destination; as QEMU, the source stays in
         * finish-migrate, waiting for a recovery.
         */
        error_report("migration: postcopy paused; the source stays "
                     "stopped");
        return;
    }
    if (state == MIGRATION_STATUS_COMPLETED) {
        /*
         * After COLO the primary goes on running alone; a background
         * snapshot never stopped the VM for good.
         */
        if (!migrate_colo() && !migrate_background_snapshot()) {
            runstate_set(RUN_STATE_POSTMIGRATE);
        }
        migration_call_notifiers(MIG_EVENT_PRECOPY_DONE, NULL);
        return;
    }

    /*
     * Failed or cancelled.  Until the destination may have the VM (the
     * whole stream was handed over and it did not say it failed), put
     * the source back as it was; after that, never run it again.
     */
    if (s->vm_stopped_for_switchover) {
        bool dest_failed = s->rp_state.received_shut &&
                           s->rp_state.shut_value != 0;

        if (s->switchover_done && !dest_failed) {
            error_report("migration: the destination may be running the "
                         "VM; the source stays stopped");
            runstate_set(RUN_STATE_POSTMIGRATE);
        } else if (s->switchover_done) {
            /* Postcopy: the guest lives on the destination. */
            runstate_set(RUN_STATE_POSTMIGRATE);
        } else if (s->vm_old_state == RUN_STATE_RUNNING) {
            vm_start();
        } else if (runstate_check(RUN_STATE_FINISH_MIGRATE)) {
            runstate_set(s->vm_old_state);
        }
    }
    migration_call_notifiers(MIG_EVENT_PRECOPY_FAILED, NULL);
}

static void migration_cleanup_bh(void *opaque)
{
    migration_cleanup(opaque);
}

/*
 * Process exit (qemu_cleanup, after the main loop stopped): cancel a
 * running migration, wait for its thread and clean up here, since the
 * bottom half the thread schedules would never run.  The destination
 * sees the channel close and fails its load.
 */
void migration_shutdown(void)
{
    MigrationState *s = migrate_get_current();

    trace_migration_shutdown(MigrationStatus_str(qatomic_read(&s->state)));
    if (migration_is_running()) {
        migration_cancel();
    }
    if (!s->migration_thread_running) {
        return;
    }
    /* A thread paused in postcopy waits for a resume: not any more. */
    qemu_sem_post(&s->postcopy_pause_sem);
    /* The thread takes the BQL to stop the VM and to end. */
    bql_unlock();
    qemu_thread_join(&s->thread);
    bql_lock();
    s->migration_thread_running = false;
    migration_cleanup(s);
}

/* ---------------------------------------------------------- the thread */

typedef enum {
    MIG_ITERATE_RESUME,     /* keep iterating */
    MIG_ITERATE_BREAK,      /* done (completed or failed) */
} MigIterateState;

/* The switchover threshold for a measured bandwidth (bytes per ms). */
static void migration_set_threshold(MigrationState *s, double bandwidth)
{
    /* avail-switchover-bandwidth, when set, replaces the estimate. */
    double switchover_bw = migrate_avail_switchover_bandwidth() / 1000.0;

    if (!switchover_bw) {
        switchover_bw = bandwidth;
    }
    s->threshold_size = switchover_bw * migrate_downtime_limit();
}

/*
 * A pass ended before the first window did: estimate the bandwidth from
 * the partial window.  With no estimate the threshold is 0, the exact
 * figure is never below it, and every pass would be sent again until the
 * window ends.  The window itself (rate limit budget) is left alone.
 */
static void migration_estimate_early(MigrationState *s)
{
    int64_t time_spent = now_ms() - s->iteration_start_time;
    uint64_t transferred;

    migration_update_transferred(s->to_dst_file);
    transferred = migration_transferred_bytes() - s->iteration_initial_bytes;
    if (time_spent > 0 && transferred > 10000) {
        migration_set_threshold(s, (double)transferred / time_spent);
    }
}

/* Once per BUFFER_DELAY window: bandwidth, threshold, expected downtime. */
static void migration_update_counters(MigrationState *s, int64_t current)
{
    uint64_t current_bytes, transferred;
    uint64_t pages = stat64_get(&mig_stats.normal_pages) +
                     stat64_get(&mig_stats.zero_pages);
    int64_t time_spent;
    double bandwidth;

    if (current < s->iteration_start_time + BUFFER_DELAY) {
        return;
    }
    migration_update_transferred(s->to_dst_file);
    current_bytes = migration_transferred_bytes();
    transferred = current_bytes - s->iteration_initial_bytes;
    time_spent = current - s->iteration_start_time;
    bandwidth = (double)transferred / time_spent;      /* bytes per ms */

    migration_set_threshold(s, bandwidth);
    s->mbps = ((double)transferred * 8.0 / ((double)time_spent / 1000.0)) /
              1000.0 / 1000.0;
    stat64_set(&mig_stats.pages_per_second,
               (pages - s->iteration_initial_pages) * 1000 / time_spent);
    s->iteration_initial_pages = pages;

    /* Remaining dirty data at the measured speed. */
    if (bandwidth > 0 && transferred > 10000) {
        s->expected_downtime = stat64_get(&mig_stats.remaining) / bandwidth;
    }
    trace_migrate_transferred(transferred, time_spent, bandwidth,
                              s->threshold_size, migrate_downtime_limit());

    migration_rate_reset();
    s->iteration_start_time = current;
    s->iteration_initial_bytes = current_bytes;
}

/* Sleep out the rest of a window whose byte budget is spent. */
static void migration_rate_limit(MigrationState *s)
{
    int64_t now = now_ms();

    migration_update_counters(s, now);
    if (migration_rate_exceeded(s->to_dst_file)) {
        int64_t ms = migration_rate_slice_ms(now, s->iteration_start_time +
                                                  BUFFER_DELAY);

        if (qemu_file_get_error(s->to_dst_file)) {
            return;
        }
        if (ms > 0) {
            trace_migration_rate_limit_sleep(ms);
            qemu_sem_timedwait(&s->rate_limit_sem, ms);
        }
    }
}

/*
 * pause-before-switchover: wait in pre-switchover for migrate-continue
 * (or a cancel).  Returns false when the migration must stop.
 */
static bool migration_maybe_pause(MigrationState *s)
{
    if (!migrate_pause_before_switchover()) {
        migrate_set_state(&s->state, MIGRATION_STATUS_ACTIVE,
                          MIGRATION_STATUS_DEVICE);
        return qatomic_read(&s->state) == MIGRATION_STATUS_DEVICE;
    }
    if (qatomic_read(&s->state) == MIGRATION_STATUS_CANCELLING) {
        return false;
    }
    /* migrate-continue and cancel both post pause_sem. */
    bql_unlock();
    migrate_set_state(&s->state, MIGRATION_STATUS_ACTIVE,
                      MIGRATION_STATUS_PRE_SWITCHOVER);
    trace_migration_pause_before_switchover();
    if (qatomic_read(&s->state) == MIGRATION_STATUS_PRE_SWITCHOVER) {
        qemu_sem_wait(&s->pause_sem);
    }
    bql_lock();
    migrate_set_state(&s->state, MIGRATION_STATUS_PRE_SWITCHOVER,
                      MIGRATION_STATUS_DEVICE);
    return qatomic_read(&s->state) == MIGRATION_STATUS_DEVICE;
}

/* BQL held, VM about to stop: downtime and precopy bytes start here. */
static void migration_switchover_begin(MigrationState *s)
{
    s->downtime_start = now_ms();
    migration_update_transferred(s->to_dst_file);
    s->switchover_start_bytes = migration_transferred_bytes();
    stat64_set(&mig_stats.precopy_bytes, s->switchover_start_bytes);
    s->vm_old_state = runstate_get();
    global_state_store_runstate(s->vm_old_state);
}

/* Stop the VM, send what is left and the devices; the downtime. */
static void migration_completion(MigrationState *s)
{
    Error *err = NULL;
    int ret;

    bql_lock();
    migration_switchover_begin(s);

    ret = vm_stop_force_state(RUN_STATE_FINISH_MIGRATE);
    trace_migration_completion_vm_stop(ret);
    if (ret < 0) {
        error_setg(&err, "Failed to stop the VM for switchover");
        goto fail_locked;
    }
    s->vm_stopped_for_switchover = true;
    if (!migration_maybe_pause(s)) {
        goto fail_locked;   /* cancelled while paused */
    }
    /* The final pass is not rate limited. */
    migration_rate_set(RATE_LIMIT_DISABLED);
    ret = qemu_savevm_state_complete_precopy(s->to_dst_file, false, &err);
    if (!ret) {
        qemu_fflush(s->to_dst_file);
        ret = qemu_file_get_error_obj(s->to_dst_file, &err);
    }
    if (ret) {
        if (!err) {
            error_setg_errno(&err, -ret, "Failed to send the device state");
        }
        goto fail_locked;
    }
    /* The destination has the whole stream: it may run from now on. */
    s->switchover_done = true;
    /* The guest is stopped here: a throttle or dirty limit has no more use. */
    ram_converge_stop();
    bql_unlock();

    /* With a return path, wait for the destination's verdict (SHUT). */
    if (s->rp_state.rp_thread_created) {
        qemu_sem_wait(&s->rp_state.rp_sem);
        if (s->rp_state.error || !s->rp_state.received_shut) {
            if (!migrate_has_error(s)) {
                error_setg(&err, "Return path ended without the "
                           "destination's SHUT");
            }
            goto fail;
        }
    }

    migration_update_transferred(s->to_dst_file);
    s->downtime = now_ms() - s->downtime_start;
    stat64_set(&mig_stats.downtime_bytes,
               migration_transferred_bytes() - s->switchover_start_bytes);
    s->total_time = now_ms() - s->start_time;
    if (s->total_time > 0) {
        s->mbps = ((double)migration_transferred_bytes() * 8.0 /
                   ((double)s->total_time / 1000.0)) / 1000.0 / 1000.0;
    }
    stat64_set(&mig_stats.remaining, 0);
    trace_migration_downtime(s->downtime,
                             stat64_get(&mig_stats.downtime_bytes));
    if (migrate_colo()) {
        /* Not completed: checkpoints until a failover (colo.c). */
        colo_primary_run(s);
        return;
    }
    migrate_set_state(&s->state, MIGRATION_STATUS_DEVICE,
                      MIGRATION_STATUS_COMPLETED);
    return;

fail_locked:
    bql_unlock();
fail:
    if (err) {
        migrate_set_error(s, err);
        error_free(err);
    }
    migrate_set_state(&s->state, MIGRATION_STATUS_DEVICE,
                      MIGRATION_STATUS_FAILED);
    migrate_set_state(&s->state, MIGRATION_STATUS_ACTIVE,
                      MIGRATION_STATUS_FAILED);
}

/* Any error, from the stream, the return path or elsewhere? */
static bool migration_detect_error(MigrationState *s)
{
    Error *err = NULL;
    int state = qatomic_read(&s->state);

    if (state == MIGRATION_STATUS_CANCELLING) {
        return true;
    }
    if (qemu_file_get_error_obj(s->to_dst_file, &err) || s->rp_state.error) {
        if (err) {
            migrate_set_error(s, err);
            error_free(err);
        }
        if (state == MIGRATION_STATUS_POSTCOPY_ACTIVE) {
            /*
             * The guest runs on the destination and some of its memory
             * is only here: keep both, paused, as QEMU does.
             */
            error_report("Detected IO failure for postcopy. "
                         "Migration paused.");
            migration_postcopy_enter_pause(s, state);
            return true;
        }
        migrate_set_state(&s->state, state, MIGRATION_STATUS_FAILED);
        return true;
    }
    return false;
}

/*
 * Does waiting for the end of the pass lower the pause?  The rest of
 * the pass goes live, but the guest dirties more meanwhile: that pays
 * only while it dirties slower than the link sends.  Until a dirty rate
 * has been measured (a period of a second) assume it does.
 */
static bool migration_pass_end_helps(MigrationState *s)
{
    double sent = s->mbps * 1000.0 / 8.0;                   /* bytes/ms */
    double dirtied = stat64_get(&mig_stats.dirty_pages_rate) *
                     (double)TARGET_PAGE_SIZE / 1000.0;      /* bytes/ms */

    return !dirtied || dirtied < sent;
}

/*
 * Connect the postcopy-preempt channel.  The destination tells it from
 * the main channel by order alone, so it must not be connected before
 * the destination took the main one: the first PONG says it did.  A
 * QEMU 7.2 destination (x-preempt-pre-7-2) reads nothing, PING
 * included, before both channels are there: then connect at once, as
 * 7.2 does (the listener accepts in connection order).
 */
static bool migration_preempt_channel_open(MigrationState *s, bool wait_main,
                                           Error **errp)
{
    QEMUFile *pf;

    if (wait_main && s->rp_state.rp_thread_created &&
        !migrate_preempt_pre_7_2()) {
        qemu_fflush(s->to_dst_file);
        while (qemu_sem_timedwait(&s->rp_state.rp_pong_acks, 100)) {
            int state = qatomic_read(&s->state);

            if (qatomic_read(&s->rp_state.error) ||
                qemu_file_get_error(s->to_dst_file) ||
                (state != MIGRATION_STATUS_SETUP &&
                 state != MIGRATION_STATUS_ACTIVE)) {
                error_setg(errp, "postcopy-preempt: the destination did "
                           "not answer on the return path; no preempt "
                           "channel");
                return false;
            }
        }
    }
    pf = postcopy_preempt_connect(s->hostname, errp);
    if (!pf) {
        return false;
    }
    WITH_QEMU_LOCK_GUARD(&s->qemu_file_lock) {
        s->postcopy_qemufile_src = pf;
    }
    return true;
}

/*
 * Switch to postcopy: stop the VM, hand the destination the device state
 * and let it run; RAM follows, requested pages first.  Whatever fails
 * before the package is out restarts the source.
 */
static void migration_postcopy_start(MigrationState *s)
{
    Error *err = NULL;
    int ret;

    /*
     * The preempt channel is made before the VM stops (QEMU 8.0+); with
     * x-preempt-pre-7-2 it was made at the start, as QEMU 7.2 does.
     */
    if (migrate_postcopy_preempt() && !s->postcopy_qemufile_src &&
        !migration_preempt_channel_open(s, true, &err)) {
        migrate_set_error(s, err);
        error_free(err);
        migrate_set_state(&s->state, MIGRATION_STATUS_ACTIVE,
                          MIGRATION_STATUS_FAILED);
        return;
    }
    bql_lock();
    migration_switchover_begin(s);
    migrate_set_state(&s->state, MIGRATION_STATUS_ACTIVE,
                      MIGRATION_STATUS_POSTCOPY_ACTIVE);
    ret = vm_stop_force_state(RUN_STATE_FINISH_MIGRATE);
    if (ret < 0) {
        error_setg(&err, "Failed to stop the VM for postcopy");
        goto fail;
    }
    s->vm_stopped_for_switchover = true;
    migration_rate_set(RATE_LIMIT_DISABLED);
    if (!postcopy_out_switch(s, s->to_dst_file, &err)) {
        goto fail;
    }
    /* The destination may run the guest from now on. */
    s->switchover_done = true;
    migration_update_transferred(s->to_dst_file);
    s->downtime = now_ms() - s->downtime_start;
    stat64_set(&mig_stats.downtime_bytes,
               migration_transferred_bytes() - s->switchover_start_bytes);
    trace_postcopy_out_switch(s->downtime);
    migration_rate_set(migrate_max_postcopy_bandwidth());
    /*
     * A window's budget sent at once runs far ahead of the guest and
     * queues before the pages it asks for: pace it in slices.
     */
    migration_rate_set_paced(true);
    bql_unlock();
    return;

fail:
    migrate_set_error(s, err);
    error_free(err);
    migrate_set_state(&s->state, MIGRATION_STATUS_POSTCOPY_ACTIVE,
                      MIGRATION_STATUS_FAILED);
    bql_unlock();
}

/* Postcopy: every page is out; end the stream, wait for the SHUT. */
static void migration_postcopy_completion(MigrationState *s)
{
    Error *err = NULL;
    int ret;

    bql_lock();
    ret = qemu_savevm_state_complete_postcopy(s->to_dst_file, &err);
    bql_unlock();
    if (!ret && s->postcopy_qemufile_src && migrate_preempt_pre_7_2()) {
        /* A QEMU 7.2 destination ends its preempt thread on an EOS. */
        qemu_put_be64(s->postcopy_qemufile_src, RAM_SAVE_FLAG_EOS);
        qemu_fflush(s->postcopy_qemufile_src);
        ret = qemu_file_get_error_obj(s->postcopy_qemufile_src, &err);
    }
    if (!ret && s->rp_state.rp_thread_created) {
        qemu_sem_wait(&s->rp_state.rp_sem);
        if (s->rp_state.error || !s->rp_state.received_shut ||
            s->rp_state.shut_value) {
            ret = -EIO;
        }
    }
    if (ret) {
        if (err) {
            migrate_set_error(s, err);
            error_free(err);
        }
        error_report("Detected IO failure for postcopy. Migration paused.");
        migration_postcopy_enter_pause(s, MIGRATION_STATUS_POSTCOPY_ACTIVE);
        return;
    }
    migration_update_transferred(s->to_dst_file);
    stat64_set(&mig_stats.postcopy_bytes,
               migration_transferred_bytes() - s->switchover_start_bytes -
               stat64_get(&mig_stats.downtime_bytes));
    s->total_time = now_ms() - s->start_time;
    if (s->total_time > 0) {
        s->mbps = ((double)migration_transferred_bytes() * 8.0 /
                   ((double)s->total_time / 1000.0)) / 1000.0 / 1000.0;
    }
    stat64_set(&mig_stats.remaining, 0);
    migrate_set_state(&s->state, MIGRATION_STATUS_POSTCOPY_ACTIVE,
                      MIGRATION_STATUS_COMPLETED);
}

/*
 * Wait until the rp thread has read @want recovery messages (bitmaps
 * loaded, RESUME_ACK), however long that takes, as QEMU does: a silent
 * link is broken by migrate-pause, whose shutdown ends the rp thread;
 * its end (an error, a quit, a SHUT) wakes this wait too.
 */
static bool migration_resume_wait(MigrationState *s, unsigned int want,
                                  const char *what, Error **errp)
{
    while (qatomic_read(&s->rp_state.resume_msgs) < want) {
        if (qatomic_read(&s->rp_state.ended) ||
            qemu_file_get_error(s->to_dst_file)) {
            error_setg(errp, "Postcopy recovery: no %s from the "
                       "destination", what);
            return false;
        }
        qemu_sem_wait(&s->postcopy_resume_sem);
    }
    return true;
}

/*
 * The resume handshake on the new channel (QEMU's): RECV_BITMAP per RAM
 * block, each answered with the destination's received bitmap (what it
 * lacks becomes dirty), then POSTCOPY_RESUME, answered by RESUME_ACK.
 */
static bool migration_postcopy_resume(MigrationState *s, Error **errp)
{
    int n;

    migration_sem_drain(&s->postcopy_resume_sem);
    migration_sem_drain(&s->rp_state.rp_sem);
    postcopy_queue_reset();
    /* The first page on each channel names its block again. */
    ram_postcopy_start(NULL);
    n = postcopy_out_send_recv_bitmaps(s->to_dst_file);
    if (!migration_resume_wait(s, n, "received bitmap", errp)) {
        return false;
    }
    qemu_savevm_command_send(s->to_dst_file, MIG_CMD_POSTCOPY_RESUME, 0,
                             NULL);
    qemu_fflush(s->to_dst_file);
    if (!migration_resume_wait(s, n + 1, "RESUME_ACK", errp)) {
        return false;
    }
    /* The destination has the main channel: the preempt one may come. */
    if (migrate_postcopy_preempt()) {
        if (!migration_preempt_channel_open(s, false, errp)) {
            return false;
        }
        ram_postcopy_start(s->postcopy_qemufile_src);
    }
    migrate_set_state(&s->state, MIGRATION_STATUS_POSTCOPY_RECOVER,
                      MIGRATION_STATUS_POSTCOPY_ACTIVE);
    return true;
}

/*
 * Postcopy-paused (a broken link, migrate-pause, yank): the guest lives
 * on the destination, so nothing is cleaned up; wait for migrate
 * resume=true and resume.  A recovery that fails pauses again.  False
 * when the process quits instead (migration_shutdown()).
 */
static bool migration_postcopy_pause(MigrationState *s)
{
    Error *err = NULL;

    for (;;) {
        trace_postcopy_out_pause();
        do {
            qemu_sem_wait(&s->postcopy_pause_sem);
            if (qatomic_read(&s->state) == MIGRATION_STATUS_CANCELLING) {
                return false;
            }
        } while (qatomic_read(&s->state) !=
                 MIGRATION_STATUS_POSTCOPY_RECOVER_SETUP || !s->to_dst_file);
        migrate_set_state(&s->state, MIGRATION_STATUS_POSTCOPY_RECOVER_SETUP,
                          MIGRATION_STATUS_POSTCOPY_RECOVER);
        if (migration_postcopy_resume(s, &err)) {
            return true;
        }
        migrate_set_error(s, err);
        error_report_err(err);
        err = NULL;
        error_report("Detected IO failure for postcopy. Migration paused.");
        migration_postcopy_enter_pause(s, MIGRATION_STATUS_POSTCOPY_RECOVER);
    }
}

/* Below this the pause is short anyway: not worth another pass. */
#define EXTRA_PASS_MIN_PAGES 256

/*
 * The remaining data fits the downtime at a pass's end.  If that pass
 * found less than half of the pages it sent dirty again, the guest
 * dirties slower than the pages go out: sending the remainder live once
 * more takes about as long as the pause would have, and the pause after
 * it holds less than half as much (as little as a tenth when the guest
 * dirties slowly, or with xbzrle, whose re-sent pages are small deltas).
 * So the total time barely changes and the pause shrinks.  Once per
 * migration, and never after downtime-limit was raised during it: that
 * user asked for an end within the pass under way.
 */
static bool migration_one_more_pass(MigrationState *s, uint64_t pending)
{
    uint64_t sent, dirtied;

    if (s->extra_pass || !s->pass_done ||
        migrate_downtime_limit() > s->downtime_limit_start ||
        pending < EXTRA_PASS_MIN_PAGES * TARGET_PAGE_SIZE ||
        !migration_history_last_round(&sent, &dirtied) ||
        dirtied * 2 > sent) {
        return false;
    }
    s->extra_pass = true;
    trace_migration_extra_pass(pending, dirtied, sent);
    return true;
}

static MigIterateState migration_iteration_run(MigrationState *s)
{
    uint64_t must_precopy, can_postcopy, pending;
    bool exact = false;
    bool in_postcopy = qatomic_read(&s->state) ==
                       MIGRATION_STATUS_POSTCOPY_ACTIVE;

    qemu_savevm_state_pending_estimate(&must_precopy, &can_postcopy);
    pending = must_precopy + can_postcopy;
    if (in_postcopy) {
        stat64_set(&mig_stats.remaining, pending);
        if (!pending && !postcopy_queue_has_request()) {
            migration_postcopy_completion(s);
            return MIG_ITERATE_BREAK;
        }
        qemu_savevm_state_iterate(s->to_dst_file, true);
        return MIG_ITERATE_RESUME;
    }
    /*
     * migrate-start-postcopy: switch once what cannot be postcopied
     * (nothing but RAM is, here) fits in the downtime.
     */
    if (qatomic_read(&s->start_postcopy) && migrate_postcopy_ram() &&
        must_precopy <= s->threshold_size) {
        migration_postcopy_start(s);
        return qatomic_read(&s->state) == MIGRATION_STATUS_POSTCOPY_ACTIVE ?
               MIG_ITERATE_RESUME : MIG_ITERATE_BREAK;
    }
    trace_migration_iteration(must_precopy, can_postcopy, s->threshold_size);
    if (s->pass_done && !s->threshold_size) {
        migration_estimate_early(s);
    }

    /*
     * Close to the threshold: ask for the exact figure (a bitmap sync).
     * Only at the end of a pass, though: the rest of a pass has to be
     * sent anyway, and sending it live instead of in the downtime costs
     * no time when it is not rate limited, and at most downtime-limit
     * when it is.  What is dirty at a pass's end is never more than the
     * rest of the pass plus what was dirty mid-pass, as long as the
     * guest dirties slower than the link sends; when it dirties faster,
     * the figure now is the smallest this pass will give, so ask now.
     * Also at once when avail-switchover-bandwidth says the switchover
     * is faster.
     */
    if (pending <= s->threshold_size &&
        (s->pass_done || migrate_avail_switchover_bandwidth() ||
         !migration_pass_end_helps(s))) {
        qemu_savevm_state_pending_exact(&must_precopy, &can_postcopy);
        pending = must_precopy + can_postcopy;
        exact = true;
        trace_migration_pending_exact(must_precopy, can_postcopy);
    }
    stat64_set(&mig_stats.remaining, pending);

    if (exact && (!pending || pending < s->threshold_size) &&
        !migration_one_more_pass(s, pending)) {
        trace_migration_switchover(pending, s->threshold_size);
        migration_completion(s);
        return MIG_ITERATE_BREAK;
    }
    s->pass_done = qemu_savevm_state_iterate(s->to_dst_file,
                                                    false) > 0;
    return MIG_ITERATE_RESUME;
}

static void *migration_thread(void *opaque)
{
    MigrationState *s = opaque;
    MigrationThread *thr = migration_threads_add("live_migration",
                                                 qemu_get_thread_id());
    int64_t setup_start = now_ms();
    Error *err = NULL;
    int ret;

    s->iteration_start_time = setup_start;
    s->iteration_initial_bytes = 0;
    s->pass_done = false;
    s->extra_pass = false;
    s->downtime_limit_start = migrate_downtime_limit();
    migration_rate_reset();

    bql_lock();
    qemu_savevm_state_header(s->to_dst_file);
    bql_unlock();
    if (s->rp_state.rp_thread_created) {
        /* Ask the destination to open its end; the PING helps debugging. */
        qemu_savevm_send_open_return_path(s->to_dst_file);
        qemu_savevm_send_ping(s->to_dst_file, 1);
    }
    if (migrate_postcopy_ram()) {
        postcopy_out_send_advise(s->to_dst_file);
    }
    if (migrate_colo()) {
        /* The destination becomes the COLO secondary after the load. */
        qemu_savevm_send_colo_enable(s->to_dst_file);
    }
    if (migrate_postcopy_preempt() && migrate_preempt_pre_7_2() &&
        !migration_preempt_channel_open(s, true, &err)) {
        migrate_set_error(s, err);
        error_free(err);
        migrate_set_state(&s->state, MIGRATION_STATUS_SETUP,
                          MIGRATION_STATUS_FAILED);
        goto out;
    }

    bql_lock();
    ret = qemu_savevm_state_setup(s->to_dst_file, &err);
    bql_unlock();
    if (ret) {
        if (!err) {
            error_setg_errno(&err, -ret, "Failed to set up the migration");
        }
        migrate_set_error(s, err);
        error_free(err);
        migrate_set_state(&s->state, MIGRATION_STATUS_SETUP,
                          MIGRATION_STATUS_FAILED);
        goto out;
    }
    s->setup_time = now_ms() - setup_start;
    trace_migration_thread_setup_complete(s->setup_time);
    migrate_set_state(&s->state, MIGRATION_STATUS_SETUP,
                      MIGRATION_STATUS_ACTIVE);

    while (qatomic_read(&s->state) == MIGRATION_STATUS_ACTIVE ||
           qatomic_read(&s->state) == MIGRATION_STATUS_POSTCOPY_ACTIVE) {
        if (migration_detect_error(s) ||
            migration_iteration_run(s) == MIG_ITERATE_BREAK) {
            if (qatomic_read(&s->state) ==
                MIGRATION_STATUS_POSTCOPY_PAUSED) {
                /* Waits for migrate resume=true: postcopy-active again. */
                if (migration_postcopy_pause(s)) {
                    continue;
                }
            }
            break;
        }
        migration_rate_limit(s);
    }

out:
    trace_migration_thread_exit(MigrationStatus_str(s->state));
    migration_threads_remove(thr);
    bql_lock();
    qemu_bh_schedule(s->cleanup_bh);
    bql_unlock();
    return NULL;
}

/* ---------------------------------------------- transport callbacks */

/* The channel is s->to_dst_file (or @error_in, owned): start the thread. */
static void migration_connect(MigrationState *s, Error *error_in)
{
    Error *err = NULL;

    if (qatomic_read(&s->state) == MIGRATION_STATUS_POSTCOPY_RECOVER_SETUP) {
        migration_resume_connect(s, error_in);
        return;
    }
    if (error_in) {
        migrate_fd_error(s, error_in);
        error_free(error_in);
        return;
    }
    /* Cancelled while connecting. */
    if (qatomic_read(&s->state) != MIGRATION_STATUS_SETUP) {
        QEMUFile *f;

        WITH_QEMU_LOCK_GUARD(&s->qemu_file_lock) {
            f = s->to_dst_file;
            s->to_dst_file = NULL;
        }
        if (f) {
            qemu_fclose(f);
        }
        return;
    }

    migration_rate_set(migrate_max_bandwidth());
    migration_rate_set_paced(false);
    s->expected_downtime = migrate_downtime_limit();
    /* Postcopy's page requests travel on the return path. */
    if ((migrate_return_path() || migrate_postcopy_ram()) &&
        !open_return_path_on_source(s, &err)) {
        WITH_QEMU_LOCK_GUARD(&s->qemu_file_lock) {
            qemu_fclose(s->to_dst_file);
            s->to_dst_file = NULL;
        }
        migrate_fd_error(s, err);
        error_free(err);
        return;
    }
    s->cleanup_bh = qemu_bh_new(migration_cleanup_bh, s);
    s->migration_thread_running = true;
    qemu_thread_create(&s->thread, "live_migration",
                       migrate_background_snapshot() ? bg_migration_thread :
                                                       migration_thread,
                       s, QEMU_THREAD_JOINABLE);
}

/*
 * migrate resume=true connected (or not): hand the channel and a new
 * return path to the paused migration thread.  On failure it stays
 * postcopy-paused, as QEMU.
 */
static void migration_resume_connect(MigrationState *s, Error *error_in)
{
    Error *err = error_in;

    /* The new return path starts with a clean slate. */
    s->rp_state.error = false;
    if (!err && !open_return_path_on_source(s, &err)) {
        WITH_QEMU_LOCK_GUARD(&s->qemu_file_lock) {
            qemu_fclose(s->to_dst_file);
            s->to_dst_file = NULL;
        }
    }
    if (err) {
        migrate_set_error(s, err);
        error_report_err(err);
        migrate_set_state(&s->state, MIGRATION_STATUS_POSTCOPY_RECOVER_SETUP,
                          MIGRATION_STATUS_POSTCOPY_PAUSED);
        return;
    }
    qemu_sem_post(&s->postcopy_pause_sem);
}

/* The main channel's TLS handshake ended (main loop). */
static void migration_tls_connected(QIOChannel *tls_ioc, Error *err,
                                    void *opaque)
{
    MigrationConnectAttempt *attempt = opaque;

    migration_channel_connect(tls_ioc, attempt->s->hostname, err, attempt);
    error_free(err);
    if (tls_ioc) {
        object_unref(tls_ioc);
    }
}

/*
 * After a TLS handshake @hostname is s->hostname itself: copy it before
 * freeing the old one.
 */
static void migration_set_hostname(MigrationState *s, const char *hostname)
{
    char *old = s->hostname;

    s->hostname = g_strdup(hostname);
    g_free(old);
}

/* channel.c's MigrationConnectFunc: the transport's result. */
static void migration_channel_connect(QIOChannel *ioc, const char *hostname,
                                      Error *error, void *opaque)
{
    MigrationConnectAttempt *attempt = opaque;
    MigrationState *s = attempt->s;
    bool stale = attempt->id != s->connect_attempt;

    trace_migration_channel_connect(hostname ? hostname : "",
                                    error ? error_get_pretty(error) : "",
                                    stale);
    if (stale) {
        /* A cancelled migration's late result: the channel is dropped. */
        g_free(attempt);
        return;
    }
    if (!error && migrate_channel_requires_tls_upgrade(ioc)) {
        Error *err = NULL;

        /* The stream starts when the handshake is done. */
        migration_ioc_register_yank(ioc);
        migration_set_hostname(s, hostname);
        if (!migration_tls_channel_start(ioc, false, hostname,
                                         migration_tls_connected, attempt,
                                         &err)) {
            g_free(attempt);
            migration_connect(s, err);
        }
        return;
    }
    g_free(attempt);
    if (!error) {
        QEMUFile *f = qemu_file_new_output(ioc);

        /* yank shuts it down (a no-op where it is registered already). */
        migration_ioc_register_yank(ioc);
        migration_set_hostname(s, hostname);
        WITH_QEMU_LOCK_GUARD(&s->qemu_file_lock) {
            s->to_dst_file = f;
        }
    } else {
        error = error_copy(error);
    }
    migration_connect(s, error);
}
