/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * COLO failover: the state every COLO thread checks between steps, the
 * request (x-colo-lost-heartbeat) that runs the failover itself on the
 * main thread, how COLO last ended, and the checkpoint counters.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-events-migration.h"
#include "qemu/atomic.h"
#include "qemu/thread.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qemu/sockets.h"
#include "io/channel-socket.h"
#include "migration/colo-failover.h"
#include "migration/trace.h"

static int failover_state;
static FailoverFn failover_fn;

static COLOMode last_mode;
static COLOExitReason exit_reason;

/* Written by the COLO thread, read by query-migrate. */
static QemuMutex stats_lock;
static MigrationColoStats *stats;

void failover_init_state(void)
{
    qatomic_set(&failover_state, FAILOVER_STATUS_NONE);
}

FailoverStatus failover_set_state(FailoverStatus old_state,
                                  FailoverStatus new_state)
{
    int old = qatomic_cmpxchg(&failover_state, old_state, new_state);

    if (old == old_state) {
        trace_colo_failover_set_state(FailoverStatus_str(new_state));
    }
    return old;
}

FailoverStatus failover_get_state(void)
{
    return qatomic_read(&failover_state);
}

static void failover_bh(void *opaque)
{
    FailoverStatus old = failover_set_state(FAILOVER_STATUS_REQUIRE,
                                            FAILOVER_STATUS_ACTIVE);

    if (old != FAILOVER_STATUS_REQUIRE) {
        error_report("Unknown error for failover, old_state = %s",
                     FailoverStatus_str(old));
        return;
    }
    failover_fn();
}

bool failover_request_active(FailoverFn fn, Error **errp)
{
    if (failover_set_state(FAILOVER_STATUS_NONE, FAILOVER_STATUS_REQUIRE) !=
        FAILOVER_STATUS_NONE) {
        error_setg(errp, "COLO failover is already active");
        return false;
    }
    failover_fn = fn;
    qemu_bh_schedule_oneshot(failover_bh, NULL);
    return true;
}

/* ------------------------------------------------- how COLO ended */

static void __attribute__((constructor)) colo_stats_init(void)
{
    qemu_mutex_init(&stats_lock);
}

void colo_enter_mode(COLOMode mode)
{
    last_mode = mode;
    exit_reason = COLO_EXIT_REASON_NONE;
    qemu_mutex_lock(&stats_lock);
    g_free(stats);
    stats = g_new0(MigrationColoStats, 1);
    qemu_mutex_unlock(&stats_lock);
}

COLOMode colo_last_mode(void)
{
    return last_mode;
}

COLOExitReason colo_exit_reason(void)
{
    return exit_reason;
}

void colo_exit_report(COLOMode mode, COLOExitReason reason, bool event)
{
    trace_colo_exit(COLOMode_str(mode), COLOExitReason_str(reason), event);
    exit_reason = reason;
    if (event) {
        qapi_event_send_colo_exit(mode, reason);
    }
}

/* ----------------------------------------------------------- counters */

void colo_stats_checkpoint(int64_t pause_us, uint64_t size)
{
    qemu_mutex_lock(&stats_lock);
    if (stats) {
        stats->checkpoints++;
        stats->last_pause_us = pause_us;
        stats->max_pause_us = MAX(stats->max_pause_us, pause_us);
        stats->total_pause_us += pause_us;
        stats->last_size = size;
        stats->total_size += size;
    }
    qemu_mutex_unlock(&stats_lock);
}

MigrationColoStats *colo_stats_get(void)
{
    MigrationColoStats *copy = NULL;

    qemu_mutex_lock(&stats_lock);
    if (stats) {
        copy = g_memdup2(stats, sizeof(*stats));
    }
    qemu_mutex_unlock(&stats_lock);
    return copy;
}

/*
 * A checkpoint is megabytes sent at once while both VMs wait: with the
 * default socket buffer (208 KiB) the sender and the receiver take
 * turns dozens of times per checkpoint, and on a loaded host each turn
 * can wait for a CPU.  Best effort: the kernel caps the size, and a
 * channel that is not a plain socket (TLS, a file) is left alone.
 */
void colo_grow_socket_buffer(QEMUFile *f, int optname)
{
    QIOChannel *ioc = qemu_file_get_ioc(f);

    if (ioc && object_dynamic_cast(OBJECT(ioc), TYPE_QIO_CHANNEL_SOCKET)) {
        socket_grow_buffer(QIO_CHANNEL_SOCKET(ioc)->fd, optname,
                           COLO_SOCKET_BUFFER);
    }
}
