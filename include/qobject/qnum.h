/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QNum: a JSON number, kept as the C type it came from so that no
 * precision is lost: a signed 64-bit integer, an unsigned one (used only
 * for values above INT64_MAX by the parser) or a double.
 *
 * Conversions: qnum_get_try_int() succeeds for any integer that fits
 * int64_t, qnum_get_try_uint() for any non-negative integer that fits
 * uint64_t; neither converts a double.  qnum_get_double() converts any
 * kind (integers may round).
 *
 * Equality (qnum_is_equal): integers compare by value whatever their
 * kind (5 as int64 equals 5 as uint64; -1 never equals a uint64); doubles
 * compare with ==; an integer is never equal to a double, not even 1 and
 * 1.0.  These are QEMU's rules.
 */
#ifndef QOBJECT_QNUM_H
#define QOBJECT_QNUM_H

#include "qobject/qobject.h"

typedef enum QNumKind {
    QNUM_I64,
    QNUM_U64,
    QNUM_DOUBLE,
} QNumKind;

typedef struct QNumValue {
    QNumKind kind;
    union {
        int64_t i64;
        uint64_t u64;
        double dbl;
    } u;
} QNumValue;

#define QNUM_VAL_INT(value) \
    { .kind = QNUM_I64, .u.i64 = (value) }
#define QNUM_VAL_UINT(value) \
    { .kind = QNUM_U64, .u.u64 = (value) }
#define QNUM_VAL_DOUBLE(value) \
    { .kind = QNUM_DOUBLE, .u.dbl = (value) }

struct QNum {
    struct QObjectBase_ base;
    QNumValue value;
};

QNum *qnum_from_int(int64_t value);
QNum *qnum_from_uint(uint64_t value);
QNum *qnum_from_double(double value);
QNum *qnum_from_value(QNumValue value);

bool qnum_get_try_int(const QNum *qn, int64_t *val);
/* Like qnum_get_try_int() but asserts success. */
int64_t qnum_get_int(const QNum *qn);

bool qnum_get_try_uint(const QNum *qn, uint64_t *val);
/* Like qnum_get_try_uint() but asserts success. */
uint64_t qnum_get_uint(const QNum *qn);

double qnum_get_double(const QNum *qn);

/*
 * The number as text (g_free it): integers in decimal, doubles in the
 * shortest form that reads back to the same value ("%.17g" at most).
 */
char *qnum_to_string(QNum *qn);

bool qnum_value_is_equal(const QNumValue *num_x, const QNumValue *num_y);
bool qnum_is_equal(const QObject *x, const QObject *y);
void qnum_destroy_obj(QObject *obj);

/* g_autoptr(QNum) support (GLib needs a real function). */
static inline void qobject_unref_QNum(QNum *obj)
{
    qobject_unref(obj);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(QNum, qobject_unref_QNum)

#endif /* QOBJECT_QNUM_H */
