/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QList: an ordered list of QObjects (a JSON array).  The list owns one
 * reference to each element.  Appending and popping the head are O(1),
 * as is qlist_size().
 */
#ifndef QOBJECT_QLIST_H
#define QOBJECT_QLIST_H

#include "qobject/qobject.h"

typedef struct QListEntry {
    QObject *value;
    struct QListEntry *next;
} QListEntry;

struct QList {
    struct QObjectBase_ base;
    QListEntry *head;
    QListEntry *tail;
    size_t size;
};

/* Append @obj (any QObject subtype); the list takes over the reference. */
#define qlist_append(qlist, obj) \
    qlist_append_obj(qlist, QOBJECT(obj))

/* Iterate @var (a QListEntry *) over @qlist; do not modify the list. */
#define QLIST_FOREACH_ENTRY(qlist, var)                 \
    for ((var) = (qlist)->head; (var); (var) = (var)->next)

static inline QObject *qlist_entry_obj(const QListEntry *entry)
{
    return entry->value;
}

QList *qlist_new(void);
/* A new list holding new references to @src's elements (shallow). */
QList *qlist_copy(QList *src);
void qlist_append_obj(QList *qlist, QObject *obj);
void qlist_append_int(QList *qlist, int64_t value);
void qlist_append_bool(QList *qlist, bool value);
void qlist_append_str(QList *qlist, const char *value);
void qlist_append_null(QList *qlist);
/* Remove the first element and return it (the caller owns it), or NULL. */
QObject *qlist_pop(QList *qlist);
/* The first element without removing it (no reference taken), or NULL. */
QObject *qlist_peek(QList *qlist);
int qlist_empty(const QList *qlist);
size_t qlist_size(const QList *qlist);
bool qlist_is_equal(const QObject *x, const QObject *y);
void qlist_destroy_obj(QObject *obj);

static inline const QListEntry *qlist_first(const QList *qlist)
{
    return qlist->head;
}

static inline const QListEntry *qlist_next(const QListEntry *entry)
{
    return entry->next;
}

/* g_autoptr(QList) support (GLib needs a real function). */
static inline void qobject_unref_QList(QList *obj)
{
    qobject_unref(obj);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(QList, qobject_unref_QList)

#endif /* QOBJECT_QLIST_H */
