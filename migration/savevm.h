/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to migration/: the stream's record types and commands, and
 * what the rest of migration/ calls in savevm.c: the qemu_savevm_*
 * sequence of the migration thread and qemu_loadvm_state() of the
 * destination.  docs/devel/migration-stream.md describes the bytes.
 */
#ifndef MIGRATION_SAVEVM_H
#define MIGRATION_SAVEVM_H

#include "migration/qemu-file.h"
#include "qemu/uuid.h"
#include "qapi/qapi-builtin-types.h"    /* strList */
#include "migration/qemu-file.h"

#define QEMU_VM_FILE_MAGIC           0x5145564d     /* "QEVM" */
#define QEMU_VM_FILE_VERSION_COMPAT  0x00000002
#define QEMU_VM_FILE_VERSION         0x00000003

/* Record types at the top level of the stream. */
#define QEMU_VM_EOF                  0x00
#define QEMU_VM_SECTION_START        0x01
#define QEMU_VM_SECTION_PART         0x02
#define QEMU_VM_SECTION_END          0x03
#define QEMU_VM_SECTION_FULL         0x04
/* QEMU_VM_SUBSECTION (0x05) lives in vmstate.h. */
#define QEMU_VM_VMDESCRIPTION        0x06
#define QEMU_VM_CONFIGURATION        0x07
#define QEMU_VM_COMMAND              0x08
#define QEMU_VM_SECTION_FOOTER       0x7e

/* QEMU_VM_COMMAND ids (QEMU 7.2 knows 1..10). */
enum qemu_vm_cmd {
    MIG_CMD_INVALID = 0,
    MIG_CMD_OPEN_RETURN_PATH,
    MIG_CMD_PING,
    MIG_CMD_POSTCOPY_ADVISE,
    MIG_CMD_POSTCOPY_LISTEN,
    MIG_CMD_POSTCOPY_RUN,
    MIG_CMD_POSTCOPY_RAM_DISCARD,
    MIG_CMD_PACKAGED,
    MIG_CMD_ENABLE_COLO,
    MIG_CMD_POSTCOPY_RESUME,
    MIG_CMD_RECV_BITMAP,
    MIG_CMD_MAX
};

/* Largest PACKAGED blob the loader accepts (QEMU's limit). */
#define MAX_VM_CMD_PACKAGED_SIZE (1u << 24)
/* Largest vmdesc trailer the loader skips (it never parses it). */
#define MAX_VMDESC_SIZE (64u * 1024 * 1024)

/*
 * True (with the first offender in @errp) when a registered VMState is
 * marked unmigratable.  The migrate command refuses to start then, as
 * QEMU's migrate_prepare() does.
 */
bool qemu_savevm_state_blocked(Error **errp);
/* Prepend "non-migratable device: IDSTR" for each unmigratable section. */
void qemu_savevm_non_migratable_list(strList **reasons);

/*
 * Write a whole precopy stream to @f in one go with the VM stopped (no
 * iteration): header, setup, completion, EOF and trailer.  Used by the
 * unit tests and by a future savevm/snapshot command.
 */
int qemu_savevm_state(QEMUFile *f, Error **errp);

/*
 * The migration thread calls, in order:
 *   qemu_savevm_state_header(f)          magic, version, configuration
 *   [return-path: qemu_savevm_send_open_return_path(f),
 *                 qemu_savevm_send_ping(f, 1)]
 *   qemu_savevm_state_setup(f, errp)     SECTION_START of each live handler
 *   loop: qemu_savevm_state_pending_estimate(&must, &can), maybe _exact;
 *         qemu_savevm_state_iterate(f, false) (1 = all iterables done)
 *   vm_stop; qemu_savevm_state_complete_precopy(f, false, errp)
 *   qemu_savevm_state_cleanup()          always, on the main thread
 * Errors are latched on f (qemu_file_get_error) or returned.
 */
void qemu_savevm_state_header(QEMUFile *f);
int qemu_savevm_state_setup(QEMUFile *f, Error **errp);
int qemu_savevm_state_iterate(QEMUFile *f, bool postcopy);
void qemu_savevm_state_pending_estimate(uint64_t *must_precopy,
                                        uint64_t *can_postcopy);
void qemu_savevm_state_pending_exact(uint64_t *must_precopy,
                                     uint64_t *can_postcopy);
int qemu_savevm_state_complete_precopy(QEMUFile *f, bool iterable_only,
                                       Error **errp);
void qemu_savevm_state_cleanup(void);
void qemu_savevm_send_open_return_path(QEMUFile *f);
void qemu_savevm_send_ping(QEMUFile *f, uint32_t value);
/* CMD ENABLE_COLO: the destination becomes a COLO secondary. */
void qemu_savevm_send_colo_enable(QEMUFile *f);
/*
 * The device state alone: every non-iterative section and EOF, without
 * header; the vmdesc trailer too if @trailer (a background snapshot's
 * end), not for COLO's checkpoints.  0 or a negative errno with @errp.
 */
int qemu_save_device_state(QEMUFile *f, bool trailer, Error **errp);
/*
 * Destination: load a whole stream; 0, negative errno with @errp, or 1
 * when postcopy started (the guest may run; a listen thread loads the
 * rest and ends the migration).
 */
int qemu_loadvm_state(QEMUFile *f, Error **errp);
/* Write one QEMU_VM_COMMAND record and flush. */
void qemu_savevm_command_send(QEMUFile *f, enum qemu_vm_cmd command,
                              uint16_t len, const uint8_t *data);
/*
 * The switch to postcopy: every non-iterative section, without EOF or
 * trailer (the RAM stream goes on).  0 or a negative errno with @errp.
 */
int qemu_savevm_state_postcopy_devices(QEMUFile *f, Error **errp);
/* End of postcopy: END of each postcopy-capable section, then EOF. */
int qemu_savevm_state_complete_postcopy(QEMUFile *f, Error **errp);

/*
 * COLO secondary: after a load that saw ENABLE_COLO, the sections stay
 * bound and the handlers' load state stays set up; each checkpoint's
 * records (up to EOF) go through qemu_loadvm_colo_load() until
 * qemu_loadvm_colo_end() ends it.
 */
int qemu_loadvm_colo_load(QEMUFile *f, Error **errp);
void qemu_loadvm_colo_end(void);

/* Wrap a load error message: "error while loading state for ..." */
#define SAVEVM_LOAD_ERR_FMT \
    "error while loading state for instance 0x%x of device '%s': "

#endif /* MIGRATION_SAVEVM_H */
