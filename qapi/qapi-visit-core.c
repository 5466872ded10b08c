/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The visitor core: the public visit_*() functions.  They check the
 * calling contract of qapi/visitor.h, narrow integers to their C types
 * with range checks, map enums to and from their names, and dispatch to
 * the callbacks of the visitor implementation (qapi/visitor-impl.h).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "qapi/visitor-impl.h"

/* How @name is shown in messages: its full path when the visitor knows. */
static const char *visit_member_path(Visitor *v, const char *name)
{
    if (v->member_path) {
        return v->member_path(v, name);
    }
    return name ? name : "null";
}

static void visit_unsupported(Visitor *v, const char *name,
                              const char *what, Error **errp)
{
    error_setg(errp, "Parameter '%s': this visitor does not support %s",
               visit_member_path(v, name), what);
}

void visit_complete(Visitor *v, void *opaque)
{
    assert(v->type != VISITOR_OUTPUT || v->complete);
    if (v->complete) {
        v->complete(v, opaque);
    }
}

void visit_free(Visitor *v)
{
    if (v) {
        v->free(v);
    }
}

bool visit_start_struct(Visitor *v, const char *name, void **obj,
                        size_t size, Error **errp)
{
    bool ok;

    if (obj) {
        assert(size);
        assert(!(v->type & VISITOR_OUTPUT) || *obj);
    }
    if (!v->start_struct) {
        if (obj && (v->type & VISITOR_INPUT)) {
            *obj = NULL;
        }
        visit_unsupported(v, name, "structs", errp);
        return false;
    }
    ok = v->start_struct(v, name, obj, size, errp);
    if (obj && (v->type & VISITOR_INPUT)) {
        assert(ok != !*obj);
    }
    return ok;
}

bool visit_check_struct(Visitor *v, Error **errp)
{
    return v->check_struct ? v->check_struct(v, errp) : true;
}

void visit_end_struct(Visitor *v, void **obj)
{
    v->end_struct(v, obj);
}

bool visit_start_list(Visitor *v, const char *name, GenericList **list,
                      size_t size, Error **errp)
{
    bool ok;

    assert(!list || size >= sizeof(GenericList));
    if (!v->start_list) {
        if (list && (v->type & VISITOR_INPUT)) {
            *list = NULL;
        }
        visit_unsupported(v, name, "lists", errp);
        return false;
    }
    ok = v->start_list(v, name, list, size, errp);
    if (list && (v->type & VISITOR_INPUT)) {
        /* An empty list is a NULL head, so only failure is checkable. */
        assert(ok || !*list);
    }
    return ok;
}

GenericList *visit_next_list(Visitor *v, GenericList *tail, size_t size)
{
    assert(tail && size >= sizeof(GenericList));
    return v->next_list(v, tail, size);
}

bool visit_check_list(Visitor *v, Error **errp)
{
    return v->check_list ? v->check_list(v, errp) : true;
}

void visit_end_list(Visitor *v, void **obj)
{
    v->end_list(v, obj);
}

bool visit_start_alternate(Visitor *v, const char *name,
                           GenericAlternate **obj, size_t size,
                           Error **errp)
{
    bool ok;

    assert(obj && size >= sizeof(GenericAlternate));
    assert(!(v->type & VISITOR_OUTPUT) || *obj);
    if (!v->start_alternate) {
        if (v->type & VISITOR_INPUT) {
            *obj = NULL;
            visit_unsupported(v, name, "alternates", errp);
            return false;
        }
        /* Output, clone and dealloc need no preparation. */
        return true;
    }
    ok = v->start_alternate(v, name, obj, size, errp);
    if (v->type & VISITOR_INPUT) {
        assert(ok != !*obj);
    }
    return ok;
}

void visit_end_alternate(Visitor *v, void **obj)
{
    if (v->end_alternate) {
        v->end_alternate(v, obj);
    }
}

bool visit_optional(Visitor *v, const char *name, bool *present)
{
    if (v->optional) {
        v->optional(v, name, present);
    }
    return *present;
}

bool visit_policy_reject(Visitor *v, const char *name,
                         unsigned special_features, Error **errp)
{
    if (v->policy_reject) {
        return v->policy_reject(v, name, special_features, errp);
    }
    return false;
}

bool visit_policy_skip(Visitor *v, const char *name,
                       unsigned special_features)
{
    if (v->policy_skip) {
        return v->policy_skip(v, name, special_features);
    }
    return false;
}

void visit_set_policy(Visitor *v, CompatPolicy *policy)
{
    v->compat_policy = *policy;
}

bool visit_is_input(Visitor *v)
{
    return v->type == VISITOR_INPUT;
}

bool visit_is_dealloc(Visitor *v)
{
    return v->type == VISITOR_DEALLOC;
}

bool visit_type_int(Visitor *v, const char *name, int64_t *obj,
                    Error **errp)
{
    return v->type_int64(v, name, obj, errp);
}

/*
 * Visit an unsigned integer of a narrow C type through the visitor's
 * uint64 callback.  Input may then be out of range for the C type; the
 * message names the C type, as QEMU's does ("expects uint8_t").
 */
static bool visit_type_uintN(Visitor *v, uint64_t *obj, const char *name,
                             uint64_t max, const char *type, Error **errp)
{
    uint64_t value = *obj;

    assert(v->type == VISITOR_INPUT || value <= max);
    if (!v->type_uint64(v, name, &value, errp)) {
        return false;
    }
    if (value > max) {
        assert(v->type == VISITOR_INPUT);
        error_setg(errp, "Parameter '%s' expects %s",
                   visit_member_path(v, name), type);
        return false;
    }
    *obj = value;
    return true;
}

bool visit_type_uint8(Visitor *v, const char *name, uint8_t *obj,
                      Error **errp)
{
    uint64_t value = *obj;
    bool ok = visit_type_uintN(v, &value, name, UINT8_MAX, "uint8_t", errp);

    *obj = value;
    return ok;
}

bool visit_type_uint16(Visitor *v, const char *name, uint16_t *obj,
                       Error **errp)
{
    uint64_t value = *obj;
    bool ok = visit_type_uintN(v, &value, name, UINT16_MAX, "uint16_t",
                               errp);

    *obj = value;
    return ok;
}

bool visit_type_uint32(Visitor *v, const char *name, uint32_t *obj,
                       Error **errp)
{
    uint64_t value = *obj;
    bool ok = visit_type_uintN(v, &value, name, UINT32_MAX, "uint32_t",
                               errp);

    *obj = value;
    return ok;
}

bool visit_type_uint64(Visitor *v, const char *name, uint64_t *obj,
                       Error **errp)
{
    return v->type_uint64(v, name, obj, errp);
}

static bool visit_type_intN(Visitor *v, int64_t *obj, const char *name,
                            int64_t min, int64_t max, const char *type,
                            Error **errp)
{
    int64_t value = *obj;

    assert(v->type == VISITOR_INPUT || (value >= min && value <= max));
    if (!v->type_int64(v, name, &value, errp)) {
        return false;
    }
    if (value < min || value > max) {
        assert(v->type == VISITOR_INPUT);
        error_setg(errp, "Parameter '%s' expects %s",
                   visit_member_path(v, name), type);
        return false;
    }
    *obj = value;
    return true;
}

bool visit_type_int8(Visitor *v, const char *name, int8_t *obj,
                     Error **errp)
{
    int64_t value = *obj;
    bool ok = visit_type_intN(v, &value, name, INT8_MIN, INT8_MAX,
                              "int8_t", errp);

    *obj = value;
    return ok;
}

bool visit_type_int16(Visitor *v, const char *name, int16_t *obj,
                      Error **errp)
{
    int64_t value = *obj;
    bool ok = visit_type_intN(v, &value, name, INT16_MIN, INT16_MAX,
                              "int16_t", errp);

    *obj = value;
    return ok;
}

bool visit_type_int32(Visitor *v, const char *name, int32_t *obj,
                      Error **errp)
{
    int64_t value = *obj;
    bool ok = visit_type_intN(v, &value, name, INT32_MIN, INT32_MAX,
                              "int32_t", errp);

    *obj = value;
    return ok;
}

bool visit_type_int64(Visitor *v, const char *name, int64_t *obj,
                      Error **errp)
{
    return v->type_int64(v, name, obj, errp);
}

bool visit_type_size(Visitor *v, const char *name, uint64_t *obj,
                     Error **errp)
{
    if (v->type_size) {
        return v->type_size(v, name, obj, errp);
    }
    return v->type_uint64(v, name, obj, errp);
}

bool visit_type_bool(Visitor *v, const char *name, bool *obj,
                     Error **errp)
{
    return v->type_bool(v, name, obj, errp);
}

bool visit_type_str(Visitor *v, const char *name, char **obj,
                    Error **errp)
{
    bool ok;

    assert(obj);
    /* Output of a NULL string is tolerated and treated as "". */
    ok = v->type_str(v, name, obj, errp);
    if (v->type & VISITOR_INPUT) {
        assert(ok != !*obj);
    }
    return ok;
}

bool visit_type_number(Visitor *v, const char *name, double *obj,
                       Error **errp)
{
    if (!v->type_number) {
        visit_unsupported(v, name, "numbers", errp);
        return false;
    }
    return v->type_number(v, name, obj, errp);
}

bool visit_type_any(Visitor *v, const char *name, QObject **obj,
                    Error **errp)
{
    bool ok;

    assert(obj);
    assert(v->type != VISITOR_OUTPUT || *obj);
    if (!v->type_any) {
        if (v->type & VISITOR_INPUT) {
            *obj = NULL;
        }
        visit_unsupported(v, name, "'any' values", errp);
        return false;
    }
    ok = v->type_any(v, name, obj, errp);
    if (v->type & VISITOR_INPUT) {
        assert(ok != !*obj);
    }
    return ok;
}

bool visit_type_null(Visitor *v, const char *name, QNull **obj,
                     Error **errp)
{
    if (!v->type_null) {
        if (v->type & VISITOR_INPUT) {
            *obj = NULL;
        }
        visit_unsupported(v, name, "null", errp);
        return false;
    }
    return v->type_null(v, name, obj, errp);
}

static bool output_type_enum(Visitor *v, const char *name, int *obj,
                             const QEnumLookup *lookup, Error **errp)
{
    char *enum_str;

    if (*obj < 0 || *obj >= lookup->size) {
        /* Garbage in a C value is a bug; refuse rather than crash. */
        error_setg(errp, "Parameter '%s' holds invalid enum value %d",
                   visit_member_path(v, name), *obj);
        return false;
    }
    enum_str = (char *)qapi_enum_lookup(lookup, *obj);
    return visit_type_str(v, name, &enum_str, errp);
}

static bool input_type_enum(Visitor *v, const char *name, int *obj,
                            const QEnumLookup *lookup, Error **errp)
{
    g_autofree char *enum_str = NULL;
    int value;

    if (!visit_type_str(v, name, &enum_str, errp)) {
        return false;
    }
    value = qapi_enum_parse(lookup, enum_str, -1, NULL);
    if (value < 0) {
        error_setg(errp, "Parameter '%s' does not accept value '%s'",
                   visit_member_path(v, name), enum_str);
        return false;
    }
    if (lookup->special_features
        && !compat_policy_input_ok(lookup->special_features[value],
                                   &v->compat_policy,
                                   ERROR_CLASS_GENERIC_ERROR,
                                   "value", enum_str, errp)) {
        return false;
    }
    *obj = value;
    return true;
}

bool visit_type_enum(Visitor *v, const char *name, int *obj,
                     const QEnumLookup *lookup, Error **errp)
{
    assert(obj && lookup);
    switch (v->type) {
    case VISITOR_INPUT:
        return input_type_enum(v, name, obj, lookup, errp);
    case VISITOR_OUTPUT:
        return output_type_enum(v, name, obj, lookup, errp);
    case VISITOR_CLONE:
        /* The value was copied with its enclosing struct. */
        return true;
    case VISITOR_DEALLOC:
        return true;
    }
    g_assert_not_reached();
}
