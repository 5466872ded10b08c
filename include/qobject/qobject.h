/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QObject: the reference-counted base of the dynamically typed values
 * (QNull, QNum, QString, QDict, QList, QBool) that QMP, QAPI visitors and
 * the JSON parser and writer pass around.
 *
 * Every concrete type starts with "struct QObjectBase_ base", so a pointer
 * to any of them converts to QObject * with QOBJECT() and back with the
 * checked qobject_to(Type, obj).  A new object has a reference count of 1;
 * qobject_ref() adds one, qobject_unref() drops one and frees the object
 * (recursively, for containers) when it reaches 0.  Counting is atomic, so
 * an object may be handed from one thread to another, but the values
 * themselves are not locked: only one thread may modify a container.
 */
#ifndef QOBJECT_QOBJECT_H
#define QOBJECT_QOBJECT_H

/*
 * The order and names are QAPI's built-in enum QType (qapi/common.json
 * style: 'none', 'qnull', 'qnum', 'qstring', 'qdict', 'qlist', 'qbool').
 * The QAPI generator must not emit a second definition.
 */
typedef enum QType {
    QTYPE_NONE,
    QTYPE_QNULL,
    QTYPE_QNUM,
    QTYPE_QSTRING,
    QTYPE_QDICT,
    QTYPE_QLIST,
    QTYPE_QBOOL,
    QTYPE__MAX,
} QType;

/* The lower-case QAPI name of @type ("qdict"...), or NULL if out of range. */
const char *qtype_name(QType type);

struct QObjectBase_ {
    QType type;
    size_t refcnt;
};

/* Not for direct use: go through the accessors below. */
struct QObject {
    struct QObjectBase_ base;
};

#define QOBJECT_GLUE_(a, b) a##b
#define QOBJECT_GLUE(a, b) QOBJECT_GLUE_(a, b)

#define QOBJECT_INTERNAL(obj, _obj) ({                              \
    typeof(obj) _obj = (obj);                                       \
    _obj ? container_of(&_obj->base, QObject, base) : NULL;         \
})

/* Any QObject subtype pointer (or NULL) as a QObject pointer. */
#define QOBJECT(obj) QOBJECT_INTERNAL((obj), QOBJECT_GLUE(_obj, __COUNTER__))

/* Per type, the QType qobject_to() checks for. */
#define QTYPE_CAST_TO_QNull     QTYPE_QNULL
#define QTYPE_CAST_TO_QNum      QTYPE_QNUM
#define QTYPE_CAST_TO_QString   QTYPE_QSTRING
#define QTYPE_CAST_TO_QDict     QTYPE_QDICT
#define QTYPE_CAST_TO_QList     QTYPE_QLIST
#define QTYPE_CAST_TO_QBool     QTYPE_QBOOL

/*
 * @obj as a pointer to @type (QDict, QNum...), or NULL if @obj is NULL or
 * holds another type.  No reference is taken.
 */
#define qobject_to(type, obj)                                           \
    ((type *)qobject_check_type(obj, QOBJECT_GLUE(QTYPE_CAST_TO_, type)))

/* Free @obj; called by qobject_unref() when the count drops to zero. */
void qobject_destroy(QObject *obj);

static inline void qobject_ref_impl(QObject *obj)
{
    if (obj) {
        __atomic_fetch_add(&obj->base.refcnt, 1, __ATOMIC_RELAXED);
    }
}

static inline void qobject_unref_impl(QObject *obj)
{
    if (obj) {
        assert(obj->base.refcnt);
        if (__atomic_fetch_sub(&obj->base.refcnt, 1, __ATOMIC_ACQ_REL) == 1) {
            qobject_destroy(obj);
        }
    }
}

/* Take a reference to @obj (any subtype, may be NULL); returns @obj. */
#define qobject_ref(obj) ({                     \
    typeof(obj) _o = (obj);                     \
    qobject_ref_impl(QOBJECT(_o));              \
    _o;                                         \
})

/* Drop a reference to @obj (any subtype, may be NULL). */
#define qobject_unref(obj) qobject_unref_impl(QOBJECT(obj))

/* Initialise the header of a freshly allocated object: count 1. */
static inline void qobject_init(QObject *obj, QType type)
{
    assert(QTYPE_NONE < type && type < QTYPE__MAX);
    obj->base.refcnt = 1;
    obj->base.type = type;
}

static inline QType qobject_type(const QObject *obj)
{
    assert(QTYPE_NONE < obj->base.type && obj->base.type < QTYPE__MAX);
    return obj->base.type;
}

static inline QObject *qobject_check_type(const QObject *obj, QType type)
{
    if (obj && qobject_type(obj) == type) {
        return (QObject *)obj;
    }
    return NULL;
}

/*
 * Deep equality.  Two NULLs are equal.  Numbers follow qnum_is_equal():
 * an integer never equals a double, even 1 and 1.0.  Dicts are equal when
 * they hold the same keys with equal values, in any order.
 */
bool qobject_is_equal(const QObject *x, const QObject *y);

/* g_autoptr(QObject) support (GLib needs a real function). */
static inline void qobject_unref_QObject(QObject *obj)
{
    qobject_unref(obj);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(QObject, qobject_unref_QObject)

#endif /* QOBJECT_QOBJECT_H */
