/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exec: transport: a child process (the URI's command under /bin/sh -c,
 * already split into argv by the URI parser) whose stdin receives the
 * outgoing stream or whose stdout provides the incoming one.  The
 * channel is returned to the caller.
 */
#include "qemu/osdep.h"
#include "io/channel-command.h"
#include "migration/exec.h"
#include "qapi/error.h"

/* A NULL-terminated argv borrowing @command's strings. */
static const char **strv_from_str_list(strList *command)
{
    GPtrArray *argv = g_ptr_array_new();

    for (; command; command = command->next) {
        g_ptr_array_add(argv, command->value);
    }
    g_ptr_array_add(argv, NULL);
    return (const char **)g_ptr_array_free(argv, false);
}

static QIOChannel *exec_spawn(strList *command, int flags, Error **errp)
{
    g_autofree const char **argv = strv_from_str_list(command);
    QIOChannelCommand *cioc;

    if (!argv[0]) {
        error_setg(errp, "exec: needs a command");
        return NULL;
    }
    cioc = qio_channel_command_new_spawn(argv, flags, errp);
    return cioc ? QIO_CHANNEL(cioc) : NULL;
}

QIOChannel *exec_start_outgoing_migration(strList *command, Error **errp)
{
    /* Read/write: a return path may come back on the command's stdout. */
    QIOChannel *ioc = exec_spawn(command, O_RDWR, errp);

    if (ioc) {
        qio_channel_set_name(ioc, "migration-exec-outgoing");
    }
    return ioc;
}

QIOChannel *exec_start_incoming_migration(strList *command, Error **errp)
{
    QIOChannel *ioc = exec_spawn(command, O_RDWR, errp);

    if (ioc) {
        qio_channel_set_name(ioc, "migration-exec-incoming");
    }
    return ioc;
}
