/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TLS on migration channels (the tls-creds, tls-hostname and tls-authz
 * parameters).  The source is the TLS client, the destination the
 * server.  The main channel's handshake runs on the main loop before a
 * byte of the stream; a channel opened in its own thread (multifd,
 * postcopy preempt) calls migration_tls_channel_wrap_sync() there.
 */
#ifndef MIGRATION_TLS_H
#define MIGRATION_TLS_H

#include "io/channel.h"

/* Does @ioc still need TLS: tls-creds set and @ioc not a TLS channel? */
bool migrate_channel_requires_tls_upgrade(QIOChannel *ioc);

/*
 * Called on the main loop when the handshake ends: @tls_ioc is the TLS
 * channel (a reference for the callee) or NULL with @err (which the
 * callee owns) saying why.
 */
typedef void MigrationTLSDone(QIOChannel *tls_ioc, Error *err, void *opaque);

/*
 * Start the handshake over @ioc: as the server (@incoming, checking the
 * client with tls-authz) or as the client (checking the server's name:
 * tls-hostname, else @hostname from the URI).  False with @errp set when
 * it cannot start (no such credentials, wrong endpoint, file transport).
 */
bool migration_tls_channel_start(QIOChannel *ioc, bool incoming,
                                 const char *hostname,
                                 MigrationTLSDone *done, void *opaque,
                                 Error **errp);

/*
 * For channels opened in their own thread: wrap @ioc and handshake in
 * the calling thread.  Returns the TLS channel (the caller's reference;
 * @ioc keeps its own) or NULL with @errp set.  @name names the channel
 * for debugging, e.g. "multifd-tls-outgoing".
 */
QIOChannel *migration_tls_channel_wrap_sync(QIOChannel *ioc, bool incoming,
                                            const char *hostname,
                                            const char *name, Error **errp);

/*
 * End the TLS session on @ioc (a channel from the calls above) with a
 * close_notify, so that the peer reads a clean end of file.
 */
void migration_tls_channel_end(QIOChannel *ioc, Error **errp);

#endif /* MIGRATION_TLS_H */
