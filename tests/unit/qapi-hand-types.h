/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hand-written QAPI types and visit functions for the runtime's unit
 * tests, shaped like the generator's output (qapi-types / qapi-visit) for
 * this schema:
 *
 *   { 'enum': 'TestCap', 'data': [ 'xbzrle', 'multifd',
 *                                  { 'name': 'old-cap',
 *                                    'features': [ 'deprecated' ] } ] }
 *   { 'struct': 'TestCapStatus',
 *     'data': { 'capability': 'TestCap', 'state': 'bool' } }
 *   { 'struct': 'TestInner',
 *     'data': { 'num': 'int', 'label': 'str', '*opt': 'uint8' } }
 *   { 'alternate': 'TestAlt',
 *     'data': { 'i': 'int', 's': 'str', 'inner': 'TestInner' } }
 *   { 'struct': 'TestArgs',
 *     'data': { 'uri': 'str', '*capabilities': ['TestCapStatus'],
 *               '*inner': 'TestInner', '*nums': ['int'],
 *               '*channels': 'uint8', '*any': 'any', '*alt': 'TestAlt',
 *               '*size': 'size', '*ratio': 'number',
 *               '*old': { 'type': 'int', 'features': [ 'deprecated' ] } } }
 *
 * Everything is static inline so that each test uses what it needs.
 */
#ifndef TESTS_UNIT_QAPI_HAND_TYPES_H
#define TESTS_UNIT_QAPI_HAND_TYPES_H

#include "qapi/visitor.h"
#include "qapi/dealloc-visitor.h"

typedef enum TestCap {
    TEST_CAP_XBZRLE,
    TEST_CAP_MULTIFD,
    TEST_CAP_OLD_CAP,
    TEST_CAP__MAX,
} TestCap;

G_GNUC_UNUSED static const QEnumLookup TestCap_lookup = {
    .array = (const char *const[]) { "xbzrle", "multifd", "old-cap" },
    .special_features = (const unsigned char[]) {
        0, 0, 1u << QAPI_DEPRECATED,
    },
    .size = TEST_CAP__MAX,
};

typedef struct TestCapStatus {
    TestCap capability;
    bool state;
} TestCapStatus;

typedef struct TestCapStatusList {
    struct TestCapStatusList *next;
    TestCapStatus *value;
} TestCapStatusList;

typedef struct TestIntList {
    struct TestIntList *next;
    int64_t value;
} TestIntList;

typedef struct TestInner {
    int64_t num;
    char *label;
    bool has_opt;
    uint8_t opt;
} TestInner;

typedef struct TestAlt {
    QType type;
    union {
        int64_t i;
        char *s;
        TestInner inner;
    } u;
} TestAlt;

typedef struct TestArgs {
    char *uri;
    TestCapStatusList *capabilities;
    TestInner *inner;
    TestIntList *nums;
    bool has_channels;
    uint8_t channels;
    QObject *any;
    TestAlt *alt;
    bool has_size;
    uint64_t size;
    bool has_ratio;
    double ratio;
    bool has_old;
    int64_t old;
} TestArgs;

/* Everything below calls each other; declare first. */
static inline bool visit_type_TestInner(Visitor *v, const char *name,
                                        TestInner **obj, Error **errp);
static inline void qapi_free_TestInner(TestInner *obj);
static inline void qapi_free_TestCapStatus(TestCapStatus *obj);
static inline void qapi_free_TestCapStatusList(TestCapStatusList *obj);
static inline void qapi_free_TestIntList(TestIntList *obj);
static inline void qapi_free_TestAlt(TestAlt *obj);
static inline void qapi_free_TestArgs(TestArgs *obj);

static inline bool visit_type_TestCap(Visitor *v, const char *name,
                                      TestCap *obj, Error **errp)
{
    int value = *obj;
    bool ok = visit_type_enum(v, name, &value, &TestCap_lookup, errp);

    *obj = value;
    return ok;
}

static inline bool visit_type_TestCapStatus_members(Visitor *v,
                                                    TestCapStatus *obj,
                                                    Error **errp)
{
    if (!visit_type_TestCap(v, "capability", &obj->capability, errp)) {
        return false;
    }
    return visit_type_bool(v, "state", &obj->state, errp);
}

static inline bool visit_type_TestCapStatus(Visitor *v, const char *name,
                                            TestCapStatus **obj,
                                            Error **errp)
{
    bool ok = false;

    if (!visit_start_struct(v, name, (void **)obj, sizeof(TestCapStatus),
                            errp)) {
        return false;
    }
    if (!*obj) {
        assert(visit_is_dealloc(v));
        ok = true;
        goto out_obj;
    }
    if (!visit_type_TestCapStatus_members(v, *obj, errp)) {
        goto out_obj;
    }
    ok = visit_check_struct(v, errp);
out_obj:
    visit_end_struct(v, (void **)obj);
    if (!ok && visit_is_input(v)) {
        qapi_free_TestCapStatus(*obj);
        *obj = NULL;
    }
    return ok;
}

static inline bool visit_type_TestCapStatusList(Visitor *v, const char *name,
                                                TestCapStatusList **obj,
                                                Error **errp)
{
    bool ok = false;
    TestCapStatusList *tail;
    size_t size = sizeof(**obj);

    if (!visit_start_list(v, name, (GenericList **)obj, size, errp)) {
        return false;
    }
    for (tail = *obj; tail;
         tail = (TestCapStatusList *)visit_next_list(v, (GenericList *)tail,
                                                     size)) {
        if (!visit_type_TestCapStatus(v, NULL, &tail->value, errp)) {
            goto out_obj;
        }
    }
    ok = visit_check_list(v, errp);
out_obj:
    visit_end_list(v, (void **)obj);
    if (!ok && visit_is_input(v)) {
        qapi_free_TestCapStatusList(*obj);
        *obj = NULL;
    }
    return ok;
}

static inline bool visit_type_TestIntList(Visitor *v, const char *name,
                                          TestIntList **obj, Error **errp)
{
    bool ok = false;
    TestIntList *tail;
    size_t size = sizeof(**obj);

    if (!visit_start_list(v, name, (GenericList **)obj, size, errp)) {
        return false;
    }
    for (tail = *obj; tail;
         tail = (TestIntList *)visit_next_list(v, (GenericList *)tail,
                                               size)) {
        if (!visit_type_int(v, NULL, &tail->value, errp)) {
            goto out_obj;
        }
    }
    ok = visit_check_list(v, errp);
out_obj:
    visit_end_list(v, (void **)obj);
    if (!ok && visit_is_input(v)) {
        qapi_free_TestIntList(*obj);
        *obj = NULL;
    }
    return ok;
}

static inline bool visit_type_TestInner_members(Visitor *v, TestInner *obj,
                                                Error **errp)
{
    if (!visit_type_int(v, "num", &obj->num, errp)) {
        return false;
    }
    if (!visit_type_str(v, "label", &obj->label, errp)) {
        return false;
    }
    if (visit_optional(v, "opt", &obj->has_opt)) {
        if (!visit_type_uint8(v, "opt", &obj->opt, errp)) {
            return false;
        }
    }
    return true;
}

static inline bool visit_type_TestInner(Visitor *v, const char *name,
                                        TestInner **obj, Error **errp)
{
    bool ok = false;

    if (!visit_start_struct(v, name, (void **)obj, sizeof(TestInner),
                            errp)) {
        return false;
    }
    if (!*obj) {
        assert(visit_is_dealloc(v));
        ok = true;
        goto out_obj;
    }
    if (!visit_type_TestInner_members(v, *obj, errp)) {
        goto out_obj;
    }
    ok = visit_check_struct(v, errp);
out_obj:
    visit_end_struct(v, (void **)obj);
    if (!ok && visit_is_input(v)) {
        qapi_free_TestInner(*obj);
        *obj = NULL;
    }
    return ok;
}

static inline bool visit_type_TestAlt(Visitor *v, const char *name,
                                      TestAlt **obj, Error **errp)
{
    bool ok = false;

    if (!visit_start_alternate(v, name, (GenericAlternate **)obj,
                               sizeof(**obj), errp)) {
        return false;
    }
    if (!*obj) {
        assert(visit_is_dealloc(v));
        ok = true;
        goto out_obj;
    }
    switch ((*obj)->type) {
    case QTYPE_QNUM:
        ok = visit_type_int(v, name, &(*obj)->u.i, errp);
        break;
    case QTYPE_QSTRING:
        ok = visit_type_str(v, name, &(*obj)->u.s, errp);
        break;
    case QTYPE_QDICT:
        if (!visit_start_struct(v, name, NULL, 0, errp)) {
            break;
        }
        if (visit_type_TestInner_members(v, &(*obj)->u.inner, errp)) {
            ok = visit_check_struct(v, errp);
        }
        visit_end_struct(v, NULL);
        break;
    case QTYPE_NONE:
        abort();
    default:
        assert(visit_is_input(v));
        error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                   name ? name : "null", "TestAlt");
        g_free(*obj);
        *obj = NULL;
    }
out_obj:
    visit_end_alternate(v, (void **)obj);
    if (!ok && visit_is_input(v)) {
        qapi_free_TestAlt(*obj);
        *obj = NULL;
    }
    return ok;
}

static inline bool visit_type_TestArgs_members(Visitor *v, TestArgs *obj,
                                               Error **errp)
{
    bool has_capabilities = !!obj->capabilities;
    bool has_inner = !!obj->inner;
    bool has_nums = !!obj->nums;
    bool has_any = !!obj->any;
    bool has_alt = !!obj->alt;

    if (!visit_type_str(v, "uri", &obj->uri, errp)) {
        return false;
    }
    if (visit_optional(v, "capabilities", &has_capabilities)) {
        if (!visit_type_TestCapStatusList(v, "capabilities",
                                          &obj->capabilities, errp)) {
            return false;
        }
    }
    if (visit_optional(v, "inner", &has_inner)) {
        if (!visit_type_TestInner(v, "inner", &obj->inner, errp)) {
            return false;
        }
    }
    if (visit_optional(v, "nums", &has_nums)) {
        if (!visit_type_TestIntList(v, "nums", &obj->nums, errp)) {
            return false;
        }
    }
    if (visit_optional(v, "channels", &obj->has_channels)) {
        if (!visit_type_uint8(v, "channels", &obj->channels, errp)) {
            return false;
        }
    }
    if (visit_optional(v, "any", &has_any)) {
        if (!visit_type_any(v, "any", &obj->any, errp)) {
            return false;
        }
    }
    if (visit_optional(v, "alt", &has_alt)) {
        if (!visit_type_TestAlt(v, "alt", &obj->alt, errp)) {
            return false;
        }
    }
    if (visit_optional(v, "size", &obj->has_size)) {
        if (!visit_type_size(v, "size", &obj->size, errp)) {
            return false;
        }
    }
    if (visit_optional(v, "ratio", &obj->has_ratio)) {
        if (!visit_type_number(v, "ratio", &obj->ratio, errp)) {
            return false;
        }
    }
    if (visit_optional(v, "old", &obj->has_old)) {
        if (visit_policy_reject(v, "old", 1u << QAPI_DEPRECATED, errp)) {
            return false;
        }
        if (!visit_policy_skip(v, "old", 1u << QAPI_DEPRECATED)) {
            if (!visit_type_int(v, "old", &obj->old, errp)) {
                return false;
            }
        }
    }
    return true;
}

static inline bool visit_type_TestArgs(Visitor *v, const char *name,
                                       TestArgs **obj, Error **errp)
{
    bool ok = false;

    if (!visit_start_struct(v, name, (void **)obj, sizeof(TestArgs),
                            errp)) {
        return false;
    }
    if (!*obj) {
        assert(visit_is_dealloc(v));
        ok = true;
        goto out_obj;
    }
    if (!visit_type_TestArgs_members(v, *obj, errp)) {
        goto out_obj;
    }
    ok = visit_check_struct(v, errp);
out_obj:
    visit_end_struct(v, (void **)obj);
    if (!ok && visit_is_input(v)) {
        qapi_free_TestArgs(*obj);
        *obj = NULL;
    }
    return ok;
}

#define TEST_DEFINE_FREE(type)                          \
    static inline void qapi_free_ ## type(type *obj)    \
    {                                                   \
        Visitor *v;                                     \
                                                        \
        if (!obj) {                                     \
            return;                                     \
        }                                               \
        v = qapi_dealloc_visitor_new();                 \
        visit_type_ ## type(v, NULL, &obj, NULL);       \
        visit_free(v);                                  \
    }

TEST_DEFINE_FREE(TestInner)
TEST_DEFINE_FREE(TestCapStatus)
TEST_DEFINE_FREE(TestCapStatusList)
TEST_DEFINE_FREE(TestIntList)
TEST_DEFINE_FREE(TestAlt)
TEST_DEFINE_FREE(TestArgs)

#endif /* TESTS_UNIT_QAPI_HAND_TYPES_H */
