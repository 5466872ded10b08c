/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP commands about the QMP session itself: qmp_capabilities,
 * query-version, query-commands and query-qmp-schema; and the two
 * command lists (negotiation mode, command mode).
 */
#include "qemu/osdep.h"
#include "monitor-internal.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-control.h"
#include "qapi/qapi-commands-introspect.h"
#include "qapi/qapi-init-commands.h"
#include "qapi/qapi-visit-introspect.h"
#include "qapi/qapi-introspect.h"
#include "qapi/qobject-input-visitor.h"
#include "qapi/visitor.h"
#include "qobject/qlit.h"
#include "config-host.h"

QmpCommandList qmp_commands, qmp_cap_negotiation_commands;

void monitor_init_qmp_commands(void)
{
    qmp_init_marshal(&qmp_commands);
    /* In negotiation mode nothing but qmp_capabilities exists. */
    qmp_register_command(&qmp_cap_negotiation_commands, "qmp_capabilities",
                         qmp_marshal_qmp_capabilities, QCO_ALLOW_PRECONFIG,
                         0);
}

void qmp_qmp_capabilities(QMPCapabilityList *enable, Error **errp)
{
    Monitor *cur = monitor_cur();
    MonitorQMP *mon;
    bool capab[QMP_CAPABILITY__MAX] = { false };

    if (!cur || !cur->is_qmp) {
        error_setg(errp, "qmp_capabilities is only valid on a QMP monitor");
        return;
    }
    mon = container_of(cur, MonitorQMP, common);
    if (mon->commands == &qmp_commands) {
        error_set(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "Capabilities negotiation is already complete, command "
                  "ignored");
        return;
    }
    for (QMPCapabilityList *l = enable; l; l = l->next) {
        if (!mon->capab_offered[l->value]) {
            error_setg(errp, "Capability '%s' not available",
                       QMPCapability_str(l->value));
            return;
        }
        capab[l->value] = true;
    }
    memcpy(mon->capab, capab, sizeof(capab));
    mon->commands = &qmp_commands;
}

VersionInfo *qmp_query_version(Error **errp)
{
    VersionInfo *info = g_new0(VersionInfo, 1);

    info->qemu = g_new0(VersionTriple, 1);
    info->qemu->major = 10;
    info->qemu->minor = 0;
    info->qemu->micro = 0;
    info->package = g_strdup(TERN_PKGVERSION);
    return info;
}

static void query_commands_cb(const QmpCommand *cmd, void *opaque)
{
    CommandInfoList ***tail = opaque;
    CommandInfo *info;

    if (!qmp_command_is_enabled(cmd)) {
        return;
    }
    info = g_new0(CommandInfo, 1);
    info->name = g_strdup(qmp_command_name(cmd));
    QAPI_LIST_APPEND(*tail, info);
}

CommandInfoList *qmp_query_commands(Error **errp)
{
    CommandInfoList *list = NULL, **tail = &list;
    Monitor *cur = monitor_cur();
    const QmpCommandList *cmds = &qmp_commands;

    if (cur && cur->is_qmp) {
        cmds = container_of(cur, MonitorQMP, common)->commands;
    }
    qmp_for_each_command(cmds, query_commands_cb, &tail);
    return list;
}

SchemaInfoList *qmp_query_qmp_schema(Error **errp)
{
    /*
     * The generator gives the schema as a literal; turning it into
     * SchemaInfo and back costs a little, once per query.
     */
    QObject *obj = qobject_from_qlit(&qmp_schema_qlit);
    Visitor *v = qobject_input_visitor_new(obj);
    SchemaInfoList *list = NULL;

    visit_type_SchemaInfoList(v, NULL, &list, errp);
    visit_free(v);
    qobject_unref(obj);
    return list;
}
