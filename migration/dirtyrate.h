/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * calc-dirty-rate / query-dirty-rate (the QMP commands are declared by
 * the generated qapi-commands-migration.h).
 */
#ifndef MIGRATION_DIRTYRATE_H
#define MIGRATION_DIRTYRATE_H

/* The last measured dirty rate in MiB/s; false if none was measured. */
bool dirtyrate_last_measured(int64_t *mib_per_s);

#endif /* MIGRATION_DIRTYRATE_H */
