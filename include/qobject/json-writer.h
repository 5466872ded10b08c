/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSONWriter: emit JSON text directly, without building QObjects first
 * (the migration stream's vmdesc trailer is written with it).
 *
 * Calls must nest properly: start_object/end_object, start_list/end_list.
 * Inside an object every value needs a @name (its key); in a list and at
 * top level @name must be NULL.  Misuse is a programming error (assert).
 *
 * Layouts (JSONWriterStyle):
 *   JSON_WRITER_COMPACT  {"a":1,"b":[true,null]}          no spaces at all
 *   JSON_WRITER_SPACED   {"a": 1, "b": [true, null]}      Python json.dumps
 *                        separators; QEMU's non-pretty layout, used for
 *                        QMP output and the vmdesc trailer
 *   JSON_WRITER_PRETTY   one member per line, indented 4 spaces per
 *                        level, "key": value; empty containers as {} []
 * json_writer_new(pretty) is PRETTY or COMPACT.
 *
 * Strings are escaped as in qjson.h (ASCII-only output); doubles in the
 * shortest exact form, always with '.' or an exponent; non-finite doubles
 * as null.
 */
#ifndef QOBJECT_JSON_WRITER_H
#define QOBJECT_JSON_WRITER_H

typedef enum JSONWriterStyle {
    JSON_WRITER_COMPACT,
    JSON_WRITER_SPACED,
    JSON_WRITER_PRETTY,
} JSONWriterStyle;

typedef struct JSONWriter JSONWriter;

JSONWriter *json_writer_new(bool pretty);
JSONWriter *json_writer_new_style(JSONWriterStyle style);
/* Shorthand for json_writer_new_style(JSON_WRITER_SPACED). */
JSONWriter *json_writer_new_spaced(void);
/* The text so far; valid until the next call on @writer. */
const char *json_writer_get(JSONWriter *writer);
/* Free @writer and return its text (g_string_free it). */
GString *json_writer_get_and_free(JSONWriter *writer);
void json_writer_free(JSONWriter *writer);

void json_writer_start_object(JSONWriter *writer, const char *name);
void json_writer_end_object(JSONWriter *writer);
void json_writer_start_list(JSONWriter *writer, const char *name);
void json_writer_end_list(JSONWriter *writer);
void json_writer_bool(JSONWriter *writer, const char *name, bool val);
void json_writer_null(JSONWriter *writer, const char *name);
void json_writer_int64(JSONWriter *writer, const char *name, int64_t val);
void json_writer_uint64(JSONWriter *writer, const char *name, uint64_t val);
void json_writer_double(JSONWriter *writer, const char *name, double val);
void json_writer_str(JSONWriter *writer, const char *name, const char *str);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(JSONWriter, json_writer_free)

#endif /* QOBJECT_JSON_WRITER_H */
