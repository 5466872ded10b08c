/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to migration/: the background snapshot (the
 * background-snapshot capability): a migration to a file: or exec:
 * target whose image is the VM as it was when it started, written while
 * the guest runs on.  docs/devel/background-snapshot.md.
 */
#ifndef MIGRATION_BACKGROUND_SNAPSHOT_H
#define MIGRATION_BACKGROUND_SNAPSHOT_H

#include "migration/migration.h"

/*
 * The migration thread of a background snapshot (instead of the live
 * migration's): @opaque is the MigrationState.  Like that thread it ends
 * by scheduling s->cleanup_bh.
 */
void *bg_migration_thread(void *opaque);

#endif /* MIGRATION_BACKGROUND_SNAPSHOT_H */
