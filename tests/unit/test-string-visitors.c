/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the string input and output visitors (HMP values):
 * integers with ranges, sizes with suffixes, bools, numbers, strings,
 * lists, and the human-readable output forms.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/string-input-visitor.h"
#include "qapi/string-output-visitor.h"
#include "qobject/qnull.h"
#include "qapi-hand-types.h"

typedef struct TestStrList {
    struct TestStrList *next;
    char *value;
} TestStrList;

typedef struct TestUintList {
    struct TestUintList *next;
    uint64_t value;
} TestUintList;

static void check_err(Error *err, const char *msg)
{
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

/* --- input --- */

static void test_in_int(void)
{
    static const struct {
        const char *str;
        int64_t val;
    } good[] = {
        { "42", 42 }, { "0x2a", 42 }, { "-1", -1 },
        { "-9223372036854775808", INT64_MIN },
    };
    static const char *const bad[] = {
        "", "abc", "1-3", "1,2", "9223372036854775808", "4k",
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(good); i++) {
        Visitor *v = string_input_visitor_new(good[i].str);
        int64_t val = 0;

        g_assert_true(visit_type_int(v, "n", &val, &error_abort));
        g_assert_cmpint(val, ==, good[i].val);
        visit_free(v);
    }
    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        Visitor *v = string_input_visitor_new(bad[i]);
        Error *err = NULL;
        int64_t val;

        g_assert_false(visit_type_int(v, "n", &val, &err));
        check_err(err, "Parameter 'n' expects int64");
        visit_free(v);
    }
}

static void test_in_narrow_and_uint(void)
{
    Visitor *v;
    uint8_t u8;
    int16_t i16;
    uint64_t u64;
    Error *err = NULL;

    v = string_input_visitor_new("255");
    g_assert_true(visit_type_uint8(v, "c", &u8, &error_abort));
    g_assert_cmpuint(u8, ==, 255);
    visit_free(v);

    v = string_input_visitor_new("256");
    g_assert_false(visit_type_uint8(v, "c", &u8, &err));
    check_err(err, "Parameter 'c' expects uint8_t");
    err = NULL;
    visit_free(v);

    v = string_input_visitor_new("-32769");
    g_assert_false(visit_type_int16(v, "c", &i16, &err));
    check_err(err, "Parameter 'c' expects int16_t");
    err = NULL;
    visit_free(v);

    v = string_input_visitor_new("18446744073709551615");
    g_assert_true(visit_type_uint64(v, "u", &u64, &error_abort));
    g_assert_cmpuint(u64, ==, UINT64_MAX);
    visit_free(v);

    /* Unlike QMP, text has no excuse for a negative unsigned number. */
    v = string_input_visitor_new("-1");
    g_assert_false(visit_type_uint64(v, "u", &u64, &err));
    check_err(err, "Parameter 'u' expects uint64");
    visit_free(v);
}

/* Parse @str as an int list and compare with @expect[0..n-1]. */
static void check_int_list(const char *str, const int64_t *expect, size_t n)
{
    Visitor *v = string_input_visitor_new(str);
    TestIntList *list = NULL, *l;
    size_t i = 0;

    g_assert_true(visit_type_TestIntList(v, NULL, &list, &error_abort));
    for (l = list; l; l = l->next, i++) {
        g_assert_cmpuint(i, <, n);
        g_assert_cmpint(l->value, ==, expect[i]);
    }
    g_assert_cmpuint(i, ==, n);
    qapi_free_TestIntList(list);
    visit_free(v);
}

static void test_in_int_list(void)
{
    static const int64_t a[] = { 1, 2, 3, 5 };
    static const int64_t b[] = { 7 };
    static const int64_t c[] = { -3, -2, -1, 0x10 };
    static const int64_t d[] = { 4, 4, 1 };
    static const char *const bad[] = {
        "1-3,x", "3-1", "1,", ",1", "1-", "1-2-3", "0-65536", "a",
    };
    TestIntList *list;
    size_t i;

    check_int_list("1-3,5", a, ARRAY_SIZE(a));
    check_int_list("7", b, ARRAY_SIZE(b));
    check_int_list("-3--1,0x10", c, ARRAY_SIZE(c));
    check_int_list("4-4,4,1", d, ARRAY_SIZE(d));
    check_int_list("", NULL, 0);

    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        Visitor *v = string_input_visitor_new(bad[i]);
        Error *err = NULL;

        list = (TestIntList *)0x1;
        g_assert_false(visit_type_TestIntList(v, "l", &list, &err));
        check_err(err, "Parameter 'null' expects an int64 value or range");
        g_assert_null(list);
        visit_free(v);
    }

    /* The largest range allowed: 65536 elements. */
    {
        Visitor *v = string_input_visitor_new("0-65535");
        TestIntList *l;
        int64_t n = 0;

        list = NULL;
        g_assert_true(visit_type_TestIntList(v, NULL, &list, &error_abort));
        for (l = list; l; l = l->next) {
            g_assert_cmpint(l->value, ==, n);
            n++;
        }
        g_assert_cmpint(n, ==, 65536);
        qapi_free_TestIntList(list);
        visit_free(v);
    }
}

static void test_in_uint_list(void)
{
    Visitor *v = string_input_visitor_new("18446744073709551614-"
                                          "18446744073709551615,0");
    TestUintList *list = NULL, *l;
    size_t size = sizeof(*list);
    Error *err = NULL;
    uint64_t u;

    g_assert_true(visit_start_list(v, NULL, (GenericList **)&list, size,
                                   &error_abort));
    for (l = list; l;
         l = (TestUintList *)visit_next_list(v, (GenericList *)l, size)) {
        g_assert_true(visit_type_uint64(v, NULL, &l->value, &error_abort));
    }
    g_assert_true(visit_check_list(v, &error_abort));
    visit_end_list(v, (void **)&list);
    g_assert_cmpuint(list->value, ==, UINT64_MAX - 1);
    g_assert_cmpuint(list->next->value, ==, UINT64_MAX);
    g_assert_cmpuint(list->next->next->value, ==, 0);
    g_assert_null(list->next->next->next);
    while (list) {
        l = list->next;
        g_free(list);
        list = l;
    }
    visit_free(v);

    /* Leaving elements unvisited is an error. */
    v = string_input_visitor_new("1,2");
    g_assert_true(visit_start_list(v, NULL, (GenericList **)&list, size,
                                   &error_abort));
    g_assert_true(visit_type_uint64(v, NULL, &u, &error_abort));
    g_assert_false(visit_check_list(v, &err));
    check_err(err, "Fewer list elements expected");
    visit_end_list(v, (void **)&list);
    g_free(list);
    visit_free(v);
}

static void test_in_size(void)
{
    static const struct {
        const char *str;
        uint64_t val;
    } good[] = {
        { "4096", 4096 }, { "1G", 1ULL << 30 }, { "1.5k", 1536 },
        { "64M", 64ULL << 20 }, { "2T", 2ULL << 40 }, { "0x1000", 4096 },
    };
    static const char *const bad[] = { "-1", "1Q", "", "16E" };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(good); i++) {
        Visitor *v = string_input_visitor_new(good[i].str);
        uint64_t val = 0;

        g_assert_true(visit_type_size(v, "s", &val, &error_abort));
        g_assert_cmpuint(val, ==, good[i].val);
        visit_free(v);
    }
    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        Visitor *v = string_input_visitor_new(bad[i]);
        Error *err = NULL;
        uint64_t val;

        g_assert_false(visit_type_size(v, "s", &val, &err));
        check_err(err, "Parameter 's' expects a non-negative number "
                  "below 2^64");
        visit_free(v);
    }
}

static void test_in_bool_number_str_null(void)
{
    Visitor *v;
    bool b = false;
    double d = 0;
    char *s = NULL;
    QNull *qn = NULL;
    Error *err = NULL;

    v = string_input_visitor_new("on");
    g_assert_true(visit_type_bool(v, "b", &b, &error_abort) && b);
    visit_free(v);
    v = string_input_visitor_new("no");
    g_assert_true(visit_type_bool(v, "b", &b, &error_abort) && !b);
    visit_free(v);
    v = string_input_visitor_new("maybe");
    g_assert_false(visit_type_bool(v, "b", &b, &err));
    check_err(err, "Parameter 'b' expects 'on' or 'off'");
    err = NULL;
    visit_free(v);

    v = string_input_visitor_new("3.25");
    g_assert_true(visit_type_number(v, "x", &d, &error_abort));
    g_assert_cmpfloat(d, ==, 3.25);
    visit_free(v);
    v = string_input_visitor_new("inf");
    g_assert_false(visit_type_number(v, "x", &d, &err));
    check_err(err, "Parameter 'x' expects number");
    err = NULL;
    visit_free(v);

    /* Outside a list, commas belong to the string. */
    v = string_input_visitor_new("a,b c");
    g_assert_true(visit_type_str(v, "s", &s, &error_abort));
    g_assert_cmpstr(s, ==, "a,b c");
    g_free(s);
    visit_free(v);

    v = string_input_visitor_new("");
    g_assert_true(visit_type_null(v, "n", &qn, &error_abort));
    g_assert_true(qn == &qnull_);
    qobject_unref(qn);
    visit_free(v);
    v = string_input_visitor_new("x");
    g_assert_false(visit_type_null(v, "n", &qn, &err));
    check_err(err, "Parameter 'n' expects null");
    g_assert_null(qn);
    visit_free(v);
}

static void test_in_str_list(void)
{
    Visitor *v = string_input_visitor_new("a,,b c");
    TestStrList *list = NULL, *l;
    size_t size = sizeof(*list);

    g_assert_true(visit_start_list(v, NULL, (GenericList **)&list, size,
                                   &error_abort));
    for (l = list; l;
         l = (TestStrList *)visit_next_list(v, (GenericList *)l, size)) {
        g_assert_true(visit_type_str(v, NULL, &l->value, &error_abort));
    }
    g_assert_true(visit_check_list(v, &error_abort));
    visit_end_list(v, (void **)&list);
    g_assert_cmpstr(list->value, ==, "a");
    g_assert_cmpstr(list->next->value, ==, "");
    g_assert_cmpstr(list->next->next->value, ==, "b c");
    g_assert_null(list->next->next->next);
    while (list) {
        l = list->next;
        g_free(list->value);
        g_free(list);
        list = l;
    }
    visit_free(v);
}

/* --- output --- */

static char *out_int(int64_t val, bool human)
{
    char *res = NULL;
    Visitor *v = string_output_visitor_new(human, &res);

    g_assert_true(visit_type_int(v, NULL, &val, &error_abort));
    visit_complete(v, &res);
    visit_free(v);
    return res;
}

static char *out_size(uint64_t val, bool human)
{
    char *res = NULL;
    Visitor *v = string_output_visitor_new(human, &res);

    g_assert_true(visit_type_size(v, NULL, &val, &error_abort));
    visit_complete(v, &res);
    visit_free(v);
    return res;
}

static char *out_int_list(const int64_t *vals, size_t n, bool human)
{
    TestIntList *list = NULL, **tail = &list;
    char *res = NULL;
    Visitor *v = string_output_visitor_new(human, &res);
    size_t i;

    for (i = 0; i < n; i++) {
        QAPI_LIST_APPEND(tail, vals[i]);
    }
    g_assert_true(visit_type_TestIntList(v, NULL, &list, &error_abort));
    visit_complete(v, &res);
    visit_free(v);
    qapi_free_TestIntList(list);
    return res;
}

#define CHECK_OUT(expr, expect) do {            \
        char *s_ = (expr);                      \
        g_assert_cmpstr(s_, ==, (expect));      \
        g_free(s_);                             \
    } while (0)

static void test_out_ints_and_sizes(void)
{
    uint8_t u8 = 200;
    uint64_t u64 = UINT64_MAX;
    char *res = NULL;
    Visitor *v;

    CHECK_OUT(out_int(1, false), "1");
    CHECK_OUT(out_int(42, true), "42 (0x2a)");
    CHECK_OUT(out_int(1048576, true), "1048576 (0x100000)");
    CHECK_OUT(out_int(-1, false), "-1");
    CHECK_OUT(out_int(-1, true), "-1 (0xffffffffffffffff)");

    CHECK_OUT(out_size(1048576, false), "1048576");
    CHECK_OUT(out_size(1048576, true), "1048576 (1 MiB)");
    CHECK_OUT(out_size(1536, true), "1536 (1.5 KiB)");
    CHECK_OUT(out_size(512, true), "512 (512 B)");
    CHECK_OUT(out_size(1ULL << 40, true), "1099511627776 (1 TiB)");

    v = string_output_visitor_new(false, &res);
    g_assert_true(visit_type_uint8(v, NULL, &u8, &error_abort));
    visit_complete(v, &res);
    visit_free(v);
    CHECK_OUT(res, "200");

    v = string_output_visitor_new(false, &res);
    g_assert_true(visit_type_uint64(v, NULL, &u64, &error_abort));
    visit_complete(v, &res);
    visit_free(v);
    CHECK_OUT(res, "18446744073709551615");
}

static void test_out_int_lists(void)
{
    static const int64_t a[] = { 5, 1, 2, 3, 7, 8 };
    static const int64_t b[] = { 3, 3, 2 };
    static const int64_t c[] = { 16 };

    CHECK_OUT(out_int_list(a, ARRAY_SIZE(a), false), "1-3,5,7-8");
    CHECK_OUT(out_int_list(a, ARRAY_SIZE(a), true),
              "1-3,5,7-8 (0x1-0x3,0x5,0x7-0x8)");
    CHECK_OUT(out_int_list(b, ARRAY_SIZE(b), false), "2-3");
    CHECK_OUT(out_int_list(c, ARRAY_SIZE(c), true), "16 (0x10)");
    CHECK_OUT(out_int_list(NULL, 0, false), "");
}

static void test_out_other(void)
{
    char *res = NULL;
    bool b = true;
    double d = 0.1;
    char *s = (char *)"abc";
    QNull *qn = qnull();
    Visitor *v;

    v = string_output_visitor_new(false, &res);
    visit_type_bool(v, NULL, &b, &error_abort);
    visit_complete(v, &res);
    visit_free(v);
    CHECK_OUT(res, "true");

    v = string_output_visitor_new(false, &res);
    visit_type_number(v, NULL, &d, &error_abort);
    visit_complete(v, &res);
    visit_free(v);
    CHECK_OUT(res, "0.1");

    d = -2;
    v = string_output_visitor_new(false, &res);
    visit_type_number(v, NULL, &d, &error_abort);
    visit_complete(v, &res);
    visit_free(v);
    CHECK_OUT(res, "-2");

    v = string_output_visitor_new(false, &res);
    visit_type_str(v, NULL, &s, &error_abort);
    visit_complete(v, &res);
    visit_free(v);
    CHECK_OUT(res, "abc");

    v = string_output_visitor_new(true, &res);
    visit_type_str(v, NULL, &s, &error_abort);
    visit_complete(v, &res);
    visit_free(v);
    CHECK_OUT(res, "\"abc\"");

    v = string_output_visitor_new(true, &res);
    visit_type_null(v, NULL, &qn, &error_abort);
    visit_complete(v, &res);
    visit_free(v);
    CHECK_OUT(res, "<null>");
    qobject_unref(qn);
}

/* What the input visitor reads, the output visitor prints back. */
static void test_round_trip(void)
{
    static const char *const cases[] = { "1-3,5", "0", "-5--3,10-12" };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        Visitor *v = string_input_visitor_new(cases[i]);
        TestIntList *list = NULL;
        char *res = NULL;

        g_assert_true(visit_type_TestIntList(v, NULL, &list, &error_abort));
        visit_free(v);
        v = string_output_visitor_new(false, &res);
        g_assert_true(visit_type_TestIntList(v, NULL, &list, &error_abort));
        visit_complete(v, &res);
        visit_free(v);
        CHECK_OUT(res, cases[i]);
        qapi_free_TestIntList(list);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/visitor/string/in/int", test_in_int);
    g_test_add_func("/visitor/string/in/narrow-uint",
                    test_in_narrow_and_uint);
    g_test_add_func("/visitor/string/in/int-list", test_in_int_list);
    g_test_add_func("/visitor/string/in/uint-list", test_in_uint_list);
    g_test_add_func("/visitor/string/in/size", test_in_size);
    g_test_add_func("/visitor/string/in/bool-number-str-null",
                    test_in_bool_number_str_null);
    g_test_add_func("/visitor/string/in/str-list", test_in_str_list);
    g_test_add_func("/visitor/string/out/ints-sizes",
                    test_out_ints_and_sizes);
    g_test_add_func("/visitor/string/out/int-lists", test_out_int_lists);
    g_test_add_func("/visitor/string/out/other", test_out_other);
    g_test_add_func("/visitor/string/round-trip", test_round_trip);
    return g_test_run();
}
