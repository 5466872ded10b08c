/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tcp:, unix: and vsock: transports.  Outgoing connects asynchronously
 * and reports to the caller's callback; incoming listens (tcp port 0
 * picks a free port; every bound address, with its real port, is
 * returned for query-migrate's socket-address) and hands each accepted
 * connection to the caller's callback.
 */
#include "qemu/osdep.h"
#include "io/channel-socket.h"
#include "migration/socket.h"
#include "qapi/clone-visitor.h"
#include "qapi/error.h"
#include "qapi/qapi-visit-sockets.h"

typedef struct SocketConnectData {
    SocketMigrationConnected done;
    void *opaque;
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
    data->done(sioc, data->hostname, err, data->opaque);
    error_free(err);
}

void socket_start_outgoing_migration(SocketAddress *saddr,
                                     SocketMigrationConnected done,
                                     void *opaque)
{
    QIOChannelSocket *sioc = qio_channel_socket_new();
    SocketConnectData *data = g_new0(SocketConnectData, 1);
    SocketAddress *addr = QAPI_CLONE(SocketAddress, saddr);

    data->done = done;
    data->opaque = opaque;
    if (saddr->type == SOCKET_ADDRESS_TYPE_INET) {
        data->hostname = g_strdup(saddr->u.inet.host);
    }
    qio_channel_set_name(QIO_CHANNEL(sioc), "migration-socket-outgoing");
    qio_channel_socket_connect_async(sioc, addr, socket_outgoing_migration,
                                     data, socket_connect_data_free, NULL);
    object_unref(OBJECT(sioc));
    qapi_free_SocketAddress(addr);
}

void socket_incoming_migration_end(void *opaque)
{
    QIONetListener *listener = opaque;

    qio_net_listener_disconnect(listener);
    object_unref(OBJECT(listener));
}

QIONetListener *socket_start_incoming_migration(SocketAddress *saddr,
                                                int num,
                                                QIONetListenerClientFunc accept,
                                                void *opaque,
                                                GDestroyNotify destroy,
                                                SocketAddressList **addresses,
                                                Error **errp)
{
    QIONetListener *listener = qio_net_listener_new();
    size_t i;

    qio_net_listener_set_name(listener, "migration-socket-listener");
    if (qio_net_listener_open_sync(listener, saddr, num, errp) < 0) {
        object_unref(OBJECT(listener));
        if (destroy) {
            destroy(opaque);
        }
        return NULL;
    }
    for (i = 0; i < listener->nsioc; i++) {
        SocketAddress *address =
            qio_channel_socket_get_local_address(listener->sioc[i], errp);

        if (!address) {
            object_unref(OBJECT(listener));
            if (destroy) {
                destroy(opaque);
            }
            return NULL;
        }
        QAPI_LIST_PREPEND(*addresses, address);
    }
    qio_net_listener_set_client_func_full(listener, accept, opaque, destroy,
                                          g_main_context_get_thread_default());
    return listener;
}
