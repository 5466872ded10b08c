/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GSources that become ready when a channel's descriptors (or, for
 * in-memory channels, always) satisfy a GIOCondition.
 */
#include "qemu/osdep.h"
#include "io/channel-watch.h"

typedef struct QIOChannelFDSource {
    GSource parent;
    GPollFD fdread;
    GPollFD fdwrite;            /* fd -1 unless a pair watch */
    QIOChannel *ioc;
    GIOCondition condition;
    bool always_ready;
} QIOChannelFDSource;

static gboolean qio_fd_source_prepare(GSource *source, gint *timeout)
{
    QIOChannelFDSource *s = (QIOChannelFDSource *)source;

    *timeout = s->always_ready ? 0 : -1;
    return s->always_ready;
}

static GIOCondition qio_fd_source_revents(QIOChannelFDSource *s)
{
    GIOCondition ev;

    if (s->always_ready) {
        return s->condition & (G_IO_IN | G_IO_OUT);
    }
    ev = s->fdread.revents;
    if (s->fdwrite.fd != -1) {
        ev |= s->fdwrite.revents;
    }
    /* Hang-up and errors wake any watcher so it notices. */
    return ev & (s->condition | G_IO_HUP | G_IO_ERR | G_IO_NVAL);
}

static gboolean qio_fd_source_check(GSource *source)
{
    return qio_fd_source_revents((QIOChannelFDSource *)source) != 0;
}

static gboolean qio_fd_source_dispatch(GSource *source, GSourceFunc callback,
                                       gpointer user_data)
{
    QIOChannelFDSource *s = (QIOChannelFDSource *)source;
    QIOChannelFunc func = (QIOChannelFunc)callback;

    if (!func) {
        return FALSE;
    }
    return func(s->ioc, qio_fd_source_revents(s), user_data);
}

static void qio_fd_source_finalize(GSource *source)
{
    QIOChannelFDSource *s = (QIOChannelFDSource *)source;

    object_unref(s->ioc);
}

static GSourceFuncs qio_fd_source_funcs = {
    .prepare = qio_fd_source_prepare,
    .check = qio_fd_source_check,
    .dispatch = qio_fd_source_dispatch,
    .finalize = qio_fd_source_finalize,
};

static QIOChannelFDSource *qio_fd_source_new(QIOChannel *ioc,
                                             GIOCondition condition)
{
    GSource *source = g_source_new(&qio_fd_source_funcs,
                                   sizeof(QIOChannelFDSource));
    QIOChannelFDSource *s = (QIOChannelFDSource *)source;

    s->ioc = QIO_CHANNEL(object_ref(ioc));
    s->condition = condition;
    s->fdread.fd = -1;
    s->fdwrite.fd = -1;
    g_source_set_name(source, ioc->name ? ioc->name : "qio-channel");
    return s;
}

GSource *qio_channel_create_fd_watch(QIOChannel *ioc, int fd,
                                     GIOCondition condition)
{
    QIOChannelFDSource *s = qio_fd_source_new(ioc, condition);

    s->fdread.fd = fd;
    s->fdread.events = condition;
    g_source_add_poll(&s->parent, &s->fdread);
    return &s->parent;
}

GSource *qio_channel_create_socket_watch(QIOChannel *ioc, int fd,
                                         GIOCondition condition)
{
    return qio_channel_create_fd_watch(ioc, fd, condition);
}

GSource *qio_channel_create_fd_pair_watch(QIOChannel *ioc, int fdread,
                                          int fdwrite,
                                          GIOCondition condition)
{
    QIOChannelFDSource *s = qio_fd_source_new(ioc, condition);

    s->fdread.fd = fdread;
    s->fdread.events = condition & ~G_IO_OUT;
    s->fdwrite.fd = fdwrite;
    s->fdwrite.events = condition & ~G_IO_IN;
    if (fdread != -1) {
        g_source_add_poll(&s->parent, &s->fdread);
    }
    if (fdwrite != -1) {
        g_source_add_poll(&s->parent, &s->fdwrite);
    }
    return &s->parent;
}

GSource *qio_channel_create_ready_watch(QIOChannel *ioc,
                                        GIOCondition condition)
{
    QIOChannelFDSource *s = qio_fd_source_new(ioc, condition);

    s->always_ready = true;
    return &s->parent;
}
