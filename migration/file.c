/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * file: transport: the stream written to (or read from) a regular file,
 * starting at ,offset= bytes into it.  The channel is seekable and is
 * returned to the caller.  With mapped-ram and multifd, each multifd
 * channel is one more handle on the same file (file_send_channel_create,
 * file_recv_channel_create), opened with O_DIRECT under direct-io.
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

/* An O_DIRECT open failed: say which setting asked for it, and why. */
static void file_direct_io_error(Error **errp)
{
    error_prepend(errp, "direct-io: cannot open the migration file with "
                  "O_DIRECT (does its filesystem support direct I/O?): ");
}

QIOChannel *file_send_channel_create(FileMigrationArgs *file_args,
                                     bool direct_io, Error **errp)
{
    /* Never O_TRUNC: the main channel made the file and writes it too. */
    int flags = O_WRONLY | (direct_io ? O_DIRECT : 0);
    QIOChannelFile *fioc = qio_channel_file_new_path(file_args->filename,
                                                     flags, 0, errp);

    if (!fioc) {
        if (direct_io) {
            file_direct_io_error(errp);
        }
        return NULL;
    }
    qio_channel_set_name(QIO_CHANNEL(fioc), "multifd-file-outgoing");
    return QIO_CHANNEL(fioc);
}

QIOChannel *file_recv_channel_create(QIOChannel *main, bool direct_io,
                                     Error **errp)
{
    int fd = QIO_CHANNEL_FILE(main)->fd;
    QIOChannelFile *fioc;
    int nfd;

    if (direct_io) {
        /*
         * A handle of its own (a dup would share O_DIRECT with the main
         * channel, which reads the unaligned stream): the file again.
         */
        g_autofree char *path = g_strdup_printf("/proc/self/fd/%d", fd);

        fioc = qio_channel_file_new_path(path, O_RDONLY | O_DIRECT, 0, errp);
        if (!fioc) {
            file_direct_io_error(errp);
            return NULL;
        }
    } else {
        nfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
        if (nfd < 0) {
            error_setg_errno(errp, errno, "Cannot duplicate the migration "
                             "file's descriptor");
            return NULL;
        }
        fioc = qio_channel_file_new_fd(nfd);
    }
    qio_channel_set_name(QIO_CHANNEL(fioc), "multifd-file-incoming");
    return QIO_CHANNEL(fioc);
}
