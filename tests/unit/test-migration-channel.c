/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration addresses (migration/channel.c): legacy URIs into
 * MigrationChannel, 'channels' list checks, and the transport dispatch's
 * refusal of transports that are not built, and file: and unix: channels
 * made and accepted for real.  It links channel.c and the transports
 * without the migration core: they call nothing above them.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-types-migration.h"
#include "migration/channel.h"
#include "qapi/qapi-types-sockets.h"
#include "qemu/module.h"

static MigrationChannel *parse_ok(const char *uri)
{
    MigrationChannel *ch = NULL;

    g_assert_true(migrate_uri_parse(uri, &ch, &error_abort));
    g_assert_nonnull(ch);
    g_assert_cmpint(ch->channel_type, ==, MIGRATION_CHANNEL_TYPE_MAIN);
    return ch;
}

static void parse_bad(const char *uri, const char *msg)
{
    MigrationChannel *ch = NULL;
    Error *err = NULL;

    g_assert_false(migrate_uri_parse(uri, &ch, &err));
    g_assert_null(ch);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

static void test_uri_tcp(void)
{
    g_autoptr(MigrationChannel) a = parse_ok("tcp:127.0.0.1:4444");
    g_autoptr(MigrationChannel) b = parse_ok("tcp:[::1]:0,to=10,ipv6=on");
    g_autoptr(MigrationChannel) c = parse_ok("tcp::5555,ipv4=off");
    InetSocketAddress *in;

    g_assert_cmpint(a->addr->transport, ==, MIGRATION_ADDRESS_TYPE_SOCKET);
    g_assert_cmpint(a->addr->u.socket.type, ==, SOCKET_ADDRESS_TYPE_INET);
    in = &a->addr->u.socket.u.inet;
    g_assert_cmpstr(in->host, ==, "127.0.0.1");
    g_assert_cmpstr(in->port, ==, "4444");
    g_assert_false(in->has_to);

    in = &b->addr->u.socket.u.inet;
    g_assert_cmpstr(in->host, ==, "::1");
    g_assert_cmpstr(in->port, ==, "0");
    g_assert_true(in->has_to);
    g_assert_cmpuint(in->to, ==, 10);
    g_assert_true(in->has_ipv6 && in->ipv6);

    in = &c->addr->u.socket.u.inet;
    g_assert_cmpstr(in->host, ==, "");
    g_assert_cmpstr(in->port, ==, "5555");
    g_assert_true(in->has_ipv4 && !in->ipv4);

    parse_bad("tcp:localhost", "error parsing address 'localhost'");
    parse_bad("tcp:[::1]4444", "error parsing IPv6 address '[::1]4444'");
    parse_bad("tcp:h:1,to=x", "error parsing to= argument");
    parse_bad("tcp:h:1,bogus=1", "Invalid parameter 'bogus'");
}

static void test_uri_others(void)
{
    g_autoptr(MigrationChannel) u = parse_ok("unix:/tmp/mig.sock");
    g_autoptr(MigrationChannel) f = parse_ok("fd:migfd");
    g_autoptr(MigrationChannel) v = parse_ok("vsock:3:1234");
    g_autoptr(MigrationChannel) e = parse_ok("exec:cat > /dev/null");
    g_autoptr(MigrationChannel) fi = parse_ok("file:/tmp/m.img,offset=1M");
    g_autoptr(MigrationChannel) fi0 = parse_ok("file:/tmp/m.img");
    strList *args;

    g_assert_cmpint(u->addr->u.socket.type, ==, SOCKET_ADDRESS_TYPE_UNIX);
    g_assert_cmpstr(u->addr->u.socket.u.q_unix.path, ==, "/tmp/mig.sock");
    g_assert_cmpint(f->addr->u.socket.type, ==, SOCKET_ADDRESS_TYPE_FD);
    g_assert_cmpstr(f->addr->u.socket.u.fd.str, ==, "migfd");
    g_assert_cmpint(v->addr->u.socket.type, ==, SOCKET_ADDRESS_TYPE_VSOCK);
    g_assert_cmpstr(v->addr->u.socket.u.vsock.cid, ==, "3");
    g_assert_cmpstr(v->addr->u.socket.u.vsock.port, ==, "1234");

    g_assert_cmpint(e->addr->transport, ==, MIGRATION_ADDRESS_TYPE_EXEC);
    args = e->addr->u.exec.args;
    g_assert_cmpstr(args->value, ==, "/bin/sh");
    g_assert_cmpstr(args->next->value, ==, "-c");
    g_assert_cmpstr(args->next->next->value, ==, "cat > /dev/null");
    g_assert_null(args->next->next->next);

    g_assert_cmpint(fi->addr->transport, ==, MIGRATION_ADDRESS_TYPE_FILE);
    g_assert_cmpstr(fi->addr->u.file.filename, ==, "/tmp/m.img");
    g_assert_cmpuint(fi->addr->u.file.offset, ==, 1024 * 1024);
    g_assert_cmpuint(fi0->addr->u.file.offset, ==, 0);
    g_assert_true(migrate_address_is_seekable(fi->addr));
    g_assert_false(migrate_address_is_seekable(u->addr));
    g_assert_true(migrate_address_is_multi_channel(u->addr));
    g_assert_false(migrate_address_is_multi_channel(f->addr));

    parse_bad("unix:", "invalid Unix socket address");
    parse_bad("fd:", "invalid file descriptor address");
    parse_bad("file:/x,offset=0x20M", "file URI has bad offset 0x20M");
    parse_bad("ftp:host", "unknown migration protocol: ftp:host");
    parse_bad("", "unknown migration protocol: ");
}

static MigrationChannelList *chan_list(int n, const MigrationChannelType *t)
{
    MigrationChannelList *head = NULL, **tail = &head;

    for (int i = 0; i < n; i++) {
        MigrationChannel *ch = NULL;

        g_assert_true(migrate_uri_parse("unix:/tmp/s", &ch, &error_abort));
        ch->channel_type = t[i];
        QAPI_LIST_APPEND(tail, ch);
    }
    return head;
}

static void expect_args_error(const char *uri, MigrationChannelList *l,
                              bool incoming, const char *msg)
{
    MigrationChannel *ch = NULL;
    Error *err = NULL;

    g_assert_false(migrate_channel_from_args(uri, l, incoming, &ch, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

static void test_channels(void)
{
    static const MigrationChannelType main_only[] = {
        MIGRATION_CHANNEL_TYPE_MAIN };
    static const MigrationChannelType two_main[] = {
        MIGRATION_CHANNEL_TYPE_MAIN, MIGRATION_CHANNEL_TYPE_MAIN };
    static const MigrationChannelType cpr_only[] = {
        MIGRATION_CHANNEL_TYPE_CPR };
    static const MigrationChannelType main_cpr[] = {
        MIGRATION_CHANNEL_TYPE_MAIN, MIGRATION_CHANNEL_TYPE_CPR };
    g_autoptr(MigrationChannelList) l1 = chan_list(1, main_only);
    g_autoptr(MigrationChannelList) l2 = chan_list(2, two_main);
    g_autoptr(MigrationChannelList) l3 = chan_list(1, cpr_only);
    g_autoptr(MigrationChannelList) l4 = chan_list(2, main_cpr);
    MigrationChannel *ch = NULL, *cpr = NULL;

    expect_args_error(NULL, NULL, false,
                      "need either 'uri' or 'channels' argument");
    expect_args_error("unix:/a", l1, false,
                      "need either 'uri' or 'channels' argument");
    expect_args_error(NULL, NULL, true,
                      "need either 'uri' or 'channels' argument");
    expect_args_error(NULL, l2, false,
                      "Channel list has more than one main entry");
    expect_args_error(NULL, l3, false, "Channel list has no main entry");
    expect_args_error(NULL, l4, true, "Channel list must have only one "
                      "entry, for type 'main'");
    expect_args_error(NULL, l3, true, "Channel list must have only one "
                      "entry, for type 'main'");

    g_assert_true(migrate_channels_parse(l4, &ch, &cpr, &error_abort));
    g_assert_cmpint(ch->channel_type, ==, MIGRATION_CHANNEL_TYPE_MAIN);
    g_assert_cmpint(cpr->channel_type, ==, MIGRATION_CHANNEL_TYPE_CPR);

    ch = NULL;
    g_assert_true(migrate_channel_from_args(NULL, l1, true, &ch,
                                            &error_abort));
    g_assert_cmpstr(ch->addr->u.socket.u.q_unix.path, ==, "/tmp/s");
    qapi_free_MigrationChannel(ch);
}

static void accept_unreached(QIOChannel *ioc, void *opaque)
{
    g_assert_not_reached();
}

static void connect_unreached(QIOChannel *ioc, const char *hostname,
                              Error *err, void *opaque)
{
    g_assert_not_reached();
}

static void test_transport_unavailable(void)
{
    g_autoptr(MigrationChannel) r = parse_ok("rdma:host:1");
    MigrationListener listener;
    Error *err = NULL;

    /* RDMA is never built. */
    g_assert_false(migration_transport_start_incoming(r->addr, 1,
                                                      accept_unreached, NULL,
                                                      &listener, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "rdma transport is not available yet");
    error_free(err);
    err = NULL;
    g_assert_false(migration_transport_start_outgoing(r->addr,
                                                      connect_unreached, NULL,
                                                      &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "rdma transport is not available yet");
    error_free(err);
}

/* ------------------------------------------ real channels, no core */

typedef struct Received {
    QIOChannel *out;            /* the outgoing channel, referenced */
    char *hostname;
    QIOChannel *in;             /* the incoming channel, referenced */
    bool accepted;
} Received;

static void connected(QIOChannel *ioc, const char *hostname, Error *err,
                      void *opaque)
{
    Received *r = opaque;

    g_assert_null(err);
    r->out = QIO_CHANNEL(object_ref(OBJECT(ioc)));
    r->hostname = g_strdup(hostname);
}

static void accepted(QIOChannel *ioc, void *opaque)
{
    Received *r = opaque;

    g_assert_false(r->accepted);
    r->in = QIO_CHANNEL(object_ref(OBJECT(ioc)));
    r->accepted = true;
}

/* The bytes sent must be the first ones the incoming channel gives. */
static void check_magic(Received *r)
{
    char data[5] = "";

    qio_channel_set_blocking(r->in, true, NULL);
    g_assert_cmpint(qio_channel_read_all(r->in, data, 4, &error_abort), ==,
                    0);
    g_assert_cmpstr(data, ==, "QEVM");
    object_unref(OBJECT(r->in));
}

/* Run the main loop until @flag, for at most 30 s. */
static void wait_for(bool *flag)
{
    gint64 end = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;

    while (!*flag && g_get_monotonic_time() < end) {
        g_main_context_iteration(NULL, false);
        g_usleep(1000);
    }
    g_assert_true(*flag);
}

static void send_magic(Received *r)
{
    g_assert_nonnull(r->out);
    g_assert_cmpint(qio_channel_write_all(r->out, "QEVM", 4, &error_abort),
                    ==, 0);
}

/*
 * file: out, then in: the outgoing channel comes back at once, the
 * incoming one through the main loop, and neither touches the
 * migration core (this test links none).
 */
static void test_file_round_trip(void)
{
    g_autofree char *dir = g_dir_make_tmp("mig-chan-XXXXXX", NULL);
    g_autofree char *uri = g_strdup_printf("file:%s/s,offset=0x10", dir);
    g_autofree char *path = g_strdup_printf("%s/s", dir);
    g_autoptr(MigrationChannel) ch = parse_ok(uri);
    MigrationListener listener;
    Received r = { 0 };

    g_assert_true(migration_transport_start_outgoing(ch->addr, connected,
                                                     &r, &error_abort));
    g_assert_null(r.hostname);
    send_magic(&r);
    object_unref(OBJECT(r.out));

    g_assert_true(migration_transport_start_incoming(ch->addr, 1, accepted,
                                                     &r, &listener,
                                                     &error_abort));
    g_assert_null(listener.addresses);
    g_assert_null(listener.cleanup);
    wait_for(&r.accepted);
    check_magic(&r);
    unlink(path);
    rmdir(dir);
}

/* unix: listen, connect in the background, accept. */
static void test_unix_round_trip(void)
{
    g_autofree char *dir = g_dir_make_tmp("mig-chan-XXXXXX", NULL);
    g_autofree char *uri = g_strdup_printf("unix:%s/sock", dir);
    g_autoptr(MigrationChannel) ch = parse_ok(uri);
    g_autofree char *path = NULL;
    MigrationListener listener;
    Received r = { 0 };
    bool connected_flag;

    g_assert_true(migration_transport_start_incoming(ch->addr, 1, accepted,
                                                     &r, &listener,
                                                     &error_abort));
    g_assert_nonnull(listener.addresses);
    g_assert_cmpint(listener.addresses->value->type, ==,
                    SOCKET_ADDRESS_TYPE_UNIX);
    g_assert_nonnull(listener.cleanup);

    g_assert_true(migration_transport_start_outgoing(ch->addr, connected,
                                                     &r, &error_abort));
    /* sockets report from the main loop, never from inside the call */
    g_assert_null(r.out);
    for (int i = 0; i < 30000 && !r.out; i++) {
        g_main_context_iteration(NULL, false);
        g_usleep(1000);
    }
    connected_flag = r.out != NULL;
    g_assert_true(connected_flag);
    g_assert_null(r.hostname);
    send_magic(&r);
    wait_for(&r.accepted);
    check_magic(&r);

    object_unref(OBJECT(r.out));
    listener.cleanup(listener.data);
    qapi_free_SocketAddressList(listener.addresses);
    g_free(r.hostname);
    path = g_strdup_printf("%s/sock", dir);
    unlink(path);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    module_call_init(MODULE_INIT_QOM);
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/migration/channel/uri-tcp", test_uri_tcp);
    g_test_add_func("/migration/channel/uri-others", test_uri_others);
    g_test_add_func("/migration/channel/channels", test_channels);
    g_test_add_func("/migration/channel/unavailable",
                    test_transport_unavailable);
    g_test_add_func("/migration/channel/file", test_file_round_trip);
    g_test_add_func("/migration/channel/unix", test_unix_round_trip);
    return g_test_run();
}
