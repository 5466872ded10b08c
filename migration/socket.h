/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tcp:, unix: and vsock: transports.  They know sockets only: the
 * connected or accepted channel goes to a callback of the caller
 * (channel.c), never into the migration core.
 */
#ifndef MIGRATION_SOCKET_H
#define MIGRATION_SOCKET_H

#include "io/net-listener.h"
#include "qapi/qapi-types-sockets.h"

/*
 * The outgoing connection is up (@ioc, borrowed; @err NULL) or failed
 * (@err, borrowed).  @hostname: the inet host name, for TLS, or NULL.
 * Main thread.
 */
typedef void (*SocketMigrationConnected)(QIOChannel *ioc,
                                         const char *hostname, Error *err,
                                         void *opaque);

/* Connect to @saddr in the background; @done is called exactly once. */
void socket_start_outgoing_migration(SocketAddress *saddr,
                                     SocketMigrationConnected done,
                                     void *opaque);

/*
 * Listen on @saddr (backlog @num) and call @accept for each connection
 * (@destroy frees @opaque with the listener's callback).  The bound
 * addresses, with the real port for tcp port 0, are prepended to
 * *@addresses.  Returns the listener, to end with
 * socket_incoming_migration_end(), or NULL with @errp set.
 */
QIONetListener *socket_start_incoming_migration(SocketAddress *saddr,
                                                int num,
                                                QIONetListenerClientFunc accept,
                                                void *opaque,
                                                GDestroyNotify destroy,
                                                SocketAddressList **addresses,
                                                Error **errp);
/* Stop accepting and drop @listener (a QIONetListener *). */
void socket_incoming_migration_end(void *listener);

#endif /* MIGRATION_SOCKET_H */
