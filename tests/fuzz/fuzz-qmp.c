/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for QMP request handling: a JSON message through
 * qmp_dispatch() over the commands of the generator's test schema
 * (tests/qapi-schema/qapi-schema-test.json, compiled with prefix "test-"),
 * whose marshallers visit every kind of argument: optional members,
 * enums with deprecated and unstable values, lists, unions, alternates,
 * 'any' and null.  The command bodies below echo their arguments into the
 * return value, so the output visitor sees the same variety.
 *
 * Checks, for arbitrary bytes: no crash, overflow or leak (ASan/LSan);
 * every response is a dict holding "return" or "error" (never both), an
 * error has a string "class" and "desc", a request's "id" comes back
 * unchanged, the response survives a trip through the JSON writer and
 * parser, and only the no-success-response command may answer nothing.
 *
 * The first byte sets allow_oob and the compat policy; the rest is the
 * request.  Seeds: tests/fuzz/corpus/fuzz-qmp.
 */
#include "qemu/osdep.h"
#include "qapi/compat-policy.h"
#include "qapi/error.h"
#include "qapi/qmp/dispatch.h"
#include "qobject/qdict.h"
#include "qobject/qjson.h"
#include "qobject/qlist.h"
#include "qobject/qnull.h"
#include "qobject/qstring.h"
#include "tests/qapi-schema/test-qapi-commands.h"
#include "tests/qapi-schema/test-qapi-events.h"
#include "tests/qapi-schema/test-qapi-init-commands.h"
#include "tests/fuzz/fuzz-fail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ------------------------------------------- the schema's commands */

static bool flags_ran;

void qmp_test_simple(Error **errp)
{
}

TestTwo *qmp_test_args(int64_t a, bool has_b, int64_t b, const char *c,
                       const char *d, bool has_e, TestEnum e,
                       TestOneList *l, Error **errp)
{
    TestTwo *ret;
    TestOneList **tail;

    if (a < 0) {
        error_setg(errp, "a must not be negative");
        return NULL;
    }
    ret = g_new0(TestTwo, 1);
    tail = &ret->nested;
    ret->two = g_strdup_printf("%s:%s:%s:%" PRId64, c, d ? d : "-",
                               has_e ? TestEnum_str(e) : "-",
                               has_b ? b : -1);
    for (; l; l = l->next) {
        TestOne *one = g_new0(TestOne, 1);

        one->one = l->value->one;
        QAPI_LIST_APPEND(tail, one);
    }
    return ret;
}

TestOneList *qmp_test_list(Error **errp)
{
    TestOneList *list = NULL;
    TestOne *one = g_new0(TestOne, 1);

    one->one = 7;
    QAPI_LIST_PREPEND(list, one);
    return list;
}

void qmp_test_boxed(TestUnion *arg, Error **errp)
{
    if (arg->kind == TEST_KIND_THREE) {
        error_setg(errp, "three is not handled");
    }
}

TestOne *qmp_test_struct_arg(int64_t one, Error **errp)
{
    TestOne *ret = g_new0(TestOne, 1);

    ret->one = one;
    return ret;
}

void qmp_test_flags(Error **errp)
{
    flags_ran = true;
}

void qmp_test_coroutine(Error **errp)
{
}

QObject *qmp_test_any(QObject *v, Error **errp)
{
    return qobject_ref(v);
}

int64_t qmp_test_count(Error **errp)
{
    return 42;
}

void qmp_test_underscore(Error **errp)
{
}

void qmp_test_cond_arg(int64_t a, bool c, Error **errp)
{
}

/* Every member of TestStruct, filled from what came in. */
TestStruct *qmp_test_alt(TestAlt *alt, TestStrOrNull *opt_alt,
                         TestOuter *outer, TestInlineUnion *q_inline,
                         TestDerived *derived, TestUpper *upper,
                         TestEmpty *empty, Error **errp)
{
    TestStruct *ret = g_new0(TestStruct, 1);
    q_intList **tail = &ret->ints;

    ret->string = g_strdup(QType_str(alt->type));
    ret->anything = QOBJECT(qdict_new());
    switch (alt->type) {
    case QTYPE_QNUM:
        ret->integer = alt->u.i;
        ret->u64 = alt->u.i;
        ret->sz = alt->u.i;
        ret->u8 = alt->u.i;
        ret->i16 = alt->u.i;
        ret->number = alt->u.i;
        break;
    case QTYPE_QDICT:
        ret->has_opt_int = true;
        ret->opt_int = alt->u.o.one;
        break;
    case QTYPE_QSTRING:
        ret->e = alt->u.e;
        ret->has_opt_e = true;
        ret->opt_e = alt->u.e;
        break;
    case QTYPE_QBOOL:
        ret->boolean = alt->u.b;
        break;
    case QTYPE_QLIST:
        for (q_intList *l = alt->u.l; l; l = l->next) {
            QAPI_LIST_APPEND(tail, l->value);
        }
        break;
    case QTYPE_QNULL:
        ret->nothing = qnull();
        break;
    default:
        g_assert_not_reached();
    }
    if (opt_alt && opt_alt->type == QTYPE_QSTRING) {
        ret->opt_str = g_strdup(opt_alt->u.s);
    }
    if (outer) {
        ret->point = g_new0(SubPoint, 1);
        ret->point->x = outer->which;
        ret->point->y = outer->u.a.kind;
    }
    if (q_inline) {
        ret->q_unix = q_inline->id;
    }
    if (derived) {
        ret->has_old = true;
        ret->old = derived->extra;
        if (derived->label) {
            QAPI_LIST_PREPEND(ret->strs, g_strdup(derived->label));
        }
    }
    if (upper) {
        ret->has_x_new = true;
        ret->x_new = upper->CamelMember + upper->snake_member;
    }
    return ret;
}

void qmp_test_vendor(__org_qemu_x_Thing *thing, Error **errp)
{
}

SubPoint *qmp_sub_get_point(Error **errp)
{
    SubPoint *p = g_new0(SubPoint, 1);

    p->x = 3;
    p->y = 4;
    return p;
}

/* 'gen': false: the marshaller is ours, and it checks nothing. */
void qmp_marshal_test_nogen(QDict *args, QObject **ret, Error **errp)
{
    *ret = QOBJECT(qdict_clone_shallow(args));
}

void test_qapi_event_emit(test_QAPIEvent event, QDict *qdict)
{
}

/* ---------------------------------------------------------- checks */

static void check_response(QObject *req, QDict *rsp)
{
    QDict *dict = qobject_to(QDict, req);
    QObject *id = dict ? qdict_get(dict, "id") : NULL;
    QObject *err = qdict_get(rsp, "error");
    g_autoptr(GString) text = qobject_to_json(QOBJECT(rsp));
    QObject *again;

    if (!!err == qdict_haskey(rsp, "return")) {
        fuzz_fail("response needs exactly one of return/error: %s",
                text->str);
    }
    if (err) {
        QDict *e = qobject_to(QDict, err);

        assert(e && qdict_size(e) == 2);
        assert(qobject_to(QString, qdict_get(e, "class")));
        assert(qobject_to(QString, qdict_get(e, "desc")));
        assert(*qdict_get_str(e, "desc"));
    }
    assert(qdict_size(rsp) == 1 + !!id);
    if (id) {
        assert(qobject_is_equal(id, qdict_get(rsp, "id")));
    }
    again = qobject_from_json(text->str, &error_abort);
    assert(qobject_is_equal(again, QOBJECT(rsp)));
    qobject_unref(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static QmpCommandList cmds;     /* the registry has no free function */
    g_autofree char *str = NULL;
    QObject *req;
    QDict *rsp;
    bool allow_oob;

    if (!cmds.by_name) {
        test_qmp_init_marshal(&cmds);
    }
    if (!size) {
        return 0;
    }
    allow_oob = data[0] & 1;
    compat_policy.deprecated_input = data[0] & 2 ?
        COMPAT_POLICY_INPUT_REJECT : COMPAT_POLICY_INPUT_ACCEPT;
    compat_policy.unstable_input = data[0] & 4 ?
        COMPAT_POLICY_INPUT_REJECT : COMPAT_POLICY_INPUT_ACCEPT;
    compat_policy.deprecated_output = data[0] & 8 ?
        COMPAT_POLICY_OUTPUT_HIDE : COMPAT_POLICY_OUTPUT_ACCEPT;
    compat_policy.unstable_output = data[0] & 16 ?
        COMPAT_POLICY_OUTPUT_HIDE : COMPAT_POLICY_OUTPUT_ACCEPT;

    str = g_strndup((const char *)data + 1, size - 1);
    req = qobject_from_json(str, NULL);
    if (!req) {
        return 0;
    }
    flags_ran = false;
    rsp = qmp_dispatch(&cmds, req, allow_oob, NULL);
    if (rsp) {
        check_response(req, rsp);
    } else {
        /* Only test-flags succeeds silently. */
        assert(flags_ran);
    }
    qobject_unref(rsp);
    qobject_unref(req);
    return 0;
}
