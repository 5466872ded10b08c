/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to migration/: COLO's primary side and the COLO commands.
 * After the initial migration with x-colo the migration thread keeps
 * going in colo_primary_run(), taking a checkpoint every
 * x-checkpoint-delay ms until a failover.  docs/devel/colo.md.
 */
#ifndef MIGRATION_COLO_H
#define MIGRATION_COLO_H

#include "qapi/qapi-types-migration.h"
#include "migration/migration.h"

/* The role this VM has now (QEMU's get_colo_mode()). */
COLOMode get_colo_mode(void);

/*
 * The migration thread, BQL not held, state 'device', the whole
 * initial stream sent: enter COLO and checkpoint until failover (or a
 * broken link, which is a failover of the primary).  Returns with the
 * state 'completed' (or 'cancelling') and the VM running here.
 */
void colo_primary_run(MigrationState *s);

/* query-migrate's x-tern-colo: this VM's checkpoints; NULL before COLO. */
MigrationColoStats *colo_query_stats(void);

#endif /* MIGRATION_COLO_H */
