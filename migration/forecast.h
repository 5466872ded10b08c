/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Seeing it coming: the per-round history of a migration, the forecast
 * of whether and when it converges (and, if not, what would make it),
 * and the stall signal.  See docs/devel/migration-forecast.md.
 */
#ifndef MIGRATION_FORECAST_H
#define MIGRATION_FORECAST_H

#include "qapi/qapi-types-migration.h"

/* A migration starts (after its setup sync): forget the last one. */
void migration_history_start(void);

/*
 * A dirty-bitmap round ended at @now_ms: @sent pages went out during it,
 * @transferred is the byte counter now, @dirtied pages were found dirty
 * and @remaining bytes are left.
 */
void migration_history_round(int64_t pass, int64_t now_ms, uint64_t sent,
                             uint64_t transferred, uint64_t dirtied,
                             uint64_t remaining);

/* The x-tern-passes member (NULL if no round ended yet). */
MigrationPassRecordList *migration_history_list(void);

/*
 * The last round's pages sent and pages found dirty at its end.  False
 * before the first round.
 */
bool migration_history_last_round(uint64_t *sent, uint64_t *dirtied);

/* The last 3 rounds each found >= 95% as many pages dirty as they sent. */
bool migration_history_stalled(void);

/*
 * Bytes per second sent and dirtied, over the last rounds that together
 * last at least a second (all of them if they are shorter).  False
 * before the first round.
 */
bool migration_history_rates(uint64_t *bandwidth, uint64_t *dirty_rate);

/* The inputs of a forecast; all in bytes, bytes per second and ms. */
typedef struct MigrationForecastInput {
    uint64_t remaining;
    uint64_t ram_total;
    uint64_t bandwidth;
    uint64_t dirty_rate;
    uint64_t downtime_limit_ms;
    uint64_t max_bandwidth;     /* 0: none */
    uint64_t xbzrle_cache;      /* 0: xbzrle off */
    bool stalled;
    /* Which tools this build has (their capability is supported). */
    bool have_auto_converge, have_dirty_limit, have_xbzrle, have_postcopy;
    uint8_t max_cpu_throttle;
} MigrationForecastInput;

/* Pure: the forecast for @in (unit-tested). */
MigrationForecast *migration_forecast(const MigrationForecastInput *in);

#endif /* MIGRATION_FORECAST_H */
