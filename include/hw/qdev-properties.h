/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Static device properties: a const array of Property, one per field of
 * the device state, declared with DEFINE_PROP_* and attached with
 * device_class_set_props(dc, props).  Each becomes a class property that
 * reads and writes the field through a visitor, applies its default to
 * every new instance and refuses writes once the device is realized.
 *
 * As in QEMU 10, arrays carry no terminator: device_class_set_props()
 * takes the array itself and counts it with ARRAY_SIZE.
 */
#ifndef HW_QDEV_PROPERTIES_H
#define HW_QDEV_PROPERTIES_H

#include "hw/qdev-core.h"
#include "qemu/uuid.h"

typedef struct PropertyInfo PropertyInfo;

struct Property {
    const char *name;
    const PropertyInfo *info;
    ptrdiff_t offset;
    const char *link_type;
    uint64_t bitmask;
    union {
        int64_t i;
        uint64_t u;
    } defval;
    uint8_t bitnr;
    bool set_default;
};

struct PropertyInfo {
    /* The QOM type name of the property ("uint32", "bool", "size"...). */
    const char *type;
    const char *description;
    const QEnumLookup *enum_table;
    /* Writable after realize (rare: things a running device can take). */
    bool realized_set_allowed;
    void (*set_default_value)(ObjectProperty *op, const Property *prop);
    /* Builds the class property itself (links); else get/set are used. */
    ObjectProperty *(*create)(ObjectClass *oc, const char *name,
                              const Property *prop);
    ObjectPropertyAccessor *get;
    ObjectPropertyAccessor *set;
    ObjectPropertyRelease *release;
};

extern const PropertyInfo qdev_prop_bit;
extern const PropertyInfo qdev_prop_bit64;
extern const PropertyInfo qdev_prop_bool;
extern const PropertyInfo qdev_prop_uint8;
extern const PropertyInfo qdev_prop_uint16;
extern const PropertyInfo qdev_prop_uint32;
extern const PropertyInfo qdev_prop_int32;
extern const PropertyInfo qdev_prop_uint64;
extern const PropertyInfo qdev_prop_int64;
extern const PropertyInfo qdev_prop_size;
extern const PropertyInfo qdev_prop_string;
extern const PropertyInfo qdev_prop_link;
extern const PropertyInfo qdev_prop_uuid;

/* Compile-time check that the field has the type the property expects. */
#define qdev_prop_type_check(t1, t2) \
    (0 * sizeof(char[__builtin_types_compatible_p(t1, t2) ? 1 : -1]))

#define DEFINE_PROP(_name, _state, _field, _prop, _type, ...) {  \
        .name      = (_name),                                    \
        .info      = &(_prop),                                   \
        .offset    = offsetof(_state, _field)                    \
            + qdev_prop_type_check(_type, typeof_field(_state, _field)), \
        __VA_ARGS__                                              \
        }

#define DEFINE_PROP_SIGNED(_name, _state, _field, _defval, _prop, _type) \
    DEFINE_PROP(_name, _state, _field, _prop, _type,                     \
                .set_default = true,                                     \
                .defval.i    = (_type)_defval)

#define DEFINE_PROP_SIGNED_NODEFAULT(_name, _state, _field, _prop, _type) \
    DEFINE_PROP(_name, _state, _field, _prop, _type)

#define DEFINE_PROP_UNSIGNED(_name, _state, _field, _defval, _prop, _type) \
    DEFINE_PROP(_name, _state, _field, _prop, _type,                       \
                .set_default = true,                                       \
                .defval.u  = (_type)_defval)

#define DEFINE_PROP_UNSIGNED_NODEFAULT(_name, _state, _field, _prop, _type) \
    DEFINE_PROP(_name, _state, _field, _prop, _type)

/* One bit of a uint32_t (bit) or uint64_t (bit64) field, as a bool. */
#define DEFINE_PROP_BIT(_name, _state, _field, _bit, _defval)   \
    DEFINE_PROP(_name, _state, _field, qdev_prop_bit, uint32_t, \
                .bitnr       = (_bit),                          \
                .set_default = true,                            \
                .defval.u    = (bool)_defval)
#define DEFINE_PROP_BIT64(_name, _state, _field, _bit, _defval)   \
    DEFINE_PROP(_name, _state, _field, qdev_prop_bit64, uint64_t, \
                .bitnr       = (_bit),                            \
                .set_default = true,                              \
                .defval.u    = (bool)_defval)

#define DEFINE_PROP_BOOL(_name, _state, _field, _defval)     \
    DEFINE_PROP(_name, _state, _field, qdev_prop_bool, bool, \
                .set_default = true,                         \
                .defval.u    = (bool)_defval)

#define DEFINE_PROP_UINT8(_n, _s, _f, _d)                       \
    DEFINE_PROP_UNSIGNED(_n, _s, _f, _d, qdev_prop_uint8, uint8_t)
#define DEFINE_PROP_UINT16(_n, _s, _f, _d)                      \
    DEFINE_PROP_UNSIGNED(_n, _s, _f, _d, qdev_prop_uint16, uint16_t)
#define DEFINE_PROP_UINT32(_n, _s, _f, _d)                      \
    DEFINE_PROP_UNSIGNED(_n, _s, _f, _d, qdev_prop_uint32, uint32_t)
#define DEFINE_PROP_INT32(_n, _s, _f, _d)                      \
    DEFINE_PROP_SIGNED(_n, _s, _f, _d, qdev_prop_int32, int32_t)
#define DEFINE_PROP_UINT64(_n, _s, _f, _d)                      \
    DEFINE_PROP_UNSIGNED(_n, _s, _f, _d, qdev_prop_uint64, uint64_t)
#define DEFINE_PROP_INT64(_n, _s, _f, _d)                      \
    DEFINE_PROP_SIGNED(_n, _s, _f, _d, qdev_prop_int64, int64_t)
/* A byte count; string input accepts suffixes ("64M"). */
#define DEFINE_PROP_SIZE(_n, _s, _f, _d)                       \
    DEFINE_PROP_UNSIGNED(_n, _s, _f, _d, qdev_prop_size, uint64_t)
/* A char * field, NULL by default, freed with the device. */
#define DEFINE_PROP_STRING(_n, _s, _f)             \
    DEFINE_PROP(_n, _s, _f, qdev_prop_string, char*)
/* A QemuUUID field; "auto" (the default here) generates one. */
#define DEFINE_PROP_UUID(_name, _state, _field)                      \
    DEFINE_PROP(_name, _state, _field, qdev_prop_uuid, QemuUUID,     \
                .set_default = true)
#define DEFINE_PROP_UUID_NODEFAULT(_name, _state, _field) \
    DEFINE_PROP(_name, _state, _field, qdev_prop_uuid, QemuUUID)
/*
 * A strong "link<_type>" to another object, set by path before realize;
 * _ptr_type is the field's pointer type.
 */
#define DEFINE_PROP_LINK(_name, _state, _field, _type, _ptr_type) {     \
        .name = (_name),                                                \
        .info = &(qdev_prop_link),                                      \
        .offset = offsetof(_state, _field)                              \
            + qdev_prop_type_check(_ptr_type, typeof_field(_state, _field)), \
        .link_type  = _type,                                            \
        }

/*
 * Attach the array @props (not a pointer to it: it is counted with
 * ARRAY_SIZE) to @dc.  Call once per class, from class_init.
 */
#define device_class_set_props(dc, props) do {                          \
        QEMU_BUILD_BUG_MSG(__builtin_types_compatible_p(typeof(props),  \
                                                   typeof(&(props)[0])), \
                           "device_class_set_props needs an array");    \
        device_class_set_props_n((dc), (props), ARRAY_SIZE(props));     \
    } while (0)
void device_class_set_props_n(DeviceClass *dc, const Property *props,
                              size_t n);

/* The field @prop describes inside @obj. */
void *object_field_prop_ptr(Object *obj, const Property *prop);

/* Accessors for enum properties over an int field (QAPI enums). */
void qdev_propinfo_get_enum(Object *obj, Visitor *v, const char *name,
                            void *opaque, Error **errp);
void qdev_propinfo_set_enum(Object *obj, Visitor *v, const char *name,
                            void *opaque, Error **errp);
void qdev_propinfo_set_default_value_enum(ObjectProperty *op,
                                          const Property *prop);
void qdev_propinfo_set_default_value_int(ObjectProperty *op,
                                         const Property *prop);
void qdev_propinfo_set_default_value_uint(ObjectProperty *op,
                                          const Property *prop);

/* Setters for board code; they abort on error. */
void qdev_prop_set_bit(DeviceState *dev, const char *name, bool value);
void qdev_prop_set_uint8(DeviceState *dev, const char *name, uint8_t value);
void qdev_prop_set_uint16(DeviceState *dev, const char *name,
                          uint16_t value);
void qdev_prop_set_uint32(DeviceState *dev, const char *name,
                          uint32_t value);
void qdev_prop_set_int32(DeviceState *dev, const char *name, int32_t value);
void qdev_prop_set_uint64(DeviceState *dev, const char *name,
                          uint64_t value);
void qdev_prop_set_string(DeviceState *dev, const char *name,
                          const char *value);
void qdev_prop_set_enum(DeviceState *dev, const char *name, int value);

/* The error for a write after realize, naming the device. */
void qdev_prop_set_after_realize(DeviceState *dev, const char *name,
                                 Error **errp);

/* The check for link properties: only before realize. */
void qdev_prop_allow_set_link_before_realize(const Object *obj,
                                             const char *name,
                                             Object *val, Error **errp);

#endif /* HW_QDEV_PROPERTIES_H */
