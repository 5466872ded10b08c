/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests for QDict: put/get/del, typed accessors, insertion order,
 * replacement, copies and the block-layer style helpers.
 */
#include "qemu/osdep.h"
#include "qobject/qbool.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qnull.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"

static void test_put_get(void)
{
    g_autoptr(QDict) d = qdict_new();

    g_assert_cmpuint(qdict_size(d), ==, 0);
    qdict_put_int(d, "int", -7);
    qdict_put_bool(d, "bool", true);
    qdict_put_str(d, "str", "hello");
    qdict_put_null(d, "null");
    qdict_put(d, "list", qlist_new());
    qdict_put(d, "dict", qdict_new());
    qdict_put(d, "dbl", qnum_from_double(0.25));
    qdict_put(d, "big", qnum_from_uint(UINT64_MAX));
    g_assert_cmpuint(qdict_size(d), ==, 8);

    g_assert_cmpint(qdict_get_int(d, "int"), ==, -7);
    g_assert_true(qdict_get_bool(d, "bool"));
    g_assert_cmpstr(qdict_get_str(d, "str"), ==, "hello");
    g_assert_cmpint(qobject_type(qdict_get(d, "null")), ==, QTYPE_QNULL);
    g_assert_nonnull(qdict_get_qlist(d, "list"));
    g_assert_nonnull(qdict_get_qdict(d, "dict"));
    g_assert_null(qdict_get_qdict(d, "list"));
    g_assert_null(qdict_get_qlist(d, "nope"));
    g_assert_cmpfloat(qdict_get_double(d, "dbl"), ==, 0.25);
    g_assert_cmpfloat(qdict_get_double(d, "int"), ==, -7.0);
    g_assert_null(qdict_get(d, "nope"));
    g_assert_true(qdict_haskey(d, "str"));
    g_assert_false(qdict_haskey(d, "nope"));

    g_assert_cmpint(qdict_get_try_int(d, "int", 3), ==, -7);
    g_assert_cmpint(qdict_get_try_int(d, "nope", 3), ==, 3);
    g_assert_cmpint(qdict_get_try_int(d, "str", 3), ==, 3);
    g_assert_cmpint(qdict_get_try_int(d, "dbl", 3), ==, 3);
    g_assert_cmpint(qdict_get_try_int(d, "big", 3), ==, 3);
    g_assert_false(qdict_get_try_bool(d, "nope", false));
    g_assert_true(qdict_get_try_bool(d, "bool", false));
    g_assert_true(qdict_get_try_bool(d, "int", true));
    g_assert_cmpstr(qdict_get_try_str(d, "str"), ==, "hello");
    g_assert_null(qdict_get_try_str(d, "int"));
    g_assert_null(qdict_get_try_str(d, "nope"));
}

static void check_order(QDict *d, const char *const *keys)
{
    const QDictEntry *e;
    size_t i = 0;

    for (e = qdict_first(d); e; e = qdict_next(d, e), i++) {
        g_assert_nonnull(keys[i]);
        g_assert_cmpstr(qdict_entry_key(e), ==, keys[i]);
    }
    g_assert_null(keys[i]);
    g_assert_cmpuint(qdict_size(d), ==, i);
}

static void test_insertion_order(void)
{
    g_autoptr(QDict) d = qdict_new();

    qdict_put_int(d, "zeta", 1);
    qdict_put_int(d, "alpha", 2);
    qdict_put_int(d, "mu", 3);
    check_order(d, (const char *const[]) { "zeta", "alpha", "mu", NULL });

    /* Replacing keeps the place and the new value wins. */
    qdict_put_str(d, "alpha", "two");
    check_order(d, (const char *const[]) { "zeta", "alpha", "mu", NULL });
    g_assert_cmpstr(qdict_get_str(d, "alpha"), ==, "two");

    /* Deleting from the middle, the head and the tail. */
    qdict_del(d, "alpha");
    check_order(d, (const char *const[]) { "zeta", "mu", NULL });
    qdict_put_int(d, "alpha", 4);
    check_order(d, (const char *const[]) { "zeta", "mu", "alpha", NULL });
    qdict_del(d, "zeta");
    qdict_del(d, "alpha");
    check_order(d, (const char *const[]) { "mu", NULL });
    qdict_del(d, "mu");
    qdict_del(d, "absent");
    check_order(d, (const char *const[]) { NULL });
    qdict_put_int(d, "again", 5);
    check_order(d, (const char *const[]) { "again", NULL });
}

static void test_many_keys(void)
{
    g_autoptr(QDict) d = qdict_new();
    const QDictEntry *e;
    int i = 0;

    for (i = 0; i < 5000; i++) {
        g_autofree char *key = g_strdup_printf("key%d", i);
        qdict_put_int(d, key, i);
    }
    g_assert_cmpuint(qdict_size(d), ==, 5000);
    i = 0;
    for (e = qdict_first(d); e; e = qdict_next(d, e)) {
        g_assert_cmpint(qnum_get_int(qobject_to(QNum, qdict_entry_value(e))),
                        ==, i++);
    }
    /* Delete the odd ones while iterating, QEMU style. */
    for (e = qdict_first(d); e; ) {
        const QDictEntry *next = qdict_next(d, e);
        if (qnum_get_int(qobject_to(QNum, e->value)) % 2) {
            qdict_del(d, e->key);
        }
        e = next;
    }
    g_assert_cmpuint(qdict_size(d), ==, 2500);
    g_assert_cmpint(qdict_get_int(d, "key4998"), ==, 4998);
    g_assert_false(qdict_haskey(d, "key4999"));
}

static void test_refcount(void)
{
    QDict *d = qdict_new();
    QString *s = qstring_from_str("v");

    qdict_put(d, "a", qobject_ref(s));
    qdict_put(d, "b", qobject_ref(s));
    g_assert_cmpint(s->base.refcnt, ==, 3);
    qdict_put_int(d, "a", 1);
    g_assert_cmpint(s->base.refcnt, ==, 2);
    qdict_del(d, "b");
    g_assert_cmpint(s->base.refcnt, ==, 1);
    qdict_put(d, "c", qobject_ref(s));
    qobject_unref(d);
    g_assert_cmpint(s->base.refcnt, ==, 1);
    qobject_unref(s);
}

static void test_equality(void)
{
    g_autoptr(QDict) a = qdict_new();
    g_autoptr(QDict) b = qdict_new();

    qdict_put_int(a, "x", 1);
    qdict_put_str(a, "y", "s");
    qdict_put_str(b, "y", "s");
    g_assert_false(qobject_is_equal(QOBJECT(a), QOBJECT(b)));
    qdict_put(b, "x", qnum_from_uint(1));
    /* Order does not matter for equality. */
    g_assert_true(qobject_is_equal(QOBJECT(a), QOBJECT(b)));
    qdict_put_int(b, "z", 1);
    g_assert_false(qobject_is_equal(QOBJECT(a), QOBJECT(b)));
    qdict_put_int(a, "w", 1);
    g_assert_false(qobject_is_equal(QOBJECT(a), QOBJECT(b)));
}

static void test_clone_and_defaults(void)
{
    g_autoptr(QDict) src = qdict_new();
    g_autoptr(QDict) clone = NULL;
    g_autoptr(QDict) dst = qdict_new();

    qdict_put_int(src, "b", 1);
    qdict_put_int(src, "a", 2);
    qdict_put(src, "sub", qdict_new());
    clone = qdict_clone_shallow(src);
    g_assert_true(qobject_is_equal(QOBJECT(src), QOBJECT(clone)));
    g_assert_true(qdict_get(src, "sub") == qdict_get(clone, "sub"));
    check_order(clone, (const char *const[]) { "b", "a", "sub", NULL });

    qdict_put_int(dst, "a", 7);
    qdict_copy_default(dst, src, "a");
    qdict_copy_default(dst, src, "b");
    qdict_copy_default(dst, src, "missing");
    g_assert_cmpint(qdict_get_int(dst, "a"), ==, 7);
    g_assert_cmpint(qdict_get_int(dst, "b"), ==, 1);
    g_assert_false(qdict_haskey(dst, "missing"));
    qdict_set_default_str(dst, "a", "no");
    qdict_set_default_str(dst, "s", "yes");
    g_assert_cmpint(qdict_get_int(dst, "a"), ==, 7);
    g_assert_cmpstr(qdict_get_str(dst, "s"), ==, "yes");
}

static void test_extract_subqdict(void)
{
    g_autoptr(QDict) src = qdict_new();
    g_autoptr(QDict) sub = NULL;

    qdict_put_str(src, "file.driver", "raw");
    qdict_put_int(src, "size", 10);
    qdict_put_str(src, "file.filename", "/tmp/x");
    qdict_put_str(src, "filex", "not a prefix match? it is");
    qdict_extract_subqdict(src, &sub, "file.");
    g_assert_cmpuint(qdict_size(sub), ==, 2);
    g_assert_cmpstr(qdict_get_str(sub, "driver"), ==, "raw");
    g_assert_cmpstr(qdict_get_str(sub, "filename"), ==, "/tmp/x");
    check_order(sub, (const char *const[]) { "driver", "filename", NULL });
    check_order(src, (const char *const[]) { "size", "filex", NULL });
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qdict/put_get", test_put_get);
    g_test_add_func("/qdict/insertion_order", test_insertion_order);
    g_test_add_func("/qdict/many_keys", test_many_keys);
    g_test_add_func("/qdict/refcount", test_refcount);
    g_test_add_func("/qdict/equality", test_equality);
    g_test_add_func("/qdict/clone_defaults", test_clone_and_defaults);
    g_test_add_func("/qdict/extract_subqdict", test_extract_subqdict);
    return g_test_run();
}
