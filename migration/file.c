/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * file: transport: the stream written to (or read from) a regular file,
 * starting at ,offset= bytes into it.  The channel is seekable and is
 * returned to the caller.
 */
#include "qemu/osdep.h"
#include "io/channel-file.h"
#include "migration/file.h"
#include "qapi/error.h"

static QIOChannel *file_open(FileMigrationArgs *args, int flags,
                             Error **errp)
{
    QIOChannelFile *fioc = qio_channel_file_new_path(args->filename, flags,
                                                     0600, errp);
    QIOChannel *ioc;

    if (!fioc) {
        return NULL;
    }
    ioc = QIO_CHANNEL(fioc);
    if (args->offset &&
        qio_channel_io_seek(ioc, args->offset, SEEK_SET, errp) < 0) {
        object_unref(OBJECT(ioc));
        return NULL;
    }
    return ioc;
}

QIOChannel *file_start_outgoing_migration(FileMigrationArgs *file_args,
                                          Error **errp)
{
    /*
     * No O_TRUNC with an offset: what precedes it belongs to someone
     * else (QEMU truncates only whole files too).
     */
    int flags = O_CREAT | O_WRONLY | (file_args->offset ? 0 : O_TRUNC);
    QIOChannel *ioc = file_open(file_args, flags, errp);

    if (ioc) {
        qio_channel_set_name(ioc, "migration-file-outgoing");
    }
    return ioc;
}

QIOChannel *file_start_incoming_migration(FileMigrationArgs *file_args,
                                          Error **errp)
{
    QIOChannel *ioc = file_open(file_args, O_RDONLY, errp);

    if (ioc) {
        qio_channel_set_name(ioc, "migration-file-incoming");
    }
    return ioc;
}
