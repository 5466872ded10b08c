/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The network core: clients in peer pairs (a NIC and its netdev), frame
 * delivery through the netdev's filters with a bounded queue for a busy
 * receiver, -netdev / netdev_add / netdev_del, -nic, set_link and
 * "info network".
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-net.h"
#include "qapi/qapi-visit-net.h"
#include "qapi/qobject-input-visitor.h"
#include "qapi/visitor.h"
#include "qemu/cutils.h"
#include "qemu/error-report.h"
#include "qemu/module.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qstring.h"
#include "hw/qdev-core.h"
#include "monitor/hmp.h"
#include "monitor/monitor.h"
#include "net/clients.h"
#include "net/filter.h"
#include "net/net.h"
#include "net/net-parse.h"
#include "net/trace.h"

static QTAILQ_HEAD(, NetClientState) net_clients =
    QTAILQ_HEAD_INITIALIZER(net_clients);

typedef struct NetPacket {
    NetClientState *sender;
    size_t size;
    uint8_t data[];
} NetPacket;

/* ------------------------------------------------------------------ */
/* Clients                                                             */

static void qemu_net_client_setup(NetClientState *nc,
                                  const NetClientInfo *info,
                                  NetClientState *peer, const char *model,
                                  const char *name)
{
    nc->info = info;
    nc->model = g_strdup(model);
    nc->name = g_strdup(name ? name : model);
    nc->incoming = g_queue_new();
    QTAILQ_INIT(&nc->filters);
    if (peer) {
        assert(!peer->peer);
        nc->peer = peer;
        peer->peer = nc;
    }
    QTAILQ_INSERT_TAIL(&net_clients, nc, next);
}

NetClientState *qemu_new_net_client(const NetClientInfo *info,
                                    NetClientState *peer, const char *model,
                                    const char *name)
{
    NetClientState *nc;

    assert(info->size >= sizeof(NetClientState));
    nc = g_malloc0(info->size);
    qemu_net_client_setup(nc, info, peer, model, name);
    return nc;
}

NICState *qemu_new_nic(const NetClientInfo *info, NICConf *conf,
                       const char *model, const char *name, void *opaque)
{
    NICState *nic;

    assert(info->type == NET_CLIENT_DRIVER_NIC);
    assert(info->size >= sizeof(NICState));
    nic = g_malloc0(info->size);
    nic->conf = conf;
    nic->opaque = opaque;
    qemu_net_client_setup(&nic->nc, info, conf->peer, model, name);
    return nic;
}

static void qemu_purge_queue(NetClientState *nc, NetClientState *sender)
{
    GList *l = nc->incoming->head;

    while (l) {
        GList *next = l->next;
        NetPacket *p = l->data;

        if (!sender || p->sender == sender) {
            g_queue_delete_link(nc->incoming, l);
            g_free(p);
        }
        l = next;
    }
}

static void qemu_cleanup_net_client(NetClientState *nc)
{
    QTAILQ_REMOVE(&net_clients, nc, next);
    if (nc->info->cleanup) {
        nc->info->cleanup(nc);
    }
    if (nc->peer) {
        qemu_purge_queue(nc->peer, nc);
        nc->peer->peer = NULL;
        nc->peer = NULL;
    }
    qemu_purge_queue(nc, NULL);
    g_queue_free(nc->incoming);
    g_free(nc->model);
    g_free(nc->name);
}

void qemu_del_net_client(NetClientState *nc)
{
    NetFilterState *nf, *next;

    /* The filters go with their netdev, as in QEMU. */
    QTAILQ_FOREACH_SAFE(nf, &nc->filters, next, next) {
        object_unparent(OBJECT(nf));
    }
    qemu_cleanup_net_client(nc);
    g_free(nc);
}

void qemu_del_nic(NICState *nic)
{
    qemu_cleanup_net_client(&nic->nc);
    g_free(nic);
}

NetClientState *qemu_find_netdev(const char *id)
{
    NetClientState *nc;

    QTAILQ_FOREACH(nc, &net_clients, next) {
        if (nc->info->type != NET_CLIENT_DRIVER_NIC &&
            !strcmp(nc->name, id)) {
            return nc;
        }
    }
    return NULL;
}

NICState *qemu_next_nic(NICState *prev)
{
    NetClientState *nc = prev ? QTAILQ_NEXT(&prev->nc, next)
                              : QTAILQ_FIRST(&net_clients);

    for (; nc; nc = QTAILQ_NEXT(nc, next)) {
        if (nc->info->type == NET_CLIENT_DRIVER_NIC) {
            return (NICState *)nc;
        }
    }
    return NULL;
}

void qemu_foreach_nic(void (*fn)(NICState *nic, void *opaque), void *opaque)
{
    for (NICState *nic = qemu_next_nic(NULL); nic; nic = qemu_next_nic(nic)) {
        fn(nic, opaque);
    }
}

void qemu_macaddr_default_if_unset(MACAddr *macaddr)
{
    static const MACAddr zero;
    static int index;

    if (memcmp(macaddr, &zero, sizeof(zero))) {
        return;
    }
    macaddr->a[0] = 0x52;
    macaddr->a[1] = 0x54;
    macaddr->a[2] = 0x00;
    macaddr->a[3] = 0x12;
    macaddr->a[4] = 0x34;
    macaddr->a[5] = 0x56 + index++;
}

char *qemu_mac_strdup_printf(const uint8_t *m)
{
    return g_strdup_printf("%.2x:%.2x:%.2x:%.2x:%.2x:%.2x",
                           m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* ------------------------------------------------------------------ */
/* Frames                                                              */

void qemu_net_deliver(NetClientState *nc, const uint8_t *buf, size_t size)
{
    NetPacket *p;

    if (nc->link_down) {
        return;
    }
    if (g_queue_is_empty(nc->incoming) &&
        (!nc->info->can_receive || nc->info->can_receive(nc)) &&
        nc->info->receive(nc, buf, size) != 0) {
        return;
    }
    if (g_queue_get_length(nc->incoming) >= NET_QUEUE_MAX) {
        trace_net_queue_full(nc->name, size);
        return;
    }
    p = g_malloc(sizeof(*p) + size);
    p->sender = nc->peer;
    p->size = size;
    memcpy(p->data, buf, size);
    g_queue_push_tail(nc->incoming, p);
}

void qemu_flush_queued_packets(NetClientState *nc)
{
    while (!g_queue_is_empty(nc->incoming)) {
        NetPacket *p = g_queue_peek_head(nc->incoming);

        if (nc->info->can_receive && !nc->info->can_receive(nc)) {
            return;
        }
        if (nc->info->receive(nc, p->data, p->size) == 0) {
            return;
        }
        g_free(g_queue_pop_head(nc->incoming));
    }
}

void qemu_send_packet(NetClientState *nc, const uint8_t *buf, size_t size)
{
    NetClientState *peer = nc->peer;

    trace_net_send(nc->name, peer ? peer->name : "", size);
    if (nc->link_down || !peer) {
        return;
    }
    /* A netdev's filters see what it sends (tx) and receives (rx). */
    if (nc->info->type != NET_CLIENT_DRIVER_NIC &&
        qemu_netfilter_pass(nc, NET_FILTER_DIRECTION_TX, nc, buf, size)) {
        return;
    }
    if (peer->info->type != NET_CLIENT_DRIVER_NIC &&
        qemu_netfilter_pass(peer, NET_FILTER_DIRECTION_RX, nc, buf, size)) {
        return;
    }
    qemu_net_deliver(peer, buf, size);
}

/* ------------------------------------------------------------------ */
/* -netdev, netdev_add, netdev_del                                     */

/* A letter, then letters, digits, '-', '.' or '_' (QEMU's rule). */
static bool net_id_wellformed(const char *id)
{
    if (g_str_has_prefix(id, "__org.qemu.nic")) {
        return true;            /* -nic's own names */
    }
    if (!g_ascii_isalpha(id[0])) {
        return false;
    }
    for (const char *p = id + 1; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("-._", *p)) {
            return false;
        }
    }
    return true;
}

static bool net_client_init_netdev(Netdev *netdev, Error **errp)
{
    if (!net_id_wellformed(netdev->id)) {
        error_setg(errp, "Parameter 'id' expects an identifier");
        return false;
    }
    if (qemu_find_netdev(netdev->id)) {
        error_setg(errp, "Duplicate ID '%s' for netdev", netdev->id);
        return false;
    }
    switch (netdev->type) {
    case NET_CLIENT_DRIVER_USER:
        return net_init_user(&netdev->u.user, netdev->id, errp);
    case NET_CLIENT_DRIVER_SOCKET:
        return net_init_socket(&netdev->u.socket, netdev->id, errp);
    case NET_CLIENT_DRIVER_TAP:
        return net_init_tap(&netdev->u.tap, netdev->id, errp);
    default:
        error_setg(errp, "Parameter 'type' expects a netdev backend type");
        return false;
    }
}

void qmp_netdev_add(Netdev *netdev, Error **errp)
{
    net_client_init_netdev(netdev, errp);
}

void qmp_netdev_del(const char *id, Error **errp)
{
    NetClientState *nc = qemu_find_netdev(id);

    if (!nc) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Device '%s' not found", id);
        return;
    }
    if (nc->peer) {
        /* QEMU keeps a NIC's netdev until the NIC goes; Tern refuses. */
        error_setg(errp, "Device '%s' is in use by NIC '%s'", id,
                   nc->peer->name);
        return;
    }
    qemu_del_net_client(nc);
}

static Netdev *net_netdev_from_qdict(QDict *qdict, Error **errp)
{
    Visitor *v = qobject_input_visitor_new_keyval(QOBJECT(qdict));
    Netdev *netdev = NULL;

    if (!qdict_haskey(qdict, "id")) {
        error_setg(errp, "Parameter 'id' is missing");
    } else if (visit_type_Netdev(v, NULL, &netdev, errp) &&
               netdev->type == NET_CLIENT_DRIVER_NIC) {
        error_setg(errp, "Parameter 'type' expects a netdev backend type");
        qapi_free_Netdev(netdev);
        netdev = NULL;
    }
    visit_free(v);
    return netdev;
}

bool net_client_init_str(const char *optstr, bool is_netdev, Error **errp)
{
    g_autoptr(QDict) qdict = net_parse_opts(optstr, "type", errp);
    g_autoptr(Netdev) netdev = NULL;

    if (!qdict) {
        return false;
    }
    netdev = net_netdev_from_qdict(qdict, errp);
    return netdev && net_client_init_netdev(netdev, errp);
}

/* -nic: remembered until the board exists, then made into a device. */
typedef struct PendingNic {
    char *netdev;
    char *model;
    char *mac;
} PendingNic;

static GPtrArray *pending_nics;

bool net_nic_init_str(const char *optstr, Error **errp)
{
    g_autoptr(QDict) qdict = net_parse_opts(optstr, "type", errp);
    g_autoptr(Netdev) netdev = NULL;
    static int nic_index;
    PendingNic *pn;
    g_autofree char *id = NULL;

    if (!qdict) {
        return false;
    }
    if (!g_strcmp0(qdict_get_try_str(qdict, "type"), "none")) {
        return true;
    }
    pn = g_new0(PendingNic, 1);
    pn->model = g_strdup(qdict_get_try_str(qdict, "model") ?: "e1000");
    pn->mac = g_strdup(qdict_get_try_str(qdict, "mac"));
    qdict_del(qdict, "model");
    qdict_del(qdict, "mac");
    if (qdict_haskey(qdict, "id")) {
        id = g_strdup(qdict_get_str(qdict, "id"));
    } else {
        /* QEMU's name for the netdev -nic creates. */
        id = g_strdup_printf("__org.qemu.nic%d", nic_index++);
        qdict_put_str(qdict, "id", id);
    }
    netdev = net_netdev_from_qdict(qdict, errp);
    if (!netdev || !net_client_init_netdev(netdev, errp)) {
        g_free(pn->model);
        g_free(pn->mac);
        g_free(pn);
        return false;
    }
    pn->netdev = g_steal_pointer(&id);
    if (!pending_nics) {
        pending_nics = g_ptr_array_new();
    }
    g_ptr_array_add(pending_nics, pn);
    return true;
}

void net_create_pending_nics(Error **errp)
{
    for (guint i = 0; pending_nics && i < pending_nics->len; i++) {
        PendingNic *pn = g_ptr_array_index(pending_nics, i);
        ObjectClass *oc = object_class_by_name(pn->model);
        BusState *bus;
        DeviceState *dev;

        if (!oc || !object_class_dynamic_cast(oc, TYPE_DEVICE) ||
            !object_class_property_find(oc, "netdev")) {
            error_setg(errp, "unsupported NIC model: %s", pn->model);
            return;
        }
        bus = DEVICE_CLASS(oc)->bus_type
              ? qbus_find(NULL, DEVICE_CLASS(oc)->bus_type, pn->model, errp)
              : NULL;
        if (DEVICE_CLASS(oc)->bus_type && !bus) {
            return;
        }
        dev = qdev_new(pn->model);
        if (!object_property_parse(OBJECT(dev), "netdev", pn->netdev,
                                   errp) ||
            (pn->mac &&
             !object_property_parse(OBJECT(dev), "mac", pn->mac, errp)) ||
            !qdev_realize_and_unref(dev, bus, errp)) {
            return;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Link state and info network                                         */

void qmp_set_link(const char *name, bool up, Error **errp)
{
    NetClientState *nc, *found = NULL;

    QTAILQ_FOREACH(nc, &net_clients, next) {
        if (!strcmp(nc->name, name)) {
            found = nc;
            break;
        }
    }
    if (!found) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Device '%s' not found", name);
        return;
    }
    found->link_down = !up;
    if (found->info->link_status_changed) {
        found->info->link_status_changed(found);
    }
    /*
     * As QEMU: the NIC's link follows its netdev's, so the guest sees
     * a netdev going down.
     */
    if (found->peer && found->peer->info->type == NET_CLIENT_DRIVER_NIC) {
        found->peer->link_down = !up;
        if (found->peer->info->link_status_changed) {
            found->peer->info->link_status_changed(found->peer);
        }
    }
}

static void print_net_client(Monitor *mon, NetClientState *nc)
{
    monitor_printf(mon, "%s: index=0,type=%s,%s\n", nc->name,
                   NetClientDriver_str(nc->info->type), nc->info_str);
    if (nc->link_down) {
        monitor_printf(mon, "link down\n");
    }
}

static void hmp_info_network(Monitor *mon, const QDict *qdict)
{
    NetClientState *nc;

    QTAILQ_FOREACH(nc, &net_clients, next) {
        if (nc->info->type == NET_CLIENT_DRIVER_NIC) {
            print_net_client(mon, nc);
            if (nc->peer) {
                monitor_printf(mon, " \\ ");
                print_net_client(mon, nc->peer);
            }
        }
    }
    QTAILQ_FOREACH(nc, &net_clients, next) {
        if (nc->info->type != NET_CLIENT_DRIVER_NIC && !nc->peer) {
            print_net_client(mon, nc);
        }
    }
}

static void hmp_netdev_add(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;

    net_client_init_str(qdict_get_str(qdict, "netdev"), true, &err);
    hmp_handle_error(mon, err);
}

static void hmp_netdev_del(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;

    qmp_netdev_del(qdict_get_str(qdict, "id"), &err);
    hmp_handle_error(mon, err);
}

static void hmp_set_link(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;

    qmp_set_link(qdict_get_str(qdict, "name"),
                 qdict_get_bool(qdict, "up"), &err);
    hmp_handle_error(mon, err);
}

static const HMPCommand hmp_net_cmds[] = {
    { "netdev_add", "netdev:S", "[user|socket],id=str[,prop=value][,...]",
      "add host network device", hmp_netdev_add },
    { "netdev_del", "id:s", "id", "remove host network device",
      hmp_netdev_del },
    { "set_link", "name:s,up:b", "name on|off",
      "change the link status of a network adapter", hmp_set_link },
    { NULL }
};

static const HMPCommand hmp_info_net_cmds[] = {
    { "network", "", "", "show the network state", hmp_info_network },
    { NULL }
};

static void net_hmp_register(void)
{
    hmp_register_commands(hmp_net_cmds);
    hmp_register_info_commands(hmp_info_net_cmds);
}

type_init(net_hmp_register)
