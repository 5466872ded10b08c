/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Converting between QObjects and JSON text.
 *
 * Parsing accepts exactly one JSON value (surrounded by optional
 * whitespace); the rules and error messages are those of
 * json-parser.h.  Unlike QEMU, an empty or all-whitespace string is an
 * error, not a NULL result without one.
 *
 * Output is ASCII only: characters outside printable ASCII are written as
 * \uXXXX escapes (surrogate pairs above U+FFFF), invalid UTF-8 in a
 * QString as \uFFFD.  Doubles are written in the shortest form that reads
 * back to the same double and always with a '.' or an exponent, so
 * parse(write(x)) equals x.  Infinities and NaN have no JSON form and are
 * written as null.
 */
#ifndef QOBJECT_QJSON_H
#define QOBJECT_QJSON_H

#include "qobject/qobject.h"

QObject *qobject_from_json(const char *string, Error **errp);

/*
 * Parse with interpolation, for tests and literals built in C; aborts on
 * a parse error.  Outside strings, these directives are replaced by a
 * value taken from the arguments:
 *   %d (int), %ld (long), %lld (long long), %" PRId64 "   -> integer
 *   %u, %lu, %llu, %" PRIu64 "                           -> unsigned
 *   %i (int, as a bool)                                  -> true/false
 *   %f (double)                                          -> number
 *   %s (const char *)                                    -> string
 *   %p (QObject *, the reference is taken over)          -> that object
 * Inside strings, "%%" is a literal '%' and any other '%' is an error.
 * Single-quoted strings spare escaping the double quotes:
 *   qobject_from_jsonf_nofail("{'execute': %s, 'id': %d}", cmd, 42)
 */
QObject *qobject_from_jsonf_nofail(const char *string, ...)
    G_GNUC_PRINTF(1, 2);
QObject *qobject_from_vjsonf_nofail(const char *string, va_list ap)
    G_GNUC_PRINTF(1, 0);
/* The same, asserting that the result is a dict. */
QDict *qdict_from_jsonf_nofail(const char *string, ...) G_GNUC_PRINTF(1, 2);
QDict *qdict_from_vjsonf_nofail(const char *string, va_list ap)
    G_GNUC_PRINTF(1, 0);

/*
 * @obj as JSON on one line, with QEMU's separators ", " and ": " (so QMP
 * output looks exactly like QEMU's: {"return": {}}).
 */
GString *qobject_to_json(const QObject *obj);
/* Indented by four spaces per level if @pretty, else qobject_to_json(). */
GString *qobject_to_json_pretty(const QObject *obj, bool pretty);

#endif /* QOBJECT_QJSON_H */
