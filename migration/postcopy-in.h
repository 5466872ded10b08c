/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to migration/: the destination side of postcopy, i.e. the
 * handling of the POSTCOPY_* commands (QEMU's PostcopyState machine
 * none -> advise -> discard -> listening -> running -> end), the listen
 * thread that reads the rest of the stream once the guest may run, and
 * the page requests it sends.  Guest memory itself is postcopy-ram.c's.
 * docs/devel/postcopy.md has the sequence.
 */
#ifndef MIGRATION_POSTCOPY_IN_H
#define MIGRATION_POSTCOPY_IN_H

#include "qapi/qapi-builtin-types.h"
#include "migration/qemu-file.h"
#include "system/ramblock.h"

/* Returned up the load loops when POSTCOPY_RUN ends the main stream. */
#define POSTCOPY_LOADVM_QUIT 1

/*
 * How the listen thread loads the rest of the stream and cleans up
 * after it (savevm.c's record loop, passed in so that this file never
 * calls back into savevm.c).  Returns 0 at EOF or a negative errno.
 */
typedef int PostcopyLoadFn(QEMUFile *f, Error **errp);
typedef void PostcopyLoadCleanupFn(void);

bool postcopy_in_handle_advise(const uint8_t *buf, unsigned len,
                               Error **errp);
bool postcopy_in_handle_discard(const uint8_t *buf, unsigned len,
                                Error **errp);
bool postcopy_in_handle_listen(QEMUFile *f, PostcopyLoadFn *load,
                               PostcopyLoadCleanupFn *cleanup,
                               Error **errp);
bool postcopy_in_handle_run(Error **errp);
/*
 * Recovery: the new main channel migrate-recover listened for (main
 * loop); it wakes the paused listen thread.  Then the commands
 * RECV_BITMAP (answered with the received bitmap on the return path)
 * and POSTCOPY_RESUME (back to postcopy-active, RESUME_ACK, the waiting
 * faults asked again).
 */
void postcopy_in_recover_channel(QEMUFile *f);
bool postcopy_in_handle_recv_bitmap(const uint8_t *buf, unsigned len,
                                    Error **errp);
bool postcopy_in_handle_resume(Error **errp);
/* The main stream's loader is done (the listen thread may finish). */
void postcopy_in_main_load_done(void);
/*
 * The main stream's loader failed after LISTEN, before RUN: end the
 * listen thread unread and undo LISTEN (the migration then fails).
 */
void postcopy_in_main_load_failed(void);

/* ADVISE was received (and postcopy may follow). */
bool postcopy_in_advised(void);
/* After LISTEN: pages must be placed, never written in place. */
bool postcopy_in_placing(void);
/* Place a page of @block (@page NULL: zeroes) from @channel. */
bool postcopy_in_place(RAMBlock *block, ram_addr_t offset, int channel,
                       const void *page, Error **errp);

/* query-migrate on the destination: blocktime, if measured. */
bool postcopy_in_blocktime(uint32_t *total, uint32List **per_vcpu);

/*
 * Blocktime needs the vCPUs' thread ids; the machine side gives a
 * function that returns their number and a g_malloc'ed array.
 */
typedef int PostcopyVcpuListFn(uint32_t **tids);
void postcopy_in_set_vcpu_lister(PostcopyVcpuListFn *fn);

/* Free the postcopy memory state; back to PostcopyState none. */
void postcopy_in_reset(void);
/* A new incoming stream: forget the previous one entirely. */
void postcopy_in_start_load(void);

#endif /* MIGRATION_POSTCOPY_IN_H */
