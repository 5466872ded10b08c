/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Static device properties: the PropertyInfo of each DEFINE_PROP_* kind,
 * their conversion into class properties, and the -global list.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "qemu/error-report.h"
#include "qemu/uuid.h"
#include "hw/qdev-properties.h"

void *object_field_prop_ptr(Object *obj, const Property *prop)
{
    return (char *)obj + prop->offset;
}

void qdev_prop_set_after_realize(DeviceState *dev, const char *name,
                                 Error **errp)
{
    if (dev->id) {
        error_setg(errp, "Attempt to set property '%s' on device '%s' "
                   "(type '%s') after it was realized", name, dev->id,
                   object_get_typename(OBJECT(dev)));
    } else {
        error_setg(errp, "Attempt to set property '%s' on anonymous device "
                   "(type '%s') after it was realized", name,
                   object_get_typename(OBJECT(dev)));
    }
}

void qdev_prop_allow_set_link_before_realize(const Object *obj,
                                             const char *name,
                                             Object *val, Error **errp)
{
    DeviceState *dev = DEVICE(obj);

    if (dev->realized) {
        error_setg(errp, "Attempt to set link property '%s' on device '%s' "
                   "(type '%s') after it was realized",
                   name, dev->id ? dev->id : "<anonymous>",
                   object_get_typename(OBJECT(obj)));
    }
}

/* Field properties may sit on non-devices too; those are always open. */
static bool qdev_prop_allow_set(Object *obj, const char *name,
                                const PropertyInfo *info, Error **errp)
{
    DeviceState *dev = (DeviceState *)object_dynamic_cast(obj, TYPE_DEVICE);

    if (dev && dev->realized && !info->realized_set_allowed) {
        qdev_prop_set_after_realize(dev, name, errp);
        return false;
    }
    return true;
}

static void field_prop_get(Object *obj, Visitor *v, const char *name,
                           void *opaque, Error **errp)
{
    const Property *prop = opaque;

    prop->info->get(obj, v, name, opaque, errp);
}

static void field_prop_set(Object *obj, Visitor *v, const char *name,
                           void *opaque, Error **errp)
{
    const Property *prop = opaque;

    if (!qdev_prop_allow_set(obj, name, prop->info, errp)) {
        return;
    }
    prop->info->set(obj, v, name, opaque, errp);
}

/* --- defaults --- */

void qdev_propinfo_set_default_value_int(ObjectProperty *op,
                                         const Property *prop)
{
    object_property_set_default_int(op, prop->defval.i);
}

void qdev_propinfo_set_default_value_uint(ObjectProperty *op,
                                          const Property *prop)
{
    object_property_set_default_uint(op, prop->defval.u);
}

void qdev_propinfo_set_default_value_enum(ObjectProperty *op,
                                          const Property *prop)
{
    object_property_set_default_str(op,
        qapi_enum_lookup(prop->info->enum_table, prop->defval.i));
}

static void set_default_value_bool(ObjectProperty *op, const Property *prop)
{
    object_property_set_default_bool(op, prop->defval.u);
}

/* --- enum --- */

void qdev_propinfo_get_enum(Object *obj, Visitor *v, const char *name,
                            void *opaque, Error **errp)
{
    const Property *prop = opaque;
    int *ptr = object_field_prop_ptr(obj, prop);

    visit_type_enum(v, name, ptr, prop->info->enum_table, errp);
}

void qdev_propinfo_set_enum(Object *obj, Visitor *v, const char *name,
                            void *opaque, Error **errp)
{
    const Property *prop = opaque;
    int *ptr = object_field_prop_ptr(obj, prop);

    visit_type_enum(v, name, ptr, prop->info->enum_table, errp);
}

/* --- bit and bit64 --- */

/*
 * A bit property is one bit of a uint32_t field (qdev_prop_bit) or of a
 * uint64_t field (qdev_prop_bit64); these read and write the whole field.
 */
static uint64_t prop_bit_field_load(Object *obj, const Property *prop)
{
    void *p = object_field_prop_ptr(obj, prop);

    return prop->info == &qdev_prop_bit64 ? *(uint64_t *)p : *(uint32_t *)p;
}

static void prop_bit_field_store(Object *obj, const Property *prop,
                                 uint64_t field)
{
    void *p = object_field_prop_ptr(obj, prop);

    if (prop->info == &qdev_prop_bit64) {
        *(uint64_t *)p = field;
    } else {
        *(uint32_t *)p = field;
    }
}

static void prop_get_bit(Object *obj, Visitor *v, const char *name,
                         void *opaque, Error **errp)
{
    const Property *prop = opaque;
    bool value = (prop_bit_field_load(obj, prop) >> prop->bitnr) & 1;

    visit_type_bool(v, name, &value, errp);
}

static void prop_set_bit(Object *obj, Visitor *v, const char *name,
                         void *opaque, Error **errp)
{
    const Property *prop = opaque;
    uint64_t field = prop_bit_field_load(obj, prop);
    uint64_t mask = 1ULL << prop->bitnr;
    bool value;

    if (!visit_type_bool(v, name, &value, errp)) {
        return;
    }
    prop_bit_field_store(obj, prop, value ? field | mask : field & ~mask);
}

const PropertyInfo qdev_prop_bit = {
    .type = "bool",
    .description = "on/off",
    .get = prop_get_bit,
    .set = prop_set_bit,
    .set_default_value = set_default_value_bool,
};

const PropertyInfo qdev_prop_bit64 = {
    .type = "bool",
    .description = "on/off",
    .get = prop_get_bit,
    .set = prop_set_bit,
    .set_default_value = set_default_value_bool,
};

/* --- scalars: one visit function per field type --- */

#define FIELD_ACCESSORS(kind, ctype, visit)                              \
static void get_##kind(Object *obj, Visitor *v, const char *name,       \
                       void *opaque, Error **errp)                      \
{                                                                        \
    const Property *prop = opaque;                                       \
    ctype *ptr = object_field_prop_ptr(obj, prop);                       \
    visit(v, name, ptr, errp);                                           \
}                                                                        \
static void set_##kind(Object *obj, Visitor *v, const char *name,       \
                       void *opaque, Error **errp)                      \
{                                                                        \
    const Property *prop = opaque;                                       \
    ctype *ptr = object_field_prop_ptr(obj, prop);                       \
    ctype value;                                                         \
    if (visit(v, name, &value, errp)) {                                  \
        *ptr = value;                                                    \
    }                                                                    \
}

FIELD_ACCESSORS(bool, bool, visit_type_bool)
FIELD_ACCESSORS(uint8, uint8_t, visit_type_uint8)
FIELD_ACCESSORS(uint16, uint16_t, visit_type_uint16)
FIELD_ACCESSORS(uint32, uint32_t, visit_type_uint32)
FIELD_ACCESSORS(int32, int32_t, visit_type_int32)
FIELD_ACCESSORS(uint64, uint64_t, visit_type_uint64)
FIELD_ACCESSORS(int64, int64_t, visit_type_int64)
FIELD_ACCESSORS(size, uint64_t, visit_type_size)

const PropertyInfo qdev_prop_bool = {
    .type = "bool",
    .description = "on/off",
    .get = get_bool,
    .set = set_bool,
    .set_default_value = set_default_value_bool,
};

const PropertyInfo qdev_prop_uint8 = {
    .type = "uint8",
    .get = get_uint8,
    .set = set_uint8,
    .set_default_value = qdev_propinfo_set_default_value_uint,
};

const PropertyInfo qdev_prop_uint16 = {
    .type = "uint16",
    .get = get_uint16,
    .set = set_uint16,
    .set_default_value = qdev_propinfo_set_default_value_uint,
};

const PropertyInfo qdev_prop_uint32 = {
    .type = "uint32",
    .get = get_uint32,
    .set = set_uint32,
    .set_default_value = qdev_propinfo_set_default_value_uint,
};

const PropertyInfo qdev_prop_int32 = {
    .type = "int32",
    .get = get_int32,
    .set = set_int32,
    .set_default_value = qdev_propinfo_set_default_value_int,
};

const PropertyInfo qdev_prop_uint64 = {
    .type = "uint64",
    .get = get_uint64,
    .set = set_uint64,
    .set_default_value = qdev_propinfo_set_default_value_uint,
};

const PropertyInfo qdev_prop_int64 = {
    .type = "int64",
    .get = get_int64,
    .set = set_int64,
    .set_default_value = qdev_propinfo_set_default_value_int,
};

const PropertyInfo qdev_prop_size = {
    .type = "size",
    .get = get_size,
    .set = set_size,
    .set_default_value = qdev_propinfo_set_default_value_uint,
};

/* --- string --- */

static void get_string(Object *obj, Visitor *v, const char *name,
                       void *opaque, Error **errp)
{
    const Property *prop = opaque;
    char **ptr = object_field_prop_ptr(obj, prop);

    if (!*ptr) {
        char *str = (char *)"";
        visit_type_str(v, name, &str, errp);
    } else {
        visit_type_str(v, name, ptr, errp);
    }
}

static void set_string(Object *obj, Visitor *v, const char *name,
                       void *opaque, Error **errp)
{
    const Property *prop = opaque;
    char **ptr = object_field_prop_ptr(obj, prop);
    char *str;

    if (!visit_type_str(v, name, &str, errp)) {
        return;
    }
    g_free(*ptr);
    *ptr = str;
}

static void release_string(Object *obj, const char *name, void *opaque)
{
    const Property *prop = opaque;

    g_clear_pointer((char **)object_field_prop_ptr(obj, prop), g_free);
}

const PropertyInfo qdev_prop_string = {
    .type = "str",
    .get = get_string,
    .set = set_string,
    .release = release_string,
};

/* --- uuid --- */

static void get_uuid(Object *obj, Visitor *v, const char *name,
                     void *opaque, Error **errp)
{
    const Property *prop = opaque;
    QemuUUID *uuid = object_field_prop_ptr(obj, prop);
    char buffer[UUID_STR_LEN];
    char *p = buffer;

    qemu_uuid_unparse(uuid, buffer);
    visit_type_str(v, name, &p, errp);
}

static void set_uuid(Object *obj, Visitor *v, const char *name,
                     void *opaque, Error **errp)
{
    const Property *prop = opaque;
    QemuUUID *uuid = object_field_prop_ptr(obj, prop);
    g_autofree char *str = NULL;

    if (!visit_type_str(v, name, &str, errp)) {
        return;
    }
    if (!strcmp(str, "auto")) {
        qemu_uuid_generate(uuid);
    } else if (qemu_uuid_parse(str, uuid) < 0) {
        error_setg(errp, "Property '%s.%s' doesn't take value '%s'",
                   object_get_typename(obj), name, str);
    }
}

static void set_default_uuid_auto(ObjectProperty *op, const Property *prop)
{
    object_property_set_default_str(op, "auto");
}

const PropertyInfo qdev_prop_uuid = {
    .type = "str",
    .description = "UUID (aka GUID) or \"auto\" for random value "
                   "(default)",
    .get = get_uuid,
    .set = set_uuid,
    .set_default_value = set_default_uuid_auto,
};

/* --- link --- */

static ObjectProperty *create_link_property(ObjectClass *oc,
                                            const char *name,
                                            const Property *prop)
{
    return object_class_property_add_link(oc, name, prop->link_type,
                                          prop->offset,
                                          qdev_prop_allow_set_link_before_realize,
                                          OBJ_PROP_LINK_STRONG);
}

const PropertyInfo qdev_prop_link = {
    .type = "link",
    .create = create_link_property,
};

/* --- attaching to a class --- */

static void qdev_class_add_property(DeviceClass *klass, const char *name,
                                    const Property *prop)
{
    ObjectClass *oc = OBJECT_CLASS(klass);
    ObjectProperty *op;

    if (prop->info->create) {
        op = prop->info->create(oc, name, prop);
    } else {
        op = object_class_property_add(oc, name, prop->info->type,
                                       prop->info->get ? field_prop_get
                                                       : NULL,
                                       prop->info->set ? field_prop_set
                                                       : NULL,
                                       prop->info->release,
                                       (Property *)prop);
    }
    if (prop->set_default) {
        assert(prop->info->set_default_value);
        prop->info->set_default_value(op, prop);
    }
    if (prop->info->description) {
        object_class_property_set_description(oc, name,
                                              prop->info->description);
    }
}

void device_class_set_props_n(DeviceClass *dc, const Property *props,
                              size_t n)
{
    /* Set once per class: a subclass adding props must not replace. */
    assert(n <= UINT16_MAX);
    dc->props_ = props;
    dc->props_count_ = n;
    for (size_t i = 0; i < n; i++) {
        assert(props[i].name && props[i].info);
        qdev_class_add_property(dc, props[i].name, &props[i]);
    }
}

/* --- setters for board code --- */

void qdev_prop_set_bit(DeviceState *dev, const char *name, bool value)
{
    object_property_set_bool(OBJECT(dev), name, value, &error_abort);
}

void qdev_prop_set_uint8(DeviceState *dev, const char *name, uint8_t value)
{
    object_property_set_uint(OBJECT(dev), name, value, &error_abort);
}

void qdev_prop_set_uint16(DeviceState *dev, const char *name,
                          uint16_t value)
{
    object_property_set_uint(OBJECT(dev), name, value, &error_abort);
}

void qdev_prop_set_uint32(DeviceState *dev, const char *name,
                          uint32_t value)
{
    object_property_set_uint(OBJECT(dev), name, value, &error_abort);
}

void qdev_prop_set_int32(DeviceState *dev, const char *name, int32_t value)
{
    object_property_set_int(OBJECT(dev), name, value, &error_abort);
}

void qdev_prop_set_uint64(DeviceState *dev, const char *name,
                          uint64_t value)
{
    object_property_set_uint(OBJECT(dev), name, value, &error_abort);
}

void qdev_prop_set_string(DeviceState *dev, const char *name,
                          const char *value)
{
    object_property_set_str(OBJECT(dev), name, value, &error_abort);
}

void qdev_prop_set_enum(DeviceState *dev, const char *name, int value)
{
    ObjectProperty *op = object_property_find_err(OBJECT(dev), name,
                                                  &error_abort);
    const Property *prop = op->opaque;

    object_property_set_str(OBJECT(dev), name,
                            qapi_enum_lookup(prop->info->enum_table, value),
                            &error_abort);
}

/* --- global properties --- */

static GPtrArray *global_props(void)
{
    static GPtrArray *gp;

    if (!gp) {
        gp = g_ptr_array_new();
    }
    return gp;
}

void qdev_prop_register_global(GlobalProperty *prop)
{
    g_ptr_array_add(global_props(), prop);
}

const GPtrArray *qdev_prop_get_globals(void)
{
    return global_props();
}

bool qdev_prop_register_global_str(const char *str, Error **errp)
{
    g_autofree char *driver = NULL, *property = NULL, *value = NULL;
    GlobalProperty *g;
    const char *dot = strchr(str, '.');
    const char *eq = strchr(str, '=');

    if (dot && eq && dot < eq && dot > str && eq > dot + 1) {
        /* DRIVER.PROP=VALUE; the value may contain anything. */
        driver = g_strndup(str, dot - str);
        property = g_strndup(dot + 1, eq - dot - 1);
        value = g_strdup(eq + 1);
    } else {
        /* driver=D,property=P,value=V */
        g_auto(GStrv) parts = g_strsplit(str, ",", 3);

        for (int i = 0; parts[i]; i++) {
            const char *v;

            if (g_str_has_prefix(parts[i], "driver=") && !driver) {
                driver = g_strdup(parts[i] + strlen("driver="));
            } else if (g_str_has_prefix(parts[i], "property=") &&
                       !property) {
                property = g_strdup(parts[i] + strlen("property="));
            } else if (g_str_has_prefix(parts[i], "value=") && !value) {
                /* Given last, the value keeps any commas after it. */
                v = parts[i] + strlen("value=");
                value = g_strdup(v);
            } else {
                g_clear_pointer(&driver, g_free);
                break;
            }
        }
    }
    if (!driver || !property || !value || !*driver || !*property) {
        error_setg(errp, "Invalid -global format '%s'", str);
        error_append_hint(errp, "Expected DRIVER.PROPERTY=VALUE or "
                          "driver=DRIVER,property=PROPERTY,value=VALUE\n");
        return false;
    }
    g = g_new0(GlobalProperty, 1);
    g->driver = g_steal_pointer(&driver);
    g->property = g_steal_pointer(&property);
    g->value = g_steal_pointer(&value);
    qdev_prop_register_global(g);
    return true;
}

int qdev_prop_check_globals(void)
{
    GPtrArray *props = global_props();
    int ret = 0;

    for (guint i = 0; i < props->len; i++) {
        GlobalProperty *prop = g_ptr_array_index(props, i);
        ObjectClass *oc;
        DeviceClass *dc;

        if (prop->used) {
            continue;
        }
        oc = object_class_by_name(prop->driver);
        oc = object_class_dynamic_cast(oc, TYPE_DEVICE);
        if (!oc) {
            warn_report("global %s.%s has invalid class name",
                        prop->driver, prop->property);
            ret = 1;
            continue;
        }
        dc = DEVICE_CLASS(oc);
        /* A hot-pluggable device may still come later. */
        if (!dc->hotpluggable && !prop->used) {
            warn_report("global %s.%s=%s not used",
                        prop->driver, prop->property, prop->value);
            ret = 1;
        }
    }
    return ret;
}

void qdev_prop_set_globals(DeviceState *dev)
{
    /*
     * A bad -global value stops start-up for cold-plugged devices, as
     * in QEMU; for hot-plugged ones it is only a warning.
     */
    object_apply_global_props(OBJECT(dev), global_props(),
                              dev->hotplugged ? NULL : &error_fatal);
}
