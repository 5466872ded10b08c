/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fd: transport: a descriptor passed to the monitor with getfd (or a
 * number), as a socket or file channel.
 */
#ifndef MIGRATION_FD_H
#define MIGRATION_FD_H

#include "io/channel.h"

/* The channel for @fdname (a new reference), or NULL with @errp set. */
QIOChannel *fd_start_outgoing_migration(const char *fdname, Error **errp);
QIOChannel *fd_start_incoming_migration(const char *fdname, Error **errp);

#endif /* MIGRATION_FD_H */
