/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to migration/: the source side of postcopy: the advise, and
 * the switch from precopy to postcopy (discard, the packaged device
 * state).  The requested pages' queue is postcopy-queue.c's.
 * docs/devel/postcopy.md has the sequence.
 */
#ifndef MIGRATION_POSTCOPY_OUT_H
#define MIGRATION_POSTCOPY_OUT_H

#include "migration/migration.h"

/* After the return path is opened: CMD POSTCOPY_ADVISE (16 bytes). */
void postcopy_out_send_advise(QEMUFile *f);

/*
 * The switch, on the migration thread with the BQL held and the VM
 * already stopped: discard what was redirtied, then LISTEN, the device
 * state, RUN as one PACKAGED command.  False with @errp on failure.
 */
bool postcopy_out_switch(MigrationState *s, QEMUFile *f, Error **errp);

/*
 * Recovery: a RECV_BITMAP command per RAM block, flushed; returns how
 * many (each is answered by a RECV_BITMAP on the return path).
 */
int postcopy_out_send_recv_bitmaps(QEMUFile *f);

#endif /* MIGRATION_POSTCOPY_OUT_H */
