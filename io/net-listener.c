/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QIONetListener: a set of listening sockets whose accepted clients go to
 * one callback in a main context.
 */
#include "qemu/osdep.h"
#include <netdb.h>
#include "qapi/error.h"
#include "qapi/clone-visitor.h"
#include "qapi/qapi-visit-sockets.h"
#include "io/net-listener.h"
#include "io/trace.h"

QIONetListener *qio_net_listener_new(void)
{
    return QIO_NET_LISTENER(object_new(TYPE_QIO_NET_LISTENER));
}

void qio_net_listener_set_name(QIONetListener *listener, const char *name)
{
    g_free(listener->name);
    listener->name = g_strdup(name);
}

static gboolean qio_net_listener_channel_func(QIOChannel *ioc,
                                              GIOCondition condition,
                                              gpointer opaque)
{
    QIONetListener *listener = opaque;
    QIOChannelSocket *sioc;

    sioc = qio_channel_socket_accept(QIO_CHANNEL_SOCKET(ioc), NULL);
    if (!sioc) {
        return TRUE;
    }
    trace_qio_net_listener_callback(listener, sioc);
    if (listener->io_func) {
        listener->io_func(listener, sioc, listener->io_data);
    }
    object_unref(sioc);
    return TRUE;
}

static void qio_net_listener_watch(QIONetListener *listener, size_t i)
{
    if (listener->io_func && !listener->io_source[i]) {
        object_ref(listener);
        listener->io_source[i] = qio_channel_add_watch_source(
            QIO_CHANNEL(listener->sioc[i]), G_IO_IN,
            qio_net_listener_channel_func, listener,
            (GDestroyNotify)object_unref, listener->context);
    }
}

static void qio_net_listener_unwatch(QIONetListener *listener, size_t i)
{
    if (listener->io_source[i]) {
        g_source_destroy(listener->io_source[i]);
        listener->io_source[i] = NULL;
    }
}

void qio_net_listener_add(QIONetListener *listener, QIOChannelSocket *sioc)
{
    trace_qio_net_listener_add(listener, sioc,
                               listener->name ? listener->name : "");
    if (listener->name) {
        qio_channel_set_name(QIO_CHANNEL(sioc), listener->name);
    }
    listener->sioc = g_renew(QIOChannelSocket *, listener->sioc,
                             listener->nsioc + 1);
    listener->io_source = g_renew(GSource *, listener->io_source,
                                  listener->nsioc + 1);
    listener->sioc[listener->nsioc] = QIO_CHANNEL_SOCKET(object_ref(sioc));
    listener->io_source[listener->nsioc] = NULL;
    listener->nsioc++;
    listener->connected = true;
    qio_net_listener_watch(listener, listener->nsioc - 1);
}

/* Split an inet address into one numeric address per resolved result. */
static GPtrArray *qio_net_listener_resolve(SocketAddress *addr,
                                           Error **errp)
{
    GPtrArray *list = g_ptr_array_new_with_free_func(
        (GDestroyNotify)qapi_free_SocketAddress);
    InetSocketAddress *in = &addr->u.inet;
    struct addrinfo hints = {
        .ai_socktype = SOCK_STREAM,
        .ai_flags = AI_PASSIVE,
    };
    struct addrinfo *res, *e;
    int rc;

    if (addr->type != SOCKET_ADDRESS_TYPE_INET) {
        g_ptr_array_add(list, QAPI_CLONE(SocketAddress, addr));
        return list;
    }
    if (in->has_ipv4 && !in->ipv4) {
        hints.ai_family = AF_INET6;
    } else if (in->has_ipv6 && !in->ipv6) {
        hints.ai_family = AF_INET;
    }
    if (in->has_numeric && in->numeric) {
        hints.ai_flags |= AI_NUMERICHOST;
    }
    rc = getaddrinfo(in->host && in->host[0] ? in->host : NULL, in->port,
                     &hints, &res);
    if (rc != 0) {
        error_setg(errp, "address resolution failed for %s:%s: %s",
                   in->host, in->port, gai_strerror(rc));
        g_ptr_array_free(list, true);
        return NULL;
    }
    for (e = res; e; e = e->ai_next) {
        g_autoptr(SocketAddress) one = NULL;
        SocketAddress *copy;

        one = socket_sockaddr_to_address((struct sockaddr_storage *)
                                         e->ai_addr, e->ai_addrlen, NULL);
        if (!one) {
            continue;
        }
        copy = QAPI_CLONE(SocketAddress, addr);
        g_free(copy->u.inet.host);
        copy->u.inet.host = g_strdup(one->u.inet.host);
        /* One socket per family: a v6 socket must not take v4 too. */
        copy->u.inet.has_ipv4 = copy->u.inet.has_ipv6 = true;
        copy->u.inet.ipv4 = e->ai_family == AF_INET;
        copy->u.inet.ipv6 = e->ai_family == AF_INET6;
        copy->u.inet.has_numeric = copy->u.inet.numeric = true;
        g_ptr_array_add(list, copy);
    }
    freeaddrinfo(res);
    return list;
}

int qio_net_listener_open_sync(QIONetListener *listener,
                               SocketAddress *addr, int num, Error **errp)
{
    g_autoptr(GPtrArray) addrs = qio_net_listener_resolve(addr, errp);
    Error *first_err = NULL;
    char *picked_port = NULL;
    bool any = false;

    if (!addrs) {
        return -1;
    }
    for (guint i = 0; i < addrs->len; i++) {
        SocketAddress *a = g_ptr_array_index(addrs, i);
        QIOChannelSocket *sioc = qio_channel_socket_new();
        Error *err = NULL;

        if (picked_port) {
            g_free(a->u.inet.port);
            a->u.inet.port = g_strdup(picked_port);
        }
        if (qio_channel_socket_listen_sync(sioc, a, num, &err) == 0) {
            if (a->type == SOCKET_ADDRESS_TYPE_INET && !picked_port) {
                g_autoptr(SocketAddress) local =
                    qio_channel_socket_get_local_address(sioc, NULL);

                if (local) {
                    picked_port = g_strdup(local->u.inet.port);
                }
            }
            qio_net_listener_add(listener, sioc);
            any = true;
        } else if (!first_err) {
            first_err = err;
        } else {
            error_free(err);
        }
        object_unref(sioc);
    }
    g_free(picked_port);
    if (!any) {
        error_propagate(errp, first_err);
        return -1;
    }
    error_free(first_err);
    return 0;
}

void qio_net_listener_set_client_func_full(QIONetListener *listener,
                                           QIONetListenerClientFunc func,
                                           gpointer data,
                                           GDestroyNotify notify,
                                           GMainContext *context)
{
    for (size_t i = 0; i < listener->nsioc; i++) {
        qio_net_listener_unwatch(listener, i);
    }
    if (listener->io_notify) {
        listener->io_notify(listener->io_data);
    }
    listener->io_func = func;
    listener->io_data = data;
    listener->io_notify = notify;
    listener->context = context;
    for (size_t i = 0; i < listener->nsioc; i++) {
        qio_net_listener_watch(listener, i);
    }
}

void qio_net_listener_set_client_func(QIONetListener *listener,
                                      QIONetListenerClientFunc func,
                                      gpointer data, GDestroyNotify notify)
{
    qio_net_listener_set_client_func_full(listener, func, data, notify,
                                          NULL);
}

typedef struct WaitClient {
    GMainLoop *loop;
    QIOChannelSocket *sioc;
} WaitClient;

static gboolean qio_net_listener_wait_func(QIOChannel *ioc,
                                           GIOCondition condition,
                                           gpointer opaque)
{
    WaitClient *w = opaque;

    if (!w->sioc) {
        w->sioc = qio_channel_socket_accept(QIO_CHANNEL_SOCKET(ioc), NULL);
        if (w->sioc) {
            g_main_loop_quit(w->loop);
        }
    }
    return TRUE;
}

QIOChannelSocket *qio_net_listener_wait_client(QIONetListener *listener)
{
    GMainContext *ctxt = g_main_context_new();
    WaitClient w = { .loop = g_main_loop_new(ctxt, TRUE) };
    g_autofree GSource **srcs = g_new0(GSource *, listener->nsioc);

    for (size_t i = 0; i < listener->nsioc; i++) {
        srcs[i] = qio_channel_add_watch_source(
            QIO_CHANNEL(listener->sioc[i]), G_IO_IN,
            qio_net_listener_wait_func, &w, NULL, ctxt);
    }
    g_main_loop_run(w.loop);
    for (size_t i = 0; i < listener->nsioc; i++) {
        g_source_destroy(srcs[i]);
    }
    g_main_loop_unref(w.loop);
    g_main_context_unref(ctxt);
    return w.sioc;
}

SocketAddress *qio_net_listener_get_local_address(QIONetListener *listener,
                                                  size_t n, Error **errp)
{
    if (n >= listener->nsioc) {
        error_setg(errp, "Listener has no socket %zu", n);
        return NULL;
    }
    return qio_channel_socket_get_local_address(listener->sioc[n], errp);
}

void qio_net_listener_disconnect(QIONetListener *listener)
{
    for (size_t i = 0; i < listener->nsioc; i++) {
        qio_net_listener_unwatch(listener, i);
        qio_channel_close(QIO_CHANNEL(listener->sioc[i]), NULL);
    }
    listener->connected = false;
}

bool qio_net_listener_is_connected(QIONetListener *listener)
{
    return listener->connected;
}

static void qio_net_listener_finalize(Object *obj)
{
    QIONetListener *listener = QIO_NET_LISTENER(obj);

    /* Watches hold references, so none can be active here. */
    if (listener->io_notify) {
        listener->io_notify(listener->io_data);
    }
    for (size_t i = 0; i < listener->nsioc; i++) {
        object_unref(listener->sioc[i]);
    }
    g_free(listener->io_source);
    g_free(listener->sioc);
    g_free(listener->name);
}

static const TypeInfo qio_net_listener_info = {
    .parent = TYPE_OBJECT,
    .name = TYPE_QIO_NET_LISTENER,
    .instance_size = sizeof(QIONetListener),
    .instance_finalize = qio_net_listener_finalize,
};

static void qio_net_listener_register_types(void)
{
    type_register_static(&qio_net_listener_info);
}

type_init(qio_net_listener_register_types)
