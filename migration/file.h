/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * file: transport: a regular file, from ,offset= on.
 */
#ifndef MIGRATION_FILE_H
#define MIGRATION_FILE_H

#include "io/channel.h"
#include "qapi/qapi-types-migration.h"

/*
 * Open the file (created and truncated for writing unless an offset is
 * given) and return its channel positioned at the offset (a new
 * reference), or NULL with @errp set.
 */
QIOChannel *file_start_outgoing_migration(FileMigrationArgs *file_args,
                                          Error **errp);
QIOChannel *file_start_incoming_migration(FileMigrationArgs *file_args,
                                          Error **errp);

/*
 * mapped-ram with multifd: one more handle on the file, for a multifd
 * channel; with @direct_io opened O_DIRECT (failing with an error that
 * says so where the filesystem refuses it).  The source's opens the file
 * by name for writing; the destination's reads the file of @main (a
 * QIOChannelFile).  A new reference, or NULL with @errp.
 */
QIOChannel *file_send_channel_create(FileMigrationArgs *file_args,
                                     bool direct_io, Error **errp);
QIOChannel *file_recv_channel_create(QIOChannel *main, bool direct_io,
                                     Error **errp);

#endif /* MIGRATION_FILE_H */
