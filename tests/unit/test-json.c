/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests for qobject_from_json(), interpolation, qobject_to_json() and
 * JSONWriter.
 */
#include "qemu/osdep.h"
#include <math.h>
#include "qapi/error.h"
#include "qobject/json-writer.h"
#include "qobject/qbool.h"
#include "qobject/qdict.h"
#include "qobject/qjson.h"
#include "qobject/qlist.h"
#include "qobject/qlit.h"
#include "qobject/qnull.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"

static QObject *parse_ok(const char *json)
{
    Error *err = NULL;
    QObject *obj = qobject_from_json(json, &err);

    if (err) {
        g_printerr("unexpected error for %.60s: %s\n", json,
                   error_get_pretty(err));
    }
    g_assert_null(err);
    g_assert_nonnull(obj);
    return obj;
}

static char *to_json(QObject *obj)
{
    return g_string_free(qobject_to_json(obj), false);
}

/* Parse, write, parse again: the two values must be equal. */
static void check_round_trip(QObject *obj)
{
    g_autofree char *text = to_json(obj);
    g_autoptr(QObject) again = parse_ok(text);
    g_autofree char *pretty = g_string_free(qobject_to_json_pretty(obj, true),
                                            false);
    g_autoptr(QObject) again_pretty = parse_ok(pretty);

    g_assert_true(qobject_is_equal(obj, again));
    g_assert_true(qobject_is_equal(obj, again_pretty));
}

static void test_scalars(void)
{
    g_autoptr(QObject) t = parse_ok("true");
    g_autoptr(QObject) f = parse_ok(" false ");
    g_autoptr(QObject) n = parse_ok("\n\tnull\r\n");
    g_autoptr(QObject) s = parse_ok("\"str\"");

    g_assert_true(qbool_get_bool(qobject_to(QBool, t)));
    g_assert_false(qbool_get_bool(qobject_to(QBool, f)));
    g_assert_true(n == QOBJECT(&qnull_));
    g_assert_cmpstr(qobject_get_try_str(s), ==, "str");
}

typedef struct {
    const char *json;
    QNumKind kind;
    int64_t i64;
    uint64_t u64;
    double dbl;
} NumCase;

static void test_numbers(void)
{
    static const NumCase cases[] = {
        { "0", QNUM_I64, 0 },
        { "-0", QNUM_I64, 0 },
        { "42", QNUM_I64, 42 },
        { "-42", QNUM_I64, -42 },
        { "9223372036854775807", QNUM_I64, INT64_MAX },
        { "-9223372036854775808", QNUM_I64, INT64_MIN },
        { "9223372036854775808", QNUM_U64, .u64 = 9223372036854775808ULL },
        { "18446744073709551615", QNUM_U64, .u64 = UINT64_MAX },
        /* Beyond 64 bits: doubles, as in QEMU. */
        { "18446744073709551616", QNUM_DOUBLE, .dbl = 18446744073709551616.0 },
        { "-9223372036854775809", QNUM_DOUBLE, .dbl = -9223372036854775809.0 },
        { "1.5", QNUM_DOUBLE, .dbl = 1.5 },
        { "-0.0", QNUM_DOUBLE, .dbl = -0.0 },
        { "1e3", QNUM_DOUBLE, .dbl = 1000.0 },
        { "1E+3", QNUM_DOUBLE, .dbl = 1000.0 },
        { "2.5e-3", QNUM_DOUBLE, .dbl = 0.0025 },
        { "1.7976931348623157e308", QNUM_DOUBLE, .dbl = 1.7976931348623157e308 },
        { "5e-324", QNUM_DOUBLE, .dbl = 5e-324 },
        { "1e-400", QNUM_DOUBLE, .dbl = 0.0 },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        g_autoptr(QObject) obj = parse_ok(cases[i].json);
        QNum *qn = qobject_to(QNum, obj);

        g_assert_nonnull(qn);
        g_assert_cmpint(qn->value.kind, ==, cases[i].kind);
        switch (cases[i].kind) {
        case QNUM_I64:
            g_assert_cmpint(qn->value.u.i64, ==, cases[i].i64);
            break;
        case QNUM_U64:
            g_assert_cmpuint(qn->value.u.u64, ==, cases[i].u64);
            break;
        case QNUM_DOUBLE:
            g_assert_cmpfloat(qn->value.u.dbl, ==, cases[i].dbl);
            break;
        }
        check_round_trip(obj);
    }
}

static void test_strings(void)
{
    static const struct {
        const char *json;
        const char *utf8;
    } cases[] = {
        { "\"\"", "" },
        { "\"plain\"", "plain" },
        { "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t" },
        { "\"\\u0041\\u00e9\\u20AC\"", "A\xc3\xa9\xe2\x82\xac" },
        /* A surrogate pair is joined into one code point. */
        { "\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80" },
        { "\"\\uDBFF\\uDFFF\"", "\xf4\x8f\xbf\xbf" },
        /* U+0000 is kept as modified UTF-8. */
        { "\"a\\u0000b\"", "a\xc0\x80" "b" },
        /* Raw UTF-8 is taken as is, including noncharacters. */
        { "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xef\xbf\xbf\"",
          "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xef\xbf\xbf" },
        { "\"\x7f\"", "\x7f" },
        /* QEMU's single-quoted strings. */
        { "'single'", "single" },
        { "'it\\'s \"quoted\"'", "it's \"quoted\"" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        g_autoptr(QObject) obj = parse_ok(cases[i].json);

        g_assert_cmpstr(qobject_get_try_str(obj), ==, cases[i].utf8);
        check_round_trip(obj);
    }
}

static void test_containers(void)
{
    const QLitObject expected = QLIT_QDICT(((QLitDictEntry[]) {
        { "execute", QLIT_QSTR("migrate") },
        { "arguments", QLIT_QDICT(((QLitDictEntry[]) {
            { "uri", QLIT_QSTR("tcp:127.0.0.1:4444") },
            { "detach", QLIT_QBOOL(true) },
            { "list", QLIT_QLIST(((QLitObject[]) {
                QLIT_QNUM(1), QLIT_QNULL, QLIT_QLIST(((QLitObject[]) {
                    { } })), { } })) },
            { } })) },
        { "id", QLIT_QNUM(7) },
        { }
    }));
    g_autoptr(QObject) obj = parse_ok(
        "{ \"execute\" : \"migrate\", \"arguments\": {\"uri\": "
        "\"tcp:127.0.0.1:4444\", \"detach\": true, \"list\": [1, null, []]},"
        " \"id\": 7 }");

    g_assert_true(qlit_equal_qobject(&expected, obj));
    check_round_trip(obj);
}

static void test_key_order_preserved(void)
{
    g_autoptr(QObject) obj = parse_ok("{\"z\": 1, \"a\": 2, \"m\": {\"y\": 1, "
                                      "\"b\": 2}}");
    g_autofree char *text = to_json(obj);

    g_assert_cmpstr(text, ==, "{\"z\": 1, \"a\": 2, \"m\": {\"y\": 1, "
                    "\"b\": 2}}");
}

typedef struct {
    const char *json;
    const char *error;      /* expected substring */
} BadCase;

static void test_errors(void)
{
    static const BadCase cases[] = {
        { "", "expecting value, got end of input at offset 0" },
        { "   ", "expecting value, got end of input at offset 3" },
        { "[1,]", "trailing comma in array at offset 3" },
        { "{\"a\":1,}", "trailing comma in object at offset 7" },
        { "{\"a\":1 \"b\":2}", "expecting ',' or '}' in object" },
        { "{\"a\" 1}", "expecting ':' after object key" },
        { "{1:2}", "expecting string as object key, got number 1" },
        { "{\"a\":}", "expecting value, got '}' at offset 5" },
        { "[1 2]", "expecting ',' or ']' in array, got number 2 at offset 3" },
        { "[", "unexpected end of input at offset 1" },
        { "{\"a\":1,\"a\":2}", "duplicate key 'a' in object at offset 7" },
        { "1 2", "expecting end of input after the value at offset 2" },
        { "{} x", "expecting end of input after the value" },
        { "]", "expecting value, got ']' at offset 0" },
        { "01", "leading zeros are not allowed in numbers ('01')" },
        { "-01", "leading zeros are not allowed" },
        { "+1", "'+' sign is not allowed in numbers" },
        { "1.", "invalid number '1.'" },
        { ".5", "invalid number '.5'" },
        { "1e", "invalid number '1e'" },
        { "1e+", "invalid number" },
        { "0x10", "invalid number '0x10'" },
        { "-", "invalid number '-'" },
        { "1.5.2", "invalid number" },
        { "NaN", "NaN and Infinity are not valid JSON" },
        { "Infinity", "NaN and Infinity are not valid JSON" },
        { "-Infinity", "NaN and Infinity are not valid JSON" },
        { "1e999", "number 1e999 is out of range" },
        { "-1e400", "out of range" },
        { "tru", "invalid literal 'tru'" },
        { "True", "invalid literal 'True'" },
        { "nulll", "invalid literal 'nulll'" },
        { "@", "unexpected character '@' at offset 0" },
        { "\"\\q\"", "invalid escape '\\q' at offset 1" },
        { "\"\\'\"", "invalid escape '\\''" },
        { "\"\\u12\"", "invalid \\u escape (expected 4 hex digits)" },
        { "\"\\uZZZZ\"", "invalid \\u escape" },
        { "\"\\ud800\"", "lone surrogate \\ud800 in string at offset 1" },
        { "\"\\ud800x\"", "lone surrogate \\ud800" },
        { "\"\\ud800\\n\"", "lone surrogate \\ud800" },
        { "\"\\ud800\\u0041\"", "lone surrogate \\ud800" },
        { "\"\\udc00\"", "lone surrogate \\udc00 in string at offset 1" },
        { "\"a\tb\"", "control character 0x09 in string at offset 2" },
        { "\"a\nb\"", "control character 0x0a in string" },
        { "\"\x01\"", "control character 0x01 in string" },
        { "\"\xc0\x80\"", "invalid UTF-8 sequence in string (overlong" },
        { "\"\xc1\xbf\"", "(overlong encoding)" },
        { "\"\xe0\x80\xaf\"", "(overlong encoding) at offset 2" },
        { "\"\xf0\x80\x80\xaf\"", "(overlong encoding)" },
        { "\"\xed\xa0\x80\"", "(UTF-16 surrogate encoded in UTF-8)" },
        { "\"\xf4\x90\x80\x80\"", "(code point above U+10FFFF)" },
        { "\"\xf5\x80\x80\x80\"", "(code point above U+10FFFF)" },
        { "\"\xe2\x82\"", "(truncated sequence) at offset 3" },
        { "\"\xe2\"", "(truncated sequence)" },
        { "\"\x80\"", "(stray continuation byte 0x80)" },
        { "\"\xfe\"", "invalid byte 0xfe in string" },
        { "\"abc", "unterminated string at offset 0" },
        { "\x1b", "invalid control character 0x1b at offset 0" },
        { "[\xff]", "invalid byte 0xff at offset 1" },
        { "%d", "unexpected character '%d'" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        Error *err = NULL;
        QObject *obj = qobject_from_json(cases[i].json, &err);

        g_assert_null(obj);
        g_assert_nonnull(err);
        if (!strstr(error_get_pretty(err), cases[i].error)) {
            g_printerr("case %zu: got \"%s\", wanted \"%s\"\n", i,
                       error_get_pretty(err), cases[i].error);
            g_assert_not_reached();
        }
        g_assert_true(g_str_has_prefix(error_get_pretty(err),
                                       "JSON parse error, "));
        error_free(err);
    }
}

static void test_nesting_limit(void)
{
    GString *ok = g_string_new(NULL);
    GString *bad;
    Error *err = NULL;
    QObject *obj;

    for (int i = 0; i < 1024; i++) {
        g_string_append_c(ok, i % 2 ? '{' : '[');
        if (i % 2) {
            g_string_append(ok, "\"k\":");
        }
    }
    bad = g_string_new(ok->str);
    g_string_append(bad, "[]");
    g_string_append(ok, "0");
    for (int i = 1023; i >= 0; i--) {
        g_string_append_c(ok, i % 2 ? '}' : ']');
    }
    obj = parse_ok(ok->str);
    check_round_trip(obj);
    qobject_unref(obj);

    g_assert_null(qobject_from_json(bad->str, &err));
    g_assert_nonnull(strstr(error_get_pretty(err),
                            "nesting too deep (limit 1024)"));
    error_free(err);
    g_string_free(ok, true);
    g_string_free(bad, true);
}

static void test_interpolation(void)
{
    QObject *inner = QOBJECT(qnum_from_int(99));
    g_autoptr(QDict) d = qdict_from_jsonf_nofail(
        "{'d': %d, 'ld': %ld, 'lld': %lld, 'i64': %" PRId64 ", "
        "'u': %u, 'lu': %lu, 'llu': %llu, 'u64': %" PRIu64 ", "
        "'t': %i, 'f': %i, 's': %s, 'dbl': %f, 'p': %p, "
        "'pct': '100%%'}",
        -1, -2L, -3LL, INT64_MIN, 4U, 5UL, 6ULL, UINT64_MAX,
        true, false, "it's \"x\"", 0.5, inner);
    g_autoptr(QObject) list = qobject_from_jsonf_nofail("[%s, %d]", "a", 1);

    g_assert_cmpint(qdict_get_int(d, "d"), ==, -1);
    g_assert_cmpint(qdict_get_int(d, "ld"), ==, -2);
    g_assert_cmpint(qdict_get_int(d, "lld"), ==, -3);
    g_assert_cmpint(qdict_get_int(d, "i64"), ==, INT64_MIN);
    g_assert_cmpint(qdict_get_int(d, "u"), ==, 4);
    g_assert_cmpint(qdict_get_int(d, "lu"), ==, 5);
    g_assert_cmpint(qdict_get_int(d, "llu"), ==, 6);
    g_assert_cmpuint(qnum_get_uint(qobject_to(QNum, qdict_get(d, "u64"))),
                     ==, UINT64_MAX);
    g_assert_true(qdict_get_bool(d, "t"));
    g_assert_false(qdict_get_bool(d, "f"));
    g_assert_cmpstr(qdict_get_str(d, "s"), ==, "it's \"x\"");
    g_assert_cmpfloat(qdict_get_double(d, "dbl"), ==, 0.5);
    /* %p takes over the reference. */
    g_assert_true(qdict_get(d, "p") == inner);
    g_assert_cmpint(inner->base.refcnt, ==, 1);
    g_assert_cmpstr(qdict_get_str(d, "pct"), ==, "100%");
    g_assert_cmpuint(qlist_size(qobject_to(QList, list)), ==, 2);
}

static void test_writer_styles(void)
{
    static const char *const expected[] = {
        [JSON_WRITER_COMPACT] =
            "{\"a\":1,\"b\":[true,null,-2,18446744073709551615],"
            "\"c\":{},\"d\":[],\"e\":\"x\",\"f\":0.5}",
        [JSON_WRITER_SPACED] =
            "{\"a\": 1, \"b\": [true, null, -2, 18446744073709551615], "
            "\"c\": {}, \"d\": [], \"e\": \"x\", \"f\": 0.5}",
        [JSON_WRITER_PRETTY] =
            "{\n"
            "    \"a\": 1,\n"
            "    \"b\": [\n"
            "        true,\n"
            "        null,\n"
            "        -2,\n"
            "        18446744073709551615\n"
            "    ],\n"
            "    \"c\": {},\n"
            "    \"d\": [],\n"
            "    \"e\": \"x\",\n"
            "    \"f\": 0.5\n"
            "}",
    };

    for (int style = 0; style < 3; style++) {
        JSONWriter *w = json_writer_new_style(style);
        GString *out;

        json_writer_start_object(w, NULL);
        json_writer_int64(w, "a", 1);
        json_writer_start_list(w, "b");
        json_writer_bool(w, NULL, true);
        json_writer_null(w, NULL);
        json_writer_int64(w, NULL, -2);
        json_writer_uint64(w, NULL, UINT64_MAX);
        json_writer_end_list(w);
        json_writer_start_object(w, "c");
        json_writer_end_object(w);
        json_writer_start_list(w, "d");
        json_writer_end_list(w);
        json_writer_str(w, "e", "x");
        json_writer_double(w, "f", 0.5);
        json_writer_end_object(w);
        g_assert_cmpstr(json_writer_get(w), ==, expected[style]);
        out = json_writer_get_and_free(w);
        g_assert_cmpstr(out->str, ==, expected[style]);
        g_string_free(out, true);
    }

    /* The bool constructor and the spaced shorthand. */
    {
        g_autoptr(JSONWriter) c = json_writer_new(false);
        g_autoptr(JSONWriter) s = json_writer_new_spaced();

        json_writer_start_list(c, NULL);
        json_writer_int64(c, NULL, 1);
        json_writer_int64(c, NULL, 2);
        json_writer_end_list(c);
        g_assert_cmpstr(json_writer_get(c), ==, "[1,2]");
        json_writer_start_object(s, NULL);
        json_writer_int64(s, "k", 1);
        json_writer_int64(s, "l", 2);
        json_writer_end_object(s);
        g_assert_cmpstr(json_writer_get(s), ==, "{\"k\": 1, \"l\": 2}");
    }
}

static void check_str_output(const char *in, const char *out)
{
    g_autoptr(JSONWriter) w = json_writer_new(false);

    json_writer_str(w, NULL, in);
    g_assert_cmpstr(json_writer_get(w), ==, out);
}

static void test_writer_strings(void)
{
    check_str_output("", "\"\"");
    check_str_output("\"\\/\b\f\n\r\t", "\"\\\"\\\\/\\b\\f\\n\\r\\t\"");
    check_str_output("\x01\x1f\x7f", "\"\\u0001\\u001F\\u007F\"");
    check_str_output("\xc3\xa9\xe2\x82\xac", "\"\\u00E9\\u20AC\"");
    check_str_output("\xf0\x9f\x98\x80", "\"\\uD83D\\uDE00\"");
    check_str_output("a\xc0\x80" "b", "\"a\\u0000b\"");
    /* Invalid UTF-8 cannot leak into the output. */
    check_str_output("\xff", "\"\\uFFFD\"");
    check_str_output("\xe2\x82", "\"\\uFFFD\\uFFFD\"");
    check_str_output("\xed\xa0\x80", "\"\\uFFFD\\uFFFD\\uFFFD\"");
    check_str_output("\xe0\x80\xaf", "\"\\uFFFD\\uFFFD\\uFFFD\"");
    check_str_output("\xf4\x90\x80\x80", "\"\\uFFFD\\uFFFD\\uFFFD\\uFFFD\"");
}

static void check_double(double d, const char *out)
{
    g_autoptr(JSONWriter) w = json_writer_new(false);

    json_writer_double(w, NULL, d);
    g_assert_cmpstr(json_writer_get(w), ==, out);
}

static void test_writer_doubles(void)
{
    check_double(0.0, "0.0");
    check_double(-0.0, "-0.0");
    check_double(1.0, "1.0");
    check_double(0.1, "0.1");
    check_double(1e300, "1e+300");
    check_double(0.1 + 0.2, "0.30000000000000004");
    check_double(123456789012345680.0, "1.2345678901234568e+17");
    check_double(INFINITY, "null");
    check_double(NAN, "null");

    /* Doubles come back as doubles, bit for bit. */
    static const double values[] = {
        0.0, -0.0, 1.0, 0.1, 1.0 / 3, 5e-324, 1.7976931348623157e308,
        -2.2250738585072014e-308, 4503599627370496.5, 9007199254740993.0,
    };
    for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
        g_autoptr(QObject) obj = QOBJECT(qnum_from_double(values[i]));
        g_autofree char *text = to_json(obj);
        g_autoptr(QObject) back = parse_ok(text);
        QNum *qn = qobject_to(QNum, back);

        g_assert_cmpint(qn->value.kind, ==, QNUM_DOUBLE);
        g_assert_true(memcmp(&qn->value.u.dbl, &values[i],
                             sizeof(double)) == 0);
    }
}

static void test_large_document(void)
{
    GString *doc = g_string_new("[");
    g_autoptr(QObject) obj = NULL;
    GString *out;

    /* About 6 MB: objects with strings, numbers, nested lists. */
    for (int i = 0; i < 60000; i++) {
        g_string_append_printf(doc, "%s{\"id\": %d, \"name\": \"device-%d "
                               "with a longish name\", \"ratio\": %d.25, "
                               "\"tags\": [\"a\", \"b\", null, true], "
                               "\"nested\": {\"x\": -%d}}",
                               i ? ", " : "", i, i, i, i + 1);
    }
    g_string_append_c(doc, ']');
    g_assert_cmpuint(doc->len, >, 5 * 1000 * 1000);
    obj = parse_ok(doc->str);
    g_assert_cmpuint(qlist_size(qobject_to(QList, obj)), ==, 60000);
    out = qobject_to_json(obj);
    /* Our writer uses the same separators, so the text is identical. */
    g_assert_true(g_str_equal(out->str, doc->str));
    g_string_free(out, true);
    g_string_free(doc, true);
}

static void test_long_string(void)
{
    size_t n = 8 * 1024 * 1024;
    char *doc = g_malloc(n + 3);
    g_autoptr(QObject) obj = NULL;

    doc[0] = '"';
    memset(doc + 1, 'x', n);
    doc[n + 1] = '"';
    doc[n + 2] = 0;
    obj = parse_ok(doc);
    g_assert_cmpuint(qstring_get_length(qobject_to(QString, obj)), ==, n);
    g_free(doc);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/json/scalars", test_scalars);
    g_test_add_func("/json/numbers", test_numbers);
    g_test_add_func("/json/strings", test_strings);
    g_test_add_func("/json/containers", test_containers);
    g_test_add_func("/json/key_order", test_key_order_preserved);
    g_test_add_func("/json/errors", test_errors);
    g_test_add_func("/json/nesting_limit", test_nesting_limit);
    g_test_add_func("/json/interpolation", test_interpolation);
    g_test_add_func("/json/writer/styles", test_writer_styles);
    g_test_add_func("/json/writer/strings", test_writer_strings);
    g_test_add_func("/json/writer/doubles", test_writer_doubles);
    g_test_add_func("/json/large_document", test_large_document);
    g_test_add_func("/json/long_string", test_long_string);
    return g_test_run();
}
