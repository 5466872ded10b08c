/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bottom halves: callbacks queued from any thread and run by the main
 * loop (see qemu/main-loop.h).
 */
#include "qemu/osdep.h"
#include "qemu/atomic.h"
#include "qemu/main-loop.h"
#include "qemu/queue.h"
#include "qemu/thread.h"
#include "main-loop-internal.h"

struct QEMUBH {
    QEMUBHFunc *cb;
    void *opaque;
    const char *name;
    bool scheduled;             /* on bh_queue */
    bool oneshot;               /* freed after its one run */
    QTAILQ_ENTRY(QEMUBH) next;
};

/* bh_lock guards bh_queue and every QEMUBH's scheduled flag and link. */
static QemuMutex bh_lock;
static QTAILQ_HEAD(, QEMUBH) bh_queue = QTAILQ_HEAD_INITIALIZER(bh_queue);
static unsigned int bh_queued;

static void __attribute__((constructor)) qemu_bh_init(void)
{
    qemu_mutex_init(&bh_lock);
}

QEMUBH *qemu_bh_new_full(QEMUBHFunc *cb, void *opaque, const char *name)
{
    QEMUBH *bh = g_new0(QEMUBH, 1);

    bh->cb = cb;
    bh->opaque = opaque;
    bh->name = name;
    return bh;
}

void qemu_bh_schedule(QEMUBH *bh)
{
    bool queued = false;

    qemu_mutex_lock(&bh_lock);
    if (!bh->scheduled) {
        bh->scheduled = true;
        QTAILQ_INSERT_TAIL(&bh_queue, bh, next);
        qatomic_set(&bh_queued, bh_queued + 1);
        queued = true;
    }
    qemu_mutex_unlock(&bh_lock);
    if (queued) {
        qemu_notify_event();
    }
}

void qemu_bh_schedule_oneshot(QEMUBHFunc *cb, void *opaque)
{
    QEMUBH *bh = qemu_bh_new_full(cb, opaque, "oneshot");

    bh->oneshot = true;
    qemu_bh_schedule(bh);
}

/* Take @bh off the queue if it is on it; bh_lock held. */
static void bh_unqueue_locked(QEMUBH *bh)
{
    if (bh->scheduled) {
        QTAILQ_REMOVE(&bh_queue, bh, next);
        bh->scheduled = false;
        qatomic_set(&bh_queued, bh_queued - 1);
    }
}

void qemu_bh_cancel(QEMUBH *bh)
{
    qemu_mutex_lock(&bh_lock);
    bh_unqueue_locked(bh);
    qemu_mutex_unlock(&bh_lock);
}

void qemu_bh_delete(QEMUBH *bh)
{
    if (!bh) {
        return;
    }
    qemu_bh_cancel(bh);
    g_free(bh);
}

bool qemu_bh_pending(void)
{
    return qatomic_read(&bh_queued) != 0;
}

bool qemu_bh_poll(void)
{
    unsigned int budget;
    bool progress = false;

    /*
     * Run at most as many as were queued on entry, so a bottom half that
     * schedules itself again cannot keep this call going forever; it runs
     * on the next iteration instead.
     */
    qemu_mutex_lock(&bh_lock);
    budget = bh_queued;
    qemu_mutex_unlock(&bh_lock);

    while (budget-- > 0) {
        QEMUBHFunc *cb;
        void *opaque;
        QEMUBH *bh;

        qemu_mutex_lock(&bh_lock);
        bh = QTAILQ_FIRST(&bh_queue);
        if (!bh) {
            qemu_mutex_unlock(&bh_lock);
            break;
        }
        bh_unqueue_locked(bh);
        cb = bh->cb;
        opaque = bh->opaque;
        qemu_mutex_unlock(&bh_lock);

        /* @bh may be rescheduled or deleted by its callback. */
        if (bh->oneshot) {
            g_free(bh);
        }
        cb(opaque);
        progress = true;
    }
    return progress;
}
