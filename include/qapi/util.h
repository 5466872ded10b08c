/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers that generated QAPI code relies on: enum lookup tables and the
 * special features (deprecated, unstable) of schema members.
 */
#ifndef QAPI_UTIL_H
#define QAPI_UTIL_H


typedef enum {
    QAPI_DEPRECATED,
    QAPI_UNSTABLE,
} QapiSpecialFeature;

/* Generated for every enum: value names plus per-value special features. */
typedef struct QEnumLookup {
    const char *const *array;
    const unsigned char *const special_features;
    const int size;
} QEnumLookup;

/* The name of @val; @val must be in range. */
const char *qapi_enum_lookup(const QEnumLookup *lookup, int val);
/*
 * The value named @buf, or @def when @buf is NULL; an unknown name sets
 * "Invalid parameter value 'x'"-style errors and returns @def.
 */
int qapi_enum_parse(const QEnumLookup *lookup, const char *buf,
                    int def, Error **errp);

/* Parse on/off/yes/no/true/false into *@obj; @name is for the error. */
bool qapi_bool_parse(const char *name, const char *value, bool *obj,
                     Error **errp);

/*
 * Lists: every generated FooList has "next" first and "value" second, so
 * these macros work on all of them.
 */
#define QAPI_LIST_PREPEND(list, element) do { \
    typeof(list) _tmp = g_malloc(sizeof(*(list))); \
    _tmp->value = (element); \
    _tmp->next = (list); \
    (list) = _tmp; \
} while (0)

/* @tail points at the "next" field of the last element (or the head). */
#define QAPI_LIST_APPEND(tail, element) do { \
    *(tail) = g_malloc0(sizeof(**(tail))); \
    (*(tail))->value = (element); \
    (tail) = &(*(tail))->next; \
} while (0)

#define QAPI_LIST_LENGTH(list) ({ \
    size_t _len = 0; \
    typeof(list) _tail; \
    for (_tail = list; _tail != NULL; _tail = _tail->next) { \
        _len++; \
    } \
    _len; \
})

#define QAPI_LIST_FOR_EACH(list, var) \
    for (typeof(list) var = (list); var; var = var->next)

#endif /* QAPI_UTIL_H */
