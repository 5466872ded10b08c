/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests for the main loop: bottom halves, fd handlers, GLib sources and
 * the BQL (qemu/main-loop.h).
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "qemu/thread.h"
#include "qapi/error.h"

#define WAIT_MS 10000   /* generous bound for things that should be quick */

static void set_flag(void *opaque)
{
    *(bool *)opaque = true;
}

/*
 * Iterate the main loop until *@flag is set or @ms pass; a guard timer
 * makes sure a blocking main_loop_wait() returns by then.
 */
static bool wait_for_flag(bool *flag, int ms)
{
    bool timed_out = false;
    QEMUTimer *guard = timer_new_ms(QEMU_CLOCK_REALTIME, set_flag,
                                    &timed_out);

    timer_mod(guard, qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + ms);
    while (!*flag && !timed_out) {
        main_loop_wait(false);
    }
    timer_free(guard);
    return *flag;
}

static void spin_nonblocking(int n)
{
    for (int i = 0; i < n; i++) {
        main_loop_wait(true);
    }
}

/* ------------------------------------------------------- bottom halves */

typedef struct {
    int runs;
    bool bql_was_held;
    bool in_main_thread;
} BHCount;

static void count_bh(void *opaque)
{
    BHCount *c = opaque;

    c->runs++;
    c->bql_was_held = bql_locked();
    c->in_main_thread = qemu_in_main_thread();
}

static void test_bh_schedule(void)
{
    BHCount c = { 0 };
    QEMUBH *bh = qemu_bh_new(count_bh, &c);

    qemu_bh_schedule(bh);
    qemu_bh_schedule(bh);       /* already scheduled: still one run */
    /* A scheduled bottom half keeps main_loop_wait from sleeping. */
    main_loop_wait(false);
    g_assert_cmpint(c.runs, ==, 1);
    g_assert_true(c.bql_was_held);
    g_assert_true(c.in_main_thread);
    spin_nonblocking(3);
    g_assert_cmpint(c.runs, ==, 1);

    qemu_bh_schedule(bh);
    main_loop_wait(false);
    g_assert_cmpint(c.runs, ==, 2);
    qemu_bh_delete(bh);
}

static void test_bh_cancel_delete(void)
{
    BHCount c = { 0 };
    QEMUBH *bh = qemu_bh_new(count_bh, &c);

    qemu_bh_schedule(bh);
    qemu_bh_cancel(bh);
    qemu_bh_cancel(bh);
    spin_nonblocking(3);
    g_assert_cmpint(c.runs, ==, 0);

    qemu_bh_schedule(bh);
    qemu_bh_delete(bh);
    spin_nonblocking(3);
    g_assert_cmpint(c.runs, ==, 0);
    qemu_bh_delete(NULL);
}

typedef struct {
    QEMUBH *bh;
    int runs;
    int limit;
    bool delete_self;
} SelfBH;

static void self_bh(void *opaque)
{
    SelfBH *s = opaque;

    s->runs++;
    if (s->delete_self) {
        qemu_bh_delete(s->bh);
        s->bh = NULL;
    } else if (s->runs < s->limit) {
        qemu_bh_schedule(s->bh);
    }
}

static void test_bh_reschedule_and_self_delete(void)
{
    SelfBH s = { .limit = 5 };

    s.bh = qemu_bh_new_full(self_bh, &s, "self");
    qemu_bh_schedule(s.bh);
    /* Rescheduling itself runs again on the next iteration, not now. */
    main_loop_wait(false);
    g_assert_cmpint(s.runs, ==, 1);
    main_loop_wait(false);
    g_assert_cmpint(s.runs, ==, 2);
    spin_nonblocking(10);
    g_assert_cmpint(s.runs, ==, 5);

    s.delete_self = true;
    qemu_bh_schedule(s.bh);
    main_loop_wait(false);
    g_assert_cmpint(s.runs, ==, 6);
    g_assert_null(s.bh);
}

static void test_bh_oneshot(void)
{
    BHCount c = { 0 };

    qemu_bh_schedule_oneshot(count_bh, &c);
    qemu_bh_schedule_oneshot(count_bh, &c);
    main_loop_wait(false);
    g_assert_cmpint(c.runs, ==, 2);
    spin_nonblocking(3);
    g_assert_cmpint(c.runs, ==, 2);
}

typedef struct {
    QEMUBH *bh;
    QemuSemaphore go;
    bool bql_free_while_sleeping;
} WakeFromThread;

static void *schedule_from_thread(void *opaque)
{
    WakeFromThread *w = opaque;

    qemu_sem_wait(&w->go);
    g_usleep(20000);    /* let the main thread get into poll */
    /* The sleeping main loop has dropped the BQL: we can take it. */
    g_assert_false(bql_locked());
    bql_lock();
    w->bql_free_while_sleeping = bql_locked();
    bql_unlock();
    qemu_bh_schedule(w->bh);
    return NULL;
}

static void test_bh_from_thread_wakes_loop(void)
{
    WakeFromThread w = { 0 };
    bool ran = false;
    bool guard_hit = false;
    QEMUTimer *guard = timer_new_ms(QEMU_CLOCK_REALTIME, set_flag,
                                    &guard_hit);
    QemuThread th;

    w.bh = qemu_bh_new(set_flag, &ran);
    qemu_sem_init(&w.go, 0);
    qemu_thread_create(&th, "bh", schedule_from_thread, &w,
                       QEMU_THREAD_JOINABLE);
    /* Nothing else is pending: only the bottom half can end this wait. */
    timer_mod(guard, qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + WAIT_MS);
    qemu_sem_post(&w.go);
    while (!ran && !guard_hit) {
        main_loop_wait(false);
    }
    g_assert_true(ran);
    g_assert_false(guard_hit);
    g_assert_true(bql_locked());
    qemu_thread_join(&th);
    g_assert_true(w.bql_free_while_sleeping);
    qemu_bh_delete(w.bh);
    qemu_sem_destroy(&w.go);
    timer_free(guard);
}

static void *notify_from_thread(void *opaque)
{
    g_usleep(20000);
    qemu_notify_event();
    return NULL;
}

static void test_notify_event(void)
{
    bool guard_hit = false;
    QEMUTimer *guard = timer_new_ms(QEMU_CLOCK_REALTIME, set_flag,
                                    &guard_hit);
    QemuThread th;

    /* Drain any earlier wakeup so the next wait really blocks. */
    spin_nonblocking(2);
    timer_mod(guard, qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + WAIT_MS);
    qemu_thread_create(&th, "notify", notify_from_thread, NULL,
                       QEMU_THREAD_JOINABLE);
    main_loop_wait(false);
    g_assert_false(guard_hit);
    qemu_thread_join(&th);

    /* A notification before the wait is not lost either. */
    qemu_notify_event();
    main_loop_wait(false);
    g_assert_false(guard_hit);
    timer_free(guard);
}

/* -------------------------------------------------------------- the BQL */

static void *bql_guard_thread(void *opaque)
{
    bool *ok = opaque;

    *ok = !bql_locked();
    {
        BQL_LOCK_GUARD();
        *ok = *ok && bql_locked();
        {
            BQL_LOCK_GUARD();   /* nested: already held, left alone */
            *ok = *ok && bql_locked();
        }
        *ok = *ok && bql_locked();
    }
    *ok = *ok && !bql_locked();
    return NULL;
}

static void *bql_flag_thread(void *opaque)
{
    return GINT_TO_POINTER(!bql_locked());
}

static void test_bql(void)
{
    bool ok = false;
    QemuThread th;

    g_assert_true(bql_locked());
    {
        BQL_LOCK_GUARD();       /* held by us already: no-op */
        g_assert_true(bql_locked());
    }
    g_assert_true(bql_locked());

    /* Another thread waits for the BQL until we let it go. */
    bql_unlock();
    g_assert_false(bql_locked());
    qemu_thread_create(&th, "bql", bql_guard_thread, &ok,
                       QEMU_THREAD_JOINABLE);
    qemu_thread_join(&th);
    g_assert_true(ok);
    bql_lock();

    /* The flag is per thread: another thread does not see ours. */
    qemu_thread_create(&th, "bql", bql_flag_thread, NULL,
                       QEMU_THREAD_JOINABLE);
    g_assert_true(GPOINTER_TO_INT(qemu_thread_join(&th)));
    g_assert_true(qemu_in_main_thread());
}

/* ---------------------------------------------------------- fd handlers */

typedef struct {
    int fd;
    int reads;
    int writes;
    bool remove_on_read;
    bool bql_held;
    char last;
} FDState;

static void on_readable(void *opaque)
{
    FDState *s = opaque;
    char c;

    s->bql_held = bql_locked();
    if (read(s->fd, &c, 1) == 1) {
        s->last = c;
    }
    s->reads++;
    if (s->remove_on_read) {
        qemu_set_fd_handler(s->fd, NULL, NULL, NULL);
    }
}

static void on_writable(void *opaque)
{
    FDState *s = opaque;

    s->writes++;
    /* Level-triggered: stop asking, or this fires on every iteration. */
    qemu_set_fd_handler(s->fd, NULL, NULL, NULL);
}

static void test_fd_handler_pipe(void)
{
    int fds[2];
    FDState s = { 0 };

    g_assert_cmpint(pipe(fds), ==, 0);
    s.fd = fds[0];
    qemu_set_fd_handler(fds[0], on_readable, NULL, &s);

    spin_nonblocking(3);
    g_assert_cmpint(s.reads, ==, 0);

    g_assert_cmpint(write(fds[1], "x", 1), ==, 1);
    g_assert_true(wait_for_flag(&s.bql_held, WAIT_MS));
    g_assert_cmpint(s.reads, ==, 1);
    g_assert_cmpint(s.last, ==, 'x');

    /* Removed: data arriving later is left alone. */
    qemu_set_fd_handler(fds[0], NULL, NULL, NULL);
    g_assert_cmpint(write(fds[1], "y", 1), ==, 1);
    spin_nonblocking(5);
    g_assert_cmpint(s.reads, ==, 1);

    /* Set again: the pending byte is seen; the handler removes itself. */
    s.remove_on_read = true;
    s.bql_held = false;
    qemu_set_fd_handler(fds[0], on_readable, NULL, &s);
    g_assert_true(wait_for_flag(&s.bql_held, WAIT_MS));
    g_assert_cmpint(s.last, ==, 'y');
    g_assert_cmpint(write(fds[1], "z", 1), ==, 1);
    spin_nonblocking(5);
    g_assert_cmpint(s.reads, ==, 2);

    /* A write handler on the write end fires at once (pipe has room). */
    s.fd = fds[1];
    qemu_set_fd_handler(fds[1], NULL, on_writable, &s);
    for (int i = 0; i < 1000 && !s.writes; i++) {
        main_loop_wait(true);
    }
    g_assert_cmpint(s.writes, ==, 1);
    spin_nonblocking(3);
    g_assert_cmpint(s.writes, ==, 1);

    close(fds[0]);
    close(fds[1]);
}

static void test_fd_handler_replace(void)
{
    int fds[2];
    FDState a = { 0 }, b = { 0 };

    g_assert_cmpint(pipe(fds), ==, 0);
    a.fd = b.fd = fds[0];
    qemu_set_fd_handler(fds[0], on_readable, NULL, &a);
    /* Same fd again: the second registration replaces the first. */
    qemu_set_fd_handler(fds[0], on_readable, NULL, &b);
    g_assert_cmpint(write(fds[1], "q", 1), ==, 1);
    g_assert_true(wait_for_flag(&b.bql_held, WAIT_MS));
    g_assert_cmpint(a.reads, ==, 0);
    g_assert_cmpint(b.reads, ==, 1);
    qemu_set_fd_handler(fds[0], NULL, NULL, NULL);
    close(fds[0]);
    close(fds[1]);
}

/* ----------------------------------------------------- GLib sources */

static gboolean idle_cb(gpointer opaque)
{
    *(bool *)opaque = bql_locked();
    return G_SOURCE_REMOVE;
}

static gboolean watch_cb(GIOChannel *chan, GIOCondition cond, gpointer opaque)
{
    char c;

    *(bool *)opaque = (cond & G_IO_IN) &&
        read(g_io_channel_unix_get_fd(chan), &c, 1) == 1;
    return G_SOURCE_REMOVE;
}

static void test_glib_sources(void)
{
    bool idle_ran = false, timeout_ran = false, watch_ran = false;
    GIOChannel *chan;
    int fds[2];

    g_idle_add(idle_cb, &idle_ran);
    g_assert_true(wait_for_flag(&idle_ran, WAIT_MS));

    g_timeout_add(10, idle_cb, &timeout_ran);
    g_assert_true(wait_for_flag(&timeout_ran, WAIT_MS));

    g_assert_cmpint(pipe(fds), ==, 0);
    chan = g_io_channel_unix_new(fds[0]);
    g_io_add_watch(chan, G_IO_IN, watch_cb, &watch_ran);
    spin_nonblocking(3);
    g_assert_false(watch_ran);
    g_assert_cmpint(write(fds[1], "w", 1), ==, 1);
    g_assert_true(wait_for_flag(&watch_ran, WAIT_MS));
    g_io_channel_unref(chan);
    close(fds[0]);
    close(fds[1]);
}

static void test_init_twice(void)
{
    Error *err = NULL;

    g_assert_false(qemu_init_main_loop(&err));
    error_free_or_abort(&err);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qemu_init_main_loop(&error_abort);
    bql_lock();
    g_test_add_func("/main-loop/bh/schedule", test_bh_schedule);
    g_test_add_func("/main-loop/bh/cancel-delete", test_bh_cancel_delete);
    g_test_add_func("/main-loop/bh/reschedule-self-delete",
                    test_bh_reschedule_and_self_delete);
    g_test_add_func("/main-loop/bh/oneshot", test_bh_oneshot);
    g_test_add_func("/main-loop/bh/from-thread",
                    test_bh_from_thread_wakes_loop);
    g_test_add_func("/main-loop/notify-event", test_notify_event);
    g_test_add_func("/main-loop/bql", test_bql);
    g_test_add_func("/main-loop/fd-handler/pipe", test_fd_handler_pipe);
    g_test_add_func("/main-loop/fd-handler/replace", test_fd_handler_replace);
    g_test_add_func("/main-loop/glib-sources", test_glib_sources);
    g_test_add_func("/main-loop/init-twice", test_init_twice);
    return g_test_run();
}
