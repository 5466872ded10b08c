/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to migration/: the postcopy-preempt channel, a second
 * connection that carries only the pages the destination asked for, so
 * that they never wait behind the background stream's buffered pages.
 * Both ends: the source connects it (with TLS when tls-creds is set),
 * the destination reads it in its own thread.  docs/devel/postcopy.md,
 * "Preempt channel".
 */
#ifndef MIGRATION_POSTCOPY_PREEMPT_H
#define MIGRATION_POSTCOPY_PREEMPT_H

#include "qapi/qapi-types-migration.h"
#include "migration/qemu-file.h"

/* ----------------------------------------------------------- source */

/*
 * At qmp_migrate: keep the address to connect the channel to, or refuse
 * one that cannot have a second channel (QEMU's message).
 */
bool postcopy_preempt_set_address(MigrationAddress *addr, Error **errp);

/*
 * Connect the channel (in the calling thread, which may block), wrap it
 * in TLS if tls-creds is set (@hostname as for the main channel), and
 * return its QEMUFile, or NULL with @errp set.
 */
QEMUFile *postcopy_preempt_connect(const char *hostname, Error **errp);

/* ------------------------------------------------------ destination */

/*
 * Reads page records from @f until EOS (0) or an error (negative, with
 * @errp); ram.c gives it, so that this file never calls into ram.c.
 */
typedef int PostcopyPreemptLoadFn(QEMUFile *f, Error **errp);
void postcopy_preempt_set_loader(PostcopyPreemptLoadFn *fn);

/*
 * A connection after the main one while postcopy-preempt is on (QEMU
 * tells the preempt channel by its order alone); takes a reference.
 */
void postcopy_preempt_incoming(QIOChannel *ioc);

/*
 * At LISTEN: start the thread that waits for the channel and places the
 * pages it carries.  On a read error while running it calls @broken
 * (which breaks the main stream, so that both ends pause).
 */
void postcopy_preempt_dst_start(void (*broken)(Error *err));

/* The end: stop and join the thread, close the channel. */
void postcopy_preempt_dst_stop(void);

/* The destination's channel and thread are forgotten (a new incoming). */
void postcopy_preempt_dst_reset(void);

#endif /* MIGRATION_POSTCOPY_PREEMPT_H */
