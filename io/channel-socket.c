/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QIOChannelSocket: stream sockets as channels, with connect (blocking
 * or in a thread), listen, accept and SCM_RIGHTS fd passing.
 */
#include "qemu/osdep.h"
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#ifdef __linux__
#include <linux/errqueue.h>
#endif
#include "qapi/error.h"
#include "qapi/clone-visitor.h"
#include "qapi/qapi-visit-sockets.h"
#include "io/channel-socket.h"
#include "io/channel-watch.h"
#include "io/trace.h"

#if defined(__linux__) && defined(SO_ZEROCOPY) && defined(MSG_ZEROCOPY)
#define QIO_SOCKET_ZEROCOPY 1
#endif

/* Most descriptors one message may carry (the kernel's SCM_MAX_FD). */
#define SOCKET_MAX_FDS 253

QIOChannelSocket *qio_channel_socket_new(void)
{
    return QIO_CHANNEL_SOCKET(object_new(TYPE_QIO_CHANNEL_SOCKET));
}

/* Record addresses and features of a connected or listening socket. */
static int qio_channel_socket_set_fd(QIOChannelSocket *sioc, int fd,
                                     Error **errp)
{
    QIOChannel *ioc = QIO_CHANNEL(sioc);
    int val;
    socklen_t len = sizeof(val);

    if (sioc->fd != -1) {
        error_setg(errp, "Socket channel already has a descriptor");
        return -1;
    }
    sioc->localAddrLen = sizeof(sioc->localAddr);
    if (getsockname(fd, (struct sockaddr *)&sioc->localAddr,
                    &sioc->localAddrLen) < 0) {
        error_setg_errno(errp, errno, "Unable to query local socket "
                         "address");
        return -1;
    }
    sioc->remoteAddrLen = sizeof(sioc->remoteAddr);
    if (getpeername(fd, (struct sockaddr *)&sioc->remoteAddr,
                    &sioc->remoteAddrLen) < 0) {
        if (errno != ENOTCONN) {
            error_setg_errno(errp, errno, "Unable to query remote socket "
                             "address");
            return -1;
        }
        sioc->remoteAddrLen = 0;
    }
    sioc->fd = fd;
    if (sioc->localAddr.ss_family == AF_UNIX) {
        qio_channel_set_feature(ioc, QIO_CHANNEL_FEATURE_FD_PASS);
    }
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &val, &len) == 0 && val) {
        qio_channel_set_feature(ioc, QIO_CHANNEL_FEATURE_LISTEN);
    }
#ifdef __linux__
    len = sizeof(val);
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &val, &len) == 0 &&
        val == SOCK_STREAM) {
        qio_channel_set_feature(ioc, QIO_CHANNEL_FEATURE_WRITE_SPLICE);
    }
#endif
    return 0;
}

QIOChannelSocket *qio_channel_socket_new_fd(int fd, Error **errp)
{
    QIOChannelSocket *sioc = qio_channel_socket_new();

    if (qio_channel_socket_set_fd(sioc, fd, errp) < 0) {
        object_unref(sioc);
        return NULL;
    }
    trace_qio_channel_socket_new_fd(sioc, fd);
    return sioc;
}

int qio_channel_socket_connect_sync(QIOChannelSocket *ioc,
                                    SocketAddress *addr, Error **errp)
{
    int fd;

    if (TRACE_QIO_CHANNEL_SOCKET_CONNECT_SYNC_BACKEND_DSTATE()) {
        g_autofree char *str = socket_address_to_string(addr);

        trace_qio_channel_socket_connect_sync(ioc, str);
    }
    fd = socket_connect(addr, errp);
    if (fd < 0) {
        trace_qio_channel_socket_connect_fail(ioc);
        return -1;
    }
    if (qio_channel_socket_set_fd(ioc, fd, errp) < 0) {
        trace_qio_channel_socket_connect_fail(ioc);
        close(fd);
        return -1;
    }
#ifdef QIO_SOCKET_ZEROCOPY
    {
        /* TCP only: the kernel refuses it on unix sockets. */
        int v = 1;

        if (setsockopt(fd, SOL_SOCKET, SO_ZEROCOPY, &v, sizeof(v)) == 0) {
            qio_channel_set_feature(QIO_CHANNEL(ioc),
                                    QIO_CHANNEL_FEATURE_WRITE_ZERO_COPY);
        }
    }
#endif
    trace_qio_channel_socket_connect_complete(ioc, fd);
    return 0;
}

static void qio_channel_socket_connect_worker(QIOTask *task, gpointer opaque)
{
    QIOChannelSocket *ioc = QIO_CHANNEL_SOCKET(qio_task_get_source(task));
    Error *err = NULL;

    if (qio_channel_socket_connect_sync(ioc, opaque, &err) < 0) {
        qio_task_set_error(task, err);
    }
}

static void qio_channel_socket_free_addr(gpointer opaque)
{
    qapi_free_SocketAddress(opaque);
}

void qio_channel_socket_connect_async(QIOChannelSocket *ioc,
                                      SocketAddress *addr,
                                      QIOTaskFunc callback,
                                      gpointer opaque,
                                      GDestroyNotify destroy,
                                      GMainContext *context)
{
    QIOTask *task = qio_task_new(OBJECT(ioc), callback, opaque, destroy);

    if (TRACE_QIO_CHANNEL_SOCKET_CONNECT_ASYNC_BACKEND_DSTATE()) {
        g_autofree char *str = socket_address_to_string(addr);

        trace_qio_channel_socket_connect_async(ioc, str);
    }
    qio_task_run_in_thread(task, qio_channel_socket_connect_worker,
                           QAPI_CLONE(SocketAddress, addr),
                           qio_channel_socket_free_addr, context);
}

int qio_channel_socket_listen_sync(QIOChannelSocket *ioc,
                                   SocketAddress *addr, int num,
                                   Error **errp)
{
    int fd;

    if (TRACE_QIO_CHANNEL_SOCKET_LISTEN_SYNC_BACKEND_DSTATE()) {
        g_autofree char *str = socket_address_to_string(addr);

        trace_qio_channel_socket_listen_sync(ioc, str, num);
    }
    fd = socket_listen(addr, num, errp);
    if (fd < 0) {
        trace_qio_channel_socket_listen_fail(ioc);
        return -1;
    }
    if (qio_channel_socket_set_fd(ioc, fd, errp) < 0) {
        trace_qio_channel_socket_listen_fail(ioc);
        close(fd);
        return -1;
    }
    qio_channel_set_feature(QIO_CHANNEL(ioc), QIO_CHANNEL_FEATURE_LISTEN);
    trace_qio_channel_socket_listen_complete(ioc, fd);
    return 0;
}

QIOChannelSocket *qio_channel_socket_accept(QIOChannelSocket *ioc,
                                            Error **errp)
{
    QIOChannelSocket *cioc;
    int fd;

    trace_qio_channel_socket_accept(ioc);
    for (;;) {
        fd = qemu_accept(ioc->fd, NULL, NULL);
        if (fd >= 0) {
            break;
        }
        if (errno == EAGAIN) {
            qio_channel_wait(QIO_CHANNEL(ioc), G_IO_IN);
            continue;
        }
        error_setg_errno(errp, errno, "Unable to accept connection");
        trace_qio_channel_socket_accept_fail(ioc);
        return NULL;
    }
    cioc = qio_channel_socket_new_fd(fd, errp);
    if (!cioc) {
        trace_qio_channel_socket_accept_fail(ioc);
        close(fd);
        return NULL;
    }
    trace_qio_channel_socket_accept_complete(ioc, cioc, fd);
    return cioc;
}

SocketAddress *qio_channel_socket_get_local_address(QIOChannelSocket *ioc,
                                                    Error **errp)
{
    return socket_sockaddr_to_address(&ioc->localAddr, ioc->localAddrLen,
                                      errp);
}

SocketAddress *qio_channel_socket_get_remote_address(QIOChannelSocket *ioc,
                                                     Error **errp)
{
    if (!ioc->remoteAddrLen) {
        error_setg(errp, "Socket is not connected");
        return NULL;
    }
    return socket_sockaddr_to_address(&ioc->remoteAddr, ioc->remoteAddrLen,
                                      errp);
}

/* ------------------------------------------------------------ I/O */

static ssize_t qio_channel_socket_readv(QIOChannel *ioc,
                                        const struct iovec *iov,
                                        size_t niov, int **fds,
                                        size_t *nfds, int flags,
                                        Error **errp)
{
    QIOChannelSocket *sioc = QIO_CHANNEL_SOCKET(ioc);
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int) * SOCKET_MAX_FDS)];
    } control;
    struct msghdr msg = {
        .msg_iov = (struct iovec *)iov,
        .msg_iovlen = niov,
    };
    ssize_t ret;

    if (fds && nfds) {
        msg.msg_control = &control;
        msg.msg_controllen = sizeof(control);
        *fds = NULL;
        *nfds = 0;
    }
    do {
        ret = recvmsg(sioc->fd, &msg,
                      MSG_CMSG_CLOEXEC |
                      ((flags & QIO_CHANNEL_READ_FLAG_MSG_PEEK) ?
                       MSG_PEEK : 0));
    } while (ret < 0 && errno == EINTR);
    if (ret < 0) {
        if (errno == EAGAIN) {
            return QIO_CHANNEL_ERR_BLOCK;
        }
        error_setg_errno(errp, errno, "Unable to read from socket");
        return -1;
    }
    if (fds && nfds) {
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c;
             c = CMSG_NXTHDR(&msg, c)) {
            size_t n;

            if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
                continue;
            }
            n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            *fds = g_renew(int, *fds, *nfds + n);
            memcpy(*fds + *nfds, CMSG_DATA(c), n * sizeof(int));
            *nfds += n;
        }
    }
    return ret;
}

#ifdef __linux__
/*
 * Spliced writes: vmsplice() puts references to the caller's pages in a
 * pipe, splice() moves them into the socket, and the peer's read is the
 * only copy (a plain send copies into the socket buffer first; on a
 * unix socket that is half the work of moving guest RAM).  The pipe
 * holds two multifd packets' pages (1 MiB, pipe-max-size's default);
 * if the kernel keeps it smaller, each call moves less.
 */
#define SOCKET_SPLICE_PIPE_SIZE (1024 * 1024)

static void socket_splice_close(QIOChannelSocket *sioc)
{
    if (sioc->splice_pipe[0] >= 0) {
        close(sioc->splice_pipe[0]);
        close(sioc->splice_pipe[1]);
        sioc->splice_pipe[0] = sioc->splice_pipe[1] = -1;
    }
}

/* Move @len bytes from the (otherwise empty) pipe into the socket. */
static int socket_splice_out(QIOChannelSocket *sioc, size_t len,
                             Error **errp)
{
    while (len) {
        ssize_t n = splice(sioc->splice_pipe[0], NULL, sioc->fd, NULL, len,
                           SPLICE_F_MOVE);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && errno == EAGAIN) {
            /* A non-blocking socket: the pages are in the pipe already. */
            struct pollfd pfd = { .fd = sioc->fd, .events = POLLOUT };

            poll(&pfd, 1, -1);
            continue;
        }
        if (n <= 0) {
            error_setg_errno(errp, n < 0 ? errno : EPIPE,
                             "Unable to write to socket");
            return -1;
        }
        len -= n;
    }
    return 0;
}

/*
 * Write @iov by reference; returns the bytes written, -1 with @errp, or
 * 0 if the pages cannot be spliced (the caller copies them instead).
 */
static ssize_t socket_writev_splice(QIOChannelSocket *sioc,
                                    const struct iovec *iov, size_t niov,
                                    Error **errp)
{
    ssize_t n;

    if (sioc->splice_pipe[0] < 0) {
        if (pipe2(sioc->splice_pipe, O_CLOEXEC) < 0) {
            sioc->splice_pipe[0] = sioc->splice_pipe[1] = -1;
            return 0;
        }
        fcntl(sioc->splice_pipe[1], F_SETPIPE_SZ, SOCKET_SPLICE_PIPE_SIZE);
    }
    do {
        n = vmsplice(sioc->splice_pipe[1], iov, MIN(niov, IOV_MAX),
                     SPLICE_F_NONBLOCK);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {
        /* Memory the kernel cannot take references to: copy it. */
        trace_qio_channel_socket_splice_refused(sioc, n < 0 ? errno : 0);
        return 0;
    }
    if (socket_splice_out(sioc, n, errp) < 0) {
        /* What is left in the pipe must never reach a later write. */
        socket_splice_close(sioc);
        return -1;
    }
    return n;
}
#endif

static ssize_t qio_channel_socket_writev(QIOChannel *ioc,
                                         const struct iovec *iov,
                                         size_t niov, int *fds, size_t nfds,
                                         int flags, Error **errp)
{
    QIOChannelSocket *sioc = QIO_CHANNEL_SOCKET(ioc);
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int) * SOCKET_MAX_FDS)];
    } control;
    struct msghdr msg = {
        .msg_iov = (struct iovec *)iov,
        .msg_iovlen = niov,
    };
    ssize_t ret;
    int sflags = MSG_NOSIGNAL;

#ifdef __linux__
    if ((flags & QIO_CHANNEL_WRITE_FLAG_SPLICE) && !nfds) {
        ret = socket_writev_splice(sioc, iov, niov, errp);
        if (ret) {
            return ret;
        }
    }
#endif
#ifdef QIO_SOCKET_ZEROCOPY
    if (flags & QIO_CHANNEL_WRITE_FLAG_ZERO_COPY) {
        sflags |= MSG_ZEROCOPY;
    }
#endif
    if (nfds) {
        struct cmsghdr *c;

        if (nfds > SOCKET_MAX_FDS) {
            error_setg_errno(errp, EINVAL, "Only %d FDs can be sent, got "
                             "%zu", SOCKET_MAX_FDS, nfds);
            return -1;
        }
        memset(&control, 0, sizeof(control));
        msg.msg_control = &control;
        msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
        c = CMSG_FIRSTHDR(&msg);
        c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
    }
    do {
        /* MSG_NOSIGNAL: a closed peer is an error, not a SIGPIPE. */
        ret = sendmsg(sioc->fd, &msg, sflags);
    } while (ret < 0 && errno == EINTR);
    if (ret < 0) {
        if (errno == EAGAIN) {
            return QIO_CHANNEL_ERR_BLOCK;
        }
        if (errno == ENOBUFS && (sflags & MSG_ZEROCOPY)) {
            /* The pages are pinned against RLIMIT_MEMLOCK. */
            error_setg_errno(errp, errno, "Process can't lock enough memory "
                             "for using MSG_ZEROCOPY");
            return -1;
        }
        error_setg_errno(errp, errno, "Unable to write to socket");
        return -1;
    }
    if (sflags & MSG_ZEROCOPY) {
        sioc->zero_copy_queued++;
    }
    return ret;
}

#ifdef QIO_SOCKET_ZEROCOPY
/*
 * Read the completions of MSG_ZEROCOPY sends from the error queue until
 * every send so far is done; each names a range of sends, and says
 * whether the kernel copied them after all.
 */
static int qio_channel_socket_flush(QIOChannel *ioc, Error **errp)
{
    QIOChannelSocket *sioc = QIO_CHANNEL_SOCKET(ioc);
    bool copied = false;

    while (sioc->zero_copy_sent < sioc->zero_copy_queued) {
        char control[CMSG_SPACE(sizeof(struct sock_extended_err))];
        struct msghdr msg = {
            .msg_control = control, .msg_controllen = sizeof(control),
        };
        struct cmsghdr *cm;
        struct sock_extended_err *serr;
        ssize_t ret = recvmsg(sioc->fd, &msg, MSG_ERRQUEUE);

        if (ret < 0) {
            if (errno == EAGAIN) {
                struct pollfd pfd = { .fd = sioc->fd, .events = POLLERR };

                /* Completions come as POLLERR. */
                if (poll(&pfd, 1, -1) < 0 && errno != EINTR) {
                    error_setg_errno(errp, errno, "Poll error");
                    return -1;
                }
                if (pfd.revents & (POLLHUP | POLLNVAL)) {
                    error_setg(errp, "Socket closed while waiting for "
                               "zero-copy completions");
                    return -1;
                }
                continue;
            }
            if (errno == EINTR) {
                continue;
            }
            error_setg_errno(errp, errno, "Unable to read errqueue");
            return -1;
        }
        cm = CMSG_FIRSTHDR(&msg);
        if (!cm || !((cm->cmsg_level == SOL_IP &&
                      cm->cmsg_type == IP_RECVERR) ||
                     (cm->cmsg_level == SOL_IPV6 &&
                      cm->cmsg_type == IPV6_RECVERR))) {
            error_setg(errp, "Unexpected message on the socket's error "
                       "queue");
            return -1;
        }
        serr = (struct sock_extended_err *)CMSG_DATA(cm);
        if (serr->ee_origin != SO_EE_ORIGIN_ZEROCOPY) {
            error_setg_errno(errp, serr->ee_errno, "Error on socket");
            return -1;
        }
        if (serr->ee_errno != 0) {
            error_setg_errno(errp, serr->ee_errno, "Error on socket");
            return -1;
        }
        sioc->zero_copy_sent += serr->ee_data - serr->ee_info + 1;
        if (serr->ee_code == SO_EE_CODE_ZEROCOPY_COPIED) {
            copied = true;
        }
    }
    return copied ? 1 : 0;
}
#endif

static int qio_channel_socket_set_blocking(QIOChannel *ioc, bool enabled,
                                           Error **errp)
{
    int ret = qemu_set_blocking(QIO_CHANNEL_SOCKET(ioc)->fd, enabled);

    if (ret < 0) {
        error_setg_errno(errp, -ret, "Unable to set socket blocking mode");
        return -1;
    }
    return 0;
}

static void qio_channel_socket_set_delay(QIOChannel *ioc, bool enabled)
{
    QIOChannelSocket *sioc = QIO_CHANNEL_SOCKET(ioc);
    int v = !enabled;

    if (sioc->localAddr.ss_family == AF_INET ||
        sioc->localAddr.ss_family == AF_INET6) {
        setsockopt(sioc->fd, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v));
    }
}

static void qio_channel_socket_set_cloexec(QIOChannel *ioc, bool enabled)
{
    int fd = QIO_CHANNEL_SOCKET(ioc)->fd;
    int flags = fcntl(fd, F_GETFD);

    if (flags >= 0) {
        fcntl(fd, F_SETFD, enabled ? flags | FD_CLOEXEC
                                   : flags & ~FD_CLOEXEC);
    }
}

static int qio_channel_socket_close(QIOChannel *ioc, Error **errp)
{
    QIOChannelSocket *sioc = QIO_CHANNEL_SOCKET(ioc);
    int ret = 0;

    if (sioc->fd == -1) {
        return 0;
    }
    if (qio_channel_has_feature(ioc, QIO_CHANNEL_FEATURE_LISTEN)) {
        socket_listen_cleanup(sioc->fd, NULL);
    }
    if (close(sioc->fd) < 0) {
        error_setg_errno(errp, errno, "Unable to close socket");
        ret = -1;
    }
    sioc->fd = -1;
#ifdef __linux__
    socket_splice_close(sioc);
#endif
    return ret;
}

static int qio_channel_socket_shutdown(QIOChannel *ioc,
                                       QIOChannelShutdown how, Error **errp)
{
    QIOChannelSocket *sioc = QIO_CHANNEL_SOCKET(ioc);
    int sockhow = how == QIO_CHANNEL_SHUTDOWN_READ ? SHUT_RD :
                  how == QIO_CHANNEL_SHUTDOWN_WRITE ? SHUT_WR : SHUT_RDWR;

    if (shutdown(sioc->fd, sockhow) < 0) {
        error_setg_errno(errp, errno, "Unable to shutdown socket");
        return -1;
    }
    return 0;
}

static GSource *qio_channel_socket_create_watch(QIOChannel *ioc,
                                                GIOCondition condition)
{
    return qio_channel_create_socket_watch(ioc,
                                           QIO_CHANNEL_SOCKET(ioc)->fd,
                                           condition);
}

static void qio_channel_socket_init(Object *obj)
{
    QIOChannelSocket *sioc = QIO_CHANNEL_SOCKET(obj);

    sioc->fd = -1;
    sioc->splice_pipe[0] = sioc->splice_pipe[1] = -1;
    qio_channel_set_feature(QIO_CHANNEL(obj), QIO_CHANNEL_FEATURE_SHUTDOWN);
    qio_channel_set_feature(QIO_CHANNEL(obj),
                            QIO_CHANNEL_FEATURE_READ_MSG_PEEK);
}

static void qio_channel_socket_finalize(Object *obj)
{
    QIOChannelSocket *sioc = QIO_CHANNEL_SOCKET(obj);

    if (sioc->fd != -1) {
        if (qio_channel_has_feature(QIO_CHANNEL(obj),
                                    QIO_CHANNEL_FEATURE_LISTEN)) {
            socket_listen_cleanup(sioc->fd, NULL);
        }
        close(sioc->fd);
        sioc->fd = -1;
    }
#ifdef __linux__
    socket_splice_close(sioc);
#endif
}

static void qio_channel_socket_class_init(ObjectClass *klass,
                                          const void *class_data)
{
    QIOChannelClass *ioc_klass = QIO_CHANNEL_CLASS(klass);

    ioc_klass->io_writev = qio_channel_socket_writev;
    ioc_klass->io_readv = qio_channel_socket_readv;
    ioc_klass->io_set_blocking = qio_channel_socket_set_blocking;
    ioc_klass->io_close = qio_channel_socket_close;
    ioc_klass->io_shutdown = qio_channel_socket_shutdown;
    ioc_klass->io_set_cloexec = qio_channel_socket_set_cloexec;
    ioc_klass->io_set_delay = qio_channel_socket_set_delay;
    ioc_klass->io_create_watch = qio_channel_socket_create_watch;
#ifdef QIO_SOCKET_ZEROCOPY
    ioc_klass->io_flush = qio_channel_socket_flush;
#endif
}

static const TypeInfo qio_channel_socket_info = {
    .parent = TYPE_QIO_CHANNEL,
    .name = TYPE_QIO_CHANNEL_SOCKET,
    .instance_size = sizeof(QIOChannelSocket),
    .instance_init = qio_channel_socket_init,
    .instance_finalize = qio_channel_socket_finalize,
    .class_init = qio_channel_socket_class_init,
};

static void qio_channel_socket_register_types(void)
{
    type_register_static(&qio_channel_socket_info);
}

type_init(qio_channel_socket_register_types)
