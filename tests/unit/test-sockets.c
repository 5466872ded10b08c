/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests for util/qemu-sockets.c: address parsing (good and bad strings),
 * listen/connect over TCP (IPv4, IPv6 when available), unix and abstract
 * unix sockets, port 0 and port ranges, fd: addresses and the resolver.
 */
#include "qemu/osdep.h"
#include <sys/socket.h>
#include <netinet/in.h>
#include "qapi/error.h"
#include "qemu/sockets.h"

static void test_parse_ok(void)
{
    static const struct {
        const char *in;
        const char *out;            /* socket_address_to_string */
    } cases[] = {
        { "tcp:localhost:4444", "tcp:localhost:4444" },
        { "localhost:4444", "tcp:localhost:4444" },
        { "tcp::4444", "tcp::4444" },
        { "tcp:[::1]:4444", "tcp:[::1]:4444" },
        { "127.0.0.1:0,to=10", "tcp:127.0.0.1:0" },
        { "tcp:host:http", "tcp:host:http" },
        { "unix:/tmp/sock", "unix:/tmp/sock" },
        { "unix:rel,with,commas", "unix:rel,with,commas" },
        { "fd:7", "fd:7" },
        { "fd:mysock", "fd:mysock" },
        { "vsock:3:1234", "vsock:3:1234" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        g_autoptr(SocketAddress) addr = socket_parse(cases[i].in,
                                                     &error_abort);
        g_autofree char *s = socket_address_to_string(addr);

        g_assert_cmpstr(s, ==, cases[i].out);
    }
}

static void test_parse_options(void)
{
    g_autoptr(SocketAddress) a = socket_parse(
        "tcp:[::1]:5000,to=5010,ipv4=off,keep-alive,numeric=on",
        &error_abort);
    g_autoptr(SocketAddress) b = socket_parse("h:1,ipv4", &error_abort);

    g_assert_cmpint(a->type, ==, SOCKET_ADDRESS_TYPE_INET);
    g_assert_cmpstr(a->u.inet.host, ==, "::1");
    g_assert_cmpstr(a->u.inet.port, ==, "5000");
    g_assert_true(a->u.inet.has_to);
    g_assert_cmpuint(a->u.inet.to, ==, 5010);
    g_assert_true(a->u.inet.has_ipv4 && !a->u.inet.ipv4);
    g_assert_true(a->u.inet.has_ipv6 && a->u.inet.ipv6);
    g_assert_true(a->u.inet.has_keep_alive && a->u.inet.keep_alive);
    g_assert_true(a->u.inet.has_numeric && a->u.inet.numeric);
    g_assert_true(b->u.inet.has_ipv4 && b->u.inet.ipv4);
    g_assert_false(b->u.inet.has_ipv6);
}

static void test_parse_errors(void)
{
    static const struct {
        const char *in;
        const char *msg;
    } cases[] = {
        { "unix:", "invalid Unix socket address" },
        { "fd:", "invalid file descriptor address" },
        { "vsock:3", "error parsing vsock address '3'" },
        { "vsock::5", "error parsing vsock address ':5'" },
        { "localhost", "error parsing address 'localhost'" },
        { "tcp:localhost", "error parsing address 'localhost'" },
        { "[::1", "error parsing IPv6 address '[::1'" },
        { "[::1]4444", "error parsing IPv6 address '[::1]4444'" },
        { "host:", "error parsing port in address 'host:'" },
        { "host:1,to=x", "error parsing 'to' in address 'host:1,to=x'" },
        { "host:1,to=70000",
          "error parsing 'to' in address 'host:1,to=70000'" },
        { "host:1,bogus", "unknown option 'bogus' in address "
          "'host:1,bogus'" },
        { "host:1,ipv4=maybe", NULL },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        Error *err = NULL;
        SocketAddress *addr = socket_parse(cases[i].in, &err);

        g_assert_null(addr);
        g_assert_nonnull(err);
        if (cases[i].msg) {
            g_assert_cmpstr(error_get_pretty(err), ==, cases[i].msg);
        }
        error_free(err);
    }
}

/* Listen on @addr, connect to what it reports, exchange a byte. */
static void check_listen_connect(SocketAddress *addr)
{
    int lfd = socket_listen(addr, 1, &error_abort);
    g_autoptr(SocketAddress) local = socket_local_address(lfd,
                                                          &error_abort);
    int cfd, afd;
    char c = 'x';

    if (local->type == SOCKET_ADDRESS_TYPE_INET) {
        g_assert_cmpstr(local->u.inet.port, !=, "0");
    }
    cfd = socket_connect(local, &error_abort);
    afd = accept(lfd, NULL, NULL);
    g_assert_cmpint(afd, >=, 0);
    g_assert_cmpint(write(cfd, "q", 1), ==, 1);
    g_assert_cmpint(read(afd, &c, 1), ==, 1);
    g_assert_cmpint(c, ==, 'q');
    {
        g_autoptr(SocketAddress) remote = socket_remote_address(
            cfd, &error_abort);
        g_assert_cmpint(remote->type, ==, local->type);
    }
    close(afd);
    close(cfd);
    socket_listen_cleanup(lfd, &error_abort);
    close(lfd);
}

static void test_tcp_ipv4(void)
{
    g_autoptr(SocketAddress) addr = socket_parse("tcp:127.0.0.1:0",
                                                 &error_abort);
    check_listen_connect(addr);
}

static bool have_ipv6(void)
{
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 sa = { .sin6_family = AF_INET6,
                               .sin6_addr = IN6ADDR_LOOPBACK_INIT };
    bool ok = fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;

    if (fd >= 0) {
        close(fd);
    }
    return ok;
}

static void test_tcp_ipv6(void)
{
    g_autoptr(SocketAddress) addr = NULL;

    if (!have_ipv6()) {
        g_test_skip("IPv6 loopback ::1 is not available");
        return;
    }
    addr = socket_parse("tcp:[::1]:0", &error_abort);
    check_listen_connect(addr);
}

static void test_port_range(void)
{
    g_autoptr(SocketAddress) first = socket_parse("127.0.0.1:0",
                                                  &error_abort);
    int fd1 = socket_listen(first, 1, &error_abort);
    g_autoptr(SocketAddress) l1 = socket_local_address(fd1, &error_abort);
    g_autofree char *range = g_strdup_printf("127.0.0.1:%s,to=%d",
                                             l1->u.inet.port,
                                             atoi(l1->u.inet.port) + 1);
    g_autoptr(SocketAddress) second = socket_parse(range, &error_abort);
    g_autofree char *busy = g_strdup_printf("127.0.0.1:%s", l1->u.inet.port);
    g_autoptr(SocketAddress) third = socket_parse(busy, &error_abort);
    Error *err = NULL;
    int fd2;

    /* Taken port: a range moves on, a single port fails. */
    fd2 = socket_listen(second, 1, &err);
    if (fd2 < 0) {
        /* Someone else owns port+1: nothing to assert about the range. */
        error_free(err);
        err = NULL;
    } else {
        g_autoptr(SocketAddress) l2 = socket_local_address(fd2,
                                                           &error_abort);
        g_assert_cmpint(atoi(l2->u.inet.port), ==,
                        atoi(l1->u.inet.port) + 1);
        close(fd2);
    }
    g_assert_cmpint(socket_listen(third, 1, &err), ==, -1);
    g_assert_nonnull(strstr(error_get_pretty(err), "Failed to listen on"));
    error_free(err);
    close(fd1);
}

static void test_unix(void)
{
    g_autofree char *dir = g_dir_make_tmp("tern-sock-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "s", NULL);
    g_autofree char *uri = g_strdup_printf("unix:%s", path);
    g_autoptr(SocketAddress) addr = socket_parse(uri, &error_abort);

    check_listen_connect(addr);
    /* Cleanup removed the socket file. */
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    rmdir(dir);
}

static void test_unix_abstract(void)
{
#ifdef CONFIG_LINUX
    g_autofree char *name = g_strdup_printf("tern-test-%d", getpid());
    SocketAddress addr = {
        .type = SOCKET_ADDRESS_TYPE_UNIX,
        .u.q_unix = { .path = name, .has_abstract = true, .abstract = true },
    };
    int lfd = socket_listen(&addr, 1, &error_abort);
    g_autoptr(SocketAddress) local = socket_local_address(lfd,
                                                          &error_abort);

    g_assert_true(local->u.q_unix.abstract);
    g_assert_cmpstr(local->u.q_unix.path, ==, name);
    g_assert_true(local->u.q_unix.tight);
    close(lfd);
    check_listen_connect(&addr);
#else
    g_test_skip("abstract unix sockets need Linux");
#endif
}

static void test_connect_refused(void)
{
    g_autoptr(SocketAddress) addr = socket_parse("tcp:127.0.0.1:0",
                                                 &error_abort);
    int lfd = socket_listen(addr, 1, &error_abort);
    g_autoptr(SocketAddress) local = socket_local_address(lfd,
                                                          &error_abort);
    Error *err = NULL;

    close(lfd);                         /* nobody listens there now */
    g_assert_cmpint(socket_connect(local, &err), ==, -1);
    g_assert_nonnull(strstr(error_get_pretty(err), "Failed to connect to"));
    error_free(err);
}

static int resolver_fd = -1;

static int fd_table_resolver(const char *name, Error **errp)
{
    if (!strcmp(name, "mysock")) {
        return dup(resolver_fd);
    }
    error_setg(errp, "No file descriptor named '%s'", name);
    return -1;
}

static void test_fd_addresses(void)
{
    int sv[2];
    g_autofree char *num = NULL;
    g_autoptr(SocketAddress) byname = socket_parse("fd:mysock",
                                                   &error_abort);
    g_autoptr(SocketAddress) missing = socket_parse("fd:nope", &error_abort);
    g_autoptr(SocketAddress) bynum = NULL;
    g_autoptr(SocketAddress) notsock = NULL;
    Error *err = NULL;
    int fd, pfd[2];

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    num = g_strdup_printf("fd:%d", sv[0]);
    bynum = socket_parse(num, &error_abort);
    /* A number is the descriptor itself. */
    g_assert_cmpint(socket_connect(bynum, &error_abort), ==, sv[0]);

    /* Names need the resolver. */
    socket_set_fd_resolver(NULL);
    g_assert_cmpint(socket_connect(byname, &err), ==, -1);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "No file descriptor named 'mysock' (no monitor to look "
                    "it up)");
    error_free(err);
    err = NULL;
    resolver_fd = sv[1];
    socket_set_fd_resolver(fd_table_resolver);
    fd = socket_connect(byname, &error_abort);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(write(fd, "z", 1), ==, 1);
    close(fd);
    g_assert_cmpint(socket_connect(missing, &err), ==, -1);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "No file descriptor named 'nope'");
    error_free(err);
    err = NULL;
    socket_set_fd_resolver(NULL);

    /* A descriptor that is not a socket is refused. */
    g_assert_cmpint(pipe(pfd), ==, 0);
    g_free(num);
    num = g_strdup_printf("fd:%d", pfd[0]);
    notsock = socket_parse(num, &error_abort);
    g_assert_cmpint(socket_connect(notsock, &err), ==, -1);
    g_assert_nonnull(strstr(error_get_pretty(err), "is not a socket"));
    error_free(err);
    close(pfd[1]);
    close(sv[0]);
    close(sv[1]);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sockets/parse/ok", test_parse_ok);
    g_test_add_func("/sockets/parse/options", test_parse_options);
    g_test_add_func("/sockets/parse/errors", test_parse_errors);
    g_test_add_func("/sockets/tcp/ipv4", test_tcp_ipv4);
    g_test_add_func("/sockets/tcp/ipv6", test_tcp_ipv6);
    g_test_add_func("/sockets/tcp/port-range", test_port_range);
    g_test_add_func("/sockets/tcp/refused", test_connect_refused);
    g_test_add_func("/sockets/unix/path", test_unix);
    g_test_add_func("/sockets/unix/abstract", test_unix_abstract);
    g_test_add_func("/sockets/fd", test_fd_addresses);
    return g_test_run();
}
