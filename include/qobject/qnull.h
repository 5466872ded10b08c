/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QNull: the JSON null.  There is one instance, qnull_, statically
 * allocated with a reference that is never dropped; qnull() hands out
 * further references to it.
 */
#ifndef QOBJECT_QNULL_H
#define QOBJECT_QNULL_H

#include "qobject/qobject.h"

struct QNull {
    struct QObjectBase_ base;
};

extern QNull qnull_;

/* A new reference to the null singleton. */
static inline QNull *qnull(void)
{
    return qobject_ref(&qnull_);
}

bool qnull_is_equal(const QObject *x, const QObject *y);

/* g_autoptr(QNull) support (GLib needs a real function). */
static inline void qobject_unref_QNull(QNull *obj)
{
    qobject_unref(obj);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(QNull, qobject_unref_QNull)

#endif /* QOBJECT_QNULL_H */
