/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP command registry and dispatch.  Generated qmp_init_marshal()
 * registers every command of the schema; the monitor calls qmp_dispatch()
 * for each request.
 */
#ifndef QAPI_QMP_DISPATCH_H
#define QAPI_QMP_DISPATCH_H

#include "qobject/qdict.h"

/* Generated marshaller: unpack @args, call qmp_FOO(), pack *@ret. */
typedef void (QmpCommandFunc)(QDict *args, QObject **ret, Error **errp);

typedef enum QmpCommandOptions {
    QCO_NO_OPTIONS            =  0x0,
    QCO_NO_SUCCESS_RESP       =  (1U << 0),
    QCO_ALLOW_OOB             =  (1U << 1),
    QCO_ALLOW_PRECONFIG       =  (1U << 2),
    QCO_COROUTINE             =  (1U << 3),
} QmpCommandOptions;

typedef struct QmpCommand {
    const char *name;
    QmpCommandFunc *fn;
    QmpCommandOptions options;
    unsigned special_features;      /* 1u << QAPI_DEPRECATED, ... */
    bool enabled;
    const char *disable_reason;
} QmpCommand;

/*
 * A set of commands.  Zero-initialised storage is an empty, usable list
 * (e.g. a static "QmpCommandList qmp_commands;").
 */
typedef struct QmpCommandList {
    GHashTable *by_name;        /* name -> QmpCommand * */
    GPtrArray *in_order;        /* registration order, for listing */
} QmpCommandList;

void qmp_register_command(QmpCommandList *cmds, const char *name,
                          QmpCommandFunc *fn, QmpCommandOptions options,
                          unsigned special_features);
const QmpCommand *qmp_find_command(const QmpCommandList *cmds,
                                   const char *name);
void qmp_disable_command(QmpCommandList *cmds, const char *name,
                         const char *err_msg);
void qmp_enable_command(QmpCommandList *cmds, const char *name);

bool qmp_command_is_enabled(const QmpCommand *cmd);
bool qmp_command_available(const QmpCommand *cmd, Error **errp);
const char *qmp_command_name(const QmpCommand *cmd);
bool qmp_has_success_response(const QmpCommand *cmd);

/* {"error": {"class": ..., "desc": ...}}; takes ownership of @err. */
QDict *qmp_error_response(Error *err);

/*
 * Run one request: check its shape ("execute" or "exec-oob", "arguments",
 * "id"), find and run the command, and build the response (with "id"
 * echoed).  Returns NULL for a command without a success response that
 * succeeded.  @cur_mon is made current while the command runs.
 */
QDict *qmp_dispatch(const QmpCommandList *cmds, QObject *request,
                    bool allow_oob, Monitor *cur_mon);
/* True when @dict is an "exec-oob" request. */
bool qmp_is_oob(const QDict *dict);

typedef void (*qmp_cmd_callback_fn)(const QmpCommand *cmd, void *opaque);
/* In registration order. */
void qmp_for_each_command(const QmpCommandList *cmds,
                          qmp_cmd_callback_fn fn, void *opaque);

/*
 * The monitor registers @set_cur so that qmp_dispatch() can make @cur_mon
 * current while a command runs: it is called with @cur_mon before the
 * command and with its return value (the previous monitor) after.
 * Without a hook @cur_mon is ignored.  NULL unregisters.
 */
void qmp_dispatch_set_cur_mon_hook(Monitor *(*set_cur)(Monitor *));

/*
 * The machine code registers @available to refuse commands that are not
 * allowed yet (QEMU's preconfig rule, QCO_ALLOW_PRECONFIG); without a
 * hook qmp_command_available() accepts every command.
 */
void qmp_dispatch_set_available_hook(bool (*available)(const QmpCommand *cmd,
                                                       Error **errp));

#endif /* QAPI_QMP_DISPATCH_H */
