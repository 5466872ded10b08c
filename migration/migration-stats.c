/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration counters and the migration thread's rate limiter.  The
 * limiter allows a budget of bytes per BUFFER_DELAY window; the thread
 * starts a window with migration_rate_reset() and senders stop when
 * migration_rate_exceeded() says the budget is spent.
 */
#include "qemu/osdep.h"
#include "migration/migration.h"
#include "migration/migration-stats.h"
#include "migration/qemu-file.h"
#include "qemu/timer.h"

MigrationAtomicStats mig_stats;

void migration_reset_vm_stats(void)
{
    uint64_t limit = stat64_get(&mig_stats.rate_limit_max);

    memset(&mig_stats, 0, sizeof(mig_stats));
    /* The limit is configuration, not a statistic. */
    stat64_set(&mig_stats.rate_limit_max, limit);
    stat64_set(&mig_stats.rate_limit_start_ms,
               qemu_clock_get_ms(QEMU_CLOCK_REALTIME));
}

/* Bytes of the main streams and the multifd channels. */
static uint64_t migration_main_bytes(void)
{
    return stat64_get(&mig_stats.qemu_file_transferred) +
           stat64_get(&mig_stats.multifd_bytes);
}

/*
 * What the rate limit counts.  ram.c adds to rate_limit_exempt only
 * bytes already in qemu_file_transferred's source, and samples that
 * right after, so this never goes backwards.
 */
static uint64_t migration_rate_bytes(void)
{
    return migration_main_bytes() - stat64_get(&mig_stats.rate_limit_exempt);
}

uint64_t migration_transferred_bytes(void)
{
    return migration_main_bytes() +
           stat64_get(&mig_stats.postcopy_preempt_bytes);
}

void migration_update_transferred(QEMUFile *f)
{
    if (f) {
        stat64_set(&mig_stats.qemu_file_transferred,
                   stat64_get(&mig_stats.qemu_file_closed) +
                   qemu_file_transferred(f));
    }
    stat64_set(&mig_stats.transferred, migration_transferred_bytes());
}

void migration_retire_file(QEMUFile *f)
{
    migration_update_transferred(f);
    stat64_set(&mig_stats.qemu_file_closed,
               stat64_get(&mig_stats.qemu_file_transferred));
}

void migration_rate_set(uint64_t bytes_per_second)
{
    /* A bandwidth below XFER_LIMIT_RATIO B/s still allows one byte. */
    uint64_t per_window = bytes_per_second / XFER_LIMIT_RATIO;

    if (bytes_per_second && !per_window) {
        per_window = 1;
    }
    stat64_set(&mig_stats.rate_limit_max, per_window);
}

uint64_t migration_rate_get(void)
{
    return stat64_get(&mig_stats.rate_limit_max);
}

void migration_rate_reset(void)
{
    uint64_t now = migration_rate_bytes();
    uint64_t max = stat64_get(&mig_stats.rate_limit_max);
    uint64_t used = now - stat64_get(&mig_stats.rate_limit_start);

    /*
     * Paced (postcopy), a huge page goes whole and may overrun a slice's
     * budget many times: the next window starts in that debt (up to ten
     * windows' worth), so that max-postcopy-bandwidth holds.
     */
    if (stat64_get(&mig_stats.rate_limit_paced) &&
        max != RATE_LIMIT_DISABLED && used > max &&
        MIN(used - max, 10 * max) <= now) {
        now -= MIN(used - max, 10 * max);
    }
    stat64_set(&mig_stats.rate_limit_start, now);
    stat64_set(&mig_stats.rate_limit_start_ms,
               qemu_clock_get_ms(QEMU_CLOCK_REALTIME));
}

void migration_rate_set_paced(bool paced)
{
    /* A fresh window: what went before pacing is no debt. */
    stat64_set(&mig_stats.rate_limit_paced, false);
    migration_rate_reset();
    stat64_set(&mig_stats.rate_limit_paced, paced);
}

int64_t migration_rate_slice_ms(int64_t now_ms, int64_t window_end_ms)
{
    int64_t ms = window_end_ms - now_ms;

    if (stat64_get(&mig_stats.rate_limit_paced)) {
        ms = MIN(ms, RATE_PACE_SLICE);
    }
    return ms;
}

/* The part of the window's budget handed out so far. */
static uint64_t migration_rate_allowed(uint64_t max)
{
    int64_t elapsed;

    if (!stat64_get(&mig_stats.rate_limit_paced)) {
        return max;
    }
    elapsed = qemu_clock_get_ms(QEMU_CLOCK_REALTIME) -
              stat64_get(&mig_stats.rate_limit_start_ms) + RATE_PACE_SLICE;
    if (elapsed >= BUFFER_DELAY) {
        return max;
    }
    return max * MAX(elapsed, 0) / BUFFER_DELAY;
}

bool migration_rate_exceeded(QEMUFile *f)
{
    uint64_t max = stat64_get(&mig_stats.rate_limit_max);
    uint64_t used;

    if (qemu_file_get_error(f)) {
        return true;
    }
    if (max == RATE_LIMIT_DISABLED) {
        return false;
    }
    migration_update_transferred(f);
    used = migration_rate_bytes() -
           stat64_get(&mig_stats.rate_limit_start);
    return used > migration_rate_allowed(max);
}
