/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exec: transport: a child process's stdin/stdout as the channel.
 */
#ifndef MIGRATION_EXEC_H
#define MIGRATION_EXEC_H

#include "io/channel.h"
#include "qapi/qapi-builtin-types.h"

/*
 * Spawn @command (argv) and return the channel to it (a new reference),
 * or NULL with @errp set.
 */
QIOChannel *exec_start_outgoing_migration(strList *command, Error **errp);
QIOChannel *exec_start_incoming_migration(strList *command, Error **errp);

#endif /* MIGRATION_EXEC_H */
