/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests for QList.
 */
#include "qemu/osdep.h"
#include "qobject/qbool.h"
#include "qobject/qlist.h"
#include "qobject/qnull.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"

static void test_append_and_iterate(void)
{
    g_autoptr(QList) list = qlist_new();
    QListEntry *e;
    int64_t expect = 0;

    g_assert_true(qlist_empty(list));
    g_assert_cmpuint(qlist_size(list), ==, 0);
    for (int i = 0; i < 100; i++) {
        qlist_append_int(list, i);
    }
    g_assert_false(qlist_empty(list));
    g_assert_cmpuint(qlist_size(list), ==, 100);
    QLIST_FOREACH_ENTRY(list, e) {
        g_assert_cmpint(qnum_get_int(qobject_to(QNum, qlist_entry_obj(e))),
                        ==, expect++);
    }
    g_assert_cmpint(expect, ==, 100);
    expect = 0;
    for (const QListEntry *c = qlist_first(list); c; c = qlist_next(c)) {
        expect++;
    }
    g_assert_cmpint(expect, ==, 100);
}

static void test_typed_appends(void)
{
    g_autoptr(QList) list = qlist_new();
    QObject *o;

    qlist_append_bool(list, true);
    qlist_append_str(list, "s");
    qlist_append_null(list);
    qlist_append(list, qnum_from_double(2.5));

    o = qlist_pop(list);
    g_assert_true(qbool_get_bool(qobject_to(QBool, o)));
    qobject_unref(o);
    o = qlist_pop(list);
    g_assert_cmpstr(qobject_get_try_str(o), ==, "s");
    qobject_unref(o);
    o = qlist_peek(list);
    g_assert_cmpint(qobject_type(o), ==, QTYPE_QNULL);
    o = qlist_pop(list);
    qobject_unref(o);
    o = qlist_pop(list);
    g_assert_cmpfloat(qnum_get_double(qobject_to(QNum, o)), ==, 2.5);
    qobject_unref(o);
    g_assert_null(qlist_pop(list));
    g_assert_null(qlist_peek(list));
    g_assert_true(qlist_empty(list));
    /* Appending after draining must still work (tail was reset). */
    qlist_append_int(list, 9);
    g_assert_cmpuint(qlist_size(list), ==, 1);
}

static void test_refcount_and_copy(void)
{
    QList *list = qlist_new();
    QString *s = qstring_from_str("shared");
    QList *copy;

    qlist_append(list, qobject_ref(s));
    g_assert_cmpint(s->base.refcnt, ==, 2);
    copy = qlist_copy(list);
    g_assert_cmpint(s->base.refcnt, ==, 3);
    g_assert_true(qobject_is_equal(QOBJECT(list), QOBJECT(copy)));
    qobject_unref(list);
    g_assert_cmpint(s->base.refcnt, ==, 2);
    qobject_unref(copy);
    g_assert_cmpint(s->base.refcnt, ==, 1);
    qobject_unref(s);
}

static void test_equality(void)
{
    g_autoptr(QList) a = qlist_new();
    g_autoptr(QList) b = qlist_new();

    g_assert_true(qobject_is_equal(QOBJECT(a), QOBJECT(b)));
    qlist_append_int(a, 1);
    g_assert_false(qobject_is_equal(QOBJECT(a), QOBJECT(b)));
    qlist_append(b, qnum_from_uint(1));
    g_assert_true(qobject_is_equal(QOBJECT(a), QOBJECT(b)));
    qlist_append_int(a, 2);
    qlist_append_int(b, 3);
    g_assert_false(qobject_is_equal(QOBJECT(a), QOBJECT(b)));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qlist/append_iterate", test_append_and_iterate);
    g_test_add_func("/qlist/typed_appends", test_typed_appends);
    g_test_add_func("/qlist/refcount_copy", test_refcount_and_copy);
    g_test_add_func("/qlist/equality", test_equality);
    return g_test_run();
}
