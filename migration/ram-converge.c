/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Auto-converge and dirty-limit (see ram-converge.h).  The rule and the
 * parameters are QEMU's: the first trigger sets cpu-throttle-initial,
 * every later one adds cpu-throttle-increment up to max-cpu-throttle;
 * with cpu-throttle-tailslow the step shrinks to what should bring the
 * dirty rate down to the threshold, so the guest is not slowed more than
 * it needs near the end.  With dirty-limit instead, the first trigger
 * limits every vCPU to vcpu-dirty-limit (system/dirtylimit.c holds each
 * at that rate) until the migration ends.
 */
#include "qemu/osdep.h"
#include "migration/options.h"
#include "migration/ram-converge.h"
#include "migration/trace.h"

static const MigrationThrottleOps *throttle_ops;
/* Periods in a row over the threshold. */
static int dirty_rate_high_cnt;
/* The vcpu-dirty-limit the limit was last set to (MB/s). */
static uint64_t dirty_limit_quota;

void migration_register_throttle(const MigrationThrottleOps *ops)
{
    throttle_ops = ops;
}

void ram_converge_start(void)
{
    dirty_rate_high_cnt = 0;
    dirty_limit_quota = 0;
}

void ram_converge_stop(void)
{
    const MigrationDirtyLimitOps *dl = migration_dirty_limit_ops();

    if (throttle_ops && throttle_ops->get()) {
        throttle_ops->stop();
        trace_ram_converge_throttle(0);
    }
    if (migrate_dirty_limit() && dl && dl->in_service()) {
        dl->cancel_all();
        trace_ram_converge_dirty_limit(0);
    }
}

/*
 * Limit every vCPU to vcpu-dirty-limit; again only when the parameter
 * changed since (or somebody cancelled the limit).
 */
static void ram_converge_dirty_limit(void)
{
    const MigrationDirtyLimitOps *dl = migration_dirty_limit_ops();
    uint64_t quota = migrate_vcpu_dirty_limit();

    if (!dl || (dl->in_service() && quota == dirty_limit_quota)) {
        return;
    }
    dirty_limit_quota = quota;
    dl->set_all(quota);
    trace_ram_converge_dirty_limit(quota);
}

int ram_converge_throttle_percentage(void)
{
    return throttle_ops ? throttle_ops->get() : 0;
}

static void ram_converge_throttle_more(uint64_t dirtied, uint64_t threshold)
{
    int now = throttle_ops->get();
    int next;

    if (!now) {
        next = migrate_cpu_throttle_initial();
    } else {
        int inc = migrate_cpu_throttle_increment();

        if (migrate_cpu_throttle_tailslow()) {
            /* The CPU share that would dirty just the threshold. */
            int cpu_now = 100 - now;
            int cpu_ideal = cpu_now * ((double)threshold / dirtied);

            inc = MIN(cpu_now - cpu_ideal, inc);
        }
        next = MIN(now + inc, migrate_max_cpu_throttle());
    }
    throttle_ops->set(next);
    trace_ram_converge_throttle(throttle_ops->get());
}

void ram_converge_period(uint64_t dirtied, uint64_t sent)
{
    uint64_t threshold = sent * migrate_throttle_trigger_threshold() / 100;

    trace_ram_converge_period(dirtied, sent, threshold);
    if (dirtied <= threshold) {
        return;
    }
    if (++dirty_rate_high_cnt < 2) {
        return;
    }
    dirty_rate_high_cnt = 0;
    if (migrate_auto_converge() && throttle_ops) {
        ram_converge_throttle_more(dirtied, threshold);
    } else if (migrate_dirty_limit()) {
        ram_converge_dirty_limit();
    }
}
