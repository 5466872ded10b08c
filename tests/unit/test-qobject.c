/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests for the generic QObject layer: references, qobject_to(),
 * the null singleton, QBool, deep equality and QLitObject.
 */
#include "qemu/osdep.h"
#include "qobject/qbool.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qlit.h"
#include "qobject/qnull.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"

static void test_ref_unref(void)
{
    QString *s = qstring_from_str("x");
    QString *r;

    g_assert_cmpint(s->base.refcnt, ==, 1);
    r = qobject_ref(s);
    g_assert_true(r == s);
    g_assert_cmpint(s->base.refcnt, ==, 2);
    qobject_unref(s);
    g_assert_cmpint(s->base.refcnt, ==, 1);
    qobject_unref(s);
    /* NULL is fine for both. */
    qobject_unref((QObject *)NULL);
    g_assert_null(qobject_ref((QDict *)NULL));
}

static void test_qobject_to(void)
{
    g_autoptr(QObject) obj = QOBJECT(qnum_from_int(3));

    g_assert_nonnull(qobject_to(QNum, obj));
    g_assert_null(qobject_to(QString, obj));
    g_assert_null(qobject_to(QDict, obj));
    g_assert_null(qobject_to(QList, obj));
    g_assert_null(qobject_to(QBool, obj));
    g_assert_null(qobject_to(QNull, obj));
    g_assert_null(qobject_to(QNum, (QObject *)NULL));
    g_assert_true(QOBJECT((QNum *)NULL) == NULL);
    g_assert_cmpstr(qtype_name(qobject_type(obj)), ==, "qnum");
    g_assert_cmpstr(qtype_name(QTYPE_QDICT), ==, "qdict");
    g_assert_null(qtype_name(QTYPE__MAX));
}

static void test_qnull(void)
{
    size_t before = qnull_.base.refcnt;
    QNull *n = qnull();

    g_assert_true(n == &qnull_);
    g_assert_cmpint(qnull_.base.refcnt, ==, before + 1);
    g_assert_cmpint(qobject_type(QOBJECT(n)), ==, QTYPE_QNULL);
    g_assert_true(qobject_is_equal(QOBJECT(n), QOBJECT(&qnull_)));
    qobject_unref(n);
    g_assert_cmpint(qnull_.base.refcnt, ==, before);
    {
        g_autoptr(QNull) auto_null = qnull();

        g_assert_true(auto_null == &qnull_);
        g_assert_cmpint(qnull_.base.refcnt, ==, before + 1);
    }
    g_assert_cmpint(qnull_.base.refcnt, ==, before);
}

static void test_qbool(void)
{
    g_autoptr(QBool) t = qbool_from_bool(true);
    g_autoptr(QBool) f = qbool_from_bool(false);
    g_autoptr(QBool) t2 = qbool_from_bool(true);

    g_assert_true(qbool_get_bool(t));
    g_assert_false(qbool_get_bool(f));
    g_assert_true(qobject_is_equal(QOBJECT(t), QOBJECT(t2)));
    g_assert_false(qobject_is_equal(QOBJECT(t), QOBJECT(f)));
}

static void test_equality_across_types(void)
{
    g_autoptr(QObject) num = QOBJECT(qnum_from_int(0));
    g_autoptr(QObject) boolean = QOBJECT(qbool_from_bool(false));
    g_autoptr(QObject) str = QOBJECT(qstring_from_str(""));
    g_autoptr(QObject) list = QOBJECT(qlist_new());
    g_autoptr(QObject) dict = QOBJECT(qdict_new());
    g_autoptr(QObject) null = QOBJECT(qnull());
    QObject *all[] = { num, boolean, str, list, dict, null };

    for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
        for (size_t j = 0; j < ARRAY_SIZE(all); j++) {
            g_assert(qobject_is_equal(all[i], all[j]) == (i == j));
        }
        g_assert_false(qobject_is_equal(all[i], NULL));
    }
    g_assert_true(qobject_is_equal(NULL, NULL));
}

static void test_deep_equality(void)
{
    g_autoptr(QDict) a = qdict_new();
    g_autoptr(QDict) b = qdict_new();
    QList *la = qlist_new(), *lb = qlist_new();

    qlist_append_int(la, 1);
    qlist_append(la, qdict_new());
    qlist_append_int(lb, 1);
    qlist_append(lb, qdict_new());
    qdict_put(a, "l", la);
    qdict_put(b, "l", lb);
    g_assert_true(qobject_is_equal(QOBJECT(a), QOBJECT(b)));
    qdict_put_int(qobject_to(QDict, qlist_entry_obj(qlist_next(
                      qlist_first(lb)))), "deep", 1);
    g_assert_false(qobject_is_equal(QOBJECT(a), QOBJECT(b)));
}

static const QLitObject lit = QLIT_QDICT(((QLitDictEntry[]) {
    { "name", QLIT_QSTR("tern") },
    { "ok", QLIT_QBOOL(true) },
    { "n", QLIT_QNUM(-5) },
    { "nothing", QLIT_QNULL },
    { "list", QLIT_QLIST(((QLitObject[]) {
        QLIT_QNUM(1), QLIT_QSTR("two"), { } })) },
    { }
}));

static void test_qlit(void)
{
    g_autoptr(QObject) obj = qobject_from_qlit(&lit);
    QDict *d = qobject_to(QDict, obj);

    g_assert_nonnull(d);
    g_assert_cmpstr(qdict_get_str(d, "name"), ==, "tern");
    g_assert_cmpint(qdict_get_int(d, "n"), ==, -5);
    g_assert_cmpuint(qlist_size(qdict_get_qlist(d, "list")), ==, 2);
    g_assert_true(qlit_equal_qobject(&lit, obj));

    qdict_put_int(d, "extra", 1);
    g_assert_false(qlit_equal_qobject(&lit, obj));
    qdict_del(d, "extra");
    g_assert_true(qlit_equal_qobject(&lit, obj));
    qlist_append_int(qdict_get_qlist(d, "list"), 3);
    g_assert_false(qlit_equal_qobject(&lit, obj));
    qdict_put_int(d, "list", 3);
    g_assert_false(qlit_equal_qobject(&lit, obj));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qobject/ref_unref", test_ref_unref);
    g_test_add_func("/qobject/qobject_to", test_qobject_to);
    g_test_add_func("/qobject/qnull", test_qnull);
    g_test_add_func("/qobject/qbool", test_qbool);
    g_test_add_func("/qobject/equality_across_types",
                    test_equality_across_types);
    g_test_add_func("/qobject/deep_equality", test_deep_equality);
    g_test_add_func("/qobject/qlit", test_qlit);
    return g_test_run();
}
