/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the visitor core (qapi/qapi-visit-core.c): range checks
 * of the narrow integer types at their boundaries, enums by name, the
 * compat policy hooks and the errors for shapes a visitor lacks.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "qapi/qobject-input-visitor.h"
#include "qapi/qobject-output-visitor.h"
#include "qapi/string-input-visitor.h"
#include "qobject/qdict.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"
#include "qapi-hand-types.h"

#define NAME "multifd-channels"

/* An input visitor over one number; the caller frees it. */
static Visitor *num_visitor(QNum *qn)
{
    Visitor *v = qobject_input_visitor_new(QOBJECT(qn));

    qobject_unref(qn);
    return v;
}

/* Check that an error is set with exactly @msg, then drop it. */
static void check_err(Error *err, const char *msg)
{
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

#define CHECK_UNSIGNED(type, max, cname)                                \
    do {                                                                \
        type ## _t val = 7;                                                \
        Error *err = NULL;                                              \
        Visitor *v;                                                     \
                                                                        \
        v = num_visitor(qnum_from_uint(0));                             \
        g_assert_true(visit_type_ ## type ## _t_wrap(v, &val, &err));   \
        g_assert_null(err);                                             \
        g_assert_cmpuint(val, ==, 0);                                   \
        visit_free(v);                                                  \
                                                                        \
        v = num_visitor(qnum_from_uint(max));                           \
        g_assert_true(visit_type_ ## type ## _t_wrap(v, &val, &err));   \
        g_assert_cmpuint(val, ==, max);                                 \
        visit_free(v);                                                  \
                                                                        \
        val = 7;                                                        \
        v = num_visitor(qnum_from_uint((uint64_t)(max) + 1));           \
        g_assert_false(visit_type_ ## type ## _t_wrap(v, &val, &err));  \
        check_err(err, "Parameter '" NAME "' expects " cname);          \
        err = NULL;                                                     \
        g_assert_cmpuint(val, ==, 7);   /* left alone on failure */     \
        visit_free(v);                                                  \
                                                                        \
        /* Negative numbers wrap to huge ones, then fail the check. */  \
        v = num_visitor(qnum_from_int(-1));                             \
        g_assert_false(visit_type_ ## type ## _t_wrap(v, &val, &err));  \
        check_err(err, "Parameter '" NAME "' expects " cname);          \
        err = NULL;                                                     \
        visit_free(v);                                                  \
    } while (0)

static bool visit_type_uint8_t_wrap(Visitor *v, uint8_t *val, Error **errp)
{
    return visit_type_uint8(v, NAME, val, errp);
}

static bool visit_type_uint16_t_wrap(Visitor *v, uint16_t *val,
                                     Error **errp)
{
    return visit_type_uint16(v, NAME, val, errp);
}

static bool visit_type_uint32_t_wrap(Visitor *v, uint32_t *val,
                                     Error **errp)
{
    return visit_type_uint32(v, NAME, val, errp);
}

static void test_unsigned_ranges(void)
{
    CHECK_UNSIGNED(uint8, UINT8_MAX, "uint8_t");
    CHECK_UNSIGNED(uint16, UINT16_MAX, "uint16_t");
    CHECK_UNSIGNED(uint32, UINT32_MAX, "uint32_t");
}

static void test_uint64(void)
{
    uint64_t val = 0;
    Error *err = NULL;
    Visitor *v;

    v = num_visitor(qnum_from_uint(UINT64_MAX));
    g_assert_true(visit_type_uint64(v, NAME, &val, &error_abort));
    g_assert_cmpuint(val, ==, UINT64_MAX);
    visit_free(v);

    /* QEMU compatibility: a negative number is taken modulo 2^64. */
    v = num_visitor(qnum_from_int(-2));
    g_assert_true(visit_type_uint64(v, NAME, &val, &error_abort));
    g_assert_cmpuint(val, ==, UINT64_MAX - 1);
    visit_free(v);

    v = num_visitor(qnum_from_double(1.5));
    g_assert_false(visit_type_uint64(v, NAME, &val, &err));
    check_err(err, "Parameter '" NAME "' expects uint64");
    visit_free(v);
}

#define CHECK_SIGNED(bits)                                              \
    do {                                                                \
        int ## bits ## _t val = 7;                                      \
        Error *err = NULL;                                              \
        Visitor *v;                                                     \
                                                                        \
        v = num_visitor(qnum_from_int(INT ## bits ## _MIN));            \
        g_assert_true(visit_type_int ## bits(v, NAME, &val, &err));     \
        g_assert_null(err);                                             \
        g_assert_cmpint(val, ==, INT ## bits ## _MIN);                  \
        visit_free(v);                                                  \
                                                                        \
        v = num_visitor(qnum_from_int(INT ## bits ## _MAX));            \
        g_assert_true(visit_type_int ## bits(v, NAME, &val, &err));     \
        g_assert_cmpint(val, ==, INT ## bits ## _MAX);                  \
        visit_free(v);                                                  \
                                                                        \
        val = 7;                                                        \
        v = num_visitor(qnum_from_int((int64_t)INT ## bits ## _MIN - 1)); \
        g_assert_false(visit_type_int ## bits(v, NAME, &val, &err));    \
        check_err(err, "Parameter '" NAME "' expects int" #bits "_t");  \
        err = NULL;                                                     \
        g_assert_cmpint(val, ==, 7);                                    \
        visit_free(v);                                                  \
                                                                        \
        v = num_visitor(qnum_from_int((int64_t)INT ## bits ## _MAX + 1)); \
        g_assert_false(visit_type_int ## bits(v, NAME, &val, &err));    \
        check_err(err, "Parameter '" NAME "' expects int" #bits "_t");  \
        err = NULL;                                                     \
        visit_free(v);                                                  \
    } while (0)

static void test_signed_ranges(void)
{
    CHECK_SIGNED(8);
    CHECK_SIGNED(16);
    CHECK_SIGNED(32);
}

static void test_int64(void)
{
    int64_t val = 0;
    Error *err = NULL;
    Visitor *v;

    v = num_visitor(qnum_from_int(INT64_MIN));
    g_assert_true(visit_type_int64(v, NAME, &val, &error_abort));
    g_assert_cmpint(val, ==, INT64_MIN);
    visit_free(v);

    v = num_visitor(qnum_from_int(INT64_MAX));
    g_assert_true(visit_type_int(v, NAME, &val, &error_abort));
    g_assert_cmpint(val, ==, INT64_MAX);
    visit_free(v);

    /* 2^63 is a valid JSON number but not an int64. */
    v = num_visitor(qnum_from_uint((uint64_t)INT64_MAX + 1));
    g_assert_false(visit_type_int64(v, NAME, &val, &err));
    check_err(err, "Invalid parameter type for '" NAME "', expected: "
              "integer");
    visit_free(v);
}

/* Range errors inside structs and lists name the whole member path. */
static void test_range_error_path(void)
{
    QDict *args = qdict_new();
    QDict *inner = qdict_new();
    TestArgs *obj = NULL;
    Error *err = NULL;
    Visitor *v;

    qdict_put_str(args, "uri", "tcp:0:4444");
    qdict_put_int(inner, "num", 1);
    qdict_put_str(inner, "label", "x");
    qdict_put_int(inner, "opt", 256);
    qdict_put(args, "inner", inner);
    v = qobject_input_visitor_new(QOBJECT(args));
    g_assert_false(visit_type_TestArgs(v, NULL, &obj, &err));
    check_err(err, "Parameter 'inner.opt' expects uint8_t");
    g_assert_null(obj);
    visit_free(v);
    qobject_unref(args);
}

static void test_enum_input(void)
{
    TestCap cap = TEST_CAP_XBZRLE;
    Error *err = NULL;
    CompatPolicy reject = {
        .deprecated_input = COMPAT_POLICY_INPUT_REJECT,
    };
    QString *qs;
    Visitor *v;

    qs = qstring_from_str("multifd");
    v = qobject_input_visitor_new(QOBJECT(qs));
    g_assert_true(visit_type_TestCap(v, "capability", &cap, &error_abort));
    g_assert_cmpint(cap, ==, TEST_CAP_MULTIFD);
    visit_free(v);
    qobject_unref(qs);

    qs = qstring_from_str("bogus");
    v = qobject_input_visitor_new(QOBJECT(qs));
    g_assert_false(visit_type_TestCap(v, "capability", &cap, &err));
    check_err(err, "Parameter 'capability' does not accept value 'bogus'");
    err = NULL;
    g_assert_cmpint(cap, ==, TEST_CAP_MULTIFD);
    visit_free(v);
    qobject_unref(qs);

    /* A deprecated value: accepted by default, refused under policy. */
    qs = qstring_from_str("old-cap");
    v = qobject_input_visitor_new(QOBJECT(qs));
    g_assert_true(visit_type_TestCap(v, "capability", &cap, &error_abort));
    g_assert_cmpint(cap, ==, TEST_CAP_OLD_CAP);
    visit_free(v);

    cap = TEST_CAP_XBZRLE;
    v = qobject_input_visitor_new(QOBJECT(qs));
    visit_set_policy(v, &reject);
    g_assert_false(visit_type_TestCap(v, "capability", &cap, &err));
    check_err(err, "Deprecated value old-cap disabled by policy");
    err = NULL;
    g_assert_cmpint(cap, ==, TEST_CAP_XBZRLE);
    visit_free(v);
    qobject_unref(qs);

    /* Wrong QType. */
    v = num_visitor(qnum_from_int(1));
    g_assert_false(visit_type_TestCap(v, "capability", &cap, &err));
    check_err(err, "Invalid parameter type for 'capability', expected: "
              "string");
    visit_free(v);
}

static void test_enum_output(void)
{
    TestCap cap = TEST_CAP_OLD_CAP;
    QObject *res = NULL;
    Error *err = NULL;
    Visitor *v;

    v = qobject_output_visitor_new(&res);
    g_assert_true(visit_type_TestCap(v, NULL, &cap, &error_abort));
    visit_complete(v, &res);
    g_assert_cmpstr(qobject_get_try_str(res), ==, "old-cap");
    visit_free(v);
    qobject_unref(res);

    /* A value out of range is refused, not looked up out of bounds. */
    cap = TEST_CAP__MAX;
    v = qobject_output_visitor_new(&res);
    g_assert_false(visit_type_TestCap(v, "capability", &cap, &err));
    check_err(err, "Parameter 'capability' holds invalid enum value 3");
    visit_free(v);
}

static void test_policy_hooks(void)
{
    CompatPolicy pol = {
        .deprecated_input = COMPAT_POLICY_INPUT_REJECT,
        .deprecated_output = COMPAT_POLICY_OUTPUT_HIDE,
    };
    QObject *res = NULL;
    QDict *d = qdict_new();
    Error *err = NULL;
    Visitor *v;

    v = qobject_input_visitor_new(QOBJECT(d));
    /* Nothing is rejected under the default policy. */
    g_assert_false(visit_policy_reject(v, "old", 1u << QAPI_DEPRECATED,
                                       &error_abort));
    visit_set_policy(v, &pol);
    g_assert_false(visit_policy_reject(v, "old", 0, &error_abort));
    g_assert_true(visit_policy_reject(v, "old", 1u << QAPI_DEPRECATED,
                                      &err));
    check_err(err, "Deprecated parameter old disabled by policy");
    err = NULL;
    /* Unstable members are still accepted: only deprecated is set. */
    g_assert_false(visit_policy_reject(v, "x", 1u << QAPI_UNSTABLE,
                                       &error_abort));
    g_assert_true(visit_is_input(v));
    g_assert_false(visit_is_dealloc(v));
    /* Input visitors never skip members. */
    g_assert_false(visit_policy_skip(v, "old", 1u << QAPI_DEPRECATED));
    visit_free(v);
    qobject_unref(d);

    v = qobject_output_visitor_new(&res);
    g_assert_false(visit_policy_skip(v, "old", 1u << QAPI_DEPRECATED));
    visit_set_policy(v, &pol);
    g_assert_true(visit_policy_skip(v, "old", 1u << QAPI_DEPRECATED));
    g_assert_false(visit_policy_skip(v, "new", 1u << QAPI_UNSTABLE));
    g_assert_false(visit_policy_reject(v, "old", 1u << QAPI_DEPRECATED,
                                       &error_abort));
    g_assert_false(visit_is_input(v));
    visit_free(v);
}

/* Shapes a visitor cannot handle fail cleanly instead of crashing. */
static void test_unsupported(void)
{
    TestInner *inner = (TestInner *)0x1;
    TestAlt *alt = (TestAlt *)0x1;
    QObject *any = (QObject *)0x1;
    Error *err = NULL;
    Visitor *v = string_input_visitor_new("1");

    g_assert_false(visit_type_TestInner(v, "inner", &inner, &err));
    check_err(err, "Parameter 'inner': this visitor does not support "
              "structs");
    err = NULL;
    g_assert_null(inner);
    g_assert_false(visit_type_TestAlt(v, "alt", &alt, &err));
    check_err(err, "Parameter 'alt': this visitor does not support "
              "alternates");
    err = NULL;
    g_assert_null(alt);
    g_assert_false(visit_type_any(v, NULL, &any, &err));
    check_err(err, "Parameter 'null': this visitor does not support "
              "'any' values");
    g_assert_null(any);
    visit_free(v);
}

static void test_enum_util(void)
{
    Error *err = NULL;
    bool b = false;

    g_assert_cmpstr(qapi_enum_lookup(&TestCap_lookup, TEST_CAP_MULTIFD), ==,
                    "multifd");
    g_assert_cmpint(qapi_enum_parse(&TestCap_lookup, "old-cap", -1,
                                    &error_abort), ==, TEST_CAP_OLD_CAP);
    g_assert_cmpint(qapi_enum_parse(&TestCap_lookup, NULL, 42,
                                    &error_abort), ==, 42);
    g_assert_cmpint(qapi_enum_parse(&TestCap_lookup, "nope", -1, &err), ==,
                    -1);
    check_err(err, "invalid parameter value: nope");
    err = NULL;

    g_assert_true(qapi_bool_parse("p", "on", &b, &error_abort) && b);
    g_assert_true(qapi_bool_parse("p", "no", &b, &error_abort) && !b);
    g_assert_true(qapi_bool_parse("p", "y", &b, &error_abort) && b);
    g_assert_true(qapi_bool_parse("p", "false", &b, &error_abort) && !b);
    g_assert_false(qapi_bool_parse("p", "On", &b, &err));
    check_err(err, "Parameter 'p' expects 'on' or 'off'");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/visitor/core/unsigned-ranges", test_unsigned_ranges);
    g_test_add_func("/visitor/core/uint64", test_uint64);
    g_test_add_func("/visitor/core/signed-ranges", test_signed_ranges);
    g_test_add_func("/visitor/core/int64", test_int64);
    g_test_add_func("/visitor/core/range-error-path", test_range_error_path);
    g_test_add_func("/visitor/core/enum-input", test_enum_input);
    g_test_add_func("/visitor/core/enum-output", test_enum_output);
    g_test_add_func("/visitor/core/policy-hooks", test_policy_hooks);
    g_test_add_func("/visitor/core/unsupported", test_unsupported);
    g_test_add_func("/visitor/core/enum-util", test_enum_util);
    return g_test_run();
}
