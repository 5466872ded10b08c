/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSONWriter: streaming JSON text output into a GString.
 */
#include "qemu/osdep.h"
#include <math.h>
#include "qobject/json-writer.h"

struct JSONWriter {
    JSONWriterStyle style;
    bool need_comma;
    GString *contents;
    GByteArray *stack;          /* per open container: 1 object, 0 list */
};

JSONWriter *json_writer_new_style(JSONWriterStyle style)
{
    JSONWriter *writer = g_new(JSONWriter, 1);

    writer->style = style;
    writer->need_comma = false;
    writer->contents = g_string_new(NULL);
    writer->stack = g_byte_array_new();
    return writer;
}

JSONWriter *json_writer_new(bool pretty)
{
    return json_writer_new_style(pretty ? JSON_WRITER_PRETTY
                                        : JSON_WRITER_COMPACT);
}

JSONWriter *json_writer_new_spaced(void)
{
    return json_writer_new_style(JSON_WRITER_SPACED);
}

const char *json_writer_get(JSONWriter *writer)
{
    return writer->contents->str;
}

GString *json_writer_get_and_free(JSONWriter *writer)
{
    GString *contents = writer->contents;

    writer->contents = NULL;
    json_writer_free(writer);
    return contents;
}

void json_writer_free(JSONWriter *writer)
{
    if (!writer) {
        return;
    }
    if (writer->contents) {
        g_string_free(writer->contents, true);
    }
    g_byte_array_free(writer->stack, true);
    g_free(writer);
}

static bool in_object(JSONWriter *writer)
{
    return writer->stack->len && writer->stack->data[writer->stack->len - 1];
}

static void newline_indent(JSONWriter *writer)
{
    g_string_append_c(writer->contents, '\n');
    for (guint i = 0; i < writer->stack->len; i++) {
        g_string_append(writer->contents, "    ");
    }
}

/*
 * Append @str as a JSON string.  The output is ASCII: everything else is
 * a \u escape.  0xC0 0x80 (our encoding of U+0000) gives \u0000; bytes
 * that are not valid UTF-8 give \uFFFD each.
 */
static void quoted_str(GString *out, const char *str)
{
    const unsigned char *p = (const unsigned char *)str;

    g_string_append_c(out, '"');
    while (*p) {
        const unsigned char *run = p;
        uint32_t cp;
        int need;

        while (*p >= 0x20 && *p < 0x7F && *p != '"' && *p != '\\') {
            p++;
        }
        if (p > run) {
            g_string_append_len(out, (const char *)run, p - run);
            continue;
        }
        switch (*p) {
        case '"':
            g_string_append(out, "\\\"");
            p++;
            continue;
        case '\\':
            g_string_append(out, "\\\\");
            p++;
            continue;
        case '\b':
            g_string_append(out, "\\b");
            p++;
            continue;
        case '\f':
            g_string_append(out, "\\f");
            p++;
            continue;
        case '\n':
            g_string_append(out, "\\n");
            p++;
            continue;
        case '\r':
            g_string_append(out, "\\r");
            p++;
            continue;
        case '\t':
            g_string_append(out, "\\t");
            p++;
            continue;
        }
        if (*p < 0x80) {
            /* Other control characters and DEL. */
            g_string_append_printf(out, "\\u%04X", *p);
            p++;
            continue;
        }
        if (p[0] == 0xC0 && p[1] == 0x80) {
            g_string_append(out, "\\u0000");
            p += 2;
            continue;
        }
        /* Decode one UTF-8 sequence, strictly. */
        if (*p >= 0xC2 && *p <= 0xDF) {
            need = 1;
            cp = *p & 0x1F;
        } else if (*p >= 0xE0 && *p <= 0xEF) {
            need = 2;
            cp = *p & 0x0F;
        } else if (*p >= 0xF0 && *p <= 0xF4) {
            need = 3;
            cp = *p & 0x07;
        } else {
            need = -1;
            cp = 0;
        }
        run = p++;
        for (int i = 0; i < need; i++, p++) {
            if ((*p & 0xC0) != 0x80) {
                need = -1;
                break;
            }
            cp = (cp << 6) | (*p & 0x3F);
        }
        if (need < 0 || (need == 2 && cp < 0x800) ||
            (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF)) {
            g_string_append(out, "\\uFFFD");
            p = run + 1;
            continue;
        }
        if (cp > 0xFFFF) {
            cp -= 0x10000;
            g_string_append_printf(out, "\\u%04X\\u%04X",
                                   0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
        } else {
            g_string_append_printf(out, "\\u%04X", cp);
        }
    }
    g_string_append_c(out, '"');
}

static void comma_name(JSONWriter *writer, const char *name)
{
    assert(!name == !in_object(writer));
    if (writer->need_comma) {
        g_string_append_c(writer->contents, ',');
        if (writer->style == JSON_WRITER_SPACED) {
            g_string_append_c(writer->contents, ' ');
        }
    }
    if (writer->style == JSON_WRITER_PRETTY && writer->stack->len) {
        newline_indent(writer);
    }
    if (name) {
        quoted_str(writer->contents, name);
        g_string_append(writer->contents,
                        writer->style == JSON_WRITER_COMPACT ? ":" : ": ");
    }
}

static void start_container(JSONWriter *writer, const char *name,
                            bool object)
{
    uint8_t kind = object;

    comma_name(writer, name);
    g_string_append_c(writer->contents, object ? '{' : '[');
    g_byte_array_append(writer->stack, &kind, 1);
    writer->need_comma = false;
}

static void end_container(JSONWriter *writer, bool object)
{
    assert(writer->stack->len);
    assert(writer->stack->data[writer->stack->len - 1] == object);
    g_byte_array_set_size(writer->stack, writer->stack->len - 1);
    if (writer->style == JSON_WRITER_PRETTY && writer->need_comma) {
        newline_indent(writer);
    }
    g_string_append_c(writer->contents, object ? '}' : ']');
    writer->need_comma = true;
}

void json_writer_start_object(JSONWriter *writer, const char *name)
{
    start_container(writer, name, true);
}

void json_writer_end_object(JSONWriter *writer)
{
    end_container(writer, true);
}

void json_writer_start_list(JSONWriter *writer, const char *name)
{
    start_container(writer, name, false);
}

void json_writer_end_list(JSONWriter *writer)
{
    end_container(writer, false);
}

void json_writer_bool(JSONWriter *writer, const char *name, bool val)
{
    comma_name(writer, name);
    g_string_append(writer->contents, val ? "true" : "false");
    writer->need_comma = true;
}

void json_writer_null(JSONWriter *writer, const char *name)
{
    comma_name(writer, name);
    g_string_append(writer->contents, "null");
    writer->need_comma = true;
}

void json_writer_int64(JSONWriter *writer, const char *name, int64_t val)
{
    comma_name(writer, name);
    g_string_append_printf(writer->contents, "%" PRId64, val);
    writer->need_comma = true;
}

void json_writer_uint64(JSONWriter *writer, const char *name, uint64_t val)
{
    comma_name(writer, name);
    g_string_append_printf(writer->contents, "%" PRIu64, val);
    writer->need_comma = true;
}

void json_writer_double(JSONWriter *writer, const char *name, double val)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    static const char *const formats[] = { "%.15g", "%.16g", "%.17g" };

    comma_name(writer, name);
    writer->need_comma = true;
    if (!isfinite(val)) {
        g_string_append(writer->contents, "null");
        return;
    }
    /* The shortest form that reads back exactly. */
    for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
        g_ascii_formatd(buf, sizeof(buf), formats[i], val);
        if (g_ascii_strtod(buf, NULL) == val) {
            break;
        }
    }
    g_string_append(writer->contents, buf);
    /* Keep it a double when read back. */
    if (!strpbrk(buf, ".eE")) {
        g_string_append(writer->contents, ".0");
    }
}

void json_writer_str(JSONWriter *writer, const char *name, const char *str)
{
    comma_name(writer, name);
    quoted_str(writer->contents, str);
    writer->need_comma = true;
}
