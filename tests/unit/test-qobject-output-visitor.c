/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the QObject output visitor: the QObject shape of each
 * kind of value, optional members, alternates, the compat policy's
 * hiding of deprecated members, and input -> output round trips.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qobject-input-visitor.h"
#include "qapi/qobject-output-visitor.h"
#include "qobject/qbool.h"
#include "qobject/qdict.h"
#include "qobject/qjson.h"
#include "qobject/qlist.h"
#include "qobject/qnull.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"
#include "qapi-hand-types.h"

/* @obj as compact JSON; g_free the result. */
static char *to_json(QObject *obj)
{
    return g_string_free(qobject_to_json(obj), false);
}

static void test_scalars(void)
{
    QObject *res;
    Visitor *v;
    int64_t i = -42;
    uint64_t u = UINT64_MAX;
    bool b = true;
    double d = 0.5;
    char *s = (char *)"text";
    char *null_str = NULL;
    QNull *qn = qnull();
    QNum *qnum;
    uint64_t got_u;

    v = qobject_output_visitor_new(&res);
    g_assert_true(visit_type_int(v, NULL, &i, &error_abort));
    visit_complete(v, &res);
    visit_free(v);
    qnum = qobject_to(QNum, res);
    g_assert_nonnull(qnum);
    g_assert_cmpint(qnum_get_int(qnum), ==, -42);
    qobject_unref(res);

    v = qobject_output_visitor_new(&res);
    g_assert_true(visit_type_uint64(v, NULL, &u, &error_abort));
    visit_complete(v, &res);
    visit_free(v);
    g_assert_true(qnum_get_try_uint(qobject_to(QNum, res), &got_u));
    g_assert_cmpuint(got_u, ==, UINT64_MAX);
    qobject_unref(res);

    v = qobject_output_visitor_new(&res);
    g_assert_true(visit_type_bool(v, NULL, &b, &error_abort));
    visit_complete(v, &res);
    visit_free(v);
    g_assert_true(qbool_get_bool(qobject_to(QBool, res)));
    qobject_unref(res);

    v = qobject_output_visitor_new(&res);
    g_assert_true(visit_type_number(v, NULL, &d, &error_abort));
    visit_complete(v, &res);
    visit_free(v);
    g_assert_cmpfloat(qnum_get_double(qobject_to(QNum, res)), ==, 0.5);
    qobject_unref(res);

    v = qobject_output_visitor_new(&res);
    g_assert_true(visit_type_str(v, NULL, &s, &error_abort));
    visit_complete(v, &res);
    visit_free(v);
    g_assert_cmpstr(qobject_get_try_str(res), ==, "text");
    qobject_unref(res);

    /* A NULL string is written as "". */
    v = qobject_output_visitor_new(&res);
    g_assert_true(visit_type_str(v, NULL, &null_str, &error_abort));
    visit_complete(v, &res);
    visit_free(v);
    g_assert_cmpstr(qobject_get_try_str(res), ==, "");
    qobject_unref(res);

    v = qobject_output_visitor_new(&res);
    g_assert_true(visit_type_null(v, NULL, &qn, &error_abort));
    visit_complete(v, &res);
    visit_free(v);
    g_assert_cmpint(qobject_type(res), ==, QTYPE_QNULL);
    qobject_unref(res);
    qobject_unref(qn);
}

static TestArgs *make_args(void)
{
    TestArgs *args = g_new0(TestArgs, 1);
    TestCapStatusList **tail = &args->capabilities;
    TestIntList **ntail = &args->nums;
    TestCapStatus *cap;

    args->uri = g_strdup("unix:/tmp/sock");
    cap = g_new0(TestCapStatus, 1);
    cap->capability = TEST_CAP_MULTIFD;
    cap->state = true;
    QAPI_LIST_APPEND(tail, cap);
    cap = g_new0(TestCapStatus, 1);
    cap->capability = TEST_CAP_OLD_CAP;
    QAPI_LIST_APPEND(tail, cap);
    QAPI_LIST_APPEND(ntail, 3);
    QAPI_LIST_APPEND(ntail, -1);
    args->inner = g_new0(TestInner, 1);
    args->inner->num = 10;
    args->inner->label = g_strdup("in");
    args->has_channels = true;
    args->channels = 8;
    args->any = qobject_from_json("{'deep': [true, null]}", &error_abort);
    args->alt = g_new0(TestAlt, 1);
    args->alt->type = QTYPE_QDICT;
    args->alt->u.inner.num = 1;
    args->alt->u.inner.label = g_strdup("alt");
    args->alt->u.inner.has_opt = true;
    args->alt->u.inner.opt = 2;
    args->has_ratio = true;
    args->ratio = 1.5;
    args->has_old = true;
    args->old = 99;
    return args;
}

static void test_struct(void)
{
    TestArgs *args = make_args();
    QObject *res = NULL;
    g_autofree char *json = NULL;
    Visitor *v;

    v = qobject_output_visitor_new(&res);
    g_assert_true(visit_type_TestArgs(v, NULL, &args, &error_abort));
    visit_complete(v, &res);
    visit_free(v);
    json = to_json(res);
    g_assert_cmpstr(json, ==,
        "{\"uri\": \"unix:/tmp/sock\", "
        "\"capabilities\": [{\"capability\": \"multifd\", \"state\": true}, "
        "{\"capability\": \"old-cap\", \"state\": false}], "
        "\"inner\": {\"num\": 10, \"label\": \"in\"}, "
        "\"nums\": [3, -1], \"channels\": 8, "
        "\"any\": {\"deep\": [true, null]}, "
        "\"alt\": {\"num\": 1, \"label\": \"alt\", \"opt\": 2}, "
        "\"ratio\": 1.5, \"old\": 99}");
    /* "any" is shared, not copied. */
    g_assert_true(qdict_get(qobject_to(QDict, res), "any") == args->any);
    qobject_unref(res);
    qapi_free_TestArgs(args);
}

static void test_empty_list(void)
{
    TestIntList *list = NULL;
    QObject *res = NULL;
    QList *ql;
    Visitor *v;

    v = qobject_output_visitor_new(&res);
    g_assert_true(visit_type_TestIntList(v, NULL, &list, &error_abort));
    visit_complete(v, &res);
    visit_free(v);
    ql = qobject_to(QList, res);
    g_assert_nonnull(ql);
    g_assert_true(qlist_empty(ql));
    qobject_unref(res);
}

static void test_alternate_scalar(void)
{
    TestAlt alt = { .type = QTYPE_QSTRING, .u.s = (char *)"s" };
    TestAlt *altp = &alt;
    QObject *res = NULL;
    Visitor *v;

    v = qobject_output_visitor_new(&res);
    g_assert_true(visit_type_TestAlt(v, NULL, &altp, &error_abort));
    visit_complete(v, &res);
    visit_free(v);
    g_assert_cmpstr(qobject_get_try_str(res), ==, "s");
    qobject_unref(res);
}

static void test_policy_hide(void)
{
    CompatPolicy saved = compat_policy;
    TestArgs *args = make_args();
    QObject *res = NULL;
    Visitor *v;

    compat_policy.deprecated_output = COMPAT_POLICY_OUTPUT_HIDE;
    v = qobject_output_visitor_new_qmp(&res);
    g_assert_true(visit_type_TestArgs(v, NULL, &args, &error_abort));
    visit_complete(v, &res);
    visit_free(v);
    g_assert_false(qdict_haskey(qobject_to(QDict, res), "old"));
    g_assert_true(qdict_haskey(qobject_to(QDict, res), "ratio"));
    qobject_unref(res);

    /* The plain visitor keeps its own (default) policy. */
    v = qobject_output_visitor_new(&res);
    g_assert_true(visit_type_TestArgs(v, NULL, &args, &error_abort));
    visit_complete(v, &res);
    visit_free(v);
    g_assert_cmpint(qdict_get_int(qobject_to(QDict, res), "old"), ==, 99);
    qobject_unref(res);

    compat_policy = saved;
    qapi_free_TestArgs(args);
}

/* Input then output gives back an equal QObject. */
static void test_round_trip(void)
{
    static const char *const inputs[] = {
        "{'uri': 'a'}",
        "{'uri': 'b', 'nums': [0, -9223372036854775808, "
        "9223372036854775807], 'alt': 'x', 'size': 18446744073709551615}",
        "{'uri': 'c', 'capabilities': [{'capability': 'xbzrle', "
        "'state': false}], 'inner': {'num': 0, 'label': '', 'opt': 255},"
        " 'any': [{}, [], 'z', 1.25], 'alt': {'num': 3, 'label': 'q'}}",
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(inputs); i++) {
        QObject *in = qobject_from_json(inputs[i], &error_abort);
        QObject *out = NULL;
        TestArgs *args = NULL;
        Visitor *v;

        v = qobject_input_visitor_new(in);
        g_assert_true(visit_type_TestArgs(v, NULL, &args, &error_abort));
        visit_free(v);
        v = qobject_output_visitor_new(&out);
        g_assert_true(visit_type_TestArgs(v, NULL, &args, &error_abort));
        visit_complete(v, &out);
        visit_free(v);
        g_assert_true(qobject_is_equal(in, out));
        qobject_unref(in);
        qobject_unref(out);
        qapi_free_TestArgs(args);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/visitor/output/scalars", test_scalars);
    g_test_add_func("/visitor/output/struct", test_struct);
    g_test_add_func("/visitor/output/empty-list", test_empty_list);
    g_test_add_func("/visitor/output/alternate-scalar",
                    test_alternate_scalar);
    g_test_add_func("/visitor/output/policy-hide", test_policy_hide);
    g_test_add_func("/visitor/output/round-trip", test_round_trip);
    return g_test_run();
}
