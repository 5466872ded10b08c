/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP dispatch: check the shape of one request, find and run its
 * command, and build the response, with QEMU's error messages so that
 * QMP clients see what they see from QEMU.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/compat-policy.h"
#include "qapi/qmp/dispatch.h"
#include "qobject/qdict.h"
#include "qobject/qstring.h"

static Monitor *(*set_cur_mon_hook)(Monitor *mon);

void qmp_dispatch_set_cur_mon_hook(Monitor *(*set_cur)(Monitor *))
{
    set_cur_mon_hook = set_cur;
}

QDict *qmp_error_response(Error *err)
{
    QDict *rsp = qdict_new();
    QDict *error = qdict_new();

    qdict_put_str(error, "class", error_class_name(error_get_class(err)));
    qdict_put_str(error, "desc", error_get_pretty(err));
    qdict_put(rsp, "error", error);
    error_free(err);
    return rsp;
}

/* Only "execute" (or "exec-oob"), "arguments" and "id" are allowed. */
static bool qmp_dispatch_check_obj(QDict *dict, bool allow_oob,
                                   Error **errp)
{
    const char *exec_key = NULL;
    const QDictEntry *ent;

    for (ent = qdict_first(dict); ent; ent = qdict_next(dict, ent)) {
        const char *key = qdict_entry_key(ent);
        QObject *val = qdict_entry_value(ent);

        if (!strcmp(key, "execute")
            || (allow_oob && !strcmp(key, "exec-oob"))) {
            if (qobject_type(val) != QTYPE_QSTRING) {
                error_setg(errp, "QMP input member '%s' must be a string",
                           key);
                return false;
            }
            if (exec_key) {
                error_setg(errp, "QMP input member '%s' clashes with '%s'",
                           key, exec_key);
                return false;
            }
            exec_key = key;
        } else if (!strcmp(key, "arguments")) {
            if (qobject_type(val) != QTYPE_QDICT) {
                error_setg(errp,
                           "QMP input member 'arguments' must be an object");
                return false;
            }
        } else if (strcmp(key, "id")) {
            error_setg(errp, "QMP input member '%s' is unexpected", key);
            return false;
        }
    }
    if (!exec_key) {
        error_setg(errp, "QMP input lacks member 'execute'");
        return false;
    }
    return true;
}

bool qmp_is_oob(const QDict *dict)
{
    return qdict_haskey(dict, "exec-oob") && !qdict_haskey(dict, "execute");
}

/*
 * Run @cmd.  Commands marked QCO_COROUTINE run directly here too: there
 * is no coroutine-based dispatch yet, so such a command must not yield.
 */
static void qmp_run_command(const QmpCommand *cmd, QDict *args,
                            QObject **ret, Monitor *cur_mon, Error **errp)
{
    Monitor *prev = NULL;

    if (set_cur_mon_hook) {
        prev = set_cur_mon_hook(cur_mon);
    }
    cmd->fn(args, ret, errp);
    if (set_cur_mon_hook) {
        set_cur_mon_hook(prev);
    }
}

QDict *qmp_dispatch(const QmpCommandList *cmds, QObject *request,
                    bool allow_oob, Monitor *cur_mon)
{
    Error *err = NULL;
    QDict *dict = qobject_to(QDict, request);
    QObject *id = NULL;
    const char *command;
    const QmpCommand *cmd;
    QDict *args;
    QObject *ret = NULL;
    QDict *rsp = NULL;
    bool oob;

    if (!dict) {
        error_setg(&err, "QMP input must be a JSON object");
        goto out;
    }
    id = qdict_get(dict, "id");
    if (!qmp_dispatch_check_obj(dict, allow_oob, &err)) {
        goto out;
    }

    command = qdict_get_try_str(dict, "execute");
    oob = false;
    if (!command) {
        assert(allow_oob);
        command = qdict_get_str(dict, "exec-oob");
        oob = true;
    }

    cmd = qmp_find_command(cmds, command);
    if (!cmd) {
        error_set(&err, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "The command %s has not been found", command);
        goto out;
    }
    if (!compat_policy_input_ok(cmd->special_features, &compat_policy,
                                ERROR_CLASS_COMMAND_NOT_FOUND,
                                "command", command, &err)) {
        goto out;
    }
    if (!cmd->enabled) {
        error_set(&err, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "Command %s has been disabled%s%s", command,
                  cmd->disable_reason ? ": " : "",
                  cmd->disable_reason ? cmd->disable_reason : "");
        goto out;
    }
    if (oob && !(cmd->options & QCO_ALLOW_OOB)) {
        error_setg(&err, "The command %s does not support OOB", command);
        goto out;
    }
    if (!qmp_command_available(cmd, &err)) {
        goto out;
    }

    args = qdict_get_qdict(dict, "arguments");
    if (args) {
        qobject_ref(args);
    } else {
        args = qdict_new();
    }
    qmp_run_command(cmd, args, &ret, cur_mon, &err);
    qobject_unref(args);

    if (err) {
        /* A failing command should not return a value; drop it if so. */
        qobject_unref(ret);
        goto out;
    }
    if (cmd->options & QCO_NO_SUCCESS_RESP) {
        assert(!ret);
        return NULL;
    }
    if (!ret) {
        /* A command without 'returns' still answers {"return": {}}. */
        ret = QOBJECT(qdict_new());
    }
    rsp = qdict_new();
    qdict_put_obj(rsp, "return", ret);

out:
    if (err) {
        assert(!rsp);
        rsp = qmp_error_response(err);
    }
    if (id) {
        qdict_put_obj(rsp, "id", qobject_ref(id));
    }
    return rsp;
}
