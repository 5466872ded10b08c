/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for migration addresses: the legacy URI parser
 * (migrate_uri_parse), 'channels' lists from QMP (visited from JSON, then
 * migrate_channel_from_args in both directions), and util's socket_parse()
 * and inet_parse().
 *
 * Checks, for arbitrary bytes: no crash, overflow or leak (ASan/LSan);
 * every parser either succeeds or sets an Error, never both; a parsed
 * address has every string its type needs; socket_parse() accepts what
 * socket_address_to_string() writes and gives the same address back.
 *
 * The first byte picks the parser; the rest is its input.  Seeds:
 * tests/fuzz/corpus/fuzz-migration-uri.
 */
#include "qemu/osdep.h"
#include "qapi/clone-visitor.h"
#include "qapi/error.h"
#include "qapi/qapi-visit-migration.h"
#include "qapi/qapi-visit-sockets.h"
#include "qapi/qobject-input-visitor.h"
#include "qemu/coroutine.h"
#include "qemu/sockets.h"
#include "qobject/qjson.h"
#include "migration/channel.h"
#include "migration/exec.h"
#include "migration/fd.h"
#include "migration/file.h"
#include "migration/socket.h"
#include "tests/fuzz/fuzz-fail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * channel.c's transport dispatch is never reached from the parsers: the
 * transports and the coroutine side of io/channel.c are faked.
 */
bool qemu_in_coroutine(void) { return false; }
Coroutine *qemu_coroutine_self(void) { g_assert_not_reached(); }
void qemu_coroutine_yield(void) { g_assert_not_reached(); }
void qemu_coroutine_enter(Coroutine *co) { g_assert_not_reached(); }

void socket_start_outgoing_migration(SocketAddress *saddr,
                                     SocketMigrationConnected done,
                                     void *opaque)
{
    g_assert_not_reached();
}
QIONetListener *socket_start_incoming_migration(SocketAddress *saddr,
                                                int num,
                                                QIONetListenerClientFunc accept,
                                                void *opaque,
                                                GDestroyNotify destroy,
                                                SocketAddressList **addresses,
                                                Error **errp)
{
    g_assert_not_reached();
}
void socket_incoming_migration_end(void *listener)
{
    g_assert_not_reached();
}
QIOChannel *fd_start_outgoing_migration(const char *fdname, Error **errp)
{
    g_assert_not_reached();
}
QIOChannel *fd_start_incoming_migration(const char *fdname, Error **errp)
{
    g_assert_not_reached();
}
QIOChannel *exec_start_outgoing_migration(strList *command, Error **errp)
{
    g_assert_not_reached();
}
QIOChannel *exec_start_incoming_migration(strList *command, Error **errp)
{
    g_assert_not_reached();
}
QIOChannel *file_start_outgoing_migration(FileMigrationArgs *file_args,
                                          Error **errp)
{
    g_assert_not_reached();
}
QIOChannel *file_start_incoming_migration(FileMigrationArgs *file_args,
                                          Error **errp)
{
    g_assert_not_reached();
}

static void check_inet(const InetSocketAddress *in)
{
    assert(in->host && in->port);
    assert(!in->has_to || in->to <= 65535);
}

static void check_socket_address(const SocketAddress *addr)
{
    switch (addr->type) {
    case SOCKET_ADDRESS_TYPE_INET:
        check_inet(&addr->u.inet);
        break;
    case SOCKET_ADDRESS_TYPE_UNIX:
        assert(addr->u.q_unix.path && addr->u.q_unix.path[0]);
        break;
    case SOCKET_ADDRESS_TYPE_VSOCK:
        assert(addr->u.vsock.cid && addr->u.vsock.port);
        break;
    case SOCKET_ADDRESS_TYPE_FD:
        assert(addr->u.fd.str && addr->u.fd.str[0]);
        break;
    default:
        g_assert_not_reached();
    }
}

static void check_address(const MigrationAddress *addr)
{
    switch (addr->transport) {
    case MIGRATION_ADDRESS_TYPE_SOCKET:
        check_socket_address(&addr->u.socket);
        break;
    case MIGRATION_ADDRESS_TYPE_EXEC:
        /* args may be empty: the exec transport refuses that itself. */
        break;
    case MIGRATION_ADDRESS_TYPE_RDMA:
        check_inet(&addr->u.rdma);
        break;
    case MIGRATION_ADDRESS_TYPE_FILE:
        assert(addr->u.file.filename);
        break;
    default:
        g_assert_not_reached();
    }
    /* Must not crash on anything the parsers accept. */
    migrate_address_is_multi_channel((MigrationAddress *)addr);
    migrate_address_is_seekable((MigrationAddress *)addr);
}

static void fuzz_uri(const char *str)
{
    MigrationChannel *ch = NULL;
    Error *err = NULL;
    bool ok = migrate_uri_parse(str, &ch, &err);

    assert(ok == !!ch && ok == !err);
    if (ok) {
        assert(ch->channel_type == MIGRATION_CHANNEL_TYPE_MAIN);
        check_address(ch->addr);
    }
    qapi_free_MigrationChannel(ch);
    error_free(err);
}

/* The visible fields of two socket addresses of the same kind. */
static bool socket_address_same(const SocketAddress *a,
                                const SocketAddress *b)
{
    if (a->type != b->type) {
        return false;
    }
    switch (a->type) {
    case SOCKET_ADDRESS_TYPE_INET:
        return !strcmp(a->u.inet.host, b->u.inet.host) &&
               !strcmp(a->u.inet.port, b->u.inet.port);
    case SOCKET_ADDRESS_TYPE_UNIX:
        return !strcmp(a->u.q_unix.path, b->u.q_unix.path);
    case SOCKET_ADDRESS_TYPE_VSOCK:
        return !strcmp(a->u.vsock.cid, b->u.vsock.cid) &&
               !strcmp(a->u.vsock.port, b->u.vsock.port);
    case SOCKET_ADDRESS_TYPE_FD:
        return !strcmp(a->u.fd.str, b->u.fd.str);
    default:
        g_assert_not_reached();
    }
}

static void fuzz_socket_parse(const char *str)
{
    Error *err = NULL;
    SocketAddress *addr = socket_parse(str, &err);

    assert(!addr != !err);
    if (addr) {
        g_autofree char *text = socket_address_to_string(addr);
        SocketAddress *again;

        check_socket_address(addr);
        again = socket_parse(text, &err);
        if (!again) {
            fuzz_fail("socket_parse('%s') fails on its own output '%s': %s",
                    str, text, error_get_pretty(err));
        }
        if (!socket_address_same(addr, again)) {
            fuzz_fail("socket_parse('%s') -> '%s' changes the address",
                    str, text);
        }
        qapi_free_SocketAddress(again);
    }
    qapi_free_SocketAddress(addr);
    error_free(err);
}

static void fuzz_inet_parse(const char *str)
{
    InetSocketAddress in;
    Error *err = NULL;
    int ret = inet_parse(&in, str, &err);

    assert((ret == 0) == !err);
    if (ret == 0) {
        check_inet(&in);
        qapi_free_InetSocketAddress(QAPI_CLONE(InetSocketAddress, &in));
        g_free(in.host);
        g_free(in.port);
    } else {
        assert(ret == -1 && !in.host && !in.port);
    }
    error_free(err);
}

/* A 'channels' argument as a QMP client sends it. */
static void fuzz_channels(const char *json, bool incoming)
{
    QObject *obj = qobject_from_json(json, NULL);
    MigrationChannelList *list = NULL;
    MigrationChannel *ch = NULL;
    Error *err = NULL;
    Visitor *v;

    if (!obj) {
        return;
    }
    v = qobject_input_visitor_new(obj);
    if (visit_type_MigrationChannelList(v, NULL, &list, &err)) {
        bool ok = migrate_channel_from_args(NULL, list, incoming, &ch, &err);

        assert(ok == !!ch && ok == !err);
        if (ok) {
            check_address(ch->addr);
        }
    } else {
        assert(!list);
    }
    visit_free(v);
    qobject_unref(obj);
    qapi_free_MigrationChannelList(list);
    qapi_free_MigrationChannel(ch);
    error_free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *str = NULL;

    if (!size) {
        return 0;
    }
    str = g_strndup((const char *)data + 1, size - 1);
    switch (data[0] % 5) {
    case 0:
        fuzz_uri(str);
        break;
    case 1:
        fuzz_socket_parse(str);
        break;
    case 2:
        fuzz_inet_parse(str);
        break;
    case 3:
        fuzz_channels(str, false);
        break;
    default:
        fuzz_channels(str, true);
        break;
    }
    return 0;
}
