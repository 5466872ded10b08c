/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QDict: a string-keyed dictionary of QObjects (a JSON object).
 *
 * Unlike QEMU's, a Tern QDict remembers insertion order: qdict_first() /
 * qdict_next() visit entries in the order their keys were first added
 * (replacing a value keeps the key's place; deleting and re-adding a key
 * moves it to the end).  That makes JSON output, and everything printed
 * from a QDict, deterministic.  Lookups are O(1) through a hash table
 * (small dicts are scanned instead).
 *
 * The dict owns one reference to each value.  Keys are copied.
 */
#ifndef QOBJECT_QDICT_H
#define QOBJECT_QDICT_H

#include "qobject/qobject.h"
#include "qobject/qnum.h"

typedef struct QDictEntry {
    char *key;
    QObject *value;
    struct QDictEntry *prev, *next;     /* insertion order */
} QDictEntry;

struct QDict {
    struct QObjectBase_ base;
    size_t size;
    GHashTable *table;                  /* key -> QDictEntry; NULL while
                                           the dict is small */
    QDictEntry *first, *last;
};

QDict *qdict_new(void);
size_t qdict_size(const QDict *qdict);
/* Store @value under @key, replacing (and unref'ing) any old value. */
void qdict_put_obj(QDict *qdict, const char *key, QObject *value);
void qdict_del(QDict *qdict, const char *key);
int qdict_haskey(const QDict *qdict, const char *key);
/* The value under @key, no reference taken; NULL if absent. */
QObject *qdict_get(const QDict *qdict, const char *key);
bool qdict_is_equal(const QObject *x, const QObject *y);
/* Iteration in insertion order; NULL at the end. */
const QDictEntry *qdict_first(const QDict *qdict);
const QDictEntry *qdict_next(const QDict *qdict, const QDictEntry *entry);
void qdict_destroy_obj(QObject *obj);

/* Store @obj (any QObject subtype); the dict takes over the reference. */
#define qdict_put(qdict, key, obj) \
    qdict_put_obj(qdict, key, QOBJECT(obj))

void qdict_put_bool(QDict *qdict, const char *key, bool value);
void qdict_put_int(QDict *qdict, const char *key, int64_t value);
void qdict_put_null(QDict *qdict, const char *key);
void qdict_put_str(QDict *qdict, const char *key, const char *value);

/*
 * Typed getters.  The plain ones assert that @key exists with the right
 * type (qdict_get_int: a QNum that fits int64_t; qdict_get_double: any
 * QNum).  qdict_get_qlist / qdict_get_qdict return NULL when the key is
 * missing or holds another type.
 */
double qdict_get_double(const QDict *qdict, const char *key);
int64_t qdict_get_int(const QDict *qdict, const char *key);
bool qdict_get_bool(const QDict *qdict, const char *key);
QList *qdict_get_qlist(const QDict *qdict, const char *key);
QDict *qdict_get_qdict(const QDict *qdict, const char *key);
const char *qdict_get_str(const QDict *qdict, const char *key);

/* Getters with a default for a missing key or a value of the wrong type. */
int64_t qdict_get_try_int(const QDict *qdict, const char *key,
                          int64_t def_value);
bool qdict_get_try_bool(const QDict *qdict, const char *key, bool def_value);
/* NULL when missing or not a string. */
const char *qdict_get_try_str(const QDict *qdict, const char *key);

/* A new dict with new references to @src's values, in @src's order. */
QDict *qdict_clone_shallow(const QDict *src);

/* If @dst lacks @key and @src has it, put a reference to it into @dst. */
void qdict_copy_default(QDict *dst, QDict *src, const char *key);
/* If @dst lacks @key, put the string @val under it. */
void qdict_set_default_str(QDict *dst, const char *key, const char *val);
/*
 * Move every entry of @src whose key starts with @start into a new dict
 * returned in *@dst (the prefix stripped from its key).
 */
void qdict_extract_subqdict(QDict *src, QDict **dst, const char *start);

static inline const char *qdict_entry_key(const QDictEntry *entry)
{
    return entry->key;
}

static inline QObject *qdict_entry_value(const QDictEntry *entry)
{
    return entry->value;
}

/* g_autoptr(QDict) support (GLib needs a real function). */
static inline void qobject_unref_QDict(QDict *obj)
{
    qobject_unref(obj);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(QDict, qobject_unref_QDict)

#endif /* QOBJECT_QDICT_H */
