/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QIOChannelNull: discards writes, reads end of file. */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "io/channel-null.h"
#include "io/channel-watch.h"

QIOChannelNull *qio_channel_null_new(void)
{
    return QIO_CHANNEL_NULL(object_new(TYPE_QIO_CHANNEL_NULL));
}

static ssize_t qio_channel_null_readv(QIOChannel *ioc,
                                      const struct iovec *iov, size_t niov,
                                      int **fds, size_t *nfds, int flags,
                                      Error **errp)
{
    if (QIO_CHANNEL_NULL(ioc)->closed) {
        error_setg_errno(errp, EINVAL, "Cannot read from a closed channel");
        return -1;
    }
    return 0;
}

static ssize_t qio_channel_null_writev(QIOChannel *ioc,
                                       const struct iovec *iov, size_t niov,
                                       int *fds, size_t nfds, int flags,
                                       Error **errp)
{
    ssize_t len = 0;

    if (QIO_CHANNEL_NULL(ioc)->closed) {
        error_setg_errno(errp, EINVAL, "Cannot write to a closed channel");
        return -1;
    }
    for (size_t i = 0; i < niov; i++) {
        len += iov[i].iov_len;
    }
    return len;
}

static int qio_channel_null_set_blocking(QIOChannel *ioc, bool enabled,
                                         Error **errp)
{
    return 0;
}

static int qio_channel_null_close(QIOChannel *ioc, Error **errp)
{
    QIO_CHANNEL_NULL(ioc)->closed = true;
    return 0;
}

static GSource *qio_channel_null_create_watch(QIOChannel *ioc,
                                              GIOCondition condition)
{
    return qio_channel_create_ready_watch(ioc, condition);
}

static void qio_channel_null_class_init(ObjectClass *klass,
                                        const void *class_data)
{
    QIOChannelClass *ioc_klass = QIO_CHANNEL_CLASS(klass);

    ioc_klass->io_writev = qio_channel_null_writev;
    ioc_klass->io_readv = qio_channel_null_readv;
    ioc_klass->io_set_blocking = qio_channel_null_set_blocking;
    ioc_klass->io_close = qio_channel_null_close;
    ioc_klass->io_create_watch = qio_channel_null_create_watch;
}

static const TypeInfo qio_channel_null_info = {
    .parent = TYPE_QIO_CHANNEL,
    .name = TYPE_QIO_CHANNEL_NULL,
    .instance_size = sizeof(QIOChannelNull),
    .class_init = qio_channel_null_class_init,
};

static void qio_channel_null_register_types(void)
{
    type_register_static(&qio_channel_null_info);
}

type_init(qio_channel_null_register_types)
