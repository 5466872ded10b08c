/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QMP command registry: a name-indexed table of commands that also
 * remembers registration order (for query-commands and the like).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qmp/dispatch.h"

static bool (*command_available_hook)(const QmpCommand *cmd, Error **errp);

static void qmp_command_free(gpointer p)
{
    QmpCommand *cmd = p;

    g_free((char *)cmd->disable_reason);
    g_free(cmd);
}

/* Zero-initialised lists are valid; create the tables on first use. */
static void qmp_commands_init(QmpCommandList *cmds)
{
    if (!cmds->by_name) {
        cmds->by_name = g_hash_table_new(g_str_hash, g_str_equal);
        cmds->in_order = g_ptr_array_new_with_free_func(qmp_command_free);
    }
}

void qmp_register_command(QmpCommandList *cmds, const char *name,
                          QmpCommandFunc *fn, QmpCommandOptions options,
                          unsigned special_features)
{
    QmpCommand *cmd;

    assert(name && fn);
    /* A coroutine cannot run in the OOB (I/O) thread. */
    assert(!((options & QCO_COROUTINE) && (options & QCO_ALLOW_OOB)));
    qmp_commands_init(cmds);
    /* Registering a name twice is a bug in the caller. */
    assert(!g_hash_table_contains(cmds->by_name, name));

    cmd = g_new0(QmpCommand, 1);
    /* @name is a string literal from generated code, as in QEMU. */
    cmd->name = name;
    cmd->fn = fn;
    cmd->options = options;
    cmd->special_features = special_features;
    cmd->enabled = true;
    g_hash_table_insert(cmds->by_name, (gpointer)cmd->name, cmd);
    g_ptr_array_add(cmds->in_order, cmd);
}

const QmpCommand *qmp_find_command(const QmpCommandList *cmds,
                                   const char *name)
{
    if (!cmds->by_name) {
        return NULL;
    }
    return g_hash_table_lookup(cmds->by_name, name);
}

static void qmp_toggle_command(QmpCommandList *cmds, const char *name,
                               bool enabled, const char *disable_reason)
{
    QmpCommand *cmd;

    if (!cmds->by_name) {
        return;
    }
    cmd = g_hash_table_lookup(cmds->by_name, name);
    if (!cmd) {
        return;
    }
    cmd->enabled = enabled;
    g_free((char *)cmd->disable_reason);
    cmd->disable_reason = g_strdup(disable_reason);
}

void qmp_disable_command(QmpCommandList *cmds, const char *name,
                         const char *err_msg)
{
    qmp_toggle_command(cmds, name, false, err_msg);
}

void qmp_enable_command(QmpCommandList *cmds, const char *name)
{
    qmp_toggle_command(cmds, name, true, NULL);
}

bool qmp_command_is_enabled(const QmpCommand *cmd)
{
    return cmd->enabled;
}

void qmp_dispatch_set_available_hook(bool (*available)(const QmpCommand *cmd,
                                                       Error **errp))
{
    command_available_hook = available;
}

bool qmp_command_available(const QmpCommand *cmd, Error **errp)
{
    if (command_available_hook) {
        return command_available_hook(cmd, errp);
    }
    return true;
}

const char *qmp_command_name(const QmpCommand *cmd)
{
    return cmd->name;
}

bool qmp_has_success_response(const QmpCommand *cmd)
{
    return !(cmd->options & QCO_NO_SUCCESS_RESP);
}

void qmp_for_each_command(const QmpCommandList *cmds,
                          qmp_cmd_callback_fn fn, void *opaque)
{
    guint i;

    if (!cmds->in_order) {
        return;
    }
    for (i = 0; i < cmds->in_order->len; i++) {
        fn(g_ptr_array_index(cmds->in_order, i), opaque);
    }
}
