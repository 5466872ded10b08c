/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The front-end side of a chardev: a device or a monitor holds a
 * CharBackend, attaches it to a chardev and registers its handlers.
 */
#ifndef CHARDEV_CHAR_FE_H
#define CHARDEV_CHAR_FE_H

#include "chardev/char.h"
#include <glib-unix.h>

typedef int IOCanReadHandler(void *opaque);
typedef void IOReadHandler(void *opaque, const uint8_t *buf, int size);
typedef void IOEventHandler(void *opaque, QEMUChrEvent event);
typedef int BackendChangeHandler(void *opaque);

struct CharBackend {
    Chardev *chr;
    IOEventHandler *chr_event;
    IOCanReadHandler *chr_can_read;
    IOReadHandler *chr_read;
    BackendChangeHandler *chr_be_change;
    void *opaque;
    bool fe_is_open;
};

/* Attach @b to @s; fails if @s already has a front end. */
bool qemu_chr_fe_init(CharBackend *b, Chardev *s, Error **errp);
/* Detach; with @del also unparent (destroy) the chardev. */
void qemu_chr_fe_deinit(CharBackend *b, bool del);
Chardev *qemu_chr_fe_get_driver(CharBackend *be);
bool qemu_chr_fe_backend_connected(CharBackend *be);
/* Whether the backend is connected (a client is there). */
bool qemu_chr_fe_backend_open(CharBackend *be);

/*
 * Register the front end's handlers (all NULL: unregister) and move the
 * chardev's input polling to @context (NULL: the main loop).  If the
 * backend is already open and @set_open, OPENED is delivered at once.
 */
void qemu_chr_fe_set_handlers(CharBackend *b,
                              IOCanReadHandler *fd_can_read,
                              IOReadHandler *fd_read,
                              IOEventHandler *fd_event,
                              BackendChangeHandler *be_change,
                              void *opaque,
                              GMainContext *context,
                              bool set_open);
/* Any thread: write what the backend takes now; bytes or -1. */
int qemu_chr_fe_write(CharBackend *be, const uint8_t *buf, int len);
/* Any thread: write everything, retrying; @len or -1. */
int qemu_chr_fe_write_all(CharBackend *be, const uint8_t *buf, int len);
/* printf to the chardev (write_all). */
void qemu_chr_fe_printf(CharBackend *be, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
/* The front end can take input again (after can_read returned 0). */
void qemu_chr_fe_accept_input(CharBackend *be);
/*
 * Take one fd received with the data just read (SCM_RIGHTS on a unix
 * socket); the caller owns it.  -1 if none.
 */
int qemu_chr_fe_get_msgfd(CharBackend *be);
/* Take up to @num such fds; returns how many. */
int qemu_chr_fe_get_msgfds(CharBackend *be, int *fds, int num);
/* Send @fds with the next write (unix sockets); -1 if unsupported. */
int qemu_chr_fe_set_msgfds(CharBackend *be, int *fds, int num);
/* Drop the connection (socket backends). */
void qemu_chr_fe_disconnect(CharBackend *be);
/* The same, from the backend's own context, after the caller returns. */
void qemu_chr_fe_disconnect_later(CharBackend *be);
/*
 * Call @func in the backend's context when the connection can take more
 * output or hung up (@cond).  Returns the attached source (the caller
 * holds a reference and destroys it when done), or NULL when the backend
 * cannot tell: the caller then has to write blocking.
 */
GSource *qemu_chr_fe_add_watch(CharBackend *be, GIOCondition cond,
                               GUnixFDSourceFunc func, void *opaque);

#endif /* CHARDEV_CHAR_FE_H */
