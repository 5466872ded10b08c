/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the C code that scripts/qapi-gen.py generates from
 * tests/qapi-schema/qapi-schema-test.json (with prefix "test-"): enum
 * constants and lookup tables, struct/union/alternate layout, round trips
 * through the QObject visitors, command marshalling and registration,
 * event sending and the introspection data.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/compat-policy.h"
#include "qapi/qmp/dispatch.h"
#include "qapi/qobject-input-visitor.h"
#include "qapi/qobject-output-visitor.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qjson.h"
#include "qobject/qlit.h"
#include "qobject/qstring.h"
#include "test-qapi-commands.h"
#include "test-qapi-events.h"
#include "test-qapi-visit.h"
#include "test-qapi-init-commands.h"
#include "test-qapi-introspect.h"

/* --- implementations of the schema's commands --- */

static int64_t last_a;
static bool last_has_b;
static const char *last_d;

void qmp_test_simple(Error **errp)
{
}

TestTwo *qmp_test_args(int64_t a, bool has_b, int64_t b, const char *c,
                       const char *d, bool has_e, TestEnum e,
                       TestOneList *l, Error **errp)
{
    TestTwo *ret = g_new0(TestTwo, 1);
    TestOneList **tail = &ret->nested;

    if (a < 0) {
        error_setg(errp, "a must not be negative");
        g_free(ret);
        return NULL;
    }
    last_a = a;
    last_has_b = has_b;
    last_d = d;
    ret->two = g_strdup_printf("%s:%" PRId64, c, has_b ? b : -1);
    for (; l; l = l->next) {
        TestOne *one = g_new0(TestOne, 1);

        one->one = l->value->one * 2;
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

static int boxed_kind = -1;

void qmp_test_boxed(TestUnion *arg, Error **errp)
{
    boxed_kind = arg->kind;
    if (arg->kind == TEST_KIND_ONE) {
        last_a = arg->u.one.one;
    }
}

TestOne *qmp_test_struct_arg(int64_t one, Error **errp)
{
    TestOne *ret = g_new0(TestOne, 1);

    ret->one = one + 1;
    return ret;
}

void qmp_test_flags(Error **errp)
{
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

TestStruct *qmp_test_alt(TestAlt *alt, TestStrOrNull *opt_alt,
                         TestOuter *outer, TestInlineUnion *q_inline,
                         TestDerived *derived, TestUpper *upper,
                         TestEmpty *empty, Error **errp)
{
    TestStruct *ret = g_new0(TestStruct, 1);

    ret->string = g_strdup(alt->type == QTYPE_QNUM ? "num" : "other");
    ret->integer = alt->type == QTYPE_QNUM ? alt->u.i : 0;
    ret->anything = QOBJECT(qdict_new());
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

/* 'gen': false: the marshaller is ours */
static bool nogen_called;

void qmp_marshal_test_nogen(QDict *args, QObject **ret, Error **errp)
{
    nogen_called = true;
}

/* --- event sink --- */

static QDict *last_event;
static test_QAPIEvent last_event_id = TEST_QAPI_EVENT__MAX;

void test_qapi_event_emit(test_QAPIEvent event, QDict *qdict)
{
    qobject_unref(last_event);
    last_event = qobject_ref(qdict);
    last_event_id = event;
}

/* --- helpers --- */

static QObject *from_json(const char *json)
{
    QObject *obj = qobject_from_json(json, &error_abort);

    g_assert(obj);
    return obj;
}

static char *to_json(QObject *obj)
{
    GString *s = qobject_to_json(obj);

    return g_string_free(s, false);
}

/* --- tests --- */

static void test_enums(void)
{
    g_assert_cmpint(TEST_ENUM_VALUE_ONE, ==, 0);
    g_assert_cmpint(TEST_ENUM_VALUE2, ==, 1);
    g_assert_cmpint(TEST_ENUM_X_VALUE3, ==, 2);
    /* cond-value is compiled out */
    g_assert_cmpint(TEST_ENUM_OLD, ==, 3);
    g_assert_cmpint(TEST_ENUM__MAX, ==, 5);
    g_assert_cmpint(TestEnum_lookup.size, ==, TEST_ENUM__MAX);
    g_assert_cmpstr(TestEnum_str(TEST_ENUM_X_VALUE3), ==, "x-value3");
    g_assert_cmpstr(TestEnum_str(TEST_ENUM_AFTER), ==, "after");
    g_assert_cmpint(qapi_enum_parse(&TestEnum_lookup, "value2", -1,
                                    &error_abort), ==, TEST_ENUM_VALUE2);
    g_assert(TestEnum_lookup.special_features);
    g_assert_cmpint(TestEnum_lookup.special_features[TEST_ENUM_OLD], ==,
                    1u << QAPI_DEPRECATED);
    g_assert_cmpint(TestEnum_lookup.special_features[TEST_ENUM_VALUE2], ==,
                    0);
    g_assert_null(TestKind_lookup.special_features);

    /* 'prefix' overrides the constant's prefix */
    g_assert_cmpint(TP_B, ==, 1);
    g_assert_cmpstr(TestPrefixed_str(TP_A), ==, "a");

    /* built-in QType and the module of the sub-schema */
    g_assert_cmpint(QType_lookup.size, ==, QTYPE__MAX);
    g_assert_cmpstr(QType_str(QTYPE_QDICT), ==, "qdict");
    g_assert_cmpstr(SubColor_str(SUB_COLOR_GREEN), ==, "green");

    /* events are an enum too */
    g_assert_cmpstr(test_QAPIEvent_str(TEST_QAPI_EVENT_TEST_EVENT_B), ==,
                    "TEST_EVENT_B");
    g_assert_cmpint(test_QAPIEvent_lookup.size, ==, TEST_QAPI_EVENT__MAX);
}

static void test_layout(void)
{
    TestStruct s = { 0 };
    TestUnion un = { 0 };
    TestInlineUnion iu = { 0 };
    TestAlt alt = { 0 };
    TestUpper up = { 0 };
    TestEmpty empty;

    /* optional scalars carry has_; optional pointers don't */
    s.has_opt_int = true;
    s.opt_int = 1;
    s.opt_str = NULL;
    s.has_opt_e = false;
    s.q_unix = 5;               /* C-reserved names get q_ */
    s.u8 = UINT8_MAX;
    g_assert_cmpint(sizeof(s.u8), ==, 1);
    g_assert_cmpint(sizeof(s.i16), ==, 2);
    g_assert_cmpint(sizeof(s.sz), ==, 8);

    /* union branches are embedded; the base comes first */
    un.kind = TEST_KIND_ONE;
    un.u.one.one = 3;
    g_assert(qapi_TestUnion_base(&un) == (TestBase *)&un);
    g_assert_cmpint(qapi_TestUnion_base(&un)->kind, ==, TEST_KIND_ONE);
    iu.kind = TEST_KIND_ONE;
    iu.id = 9;
    iu.u.one.one = 1;
    g_assert_cmpint(((TestOne *)&iu.u)->one, ==, 1);

    alt.type = QTYPE_QDICT;
    alt.u.o.one = 4;
    g_assert_cmpint(offsetof(TestAlt, type), ==, 0);
    g_assert_cmpint(((TestOne *)&alt.u)->one, ==, 4);

    up.CamelMember = 1;
    up.snake_member = 2;
    g_assert_cmpint(up.CamelMember + up.snake_member, ==, 3);
    (void)empty.qapi_dummy_for_empty_struct;
    g_assert_cmpint(sizeof(empty), ==, 1);
}

static void test_roundtrip_struct(void)
{
    const char *json =
        "{\"integer\": -5, \"boolean\": true, \"string\": \"s\","
        " \"opt-str\": \"o\", \"number\": 1.5, \"u8\": 200, \"i16\": -3,"
        " \"u64\": 18446744073709551615, \"sz\": 4096, \"e\": \"value2\","
        " \"ints\": [1, 2, 3], \"anything\": {\"k\": [null]},"
        " \"unix\": 1, \"point\": {\"x\": 1, \"y\": 2, \"color\": \"red\"}}";
    g_autoptr(QObject) in = from_json(json);
    g_autoptr(TestStruct) s = NULL;
    QObject *out = NULL;
    Visitor *v;
    g_autofree char *again = NULL;

    v = qobject_input_visitor_new(in);
    visit_type_TestStruct(v, NULL, &s, &error_abort);
    visit_free(v);

    g_assert_cmpint(s->integer, ==, -5);
    g_assert_false(s->has_opt_int);
    g_assert_cmpstr(s->opt_str, ==, "o");
    g_assert_cmpint(s->u8, ==, 200);
    g_assert_cmpint(s->i16, ==, -3);
    g_assert_cmpuint(s->u64, ==, UINT64_MAX);
    g_assert_cmpint(s->e, ==, TEST_ENUM_VALUE2);
    g_assert_false(s->has_opt_e);
    g_assert_nonnull(s->ints);
    g_assert_cmpint(s->ints->value, ==, 1);
    g_assert_cmpint(s->ints->next->next->value, ==, 3);
    g_assert_null(s->ints->next->next->next);
    g_assert_null(s->strs);
    g_assert_null(s->nothing);
    g_assert_cmpint(s->point->y, ==, 2);
    g_assert_true(s->point->has_color);
    g_assert_cmpint(s->point->color, ==, SUB_COLOR_RED);

    v = qobject_output_visitor_new(&out);
    g_assert_true(visit_type_TestStruct(v, NULL, &s, &error_abort));
    visit_complete(v, &out);
    visit_free(v);
    g_assert_true(qobject_is_equal(in, out));
    again = to_json(out);
    g_assert_nonnull(strstr(again, "\"point\""));
    qobject_unref(out);
}

static void test_input_errors(void)
{
    static const char *const bad[] = {
        /* missing required member */
        "{\"one\": 1, \"nested\": [{\"one\": 1}, {}]}",
        /* unknown member */
        "{\"nested\": [], \"three\": 3}",
        /* wrong type deep inside a list */
        "{\"nested\": [{\"one\": \"x\"}]}",
    };
    int i;

    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        g_autoptr(QObject) in = from_json(bad[i]);
        TestTwo *t = NULL;
        Error *err = NULL;
        Visitor *v = qobject_input_visitor_new(in);

        g_assert_false(visit_type_TestTwo(v, NULL, &t, &err));
        g_assert_nonnull(err);
        /* a failed input visit frees what it had built */
        g_assert_null(t);
        error_free(err);
        visit_free(v);
    }
}

static void test_roundtrip_union(void)
{
    const char *json = "{\"kind\": \"two\", \"label\": \"l\","
                       " \"two\": \"t\", \"nested\": [{\"one\": 5}]}";
    g_autoptr(QObject) in = from_json(json);
    g_autoptr(TestUnion) un = NULL;
    QObject *out = NULL;
    Visitor *v = qobject_input_visitor_new(in);

    visit_type_TestUnion(v, NULL, &un, &error_abort);
    visit_free(v);
    g_assert_cmpint(un->kind, ==, TEST_KIND_TWO);
    g_assert_cmpstr(un->label, ==, "l");
    g_assert_cmpstr(un->u.two.two, ==, "t");
    g_assert_cmpint(un->u.two.nested->value->one, ==, 5);

    v = qobject_output_visitor_new(&out);
    visit_type_TestUnion(v, NULL, &un, &error_abort);
    visit_complete(v, &out);
    visit_free(v);
    g_assert_true(qobject_is_equal(in, out));
    qobject_unref(out);

    /* the empty branch 'three' has no members */
    {
        g_autoptr(QObject) in3 = from_json("{\"kind\": \"three\"}");
        g_autoptr(TestUnion) u3 = NULL;
        Error *err = NULL;

        v = qobject_input_visitor_new(in3);
        g_assert_true(visit_type_TestUnion(v, NULL, &u3, &err));
        g_assert_null(err);
        visit_free(v);
        g_assert_cmpint(u3->kind, ==, TEST_KIND_THREE);
    }
}

static void test_alternate(void)
{
    static const struct {
        const char *json;
        QType type;
    } cases[] = {
        { "{\"a\": 12}", QTYPE_QNUM },
        { "{\"a\": {\"one\": 2}}", QTYPE_QDICT },
        { "{\"a\": \"value-one\"}", QTYPE_QSTRING },
        { "{\"a\": false}", QTYPE_QBOOL },
        { "{\"a\": [1, 2]}", QTYPE_QLIST },
        { "{\"a\": null}", QTYPE_QNULL },
    };
    int i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        g_autoptr(QObject) in = from_json(cases[i].json);
        g_autoptr(TestAlt) alt = NULL;
        QObject *out = NULL;
        Visitor *v = qobject_input_visitor_new(in);

        visit_start_struct(v, NULL, NULL, 0, &error_abort);
        visit_type_TestAlt(v, "a", &alt, &error_abort);
        visit_check_struct(v, &error_abort);
        visit_end_struct(v, NULL);
        visit_free(v);
        g_assert_cmpint(alt->type, ==, cases[i].type);
        switch (alt->type) {
        case QTYPE_QNUM:
            g_assert_cmpint(alt->u.i, ==, 12);
            break;
        case QTYPE_QDICT:
            g_assert_cmpint(alt->u.o.one, ==, 2);
            break;
        case QTYPE_QSTRING:
            g_assert_cmpint(alt->u.e, ==, TEST_ENUM_VALUE_ONE);
            break;
        case QTYPE_QBOOL:
            g_assert_false(alt->u.b);
            break;
        case QTYPE_QLIST:
            g_assert_cmpint(alt->u.l->next->value, ==, 2);
            break;
        default:
            break;
        }

        v = qobject_output_visitor_new(&out);
        visit_type_TestAlt(v, NULL, &alt, &error_abort);
        visit_complete(v, &out);
        visit_free(v);
        g_assert_true(qobject_is_equal(qdict_get(qobject_to(QDict, in), "a"),
                                     out));
        qobject_unref(out);
    }
}

static QDict *dispatch(QmpCommandList *cmds, const char *json)
{
    g_autoptr(QObject) req = from_json(json);

    return qmp_dispatch(cmds, req, false, NULL);
}

static void test_commands(void)
{
    static QmpCommandList cmds;    /* the registry has no free function */
    const QmpCommand *cmd;
    QDict *rsp, *ret;
    QList *list;

    test_qmp_init_marshal(&cmds);

    cmd = qmp_find_command(&cmds, "test-flags");
    g_assert_nonnull(cmd);
    g_assert_cmpint(cmd->options, ==, QCO_NO_SUCCESS_RESP | QCO_ALLOW_OOB |
                    QCO_ALLOW_PRECONFIG);
    g_assert_cmpint(cmd->special_features, ==, 1u << QAPI_UNSTABLE);
    cmd = qmp_find_command(&cmds, "test-coroutine");
    g_assert_cmpint(cmd->options, ==, QCO_COROUTINE);
    g_assert_cmpint(cmd->special_features, ==, 1u << QAPI_DEPRECATED);
    g_assert_nonnull(qmp_find_command(&cmds, "test_underscore"));
    g_assert_nonnull(qmp_find_command(&cmds, "sub-get-point"));
    g_assert_nonnull(qmp_find_command(&cmds, "test-vendor"));
    /* its 'if' is false */
    g_assert_null(qmp_find_command(&cmds, "test-cond"));

    /* arguments in, result out */
    rsp = dispatch(&cmds, "{\"execute\": \"test-args\", \"arguments\":"
                   " {\"a\": 3, \"c\": \"see\", \"l\": [{\"one\": 4}]}}");
    ret = qdict_get_qdict(rsp, "return");
    g_assert_nonnull(ret);
    g_assert_cmpstr(qdict_get_str(ret, "two"), ==, "see:-1");
    list = qdict_get_qlist(ret, "nested");
    g_assert_cmpint(qdict_get_int(qobject_to(QDict, qlist_peek(list)),
                                  "one"), ==, 8);
    g_assert_cmpint(last_a, ==, 3);
    g_assert_false(last_has_b);
    g_assert_null(last_d);
    qobject_unref(rsp);

    /* the command's own error */
    rsp = dispatch(&cmds, "{\"execute\": \"test-args\", \"arguments\":"
                   " {\"a\": -1, \"c\": \"x\", \"l\": []}}");
    g_assert_nonnull(qdict_get_qdict(rsp, "error"));
    qobject_unref(rsp);

    /* bad arguments never reach the command */
    last_a = 0;
    rsp = dispatch(&cmds, "{\"execute\": \"test-args\", \"arguments\":"
                   " {\"a\": 1, \"c\": \"x\", \"l\": [], \"zz\": 1}}");
    g_assert_nonnull(qdict_get_qdict(rsp, "error"));
    g_assert_cmpint(last_a, ==, 0);
    qobject_unref(rsp);
    rsp = dispatch(&cmds, "{\"execute\": \"test-simple\", \"arguments\":"
                   " {\"unexpected\": 1}}");
    g_assert_nonnull(qdict_get_qdict(rsp, "error"));
    qobject_unref(rsp);

    /* no returns: {} */
    rsp = dispatch(&cmds, "{\"execute\": \"test-simple\"}");
    ret = qdict_get_qdict(rsp, "return");
    g_assert_nonnull(ret);
    g_assert_cmpint(qdict_size(ret), ==, 0);
    qobject_unref(rsp);

    /* boxed arguments */
    rsp = dispatch(&cmds, "{\"execute\": \"test-boxed\", \"arguments\":"
                   " {\"kind\": \"one\", \"one\": 77}}");
    g_assert_nonnull(qdict_get_qdict(rsp, "return"));
    g_assert_cmpint(boxed_kind, ==, TEST_KIND_ONE);
    g_assert_cmpint(last_a, ==, 77);
    qobject_unref(rsp);

    /* non-struct returns allowed by pragma */
    rsp = dispatch(&cmds, "{\"execute\": \"test-count\"}");
    g_assert_cmpint(qdict_get_int(rsp, "return"), ==, 42);
    qobject_unref(rsp);
    rsp = dispatch(&cmds, "{\"execute\": \"test-any\", \"arguments\":"
                   " {\"v\": [1, \"two\"]}}");
    g_assert_cmpint(qlist_size(qdict_get_qlist(rsp, "return")), ==, 2);
    qobject_unref(rsp);

    /* list return, alternate argument */
    rsp = dispatch(&cmds, "{\"execute\": \"test-list\"}");
    g_assert_cmpint(qlist_size(qdict_get_qlist(rsp, "return")), ==, 1);
    qobject_unref(rsp);
    rsp = dispatch(&cmds, "{\"execute\": \"test-alt\", \"arguments\":"
                   " {\"alt\": 5, \"opt-alt\": null}}");
    ret = qdict_get_qdict(rsp, "return");
    g_assert_nonnull(ret);
    g_assert_cmpstr(qdict_get_str(ret, "string"), ==, "num");
    g_assert_cmpint(qdict_get_int(ret, "integer"), ==, 5);
    qobject_unref(rsp);

    /* 'gen': false commands use the hand-written marshaller */
    rsp = dispatch(&cmds, "{\"execute\": \"test-nogen\"}");
    g_assert_true(nogen_called);
    qobject_unref(rsp);
}

static void test_events(void)
{
    QDict *data;

    qapi_event_send_test_event_b(7, "bee", true, false);
    g_assert_cmpint(last_event_id, ==, TEST_QAPI_EVENT_TEST_EVENT_B);
    g_assert_cmpstr(qdict_get_str(last_event, "event"), ==, "TEST_EVENT_B");
    g_assert_true(qdict_haskey(last_event, "timestamp"));
    data = qdict_get_qdict(last_event, "data");
    g_assert_cmpint(qdict_get_int(data, "a"), ==, 7);
    g_assert_cmpstr(qdict_get_str(data, "b"), ==, "bee");
    g_assert_false(qdict_get_bool(data, "c"));

    /* absent optional members stay absent */
    qapi_event_send_test_event_b(1, NULL, false, false);
    data = qdict_get_qdict(last_event, "data");
    g_assert_false(qdict_haskey(data, "b"));
    g_assert_false(qdict_haskey(data, "c"));

    qapi_event_send_test_event_a();
    g_assert_cmpint(last_event_id, ==, TEST_QAPI_EVENT_TEST_EVENT_A);
    g_assert_false(qdict_haskey(last_event, "data"));

    {
        TestOne one = { .one = 11 };

        qapi_event_send_test_event_boxed(&one);
        data = qdict_get_qdict(last_event, "data");
        g_assert_cmpint(qdict_get_int(data, "one"), ==, 11);
    }

    /* deprecated events disappear under -compat deprecated-output=hide */
    last_event_id = TEST_QAPI_EVENT__MAX;
    compat_policy.deprecated_output = COMPAT_POLICY_OUTPUT_HIDE;
    qapi_event_send_test_event_old();
    g_assert_cmpint(last_event_id, ==, TEST_QAPI_EVENT__MAX);
    compat_policy.deprecated_output = COMPAT_POLICY_OUTPUT_ACCEPT;
    qapi_event_send_test_event_old();
    g_assert_cmpint(last_event_id, ==, TEST_QAPI_EVENT_TEST_EVENT_OLD);

    qobject_unref(last_event);
    last_event = NULL;
}

static QDict *find_entity(QList *schema, const char *name)
{
    const QListEntry *e;

    for (e = qlist_first(schema); e; e = qlist_next(e)) {
        QDict *d = qobject_to(QDict, qlist_entry_obj(e));

        if (!strcmp(qdict_get_str(d, "name"), name)) {
            return d;
        }
    }
    return NULL;
}

static void test_introspect(void)
{
    g_autoptr(QObject) obj = qobject_from_qlit(&test_qmp_schema_qlit);
    QList *schema = qobject_to(QList, obj);
    QDict *cmd, *args, *flags, *member;
    const QListEntry *e;
    const char *arg_name;
    int builtin_int = 0;

    g_assert_nonnull(schema);
    cmd = find_entity(schema, "test-args");
    g_assert_nonnull(cmd);
    g_assert_cmpstr(qdict_get_str(cmd, "meta-type"), ==, "command");
    arg_name = qdict_get_str(cmd, "arg-type");
    /* type names are masked as numbers */
    g_assert_true(g_ascii_isdigit(arg_name[0]));
    args = find_entity(schema, arg_name);
    g_assert_nonnull(args);
    g_assert_cmpstr(qdict_get_str(args, "meta-type"), ==, "object");
    member = qobject_to(QDict, qlist_entry_obj(qlist_next(qlist_first(
        qdict_get_qlist(args, "members")))));
    g_assert_cmpstr(qdict_get_str(member, "name"), ==, "b");
    g_assert_cmpstr(qdict_get_str(member, "type"), ==, "int");
    g_assert_true(qdict_haskey(member, "default"));

    flags = find_entity(schema, "test-flags");
    g_assert_true(qdict_get_bool(flags, "allow-oob"));
    g_assert_cmpint(qlist_size(qdict_get_qlist(flags, "features")), ==, 1);

    g_assert_nonnull(find_entity(schema, "TEST_EVENT_B"));
    g_assert_nonnull(find_entity(schema, "SUB_MOVED"));
    g_assert_null(find_entity(schema, "test-cond"));
    g_assert_null(find_entity(schema, "TEST_EVENT_COND"));
    g_assert_null(find_entity(schema, "TestStruct"));

    /* built-ins appear once, under their JSON names */
    for (e = qlist_first(schema); e; e = qlist_next(e)) {
        QDict *d = qobject_to(QDict, qlist_entry_obj(e));

        if (!strcmp(qdict_get_str(d, "name"), "int")) {
            g_assert_cmpstr(qdict_get_str(d, "meta-type"), ==, "builtin");
            builtin_int++;
        }
    }
    g_assert_cmpint(builtin_int, ==, 1);
    g_assert_cmpstr(qdict_get_str(find_entity(schema, "str"), "json-type"),
                    ==, "string");
    g_assert_cmpstr(qdict_get_str(find_entity(schema, "any"), "json-type"),
                    ==, "value");
    g_assert_nonnull(find_entity(schema, "[int]"));
}

static void test_free_and_clone(void)
{
    g_autoptr(TestTwo) two = g_new0(TestTwo, 1);
    TestOneList **tail = &two->nested;
    int i;

    two->two = g_strdup("x");
    for (i = 0; i < 3; i++) {
        TestOne *one = g_new0(TestOne, 1);

        one->one = i;
        QAPI_LIST_APPEND(tail, one);
    }
    g_assert_cmpint(QAPI_LIST_LENGTH(two->nested), ==, 3);
    /* g_autoptr frees the whole tree through qapi_free_TestTwo() */
    qapi_free_TestTwo(NULL);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qapi-gen/enums", test_enums);
    g_test_add_func("/qapi-gen/layout", test_layout);
    g_test_add_func("/qapi-gen/roundtrip/struct", test_roundtrip_struct);
    g_test_add_func("/qapi-gen/roundtrip/union", test_roundtrip_union);
    g_test_add_func("/qapi-gen/input-errors", test_input_errors);
    g_test_add_func("/qapi-gen/alternate", test_alternate);
    g_test_add_func("/qapi-gen/commands", test_commands);
    g_test_add_func("/qapi-gen/events", test_events);
    g_test_add_func("/qapi-gen/introspect", test_introspect);
    g_test_add_func("/qapi-gen/free", test_free_and_clone);
    return g_test_run();
}
