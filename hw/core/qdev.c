/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device core: TYPE_DEVICE, realize/unrealize through the "realized"
 * property, placement in the composition tree, and application of
 * compat and global properties to each new device.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"

static const QdevVMStateHooks *vmstate_hooks;
/* Set once start-up has created the machine's devices. */
static bool machine_ready;

void qdev_machine_creation_done(void)
{
    machine_ready = true;
}

void qdev_set_vmstate_hooks(const QdevVMStateHooks *hooks)
{
    vmstate_hooks = hooks;
}

DeviceState *qdev_try_new(const char *name)
{
    if (!object_class_by_name(name)) {
        return NULL;
    }
    return DEVICE(object_new(name));
}

DeviceState *qdev_new(const char *name)
{
    if (!object_class_by_name(name)) {
        error_report("unknown type '%s'", name);
        abort();
    }
    return DEVICE(object_new(name));
}

Object *qdev_get_machine(void)
{
    /* Not cached: the machine may replace or remove the container. */
    return container_get(object_get_root(), "/machine");
}

const VMStateDescription *qdev_get_vmsd(DeviceState *dev)
{
    return DEVICE_GET_CLASS(dev)->vmsd;
}

const char *qdev_set_id(DeviceState *dev, char *id, Error **errp)
{
    ObjectProperty *prop;

    assert(!dev->id && !dev->realized);
    if (id) {
        prop = object_property_try_add_child(
                   container_get(qdev_get_machine(), "/peripheral"), id,
                   OBJECT(dev), NULL);
        if (!prop) {
            error_setg(errp, "Duplicate device ID '%s'", id);
            g_free(id);
            return NULL;
        }
        dev->id = id;
    } else {
        static int anon_count;
        g_autofree char *name = g_strdup_printf("device[%d]", anon_count++);

        prop = object_property_add_child(
                   container_get(qdev_get_machine(), "/peripheral-anon"),
                   name, OBJECT(dev));
    }
    return prop->name;
}

bool qdev_realize(DeviceState *dev, BusState *bus, Error **errp)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);

    assert(!dev->realized && !dev->parent_bus);
    if (bus && (!dc->bus_type ||
                !object_dynamic_cast(OBJECT(bus), dc->bus_type))) {
        error_setg(errp, "Device '%s' can't go on %s bus",
                   object_get_typename(OBJECT(dev)),
                   object_get_typename(OBJECT(bus)));
        return false;
    }
    if (!bus && dc->bus_type) {
        error_setg(errp, "Device '%s' needs a %s bus",
                   object_get_typename(OBJECT(dev)), dc->bus_type);
        return false;
    }
    dev->parent_bus = bus;
    if (!object_property_set_bool(OBJECT(dev), "realized", true, errp)) {
        dev->parent_bus = NULL;
        return false;
    }
    return true;
}

bool qdev_realize_and_unref(DeviceState *dev, BusState *bus, Error **errp)
{
    bool ret = qdev_realize(dev, bus, errp);

    object_unref(OBJECT(dev));
    return ret;
}

void qdev_unrealize(DeviceState *dev)
{
    object_property_set_bool(OBJECT(dev), "realized", false, &error_abort);
}

void device_cold_reset(DeviceState *dev)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);

    if (dc->legacy_reset) {
        dc->legacy_reset(dev);
    }
}

void device_class_set_legacy_reset(DeviceClass *dc, DeviceReset dev_reset)
{
    dc->legacy_reset = dev_reset;
}

void device_class_set_parent_realize(DeviceClass *dc,
                                     DeviceRealize dev_realize,
                                     DeviceRealize *parent_realize)
{
    *parent_realize = dc->realize;
    dc->realize = dev_realize;
}

void device_class_set_parent_unrealize(DeviceClass *dc,
                                       DeviceUnrealize dev_unrealize,
                                       DeviceUnrealize *parent_unrealize)
{
    *parent_unrealize = dc->unrealize;
    dc->unrealize = dev_unrealize;
}

static bool device_get_realized(Object *obj, Error **errp)
{
    return DEVICE(obj)->realized;
}

static void device_set_realized(Object *obj, bool value, Error **errp)
{
    DeviceState *dev = DEVICE(obj);
    DeviceClass *dc = DEVICE_GET_CLASS(dev);
    Error *local_err = NULL;

    if (value == dev->realized) {
        return;
    }

    if (value) {
        if (!obj->parent) {
            /* Every realized device has a place in the tree. */
            static int unattached_count;
            g_autofree char *name = g_strdup_printf("device[%d]",
                                                    unattached_count++);

            object_property_add_child(container_get(qdev_get_machine(),
                                                    "/unattached"),
                                      name, obj);
        }
        if (dc->realize) {
            dc->realize(dev, &local_err);
            if (local_err) {
                error_propagate(errp, local_err);
                return;
            }
        }
        if (dc->vmsd && vmstate_hooks && vmstate_hooks->register_vmsd &&
            !vmstate_hooks->register_vmsd(dev, dc->vmsd, errp)) {
            if (dc->unrealize) {
                dc->unrealize(dev);
            }
            return;
        }
        g_free(dev->canonical_path);
        dev->canonical_path = object_get_canonical_path(obj);
        __atomic_store_n(&dev->realized, true, __ATOMIC_RELEASE);
    } else {
        if (dc->vmsd && vmstate_hooks && vmstate_hooks->unregister_vmsd) {
            vmstate_hooks->unregister_vmsd(dev, dc->vmsd);
        }
        if (dc->unrealize) {
            dc->unrealize(dev);
        }
        dev->pending_deleted_event = true;
        __atomic_store_n(&dev->realized, false, __ATOMIC_RELEASE);
    }
}

static bool device_get_hotpluggable(Object *obj, Error **errp)
{
    return DEVICE_GET_CLASS(obj)->hotpluggable;
}

static bool device_get_hotplugged(Object *obj, Error **errp)
{
    return DEVICE(obj)->hotplugged;
}

static void device_initfn(Object *obj)
{
    DeviceState *dev = DEVICE(obj);

    dev->instance_id_alias = -1;
    dev->realized = false;
    /* Known before -global properties apply: they only warn then. */
    dev->hotplugged = machine_ready;
    dev->allow_unplug_during_migration = false;
}

/* After every instance_init: compat first, then the user's -global. */
static void device_post_init(Object *obj)
{
    object_apply_compat_props(obj);
    qdev_prop_set_globals(DEVICE(obj));
}

static void device_finalize(Object *obj)
{
    DeviceState *dev = DEVICE(obj);

    g_free(dev->canonical_path);
    g_free(dev->id);
}

/* Leaving the tree unrealizes. */
static void device_unparent(Object *obj)
{
    DeviceState *dev = DEVICE(obj);

    if (dev->realized) {
        qdev_unrealize(dev);
    }
}

static void device_class_base_init(ObjectClass *klass, const void *data)
{
    DeviceClass *klass_dc = DEVICE_CLASS(klass);

    /*
     * Static properties are class properties of the class that declared
     * them and found through the parents: do not copy the array down.
     */
    klass_dc->props_ = NULL;
    klass_dc->props_count_ = 0;
}

static void device_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    klass->unparent = device_unparent;
    /* Most devices can be added by the user and hot-plugged. */
    dc->hotpluggable = true;
    dc->user_creatable = true;

    object_class_property_add_bool(klass, "realized",
                                   device_get_realized, device_set_realized);
    object_class_property_add_bool(klass, "hotpluggable",
                                   device_get_hotpluggable, NULL);
    object_class_property_add_bool(klass, "hotplugged",
                                   device_get_hotplugged, NULL);
}

static const TypeInfo device_type_info = {
    .name = TYPE_DEVICE,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(DeviceState),
    .instance_init = device_initfn,
    .instance_post_init = device_post_init,
    .instance_finalize = device_finalize,
    .class_base_init = device_class_base_init,
    .class_init = device_class_init,
    .abstract = true,
    .class_size = sizeof(DeviceClass),
};

static void qdev_register_types(void)
{
    type_register_static(&device_type_info);
}

type_init(qdev_register_types)
