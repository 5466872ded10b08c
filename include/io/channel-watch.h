/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GSources for channels backed by file descriptors, for the backends'
 * io_create_watch implementations.
 */
#ifndef QIO_CHANNEL_WATCH_H
#define QIO_CHANNEL_WATCH_H

#include "io/channel.h"

/* Ready when @fd satisfies @condition (HUP and ERR always count). */
GSource *qio_channel_create_fd_watch(QIOChannel *ioc, int fd,
                                     GIOCondition condition);
/* Sockets are plain fds on POSIX hosts. */
GSource *qio_channel_create_socket_watch(QIOChannel *ioc, int fd,
                                         GIOCondition condition);
/* G_IO_IN is checked on @fdread, G_IO_OUT on @fdwrite. */
GSource *qio_channel_create_fd_pair_watch(QIOChannel *ioc, int fdread,
                                          int fdwrite,
                                          GIOCondition condition);
/* Always ready: for in-memory channels that never block. */
GSource *qio_channel_create_ready_watch(QIOChannel *ioc,
                                        GIOCondition condition);

#endif /* QIO_CHANNEL_WATCH_H */
