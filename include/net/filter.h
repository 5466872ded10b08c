/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Network filters (net/filter.c): user-creatable objects attached to a
 * netdev that see every frame it sends (tx) or receives (rx), in the
 * order they were created.  filter-dump (net/dump.c) writes a pcap,
 * filter-buffer (net/filter-buffer.c) holds frames for an interval,
 * filter-mirror and filter-redirector (net/filter-mirror.c) copy or
 * divert them to chardevs.
 */
#ifndef NET_FILTER_H
#define NET_FILTER_H

#include "qom/object.h"
#include "net/net.h"

#define TYPE_NETFILTER "netfilter"
OBJECT_DECLARE_TYPE(NetFilterState, NetFilterClass, NETFILTER)

typedef enum NetFilterDirection {
    NET_FILTER_DIRECTION_ALL,
    NET_FILTER_DIRECTION_RX,    /* frames the netdev receives (guest TX) */
    NET_FILTER_DIRECTION_TX,    /* frames the netdev sends (to the guest) */
} NetFilterDirection;

struct NetFilterClass {
    ObjectClass parent_class;

    /* Check the properties and open what the filter needs. */
    void (*setup)(NetFilterState *nf, Error **errp);
    void (*cleanup)(NetFilterState *nf);
    /*
     * See one frame.  Returns 0 to pass it on, or its size when the
     * filter took it (it goes no further).
     */
    ssize_t (*receive)(NetFilterState *nf, NetClientState *sender,
                       const uint8_t *buf, size_t size);
    /* "status" changed on a completed filter (optional). */
    void (*status_changed)(NetFilterState *nf, Error **errp);
};

struct NetFilterState {
    Object parent_obj;

    char *netdev_id;
    NetClientState *netdev;
    NetFilterDirection direction;
    bool on;
    char *position;             /* "head", "tail" or "id=ID" */
    bool insert_before;         /* before (else behind) position's filter */
    QTAILQ_ENTRY(NetFilterState) next;
};

/*
 * Run @sender's frame through @nc's filters for direction @dir; true
 * when a filter took it.
 */
bool qemu_netfilter_pass(NetClientState *nc, NetFilterDirection dir,
                         NetClientState *sender, const uint8_t *buf,
                         size_t size);

/*
 * Continue the journey of a frame that @nf took earlier (or injects):
 * the filters after @nf in the direction @sender implies (the netdev:
 * tx, its peer: rx), then @sender's peer receives it.
 */
void qemu_netfilter_pass_to_next(NetFilterState *nf, NetClientState *sender,
                                 const uint8_t *buf, size_t size);

#endif /* NET_FILTER_H */
