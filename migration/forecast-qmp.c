/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The forecast's inputs (see forecast-qmp.h): during a migration, the
 * rates of the last second of rounds and what is left; before one,
 * calc-dirty-rate's rate, max-bandwidth, and all of RAM.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-migration.h"
#include "migration/dirtyrate.h"
#include "migration/forecast.h"
#include "migration/forecast-qmp.h"
#include "migration/misc.h"
#include "migration/options.h"
#include "migration/ram.h"

static void forecast_settings(MigrationForecastInput *in)
{
    in->downtime_limit_ms = migrate_downtime_limit();
    in->max_bandwidth = migrate_max_bandwidth();
    in->xbzrle_cache = migrate_xbzrle() ? migrate_xbzrle_cache_size() : 0;
    in->ram_total = ram_bytes_total();
    in->max_cpu_throttle = migrate_max_cpu_throttle();
    in->have_auto_converge =
        migrate_cap_supported(MIGRATION_CAPABILITY_AUTO_CONVERGE, NULL) &&
        !migrate_auto_converge();
    /* dirty-limit also needs KVM with the dirty ring. */
    in->have_dirty_limit =
        migrate_cap_supported(MIGRATION_CAPABILITY_DIRTY_LIMIT, NULL) &&
        migration_dirty_limit_ops() &&
        migration_dirty_limit_ops()->available() && !migrate_dirty_limit();
    in->have_xbzrle = migrate_cap_supported(MIGRATION_CAPABILITY_XBZRLE,
                                            NULL);
    in->have_postcopy =
        migrate_cap_supported(MIGRATION_CAPABILITY_POSTCOPY_RAM, NULL);
}

MigrationForecast *migration_forecast_active(void)
{
    MigrationForecastInput in = { 0 };

    if (!migration_history_rates(&in.bandwidth, &in.dirty_rate)) {
        return NULL;
    }
    forecast_settings(&in);
    in.remaining = ram_bytes_remaining();
    in.stalled = migration_history_stalled();
    return migration_forecast(&in);
}

MigrationForecast *qmp_x_tern_query_migrate_forecast(Error **errp)
{
    MigrationForecastInput in = { 0 };
    MigrationForecast *f = NULL;
    int64_t mib;

    if (migration_is_running()) {
        f = migration_forecast_active();
    }
    if (f) {
        return f;
    }
    if (!dirtyrate_last_measured(&mib)) {
        error_setg(errp, "No dirty rate measured yet: run calc-dirty-rate "
                   "first (or ask during a migration, after its first "
                   "pass)");
        return NULL;
    }
    forecast_settings(&in);
    in.remaining = in.ram_total;
    in.dirty_rate = mib * MiB;
    in.bandwidth = in.max_bandwidth;
    return migration_forecast(&in);
}
