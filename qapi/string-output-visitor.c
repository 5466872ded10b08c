/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The string output visitor: prints one scalar, or a list of scalars, as
 * HMP shows them.  Integer lists are sorted and merged into ranges, so
 * [1, 2, 3, 5] prints as "1-3,5".
 */
#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qapi/error.h"
#include "qapi/string-output-visitor.h"
#include "qapi/visitor-impl.h"

struct StringOutputVisitor {
    Visitor visitor;
    bool human;
    GString *string;
    char **result;
    bool in_list;
    void *list;                 /* what the caller passed, checked at end */
    GArray *ints;               /* int64_t elements of an integer list */
    GPtrArray *items;           /* text of other list elements */
};

static StringOutputVisitor *to_sov(Visitor *v)
{
    return container_of(v, StringOutputVisitor, visitor);
}

/* Outside a list @text is the result; inside, one more element. */
static void string_output_set(StringOutputVisitor *sov, char *text)
{
    if (sov->in_list) {
        g_ptr_array_add(sov->items, text);
    } else {
        g_string_assign(sov->string, text);
        g_free(text);
    }
}

static bool string_output_type_int64(Visitor *v, const char *name,
                                     int64_t *obj, Error **errp)
{
    StringOutputVisitor *sov = to_sov(v);

    if (sov->in_list) {
        g_array_append_val(sov->ints, *obj);
    } else if (sov->human) {
        string_output_set(sov, g_strdup_printf("%" PRId64 " (%#" PRIx64 ")",
                                               *obj, (uint64_t)*obj));
    } else {
        string_output_set(sov, g_strdup_printf("%" PRId64, *obj));
    }
    return true;
}

static bool string_output_type_uint64(Visitor *v, const char *name,
                                      uint64_t *obj, Error **errp)
{
    StringOutputVisitor *sov = to_sov(v);

    if (sov->in_list) {
        /* Ranges are kept as int64_t, as QEMU does. */
        int64_t val = *obj;

        g_array_append_val(sov->ints, val);
    } else if (sov->human) {
        string_output_set(sov, g_strdup_printf("%" PRIu64 " (%#" PRIx64 ")",
                                               *obj, *obj));
    } else {
        string_output_set(sov, g_strdup_printf("%" PRIu64, *obj));
    }
    return true;
}

static bool string_output_type_size(Visitor *v, const char *name,
                                    uint64_t *obj, Error **errp)
{
    StringOutputVisitor *sov = to_sov(v);
    g_autofree char *psize = NULL;

    if (!sov->human) {
        string_output_set(sov, g_strdup_printf("%" PRIu64, *obj));
        return true;
    }
    psize = size_to_str(*obj);
    string_output_set(sov, g_strdup_printf("%" PRIu64 " (%s)", *obj, psize));
    return true;
}

static bool string_output_type_bool(Visitor *v, const char *name, bool *obj,
                                    Error **errp)
{
    string_output_set(to_sov(v), g_strdup(*obj ? "true" : "false"));
    return true;
}

static bool string_output_type_str(Visitor *v, const char *name, char **obj,
                                   Error **errp)
{
    StringOutputVisitor *sov = to_sov(v);
    const char *s = *obj ? *obj : "";

    if (sov->human) {
        string_output_set(sov, g_strdup_printf("\"%s\"", s));
    } else {
        string_output_set(sov, g_strdup(s));
    }
    return true;
}

static bool string_output_type_number(Visitor *v, const char *name,
                                      double *obj, Error **errp)
{
    char *text = NULL;
    int prec;

    /* The shortest text that reads back as the same double. */
    for (prec = 1; prec <= 17; prec++) {
        g_free(text);
        text = g_strdup_printf("%.*g", prec, *obj);
        if (strtod(text, NULL) == *obj) {
            break;
        }
    }
    string_output_set(to_sov(v), text);
    return true;
}

static bool string_output_type_null(Visitor *v, const char *name,
                                    QNull **obj, Error **errp)
{
    StringOutputVisitor *sov = to_sov(v);

    string_output_set(sov, g_strdup(sov->human ? "<null>" : ""));
    return true;
}

static bool string_output_start_list(Visitor *v, const char *name,
                                     GenericList **list, size_t size,
                                     Error **errp)
{
    StringOutputVisitor *sov = to_sov(v);

    if (sov->in_list) {
        error_setg(errp, "Parameter '%s': nested lists are not supported",
                   name ? name : "null");
        return false;
    }
    sov->in_list = true;
    sov->list = list;
    g_array_set_size(sov->ints, 0);
    g_ptr_array_set_size(sov->items, 0);
    return true;
}

static GenericList *string_output_next_list(Visitor *v, GenericList *tail,
                                            size_t size)
{
    return tail->next;
}

static gint compare_int64(gconstpointer a, gconstpointer b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return x < y ? -1 : x > y;
}

/* Print sorted @vals as "a-b,c" (or hex "0xa-0xb,0xc"). */
static void format_ranges(GString *s, GArray *vals, bool hex)
{
    guint i = 0;
    bool first = true;

    while (i < vals->len) {
        int64_t lo = g_array_index(vals, int64_t, i);
        int64_t hi = lo;

        /* Swallow duplicates and consecutive values. */
        while (++i < vals->len) {
            int64_t n = g_array_index(vals, int64_t, i);

            if (n != hi && (hi == INT64_MAX || n != hi + 1)) {
                break;
            }
            hi = n;
        }
        if (!first) {
            g_string_append_c(s, ',');
        }
        first = false;
        if (hex) {
            g_string_append_printf(s, "%#" PRIx64, (uint64_t)lo);
        } else {
            g_string_append_printf(s, "%" PRId64, lo);
        }
        if (hi != lo) {
            if (hex) {
                g_string_append_printf(s, "-%#" PRIx64, (uint64_t)hi);
            } else {
                g_string_append_printf(s, "-%" PRId64, hi);
            }
        }
    }
}

static void string_output_end_list(Visitor *v, void **obj)
{
    StringOutputVisitor *sov = to_sov(v);
    guint i;

    assert(sov->in_list && sov->list == obj);
    g_string_truncate(sov->string, 0);
    if (sov->ints->len) {
        /* A list holds one type, so there are no other items. */
        assert(!sov->items->len);
        g_array_sort(sov->ints, compare_int64);
        format_ranges(sov->string, sov->ints, false);
        if (sov->human) {
            g_string_append(sov->string, " (");
            format_ranges(sov->string, sov->ints, true);
            g_string_append_c(sov->string, ')');
        }
    } else {
        for (i = 0; i < sov->items->len; i++) {
            if (i) {
                g_string_append_c(sov->string, ',');
            }
            g_string_append(sov->string, g_ptr_array_index(sov->items, i));
        }
    }
    sov->in_list = false;
    sov->list = NULL;
}

static void string_output_complete(Visitor *v, void *opaque)
{
    StringOutputVisitor *sov = to_sov(v);

    assert(opaque == sov->result && !sov->in_list);
    *sov->result = g_strdup(sov->string->str);
    sov->result = NULL;
}

static void string_output_free(Visitor *v)
{
    StringOutputVisitor *sov = to_sov(v);

    g_string_free(sov->string, true);
    g_array_free(sov->ints, true);
    g_ptr_array_free(sov->items, true);
    g_free(sov);
}

Visitor *string_output_visitor_new(bool human, char **result)
{
    StringOutputVisitor *sov = g_new0(StringOutputVisitor, 1);

    sov->visitor.type = VISITOR_OUTPUT;
    sov->visitor.type_int64 = string_output_type_int64;
    sov->visitor.type_uint64 = string_output_type_uint64;
    sov->visitor.type_size = string_output_type_size;
    sov->visitor.type_bool = string_output_type_bool;
    sov->visitor.type_str = string_output_type_str;
    sov->visitor.type_number = string_output_type_number;
    sov->visitor.type_null = string_output_type_null;
    sov->visitor.start_list = string_output_start_list;
    sov->visitor.next_list = string_output_next_list;
    sov->visitor.end_list = string_output_end_list;
    sov->visitor.complete = string_output_complete;
    sov->visitor.free = string_output_free;

    sov->human = human;
    sov->string = g_string_new(NULL);
    sov->ints = g_array_new(false, false, sizeof(int64_t));
    sov->items = g_ptr_array_new_with_free_func(g_free);
    *result = NULL;
    sov->result = result;
    return &sov->visitor;
}
