/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QIOChannelSocket: a channel over a stream socket (TCP, unix, vsock),
 * connecting, listening and accepting, with SCM_RIGHTS descriptor
 * passing on unix sockets.
 */
#ifndef QIO_CHANNEL_SOCKET_H
#define QIO_CHANNEL_SOCKET_H

#include <sys/socket.h>
#include "io/channel.h"
#include "io/task.h"
#include "qemu/sockets.h"

#define TYPE_QIO_CHANNEL_SOCKET "qio-channel-socket"
OBJECT_DECLARE_SIMPLE_TYPE(QIOChannelSocket, QIO_CHANNEL_SOCKET)

struct QIOChannelSocket {
    QIOChannel parent;
    int fd;                             /* -1 until connected/listening */
    struct sockaddr_storage localAddr;
    socklen_t localAddrLen;
    struct sockaddr_storage remoteAddr;
    socklen_t remoteAddrLen;
    /* MSG_ZEROCOPY sends so far, and those the kernel has completed. */
    uint64_t zero_copy_queued;
    uint64_t zero_copy_sent;
    /* The pipe of QIO_CHANNEL_WRITE_FLAG_SPLICE writes, made at the first. */
    int splice_pipe[2];
};

/* An unconnected socket channel. */
QIOChannelSocket *qio_channel_socket_new(void);
/* Wrap an open socket @fd (taken over); NULL if @fd is not a socket. */
QIOChannelSocket *qio_channel_socket_new_fd(int fd, Error **errp);

/* Connect, blocking.  0 or -1. */
int qio_channel_socket_connect_sync(QIOChannelSocket *ioc,
                                    SocketAddress *addr, Error **errp);
/*
 * Connect in a thread; @callback runs in @context (NULL: main loop) and
 * checks qio_task_propagate_error().  @addr is copied.
 */
void qio_channel_socket_connect_async(QIOChannelSocket *ioc,
                                      SocketAddress *addr,
                                      QIOTaskFunc callback,
                                      gpointer opaque,
                                      GDestroyNotify destroy,
                                      GMainContext *context);
/* Listen with backlog @num.  0 or -1. */
int qio_channel_socket_listen_sync(QIOChannelSocket *ioc,
                                   SocketAddress *addr, int num,
                                   Error **errp);
/* Accept one connection (waits if the listener is blocking). */
QIOChannelSocket *qio_channel_socket_accept(QIOChannelSocket *ioc,
                                            Error **errp);

SocketAddress *qio_channel_socket_get_local_address(QIOChannelSocket *ioc,
                                                    Error **errp);
SocketAddress *qio_channel_socket_get_remote_address(QIOChannelSocket *ioc,
                                                     Error **errp);

#endif /* QIO_CHANNEL_SOCKET_H */
