/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QIONetListener: listen on an address (one socket per resolved address,
 * e.g. IPv4 and IPv6 for a host name) and hand each accepted connection
 * to a callback in the main loop.
 */
#ifndef QIO_NET_LISTENER_H
#define QIO_NET_LISTENER_H

#include "io/channel-socket.h"

#define TYPE_QIO_NET_LISTENER "qio-net-listener"
OBJECT_DECLARE_SIMPLE_TYPE(QIONetListener, QIO_NET_LISTENER)

typedef void (*QIONetListenerClientFunc)(QIONetListener *listener,
                                         QIOChannelSocket *sioc,
                                         gpointer data);

struct QIONetListener {
    Object parent;
    char *name;
    QIOChannelSocket **sioc;
    GSource **io_source;
    size_t nsioc;
    bool connected;
    QIONetListenerClientFunc io_func;
    gpointer io_data;
    GDestroyNotify io_notify;
    GMainContext *context;
};

QIONetListener *qio_net_listener_new(void);
void qio_net_listener_set_name(QIONetListener *listener, const char *name);
/*
 * Listen on every address @addr resolves to (backlog @num).  With port 0
 * the port the first socket got is used for the others.  Succeeds if at
 * least one socket listens.
 */
int qio_net_listener_open_sync(QIONetListener *listener,
                               SocketAddress *addr, int num, Error **errp);
/* Add a listening socket (a reference is taken). */
void qio_net_listener_add(QIONetListener *listener, QIOChannelSocket *sioc);
/*
 * Call @func for each accepted client, in the default main context; the
 * callback owns a reference on the client only for its duration (ref it
 * to keep it).  NULL stops accepting.  The watches hold a reference
 * on @listener: call qio_net_listener_disconnect() (or set a NULL func)
 * before dropping the last reference.
 */
void qio_net_listener_set_client_func(QIONetListener *listener,
                                      QIONetListenerClientFunc func,
                                      gpointer data, GDestroyNotify notify);
void qio_net_listener_set_client_func_full(QIONetListener *listener,
                                           QIONetListenerClientFunc func,
                                           gpointer data,
                                           GDestroyNotify notify,
                                           GMainContext *context);
/* Block until one client connects and return it. */
QIOChannelSocket *qio_net_listener_wait_client(QIONetListener *listener);
/* The address socket @n actually listens on (the real port). */
SocketAddress *qio_net_listener_get_local_address(QIONetListener *listener,
                                                  size_t n, Error **errp);
/* Stop accepting and close every listening socket. */
void qio_net_listener_disconnect(QIONetListener *listener);
bool qio_net_listener_is_connected(QIONetListener *listener);

#endif /* QIO_NET_LISTENER_H */
