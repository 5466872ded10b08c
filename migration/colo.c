/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * COLO (COarse-grained LOck-stepping), the primary side and the QMP
 * commands.  The migration thread, having sent the initial stream,
 * stays here: every x-checkpoint-delay ms it stops the VM, writes the
 * RAM dirtied since the last checkpoint and the device state into
 * memory, resumes nothing until the secondary said it loaded them, then
 * runs the VM again.  Only memory is touched with the BQL held; the
 * transfer and the waits happen without it, so a failover request is
 * served however stuck the peer is.
 */
#include "qemu/osdep.h"
#include <sys/socket.h>
#include "qapi/error.h"
#include "qapi/qapi-commands-migration.h"
#include "io/channel-buffer.h"
#include "qemu/error-report.h"
#include "qemu/lockable.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "system/runstate.h"
#include "migration/colo.h"
#include "migration/colo-failover.h"
#include "migration/colo-incoming.h"
#include "migration/colo-msg.h"
#include "migration/options.h"
#include "migration/savevm.h"
#include "migration/trace.h"
#include "net/colo-compare.h"

/* The longest sleep between two looks at the delay and at failover. */
#define COLO_DELAY_SLICE_MS 100

/* Posted by a failover of the primary: stop waiting for the delay. */
static QemuSemaphore colo_wake;
/* A colo-compare saw the guests' output differ: checkpoint now. */
static bool colo_checkpoint_asked;

/* colo-compare's notifier (its iothread): wake the checkpoint loop. */
static void colo_compare_notify_checkpoint(Notifier *notifier, void *data)
{
    qatomic_set(&colo_checkpoint_asked, true);
    qemu_sem_post(&colo_wake);
}

static Notifier packets_compare_notifier = {
    .notify = colo_compare_notify_checkpoint,
};

static void __attribute__((constructor)) colo_init(void)
{
    qemu_sem_init(&colo_wake, 0);
}

COLOMode get_colo_mode(void)
{
    if (qatomic_read(&migrate_get_current()->state) ==
        MIGRATION_STATUS_COLO) {
        return COLO_MODE_PRIMARY;
    }
    if (qatomic_read(&migration_incoming_get_current()->state) ==
        MIGRATION_STATUS_COLO) {
        return COLO_MODE_SECONDARY;
    }
    return COLO_MODE_NONE;
}

static bool colo_primary_active(MigrationState *s)
{
    return qatomic_read(&s->state) == MIGRATION_STATUS_COLO &&
           failover_get_state() == FAILOVER_STATUS_NONE;
}

/* ------------------------------------------------------- the checkpoint */

static int64_t colo_now_us(void)
{
    return qemu_clock_get_us(QEMU_CLOCK_REALTIME);
}

/*
 * Where a checkpoint is written while the VM is stopped: the device
 * state and the RAM records, each a growable in-memory stream.  They
 * live as long as COLO does and are rewound per checkpoint, so a
 * checkpoint allocates nothing once the buffers reached its size.
 */
typedef struct ColoBuffer {
    QIOChannelBuffer *bioc;
    QEMUFile *f;                /* owns a reference to bioc */
} ColoBuffer;

static ColoBuffer colo_dev, colo_live;

static void colo_buffer_open(ColoBuffer *b)
{
    b->bioc = qio_channel_buffer_new(64 * 1024);
    b->f = qemu_file_new_output(QIO_CHANNEL(b->bioc));
    object_unref(OBJECT(b->bioc));
}

static void colo_buffer_close(ColoBuffer *b)
{
    if (b->f) {
        qemu_fclose(b->f);
    }
    b->f = NULL;
    b->bioc = NULL;
}

/* Empty again; the file was flushed, so nothing of it is pending. */
static void colo_buffer_rewind(ColoBuffer *b)
{
    b->bioc->usage = 0;
    b->bioc->offset = 0;
}

/*
 * With the BQL held and the VM stopped: the device state (FULL sections,
 * EOF) into @dev, the RAM dirtied since the last checkpoint (END ram,
 * EOF) into @live.  Memory only, so the BQL is held for memcpy time.
 */
static bool colo_save_checkpoint(QEMUFile *dev, QEMUFile *live,
                                 int64_t *t_dev, Error **errp)
{
    if (qemu_save_device_state(dev, false, errp) < 0) {
        error_prepend(errp, "COLO: saving the device state: ");
        return false;
    }
    *t_dev = colo_now_us();
    if (qemu_savevm_state_complete_precopy(live, true, errp) < 0) {
        error_prepend(errp, "COLO: saving the RAM: ");
        return false;
    }
    qemu_put_byte(live, QEMU_VM_EOF);
    qemu_fflush(live);
    return qemu_file_get_error_obj(live, errp) == 0;
}

/*
 * One checkpoint, QEMU's sequence: REQUEST, REPLY; the VM stops;
 * VMSTATE_SEND, the live state, VMSTATE_SIZE + the device state;
 * RECEIVED, LOADED; the VM runs.  False with @errp on failure, false
 * without it when a failover came in between.
 */
static bool colo_do_checkpoint(MigrationState *s, QEMUFile *rp,
                               Error **errp)
{
    QEMUFile *f = s->to_dst_file;
    QIOChannelBuffer *dev_buf = colo_dev.bioc, *live_buf = colo_live.bioc;
    int64_t t0, t_stop, t_dev = 0, t_ram, t_send, t_recv, t_loaded, t_end;
    uint64_t size;
    bool ok = false;

    if (!colo_send_message(f, COLO_MESSAGE_CHECKPOINT_REQUEST, errp) ||
        !colo_receive_check_message(rp, COLO_MESSAGE_CHECKPOINT_REPLY,
                                    errp)) {
        return false;
    }

    bql_lock();
    if (!colo_primary_active(s)) {
        bql_unlock();
        return false;
    }
    t0 = colo_now_us();
    vm_stop_force_state(RUN_STATE_COLO);
    trace_colo_vm_state_change("run", "stop");
    t_stop = colo_now_us();
    colo_buffer_rewind(&colo_dev);
    colo_buffer_rewind(&colo_live);
    ok = colo_save_checkpoint(colo_dev.f, colo_live.f, &t_dev, errp);
    t_ram = colo_now_us();
    bql_unlock();
    if (!ok || !colo_primary_active(s)) {
        return false;
    }

    /*
     * The buffers go out as they are (no copy into the file's buffer):
     * nothing writes them before the flush below returns.
     */
    if (!colo_send_message(f, COLO_MESSAGE_VMSTATE_SEND, errp)) {
        return false;
    }
    qemu_put_buffer_async(f, live_buf->data, live_buf->usage, false);
    if (!colo_send_message_value(f, COLO_MESSAGE_VMSTATE_SIZE,
                                 dev_buf->usage, errp)) {
        return false;
    }
    qemu_put_buffer_async(f, dev_buf->data, dev_buf->usage, false);
    qemu_fflush(f);
    if (qemu_file_get_error_obj(f, errp)) {
        return false;
    }
    size = live_buf->usage + dev_buf->usage;
    trace_colo_checkpoint_sent(live_buf->usage, dev_buf->usage);
    t_send = colo_now_us();

    if (!colo_receive_check_message(rp, COLO_MESSAGE_VMSTATE_RECEIVED,
                                    errp)) {
        return false;
    }
    t_recv = colo_now_us();
    if (!colo_receive_check_message(rp, COLO_MESSAGE_VMSTATE_LOADED, errp)) {
        return false;
    }
    t_loaded = colo_now_us();

    bql_lock();
    vm_start();
    /* The guest runs from here: what comes after is not its pause. */
    trace_colo_vm_state_change("stop", "run");
    t_end = colo_now_us();
    bql_unlock();
    trace_colo_checkpoint_times(t_stop - t0, t_dev - t_stop, t_ram - t_dev,
                                t_send - t_ram, t_recv - t_send,
                                t_loaded - t_recv, t_end - t_loaded);
    colo_stats_checkpoint(t_end - t0, size);
    return true;
}

/* Sleep until @last_ms + x-checkpoint-delay; a change counts at once. */
static void colo_wait_delay(MigrationState *s, int64_t last_ms)
{
    while (colo_primary_active(s)) {
        int64_t left = last_ms + migrate_checkpoint_delay() -
                       qemu_clock_get_ms(QEMU_CLOCK_REALTIME);

        if (left <= 0 || qatomic_xchg(&colo_checkpoint_asked, false)) {
            return;
        }
        qemu_sem_timedwait(&colo_wake, MIN(left, COLO_DELAY_SLICE_MS));
    }
}

/* ------------------------------------------------------ the primary */

/*
 * COLO is over for the primary: it goes on alone, running.  Whether
 * the user asked (x-colo-lost-heartbeat) or the link broke, the
 * secondary is not told: it finds the link closed and waits for its own
 * x-colo-lost-heartbeat, so there are never two primaries.
 */
static void colo_primary_exit(MigrationState *s, QEMUFile *rp, Error *err)
{
    COLOExitReason reason = failover_get_state() == FAILOVER_STATUS_NONE ?
                            COLO_EXIT_REASON_ERROR : COLO_EXIT_REASON_REQUEST;

    if (err) {
        if (reason == COLO_EXIT_REASON_ERROR) {
            error_report_err(err);
        } else {
            error_free(err);        /* the failover broke the link */
        }
    }
    colo_buffer_close(&colo_dev);
    colo_buffer_close(&colo_live);
    WITH_QEMU_LOCK_GUARD(&s->rp_state.qemu_file_lock) {
        s->rp_state.from_dst_file = NULL;
    }
    if (rp) {
        qemu_fclose(rp);
    }
    bql_lock();
    WITH_QEMU_LOCK_GUARD(&s->qemu_file_lock) {
        if (s->to_dst_file) {
            qemu_file_shutdown(s->to_dst_file);
        }
    }
    migrate_set_state(&s->state, MIGRATION_STATUS_COLO,
                      MIGRATION_STATUS_COMPLETED);
    /* The primary owns its VM again, whatever the cleanup sees. */
    s->vm_stopped_for_switchover = false;
    if (!runstate_check(RUN_STATE_RUNNING)) {
        vm_start();
    }
    failover_set_state(FAILOVER_STATUS_ACTIVE, FAILOVER_STATUS_COMPLETED);
    failover_set_state(FAILOVER_STATUS_NONE, FAILOVER_STATUS_COMPLETED);
    colo_exit_report(COLO_MODE_PRIMARY, reason, true);
    bql_unlock();
}

void colo_primary_run(MigrationState *s)
{
    Error *err = NULL;
    QEMUFile *rp = NULL;
    int64_t last;

    migrate_set_state(&s->state, MIGRATION_STATUS_DEVICE,
                      MIGRATION_STATUS_COLO);
    if (qatomic_read(&s->state) != MIGRATION_STATUS_COLO) {
        return;     /* cancelled at the last moment */
    }
    failover_init_state();
    colo_enter_mode(COLO_MODE_PRIMARY);
    while (qemu_sem_timedwait(&colo_wake, 0) == 0) {
        /* drop a wake-up left by an earlier COLO */
    }
    qatomic_set(&colo_checkpoint_asked, false);
    colo_compare_register_notifier(&packets_compare_notifier);

    rp = qemu_file_get_return_path(s->to_dst_file);
    colo_grow_socket_buffer(s->to_dst_file, SO_SNDBUF);
    WITH_QEMU_LOCK_GUARD(&s->rp_state.qemu_file_lock) {
        s->rp_state.from_dst_file = rp;
    }
    /* The secondary has loaded the initial state and runs. */
    if (!colo_receive_check_message(rp, COLO_MESSAGE_CHECKPOINT_READY,
                                    &err)) {
        error_prepend(&err, "COLO: waiting for the secondary: ");
        goto out;
    }
    bql_lock();
    vm_start();
    bql_unlock();
    trace_colo_vm_state_change("stop", "run");

    colo_buffer_open(&colo_dev);
    colo_buffer_open(&colo_live);
    last = qemu_clock_get_ms(QEMU_CLOCK_REALTIME);
    while (colo_primary_active(s)) {
        colo_wait_delay(s, last);
        if (!colo_primary_active(s)) {
            break;
        }
        if (!colo_do_checkpoint(s, rp, &err)) {
            break;
        }
        /* The two guests are equal again: their output queues restart. */
        colo_notify_compares_event(NULL, COLO_EVENT_CHECKPOINT, NULL);
        last = qemu_clock_get_ms(QEMU_CLOCK_REALTIME);
    }
out:
    colo_compare_unregister_notifier(&packets_compare_notifier);
    /* Alone again: what the primary sent goes out uncompared. */
    colo_notify_compares_event(NULL, COLO_EVENT_FAILOVER, NULL);
    colo_primary_exit(s, rp, err);
}

/* ----------------------------------------------------------- failover */

/* Main thread, BQL, failover 'active': the primary leaves COLO. */
static void colo_primary_failover(void)
{
    MigrationState *s = migrate_get_current();

    /* Wake the thread wherever it waits; it finishes the failover. */
    qemu_sem_post(&colo_wake);
    migration_shutdown_files(s);
}

static void colo_do_failover(void)
{
    switch (get_colo_mode()) {
    case COLO_MODE_PRIMARY:
        colo_primary_failover();
        break;
    case COLO_MODE_SECONDARY:
        colo_incoming_failover();
        break;
    default:
        error_report("colo_do_failover failed because the colo mode"
                     " could not be obtained");
    }
}

/* ---------------------------------------------------------------- QMP */

void qmp_x_colo_lost_heartbeat(Error **errp)
{
    if (get_colo_mode() == COLO_MODE_NONE) {
        error_setg(errp, "The feature '%s' is not enabled", "colo");
        return;
    }
    failover_request_active(colo_do_failover, errp);
}

COLOStatus *qmp_query_colo_status(Error **errp)
{
    COLOStatus *st = g_new0(COLOStatus, 1);
    FailoverStatus fs = failover_get_state();

    st->mode = get_colo_mode();
    st->last_mode = colo_last_mode();
    if (st->mode != COLO_MODE_NONE && fs != FAILOVER_STATUS_NONE &&
        fs != FAILOVER_STATUS_COMPLETED) {
        st->reason = COLO_EXIT_REASON_PROCESSING;
    } else {
        st->reason = colo_exit_reason();
    }
    return st;
}

MigrationColoStats *colo_query_stats(void)
{
    return colo_stats_get();
}
