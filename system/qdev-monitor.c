/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -device: devices created from the command line (QEMU's
 * qdev_device_add), and their help texts.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/option.h"
#include "hw/qdev-core.h"
#include "system/qdev-monitor.h"

QemuOptsList qemu_device_opts = {
    .name = "device",
    .implied_opt_name = "driver",
    .head = QTAILQ_HEAD_INITIALIZER(qemu_device_opts.head),
    .desc = { { 0 } },      /* any key: checked against the driver */
};

static DeviceClass *device_class_for(const char *driver, Error **errp)
{
    ObjectClass *oc = object_class_by_name(driver);
    DeviceClass *dc;

    if (!oc || !object_class_dynamic_cast(oc, TYPE_DEVICE) ||
        object_class_is_abstract(oc)) {
        error_setg(errp, "'%s' is not a valid device model name", driver);
        return NULL;
    }
    dc = DEVICE_CLASS(oc);
    if (!dc->user_creatable) {
        error_setg(errp, "Parameter 'driver' expects a pluggable device "
                   "type");
        return NULL;
    }
    return dc;
}

static int set_device_prop(void *opaque, const char *name, const char *value,
                           Error **errp)
{
    if (!strcmp(name, "driver") || !strcmp(name, "id")) {
        return 0;
    }
    return object_property_parse(opaque, name, value, errp) ? 0 : -1;
}

DeviceState *qdev_device_add(QemuOpts *opts, Error **errp)
{
    const char *driver = qemu_opt_get(opts, "driver");
    const char *id = qemu_opts_id(opts);
    DeviceState *dev;

    if (!driver) {
        error_setg(errp, "Parameter '%s' is missing", "driver");
        return NULL;
    }
    if (!device_class_for(driver, errp)) {
        return NULL;
    }
    dev = qdev_new(driver);
    if (!qdev_set_id(dev, g_strdup(id), errp)) {
        object_unref(dev);
        return NULL;
    }
    if (qemu_opt_foreach(opts, set_device_prop, dev, errp) ||
        !qdev_realize(dev, NULL, errp)) {
        object_unparent(OBJECT(dev));
        object_unref(dev);
        return NULL;
    }
    object_unref(dev);
    return dev;
}

static void print_device(ObjectClass *oc, void *opaque)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    if (dc->user_creatable) {
        printf("name \"%s\"%s%s%s\n", object_class_get_name(oc),
               dc->desc ? ", desc \"" : "", dc->desc ? dc->desc : "",
               dc->desc ? "\"" : "");
    }
}

void qdev_device_list_print(void)
{
    g_autoptr(GSList) list = object_class_get_list_sorted(TYPE_DEVICE,
                                                          false);

    printf("Devices:\n");
    for (GSList *el = list; el; el = el->next) {
        print_device(el->data, NULL);
    }
}

bool qdev_device_help(const char *driver, Error **errp)
{
    ObjectPropertyIterator iter;
    ObjectProperty *prop;
    Object *obj;

    if (!device_class_for(driver, errp)) {
        return false;
    }
    obj = object_new(driver);
    printf("%s options:\n", driver);
    object_property_iter_init(&iter, obj);
    while ((prop = object_property_iter_next(&iter))) {
        if (strcmp(prop->name, "type") && strcmp(prop->name, "realized") &&
            (prop->set || prop->description)) {
            printf("  %s=<%s>%s%s\n", prop->name, prop->type,
                   prop->description ? " - " : "",
                   prop->description ? prop->description : "");
        }
    }
    object_unref(obj);
    return true;
}
