/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fd chardev base: input from one fd polled in the front end's
 * context, output written to another, used by file, pipe and stdio.
 */
#include "qemu/osdep.h"
#include "chardev/char-fd.h"
#include "chardev/char-fe.h"
#include <glib-unix.h>

static int fd_chr_can_read(void *opaque)
{
    return qemu_chr_be_can_write(opaque);
}

static gboolean fd_chr_read(int fd, GIOCondition cond, void *opaque)
{
    Chardev *chr = opaque;
    FDChardev *s = FD_CHARDEV(chr);
    uint8_t buf[CHR_READ_BUF_LEN];
    int len = MIN(qemu_chr_be_can_write(chr), (int)sizeof(buf));
    ssize_t n;

    if (len <= 0) {
        return TRUE;
    }
    n = read(fd, buf, len);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return TRUE;
    }
    if (n <= 0) {
        /* End of input: stop polling and tell the front end. */
        g_source_unref(s->watch);
        s->watch = NULL;
        qemu_chr_be_event(chr, CHR_EVENT_CLOSED);
        return FALSE;
    }
    qemu_chr_be_write(chr, buf, n);
    return TRUE;
}

static void fd_chr_update_read_handler(Chardev *chr)
{
    FDChardev *s = FD_CHARDEV(chr);

    chr_fd_watch_remove(&s->watch);
    if (s->fd_in >= 0 && chr->be && chr->be->chr_read) {
        s->watch = chr_fd_watch_add(s->fd_in, fd_chr_can_read, fd_chr_read,
                                    chr, chr->gcontext);
    }
}

static int fd_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    FDChardev *s = FD_CHARDEV(chr);
    ssize_t n;

    if (s->fd_out < 0) {
        return len;     /* no output side: discard, like a sink */
    }
    do {
        n = write(s->fd_out, buf, len);
    } while (n < 0 && errno == EINTR);
    return n;
}

void qemu_chr_open_fd(Chardev *chr, int fd_in, int fd_out)
{
    FDChardev *s = FD_CHARDEV(chr);

    s->fd_in = fd_in;
    s->fd_out = fd_out;
    if (fd_in >= 0) {
        g_unix_set_fd_nonblocking(fd_in, TRUE, NULL);
    }
}

static void fd_chr_init(Object *obj)
{
    FDChardev *s = FD_CHARDEV(obj);

    s->fd_in = -1;
    s->fd_out = -1;
}

static void fd_chr_cleanup(Chardev *chr)
{
    FDChardev *s = FD_CHARDEV(chr);

    chr_fd_watch_remove(&s->watch);
    /* Never close the process's standard streams. */
    if (s->fd_in > 2) {
        close(s->fd_in);
    }
    if (s->fd_out > 2 && s->fd_out != s->fd_in) {
        close(s->fd_out);
    }
}

static void fd_chr_class_init(ObjectClass *oc, const void *data)
{
    ChardevClass *cc = (ChardevClass *)oc;

    cc->chr_write = fd_chr_write;
    cc->chr_update_read_handler = fd_chr_update_read_handler;
    cc->chr_cleanup = fd_chr_cleanup;
}

static const TypeInfo fd_chr_type = {
    .name = TYPE_CHARDEV_FD,
    .parent = TYPE_CHARDEV,
    .instance_size = sizeof(FDChardev),
    .instance_init = fd_chr_init,
    .class_init = fd_chr_class_init,
    .abstract = true,
};

static void register_types(void)
{
    type_register_static(&fd_chr_type);
}

type_init(register_types);
