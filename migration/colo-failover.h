/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to migration/: what both COLO roles share: the failover state
 * machine (QEMU's FailoverStatus: none -> require -> active ->
 * completed), the request that runs the failover on the main thread,
 * how COLO last ended (query-colo-status, COLO_EXIT) and the checkpoint
 * counters.
 * docs/devel/colo.md describes COLO.
 */
#ifndef MIGRATION_COLO_FAILOVER_H
#define MIGRATION_COLO_FAILOVER_H

#include "qapi/qapi-types-migration.h"
#include "migration/qemu-file.h"

/* The socket buffer COLO asks for, each direction (bytes). */
#define COLO_SOCKET_BUFFER (8 * 1024 * 1024)

/* Runs on the main thread, BQL held, once a request moved to 'active'. */
typedef void (*FailoverFn)(void);

void failover_init_state(void);
/* Compare-and-swap; returns the state found (== @old_state on success). */
FailoverStatus failover_set_state(FailoverStatus old_state,
                                  FailoverStatus new_state);
FailoverStatus failover_get_state(void);
/*
 * none -> require, then @fn from a bottom half (require -> active first).
 * False with QEMU's error when a failover was already asked for.
 */
bool failover_request_active(FailoverFn fn, Error **errp);

/* Entering COLO as @mode: last-mode, and no exit reason yet. */
void colo_enter_mode(COLOMode mode);
COLOMode colo_last_mode(void);
COLOExitReason colo_exit_reason(void);
/* COLO ended (or its failover finished): record it; @event: COLO_EXIT. */
void colo_exit_report(COLOMode mode, COLOExitReason reason, bool event);

/* Checkpoint counters of this VM's role (reset by colo_enter_mode()). */
void colo_stats_checkpoint(int64_t pause_us, uint64_t size);
MigrationColoStats *colo_stats_get(void);   /* NULL: COLO never ran */

/* SO_SNDBUF or SO_RCVBUF of @f's socket up to COLO_SOCKET_BUFFER. */
void colo_grow_socket_buffer(QEMUFile *f, int optname);

#endif /* MIGRATION_COLO_FAILOVER_H */
