/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runs the JSON corpus in json-corpus/ (located through G_TEST_SRCDIR):
 * every valid/NAME.json must survive parse -> write -> parse (compact and
 * pretty) and parse the same when streamed in small chunks; every
 * invalid/NAME.json must fail with the message fragment in its .err file.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qobject/json-parser.h"
#include "qobject/qjson.h"

static char *corpus_dir(const char *sub)
{
    return g_test_build_filename(G_TEST_DIST, "json-corpus", sub, NULL);
}

static char *read_file(const char *path, size_t *len)
{
    g_autoptr(GError) gerr = NULL;
    char *data;

    if (!g_file_get_contents(path, &data, len, &gerr)) {
        g_error("%s", gerr->message);
    }
    /* The parser API takes C strings: no NUL inside the corpus. */
    g_assert_cmpuint(strlen(data), ==, *len);
    return data;
}

typedef struct {
    QObject *obj;
    int values, errors;
} StreamResult;

static void stream_emit(void *opaque, QObject *json, Error *err)
{
    StreamResult *r = opaque;

    if (json) {
        r->values++;
        qobject_unref(r->obj);
        r->obj = json;
    } else {
        r->errors++;
        error_free(err);
    }
}

static void test_valid(const void *opaque)
{
    const char *path = opaque;
    size_t len;
    g_autofree char *text = read_file(path, &len);
    g_autoptr(QObject) obj = qobject_from_json(text, &error_abort);
    g_autoptr(GString) out = qobject_to_json(obj);
    g_autoptr(GString) pretty = qobject_to_json_pretty(obj, true);
    g_autoptr(QObject) again = qobject_from_json(out->str, &error_abort);
    g_autoptr(QObject) again_pretty = qobject_from_json(pretty->str,
                                                        &error_abort);
    g_autoptr(GString) out2 = qobject_to_json(again);
    JSONMessageParser parser;
    StreamResult r = { 0 };

    g_assert_true(qobject_is_equal(obj, again));
    g_assert_true(qobject_is_equal(obj, again_pretty));
    /* Writing is deterministic: a second round gives the same text. */
    g_assert_cmpstr(out->str, ==, out2->str);

    json_message_parser_init(&parser, stream_emit, &r, NULL);
    for (size_t i = 0; i < len; i += 7) {
        json_message_parser_feed(&parser, text + i, MIN(7, len - i));
    }
    json_message_parser_flush(&parser);
    json_message_parser_destroy(&parser);
    g_assert_cmpint(r.errors, ==, 0);
    g_assert_cmpint(r.values, ==, 1);
    g_assert_true(qobject_is_equal(obj, r.obj));
    qobject_unref(r.obj);
}

static void test_invalid(const void *opaque)
{
    const char *path = opaque;
    g_autofree char *err_path = g_strdup(path);
    g_autofree char *text = NULL;
    g_autofree char *expected = NULL;
    Error *err = NULL;
    size_t len;

    strcpy(err_path + strlen(err_path) - strlen(".json"), ".err");
    text = read_file(path, &len);
    expected = read_file(err_path, &len);
    g_strchomp(expected);
    g_assert_cmpstr(expected, !=, "");

    g_assert_null(qobject_from_json(text, &err));
    g_assert_nonnull(err);
    if (!strstr(error_get_pretty(err), expected)) {
        g_printerr("%s: got \"%s\", wanted \"%s\"\n", path,
                   error_get_pretty(err), expected);
        g_assert_not_reached();
    }
    error_free(err);
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Register one test per corpus file, sorted for a stable order. */
static int add_tests(const char *sub, GTestDataFunc fn)
{
    g_autofree char *dir_path = corpus_dir(sub);
    g_autoptr(GError) gerr = NULL;
    GDir *dir = g_dir_open(dir_path, 0, &gerr);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    int n = 0;

    if (!dir) {
        g_error("cannot open the corpus: %s (is G_TEST_SRCDIR set?)",
                gerr->message);
    }
    while ((name = g_dir_read_name(dir))) {
        if (g_str_has_suffix(name, ".json")) {
            g_ptr_array_add(names, g_strdup(name));
        }
    }
    g_dir_close(dir);
    g_ptr_array_sort(names, compare_names);
    for (guint i = 0; i < names->len; i++) {
        const char *file = g_ptr_array_index(names, i);
        g_autofree char *test_path = g_strdup_printf("/json-corpus/%s/%.*s",
                                                     sub,
                                                     (int)strlen(file) - 5,
                                                     file);

        /* GLib frees the file name after the test has run. */
        g_test_add_data_func_full(test_path,
                                  g_build_filename(dir_path, file, NULL),
                                  fn, g_free);
        n++;
    }
    g_ptr_array_free(names, true);
    return n;
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_assert_cmpint(add_tests("valid", test_valid), >=, 20);
    g_assert_cmpint(add_tests("invalid", test_invalid), >=, 40);
    return g_test_run();
}
