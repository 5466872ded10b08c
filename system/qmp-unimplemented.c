/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP commands that the schema declares (QEMU 10.0's ABI) but that no
 * part of Tern implements yet.  Each answers with a GenericError naming
 * the command, so a client learns it plainly instead of getting a silent
 * no-op.  This file exists because the generated marshallers reference
 * every command: whoever implements one deletes its entry here (the
 * linker reports the duplicate otherwise).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-migration.h"

static void not_implemented(const char *name, Error **errp)
{
    error_setg(errp, "The command %s is not implemented in Tern yet", name);
}


void qmp_calc_dirty_rate(int64_t calc_time, bool has_calc_time_unit,
                         TimeUnit calc_time_unit, bool has_sample_pages,
                         int64_t sample_pages, bool has_mode,
                         DirtyRateMeasureMode mode, Error **errp)
{
    not_implemented("calc-dirty-rate", errp);
}

void qmp_cancel_vcpu_dirty_limit(bool has_cpu_index, int64_t cpu_index,
                                 Error **errp)
{
    not_implemented("cancel-vcpu-dirty-limit", errp);
}


void qmp_migrate_pause(Error **errp)
{
    not_implemented("migrate-pause", errp);
}

void qmp_migrate_recover(const char *uri, Error **errp)
{
    not_implemented("migrate-recover", errp);
}

void qmp_migrate_start_postcopy(Error **errp)
{
    not_implemented("migrate-start-postcopy", errp);
}

COLOStatus *qmp_query_colo_status(Error **errp)
{
    not_implemented("query-colo-status", errp);
    return NULL;
}

DirtyRateInfo *qmp_query_dirty_rate(bool has_calc_time_unit,
                                    TimeUnit calc_time_unit, Error **errp)
{
    not_implemented("query-dirty-rate", errp);
    return NULL;
}

DirtyLimitInfoList *qmp_query_vcpu_dirty_limit(Error **errp)
{
    not_implemented("query-vcpu-dirty-limit", errp);
    return NULL;
}

ReplicationStatus *qmp_query_xen_replication_status(Error **errp)
{
    not_implemented("query-xen-replication-status", errp);
    return NULL;
}

void qmp_set_vcpu_dirty_limit(bool has_cpu_index, int64_t cpu_index,
                              uint64_t dirty_rate, Error **errp)
{
    not_implemented("set-vcpu-dirty-limit", errp);
}

void qmp_snapshot_delete(const char *job_id, const char *tag, strList *devices,
                         Error **errp)
{
    not_implemented("snapshot-delete", errp);
}

void qmp_snapshot_load(const char *job_id, const char *tag, const char *vmstate,
                       strList *devices, Error **errp)
{
    not_implemented("snapshot-load", errp);
}

void qmp_snapshot_save(const char *job_id, const char *tag, const char *vmstate,
                       strList *devices, Error **errp)
{
    not_implemented("snapshot-save", errp);
}

void qmp_x_colo_lost_heartbeat(Error **errp)
{
    not_implemented("x-colo-lost-heartbeat", errp);
}

void qmp_xen_colo_do_checkpoint(Error **errp)
{
    not_implemented("xen-colo-do-checkpoint", errp);
}

void qmp_xen_load_devices_state(const char *filename, Error **errp)
{
    not_implemented("xen-load-devices-state", errp);
}

void qmp_xen_save_devices_state(const char *filename, bool has_live, bool live,
                                Error **errp)
{
    not_implemented("xen-save-devices-state", errp);
}

void qmp_xen_set_global_dirty_log(bool enable, Error **errp)
{
    not_implemented("xen-set-global-dirty-log", errp);
}

void qmp_xen_set_replication(bool enable, bool primary, bool has_failover,
                             bool failover, Error **errp)
{
    not_implemented("xen-set-replication", errp);
}
