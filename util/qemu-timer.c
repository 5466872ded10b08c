/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Clocks, the virtual clock's bookkeeping and timer lists (see
 * qemu/timer.h).  Each clock has one list of pending timers, sorted by
 * expiry and guarded by the clock's mutex; the main loop runs them.
 */
#include "qemu/osdep.h"
#include "qemu/atomic.h"
#include "qemu/timer.h"
#include "qemu/main-loop.h"
#include "util/trace.h"
#include <dlfcn.h>

typedef struct QEMUClock {
    QemuMutex lock;             /* guards active_timers and the timers */
    QEMUTimer *active_timers;
    bool enabled;
} QEMUClock;

static QEMUClock qemu_clocks[QEMU_CLOCK_MAX];
/* A timer run this much after its deadline is traced as late. */
#define TIMER_LATE_NS (50 * SCALE_MS)

TimersState timers_state;
/* Guards timers_state against concurrent readers of the virtual clock. */
static QemuMutex vm_clock_lock;
static int64_t (*virtual_clock_source)(void);

static void __attribute__((constructor)) qemu_timers_init(void)
{
    for (int i = 0; i < QEMU_CLOCK_MAX; i++) {
        qemu_mutex_init(&qemu_clocks[i].lock);
        qemu_clocks[i].enabled = true;
    }
    qemu_mutex_init(&vm_clock_lock);
}

/* -------------------------------------------------------------- clocks */

int64_t get_clock(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * NANOSECONDS_PER_SECOND + ts.tv_nsec;
}

int64_t get_clock_realtime(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec * NANOSECONDS_PER_SECOND + ts.tv_nsec;
}

int64_t cpu_get_host_ticks(void)
{
    return get_clock();
}

static int64_t cpu_get_clock_locked(void)
{
    if (!timers_state.cpu_ticks_enabled) {
        return timers_state.cpu_clock_offset;
    }
    return get_clock() + timers_state.cpu_clock_offset;
}

static int64_t cpu_get_ticks_locked(void)
{
    int64_t ticks;

    if (!timers_state.cpu_ticks_enabled) {
        return timers_state.cpu_ticks_offset;
    }
    ticks = cpu_get_host_ticks();
    /* Should the host counter ever step back, hold the guest's still. */
    if (timers_state.cpu_ticks_prev > ticks) {
        timers_state.cpu_ticks_offset += timers_state.cpu_ticks_prev - ticks;
        ticks = timers_state.cpu_ticks_prev;
    }
    timers_state.cpu_ticks_prev = ticks;
    return ticks + timers_state.cpu_ticks_offset;
}

int64_t cpu_get_clock(void)
{
    int64_t ret;

    qemu_mutex_lock(&vm_clock_lock);
    ret = cpu_get_clock_locked();
    qemu_mutex_unlock(&vm_clock_lock);
    return ret;
}

int64_t cpu_get_ticks(void)
{
    int64_t ret;

    qemu_mutex_lock(&vm_clock_lock);
    ret = cpu_get_ticks_locked();
    qemu_mutex_unlock(&vm_clock_lock);
    return ret;
}

bool cpu_ticks_enabled(void)
{
    bool ret;

    qemu_mutex_lock(&vm_clock_lock);
    ret = timers_state.cpu_ticks_enabled;
    qemu_mutex_unlock(&vm_clock_lock);
    return ret;
}

void cpu_enable_ticks(void)
{
    bool changed = false;

    qemu_mutex_lock(&vm_clock_lock);
    if (!timers_state.cpu_ticks_enabled) {
        /* Rebase so that both counters continue from their frozen values. */
        timers_state.cpu_ticks_offset -= cpu_get_host_ticks();
        timers_state.cpu_clock_offset -= get_clock();
        timers_state.cpu_ticks_enabled = 1;
        changed = true;
    }
    qemu_mutex_unlock(&vm_clock_lock);
    if (changed) {
        /* Virtual timers may be due now: let the main loop look. */
        qemu_clock_notify(QEMU_CLOCK_VIRTUAL);
    }
}

void cpu_disable_ticks(void)
{
    qemu_mutex_lock(&vm_clock_lock);
    if (timers_state.cpu_ticks_enabled) {
        timers_state.cpu_ticks_offset = cpu_get_ticks_locked();
        timers_state.cpu_clock_offset = cpu_get_clock_locked();
        timers_state.cpu_ticks_enabled = 0;
    }
    qemu_mutex_unlock(&vm_clock_lock);
}

void qemu_clock_set_virtual_source(int64_t (*get_virtual_clock)(void))
{
    virtual_clock_source = get_virtual_clock;
    qemu_clock_notify(QEMU_CLOCK_VIRTUAL);
}

int64_t qemu_clock_get_ns(QEMUClockType type)
{
    switch (type) {
    case QEMU_CLOCK_REALTIME:
        return get_clock();
    case QEMU_CLOCK_VIRTUAL:
        if (virtual_clock_source) {
            return virtual_clock_source();
        }
        return cpu_get_clock();
    case QEMU_CLOCK_HOST:
        return get_clock_realtime();
    case QEMU_CLOCK_VIRTUAL_RT:
        return cpu_get_clock();
    default:
        g_assert_not_reached();
    }
}

static bool clock_is_virtual(QEMUClockType type)
{
    return type == QEMU_CLOCK_VIRTUAL || type == QEMU_CLOCK_VIRTUAL_RT;
}

/* Whether @type's timers may run now. */
static bool clock_is_running(QEMUClockType type)
{
    if (!qatomic_read(&qemu_clocks[type].enabled)) {
        return false;
    }
    return !clock_is_virtual(type) || cpu_ticks_enabled();
}

void qemu_clock_notify(QEMUClockType type)
{
    qemu_notify_event();
}

void qemu_clock_enable(QEMUClockType type, bool enabled)
{
    bool old = qatomic_xchg(&qemu_clocks[type].enabled, enabled);

    /*
     * No need to wait for callbacks in flight when disabling: timers run
     * in the main loop under the BQL, which the caller holds.
     */
    if (enabled && !old) {
        qemu_clock_notify(type);
    }
}

/* -------------------------------------------------------------- timers */

/* @fn's offset in its executable or library (PIE): what addr2line takes. */
static unsigned long code_offset(void *fn)
{
    Dl_info info;

    if (dladdr(fn, &info) && info.dli_fbase) {
        return (uintptr_t)fn - (uintptr_t)info.dli_fbase;
    }
    return (uintptr_t)fn;
}

void timer_init_full(QEMUTimer *ts, QEMUClockType type, int scale,
                     QEMUTimerCB *cb, void *opaque)
{
    assert(type >= 0 && type < QEMU_CLOCK_MAX);
    assert(scale > 0);
    ts->type = type;
    ts->scale = scale;
    ts->cb = cb;
    ts->opaque = opaque;
    ts->expire_time = -1;
    ts->next = NULL;
}

/* Unlink @ts if pending; called with its clock's lock held. */
static void timer_del_locked(QEMUClock *clock, QEMUTimer *ts)
{
    QEMUTimer **pt;

    qatomic_set(&ts->expire_time, -1);
    for (pt = &clock->active_timers; *pt; pt = &(*pt)->next) {
        if (*pt == ts) {
            *pt = ts->next;
            ts->next = NULL;
            return;
        }
    }
}

/* Insert @ts sorted; true if it became the soonest.  Lock held. */
static bool timer_insert_locked(QEMUClock *clock, QEMUTimer *ts,
                                int64_t expire_time)
{
    QEMUTimer **pt;

    expire_time = MAX(expire_time, 0);
    /* After timers due at the same time, so equal deadlines run FIFO. */
    for (pt = &clock->active_timers; *pt; pt = &(*pt)->next) {
        if ((*pt)->expire_time > expire_time) {
            break;
        }
    }
    qatomic_set(&ts->expire_time, expire_time);
    ts->next = *pt;
    *pt = ts;
    return pt == &clock->active_timers;
}

void timer_del(QEMUTimer *ts)
{
    QEMUClock *clock = &qemu_clocks[ts->type];

    qemu_mutex_lock(&clock->lock);
    timer_del_locked(clock, ts);
    qemu_mutex_unlock(&clock->lock);
}

void timer_deinit(QEMUTimer *ts)
{
    timer_del(ts);
    ts->cb = NULL;
    ts->opaque = NULL;
}

void timer_free(QEMUTimer *ts)
{
    if (ts) {
        timer_del(ts);
        g_free(ts);
    }
}

void timer_mod_ns(QEMUTimer *ts, int64_t expire_time)
{
    QEMUClock *clock = &qemu_clocks[ts->type];
    bool rearm;

    qemu_mutex_lock(&clock->lock);
    timer_del_locked(clock, ts);
    rearm = timer_insert_locked(clock, ts, expire_time);
    qemu_mutex_unlock(&clock->lock);

    /* A new soonest deadline: the main loop may be sleeping past it. */
    if (rearm) {
        qemu_clock_notify(ts->type);
    }
}

/* Convert @expire_time in @ts's scale to ns, saturating. */
static int64_t timer_scale_to_ns(QEMUTimer *ts, int64_t expire_time)
{
    if (expire_time > INT64_MAX / ts->scale) {
        return INT64_MAX;
    }
    if (expire_time < 0) {
        return 0;
    }
    return expire_time * ts->scale;
}

void timer_mod(QEMUTimer *ts, int64_t expire_time)
{
    timer_mod_ns(ts, timer_scale_to_ns(ts, expire_time));
}

void timer_mod_anticipate_ns(QEMUTimer *ts, int64_t expire_time)
{
    QEMUClock *clock = &qemu_clocks[ts->type];
    bool rearm = false;

    qemu_mutex_lock(&clock->lock);
    if (ts->expire_time < 0 || ts->expire_time > expire_time) {
        timer_del_locked(clock, ts);
        rearm = timer_insert_locked(clock, ts, expire_time);
    }
    qemu_mutex_unlock(&clock->lock);

    if (rearm) {
        qemu_clock_notify(ts->type);
    }
}

void timer_mod_anticipate(QEMUTimer *ts, int64_t expire_time)
{
    timer_mod_anticipate_ns(ts, timer_scale_to_ns(ts, expire_time));
}

bool timer_pending(QEMUTimer *ts)
{
    return qatomic_read(&ts->expire_time) >= 0;
}

bool timer_expired(QEMUTimer *ts, int64_t current_time)
{
    int64_t expire = qatomic_read(&ts->expire_time);

    return expire >= 0 && expire <= timer_scale_to_ns(ts, current_time);
}

int64_t timer_expire_time_ns(QEMUTimer *ts)
{
    return qatomic_read(&ts->expire_time);
}

/* ---------------------------------------------------- main-loop hooks */

int64_t qemu_clock_deadline_ns_all(QEMUClockType type)
{
    QEMUClock *clock = &qemu_clocks[type];
    int64_t expire = -1;

    if (!clock_is_running(type)) {
        return -1;
    }
    qemu_mutex_lock(&clock->lock);
    if (clock->active_timers) {
        expire = clock->active_timers->expire_time;
    }
    qemu_mutex_unlock(&clock->lock);
    if (expire < 0) {
        return -1;
    }
    return MAX(expire - qemu_clock_get_ns(type), 0);
}

int64_t qemu_timers_deadline_ns(void)
{
    int64_t deadline = -1;

    for (int type = 0; type < QEMU_CLOCK_MAX; type++) {
        deadline = qemu_soonest_timeout(deadline,
                                        qemu_clock_deadline_ns_all(type));
    }
    return deadline;
}

bool qemu_clock_run_timers(QEMUClockType type)
{
    QEMUClock *clock = &qemu_clocks[type];
    bool progress = false;
    int64_t now;

    if (!clock_is_running(type)) {
        return false;
    }
    /*
     * One reading of the clock for the whole pass: a callback that re-arms
     * its timer for "now" runs again on the next pass, not in a loop here.
     */
    now = qemu_clock_get_ns(type);
    for (;;) {
        QEMUTimerCB *cb;
        void *opaque;
        QEMUTimer *ts;

        qemu_mutex_lock(&clock->lock);
        ts = clock->active_timers;
        if (!ts || ts->expire_time > now) {
            qemu_mutex_unlock(&clock->lock);
            break;
        }
        clock->active_timers = ts->next;
        ts->next = NULL;
        if (now - ts->expire_time > TIMER_LATE_NS) {
            trace_timer_run_late(type, ts->cb, code_offset(ts->cb),
                                 (now - ts->expire_time) / SCALE_US);
        }
        qatomic_set(&ts->expire_time, -1);
        cb = ts->cb;
        opaque = ts->opaque;
        qemu_mutex_unlock(&clock->lock);

        /* Unlocked: the callback may re-arm or delete its own timer. */
        cb(opaque);
        progress = true;
    }
    return progress;
}

bool qemu_clock_run_all_timers(void)
{
    bool progress = false;

    for (int type = 0; type < QEMU_CLOCK_MAX; type++) {
        progress |= qemu_clock_run_timers(type);
    }
    return progress;
}
