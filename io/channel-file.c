/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QIOChannelFile: a channel over a plain file descriptor. */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "io/channel-file.h"
#include "io/channel-watch.h"
#include "io/trace.h"

QIOChannelFile *qio_channel_file_new_fd(int fd)
{
    QIOChannelFile *fioc = QIO_CHANNEL_FILE(object_new(TYPE_QIO_CHANNEL_FILE));
    struct stat st;

    fioc->fd = fd;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        qio_channel_set_feature(QIO_CHANNEL(fioc),
                                QIO_CHANNEL_FEATURE_SEEKABLE);
    }
    trace_qio_channel_file_new_fd(fioc, fd);
    return fioc;
}

QIOChannelFile *qio_channel_file_new_dupfd(int fd, Error **errp)
{
    int newfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);

    if (newfd < 0) {
        error_setg_errno(errp, errno, "Could not duplicate fd %d", fd);
        return NULL;
    }
    return qio_channel_file_new_fd(newfd);
}

QIOChannelFile *qio_channel_file_new_path(const char *path, int flags,
                                          mode_t mode, Error **errp)
{
    int fd = qemu_open_cloexec(path, flags, mode);

    trace_qio_channel_file_new_path(path, flags, fd);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Unable to open %s", path);
        return NULL;
    }
    return qio_channel_file_new_fd(fd);
}

static ssize_t qio_channel_file_readv(QIOChannel *ioc,
                                      const struct iovec *iov, size_t niov,
                                      int **fds, size_t *nfds, int flags,
                                      Error **errp)
{
    ssize_t ret = RETRY_ON_EINTR(readv(QIO_CHANNEL_FILE(ioc)->fd, iov,
                                       niov));

    if (ret < 0) {
        if (errno == EAGAIN) {
            return QIO_CHANNEL_ERR_BLOCK;
        }
        error_setg_errno(errp, errno, "Unable to read from file");
        return -1;
    }
    return ret;
}

static ssize_t qio_channel_file_writev(QIOChannel *ioc,
                                       const struct iovec *iov, size_t niov,
                                       int *fds, size_t nfds, int flags,
                                       Error **errp)
{
    ssize_t ret = RETRY_ON_EINTR(writev(QIO_CHANNEL_FILE(ioc)->fd, iov,
                                        niov));

    if (ret < 0) {
        if (errno == EAGAIN) {
            return QIO_CHANNEL_ERR_BLOCK;
        }
        error_setg_errno(errp, errno, "Unable to write to file");
        return -1;
    }
    return ret;
}

static ssize_t qio_channel_file_preadv(QIOChannel *ioc,
                                       const struct iovec *iov, size_t niov,
                                       off_t offset, Error **errp)
{
    ssize_t ret = RETRY_ON_EINTR(preadv(QIO_CHANNEL_FILE(ioc)->fd, iov,
                                        niov, offset));

    if (ret < 0) {
        if (errno == EAGAIN) {
            return QIO_CHANNEL_ERR_BLOCK;
        }
        error_setg_errno(errp, errno, "Unable to read from file at %jd",
                         (intmax_t)offset);
        return -1;
    }
    return ret;
}

static ssize_t qio_channel_file_pwritev(QIOChannel *ioc,
                                        const struct iovec *iov,
                                        size_t niov, off_t offset,
                                        Error **errp)
{
    ssize_t ret = RETRY_ON_EINTR(pwritev(QIO_CHANNEL_FILE(ioc)->fd, iov,
                                         niov, offset));

    if (ret < 0) {
        if (errno == EAGAIN) {
            return QIO_CHANNEL_ERR_BLOCK;
        }
        error_setg_errno(errp, errno, "Unable to write to file at %jd",
                         (intmax_t)offset);
        return -1;
    }
    return ret;
}

static off_t qio_channel_file_seek(QIOChannel *ioc, off_t offset, int whence,
                                   Error **errp)
{
    off_t ret = lseek(QIO_CHANNEL_FILE(ioc)->fd, offset, whence);

    if (ret == (off_t)-1) {
        error_setg_errno(errp, errno, "Unable to seek to offset %jd "
                         "whence %d in file", (intmax_t)offset, whence);
        return -1;
    }
    return ret;
}

static int qio_channel_file_set_blocking(QIOChannel *ioc, bool enabled,
                                         Error **errp)
{
    int ret = qemu_set_blocking(QIO_CHANNEL_FILE(ioc)->fd, enabled);

    if (ret < 0) {
        error_setg_errno(errp, -ret, "Unable to set blocking mode");
        return -1;
    }
    return 0;
}

static int qio_channel_file_close(QIOChannel *ioc, Error **errp)
{
    QIOChannelFile *fioc = QIO_CHANNEL_FILE(ioc);
    int ret = 0;

    if (fioc->fd == -1) {
        return 0;
    }
    if (close(fioc->fd) < 0) {
        error_setg_errno(errp, errno, "Unable to close file");
        ret = -1;
    }
    fioc->fd = -1;
    return ret;
}

static GSource *qio_channel_file_create_watch(QIOChannel *ioc,
                                              GIOCondition condition)
{
    return qio_channel_create_fd_watch(ioc, QIO_CHANNEL_FILE(ioc)->fd,
                                       condition);
}

static void qio_channel_file_init(Object *obj)
{
    QIO_CHANNEL_FILE(obj)->fd = -1;
}

static void qio_channel_file_finalize(Object *obj)
{
    QIOChannelFile *fioc = QIO_CHANNEL_FILE(obj);

    if (fioc->fd != -1) {
        close(fioc->fd);
    }
}

static void qio_channel_file_class_init(ObjectClass *klass,
                                        const void *class_data)
{
    QIOChannelClass *ioc_klass = QIO_CHANNEL_CLASS(klass);

    ioc_klass->io_writev = qio_channel_file_writev;
    ioc_klass->io_readv = qio_channel_file_readv;
    ioc_klass->io_pwritev = qio_channel_file_pwritev;
    ioc_klass->io_preadv = qio_channel_file_preadv;
    ioc_klass->io_seek = qio_channel_file_seek;
    ioc_klass->io_set_blocking = qio_channel_file_set_blocking;
    ioc_klass->io_close = qio_channel_file_close;
    ioc_klass->io_create_watch = qio_channel_file_create_watch;
}

static const TypeInfo qio_channel_file_info = {
    .parent = TYPE_QIO_CHANNEL,
    .name = TYPE_QIO_CHANNEL_FILE,
    .instance_size = sizeof(QIOChannelFile),
    .instance_init = qio_channel_file_init,
    .instance_finalize = qio_channel_file_finalize,
    .class_init = qio_channel_file_class_init,
};

static void qio_channel_file_register_types(void)
{
    type_register_static(&qio_channel_file_info);
}

type_init(qio_channel_file_register_types)
