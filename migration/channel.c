/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration addresses: legacy URI strings into MigrationChannel, checks
 * on 'channels' lists, and the dispatch of an address to its transport.
 */
#include "qemu/osdep.h"
#include "qapi/clone-visitor.h"
#include "qapi/error.h"
#include "qapi/qapi-visit-migration.h"
#include "qapi/qapi-visit-sockets.h"
#include "qemu/cutils.h"
#include "migration/channel.h"
#include "migration/exec.h"
#include "migration/fd.h"
#include "migration/file.h"
#include "migration/socket.h"
#include "migration/trace.h"

/* ------------------------------------------------------------- parsing */

static bool parse_on_off(const char *name, const char *value, bool *out,
                         Error **errp)
{
    if (!value || !strcmp(value, "on")) {
        *out = true;
    } else if (!strcmp(value, "off")) {
        *out = false;
    } else {
        error_setg(errp, "error parsing '%s' flag '%s'", name, value);
        return false;
    }
    return true;
}

/*
 * "host:port", ":port" or "[v6addr]:port", then ",to=N", ",ipv4[=on|off]",
 * ",ipv6[=on|off]", ",keep-alive[=on|off]", ",numeric[=on|off]".
 */
static bool inet_parse_str(InetSocketAddress *addr, const char *str,
                           Error **errp)
{
    const char *rb = str[0] == '[' ? strchr(str, ']') : NULL;
    const char *opts = strchr(rb ? rb : str, ',');
    g_autofree char *hostport = opts ? g_strndup(str, opts - str)
                                     : g_strdup(str);
    const char *colon;

    if (hostport[0] == '[') {
        char *end = strchr(hostport, ']');

        if (!end || end[1] != ':' || !end[2]) {
            error_setg(errp, "error parsing IPv6 address '%s'", str);
            return false;
        }
        addr->host = g_strndup(hostport + 1, end - hostport - 1);
        addr->port = g_strdup(end + 2);
        addr->has_ipv6 = addr->ipv6 = true;
    } else {
        colon = strrchr(hostport, ':');
        if (!colon || !colon[1] || strchr(hostport, ':') != colon) {
            error_setg(errp, "error parsing address '%s'", str);
            return false;
        }
        addr->host = g_strndup(hostport, colon - hostport);
        addr->port = g_strdup(colon + 1);
    }

    while (opts && *opts == ',') {
        const char *next = strchr(opts + 1, ',');
        g_autofree char *opt = next ? g_strndup(opts + 1, next - opts - 1)
                                    : g_strdup(opts + 1);
        char *value = strchr(opt, '=');
        bool flag;

        if (value) {
            *value++ = '\0';
        }
        if (!strcmp(opt, "to")) {
            unsigned int to;

            if (!value || qemu_strtoui(value, NULL, 10, &to) < 0 ||
                to > UINT16_MAX) {
                error_setg(errp, "error parsing to= argument");
                return false;
            }
            addr->has_to = true;
            addr->to = to;
        } else if (!strcmp(opt, "ipv4") || !strcmp(opt, "ipv6") ||
                   !strcmp(opt, "keep-alive") || !strcmp(opt, "numeric")) {
            if (!parse_on_off(opt, value, &flag, errp)) {
                return false;
            }
            if (!strcmp(opt, "ipv4")) {
                addr->has_ipv4 = true;
                addr->ipv4 = flag;
            } else if (!strcmp(opt, "ipv6")) {
                addr->has_ipv6 = true;
                addr->ipv6 = flag;
            } else if (!strcmp(opt, "keep-alive")) {
                addr->has_keep_alive = true;
                addr->keep_alive = flag;
            } else {
                addr->has_numeric = true;
                addr->numeric = flag;
            }
        } else {
            error_setg(errp, "Invalid parameter '%s'", opt);
            return false;
        }
        opts = next;
    }
    return true;
}

/* "tcp:...", "unix:PATH", "vsock:CID:PORT", "fd:NAME" (QEMU's forms). */
static bool socket_parse_str(SocketAddress *addr, const char *str,
                             Error **errp)
{
    const char *rest;

    if (strstart(str, "unix:", &rest)) {
        if (!*rest) {
            error_setg(errp, "invalid Unix socket address");
            return false;
        }
        addr->type = SOCKET_ADDRESS_TYPE_UNIX;
        addr->u.q_unix.path = g_strdup(rest);
    } else if (strstart(str, "fd:", &rest)) {
        if (!*rest) {
            error_setg(errp, "invalid file descriptor address");
            return false;
        }
        addr->type = SOCKET_ADDRESS_TYPE_FD;
        addr->u.fd.str = g_strdup(rest);
    } else if (strstart(str, "vsock:", &rest)) {
        const char *colon = strchr(rest, ':');

        if (!colon || colon == rest || !colon[1] || strchr(colon + 1, ',')) {
            error_setg(errp, "error parsing address '%s'", rest);
            return false;
        }
        addr->type = SOCKET_ADDRESS_TYPE_VSOCK;
        addr->u.vsock.cid = g_strndup(rest, colon - rest);
        addr->u.vsock.port = g_strdup(colon + 1);
    } else {
        strstart(str, "tcp:", &rest);
        addr->type = SOCKET_ADDRESS_TYPE_INET;
        return inet_parse_str(&addr->u.inet, rest ? rest : str, errp);
    }
    return true;
}

/* "file:PATH[,offset=SIZE]"; the offset takes size suffixes. */
static bool file_parse_str(FileMigrationArgs *file, const char *spec,
                           Error **errp)
{
    const char *option = strstr(spec, ",offset=");

    if (option) {
        const char *value = option + strlen(",offset=");

        if (qemu_strtosz(value, NULL, &file->offset) < 0) {
            error_setg(errp, "file URI has bad offset %s", value);
            return false;
        }
        file->filename = g_strndup(spec, option - spec);
    } else {
        file->filename = g_strdup(spec);
    }
    return true;
}

bool migrate_uri_parse(const char *uri, MigrationChannel **channel,
                       Error **errp)
{
    g_autoptr(MigrationChannel) val = g_new0(MigrationChannel, 1);
    MigrationAddress *addr = g_new0(MigrationAddress, 1);
    const char *rest;
    bool ok = true;

    val->channel_type = MIGRATION_CHANNEL_TYPE_MAIN;
    val->addr = addr;

    if (strstart(uri, "exec:", &rest)) {
        strList **tail = &addr->u.exec.args;

        addr->transport = MIGRATION_ADDRESS_TYPE_EXEC;
        QAPI_LIST_APPEND(tail, g_strdup("/bin/sh"));
        QAPI_LIST_APPEND(tail, g_strdup("-c"));
        QAPI_LIST_APPEND(tail, g_strdup(rest));
    } else if (strstart(uri, "rdma:", &rest)) {
        addr->transport = MIGRATION_ADDRESS_TYPE_RDMA;
        ok = inet_parse_str(&addr->u.rdma, rest, errp);
    } else if (strstart(uri, "tcp:", NULL) || strstart(uri, "unix:", NULL) ||
               strstart(uri, "vsock:", NULL) || strstart(uri, "fd:", NULL)) {
        addr->transport = MIGRATION_ADDRESS_TYPE_SOCKET;
        ok = socket_parse_str(&addr->u.socket, uri, errp);
    } else if (strstart(uri, "file:", &rest)) {
        addr->transport = MIGRATION_ADDRESS_TYPE_FILE;
        ok = file_parse_str(&addr->u.file, rest, errp);
    } else {
        error_setg(errp, "unknown migration protocol: %s", uri);
        return false;
    }
    if (!ok) {
        return false;
    }
    trace_migrate_uri_parse(uri, MigrationAddressType_str(addr->transport));
    *channel = g_steal_pointer(&val);
    return true;
}

bool migrate_channels_parse(MigrationChannelList *channels,
                            MigrationChannel **main_channelp,
                            MigrationChannel **cpr_channelp,
                            Error **errp)
{
    MigrationChannel *by_type[MIGRATION_CHANNEL_TYPE__MAX] = { NULL };

    for (MigrationChannelList *c = channels; c; c = c->next) {
        MigrationChannelType type = c->value->channel_type;

        if (by_type[type]) {
            error_setg(errp, "Channel list has more than one %s entry",
                       MigrationChannelType_str(type));
            return false;
        }
        by_type[type] = c->value;
    }
    if (!by_type[MIGRATION_CHANNEL_TYPE_MAIN]) {
        error_setg(errp, "Channel list has no main entry");
        return false;
    }
    *main_channelp = by_type[MIGRATION_CHANNEL_TYPE_MAIN];
    if (cpr_channelp) {
        *cpr_channelp = by_type[MIGRATION_CHANNEL_TYPE_CPR];
    }
    return true;
}

/* What the URI parser refuses is refused from 'channels' too. */
static bool channel_address_check(MigrationAddress *addr, Error **errp)
{
    SocketAddress *sa = &addr->u.socket;

    if (addr->transport != MIGRATION_ADDRESS_TYPE_SOCKET) {
        return true;
    }
    if (sa->type == SOCKET_ADDRESS_TYPE_UNIX && !*sa->u.q_unix.path) {
        error_setg(errp, "invalid Unix socket address");
        return false;
    }
    if (sa->type == SOCKET_ADDRESS_TYPE_FD && !*sa->u.fd.str) {
        error_setg(errp, "invalid file descriptor address");
        return false;
    }
    return true;
}

bool migrate_channel_from_args(const char *uri,
                               MigrationChannelList *channels,
                               bool incoming,
                               MigrationChannel **channelp, Error **errp)
{
    MigrationChannel *main_ch;

    if (!uri == !channels) {
        error_setg(errp, "need either 'uri' or 'channels' argument");
        return false;
    }
    if (uri) {
        return migrate_uri_parse(uri, channelp, errp);
    }
    if (incoming) {
        if (channels->next ||
            channels->value->channel_type != MIGRATION_CHANNEL_TYPE_MAIN) {
            error_setg(errp, "Channel list must have only one entry, "
                       "for type 'main'");
            return false;
        }
        main_ch = channels->value;
    } else if (!migrate_channels_parse(channels, &main_ch, NULL, errp)) {
        return false;
    }
    if (!channel_address_check(main_ch->addr, errp)) {
        return false;
    }
    *channelp = QAPI_CLONE(MigrationChannel, main_ch);
    return true;
}

bool migrate_address_is_multi_channel(MigrationAddress *addr)
{
    if (addr->transport == MIGRATION_ADDRESS_TYPE_SOCKET) {
        SocketAddressType t = addr->u.socket.type;

        return t == SOCKET_ADDRESS_TYPE_INET ||
               t == SOCKET_ADDRESS_TYPE_UNIX ||
               t == SOCKET_ADDRESS_TYPE_VSOCK;
    }
    return false;
}

bool migrate_address_is_seekable(MigrationAddress *addr)
{
    return addr->transport == MIGRATION_ADDRESS_TYPE_FILE;
}

/* ------------------------------------------------------------ dispatch */

/* Which transport serves @addr, by QEMU's name (for messages). */
static const char *transport_name(MigrationAddress *addr)
{
    switch (addr->transport) {
    case MIGRATION_ADDRESS_TYPE_SOCKET:
        return addr->u.socket.type == SOCKET_ADDRESS_TYPE_FD ? "fd"
                                                             : "socket";
    case MIGRATION_ADDRESS_TYPE_EXEC:
        return "exec";
    case MIGRATION_ADDRESS_TYPE_RDMA:
        return "rdma";
    case MIGRATION_ADDRESS_TYPE_FILE:
        return "file";
    default:
        return "unknown";
    }
}

static void transport_unavailable(MigrationAddress *addr, Error **errp)
{
    error_setg(errp, "%s transport is not available yet",
               transport_name(addr));
}

bool migration_transport_start_outgoing(MigrationAddress *addr,
                                        MigrationConnectFunc done,
                                        void *opaque, Error **errp)
{
    SocketAddress *saddr = &addr->u.socket;
    QIOChannel *ioc;

    switch (addr->transport) {
    case MIGRATION_ADDRESS_TYPE_SOCKET:
        if (saddr->type != SOCKET_ADDRESS_TYPE_FD) {
            socket_start_outgoing_migration(saddr, done, opaque);
            return true;
        }
        ioc = fd_start_outgoing_migration(saddr->u.fd.str, errp);
        break;
    case MIGRATION_ADDRESS_TYPE_EXEC:
        ioc = exec_start_outgoing_migration(addr->u.exec.args, errp);
        break;
    case MIGRATION_ADDRESS_TYPE_FILE:
        ioc = file_start_outgoing_migration(&addr->u.file, errp);
        break;
    default:
        transport_unavailable(addr, errp);
        return false;
    }
    if (!ioc) {
        return false;
    }
    done(ioc, NULL, NULL, opaque);
    object_unref(OBJECT(ioc));
    return true;
}

typedef struct ChannelAcceptData {
    MigrationAcceptFunc accept;
    void *opaque;
    QIOChannel *ioc;        /* fd:, exec:, file: only */
} ChannelAcceptData;

static void channel_accept_data_free(void *opaque)
{
    ChannelAcceptData *data = opaque;

    if (data->ioc) {
        object_unref(OBJECT(data->ioc));
    }
    g_free(data);
}

static void channel_accept_socket(QIONetListener *listener,
                                  QIOChannelSocket *cioc, gpointer opaque)
{
    ChannelAcceptData *data = opaque;

    qio_channel_set_name(QIO_CHANNEL(cioc), "migration-socket-incoming");
    data->accept(QIO_CHANNEL(cioc), data->opaque);
}

/* The channel is there from the start: go when its first data is. */
static gboolean channel_accept_ready(QIOChannel *ioc, GIOCondition condition,
                                     gpointer opaque)
{
    ChannelAcceptData *data = opaque;

    data->accept(ioc, data->opaque);
    return G_SOURCE_REMOVE;
}

bool migration_transport_start_incoming(MigrationAddress *addr,
                                        int num_channels,
                                        MigrationAcceptFunc accept,
                                        void *opaque,
                                        MigrationListener *listener,
                                        Error **errp)
{
    SocketAddress *saddr = &addr->u.socket;
    ChannelAcceptData *data;
    QIOChannel *ioc;

    memset(listener, 0, sizeof(*listener));
    switch (addr->transport) {
    case MIGRATION_ADDRESS_TYPE_SOCKET:
        if (saddr->type != SOCKET_ADDRESS_TYPE_FD) {
            QIONetListener *l;

            data = g_new0(ChannelAcceptData, 1);
            data->accept = accept;
            data->opaque = opaque;
            l = socket_start_incoming_migration(saddr, num_channels,
                                                channel_accept_socket, data,
                                                channel_accept_data_free,
                                                &listener->addresses, errp);
            if (!l) {
                qapi_free_SocketAddressList(listener->addresses);
                listener->addresses = NULL;
                return false;
            }
            listener->cleanup = socket_incoming_migration_end;
            listener->data = l;
            return true;
        }
        ioc = fd_start_incoming_migration(saddr->u.fd.str, errp);
        break;
    case MIGRATION_ADDRESS_TYPE_EXEC:
        ioc = exec_start_incoming_migration(addr->u.exec.args, errp);
        break;
    case MIGRATION_ADDRESS_TYPE_FILE:
        ioc = file_start_incoming_migration(&addr->u.file, errp);
        break;
    default:
        transport_unavailable(addr, errp);
        return false;
    }
    if (!ioc) {
        return false;
    }
    data = g_new0(ChannelAcceptData, 1);
    data->accept = accept;
    data->opaque = opaque;
    data->ioc = ioc;
    qio_channel_add_watch_source(ioc, G_IO_IN, channel_accept_ready, data,
                                 channel_accept_data_free,
                                 g_main_context_get_thread_default());
    return true;
}
