/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests for coroutines (qemu/coroutine.h).
 */
#include "qemu/osdep.h"
#include "qemu/coroutine.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "qemu/thread.h"
#include "qapi/error.h"

#define WAIT_MS 10000

/* ------------------------------------------------------ enter / yield */

typedef struct {
    int value;
    int rounds;
    bool in_coroutine;
    Coroutine *self;
    bool done;
} PingPong;

static void coroutine_fn ping_pong_entry(void *opaque)
{
    PingPong *p = opaque;

    p->in_coroutine = qemu_in_coroutine();
    p->self = qemu_coroutine_self();
    for (int i = 0; i < p->rounds; i++) {
        /* Odd values are ours, even ones the caller's. */
        g_assert_cmpint(p->value, ==, 2 * i);
        p->value++;
        qemu_coroutine_yield();
    }
    p->done = true;
}

static void test_ping_pong(void)
{
    PingPong p = { .rounds = 100 };
    Coroutine *co = qemu_coroutine_create(ping_pong_entry, &p);

    g_assert_false(qemu_in_coroutine());
    g_assert_false(qemu_coroutine_entered(co));
    for (int i = 0; i < p.rounds; i++) {
        qemu_coroutine_enter(co);
        g_assert_cmpint(p.value, ==, 2 * i + 1);
        g_assert_false(qemu_coroutine_entered(co));
        p.value++;
    }
    g_assert_true(p.in_coroutine);
    g_assert_true(p.self == co);
    g_assert_false(p.done);
    qemu_coroutine_enter(co);       /* runs to the end and is freed */
    g_assert_true(p.done);
    g_assert_false(qemu_in_coroutine());
    g_assert_true(qemu_coroutine_self() != co);
}

static void coroutine_fn check_entered_entry(void *opaque)
{
    Coroutine **co = opaque;

    /* While running, the coroutine counts as entered. */
    g_assert_true(qemu_coroutine_entered(*co));
    g_assert_true(qemu_coroutine_self() == *co);
    qemu_coroutine_yield();
}

static void test_entered_and_self(void)
{
    Coroutine *leader = qemu_coroutine_self();
    Coroutine *co;

    g_assert_nonnull(leader);
    g_assert_true(qemu_coroutine_self() == leader);
    co = qemu_coroutine_create(check_entered_entry, &co);
    qemu_coroutine_enter(co);
    g_assert_false(qemu_coroutine_entered(co));
    g_assert_true(qemu_coroutine_self() == leader);
    qemu_coroutine_enter_if_inactive(co);   /* finishes it */
}

/* ------------------------------------------------------------- nesting */

static GString *trace;

static void coroutine_fn inner_entry(void *opaque)
{
    Coroutine *outer = opaque;

    g_string_append(trace, "i1 ");
    /* The outer coroutine is running (it entered us). */
    g_assert_true(qemu_coroutine_entered(outer));
    qemu_coroutine_yield();         /* back to outer, not to main */
    g_string_append(trace, "i2 ");
}

static void coroutine_fn outer_entry(void *opaque)
{
    Coroutine *inner;

    g_string_append(trace, "o1 ");
    inner = qemu_coroutine_create(inner_entry, qemu_coroutine_self());
    qemu_coroutine_enter(inner);
    g_string_append(trace, "o2 ");
    g_assert_true(qemu_coroutine_self() != inner);
    qemu_coroutine_yield();         /* back to main */
    g_string_append(trace, "o3 ");
    qemu_coroutine_enter(inner);    /* inner finishes */
    g_string_append(trace, "o4");
}

static void test_nested(void)
{
    Coroutine *outer = qemu_coroutine_create(outer_entry, NULL);

    trace = g_string_new("");
    qemu_coroutine_enter(outer);
    g_string_append(trace, "m ");
    qemu_coroutine_enter(outer);
    g_assert_cmpstr(trace->str, ==, "o1 i1 o2 m o3 i2 o4");
    g_string_free(trace, true);
}

/* --------------------------------------------------------- life cycle */

static void coroutine_fn count_entry(void *opaque)
{
    (*(int *)opaque)++;
}

static void coroutine_fn yield_once_entry(void *opaque)
{
    qemu_coroutine_yield();
    (*(int *)opaque)++;
}

/* Virtual memory of the process, in KiB, from /proc/self/status. */
static long vm_size_kib(void)
{
    g_autofree char *status = NULL;
    const char *line;

    if (!g_file_get_contents("/proc/self/status", &status, NULL, NULL)) {
        return -1;
    }
    line = strstr(status, "VmSize:");
    return line ? strtol(line + strlen("VmSize:"), NULL, 10) : -1;
}

static void test_lifecycle_no_leak(void)
{
    enum { BATCH = 200, BATCHES = 50 };
    Coroutine *cos[BATCH];
    long before, after;
    int count = 0;

    before = vm_size_kib();
    if (before < 0) {
        g_test_skip("no /proc/self/status to measure memory with");
        return;
    }

    /* One at a time: the pool hands the same coroutine back. */
    for (int i = 0; i < 10000; i++) {
        qemu_coroutine_enter(qemu_coroutine_create(count_entry, &count));
    }
    g_assert_cmpint(count, ==, 10000);

    /*
     * Many alive at once, so that most are freed rather than pooled:
     * 10000 more creations, 200 stacks (200 MiB of address space) live
     * at a time.
     */
    for (int b = 0; b < BATCHES; b++) {
        for (int i = 0; i < BATCH; i++) {
            cos[i] = qemu_coroutine_create(yield_once_entry, &count);
            qemu_coroutine_enter(cos[i]);
        }
        for (int i = 0; i < BATCH; i++) {
            qemu_coroutine_enter(cos[i]);
        }
    }
    g_assert_cmpint(count, ==, 10000 + BATCH * BATCHES);

    /*
     * 20000 leaked 1 MiB stacks would add about 20 GiB of address space;
     * the pool and the allocator's slack stay far below 512 MiB.
     */
    after = vm_size_kib();
    g_test_message("address space grew by %ld KiB", after - before);
    g_assert_cmpint(after - before, <, 512 * 1024);
}

/* A deep recursion that needs more than a few pages of stack works. */
static int coroutine_fn recurse(int depth)
{
    volatile char pad[1024];

    pad[0] = (char)depth;
    if (depth == 0) {
        return pad[0];
    }
    return recurse(depth - 1) + 1 + pad[0] - (char)depth;
}

static void coroutine_fn deep_entry(void *opaque)
{
    *(int *)opaque = recurse(500);  /* about 500 KiB of stack */
}

static void test_big_stack(void)
{
    int result = 0;

    qemu_coroutine_enter(qemu_coroutine_create(deep_entry, &result));
    g_assert_cmpint(result, ==, 500);
}

/* ------------------------------------------------------------ threads */

static void *run_in_thread(void *opaque)
{
    PingPong *p = opaque;
    Coroutine *co = qemu_coroutine_create(ping_pong_entry, p);

    for (int i = 0; i <= p->rounds; i++) {
        qemu_coroutine_enter(co);
        if (i < p->rounds) {
            p->value++;
        }
    }
    return NULL;
}

static void test_threads(void)
{
    PingPong p[2] = { { .rounds = 1000 }, { .rounds = 1000 } };
    QemuThread th[2];

    for (int i = 0; i < 2; i++) {
        qemu_thread_create(&th[i], "co", run_in_thread, &p[i],
                           QEMU_THREAD_JOINABLE);
    }
    for (int i = 0; i < 2; i++) {
        qemu_thread_join(&th[i]);
        g_assert_true(p[i].done);
        g_assert_cmpint(p[i].value, ==, 2 * p[i].rounds);
    }
}

/* ------------------------------------------------- waiting for an fd */

typedef struct {
    int fd;
    char got;
    bool done;
    bool bql_held;
} FDWait;

static void coroutine_fn read_when_ready(void *opaque)
{
    FDWait *w = opaque;

    yield_until_fd_readable(w->fd);
    w->bql_held = bql_locked();
    g_assert_cmpint(read(w->fd, &w->got, 1), ==, 1);
    w->done = true;
}

static void set_flag(void *opaque)
{
    *(bool *)opaque = true;
}

static void *write_later(void *opaque)
{
    g_usleep(20000);
    g_assert_cmpint(write(GPOINTER_TO_INT(opaque), "r", 1), ==, 1);
    return NULL;
}

static void test_yield_until_fd_readable(void)
{
    FDWait w = { 0 };
    bool timed_out = false;
    QEMUTimer *guard = timer_new_ms(QEMU_CLOCK_REALTIME, set_flag,
                                    &timed_out);
    QemuThread th;
    int fds[2];

    g_assert_cmpint(pipe(fds), ==, 0);
    w.fd = fds[0];
    qemu_coroutine_enter(qemu_coroutine_create(read_when_ready, &w));
    /* Nothing to read yet: the coroutine is parked in the main loop. */
    for (int i = 0; i < 3; i++) {
        main_loop_wait(true);
    }
    g_assert_false(w.done);

    qemu_thread_create(&th, "writer", write_later, GINT_TO_POINTER(fds[1]),
                       QEMU_THREAD_JOINABLE);
    timer_mod(guard, qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + WAIT_MS);
    while (!w.done && !timed_out) {
        main_loop_wait(false);
    }
    qemu_thread_join(&th);
    g_assert_true(w.done);
    g_assert_true(w.bql_held);
    g_assert_cmpint(w.got, ==, 'r');

    /* The handler is gone: more data does not re-enter anything. */
    g_assert_cmpint(write(fds[1], "s", 1), ==, 1);
    for (int i = 0; i < 3; i++) {
        main_loop_wait(true);
    }
    timer_free(guard);
    close(fds[0]);
    close(fds[1]);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qemu_init_main_loop(&error_abort);
    bql_lock();
    g_test_add_func("/coroutine/ping-pong", test_ping_pong);
    g_test_add_func("/coroutine/entered-and-self", test_entered_and_self);
    g_test_add_func("/coroutine/nested", test_nested);
    g_test_add_func("/coroutine/lifecycle-no-leak", test_lifecycle_no_leak);
    g_test_add_func("/coroutine/big-stack", test_big_stack);
    g_test_add_func("/coroutine/threads", test_threads);
    g_test_add_func("/coroutine/yield-until-fd-readable",
                    test_yield_until_fd_readable);
    return g_test_run();
}
