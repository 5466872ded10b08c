/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for QMP dispatch and the command registry, with
 * hand-written marshallers: request shape errors (QEMU's texts), "id"
 * echo, error classes, disabled and deprecated commands, OOB rules,
 * commands without a success response, and the monitor hooks.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/compat-policy.h"
#include "qapi/qmp/dispatch.h"
#include "qapi/qmp-event.h"
#include "qapi/qobject-input-visitor.h"
#include "qapi/qobject-output-visitor.h"
#include "qobject/qdict.h"
#include "qobject/qjson.h"
#include "qobject/qnum.h"

static QmpCommandList cmds;     /* zero-initialised: an empty list */
static Monitor *current_mon;
static Monitor *mon_seen;
static int fake_mon_a, fake_mon_b;
#define MON_A ((Monitor *)&fake_mon_a)
#define MON_B ((Monitor *)&fake_mon_b)

/* "add": {'a': 'int', 'b': 'int'} -> 'int', as the generator writes it. */
static void qmp_marshal_add(QDict *args, QObject **ret, Error **errp)
{
    Visitor *v = qobject_input_visitor_new_qmp(QOBJECT(args));
    int64_t a, b, sum;
    bool ok = false;

    if (!visit_start_struct(v, NULL, NULL, 0, errp)) {
        goto out;
    }
    if (visit_type_int(v, "a", &a, errp) && visit_type_int(v, "b", &b, errp)) {
        ok = visit_check_struct(v, errp);
    }
    visit_end_struct(v, NULL);
    if (!ok) {
        goto out;
    }
    visit_free(v);
    sum = a + b;
    v = qobject_output_visitor_new(ret);
    visit_type_int(v, "unused", &sum, &error_abort);
    visit_complete(v, ret);
out:
    visit_free(v);
}

static void qmp_marshal_noreturn(QDict *args, QObject **ret, Error **errp)
{
    g_assert_cmpuint(qdict_size(args), ==, 0);
}

static void qmp_marshal_fail(QDict *args, QObject **ret, Error **errp)
{
    error_setg(errp, "it failed");
}

static void qmp_marshal_fail_class(QDict *args, QObject **ret, Error **errp)
{
    error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device 'x' not found");
}

static int no_success_calls;

static void qmp_marshal_no_success(QDict *args, QObject **ret, Error **errp)
{
    no_success_calls++;
}

static void qmp_marshal_whoami(QDict *args, QObject **ret, Error **errp)
{
    mon_seen = current_mon;
}

static Monitor *set_cur_mon(Monitor *mon)
{
    Monitor *old = current_mon;

    current_mon = mon;
    return old;
}

static void setup(void)
{
    static bool done;

    if (done) {
        return;
    }
    done = true;
    qmp_register_command(&cmds, "add", qmp_marshal_add, QCO_NO_OPTIONS, 0);
    qmp_register_command(&cmds, "noreturn", qmp_marshal_noreturn,
                         QCO_ALLOW_PRECONFIG, 0);
    qmp_register_command(&cmds, "fail", qmp_marshal_fail, QCO_NO_OPTIONS, 0);
    qmp_register_command(&cmds, "fail-class", qmp_marshal_fail_class,
                         QCO_NO_OPTIONS, 0);
    qmp_register_command(&cmds, "no-success", qmp_marshal_no_success,
                         QCO_NO_SUCCESS_RESP, 0);
    qmp_register_command(&cmds, "oob-ok", qmp_marshal_noreturn,
                         QCO_ALLOW_OOB, 0);
    qmp_register_command(&cmds, "old-cmd", qmp_marshal_noreturn,
                         QCO_NO_OPTIONS, 1u << QAPI_DEPRECATED);
    qmp_register_command(&cmds, "whoami", qmp_marshal_whoami,
                         QCO_COROUTINE, 0);
}

/* Dispatch @request (JSON) and return the response as JSON (or NULL). */
static char *dispatch(const char *request, bool allow_oob)
{
    QObject *req = qobject_from_json(request, &error_abort);
    QDict *rsp = qmp_dispatch(&cmds, req, allow_oob, MON_A);
    char *json = NULL;

    if (rsp) {
        json = g_string_free(qobject_to_json(QOBJECT(rsp)), false);
    }
    qobject_unref(rsp);
    qobject_unref(req);
    return json;
}

static void check(const char *request, bool allow_oob, const char *expect)
{
    g_autofree char *got = dispatch(request, allow_oob);

    g_assert_cmpstr(got, ==, expect);
}

#define GENERIC(desc) \
    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"" desc "\"}}"

static void test_request_shape(void)
{
    setup();
    check("[]", false, GENERIC("QMP input must be a JSON object"));
    check("'execute'", false, GENERIC("QMP input must be a JSON object"));
    check("{'execute': 1}", false,
          GENERIC("QMP input member 'execute' must be a string"));
    check("{'execute': 'add', 'arguments': [1]}", false,
          GENERIC("QMP input member 'arguments' must be an object"));
    check("{'execute': 'noreturn', 'foo': 1}", false,
          GENERIC("QMP input member 'foo' is unexpected"));
    check("{'execute': 'oob-ok', 'exec-oob': 'oob-ok'}", true,
          GENERIC("QMP input member 'exec-oob' clashes with 'execute'"));
    /* Without OOB enabled, exec-oob is just an unknown member. */
    check("{'exec-oob': 'oob-ok'}", false,
          GENERIC("QMP input member 'exec-oob' is unexpected"));
    check("{'exec-oob': 7}", true,
          GENERIC("QMP input member 'exec-oob' must be a string"));
    check("{}", false, GENERIC("QMP input lacks member 'execute'"));
    check("{'arguments': {}}", false,
          GENERIC("QMP input lacks member 'execute'"));
}

static void test_id_echo(void)
{
    setup();
    check("{'execute': 'noreturn', 'id': 1}", false,
          "{\"return\": {}, \"id\": 1}");
    check("{'id': 'abc', 'execute': 'add', 'arguments': {'a': 1, 'b': 2}}",
          false, "{\"return\": 3, \"id\": \"abc\"}");
    check("{'execute': 'noreturn', 'id': {'x': [1, null]}}", false,
          "{\"return\": {}, \"id\": {\"x\": [1, null]}}");
    /* Errors echo the id too, even when the request is malformed. */
    check("{'id': 5}", false,
          "{\"error\": {\"class\": \"GenericError\", \"desc\": "
          "\"QMP input lacks member 'execute'\"}, \"id\": 5}");
    check("{'execute': 'fail', 'id': [true]}", false,
          "{\"error\": {\"class\": \"GenericError\", \"desc\": "
          "\"it failed\"}, \"id\": [true]}");
}

static void test_commands(void)
{
    setup();
    check("{'execute': 'noreturn'}", false, "{\"return\": {}}");
    check("{'execute': 'noreturn', 'arguments': {}}", false,
          "{\"return\": {}}");
    check("{'execute': 'add', 'arguments': {'a': 40, 'b': 2}}", false,
          "{\"return\": 42}");
    /* Argument errors from the input visitor reach the client. */
    check("{'execute': 'add', 'arguments': {'a': 1}}", false,
          GENERIC("Parameter 'b' is missing"));
    check("{'execute': 'add', 'arguments': {'a': 1, 'b': 2, 'c': 3}}",
          false, GENERIC("Parameter 'c' is unexpected"));
    check("{'execute': 'add', 'arguments': {'a': 1, 'b': true}}", false,
          GENERIC("Invalid parameter type for 'b', expected: integer"));
    check("{'execute': 'fail'}", false, GENERIC("it failed"));
    check("{'execute': 'fail-class'}", false,
          "{\"error\": {\"class\": \"DeviceNotFound\", \"desc\": "
          "\"Device 'x' not found\"}}");
    check("{'execute': 'nope', 'id': 2}", false,
          "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
          "\"The command nope has not been found\"}, \"id\": 2}");
}

static void test_disabled(void)
{
    setup();
    qmp_disable_command(&cmds, "noreturn", "Monitor is busy");
    g_assert_false(qmp_command_is_enabled(qmp_find_command(&cmds,
                                                           "noreturn")));
    check("{'execute': 'noreturn'}", false,
          "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
          "\"Command noreturn has been disabled: Monitor is busy\"}}");
    qmp_disable_command(&cmds, "noreturn", NULL);
    check("{'execute': 'noreturn'}", false,
          "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
          "\"Command noreturn has been disabled\"}}");
    qmp_enable_command(&cmds, "noreturn");
    g_assert_true(qmp_command_is_enabled(qmp_find_command(&cmds,
                                                          "noreturn")));
    check("{'execute': 'noreturn'}", false, "{\"return\": {}}");
    /* Unknown names are ignored. */
    qmp_disable_command(&cmds, "nope", "x");
}

static void test_oob(void)
{
    QDict *d;

    setup();
    check("{'exec-oob': 'oob-ok', 'id': 1}", true,
          "{\"return\": {}, \"id\": 1}");
    check("{'exec-oob': 'noreturn'}", true,
          GENERIC("The command noreturn does not support OOB"));
    /* An OOB-capable command may also run in-band. */
    check("{'execute': 'oob-ok'}", false, "{\"return\": {}}");

    d = qdict_from_jsonf_nofail("{'exec-oob': 'x'}");
    g_assert_true(qmp_is_oob(d));
    qobject_unref(d);
    d = qdict_from_jsonf_nofail("{'execute': 'x'}");
    g_assert_false(qmp_is_oob(d));
    qobject_unref(d);
    d = qdict_from_jsonf_nofail("{'execute': 'x', 'exec-oob': 'y'}");
    g_assert_false(qmp_is_oob(d));
    qobject_unref(d);
}

static void test_no_success_response(void)
{
    char *rsp;

    setup();
    no_success_calls = 0;
    rsp = dispatch("{'execute': 'no-success', 'id': 9}", false);
    g_assert_null(rsp);
    g_assert_cmpint(no_success_calls, ==, 1);
    g_assert_false(qmp_has_success_response(qmp_find_command(&cmds,
                                                             "no-success")));
    g_assert_true(qmp_has_success_response(qmp_find_command(&cmds, "add")));
    /* Errors before the command runs are still reported. */
    check("{'execute': 'no-success', 'bad': 1}", false,
          GENERIC("QMP input member 'bad' is unexpected"));
}

static void test_deprecated_policy(void)
{
    CompatPolicy saved = compat_policy;

    setup();
    check("{'execute': 'old-cmd'}", false, "{\"return\": {}}");
    compat_policy.deprecated_input = COMPAT_POLICY_INPUT_REJECT;
    check("{'execute': 'old-cmd'}", false,
          "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
          "\"Deprecated command old-cmd disabled by policy\"}}");
    /* Only deprecated things are affected. */
    check("{'execute': 'noreturn'}", false, "{\"return\": {}}");
    compat_policy = saved;
}

static bool refuse_unless_preconfig(const QmpCommand *cmd, Error **errp)
{
    if (!(cmd->options & QCO_ALLOW_PRECONFIG)) {
        error_setg(errp, "The command '%s' is permitted only after machine "
                   "initialization has completed", qmp_command_name(cmd));
        return false;
    }
    return true;
}

static void test_hooks(void)
{
    setup();
    /* Without a hook the monitor argument is simply unused. */
    mon_seen = MON_B;
    check("{'execute': 'whoami'}", false, "{\"return\": {}}");
    g_assert_null(mon_seen);

    qmp_dispatch_set_cur_mon_hook(set_cur_mon);
    current_mon = MON_B;
    check("{'execute': 'whoami'}", false, "{\"return\": {}}");
    g_assert_true(mon_seen == MON_A);
    g_assert_true(current_mon == MON_B);     /* restored afterwards */
    qmp_dispatch_set_cur_mon_hook(NULL);
    current_mon = NULL;

    qmp_dispatch_set_available_hook(refuse_unless_preconfig);
    check("{'execute': 'noreturn'}", false, "{\"return\": {}}");
    check("{'execute': 'add', 'arguments': {'a': 1, 'b': 1}}", false,
          GENERIC("The command 'add' is permitted only after machine "
                  "initialization has completed"));
    qmp_dispatch_set_available_hook(NULL);
    check("{'execute': 'add', 'arguments': {'a': 1, 'b': 1}}", false,
          "{\"return\": 2}");
}

static void collect_name(const QmpCommand *cmd, void *opaque)
{
    GString *s = opaque;

    g_string_append_printf(s, "%s%s", s->len ? "," : "",
                           qmp_command_name(cmd));
}

static void test_registry(void)
{
    QmpCommandList empty = { 0 };
    GString *s = g_string_new("");

    setup();
    g_assert_null(qmp_find_command(&empty, "add"));
    qmp_for_each_command(&empty, collect_name, s);
    g_assert_cmpstr(s->str, ==, "");
    qmp_for_each_command(&cmds, collect_name, s);
    g_assert_cmpstr(s->str, ==, "add,noreturn,fail,fail-class,no-success,"
                    "oob-ok,old-cmd,whoami");
    g_string_free(s, true);
    g_assert_cmpstr(qmp_command_name(qmp_find_command(&cmds, "oob-ok")), ==,
                    "oob-ok");
    g_assert_null(qmp_find_command(&cmds, "ad"));
    g_assert_true(qmp_command_available(qmp_find_command(&cmds, "add"),
                                        &error_abort));
}

static void test_event_dict(void)
{
    int64_t before = g_get_real_time() / G_USEC_PER_SEC;
    QDict *ev = qmp_event_build_dict("MIGRATION");
    QDict *ts = qdict_get_qdict(ev, "timestamp");
    int64_t after = g_get_real_time() / G_USEC_PER_SEC;
    int64_t sec, usec;

    g_assert_cmpstr(qdict_get_str(ev, "event"), ==, "MIGRATION");
    g_assert_nonnull(ts);
    g_assert_cmpuint(qdict_size(ts), ==, 2);
    sec = qdict_get_int(ts, "seconds");
    usec = qdict_get_int(ts, "microseconds");
    g_assert_cmpint(sec, >=, before);
    g_assert_cmpint(sec, <=, after);
    g_assert_cmpint(usec, >=, 0);
    g_assert_cmpint(usec, <, 1000000);
    g_assert_cmpuint(qdict_size(ev), ==, 2);
    qobject_unref(ev);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qmp/dispatch/request-shape", test_request_shape);
    g_test_add_func("/qmp/dispatch/id-echo", test_id_echo);
    g_test_add_func("/qmp/dispatch/commands", test_commands);
    g_test_add_func("/qmp/dispatch/disabled", test_disabled);
    g_test_add_func("/qmp/dispatch/oob", test_oob);
    g_test_add_func("/qmp/dispatch/no-success-response",
                    test_no_success_response);
    g_test_add_func("/qmp/dispatch/deprecated-policy",
                    test_deprecated_policy);
    g_test_add_func("/qmp/dispatch/hooks", test_hooks);
    g_test_add_func("/qmp/registry", test_registry);
    g_test_add_func("/qmp/event-dict", test_event_dict);
    return g_test_run();
}
