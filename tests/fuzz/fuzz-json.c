/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the JSON parser and writer.
 *
 * Checks, for arbitrary bytes:
 * - the streamer never crashes, leaks or misbehaves (ASan/LSan);
 * - feeding the input in two chunks, split at a point the input picks,
 *   or byte by byte, gives exactly the same values and errors as one feed;
 * - every value written back (compact, spaced and pretty) parses to an
 *   equal value;
 * - qobject_from_json() on the input (as a C string) agrees with the
 *   streamer: it succeeds exactly when the stream holds one value and no
 *   error.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qobject/json-parser.h"
#include "qobject/json-writer.h"
#include "qobject/qjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct Events {
    GString *log;           /* one line per emit */
    int values, errors;
    QObject *last;
} Events;

static void check_round_trip(QObject *obj)
{
    g_autoptr(GString) spaced = qobject_to_json(obj);
    g_autoptr(GString) pretty = qobject_to_json_pretty(obj, true);
    QObject *again;

    again = qobject_from_json(spaced->str, &error_abort);
    if (!qobject_is_equal(obj, again)) {
        /* NaN is the only value unequal to itself, and JSON has none. */
        g_error("round trip changed the value: %s", spaced->str);
    }
    qobject_unref(again);
    again = qobject_from_json(pretty->str, &error_abort);
    assert(qobject_is_equal(obj, again));
    qobject_unref(again);
}

static void emit(void *opaque, QObject *json, Error *err)
{
    Events *ev = opaque;

    if (json) {
        g_autoptr(GString) text = qobject_to_json(json);

        check_round_trip(json);
        g_string_append_printf(ev->log, "V %s\n", text->str);
        ev->values++;
        qobject_unref(ev->last);
        ev->last = json;
    } else {
        g_string_append_printf(ev->log, "E %s\n", error_get_pretty(err));
        ev->errors++;
        error_free(err);
    }
}

/* Feed @data in pieces ending at the offsets in @cuts, then flush. */
static void run_stream(Events *ev, const uint8_t *data, size_t size,
                       const size_t *cuts, size_t ncuts)
{
    JSONMessageParser parser;
    size_t pos = 0;

    ev->log = g_string_new(NULL);
    json_message_parser_init(&parser, emit, ev, NULL);
    for (size_t i = 0; i <= ncuts; i++) {
        size_t end = i < ncuts ? MIN(cuts[i], size) : size;

        if (end > pos) {
            json_message_parser_feed(&parser, (const char *)data + pos,
                                     end - pos);
            pos = end;
        }
    }
    json_message_parser_flush(&parser);
    json_message_parser_destroy(&parser);
}

static void events_free(Events *ev)
{
    g_string_free(ev->log, true);
    qobject_unref(ev->last);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Events whole = { 0 }, split = { 0 };
    g_autofree char *str = NULL;
    Error *err = NULL;
    QObject *obj;
    size_t cut;

    run_stream(&whole, data, size, NULL, 0);

    cut = size ? data[0] * size / 256 : 0;
    run_stream(&split, data, size, &cut, 1);
    if (strcmp(whole.log->str, split.log->str)) {
        g_error("split at %zu changed the result:\n%s---\n%s", cut,
                whole.log->str, split.log->str);
    }
    events_free(&split);

    if (size <= 512) {
        g_autofree size_t *cuts = g_new(size_t, size + 1);
        Events bytes = { 0 };

        for (size_t i = 0; i <= size; i++) {
            cuts[i] = i;
        }
        run_stream(&bytes, data, size, cuts, size + 1);
        assert(!strcmp(whole.log->str, bytes.log->str));
        events_free(&bytes);
    }

    str = g_strndup((const char *)data, size);
    obj = qobject_from_json(str, &err);
    assert(!obj != !err);
    if (obj) {
        check_round_trip(obj);
    }
    if (strlen(str) == size) {
        /* Same input: the one-value parser agrees with the streamer. */
        assert(!!obj == (whole.values == 1 && whole.errors == 0));
        if (obj) {
            assert(qobject_is_equal(obj, whole.last));
        }
    }
    qobject_unref(obj);
    error_free(err);
    events_free(&whole);
    return 0;
}
