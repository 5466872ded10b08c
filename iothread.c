/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "iothread" object: a thread running a GLib main loop on its own
 * context from completion until the object is deleted.  QEMU's polling
 * properties (poll-max-ns, poll-grow, poll-shrink, aio-max-batch) are
 * accepted and kept: Tern's context has no AIO engine to tune.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-misc.h"
#include "qapi/visitor.h"
#include "qemu/thread.h"
#include "qom/object_interfaces.h"
#include "system/iothread.h"

struct IOThread {
    Object parent_obj;
    QemuThread thread;
    GMainContext *ctx;
    GMainLoop *loop;
    bool running;
    int thread_id;              /* the kernel's, for query-iothreads */
    QemuSemaphore started;
    int64_t poll_max_ns, poll_grow, poll_shrink, aio_max_batch;
};

GMainContext *iothread_get_g_main_context(IOThread *iothread)
{
    return iothread->ctx;
}

static void *iothread_run(void *opaque)
{
    IOThread *s = opaque;

    s->thread_id = qemu_get_thread_id();
    qemu_sem_post(&s->started);
    g_main_context_push_thread_default(s->ctx);
    g_main_loop_run(s->loop);
    g_main_context_pop_thread_default(s->ctx);
    return NULL;
}

static void iothread_complete(UserCreatable *uc, Error **errp)
{
    IOThread *s = IOTHREAD(uc);
    g_autofree char *id = object_get_canonical_path_component(OBJECT(s));
    g_autofree char *name = g_strdup_printf("IO %s", id);

    s->ctx = g_main_context_new();
    s->loop = g_main_loop_new(s->ctx, false);
    qemu_sem_init(&s->started, 0);
    qemu_thread_create(&s->thread, name, iothread_run, s,
                       QEMU_THREAD_JOINABLE);
    qemu_sem_wait(&s->started);
    qemu_sem_destroy(&s->started);
    s->running = true;
}

typedef struct IOThreadCall {
    void (*fn)(void *opaque);
    void *opaque;
    QemuSemaphore done;
} IOThreadCall;

static gboolean iothread_call_cb(gpointer opaque)
{
    IOThreadCall *c = opaque;

    c->fn(c->opaque);
    qemu_sem_post(&c->done);
    return G_SOURCE_REMOVE;
}

void iothread_call_sync(IOThread *iothread, void (*fn)(void *opaque),
                        void *opaque)
{
    IOThreadCall c = { .fn = fn, .opaque = opaque };

    /* Stopped, or the caller is the thread: nothing can run beside fn. */
    if (!iothread->running || qemu_thread_is_self(&iothread->thread)) {
        fn(opaque);
        return;
    }
    qemu_sem_init(&c.done, 0);
    g_main_context_invoke(iothread->ctx, iothread_call_cb, &c);
    qemu_sem_wait(&c.done);
    qemu_sem_destroy(&c.done);
}

static gboolean iothread_quit(gpointer opaque)
{
    g_main_loop_quit(opaque);
    return G_SOURCE_REMOVE;
}

static void iothread_stop(IOThread *s)
{
    if (s->running) {
        g_main_context_invoke(s->ctx, iothread_quit, s->loop);
        qemu_thread_join(&s->thread);
        s->running = false;
    }
}

static int iothread_stop_one(Object *obj, void *opaque)
{
    IOThread *s = (IOThread *)object_dynamic_cast(obj, TYPE_IOTHREAD);

    if (s) {
        iothread_stop(s);
    }
    return 0;
}

void iothread_stop_all(void)
{
    object_child_foreach(object_get_objects_root(), iothread_stop_one, NULL);
}

static void iothread_finalize(Object *obj)
{
    IOThread *s = IOTHREAD(obj);

    iothread_stop(s);
    if (s->loop) {
        g_main_loop_unref(s->loop);
        g_main_context_unref(s->ctx);
    }
}

static int iothread_info_one(Object *obj, void *opaque)
{
    IOThreadInfoList ***tail = opaque;
    IOThread *s = (IOThread *)object_dynamic_cast(obj, TYPE_IOTHREAD);
    IOThreadInfo *info;

    if (!s || !s->running) {
        return 0;
    }
    info = g_new0(IOThreadInfo, 1);
    info->id = object_get_canonical_path_component(obj);
    info->thread_id = s->thread_id;
    info->poll_max_ns = s->poll_max_ns;
    info->poll_grow = s->poll_grow;
    info->poll_shrink = s->poll_shrink;
    info->aio_max_batch = s->aio_max_batch;
    QAPI_LIST_APPEND(*tail, info);
    return 0;
}

IOThreadInfoList *qmp_query_iothreads(Error **errp)
{
    IOThreadInfoList *head = NULL, **tail = &head;

    object_child_foreach(object_get_objects_root(), iothread_info_one,
                         &tail);
    return head;
}

static void iothread_get_param(Object *obj, Visitor *v, const char *name,
                               void *opaque, Error **errp)
{
    int64_t *field = (int64_t *)((char *)obj + (uintptr_t)opaque);

    visit_type_int64(v, name, field, errp);
}

static void iothread_set_param(Object *obj, Visitor *v, const char *name,
                               void *opaque, Error **errp)
{
    int64_t *field = (int64_t *)((char *)obj + (uintptr_t)opaque);
    int64_t value;

    if (!visit_type_int64(v, name, &value, errp)) {
        return;
    }
    if (value < 0) {
        error_setg(errp, "%s value must be in range [0, %" PRId64 "]",
                   name, INT64_MAX);
        return;
    }
    *field = value;
}

static void iothread_class_init(ObjectClass *oc, const void *data)
{
    static const struct {
        const char *name;
        size_t offset;
    } params[] = {
        { "poll-max-ns", offsetof(IOThread, poll_max_ns) },
        { "poll-grow", offsetof(IOThread, poll_grow) },
        { "poll-shrink", offsetof(IOThread, poll_shrink) },
        { "aio-max-batch", offsetof(IOThread, aio_max_batch) },
    };

    USER_CREATABLE_CLASS(oc)->complete = iothread_complete;
    for (size_t i = 0; i < G_N_ELEMENTS(params); i++) {
        object_class_property_add(oc, params[i].name, "int",
                                  iothread_get_param, iothread_set_param,
                                  NULL, (void *)(uintptr_t)params[i].offset);
    }
}

static const TypeInfo iothread_info = {
    .name = TYPE_IOTHREAD,
    .parent = TYPE_OBJECT,
    .class_init = iothread_class_init,
    .instance_size = sizeof(IOThread),
    .instance_finalize = iothread_finalize,
    .interfaces = (const InterfaceInfo[]) {
        { TYPE_USER_CREATABLE },
        { }
    },
};

static void iothread_register_types(void)
{
    type_register_static(&iothread_info);
}

type_init(iothread_register_types)
