/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the clone visitor: QAPI_CLONE makes deep copies (no
 * pointer shared with the source except QObjects, which get a reference)
 * and QAPI_CLONE_MEMBERS copies into existing storage.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/clone-visitor.h"
#include "qapi/qobject-output-visitor.h"
#include "qobject/qjson.h"
#include "qobject/qobject.h"
#include "qapi-hand-types.h"

static TestArgs *make_args(void)
{
    TestArgs *args = g_new0(TestArgs, 1);
    TestCapStatusList **tail = &args->capabilities;
    TestIntList **ntail = &args->nums;
    int i;

    args->uri = g_strdup("tcp:1.2.3.4:5");
    for (i = 0; i < 3; i++) {
        TestCapStatus *cap = g_new0(TestCapStatus, 1);

        cap->capability = i;
        cap->state = i & 1;
        QAPI_LIST_APPEND(tail, cap);
        QAPI_LIST_APPEND(ntail, i * 10);
    }
    args->inner = g_new0(TestInner, 1);
    args->inner->num = -1;
    args->inner->label = g_strdup("inner");
    args->inner->has_opt = true;
    args->inner->opt = 200;
    args->has_channels = true;
    args->channels = 3;
    args->any = qobject_from_json("[1, {'a': 'b'}]", &error_abort);
    args->alt = g_new0(TestAlt, 1);
    args->alt->type = QTYPE_QSTRING;
    args->alt->u.s = g_strdup("alt-string");
    args->has_size = true;
    args->size = 1ULL << 40;
    return args;
}

static QObject *to_qobject(TestArgs *args)
{
    QObject *res = NULL;
    Visitor *v = qobject_output_visitor_new(&res);

    visit_type_TestArgs(v, NULL, &args, &error_abort);
    visit_complete(v, &res);
    visit_free(v);
    return res;
}

static void test_clone_struct(void)
{
    TestArgs *src = make_args();
    TestArgs *dst = QAPI_CLONE(TestArgs, src);
    TestCapStatusList *s, *d;
    TestIntList *sn, *dn;
    QObject *qsrc, *qdst;

    g_assert_nonnull(dst);
    g_assert_true(dst != src);

    /* Same value... */
    qsrc = to_qobject(src);
    qdst = to_qobject(dst);
    g_assert_true(qobject_is_equal(qsrc, qdst));
    qobject_unref(qsrc);
    qobject_unref(qdst);

    /* ...but nothing shared except the reference-counted QObject. */
    g_assert_true(dst->uri != src->uri);
    g_assert_true(dst->inner != src->inner);
    g_assert_true(dst->inner->label != src->inner->label);
    g_assert_true(dst->alt != src->alt);
    g_assert_true(dst->alt->u.s != src->alt->u.s);
    for (s = src->capabilities, d = dst->capabilities; s;
         s = s->next, d = d->next) {
        g_assert_nonnull(d);
        g_assert_true(s != d && s->value != d->value);
        g_assert_cmpint(s->value->capability, ==, d->value->capability);
    }
    g_assert_null(d);
    for (sn = src->nums, dn = dst->nums; sn; sn = sn->next, dn = dn->next) {
        g_assert_true(sn != dn);
        g_assert_cmpint(sn->value, ==, dn->value);
    }
    g_assert_null(dn);
    g_assert_true(dst->any == src->any);
    g_assert_cmpuint(src->any->base.refcnt, ==, 2);

    /* Changing or freeing the source leaves the copy alone. */
    src->uri[0] = 'X';
    src->capabilities->value->state = true;
    qapi_free_TestArgs(src);
    g_assert_cmpstr(dst->uri, ==, "tcp:1.2.3.4:5");
    g_assert_false(dst->capabilities->value->state);
    g_assert_cmpuint(dst->any->base.refcnt, ==, 1);
    g_assert_cmpstr(dst->alt->u.s, ==, "alt-string");
    g_assert_cmpuint(dst->size, ==, 1ULL << 40);
    qapi_free_TestArgs(dst);
}

static void test_clone_null_and_list(void)
{
    TestIntList *list = NULL, *copy;
    TestIntList **tail = &list;
    TestArgs *none = NULL;

    g_assert_null(QAPI_CLONE(TestArgs, none));

    QAPI_LIST_APPEND(tail, 5);
    QAPI_LIST_APPEND(tail, 6);
    copy = QAPI_CLONE(TestIntList, list);
    g_assert_true(copy != list && copy->next != list->next);
    g_assert_cmpint(copy->value, ==, 5);
    g_assert_cmpint(copy->next->value, ==, 6);
    g_assert_null(copy->next->next);
    qapi_free_TestIntList(list);
    qapi_free_TestIntList(copy);
}

static void test_clone_alternate_struct(void)
{
    TestAlt *src = g_new0(TestAlt, 1);
    TestAlt *dst;

    src->type = QTYPE_QDICT;
    src->u.inner.num = 77;
    src->u.inner.label = g_strdup("branch");
    dst = QAPI_CLONE(TestAlt, src);
    g_assert_cmpint(dst->type, ==, QTYPE_QDICT);
    g_assert_cmpint(dst->u.inner.num, ==, 77);
    g_assert_cmpstr(dst->u.inner.label, ==, "branch");
    g_assert_true(dst->u.inner.label != src->u.inner.label);
    qapi_free_TestAlt(src);
    qapi_free_TestAlt(dst);
}

static void test_clone_members(void)
{
    TestInner src = {
        .num = 5, .label = (char *)"m", .has_opt = true, .opt = 1,
    };
    TestInner dst;

    QAPI_CLONE_MEMBERS(TestInner, &dst, &src);
    g_assert_cmpint(dst.num, ==, 5);
    g_assert_true(dst.has_opt);
    g_assert_cmpuint(dst.opt, ==, 1);
    g_assert_cmpstr(dst.label, ==, "m");
    g_assert_true(dst.label != src.label);
    g_free(dst.label);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/visitor/clone/struct", test_clone_struct);
    g_test_add_func("/visitor/clone/null-and-list", test_clone_null_and_list);
    g_test_add_func("/visitor/clone/alternate-struct",
                    test_clone_alternate_struct);
    g_test_add_func("/visitor/clone/members", test_clone_members);
    return g_test_run();
}
