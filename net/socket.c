/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -netdev socket: Ethernet frames over a host socket.  udp=HOST:PORT
 * with localaddr=HOST:PORT sends each frame as one datagram and takes
 * every datagram arriving at localaddr; connect= / listen= carry frames
 * over one TCP connection, each prefixed by its length (4 bytes,
 * big-endian), QEMU's stream format.  A listener takes the first peer
 * that connects.  mcast=GROUP:PORT (IPv4, with localaddr= the address
 * of the interface to use) joins the group and sends each frame as one
 * datagram to it; the socket loops its own datagrams back, as QEMU's
 * does, so every member on the host, this one included, gets them.
 * fd= (a number, or a name passed with getfd) is a socket opened by the
 * caller: a stream one carries the length-prefixed stream, a datagram
 * one must be connected (each frame is sent with send()).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-types-sockets.h"
#include "qemu/main-loop.h"
#include <netdb.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include "qemu/sockets.h"
#include "net/clients.h"
#include "net/net-parse.h"
#include "net/trace.h"
#include "qemu/bswap.h"
#include "qemu/error-report.h"
#include "monitor/monitor.h"

typedef struct NetSocketState {
    NetClientState nc;
    int fd;                     /* the UDP socket or TCP connection */
    int listen_fd;
    struct sockaddr_storage dgram_dst;
    socklen_t dgram_dst_len;
    bool dgram;
    NetStreamReader *reader;    /* TCP: frames from length prefixes */
    bool dgram_connected;       /* fd=: send(), no destination */
} NetSocketState;

static void net_socket_close_conn(NetSocketState *s)
{
    trace_net_socket_closed(s->nc.name);
    qemu_set_fd_handler(s->fd, NULL, NULL, NULL);
    close(s->fd);
    s->fd = -1;
    snprintf(s->nc.info_str, sizeof(s->nc.info_str), "socket: closed");
}

static ssize_t net_socket_receive(NetClientState *nc, const uint8_t *buf,
                                  size_t size)
{
    NetSocketState *s = container_of(nc, NetSocketState, nc);
    uint8_t hdr[4];

    if (s->fd < 0) {
        return size;            /* no peer yet: dropped, as on a wire */
    }
    if (s->dgram) {
        /* A datagram that cannot leave is lost, as on a wire. */
        if (s->dgram_connected) {
            send(s->fd, buf, size, 0);
        } else {
            sendto(s->fd, buf, size, 0, (struct sockaddr *)&s->dgram_dst,
                   s->dgram_dst_len);
        }
        return size;
    }
    stl_be_p(hdr, size);
    if (qemu_write_full(s->fd, hdr, 4) != 4 ||
        qemu_write_full(s->fd, buf, size) != size) {
        net_socket_close_conn(s);
    }
    return size;
}

/* Datagrams taken per wake-up: one poll round trip per frame is slow. */
#define NET_SOCKET_DGRAM_BATCH 64

static void net_socket_dgram_read(void *opaque)
{
    NetSocketState *s = opaque;
    g_autofree uint8_t *buf = g_malloc(NET_MAX_FRAME);

    for (int i = 0; i < NET_SOCKET_DGRAM_BATCH && s->fd >= 0; i++) {
        ssize_t n = recv(s->fd, buf, NET_MAX_FRAME, MSG_DONTWAIT);

        if (n <= 0) {
            return;
        }
        qemu_send_packet(&s->nc, buf, n);
    }
}

static void net_socket_deliver(void *opaque, const uint8_t *frame,
                               size_t size)
{
    NetSocketState *s = opaque;

    qemu_send_packet(&s->nc, frame, size);
}

static void net_socket_stream_read(void *opaque)
{
    NetSocketState *s = opaque;
    uint8_t buf[4096];
    ssize_t n = recv(s->fd, buf, sizeof(buf), 0);
    Error *err = NULL;

    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return;
    }
    if (n <= 0) {
        net_socket_close_conn(s);
        return;
    }
    if (!net_stream_feed(s->reader, buf, n, net_socket_deliver, s, &err)) {
        /* Not QEMU's framing: nothing after this can be read. */
        error_report("netdev %s: %s; closing", s->nc.name,
                     error_get_pretty(err));
        error_free(err);
        net_socket_close_conn(s);
    }
}

static void net_socket_set_conn(NetSocketState *s, int fd)
{
    g_autoptr(SocketAddress) peer = socket_remote_address(fd, NULL);
    g_autofree char *str = peer ? socket_address_to_string(peer) : NULL;

    s->fd = fd;
    memset(s->reader, 0, offsetof(NetStreamReader, frame));
    qemu_socket_set_nonblock(fd);
    qemu_set_fd_handler(fd, net_socket_stream_read, NULL, s);
    snprintf(s->nc.info_str, sizeof(s->nc.info_str), "socket: connection "
             "from %s", str ? str : "?");
    trace_net_socket_connected(s->nc.name, str ? str : "?");
}

static void net_socket_accept(void *opaque)
{
    NetSocketState *s = opaque;
    int fd = qemu_accept(s->listen_fd, NULL, NULL);

    if (fd < 0) {
        return;
    }
    if (s->fd >= 0) {
        close(fd);              /* one peer at a time, as QEMU */
        return;
    }
    net_socket_set_conn(s, fd);
}

static void net_socket_cleanup(NetClientState *nc)
{
    NetSocketState *s = container_of(nc, NetSocketState, nc);

    if (s->fd >= 0) {
        qemu_set_fd_handler(s->fd, NULL, NULL, NULL);
        close(s->fd);
    }
    if (s->listen_fd >= 0) {
        qemu_set_fd_handler(s->listen_fd, NULL, NULL, NULL);
        close(s->listen_fd);
    }
    g_free(s->reader);
}

static const NetClientInfo net_socket_info = {
    .type = NET_CLIENT_DRIVER_SOCKET,
    .size = sizeof(NetSocketState),
    .receive = net_socket_receive,
    .cleanup = net_socket_cleanup,
};

static bool resolve(const char *str, struct sockaddr_storage *ss,
                    socklen_t *len, Error **errp)
{
    InetSocketAddress addr = { 0 };
    struct addrinfo hints = { .ai_socktype = SOCK_DGRAM };
    struct addrinfo *res = NULL;
    int rc;

    if (inet_parse(&addr, str, errp) < 0) {
        return false;
    }
    rc = getaddrinfo(addr.host[0] ? addr.host : NULL, addr.port, &hints,
                     &res);
    g_free(addr.host);
    g_free(addr.port);
    if (rc || !res) {
        error_setg(errp, "address resolution failed for %s: %s", str,
                   gai_strerror(rc));
        return false;
    }
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    freeaddrinfo(res);
    return true;
}

static void net_socket_dgram_start(NetSocketState *s, int fd)
{
    qemu_socket_set_nonblock(fd);
    s->fd = fd;
    s->dgram = true;
    qemu_set_fd_handler(fd, net_socket_dgram_read, NULL, s);
}

/* fd=: a socket the caller opened, datagram (connected) or stream. */
static bool net_socket_from_fd(NetSocketState *s, const char *fdname,
                               Error **errp)
{
    int fd = monitor_fd_param(monitor_cur(), fdname, errp);
    int type;
    socklen_t len = sizeof(type);

    if (fd < 0) {
        return false;
    }
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0) {
        error_setg(errp, "can't get socket option SO_TYPE");
        close(fd);
        return false;
    }
    if (type == SOCK_DGRAM) {
        net_socket_dgram_start(s, fd);
        s->dgram_connected = true;
    } else if (type == SOCK_STREAM) {
        net_socket_set_conn(s, fd);
    } else {
        error_setg(errp, "socket type=%d for fd=%d must be either "
                   "SOCK_DGRAM or SOCK_STREAM", type, fd);
        close(fd);
        return false;
    }
    snprintf(s->nc.info_str, sizeof(s->nc.info_str), "socket: fd=%d", fd);
    return true;
}

/*
 * mcast=GROUP:PORT: bound to the group's port, a member of the group on
 * @localaddr's interface (any without it), looping back what it sends.
 */
static bool net_socket_mcast(NetSocketState *s, const char *mcast,
                             const char *localaddr, Error **errp)
{
    struct sockaddr_in *group = (struct sockaddr_in *)&s->dgram_dst;
    struct in_addr local = { .s_addr = htonl(INADDR_ANY) };
    struct ip_mreq mreq;
    int fd, one = 1;
    uint8_t loop = 1;

    if (!resolve(mcast, &s->dgram_dst, &s->dgram_dst_len, errp)) {
        return false;
    }
    if (group->sin_family != AF_INET ||
        !IN_MULTICAST(ntohl(group->sin_addr.s_addr))) {
        error_setg(errp, "specified mcastaddr %s does not contain a "
                   "multicast address", mcast);
        return false;
    }
    if (localaddr && !inet_aton(localaddr, &local)) {
        error_setg(errp, "localaddr '%s' is not a valid IPv4 address",
                   localaddr);
        return false;
    }
    fd = qemu_socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "can't create datagram socket");
        return false;
    }
    /* Other members on this host bind the same port. */
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) {
        error_setg_errno(errp, errno, "can't set socket option "
                         "SO_REUSEADDR");
        goto fail;
    }
    if (bind(fd, (struct sockaddr *)group, sizeof(*group)) < 0) {
        error_setg_errno(errp, errno, "can't bind ip=%s to socket",
                         inet_ntoa(group->sin_addr));
        goto fail;
    }
    mreq.imr_multiaddr = group->sin_addr;
    mreq.imr_interface = local;
    if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq,
                   sizeof(mreq)) < 0) {
        error_setg_errno(errp, errno, "can't add socket to multicast group "
                         "%s", inet_ntoa(mreq.imr_multiaddr));
        goto fail;
    }
    if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop,
                   sizeof(loop)) < 0) {
        error_setg_errno(errp, errno, "can't force multicast message to "
                         "loopback");
        goto fail;
    }
    if (localaddr && setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &local,
                                sizeof(local)) < 0) {
        error_setg_errno(errp, errno, "can't set the default network send "
                         "interface");
        goto fail;
    }
    net_socket_dgram_start(s, fd);
    snprintf(s->nc.info_str, sizeof(s->nc.info_str), "socket: mcast=%s:%d",
             inet_ntoa(group->sin_addr), ntohs(group->sin_port));
    return true;

fail:
    close(fd);
    return false;
}

static bool net_socket_udp(NetSocketState *s, const char *udp,
                           const char *localaddr, Error **errp)
{
    struct sockaddr_storage local;
    socklen_t local_len;
    int fd;

    if (!localaddr) {
        error_setg(errp, "localaddr= is mandatory with udp=");
        return false;
    }
    if (!resolve(udp, &s->dgram_dst, &s->dgram_dst_len, errp) ||
        !resolve(localaddr, &local, &local_len, errp)) {
        return false;
    }
    fd = qemu_socket(local.ss_family, SOCK_DGRAM, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "can't create datagram socket");
        return false;
    }
    socket_set_fast_reuse(fd);
    if (bind(fd, (struct sockaddr *)&local, local_len) < 0) {
        error_setg_errno(errp, errno, "can't bind ip=%s to socket",
                         localaddr);
        close(fd);
        return false;
    }
    net_socket_dgram_start(s, fd);
    snprintf(s->nc.info_str, sizeof(s->nc.info_str), "socket: udp=%s",
             udp);
    return true;
}

bool net_init_socket(const NetdevSocketOptions *opts, const char *name,
                     Error **errp)
{
    int modes = !!opts->listen + !!opts->connect + !!opts->mcast +
                !!opts->udp + !!opts->fd;
    NetClientState *nc;
    NetSocketState *s;
    g_autoptr(SocketAddress) addr = NULL;

    if (modes != 1) {
        error_setg(errp, "exactly one of listen=, connect=, mcast= or udp= "
                   "is required");
        return false;
    }
    if (opts->localaddr && !opts->udp && !opts->mcast) {
        error_setg(errp, "localaddr= is only valid with mcast= or udp=");
        return false;
    }
    nc = qemu_new_net_client(&net_socket_info, NULL, "socket", name);
    s = container_of(nc, NetSocketState, nc);
    s->fd = -1;
    s->listen_fd = -1;
    s->reader = g_new0(NetStreamReader, 1);
    if (opts->fd) {
        if (!net_socket_from_fd(s, opts->fd, errp)) {
            goto fail;
        }
        return true;
    }
    if (opts->udp || opts->mcast) {
        if (opts->udp ? !net_socket_udp(s, opts->udp, opts->localaddr, errp)
                      : !net_socket_mcast(s, opts->mcast, opts->localaddr,
                                          errp)) {
            goto fail;
        }
        return true;
    }
    addr = g_new0(SocketAddress, 1);
    addr->type = SOCKET_ADDRESS_TYPE_INET;
    if (inet_parse(&addr->u.inet, opts->listen ? opts->listen
                                               : opts->connect, errp) < 0) {
        goto fail;
    }
    if (opts->listen) {
        s->listen_fd = socket_listen(addr, 1, errp);
        if (s->listen_fd < 0) {
            goto fail;
        }
        qemu_set_fd_handler(s->listen_fd, net_socket_accept, NULL, s);
        snprintf(nc->info_str, sizeof(nc->info_str), "socket: wait from "
                 "%s", opts->listen);
    } else {
        int fd = socket_connect(addr, errp);

        if (fd < 0) {
            goto fail;
        }
        net_socket_set_conn(s, fd);
    }
    return true;

fail:
    qemu_del_net_client(nc);
    return false;
}
