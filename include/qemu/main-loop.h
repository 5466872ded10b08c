/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The main loop, the big QEMU lock (BQL), bottom halves and fd handlers.
 *
 * The main loop runs in the main thread on GLib's default GMainContext,
 * so any GSource attached to it (g_io_add_watch(), QIOChannel watches,
 * g_timeout_add()) is dispatched by main_loop_wait() together with QEMU
 * timers, bottom halves and fd handlers.
 *
 * Locking: the main thread holds the BQL except while main_loop_wait()
 * sleeps in poll.  Every callback the main loop makes (GSource dispatch,
 * fd handlers, bottom halves, timers) therefore runs with the BQL held.
 * Other threads take the BQL to touch device or machine state.
 *
 * Thread-safety of each call is noted next to it: "any thread" calls need
 * no lock; "BQL" calls must be made with the BQL held (which includes the
 * main loop's own callbacks).
 */
#ifndef QEMU_MAIN_LOOP_H
#define QEMU_MAIN_LOOP_H

#include "qemu/thread.h"

/*
 * Set up the main loop's wakeup notifier and mark the calling thread as
 * the main thread.  Call once, before anything else from this header.
 */
bool qemu_init_main_loop(Error **errp);

/*
 * One iteration, BQL: sleep until the soonest timer is due, an fd or
 * GSource is ready, a bottom half is scheduled or qemu_notify_event() is
 * called (not at all if @nonblocking); then dispatch GSources and fd
 * handlers, run scheduled bottom halves and run due timers.  The BQL is
 * dropped while sleeping.
 */
void main_loop_wait(int nonblocking);

/* Any thread: make a sleeping (or the next) main_loop_wait() return. */
void qemu_notify_event(void);

/* Any thread: true in the thread that called qemu_init_main_loop(). */
bool qemu_in_main_thread(void);

/* ------------------------------------------------------------------ BQL */

/* Any thread; the BQL is not recursive. */
void bql_lock(void);
void bql_unlock(void);
/* Whether the calling thread holds the BQL. */
bool bql_locked(void);
/*
 * Wait on @cond with the BQL as its mutex (held on entry and on return);
 * the timed variant returns false on timeout.
 */
void qemu_cond_wait_bql(QemuCond *cond);
bool qemu_cond_timedwait_bql(QemuCond *cond, int ms);

/*
 * Hold the BQL until the end of the enclosing scope, taking it only if the
 * calling thread does not hold it already.
 */
typedef struct BQLLockGuard {
    bool taken;
} BQLLockGuard;

static inline BQLLockGuard bql_lock_guard_take(void)
{
    BQLLockGuard g = { !bql_locked() };

    if (g.taken) {
        bql_lock();
    }
    return g;
}

static inline void bql_lock_guard_release(BQLLockGuard *g)
{
    if (g->taken) {
        g->taken = false;
        bql_unlock();
    }
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(BQLLockGuard, bql_lock_guard_release)

#define BQL_LOCK_GUARD()                                        \
    g_auto(BQLLockGuard) bql_lock_guard_auto_ G_GNUC_UNUSED =   \
        bql_lock_guard_take()

/* ------------------------------------------------------- bottom halves */

/*
 * A bottom half is a callback to run soon in the main loop, with the BQL
 * held: the way for other threads (or signal-ish contexts) to hand work to
 * the main thread, and for the main thread to defer work.  Scheduling an
 * already scheduled bottom half does nothing; one run follows.
 */
typedef void QEMUBHFunc(void *opaque);

/* Any thread.  @name shows in debug output. */
QEMUBH *qemu_bh_new_full(QEMUBHFunc *cb, void *opaque, const char *name);
#define qemu_bh_new(cb, opaque) \
    qemu_bh_new_full((cb), (opaque), stringify(cb))

/* Any thread: run @bh in the main loop soon; wakes the loop. */
void qemu_bh_schedule(QEMUBH *bh);
/* Any thread: unschedule @bh if it has not started running. */
void qemu_bh_cancel(QEMUBH *bh);
/*
 * Any thread: cancel and free @bh.  It may be called from @bh's own
 * callback; from another thread, the caller must know the callback is not
 * running.
 */
void qemu_bh_delete(QEMUBH *bh);
/* Any thread: run @cb(@opaque) once in the main loop; nothing to free. */
void qemu_bh_schedule_oneshot(QEMUBHFunc *cb, void *opaque);

/* --------------------------------------------------------- fd handlers */

typedef void IOHandler(void *opaque);

/*
 * BQL: call @fd_read when @fd is readable (or hung up / in error) and
 * @fd_write when it is writable, from the main loop.  Replaces any
 * handlers @fd had; both NULL removes them.  A handler may change or
 * remove its own fd's handlers.
 */
void qemu_set_fd_handler(int fd, IOHandler *fd_read, IOHandler *fd_write,
                         void *opaque);

#endif /* QEMU_MAIN_LOOP_H */
