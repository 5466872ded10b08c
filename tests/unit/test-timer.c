/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests for clocks and timers (qemu/timer.h), run by the main loop.
 */
#include "qemu/osdep.h"
#include "qemu/timer.h"
#include "qemu/main-loop.h"
#include "qemu/thread.h"
#include "qapi/error.h"

#define WAIT_MS 10000   /* generous bound for things that should be quick */

static void deadline_cb(void *opaque)
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
    QEMUTimer *guard = timer_new_ms(QEMU_CLOCK_REALTIME, deadline_cb,
                                    &timed_out);

    timer_mod(guard, qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + ms);
    while (!*flag && !timed_out) {
        main_loop_wait(false);
    }
    timer_free(guard);
    return *flag;
}

/* Iterate the main loop for about @ms. */
static void run_loop_for(int ms)
{
    bool done = false;

    wait_for_flag(&done, ms);
}

static GString *fired;

static void record_cb(void *opaque)
{
    g_string_append(fired, opaque);
}

static void test_clocks(void)
{
    int64_t rt0 = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    int64_t host = qemu_clock_get_ns(QEMU_CLOCK_HOST);
    int64_t rt1;

    g_usleep(2000);
    rt1 = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    g_assert_cmpint(rt1 - rt0, >=, 2 * SCALE_MS);
    /* The host clock is Unix time: well after 2020-01-01. */
    g_assert_cmpint(host / NANOSECONDS_PER_SECOND, >, 1577836800);
    g_assert_cmpint(qemu_clock_get_ms(QEMU_CLOCK_REALTIME), >=,
                    rt1 / SCALE_MS);
    g_assert_cmpint(qemu_clock_get_us(QEMU_CLOCK_REALTIME), >=,
                    rt1 / SCALE_US);
}

static void test_fire_order(void)
{
    int64_t now = qemu_clock_get_ms(QEMU_CLOCK_REALTIME);
    QEMUTimer *a = timer_new_ms(QEMU_CLOCK_REALTIME, record_cb, (void *)"a");
    QEMUTimer *b = timer_new_ms(QEMU_CLOCK_REALTIME, record_cb, (void *)"b");
    QEMUTimer *c = timer_new_ms(QEMU_CLOCK_REALTIME, record_cb, (void *)"c");
    QEMUTimer *d = timer_new_ns(QEMU_CLOCK_REALTIME, record_cb, (void *)"d");

    fired = g_string_new("");
    timer_mod(c, now + 30);
    timer_mod(a, now + 10);
    timer_mod(b, now + 20);
    /* Same deadline as b, armed later: runs after b. */
    timer_mod_ns(d, (now + 20) * SCALE_MS);
    g_assert_true(timer_pending(a));
    g_assert_cmpint(timer_expire_time_ns(a), ==, (now + 10) * SCALE_MS);
    g_assert_false(timer_expired(a, now));
    g_assert_true(timer_expired(a, now + 10));

    for (int64_t end = now + WAIT_MS;
         fired->len < 4 && qemu_clock_get_ms(QEMU_CLOCK_REALTIME) < end;) {
        main_loop_wait(false);
    }
    g_assert_cmpstr(fired->str, ==, "abdc");
    g_assert_false(timer_pending(a));
    g_assert_cmpint(timer_expire_time_ns(a), ==, -1);

    timer_free(a);
    timer_free(b);
    timer_free(c);
    timer_free(d);
    g_string_free(fired, true);
}

static void test_del(void)
{
    int64_t now = qemu_clock_get_ms(QEMU_CLOCK_REALTIME);
    QEMUTimer *a = timer_new_ms(QEMU_CLOCK_REALTIME, record_cb, (void *)"a");
    QEMUTimer *b = timer_new_ms(QEMU_CLOCK_REALTIME, record_cb, (void *)"b");
    bool done = false;
    QEMUTimer *end = timer_new_ms(QEMU_CLOCK_REALTIME, deadline_cb, &done);

    fired = g_string_new("");
    timer_mod(a, now + 5);
    timer_mod(b, now + 5);
    timer_mod(end, now + 40);
    timer_del(a);
    timer_del(a);           /* deleting twice is harmless */
    g_assert_false(timer_pending(a));
    g_assert_true(wait_for_flag(&done, WAIT_MS));
    g_assert_cmpstr(fired->str, ==, "b");

    /* A deleted timer can be armed again. */
    timer_mod(a, qemu_clock_get_ms(QEMU_CLOCK_REALTIME));
    for (int i = 0; i < 1000 && fired->len < 2; i++) {
        main_loop_wait(false);
    }
    g_assert_cmpstr(fired->str, ==, "ba");

    timer_free(a);
    timer_free(b);
    timer_free(end);
    timer_free(NULL);
    g_string_free(fired, true);
}

static void test_mod_moves(void)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    QEMUTimer t;

    timer_init_ns(&t, QEMU_CLOCK_REALTIME, record_cb, (void *)"t");
    timer_mod_ns(&t, now + 10 * NANOSECONDS_PER_SECOND);
    /* Re-arming moves it; anticipate only ever moves it earlier. */
    timer_mod_ns(&t, now + 20 * NANOSECONDS_PER_SECOND);
    g_assert_cmpint(timer_expire_time_ns(&t), ==,
                    now + 20 * NANOSECONDS_PER_SECOND);
    timer_mod_anticipate_ns(&t, now + 30 * NANOSECONDS_PER_SECOND);
    g_assert_cmpint(timer_expire_time_ns(&t), ==,
                    now + 20 * NANOSECONDS_PER_SECOND);
    timer_mod_anticipate_ns(&t, now + 5 * NANOSECONDS_PER_SECOND);
    g_assert_cmpint(timer_expire_time_ns(&t), ==,
                    now + 5 * NANOSECONDS_PER_SECOND);
    g_assert_cmpint(qemu_clock_deadline_ns_all(QEMU_CLOCK_REALTIME), >,
                    4 * NANOSECONDS_PER_SECOND);
    g_assert_cmpint(qemu_clock_deadline_ns_all(QEMU_CLOCK_REALTIME), <=,
                    5 * NANOSECONDS_PER_SECOND);
    timer_deinit(&t);
    g_assert_cmpint(qemu_clock_deadline_ns_all(QEMU_CLOCK_REALTIME), ==, -1);

    /* Anticipate arms an idle timer; scales convert to ns. */
    timer_init_us(&t, QEMU_CLOCK_REALTIME, record_cb, (void *)"t");
    timer_mod_anticipate(&t, 7);
    g_assert_cmpint(timer_expire_time_ns(&t), ==, 7000);
    timer_mod(&t, -5);      /* clamped to 0 */
    g_assert_cmpint(timer_expire_time_ns(&t), ==, 0);
    timer_mod(&t, INT64_MAX);  /* saturates rather than wrapping */
    g_assert_cmpint(timer_expire_time_ns(&t), ==, INT64_MAX);
    timer_deinit(&t);
}

typedef struct {
    QEMUTimer *timer;
    int count;
} Rearm;

static void rearm_cb(void *opaque)
{
    Rearm *r = opaque;

    /* Re-arming for "now" from the callback must not loop in one pass. */
    if (++r->count < 3) {
        timer_mod_ns(r->timer, qemu_clock_get_ns(QEMU_CLOCK_REALTIME) + 1);
    }
}

static void test_rearm_from_callback(void)
{
    Rearm r = { 0 };

    r.timer = timer_new_ns(QEMU_CLOCK_REALTIME, rearm_cb, &r);
    timer_mod_ns(r.timer, 0);
    g_assert_true(qemu_clock_run_timers(QEMU_CLOCK_REALTIME));
    g_assert_cmpint(r.count, ==, 1);
    for (int i = 0; i < 1000 && r.count < 3; i++) {
        main_loop_wait(true);
    }
    g_assert_cmpint(r.count, ==, 3);
    g_assert_false(timer_pending(r.timer));
    timer_free(r.timer);
}

static void test_clock_disable(void)
{
    bool hit = false;
    QEMUTimer *t = timer_new_ms(QEMU_CLOCK_REALTIME, deadline_cb, &hit);

    qemu_clock_enable(QEMU_CLOCK_REALTIME, false);
    timer_mod(t, 0);
    g_assert_false(qemu_clock_run_timers(QEMU_CLOCK_REALTIME));
    g_assert_cmpint(qemu_clock_deadline_ns_all(QEMU_CLOCK_REALTIME), ==, -1);
    for (int i = 0; i < 10; i++) {
        main_loop_wait(true);
    }
    g_assert_false(hit);
    qemu_clock_enable(QEMU_CLOCK_REALTIME, true);
    g_assert_true(wait_for_flag(&hit, WAIT_MS));
    timer_free(t);
}

static void test_virtual_clock(void)
{
    bool hit = false;
    QEMUTimer *t = timer_new_ns(QEMU_CLOCK_VIRTUAL, deadline_cb, &hit);
    int64_t v0, v1, ticks0;

    /* Ticks start disabled, as in a VM that has not been started. */
    g_assert_false(cpu_ticks_enabled());
    v0 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    ticks0 = cpu_get_ticks();
    timer_mod_ns(t, v0 + SCALE_MS);
    run_loop_for(30);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, v0);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL_RT), ==, v0);
    g_assert_cmpint(cpu_get_ticks(), ==, ticks0);
    g_assert_false(hit);
    /* No deadline either: a stopped VM's timers do not wake the loop. */
    g_assert_cmpint(qemu_clock_deadline_ns_all(QEMU_CLOCK_VIRTUAL), ==, -1);

    /* Even a timer already due does not fire while stopped. */
    timer_mod_ns(t, v0);
    run_loop_for(10);
    g_assert_false(hit);

    cpu_enable_ticks();
    g_assert_true(cpu_ticks_enabled());
    g_assert_true(wait_for_flag(&hit, WAIT_MS));

    /* Running: the clock advances from where it stopped, not from zero. */
    hit = false;
    v1 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    g_assert_cmpint(v1, >=, v0);
    g_assert_cmpint(v1 - v0, <, 60 * NANOSECONDS_PER_SECOND);
    timer_mod_ns(t, v1 + 5 * SCALE_MS);
    g_assert_true(wait_for_flag(&hit, WAIT_MS));
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), >=,
                    v1 + 5 * SCALE_MS);
    g_assert_cmpint(cpu_get_ticks(), >, ticks0);

    /* Stop again: frozen, and the offsets hold the frozen values. */
    cpu_disable_ticks();
    v1 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    g_assert_cmpint(timers_state.cpu_clock_offset, ==, v1);
    g_assert_cmpint(timers_state.cpu_ticks_offset, ==, cpu_get_ticks());
    g_usleep(5000);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, v1);

    timer_free(t);
}

static int64_t fake_virtual_ns;

static int64_t fake_virtual_clock(void)
{
    return fake_virtual_ns;
}

static void test_virtual_source(void)
{
    bool hit = false;
    QEMUTimer *t = timer_new_ns(QEMU_CLOCK_VIRTUAL, deadline_cb, &hit);

    fake_virtual_ns = 1000;
    qemu_clock_set_virtual_source(fake_virtual_clock);
    cpu_enable_ticks();
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, 1000);
    timer_mod_ns(t, 1500);
    g_assert_cmpint(qemu_clock_deadline_ns_all(QEMU_CLOCK_VIRTUAL), ==, 500);
    g_assert_false(qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL));
    fake_virtual_ns = 1500;
    g_assert_true(qemu_clock_run_timers(QEMU_CLOCK_VIRTUAL));
    g_assert_true(hit);
    cpu_disable_ticks();
    qemu_clock_set_virtual_source(NULL);
    timer_free(t);
}

static void *arm_from_thread(void *opaque)
{
    QEMUTimer *t = opaque;

    g_usleep(20000);
    timer_mod_ns(t, qemu_clock_get_ns(QEMU_CLOCK_REALTIME));
    return NULL;
}

static void test_mod_from_thread_wakes_loop(void)
{
    bool hit = false, guard_hit = false;
    QEMUTimer *t = timer_new_ns(QEMU_CLOCK_REALTIME, deadline_cb, &hit);
    QEMUTimer *guard = timer_new_ms(QEMU_CLOCK_REALTIME, deadline_cb,
                                    &guard_hit);
    QemuThread th;

    /* Only the far guard is pending when the loop goes to sleep. */
    timer_mod(guard, qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + WAIT_MS);
    qemu_thread_create(&th, "arm", arm_from_thread, t,
                       QEMU_THREAD_JOINABLE);
    while (!hit && !guard_hit) {
        main_loop_wait(false);
    }
    g_assert_true(hit);
    g_assert_false(guard_hit);
    qemu_thread_join(&th);
    timer_free(t);
    timer_free(guard);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qemu_init_main_loop(&error_abort);
    bql_lock();
    g_test_add_func("/timer/clocks", test_clocks);
    g_test_add_func("/timer/fire-order", test_fire_order);
    g_test_add_func("/timer/del", test_del);
    g_test_add_func("/timer/mod-moves", test_mod_moves);
    g_test_add_func("/timer/rearm-from-callback", test_rearm_from_callback);
    g_test_add_func("/timer/clock-disable", test_clock_disable);
    g_test_add_func("/timer/virtual-clock", test_virtual_clock);
    g_test_add_func("/timer/virtual-source", test_virtual_source);
    g_test_add_func("/timer/mod-from-thread", test_mod_from_thread_wakes_loop);
    return g_test_run();
}
