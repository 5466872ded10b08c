/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The network core (net/net.c): clients (guest NICs and host netdevs)
 * joined in peer pairs, frames sent from one to the other through the
 * netdev's filters, a queue for a receiver that cannot take a frame
 * yet, link state, and the MAC addresses of NICs.
 * docs/devel/net.md describes the design.
 */
#ifndef NET_NET_H
#define NET_NET_H

#include "qapi/qapi-types-net.h"
#include "qemu/queue.h"

#define NET_MAX_FRAME    (64 * 1024 + 64)
#define NET_QUEUE_MAX    1024

typedef struct MACAddr {
    uint8_t a[6];
} MACAddr;

typedef struct NetClientState NetClientState;
typedef struct NetFilterState NetFilterState;

typedef struct NetClientInfo {
    NetClientDriver type;
    size_t size;
    /* Take one frame; returns its size, or 0 to have it queued. */
    ssize_t (*receive)(NetClientState *nc, const uint8_t *buf, size_t size);
    /* False while the client has no room (frames wait in its queue). */
    bool (*can_receive)(NetClientState *nc);
    void (*cleanup)(NetClientState *nc);
    void (*link_status_changed)(NetClientState *nc);
} NetClientInfo;

struct NetClientState {
    const NetClientInfo *info;
    NetClientState *peer;
    char *model;
    char *name;
    char info_str[256];
    bool link_down;
    /* Frames waiting for this client's can_receive. */
    GQueue *incoming;
    QTAILQ_HEAD(, NetFilterState) filters;
    QTAILQ_ENTRY(NetClientState) next;
};

/* What a NIC device is configured with: its MAC and its netdev peer. */
typedef struct NICConf {
    MACAddr macaddr;
    NetClientState *peer;
} NICConf;

typedef struct NICState {
    NetClientState nc;
    NICConf *conf;
    void *opaque;
} NICState;

NetClientState *qemu_new_net_client(const NetClientInfo *info,
                                    NetClientState *peer, const char *model,
                                    const char *name);
NICState *qemu_new_nic(const NetClientInfo *info, NICConf *conf,
                       const char *model, const char *name, void *opaque);
void qemu_del_net_client(NetClientState *nc);
void qemu_del_nic(NICState *nic);
static inline NetClientState *qemu_get_queue(NICState *nic)
{
    return &nic->nc;
}
static inline void *qemu_get_nic_opaque(NetClientState *nc)
{
    return ((NICState *)nc)->opaque;
}

/* Send @buf from @nc to its peer (through the filters); drops if down. */
void qemu_send_packet(NetClientState *nc, const uint8_t *buf, size_t size);
/* Deliver what waits in @nc's queue while it can receive. */
void qemu_flush_queued_packets(NetClientState *nc);
/* Give a frame to @nc itself (the far side of the filters). */
void qemu_net_deliver(NetClientState *nc, const uint8_t *buf, size_t size);

NetClientState *qemu_find_netdev(const char *id);
/* Call @fn for each NIC. */
void qemu_foreach_nic(void (*fn)(NICState *nic, void *opaque),
                      void *opaque);
/* The first NIC after @prev (NULL: the first), or NULL. */
NICState *qemu_next_nic(NICState *prev);

/* A locally administered 52:54:00:12:34:NN MAC, NN counting from 0x56. */
void qemu_macaddr_default_if_unset(MACAddr *macaddr);
char *qemu_mac_strdup_printf(const uint8_t *macaddr);

/* Create a netdev from QEMU's option string or QemuOpts-style dict. */
bool net_client_init_str(const char *optstr, bool is_netdev, Error **errp);
/* -nic: a netdev plus the NIC that uses it. */
bool net_nic_init_str(const char *optstr, Error **errp);
/* Devices from -nic, created by the machine's board code after init. */
void net_create_pending_nics(Error **errp);

#endif /* NET_NET_H */
