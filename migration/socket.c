/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tcp: and unix: transports.  Outgoing connects asynchronously and hands
 * the socket to migration_channel_connect(); incoming listens (tcp port
 * 0 picks a free port; every bound address, with its real port, goes to
 * query-migrate's socket-address) and passes each accepted connection
 * to migration_ioc_process_incoming().
 */
#include "qemu/osdep.h"
#include "io/channel-socket.h"
#include "io/net-listener.h"
#include "migration/migration.h"
#include "migration/options.h"
#include "migration/qemu-file.h"
#include "qapi/clone-visitor.h"
#include "qapi/error.h"
#include "qapi/qapi-visit-sockets.h"
#include "qemu/error-report.h"

typedef struct SocketConnectData {
    MigrationState *s;
    char *hostname;
} SocketConnectData;

static void socket_connect_data_free(void *opaque)
{
    SocketConnectData *data = opaque;

    if (data) {
        g_free(data->hostname);
        g_free(data);
    }
}

static void socket_outgoing_migration(QIOTask *task, gpointer opaque)
{
    SocketConnectData *data = opaque;
    QIOChannel *sioc = QIO_CHANNEL(qio_task_get_source(task));
    Error *err = NULL;

    qio_task_propagate_error(task, &err);
    migration_channel_connect(data->s, sioc, data->hostname, err);
    error_free(err);
}

void socket_start_outgoing_migration(MigrationState *s,
                                     SocketAddress *saddr, Error **errp)
{
    QIOChannelSocket *sioc = qio_channel_socket_new();
    SocketConnectData *data = g_new0(SocketConnectData, 1);
    SocketAddress *addr = QAPI_CLONE(SocketAddress, saddr);

    data->s = s;
    if (saddr->type == SOCKET_ADDRESS_TYPE_INET) {
        data->hostname = g_strdup(saddr->u.inet.host);
    }
    qio_channel_set_name(QIO_CHANNEL(sioc), "migration-socket-outgoing");
    qio_channel_socket_connect_async(sioc, addr, socket_outgoing_migration,
                                     data, socket_connect_data_free, NULL);
    object_unref(OBJECT(sioc));
    qapi_free_SocketAddress(addr);
}

static void socket_accept_incoming_migration(QIONetListener *listener,
                                             QIOChannelSocket *cioc,
                                             gpointer opaque)
{
    Error *err = NULL;

    if (migration_has_all_channels()) {
        MigrationIncomingState *mis = migration_incoming_get_current();

        /*
         * The source opened multifd (or postcopy-preempt) channels, so
         * the main channel alone will never carry all the RAM.  Fail now
         * rather than wait for a source that may never close it.
         */
        error_report("Extra incoming migration connection: multifd is not "
                     "supported by Tern yet; failing the migration");
        qio_channel_shutdown(qemu_file_get_ioc(mis->from_src_file),
                             QIO_CHANNEL_SHUTDOWN_BOTH, NULL);
        return;
    }
    qio_channel_set_name(QIO_CHANNEL(cioc), "migration-socket-incoming");
    migration_ioc_process_incoming(QIO_CHANNEL(cioc), &err);
    if (err) {
        error_report_err(err);
    }
}

static void socket_incoming_migration_end(void *opaque)
{
    QIONetListener *listener = opaque;

    qio_net_listener_disconnect(listener);
    object_unref(OBJECT(listener));
}

void socket_start_incoming_migration(SocketAddress *saddr, Error **errp)
{
    MigrationIncomingState *mis = migration_incoming_get_current();
    QIONetListener *listener = qio_net_listener_new();
    int num = migrate_multifd() ? migrate_multifd_channels() + 1 : 1;
    size_t i;

    qio_net_listener_set_name(listener, "migration-socket-listener");
    if (qio_net_listener_open_sync(listener, saddr, num, errp) < 0) {
        object_unref(OBJECT(listener));
        return;
    }
    mis->transport_data = listener;
    mis->transport_cleanup = socket_incoming_migration_end;
    qio_net_listener_set_client_func_full(listener,
                                          socket_accept_incoming_migration,
                                          NULL, NULL,
                                          g_main_context_get_thread_default());
    for (i = 0; i < listener->nsioc; i++) {
        SocketAddress *address =
            qio_channel_socket_get_local_address(listener->sioc[i], errp);

        if (!address) {
            return;
        }
        QAPI_LIST_PREPEND(mis->socket_address_list, address);
    }
}
