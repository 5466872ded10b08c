/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QObject output visitor: builds a QObject tree from a QAPI value,
 * e.g. a command's return value before it is written out as JSON.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qobject-output-visitor.h"
#include "qapi/visitor-impl.h"
#include "qobject/qbool.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qnull.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"

typedef struct OutputFrame {
    QObject *container;         /* QDict or QList, owned by its parent */
    void *qapi;                 /* what the caller passed, checked at end */
} OutputFrame;

struct QObjectOutputVisitor {
    Visitor visitor;
    GArray *stack;              /* OutputFrame, innermost last */
    QObject *root;              /* one reference, owned here */
    QObject **result;           /* where visit_complete() stores it */
};

static QObjectOutputVisitor *to_qov(Visitor *v)
{
    return container_of(v, QObjectOutputVisitor, visitor);
}

/* Hand @value (a new reference) to the current container or the root. */
static void qobject_output_add_obj(QObjectOutputVisitor *qov,
                                   const char *name, QObject *value)
{
    OutputFrame *top;

    if (!qov->stack->len) {
        /* A second top-level value would be a caller bug. */
        assert(!qov->root);
        qov->root = value;
        return;
    }
    top = &g_array_index(qov->stack, OutputFrame, qov->stack->len - 1);
    switch (qobject_type(top->container)) {
    case QTYPE_QDICT:
        assert(name);
        qdict_put_obj(qobject_to(QDict, top->container), name, value);
        break;
    case QTYPE_QLIST:
        assert(!name);
        qlist_append_obj(qobject_to(QList, top->container), value);
        break;
    default:
        g_assert_not_reached();
    }
}

static void qobject_output_push(QObjectOutputVisitor *qov, QObject *obj,
                                void *qapi)
{
    OutputFrame f = { .container = obj, .qapi = qapi };

    g_array_append_val(qov->stack, f);
}

static void qobject_output_pop(QObjectOutputVisitor *qov, QType type,
                               void *qapi)
{
    OutputFrame *top;

    assert(qov->stack->len);
    top = &g_array_index(qov->stack, OutputFrame, qov->stack->len - 1);
    assert(qobject_type(top->container) == type && top->qapi == qapi);
    g_array_set_size(qov->stack, qov->stack->len - 1);
}

static bool qobject_output_start_struct(Visitor *v, const char *name,
                                        void **obj, size_t unused,
                                        Error **errp)
{
    QObjectOutputVisitor *qov = to_qov(v);
    QDict *dict = qdict_new();

    qobject_output_add_obj(qov, name, QOBJECT(dict));
    qobject_output_push(qov, QOBJECT(dict), obj);
    return true;
}

static void qobject_output_end_struct(Visitor *v, void **obj)
{
    qobject_output_pop(to_qov(v), QTYPE_QDICT, obj);
}

static bool qobject_output_start_list(Visitor *v, const char *name,
                                      GenericList **listp, size_t size,
                                      Error **errp)
{
    QObjectOutputVisitor *qov = to_qov(v);
    QList *list = qlist_new();

    qobject_output_add_obj(qov, name, QOBJECT(list));
    qobject_output_push(qov, QOBJECT(list), listp);
    return true;
}

static GenericList *qobject_output_next_list(Visitor *v, GenericList *tail,
                                             size_t size)
{
    return tail->next;
}

static void qobject_output_end_list(Visitor *v, void **obj)
{
    qobject_output_pop(to_qov(v), QTYPE_QLIST, obj);
}

static bool qobject_output_type_int64(Visitor *v, const char *name,
                                      int64_t *obj, Error **errp)
{
    qobject_output_add_obj(to_qov(v), name, QOBJECT(qnum_from_int(*obj)));
    return true;
}

static bool qobject_output_type_uint64(Visitor *v, const char *name,
                                       uint64_t *obj, Error **errp)
{
    qobject_output_add_obj(to_qov(v), name, QOBJECT(qnum_from_uint(*obj)));
    return true;
}

static bool qobject_output_type_bool(Visitor *v, const char *name, bool *obj,
                                     Error **errp)
{
    qobject_output_add_obj(to_qov(v), name, QOBJECT(qbool_from_bool(*obj)));
    return true;
}

static bool qobject_output_type_str(Visitor *v, const char *name, char **obj,
                                    Error **errp)
{
    /* A NULL string goes out as "", as QEMU's does. */
    qobject_output_add_obj(to_qov(v), name,
                           QOBJECT(qstring_from_str(*obj ? *obj : "")));
    return true;
}

static bool qobject_output_type_number(Visitor *v, const char *name,
                                       double *obj, Error **errp)
{
    qobject_output_add_obj(to_qov(v), name,
                           QOBJECT(qnum_from_double(*obj)));
    return true;
}

static bool qobject_output_type_any(Visitor *v, const char *name,
                                    QObject **obj, Error **errp)
{
    qobject_output_add_obj(to_qov(v), name, qobject_ref(*obj));
    return true;
}

static bool qobject_output_type_null(Visitor *v, const char *name,
                                     QNull **obj, Error **errp)
{
    qobject_output_add_obj(to_qov(v), name, QOBJECT(qnull()));
    return true;
}

static bool qobject_output_policy_skip(Visitor *v, const char *name,
                                       unsigned special_features)
{
    CompatPolicy *pol = &v->compat_policy;

    return ((special_features & (1u << QAPI_DEPRECATED))
            && pol->deprecated_output == COMPAT_POLICY_OUTPUT_HIDE)
        || ((special_features & (1u << QAPI_UNSTABLE))
            && pol->unstable_output == COMPAT_POLICY_OUTPUT_HIDE);
}

static void qobject_output_complete(Visitor *v, void *opaque)
{
    QObjectOutputVisitor *qov = to_qov(v);

    /* Complete exactly once, after a whole value was visited. */
    assert(opaque == qov->result);
    assert(!qov->stack->len && qov->root);
    *qov->result = qobject_ref(qov->root);
    qov->result = NULL;
}

static void qobject_output_free(Visitor *v)
{
    QObjectOutputVisitor *qov = to_qov(v);

    g_array_free(qov->stack, true);
    qobject_unref(qov->root);
    g_free(qov);
}

Visitor *qobject_output_visitor_new(QObject **result)
{
    QObjectOutputVisitor *qov = g_new0(QObjectOutputVisitor, 1);

    qov->visitor.type = VISITOR_OUTPUT;
    qov->visitor.start_struct = qobject_output_start_struct;
    qov->visitor.end_struct = qobject_output_end_struct;
    qov->visitor.start_list = qobject_output_start_list;
    qov->visitor.next_list = qobject_output_next_list;
    qov->visitor.end_list = qobject_output_end_list;
    qov->visitor.type_int64 = qobject_output_type_int64;
    qov->visitor.type_uint64 = qobject_output_type_uint64;
    qov->visitor.type_bool = qobject_output_type_bool;
    qov->visitor.type_str = qobject_output_type_str;
    qov->visitor.type_number = qobject_output_type_number;
    qov->visitor.type_any = qobject_output_type_any;
    qov->visitor.type_null = qobject_output_type_null;
    qov->visitor.policy_skip = qobject_output_policy_skip;
    qov->visitor.complete = qobject_output_complete;
    qov->visitor.free = qobject_output_free;

    qov->stack = g_array_new(false, false, sizeof(OutputFrame));
    *result = NULL;
    qov->result = result;
    return &qov->visitor;
}

Visitor *qobject_output_visitor_new_qmp(QObject **result)
{
    Visitor *v = qobject_output_visitor_new(result);

    visit_set_policy(v, &compat_policy);
    return v;
}
