/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Socket helpers: parse address strings, listen, connect, and convert
 * between sockaddrs and the QAPI SocketAddress type.
 *
 * Address strings (socket_parse), as QEMU's migration URIs take them:
 *   tcp:HOST:PORT[,OPT...]  or  HOST:PORT[,OPT...]   inet; HOST may be
 *                                 empty (any), a name, an IPv4 address or
 *                                 [IPv6]; OPT: to=PORT (listen on the
 *                                 first free port up to PORT), ipv4[=on|off],
 *                                 ipv6[=on|off], keep-alive[=on|off],
 *                                 numeric[=on|off]
 *   unix:PATH                     unix socket (PATH taken verbatim)
 *   vsock:CID:PORT                virtio-vsock
 *   fd:N or fd:NAME               an already open socket: a number is used
 *                                 as it is; a name is looked up through
 *                                 the resolver set with
 *                                 socket_set_fd_resolver (the monitor's
 *                                 getfd table)
 * Abstract unix sockets (Linux) are set through the SocketAddress fields
 * abstract/tight, as in QMP; they have no string syntax.
 *
 * All descriptors returned are close-on-exec and blocking.
 */
#ifndef QEMU_SOCKETS_H
#define QEMU_SOCKETS_H

#include <sys/socket.h>
#include "qapi/qapi-types-sockets.h"

/* ------------------------------------------------------- descriptors */

int qemu_socket(int domain, int type, int protocol);
int qemu_accept(int s, struct sockaddr *addr, socklen_t *addrlen);
int socket_set_cork(int fd, int v);
int socket_set_nodelay(int fd);
/*
 * Raise SO_SNDBUF or SO_RCVBUF (@optname) of @fd to @bytes unless it is
 * that large already; the kernel caps it (net.core.wmem_max/rmem_max).
 */
int socket_grow_buffer(int fd, int optname, int bytes);
void qemu_socket_set_block(int fd);
int qemu_socket_try_set_nonblock(int fd);
void qemu_socket_set_nonblock(int fd);
/* SO_REUSEADDR, so a restarted listener can bind at once. */
int socket_set_fast_reuse(int fd);

/* ---------------------------------------------------------- parsing */

/* Fill @addr from "HOST:PORT[,OPT...]"; see the top of this file. */
int inet_parse(InetSocketAddress *addr, const char *str, Error **errp);
SocketAddress *socket_parse(const char *str, Error **errp);
/* "tcp:HOST:PORT", "unix:PATH", "vsock:CID:PORT", "fd:STR". */
char *socket_address_to_string(const SocketAddress *addr);
SocketAddress *socket_address_flatten(SocketAddressLegacy *addr);

/* ------------------------------------------------------- fd: lookup */

/*
 * How fd:NAME addresses find their descriptor: returns a new descriptor
 * (the caller owns it) or -1 with @errp set.  The monitor installs one;
 * without it only numeric fd: addresses work.
 */
typedef int (*SocketFdResolver)(const char *name, Error **errp);
void socket_set_fd_resolver(SocketFdResolver resolver);
/* The descriptor of an fd: address (resolved or numeric), or -1. */
int socket_get_fd(const char *fdstr, Error **errp);

/* ------------------------------------------------ listen and connect */

/* Listen; @num is the backlog (0: a default).  Returns the fd or -1. */
int socket_listen(SocketAddress *addr, int num, Error **errp);
/* Undo socket_listen side effects (unlink a unix socket file). */
void socket_listen_cleanup(int fd, Error **errp);
/* Blocking connect; returns the fd or -1. */
int socket_connect(SocketAddress *addr, Error **errp);

int inet_listen_saddr(InetSocketAddress *saddr, int port_offset, int num,
                      Error **errp);
int inet_connect_saddr(InetSocketAddress *saddr, Error **errp);
int inet_connect(const char *str, Error **errp);
int unix_listen(const char *path, Error **errp);
int unix_connect(const char *path, Error **errp);
int unix_listen_saddr(UnixSocketAddress *saddr, int num, Error **errp);
int unix_connect_saddr(UnixSocketAddress *saddr, Error **errp);

/* ------------------------------------------------ sockaddr conversion */

NetworkAddressFamily inet_netfamily(int family);
SocketAddress *socket_sockaddr_to_address(struct sockaddr_storage *sa,
                                          socklen_t salen, Error **errp);
SocketAddress *socket_local_address(int fd, Error **errp);
SocketAddress *socket_remote_address(int fd, Error **errp);

#endif /* QEMU_SOCKETS_H */
