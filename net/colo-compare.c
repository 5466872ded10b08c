/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * colo-compare: the frames of the primary guest (chardev primary_in,
 * fed by a filter-mirror on the primary's netdev) and of the secondary
 * (secondary_in, from a filter-redirector) are queued per connection
 * (net/colo.c parses them).  TCP segments are kept in sequence order
 * and matched by sequence, so the two guests may cut a stream into
 * segments differently, and a retransmission of bytes already matched
 * leaves at once (QEMU's tracking, docs/devel/net.md).  Other frames
 * are compared in arrival order: a primary frame that has an equal
 * secondary frame in its connection goes to outdev and both are
 * dropped.  A difference asks for a checkpoint (the COLO notifiers, or
 * "DO_CHECKPOINT" on notify_dev), and so does a frame still unmatched
 * after compare_timeout ms (checked every expired_scan_cycle ms).  After
 * the checkpoint, or at failover, the primary's frames are released to
 * outdev and the secondary's dropped.  All of it runs in the
 * "iothread"'s context; the chardevs use QEMU's framing
 * (net_stream_feed).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "qemu/bswap.h"
#include "qemu/error-report.h"
#include "qemu/timer.h"
#include "qom/object_interfaces.h"
#include "chardev/char.h"
#include "chardev/char-fe.h"
#include "system/iothread.h"
#include "net/colo.h"
#include "net/colo-compare.h"
#include "net/net-parse.h"
#include "net/trace.h"

OBJECT_DECLARE_SIMPLE_TYPE(CompareState, COLO_COMPARE)

#define DEFAULT_TIME_OUT_MS      3000
#define REGULAR_PACKET_CHECK_MS  3000
#define MAX_QUEUE_SIZE           1024
#define IP_PROTO_TCP             6

typedef struct ColoPacket {
    ColoPacketInfo info;
    ColoTcpSeg tcp;             /* TCP only */
    int64_t created_ms;
    size_t size;
    uint8_t data[];
} ColoPacket;

typedef struct Connection {
    ColoConnKey key;
    GQueue primary;             /* TCP: in sequence order */
    GQueue secondary;
    /* TCP: each side's highest ack, and the end of what was matched. */
    uint32_t pack, sack;
    bool pack_seen, sack_seen;
    uint32_t compare_seq;       /* 0: nothing matched yet */
} Connection;

struct CompareState {
    Object parent_obj;

    char *pri_indev;
    char *sec_indev;
    char *outdev;
    char *notify_dev;           /* Xen's COLO frame, or NULL */
    IOThread *iothread;
    IOThread *thread;           /* iothread, referenced while completed */
    bool vnet_hdr;
    uint64_t compare_timeout;
    uint32_t expired_scan_cycle;
    uint32_t max_queue_size;

    CharBackend chr_pri_in;
    CharBackend chr_sec_in;
    CharBackend chr_out;
    CharBackend chr_notify;
    NetStreamReader *pri_rs;
    NetStreamReader *sec_rs;
    NetStreamReader *notify_rs;
    GMainContext *ctx;
    GSource *scan;
    GHashTable *conns;          /* ColoConnKey -> Connection */
    bool completed;
    Notifier event_notifier;    /* checkpoint taken, failover */
};

/* One framed message on @be: be32 length (and vnet length), bytes. */
static void compare_chr_send(CompareState *s, CharBackend *be, bool vnet,
                             const uint8_t *buf, size_t size,
                             const char *name)
{
    uint8_t hdr[8];
    int hlen = vnet ? 8 : 4;

    stl_be_p(hdr, size);
    stl_be_p(hdr + 4, 0);
    if (qemu_chr_fe_write_all(be, hdr, hlen) != hlen ||
        qemu_chr_fe_write_all(be, buf, size) != (int)size) {
        trace_colo_compare_send_failed(name, size);
    }
}

static void colo_compare_inconsistency_notify(CompareState *s)
{
    static const char msg[] = "DO_CHECKPOINT";

    trace_colo_compare_checkpoint(s->pri_indev);
    if (s->notify_dev) {
        /* Xen's COLO frame takes the checkpoint: ask it (no vnet length). */
        compare_chr_send(s, &s->chr_notify, false, (const uint8_t *)msg,
                         strlen(msg), s->notify_dev);
        return;
    }
    colo_compare_request_checkpoint(s);
}

/* ------------------------------------------------------------------ */
/* Queues                                                              */

static Connection *compare_conn(CompareState *s, const ColoConnKey *key)
{
    Connection *conn = g_hash_table_lookup(s->conns, key);

    if (!conn) {
        conn = g_new0(Connection, 1);
        conn->key = *key;
        g_queue_init(&conn->primary);
        g_queue_init(&conn->secondary);
        g_hash_table_insert(s->conns, &conn->key, conn);
    }
    return conn;
}

static void conn_free(gpointer p)
{
    Connection *conn = p;

    g_queue_clear_full(&conn->primary, g_free);
    g_queue_clear_full(&conn->secondary, g_free);
    g_free(conn);
}

static guint conn_key_hash(gconstpointer p)
{
    const ColoConnKey *k = p;

    return k->src ^ (k->dst * 31) ^ (k->sport << 16 | k->dport) ^ k->proto;
}

static gboolean conn_key_equal(gconstpointer a, gconstpointer b)
{
    return !memcmp(a, b, sizeof(ColoConnKey));
}

static void compare_send(CompareState *s, const uint8_t *buf, size_t size)
{
    compare_chr_send(s, &s->chr_out, s->vnet_hdr, buf, size, s->outdev);
}

static void compare_release(CompareState *s, ColoPacket *p)
{
    compare_send(s, p->data, p->size);
    g_free(p);
}

/* Whether @seg's bytes were all matched already (or it carries none). */
static bool tcp_seg_done(const Connection *conn, const ColoTcpSeg *seg)
{
    return seg->seq == seg->seq_end ||
           (conn->compare_seq && !colo_seq_after(seg->seq_end,
                                                 conn->compare_seq));
}

/*
 * TCP: take the lowest segment of each side.  A primary segment without
 * payload or already matched leaves; such a secondary one is dropped.
 * Otherwise colo_tcp_mark decides which of the two is used up; a
 * difference leaves both queued and asks for a checkpoint.
 */
static void compare_tcp(CompareState *s, Connection *conn)
{
    uint32_t min_ack = colo_seq_after(conn->pack, conn->sack) ? conn->sack
                                                               : conn->pack;
    ColoPacket *p = NULL, *sp;
    int mark;

    for (;;) {
        if (!p && !(p = g_queue_pop_head(&conn->primary))) {
            return;
        }
        sp = g_queue_pop_head(&conn->secondary);
        if (!sp) {
            g_queue_push_head(&conn->primary, p);
            return;
        }
        if (tcp_seg_done(conn, &p->tcp)) {
            trace_colo_compare_tcp(s->pri_indev, "primary", p->tcp.seq,
                                   p->tcp.seq_end, "released");
            compare_release(s, p);
            p = NULL;
        }
        if (tcp_seg_done(conn, &sp->tcp)) {
            g_free(sp);
            continue;
        }
        if (!p) {
            g_queue_push_head(&conn->secondary, sp);
            continue;
        }
        mark = colo_tcp_mark(p->data, &p->info, &p->tcp, sp->data,
                             &sp->info, &sp->tcp, min_ack);
        if (!mark) {
            trace_colo_compare_tcp(s->pri_indev, "primary", p->tcp.seq,
                                   p->tcp.seq_end, "differs");
            g_queue_push_head(&conn->primary, p);
            g_queue_push_head(&conn->secondary, sp);
            colo_compare_inconsistency_notify(s);
            return;
        }
        if (mark & COLO_TCP_FREE_PRIMARY) {
            conn->compare_seq = p->tcp.seq_end;
            trace_colo_compare_tcp(s->pri_indev, "primary", p->tcp.seq,
                                   p->tcp.seq_end, "matched");
            compare_release(s, p);
            p = NULL;
        } else {
            conn->compare_seq = sp->tcp.seq_end;
        }
        if (mark & COLO_TCP_FREE_SECONDARY) {
            g_free(sp);
        } else {
            g_queue_push_head(&conn->secondary, sp);
        }
    }
}

/* A TCP segment goes after those that do not start after it. */
static void tcp_insert(GQueue *q, ColoPacket *p)
{
    GList *l = q->tail;

    while (l && colo_seq_after(((ColoPacket *)l->data)->tcp.seq,
                               p->tcp.seq)) {
        l = l->prev;
    }
    if (l) {
        g_queue_insert_after(q, l, p);
    } else {
        g_queue_push_head(q, p);
    }
}

/* The highest acknowledgement each side sent (modulo 2^32). */
static void tcp_note_ack(uint32_t *max, bool *seen, uint32_t ack)
{
    if (!*seen || colo_seq_after(ack, *max)) {
        *max = ack;
        *seen = true;
    }
}

/* Match the primary's frames of @conn, oldest first, while there are
 * secondary frames to match them with. */
static void compare_connection(CompareState *s, Connection *conn)
{
    if (conn->key.proto == IP_PROTO_TCP) {
        compare_tcp(s, conn);
        return;
    }
    while (!g_queue_is_empty(&conn->primary) &&
           !g_queue_is_empty(&conn->secondary)) {
        ColoPacket *p = g_queue_peek_head(&conn->primary);
        GList *l;

        for (l = conn->secondary.head; l; l = l->next) {
            ColoPacket *sp = l->data;

            if (colo_packet_equal(p->data, &p->info, sp->data, &sp->info)) {
                break;
            }
        }
        if (!l) {
            trace_colo_compare_miscompare(s->pri_indev, p->size);
            colo_compare_inconsistency_notify(s);
            return;
        }
        trace_colo_compare_match(s->pri_indev, p->size);
        g_free(l->data);
        g_queue_delete_link(&conn->secondary, l);
        g_queue_pop_head(&conn->primary);
        compare_send(s, p->data, p->size);
        g_free(p);
    }
}

static void compare_add(CompareState *s, bool primary, const uint8_t *buf,
                        size_t size)
{
    ColoPacket *p = g_malloc(sizeof(*p) + size);
    Error *err = NULL;
    Connection *conn;
    GQueue *q;

    memcpy(p->data, buf, size);
    p->size = size;
    p->created_ms = qemu_clock_get_ms(QEMU_CLOCK_REALTIME);
    if (!colo_packet_parse(p->data, size, &p->info, &err)) {
        /* Not comparable: a primary frame goes out, a secondary goes. */
        trace_colo_compare_unparsed(primary ? "primary" : "secondary",
                                    error_get_pretty(err));
        error_free(err);
        if (primary) {
            compare_send(s, p->data, p->size);
        }
        g_free(p);
        return;
    }
    conn = compare_conn(s, &p->info.key);
    q = primary ? &conn->primary : &conn->secondary;
    if (q->length >= s->max_queue_size) {
        trace_colo_compare_queue_full(primary ? "primary" : "secondary",
                                      size);
        g_free(p);
        return;
    }
    if (p->info.key.proto == IP_PROTO_TCP) {
        colo_tcp_seg_init(&p->tcp, p->data, &p->info);
        if (primary) {
            tcp_note_ack(&conn->pack, &conn->pack_seen, p->tcp.ack);
        } else {
            tcp_note_ack(&conn->sack, &conn->sack_seen, p->tcp.ack);
        }
        tcp_insert(q, p);
    } else {
        g_queue_push_tail(q, p);
    }
    compare_connection(s, conn);
}

static void compare_pri_frame(void *opaque, const uint8_t *buf, size_t size)
{
    compare_add(opaque, true, buf, size);
}

static void compare_sec_frame(void *opaque, const uint8_t *buf, size_t size)
{
    compare_add(opaque, false, buf, size);
}

/* Release the primary's frames, drop the secondary's (after a checkpoint). */
static void compare_flush_all(CompareState *s)
{
    GHashTableIter it;
    Connection *conn;
    ColoPacket *p;

    g_hash_table_iter_init(&it, s->conns);
    while (g_hash_table_iter_next(&it, NULL, (gpointer *)&conn)) {
        while ((p = g_queue_pop_head(&conn->primary))) {
            compare_release(s, p);
        }
        g_queue_clear_full(&conn->secondary, g_free);
    }
}

static gboolean compare_flush(gpointer opaque)
{
    CompareState *s = opaque;

    compare_flush_all(s);
    object_unref(OBJECT(s));
    return G_SOURCE_REMOVE;
}

/* Any thread: after a checkpoint or at failover, flush in the iothread. */
static void compare_event(Notifier *notifier, void *data)
{
    CompareState *s = container_of(notifier, CompareState, event_notifier);
    int event = *(int *)data;

    if (event == COLO_EVENT_CHECKPOINT || event == COLO_EVENT_FAILOVER) {
        object_ref(OBJECT(s));
        g_main_context_invoke(s->ctx, compare_flush, s);
    }
}

static bool queue_has_old(GQueue *q, int64_t limit)
{
    for (GList *l = q->head; l; l = l->next) {
        if (((ColoPacket *)l->data)->created_ms < limit) {
            return true;
        }
    }
    return false;
}

/*
 * Every expired_scan_cycle ms: a frame of either guest waiting longer
 * than compare_timeout (TCP queues are in sequence order, so all are
 * looked at).
 */
static gboolean compare_scan(gpointer opaque)
{
    CompareState *s = opaque;
    int64_t limit = qemu_clock_get_ms(QEMU_CLOCK_REALTIME) -
                    (int64_t)s->compare_timeout;
    GHashTableIter it;
    Connection *conn;

    g_hash_table_iter_init(&it, s->conns);
    while (g_hash_table_iter_next(&it, NULL, (gpointer *)&conn)) {
        if (queue_has_old(&conn->primary, limit + 1) ||
            queue_has_old(&conn->secondary, limit + 1)) {
            colo_compare_inconsistency_notify(s);
            break;
        }
    }
    return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------------ */
/* Chardevs                                                            */

static int compare_chr_can_read(void *opaque)
{
    return NET_STREAM_FRAME_MAX;
}

static void compare_chr_read(CompareState *s, CharBackend *be,
                             NetStreamReader *rs, const char *name,
                             void (*deliver)(void *, const uint8_t *, size_t),
                             const uint8_t *buf, int size)
{
    Error *err = NULL;

    if (!net_stream_feed(rs, buf, size, deliver, s, &err)) {
        error_reportf_err(err, "colo-compare: '%s': ", name);
        qemu_chr_fe_set_handlers(be, NULL, NULL, NULL, NULL, NULL, s->ctx,
                                 true);
    }
}

static void compare_pri_read(void *opaque, const uint8_t *buf, int size)
{
    CompareState *s = opaque;

    compare_chr_read(s, &s->chr_pri_in, s->pri_rs, s->pri_indev,
                     compare_pri_frame, buf, size);
}

static void compare_sec_read(void *opaque, const uint8_t *buf, int size)
{
    CompareState *s = opaque;

    compare_chr_read(s, &s->chr_sec_in, s->sec_rs, s->sec_indev,
                     compare_sec_frame, buf, size);
}

static bool message_is(const char *msg, const uint8_t *buf, size_t size)
{
    return size == strlen(msg) && !memcmp(buf, msg, size);
}

/* A message from Xen's COLO frame on notify_dev. */
static void compare_notify_frame(void *opaque, const uint8_t *buf,
                                 size_t size)
{
    static const char init_reply[] = "COLO_COMPARE_GET_XEN_INIT";
    CompareState *s = opaque;

    if (message_is("COLO_USERSPACE_PROXY_INIT", buf, size)) {
        compare_chr_send(s, &s->chr_notify, false,
                         (const uint8_t *)init_reply, strlen(init_reply),
                         s->notify_dev);
    } else if (message_is("COLO_CHECKPOINT", buf, size)) {
        /* The checkpoint was taken: as after one of ours. */
        compare_flush_all(s);
    } else {
        error_report("COLO compare got unsupported instruction");
    }
}

static void compare_notify_read(void *opaque, const uint8_t *buf, int size)
{
    CompareState *s = opaque;

    compare_chr_read(s, &s->chr_notify, s->notify_rs, s->notify_dev,
                     compare_notify_frame, buf, size);
}

static bool compare_chr_init(CharBackend *be, const char *id, Error **errp)
{
    Chardev *chr = qemu_chr_find(id);

    if (!chr) {
        error_setg(errp, "Device '%s' not found", id);
        return false;
    }
    return qemu_chr_fe_init(be, chr, errp);
}

static void colo_compare_complete(UserCreatable *uc, Error **errp)
{
    CompareState *s = COLO_COMPARE(uc);

    if (!s->pri_indev || !s->sec_indev || !s->outdev || !s->iothread) {
        error_setg(errp, "colo compare needs 'primary_in' ,"
                   "'secondary_in','outdev','iothread' property set");
        return;
    }
    if (!strcmp(s->pri_indev, s->outdev) ||
        !strcmp(s->sec_indev, s->outdev) ||
        !strcmp(s->pri_indev, s->sec_indev)) {
        error_setg(errp, "'indev' and 'outdev' could not be same "
                   "for compare module");
        return;
    }
    if (!compare_chr_init(&s->chr_pri_in, s->pri_indev, errp)) {
        return;
    }
    if (!compare_chr_init(&s->chr_sec_in, s->sec_indev, errp) ||
        !compare_chr_init(&s->chr_out, s->outdev, errp) ||
        (s->notify_dev &&
         !compare_chr_init(&s->chr_notify, s->notify_dev, errp))) {
        qemu_chr_fe_deinit(&s->chr_pri_in, false);
        qemu_chr_fe_deinit(&s->chr_sec_in, false);
        qemu_chr_fe_deinit(&s->chr_out, false);
        return;
    }
    s->pri_rs = g_new0(NetStreamReader, 1);
    s->sec_rs = g_new0(NetStreamReader, 1);
    s->notify_rs = g_new0(NetStreamReader, 1);
    s->pri_rs->vnet_hdr = s->sec_rs->vnet_hdr = s->vnet_hdr;
    s->notify_rs->vnet_hdr = s->vnet_hdr;
    s->conns = g_hash_table_new_full(conn_key_hash, conn_key_equal, NULL,
                                     conn_free);
    s->ctx = g_main_context_ref(iothread_get_g_main_context(s->iothread));
    /* Ours: the link's reference is dropped before finalize runs. */
    s->thread = IOTHREAD(object_ref(OBJECT(s->iothread)));
    s->completed = true;
    s->event_notifier.notify = compare_event;
    colo_compare_add_event_handler(&s->event_notifier);
    /* From here on everything of this object runs in the iothread. */
    qemu_chr_fe_set_handlers(&s->chr_pri_in, compare_chr_can_read,
                             compare_pri_read, NULL, NULL, s, s->ctx, true);
    qemu_chr_fe_set_handlers(&s->chr_sec_in, compare_chr_can_read,
                             compare_sec_read, NULL, NULL, s, s->ctx, true);
    if (s->notify_dev) {
        qemu_chr_fe_set_handlers(&s->chr_notify, compare_chr_can_read,
                                 compare_notify_read, NULL, NULL, s, s->ctx,
                                 true);
    }
    s->scan = g_timeout_source_new(s->expired_scan_cycle);
    g_source_set_callback(s->scan, compare_scan, s, NULL);
    g_source_attach(s->scan, s->ctx);
}

/* In the iothread, between two of its callbacks: nothing of @s runs. */
static void compare_teardown(void *opaque)
{
    CompareState *s = opaque;

    g_source_destroy(s->scan);
    g_source_unref(s->scan);
    qemu_chr_fe_deinit(&s->chr_pri_in, false);
    qemu_chr_fe_deinit(&s->chr_sec_in, false);
    qemu_chr_fe_deinit(&s->chr_out, false);
    if (s->notify_dev) {
        qemu_chr_fe_deinit(&s->chr_notify, false);
    }
    g_hash_table_destroy(s->conns);
}

static void colo_compare_finalize(Object *obj)
{
    CompareState *s = COLO_COMPARE(obj);

    if (s->completed) {
        colo_compare_remove_event_handler(&s->event_notifier);
        /*
         * object-del of a comparing object: the iothread may be in the
         * middle of a frame that uses the queues and the chardevs.
         */
        iothread_call_sync(s->thread, compare_teardown, s);
        g_main_context_unref(s->ctx);
        object_unref(OBJECT(s->thread));
    }
    g_free(s->pri_rs);
    g_free(s->sec_rs);
    g_free(s->notify_rs);
    g_free(s->pri_indev);
    g_free(s->sec_indev);
    g_free(s->outdev);
    g_free(s->notify_dev);
}

/* ------------------------------------------------------------------ */
/* Properties                                                          */

#define COMPARE_STR_PROP(fn, field)                                     \
static char *compare_get_##fn(Object *obj, Error **errp)               \
{                                                                       \
    return g_strdup(COLO_COMPARE(obj)->field);                          \
}                                                                       \
static void compare_set_##fn(Object *obj, const char *v, Error **errp) \
{                                                                       \
    CompareState *s = COLO_COMPARE(obj);                                \
                                                                        \
    g_free(s->field);                                                   \
    s->field = g_strdup(v);                                             \
}

COMPARE_STR_PROP(pri, pri_indev)
COMPARE_STR_PROP(sec, sec_indev)
COMPARE_STR_PROP(out, outdev)
COMPARE_STR_PROP(notify, notify_dev)

static bool compare_get_vnet_hdr(Object *obj, Error **errp)
{
    return COLO_COMPARE(obj)->vnet_hdr;
}

static void compare_set_vnet_hdr(Object *obj, bool value, Error **errp)
{
    COLO_COMPARE(obj)->vnet_hdr = value;
}

/* compare_timeout (uint64), expired_scan_cycle, max_queue_size (uint32):
 * positive, as QEMU checks. */
static void compare_get_num(Object *obj, Visitor *v, const char *name,
                            void *opaque, Error **errp)
{
    CompareState *s = COLO_COMPARE(obj);
    uint64_t value = !strcmp(name, "compare_timeout") ? s->compare_timeout :
                     !strcmp(name, "expired_scan_cycle") ?
                     s->expired_scan_cycle : s->max_queue_size;

    visit_type_uint64(v, name, &value, errp);
}

static void compare_set_num(Object *obj, Visitor *v, const char *name,
                            void *opaque, Error **errp)
{
    CompareState *s = COLO_COMPARE(obj);
    bool wide = !strcmp(name, "compare_timeout");
    uint64_t value;

    if (!visit_type_uint64(v, name, &value, errp)) {
        return;
    }
    if (!value || (!wide && value > UINT32_MAX)) {
        error_setg(errp, "Property '%s.%s' requires a positive value",
                   object_get_typename(obj), name);
        return;
    }
    if (wide) {
        s->compare_timeout = value;
    } else if (!strcmp(name, "expired_scan_cycle")) {
        s->expired_scan_cycle = value;
    } else {
        s->max_queue_size = value;
    }
}

static void colo_compare_init(Object *obj)
{
    CompareState *s = COLO_COMPARE(obj);

    s->compare_timeout = DEFAULT_TIME_OUT_MS;
    s->expired_scan_cycle = REGULAR_PACKET_CHECK_MS;
    s->max_queue_size = MAX_QUEUE_SIZE;
}

static void colo_compare_class_init(ObjectClass *oc, const void *data)
{
    static const char *const nums[] = {
        "compare_timeout", "expired_scan_cycle", "max_queue_size",
    };

    USER_CREATABLE_CLASS(oc)->complete = colo_compare_complete;
    object_class_property_add_str(oc, "primary_in", compare_get_pri,
                                  compare_set_pri);
    object_class_property_add_str(oc, "secondary_in", compare_get_sec,
                                  compare_set_sec);
    object_class_property_add_str(oc, "outdev", compare_get_out,
                                  compare_set_out);
    object_class_property_add_str(oc, "notify_dev", compare_get_notify,
                                  compare_set_notify);
    object_class_property_add_link(oc, "iothread", TYPE_IOTHREAD,
                                   offsetof(CompareState, iothread),
                                   object_property_allow_set_link,
                                   OBJ_PROP_LINK_STRONG);
    object_class_property_add_bool(oc, "vnet_hdr_support",
                                   compare_get_vnet_hdr,
                                   compare_set_vnet_hdr);
    for (size_t i = 0; i < G_N_ELEMENTS(nums); i++) {
        object_class_property_add(oc, nums[i], i ? "uint32" : "uint64",
                                  compare_get_num, compare_set_num, NULL,
                                  NULL);
    }
}

static const TypeInfo colo_compare_info = {
    .name = TYPE_COLO_COMPARE,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(CompareState),
    .instance_init = colo_compare_init,
    .instance_finalize = colo_compare_finalize,
    .class_init = colo_compare_class_init,
    .interfaces = (const InterfaceInfo[]) {
        { TYPE_USER_CREATABLE },
        { }
    },
};

static void colo_compare_register_types(void)
{
    type_register_static(&colo_compare_info);
}

type_init(colo_compare_register_types)
