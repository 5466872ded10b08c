/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter-mirror: writes a copy of every frame it sees to the chardev
 * "outdev" and lets the frame go on.  filter-redirector: takes every
 * frame it sees to "outdev" (when one is given and connected), and
 * injects the frames read from the chardev "indev" into the netdev's
 * path in its direction: "tx" and "all" towards the guest, "rx" and
 * "all" towards the netdev.  On the chardevs a frame is QEMU's stream
 * framing: its length as a be32, with "vnet_hdr_support" the length of
 * its virtio-net header as a second be32 (always 0: Tern's netdevs have
 * none), then the bytes.  The framing is read by net_stream_feed
 * (net/net-parse.c).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/bswap.h"
#include "qemu/error-report.h"
#include "chardev/char.h"
#include "chardev/char-fe.h"
#include "net/filter.h"
#include "net/net-parse.h"
#include "net/trace.h"

#define TYPE_FILTER_MIRROR "filter-mirror"
#define TYPE_FILTER_REDIRECTOR "filter-redirector"
typedef struct MirrorState MirrorState;
DECLARE_INSTANCE_CHECKER(MirrorState, FILTER_MIRROR, TYPE_FILTER_MIRROR)
DECLARE_INSTANCE_CHECKER(MirrorState, FILTER_REDIRECTOR,
                         TYPE_FILTER_REDIRECTOR)

struct MirrorState {
    NetFilterState parent_obj;
    char *indev;
    char *outdev;
    CharBackend chr_in;
    CharBackend chr_out;
    NetStreamReader *reader;
    bool vnet_hdr;
};

/* Write @buf framed to outdev; 0 or a negative errno. */
static int filter_send(MirrorState *s, const uint8_t *buf, size_t size)
{
    uint8_t hdr[8];
    int hlen = s->vnet_hdr ? 8 : 4;

    stl_be_p(hdr, size);
    stl_be_p(hdr + 4, 0);       /* no virtio-net header on Tern's netdevs */
    trace_net_filter_mirror_send(NETFILTER(s)->netdev->name, s->outdev,
                                 size);
    if (qemu_chr_fe_write_all(&s->chr_out, hdr, hlen) != hlen ||
        qemu_chr_fe_write_all(&s->chr_out, buf, size) != (int)size) {
        return -EIO;
    }
    return 0;
}

static ssize_t filter_mirror_receive(NetFilterState *nf,
                                     NetClientState *sender,
                                     const uint8_t *buf, size_t size)
{
    MirrorState *s = FILTER_MIRROR(nf);
    int ret = filter_send(s, buf, size);

    if (ret) {
        error_report("filter mirror send failed(%s)", strerror(-ret));
    }
    return 0;       /* the frame itself goes on whatever the copy did */
}

static ssize_t filter_redirector_receive(NetFilterState *nf,
                                         NetClientState *sender,
                                         const uint8_t *buf, size_t size)
{
    MirrorState *s = FILTER_REDIRECTOR(nf);
    int ret;

    if (!qemu_chr_fe_backend_connected(&s->chr_out)) {
        return 0;
    }
    ret = filter_send(s, buf, size);
    if (ret) {
        error_report("filter redirector send failed(%s)", strerror(-ret));
    }
    return size;
}

static Chardev *filter_find_chardev(const char *what, const char *id,
                                    Error **errp)
{
    Chardev *chr = qemu_chr_find(id);

    if (!chr) {
        error_setg(errp, "%sDevice '%s' not found", what, id);
    }
    return chr;
}

static void filter_mirror_setup(NetFilterState *nf, Error **errp)
{
    MirrorState *s = FILTER_MIRROR(nf);
    Chardev *chr;

    if (!s->outdev) {
        error_setg(errp, "filter-mirror parameter 'outdev' cannot be empty");
        return;
    }
    chr = filter_find_chardev("", s->outdev, errp);
    if (chr) {
        qemu_chr_fe_init(&s->chr_out, chr, errp);
    }
}

static void filter_mirror_cleanup(NetFilterState *nf)
{
    qemu_chr_fe_deinit(&FILTER_MIRROR(nf)->chr_out, false);
}

/* A frame read from indev continues from this filter, as if it saw it. */
static void redirector_deliver(void *opaque, const uint8_t *frame,
                               size_t size)
{
    NetFilterState *nf = opaque;
    NetClientState *netdev = nf->netdev;

    trace_net_filter_redirector_inject(netdev->name, size);
    if (nf->direction != NET_FILTER_DIRECTION_RX) {
        qemu_netfilter_pass_to_next(nf, netdev, frame, size);
    }
    if (nf->direction != NET_FILTER_DIRECTION_TX && netdev->peer) {
        qemu_netfilter_pass_to_next(nf, netdev->peer, frame, size);
    }
}

static int redirector_chr_can_read(void *opaque)
{
    return NET_STREAM_FRAME_MAX;
}

static void redirector_stop_reading(MirrorState *s)
{
    qemu_chr_fe_set_handlers(&s->chr_in, NULL, NULL, NULL, NULL, NULL, NULL,
                             true);
}

static void redirector_chr_read(void *opaque, const uint8_t *buf, int size)
{
    MirrorState *s = FILTER_REDIRECTOR(opaque);
    Error *err = NULL;

    if (!net_stream_feed(s->reader, buf, size, redirector_deliver, s,
                         &err)) {
        error_reportf_err(err, "filter-redirector '%s': indev '%s': ",
                          NETFILTER(s)->netdev->name, s->indev);
        redirector_stop_reading(s);
    }
}

static void redirector_chr_event(void *opaque, QEMUChrEvent event)
{
    MirrorState *s = FILTER_REDIRECTOR(opaque);

    if (event == CHR_EVENT_CLOSED) {
        redirector_stop_reading(s);
    }
}

static void filter_redirector_setup(NetFilterState *nf, Error **errp)
{
    MirrorState *s = FILTER_REDIRECTOR(nf);
    Chardev *chr;

    if (!s->indev && !s->outdev) {
        error_setg(errp, "filter redirector needs 'indev' or "
                   "'outdev' at least one property set");
        return;
    }
    if (s->indev && s->outdev && !strcmp(s->indev, s->outdev)) {
        error_setg(errp, "'indev' and 'outdev' could not be same "
                   "for filter redirector");
        return;
    }
    if (s->indev) {
        chr = filter_find_chardev("IN ", s->indev, errp);
        if (!chr || !qemu_chr_fe_init(&s->chr_in, chr, errp)) {
            return;
        }
        s->reader = g_new0(NetStreamReader, 1);
        s->reader->vnet_hdr = s->vnet_hdr;
    }
    if (s->outdev) {
        chr = filter_find_chardev("OUT ", s->outdev, errp);
        if (!chr || !qemu_chr_fe_init(&s->chr_out, chr, errp)) {
            qemu_chr_fe_deinit(&s->chr_in, false);
            return;
        }
    }
    /*
     * Reading starts once the filter is in the netdev's chain: the
     * netfilter code inserts it right after this returns, and the
     * chardev's input is polled from the main loop only after that.
     */
    if (s->indev) {
        qemu_chr_fe_set_handlers(&s->chr_in, redirector_chr_can_read,
                                 redirector_chr_read, redirector_chr_event,
                                 NULL, s, NULL, true);
    }
}

static void filter_redirector_cleanup(NetFilterState *nf)
{
    MirrorState *s = FILTER_REDIRECTOR(nf);

    qemu_chr_fe_deinit(&s->chr_in, false);
    qemu_chr_fe_deinit(&s->chr_out, false);
}

static char *mirror_get_indev(Object *obj, Error **errp)
{
    return g_strdup(((MirrorState *)obj)->indev);
}

static void mirror_set_indev(Object *obj, const char *value, Error **errp)
{
    MirrorState *s = (MirrorState *)obj;

    g_free(s->indev);
    s->indev = g_strdup(value);
}

static char *mirror_get_outdev(Object *obj, Error **errp)
{
    return g_strdup(((MirrorState *)obj)->outdev);
}

static void mirror_set_outdev(Object *obj, const char *value, Error **errp)
{
    MirrorState *s = (MirrorState *)obj;

    g_free(s->outdev);
    s->outdev = g_strdup(value);
}

static bool mirror_get_vnet_hdr(Object *obj, Error **errp)
{
    return ((MirrorState *)obj)->vnet_hdr;
}

static void mirror_set_vnet_hdr(Object *obj, bool value, Error **errp)
{
    ((MirrorState *)obj)->vnet_hdr = value;
}

static void mirror_finalize(Object *obj)
{
    MirrorState *s = (MirrorState *)obj;

    g_free(s->indev);
    g_free(s->outdev);
    g_free(s->reader);
}

static void filter_mirror_class_init(ObjectClass *oc, const void *data)
{
    NetFilterClass *nfc = NETFILTER_CLASS(oc);

    nfc->setup = filter_mirror_setup;
    nfc->cleanup = filter_mirror_cleanup;
    nfc->receive = filter_mirror_receive;
    object_class_property_add_str(oc, "outdev", mirror_get_outdev,
                                  mirror_set_outdev);
    object_class_property_add_bool(oc, "vnet_hdr_support",
                                   mirror_get_vnet_hdr, mirror_set_vnet_hdr);
}

static void filter_redirector_class_init(ObjectClass *oc, const void *data)
{
    NetFilterClass *nfc = NETFILTER_CLASS(oc);

    nfc->setup = filter_redirector_setup;
    nfc->cleanup = filter_redirector_cleanup;
    nfc->receive = filter_redirector_receive;
    object_class_property_add_str(oc, "indev", mirror_get_indev,
                                  mirror_set_indev);
    object_class_property_add_str(oc, "outdev", mirror_get_outdev,
                                  mirror_set_outdev);
    object_class_property_add_bool(oc, "vnet_hdr_support",
                                   mirror_get_vnet_hdr, mirror_set_vnet_hdr);
}

static const TypeInfo filter_mirror_info = {
    .name = TYPE_FILTER_MIRROR,
    .parent = TYPE_NETFILTER,
    .class_init = filter_mirror_class_init,
    .instance_finalize = mirror_finalize,
    .instance_size = sizeof(MirrorState),
};

static const TypeInfo filter_redirector_info = {
    .name = TYPE_FILTER_REDIRECTOR,
    .parent = TYPE_NETFILTER,
    .class_init = filter_redirector_class_init,
    .instance_finalize = mirror_finalize,
    .instance_size = sizeof(MirrorState),
};

static void filter_mirror_register_types(void)
{
    type_register_static(&filter_mirror_info);
    type_register_static(&filter_redirector_info);
}

type_init(filter_mirror_register_types)
