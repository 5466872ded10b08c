/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to migration/: COLO's secondary side.  The initial load saw
 * ENABLE_COLO; from then on this VM runs from a copy of the primary's
 * RAM (the COLO cache) that each checkpoint updates, and applies a
 * checkpoint to guest memory and devices only once it arrived whole.
 * docs/devel/colo.md.
 */
#ifndef MIGRATION_COLO_INCOMING_H
#define MIGRATION_COLO_INCOMING_H

#include "migration/migration.h"

/* Main thread, BQL: COLO ended here; close the incoming migration. */
typedef void (*ColoIncomingDoneFn)(void);

/*
 * Main thread, BQL held, the initial load done: build the cache, run the
 * VM and start the thread that takes checkpoints.  False with @errp
 * (nothing started; the caller fails the migration).
 */
bool colo_incoming_start(MigrationIncomingState *mis, ColoIncomingDoneFn done,
                         Error **errp);

/*
 * Main thread, BQL: fail over to this secondary (failover 'active').
 * A checkpoint being received is dropped; one being applied finishes
 * first.  Then the VM runs on its own from the last whole checkpoint.
 */
void colo_incoming_failover(void);

#endif /* MIGRATION_COLO_INCOMING_H */
