/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the QObject input visitor: values of every kind, its
 * strictness (unknown, missing and mistyped members, named by their full
 * path), alternates, the compat policy, the keyval flavour, and that a
 * visit failing halfway frees what it built (run under valgrind).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qobject-input-visitor.h"
#include "qobject/qdict.h"
#include "qobject/qjson.h"
#include "qobject/qlist.h"
#include "qobject/qnull.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"
#include "qapi/clone-visitor.h"
#include "qapi/qapi-visit-migration.h"
#include "qapi-hand-types.h"

typedef struct Fixture {
    QObject *obj;
    Visitor *v;
} Fixture;

static Visitor *fixture_visitor(Fixture *f, const char *json, bool keyval)
{
    f->obj = qobject_from_json(json, &error_abort);
    f->v = keyval ? qobject_input_visitor_new_keyval(f->obj)
                  : qobject_input_visitor_new(f->obj);
    return f->v;
}

static void fixture_teardown(Fixture *f)
{
    visit_free(f->v);
    qobject_unref(f->obj);
    f->v = NULL;
    f->obj = NULL;
}

/* Visit @json as TestArgs, expect failure with @msg and nothing left. */
static void check_args_error(const char *json, bool keyval, const char *msg)
{
    Fixture f;
    TestArgs *args = (TestArgs *)0x1;
    Error *err = NULL;

    fixture_visitor(&f, json, keyval);
    g_assert_false(visit_type_TestArgs(f.v, NULL, &args, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    g_assert_null(args);
    error_free(err);
    fixture_teardown(&f);
}

static void test_full(void)
{
    Fixture f;
    TestArgs *args = NULL;
    TestCapStatusList *caps;
    TestIntList *nums;
    QObject *expect_any;

    fixture_visitor(&f,
        "{'uri': 'tcp:0:4444',"
        " 'capabilities': [{'capability': 'xbzrle', 'state': true},"
        "                  {'capability': 'multifd', 'state': false}],"
        " 'inner': {'num': -5, 'label': 'l', 'opt': 9},"
        " 'nums': [1, 2, 3], 'channels': 255, 'any': {'a': [1, null]},"
        " 'alt': 5, 'size': 18446744073709551615, 'ratio': 2}", false);
    g_assert_true(visit_type_TestArgs(f.v, NULL, &args, &error_abort));

    g_assert_cmpstr(args->uri, ==, "tcp:0:4444");
    caps = args->capabilities;
    g_assert_nonnull(caps);
    g_assert_cmpint(caps->value->capability, ==, TEST_CAP_XBZRLE);
    g_assert_true(caps->value->state);
    g_assert_nonnull(caps->next);
    g_assert_cmpint(caps->next->value->capability, ==, TEST_CAP_MULTIFD);
    g_assert_false(caps->next->value->state);
    g_assert_null(caps->next->next);
    g_assert_cmpint(args->inner->num, ==, -5);
    g_assert_cmpstr(args->inner->label, ==, "l");
    g_assert_true(args->inner->has_opt);
    g_assert_cmpuint(args->inner->opt, ==, 9);
    nums = args->nums;
    g_assert_cmpint(nums->value, ==, 1);
    g_assert_cmpint(nums->next->value, ==, 2);
    g_assert_cmpint(nums->next->next->value, ==, 3);
    g_assert_null(nums->next->next->next);
    g_assert_true(args->has_channels);
    g_assert_cmpuint(args->channels, ==, 255);
    g_assert_cmpint(args->alt->type, ==, QTYPE_QNUM);
    g_assert_cmpint(args->alt->u.i, ==, 5);
    g_assert_true(args->has_size);
    g_assert_cmpuint(args->size, ==, UINT64_MAX);
    /* "number" accepts an integer. */
    g_assert_true(args->has_ratio);
    g_assert_cmpfloat(args->ratio, ==, 2.0);
    g_assert_false(args->has_old);

    /* "any" holds a reference to the very input object. */
    expect_any = qdict_get(qobject_to(QDict, f.obj), "any");
    g_assert_true(args->any == expect_any);
    g_assert_cmpuint(expect_any->base.refcnt, ==, 2);

    qapi_free_TestArgs(args);
    g_assert_cmpuint(expect_any->base.refcnt, ==, 1);
    fixture_teardown(&f);
}

static void test_empty_list_and_optional(void)
{
    Fixture f;
    TestArgs *args = NULL;

    fixture_visitor(&f, "{'uri': '', 'nums': []}", false);
    g_assert_true(visit_type_TestArgs(f.v, NULL, &args, &error_abort));
    g_assert_cmpstr(args->uri, ==, "");
    g_assert_null(args->nums);
    g_assert_null(args->inner);
    g_assert_null(args->capabilities);
    g_assert_false(args->has_channels);
    qapi_free_TestArgs(args);
    fixture_teardown(&f);
}

static void test_unexpected(void)
{
    check_args_error("{'uri': 'x', 'foo': 1}", false,
                     "Parameter 'foo' is unexpected");
    /* The first unknown member in input order is named. */
    check_args_error("{'zzz': 1, 'uri': 'x', 'aaa': 2}", false,
                     "Parameter 'zzz' is unexpected");
    check_args_error("{'uri': 'x', 'inner': {'num': 1, 'label': 'a',"
                     " 'bar': true}}", false,
                     "Parameter 'inner.bar' is unexpected");
    check_args_error("{'uri': 'x', 'capabilities': ["
                     "{'capability': 'xbzrle', 'state': true},"
                     "{'capability': 'multifd', 'state': true, 'x': 1}]}",
                     false, "Parameter 'capabilities[1].x' is unexpected");
}

static void test_wrong_type(void)
{
    check_args_error("{'uri': 1}", false,
                     "Invalid parameter type for 'uri', expected: string");
    check_args_error("{'uri': 'x', 'capabilities': ["
                     "{'capability': 'xbzrle', 'state': true},"
                     "{'capability': 'multifd', 'state': 'yes'}]}", false,
                     "Invalid parameter type for 'capabilities[1].state',"
                     " expected: boolean");
    check_args_error("{'uri': 'x', 'capabilities': ["
                     "{'capability': 'bogus', 'state': true}]}", false,
                     "Parameter 'capabilities[0].capability' does not "
                     "accept value 'bogus'");
    check_args_error("{'uri': 'x', 'inner': {'num': '1', 'label': 'a'}}",
                     false, "Invalid parameter type for 'inner.num', "
                     "expected: integer");
    check_args_error("{'uri': 'x', 'inner': {'num': 1.5, 'label': 'a'}}",
                     false, "Invalid parameter type for 'inner.num', "
                     "expected: integer");
    check_args_error("{'uri': 'x', 'nums': [1, 'two', 3]}", false,
                     "Invalid parameter type for 'nums[1]', "
                     "expected: integer");
    check_args_error("{'uri': 'x', 'capabilities': {}}", false,
                     "Invalid parameter type for 'capabilities', "
                     "expected: array");
    check_args_error("{'uri': 'x', 'inner': [1]}", false,
                     "Invalid parameter type for 'inner', expected: object");
    check_args_error("{'uri': 'x', 'channels': 256}", false,
                     "Parameter 'channels' expects uint8_t");
    check_args_error("{'uri': 'x', 'size': 'big'}", false,
                     "Parameter 'size' expects uint64");
    check_args_error("{'uri': 'x', 'ratio': false}", false,
                     "Invalid parameter type for 'ratio', expected: number");
    check_args_error("[1]", false,
                     "Invalid parameter type for '<anonymous>', "
                     "expected: object");
}

static void test_missing(void)
{
    check_args_error("{}", false, "Parameter 'uri' is missing");
    check_args_error("{'uri': 'x', 'inner': {'num': 1}}", false,
                     "Parameter 'inner.label' is missing");
    check_args_error("{'uri': 'x', 'capabilities': [{'state': true}]}",
                     false,
                     "Parameter 'capabilities[0].capability' is missing");
}

static void test_alternate(void)
{
    static const struct {
        const char *json;
        QType type;
    } cases[] = {
        { "{'uri': 'x', 'alt': 42}", QTYPE_QNUM },
        { "{'uri': 'x', 'alt': 'str'}", QTYPE_QSTRING },
        { "{'uri': 'x', 'alt': {'num': 7, 'label': 'in'}}", QTYPE_QDICT },
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        Fixture f;
        TestArgs *args = NULL;

        fixture_visitor(&f, cases[i].json, false);
        g_assert_true(visit_type_TestArgs(f.v, NULL, &args, &error_abort));
        g_assert_cmpint(args->alt->type, ==, cases[i].type);
        switch (cases[i].type) {
        case QTYPE_QNUM:
            g_assert_cmpint(args->alt->u.i, ==, 42);
            break;
        case QTYPE_QSTRING:
            g_assert_cmpstr(args->alt->u.s, ==, "str");
            break;
        default:
            g_assert_cmpint(args->alt->u.inner.num, ==, 7);
            g_assert_cmpstr(args->alt->u.inner.label, ==, "in");
            g_assert_false(args->alt->u.inner.has_opt);
            break;
        }
        qapi_free_TestArgs(args);
        fixture_teardown(&f);
    }

    check_args_error("{'uri': 'x', 'alt': true}", false,
                     "Invalid parameter type for 'alt', expected: TestAlt");
    check_args_error("{'uri': 'x', 'alt': {'num': 7, 'label': 'in', "
                     "'more': 1}}", false,
                     "Parameter 'alt.more' is unexpected");
    check_args_error("{'uri': 'x', 'alt': {'num': 7}}", false,
                     "Parameter 'alt.label' is missing");
}

static void test_null_and_any(void)
{
    Fixture f;
    QNull *qn = NULL;
    QObject *any = NULL;
    Error *err = NULL;

    fixture_visitor(&f, "null", false);
    g_assert_true(visit_type_null(f.v, "n", &qn, &error_abort));
    g_assert_true(qn == &qnull_);
    qobject_unref(qn);
    fixture_teardown(&f);

    fixture_visitor(&f, "0", false);
    g_assert_false(visit_type_null(f.v, "n", &qn, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Invalid parameter type for 'n', expected: null");
    g_assert_null(qn);
    error_free(err);
    fixture_teardown(&f);

    fixture_visitor(&f, "[1, 'a']", false);
    g_assert_true(visit_type_any(f.v, NULL, &any, &error_abort));
    g_assert_true(any == f.obj);
    qobject_unref(any);
    fixture_teardown(&f);
}

static void test_check_list(void)
{
    Fixture f;
    TestIntList *list = NULL;
    int64_t val;
    Error *err = NULL;

    /* A caller that wants fewer elements than given hears about it. */
    fixture_visitor(&f, "{'nums': [1, 2]}", false);
    g_assert_true(visit_start_struct(f.v, NULL, NULL, 0, &error_abort));
    g_assert_true(visit_start_list(f.v, "nums", (GenericList **)&list,
                                   sizeof(*list), &error_abort));
    g_assert_true(visit_type_int(f.v, NULL, &val, &error_abort));
    g_assert_cmpint(val, ==, 1);
    g_assert_false(visit_check_list(f.v, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Only 1 list elements expected in nums");
    error_free(err);
    visit_end_list(f.v, (void **)&list);
    g_free(list);
    g_assert_true(visit_check_struct(f.v, &error_abort));
    visit_end_struct(f.v, NULL);
    fixture_teardown(&f);
}

static void test_policy(void)
{
    CompatPolicy saved = compat_policy;
    QObject *obj = qobject_from_json("{'uri': 'x', 'old': 1}", &error_abort);
    TestArgs *args = NULL;
    Error *err = NULL;
    Visitor *v;

    /* Default policy: the deprecated member is accepted. */
    v = qobject_input_visitor_new_qmp(obj);
    g_assert_true(visit_type_TestArgs(v, NULL, &args, &error_abort));
    g_assert_true(args->has_old);
    g_assert_cmpint(args->old, ==, 1);
    qapi_free_TestArgs(args);
    args = NULL;
    visit_free(v);

    compat_policy.deprecated_input = COMPAT_POLICY_INPUT_REJECT;
    v = qobject_input_visitor_new_qmp(obj);
    g_assert_false(visit_type_TestArgs(v, NULL, &args, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Deprecated parameter old disabled by policy");
    g_assert_null(args);
    error_free(err);
    visit_free(v);

    /* The plain visitor does not follow the global policy. */
    v = qobject_input_visitor_new(obj);
    g_assert_true(visit_type_TestArgs(v, NULL, &args, &error_abort));
    qapi_free_TestArgs(args);
    visit_free(v);

    compat_policy = saved;
    qobject_unref(obj);
}

static void test_keyval(void)
{
    Fixture f;
    TestArgs *args = NULL;
    bool b;
    Error *err = NULL;

    fixture_visitor(&f,
        "{'uri': 'exec:cat', 'channels': '0x10', 'size': '1G',"
        " 'ratio': '0.25', 'nums': ['1', '-2'],"
        " 'inner': {'num': '-3', 'label': 'lbl', 'opt': '255'}}", true);
    g_assert_true(visit_type_TestArgs(f.v, NULL, &args, &error_abort));
    g_assert_cmpstr(args->uri, ==, "exec:cat");
    g_assert_cmpuint(args->channels, ==, 16);
    g_assert_cmpuint(args->size, ==, 1ULL << 30);
    g_assert_cmpfloat(args->ratio, ==, 0.25);
    g_assert_cmpint(args->nums->value, ==, 1);
    g_assert_cmpint(args->nums->next->value, ==, -2);
    g_assert_cmpint(args->inner->num, ==, -3);
    g_assert_cmpstr(args->inner->label, ==, "lbl");
    g_assert_cmpuint(args->inner->opt, ==, 255);
    qapi_free_TestArgs(args);
    fixture_teardown(&f);

    check_args_error("{'uri': 'x', 'channels': 'abc'}", true,
                     "Parameter 'channels' expects integer");
    check_args_error("{'uri': 'x', 'channels': '-1'}", true,
                     "Parameter 'channels' expects integer");
    check_args_error("{'uri': 'x', 'channels': '256'}", true,
                     "Parameter 'channels' expects uint8_t");
    check_args_error("{'uri': 'x', 'nums': ['1', 'x']}", true,
                     "Parameter 'nums.1' expects integer");
    check_args_error("{'uri': 'x', 'size': '1Q'}", true,
                     "Parameter 'size' expects size");
    check_args_error("{'uri': 'x', 'ratio': 'fast'}", true,
                     "Parameter 'ratio' expects number");
    check_args_error("{'uri': 'x', 'inner': {'num': '1', 'label': 'a',"
                     " 'zz': '1'}}", true,
                     "Parameter 'inner.zz' is unexpected");

    fixture_visitor(&f, "{'b': 'on', 'c': 'maybe'}", true);
    g_assert_true(visit_start_struct(f.v, NULL, NULL, 0, &error_abort));
    g_assert_true(visit_type_bool(f.v, "b", &b, &error_abort));
    g_assert_true(b);
    g_assert_false(visit_type_bool(f.v, "c", &b, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'c' expects 'on' or 'off'");
    error_free(err);
    visit_end_struct(f.v, NULL);
    fixture_teardown(&f);
}

/*
 * Failures deep inside lists and nested structs, after several strings,
 * lists and an "any" were built: everything must be freed (valgrind
 * --leak-check=full checks this binary).
 */
static void test_partial_free(void)
{
    check_args_error(
        "{'uri': 'tcp:x', 'any': {'k': 'v'}, 'nums': [1, 2, 3],"
        " 'capabilities': [{'capability': 'xbzrle', 'state': true},"
        "                  {'capability': 'multifd', 'state': true},"
        "                  {'capability': 'multifd', 'state': 0}]}",
        false,
        "Invalid parameter type for 'capabilities[2].state', "
        "expected: boolean");
    check_args_error(
        "{'uri': 'tcp:x', 'nums': [1, 2], 'any': [1],"
        " 'inner': {'num': 1, 'label': 'half', 'opt': -1}}", false,
        "Parameter 'inner.opt' expects uint8_t");
    check_args_error(
        "{'uri': 'tcp:x', 'alt': {'num': 1, 'label': 'l', 'opt': 'x'}}",
        false, "Parameter 'alt.opt' expects uint64");
    check_args_error(
        "{'uri': 'tcp:x', 'capabilities': [{'capability': 'xbzrle',"
        " 'state': true}], 'alt': 'ok', 'unknown': 1}", false,
        "Parameter 'unknown' is unexpected");
}

/* The same checks on types generated from qapi/migration.json. */
static void test_generated_migration(void)
{
    QObject *obj;
    Visitor *v;
    MigrateSetParameters *p = NULL, *copy;
    q_obj_migrate_set_capabilities_arg *caps = NULL;
    Error *err = NULL;

    obj = qobject_from_json("{'multifd-channels': 16, 'tls-creds': null,"
                            " 'tls-hostname': 'host',"
                            " 'max-bandwidth': 1048576}", &error_abort);
    v = qobject_input_visitor_new_qmp(obj);
    g_assert_true(visit_type_MigrateSetParameters(v, NULL, &p,
                                                  &error_abort));
    visit_free(v);
    qobject_unref(obj);
    g_assert_true(p->has_multifd_channels);
    g_assert_cmpuint(p->multifd_channels, ==, 16);
    g_assert_cmpint(p->tls_creds->type, ==, QTYPE_QNULL);
    g_assert_cmpint(p->tls_hostname->type, ==, QTYPE_QSTRING);
    g_assert_cmpstr(p->tls_hostname->u.s, ==, "host");
    g_assert_cmpuint(p->max_bandwidth, ==, 1048576);
    copy = QAPI_CLONE(MigrateSetParameters, p);
    qapi_free_MigrateSetParameters(p);
    g_assert_cmpstr(copy->tls_hostname->u.s, ==, "host");
    g_assert_cmpint(copy->tls_creds->type, ==, QTYPE_QNULL);
    qapi_free_MigrateSetParameters(copy);

    obj = qobject_from_json("{'multifd-channels': 256}", &error_abort);
    v = qobject_input_visitor_new_qmp(obj);
    p = NULL;
    g_assert_false(visit_type_MigrateSetParameters(v, NULL, &p, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'multifd-channels' expects uint8_t");
    g_assert_null(p);
    error_free(err);
    err = NULL;
    visit_free(v);
    qobject_unref(obj);

    obj = qobject_from_json("{'capabilities': ["
                            "{'capability': 'xbzrle', 'state': true},"
                            "{'capability': 'multifd', 'state': 1}]}",
                            &error_abort);
    v = qobject_input_visitor_new_qmp(obj);
    g_assert_true(visit_start_struct(v, NULL, (void **)&caps, sizeof(*caps),
                                     &error_abort));
    g_assert_false(visit_type_q_obj_migrate_set_capabilities_arg_members(
                       v, caps, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Invalid parameter type for 'capabilities[1].state', "
                    "expected: boolean");
    error_free(err);
    visit_end_struct(v, (void **)&caps);
    /* The generated list visit already freed and cleared the list. */
    g_assert_null(caps->capabilities);
    g_free(caps);
    visit_free(v);
    qobject_unref(obj);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/visitor/input/full", test_full);
    g_test_add_func("/visitor/input/empty-list-optional",
                    test_empty_list_and_optional);
    g_test_add_func("/visitor/input/unexpected", test_unexpected);
    g_test_add_func("/visitor/input/wrong-type", test_wrong_type);
    g_test_add_func("/visitor/input/missing", test_missing);
    g_test_add_func("/visitor/input/alternate", test_alternate);
    g_test_add_func("/visitor/input/null-any", test_null_and_any);
    g_test_add_func("/visitor/input/check-list", test_check_list);
    g_test_add_func("/visitor/input/policy", test_policy);
    g_test_add_func("/visitor/input/keyval", test_keyval);
    g_test_add_func("/visitor/input/partial-free", test_partial_free);
    g_test_add_func("/visitor/input/generated-migration",
                    test_generated_migration);
    return g_test_run();
}
