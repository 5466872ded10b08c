/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Buses: QOM objects that devices of a matching DeviceClass.bus_type
 * plug into.  A bus is a child of the device that provides it, under the
 * name users give to -device bus=.  All buses are listed here so that
 * -device can find one by name or take the first of a type, as QEMU's
 * qbus_find does (without QEMU's multi-level bus paths).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/qdev-core.h"

static QTAILQ_HEAD(, BusState) buses = QTAILQ_HEAD_INITIALIZER(buses);

void qbus_init(void *bus, size_t size, const char *typename,
               DeviceState *parent, const char *name)
{
    BusState *b;

    object_initialize(bus, size, typename);
    b = BUS(bus);
    b->parent = parent;
    b->name = g_strdup(name);
    if (parent) {
        object_property_add_child(OBJECT(parent), name, OBJECT(b));
        /* The parent's child property now holds the only reference. */
        object_unref(OBJECT(b));
    }
    QTAILQ_INSERT_TAIL(&buses, b, next);
}

void qbus_remove(BusState *bus)
{
    QTAILQ_REMOVE(&buses, bus, next);
}

BusState *qbus_find(const char *name, const char *bus_type,
                    const char *driver, Error **errp)
{
    BusState *b;

    QTAILQ_FOREACH(b, &buses, next) {
        if (name ? !strcmp(b->name, name)
                 : !!object_dynamic_cast(OBJECT(b), bus_type)) {
            break;
        }
    }
    if (!b) {
        if (name) {
            error_setg(errp, "Bus '%s' not found", name);
        } else {
            error_setg(errp, "No '%s' bus found for device '%s'", bus_type,
                       driver);
        }
        return NULL;
    }
    if (!object_dynamic_cast(OBJECT(b), bus_type)) {
        error_setg(errp, "Device '%s' can't go on %s bus", driver,
                   object_get_typename(OBJECT(b)));
        return NULL;
    }
    return b;
}

char *qdev_get_dev_path(DeviceState *dev)
{
    BusClass *bc;

    if (!dev || !dev->parent_bus) {
        return NULL;
    }
    bc = BUS_GET_CLASS(dev->parent_bus);
    return bc->get_dev_path ? bc->get_dev_path(dev) : NULL;
}

static void bus_finalize(Object *obj)
{
    g_free(BUS(obj)->name);
}

static const TypeInfo bus_info = {
    .name = TYPE_BUS,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(BusState),
    .instance_finalize = bus_finalize,
    .abstract = true,
    .class_size = sizeof(BusClass),
};

static void bus_register_types(void)
{
    type_register_static(&bus_info);
}

type_init(bus_register_types)
