/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the QAPI input visitors with the real migration
 * types: JSON through the QObject input visitor (strict QMP flavour and
 * the keyval flavour -migrate-incoming style options use) into
 * MigrateSetParameters, MigrationChannelList, MigrationCapabilityStatusList
 * and SocketAddress; and HMP-style text through the string input visitor
 * into size, int, uint64, bool, str and int64List.
 *
 * Checks, for arbitrary bytes: no crash, overflow or leak (ASan/LSan);
 * a visit either fills the object or sets an Error and leaves it NULL;
 * an accepted object survives output visitor -> input visitor -> output
 * visitor unchanged, and its QAPI_CLONE prints the same; a scalar the
 * string visitor accepts reads back equal from the string output
 * visitor's text.
 *
 * The first byte picks the type and visitor; the rest is the input.
 * Seeds: tests/fuzz/corpus/fuzz-qapi-visit.
 */
#include "qemu/osdep.h"
#include "qapi/clone-visitor.h"
#include "qapi/dealloc-visitor.h"
#include "qapi/error.h"
#include "qapi/qapi-visit-migration.h"
#include "qapi/qapi-visit-sockets.h"
#include "qapi/qobject-input-visitor.h"
#include "qapi/qobject-output-visitor.h"
#include "qapi/string-input-visitor.h"
#include "qapi/string-output-visitor.h"
#include "qobject/qjson.h"
#include "tests/fuzz/fuzz-fail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef bool VisitFn(Visitor *v, const char *name, void **obj,
                     Error **errp);
typedef void *CloneFn(void *obj);

static void *clone_params(void *o)
{
    return QAPI_CLONE(MigrateSetParameters, o);
}
static void *clone_channels(void *o)
{
    return QAPI_CLONE(MigrationChannelList, o);
}
static void *clone_caps(void *o)
{
    return QAPI_CLONE(MigrationCapabilityStatusList, o);
}
static void *clone_saddr(void *o)
{
    return QAPI_CLONE(SocketAddress, o);
}

static const struct {
    VisitFn *visit;
    CloneFn *clone;
} qapi_types[] = {
    { (VisitFn *)visit_type_MigrateSetParameters, clone_params },
    { (VisitFn *)visit_type_MigrationChannelList, clone_channels },
    { (VisitFn *)visit_type_MigrationCapabilityStatusList, clone_caps },
    { (VisitFn *)visit_type_SocketAddress, clone_saddr },
};

static void free_obj(VisitFn *visit, void *obj)
{
    Visitor *v = qapi_dealloc_visitor_new();

    visit(v, NULL, &obj, NULL);
    visit_free(v);
}

static QObject *to_qobject(VisitFn *visit, void *obj)
{
    QObject *out = NULL;
    Visitor *v = qobject_output_visitor_new(&out);

    if (!visit(v, NULL, &obj, &error_abort)) {
        g_assert_not_reached();
    }
    visit_complete(v, &out);
    visit_free(v);
    return out;
}

static void fuzz_qobject(unsigned type, bool keyval, const char *json)
{
    VisitFn *visit = qapi_types[type].visit;
    QObject *in = qobject_from_json(json, NULL);
    QObject *out, *out2, *out3;
    void *obj = NULL, *again = NULL, *copy;
    Error *err = NULL;
    Visitor *v;
    bool ok;

    if (!in) {
        return;
    }
    v = keyval ? qobject_input_visitor_new_keyval(in)
               : qobject_input_visitor_new(in);
    ok = visit(v, NULL, &obj, &err);
    visit_free(v);
    qobject_unref(in);
    assert(ok == !err);
    if (!ok) {
        assert(!obj);
        error_free(err);
        return;
    }
    if (!obj) {
        /* Only an empty list is NULL. */
        assert(type == 1 || type == 2);
        return;
    }

    /* What we accepted, written out, reads back the same. */
    out = to_qobject(visit, obj);
    v = qobject_input_visitor_new(out);
    if (!visit(v, NULL, &again, &err)) {
        g_autoptr(GString) text = qobject_to_json(out);

        fuzz_fail("type %u: output '%s' does not read back: %s", type,
                text->str, error_get_pretty(err));
    }
    visit_free(v);
    out2 = to_qobject(visit, again);
    assert(qobject_is_equal(out, out2));

    copy = qapi_types[type].clone(obj);
    out3 = to_qobject(visit, copy);
    assert(qobject_is_equal(out, out3));

    qobject_unref(out);
    qobject_unref(out2);
    qobject_unref(out3);
    free_obj(visit, obj);
    free_obj(visit, again);
    free_obj(visit, copy);
}

/* Print @obj with the string output visitor's @visit. */
#define STRING_OUT(visit, obj) ({                       \
    char *str_ = NULL;                                  \
    Visitor *sov_ = string_output_visitor_new(false, &str_); \
    visit(sov_, NULL, &(obj), &error_abort);            \
    visit_complete(sov_, &str_);                        \
    visit_free(sov_);                                   \
    str_;                                               \
})

static void fuzz_string(unsigned kind, const char *str)
{
    Visitor *v = string_input_visitor_new(str);
    Error *err = NULL;
    bool ok = false;

    switch (kind) {
    case 0: {
        uint64_t val, val2;

        ok = visit_type_size(v, NULL, &val, &err);
        if (ok) {
            g_autofree char *text = STRING_OUT(visit_type_size, val);
            Visitor *v2 = string_input_visitor_new(text);

            assert(visit_type_size(v2, NULL, &val2, &error_abort));
            assert(val == val2);
            visit_free(v2);
        }
        break;
    }
    case 1: {
        int64_t val, val2;

        ok = visit_type_int(v, NULL, &val, &err);
        if (ok) {
            g_autofree char *text = STRING_OUT(visit_type_int, val);
            Visitor *v2 = string_input_visitor_new(text);

            assert(visit_type_int(v2, NULL, &val2, &error_abort));
            assert(val == val2);
            visit_free(v2);
        }
        break;
    }
    case 2: {
        uint64_t val;

        ok = visit_type_uint64(v, NULL, &val, &err);
        break;
    }
    case 3: {
        bool val, val2;

        ok = visit_type_bool(v, NULL, &val, &err);
        if (ok) {
            g_autofree char *text = STRING_OUT(visit_type_bool, val);
            Visitor *v2 = string_input_visitor_new(text);

            assert(visit_type_bool(v2, NULL, &val2, &error_abort));
            assert(val == val2);
            visit_free(v2);
        }
        break;
    }
    case 4: {
        g_autofree char *val = NULL;

        ok = visit_type_str(v, NULL, &val, &err);
        assert(!ok || !strcmp(val, str));
        break;
    }
    case 5: {
        int64List *list = NULL;

        ok = visit_type_int64List(v, NULL, &list, &err);
        assert(ok || !list);
        qapi_free_int64List(list);
        break;
    }
    default: {
        uint16List *list = NULL;

        ok = visit_type_uint16List(v, NULL, &list, &err);
        assert(ok || !list);
        qapi_free_uint16List(list);
        break;
    }
    }
    assert(ok == !err);
    error_free(err);
    visit_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *str = NULL;
    unsigned sel;

    if (!size) {
        return 0;
    }
    str = g_strndup((const char *)data + 1, size - 1);
    sel = data[0] % 16;
    if (sel < 8) {
        fuzz_qobject(sel % 4, sel >= 4, str);
    } else {
        fuzz_string(sel - 8, str);
    }
    return 0;
}
