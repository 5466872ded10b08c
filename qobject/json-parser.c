/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON push parser: consumes tokens one at a time and builds the QObject
 * as it goes, with an explicit stack instead of recursion, so a message
 * never has to be buffered and deep nesting cannot overflow the C stack.
 */
#include "qemu/osdep.h"
#include <math.h>
#include "qobject/qbool.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qnull.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"
#include "json-parser-int.h"

/* What the innermost open container expects next. */
typedef enum JSONParserExpect {
    EXPECT_ARRAY_FIRST,     /* after '[': value or ']' */
    EXPECT_ARRAY_VALUE,     /* after ',' */
    EXPECT_ARRAY_NEXT,      /* ',' or ']' */
    EXPECT_OBJECT_FIRST,    /* after '{': key or '}' */
    EXPECT_OBJECT_KEY,      /* after ',' */
    EXPECT_OBJECT_COLON,
    EXPECT_OBJECT_VALUE,
    EXPECT_OBJECT_NEXT,     /* ',' or '}' */
} JSONParserExpect;

struct JSONParserFrame {
    QObject *container;     /* QList or QDict */
    char *key;              /* object: key waiting for its value */
    JSONParserExpect expect;
};

void json_parser_init(JSONParser *parser, va_list *ap)
{
    parser->ap = ap;
    parser->stack = g_array_new(false, false, sizeof(JSONParserFrame));
    parser->result = NULL;
}

unsigned json_parser_depth(const JSONParser *parser)
{
    return parser->stack->len;
}

static JSONParserFrame *top(JSONParser *parser)
{
    if (!parser->stack->len) {
        return NULL;
    }
    return &g_array_index(parser->stack, JSONParserFrame,
                          parser->stack->len - 1);
}

void json_parser_reset(JSONParser *parser)
{
    guint i;

    for (i = 0; i < parser->stack->len; i++) {
        JSONParserFrame *f = &g_array_index(parser->stack, JSONParserFrame, i);

        g_free(f->key);
        /* Inner containers are also referenced by their parents. */
        qobject_unref(f->container);
    }
    g_array_set_size(parser->stack, 0);
    qobject_unref(parser->result);
    parser->result = NULL;
}

void json_parser_destroy(JSONParser *parser)
{
    json_parser_reset(parser);
    g_array_free(parser->stack, true);
}

QObject *json_parser_take(JSONParser *parser)
{
    QObject *obj = parser->result;

    parser->result = NULL;
    return obj;
}

char *json_token_describe(JSONTokenType type, const char *text)
{
    switch (type) {
    case JSON_LCURLY:
        return g_strdup("'{'");
    case JSON_RCURLY:
        return g_strdup("'}'");
    case JSON_LSQUARE:
        return g_strdup("'['");
    case JSON_RSQUARE:
        return g_strdup("']'");
    case JSON_COLON:
        return g_strdup("':'");
    case JSON_COMMA:
        return g_strdup("','");
    case JSON_STRING:
        return g_strdup("a string");
    case JSON_INTEGER:
    case JSON_FLOAT:
        return g_strdup_printf("number %.40s", text);
    case JSON_TRUE:
    case JSON_FALSE:
    case JSON_NULL:
    case JSON_INTERP:
        return g_strdup_printf("'%s'", text);
    default:
        return g_strdup("invalid input");
    }
}

static QObject *parse_integer(const char *text, char **errmsg)
{
    int64_t i;
    uint64_t u;
    double d;
    char *end;

    errno = 0;
    i = strtoll(text, &end, 10);
    if (!errno) {
        return QOBJECT(qnum_from_int(i));
    }
    if (text[0] != '-') {
        errno = 0;
        u = strtoull(text, &end, 10);
        if (!errno) {
            return QOBJECT(qnum_from_uint(u));
        }
    }
    /* Out of 64-bit range: a double, as QEMU does. */
    d = g_ascii_strtod(text, NULL);
    if (!isfinite(d)) {
        *errmsg = g_strdup_printf("number %.40s%s is out of range", text,
                                  strlen(text) > 40 ? "..." : "");
        return NULL;
    }
    return QOBJECT(qnum_from_double(d));
}

static QObject *parse_float(const char *text, char **errmsg)
{
    double d = g_ascii_strtod(text, NULL);

    if (!isfinite(d)) {
        *errmsg = g_strdup_printf("number %.40s%s is out of range", text,
                                  strlen(text) > 40 ? "..." : "");
        return NULL;
    }
    return QOBJECT(qnum_from_double(d));
}

static QObject *parse_interp(JSONParser *parser, const char *text,
                             char **errmsg)
{
    va_list *ap = parser->ap;
    const char *s;

    assert(ap);
    if (!strcmp(text, "%p")) {
        QObject *obj = va_arg(*ap, QObject *);
        assert(obj);
        return obj;
    } else if (!strcmp(text, "%i")) {
        return QOBJECT(qbool_from_bool(va_arg(*ap, int)));
    } else if (!strcmp(text, "%d")) {
        return QOBJECT(qnum_from_int(va_arg(*ap, int)));
    } else if (!strcmp(text, "%ld")) {
        return QOBJECT(qnum_from_int(va_arg(*ap, long)));
    } else if (!strcmp(text, "%lld")) {
        return QOBJECT(qnum_from_int(va_arg(*ap, long long)));
    } else if (!strcmp(text, "%" PRId64)) {
        return QOBJECT(qnum_from_int(va_arg(*ap, int64_t)));
    } else if (!strcmp(text, "%u")) {
        return QOBJECT(qnum_from_uint(va_arg(*ap, unsigned int)));
    } else if (!strcmp(text, "%lu")) {
        return QOBJECT(qnum_from_uint(va_arg(*ap, unsigned long)));
    } else if (!strcmp(text, "%llu")) {
        return QOBJECT(qnum_from_uint(va_arg(*ap, unsigned long long)));
    } else if (!strcmp(text, "%" PRIu64)) {
        return QOBJECT(qnum_from_uint(va_arg(*ap, uint64_t)));
    } else if (!strcmp(text, "%s")) {
        s = va_arg(*ap, const char *);
        assert(s);
        return QOBJECT(qstring_from_str(s));
    } else if (!strcmp(text, "%f")) {
        return QOBJECT(qnum_from_double(va_arg(*ap, double)));
    }
    *errmsg = g_strdup_printf("invalid interpolation '%s'", text);
    return NULL;
}

/* A value is complete: hand it to the enclosing container or finish. */
static JSONParseStatus add_value(JSONParser *parser, QObject *obj)
{
    JSONParserFrame *f = top(parser);

    if (!f) {
        parser->result = obj;
        return JSON_PARSE_DONE;
    }
    if (f->expect == EXPECT_OBJECT_VALUE) {
        /* qdict_put_obj copies the key; the frame's copy goes. */
        qdict_put_obj(qobject_to(QDict, f->container), f->key, obj);
        g_free(f->key);
        f->key = NULL;
        f->expect = EXPECT_OBJECT_NEXT;
    } else {
        qlist_append_obj(qobject_to(QList, f->container), obj);
        f->expect = EXPECT_ARRAY_NEXT;
    }
    return JSON_PARSE_MORE;
}

static JSONParseStatus open_container(JSONParser *parser, bool object,
                                      char **errmsg)
{
    JSONParserFrame f = { 0 };

    if (parser->stack->len >= JSON_MAX_NESTING) {
        *errmsg = g_strdup_printf("nesting too deep (limit %d)",
                                  JSON_MAX_NESTING);
        return JSON_PARSE_ERROR;
    }
    if (object) {
        f.container = QOBJECT(qdict_new());
        f.expect = EXPECT_OBJECT_FIRST;
    } else {
        f.container = QOBJECT(qlist_new());
        f.expect = EXPECT_ARRAY_FIRST;
    }
    /*
     * Link it into its parent right away, so that on error freeing the
     * outermost container frees everything.
     */
    if (parser->stack->len) {
        add_value(parser, qobject_ref(f.container));
    }
    g_array_append_val(parser->stack, f);
    return JSON_PARSE_MORE;
}

static JSONParseStatus close_container(JSONParser *parser)
{
    JSONParserFrame f = *top(parser);

    g_array_set_size(parser->stack, parser->stack->len - 1);
    if (parser->stack->len) {
        /* Already linked into the parent by open_container(). */
        qobject_unref(f.container);
        return JSON_PARSE_MORE;
    }
    parser->result = f.container;
    return JSON_PARSE_DONE;
}

static JSONParseStatus unexpected(JSONTokenType type, const char *text,
                                  const char *expecting, char **errmsg)
{
    g_autofree char *got = json_token_describe(type, text);

    *errmsg = g_strdup_printf("expecting %s, got %s", expecting, got);
    return JSON_PARSE_ERROR;
}

static JSONParseStatus parse_value(JSONParser *parser, JSONTokenType type,
                                   const char *text, size_t len,
                                   char **errmsg)
{
    QObject *obj;

    switch (type) {
    case JSON_LCURLY:
        return open_container(parser, true, errmsg);
    case JSON_LSQUARE:
        return open_container(parser, false, errmsg);
    case JSON_STRING:
        obj = QOBJECT(qstring_from_substr(text, 0, len));
        break;
    case JSON_INTEGER:
        obj = parse_integer(text, errmsg);
        break;
    case JSON_FLOAT:
        obj = parse_float(text, errmsg);
        break;
    case JSON_TRUE:
        obj = QOBJECT(qbool_from_bool(true));
        break;
    case JSON_FALSE:
        obj = QOBJECT(qbool_from_bool(false));
        break;
    case JSON_NULL:
        obj = QOBJECT(qnull());
        break;
    case JSON_INTERP:
        obj = parse_interp(parser, text, errmsg);
        break;
    default:
        return unexpected(type, text, "value", errmsg);
    }
    if (!obj) {
        return JSON_PARSE_ERROR;
    }
    return add_value(parser, obj);
}

JSONParseStatus json_parser_push(JSONParser *parser, JSONTokenType type,
                                 const char *text, size_t len,
                                 char **errmsg)
{
    JSONParserFrame *f = top(parser);
    QDict *dict;

    assert(!parser->result);
    if (!f) {
        return parse_value(parser, type, text, len, errmsg);
    }
    switch (f->expect) {
    case EXPECT_ARRAY_FIRST:
        if (type == JSON_RSQUARE) {
            return close_container(parser);
        }
        return parse_value(parser, type, text, len, errmsg);
    case EXPECT_ARRAY_VALUE:
        if (type == JSON_RSQUARE) {
            *errmsg = g_strdup("trailing comma in array");
            return JSON_PARSE_ERROR;
        }
        return parse_value(parser, type, text, len, errmsg);
    case EXPECT_OBJECT_VALUE:
        return parse_value(parser, type, text, len, errmsg);
    case EXPECT_ARRAY_NEXT:
        if (type == JSON_COMMA) {
            f->expect = EXPECT_ARRAY_VALUE;
            return JSON_PARSE_MORE;
        }
        if (type == JSON_RSQUARE) {
            return close_container(parser);
        }
        return unexpected(type, text, "',' or ']' in array", errmsg);
    case EXPECT_OBJECT_FIRST:
    case EXPECT_OBJECT_KEY:
        if (type == JSON_RCURLY) {
            if (f->expect == EXPECT_OBJECT_KEY) {
                *errmsg = g_strdup("trailing comma in object");
                return JSON_PARSE_ERROR;
            }
            return close_container(parser);
        }
        if (type != JSON_STRING) {
            return unexpected(type, text, "string as object key", errmsg);
        }
        dict = qobject_to(QDict, f->container);
        if (qdict_haskey(dict, text)) {
            *errmsg = g_strdup_printf("duplicate key '%.60s%s' in object",
                                      text, len > 60 ? "..." : "");
            return JSON_PARSE_ERROR;
        }
        f->key = g_strndup(text, len);
        f->expect = EXPECT_OBJECT_COLON;
        return JSON_PARSE_MORE;
    case EXPECT_OBJECT_COLON:
        if (type != JSON_COLON) {
            return unexpected(type, text, "':' after object key", errmsg);
        }
        f->expect = EXPECT_OBJECT_VALUE;
        return JSON_PARSE_MORE;
    case EXPECT_OBJECT_NEXT:
        if (type == JSON_COMMA) {
            f->expect = EXPECT_OBJECT_KEY;
            return JSON_PARSE_MORE;
        }
        if (type == JSON_RCURLY) {
            return close_container(parser);
        }
        return unexpected(type, text, "',' or '}' in object", errmsg);
    }
    g_assert_not_reached();
}
