/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QLitObject: comparing static literals with QObjects and converting
 * them.
 */
#include "qemu/osdep.h"
#include "qobject/qbool.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qlit.h"
#include "qobject/qnull.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"

static bool qlit_equal_qdict(const QLitObject *lhs, const QDict *qdict)
{
    const QLitDictEntry *e;
    size_t n = 0;

    for (e = lhs->value.qdict; e->key; e++, n++) {
        QObject *obj = qdict_get(qdict, e->key);

        if (!obj || !qlit_equal_qobject(&e->value, obj)) {
            return false;
        }
    }
    return n == qdict_size(qdict);
}

static bool qlit_equal_qlist(const QLitObject *lhs, const QList *qlist)
{
    const QLitObject *l = lhs->value.qlist;
    const QListEntry *e;

    for (e = qlist_first(qlist); e; e = qlist_next(e), l++) {
        if (l->type == QTYPE_NONE || !qlit_equal_qobject(l, e->value)) {
            return false;
        }
    }
    return l->type == QTYPE_NONE;
}

bool qlit_equal_qobject(const QLitObject *lhs, const QObject *rhs)
{
    int64_t val;

    if (!rhs || lhs->type != qobject_type(rhs)) {
        return false;
    }
    switch (lhs->type) {
    case QTYPE_QBOOL:
        return lhs->value.qbool == qbool_get_bool(qobject_to(QBool, rhs));
    case QTYPE_QNUM:
        return qnum_get_try_int(qobject_to(QNum, rhs), &val) &&
               val == lhs->value.qnum;
    case QTYPE_QSTRING:
        return !strcmp(lhs->value.qstr,
                       qstring_get_str(qobject_to(QString, rhs)));
    case QTYPE_QDICT:
        return qlit_equal_qdict(lhs, qobject_to(QDict, rhs));
    case QTYPE_QLIST:
        return qlit_equal_qlist(lhs, qobject_to(QList, rhs));
    case QTYPE_QNULL:
        return true;
    default:
        g_assert_not_reached();
    }
}

QObject *qobject_from_qlit(const QLitObject *qlit)
{
    switch (qlit->type) {
    case QTYPE_QNULL:
        return QOBJECT(qnull());
    case QTYPE_QNUM:
        return QOBJECT(qnum_from_int(qlit->value.qnum));
    case QTYPE_QSTRING:
        return QOBJECT(qstring_from_str(qlit->value.qstr));
    case QTYPE_QBOOL:
        return QOBJECT(qbool_from_bool(qlit->value.qbool));
    case QTYPE_QDICT: {
        QDict *qdict = qdict_new();
        const QLitDictEntry *e;

        for (e = qlit->value.qdict; e->key; e++) {
            qdict_put_obj(qdict, e->key, qobject_from_qlit(&e->value));
        }
        return QOBJECT(qdict);
    }
    case QTYPE_QLIST: {
        QList *qlist = qlist_new();
        const QLitObject *l;

        for (l = qlit->value.qlist; l->type != QTYPE_NONE; l++) {
            qlist_append_obj(qlist, qobject_from_qlit(l));
        }
        return QOBJECT(qlist);
    }
    default:
        g_assert_not_reached();
    }
}
