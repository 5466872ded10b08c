/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * file: transport: the stream written to (or read from) a regular file,
 * starting at ,offset= bytes into it.  The channel is seekable.
 */
#include "qemu/osdep.h"
#include "io/channel-file.h"
#include "migration/migration.h"
#include "qapi/error.h"
#include "qemu/error-report.h"

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

void file_start_outgoing_migration(MigrationState *s,
                                   FileMigrationArgs *file_args,
                                   Error **errp)
{
    /*
     * No O_TRUNC with an offset: what precedes it belongs to someone
     * else (QEMU truncates only whole files too).
     */
    int flags = O_CREAT | O_WRONLY | (file_args->offset ? 0 : O_TRUNC);
    QIOChannel *ioc = file_open(file_args, flags, errp);

    if (!ioc) {
        return;
    }
    qio_channel_set_name(ioc, "migration-file-outgoing");
    migration_channel_connect(s, ioc, NULL, NULL);
    object_unref(OBJECT(ioc));
}

static gboolean file_accept_incoming_migration(QIOChannel *ioc,
                                               GIOCondition condition,
                                               gpointer opaque)
{
    Error *err = NULL;

    migration_ioc_process_incoming(ioc, &err);
    if (err) {
        error_report_err(err);
    }
    return G_SOURCE_REMOVE;
}

void file_start_incoming_migration(FileMigrationArgs *file_args,
                                   Error **errp)
{
    QIOChannel *ioc = file_open(file_args, O_RDONLY, errp);

    if (!ioc) {
        return;
    }
    qio_channel_set_name(ioc, "migration-file-incoming");
    qio_channel_add_watch_source(ioc, G_IO_IN,
                                 file_accept_incoming_migration, ioc,
                                 (GDestroyNotify)object_unref,
                                 g_main_context_get_thread_default());
}
