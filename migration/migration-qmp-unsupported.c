/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration.json commands whose feature Tern does not have yet
 * (Xen, snapshots, device-state-only
 * saves).  The generated marshallers reference every command of the
 * schema, so each must exist; here each one fails with a GenericError
 * that names the command and the missing feature, never a silent no-op.
 * Whoever implements a feature deletes its entries from this file.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-migration.h"
#include "qemu/atomic.h"
#include "migration/migration.h"

/* ----------------------------------------------------------------- Xen */

void qmp_xen_set_replication(bool enable, bool primary, bool has_failover,
                             bool failover, Error **errp)
{
    error_setg(errp, "xen-set-replication: Xen replication is not "
               "supported by Tern");
}

ReplicationStatus *qmp_query_xen_replication_status(Error **errp)
{
    error_setg(errp, "query-xen-replication-status: Xen replication is not "
               "supported by Tern");
    return NULL;
}

void qmp_xen_colo_do_checkpoint(Error **errp)
{
    error_setg(errp, "xen-colo-do-checkpoint: Xen replication is not "
               "supported by Tern");
}

void qmp_xen_set_global_dirty_log(bool enable, Error **errp)
{
    error_setg(errp, "xen-set-global-dirty-log: Xen is not supported by "
               "Tern");
}

/*
 * Saving and loading the device state alone (no RAM) needs a savevm.c
 * entry point that writes only the non-iterative sections; there is
 * none yet.
 */
void qmp_xen_save_devices_state(const char *filename, bool has_live,
                                bool live, Error **errp)
{
    error_setg(errp, "xen-save-devices-state: saving the device state "
               "alone is not supported by Tern yet");
}

void qmp_xen_load_devices_state(const char *filename, Error **errp)
{
    error_setg(errp, "xen-load-devices-state: loading the device state "
               "alone is not supported by Tern yet");
}

/* ------------------------------------------------------------ snapshots */

void qmp_snapshot_save(const char *job_id, const char *tag,
                       const char *vmstate, strList *devices, Error **errp)
{
    error_setg(errp, "snapshot-save: Tern has no block layer; snapshots are "
               "not supported");
}

void qmp_snapshot_load(const char *job_id, const char *tag,
                       const char *vmstate, strList *devices, Error **errp)
{
    error_setg(errp, "snapshot-load: Tern has no block layer; snapshots are "
               "not supported");
}

void qmp_snapshot_delete(const char *job_id, const char *tag,
                         strList *devices, Error **errp)
{
    error_setg(errp, "snapshot-delete: Tern has no block layer; snapshots "
               "are not supported");
}
