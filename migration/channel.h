/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration addresses: the legacy URI strings ("tcp:host:port", "unix:",
 * "fd:", "exec:", "file:path,offset=N", "rdma:") turned into the QAPI
 * MigrationChannel, the checks on a 'channels' list, and the dispatch of
 * an address to its transport (socket.c, fd.c, exec.c, file.c).
 */
#ifndef MIGRATION_CHANNEL_H
#define MIGRATION_CHANNEL_H

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
 * Start the transport for @addr.  Until a transport's file exists these
 * fail with "<name> transport is not available yet".
 */
void migration_transport_start_outgoing(MigrationState *s,
                                        MigrationAddress *addr,
                                        Error **errp);
void migration_transport_start_incoming(MigrationAddress *addr,
                                        Error **errp);

#endif /* MIGRATION_CHANNEL_H */
