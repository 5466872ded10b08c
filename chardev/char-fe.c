/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Chardev front-end API: attach a CharBackend, register handlers, write,
 * and take file descriptors passed alongside the data.
 */
#include "qemu/osdep.h"
#include "chardev/char-fe.h"
#include <glib-unix.h>
#include "qapi/error.h"

bool qemu_chr_fe_init(CharBackend *b, Chardev *s, Error **errp)
{
    if (s) {
        if (s->be) {
            error_setg(errp, "chardev '%s' is already in use", s->label);
            return false;
        }
        s->be = b;
    }
    b->fe_is_open = false;
    b->chr = s;
    return true;
}

void qemu_chr_fe_deinit(CharBackend *b, bool del)
{
    Chardev *chr = b->chr;

    if (!chr) {
        return;
    }
    qemu_chr_fe_set_handlers(b, NULL, NULL, NULL, NULL, NULL, NULL, true);
    if (chr->be == b) {
        chr->be = NULL;
    }
    b->chr = NULL;
    if (del) {
        object_unparent(OBJECT(chr));
    }
}

Chardev *qemu_chr_fe_get_driver(CharBackend *be)
{
    return be->chr;
}

bool qemu_chr_fe_backend_connected(CharBackend *be)
{
    return be->chr != NULL;
}

bool qemu_chr_fe_backend_open(CharBackend *be)
{
    return be->chr && be->chr->be_open;
}

void qemu_chr_fe_set_handlers(CharBackend *b,
                              IOCanReadHandler *fd_can_read,
                              IOReadHandler *fd_read,
                              IOEventHandler *fd_event,
                              BackendChangeHandler *be_change,
                              void *opaque,
                              GMainContext *context,
                              bool set_open)
{
    Chardev *s = b->chr;
    ChardevClass *cc;
    bool fe_open = opaque || fd_can_read || fd_read || fd_event;
    bool was_open;

    if (!s) {
        return;
    }
    /*
     * Sampled before the read handler moves to @context: from then on
     * that context's thread may connect and send OPENED itself, and the
     * front end must not get it twice (QMP would greet twice).
     */
    was_open = s->be_open;
    cc = CHARDEV_GET_CLASS(s);
    b->chr_can_read = fd_can_read;
    b->chr_read = fd_read;
    b->chr_event = fd_event;
    b->chr_be_change = be_change;
    b->opaque = opaque;
    s->gcontext = context;
    if (cc->chr_update_read_handler) {
        cc->chr_update_read_handler(s);
    }
    if (set_open) {
        b->fe_is_open = fe_open;
    }
    /* A front end attaching to a connected backend learns it now. */
    if (fe_open && was_open && fd_event) {
        fd_event(opaque, CHR_EVENT_OPENED);
    }
}

int qemu_chr_fe_write(CharBackend *be, const uint8_t *buf, int len)
{
    if (!be->chr) {
        return 0;
    }
    return qemu_chr_write(be->chr, buf, len, false);
}

int qemu_chr_fe_write_all(CharBackend *be, const uint8_t *buf, int len)
{
    if (!be->chr) {
        return 0;
    }
    return qemu_chr_write(be->chr, buf, len, true);
}

void qemu_chr_fe_printf(CharBackend *be, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *text = NULL;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qemu_chr_fe_write_all(be, (const uint8_t *)text, strlen(text));
}

void qemu_chr_fe_accept_input(CharBackend *be)
{
    Chardev *s = be->chr;

    if (!s) {
        return;
    }
    if (CHARDEV_GET_CLASS(s)->chr_accept_input) {
        CHARDEV_GET_CLASS(s)->chr_accept_input(s);
    }
    qemu_chr_kick(s);
}

int qemu_chr_fe_get_msgfds(CharBackend *be, int *fds, int num)
{
    Chardev *s = be->chr;

    if (!s || !CHARDEV_GET_CLASS(s)->get_msgfds) {
        return -1;
    }
    return CHARDEV_GET_CLASS(s)->get_msgfds(s, fds, num);
}

int qemu_chr_fe_get_msgfd(CharBackend *be)
{
    int fd;

    return qemu_chr_fe_get_msgfds(be, &fd, 1) == 1 ? fd : -1;
}

int qemu_chr_fe_set_msgfds(CharBackend *be, int *fds, int num)
{
    Chardev *s = be->chr;

    if (!s || !CHARDEV_GET_CLASS(s)->set_msgfds) {
        return -1;
    }
    return CHARDEV_GET_CLASS(s)->set_msgfds(s, fds, num);
}

void qemu_chr_fe_disconnect(CharBackend *be)
{
    Chardev *s = be->chr;

    if (s && CHARDEV_GET_CLASS(s)->chr_disconnect) {
        CHARDEV_GET_CLASS(s)->chr_disconnect(s);
    }
}

static gboolean chr_fe_disconnect_cb(gpointer opaque)
{
    qemu_chr_fe_disconnect(opaque);
    return G_SOURCE_REMOVE;
}

void qemu_chr_fe_disconnect_later(CharBackend *be)
{
    GSource *src;

    if (!be->chr) {
        return;
    }
    src = g_idle_source_new();
    g_source_set_callback(src, chr_fe_disconnect_cb, be, NULL);
    g_source_attach(src, be->chr->gcontext);
    g_source_unref(src);
}

GSource *qemu_chr_fe_add_watch(CharBackend *be, GIOCondition cond,
                               GUnixFDSourceFunc func, void *opaque)
{
    Chardev *s = be->chr;
    GSource *src;

    if (!s || !CHARDEV_GET_CLASS(s)->chr_add_watch) {
        return NULL;
    }
    src = CHARDEV_GET_CLASS(s)->chr_add_watch(s, cond);
    if (!src) {
        return NULL;
    }
    g_source_set_callback(src, (GSourceFunc)func, opaque, NULL);
    g_source_attach(src, s->gcontext);
    return src;
}
