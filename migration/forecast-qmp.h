/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The forecast as the monitor sees it: gathers the rates and settings
 * for migration_forecast() (forecast.h).  x-tern-query-migrate-forecast
 * is declared by the generated qapi-commands-migration.h.
 */
#ifndef MIGRATION_FORECAST_QMP_H
#define MIGRATION_FORECAST_QMP_H

#include "qapi/qapi-types-migration.h"

/* The forecast for the active migration, or NULL if it has no round. */
MigrationForecast *migration_forecast_active(void);

#endif /* MIGRATION_FORECAST_QMP_H */
