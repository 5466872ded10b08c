/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QIOChannel core: the abstract type, the wrappers around the backends'
 * class methods, the loops that transfer everything, and waiting (by
 * coroutine yield or by a private poll loop).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "io/channel.h"
#include "io/trace.h"

bool qio_channel_has_feature(QIOChannel *ioc, QIOChannelFeature feature)
{
    return ioc->features & (1u << feature);
}

void qio_channel_set_feature(QIOChannel *ioc, QIOChannelFeature feature)
{
    ioc->features |= (1u << feature);
}

void qio_channel_set_name(QIOChannel *ioc, const char *name)
{
    g_free(ioc->name);
    ioc->name = g_strdup(name);
}

ssize_t qio_channel_readv_full(QIOChannel *ioc, const struct iovec *iov,
                               size_t niov, int **fds, size_t *nfds,
                               int flags, Error **errp)
{
    QIOChannelClass *klass = QIO_CHANNEL_GET_CLASS(ioc);

    if ((fds || nfds) &&
        !qio_channel_has_feature(ioc, QIO_CHANNEL_FEATURE_FD_PASS)) {
        error_setg_errno(errp, EINVAL,
                         "Channel does not support file descriptor passing");
        return -1;
    }
    if ((flags & QIO_CHANNEL_READ_FLAG_MSG_PEEK) &&
        !qio_channel_has_feature(ioc, QIO_CHANNEL_FEATURE_READ_MSG_PEEK)) {
        error_setg_errno(errp, EINVAL,
                         "Channel does not support peek read");
        return -1;
    }
    return klass->io_readv(ioc, iov, niov, fds, nfds, flags, errp);
}

ssize_t qio_channel_writev_full(QIOChannel *ioc, const struct iovec *iov,
                                size_t niov, int *fds, size_t nfds,
                                int flags, Error **errp)
{
    QIOChannelClass *klass = QIO_CHANNEL_GET_CLASS(ioc);

    if (fds || nfds) {
        if (!qio_channel_has_feature(ioc, QIO_CHANNEL_FEATURE_FD_PASS)) {
            error_setg_errno(errp, EINVAL,
                             "Channel does not support file descriptor "
                             "passing");
            return -1;
        }
    }
    if ((flags & QIO_CHANNEL_WRITE_FLAG_ZERO_COPY) &&
        !qio_channel_has_feature(ioc,
                                 QIO_CHANNEL_FEATURE_WRITE_ZERO_COPY)) {
        error_setg_errno(errp, EINVAL,
                         "Requested zero copy feature is not available");
        return -1;
    }
    if ((flags & QIO_CHANNEL_WRITE_FLAG_SPLICE) &&
        !qio_channel_has_feature(ioc, QIO_CHANNEL_FEATURE_WRITE_SPLICE)) {
        error_setg_errno(errp, EINVAL,
                         "Channel does not support spliced writes");
        return -1;
    }
    return klass->io_writev(ioc, iov, niov, fds, nfds, flags, errp);
}

int qio_channel_flush(QIOChannel *ioc, Error **errp)
{
    QIOChannelClass *klass = QIO_CHANNEL_GET_CLASS(ioc);

    if (!klass->io_flush ||
        !qio_channel_has_feature(ioc, QIO_CHANNEL_FEATURE_WRITE_ZERO_COPY)) {
        return 0;
    }
    return klass->io_flush(ioc, errp);
}

ssize_t qio_channel_readv(QIOChannel *ioc, const struct iovec *iov,
                          size_t niov, Error **errp)
{
    return qio_channel_readv_full(ioc, iov, niov, NULL, NULL, 0, errp);
}

ssize_t qio_channel_writev(QIOChannel *ioc, const struct iovec *iov,
                           size_t niov, Error **errp)
{
    return qio_channel_writev_full(ioc, iov, niov, NULL, 0, 0, errp);
}

ssize_t qio_channel_read(QIOChannel *ioc, char *buf, size_t buflen,
                         Error **errp)
{
    struct iovec iov = { .iov_base = buf, .iov_len = buflen };

    return qio_channel_readv_full(ioc, &iov, 1, NULL, NULL, 0, errp);
}

ssize_t qio_channel_write(QIOChannel *ioc, const char *buf, size_t buflen,
                          Error **errp)
{
    struct iovec iov = { .iov_base = (char *)buf, .iov_len = buflen };

    return qio_channel_writev_full(ioc, &iov, 1, NULL, 0, 0, errp);
}

/* ------------------------------------------------------------ waiting */

static void qio_channel_wait_for(QIOChannel *ioc, GIOCondition condition)
{
    if (qemu_in_coroutine()) {
        qio_channel_yield(ioc, condition);
    } else {
        qio_channel_wait(ioc, condition);
    }
}

/* Drop @skip bytes from the front of a local copy of an iovec array. */
static void iov_discard_front(struct iovec **iov, size_t *niov, size_t skip)
{
    while (*niov && skip >= (*iov)[0].iov_len) {
        skip -= (*iov)[0].iov_len;
        (*iov)++;
        (*niov)--;
    }
    if (*niov) {
        (*iov)[0].iov_base = (char *)(*iov)[0].iov_base + skip;
        (*iov)[0].iov_len -= skip;
    }
}

static size_t iov_total(const struct iovec *iov, size_t niov)
{
    size_t len = 0;

    for (size_t i = 0; i < niov; i++) {
        len += iov[i].iov_len;
    }
    return len;
}

int qio_channel_readv_full_all_eof(QIOChannel *ioc, const struct iovec *iov,
                                   size_t niov, int **fds, size_t *nfds,
                                   int flags, Error **errp)
{
    g_autofree struct iovec *copy = g_memdup2(iov, niov * sizeof(*iov));
    struct iovec *cur = copy;
    bool partial = false;
    int **fdp = fds;
    size_t *nfdp = nfds;

    if (fds) {
        *fds = NULL;
        *nfds = 0;
    }
    /* Skip leading empty entries so "nothing to read" is not EOF. */
    iov_discard_front(&cur, &niov, 0);
    while (niov > 0) {
        ssize_t len = qio_channel_readv_full(ioc, cur, niov, fdp, nfdp,
                                             flags, errp);

        if (len == QIO_CHANNEL_ERR_BLOCK) {
            qio_channel_wait_for(ioc, G_IO_IN);
            continue;
        }
        if (len < 0) {
            goto fail;
        }
        if (len == 0) {
            if (!partial && !(fds && *nfds)) {
                return 0;
            }
            error_setg(errp, "Unexpected end-of-file before all data "
                       "were read");
            goto fail;
        }
        partial = true;
        /* Descriptors come with the first chunk only. */
        fdp = NULL;
        nfdp = NULL;
        iov_discard_front(&cur, &niov, len);
    }
    return 1;

fail:
    if (fds && *fds) {
        for (size_t i = 0; i < *nfds; i++) {
            close((*fds)[i]);
        }
        g_free(*fds);
        *fds = NULL;
        *nfds = 0;
    }
    return -1;
}

int qio_channel_readv_all_eof(QIOChannel *ioc, const struct iovec *iov,
                              size_t niov, Error **errp)
{
    return qio_channel_readv_full_all_eof(ioc, iov, niov, NULL, NULL, 0, errp);
}

int qio_channel_read_all_eof(QIOChannel *ioc, char *buf, size_t buflen,
                             Error **errp)
{
    struct iovec iov = { .iov_base = buf, .iov_len = buflen };

    return qio_channel_readv_full_all_eof(ioc, &iov, 1, NULL, NULL, 0, errp);
}

int qio_channel_readv_full_all(QIOChannel *ioc, const struct iovec *iov,
                               size_t niov, int **fds, size_t *nfds,
                               Error **errp)
{
    int ret = qio_channel_readv_full_all_eof(ioc, iov, niov, fds, nfds, 0,
                                             errp);

    if (ret == 0) {
        if (iov_total(iov, niov) == 0) {
            return 0;
        }
        error_setg(errp, "Unexpected end-of-file before all data were read");
        return -1;
    }
    return ret == 1 ? 0 : -1;
}

int qio_channel_readv_all(QIOChannel *ioc, const struct iovec *iov,
                          size_t niov, Error **errp)
{
    return qio_channel_readv_full_all(ioc, iov, niov, NULL, NULL, errp);
}

int qio_channel_read_all(QIOChannel *ioc, char *buf, size_t buflen,
                         Error **errp)
{
    struct iovec iov = { .iov_base = buf, .iov_len = buflen };

    return qio_channel_readv_full_all(ioc, &iov, 1, NULL, NULL, errp);
}

int qio_channel_writev_full_all(QIOChannel *ioc, const struct iovec *iov,
                                size_t niov, int *fds, size_t nfds,
                                int flags, Error **errp)
{
    g_autofree struct iovec *copy = g_memdup2(iov, niov * sizeof(*iov));
    struct iovec *cur = copy;

    iov_discard_front(&cur, &niov, 0);
    if (niov == 0 && nfds == 0) {
        return 0;
    }
    while (niov > 0 || nfds > 0) {
        ssize_t len = qio_channel_writev_full(ioc, cur, niov, fds, nfds,
                                              flags, errp);

        if (len == QIO_CHANNEL_ERR_BLOCK) {
            qio_channel_wait_for(ioc, G_IO_OUT);
            continue;
        }
        if (len < 0) {
            return -1;
        }
        fds = NULL;
        nfds = 0;
        iov_discard_front(&cur, &niov, len);
    }
    return 0;
}

int qio_channel_writev_all(QIOChannel *ioc, const struct iovec *iov,
                           size_t niov, Error **errp)
{
    return qio_channel_writev_full_all(ioc, iov, niov, NULL, 0, 0, errp);
}

int qio_channel_write_all(QIOChannel *ioc, const char *buf, size_t buflen,
                          Error **errp)
{
    struct iovec iov = { .iov_base = (char *)buf, .iov_len = buflen };

    return qio_channel_writev_full_all(ioc, &iov, 1, NULL, 0, 0, errp);
}

/* ------------------------------------------------------ positioned I/O */

static bool qio_channel_check_seekable(QIOChannel *ioc, const char *what,
                                       Error **errp)
{
    QIOChannelClass *klass = QIO_CHANNEL_GET_CLASS(ioc);

    if (!qio_channel_has_feature(ioc, QIO_CHANNEL_FEATURE_SEEKABLE) ||
        !klass->io_preadv || !klass->io_pwritev) {
        error_setg_errno(errp, EINVAL, "Channel '%s' does not support %s",
                         object_get_typename(OBJECT(ioc)), what);
        return false;
    }
    return true;
}

ssize_t qio_channel_pwritev(QIOChannel *ioc, const struct iovec *iov,
                            size_t niov, off_t offset, Error **errp)
{
    if (!qio_channel_check_seekable(ioc, "pwritev", errp)) {
        return -1;
    }
    return QIO_CHANNEL_GET_CLASS(ioc)->io_pwritev(ioc, iov, niov, offset,
                                                  errp);
}

ssize_t qio_channel_pwrite(QIOChannel *ioc, const char *buf, size_t buflen,
                           off_t offset, Error **errp)
{
    struct iovec iov = { .iov_base = (char *)buf, .iov_len = buflen };

    return qio_channel_pwritev(ioc, &iov, 1, offset, errp);
}

ssize_t qio_channel_preadv(QIOChannel *ioc, const struct iovec *iov,
                           size_t niov, off_t offset, Error **errp)
{
    if (!qio_channel_check_seekable(ioc, "preadv", errp)) {
        return -1;
    }
    return QIO_CHANNEL_GET_CLASS(ioc)->io_preadv(ioc, iov, niov, offset,
                                                 errp);
}

ssize_t qio_channel_pread(QIOChannel *ioc, char *buf, size_t buflen,
                          off_t offset, Error **errp)
{
    struct iovec iov = { .iov_base = buf, .iov_len = buflen };

    return qio_channel_preadv(ioc, &iov, 1, offset, errp);
}

int qio_channel_pwrite_all(QIOChannel *ioc, const char *buf, size_t buflen,
                           off_t offset, Error **errp)
{
    while (buflen > 0) {
        ssize_t n = qio_channel_pwrite(ioc, buf, buflen, offset, errp);

        if (n < 0) {
            return -1;
        }
        buf += n;
        offset += n;
        buflen -= n;
    }
    return 0;
}

int qio_channel_pread_all(QIOChannel *ioc, char *buf, size_t buflen,
                          off_t offset, Error **errp)
{
    while (buflen > 0) {
        ssize_t n = qio_channel_pread(ioc, buf, buflen, offset, errp);

        if (n < 0) {
            return -1;
        }
        if (n == 0) {
            error_setg(errp, "Unexpected end of file at offset 0x%llx "
                       "(0x%zx bytes short)", (unsigned long long)offset,
                       buflen);
            return -1;
        }
        buf += n;
        offset += n;
        buflen -= n;
    }
    return 0;
}

off_t qio_channel_io_seek(QIOChannel *ioc, off_t offset, int whence,
                          Error **errp)
{
    QIOChannelClass *klass = QIO_CHANNEL_GET_CLASS(ioc);

    if (!klass->io_seek) {
        error_setg(errp, "Channel '%s' does not support seeking",
                   object_get_typename(OBJECT(ioc)));
        return -1;
    }
    return klass->io_seek(ioc, offset, whence, errp);
}

/* ------------------------------------------------------------- control */

int qio_channel_set_blocking(QIOChannel *ioc, bool enabled, Error **errp)
{
    return QIO_CHANNEL_GET_CLASS(ioc)->io_set_blocking(ioc, enabled, errp);
}

void qio_channel_set_cloexec(QIOChannel *ioc, bool enabled)
{
    QIOChannelClass *klass = QIO_CHANNEL_GET_CLASS(ioc);

    if (klass->io_set_cloexec) {
        klass->io_set_cloexec(ioc, enabled);
    }
}

void qio_channel_set_delay(QIOChannel *ioc, bool enabled)
{
    QIOChannelClass *klass = QIO_CHANNEL_GET_CLASS(ioc);

    if (klass->io_set_delay) {
        klass->io_set_delay(ioc, enabled);
    }
}

int qio_channel_shutdown(QIOChannel *ioc, QIOChannelShutdown how,
                         Error **errp)
{
    QIOChannelClass *klass = QIO_CHANNEL_GET_CLASS(ioc);

    trace_qio_channel_shutdown(ioc, object_get_typename(OBJECT(ioc)), how);
    if (!klass->io_shutdown) {
        error_setg(errp, "Channel '%s' does not support shutdown",
                   object_get_typename(OBJECT(ioc)));
        return -1;
    }
    return klass->io_shutdown(ioc, how, errp);
}

int qio_channel_close(QIOChannel *ioc, Error **errp)
{
    trace_qio_channel_close(ioc, object_get_typename(OBJECT(ioc)));
    return QIO_CHANNEL_GET_CLASS(ioc)->io_close(ioc, errp);
}

/* ------------------------------------------------------------- watches */

GSource *qio_channel_create_watch(QIOChannel *ioc, GIOCondition condition)
{
    GSource *src = QIO_CHANNEL_GET_CLASS(ioc)->io_create_watch(ioc,
                                                               condition);

    if (ioc->name) {
        g_source_set_name(src, ioc->name);
    }
    return src;
}

GSource *qio_channel_add_watch_source(QIOChannel *ioc,
                                      GIOCondition condition,
                                      QIOChannelFunc func,
                                      gpointer user_data,
                                      GDestroyNotify notify,
                                      GMainContext *context)
{
    GSource *src = qio_channel_create_watch(ioc, condition);

    g_source_set_callback(src, (GSourceFunc)func, user_data, notify);
    g_source_attach(src, context);
    g_source_unref(src);
    return src;
}

guint qio_channel_add_watch(QIOChannel *ioc, GIOCondition condition,
                            QIOChannelFunc func, gpointer user_data,
                            GDestroyNotify notify)
{
    GSource *src = qio_channel_add_watch_source(ioc, condition, func,
                                                user_data, notify, NULL);

    return g_source_get_id(src);
}

static gboolean qio_channel_yield_ready(QIOChannel *ioc,
                                        GIOCondition condition,
                                        gpointer opaque)
{
    Coroutine *co = opaque;

    qemu_coroutine_enter(co);
    return FALSE;
}

void coroutine_fn qio_channel_yield(QIOChannel *ioc, GIOCondition condition)
{
    GSource *src;

    assert(qemu_in_coroutine());
    src = qio_channel_create_watch(ioc, condition);
    g_source_set_callback(src, (GSourceFunc)qio_channel_yield_ready,
                          qemu_coroutine_self(), NULL);
    g_source_attach(src, NULL);
    qemu_coroutine_yield();
    /*
     * Normally the watch fired and is being removed; if something else
     * entered us, make sure it cannot fire later.
     */
    g_source_destroy(src);
    g_source_unref(src);
}

static gboolean qio_channel_wait_ready(QIOChannel *ioc,
                                       GIOCondition condition,
                                       gpointer opaque)
{
    g_main_loop_quit(opaque);
    return FALSE;
}

void qio_channel_wait(QIOChannel *ioc, GIOCondition condition)
{
    GMainContext *ctxt = g_main_context_new();
    GMainLoop *loop = g_main_loop_new(ctxt, TRUE);
    GSource *src = qio_channel_create_watch(ioc, condition);

    g_source_set_callback(src, (GSourceFunc)qio_channel_wait_ready, loop,
                          NULL);
    g_source_attach(src, ctxt);
    g_main_loop_run(loop);
    g_source_destroy(src);
    g_source_unref(src);
    g_main_loop_unref(loop);
    g_main_context_unref(ctxt);
}

/* ---------------------------------------------------------------- type */

static void qio_channel_finalize(Object *obj)
{
    QIOChannel *ioc = QIO_CHANNEL(obj);

    g_free(ioc->name);
}

static const TypeInfo qio_channel_info = {
    .parent = TYPE_OBJECT,
    .name = TYPE_QIO_CHANNEL,
    .instance_size = sizeof(QIOChannel),
    .instance_finalize = qio_channel_finalize,
    .abstract = true,
    .class_size = sizeof(QIOChannelClass),
};

static void qio_channel_register_types(void)
{
    type_register_static(&qio_channel_info);
}

type_init(qio_channel_register_types)
