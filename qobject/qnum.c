/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QNum: numbers that remember whether they are int64, uint64 or double.
 */
#include "qemu/osdep.h"
#include "qobject/qnum.h"

QNum *qnum_from_value(QNumValue value)
{
    QNum *qn = g_new(QNum, 1);

    qobject_init(QOBJECT(qn), QTYPE_QNUM);
    qn->value = value;
    return qn;
}

QNum *qnum_from_int(int64_t value)
{
    return qnum_from_value((QNumValue)QNUM_VAL_INT(value));
}

QNum *qnum_from_uint(uint64_t value)
{
    return qnum_from_value((QNumValue)QNUM_VAL_UINT(value));
}

QNum *qnum_from_double(double value)
{
    return qnum_from_value((QNumValue)QNUM_VAL_DOUBLE(value));
}

bool qnum_get_try_int(const QNum *qn, int64_t *val)
{
    switch (qn->value.kind) {
    case QNUM_I64:
        *val = qn->value.u.i64;
        return true;
    case QNUM_U64:
        if (qn->value.u.u64 > INT64_MAX) {
            return false;
        }
        *val = qn->value.u.u64;
        return true;
    case QNUM_DOUBLE:
        return false;
    }
    g_assert_not_reached();
}

int64_t qnum_get_int(const QNum *qn)
{
    int64_t val;
    bool ok = qnum_get_try_int(qn, &val);

    assert(ok);
    return val;
}

bool qnum_get_try_uint(const QNum *qn, uint64_t *val)
{
    switch (qn->value.kind) {
    case QNUM_I64:
        if (qn->value.u.i64 < 0) {
            return false;
        }
        *val = qn->value.u.i64;
        return true;
    case QNUM_U64:
        *val = qn->value.u.u64;
        return true;
    case QNUM_DOUBLE:
        return false;
    }
    g_assert_not_reached();
}

uint64_t qnum_get_uint(const QNum *qn)
{
    uint64_t val;
    bool ok = qnum_get_try_uint(qn, &val);

    assert(ok);
    return val;
}

double qnum_get_double(const QNum *qn)
{
    switch (qn->value.kind) {
    case QNUM_I64:
        return qn->value.u.i64;
    case QNUM_U64:
        return qn->value.u.u64;
    case QNUM_DOUBLE:
        return qn->value.u.dbl;
    }
    g_assert_not_reached();
}

char *qnum_to_string(QNum *qn)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    int prec;

    switch (qn->value.kind) {
    case QNUM_I64:
        return g_strdup_printf("%" PRId64, qn->value.u.i64);
    case QNUM_U64:
        return g_strdup_printf("%" PRIu64, qn->value.u.u64);
    case QNUM_DOUBLE:
        /* The shortest precision that reads back exactly. */
        for (prec = 15; prec < 17; prec++) {
            g_ascii_formatd(buf, sizeof(buf), prec == 15 ? "%.15g" : "%.16g",
                            qn->value.u.dbl);
            if (g_ascii_strtod(buf, NULL) == qn->value.u.dbl) {
                return g_strdup(buf);
            }
        }
        g_ascii_formatd(buf, sizeof(buf), "%.17g", qn->value.u.dbl);
        return g_strdup(buf);
    }
    g_assert_not_reached();
}

bool qnum_value_is_equal(const QNumValue *num_x, const QNumValue *num_y)
{
    if (num_x->kind == QNUM_DOUBLE || num_y->kind == QNUM_DOUBLE) {
        /* QEMU's rule: an integer never equals a double. */
        return num_x->kind == num_y->kind && num_x->u.dbl == num_y->u.dbl;
    }
    if (num_x->kind == num_y->kind) {
        return num_x->u.u64 == num_y->u.u64;
    }
    if (num_x->kind == QNUM_U64) {
        return qnum_value_is_equal(num_y, num_x);
    }
    /* x is int64, y is uint64. */
    return num_x->u.i64 >= 0 && (uint64_t)num_x->u.i64 == num_y->u.u64;
}

bool qnum_is_equal(const QObject *x, const QObject *y)
{
    return qnum_value_is_equal(&qobject_to(QNum, x)->value,
                               &qobject_to(QNum, y)->value);
}

void qnum_destroy_obj(QObject *obj)
{
    g_free(qobject_to(QNum, obj));
}
