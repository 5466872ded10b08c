/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vCPU throttling (see include/system/cpu-throttle.h).
 *
 * A timer on the VM's real-time clock fires once per slice; it queues
 * one sleep on every vCPU thread that has none pending (a thread that
 * overslept must not pile up sleeps).  The vCPU leaves the guest to run
 * it, sleeps its share with the BQL dropped, and goes back in.  The
 * timer's period is the slice stretched by the throttle (10 ms / (1 -
 * p)), so that run time plus sleep time fill it: the guest runs 10 ms
 * out of every period.  A pause (cpu->stop) ends a sleep early so that
 * vm_stop is never held up by the throttle.
 */
#include "qemu/osdep.h"
#include "hw/core/cpu.h"
#include "qemu/atomic.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "system/cpu-throttle.h"

static QEMUTimer *throttle_timer;
static unsigned throttle_percentage;
static uint64_t throttle_slept_ns;

int64_t cpu_throttle_sleep_ns(CPUState *cpu, int64_t sleep_ns)
{
    int64_t start = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    int64_t end = start + sleep_ns;
    int64_t now = start;

    while (now < end && !qatomic_read(&cpu->stop)) {
        int64_t left = end - now;

        if (left >= SCALE_MS) {
            /* Kicks wake it early; the loop sleeps the rest. */
            qemu_cond_timedwait_bql(cpu->halt_cond, left / SCALE_MS);
        } else {
            bql_unlock();
            g_usleep(MAX(left / SCALE_US, 1));
            bql_lock();
        }
        now = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    }
    return now - start;
}

static void cpu_throttle_sleep(CPUState *cpu, run_on_cpu_data opaque)
{
    int pct = qatomic_read(&throttle_percentage);

    if (pct) {
        /* Sleep p/(1-p) of the slice; +1 ns for the double's rounding. */
        int64_t ns = (int64_t)((double)pct / (100 - pct) *
                               CPU_THROTTLE_TIMESLICE_NS + 1);

        qatomic_add(&throttle_slept_ns, cpu_throttle_sleep_ns(cpu, ns));
    }
    qatomic_set(&cpu->throttle_thread_scheduled, false);
}

static void cpu_throttle_tick(void *opaque)
{
    int pct = qatomic_read(&throttle_percentage);
    CPUState *cpu;

    if (!pct) {
        return;
    }
    CPU_FOREACH(cpu) {
        if (!qatomic_xchg(&cpu->throttle_thread_scheduled, true)) {
            async_run_on_cpu(cpu, cpu_throttle_sleep, RUN_ON_CPU_NULL);
        }
    }
    timer_mod(throttle_timer, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL_RT) +
              (int64_t)(CPU_THROTTLE_TIMESLICE_NS / (1 - pct / 100.0)));
}

void cpu_throttle_init(void)
{
    if (!throttle_timer) {
        throttle_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL_RT,
                                      cpu_throttle_tick, NULL);
    }
}

void cpu_throttle_set(int pct)
{
    pct = MAX(MIN(pct, CPU_THROTTLE_PCT_MAX), CPU_THROTTLE_PCT_MIN);
    cpu_throttle_init();
    qatomic_set(&throttle_percentage, pct);
    timer_mod_anticipate(throttle_timer,
                         qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL_RT) +
                         CPU_THROTTLE_TIMESLICE_NS);
}

void cpu_throttle_stop(void)
{
    qatomic_set(&throttle_percentage, 0);
}

bool cpu_throttle_active(void)
{
    return cpu_throttle_get_percentage() != 0;
}

int cpu_throttle_get_percentage(void)
{
    return qatomic_read(&throttle_percentage);
}

uint64_t cpu_throttle_slept_ns(void)
{
    return qatomic_read(&throttle_slept_ns);
}
