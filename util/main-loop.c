/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The main loop over GLib's default GMainContext, the BQL and the wakeup
 * notifier (see qemu/main-loop.h).
 *
 * main_loop_wait() drives the context by hand (prepare, query, poll,
 * check, dispatch) instead of g_main_context_iteration() so that it can
 * add its own wakeup eventfd to the poll set, use the timer deadline in
 * nanoseconds, and drop the BQL only around the poll itself.
 */
#include "qemu/osdep.h"
#include "qemu/atomic.h"
#include "qemu/main-loop.h"
#include "qemu/thread.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "main-loop-internal.h"
#include "util/trace.h"
#include <poll.h>
#include <sys/eventfd.h>

/* A step of the loop that takes longer is traced (main_loop_*). */
#define MAIN_LOOP_LATE_NS (20 * SCALE_MS)

/* Whether to time the loop's steps: only while one of those traces is on. */
static bool main_loop_timed(void)
{
    return TRACE_MAIN_LOOP_SLOW_BACKEND_DSTATE() ||
           TRACE_MAIN_LOOP_POLL_LATE_BACKEND_DSTATE() ||
           TRACE_MAIN_LOOP_BQL_WAIT_BACKEND_DSTATE();
}

/* The step @what began at *@t: trace it if it was slow; *@t is now. */
static void main_loop_step(int64_t *t, const char *what)
{
    int64_t now = get_clock();

    if (now - *t > MAIN_LOOP_LATE_NS) {
        trace_main_loop_slow(what, (now - *t) / SCALE_US);
    }
    *t = now;
}

static QemuMutex bql;
static __thread bool bql_held;

static int notify_fd = -1;      /* eventfd: written to wake the loop */
static QemuThread main_thread;
static bool main_loop_initialized;
static GArray *gpollfds;        /* the poll set, reused across calls */

static void __attribute__((constructor)) qemu_bql_init(void)
{
    qemu_mutex_init(&bql);
}

/* ------------------------------------------------------------------ BQL */

void bql_lock(void)
{
    /* Not recursive: taking it twice would deadlock, so say so. */
    g_assert(!bql_held);
    qemu_mutex_lock(&bql);
    bql_held = true;
}

void bql_unlock(void)
{
    g_assert(bql_held);
    bql_held = false;
    qemu_mutex_unlock(&bql);
}

bool bql_locked(void)
{
    return bql_held;
}

void qemu_cond_wait_bql(QemuCond *cond)
{
    g_assert(bql_held);
    bql_held = false;
    qemu_cond_wait(cond, &bql);
    bql_held = true;
}

bool qemu_cond_timedwait_bql(QemuCond *cond, int ms)
{
    bool ret;

    g_assert(bql_held);
    bql_held = false;
    ret = qemu_cond_timedwait(cond, &bql, ms);
    bql_held = true;
    return ret;
}

/* ----------------------------------------------------------- main loop */

bool qemu_init_main_loop(Error **errp)
{
    int fd;

    if (main_loop_initialized) {
        error_setg(errp, "The main loop is already initialized");
        return false;
    }
    fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Cannot create the main loop's "
                         "wakeup eventfd");
        return false;
    }
    gpollfds = g_array_new(false, false, sizeof(GPollFD));
    qemu_thread_get_self(&main_thread);
    qatomic_store_release(&notify_fd, fd);
    main_loop_initialized = true;
    return true;
}

bool qemu_in_main_thread(void)
{
    return main_loop_initialized && qemu_thread_is_self(&main_thread);
}

void qemu_notify_event(void)
{
    int fd = qatomic_load_acquire(&notify_fd);
    uint64_t one = 1;

    if (fd < 0) {
        return;     /* no loop yet: nothing sleeps */
    }
    /* EAGAIN means the counter is saturated: the loop wakes anyway. */
    if (RETRY_ON_EINTR(write(fd, &one, sizeof(one))) < 0 &&
        errno != EAGAIN) {
        g_assert_not_reached();
    }
}

static void notify_drain(void)
{
    uint64_t count;

    while (RETRY_ON_EINTR(read(notify_fd, &count, sizeof(count))) > 0) {
        /* empty: a single read resets an eventfd, loop for safety */
    }
}

/* ppoll() with a timeout in ns, -1 meaning forever. */
static int poll_ns(GPollFD *fds, guint nfds, int64_t timeout_ns)
{
    QEMU_BUILD_BUG_ON(sizeof(GPollFD) != sizeof(struct pollfd));

    if (timeout_ns >= 0) {
        struct timespec ts = {
            .tv_sec = timeout_ns / NANOSECONDS_PER_SECOND,
            .tv_nsec = timeout_ns % NANOSECONDS_PER_SECOND,
        };
        return ppoll((struct pollfd *)fds, nfds, &ts, NULL);
    }
    return ppoll((struct pollfd *)fds, nfds, NULL, NULL);
}

void main_loop_wait(int nonblocking)
{
    GMainContext *ctx = g_main_context_default();
    int max_priority, glib_timeout_ms, n;
    int64_t timeout_ns;
    GPollFD *fds;
    guint nfds;
    int ret;
    bool timed = main_loop_timed();
    int64_t t = timed ? get_clock() : 0, t_poll = t;

    g_assert(main_loop_initialized);
    g_assert(bql_held);
    if (!g_main_context_acquire(ctx)) {
        g_error("main_loop_wait: another thread owns the GMainContext");
    }

    g_main_context_prepare(ctx, &max_priority);
    for (;;) {
        /* One spare slot at the end for our wakeup fd. */
        guint room = MAX(gpollfds->len, 16);

        g_array_set_size(gpollfds, room);
        n = g_main_context_query(ctx, max_priority, &glib_timeout_ms,
                                 (GPollFD *)gpollfds->data, room - 1);
        if (n < room) {
            break;
        }
        g_array_set_size(gpollfds, n + 16);
    }
    fds = (GPollFD *)gpollfds->data;
    fds[n] = (GPollFD) { .fd = notify_fd, .events = G_IO_IN };
    nfds = n + 1;

    if (nonblocking || qemu_bh_pending()) {
        timeout_ns = 0;
    } else {
        timeout_ns = glib_timeout_ms < 0 ? -1
                     : (int64_t)glib_timeout_ms * SCALE_MS;
        timeout_ns = qemu_soonest_timeout(timeout_ns,
                                          qemu_timers_deadline_ns());
    }

    if (timed) {
        main_loop_step(&t, "prepare");
        t_poll = t;
    }
    if (timeout_ns) {
        bql_unlock();
    }
    ret = poll_ns(fds, nfds, timeout_ns);
    if (timed) {
        t = get_clock();
        /* A loop that wakes late runs every timer late: say why. */
        if (timeout_ns >= 0 && t - t_poll > timeout_ns + MAIN_LOOP_LATE_NS) {
            trace_main_loop_poll_late(timeout_ns / SCALE_US,
                                      (t - t_poll) / SCALE_US);
        }
    }
    if (timeout_ns) {
        bql_lock();
        if (timed) {
            int64_t t_woke = t;

            t = get_clock();
            if (t - t_woke > MAIN_LOOP_LATE_NS) {
                trace_main_loop_bql_wait((t - t_woke) / SCALE_US);
            }
        }
    }
    if (ret < 0 && errno != EINTR) {
        g_error("main_loop_wait: ppoll failed: %s", g_strerror(errno));
    }
    if (ret < 0) {
        /* Interrupted: nothing is known to be ready. */
        for (guint i = 0; i < nfds; i++) {
            fds[i].revents = 0;
        }
    }

    if (fds[n].revents) {
        notify_drain();
    }
    if (timed) {
        t = get_clock();
    }
    if (g_main_context_check(ctx, max_priority, fds, n)) {
        g_main_context_dispatch(ctx);
    }
    g_main_context_release(ctx);
    if (timed) {
        main_loop_step(&t, "dispatch");
    }

    qemu_bh_poll();
    if (timed) {
        main_loop_step(&t, "bottom halves");
    }
    qemu_clock_run_all_timers();
    if (timed) {
        main_loop_step(&t, "timers");
    }
}
