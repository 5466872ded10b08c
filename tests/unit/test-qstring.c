/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests for QString.
 */
#include "qemu/osdep.h"
#include "qobject/qstring.h"
#include "qobject/qnum.h"

static void test_from_str(void)
{
    g_autoptr(QString) qs = qstring_from_str("migrate");

    g_assert_cmpstr(qstring_get_str(qs), ==, "migrate");
    g_assert_cmpuint(qstring_get_length(qs), ==, 7);
    g_assert_cmpint(qobject_type(QOBJECT(qs)), ==, QTYPE_QSTRING);
    g_assert_cmpstr(qobject_get_try_str(QOBJECT(qs)), ==, "migrate");
}

static void test_new_empty(void)
{
    g_autoptr(QString) qs = qstring_new();

    g_assert_cmpstr(qstring_get_str(qs), ==, "");
    g_assert_cmpuint(qstring_get_length(qs), ==, 0);
}

static void test_substr(void)
{
    g_autoptr(QString) qs = qstring_from_substr("virtual machine", 8, 15);
    g_autoptr(QString) empty = qstring_from_substr("abc", 1, 1);

    g_assert_cmpstr(qstring_get_str(qs), ==, "machine");
    g_assert_cmpstr(qstring_get_str(empty), ==, "");
}

static void test_from_gstring(void)
{
    GString *gs = g_string_new("dirty");
    g_autoptr(QString) qs = NULL;

    g_string_append(gs, "-ring");
    qs = qstring_from_gstring(gs);
    g_assert_cmpstr(qstring_get_str(qs), ==, "dirty-ring");
    g_assert_cmpuint(qstring_get_length(qs), ==, 10);
}

static void test_equal_and_try_str(void)
{
    g_autoptr(QString) a = qstring_from_str("abc");
    g_autoptr(QString) b = qstring_from_str("abc");
    g_autoptr(QString) c = qstring_from_str("abd");
    g_autoptr(QString) d = qstring_from_str("ab");
    g_autoptr(QNum) n = qnum_from_int(1);

    g_assert_true(qobject_is_equal(QOBJECT(a), QOBJECT(b)));
    g_assert_false(qobject_is_equal(QOBJECT(a), QOBJECT(c)));
    g_assert_false(qobject_is_equal(QOBJECT(a), QOBJECT(d)));
    g_assert_null(qobject_get_try_str(QOBJECT(n)));
    g_assert_null(qobject_get_try_str(NULL));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qstring/from_str", test_from_str);
    g_test_add_func("/qstring/new_empty", test_new_empty);
    g_test_add_func("/qstring/substr", test_substr);
    g_test_add_func("/qstring/from_gstring", test_from_gstring);
    g_test_add_func("/qstring/equal", test_equal_and_try_str);
    return g_test_run();
}
