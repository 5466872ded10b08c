/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Registering state with the migration stream: SaveVMHandlers for
 * "live" (iterative) and legacy sections such as RAM, and the VMState
 * registration of devices.  The stream side that calls these handlers
 * is migration/savevm.c; docs/devel/migration-stream.md ("Records",
 * "Section ids") is the format.
 *
 * Every registration gets a section id from one global counter, in
 * registration order, and a place in the handler list ordered by
 * priority (MIG_PRI_*, highest first) then registration order; FULL
 * sections are written in that order.
 *
 * All functions here run under the BQL.
 */
#ifndef MIGRATION_REGISTER_H
#define MIGRATION_REGISTER_H

#include "migration/vmstate.h"

/* Let register_savevm_live / vmstate_register pick the next free one. */
#define VMSTATE_INSTANCE_ID_ANY (-1)

typedef struct SaveVMHandlers {
    /* --- source, main thread with the BQL --- */

    /*
     * Non-iterative save (a FULL section) for legacy handlers that are
     * not VMState; written with the device sections at completion.
     */
    void (*save_state)(QEMUFile *f, void *opaque);
    /* After any migration (success or not): free what setup made. */
    void (*save_cleanup)(void *opaque);
    /*
     * Last pass with the VM stopped: send everything left.  Returns 0 or
     * a negative errno (the error is also latched on @f).
     */
    int (*save_live_complete_precopy)(QEMUFile *f, void *opaque);

    /* --- source, both threads --- */

    /* Take part in this migration at all?  (NULL: yes.) */
    bool (*is_active)(void *opaque);
    /* Can the handler continue in postcopy?  Tern: never yet. */
    bool (*has_postcopy)(void *opaque);
    /* Take part in this iteration?  (NULL: yes.) */
    bool (*is_active_iterate)(void *opaque);

    /* --- source, migration thread without the BQL --- */

    /*
     * One slice of the live data (a PART section).  Returns 1 when it
     * has nothing left to send for now, 0 when it stopped early (rate
     * limit or time budget), negative errno on failure.
     */
    int (*save_live_iterate)(QEMUFile *f, void *opaque);

    /* --- source, migration thread with the BQL --- */

    /* Start of the migration (the START section body). */
    int (*save_setup)(QEMUFile *f, void *opaque, Error **errp);
    /*
     * Bytes still to send: a cheap guess (estimate) and a precise figure
     * that may sync dirty bitmaps (exact, BQL held).  Both add to the
     * counters, which the caller zeroes.
     */
    void (*state_pending_estimate)(void *opaque, uint64_t *must_precopy,
                                   uint64_t *can_postcopy);
    void (*state_pending_exact)(void *opaque, uint64_t *must_precopy,
                                uint64_t *can_postcopy);

    /* --- destination, load coroutine on the main thread --- */

    /*
     * Load one section body written at @version_id.  Returns 0 or a
     * negative errno with @errp set saying why (the caller adds the
     * section's name).  Tern adds @errp to QEMU's signature so that
     * every refusal reaches query-migrate's error-desc.
     */
    int (*load_state)(QEMUFile *f, void *opaque, int version_id,
                      Error **errp);
    /* Before the first section is loaded / after the last. */
    int (*load_setup)(QEMUFile *f, void *opaque, Error **errp);
    int (*load_cleanup)(void *opaque);
} SaveVMHandlers;

/*
 * Register a legacy or live handler as section @idstr.  @instance_id:
 * a fixed number, or VMSTATE_INSTANCE_ID_ANY for one more than the
 * highest instance of @idstr so far.  Returns 0 (cannot fail today; the
 * int is QEMU's shape).
 */
int register_savevm_live(const char *idstr, uint32_t instance_id,
                         int version_id, const SaveVMHandlers *ops,
                         void *opaque);
/* Remove the handler(s) registered for @idstr with @opaque. */
void unregister_savevm(Object *obj, const char *idstr, void *opaque);

/*
 * Register @vmsd with @opaque as its state.  @obj (may be NULL) is the
 * owning device; when it has a device path, the section's idstr is
 * "PATH/NAME" (Tern has no buses, so no device has one yet and the
 * idstr is the vmsd name).  @alias_id and @required_for_version keep an
 * older instance id loadable (QEMU's compat mechanism; -1 / 0: none).
 * Fails if @vmsd is unmigratable and --only-migratable-like policy says
 * so (never yet) or the idstr is too long.
 */
int vmstate_register_with_alias_id(Object *obj, uint32_t instance_id,
                                   const VMStateDescription *vmsd,
                                   void *opaque, int alias_id,
                                   int required_for_version,
                                   Error **errp);

static inline int vmstate_register(Object *obj, int instance_id,
                                   const VMStateDescription *vmsd,
                                   void *opaque)
{
    return vmstate_register_with_alias_id(obj, instance_id, vmsd, opaque,
                                          -1, 0, NULL);
}

static inline int vmstate_register_any(Object *obj,
                                       const VMStateDescription *vmsd,
                                       void *opaque)
{
    return vmstate_register_with_alias_id(obj, VMSTATE_INSTANCE_ID_ANY,
                                          vmsd, opaque, -1, 0, NULL);
}

void vmstate_unregister(Object *obj, const VMStateDescription *vmsd,
                        void *opaque);

/*
 * Name a device's RAM block for migration: "DEVPATH/NAME" (see
 * qemu_ram_set_idstr).  Blocks are found by name when RAM is loaded.
 */
void vmstate_register_ram(MemoryRegion *mr, DeviceState *dev);
void vmstate_unregister_ram(MemoryRegion *mr, DeviceState *dev);
/* Same for a RAM region that is not owned by a device. */
void vmstate_register_ram_global(MemoryRegion *mr);

/*
 * Install the qdev hooks so that realizing a device with a vmsd
 * registers it (instance id: any) and unrealizing unregisters it.
 * Called once at start-up, by migration_object_init() (after the
 * stream's own sections, before any device is realized).
 */
void savevm_install_qdev_hooks(void);

/*
 * The local UUID (-uuid), for the configuration/uuid subsection under
 * the validate-uuid capability.  vl.c calls this when -uuid is given;
 * NULL forgets it.
 */
void qemu_savevm_set_uuid(const QemuUUID *uuid);
/* The VM's uuid as set there (all zeroes without -uuid). */
const QemuUUID *qemu_savevm_get_uuid(void);

#endif /* MIGRATION_REGISTER_H */
