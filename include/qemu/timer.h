/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Clocks and timers.
 *
 * Four clocks, all in nanoseconds:
 *   QEMU_CLOCK_REALTIME    host monotonic time; runs while the VM is
 *                          stopped (monitor timeouts, migration pacing).
 *   QEMU_CLOCK_VIRTUAL     guest time: runs only while the VM runs, i.e.
 *                          between cpu_enable_ticks() and
 *                          cpu_disable_ticks() (vm_start / vm_stop).
 *   QEMU_CLOCK_HOST        the host's wall clock (may jump).
 *   QEMU_CLOCK_VIRTUAL_RT  like VIRTUAL; kept apart because QEMU keeps it
 *                          apart (it differs from VIRTUAL only under
 *                          instruction counting, which Tern lacks).
 *
 * A QEMUTimer calls its callback once the clock reaches its expiry time.
 * Timers are run by the main loop (main_loop_wait) in the main thread
 * with the BQL held.  timer_mod(), timer_del() and the queries are
 * thread-safe; arming a timer from another thread wakes the main loop.
 * Timers of the virtual clocks never fire while the VM is stopped, even
 * when already expired: device state does not change under a migration.
 */
#ifndef QEMU_TIMER_H
#define QEMU_TIMER_H

#include "qemu/thread.h"

typedef enum QEMUClockType {
    QEMU_CLOCK_REALTIME = 0,
    QEMU_CLOCK_VIRTUAL = 1,
    QEMU_CLOCK_HOST = 2,
    QEMU_CLOCK_VIRTUAL_RT = 3,
    QEMU_CLOCK_MAX
} QEMUClockType;

typedef void QEMUTimerCB(void *opaque);

/*
 * Public so that a timer can be embedded in a device's state and set up
 * with timer_init_*(); treat the fields as private.
 */
struct QEMUTimer {
    int64_t expire_time;        /* in ns; -1 while not pending */
    QEMUClockType type;
    int scale;                  /* ns per unit of timer_mod()'s argument */
    QEMUTimerCB *cb;
    void *opaque;
    QEMUTimer *next;            /* in the clock's list, soonest first */
};

/* ------------------------------------------------------------- clocks */

/* Host monotonic time in ns (CLOCK_MONOTONIC). */
int64_t get_clock(void);
/* Host wall-clock time in ns since the Unix epoch. */
int64_t get_clock_realtime(void);

int64_t qemu_clock_get_ns(QEMUClockType type);

static inline int64_t qemu_clock_get_us(QEMUClockType type)
{
    return qemu_clock_get_ns(type) / SCALE_US;
}

static inline int64_t qemu_clock_get_ms(QEMUClockType type)
{
    return qemu_clock_get_ns(type) / SCALE_MS;
}

/*
 * Stop (false) or restart (true) running @type's timers, independently of
 * whether the clock advances.
 */
void qemu_clock_enable(QEMUClockType type, bool enabled);

/* Wake the main loop so it notices a change to @type's timers. */
void qemu_clock_notify(QEMUClockType type);

/*
 * The virtual clock's bookkeeping, as QEMU's cpu-timers keep it.  While
 * ticks are enabled the virtual clock is get_clock() + cpu_clock_offset;
 * while disabled it stays at cpu_clock_offset.  The migration "timer"
 * section saves cpu_ticks_offset and cpu_clock_offset: the destination
 * loads them while the VM is stopped and guest time continues from where
 * the source stopped.  Write the fields only while ticks are disabled,
 * with the BQL held.
 */
typedef struct TimersState {
    int64_t cpu_ticks_prev;     /* last cpu_get_ticks(), kept monotonic */
    int64_t cpu_ticks_offset;
    int64_t cpu_clock_offset;
    int32_t cpu_ticks_enabled;
} TimersState;

extern TimersState timers_state;

/*
 * The guest's "ticks" counter: host ticks while the VM runs, frozen while
 * it is stopped.  Host ticks here are get_clock() nanoseconds (portable
 * and invariant; the guest's own TSC is KVM's business).
 */
int64_t cpu_get_host_ticks(void);
int64_t cpu_get_ticks(void);
/* The virtual clock in ns (QEMU_CLOCK_VIRTUAL without a source hook). */
int64_t cpu_get_clock(void);
/* Start / stop guest time; vm_start() and vm_stop() call these. */
void cpu_enable_ticks(void);
void cpu_disable_ticks(void);
bool cpu_ticks_enabled(void);

/*
 * Let an accelerator own QEMU_CLOCK_VIRTUAL (qtest steps it by hand).
 * NULL restores the default, cpu_get_clock().
 */
void qemu_clock_set_virtual_source(int64_t (*get_virtual_clock)(void));

/* -------------------------------------------------------------- timers */

void timer_init_full(QEMUTimer *ts, QEMUClockType type, int scale,
                     QEMUTimerCB *cb, void *opaque);

static inline void timer_init(QEMUTimer *ts, QEMUClockType type, int scale,
                              QEMUTimerCB *cb, void *opaque)
{
    timer_init_full(ts, type, scale, cb, opaque);
}

static inline void timer_init_ns(QEMUTimer *ts, QEMUClockType type,
                                 QEMUTimerCB *cb, void *opaque)
{
    timer_init_full(ts, type, SCALE_NS, cb, opaque);
}

static inline void timer_init_us(QEMUTimer *ts, QEMUClockType type,
                                 QEMUTimerCB *cb, void *opaque)
{
    timer_init_full(ts, type, SCALE_US, cb, opaque);
}

static inline void timer_init_ms(QEMUTimer *ts, QEMUClockType type,
                                 QEMUTimerCB *cb, void *opaque)
{
    timer_init_full(ts, type, SCALE_MS, cb, opaque);
}

static inline QEMUTimer *timer_new(QEMUClockType type, int scale,
                                   QEMUTimerCB *cb, void *opaque)
{
    QEMUTimer *ts = g_new0(QEMUTimer, 1);

    timer_init_full(ts, type, scale, cb, opaque);
    return ts;
}

static inline QEMUTimer *timer_new_ns(QEMUClockType type, QEMUTimerCB *cb,
                                      void *opaque)
{
    return timer_new(type, SCALE_NS, cb, opaque);
}

static inline QEMUTimer *timer_new_us(QEMUClockType type, QEMUTimerCB *cb,
                                      void *opaque)
{
    return timer_new(type, SCALE_US, cb, opaque);
}

static inline QEMUTimer *timer_new_ms(QEMUClockType type, QEMUTimerCB *cb,
                                      void *opaque)
{
    return timer_new(type, SCALE_MS, cb, opaque);
}

/* Cancel @ts; it may be armed again with timer_mod(). */
void timer_del(QEMUTimer *ts);
/* Cancel an embedded timer for good (before freeing its container). */
void timer_deinit(QEMUTimer *ts);
/* Cancel and free a timer from timer_new*(); NULL is allowed. */
void timer_free(QEMUTimer *ts);

/* Arm (or re-arm) @ts to fire when its clock reaches @expire_time ns. */
void timer_mod_ns(QEMUTimer *ts, int64_t expire_time);
/* As timer_mod_ns(), with @expire_time in the timer's scale. */
void timer_mod(QEMUTimer *ts, int64_t expire_time);
/* Arm @ts, or move it earlier if it is pending later; never later. */
void timer_mod_anticipate_ns(QEMUTimer *ts, int64_t expire_time);
void timer_mod_anticipate(QEMUTimer *ts, int64_t expire_time);

bool timer_pending(QEMUTimer *ts);
/* True when @ts is pending and due at @current_time (in its scale). */
bool timer_expired(QEMUTimer *ts, int64_t current_time);
/* The expiry time in ns, or -1 when not pending. */
int64_t timer_expire_time_ns(QEMUTimer *ts);

/* ------------------------------------------------- for the main loop */

/*
 * Nanoseconds until the soonest timer of @type is due (0 if overdue), or
 * -1 when none is pending or the clock is not running.
 */
int64_t qemu_clock_deadline_ns_all(QEMUClockType type);
/* The soonest deadline over every clock, as above. */
int64_t qemu_timers_deadline_ns(void);
/* Run the due timers of @type; true if any ran. */
bool qemu_clock_run_timers(QEMUClockType type);
bool qemu_clock_run_all_timers(void);

/* The sooner of two timeouts where -1 means "never". */
static inline int64_t qemu_soonest_timeout(int64_t a, int64_t b)
{
    return ((uint64_t)a < (uint64_t)b) ? a : b;
}

#endif /* QEMU_TIMER_H */
