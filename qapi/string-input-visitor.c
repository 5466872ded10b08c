/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The string input visitor: parses HMP-style text into one scalar or a
 * list of scalars.  Lists are comma-separated; integer lists may hold
 * ranges ("1-3,5" is 1, 2, 3, 5).
 */
#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qapi/error.h"
#include "qapi/string-input-visitor.h"
#include "qapi/visitor-impl.h"
#include "qobject/qnull.h"

/* A range may not expand to more elements than this (a DoS guard). */
#define RANGE_MAX_ELEMENTS 65536

typedef enum ListMode {
    LM_NONE,            /* not in a list: the whole string is one value */
    LM_UNPARSED,        /* in a list, text left at siv->unparsed */
    LM_INT64_RANGE,     /* in the middle of a signed range */
    LM_UINT64_RANGE,    /* in the middle of an unsigned range */
    LM_END,             /* in a list, everything consumed */
} ListMode;

struct StringInputVisitor {
    Visitor visitor;
    const char *string;
    ListMode lm;
    const char *unparsed;
    void *list;         /* what the caller passed, checked at end */
    union {
        struct {
            int64_t next, end;
        } s;
        struct {
            uint64_t next, end;
        } u;
    } range;
};

static StringInputVisitor *to_siv(Visitor *v)
{
    return container_of(v, StringInputVisitor, visitor);
}

static const char *siv_name(const char *name)
{
    return name ? name : "null";
}

static bool string_input_start_list(Visitor *v, const char *name,
                                    GenericList **list, size_t size,
                                    Error **errp)
{
    StringInputVisitor *siv = to_siv(v);

    /* Lists of lists make no sense in a comma-separated string. */
    if (siv->lm != LM_NONE) {
        error_setg(errp, "Parameter '%s': nested lists are not supported",
                   siv_name(name));
        if (list) {
            *list = NULL;
        }
        return false;
    }
    siv->list = list;
    siv->unparsed = siv->string;
    if (!siv->string[0]) {
        if (list) {
            *list = NULL;
        }
        siv->lm = LM_END;
    } else {
        if (list) {
            *list = g_malloc0(size);
        }
        siv->lm = LM_UNPARSED;
    }
    return true;
}

static GenericList *string_input_next_list(Visitor *v, GenericList *tail,
                                           size_t size)
{
    StringInputVisitor *siv = to_siv(v);

    switch (siv->lm) {
    case LM_END:
        return NULL;
    case LM_INT64_RANGE:
    case LM_UINT64_RANGE:
    case LM_UNPARSED:
        tail->next = g_malloc0(size);
        return tail->next;
    case LM_NONE:
    default:
        g_assert_not_reached();
    }
}

static bool string_input_check_list(Visitor *v, Error **errp)
{
    StringInputVisitor *siv = to_siv(v);

    assert(siv->lm != LM_NONE);
    if (siv->lm != LM_END) {
        error_setg(errp, "Fewer list elements expected");
        return false;
    }
    return true;
}

static void string_input_end_list(Visitor *v, void **obj)
{
    StringInputVisitor *siv = to_siv(v);

    assert(siv->lm != LM_NONE && siv->list == obj);
    siv->list = NULL;
    siv->lm = LM_NONE;
}

/* After an element ending at @end (',' or NUL): move to the next one. */
static void siv_advance(StringInputVisitor *siv, const char *end)
{
    if (*end == ',') {
        siv->unparsed = end + 1;
        siv->lm = LM_UNPARSED;
    } else {
        assert(!*end);
        siv->unparsed = end;
        siv->lm = LM_END;
    }
}

/*
 * The next element of a non-integer type: the whole string outside a
 * list, else the text up to the next comma.  NULL at the end of a list.
 */
static char *siv_next_item(StringInputVisitor *siv)
{
    const char *end;
    char *item;

    switch (siv->lm) {
    case LM_NONE:
        return g_strdup(siv->string);
    case LM_UNPARSED:
        end = qemu_strchrnul(siv->unparsed, ',');
        item = g_strndup(siv->unparsed, end - siv->unparsed);
        siv_advance(siv, end);
        return item;
    case LM_END:
        return NULL;
    default:
        /* Integers and other types mixed in one list: a caller bug. */
        g_assert_not_reached();
    }
}

/* Parse "N" or "N-M" at siv->unparsed into *start, *end. */
static bool siv_parse_int64_entry(StringInputVisitor *siv, int64_t *start,
                                  int64_t *end, const char **endp)
{
    const char *p;

    if (qemu_strtoi64(siv->unparsed, &p, 0, start) < 0) {
        return false;
    }
    *end = *start;
    if (*p == '-') {
        if (qemu_strtoi64(p + 1, &p, 0, end) < 0) {
            return false;
        }
        /* Also refuses ranges whose size overflows int64_t. */
        if (*start > *end ||
            (uint64_t)*end - (uint64_t)*start >= RANGE_MAX_ELEMENTS) {
            return false;
        }
    }
    if (*p && *p != ',') {
        return false;
    }
    *endp = p;
    return true;
}

static bool string_input_type_int64(Visitor *v, const char *name,
                                    int64_t *obj, Error **errp)
{
    StringInputVisitor *siv = to_siv(v);
    int64_t start, end;
    const char *p;

    switch (siv->lm) {
    case LM_NONE:
        if (qemu_strtoi64(siv->string, NULL, 0, obj) < 0) {
            error_setg(errp, "Parameter '%s' expects %s", siv_name(name),
                       "int64");
            return false;
        }
        return true;
    case LM_UNPARSED:
        if (!siv_parse_int64_entry(siv, &start, &end, &p)) {
            error_setg(errp, "Parameter '%s' expects %s", siv_name(name),
                       "an int64 value or range");
            return false;
        }
        *obj = start;
        if (start < end) {
            siv->range.s.next = start + 1;
            siv->range.s.end = end;
            siv->unparsed = p;
            siv->lm = LM_INT64_RANGE;
        } else {
            siv_advance(siv, p);
        }
        return true;
    case LM_INT64_RANGE:
        *obj = siv->range.s.next;
        if (siv->range.s.next == siv->range.s.end) {
            siv_advance(siv, siv->unparsed);
        } else {
            siv->range.s.next++;
        }
        return true;
    case LM_END:
        error_setg(errp, "Fewer list elements expected");
        return false;
    default:
        g_assert_not_reached();
    }
}

static bool siv_parse_uint64_entry(StringInputVisitor *siv, uint64_t *start,
                                   uint64_t *end, const char **endp)
{
    const char *p;

    /* parse_uint() refuses a minus sign, so '-' can only be a range. */
    if (parse_uint(siv->unparsed, &p, 0, start) < 0) {
        return false;
    }
    *end = *start;
    if (*p == '-') {
        if (parse_uint(p + 1, &p, 0, end) < 0) {
            return false;
        }
        if (*start > *end || *end - *start >= RANGE_MAX_ELEMENTS) {
            return false;
        }
    }
    if (*p && *p != ',') {
        return false;
    }
    *endp = p;
    return true;
}

static bool string_input_type_uint64(Visitor *v, const char *name,
                                     uint64_t *obj, Error **errp)
{
    StringInputVisitor *siv = to_siv(v);
    uint64_t start, end;
    const char *p;

    switch (siv->lm) {
    case LM_NONE:
        if (parse_uint_full(siv->string, 0, obj) < 0) {
            error_setg(errp, "Parameter '%s' expects %s", siv_name(name),
                       "uint64");
            return false;
        }
        return true;
    case LM_UNPARSED:
        if (!siv_parse_uint64_entry(siv, &start, &end, &p)) {
            error_setg(errp, "Parameter '%s' expects %s", siv_name(name),
                       "a uint64 value or range");
            return false;
        }
        *obj = start;
        if (start < end) {
            siv->range.u.next = start + 1;
            siv->range.u.end = end;
            siv->unparsed = p;
            siv->lm = LM_UINT64_RANGE;
        } else {
            siv_advance(siv, p);
        }
        return true;
    case LM_UINT64_RANGE:
        *obj = siv->range.u.next;
        if (siv->range.u.next == siv->range.u.end) {
            siv_advance(siv, siv->unparsed);
        } else {
            siv->range.u.next++;
        }
        return true;
    case LM_END:
        error_setg(errp, "Fewer list elements expected");
        return false;
    default:
        g_assert_not_reached();
    }
}

static bool string_input_type_size(Visitor *v, const char *name,
                                   uint64_t *obj, Error **errp)
{
    StringInputVisitor *siv = to_siv(v);
    g_autofree char *item = siv_next_item(siv);

    if (!item) {
        error_setg(errp, "Fewer list elements expected");
        return false;
    }
    if (qemu_strtosz(item, NULL, obj) < 0) {
        error_setg(errp, "Parameter '%s' expects a non-negative number "
                   "below 2^64", siv_name(name));
        error_append_hint(errp, "Optional suffix k, M, G, T, P or E means"
                          " kilo-, mega-, giga-, tera-, peta-\n"
                          "and exabytes, respectively.\n");
        return false;
    }
    return true;
}

static bool string_input_type_bool(Visitor *v, const char *name, bool *obj,
                                   Error **errp)
{
    StringInputVisitor *siv = to_siv(v);
    g_autofree char *item = siv_next_item(siv);

    if (!item) {
        error_setg(errp, "Fewer list elements expected");
        return false;
    }
    return qapi_bool_parse(siv_name(name), item, obj, errp);
}

static bool string_input_type_str(Visitor *v, const char *name, char **obj,
                                  Error **errp)
{
    StringInputVisitor *siv = to_siv(v);

    *obj = siv_next_item(siv);
    if (!*obj) {
        error_setg(errp, "Fewer list elements expected");
        return false;
    }
    return true;
}

static bool string_input_type_number(Visitor *v, const char *name,
                                     double *obj, Error **errp)
{
    StringInputVisitor *siv = to_siv(v);
    g_autofree char *item = siv_next_item(siv);

    if (!item) {
        error_setg(errp, "Fewer list elements expected");
        return false;
    }
    if (qemu_strtod_finite(item, NULL, obj) < 0) {
        error_setg(errp, "Parameter '%s' expects %s", siv_name(name),
                   "number");
        return false;
    }
    return true;
}

static bool string_input_type_null(Visitor *v, const char *name,
                                   QNull **obj, Error **errp)
{
    StringInputVisitor *siv = to_siv(v);
    g_autofree char *item = siv_next_item(siv);

    *obj = NULL;
    if (!item || item[0]) {
        error_setg(errp, "Parameter '%s' expects %s", siv_name(name),
                   "null");
        return false;
    }
    *obj = qnull();
    return true;
}

static void string_input_free(Visitor *v)
{
    g_free(to_siv(v));
}

Visitor *string_input_visitor_new(const char *str)
{
    StringInputVisitor *siv = g_new0(StringInputVisitor, 1);

    assert(str);
    siv->visitor.type = VISITOR_INPUT;
    siv->visitor.type_int64 = string_input_type_int64;
    siv->visitor.type_uint64 = string_input_type_uint64;
    siv->visitor.type_size = string_input_type_size;
    siv->visitor.type_bool = string_input_type_bool;
    siv->visitor.type_str = string_input_type_str;
    siv->visitor.type_number = string_input_type_number;
    siv->visitor.type_null = string_input_type_null;
    siv->visitor.start_list = string_input_start_list;
    siv->visitor.next_list = string_input_next_list;
    siv->visitor.check_list = string_input_check_list;
    siv->visitor.end_list = string_input_end_list;
    siv->visitor.free = string_input_free;

    siv->string = str;
    siv->lm = LM_NONE;
    return &siv->visitor;
}
