/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QObject input visitor: builds QAPI values from QObject trees, with
 * strict checking and errors that name the member's full path.  The
 * keyval flavour parses string scalars (from the command line) per type.
 */
#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qapi/error.h"
#include "qapi/qobject-input-visitor.h"
#include "qapi/visitor-impl.h"
#include "qobject/qbool.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qnull.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"

/* One struct or list being visited. */
typedef struct StackObject {
    const char *name;           /* of @obj in its parent; NULL at the top */
    QObject *obj;               /* the QDict or QList */
    void *qapi;                 /* what the caller passed, checked at end */
    GHashTable *unvisited;      /* QDict: keys not consumed yet */
    const QListEntry *entry;    /* QList: next element to hand out */
    unsigned index;             /* QList: index of the current element */
} StackObject;

struct QObjectInputVisitor {
    Visitor visitor;
    QObject *root;
    bool keyval;                /* scalars are strings; indexes as ".0" */
    GPtrArray *stack;           /* StackObject *, innermost last */
    GString *errname;           /* buffer for member paths */
};

static QObjectInputVisitor *to_qiv(Visitor *v)
{
    return container_of(v, QObjectInputVisitor, visitor);
}

static StackObject *qiv_tos(QObjectInputVisitor *qiv)
{
    if (!qiv->stack->len) {
        return NULL;
    }
    return g_ptr_array_index(qiv->stack, qiv->stack->len - 1);
}

/*
 * The path of member @name of the container @n levels out from the
 * innermost one: "a.b[2].c" ("a.b.2.c" for keyval).  The string lives
 * in qiv->errname until the next call.
 */
static const char *full_name_nth(QObjectInputVisitor *qiv, const char *name,
                                 unsigned n)
{
    GString *s = qiv->errname;
    guint i;

    g_string_truncate(s, 0);
    for (i = qiv->stack->len; i > 0; i--) {
        StackObject *so = g_ptr_array_index(qiv->stack, i - 1);

        if (n) {
            n--;
        } else if (qobject_type(so->obj) == QTYPE_QDICT) {
            g_string_prepend(s, name ? name : "<anonymous>");
            g_string_prepend_c(s, '.');
        } else {
            char buf[32];

            snprintf(buf, sizeof(buf), qiv->keyval ? ".%u" : "[%u]",
                     so->index);
            g_string_prepend(s, buf);
        }
        name = so->name;
    }
    assert(!n);

    if (name) {
        g_string_prepend(s, name);
    } else if (s->str[0] == '.') {
        g_string_erase(s, 0, 1);
    } else if (!s->str[0]) {
        return "<anonymous>";
    }
    return s->str;
}

static const char *full_name(QObjectInputVisitor *qiv, const char *name)
{
    return full_name_nth(qiv, name, 0);
}

static const char *qobject_input_member_path(Visitor *v, const char *name)
{
    return full_name(to_qiv(v), name);
}

/*
 * The QObject for member @name of the current container, or NULL if
 * absent.  @consume marks it visited (the next list element moves up).
 */
static QObject *qobject_input_try_get_object(QObjectInputVisitor *qiv,
                                             const char *name, bool consume)
{
    StackObject *tos = qiv_tos(qiv);
    QObject *ret;

    if (!tos) {
        /* The root value itself; its name is only for messages. */
        return qiv->root;
    }
    if (qobject_type(tos->obj) == QTYPE_QDICT) {
        assert(name);
        ret = qdict_get(qobject_to(QDict, tos->obj), name);
        if (ret && consume) {
            g_hash_table_remove(tos->unvisited, name);
        }
        return ret;
    }

    assert(qobject_type(tos->obj) == QTYPE_QLIST);
    assert(!name);
    if (!tos->entry) {
        return NULL;
    }
    ret = qlist_entry_obj(tos->entry);
    if (consume) {
        tos->entry = qlist_next(tos->entry);
    }
    return ret;
}

static QObject *qobject_input_get_object(QObjectInputVisitor *qiv,
                                         const char *name, bool consume,
                                         Error **errp)
{
    QObject *obj = qobject_input_try_get_object(qiv, name, consume);

    if (!obj) {
        error_setg(errp, "Parameter '%s' is missing", full_name(qiv, name));
    }
    return obj;
}

static void qobject_input_type_error(QObjectInputVisitor *qiv,
                                     const char *name, const char *what,
                                     Error **errp)
{
    error_setg(errp, "Invalid parameter type for '%s', expected: %s",
               full_name(qiv, name), what);
}

/*
 * Consume member @name, which must be a @type (@what names it in the
 * error); NULL with @errp set if it is missing or of another type.
 */
static QObject *qobject_input_get_typed(QObjectInputVisitor *qiv,
                                        const char *name, QType type,
                                        const char *what, Error **errp)
{
    QObject *qobj = qobject_input_get_object(qiv, name, true, errp);

    if (qobj && qobject_type(qobj) != type) {
        qobject_input_type_error(qiv, name, what, errp);
        return NULL;
    }
    return qobj;
}

/* Keyval: the string value of @name, which every scalar must be. */
static const char *qobject_input_get_keyval(QObjectInputVisitor *qiv,
                                            const char *name, Error **errp)
{
    QObject *qobj = qobject_input_get_object(qiv, name, true, errp);
    QString *qstr;

    if (!qobj) {
        return NULL;
    }
    qstr = qobject_to(QString, qobj);
    if (!qstr) {
        switch (qobject_type(qobj)) {
        case QTYPE_QDICT:
        case QTYPE_QLIST:
            error_setg(errp, "Parameters '%s.*' are unexpected",
                       full_name(qiv, name));
            return NULL;
        default:
            /* Only QDict, QList and QString occur in keyval trees. */
            qobject_input_type_error(qiv, name, "string", errp);
            return NULL;
        }
    }
    return qstring_get_str(qstr);
}

static void qobject_input_push(QObjectInputVisitor *qiv, const char *name,
                               QObject *obj, void *qapi)
{
    StackObject *so = g_new0(StackObject, 1);

    so->name = name;
    so->obj = obj;
    so->qapi = qapi;
    if (qobject_type(obj) == QTYPE_QDICT) {
        QDict *dict = qobject_to(QDict, obj);
        const QDictEntry *e;

        so->unvisited = g_hash_table_new(g_str_hash, g_str_equal);
        for (e = qdict_first(dict); e; e = qdict_next(dict, e)) {
            /* Keys stay owned by the dict, which outlives the frame. */
            g_hash_table_add(so->unvisited, (gpointer)qdict_entry_key(e));
        }
    } else {
        assert(qobject_type(obj) == QTYPE_QLIST);
        so->entry = qlist_first(qobject_to(QList, obj));
        so->index = 0;
    }
    g_ptr_array_add(qiv->stack, so);
}

static void qobject_input_stack_object_free(gpointer p)
{
    StackObject *so = p;

    if (so->unvisited) {
        g_hash_table_destroy(so->unvisited);
    }
    g_free(so);
}

static void qobject_input_pop(Visitor *v, void **obj)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    StackObject *tos = qiv_tos(qiv);

    assert(tos && tos->qapi == obj);
    g_ptr_array_remove_index(qiv->stack, qiv->stack->len - 1);
}

static bool qobject_input_check_struct(Visitor *v, Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    StackObject *tos = qiv_tos(qiv);
    QDict *dict;
    const QDictEntry *e;

    assert(tos && qobject_type(tos->obj) == QTYPE_QDICT);
    if (!g_hash_table_size(tos->unvisited)) {
        return true;
    }
    /* Name the first left-over member in input order: deterministic. */
    dict = qobject_to(QDict, tos->obj);
    for (e = qdict_first(dict); e; e = qdict_next(dict, e)) {
        const char *key = qdict_entry_key(e);

        if (g_hash_table_contains(tos->unvisited, key)) {
            error_setg(errp, "Parameter '%s' is unexpected",
                       full_name(qiv, key));
            return false;
        }
    }
    g_assert_not_reached();
}

static bool qobject_input_start_struct(Visitor *v, const char *name,
                                       void **obj, size_t size, Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    QObject *qobj = qobject_input_get_typed(qiv, name, QTYPE_QDICT,
                                            "object", errp);

    if (obj) {
        *obj = NULL;
    }
    if (!qobj) {
        return false;
    }
    qobject_input_push(qiv, name, qobj, obj);
    if (obj) {
        *obj = g_malloc0(size);
    }
    return true;
}

static void qobject_input_end_struct(Visitor *v, void **obj)
{
    StackObject *tos = qiv_tos(to_qiv(v));

    assert(tos && qobject_type(tos->obj) == QTYPE_QDICT);
    qobject_input_pop(v, obj);
}

static bool qobject_input_start_list(Visitor *v, const char *name,
                                     GenericList **list, size_t size,
                                     Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    QObject *qobj = qobject_input_get_typed(qiv, name, QTYPE_QLIST,
                                            "array", errp);
    StackObject *tos;

    if (list) {
        *list = NULL;
    }
    if (!qobj) {
        return false;
    }
    qobject_input_push(qiv, name, qobj, list);
    tos = qiv_tos(qiv);
    if (list && tos->entry) {
        *list = g_malloc0(size);
    }
    return true;
}

static GenericList *qobject_input_next_list(Visitor *v, GenericList *tail,
                                            size_t size)
{
    StackObject *tos = qiv_tos(to_qiv(v));

    assert(tos && qobject_type(tos->obj) == QTYPE_QLIST);
    if (!tos->entry) {
        return NULL;
    }
    tos->index++;
    tail->next = g_malloc0(size);
    return tail->next;
}

static bool qobject_input_check_list(Visitor *v, Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    StackObject *tos = qiv_tos(qiv);

    assert(tos && qobject_type(tos->obj) == QTYPE_QLIST);
    if (tos->entry) {
        error_setg(errp, "Only %u list elements expected in %s",
                   tos->index + 1, full_name_nth(qiv, NULL, 1));
        return false;
    }
    return true;
}

static void qobject_input_end_list(Visitor *v, void **obj)
{
    StackObject *tos = qiv_tos(to_qiv(v));

    assert(tos && qobject_type(tos->obj) == QTYPE_QLIST);
    qobject_input_pop(v, obj);
}

static bool qobject_input_start_alternate(Visitor *v, const char *name,
                                          GenericAlternate **obj, size_t size,
                                          Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    /* Not consumed: the branch visit that follows takes it. */
    QObject *qobj = qobject_input_get_object(qiv, name, false, errp);

    if (!qobj) {
        *obj = NULL;
        return false;
    }
    *obj = g_malloc0(size);
    (*obj)->type = qobject_type(qobj);
    return true;
}

static bool qobject_input_type_int64(Visitor *v, const char *name,
                                     int64_t *obj, Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    QObject *qobj = qobject_input_get_object(qiv, name, true, errp);
    QNum *qnum;

    if (!qobj) {
        return false;
    }
    qnum = qobject_to(QNum, qobj);
    if (!qnum || !qnum_get_try_int(qnum, obj)) {
        qobject_input_type_error(qiv, name, "integer", errp);
        return false;
    }
    return true;
}

static bool qobject_input_type_uint64(Visitor *v, const char *name,
                                      uint64_t *obj, Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    QObject *qobj = qobject_input_get_object(qiv, name, true, errp);
    QNum *qnum;
    int64_t val;

    if (!qobj) {
        return false;
    }
    qnum = qobject_to(QNum, qobj);
    if (qnum) {
        if (qnum_get_try_uint(qnum, obj)) {
            return true;
        }
        /* QEMU takes negative numbers modulo 2^64; clients rely on it. */
        if (qnum_get_try_int(qnum, &val)) {
            *obj = val;
            return true;
        }
    }
    error_setg(errp, "Parameter '%s' expects %s", full_name(qiv, name),
               "uint64");
    return false;
}

static bool qobject_input_type_bool(Visitor *v, const char *name, bool *obj,
                                    Error **errp)
{
    QObject *qobj = qobject_input_get_typed(to_qiv(v), name, QTYPE_QBOOL,
                                            "boolean", errp);

    if (!qobj) {
        return false;
    }
    *obj = qbool_get_bool(qobject_to(QBool, qobj));
    return true;
}

static bool qobject_input_type_str(Visitor *v, const char *name, char **obj,
                                   Error **errp)
{
    QObject *qobj = qobject_input_get_typed(to_qiv(v), name, QTYPE_QSTRING,
                                            "string", errp);

    *obj = NULL;
    if (!qobj) {
        return false;
    }
    *obj = g_strdup(qstring_get_str(qobject_to(QString, qobj)));
    return true;
}

static bool qobject_input_type_number(Visitor *v, const char *name,
                                      double *obj, Error **errp)
{
    QObject *qobj = qobject_input_get_typed(to_qiv(v), name, QTYPE_QNUM,
                                            "number", errp);

    if (!qobj) {
        return false;
    }
    *obj = qnum_get_double(qobject_to(QNum, qobj));
    return true;
}

static bool qobject_input_type_any(Visitor *v, const char *name,
                                   QObject **obj, Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    QObject *qobj = qobject_input_get_object(qiv, name, true, errp);

    *obj = NULL;
    if (!qobj) {
        return false;
    }
    *obj = qobject_ref(qobj);
    return true;
}

static bool qobject_input_type_null(Visitor *v, const char *name,
                                    QNull **obj, Error **errp)
{
    QObject *qobj = qobject_input_get_typed(to_qiv(v), name, QTYPE_QNULL,
                                            "null", errp);

    *obj = NULL;
    if (!qobj) {
        return false;
    }
    *obj = qnull();
    return true;
}

/* --- keyval scalars: strings parsed per type --- */

static bool qobject_input_type_int64_keyval(Visitor *v, const char *name,
                                            int64_t *obj, Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    const char *str = qobject_input_get_keyval(qiv, name, errp);

    if (!str) {
        return false;
    }
    if (qemu_strtoi64(str, NULL, 0, obj) < 0) {
        error_setg(errp, "Parameter '%s' expects %s", full_name(qiv, name),
                   "integer");
        return false;
    }
    return true;
}

static bool qobject_input_type_uint64_keyval(Visitor *v, const char *name,
                                             uint64_t *obj, Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    const char *str = qobject_input_get_keyval(qiv, name, errp);

    if (!str) {
        return false;
    }
    /* parse_uint_full() refuses a minus sign, unlike strtoull(). */
    if (parse_uint_full(str, 0, obj) < 0) {
        error_setg(errp, "Parameter '%s' expects %s", full_name(qiv, name),
                   "integer");
        return false;
    }
    return true;
}

static bool qobject_input_type_bool_keyval(Visitor *v, const char *name,
                                           bool *obj, Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    const char *str = qobject_input_get_keyval(qiv, name, errp);

    if (!str) {
        return false;
    }
    return qapi_bool_parse(full_name(qiv, name), str, obj, errp);
}

static bool qobject_input_type_str_keyval(Visitor *v, const char *name,
                                          char **obj, Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    const char *str = qobject_input_get_keyval(qiv, name, errp);

    *obj = g_strdup(str);
    return str != NULL;
}

static bool qobject_input_type_number_keyval(Visitor *v, const char *name,
                                             double *obj, Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    const char *str = qobject_input_get_keyval(qiv, name, errp);

    if (!str) {
        return false;
    }
    if (qemu_strtod_finite(str, NULL, obj) < 0) {
        error_setg(errp, "Parameter '%s' expects %s", full_name(qiv, name),
                   "number");
        return false;
    }
    return true;
}

static bool qobject_input_type_size_keyval(Visitor *v, const char *name,
                                           uint64_t *obj, Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    const char *str = qobject_input_get_keyval(qiv, name, errp);

    if (!str) {
        return false;
    }
    if (qemu_strtosz(str, NULL, obj) < 0) {
        error_setg(errp, "Parameter '%s' expects %s", full_name(qiv, name),
                   "size");
        return false;
    }
    return true;
}

static bool qobject_input_type_null_keyval(Visitor *v, const char *name,
                                           QNull **obj, Error **errp)
{
    QObjectInputVisitor *qiv = to_qiv(v);
    const char *str = qobject_input_get_keyval(qiv, name, errp);

    *obj = NULL;
    if (!str) {
        return false;
    }
    if (str[0]) {
        qobject_input_type_error(qiv, name, "null", errp);
        return false;
    }
    *obj = qnull();
    return true;
}

static void qobject_input_optional(Visitor *v, const char *name,
                                   bool *present)
{
    QObjectInputVisitor *qiv = to_qiv(v);

    *present = qobject_input_try_get_object(qiv, name, false) != NULL;
}

static bool qobject_input_policy_reject(Visitor *v, const char *name,
                                        unsigned special_features,
                                        Error **errp)
{
    return !compat_policy_input_ok(special_features, &v->compat_policy,
                                   ERROR_CLASS_GENERIC_ERROR,
                                   "parameter", name, errp);
}

static void qobject_input_free(Visitor *v)
{
    QObjectInputVisitor *qiv = to_qiv(v);

    /* Frames left by an aborted walk are dropped too. */
    g_ptr_array_free(qiv->stack, true);
    g_string_free(qiv->errname, true);
    qobject_unref(qiv->root);
    g_free(qiv);
}

static QObjectInputVisitor *qobject_input_visitor_base_new(QObject *obj)
{
    QObjectInputVisitor *qiv = g_new0(QObjectInputVisitor, 1);

    assert(obj);
    qiv->visitor.type = VISITOR_INPUT;
    qiv->visitor.start_struct = qobject_input_start_struct;
    qiv->visitor.check_struct = qobject_input_check_struct;
    qiv->visitor.end_struct = qobject_input_end_struct;
    qiv->visitor.start_list = qobject_input_start_list;
    qiv->visitor.next_list = qobject_input_next_list;
    qiv->visitor.check_list = qobject_input_check_list;
    qiv->visitor.end_list = qobject_input_end_list;
    qiv->visitor.start_alternate = qobject_input_start_alternate;
    qiv->visitor.optional = qobject_input_optional;
    qiv->visitor.policy_reject = qobject_input_policy_reject;
    qiv->visitor.member_path = qobject_input_member_path;
    qiv->visitor.free = qobject_input_free;

    qiv->root = qobject_ref(obj);
    qiv->stack = g_ptr_array_new_with_free_func(
        qobject_input_stack_object_free);
    qiv->errname = g_string_new("");
    return qiv;
}

Visitor *qobject_input_visitor_new(QObject *obj)
{
    QObjectInputVisitor *qiv = qobject_input_visitor_base_new(obj);

    qiv->visitor.type_int64 = qobject_input_type_int64;
    qiv->visitor.type_uint64 = qobject_input_type_uint64;
    qiv->visitor.type_bool = qobject_input_type_bool;
    qiv->visitor.type_str = qobject_input_type_str;
    qiv->visitor.type_number = qobject_input_type_number;
    qiv->visitor.type_any = qobject_input_type_any;
    qiv->visitor.type_null = qobject_input_type_null;
    return &qiv->visitor;
}

Visitor *qobject_input_visitor_new_qmp(QObject *obj)
{
    Visitor *v = qobject_input_visitor_new(obj);

    visit_set_policy(v, &compat_policy);
    return v;
}

Visitor *qobject_input_visitor_new_keyval(QObject *obj)
{
    QObjectInputVisitor *qiv = qobject_input_visitor_base_new(obj);

    qiv->keyval = true;
    qiv->visitor.type_int64 = qobject_input_type_int64_keyval;
    qiv->visitor.type_uint64 = qobject_input_type_uint64_keyval;
    qiv->visitor.type_size = qobject_input_type_size_keyval;
    qiv->visitor.type_bool = qobject_input_type_bool_keyval;
    qiv->visitor.type_str = qobject_input_type_str_keyval;
    qiv->visitor.type_number = qobject_input_type_number_keyval;
    qiv->visitor.type_any = qobject_input_type_any;
    qiv->visitor.type_null = qobject_input_type_null_keyval;
    return &qiv->visitor;
}
