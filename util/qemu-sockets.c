/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Socket helpers: address parsing, listening and connecting for inet,
 * unix (incl. Linux abstract), vsock and fd: addresses, and sockaddr to
 * SocketAddress conversion.  See include/qemu/sockets.h.
 */
#include "qemu/osdep.h"
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/un.h>
#ifdef CONFIG_LINUX
#include <linux/vm_sockets.h>
#endif
#include "qapi/error.h"
#include "qapi/clone-visitor.h"
#include "qapi/qapi-visit-sockets.h"
#include "qemu/cutils.h"
#include "qemu/sockets.h"

/* ------------------------------------------------------- descriptors */

int qemu_socket(int domain, int type, int protocol)
{
    return socket(domain, type | SOCK_CLOEXEC, protocol);
}

int qemu_accept(int s, struct sockaddr *addr, socklen_t *addrlen)
{
    return RETRY_ON_EINTR(accept4(s, addr, addrlen, SOCK_CLOEXEC));
}

int socket_set_cork(int fd, int v)
{
    return setsockopt(fd, IPPROTO_TCP, TCP_CORK, &v, sizeof(v));
}

int socket_set_nodelay(int fd)
{
    int v = 1;

    return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v));
}

int socket_grow_buffer(int fd, int optname, int bytes)
{
    int cur = 0;
    socklen_t len = sizeof(cur);

    /* Linux reports twice what was set (its bookkeeping share). */
    if (getsockopt(fd, SOL_SOCKET, optname, &cur, &len) == 0 &&
        cur >= 2 * bytes) {
        return 0;
    }
    return setsockopt(fd, SOL_SOCKET, optname, &bytes, sizeof(bytes));
}

void qemu_socket_set_block(int fd)
{
    g_assert(qemu_set_blocking(fd, true) == 0);
}

int qemu_socket_try_set_nonblock(int fd)
{
    return qemu_set_blocking(fd, false);
}

void qemu_socket_set_nonblock(int fd)
{
    g_assert(qemu_socket_try_set_nonblock(fd) == 0);
}

int socket_set_fast_reuse(int fd)
{
    int v = 1;

    return setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v));
}

/* ---------------------------------------------------------- parsing */

static bool inet_parse_flag(const char *name, const char *value, bool *has,
                            bool *val, Error **errp)
{
    *has = true;
    if (!value) {
        *val = true;
        return true;
    }
    return qapi_bool_parse(name, value, val, errp);
}

int inet_parse(InetSocketAddress *addr, const char *str, Error **errp)
{
    g_auto(GStrv) opts = NULL;
    const char *p, *rest;
    size_t hostlen;

    memset(addr, 0, sizeof(*addr));
    if (str[0] == '[') {
        const char *end = strchr(str, ']');

        if (!end || end[1] != ':') {
            error_setg(errp, "error parsing IPv6 address '%s'", str);
            return -1;
        }
        addr->host = g_strndup(str + 1, end - str - 1);
        addr->has_ipv6 = addr->ipv6 = true;
        p = end + 2;
    } else {
        const char *colon = strchr(str, ':');

        if (!colon) {
            error_setg(errp, "error parsing address '%s'", str);
            return -1;
        }
        hostlen = colon - str;
        if (memchr(str, ',', hostlen)) {
            error_setg(errp, "error parsing address '%s'", str);
            return -1;
        }
        addr->host = g_strndup(str, hostlen);
        p = colon + 1;
    }
    rest = strchr(p, ',');
    addr->port = rest ? g_strndup(p, rest - p) : g_strdup(p);
    if (!addr->port[0] || strchr(addr->port, ':')) {
        error_setg(errp, "error parsing port in address '%s'", str);
        goto fail;
    }
    if (!rest) {
        return 0;
    }

    opts = g_strsplit(rest + 1, ",", -1);
    for (char **o = opts; *o; o++) {
        char *eq = strchr(*o, '=');
        const char *value = NULL;
        bool ok = true;

        if (eq) {
            *eq = '\0';
            value = eq + 1;
        }
        if (!strcmp(*o, "to")) {
            uint64_t to;

            if (!value || parse_uint_full(value, 10, &to) < 0 ||
                to > 65535) {
                error_setg(errp, "error parsing 'to' in address '%s'", str);
                goto fail;
            }
            addr->has_to = true;
            addr->to = to;
        } else if (!strcmp(*o, "ipv4")) {
            ok = inet_parse_flag("ipv4", value, &addr->has_ipv4,
                                 &addr->ipv4, errp);
        } else if (!strcmp(*o, "ipv6")) {
            ok = inet_parse_flag("ipv6", value, &addr->has_ipv6,
                                 &addr->ipv6, errp);
        } else if (!strcmp(*o, "keep-alive")) {
            ok = inet_parse_flag("keep-alive", value, &addr->has_keep_alive,
                                 &addr->keep_alive, errp);
        } else if (!strcmp(*o, "numeric")) {
            ok = inet_parse_flag("numeric", value, &addr->has_numeric,
                                 &addr->numeric, errp);
#ifdef HAVE_IPPROTO_MPTCP
        } else if (!strcmp(*o, "mptcp")) {
            ok = inet_parse_flag("mptcp", value, &addr->has_mptcp,
                                 &addr->mptcp, errp);
#endif
        } else {
            error_setg(errp, "unknown option '%s' in address '%s'", *o, str);
            goto fail;
        }
        if (!ok) {
            goto fail;
        }
    }
    return 0;

fail:
    g_free(addr->host);
    g_free(addr->port);
    addr->host = addr->port = NULL;
    return -1;
}

SocketAddress *socket_parse(const char *str, Error **errp)
{
    g_autoptr(SocketAddress) addr = g_new0(SocketAddress, 1);
    const char *rest;

    if (strstart(str, "unix:", &rest)) {
        if (!rest[0]) {
            error_setg(errp, "invalid Unix socket address");
            return NULL;
        }
        addr->type = SOCKET_ADDRESS_TYPE_UNIX;
        addr->u.q_unix.path = g_strdup(rest);
    } else if (strstart(str, "fd:", &rest)) {
        if (!rest[0]) {
            error_setg(errp, "invalid file descriptor address");
            return NULL;
        }
        addr->type = SOCKET_ADDRESS_TYPE_FD;
        addr->u.fd.str = g_strdup(rest);
    } else if (strstart(str, "vsock:", &rest)) {
        const char *colon = strchr(rest, ':');

        if (!colon || colon == rest || !colon[1] || strchr(colon + 1, ':')) {
            error_setg(errp, "error parsing vsock address '%s'", rest);
            return NULL;
        }
        addr->type = SOCKET_ADDRESS_TYPE_VSOCK;
        addr->u.vsock.cid = g_strndup(rest, colon - rest);
        addr->u.vsock.port = g_strdup(colon + 1);
    } else {
        strstart(str, "tcp:", &str);
        addr->type = SOCKET_ADDRESS_TYPE_INET;
        if (inet_parse(&addr->u.inet, str, errp) < 0) {
            return NULL;
        }
    }
    return g_steal_pointer(&addr);
}

char *socket_address_to_string(const SocketAddress *addr)
{
    switch (addr->type) {
    case SOCKET_ADDRESS_TYPE_INET:
        /* Bracket any host inet_parse() would not read back bare. */
        if (strpbrk(addr->u.inet.host, ":,") ||
            addr->u.inet.host[0] == '[') {
            return g_strdup_printf("tcp:[%s]:%s", addr->u.inet.host,
                                   addr->u.inet.port);
        }
        return g_strdup_printf("tcp:%s:%s", addr->u.inet.host,
                               addr->u.inet.port);
    case SOCKET_ADDRESS_TYPE_UNIX:
        return g_strdup_printf("unix:%s", addr->u.q_unix.path);
    case SOCKET_ADDRESS_TYPE_VSOCK:
        return g_strdup_printf("vsock:%s:%s", addr->u.vsock.cid,
                               addr->u.vsock.port);
    case SOCKET_ADDRESS_TYPE_FD:
        return g_strdup_printf("fd:%s", addr->u.fd.str);
    default:
        g_assert_not_reached();
    }
}

SocketAddress *socket_address_flatten(SocketAddressLegacy *addr_legacy)
{
    SocketAddress *addr;

    if (!addr_legacy) {
        return NULL;
    }
    addr = g_new0(SocketAddress, 1);
    switch (addr_legacy->type) {
    case SOCKET_ADDRESS_TYPE_INET:
        addr->type = SOCKET_ADDRESS_TYPE_INET;
        QAPI_CLONE_MEMBERS(InetSocketAddress, &addr->u.inet,
                           addr_legacy->u.inet.data);
        break;
    case SOCKET_ADDRESS_TYPE_UNIX:
        addr->type = SOCKET_ADDRESS_TYPE_UNIX;
        QAPI_CLONE_MEMBERS(UnixSocketAddress, &addr->u.q_unix,
                           addr_legacy->u.q_unix.data);
        break;
    case SOCKET_ADDRESS_TYPE_VSOCK:
        addr->type = SOCKET_ADDRESS_TYPE_VSOCK;
        QAPI_CLONE_MEMBERS(VsockSocketAddress, &addr->u.vsock,
                           addr_legacy->u.vsock.data);
        break;
    case SOCKET_ADDRESS_TYPE_FD:
        addr->type = SOCKET_ADDRESS_TYPE_FD;
        QAPI_CLONE_MEMBERS(FdSocketAddress, &addr->u.fd,
                           addr_legacy->u.fd.data);
        break;
    default:
        g_assert_not_reached();
    }
    return addr;
}

/* ------------------------------------------------------- fd: lookup */

static SocketFdResolver fd_resolver;

void socket_set_fd_resolver(SocketFdResolver resolver)
{
    fd_resolver = resolver;
}

int socket_get_fd(const char *fdstr, Error **errp)
{
    uint64_t n;

    if (parse_uint_full(fdstr, 10, &n) == 0) {
        if (n > INT_MAX || fcntl((int)n, F_GETFD) < 0) {
            error_setg(errp, "File descriptor %s is not open", fdstr);
            return -1;
        }
        return n;
    }
    if (!fd_resolver) {
        error_setg(errp, "No file descriptor named '%s' (no monitor to "
                   "look it up)", fdstr);
        return -1;
    }
    return fd_resolver(fdstr, errp);
}

static bool fd_is_socket(int fd)
{
    int type;
    socklen_t len = sizeof(type);

    return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0;
}

/* ------------------------------------------------------------ inet */

NetworkAddressFamily inet_netfamily(int family)
{
    switch (family) {
    case AF_INET6:
        return NETWORK_ADDRESS_FAMILY_IPV6;
    case AF_INET:
        return NETWORK_ADDRESS_FAMILY_IPV4;
    case AF_UNIX:
        return NETWORK_ADDRESS_FAMILY_UNIX;
#ifdef CONFIG_LINUX
    case AF_VSOCK:
        return NETWORK_ADDRESS_FAMILY_VSOCK;
#endif
    }
    return NETWORK_ADDRESS_FAMILY_UNKNOWN;
}

static int inet_ai_family(InetSocketAddress *addr, Error **errp)
{
    bool v4 = !addr->has_ipv4 || addr->ipv4;
    bool v6 = !addr->has_ipv6 || addr->ipv6;

    /* An explicit "on" for one family alone selects it. */
    if (addr->has_ipv4 && addr->ipv4 && !(addr->has_ipv6 && addr->ipv6)) {
        return AF_INET;
    }
    if (addr->has_ipv6 && addr->ipv6 && !(addr->has_ipv4 && addr->ipv4)) {
        return AF_INET6;
    }
    if (!v4 && !v6) {
        error_setg(errp, "Cannot disable both IPv4 and IPv6");
        return -1;
    }
    return v4 && v6 ? AF_UNSPEC : v4 ? AF_INET : AF_INET6;
}

static struct addrinfo *inet_resolve(InetSocketAddress *saddr,
                                     const char *port, bool passive,
                                     Error **errp)
{
    struct addrinfo ai = { .ai_socktype = SOCK_STREAM };
    struct addrinfo *res = NULL;
    const char *host = saddr->host && saddr->host[0] ? saddr->host : NULL;
    int family = inet_ai_family(saddr, errp);
    int rc;

    if (family < 0) {
        return NULL;
    }
    ai.ai_family = family;
    ai.ai_flags = (passive ? AI_PASSIVE : 0) |
                  (saddr->has_numeric && saddr->numeric ? AI_NUMERICHOST : 0);
    if (!passive && !host) {
        error_setg(errp, "host not specified");
        return NULL;
    }
    rc = getaddrinfo(host, port, &ai, &res);
    if (rc != 0) {
        error_setg(errp, "address resolution failed for %s:%s: %s",
                   host ? host : "", port, gai_strerror(rc));
        return NULL;
    }
    return res;
}

static int inet_bind_one(struct addrinfo *e, int port, bool v6only, int num,
                         int *err)
{
    int fd = qemu_socket(e->ai_family, e->ai_socktype, e->ai_protocol);

    if (fd < 0) {
        *err = errno;
        return -1;
    }
    socket_set_fast_reuse(fd);
    if (e->ai_family == AF_INET6) {
        int v = v6only;

        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v, sizeof(v));
        ((struct sockaddr_in6 *)e->ai_addr)->sin6_port = htons(port);
    } else if (e->ai_family == AF_INET) {
        ((struct sockaddr_in *)e->ai_addr)->sin_port = htons(port);
    }
    if (bind(fd, e->ai_addr, e->ai_addrlen) == 0 &&
        listen(fd, num > 0 ? num : 1) == 0) {
        return fd;
    }
    *err = errno;
    close(fd);
    return -1;
}

int inet_listen_saddr(InetSocketAddress *saddr, int port_offset, int num,
                      Error **errp)
{
    struct addrinfo *res, *e;
    uint64_t port;
    int last_port, err = 0;
    bool v6only = saddr->has_ipv4 && !saddr->ipv4;

    res = inet_resolve(saddr, saddr->port, true, errp);
    if (!res) {
        return -1;
    }
    /* getaddrinfo resolved a service name to its number for us. */
    port = res->ai_family == AF_INET6 ?
        ntohs(((struct sockaddr_in6 *)res->ai_addr)->sin6_port) :
        ntohs(((struct sockaddr_in *)res->ai_addr)->sin_port);
    port += port_offset;
    last_port = saddr->has_to ? saddr->to + port_offset : (int)port;
    if (port > 65535 || last_port < (int)port) {
        error_setg(errp, "port range %" PRIu64 "..%d is invalid", port,
                   last_port);
        freeaddrinfo(res);
        return -1;
    }
    for (e = res; e; e = e->ai_next) {
        for (int p = port; p <= last_port; p++) {
            int fd = inet_bind_one(e, p, v6only, num, &err);

            if (fd >= 0) {
                freeaddrinfo(res);
                return fd;
            }
            if (err != EADDRINUSE) {
                break;
            }
        }
    }
    freeaddrinfo(res);
    if (err == EADDRINUSE && saddr->has_to) {
        error_setg(errp, "No free port in %s:%" PRIu64 "..%d",
                   saddr->host, port, last_port);
    } else {
        error_setg_errno(errp, err, "Failed to listen on %s:%s",
                         saddr->host, saddr->port);
    }
    return -1;
}

int inet_connect_saddr(InetSocketAddress *saddr, Error **errp)
{
    struct addrinfo *res, *e;
    int err = 0;

    res = inet_resolve(saddr, saddr->port, false, errp);
    if (!res) {
        return -1;
    }
    for (e = res; e; e = e->ai_next) {
        int fd = qemu_socket(e->ai_family, e->ai_socktype, e->ai_protocol);

        if (fd < 0) {
            err = errno;
            continue;
        }
        if (RETRY_ON_EINTR(connect(fd, e->ai_addr, e->ai_addrlen)) == 0) {
            freeaddrinfo(res);
            if (saddr->has_keep_alive && saddr->keep_alive) {
                int v = 1;

                setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof(v));
            }
            return fd;
        }
        err = errno;
        close(fd);
    }
    freeaddrinfo(res);
    error_setg_errno(errp, err, "Failed to connect to %s:%s", saddr->host,
                     saddr->port);
    return -1;
}

int inet_connect(const char *str, Error **errp)
{
    InetSocketAddress addr;
    int fd;

    if (inet_parse(&addr, str, errp) < 0) {
        return -1;
    }
    fd = inet_connect_saddr(&addr, errp);
    g_free(addr.host);
    g_free(addr.port);
    return fd;
}

/* ------------------------------------------------------------ unix */

static bool unix_abstract(UnixSocketAddress *saddr, bool *tight)
{
#ifdef CONFIG_LINUX
    *tight = !saddr->has_tight || saddr->tight;
    return saddr->has_abstract && saddr->abstract;
#else
    *tight = true;
    return false;
#endif
}

static bool unix_sockaddr(UnixSocketAddress *saddr, struct sockaddr_un *un,
                          socklen_t *len, Error **errp)
{
    bool tight;
    bool abstract = unix_abstract(saddr, &tight);
    size_t pathlen = strlen(saddr->path);
    /* Room for the NUL (or, abstract, the leading NUL). */
    size_t max = sizeof(un->sun_path) - 1;

    if (!pathlen) {
        error_setg(errp, "Unix socket path must not be empty");
        return false;
    }
    if (pathlen > max) {
        error_setg(errp, "UNIX socket path '%s' is too long", saddr->path);
        return false;
    }
    memset(un, 0, sizeof(*un));
    un->sun_family = AF_UNIX;
    if (abstract) {
        memcpy(un->sun_path + 1, saddr->path, pathlen);
        *len = tight ? offsetof(struct sockaddr_un, sun_path) + 1 + pathlen
                     : sizeof(*un);
    } else {
        memcpy(un->sun_path, saddr->path, pathlen);
        *len = sizeof(*un);
    }
    return true;
}

int unix_listen_saddr(UnixSocketAddress *saddr, int num, Error **errp)
{
    struct sockaddr_un un;
    socklen_t len;
    bool tight;
    int fd;

    if (!unix_sockaddr(saddr, &un, &len, errp)) {
        return -1;
    }
    fd = qemu_socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Failed to create Unix socket");
        return -1;
    }
    if (!unix_abstract(saddr, &tight) && unlink(saddr->path) < 0 &&
        errno != ENOENT) {
        error_setg_errno(errp, errno, "Failed to unlink socket %s",
                         saddr->path);
        goto fail;
    }
    if (bind(fd, (struct sockaddr *)&un, len) < 0) {
        error_setg_errno(errp, errno, "Failed to bind socket to %s",
                         saddr->path);
        goto fail;
    }
    if (listen(fd, num > 0 ? num : 1) < 0) {
        error_setg_errno(errp, errno, "Failed to listen on socket");
        goto fail;
    }
    return fd;

fail:
    close(fd);
    return -1;
}

int unix_connect_saddr(UnixSocketAddress *saddr, Error **errp)
{
    struct sockaddr_un un;
    socklen_t len;
    int fd;

    if (!unix_sockaddr(saddr, &un, &len, errp)) {
        return -1;
    }
    fd = qemu_socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Failed to create socket");
        return -1;
    }
    if (RETRY_ON_EINTR(connect(fd, (struct sockaddr *)&un, len)) < 0) {
        error_setg_errno(errp, errno, "Failed to connect to '%s'",
                         saddr->path);
        close(fd);
        return -1;
    }
    return fd;
}

int unix_listen(const char *path, Error **errp)
{
    UnixSocketAddress saddr = { .path = (char *)path };

    return unix_listen_saddr(&saddr, 1, errp);
}

int unix_connect(const char *path, Error **errp)
{
    UnixSocketAddress saddr = { .path = (char *)path };

    return unix_connect_saddr(&saddr, errp);
}

/* ----------------------------------------------------------- vsock */

#ifdef CONFIG_LINUX
static bool vsock_sockaddr(VsockSocketAddress *vaddr,
                           struct sockaddr_vm *svm, Error **errp)
{
    uint64_t cid, port;

    if (parse_uint_full(vaddr->cid, 10, &cid) < 0 || cid > UINT32_MAX) {
        error_setg(errp, "Invalid vsock cid '%s'", vaddr->cid);
        return false;
    }
    if (parse_uint_full(vaddr->port, 10, &port) < 0 || port > UINT32_MAX) {
        error_setg(errp, "Invalid vsock port '%s'", vaddr->port);
        return false;
    }
    memset(svm, 0, sizeof(*svm));
    svm->svm_family = AF_VSOCK;
    svm->svm_cid = cid;
    svm->svm_port = port;
    return true;
}

static int vsock_open(VsockSocketAddress *vaddr, bool listening, int num,
                      Error **errp)
{
    struct sockaddr_vm svm;
    int fd;

    if (!vsock_sockaddr(vaddr, &svm, errp)) {
        return -1;
    }
    fd = qemu_socket(AF_VSOCK, SOCK_STREAM, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Failed to create vsock socket");
        return -1;
    }
    if (listening) {
        if (bind(fd, (struct sockaddr *)&svm, sizeof(svm)) < 0 ||
            listen(fd, num > 0 ? num : 1) < 0) {
            error_setg_errno(errp, errno, "Failed to listen on vsock %s:%s",
                             vaddr->cid, vaddr->port);
            close(fd);
            return -1;
        }
    } else if (RETRY_ON_EINTR(connect(fd, (struct sockaddr *)&svm,
                                      sizeof(svm))) < 0) {
        error_setg_errno(errp, errno, "Failed to connect to vsock %s:%s",
                         vaddr->cid, vaddr->port);
        close(fd);
        return -1;
    }
    return fd;
}
#else
static int vsock_open(VsockSocketAddress *vaddr, bool listening, int num,
                      Error **errp)
{
    error_setg(errp, "vsock sockets are only supported on Linux");
    return -1;
}
#endif

/* --------------------------------------------------- by SocketAddress */

static int socket_fd_addr(SocketAddress *addr, Error **errp)
{
    int fd = socket_get_fd(addr->u.fd.str, errp);

    if (fd < 0) {
        return -1;
    }
    if (!fd_is_socket(fd)) {
        error_setg(errp, "File descriptor '%s' is not a socket",
                   addr->u.fd.str);
        close(fd);
        return -1;
    }
    return fd;
}

int socket_listen(SocketAddress *addr, int num, Error **errp)
{
    int fd;

    switch (addr->type) {
    case SOCKET_ADDRESS_TYPE_INET:
        return inet_listen_saddr(&addr->u.inet, 0, num, errp);
    case SOCKET_ADDRESS_TYPE_UNIX:
        return unix_listen_saddr(&addr->u.q_unix, num, errp);
    case SOCKET_ADDRESS_TYPE_VSOCK:
        return vsock_open(&addr->u.vsock, true, num, errp);
    case SOCKET_ADDRESS_TYPE_FD:
        fd = socket_fd_addr(addr, errp);
        if (fd >= 0 && listen(fd, num > 0 ? num : 1) < 0) {
            error_setg_errno(errp, errno, "Failed to listen on fd '%s'",
                             addr->u.fd.str);
            close(fd);
            return -1;
        }
        return fd;
    default:
        g_assert_not_reached();
    }
}

void socket_listen_cleanup(int fd, Error **errp)
{
    g_autoptr(SocketAddress) addr = socket_local_address(fd, errp);
    bool tight;

    if (!addr) {
        return;
    }
    if (addr->type == SOCKET_ADDRESS_TYPE_UNIX &&
        !unix_abstract(&addr->u.q_unix, &tight) && addr->u.q_unix.path &&
        unlink(addr->u.q_unix.path) < 0 && errno != ENOENT) {
        error_setg_errno(errp, errno, "Failed to unlink socket %s",
                         addr->u.q_unix.path);
    }
}

int socket_connect(SocketAddress *addr, Error **errp)
{
    switch (addr->type) {
    case SOCKET_ADDRESS_TYPE_INET:
        return inet_connect_saddr(&addr->u.inet, errp);
    case SOCKET_ADDRESS_TYPE_UNIX:
        return unix_connect_saddr(&addr->u.q_unix, errp);
    case SOCKET_ADDRESS_TYPE_VSOCK:
        return vsock_open(&addr->u.vsock, false, 0, errp);
    case SOCKET_ADDRESS_TYPE_FD:
        return socket_fd_addr(addr, errp);
    default:
        g_assert_not_reached();
    }
}

/* ------------------------------------------------ sockaddr conversion */

SocketAddress *socket_sockaddr_to_address(struct sockaddr_storage *sa,
                                          socklen_t salen, Error **errp)
{
    SocketAddress *addr = g_new0(SocketAddress, 1);

    switch (sa->ss_family) {
    case AF_INET:
    case AF_INET6: {
        char host[NI_MAXHOST], serv[NI_MAXSERV];
        int rc = getnameinfo((struct sockaddr *)sa, salen, host,
                             sizeof(host), serv, sizeof(serv),
                             NI_NUMERICHOST | NI_NUMERICSERV);

        if (rc != 0) {
            error_setg(errp, "Cannot format numeric socket address: %s",
                       gai_strerror(rc));
            g_free(addr);
            return NULL;
        }
        addr->type = SOCKET_ADDRESS_TYPE_INET;
        addr->u.inet.host = g_strdup(host);
        addr->u.inet.port = g_strdup(serv);
        if (sa->ss_family == AF_INET6) {
            addr->u.inet.has_ipv6 = addr->u.inet.ipv6 = true;
        } else {
            addr->u.inet.has_ipv4 = addr->u.inet.ipv4 = true;
        }
        break;
    }
    case AF_UNIX: {
        struct sockaddr_un *un = (struct sockaddr_un *)sa;
        size_t off = offsetof(struct sockaddr_un, sun_path);
        size_t plen = salen > off ? salen - off : 0;

        addr->type = SOCKET_ADDRESS_TYPE_UNIX;
#ifdef CONFIG_LINUX
        if (plen > 0 && un->sun_path[0] == '\0') {
            addr->u.q_unix.has_abstract = addr->u.q_unix.abstract = true;
            addr->u.q_unix.has_tight = true;
            addr->u.q_unix.tight = salen < sizeof(*un);
            addr->u.q_unix.path = g_strndup(un->sun_path + 1, plen - 1);
            break;
        }
#endif
        addr->u.q_unix.path = g_strndup(un->sun_path, plen);
        break;
    }
#ifdef CONFIG_LINUX
    case AF_VSOCK: {
        struct sockaddr_vm *svm = (struct sockaddr_vm *)sa;

        addr->type = SOCKET_ADDRESS_TYPE_VSOCK;
        addr->u.vsock.cid = g_strdup_printf("%u", svm->svm_cid);
        addr->u.vsock.port = g_strdup_printf("%u", svm->svm_port);
        break;
    }
#endif
    default:
        error_setg(errp, "socket family %d unsupported", sa->ss_family);
        g_free(addr);
        return NULL;
    }
    return addr;
}

SocketAddress *socket_local_address(int fd, Error **errp)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
        error_setg_errno(errp, errno, "Unable to query local socket address");
        return NULL;
    }
    return socket_sockaddr_to_address(&ss, len, errp);
}

SocketAddress *socket_remote_address(int fd, Error **errp)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0) {
        error_setg_errno(errp, errno,
                         "Unable to query remote socket address");
        return NULL;
    }
    return socket_sockaddr_to_address(&ss, len, errp);
}
