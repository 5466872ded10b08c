/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The abstract network filter ("netfilter"): attaches to the netdev named
 * by "netdev" when completed, at the place "position" and "insert" give
 * (the tail by default), sees frames in the direction "queue" says (all,
 * rx, tx) while "status" is on, and leaves when it is deleted or its
 * netdev goes.  As in QEMU, what the netdev sends to its NIC (tx) walks
 * the chain from head to tail and what it receives (rx) from tail to
 * head, so a chain undoes on the way in what it did on the way out.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qom/object_interfaces.h"
#include "net/filter.h"

/* The filter after @nf for @dir: towards the tail for tx, the head for rx. */
static NetFilterState *netfilter_next(NetFilterState *nf,
                                      NetFilterDirection dir)
{
    return dir == NET_FILTER_DIRECTION_TX ? QTAILQ_NEXT(nf, next)
                                          : QTAILQ_PREV(nf, next);
}

/* Run @nf and the filters after it that see @dir; true if one took it. */
static bool netfilter_pass_from(NetFilterState *nf, NetFilterDirection dir,
                                NetClientState *sender, const uint8_t *buf,
                                size_t size)
{
    for (; nf; nf = netfilter_next(nf, dir)) {
        NetFilterClass *nfc = NETFILTER_GET_CLASS(nf);

        if (!nf->on || (nf->direction != NET_FILTER_DIRECTION_ALL &&
                        nf->direction != dir)) {
            continue;
        }
        if (nfc->receive(nf, sender, buf, size) != 0) {
            return true;
        }
    }
    return false;
}

bool qemu_netfilter_pass(NetClientState *nc, NetFilterDirection dir,
                         NetClientState *sender, const uint8_t *buf,
                         size_t size)
{
    NetFilterState *first = dir == NET_FILTER_DIRECTION_TX
                            ? QTAILQ_FIRST(&nc->filters)
                            : QTAILQ_LAST(&nc->filters);

    return netfilter_pass_from(first, dir, sender, buf, size);
}

void qemu_netfilter_pass_to_next(NetFilterState *nf, NetClientState *sender,
                                 const uint8_t *buf, size_t size)
{
    NetClientState *netdev = nf->netdev;
    NetClientState *receiver = sender ? sender->peer : NULL;
    NetFilterDirection dir;

    if (!netdev || !receiver || sender->link_down) {
        return;
    }
    /* Sent by the netdev: the rest of its tx chain, then the NIC. */
    dir = sender == netdev ? NET_FILTER_DIRECTION_TX : NET_FILTER_DIRECTION_RX;
    if (netfilter_pass_from(netfilter_next(nf, dir), dir, sender, buf,
                            size)) {
        return;
    }
    qemu_net_deliver(receiver, buf, size);
}

static char *netfilter_get_netdev(Object *obj, Error **errp)
{
    return g_strdup(NETFILTER(obj)->netdev_id);
}

static void netfilter_set_netdev(Object *obj, const char *str, Error **errp)
{
    NetFilterState *nf = NETFILTER(obj);

    g_free(nf->netdev_id);
    nf->netdev_id = g_strdup(str);
}

static const char *const queue_names[] = { "all", "rx", "tx" };

static char *netfilter_get_queue(Object *obj, Error **errp)
{
    return g_strdup(queue_names[NETFILTER(obj)->direction]);
}

static void netfilter_set_queue(Object *obj, const char *str, Error **errp)
{
    for (int i = 0; i < (int)G_N_ELEMENTS(queue_names); i++) {
        if (!strcmp(str, queue_names[i])) {
            NETFILTER(obj)->direction = i;
            return;
        }
    }
    error_setg(errp, "Parameter 'queue' does not accept value '%s'", str);
}

static char *netfilter_get_status(Object *obj, Error **errp)
{
    return g_strdup(NETFILTER(obj)->on ? "on" : "off");
}

static void netfilter_set_status(Object *obj, const char *str, Error **errp)
{
    NetFilterState *nf = NETFILTER(obj);
    NetFilterClass *nfc = NETFILTER_GET_CLASS(nf);
    bool on = !strcmp(str, "on");

    if (strcmp(str, "on") && strcmp(str, "off")) {
        error_setg(errp, "Invalid value for netfilter status, should be "
                   "'on' or 'off'");
        return;
    }
    if (nf->on == on) {
        return;
    }
    nf->on = on;
    /* A completed filter hears of it (filter-buffer releases its frames). */
    if (nf->netdev && nfc->status_changed) {
        nfc->status_changed(nf, errp);
    }
}

static char *netfilter_get_position(Object *obj, Error **errp)
{
    return g_strdup(NETFILTER(obj)->position);
}

static void netfilter_set_position(Object *obj, const char *str,
                                   Error **errp)
{
    NetFilterState *nf = NETFILTER(obj);

    g_free(nf->position);
    nf->position = g_strdup(str);
}

static char *netfilter_get_insert(Object *obj, Error **errp)
{
    return g_strdup(NETFILTER(obj)->insert_before ? "before" : "behind");
}

static void netfilter_set_insert(Object *obj, const char *str, Error **errp)
{
    if (strcmp(str, "before") && strcmp(str, "behind")) {
        error_setg(errp, "Invalid value for netfilter insert, should be "
                   "'before' or 'behind'");
        return;
    }
    NETFILTER(obj)->insert_before = !strcmp(str, "before");
}

/*
 * The filter "position=id=ID" names, on @nc; NULL for "head" and "tail".
 * Sets @errp for any other value.
 */
static NetFilterState *netfilter_find_position(NetFilterState *nf,
                                               NetClientState *nc,
                                               Error **errp)
{
    const char *id;
    Object *obj;
    NetFilterState *pos;

    if (!strcmp(nf->position, "head") || !strcmp(nf->position, "tail")) {
        return NULL;
    }
    if (!g_str_has_prefix(nf->position, "id=")) {
        error_setg(errp, "Parameter 'position' expects 'head', 'tail' or "
                   "'id=<id>'");
        return NULL;
    }
    id = nf->position + 3;
    obj = object_resolve_path_component(object_get_objects_root(), id);
    pos = obj ? (NetFilterState *)object_dynamic_cast(obj, TYPE_NETFILTER)
              : NULL;
    if (!pos || !pos->netdev) {
        error_setg(errp, "filter '%s' not found", id);
        return NULL;
    }
    if (pos->netdev != nc) {
        error_setg(errp, "filter '%s' belongs to a different netdev", id);
        return NULL;
    }
    return pos;
}

static void netfilter_complete(UserCreatable *uc, Error **errp)
{
    NetFilterState *nf = NETFILTER(uc);
    NetFilterClass *nfc = NETFILTER_GET_CLASS(nf);
    NetClientState *nc;
    NetFilterState *pos;
    Error *local_err = NULL;

    if (!nf->netdev_id) {
        error_setg(errp, "Parameter 'netdev' is missing");
        return;
    }
    nc = qemu_find_netdev(nf->netdev_id);
    if (!nc) {
        error_setg(errp, "Parameter 'netdev' expects a network backend id, "
                   "no netdev '%s'", nf->netdev_id);
        return;
    }
    pos = netfilter_find_position(nf, nc, &local_err);
    if (local_err) {
        error_propagate(errp, local_err);
        return;
    }
    if (nfc->setup) {
        nfc->setup(nf, &local_err);
        if (local_err) {
            error_propagate(errp, local_err);
            return;
        }
    }
    nf->netdev = nc;
    if (pos && nf->insert_before) {
        QTAILQ_INSERT_BEFORE(pos, nf, next);
    } else if (pos) {
        QTAILQ_INSERT_AFTER(&nc->filters, pos, nf, next);
    } else if (!strcmp(nf->position, "head")) {
        QTAILQ_INSERT_HEAD(&nc->filters, nf, next);
    } else {
        QTAILQ_INSERT_TAIL(&nc->filters, nf, next);
    }
}

static void netfilter_init(Object *obj)
{
    NETFILTER(obj)->on = true;
    NETFILTER(obj)->position = g_strdup("tail");
}

static void netfilter_finalize(Object *obj)
{
    NetFilterState *nf = NETFILTER(obj);
    NetFilterClass *nfc = NETFILTER_GET_CLASS(nf);

    if (nf->netdev) {
        /* Still in the chain: what a filter releases goes on from it. */
        if (nfc->cleanup) {
            nfc->cleanup(nf);
        }
        QTAILQ_REMOVE(&nf->netdev->filters, nf, next);
    }
    g_free(nf->netdev_id);
    g_free(nf->position);
}

static void netfilter_class_init(ObjectClass *oc, const void *data)
{
    UserCreatableClass *ucc = USER_CREATABLE_CLASS(oc);

    ucc->complete = netfilter_complete;
    object_class_property_add_str(oc, "netdev", netfilter_get_netdev,
                                  netfilter_set_netdev);
    object_class_property_add_str(oc, "queue", netfilter_get_queue,
                                  netfilter_set_queue);
    object_class_property_add_str(oc, "status", netfilter_get_status,
                                  netfilter_set_status);
    object_class_property_add_str(oc, "position", netfilter_get_position,
                                  netfilter_set_position);
    object_class_property_add_str(oc, "insert", netfilter_get_insert,
                                  netfilter_set_insert);
}

static const TypeInfo netfilter_info = {
    .name = TYPE_NETFILTER,
    .parent = TYPE_OBJECT,
    .abstract = true,
    .class_size = sizeof(NetFilterClass),
    .class_init = netfilter_class_init,
    .instance_size = sizeof(NetFilterState),
    .instance_init = netfilter_init,
    .instance_finalize = netfilter_finalize,
    .interfaces = (const InterfaceInfo[]) {
        { TYPE_USER_CREATABLE },
        { }
    },
};

static void netfilter_register_types(void)
{
    type_register_static(&netfilter_info);
}

type_init(netfilter_register_types)
