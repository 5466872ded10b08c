/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QIOChannelBuffer: a channel over a growable memory buffer. */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "io/channel-buffer.h"
#include "io/channel-watch.h"

QIOChannelBuffer *qio_channel_buffer_new(size_t capacity)
{
    QIOChannelBuffer *bioc =
        QIO_CHANNEL_BUFFER(object_new(TYPE_QIO_CHANNEL_BUFFER));

    if (capacity) {
        bioc->data = g_malloc(capacity);
        bioc->capacity = capacity;
    }
    return bioc;
}

static ssize_t qio_channel_buffer_readv(QIOChannel *ioc,
                                        const struct iovec *iov,
                                        size_t niov, int **fds,
                                        size_t *nfds, int flags,
                                        Error **errp)
{
    QIOChannelBuffer *bioc = QIO_CHANNEL_BUFFER(ioc);
    ssize_t done = 0;

    for (size_t i = 0; i < niov; i++) {
        size_t want = iov[i].iov_len;

        if (bioc->offset >= bioc->usage) {
            break;
        }
        want = MIN(want, bioc->usage - bioc->offset);
        memcpy(iov[i].iov_base, bioc->data + bioc->offset, want);
        done += want;
        bioc->offset += want;
    }
    return done;
}

static ssize_t qio_channel_buffer_writev(QIOChannel *ioc,
                                         const struct iovec *iov,
                                         size_t niov, int *fds, size_t nfds,
                                         int flags, Error **errp)
{
    QIOChannelBuffer *bioc = QIO_CHANNEL_BUFFER(ioc);
    size_t towrite = 0;

    for (size_t i = 0; i < niov; i++) {
        towrite += iov[i].iov_len;
    }
    if (bioc->offset + towrite > bioc->capacity) {
        /* Grow geometrically so long streams stay linear. */
        size_t cap = MAX(bioc->capacity * 2, bioc->offset + towrite);

        bioc->data = g_realloc(bioc->data, cap);
        bioc->capacity = cap;
    }
    if (bioc->offset > bioc->usage) {
        memset(bioc->data + bioc->usage, 0, bioc->offset - bioc->usage);
    }
    for (size_t i = 0; i < niov; i++) {
        memcpy(bioc->data + bioc->offset, iov[i].iov_base, iov[i].iov_len);
        bioc->offset += iov[i].iov_len;
    }
    bioc->usage = MAX(bioc->usage, bioc->offset);
    return towrite;
}

static int qio_channel_buffer_set_blocking(QIOChannel *ioc, bool enabled,
                                           Error **errp)
{
    return 0;
}

static off_t qio_channel_buffer_seek(QIOChannel *ioc, off_t offset,
                                     int whence, Error **errp)
{
    QIOChannelBuffer *bioc = QIO_CHANNEL_BUFFER(ioc);
    off_t base = whence == SEEK_SET ? 0 :
                 whence == SEEK_CUR ? (off_t)bioc->offset :
                 (off_t)bioc->usage;

    if (base + offset < 0) {
        error_setg_errno(errp, EINVAL, "Cannot seek before start of buffer");
        return -1;
    }
    bioc->offset = base + offset;
    return bioc->offset;
}

static int qio_channel_buffer_close(QIOChannel *ioc, Error **errp)
{
    QIOChannelBuffer *bioc = QIO_CHANNEL_BUFFER(ioc);

    g_free(bioc->data);
    bioc->data = NULL;
    bioc->capacity = bioc->usage = bioc->offset = 0;
    return 0;
}

static GSource *qio_channel_buffer_create_watch(QIOChannel *ioc,
                                                GIOCondition condition)
{
    return qio_channel_create_ready_watch(ioc, condition);
}

static void qio_channel_buffer_finalize(Object *obj)
{
    QIOChannelBuffer *bioc = QIO_CHANNEL_BUFFER(obj);

    g_free(bioc->data);
}

static void qio_channel_buffer_class_init(ObjectClass *klass,
                                          const void *class_data)
{
    QIOChannelClass *ioc_klass = QIO_CHANNEL_CLASS(klass);

    ioc_klass->io_writev = qio_channel_buffer_writev;
    ioc_klass->io_readv = qio_channel_buffer_readv;
    ioc_klass->io_set_blocking = qio_channel_buffer_set_blocking;
    ioc_klass->io_seek = qio_channel_buffer_seek;
    ioc_klass->io_close = qio_channel_buffer_close;
    ioc_klass->io_create_watch = qio_channel_buffer_create_watch;
}

static const TypeInfo qio_channel_buffer_info = {
    .parent = TYPE_QIO_CHANNEL,
    .name = TYPE_QIO_CHANNEL_BUFFER,
    .instance_size = sizeof(QIOChannelBuffer),
    .instance_finalize = qio_channel_buffer_finalize,
    .class_init = qio_channel_buffer_class_init,
};

static void qio_channel_buffer_register_types(void)
{
    type_register_static(&qio_channel_buffer_info);
}

type_init(qio_channel_buffer_register_types)
