/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qdev: the device model on top of QOM.  TYPE_DEVICE objects are built
 * (properties set while unrealized), then realized; realization is the
 * "realized" bool property, so it also works from QMP and -device.
 * Static properties (DEFINE_PROP_*, qdev-properties.h) become class
 * properties whose defaults apply at instance init and which refuse
 * writes after realize.  Global properties (-global, machine compat) are
 * applied to each new device after its instance_init hooks ran.
 *
 * A bus (TYPE_BUS, hw/core/bus.c) is a QOM object named like QEMU's
 * ("pci.0") that devices of its type plug into: qdev_realize(dev, bus)
 * records it in DeviceState.parent_bus before the device's realize,
 * which does the bus-specific placement.  Most devices (ISA-style ones
 * here) have no bus.
 */
#ifndef HW_QDEV_CORE_H
#define HW_QDEV_CORE_H

#include "qom/object.h"
#include "qemu/queue.h"

typedef struct BusState BusState;
typedef struct Property Property;

#define TYPE_DEVICE "device"
OBJECT_DECLARE_TYPE(DeviceState, DeviceClass, DEVICE)

typedef enum DeviceCategory {
    DEVICE_CATEGORY_BRIDGE,
    DEVICE_CATEGORY_USB,
    DEVICE_CATEGORY_STORAGE,
    DEVICE_CATEGORY_NETWORK,
    DEVICE_CATEGORY_INPUT,
    DEVICE_CATEGORY_DISPLAY,
    DEVICE_CATEGORY_SOUND,
    DEVICE_CATEGORY_MISC,
    DEVICE_CATEGORY_CPU,
    DEVICE_CATEGORY_WATCHDOG,
    DEVICE_CATEGORY_MAX
} DeviceCategory;

typedef void (*DeviceRealize)(DeviceState *dev, Error **errp);
typedef void (*DeviceUnrealize)(DeviceState *dev);
typedef void (*DeviceReset)(DeviceState *dev);

struct DeviceClass {
    ObjectClass parent_class;

    /*
     * A bitmap of DeviceCategory (set_bit() from qemu/bitops.h); spelt
     * out so that this header does not pull in bitops.h.
     */
    unsigned long categories[(DEVICE_CATEGORY_MAX + sizeof(unsigned long) * 8
                              - 1) / (sizeof(unsigned long) * 8)];
    const char *fw_name;
    const char *desc;

    /* Set with device_class_set_props(); read-only elsewhere. */
    const Property *props_;
    uint16_t props_count_;

    /* May -device / device_add create it? */
    bool user_creatable;
    bool hotpluggable;

    /* Reset without the Resettable machinery (device_cold_reset). */
    DeviceReset legacy_reset;
    DeviceRealize realize;
    DeviceUnrealize unrealize;

    /* The device's migration state, registered when it is realized. */
    const VMStateDescription *vmsd;

    /* The type of bus the device plugs into (QEMU's TYPE_PCI_BUS...). */
    const char *bus_type;
};

struct DeviceState {
    Object parent_obj;

    /* The user's id (-device id=...), or NULL. */
    char *id;
    /* Set once realized (the path is fixed from then on). */
    char *canonical_path;
    bool realized;
    bool pending_deleted_event;
    int hotplugged;
    bool allow_unplug_during_migration;
    /* The bus the device is plugged into, or NULL. */
    BusState *parent_bus;
    /* VMState registration details (see migration's vmstate_register). */
    int instance_id_alias;
    int alias_required_for_version;
};

/* A new unrealized device; aborts if @name is not a known type. */
DeviceState *qdev_new(const char *name);
/* Same, but NULL if @name is unknown. */
DeviceState *qdev_try_new(const char *name);

/*
 * Realize @dev on @bus (NULL for a bus-less device; a device whose class
 * names a bus_type needs a bus of that type).  A device without a parent
 * is first put under /machine/unattached.
 */
bool qdev_realize(DeviceState *dev, BusState *bus, Error **errp);
/* qdev_realize(), then drop the caller's reference in any case. */
bool qdev_realize_and_unref(DeviceState *dev, BusState *bus, Error **errp);
void qdev_unrealize(DeviceState *dev);

/*
 * Record @id and add @dev as /machine/peripheral/ID (or, without an id,
 * as /machine/peripheral-anon/device[N]); returns the child name.
 */
const char *qdev_set_id(DeviceState *dev, char *id, Error **errp);

/*
 * Start-up has created the machine and its -device devices: devices
 * created from now on are hot-plugged (DeviceState.hotplugged).
 */
void qdev_machine_creation_done(void);

/* "/machine", created as a container if no machine exists yet. */
Object *qdev_get_machine(void);

const VMStateDescription *qdev_get_vmsd(DeviceState *dev);

/* Run the device's legacy reset, if any. */
void device_cold_reset(DeviceState *dev);
void device_class_set_legacy_reset(DeviceClass *dc, DeviceReset dev_reset);

/* Override realize/unrealize, keeping the parent's for chaining. */
void device_class_set_parent_realize(DeviceClass *dc,
                                     DeviceRealize dev_realize,
                                     DeviceRealize *parent_realize);
void device_class_set_parent_unrealize(DeviceClass *dc,
                                       DeviceUnrealize dev_unrealize,
                                       DeviceUnrealize *parent_unrealize);

/*
 * The migration code registers and unregisters each device's vmsd when it
 * is realized and unrealized; it installs these hooks at start-up so that
 * the device core does not depend on it.  Without hooks a vmsd is ignored.
 */
typedef struct QdevVMStateHooks {
    bool (*register_vmsd)(DeviceState *dev, const VMStateDescription *vmsd,
                          Error **errp);
    void (*unregister_vmsd)(DeviceState *dev,
                            const VMStateDescription *vmsd);
} QdevVMStateHooks;
void qdev_set_vmstate_hooks(const QdevVMStateHooks *hooks);

/* --- buses --- */

#define TYPE_BUS "bus"
OBJECT_DECLARE_TYPE(BusState, BusClass, BUS)

struct BusClass {
    ObjectClass parent_class;

    /* The device's address on the bus ("0000:00:03.0"), for migration. */
    char *(*get_dev_path)(DeviceState *dev);
};

struct BusState {
    Object obj;

    DeviceState *parent;
    char *name;
    /* Can device_add/device_del plug devices here? */
    bool hotpluggable;
    QTAILQ_ENTRY(BusState) next;
};

/*
 * Initialize the bus object at @bus (of @size bytes and type @typename)
 * as child @name of @parent and make it known to qbus_find().
 */
void qbus_init(void *bus, size_t size, const char *typename,
               DeviceState *parent, const char *name);
/* Forget @bus (the owner's unrealize). */
void qbus_remove(BusState *bus);
/*
 * The bus called @name (QEMU's -device bus=), or without @name the first
 * bus of @bus_type; the error names what is missing in QEMU's words.
 */
BusState *qbus_find(const char *name, const char *bus_type,
                    const char *driver, Error **errp);
/* @dev's path on its bus (freed by the caller), or NULL without a bus. */
char *qdev_get_dev_path(DeviceState *dev);

/* --- global properties (-global) --- */

/* Apply @prop to every device of its driver created from now on. */
void qdev_prop_register_global(GlobalProperty *prop);
/*
 * Parse "DRIVER.PROP=VALUE" (or "driver=D,property=P,value=V") and
 * register it.
 */
bool qdev_prop_register_global_str(const char *str, Error **errp);
/* The registered globals (GlobalProperty *), for inspection. */
const GPtrArray *qdev_prop_get_globals(void);
/* Warn about globals that never applied; returns 1 if any, else 0. */
int qdev_prop_check_globals(void);
/* Apply the globals to @dev (done by the device core at instance init). */
void qdev_prop_set_globals(DeviceState *dev);

#endif /* HW_QDEV_CORE_H */
