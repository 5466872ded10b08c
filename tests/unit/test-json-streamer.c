/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests for JSONMessageParser: messages split across chunks at every
 * byte, many messages per chunk, recovery after errors, the limits, and
 * long streams.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qobject/json-parser.h"
#include "qobject/qdict.h"
#include "qobject/qjson.h"
#include "qobject/qlist.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"

/* What the emit callback saw: QObjects, or QString "ERROR: <msg>". */
typedef struct Collector {
    JSONMessageParser parser;
    GPtrArray *values;          /* of QObject * */
    GPtrArray *errors;          /* of char *, NULL entry where a value */
    GPtrArray *order;           /* "v" or "e" per emit, as a string */
} Collector;

static void collect(void *opaque, QObject *json, Error *err)
{
    Collector *c = opaque;

    g_assert((json == NULL) != (err == NULL));
    if (json) {
        g_ptr_array_add(c->values, json);
        g_ptr_array_add(c->order, g_strdup("v"));
    } else {
        g_ptr_array_add(c->errors, g_strdup(error_get_pretty(err)));
        g_ptr_array_add(c->order, g_strdup("e"));
        error_free(err);
    }
}

static void collector_init(Collector *c)
{
    c->values = g_ptr_array_new_with_free_func(
        (GDestroyNotify)qobject_unref_impl);
    c->errors = g_ptr_array_new_with_free_func(g_free);
    c->order = g_ptr_array_new_with_free_func(g_free);
    json_message_parser_init(&c->parser, collect, c, NULL);
}

static void collector_destroy(Collector *c)
{
    json_message_parser_destroy(&c->parser);
    g_ptr_array_free(c->values, true);
    g_ptr_array_free(c->errors, true);
    g_ptr_array_free(c->order, true);
}

static char *order_string(Collector *c)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < c->order->len; i++) {
        g_string_append(s, g_ptr_array_index(c->order, i));
    }
    return g_string_free(s, false);
}

static void feed_str(Collector *c, const char *s)
{
    json_message_parser_feed(&c->parser, s, strlen(s));
}

static QObject *value(Collector *c, guint i)
{
    g_assert_cmpuint(i, <, c->values->len);
    return g_ptr_array_index(c->values, i);
}

static void assert_error(Collector *c, guint i, const char *substr)
{
    const char *msg;

    g_assert_cmpuint(i, <, c->errors->len);
    msg = g_ptr_array_index(c->errors, i);
    if (!strstr(msg, substr)) {
        g_printerr("error %u is \"%s\", wanted \"%s\"\n", i, msg, substr);
        g_assert_not_reached();
    }
}

static const char *const split_docs[] = {
    "{\"execute\": \"qmp_capabilities\", \"id\": 1}",
    "{\"s\": \"caf\xc3\xa9 \xf0\x9f\x98\x80 \\ud83d\\ude00 \\u00e9 \\n\\\"\"}",
    "[1, -2.5e3, 18446744073709551615, true, false, null, {}, []]",
    "{'single': 'q\\'s'}",
    "\"just a string\"",
    "-123.456e-7 ",
    "true ",
};

/* Every split point of every document gives the same value. */
static void test_split_everywhere(void)
{
    for (size_t d = 0; d < ARRAY_SIZE(split_docs); d++) {
        const char *doc = split_docs[d];
        size_t len = strlen(doc);
        g_autoptr(QObject) expected = qobject_from_json(doc, &error_abort);

        for (size_t cut = 0; cut <= len; cut++) {
            Collector c;

            collector_init(&c);
            json_message_parser_feed(&c.parser, doc, cut);
            json_message_parser_feed(&c.parser, doc + cut, len - cut);
            json_message_parser_flush(&c.parser);
            g_assert_cmpuint(c.errors->len, ==, 0);
            g_assert_cmpuint(c.values->len, ==, 1);
            g_assert_true(qobject_is_equal(value(&c, 0), expected));
            collector_destroy(&c);
        }

        /* And one byte at a time. */
        {
            Collector c;

            collector_init(&c);
            for (size_t i = 0; i < len; i++) {
                json_message_parser_feed(&c.parser, doc + i, 1);
            }
            json_message_parser_flush(&c.parser);
            g_assert_cmpuint(c.values->len, ==, 1);
            g_assert_true(qobject_is_equal(value(&c, 0), expected));
            collector_destroy(&c);
        }
    }
}

static void test_many_per_feed(void)
{
    Collector c;
    g_autofree char *order = NULL;

    collector_init(&c);
    feed_str(&c, "{\"a\": 1}{\"b\": 2}\n[3] \"four\"\r\n\t5 ");
    /* 5 is complete: the space after it ends the number. */
    g_assert_cmpuint(c.values->len, ==, 5);
    feed_str(&c, "6");
    g_assert_cmpuint(c.values->len, ==, 5);
    json_message_parser_flush(&c.parser);
    g_assert_cmpuint(c.values->len, ==, 6);
    g_assert_cmpint(qdict_get_int(qobject_to(QDict, value(&c, 1)), "b"), ==, 2);
    g_assert_cmpstr(qobject_get_try_str(value(&c, 3)), ==, "four");
    g_assert_cmpint(qnum_get_int(qobject_to(QNum, value(&c, 5))), ==, 6);
    order = order_string(&c);
    g_assert_cmpstr(order, ==, "vvvvvv");
    collector_destroy(&c);
}

typedef struct {
    const char *stream;
    const char *order;      /* expected emits: v = value, e = error */
    const char *first_error;
} RecoveryCase;

static void test_recovery(void)
{
    static const RecoveryCase cases[] = {
        /* Grammar errors: skip to the end of the bad message. */
        { "{\"a\":1,}{\"ok\":1}", "ev", "trailing comma in object" },
        { "[1, 2 3]{\"ok\":1}", "ev", "expecting ',' or ']' in array" },
        { "{\"a\" 1, \"b\": {\"c\": [1]}}{\"ok\":1}", "ev",
          "expecting ':' after object key" },
        { "{\"a\": [1,]}{\"ok\":1}", "ev", "trailing comma in array" },
        /* Brackets inside strings of the bad message don't count. */
        { "{\"x\" 1, \"s\": \"{[{[\"}{\"ok\":1}", "ev", "expecting ':'" },
        /* Lexical errors. */
        { "{\"a\": \"\\q\"}{\"ok\":1}", "ev", "invalid escape '\\q'" },
        { "{\"a\": \"\\q {{{ \"}{\"ok\":1}", "ev", "invalid escape" },
        { "{\"a\": 01}{\"ok\":1}", "ev", "leading zeros" },
        { "{\"a\": tru}{\"ok\":1}", "ev", "invalid literal 'tru'" },
        { "{\"a\": \"\xc0\xaf\"}{\"ok\":1}", "ev", "invalid UTF-8" },
        { "\"\\q\" {\"ok\":1}", "ev", "invalid escape" },
        /* Two errors in one string are reported once. */
        { "\"\\q\\q\\ud800\xc0\" {\"ok\":1}", "ev", "invalid escape" },
        /* 0xFF can't be in UTF-8: even inside a string it resets. */
        { "\"abc\xff{\"ok\":1}", "ev", "invalid byte 0xff in string" },
        /* Stray closers are errors of their own. */
        { "}{\"ok\":1}", "ev", "expecting value, got '}'" },
        { "{\"ok\":1}]]", "vee", "expecting value, got ']'" },
        { "{\"a\":1}}{\"ok\":1}", "vev", "got '}'" },
        /* A newline in a string resets, the rest of the line is new. */
        { "{\"a\": \"unterminated\n{\"ok\":1}", "ev",
          "control character 0x0a in string" },
        /* ESC or 0xFF resets from anywhere. */
        { "[[[{\"a\": 1\x1b{\"ok\":1}", "ev",
          "invalid control character 0x1b" },
        { "[[[{\"a\": 1\xff{\"ok\":1}", "ev", "invalid byte 0xff" },
        { "{\"a\": [1,]\xff{\"ok\":1}", "ev", "trailing comma" },
        /* Too deep: one error, then the rest of the bad message is
         * skipped bracket by bracket. */
        { NULL, "ev", "nesting too deep (limit 1024)" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        Collector c;
        g_autofree char *order = NULL;
        g_autofree char *deep = NULL;
        const char *stream = cases[i].stream;

        if (!stream) {
            GString *s = g_string_new(NULL);

            for (int j = 0; j < 2000; j++) {
                g_string_append(s, "[{\"k\": ");
            }
            g_string_append(s, "0");
            for (int j = 0; j < 2000; j++) {
                g_string_append(s, "}]");
            }
            g_string_append(s, "{\"ok\":1}");
            stream = deep = g_string_free(s, false);
        }
        collector_init(&c);
        feed_str(&c, stream);
        json_message_parser_flush(&c.parser);
        order = order_string(&c);
        if (strcmp(order, cases[i].order)) {
            g_printerr("case %zu: emits %s, wanted %s\n", i, order,
                       cases[i].order);
            for (guint j = 0; j < c.errors->len; j++) {
                g_printerr("  %s\n", (char *)g_ptr_array_index(c.errors, j));
            }
            g_assert_not_reached();
        }
        assert_error(&c, 0, cases[i].first_error);
        if (g_str_has_suffix(cases[i].order, "v")) {
            g_assert_cmpint(qdict_get_int(qobject_to(QDict,
                value(&c, c.values->len - 1)), "ok"), ==, 1);
        }
        collector_destroy(&c);
    }
}

static void test_offsets_are_stream_offsets(void)
{
    Collector c;

    collector_init(&c);
    feed_str(&c, "{\"a\": 1}\n");       /* 9 bytes */
    feed_str(&c, "[1,]");               /* error at 9 + 3 */
    assert_error(&c, 0, "trailing comma in array at offset 12");
    collector_destroy(&c);
}

static void test_flush(void)
{
    Collector c;

    collector_init(&c);
    feed_str(&c, "[1, {\"a\": ");
    json_message_parser_flush(&c.parser);
    g_assert_cmpuint(c.errors->len, ==, 1);
    assert_error(&c, 0, "unexpected end of input at offset 10");
    /* Usable again after a flush. */
    feed_str(&c, "{\"b\": 2}");
    g_assert_cmpuint(c.values->len, ==, 1);
    feed_str(&c, "\"open");
    json_message_parser_flush(&c.parser);
    assert_error(&c, 1, "unterminated string");
    feed_str(&c, "nul");
    json_message_parser_flush(&c.parser);
    assert_error(&c, 2, "invalid literal 'nul'");
    /* Nothing pending: a flush says nothing. */
    json_message_parser_flush(&c.parser);
    g_assert_cmpuint(c.errors->len, ==, 3);
    collector_destroy(&c);
}

static GString *qmp_stream(int n)
{
    GString *s = g_string_new(NULL);

    for (int i = 0; i < n; i++) {
        g_string_append_printf(s, "{\"execute\": \"query-migrate\", "
                               "\"arguments\": {\"detail\": true, "
                               "\"name\": \"vm-%d\"}, \"id\": %d}\r\n", i, i);
    }
    return s;
}

static void check_qmp_values(Collector *c, int n)
{
    g_assert_cmpuint(c->errors->len, ==, 0);
    g_assert_cmpuint(c->values->len, ==, n);
    for (int i = 0; i < n; i++) {
        QDict *d = qobject_to(QDict, value(c, i));

        g_assert_cmpint(qdict_get_int(d, "id"), ==, i);
    }
}

static void test_ten_thousand(void)
{
    GString *s = qmp_stream(10000);
    Collector c;
    GRand *rand = g_rand_new_with_seed(42);
    size_t pos = 0;

    /* In one feed. */
    collector_init(&c);
    json_message_parser_feed(&c.parser, s->str, s->len);
    check_qmp_values(&c, 10000);
    collector_destroy(&c);

    /* In random chunks of 1 to 300 bytes, as a socket delivers them. */
    collector_init(&c);
    while (pos < s->len) {
        size_t n = MIN(s->len - pos, (size_t)g_rand_int_range(rand, 1, 300));

        json_message_parser_feed(&c.parser, s->str + pos, n);
        pos += n;
    }
    check_qmp_values(&c, 10000);
    collector_destroy(&c);

    g_rand_free(rand);
    g_string_free(s, true);
}

static void test_too_many_tokens(void)
{
    GString *s = g_string_new("[");
    Collector c;

    for (int i = 0; i < JSON_MAX_MESSAGE_TOKENS / 2 + 10; i++) {
        g_string_append(s, "0,");
    }
    g_string_append(s, "0]{\"ok\": 1}");
    collector_init(&c);
    json_message_parser_feed(&c.parser, s->str, s->len);
    g_assert_cmpuint(c.errors->len, ==, 1);
    assert_error(&c, 0, "too many tokens in message");
    g_assert_cmpuint(c.values->len, ==, 1);
    collector_destroy(&c);
    g_string_free(s, true);
}

static void test_message_too_large(void)
{
    size_t chunk = 1024 * 1024;
    char *buf = g_malloc(chunk);
    Collector c;

    memset(buf, 'x', chunk);
    collector_init(&c);
    feed_str(&c, "[\"");
    for (size_t i = 0; i < JSON_MAX_MESSAGE_SIZE / chunk + 2; i++) {
        json_message_parser_feed(&c.parser, buf, chunk);
    }
    g_assert_cmpuint(c.errors->len, ==, 1);
    assert_error(&c, 0, "message too large (limit 64 MiB)");
    /* The rest of the string and the message are skipped. */
    feed_str(&c, "\"]{\"ok\": 1}");
    g_assert_cmpuint(c.errors->len, ==, 1);
    g_assert_cmpuint(c.values->len, ==, 1);
    collector_destroy(&c);
    g_free(buf);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/json-streamer/split_everywhere", test_split_everywhere);
    g_test_add_func("/json-streamer/many_per_feed", test_many_per_feed);
    g_test_add_func("/json-streamer/recovery", test_recovery);
    g_test_add_func("/json-streamer/offsets", test_offsets_are_stream_offsets);
    g_test_add_func("/json-streamer/flush", test_flush);
    g_test_add_func("/json-streamer/ten_thousand", test_ten_thousand);
    g_test_add_func("/json-streamer/too_many_tokens", test_too_many_tokens);
    g_test_add_func("/json-streamer/message_too_large",
                    test_message_too_large);
    return g_test_run();
}
