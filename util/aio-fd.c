/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qemu_set_fd_handler(): one GSource per watched fd on the main loop's
 * GMainContext.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qemu/queue.h"

typedef struct FDHandler {
    GSource source;             /* first: GLib allocates the whole struct */
    gpointer tag;
    int fd;
    IOHandler *fd_read;
    IOHandler *fd_write;
    void *opaque;
    bool deleted;
    QLIST_ENTRY(FDHandler) next;
} FDHandler;

/* Under the BQL, like every caller of qemu_set_fd_handler(). */
static QLIST_HEAD(, FDHandler) fd_handlers;

static gboolean fd_handler_dispatch(GSource *source, GSourceFunc callback,
                                    gpointer user_data)
{
    FDHandler *h = (FDHandler *)source;
    GIOCondition revents = g_source_query_unix_fd(source, h->tag);

    if (h->fd_read && (revents & (G_IO_IN | G_IO_HUP | G_IO_ERR))) {
        h->fd_read(h->opaque);
    }
    /*
     * The read handler may have removed or replaced this fd's handlers;
     * GLib keeps @source alive until we return, so the flag is safe.
     */
    if (!h->deleted && h->fd_write && (revents & (G_IO_OUT | G_IO_ERR))) {
        h->fd_write(h->opaque);
    }
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs fd_handler_funcs = {
    .dispatch = fd_handler_dispatch,
};

static GIOCondition fd_handler_events(IOHandler *fd_read,
                                      IOHandler *fd_write)
{
    GIOCondition cond = 0;

    if (fd_read) {
        cond |= G_IO_IN | G_IO_HUP | G_IO_ERR;
    }
    if (fd_write) {
        cond |= G_IO_OUT | G_IO_ERR;
    }
    return cond;
}

static FDHandler *fd_handler_find(int fd)
{
    FDHandler *h;

    QLIST_FOREACH(h, &fd_handlers, next) {
        if (h->fd == fd) {
            return h;
        }
    }
    return NULL;
}

void qemu_set_fd_handler(int fd, IOHandler *fd_read, IOHandler *fd_write,
                         void *opaque)
{
    FDHandler *h = fd_handler_find(fd);

    if (!fd_read && !fd_write) {
        if (h) {
            h->deleted = true;
            QLIST_REMOVE(h, next);
            g_source_destroy(&h->source);
            g_source_unref(&h->source);
        }
        return;
    }

    if (!h) {
        GSource *source = g_source_new(&fd_handler_funcs, sizeof(FDHandler));

        h = (FDHandler *)source;
        h->fd = fd;
        h->tag = g_source_add_unix_fd(source, fd,
                                      fd_handler_events(fd_read, fd_write));
        g_source_set_name(source, "qemu-fd-handler");
        QLIST_INSERT_HEAD(&fd_handlers, h, next);
        h->fd_read = fd_read;
        h->fd_write = fd_write;
        h->opaque = opaque;
        g_source_attach(source, g_main_context_default());
        return;
    }

    h->fd_read = fd_read;
    h->fd_write = fd_write;
    h->opaque = opaque;
    g_source_modify_unix_fd(&h->source, h->tag,
                            fd_handler_events(fd_read, fd_write));
}
