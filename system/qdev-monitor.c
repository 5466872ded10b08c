/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -device: devices created from the command line (QEMU's
 * qdev_device_add), and their help texts; the QMP and HMP device
 * commands: device-list-properties, device_add and device_del.
 *
 * Tern has no hotplug controllers: a device is hot-plugged when its
 * class says it is hotpluggable and its bus (if it has one) allows it,
 * realized at once, and unplugged synchronously (unparented) by
 * device_del, which then emits DEVICE_DELETED.  A device whose class
 * names a bus type goes on bus= or on the first bus of that type.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-qdev.h"
#include "qapi/qapi-events-qdev.h"
#include "qemu/cutils.h"
#include "qemu/module.h"
#include "qemu/option.h"
#include "qobject/qdict.h"
#include "hw/qdev-core.h"
#include "migration/misc.h"
#include "monitor/hmp.h"
#include "monitor/monitor.h"
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
    if (!strcmp(name, "driver") || !strcmp(name, "id") ||
        !strcmp(name, "bus")) {
        return 0;
    }
    return object_property_parse(opaque, name, value, errp) ? 0 : -1;
}

/*
 * Create, configure and realize a device from @opts; @hotplug when the
 * machine is already running (device_add), which only hotpluggable
 * device types allow.
 */
static DeviceState *device_add_opts(QemuOpts *opts, bool hotplug,
                                    Error **errp)
{
    const char *driver = qemu_opt_get(opts, "driver");
    const char *id = qemu_opts_id(opts);
    DeviceClass *dc;
    DeviceState *dev;
    BusState *bus = NULL;

    if (!driver) {
        error_setg(errp, "Parameter '%s' is missing", "driver");
        return NULL;
    }
    dc = device_class_for(driver, errp);
    if (!dc) {
        return NULL;
    }
    if (dc->bus_type) {
        bus = qbus_find(qemu_opt_get(opts, "bus"), dc->bus_type, driver,
                        errp);
        if (!bus) {
            return NULL;
        }
        if (hotplug && !bus->hotpluggable) {
            error_setg(errp, "Bus '%s' does not support hotplugging",
                       bus->name);
            return NULL;
        }
    } else if (qemu_opt_get(opts, "bus")) {
        error_setg(errp, "Bus '%s' not found: device '%s' does not go on "
                   "a bus", qemu_opt_get(opts, "bus"), driver);
        return NULL;
    }
    if (hotplug) {
        if (!dc->hotpluggable) {
            error_setg(errp, "Device '%s' does not support hotplugging",
                       driver);
            return NULL;
        }
        if (migration_is_running()) {
            error_setg(errp, "device_add not allowed while migrating");
            return NULL;
        }
    }
    dev = qdev_new(driver);
    if (!qdev_set_id(dev, g_strdup(id), errp)) {
        object_unref(dev);
        return NULL;
    }
    if (qemu_opt_foreach(opts, set_device_prop, dev, errp) ||
        !qdev_realize(dev, bus, errp)) {
        object_unparent(OBJECT(dev));
        object_unref(dev);
        return NULL;
    }
    object_unref(dev);
    return dev;
}

DeviceState *qdev_device_add(QemuOpts *opts, Error **errp)
{
    return device_add_opts(opts, false, errp);
}

/*
 * device_add: as in QEMU, the arguments go through QemuOpts, so every
 * value may be given as a JSON string or as a JSON scalar of its type.
 * The options are dropped again at once: the device's id in
 * /machine/peripheral is what keeps ids unique.
 */
static bool device_add_qdict(const QDict *args, Error **errp)
{
    QemuOpts *opts = qemu_opts_from_qdict(&qemu_device_opts, args, errp);
    bool ok;

    if (!opts) {
        return false;
    }
    ok = device_add_opts(opts, true, errp) != NULL;
    qemu_opts_del(opts);
    return ok;
}

void qmp_marshal_device_add(QDict *args, QObject **ret, Error **errp)
{
    const QDictEntry *e;

    /* The schema's declared members are strings; the rest are free. */
    for (e = qdict_first(args); e; e = qdict_next(args, e)) {
        const char *key = qdict_entry_key(e);

        if ((!strcmp(key, "driver") || !strcmp(key, "id") ||
             !strcmp(key, "bus")) &&
            qobject_type(qdict_entry_value(e)) != QTYPE_QSTRING) {
            error_setg(errp, "Invalid parameter type for '%s', expected: "
                       "string", key);
            return;
        }
    }
    if (!qdict_haskey(args, "driver")) {
        error_setg(errp, "Parameter '%s' is missing", "driver");
        return;
    }
    device_add_qdict(args, errp);
}

/* QEMU's lookup: an absolute QOM path, or an id under peripheral. */
static DeviceState *find_device_state(const char *id, Error **errp)
{
    Object *obj;
    DeviceState *dev;

    if (id[0] == '/') {
        obj = object_resolve_path(id, NULL);
    } else {
        obj = object_resolve_path_component(
                  container_get(qdev_get_machine(), "/peripheral"), id);
    }
    if (!obj) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Device '%s' not found", id);
        return NULL;
    }
    dev = (DeviceState *)object_dynamic_cast(obj, TYPE_DEVICE);
    if (!dev) {
        error_setg(errp, "%s is not a hotpluggable device", id);
        return NULL;
    }
    return dev;
}

void qmp_device_del(const char *id, Error **errp)
{
    DeviceState *dev = find_device_state(id, errp);
    g_autofree char *dev_id = NULL;
    g_autofree char *path = NULL;
    QemuOpts *opts;

    if (!dev) {
        return;
    }
    if (!DEVICE_GET_CLASS(dev)->hotpluggable) {
        error_setg(errp, "Device '%s' does not support hotplugging",
                   object_get_typename(OBJECT(dev)));
        return;
    }
    if (dev->parent_bus && !dev->parent_bus->hotpluggable) {
        error_setg(errp, "Bus '%s' does not support hotplugging",
                   dev->parent_bus->name);
        return;
    }
    if (migration_is_running() && !dev->allow_unplug_during_migration) {
        error_setg(errp, "device_del not allowed while migrating");
        return;
    }
    dev_id = g_strdup(dev->id);
    path = object_get_canonical_path(OBJECT(dev));
    /* A -device's options name it too: free the id for reuse. */
    opts = dev_id ? qemu_opts_find(&qemu_device_opts, dev_id) : NULL;
    if (opts) {
        qemu_opts_del(opts);
    }
    object_unparent(OBJECT(dev));
    qapi_event_send_device_deleted(dev_id, path);
}

ObjectPropertyInfoList *qmp_device_list_properties(const char *typename,
                                                   Error **errp)
{
    ObjectClass *oc = object_class_by_name(typename);
    ObjectPropertyInfoList *list = NULL;
    ObjectPropertyIterator iter;
    ObjectProperty *prop;
    Object *obj;

    if (!oc) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Device '%s' not found", typename);
        return NULL;
    }
    if (!object_class_dynamic_cast(oc, TYPE_DEVICE) ||
        object_class_is_abstract(oc)) {
        error_setg(errp, "Parameter '%s' expects %s", "typename",
                   "a non-abstract device type");
        return NULL;
    }
    obj = object_new(typename);
    object_property_iter_init(&iter, obj);
    while ((prop = object_property_iter_next(&iter))) {
        ObjectPropertyInfo *info;

        /* What every object or device has is left out, as in QEMU. */
        if (!strcmp(prop->name, "type") || !strcmp(prop->name, "realized") ||
            !strcmp(prop->name, "hotpluggable") ||
            !strcmp(prop->name, "hotplugged") ||
            !strcmp(prop->name, "parent_bus") ||
            strstart(prop->name, "legacy-", NULL)) {
            continue;
        }
        info = g_new0(ObjectPropertyInfo, 1);
        info->name = g_strdup(prop->name);
        info->type = g_strdup(prop->type);
        info->description = g_strdup(prop->description);
        info->default_value = qobject_ref(prop->defval);
        QAPI_LIST_PREPEND(list, info);
    }
    object_unref(obj);
    return list;
}

/* "-device help" and "device_add help": the creatable devices. */
static char *device_list_text(void)
{
    g_autoptr(GSList) list = object_class_get_list_sorted(TYPE_DEVICE,
                                                          false);
    GString *out = g_string_new("Devices:\n");

    for (GSList *el = list; el; el = el->next) {
        DeviceClass *dc = DEVICE_CLASS(el->data);

        if (dc->user_creatable) {
            g_string_append_printf(out, "name \"%s\"%s%s%s\n",
                                   object_class_get_name(el->data),
                                   dc->desc ? ", desc \"" : "",
                                   dc->desc ? dc->desc : "",
                                   dc->desc ? "\"" : "");
        }
    }
    return g_string_free(out, false);
}

/* "-device DRIVER,help": the properties one may set. */
static char *device_help_text(const char *driver, Error **errp)
{
    ObjectPropertyIterator iter;
    ObjectProperty *prop;
    Object *obj;
    GString *out;

    if (!device_class_for(driver, errp)) {
        return NULL;
    }
    obj = object_new(driver);
    out = g_string_new(NULL);
    g_string_append_printf(out, "%s options:\n", driver);
    object_property_iter_init(&iter, obj);
    while ((prop = object_property_iter_next(&iter))) {
        if (strcmp(prop->name, "type") && strcmp(prop->name, "realized") &&
            (prop->set || prop->description)) {
            g_string_append_printf(out, "  %s=<%s>%s%s\n", prop->name,
                                   prop->type,
                                   prop->description ? " - " : "",
                                   prop->description ? prop->description
                                                     : "");
        }
    }
    object_unref(obj);
    return g_string_free(out, false);
}

void qdev_device_list_print(void)
{
    g_autofree char *text = device_list_text();

    printf("%s", text);
}

bool qdev_device_help(const char *driver, Error **errp)
{
    g_autofree char *text = device_help_text(driver, errp);

    if (!text) {
        return false;
    }
    printf("%s", text);
    return true;
}

/* ----------------------------------------------------------------- HMP */

static void hmp_device_add(Monitor *mon, const QDict *qdict)
{
    const char *arg = qdict_get_str(qdict, "device");
    g_autofree char *text = NULL;
    Error *err = NULL;
    QemuOpts *opts;
    const char *driver;

    if (is_help_option(arg)) {
        text = device_list_text();
        monitor_printf(mon, "%s", text);
        return;
    }
    opts = qemu_opts_parse(&qemu_device_opts, arg, true, &err);
    if (!opts) {
        hmp_handle_error(mon, err);
        return;
    }
    driver = qemu_opt_get(opts, "driver");
    if (driver && qemu_opt_has_help_opt(opts)) {
        text = device_help_text(driver, &err);
        if (text) {
            monitor_printf(mon, "%s", text);
        }
    } else {
        device_add_opts(opts, true, &err);
    }
    qemu_opts_del(opts);
    hmp_handle_error(mon, err);
}

static void hmp_device_del(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;

    qmp_device_del(qdict_get_str(qdict, "id"), &err);
    hmp_handle_error(mon, err);
}

static const HMPCommand qdev_hmp_cmds[] = {
    { "device_add", "device:S", "driver[,prop=value][,...]",
      "add device, like -device on the command line", hmp_device_add },
    { "device_del", "id:s", "device",
      "remove device", hmp_device_del },
    { NULL }
};

static void qdev_hmp_register(void)
{
    hmp_register_commands(qdev_hmp_cmds);
}

type_init(qdev_hmp_register)
