/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests for QNum: kinds, conversions, equality rules and text form.
 */
#include "qemu/osdep.h"
#include <math.h>
#include "qobject/qnum.h"

static void test_from_int(void)
{
    g_autoptr(QNum) qn = qnum_from_int(-42);
    int64_t i;
    uint64_t u;

    g_assert_cmpint(qn->value.kind, ==, QNUM_I64);
    g_assert_cmpint(qn->base.refcnt, ==, 1);
    g_assert_cmpint(qobject_type(QOBJECT(qn)), ==, QTYPE_QNUM);
    g_assert_true(qnum_get_try_int(qn, &i));
    g_assert_cmpint(i, ==, -42);
    g_assert_false(qnum_get_try_uint(qn, &u));
    g_assert_cmpfloat(qnum_get_double(qn), ==, -42.0);
}

static void test_uint_boundaries(void)
{
    g_autoptr(QNum) big = qnum_from_uint(UINT64_MAX);
    g_autoptr(QNum) fits = qnum_from_uint(INT64_MAX);
    g_autoptr(QNum) over = qnum_from_uint((uint64_t)INT64_MAX + 1);
    int64_t i;
    uint64_t u;

    g_assert_false(qnum_get_try_int(big, &i));
    g_assert_false(qnum_get_try_int(over, &i));
    g_assert_true(qnum_get_try_int(fits, &i));
    g_assert_cmpint(i, ==, INT64_MAX);
    g_assert_cmpuint(qnum_get_uint(big), ==, UINT64_MAX);

    g_autoptr(QNum) min = qnum_from_int(INT64_MIN);
    g_assert_cmpint(qnum_get_int(min), ==, INT64_MIN);
    g_assert_false(qnum_get_try_uint(min, &u));
    g_autoptr(QNum) zero = qnum_from_int(0);
    g_assert_true(qnum_get_try_uint(zero, &u));
    g_assert_cmpuint(u, ==, 0);
}

static void test_double(void)
{
    g_autoptr(QNum) qn = qnum_from_double(0.5);
    int64_t i;
    uint64_t u;

    g_assert_false(qnum_get_try_int(qn, &i));
    g_assert_false(qnum_get_try_uint(qn, &u));
    g_assert_cmpfloat(qnum_get_double(qn), ==, 0.5);
}

static bool num_eq(QNum *a, QNum *b)
{
    bool r1 = qobject_is_equal(QOBJECT(a), QOBJECT(b));
    bool r2 = qobject_is_equal(QOBJECT(b), QOBJECT(a));

    g_assert(r1 == r2);
    qobject_unref(a);
    qobject_unref(b);
    return r1;
}

static void test_equality(void)
{
    g_assert_true(num_eq(qnum_from_int(5), qnum_from_int(5)));
    g_assert_false(num_eq(qnum_from_int(5), qnum_from_int(6)));
    g_assert_true(num_eq(qnum_from_int(5), qnum_from_uint(5)));
    g_assert_true(num_eq(qnum_from_uint(7), qnum_from_uint(7)));
    g_assert_false(num_eq(qnum_from_int(-1), qnum_from_uint(UINT64_MAX)));
    g_assert_true(num_eq(qnum_from_int(INT64_MAX),
                         qnum_from_uint(INT64_MAX)));
    /* QEMU's rule: an integer never equals a double. */
    g_assert_false(num_eq(qnum_from_int(1), qnum_from_double(1.0)));
    g_assert_false(num_eq(qnum_from_uint(1), qnum_from_double(1.0)));
    g_assert_true(num_eq(qnum_from_double(1.5), qnum_from_double(1.5)));
    g_assert_true(num_eq(qnum_from_double(0.0), qnum_from_double(-0.0)));
    g_assert_false(num_eq(qnum_from_double(NAN), qnum_from_double(NAN)));
}

static void check_str(QNum *qn, const char *expected)
{
    g_autofree char *s = qnum_to_string(qn);

    g_assert_cmpstr(s, ==, expected);
    qobject_unref(qn);
}

static void test_to_string(void)
{
    check_str(qnum_from_int(INT64_MIN), "-9223372036854775808");
    check_str(qnum_from_uint(UINT64_MAX), "18446744073709551615");
    check_str(qnum_from_double(0.1), "0.1");
    check_str(qnum_from_double(-32.12313), "-32.12313");
    check_str(qnum_from_double(1e300), "1e+300");
    /* Needs all 17 digits to read back exactly. */
    check_str(qnum_from_double(0.1 + 0.2), "0.30000000000000004");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qnum/from_int", test_from_int);
    g_test_add_func("/qnum/uint_boundaries", test_uint_boundaries);
    g_test_add_func("/qnum/double", test_double);
    g_test_add_func("/qnum/equality", test_equality);
    g_test_add_func("/qnum/to_string", test_to_string);
    return g_test_run();
}
