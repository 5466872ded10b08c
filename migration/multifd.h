/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multifd: guest RAM over several extra connections, each with its own
 * thread on both sides (docs/devel/migration-multifd.md).
 *
 * Source: qmp_migrate() hands the address to multifd_send_set_address();
 * ram.c starts the channels at setup (multifd_send_setup), queues pages
 * (multifd_queue_page), and at each sync point calls multifd_send_sync()
 * before writing the main channel's record (RAM_SAVE_FLAG_MULTIFD_FLUSH
 * or EOS).  Cleanup joins every thread and closes every socket; a cancel
 * calls multifd_send_shutdown() first so that blocked I/O ends.
 *
 * Destination: each connection whose first bytes are the multifd magic
 * goes to multifd_recv_new_channel(); the load calls multifd_recv_sync()
 * where the main channel has the matching record.
 */
#ifndef MIGRATION_MULTIFD_H
#define MIGRATION_MULTIFD_H

#include "io/channel.h"
#include "qapi/qapi-types-migration.h"
#include "system/ramblock.h"

#include "migration/threadinfo.h"

/*
 * Either side: QEMU's checks of the address against mapped-ram (a
 * seekable file:) and multifd (a multi-channel transport, or the file
 * with mapped-ram), with QEMU's messages.
 */
bool multifd_check_address(MigrationAddress *addr, Error **errp);

/* ------------------------------------------------------------- source */

/*
 * Check that multifd can run to @addr with the current settings
 * (multifd_check_address; no combination that no peer can read) and
 * remember the address for the channels.  True without multifd.
 */
bool multifd_send_set_address(MigrationAddress *addr, Error **errp);

/* Migration thread, setup: start the channels (they connect themselves). */
bool multifd_send_setup(Error **errp);
/* Main thread, after the migration thread ended: join, close, free. */
void multifd_send_cleanup(void);
/* Any thread: fail every channel's I/O now and wake every waiter. */
void multifd_send_shutdown(void);

/* Migration thread: queue a page; a full batch goes to a free channel. */
bool multifd_queue_page(RAMBlock *block, ram_addr_t offset, Error **errp);
/*
 * Migration thread: send the queued batch, then a SYNC packet on every
 * channel, and wait until all of them are written.
 */
bool multifd_send_sync(Error **errp);

/* ------------------------------------------------------- destination */

/*
 * Main loop: a connection that starts with the multifd magic.  When a
 * channel fails (bad initial packet or packet, a connection too many,
 * an I/O error), @fail runs once, in the main loop, and takes the error.
 */
void multifd_recv_new_channel(QIOChannel *ioc, void (*fail)(Error *err));
/*
 * The load (a coroutine, which yields meanwhile): wait until every
 * channel has reached its SYNC packet, then let them all go on.  Fails
 * if a channel failed, closed, or did not connect in time.
 */
bool multifd_recv_sync(Error **errp);
/* End of the load: stop the threads, close the channels. */
void multifd_recv_cleanup(void);
/* Any thread: fail every channel's I/O now (the load failed). */
void multifd_recv_shutdown(void);
/*
 * The longest wait for the channels to connect once the load needs
 * them, in ms (tests make it short).
 */
void multifd_recv_set_channel_timeout(int64_t ms);

#endif /* MIGRATION_MULTIFD_H */
