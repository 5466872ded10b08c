/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The socket chardev: unix or TCP, client or server.
 *
 * A server listens and serves one client at a time; while a client is
 * connected, new connections wait in the listen backlog.  wait=on (the
 * default for servers) blocks creation until the first client connects.
 * A client connects at creation; with reconnect=N it retries every N
 * seconds after a failure or a disconnect instead of failing.  On unix
 * sockets, descriptors passed with SCM_RIGHTS are kept for the front end
 * (qemu_chr_fe_get_msgfd) and can be sent with qemu_chr_fe_set_msgfds.
 *
 * Plain fds and our own GSources are used (not QIOChannelSocket) so the
 * input can be polled in any GMainContext, such as a monitor's I/O
 * thread.  The fd is closed under chr_write_lock, so writers in other
 * threads never write to a recycled descriptor.
 */
#include "qemu/osdep.h"
#include "chardev/char.h"
#include "chardev/char-fe.h"
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "qemu/yank.h"
#include "qemu/atomic.h"
#include "qemu/sockets.h"
#include "chardev/trace.h"
#include <glib-unix.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

typedef struct SocketChardev {
    Chardev parent;
    bool is_unix;
    bool is_listen;
    bool nodelay;
    char *path;             /* unix */
    char *host, *port;      /* tcp */
    int listen_fd;
    int fd;                 /* the connection, -1 if none */
    GSource *listen_watch;
    GSource *read_watch;
    GSource *reconnect_timer;
    int64_t reconnect_ms;
    int read_msgfds[CHR_MAX_MSGFDS];
    int read_msgfds_num;
    int write_msgfds[CHR_MAX_MSGFDS];
    int write_msgfds_num;
    bool yank_registered;
} SocketChardev;

#define SOCKET_CHARDEV(obj) \
    OBJECT_CHECK(SocketChardev, (obj), TYPE_CHARDEV_SOCKET)

static void tcp_chr_connected(Chardev *chr, int fd);
static void tcp_chr_update_read_handler(Chardev *chr);

/* ------------------------------------------------------- addresses */

static char *tcp_chr_describe(SocketChardev *s, bool connected)
{
    const char *server = s->is_listen ? ",server=on" : "";

    if (s->is_unix) {
        return g_strdup_printf("%sunix:%s%s", connected ? "" :
                               "disconnected:", s->path, server);
    }
    return g_strdup_printf("%stcp:%s:%s%s", connected ? "" : "disconnected:",
                           s->host, s->port, server);
}

static void tcp_chr_set_filename(SocketChardev *s, bool connected)
{
    Chardev *chr = (Chardev *)s;

    g_free(chr->filename);
    chr->filename = tcp_chr_describe(s, connected);
}

/*
 * Listening and connecting go through util/qemu-sockets.c.  A unix server
 * replaces a stale socket file but refuses to delete any other file.
 */
static int tcp_chr_listen_fd(SocketChardev *s, Error **errp)
{
    if (s->is_unix) {
        UnixSocketAddress saddr = { .path = s->path };
        struct stat st;

        if (stat(s->path, &st) == 0 && !S_ISSOCK(st.st_mode)) {
            error_setg(errp, "Failed to bind socket to %s: the file exists "
                       "and is not a socket", s->path);
            return -1;
        }
        return unix_listen_saddr(&saddr, 16, errp);
    } else {
        InetSocketAddress saddr = { .host = s->host, .port = s->port };

        return inet_listen_saddr(&saddr, 0, 16, errp);
    }
}

static int tcp_chr_listen(SocketChardev *s, Error **errp)
{
    int fd = tcp_chr_listen_fd(s, errp);

    trace_tcp_chr_listen(((Chardev *)s)->label, ((Chardev *)s)->filename,
                         fd);
    return fd;
}

static int tcp_chr_connect_addr(SocketChardev *s, Error **errp)
{
    if (s->is_unix) {
        UnixSocketAddress saddr = { .path = s->path };

        return unix_connect_saddr(&saddr, errp);
    } else {
        InetSocketAddress saddr = {
            .host = s->host[0] ? s->host : (char *)"localhost",
            .port = s->port,
        };

        return inet_connect_saddr(&saddr, errp);
    }
}

static int tcp_chr_connect_fd(SocketChardev *s, Error **errp)
{
    int fd = tcp_chr_connect_addr(s, errp);

    trace_tcp_chr_connect_fd(((Chardev *)s)->label,
                             ((Chardev *)s)->filename, fd);
    return fd;
}

/* ------------------------------------------------------- connection */

static void tcp_chr_yank(void *opaque)
{
    SocketChardev *s = opaque;
    int fd = qatomic_read(&s->fd);

    /*
     * Only shut the connection down: the owning context sees the hang-up
     * and cleans up, so this is safe from the yank (OOB) thread.
     */
    if (fd >= 0) {
        shutdown(fd, SHUT_RDWR);
    }
}

static void tcp_chr_free_read_fds(SocketChardev *s)
{
    for (int i = 0; i < s->read_msgfds_num; i++) {
        close(s->read_msgfds[i]);
    }
    s->read_msgfds_num = 0;
}

static gboolean tcp_chr_reconnect_cb(gpointer opaque);

static void tcp_chr_schedule_reconnect(SocketChardev *s)
{
    Chardev *chr = (Chardev *)s;

    if (s->reconnect_timer || s->reconnect_ms <= 0) {
        return;
    }
    trace_tcp_chr_schedule_reconnect(chr->label, s->reconnect_ms);
    s->reconnect_timer = g_timeout_source_new(s->reconnect_ms);
    g_source_set_callback(s->reconnect_timer, tcp_chr_reconnect_cb, s, NULL);
    g_source_attach(s->reconnect_timer, chr->gcontext);
}

static void tcp_chr_disconnect(Chardev *chr)
{
    SocketChardev *s = SOCKET_CHARDEV(chr);

    if (s->fd < 0) {
        return;
    }
    trace_tcp_chr_disconnect(chr->label, s->fd);
    chr_fd_watch_remove(&s->read_watch);
    qemu_mutex_lock(&chr->chr_write_lock);
    close(s->fd);
    qatomic_set(&s->fd, -1);
    qemu_mutex_unlock(&chr->chr_write_lock);
    tcp_chr_free_read_fds(s);
    tcp_chr_set_filename(s, false);
    qemu_chr_be_event(chr, CHR_EVENT_CLOSED);
    if (s->is_listen) {
        tcp_chr_update_read_handler(chr);   /* listen again */
    } else {
        tcp_chr_schedule_reconnect(s);
    }
}

static gboolean tcp_chr_reconnect_cb(gpointer opaque)
{
    SocketChardev *s = opaque;
    int fd;

    fd = tcp_chr_connect_fd(s, NULL);
    if (fd < 0) {
        return G_SOURCE_CONTINUE;       /* try again after the delay */
    }
    g_source_unref(s->reconnect_timer);
    s->reconnect_timer = NULL;
    tcp_chr_connected((Chardev *)s, fd);
    return G_SOURCE_REMOVE;
}

static int tcp_chr_can_read(void *opaque)
{
    return qemu_chr_be_can_write(opaque);
}

static gboolean tcp_chr_read(int fd, GIOCondition cond, void *opaque)
{
    Chardev *chr = opaque;
    SocketChardev *s = SOCKET_CHARDEV(chr);
    uint8_t buf[CHR_READ_BUF_LEN];
    int len = MIN(qemu_chr_be_can_write(chr), (int)sizeof(buf));
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int) * CHR_MAX_MSGFDS)];
    } control;
    struct iovec iov;
    struct msghdr msg = { 0 };
    struct cmsghdr *cmsg;
    ssize_t n;

    if (len <= 0) {
        if (!(cond & (G_IO_HUP | G_IO_ERR))) {
            return TRUE;
        }
        len = 1;    /* hung up: read to see the end of the stream */
    }
    iov.iov_base = buf;
    iov.iov_len = len;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = &control;
    msg.msg_controllen = sizeof(control);
    do {
        n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && errno == EAGAIN) {
        return TRUE;
    }
    if (n <= 0) {
        /* The watch is destroyed by the disconnect; keep our ref sane. */
        tcp_chr_disconnect(chr);
        return FALSE;
    }
    for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
        int nfds, *fds;

        if (cmsg->cmsg_level != SOL_SOCKET ||
            cmsg->cmsg_type != SCM_RIGHTS) {
            continue;
        }
        nfds = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        fds = (int *)CMSG_DATA(cmsg);
        /* New fds replace ones the front end did not take. */
        tcp_chr_free_read_fds(s);
        for (int i = 0; i < nfds; i++) {
            if (s->read_msgfds_num < CHR_MAX_MSGFDS) {
                s->read_msgfds[s->read_msgfds_num++] = fds[i];
            } else {
                close(fds[i]);
            }
        }
    }
    qemu_chr_be_write(chr, buf, n);
    return TRUE;
}

static void tcp_chr_connected(Chardev *chr, int fd)
{
    SocketChardev *s = SOCKET_CHARDEV(chr);

    g_unix_set_fd_nonblocking(fd, TRUE, NULL);
    if (!s->is_unix && s->nodelay) {
        int on = 1;

        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    }
    qatomic_set(&s->fd, fd);
    tcp_chr_set_filename(s, true);
    trace_tcp_chr_connected(chr->label, fd, chr->filename);
    tcp_chr_update_read_handler(chr);
    qemu_chr_be_event(chr, CHR_EVENT_OPENED);
}

static gboolean tcp_chr_accept(int listen_fd, GIOCondition cond,
                               void *opaque)
{
    Chardev *chr = opaque;
    SocketChardev *s = SOCKET_CHARDEV(chr);
    int fd;

    if (s->fd >= 0) {
        return TRUE;
    }
    fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    trace_tcp_chr_accept(chr->label, fd);
    if (fd < 0) {
        return TRUE;
    }
    tcp_chr_connected(chr, fd);
    return TRUE;
}

static void tcp_chr_update_read_handler(Chardev *chr)
{
    SocketChardev *s = SOCKET_CHARDEV(chr);

    chr_fd_watch_remove(&s->listen_watch);
    chr_fd_watch_remove(&s->read_watch);
    if (s->fd >= 0) {
        s->read_watch = chr_fd_watch_add(s->fd, tcp_chr_can_read,
                                         tcp_chr_read, chr, chr->gcontext);
    } else if (s->is_listen && s->listen_fd >= 0) {
        s->listen_watch = chr_fd_watch_add(s->listen_fd, NULL,
                                           tcp_chr_accept, chr,
                                           chr->gcontext);
    }
}

static int tcp_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    SocketChardev *s = SOCKET_CHARDEV(chr);
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int) * CHR_MAX_MSGFDS)];
    } control;
    struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    ssize_t n;

    if (s->fd < 0) {
        /* Nobody connected: drop the data, as QEMU does. */
        return len;
    }
    if (s->write_msgfds_num) {
        struct cmsghdr *cmsg;
        size_t fdsize = sizeof(int) * s->write_msgfds_num;

        memset(&control, 0, sizeof(control));
        msg.msg_control = &control;
        msg.msg_controllen = CMSG_SPACE(fdsize);
        cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_len = CMSG_LEN(fdsize);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        memcpy(CMSG_DATA(cmsg), s->write_msgfds, fdsize);
    }
    do {
        n = sendmsg(s->fd, &msg, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n > 0) {
        s->write_msgfds_num = 0;
    } else if (n < 0 && errno != EAGAIN) {
        /* The reader side notices the hang-up and disconnects. */
        return len;
    }
    return n;
}

static GSource *tcp_chr_add_watch(Chardev *chr, GIOCondition cond)
{
    SocketChardev *s = SOCKET_CHARDEV(chr);
    int fd = qatomic_read(&s->fd);

    return fd < 0 ? NULL : g_unix_fd_source_new(fd, cond);
}

static int tcp_chr_get_msgfds(Chardev *chr, int *fds, int num)
{
    SocketChardev *s = SOCKET_CHARDEV(chr);
    int n = MIN(num, s->read_msgfds_num);

    memcpy(fds, s->read_msgfds, n * sizeof(int));
    /* Untaken fds are closed: one message's fds go with that message. */
    for (int i = n; i < s->read_msgfds_num; i++) {
        close(s->read_msgfds[i]);
    }
    s->read_msgfds_num = 0;
    return n;
}

static int tcp_chr_set_msgfds(Chardev *chr, int *fds, int num)
{
    SocketChardev *s = SOCKET_CHARDEV(chr);

    if (!s->is_unix || num > CHR_MAX_MSGFDS) {
        return -1;
    }
    memcpy(s->write_msgfds, fds, num * sizeof(int));
    s->write_msgfds_num = num;
    return 0;
}

static bool tcp_chr_open(Chardev *chr, QemuOpts *opts, bool *be_opened,
                         Error **errp)
{
    SocketChardev *s = SOCKET_CHARDEV(chr);
    const char *path = qemu_opt_get(opts, "path");
    const char *host = qemu_opt_get(opts, "host");
    const char *port = qemu_opt_get(opts, "port");
    bool wait;
    int64_t reconnect_ms;

    s->is_listen = qemu_opt_get_bool(opts, "server", false);
    wait = qemu_opt_get_bool(opts, "wait", true);
    s->nodelay = qemu_opt_get_bool(opts, "nodelay", false);
    reconnect_ms = qemu_opt_get_number(opts, "reconnect", 0) * 1000;
    if (qemu_opt_get(opts, "reconnect-ms")) {
        reconnect_ms = qemu_opt_get_number(opts, "reconnect-ms", 0);
    }
    if (qemu_opt_get_bool(opts, "telnet", false)) {
        error_setg(errp, "chardev: telnet is not supported by Tern");
        return false;
    }
    if (path && (host || port)) {
        error_setg(errp, "chardev: socket: give either path or host/port");
        return false;
    }
    if (!path && !port) {
        error_setg(errp, "chardev: socket: no %s given",
                   host ? "port" : "host and/or port");
        return false;
    }
    if (s->is_listen && reconnect_ms) {
        error_setg(errp, "'reconnect' option is incompatible with "
                   "'server' socket mode");
        return false;
    }
    if (!s->is_listen && qemu_opt_get(opts, "wait")) {
        error_setg(errp, "'wait' option is incompatible with "
                   "socket in client connect mode");
        return false;
    }
    s->is_unix = path != NULL;
    s->path = g_strdup(path);
    s->host = g_strdup(host ? host : "");
    s->port = g_strdup(port);
    s->reconnect_ms = reconnect_ms;
    *be_opened = false;
    tcp_chr_set_filename(s, false);

    if (yank_register_instance(CHARDEV_YANK_INSTANCE(chr->label), NULL)) {
        yank_register_function(CHARDEV_YANK_INSTANCE(chr->label),
                               tcp_chr_yank, s);
        s->yank_registered = true;
    }

    if (s->is_listen) {
        s->listen_fd = tcp_chr_listen(s, errp);
        if (s->listen_fd < 0) {
            return false;
        }
        if (!s->is_unix && !strcmp(s->port, "0")) {
            struct sockaddr_storage ss;
            socklen_t sl = sizeof(ss);
            char portbuf[16];

            /* Report the port the kernel picked. */
            if (getsockname(s->listen_fd, (struct sockaddr *)&ss, &sl) == 0
                && getnameinfo((struct sockaddr *)&ss, sl, NULL, 0, portbuf,
                               sizeof(portbuf), NI_NUMERICSERV) == 0) {
                g_free(s->port);
                s->port = g_strdup(portbuf);
                tcp_chr_set_filename(s, false);
            }
        }
        if (wait) {
            int fd;

            info_report("QEMU waiting for connection on: %s",
                        chr->filename);
            do {
                fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
            } while (fd < 0 && errno == EINTR);
            trace_tcp_chr_accept(chr->label, fd);
            if (fd < 0) {
                error_setg_errno(errp, errno, "Failed to accept");
                return false;
            }
            tcp_chr_connected(chr, fd);
        } else {
            tcp_chr_update_read_handler(chr);
        }
    } else {
        Error *err = NULL;
        int fd = tcp_chr_connect_fd(s, &err);

        if (fd < 0) {
            if (!s->reconnect_ms) {
                error_propagate(errp, err);
                return false;
            }
            /* With reconnect, keep trying in the background. */
            error_free(err);
            tcp_chr_schedule_reconnect(s);
        } else {
            tcp_chr_connected(chr, fd);
        }
    }
    return true;
}

static void tcp_chr_init(Object *obj)
{
    SocketChardev *s = SOCKET_CHARDEV(obj);

    s->fd = -1;
    s->listen_fd = -1;
}

static void tcp_chr_cleanup(Chardev *chr)
{
    SocketChardev *s = SOCKET_CHARDEV(chr);

    if (s->yank_registered) {
        yank_unregister_function(CHARDEV_YANK_INSTANCE(chr->label),
                                 tcp_chr_yank, s);
        yank_unregister_instance(CHARDEV_YANK_INSTANCE(chr->label));
    }
    chr_fd_watch_remove(&s->listen_watch);
    chr_fd_watch_remove(&s->read_watch);
    if (s->reconnect_timer) {
        g_source_destroy(s->reconnect_timer);
        g_source_unref(s->reconnect_timer);
    }
    if (s->fd >= 0) {
        close(s->fd);
    }
    if (s->listen_fd >= 0) {
        close(s->listen_fd);
        if (s->is_unix) {
            unlink(s->path);
        }
    }
    tcp_chr_free_read_fds(s);
    g_free(s->path);
    g_free(s->host);
    g_free(s->port);
}

static void tcp_chr_class_init(ObjectClass *oc, const void *data)
{
    ChardevClass *cc = (ChardevClass *)oc;

    cc->backend_name = "socket";
    cc->open = tcp_chr_open;
    cc->chr_write = tcp_chr_write;
    cc->chr_update_read_handler = tcp_chr_update_read_handler;
    cc->get_msgfds = tcp_chr_get_msgfds;
    cc->set_msgfds = tcp_chr_set_msgfds;
    cc->chr_disconnect = tcp_chr_disconnect;
    cc->chr_add_watch = tcp_chr_add_watch;
    cc->chr_cleanup = tcp_chr_cleanup;
}

static const TypeInfo tcp_chr_type = {
    .name = TYPE_CHARDEV_SOCKET,
    .parent = TYPE_CHARDEV,
    .instance_size = sizeof(SocketChardev),
    .instance_init = tcp_chr_init,
    .class_init = tcp_chr_class_init,
};

static void register_types(void)
{
    type_register_static(&tcp_chr_type);
}

type_init(register_types);
