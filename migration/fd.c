/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fd: transport: a descriptor passed to the monitor with getfd (or a
 * number).  Sockets become socket channels, anything else (pipes,
 * files) file channels.  The channel is returned to the caller.
 */
#include "qemu/osdep.h"
#include "io/channel-file.h"
#include "io/channel-socket.h"
#include "migration/fd.h"
#include "qapi/error.h"
#include "qemu/sockets.h"

static QIOChannel *fd_channel_new(const char *fdname, Error **errp)
{
    int fd = socket_get_fd(fdname, errp);
    struct stat st;
    QIOChannel *ioc;

    if (fd < 0) {
        return NULL;
    }
    if (fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode)) {
        QIOChannelSocket *sioc = qio_channel_socket_new_fd(fd, errp);

        if (!sioc) {
            close(fd);
            return NULL;
        }
        ioc = QIO_CHANNEL(sioc);
    } else {
        ioc = QIO_CHANNEL(qio_channel_file_new_fd(fd));
    }
    return ioc;
}

QIOChannel *fd_start_outgoing_migration(const char *fdname, Error **errp)
{
    QIOChannel *ioc = fd_channel_new(fdname, errp);

    if (ioc) {
        qio_channel_set_name(ioc, "migration-fd-outgoing");
    }
    return ioc;
}

QIOChannel *fd_start_incoming_migration(const char *fdname, Error **errp)
{
    QIOChannel *ioc = fd_channel_new(fdname, errp);

    if (ioc) {
        qio_channel_set_name(ioc, "migration-fd-incoming");
    }
    return ioc;
}
