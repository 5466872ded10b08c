/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter-buffer: holds every frame it sees and releases them all every
 * "interval" microseconds (required, non-zero), or when its status goes
 * off, or when it is deleted.  Released frames continue through the
 * filters after it.  The release timer runs on the host's clock (QEMU
 * uses the virtual clock, which stands still under qtest).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "qemu/timer.h"
#include "net/filter.h"
#include "net/trace.h"

#define TYPE_FILTER_BUFFER "filter-buffer"
OBJECT_DECLARE_SIMPLE_TYPE(FilterBufferState, FILTER_BUFFER)

typedef struct BufferedFrame {
    NetClientState *sender;
    size_t size;
    uint8_t data[];
} BufferedFrame;

struct FilterBufferState {
    NetFilterState parent_obj;
    uint32_t interval;          /* microseconds */
    GQueue frames;
    QEMUTimer *release_timer;
};

/* Send everything held on, in order. */
static void filter_buffer_flush(NetFilterState *nf)
{
    FilterBufferState *s = FILTER_BUFFER(nf);
    BufferedFrame *f;

    trace_net_filter_buffer_flush(nf->netdev->name, s->frames.length);
    while ((f = g_queue_pop_head(&s->frames))) {
        qemu_netfilter_pass_to_next(nf, f->sender, f->data, f->size);
        g_free(f);
    }
}

static void filter_buffer_release(void *opaque)
{
    FilterBufferState *s = opaque;

    filter_buffer_flush(NETFILTER(s));
    timer_mod(s->release_timer,
              qemu_clock_get_us(QEMU_CLOCK_REALTIME) + s->interval);
}

static ssize_t filter_buffer_receive(NetFilterState *nf,
                                     NetClientState *sender,
                                     const uint8_t *buf, size_t size)
{
    FilterBufferState *s = FILTER_BUFFER(nf);
    BufferedFrame *f;

    if (s->frames.length >= NET_QUEUE_MAX) {
        trace_net_queue_full(nf->netdev->name, size);
        return size;                    /* dropped, as a full queue does */
    }
    f = g_malloc(sizeof(*f) + size);
    f->sender = sender;
    f->size = size;
    memcpy(f->data, buf, size);
    g_queue_push_tail(&s->frames, f);
    return size;
}

static void filter_buffer_setup(NetFilterState *nf, Error **errp)
{
    FilterBufferState *s = FILTER_BUFFER(nf);

    if (!s->interval) {
        error_setg(errp, "Parameter 'interval' expects a non-zero interval");
        return;
    }
    s->release_timer = timer_new_us(QEMU_CLOCK_REALTIME,
                                    filter_buffer_release, s);
    timer_mod(s->release_timer,
              qemu_clock_get_us(QEMU_CLOCK_REALTIME) + s->interval);
}

static void filter_buffer_cleanup(NetFilterState *nf)
{
    FilterBufferState *s = FILTER_BUFFER(nf);

    if (s->release_timer) {
        timer_free(s->release_timer);
        s->release_timer = NULL;
    }
    filter_buffer_flush(nf);
}

/* Off: nothing is held any more, so what was held goes now. */
static void filter_buffer_status_changed(NetFilterState *nf, Error **errp)
{
    if (!nf->on) {
        filter_buffer_flush(nf);
    }
}

static void filter_buffer_get_interval(Object *obj, Visitor *v,
                                       const char *name, void *opaque,
                                       Error **errp)
{
    uint32_t value = FILTER_BUFFER(obj)->interval;

    visit_type_uint32(v, name, &value, errp);
}

static void filter_buffer_set_interval(Object *obj, Visitor *v,
                                       const char *name, void *opaque,
                                       Error **errp)
{
    uint32_t value;

    if (!visit_type_uint32(v, name, &value, errp)) {
        return;
    }
    if (!value) {
        error_setg(errp, "Property '%s.%s' requires a positive value",
                   object_get_typename(obj), name);
        return;
    }
    FILTER_BUFFER(obj)->interval = value;
}

static void filter_buffer_init(Object *obj)
{
    g_queue_init(&FILTER_BUFFER(obj)->frames);
}

static void filter_buffer_class_init(ObjectClass *oc, const void *data)
{
    NetFilterClass *nfc = NETFILTER_CLASS(oc);

    nfc->setup = filter_buffer_setup;
    nfc->cleanup = filter_buffer_cleanup;
    nfc->receive = filter_buffer_receive;
    nfc->status_changed = filter_buffer_status_changed;
    object_class_property_add(oc, "interval", "uint32",
                              filter_buffer_get_interval,
                              filter_buffer_set_interval, NULL, NULL);
}

static const TypeInfo filter_buffer_info = {
    .name = TYPE_FILTER_BUFFER,
    .parent = TYPE_NETFILTER,
    .class_init = filter_buffer_class_init,
    .instance_init = filter_buffer_init,
    .instance_size = sizeof(FilterBufferState),
};

static void filter_buffer_register_types(void)
{
    type_register_static(&filter_buffer_info);
}

type_init(filter_buffer_register_types)
