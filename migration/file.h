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

#endif /* MIGRATION_FILE_H */
