/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The yank registry and the yank / query-yank QMP commands.  A mutex,
 * not the BQL, guards it: "yank" runs out of band in the monitor I/O
 * thread while the main thread may be stuck.
 */
#include "qemu/osdep.h"
#include "qemu/yank.h"
#include "qemu/thread.h"
#include "qemu/lockable.h"
#include "qemu/queue.h"
#include "qapi/error.h"
#include "qapi/clone-visitor.h"
#include "qapi/qapi-visit-yank.h"
#include "qapi/qapi-commands-yank.h"

typedef struct YankFuncEntry {
    YankFn *func;
    void *opaque;
    QLIST_ENTRY(YankFuncEntry) next;
} YankFuncEntry;

typedef struct YankInstanceEntry {
    YankInstance *instance;
    QLIST_HEAD(, YankFuncEntry) funcs;
    QLIST_ENTRY(YankInstanceEntry) next;
} YankInstanceEntry;

static QemuMutex yank_lock;
static QLIST_HEAD(, YankInstanceEntry) yank_instances =
    QLIST_HEAD_INITIALIZER(yank_instances);

static void __attribute__((constructor)) yank_init(void)
{
    qemu_mutex_init(&yank_lock);
}

static bool yank_instance_equal(const YankInstance *a, const YankInstance *b)
{
    if (a->type != b->type) {
        return false;
    }
    switch (a->type) {
    case YANK_INSTANCE_TYPE_BLOCK_NODE:
        return !strcmp(a->u.block_node.node_name, b->u.block_node.node_name);
    case YANK_INSTANCE_TYPE_CHARDEV:
        return !strcmp(a->u.chardev.id, b->u.chardev.id);
    default:
        return true;    /* the migration: there is only one */
    }
}

/* Call with yank_lock held. */
static YankInstanceEntry *yank_find(const YankInstance *instance)
{
    YankInstanceEntry *e;

    QLIST_FOREACH(e, &yank_instances, next) {
        if (yank_instance_equal(e->instance, instance)) {
            return e;
        }
    }
    return NULL;
}

static const char *yank_instance_name(const YankInstance *i, char **buf)
{
    switch (i->type) {
    case YANK_INSTANCE_TYPE_BLOCK_NODE:
        *buf = g_strdup_printf("block-node '%s'", i->u.block_node.node_name);
        break;
    case YANK_INSTANCE_TYPE_CHARDEV:
        *buf = g_strdup_printf("chardev '%s'", i->u.chardev.id);
        break;
    default:
        *buf = g_strdup("migration");
        break;
    }
    return *buf;
}

bool yank_register_instance(const YankInstance *instance, Error **errp)
{
    YankInstanceEntry *e;

    QEMU_LOCK_GUARD(&yank_lock);
    if (yank_find(instance)) {
        g_autofree char *name = NULL;

        error_setg(errp, "duplicate yank instance: %s",
                   yank_instance_name(instance, &name));
        return false;
    }
    e = g_new0(YankInstanceEntry, 1);
    e->instance = QAPI_CLONE(YankInstance, instance);
    QLIST_INIT(&e->funcs);
    QLIST_INSERT_HEAD(&yank_instances, e, next);
    return true;
}

void yank_unregister_instance(const YankInstance *instance)
{
    YankInstanceEntry *e;

    QEMU_LOCK_GUARD(&yank_lock);
    e = yank_find(instance);
    assert(e && QLIST_EMPTY(&e->funcs));
    QLIST_REMOVE(e, next);
    qapi_free_YankInstance(e->instance);
    g_free(e);
}

void yank_register_function(const YankInstance *instance, YankFn *func,
                            void *opaque)
{
    YankInstanceEntry *e;
    YankFuncEntry *f = g_new0(YankFuncEntry, 1);

    f->func = func;
    f->opaque = opaque;
    QEMU_LOCK_GUARD(&yank_lock);
    e = yank_find(instance);
    assert(e);
    QLIST_INSERT_HEAD(&e->funcs, f, next);
}

void yank_unregister_function(const YankInstance *instance, YankFn *func,
                              void *opaque)
{
    YankInstanceEntry *e;
    YankFuncEntry *f;

    QEMU_LOCK_GUARD(&yank_lock);
    e = yank_find(instance);
    assert(e);
    QLIST_FOREACH(f, &e->funcs, next) {
        if (f->func == func && f->opaque == opaque) {
            QLIST_REMOVE(f, next);
            g_free(f);
            return;
        }
    }
    g_assert_not_reached();
}

void qmp_yank(YankInstanceList *instances, Error **errp)
{
    YankInstanceList *l;
    YankInstanceEntry *e;
    YankFuncEntry *f;

    QEMU_LOCK_GUARD(&yank_lock);
    /* All or nothing: check every instance before yanking any. */
    for (l = instances; l; l = l->next) {
        if (!yank_find(l->value)) {
            g_autofree char *name = NULL;

            error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                      "Instance not found: %s",
                      yank_instance_name(l->value, &name));
            return;
        }
    }
    for (l = instances; l; l = l->next) {
        e = yank_find(l->value);
        QLIST_FOREACH(f, &e->funcs, next) {
            f->func(f->opaque);
        }
    }
}

YankInstanceList *qmp_query_yank(Error **errp)
{
    YankInstanceList *list = NULL;
    YankInstanceEntry *e;

    QEMU_LOCK_GUARD(&yank_lock);
    QLIST_FOREACH(e, &yank_instances, next) {
        QAPI_LIST_PREPEND(list, QAPI_CLONE(YankInstance, e->instance));
    }
    return list;
}
