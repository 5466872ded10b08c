/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QObject <-> JSON text: qobject_from_json() and friends on top of the
 * streaming parser, qobject_to_json() on top of JSONWriter.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qobject/json-writer.h"
#include "qobject/qbool.h"
#include "qobject/qdict.h"
#include "qobject/qjson.h"
#include "qobject/qlist.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"
#include "json-parser-int.h"

typedef struct JSONParsingState {
    JSONMessageParser parser;
    QObject *result;
    Error *err;
    bool seen;
} JSONParsingState;

static void consume_json(void *opaque, QObject *json, Error *err)
{
    JSONParsingState *s = opaque;

    if (s->seen) {
        /* Something after the value: one value is all we take. */
        qobject_unref(json);
        error_free(err);
        if (!s->err) {
            qobject_unref(s->result);
            s->result = NULL;
            error_setg(&s->err, "JSON parse error, expecting end of input "
                       "after the value at offset %" PRIu64,
                       json_message_parser_last_start(&s->parser));
        }
        json_message_parser_stop(&s->parser);
        return;
    }
    s->seen = true;
    s->result = json;
    s->err = err;
    if (err) {
        json_message_parser_stop(&s->parser);
    }
}

static QObject *qobject_from_jsonv(const char *string, va_list *ap,
                                   Error **errp)
{
    JSONParsingState s = { 0 };
    size_t len = strlen(string);

    json_message_parser_init(&s.parser, consume_json, &s, ap);
    json_message_parser_feed(&s.parser, string, len);
    json_message_parser_flush(&s.parser);
    json_message_parser_destroy(&s.parser);

    if (!s.seen) {
        error_setg(&s.err, "JSON parse error, expecting value, got end of "
                   "input at offset %zu", len);
    }
    if (s.err) {
        assert(!s.result);
        error_propagate(errp, s.err);
        return NULL;
    }
    return s.result;
}

QObject *qobject_from_json(const char *string, Error **errp)
{
    return qobject_from_jsonv(string, NULL, errp);
}

QObject *qobject_from_vjsonf_nofail(const char *string, va_list ap)
{
    va_list ap_copy;
    QObject *obj;

    /* va_copy so that va_arg() through a pointer is well defined. */
    va_copy(ap_copy, ap);
    obj = qobject_from_jsonv(string, &ap_copy, &error_abort);
    va_end(ap_copy);
    assert(obj);
    return obj;
}

QObject *qobject_from_jsonf_nofail(const char *string, ...)
{
    QObject *obj;
    va_list ap;

    va_start(ap, string);
    obj = qobject_from_vjsonf_nofail(string, ap);
    va_end(ap);
    return obj;
}

QDict *qdict_from_vjsonf_nofail(const char *string, va_list ap)
{
    QDict *qdict = qobject_to(QDict, qobject_from_vjsonf_nofail(string, ap));

    assert(qdict);
    return qdict;
}

QDict *qdict_from_jsonf_nofail(const char *string, ...)
{
    QDict *qdict;
    va_list ap;

    va_start(ap, string);
    qdict = qdict_from_vjsonf_nofail(string, ap);
    va_end(ap);
    return qdict;
}

static void to_json(JSONWriter *writer, const char *name, const QObject *obj)
{
    switch (qobject_type(obj)) {
    case QTYPE_QNULL:
        json_writer_null(writer, name);
        break;
    case QTYPE_QNUM: {
        QNum *qn = qobject_to(QNum, obj);

        switch (qn->value.kind) {
        case QNUM_I64:
            json_writer_int64(writer, name, qn->value.u.i64);
            break;
        case QNUM_U64:
            json_writer_uint64(writer, name, qn->value.u.u64);
            break;
        case QNUM_DOUBLE:
            json_writer_double(writer, name, qn->value.u.dbl);
            break;
        }
        break;
    }
    case QTYPE_QSTRING:
        json_writer_str(writer, name,
                        qstring_get_str(qobject_to(QString, obj)));
        break;
    case QTYPE_QDICT: {
        QDict *dict = qobject_to(QDict, obj);
        const QDictEntry *e;

        json_writer_start_object(writer, name);
        for (e = qdict_first(dict); e; e = qdict_next(dict, e)) {
            to_json(writer, qdict_entry_key(e), qdict_entry_value(e));
        }
        json_writer_end_object(writer);
        break;
    }
    case QTYPE_QLIST: {
        QList *list = qobject_to(QList, obj);
        const QListEntry *e;

        json_writer_start_list(writer, name);
        for (e = qlist_first(list); e; e = qlist_next(e)) {
            to_json(writer, NULL, qlist_entry_obj(e));
        }
        json_writer_end_list(writer);
        break;
    }
    case QTYPE_QBOOL:
        json_writer_bool(writer, name, qbool_get_bool(qobject_to(QBool, obj)));
        break;
    default:
        g_assert_not_reached();
    }
}

GString *qobject_to_json_pretty(const QObject *obj, bool pretty)
{
    JSONWriter *writer = json_writer_new_style(pretty ? JSON_WRITER_PRETTY
                                                      : JSON_WRITER_SPACED);

    to_json(writer, NULL, obj);
    return json_writer_get_and_free(writer);
}

GString *qobject_to_json(const QObject *obj)
{
    return qobject_to_json_pretty(obj, false);
}
