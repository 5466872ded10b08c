/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QList: singly linked list of QObjects with a tail pointer.
 */
#include "qemu/osdep.h"
#include "qobject/qbool.h"
#include "qobject/qlist.h"
#include "qobject/qnull.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"

QList *qlist_new(void)
{
    QList *qlist = g_new0(QList, 1);

    qobject_init(QOBJECT(qlist), QTYPE_QLIST);
    return qlist;
}

QList *qlist_copy(QList *src)
{
    QList *dst = qlist_new();
    QListEntry *entry;

    QLIST_FOREACH_ENTRY(src, entry) {
        qlist_append_obj(dst, qobject_ref(entry->value));
    }
    return dst;
}

void qlist_append_obj(QList *qlist, QObject *obj)
{
    QListEntry *entry = g_new(QListEntry, 1);

    assert(obj);
    entry->value = obj;
    entry->next = NULL;
    if (qlist->tail) {
        qlist->tail->next = entry;
    } else {
        qlist->head = entry;
    }
    qlist->tail = entry;
    qlist->size++;
}

void qlist_append_int(QList *qlist, int64_t value)
{
    qlist_append(qlist, qnum_from_int(value));
}

void qlist_append_bool(QList *qlist, bool value)
{
    qlist_append(qlist, qbool_from_bool(value));
}

void qlist_append_str(QList *qlist, const char *value)
{
    qlist_append(qlist, qstring_from_str(value));
}

void qlist_append_null(QList *qlist)
{
    qlist_append(qlist, qnull());
}

QObject *qlist_pop(QList *qlist)
{
    QListEntry *entry;
    QObject *ret;

    if (!qlist || !qlist->head) {
        return NULL;
    }
    entry = qlist->head;
    qlist->head = entry->next;
    if (!qlist->head) {
        qlist->tail = NULL;
    }
    qlist->size--;
    ret = entry->value;
    g_free(entry);
    return ret;
}

QObject *qlist_peek(QList *qlist)
{
    if (!qlist || !qlist->head) {
        return NULL;
    }
    return qlist->head->value;
}

int qlist_empty(const QList *qlist)
{
    return !qlist->head;
}

size_t qlist_size(const QList *qlist)
{
    return qlist->size;
}

bool qlist_is_equal(const QObject *x, const QObject *y)
{
    const QList *a = qobject_to(QList, x);
    const QList *b = qobject_to(QList, y);
    const QListEntry *ea, *eb;

    if (a->size != b->size) {
        return false;
    }
    for (ea = a->head, eb = b->head; ea && eb; ea = ea->next, eb = eb->next) {
        if (!qobject_is_equal(ea->value, eb->value)) {
            return false;
        }
    }
    return !ea && !eb;
}

void qlist_destroy_obj(QObject *obj)
{
    QList *qlist = qobject_to(QList, obj);
    QListEntry *entry, *next;

    for (entry = qlist->head; entry; entry = next) {
        next = entry->next;
        qobject_unref(entry->value);
        g_free(entry);
    }
    g_free(qlist);
}
