/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Dirty page rate limits per vCPU (see include/system/dirtylimit.h and
 * docs/devel/dirty-limit.md).
 *
 * While a limit is in service, dirty logging is on (GLOBAL_DIRTY_LIMIT)
 * so that KVM puts every page a vCPU dirties in that vCPU's dirty ring.
 * Two main-loop timers do the rest:
 *
 * - the period timer (1 s, or x-vcpu-dirty-limit-period while a
 *   migration with dirty-limit runs; the first one 100 ms) harvests
 *   the rings, turns each vCPU's harvested entries into a rate, and
 *   sets the share of time each limited vCPU must sleep so that its
 *   rate comes down to (or up to) its quota;
 * - the sleep timer queues a sleep on each throttled vCPU after each of
 *   its run slices.  The vCPU leaves the guest to run it and sleeps,
 *   in proportion to how long it really ran, with the BQL dropped
 *   (cpu_throttle_sleep_ns(), which a pause ends early).
 *
 * Everything here, the sleep included, runs under the BQL; the state
 * array is never freed, so a sleep that outlives a cancel finds it.
 */
#include "qemu/osdep.h"
#include <math.h>
#include "qapi/error.h"
#include "qapi/qapi-commands-migration.h"
#include "qemu/atomic.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "hw/boards.h"
#include "hw/core/cpu.h"
#include "migration/misc.h"
#include "migration/options.h"
#include "system/cpu-throttle.h"
#include "system/dirtylimit.h"
#include "system/kvm.h"
#include "system/memory.h"
#include "system/runstate.h"
#include "system/trace.h"

/* QEMU's measuring period outside a migration, in ms. */
#define DIRTYLIMIT_CALC_TIME_MS 1000
/* The most a vCPU sleeps, as a share of its time (QEMU's 99%). */
#define DIRTYLIMIT_THROTTLE_MAX 0.99
/*
 * The first period after a limit comes into service is this short (or
 * the period, if shorter), so that a vCPU far over its quota is held
 * back within a tenth of a second rather than after a whole period;
 * later periods correct what one short look got wrong.
 */
#define DIRTYLIMIT_FIRST_LOOK_MS 100
/* A rate this close to the quota (percent) leaves the throttle alone. */
#define DIRTYLIMIT_TOLERANCE_PCT 5
/*
 * Run and sleep alternate in cycles of 10 ms; above 90% the run slice
 * stays at 1 ms and the cycle grows, so that the guest dirties memory
 * in small bursts and the rate is even over a period.
 */
#define DIRTYLIMIT_CYCLE_NS (10 * SCALE_MS)
#define DIRTYLIMIT_MIN_RUN_NS SCALE_MS
/*
 * A slice that ran long (its sleep queued or started late) is paid
 * back in proportion, but with at most this many nominal sleeps and
 * never more than DIRTYLIMIT_MAX_SLEEP_NS: a main loop that stalled
 * for long is not paid back (the vCPU may have been blocked too), so
 * that a stall does not also cost the next period its share.
 */
#define DIRTYLIMIT_PAYBACK_SLEEPS 4
#define DIRTYLIMIT_MAX_SLEEP_NS (200 * SCALE_MS)

typedef struct VcpuDirtyLimit {
    bool enabled;
    uint64_t quota;             /* MB/s */
    uint64_t rate;              /* MB/s over the last period */
    uint64_t last_pages;        /* ring counter at the period's start */
    double throttle;            /* share of time asleep */
    int64_t run_ns;             /* run slice between two sleeps */
    int64_t sleep_ns;           /* sleep after each slice, 0: none */
    int64_t run_start_ns;       /* the current run slice began */
    int64_t due_ns;             /* the next sleep is queued at this time */
    bool sleep_queued;
} VcpuDirtyLimit;

static struct {
    VcpuDirtyLimit *vcpus;      /* max_cpus entries, allocated once */
    int max_cpus;
    int limited;                /* vCPUs with a limit: in service if > 0 */
    QEMUTimer *period_timer;
    QEMUTimer *sleep_timer;
    int64_t period_start_ns;
} dl;

bool dirtylimit_available(void)
{
#ifdef CONFIG_KVM
    return kvm_enabled() && kvm_dirty_ring_enabled();
#else
    return false;
#endif
}

bool dirtylimit_kvm_bitmap(void)
{
#ifdef CONFIG_KVM
    return kvm_enabled() && !kvm_dirty_ring_enabled();
#else
    return false;
#endif
}

bool dirtylimit_in_service(void)
{
    return dl.limited > 0;
}

static uint64_t dirtylimit_cpu_pages(CPUState *cpu)
{
#ifdef CONFIG_KVM
    return kvm_cpu_dirty_pages(cpu);
#else
    return 0;
#endif
}

uint64_t *dirtylimit_vcpu_pages(int *nvcpu)
{
    uint64_t *pages = g_new0(uint64_t, MAX(cpu_count(), 1));
    CPUState *cpu;
    int n = 0;

#ifdef CONFIG_KVM
    kvm_dirty_ring_flush();
#endif
    CPU_FOREACH(cpu) {
        pages[n++] = dirtylimit_cpu_pages(cpu);
    }
    *nvcpu = n;
    return pages;
}

/* The dirty ring's size in MiB (what QEMU's ring full time counts). */
static double dirtylimit_ring_mib(void)
{
#ifdef CONFIG_KVM
    return (double)kvm_dirty_ring_size() * TARGET_PAGE_SIZE / MiB;
#else
    return 0;
#endif
}

static VcpuDirtyLimit *dirtylimit_vcpu(int cpu_index)
{
    if (!dl.vcpus || cpu_index < 0 || cpu_index >= dl.max_cpus) {
        return NULL;
    }
    return &dl.vcpus[cpu_index];
}

static int dirtylimit_max_cpus(void)
{
    return current_machine ? current_machine->smp.max_cpus : cpu_count();
}

static bool dirtylimit_vcpu_index_valid(int64_t cpu_index)
{
    return cpu_index >= 0 && cpu_index < dirtylimit_max_cpus();
}

static int64_t dirtylimit_period_ms(void)
{
    if (migrate_dirty_limit() && migration_is_running()) {
        return migrate_vcpu_dirty_limit_period();
    }
    return DIRTYLIMIT_CALC_TIME_MS;
}

/* ------------------------------------------------------------ sleeping */

/*
 * The slice ends when the main loop's timer queues this and the vCPU
 * leaves the guest to run it; on a busy host both come late, by more
 * than the 1 ms slice of a vCPU throttled above 90%.  Sleeping t/(1-t)
 * of what the vCPU really ran keeps its share of time at 1 - t however
 * late that was; a sleep of a fixed length would let it run several
 * times its share and make its rate follow the host's load.
 */
static void dirtylimit_vcpu_sleep(CPUState *cpu, run_on_cpu_data data)
{
    VcpuDirtyLimit *v = dirtylimit_vcpu(cpu->cpu_index);
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);

    if (v->enabled && v->sleep_ns) {
        int64_t ran = MAX(now - v->run_start_ns, 0);
        int64_t ns = MIN((int64_t)(ran * v->throttle / (1 - v->throttle)),
                         MIN(DIRTYLIMIT_PAYBACK_SLEEPS * v->sleep_ns,
                             DIRTYLIMIT_MAX_SLEEP_NS));

        trace_dirtylimit_vcpu_sleep(cpu->cpu_index, ran / SCALE_US,
                                    ns / SCALE_US);
        cpu_throttle_sleep_ns(cpu, ns);
        now = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    }
    /* The run slice starts now. */
    v->run_start_ns = now;
    v->due_ns = now + v->run_ns;
    v->sleep_queued = false;
}

static void dirtylimit_sleep_tick(void *opaque)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    int64_t next = INT64_MAX;
    CPUState *cpu;

    if (!dirtylimit_in_service()) {
        return;
    }
    if (!runstate_is_running()) {
        /*
         * Parked vCPUs need no throttle; look again later.  Their slice
         * starts when they run again, so that the pause is not taken
         * for a run to pay back with sleep.
         */
        CPU_FOREACH(cpu) {
            VcpuDirtyLimit *v = dirtylimit_vcpu(cpu->cpu_index);

            if (v && !v->sleep_queued) {
                v->run_start_ns = now;
            }
        }
        timer_mod(dl.sleep_timer, now + DIRTYLIMIT_CYCLE_NS);
        return;
    }
    CPU_FOREACH(cpu) {
        VcpuDirtyLimit *v = dirtylimit_vcpu(cpu->cpu_index);

        if (!v || !v->enabled || !v->sleep_ns) {
            continue;
        }
        if (v->sleep_queued) {
            /* Still asleep (or not yet): look when its slice would end. */
            next = MIN(next, MAX(v->due_ns, now + v->run_ns));
            continue;
        }
        if (now >= v->due_ns) {
            v->sleep_queued = true;
            /* Provisional: the sleep sets it when it ends. */
            v->due_ns = now + v->sleep_ns + v->run_ns;
            async_run_on_cpu(cpu, dirtylimit_vcpu_sleep, RUN_ON_CPU_NULL);
        }
        next = MIN(next, v->due_ns);
    }
    if (next != INT64_MAX) {
        timer_mod(dl.sleep_timer, next);
    }
}

static void dirtylimit_set_throttle(int cpu_index, VcpuDirtyLimit *v,
                                    double throttle)
{
    bool was_sleeping = v->sleep_ns != 0;

    v->throttle = MIN(MAX(throttle, 0), DIRTYLIMIT_THROTTLE_MAX);
    v->run_ns = MAX(DIRTYLIMIT_MIN_RUN_NS,
                    (int64_t)(DIRTYLIMIT_CYCLE_NS * (1 - v->throttle)));
    v->sleep_ns = (int64_t)(v->run_ns * v->throttle / (1 - v->throttle));
    trace_dirtylimit_set_throttle(cpu_index, v->quota, v->rate,
                                  (int)(v->throttle * 1000),
                                  v->sleep_ns / SCALE_US);
    if (v->sleep_ns && !was_sleeping) {
        v->run_start_ns = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
        v->due_ns = v->run_start_ns + v->run_ns;
        timer_mod_anticipate(dl.sleep_timer, v->due_ns);
    }
}

/* --------------------------------------------------------- measuring */

/*
 * The vCPU runs a share r = 1 - throttle of its time; its rate scales
 * with r (the sleeps make it so, see dirtylimit_vcpu_sleep), so
 * r * quota / rate would give the quota.  Far from it (a factor of 2)
 * the throttle takes that step at once; near it, half the step (in
 * ratio), so that the noise of one period does not make it swing.  The
 * ring's count only approximates what the guest writes (a page may be
 * logged once for several writes); the next periods correct further.
 */
static void dirtylimit_adjust(int cpu_index, VcpuDirtyLimit *v)
{
    double ratio, run;
    uint64_t diff = v->rate > v->quota ? v->rate - v->quota
                                       : v->quota - v->rate;

    if (diff * 100 <= v->quota * DIRTYLIMIT_TOLERANCE_PCT) {
        return;
    }
    if (!v->rate) {
        /* Idle (or halted): nothing to hold back. */
        dirtylimit_set_throttle(cpu_index, v, 0);
        return;
    }
    ratio = (double)v->quota / v->rate;
    if (ratio > 0.5 && ratio < 2) {
        ratio = sqrt(ratio);
    }
    run = MIN((1 - v->throttle) * ratio, 1);
    dirtylimit_set_throttle(cpu_index, v, 1 - run);
}

/* Harvest the rings and take every vCPU's counter as the new start. */
static void dirtylimit_measure(bool adjust)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    double secs = (double)(now - dl.period_start_ns) / NANOSECONDS_PER_SECOND;
    CPUState *cpu;

#ifdef CONFIG_KVM
    kvm_dirty_ring_flush();
#endif
    CPU_FOREACH(cpu) {
        VcpuDirtyLimit *v = dirtylimit_vcpu(cpu->cpu_index);
        uint64_t pages = dirtylimit_cpu_pages(cpu);

        if (!v) {
            continue;
        }
        if (adjust && secs > 0) {
            v->rate = (uint64_t)((pages - v->last_pages) *
                                 (double)TARGET_PAGE_SIZE / MiB / secs);
            trace_dirtylimit_vcpu_rate(cpu->cpu_index, v->rate);
            if (v->enabled) {
                dirtylimit_adjust(cpu->cpu_index, v);
            }
        }
        v->last_pages = pages;
    }
    dl.period_start_ns = now;
}

static void dirtylimit_period_tick(void *opaque)
{
    if (!dirtylimit_in_service()) {
        return;
    }
    /* A stopped guest dirties nothing: that says nothing of its rate. */
    dirtylimit_measure(runstate_is_running());
    timer_mod(dl.period_timer, qemu_clock_get_ms(QEMU_CLOCK_REALTIME) *
              SCALE_MS + dirtylimit_period_ms() * SCALE_MS);
}

/* ------------------------------------------------ starting and stopping */

static bool dirtylimit_start(Error **errp)
{
    if (!memory_global_dirty_log_start(GLOBAL_DIRTY_LIMIT, errp)) {
        return false;
    }
    if (!dl.vcpus) {
        dl.max_cpus = dirtylimit_max_cpus();
        dl.vcpus = g_new0(VcpuDirtyLimit, dl.max_cpus);
        dl.period_timer = timer_new_ns(QEMU_CLOCK_REALTIME,
                                       dirtylimit_period_tick, NULL);
        dl.sleep_timer = timer_new_ns(QEMU_CLOCK_REALTIME,
                                      dirtylimit_sleep_tick, NULL);
    }
    for (int i = 0; i < dl.max_cpus; i++) {
        dl.vcpus[i].rate = 0;
    }
    dirtylimit_measure(false);
    timer_mod(dl.period_timer, dl.period_start_ns +
              MIN(dirtylimit_period_ms(), DIRTYLIMIT_FIRST_LOOK_MS) * SCALE_MS);
    trace_dirtylimit_state(true);
    return true;
}

static void dirtylimit_stop(void)
{
    timer_del(dl.period_timer);
    timer_del(dl.sleep_timer);
    memory_global_dirty_log_stop(GLOBAL_DIRTY_LIMIT);
    trace_dirtylimit_state(false);
}

static void dirtylimit_set_vcpu(int cpu_index, uint64_t quota, bool enable)
{
    VcpuDirtyLimit *v = dirtylimit_vcpu(cpu_index);

    if (!v) {
        return;
    }
    if (enable != v->enabled) {
        dl.limited += enable ? 1 : -1;
    }
    v->enabled = enable;
    v->quota = enable ? quota : 0;
    if (!enable) {
        dirtylimit_set_throttle(cpu_index, v, 0);
    }
}

/* Limit (or free) one vCPU or all; starts or stops the service. */
static bool dirtylimit_change(bool has_cpu_index, int64_t cpu_index,
                              uint64_t quota, bool enable, Error **errp)
{
    if (enable && !dirtylimit_in_service() && !dirtylimit_start(errp)) {
        return false;
    }
    if (!dl.vcpus) {
        return true;
    }
    if (has_cpu_index) {
        dirtylimit_set_vcpu(cpu_index, quota, enable);
    } else {
        for (int i = 0; i < dl.max_cpus; i++) {
            dirtylimit_set_vcpu(i, quota, enable);
        }
    }
    if (!enable && !dirtylimit_in_service()) {
        dirtylimit_stop();
    }
    return true;
}

void dirtylimit_set_all(uint64_t quota)
{
    Error *err = NULL;

    if (dirtylimit_available() &&
        !dirtylimit_change(false, -1, quota, true, &err)) {
        error_report_err(err);
    }
}

void dirtylimit_cancel_all(void)
{
    if (dirtylimit_in_service()) {
        dirtylimit_change(false, -1, 0, false, NULL);
    }
}

/* ------------------------------------------------------------- queries */

uint64_t dirtylimit_vcpu_dirty_rate(int cpu_index)
{
    VcpuDirtyLimit *v = dirtylimit_vcpu(cpu_index);

    return v ? v->rate : 0;
}

/*
 * A vCPU that dirties a ring's worth (R MiB) at rate d while throttled
 * at t has slept R / d * t of that time (it ran the rest).
 */
uint64_t dirtylimit_throttle_time_per_round(void)
{
    double ring = dirtylimit_ring_mib();
    uint64_t max = 0;

    for (int i = 0; dl.vcpus && i < dl.max_cpus; i++) {
        VcpuDirtyLimit *v = &dl.vcpus[i];

        if (v->enabled && v->rate) {
            max = MAX(max, (uint64_t)(ring * 1e6 / v->rate * v->throttle));
        }
    }
    return max;
}

uint64_t dirtylimit_ring_full_time(void)
{
    uint64_t sum = 0;
    int n = 0;
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        n++;
        sum += dirtylimit_vcpu_dirty_rate(cpu->cpu_index);
    }
    if (!sum || !n) {
        return 0;
    }
    return (uint64_t)(dirtylimit_ring_mib() * 1e6 / ((double)sum / n));
}

/* ---------------------------------------------------------- QMP commands */

/* A migration with dirty-limit owns the limits while it runs. */
static bool dirtylimit_is_allowed(void)
{
    return !(migration_is_running() && !migration_thread_is_self() &&
             migrate_dirty_limit() && dirtylimit_in_service());
}

void qmp_set_vcpu_dirty_limit(bool has_cpu_index, int64_t cpu_index,
                              uint64_t dirty_rate, Error **errp)
{
    if (!dirtylimit_available()) {
        /* QEMU's message, stray quote included. */
        error_setg(errp, "dirty page limit feature requires KVM with"
                   " accelerator property 'dirty-ring-size' set'");
        return;
    }
    if (has_cpu_index && !dirtylimit_vcpu_index_valid(cpu_index)) {
        error_setg(errp, "incorrect cpu index specified");
        return;
    }
    if (!dirtylimit_is_allowed()) {
        error_setg(errp, "can't set dirty page rate limit while"
                   " migration is running");
        return;
    }
    if (!dirty_rate) {
        qmp_cancel_vcpu_dirty_limit(has_cpu_index, cpu_index, errp);
        return;
    }
    dirtylimit_change(has_cpu_index, cpu_index, dirty_rate, true, errp);
}

void qmp_cancel_vcpu_dirty_limit(bool has_cpu_index, int64_t cpu_index,
                                 Error **errp)
{
    if (!dirtylimit_available()) {
        return;
    }
    if (has_cpu_index && !dirtylimit_vcpu_index_valid(cpu_index)) {
        error_setg(errp, "incorrect cpu index specified");
        return;
    }
    if (!dirtylimit_is_allowed()) {
        error_setg(errp, "can't cancel dirty page rate limit while"
                   " migration is running");
        return;
    }
    if (!dirtylimit_in_service()) {
        return;
    }
    dirtylimit_change(has_cpu_index, cpu_index, 0, false, errp);
}

DirtyLimitInfoList *qmp_query_vcpu_dirty_limit(Error **errp)
{
    DirtyLimitInfoList *head = NULL, **tail = &head;

    if (!dirtylimit_in_service()) {
        return NULL;
    }
    for (int i = 0; i < dl.max_cpus; i++) {
        DirtyLimitInfo *info;

        if (!dl.vcpus[i].enabled) {
            continue;
        }
        info = g_new0(DirtyLimitInfo, 1);
        info->cpu_index = i;
        info->limit_rate = dl.vcpus[i].quota;
        info->current_rate = dl.vcpus[i].rate;
        QAPI_LIST_APPEND(tail, info);
    }
    return head;
}
