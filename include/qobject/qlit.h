/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QLitObject: a QObject written as a static C initializer, for tables
 * (QAPI introspection) and for expected values in tests.
 *
 *   static const QLitObject expected = QLIT_QDICT(((QLitDictEntry[]) {
 *       { "name", QLIT_QSTR("tern") },
 *       { "list", QLIT_QLIST(((QLitObject[]) {
 *           QLIT_QNUM(1), QLIT_QBOOL(true), QLIT_QNULL, { } })) },
 *       { } }));
 *
 * Dict entry arrays end with an entry whose key is NULL, list arrays with
 * an element of type QTYPE_NONE ({ }).
 */
#ifndef QOBJECT_QLIT_H
#define QOBJECT_QLIT_H

#include "qobject/qobject.h"

typedef struct QLitDictEntry QLitDictEntry;
typedef struct QLitObject QLitObject;

struct QLitObject {
    QType type;
    union {
        bool qbool;
        int64_t qnum;
        const char *qstr;
        QLitDictEntry *qdict;
        QLitObject *qlist;
    } value;
};

struct QLitDictEntry {
    const char *key;
    QLitObject value;
};

#define QLIT_QNULL \
    { .type = QTYPE_QNULL }
#define QLIT_QBOOL(val) \
    { .type = QTYPE_QBOOL, .value.qbool = (val) }
#define QLIT_QNUM(val) \
    { .type = QTYPE_QNUM, .value.qnum = (val) }
#define QLIT_QSTR(val) \
    { .type = QTYPE_QSTRING, .value.qstr = (val) }
#define QLIT_QDICT(val) \
    { .type = QTYPE_QDICT, .value.qdict = (val) }
#define QLIT_QLIST(val) \
    { .type = QTYPE_QLIST, .value.qlist = (val) }

/*
 * Whether @rhs has the same value as @lhs (numbers compare as integers,
 * dicts must have exactly the same keys).
 */
bool qlit_equal_qobject(const QLitObject *lhs, const QObject *rhs);
/* A new QObject with @qlit's value. */
QObject *qobject_from_qlit(const QLitObject *qlit);

#endif /* QOBJECT_QLIT_H */
