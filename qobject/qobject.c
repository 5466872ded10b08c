/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QObject: type-generic destruction, equality and type names.
 */
#include "qemu/osdep.h"
#include "qobject/qbool.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qnull.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"

static const char *const qtype_names[QTYPE__MAX] = {
    [QTYPE_NONE] = "none",
    [QTYPE_QNULL] = "qnull",
    [QTYPE_QNUM] = "qnum",
    [QTYPE_QSTRING] = "qstring",
    [QTYPE_QDICT] = "qdict",
    [QTYPE_QLIST] = "qlist",
    [QTYPE_QBOOL] = "qbool",
};

const char *qtype_name(QType type)
{
    if ((unsigned)type >= QTYPE__MAX) {
        return NULL;
    }
    return qtype_names[type];
}

void qobject_destroy(QObject *obj)
{
    assert(!obj->base.refcnt);
    switch (qobject_type(obj)) {
    case QTYPE_QNULL:
        /* The singleton's own reference is never dropped. */
        g_assert_not_reached();
    case QTYPE_QNUM:
        qnum_destroy_obj(obj);
        break;
    case QTYPE_QSTRING:
        qstring_destroy_obj(obj);
        break;
    case QTYPE_QDICT:
        qdict_destroy_obj(obj);
        break;
    case QTYPE_QLIST:
        qlist_destroy_obj(obj);
        break;
    case QTYPE_QBOOL:
        qbool_destroy_obj(obj);
        break;
    default:
        g_assert_not_reached();
    }
}

bool qobject_is_equal(const QObject *x, const QObject *y)
{
    if (x == y) {
        return true;
    }
    if (!x || !y || qobject_type(x) != qobject_type(y)) {
        return false;
    }
    switch (qobject_type(x)) {
    case QTYPE_QNULL:
        return qnull_is_equal(x, y);
    case QTYPE_QNUM:
        return qnum_is_equal(x, y);
    case QTYPE_QSTRING:
        return qstring_is_equal(x, y);
    case QTYPE_QDICT:
        return qdict_is_equal(x, y);
    case QTYPE_QLIST:
        return qlist_is_equal(x, y);
    case QTYPE_QBOOL:
        return qbool_is_equal(x, y);
    default:
        g_assert_not_reached();
    }
}
