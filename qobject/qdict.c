/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QDict: hash table for lookups plus a doubly linked list that keeps
 * insertion order for iteration.
 */
#include "qemu/osdep.h"
#include "qobject/qbool.h"
#include "qobject/qdict.h"
#include "qobject/qnull.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"

QDict *qdict_new(void)
{
    QDict *qdict = g_new0(QDict, 1);

    qobject_init(QOBJECT(qdict), QTYPE_QDICT);
    /* The hash table is created when the dict outgrows a linear scan. */
    return qdict;
}

size_t qdict_size(const QDict *qdict)
{
    return qdict->size;
}

/*
 * Most dicts (QMP arguments, parsed JSON) hold a handful of keys, where
 * scanning the list beats hashing and saves the table's allocations.
 */
#define QDICT_SCAN_MAX 8

static QDictEntry *qdict_find(const QDict *qdict, const char *key)
{
    QDictEntry *e;

    if (qdict->table) {
        return g_hash_table_lookup(qdict->table, key);
    }
    for (e = qdict->first; e; e = e->next) {
        if (!strcmp(e->key, key)) {
            return e;
        }
    }
    return NULL;
}

static void qdict_table_add(QDict *qdict, QDictEntry *entry)
{
    QDictEntry *e;

    if (qdict->table) {
        g_hash_table_insert(qdict->table, entry->key, entry);
    } else if (qdict->size > QDICT_SCAN_MAX) {
        /* Keys are owned by the entries, which the list owns. */
        qdict->table = g_hash_table_new(g_str_hash, g_str_equal);
        for (e = qdict->first; e; e = e->next) {
            g_hash_table_insert(qdict->table, e->key, e);
        }
    }
}

void qdict_put_obj(QDict *qdict, const char *key, QObject *value)
{
    QDictEntry *entry = qdict_find(qdict, key);

    assert(value);
    if (entry) {
        /* Replace in place: the key keeps its position. */
        qobject_unref(entry->value);
        entry->value = value;
        return;
    }
    entry = g_new(QDictEntry, 1);
    entry->key = g_strdup(key);
    entry->value = value;
    entry->next = NULL;
    entry->prev = qdict->last;
    if (qdict->last) {
        qdict->last->next = entry;
    } else {
        qdict->first = entry;
    }
    qdict->last = entry;
    qdict->size++;
    qdict_table_add(qdict, entry);
}

void qdict_del(QDict *qdict, const char *key)
{
    QDictEntry *entry = qdict_find(qdict, key);

    if (!entry) {
        return;
    }
    if (qdict->table) {
        g_hash_table_remove(qdict->table, key);
    }
    if (entry->prev) {
        entry->prev->next = entry->next;
    } else {
        qdict->first = entry->next;
    }
    if (entry->next) {
        entry->next->prev = entry->prev;
    } else {
        qdict->last = entry->prev;
    }
    qdict->size--;
    qobject_unref(entry->value);
    g_free(entry->key);
    g_free(entry);
}

int qdict_haskey(const QDict *qdict, const char *key)
{
    return qdict_find(qdict, key) != NULL;
}

QObject *qdict_get(const QDict *qdict, const char *key)
{
    QDictEntry *entry = qdict_find(qdict, key);

    return entry ? entry->value : NULL;
}

bool qdict_is_equal(const QObject *x, const QObject *y)
{
    const QDict *a = qobject_to(QDict, x);
    const QDict *b = qobject_to(QDict, y);
    const QDictEntry *e;

    if (a->size != b->size) {
        return false;
    }
    for (e = a->first; e; e = e->next) {
        QObject *other = qdict_get(b, e->key);

        if (!other || !qobject_is_equal(e->value, other)) {
            return false;
        }
    }
    return true;
}

const QDictEntry *qdict_first(const QDict *qdict)
{
    return qdict->first;
}

const QDictEntry *qdict_next(const QDict *qdict, const QDictEntry *entry)
{
    return entry->next;
}

void qdict_destroy_obj(QObject *obj)
{
    QDict *qdict = qobject_to(QDict, obj);
    QDictEntry *entry, *next;

    if (qdict->table) {
        g_hash_table_destroy(qdict->table);
    }
    for (entry = qdict->first; entry; entry = next) {
        next = entry->next;
        qobject_unref(entry->value);
        g_free(entry->key);
        g_free(entry);
    }
    g_free(qdict);
}

void qdict_put_bool(QDict *qdict, const char *key, bool value)
{
    qdict_put(qdict, key, qbool_from_bool(value));
}

void qdict_put_int(QDict *qdict, const char *key, int64_t value)
{
    qdict_put(qdict, key, qnum_from_int(value));
}

void qdict_put_null(QDict *qdict, const char *key)
{
    qdict_put(qdict, key, qnull());
}

void qdict_put_str(QDict *qdict, const char *key, const char *value)
{
    qdict_put(qdict, key, qstring_from_str(value));
}

double qdict_get_double(const QDict *qdict, const char *key)
{
    QNum *qn = qobject_to(QNum, qdict_get(qdict, key));

    assert(qn);
    return qnum_get_double(qn);
}

int64_t qdict_get_int(const QDict *qdict, const char *key)
{
    QNum *qn = qobject_to(QNum, qdict_get(qdict, key));

    assert(qn);
    return qnum_get_int(qn);
}

bool qdict_get_bool(const QDict *qdict, const char *key)
{
    QBool *qb = qobject_to(QBool, qdict_get(qdict, key));

    assert(qb);
    return qbool_get_bool(qb);
}

QList *qdict_get_qlist(const QDict *qdict, const char *key)
{
    return qobject_to(QList, qdict_get(qdict, key));
}

QDict *qdict_get_qdict(const QDict *qdict, const char *key)
{
    return qobject_to(QDict, qdict_get(qdict, key));
}

const char *qdict_get_str(const QDict *qdict, const char *key)
{
    QString *qs = qobject_to(QString, qdict_get(qdict, key));

    assert(qs);
    return qstring_get_str(qs);
}

int64_t qdict_get_try_int(const QDict *qdict, const char *key,
                          int64_t def_value)
{
    QNum *qn = qobject_to(QNum, qdict_get(qdict, key));
    int64_t val;

    if (!qn || !qnum_get_try_int(qn, &val)) {
        return def_value;
    }
    return val;
}

bool qdict_get_try_bool(const QDict *qdict, const char *key, bool def_value)
{
    QBool *qb = qobject_to(QBool, qdict_get(qdict, key));

    return qb ? qbool_get_bool(qb) : def_value;
}

const char *qdict_get_try_str(const QDict *qdict, const char *key)
{
    return qobject_get_try_str(qdict_get(qdict, key));
}

QDict *qdict_clone_shallow(const QDict *src)
{
    QDict *dst = qdict_new();
    const QDictEntry *e;

    for (e = src->first; e; e = e->next) {
        qdict_put_obj(dst, e->key, qobject_ref(e->value));
    }
    return dst;
}

void qdict_copy_default(QDict *dst, QDict *src, const char *key)
{
    QObject *val;

    if (qdict_haskey(dst, key)) {
        return;
    }
    val = qdict_get(src, key);
    if (val) {
        qdict_put_obj(dst, key, qobject_ref(val));
    }
}

void qdict_set_default_str(QDict *dst, const char *key, const char *val)
{
    if (!qdict_haskey(dst, key)) {
        qdict_put_str(dst, key, val);
    }
}

void qdict_extract_subqdict(QDict *src, QDict **dst, const char *start)
{
    size_t len = strlen(start);
    QDictEntry *e, *next;

    *dst = qdict_new();
    for (e = src->first; e; e = next) {
        next = e->next;
        if (g_str_has_prefix(e->key, start)) {
            qdict_put_obj(*dst, e->key + len, qobject_ref(e->value));
            qdict_del(src, e->key);
        }
    }
}
