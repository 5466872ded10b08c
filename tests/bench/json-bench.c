/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON throughput: parse and write a generated multi-megabyte document,
 * and parse a stream of 10,000 QMP-like messages fed in socket-sized
 * chunks.  Prints MB/s (1 MB = 10^6 bytes).  Not a test: no assertions
 * on speed, run by hand or by `make bench`.
 *
 *   json-bench [-m MEGABYTES] [-n MESSAGES] [-r REPEAT]
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qobject/json-parser.h"
#include "qobject/qjson.h"
#include "qobject/qlist.h"

static GString *make_document(size_t target)
{
    GString *s = g_string_new("{\"page_size\": 4096, \"devices\": [");
    int i = 0;

    while (s->len < target) {
        g_string_append_printf(s,
            "%s{\"name\": \"device-%d\", \"instance_id\": %d, "
            "\"version\": 4, \"ratio\": %d.125, \"desc\": \"caf\xc3\xa9 "
            "\\u00e9 \\n line: a description long enough that a real "
            "vmdesc or QMP reply would carry, with some words in it "
            "(about 3 bytes of text per token overall)\", "
            "\"fields\": [{\"name\": \"regs\", "
            "\"type\": \"uint64\", \"size\": 8, \"array_len\": 16}, "
            "{\"name\": \"flag\", \"type\": \"bool\", \"size\": 1, "
            "\"present\": true, \"opt\": null}]}",
            i ? ", " : "", i, i, i);
        i++;
    }
    g_string_append(s, "]}");
    return s;
}

static GString *make_stream(int n)
{
    GString *s = g_string_new(NULL);

    for (int i = 0; i < n; i++) {
        g_string_append_printf(s, "{\"execute\": \"migrate-set-parameters\", "
                               "\"arguments\": {\"max-bandwidth\": %d, "
                               "\"downtime-limit\": 300, \"tls-creds\": "
                               "\"tls0\"}, \"id\": %d}\r\n", i * 1000, i);
    }
    return s;
}

static void count_emit(void *opaque, QObject *json, Error *err)
{
    int *count = opaque;

    assert(json && !err);
    qobject_unref(json);
    (*count)++;
}

static double mbps(size_t bytes, gint64 usecs)
{
    return usecs ? (double)bytes / usecs : 0.0;
}

int main(int argc, char **argv)
{
    int megabytes = 8, messages = 10000, repeat = 3;
    GOptionEntry entries[] = {
        { "megabytes", 'm', 0, G_OPTION_ARG_INT, &megabytes,
          "size of the document (above ~12 it hits the parser's "
          "2 Mi token limit)", "MB" },
        { "messages", 'n', 0, G_OPTION_ARG_INT, &messages,
          "messages in the stream", "N" },
        { "repeat", 'r', 0, G_OPTION_ARG_INT, &repeat,
          "runs; the best is reported", "N" },
        { NULL }
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new(NULL);
    g_autoptr(GError) gerr = NULL;
    GString *doc, *stream;
    gint64 best_parse = G_MAXINT64, best_write = G_MAXINT64;
    gint64 best_stream = G_MAXINT64;
    size_t out_len = 0;

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &gerr)) {
        fprintf(stderr, "json-bench: %s\n", gerr->message);
        return 1;
    }
    doc = make_document((size_t)megabytes * 1000 * 1000);
    stream = make_stream(messages);

    for (int r = 0; r < repeat; r++) {
        JSONMessageParser parser;
        QObject *obj;
        GString *out;
        gint64 t0, t1, t2;
        int count = 0;

        t0 = g_get_monotonic_time();
        obj = qobject_from_json(doc->str, &error_abort);
        t1 = g_get_monotonic_time();
        out = qobject_to_json(obj);
        t2 = g_get_monotonic_time();
        best_parse = MIN(best_parse, t1 - t0);
        best_write = MIN(best_write, t2 - t1);
        out_len = out->len;
        g_string_free(out, true);
        qobject_unref(obj);

        json_message_parser_init(&parser, count_emit, &count, NULL);
        t0 = g_get_monotonic_time();
        for (size_t pos = 0; pos < stream->len; pos += 4096) {
            json_message_parser_feed(&parser, stream->str + pos,
                                     MIN(4096, stream->len - pos));
        }
        json_message_parser_flush(&parser);
        best_stream = MIN(best_stream, g_get_monotonic_time() - t0);
        json_message_parser_destroy(&parser);
        assert(count == messages);
    }
    printf("json-bench: best of %d runs, 1 MB = 10^6 bytes\n", repeat);
    printf("parse document:  %8.1f MB/s (%zu bytes)\n",
           mbps(doc->len, best_parse), doc->len);
    printf("write document:  %8.1f MB/s (%zu bytes)\n",
           mbps(out_len, best_write), out_len);
    printf("parse stream:    %8.1f MB/s (%d messages, %.2f us each)\n",
           mbps(stream->len, best_stream), messages,
           (double)best_stream / messages);
    g_string_free(doc, true);
    g_string_free(stream, true);
    return 0;
}
