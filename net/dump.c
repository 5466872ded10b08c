/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter-dump: every frame the netdev sends or receives is appended to
 * "file" in the classic pcap format (Ethernet link type), cut to
 * "maxlen" bytes.  Timestamps are host time (QEMU uses the virtual
 * clock, which stands still under qtest).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "net/filter.h"
#include "net/trace.h"
#include "qemu/error-report.h"

#define TYPE_FILTER_DUMP "filter-dump"
OBJECT_DECLARE_SIMPLE_TYPE(NetFilterDumpState, FILTER_DUMP)

struct NetFilterDumpState {
    NetFilterState parent_obj;
    char *filename;
    uint32_t maxlen;
    int fd;
};

struct pcap_file_hdr {
    uint32_t magic;
    uint16_t version_major;
    uint16_t version_minor;
    int32_t thiszone;
    uint32_t sigfigs;
    uint32_t snaplen;
    uint32_t linktype;
};

struct pcap_sf_pkthdr {
    uint32_t ts_sec;
    uint32_t ts_usec;
    uint32_t caplen;
    uint32_t len;
};

static bool write_all(int fd, const void *buf, size_t len)
{
    return qemu_write_full(fd, buf, len) == len;
}

static ssize_t filter_dump_receive(NetFilterState *nf,
                                   NetClientState *sender,
                                   const uint8_t *buf, size_t size)
{
    NetFilterDumpState *s = FILTER_DUMP(nf);
    int64_t now = g_get_real_time();
    struct pcap_sf_pkthdr hdr = {
        .ts_sec = now / G_USEC_PER_SEC,
        .ts_usec = now % G_USEC_PER_SEC,
        .caplen = MIN(size, s->maxlen),
        .len = size,
    };

    if (s->fd < 0) {
        return 0;
    }
    trace_net_dump_write(s->filename, size);
    if (!write_all(s->fd, &hdr, sizeof(hdr)) ||
        !write_all(s->fd, buf, hdr.caplen)) {
        error_report("network dump write error - stopping dump");
        close(s->fd);
        s->fd = -1;
    }
    return 0;       /* a dump only watches */
}

static void filter_dump_setup(NetFilterState *nf, Error **errp)
{
    NetFilterDumpState *s = FILTER_DUMP(nf);
    struct pcap_file_hdr hdr = {
        .magic = 0xa1b2c3d4,
        .version_major = 2,
        .version_minor = 4,
        .snaplen = s->maxlen,
        .linktype = 1,          /* Ethernet */
    };

    if (!s->filename) {
        error_setg(errp, "Parameter 'file' is missing");
        return;
    }
    s->fd = open(s->filename, O_CREAT | O_TRUNC | O_WRONLY,
                 0644);
    if (s->fd < 0) {
        error_setg_errno(errp, errno, "net dump: can't open %s",
                         s->filename);
        return;
    }
    if (!write_all(s->fd, &hdr, sizeof(hdr))) {
        error_setg_errno(errp, errno, "net dump write error");
        close(s->fd);
        s->fd = -1;
    }
}

static void filter_dump_cleanup(NetFilterState *nf)
{
    NetFilterDumpState *s = FILTER_DUMP(nf);

    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
}

static char *file_dump_get_filename(Object *obj, Error **errp)
{
    return g_strdup(FILTER_DUMP(obj)->filename);
}

static void file_dump_set_filename(Object *obj, const char *value,
                                   Error **errp)
{
    NetFilterDumpState *s = FILTER_DUMP(obj);

    g_free(s->filename);
    s->filename = g_strdup(value);
}

static void filter_dump_get_maxlen(Object *obj, Visitor *v, const char *name,
                                   void *opaque, Error **errp)
{
    uint32_t value = FILTER_DUMP(obj)->maxlen;

    visit_type_uint32(v, name, &value, errp);
}

static void filter_dump_set_maxlen(Object *obj, Visitor *v, const char *name,
                                   void *opaque, Error **errp)
{
    uint32_t value;

    if (!visit_type_uint32(v, name, &value, errp)) {
        return;
    }
    if (value == 0) {
        error_setg(errp, "Property '%s.%s' doesn't take value '%u'",
                   object_get_typename(obj), name, value);
        return;
    }
    FILTER_DUMP(obj)->maxlen = value;
}

static void filter_dump_init(Object *obj)
{
    NetFilterDumpState *s = FILTER_DUMP(obj);

    s->maxlen = 65536;
    s->fd = -1;
}

static void filter_dump_finalize(Object *obj)
{
    g_free(FILTER_DUMP(obj)->filename);
}

static void filter_dump_class_init(ObjectClass *oc, const void *data)
{
    NetFilterClass *nfc = NETFILTER_CLASS(oc);

    nfc->setup = filter_dump_setup;
    nfc->cleanup = filter_dump_cleanup;
    nfc->receive = filter_dump_receive;
    object_class_property_add(oc, "maxlen", "uint32", filter_dump_get_maxlen,
                              filter_dump_set_maxlen, NULL, NULL);
    object_class_property_add_str(oc, "file", file_dump_get_filename,
                                  file_dump_set_filename);
}

static const TypeInfo filter_dump_info = {
    .name = TYPE_FILTER_DUMP,
    .parent = TYPE_NETFILTER,
    .class_init = filter_dump_class_init,
    .instance_init = filter_dump_init,
    .instance_finalize = filter_dump_finalize,
    .instance_size = sizeof(NetFilterDumpState),
};

static void filter_dump_register_types(void)
{
    type_register_static(&filter_dump_info);
}

type_init(filter_dump_register_types)
