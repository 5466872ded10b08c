/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration addresses: the legacy URI strings ("tcp:host:port", "unix:",
 * "fd:", "exec:", "file:path,offset=N", "rdma:") turned into the QAPI
 * MigrationChannel, the checks on a 'channels' list, and the dispatch of
 * an address to its transport (socket.c, fd.c, exec.c, file.c).  The
 * transports return channels; the caller (outgoing.c, incoming.c) gets
 * them through the callbacks below, so that no transport calls up.
 */
#ifndef MIGRATION_CHANNEL_H
#define MIGRATION_CHANNEL_H

#include "io/channel.h"
#include "qapi/qapi-types-migration.h"

/*
 * Parse @uri into a new 'main' MigrationChannel.  Errors: "unknown
 * migration protocol: URI", or the address parser's message.
 */
bool migrate_uri_parse(const char *uri, MigrationChannel **channel,
                       Error **errp);

/*
 * Check an outgoing 'channels' list (at most one entry per type, a
 * 'main' one required) and return borrowed pointers to the main entry
 * and (if any) the cpr entry.
 */
bool migrate_channels_parse(MigrationChannelList *channels,
                            MigrationChannel **main_channelp,
                            MigrationChannel **cpr_channelp,
                            Error **errp);

/*
 * Exactly one of @uri / @channels given (else "need either 'uri' or
 * 'channels' argument"); returns the main address as a new channel.
 * @incoming applies migrate-incoming's rule (a single 'main' entry).
 */
bool migrate_channel_from_args(const char *uri,
                               MigrationChannelList *channels,
                               bool incoming,
                               MigrationChannel **channelp, Error **errp);

/* Does the address's transport support multiple channels (multifd)? */
bool migrate_address_is_multi_channel(MigrationAddress *addr);
/* Is the address seekable (file:)? */
bool migrate_address_is_seekable(MigrationAddress *addr);

/*
 * The outgoing channel is up (@ioc, borrowed; @err NULL) or could not be
 * made (@err, borrowed).  @hostname: the inet host name or NULL.  Main
 * thread, BQL held; called exactly once per successful start.
 */
typedef void (*MigrationConnectFunc)(QIOChannel *ioc, const char *hostname,
                                     Error *err, void *opaque);
/* A channel from the source arrived (@ioc, borrowed).  Main thread. */
typedef void (*MigrationAcceptFunc)(QIOChannel *ioc, void *opaque);

/* What a started incoming transport leaves for the caller to keep. */
typedef struct MigrationListener {
    /* Bound addresses (socket transports only; query-migrate). */
    SocketAddressList *addresses;
    /* Stop listening; NULL when there is nothing to stop. */
    void (*cleanup)(void *data);
    void *data;
} MigrationListener;

/*
 * Start the transport for @addr; @done reports the channel (at once for
 * fd:, exec: and file:, once connected for sockets).  Fails without
 * calling @done when the transport cannot start ("rdma transport is not
 * available yet", or the transport's own error).
 */
bool migration_transport_start_outgoing(MigrationAddress *addr,
                                        MigrationConnectFunc done,
                                        void *opaque, Error **errp);
/*
 * Start listening on @addr (backlog @num_channels for sockets); @accept
 * gets each channel, in the main loop.  On success *@listener says what
 * to keep and how to stop.
 */
bool migration_transport_start_incoming(MigrationAddress *addr,
                                        int num_channels,
                                        MigrationAcceptFunc accept,
                                        void *opaque,
                                        MigrationListener *listener,
                                        Error **errp);

#endif /* MIGRATION_CHANNEL_H */
