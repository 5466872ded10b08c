/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The clone visitor: deep copies through generated visit functions.
 * Each struct, list node and alternate is first copied byte for byte,
 * which copies scalars and enums for free; the visits then
 * replace the pointers that must not be shared: strings are duplicated,
 * QObjects get a reference, nested structs and list tails are copied.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/clone-visitor.h"
#include "qapi/visitor-impl.h"
#include "qobject/qnull.h"

struct QapiCloneVisitor {
    Visitor visitor;
    size_t depth;               /* how many copied containers are open */
};

/* g_memdup2() needs GLib 2.68; we support 2.66. */
static void *clone_memdup(const void *src, size_t size)
{
    return src ? memcpy(g_malloc(size), src, size) : NULL;
}

static QapiCloneVisitor *to_qcv(Visitor *v)
{
    return container_of(v, QapiCloneVisitor, visitor);
}

static bool qapi_clone_start_struct(Visitor *v, const char *name, void **obj,
                                    size_t size, Error **errp)
{
    QapiCloneVisitor *qcv = to_qcv(v);

    if (!obj) {
        /*
         * An alternate's struct branch, visited in place: the memory was
         * already copied by visit_start_alternate().
         */
        assert(qcv->depth);
        return true;
    }
    *obj = clone_memdup(*obj, size);
    qcv->depth++;
    return true;
}

static void qapi_clone_end(Visitor *v, void **obj)
{
    QapiCloneVisitor *qcv = to_qcv(v);

    assert(qcv->depth);
    if (obj) {
        qcv->depth--;
    }
}

static bool qapi_clone_start_list(Visitor *v, const char *name,
                                  GenericList **listp, size_t size,
                                  Error **errp)
{
    return qapi_clone_start_struct(v, name, (void **)listp, size, errp);
}

static GenericList *qapi_clone_next_list(Visitor *v, GenericList *tail,
                                         size_t size)
{
    assert(to_qcv(v)->depth);
    /* @tail is already a copy; its next still points into the source. */
    tail->next = clone_memdup(tail->next, size);
    return tail->next;
}

static bool qapi_clone_start_alternate(Visitor *v, const char *name,
                                       GenericAlternate **obj, size_t size,
                                       Error **errp)
{
    return qapi_clone_start_struct(v, name, (void **)obj, size, errp);
}

static bool qapi_clone_type_int64(Visitor *v, const char *name,
                                  int64_t *obj, Error **errp)
{
    assert(to_qcv(v)->depth);
    return true;
}

static bool qapi_clone_type_uint64(Visitor *v, const char *name,
                                   uint64_t *obj, Error **errp)
{
    assert(to_qcv(v)->depth);
    return true;
}

static bool qapi_clone_type_bool(Visitor *v, const char *name, bool *obj,
                                 Error **errp)
{
    assert(to_qcv(v)->depth);
    return true;
}

static bool qapi_clone_type_str(Visitor *v, const char *name, char **obj,
                                Error **errp)
{
    assert(to_qcv(v)->depth);
    /* Like input visitors, never produce a NULL string. */
    *obj = g_strdup(*obj ? *obj : "");
    return true;
}

static bool qapi_clone_type_number(Visitor *v, const char *name,
                                   double *obj, Error **errp)
{
    assert(to_qcv(v)->depth);
    return true;
}

static bool qapi_clone_type_any(Visitor *v, const char *name, QObject **obj,
                                Error **errp)
{
    assert(to_qcv(v)->depth);
    qobject_ref(*obj);
    return true;
}

static bool qapi_clone_type_null(Visitor *v, const char *name, QNull **obj,
                                 Error **errp)
{
    assert(to_qcv(v)->depth);
    qobject_ref(*obj);
    return true;
}

static void qapi_clone_free(Visitor *v)
{
    g_free(to_qcv(v));
}

static Visitor *qapi_clone_visitor_new(void)
{
    QapiCloneVisitor *qcv = g_new0(QapiCloneVisitor, 1);

    qcv->visitor.type = VISITOR_CLONE;
    qcv->visitor.start_struct = qapi_clone_start_struct;
    qcv->visitor.end_struct = qapi_clone_end;
    qcv->visitor.start_list = qapi_clone_start_list;
    qcv->visitor.next_list = qapi_clone_next_list;
    qcv->visitor.end_list = qapi_clone_end;
    qcv->visitor.start_alternate = qapi_clone_start_alternate;
    qcv->visitor.end_alternate = qapi_clone_end;
    qcv->visitor.type_int64 = qapi_clone_type_int64;
    qcv->visitor.type_uint64 = qapi_clone_type_uint64;
    qcv->visitor.type_bool = qapi_clone_type_bool;
    qcv->visitor.type_str = qapi_clone_type_str;
    qcv->visitor.type_number = qapi_clone_type_number;
    qcv->visitor.type_any = qapi_clone_type_any;
    qcv->visitor.type_null = qapi_clone_type_null;
    qcv->visitor.free = qapi_clone_free;
    return &qcv->visitor;
}

void *qapi_clone(const void *src,
                 bool (*visit_type)(Visitor *, const char *, void **,
                                    Error **))
{
    Visitor *v;
    void *dst = (void *)src;    /* replaced by the copy at the top level */

    if (!src) {
        return NULL;
    }
    v = qapi_clone_visitor_new();
    visit_type(v, NULL, &dst, &error_abort);
    visit_free(v);
    return dst;
}

void qapi_clone_members(void *dst, const void *src, size_t sz,
                        bool (*visit_type_members)(Visitor *, void *,
                                                   Error **))
{
    Visitor *v = qapi_clone_visitor_new();

    memcpy(dst, src, sz);
    /* The members are visited in @dst as if inside a copied struct. */
    to_qcv(v)->depth++;
    visit_type_members(v, dst, &error_abort);
    visit_free(v);
}
