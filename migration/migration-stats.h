/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The counters behind query-migrate's "ram" member and the rate limiter
 * of the migration thread.  Counters are 64-bit atomics: the migration
 * thread (and later multifd threads) add to them while the main thread
 * reads them for query-migrate.
 */
#ifndef MIGRATION_MIGRATION_STATS_H
#define MIGRATION_MIGRATION_STATS_H

#include "qemu/atomic.h"

/* A 64-bit counter updated without a lock (QEMU's Stat64 interface). */
typedef struct Stat64 {
    uint64_t value;
} Stat64;

static inline uint64_t stat64_get(const Stat64 *s)
{
    return qatomic_read(&s->value);
}

static inline void stat64_set(Stat64 *s, uint64_t value)
{
    qatomic_set(&s->value, value);
}

static inline void stat64_add(Stat64 *s, uint64_t value)
{
    qatomic_add(&s->value, value);
}

/* The rate limiter's "no limit" value. */
#define RATE_LIMIT_DISABLED 0

typedef struct MigrationAtomicStats {
    /* Dirty bytes found by the last bitmap sync (ram.c). */
    Stat64 dirty_bytes_last_sync;
    /* Pages dirtied per second, measured between syncs (ram.c). */
    Stat64 dirty_pages_rate;
    /* Bitmap syncs so far: the pass number (ram.c). */
    Stat64 dirty_sync_count;
    Stat64 dirty_sync_missed_zero_copy;
    /* Bytes sent while the VM was stopped for switchover. */
    Stat64 downtime_bytes;
    /* Zero pages sent as zero-page records ("duplicate"). */
    Stat64 zero_pages;
    /* Bytes sent over multifd channels. */
    Stat64 multifd_bytes;
    /*
     * Bytes sent on the postcopy-preempt channel: in the totals, not in
     * the rate limit (it carries only requested pages, which ignore it).
     */
    Stat64 postcopy_preempt_bytes;
    /*
     * Bytes of requested pages sent on the main channel during postcopy:
     * in the totals, not in the rate limit, as on the preempt channel
     * (max-postcopy-bandwidth is the background's bandwidth).
     */
    Stat64 rate_limit_exempt;
    /* Full pages sent ("normal"). */
    Stat64 normal_pages;
    Stat64 postcopy_bytes;
    Stat64 postcopy_requests;
    /* Bytes sent before switchover. */
    Stat64 precopy_bytes;
    /* Bytes of the main streams, as last sampled by the thread. */
    Stat64 qemu_file_transferred;
    /* Bytes of main streams already closed (before a postcopy resume). */
    Stat64 qemu_file_closed;
    /* Bytes one BUFFER_DELAY window may carry; 0 = unlimited. */
    Stat64 rate_limit_max;
    /* migration_rate_bytes() at the start of the window. */
    Stat64 rate_limit_start;
    /* When the window started (ms, realtime), for a paced limit. */
    Stat64 rate_limit_start_ms;
    /* 1: the budget comes in slices across the window (postcopy). */
    Stat64 rate_limit_paced;
    /* Total bytes transferred (query-migrate "transferred"). */
    Stat64 transferred;
    /* Pages per second of the last window (ram.c may refine). */
    Stat64 pages_per_second;
    /* Guest RAM bytes still to send, as last estimated. */
    Stat64 remaining;
    /* Guest RAM size being migrated ("total"; ram.c at setup). */
    Stat64 ram_total;
} MigrationAtomicStats;

extern MigrationAtomicStats mig_stats;

/* Zero every counter (a new migration starts). */
void migration_reset_vm_stats(void);

/*
 * Bytes of this migration so far: the main stream (the thread samples
 * it into qemu_file_transferred with migration_update_transferred())
 * plus multifd and the postcopy-preempt channel.
 */
uint64_t migration_transferred_bytes(void);
/* Sample qemu_file_transferred(f) into the counters; thread only. */
void migration_update_transferred(QEMUFile *f);
/*
 * The main stream @f is about to close (a postcopy pause; a resume
 * continues on a new file, counting from zero): keep its bytes, so that
 * the totals, and the rate limiter's window, never go backwards.
 */
void migration_retire_file(QEMUFile *f);

/*
 * Rate limiting in BUFFER_DELAY windows.  migration_rate_set() takes a
 * bandwidth in bytes/s (0 = unlimited); migration_rate_get() returns the
 * per-window budget; migration_rate_reset() starts a new window;
 * migration_rate_exceeded() says whether the window's budget is spent
 * (or @f has an error, so the sender stops either way).
 */
void migration_rate_set(uint64_t bytes_per_second);
uint64_t migration_rate_get(void);
void migration_rate_reset(void);
bool migration_rate_exceeded(QEMUFile *f);

/*
 * Paced (postcopy): the window's budget is handed out in slices of
 * RATE_PACE_SLICE ms instead of at once, so the sender never bursts a
 * whole window's bytes ahead of a page the destination waits for.
 * migration_rate_slice_ms() is how long to sleep when the budget is
 * spent: a slice when paced, else the rest of the window.
 */
#define RATE_PACE_SLICE 1
void migration_rate_set_paced(bool paced);
int64_t migration_rate_slice_ms(int64_t now_ms, int64_t window_end_ms);

#endif /* MIGRATION_MIGRATION_STATS_H */
