/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VMState: device state described as a const table of fields, which a
 * generic engine saves to and loads from the migration stream.  See
 * docs/devel/vmstate.md for how to describe a device and evolve it.
 *
 * Wire format (docs/devel/migration-stream.md, "VMState bodies"): the
 * fields in declaration order, big-endian, with no names or lengths,
 * followed by the needed subsections (0x05, str8 name, be32 version,
 * body).
 *
 * Errors: hooks and VMStateInfo callbacks report through Error **errp.
 * The engine prefixes every failure with where it happened:
 * "VMState NAME: field FIELD: cause", nested for structs and
 * subsections.  Load functions return 0 or a negative errno.
 *
 * Hostile input: every count and size read from the stream is checked
 * against the destination's capacity (VMStateField.capacity for in-place
 * data, VMSTATE_ALLOC_MAX for allocations) before use.
 */
#ifndef MIGRATION_VMSTATE_H
#define MIGRATION_VMSTATE_H

#include "migration/qemu-file.h"
#include "qobject/json-writer.h"
#include "qemu/uuid.h"
#include "qemu/timer.h"

typedef struct VMStateInfo VMStateInfo;
typedef struct VMStateField VMStateField;

/* Stream markers used inside VMState bodies. */
#define QEMU_VM_SUBSECTION 0x05
/* A NULL element of an array of pointers is sent as this one byte. */
#define VMS_NULLPTR_MARKER 0x30

/* Largest buffer the loader allocates for a VMS_ALLOC field. */
#define VMSTATE_ALLOC_MAX (256 * MiB)

/*
 * How to move one element.  @size is the element size in bytes (bits for
 * bitmaps).  get/put return 0 or a negative errno with @errp set; the
 * engine adds the field's name.  @vmdesc is for infos that describe
 * nested data themselves (may be NULL).
 */
struct VMStateInfo {
    const char *name;
    int (*get)(QEMUFile *f, void *pv, size_t size,
               const VMStateField *field, Error **errp);
    int (*put)(QEMUFile *f, void *pv, size_t size,
               const VMStateField *field, JSONWriter *vmdesc,
               Error **errp);
};

enum VMStateFlags {
    /* One element at the field's offset (the default). */
    VMS_SINGLE = 0x1,
    /* The field holds a pointer to the data. */
    VMS_POINTER = 0x2,
    /* @num elements. */
    VMS_ARRAY = 0x4,
    /* Elements are structs described by @vmsd. */
    VMS_STRUCT = 0x8,
    /* Element count is an int32_t/uint8_t/uint16_t/uint32_t field at
     * @num_offset. */
    VMS_VARRAY_INT32 = 0x10,
    /* Raw bytes of @size (info buffer). */
    VMS_BUFFER = 0x20,
    /* An array of pointers to elements; NULL ones are sent as a marker. */
    VMS_ARRAY_OF_POINTER = 0x40,
    VMS_VARRAY_UINT16 = 0x80,
    /* Size in bytes is an int32_t field at @size_offset. */
    VMS_VBUFFER = 0x100,
    /* With VMS_VBUFFER: multiply that size by @size. */
    VMS_MULTIPLY = 0x200,
    VMS_VARRAY_UINT8 = 0x400,
    VMS_VARRAY_UINT32 = 0x800,
    /* Saving or loading fails if the field's test says it is absent. */
    VMS_MUST_EXIST = 0x1000,
    /* With VMS_POINTER: the loader allocates the data (g_malloc). */
    VMS_ALLOC = 0x2000,
    /* Multiply the element count by @num. */
    VMS_MULTIPLY_ELEMENTS = 0x4000,
    /* Like VMS_STRUCT, loaded with @struct_version_id. */
    VMS_VSTRUCT = 0x8000,
};

struct VMStateField {
    const char *name;
    size_t offset;
    size_t size;
    int num;
    size_t num_offset;
    size_t size_offset;
    /*
     * Bytes available in place for variable-sized data that is not
     * allocated by the loader (embedded varrays, non-pointer vbuffers,
     * pointer varrays the device sized): a stream count needing more is
     * refused.  0 means no limit is known (the device must validate the
     * count with an earlier field, e.g. _EQUAL or _POSITIVE_LE).
     */
    size_t capacity;
    const VMStateInfo *info;
    enum VMStateFlags flags;
    const VMStateDescription *vmsd;
    /* The field exists in streams of this version and newer. */
    int version_id;
    int struct_version_id;
    /* Optional extra test; the field is absent when it returns false. */
    bool (*field_exists)(void *opaque, int version_id);
    /* Printed after a failed _EQUAL check. */
    const char *err_hint;
};

typedef enum MigrationPriority {
    MIG_PRI_DEFAULT = 0,
    MIG_PRI_IOMMU,
    MIG_PRI_PCI_BUS,
    MIG_PRI_VIRTIO_MEM,
    MIG_PRI_GICV3_ITS,
    MIG_PRI_GICV3,
    MIG_PRI_MAX,
} MigrationPriority;

struct VMStateDescription {
    const char *name;
    /* Registering it blocks migration (the device cannot migrate). */
    bool unmigratable;
    /* Sent in the setup phase, before RAM (savevm's business). */
    bool early_setup;
    int version_id;
    int minimum_version_id;
    MigrationPriority priority;

    /*
     * Hooks.  The int variants return 0 or a negative errno; prefer the
     * errp variants, which say why.  A description sets at most one of
     * each pair.
     */
    int (*pre_load)(void *opaque);
    bool (*pre_load_errp)(void *opaque, Error **errp);
    int (*post_load)(void *opaque, int version_id);
    bool (*post_load_errp)(void *opaque, int version_id, Error **errp);
    int (*pre_save)(void *opaque);
    bool (*pre_save_errp)(void *opaque, Error **errp);
    int (*post_save)(void *opaque);
    /* Subsections only: sent when this returns true (NULL: always). */
    bool (*needed)(void *opaque);
    /* For savevm: true while the device is being unplugged. */
    bool (*dev_unplug_pending)(void *opaque);

    const VMStateField *fields;             /* ends with END_OF_LIST */
    const VMStateDescription * const *subsections;   /* NULL-terminated */
};

/* ------------------------------------------------------------- engine */

/*
 * Save @opaque as described by @vmsd (pre_save, fields, subsections,
 * post_save).  With @vmdesc, also describe it in the JSON trailer format
 * (docs/devel/migration-stream.md, "Trailer"): writes the members
 * "vmsd_name", "version", "fields" and maybe "subsections" of the
 * enclosing object.
 */
int vmstate_save_state(QEMUFile *f, const VMStateDescription *vmsd,
                       void *opaque, JSONWriter *vmdesc, Error **errp);
/* Same, writing fields as of @version_id (VMS_VSTRUCT). */
int vmstate_save_state_v(QEMUFile *f, const VMStateDescription *vmsd,
                         void *opaque, JSONWriter *vmdesc, int version_id,
                         Error **errp);
/*
 * Load @opaque from a body written with @version_id: version checks,
 * pre_load, fields, subsections, post_load.
 */
int vmstate_load_state(QEMUFile *f, const VMStateDescription *vmsd,
                       void *opaque, int version_id, Error **errp);
/* Whether a subsection would be sent (its needed() hook). */
bool vmstate_section_needed(const VMStateDescription *vmsd, void *opaque);
/* True unless @vmsd or a subsection (recursively) is unmigratable. */
bool vmstate_check_only_migratable(const VMStateDescription *vmsd);

/* ----------------------------------------------------------- infos */

extern const VMStateInfo vmstate_info_bool;
extern const VMStateInfo vmstate_info_int8;
extern const VMStateInfo vmstate_info_int16;
extern const VMStateInfo vmstate_info_int32;
extern const VMStateInfo vmstate_info_int64;
extern const VMStateInfo vmstate_info_uint8;
extern const VMStateInfo vmstate_info_uint16;
extern const VMStateInfo vmstate_info_uint32;
extern const VMStateInfo vmstate_info_uint64;
extern const VMStateInfo vmstate_info_int32_equal;
extern const VMStateInfo vmstate_info_int32_le;
extern const VMStateInfo vmstate_info_uint8_equal;
extern const VMStateInfo vmstate_info_uint16_equal;
extern const VMStateInfo vmstate_info_uint32_equal;
extern const VMStateInfo vmstate_info_uint64_equal;
extern const VMStateInfo vmstate_info_nullptr;
extern const VMStateInfo vmstate_info_timer;
extern const VMStateInfo vmstate_info_buffer;
/* Raw bytes, for infos that only rename vmstate_info_buffer. */
int vmstate_get_buffer(QEMUFile *f, void *pv, size_t size,
                       const VMStateField *field, Error **errp);
int vmstate_put_buffer(QEMUFile *f, void *pv, size_t size,
                       const VMStateField *field, JSONWriter *vmdesc,
                       Error **errp);
extern const VMStateInfo vmstate_info_unused_buffer;
extern const VMStateInfo vmstate_info_bitmap;

/* ------------------------------------------------ type-checked offsets */

/*
 * Compile-time checks that a field has the C type its VMState macro says;
 * each evaluates to 0 (a negative array size breaks the build otherwise).
 */
#define vmstate_types_match(t1, t2) \
    (0 * sizeof(char[__builtin_types_compatible_p(t1, t2) ? 1 : -1]))
#define type_check(t1, t2) vmstate_types_match(t1, t2)
#define type_check_array(t1, t2, n) vmstate_types_match(t1[n], t2)
#define type_check_pointer(t1, t2) vmstate_types_match(t1 *, t2)

#define vmstate_offset_value(_state, _field, _type) \
    (offsetof(_state, _field) + type_check(_type, typeof_field(_state, _field)))
#define vmstate_offset_pointer(_state, _field, _type) \
    (offsetof(_state, _field) + \
     type_check_pointer(_type, typeof_field(_state, _field)))
#define vmstate_offset_array(_state, _field, _type, _num) \
    (offsetof(_state, _field) + \
     type_check_array(_type, typeof_field(_state, _field), _num))
#define vmstate_offset_2darray(_state, _field, _type, _n1, _n2) \
    (offsetof(_state, _field) + \
     type_check_array(_type, typeof_field(_state, _field)[0], _n2) * 0 + \
     type_check(_type, typeof_field(_state, _field)[0][0]) * 0)
#define vmstate_offset_sub_array(_state, _field, _type, _start) \
    vmstate_offset_value(_state, _field[_start], _type)
#define vmstate_offset_buffer(_state, _field) \
    vmstate_offset_array(_state, _field, uint8_t, \
                         sizeof(typeof_field(_state, _field)))

/* ----------------------------------------------------- field builders */

#define VMSTATE_SINGLE_TEST(_field, _state, _test, _version, _info, _type) { \
    .name = (stringify(_field)),                                        \
    .version_id = (_version),                                           \
    .field_exists = (_test),                                            \
    .size = sizeof(_type),                                              \
    .info = &(_info),                                                   \
    .flags = VMS_SINGLE,                                                \
    .offset = vmstate_offset_value(_state, _field, _type),              \
}

#define VMSTATE_SINGLE(_field, _state, _version, _info, _type)          \
    VMSTATE_SINGLE_TEST(_field, _state, NULL, _version, _info, _type)

/* A pointer to one element. */
#define VMSTATE_POINTER(_field, _state, _version, _info, _type) {       \
    .name = (stringify(_field)),                                        \
    .version_id = (_version),                                           \
    .info = &(_info),                                                   \
    .size = sizeof(_type),                                              \
    .flags = VMS_SINGLE | VMS_POINTER,                                  \
    .offset = vmstate_offset_value(_state, _field, _type *),            \
}

#define VMSTATE_ARRAY_TEST(_field, _state, _num, _test, _info, _type) { \
    .name = (stringify(_field)),                                        \
    .field_exists = (_test),                                            \
    .num = (_num),                                                      \
    .info = &(_info),                                                   \
    .size = sizeof(_type),                                              \
    .flags = VMS_ARRAY,                                                 \
    .offset = vmstate_offset_array(_state, _field, _type, _num),        \
}

#define VMSTATE_ARRAY(_field, _state, _num, _version, _info, _type) {   \
    .name = (stringify(_field)),                                        \
    .version_id = (_version),                                           \
    .num = (_num),                                                      \
    .info = &(_info),                                                   \
    .size = sizeof(_type),                                              \
    .flags = VMS_ARRAY,                                                 \
    .offset = vmstate_offset_array(_state, _field, _type, _num),        \
}

/* @_num elements of the array @_field from index @_start. */
#define VMSTATE_SUB_ARRAY(_field, _state, _start, _num, _version, _info, \
                          _type) {                                      \
    .name = (stringify(_field)),                                        \
    .version_id = (_version),                                           \
    .num = (_num),                                                      \
    .info = &(_info),                                                   \
    .size = sizeof(_type),                                              \
    .flags = VMS_ARRAY,                                                 \
    .offset = vmstate_offset_sub_array(_state, _field, _type, _start),  \
}

#define VMSTATE_2DARRAY(_field, _state, _n1, _n2, _version, _info, _type) { \
    .name = (stringify(_field)),                                        \
    .version_id = (_version),                                           \
    .num = (_n1) * (_n2),                                               \
    .info = &(_info),                                                   \
    .size = sizeof(_type),                                              \
    .flags = VMS_ARRAY,                                                 \
    .offset = vmstate_offset_2darray(_state, _field, _type, _n1, _n2),  \
}

/*
 * A pointer to an array whose length is an integer field; the pointer
 * must already point at enough room (see VMStateField.capacity) unless
 * the _ALLOC variant lets the loader allocate it.
 */
#define VMSTATE_VARRAY_INT32(_field, _state, _field_num, _version, _info, \
                             _type) {                                   \
    .name = (stringify(_field)),                                        \
    .version_id = (_version),                                           \
    .num_offset = vmstate_offset_value(_state, _field_num, int32_t),    \
    .info = &(_info),                                                   \
    .size = sizeof(_type),                                              \
    .flags = VMS_VARRAY_INT32 | VMS_POINTER,                            \
    .offset = vmstate_offset_pointer(_state, _field, _type),            \
}

#define VMSTATE_VARRAY_UINT32(_field, _state, _field_num, _version, _info, \
                              _type) {                                  \
    .name = (stringify(_field)),                                        \
    .version_id = (_version),                                           \
    .num_offset = vmstate_offset_value(_state, _field_num, uint32_t),   \
    .info = &(_info),                                                   \
    .size = sizeof(_type),                                              \
    .flags = VMS_VARRAY_UINT32 | VMS_POINTER,                           \
    .offset = vmstate_offset_pointer(_state, _field, _type),            \
}

#define VMSTATE_VARRAY_UINT32_ALLOC(_field, _state, _field_num, _version, \
                                    _info, _type) {                     \
    .name = (stringify(_field)),                                        \
    .version_id = (_version),                                           \
    .num_offset = vmstate_offset_value(_state, _field_num, uint32_t),   \
    .info = &(_info),                                                   \
    .size = sizeof(_type),                                              \
    .flags = VMS_VARRAY_UINT32 | VMS_POINTER | VMS_ALLOC,               \
    .offset = vmstate_offset_pointer(_state, _field, _type),            \
}

#define VMSTATE_VARRAY_INT32_ALLOC(_field, _state, _field_num, _version, \
                                   _info, _type) {                      \
    .name = (stringify(_field)),                                        \
    .version_id = (_version),                                           \
    .num_offset = vmstate_offset_value(_state, _field_num, int32_t),    \
    .info = &(_info),                                                   \
    .size = sizeof(_type),                                              \
    .flags = VMS_VARRAY_INT32 | VMS_POINTER | VMS_ALLOC,                \
    .offset = vmstate_offset_pointer(_state, _field, _type),            \
}

#define VMSTATE_VARRAY_UINT16_UNSAFE(_field, _state, _field_num, _version, \
                                     _info, _type) {                    \
    .name = (stringify(_field)),                                        \
    .version_id = (_version),                                           \
    .num_offset = vmstate_offset_value(_state, _field_num, uint16_t),   \
    .info = &(_info),                                                   \
    .size = sizeof(_type),                                              \
    .flags = VMS_VARRAY_UINT16,                                         \
    .offset = offsetof(_state, _field),                                 \
    .capacity = sizeof(typeof_field(_state, _field)),                   \
}

/* An embedded array of which only the first COUNT elements are sent. */
#define VMSTATE_VARRAY_UINT8_IN_PLACE(_field, _state, _field_num, _version, \
                                      _info, _type) {                   \
    .name = (stringify(_field)),                                        \
    .version_id = (_version),                                           \
    .num_offset = vmstate_offset_value(_state, _field_num, uint8_t),    \
    .info = &(_info),                                                   \
    .size = sizeof(_type),                                              \
    .flags = VMS_VARRAY_UINT8,                                          \
    .offset = offsetof(_state, _field),                                 \
    .capacity = sizeof(typeof_field(_state, _field)),                   \
}

#define VMSTATE_STRUCT_TEST(_field, _state, _test, _version, _vmsd, _type) { \
    .name = (stringify(_field)),                                        \
    .version_id = (_version),                                           \
    .field_exists = (_test),                                            \
    .vmsd = &(_vmsd),                                                   \
    .size = sizeof(_type),                                              \
    .flags = VMS_STRUCT,                                                \
    .offset = vmstate_offset_value(_state, _field, _type),              \
}

#define VMSTATE_VSTRUCT_TEST(_field, _state, _test, _version, _vmsd, _type, \
                             _struct_version) {                         \
    .name = (stringify(_field)),                                        \
    .version_id = (_version),                                           \
    .struct_version_id = (_struct_version),                             \
    .field_exists = (_test),                                            \
    .vmsd = &(_vmsd),                                                   \
    .size = sizeof(_type),                                              \
    .flags = VMS_VSTRUCT,                                               \
    .offset = vmstate_offset_value(_state, _field, _type),              \
}

#define VMSTATE_STRUCT_POINTER_V(_field, _state, _version, _vmsd, _type) { \
    .name = (stringify(_field)),                                        \
    .version_id = (_version),                                           \
    .vmsd = &(_vmsd),                                                   \
    .size = sizeof(_type),                                              \
    .flags = VMS_STRUCT | VMS_POINTER,                                  \
    .offset = vmstate_offset_pointer(_state, _field, _type),            \
}

#define VMSTATE_ARRAY_OF_POINTER(_field, _state, _num, _version, _info, \
                                 _type) {                               \
    .name = (stringify(_field)),                                        \
    .version_id = (_version),                                           \
    .num = (_num),                                                      \
    .info = &(_info),                                                   \
    .size = sizeof(_type),                                              \
    .flags = VMS_ARRAY | VMS_ARRAY_OF_POINTER,                          \
    .offset = vmstate_offset_array(_state, _field, _type, _num),        \
}

#define VMSTATE_ARRAY_OF_POINTER_TO_STRUCT(_f, _s, _n, _v, _vmsd, _type) { \
    .name = (stringify(_f)),                                            \
    .version_id = (_v),                                                 \
    .num = (_n),                                                        \
    .vmsd = &(_vmsd),                                                   \
    .size = sizeof(_type *),                                            \
    .flags = VMS_ARRAY | VMS_STRUCT | VMS_ARRAY_OF_POINTER,             \
    .offset = vmstate_offset_array(_s, _f, _type *, _n),                \
}

#define VMSTATE_STRUCT_ARRAY_TEST(_field, _state, _num, _test, _version, \
                                  _vmsd, _type) {                       \
    .name = (stringify(_field)),                                        \
    .num = (_num),                                                      \
    .field_exists = (_test),                                            \
    .version_id = (_version),                                           \
    .vmsd = &(_vmsd),                                                   \
    .size = sizeof(_type),                                              \
    .flags = VMS_STRUCT | VMS_ARRAY,                                    \
    .offset = vmstate_offset_array(_state, _field, _type, _num),        \
}

#define VMSTATE_STRUCT_VARRAY_UINT8(_field, _state, _field_num, _version, \
                                    _vmsd, _type) {                     \
    .name = (stringify(_field)),                                        \
    .num_offset = vmstate_offset_value(_state, _field_num, uint8_t),    \
    .version_id = (_version),                                           \
    .vmsd = &(_vmsd),                                                   \
    .size = sizeof(_type),                                              \
    .flags = VMS_STRUCT | VMS_VARRAY_UINT8,                             \
    .offset = offsetof(_state, _field),                                 \
    .capacity = sizeof(typeof_field(_state, _field)),                   \
}

#define VMSTATE_STRUCT_VARRAY_INT32(_field, _state, _field_num, _version, \
                                    _vmsd, _type) {                     \
    .name = (stringify(_field)),                                        \
    .num_offset = vmstate_offset_value(_state, _field_num, int32_t),    \
    .version_id = (_version),                                           \
    .vmsd = &(_vmsd),                                                   \
    .size = sizeof(_type),                                              \
    .flags = VMS_STRUCT | VMS_VARRAY_INT32,                             \
    .offset = offsetof(_state, _field),                                 \
    .capacity = sizeof(typeof_field(_state, _field)),                   \
}

#define VMSTATE_STRUCT_VARRAY_POINTER_UINT32(_field, _state, _field_num, \
                                             _vmsd, _type) {            \
    .name = (stringify(_field)),                                        \
    .version_id = 0,                                                    \
    .num_offset = vmstate_offset_value(_state, _field_num, uint32_t),   \
    .size = sizeof(_type),                                              \
    .vmsd = &(_vmsd),                                                   \
    .flags = VMS_POINTER | VMS_VARRAY_UINT32 | VMS_STRUCT,              \
    .offset = vmstate_offset_pointer(_state, _field, _type),            \
}

#define VMSTATE_STRUCT_VARRAY_ALLOC(_field, _state, _field_num, _version, \
                                    _vmsd, _type) {                     \
    .name = (stringify(_field)),                                        \
    .version_id = (_version),                                           \
    .vmsd = &(_vmsd),                                                   \
    .num_offset = vmstate_offset_value(_state, _field_num, int32_t),    \
    .size = sizeof(_type),                                              \
    .flags = VMS_STRUCT | VMS_VARRAY_INT32 | VMS_ALLOC | VMS_POINTER,   \
    .offset = vmstate_offset_pointer(_state, _field, _type),            \
}

/* Raw bytes: a fixed-size embedded byte array. */
#define VMSTATE_STATIC_BUFFER(_field, _state, _version, _test, _start, \
                              _size) {                                  \
    .name = (stringify(_field)),                                        \
    .version_id = (_version),                                           \
    .field_exists = (_test),                                            \
    .size = (_size - _start),                                           \
    .info = &vmstate_info_buffer,                                       \
    .flags = VMS_BUFFER,                                                \
    .offset = vmstate_offset_buffer(_state, _field) + _start,           \
}

/* Raw bytes behind a pointer, their count in an int32/uint32 field. */
#define VMSTATE_VBUFFER_MULTIPLY(_field, _state, _version, _test,      \
                                 _field_size, _multiply) {              \
    .name = (stringify(_field)),                                        \
    .version_id = (_version),                                           \
    .field_exists = (_test),                                            \
    .size_offset = vmstate_offset_value(_state, _field_size, uint32_t), \
    .size = (_multiply),                                                \
    .info = &vmstate_info_buffer,                                       \
    .flags = VMS_VBUFFER | VMS_POINTER | VMS_MULTIPLY,                  \
    .offset = offsetof(_state, _field),                                 \
}

#define VMSTATE_VBUFFER(_field, _state, _version, _test, _field_size) { \
    .name = (stringify(_field)),                                        \
    .version_id = (_version),                                           \
    .field_exists = (_test),                                            \
    .size_offset = vmstate_offset_value(_state, _field_size, int32_t),  \
    .info = &vmstate_info_buffer,                                       \
    .flags = VMS_VBUFFER | VMS_POINTER,                                 \
    .offset = offsetof(_state, _field),                                 \
}

#define VMSTATE_VBUFFER_UINT32(_field, _state, _version, _test,        \
                               _field_size) {                           \
    .name = (stringify(_field)),                                        \
    .version_id = (_version),                                           \
    .field_exists = (_test),                                            \
    .size_offset = vmstate_offset_value(_state, _field_size, uint32_t), \
    .info = &vmstate_info_buffer,                                       \
    .flags = VMS_VBUFFER | VMS_POINTER,                                 \
    .offset = offsetof(_state, _field),                                 \
}

#define VMSTATE_VBUFFER_ALLOC_UINT32(_field, _state, _version, _test,  \
                                     _field_size) {                     \
    .name = (stringify(_field)),                                        \
    .version_id = (_version),                                           \
    .field_exists = (_test),                                            \
    .size_offset = vmstate_offset_value(_state, _field_size, uint32_t), \
    .info = &vmstate_info_buffer,                                       \
    .flags = VMS_VBUFFER | VMS_POINTER | VMS_ALLOC,                     \
    .offset = offsetof(_state, _field),                                 \
}

/* The first SIZE bytes of an embedded buffer, SIZE an int32 field. */
#define VMSTATE_PARTIAL_VBUFFER(_field, _state, _size) {                \
    .name = (stringify(_field)),                                        \
    .size_offset = vmstate_offset_value(_state, _size, int32_t),        \
    .info = &vmstate_info_buffer,                                       \
    .flags = VMS_VBUFFER,                                               \
    .offset = offsetof(_state, _field),                                 \
    .capacity = sizeof(typeof_field(_state, _field)),                   \
}

/* Bytes that used to hold something: zeros out, ignored in. */
#define VMSTATE_UNUSED_BUFFER(_test, _version, _size) {                 \
    .name = "unused",                                                   \
    .field_exists = (_test),                                            \
    .version_id = (_version),                                           \
    .size = (_size),                                                    \
    .info = &vmstate_info_unused_buffer,                                \
    .flags = VMS_BUFFER,                                                \
}

/* A bitmap (unsigned long array from bitmap.h) of an int32 bit count. */
#define VMSTATE_BITMAP(_field, _state, _version, _field_size) {         \
    .name = (stringify(_field)),                                        \
    .version_id = (_version),                                           \
    .size_offset = vmstate_offset_value(_state, _field_size, int32_t),  \
    .info = &vmstate_info_bitmap,                                       \
    .flags = VMS_VBUFFER | VMS_POINTER,                                 \
    .offset = offsetof(_state, _field),                                 \
}

/* ---------------------------------------------------- common fields */

#define VMSTATE_END_OF_LIST() { .name = NULL }

#define VMSTATE_STRUCT(_field, _state, _version, _vmsd, _type)          \
    VMSTATE_STRUCT_TEST(_field, _state, NULL, _version, _vmsd, _type)
#define VMSTATE_STRUCT_POINTER(_field, _state, _vmsd, _type)            \
    VMSTATE_STRUCT_POINTER_V(_field, _state, 0, _vmsd, _type)
#define VMSTATE_STRUCT_ARRAY(_field, _state, _num, _version, _vmsd, _type) \
    VMSTATE_STRUCT_ARRAY_TEST(_field, _state, _num, NULL, _version,     \
                              _vmsd, _type)

#define VMSTATE_BOOL_V(_f, _s, _v)                                      \
    VMSTATE_SINGLE(_f, _s, _v, vmstate_info_bool, bool)
#define VMSTATE_INT8_V(_f, _s, _v)                                      \
    VMSTATE_SINGLE(_f, _s, _v, vmstate_info_int8, int8_t)
#define VMSTATE_INT16_V(_f, _s, _v)                                     \
    VMSTATE_SINGLE(_f, _s, _v, vmstate_info_int16, int16_t)
#define VMSTATE_INT32_V(_f, _s, _v)                                     \
    VMSTATE_SINGLE(_f, _s, _v, vmstate_info_int32, int32_t)
#define VMSTATE_INT64_V(_f, _s, _v)                                     \
    VMSTATE_SINGLE(_f, _s, _v, vmstate_info_int64, int64_t)
#define VMSTATE_UINT8_V(_f, _s, _v)                                     \
    VMSTATE_SINGLE(_f, _s, _v, vmstate_info_uint8, uint8_t)
#define VMSTATE_UINT16_V(_f, _s, _v)                                    \
    VMSTATE_SINGLE(_f, _s, _v, vmstate_info_uint16, uint16_t)
#define VMSTATE_UINT32_V(_f, _s, _v)                                    \
    VMSTATE_SINGLE(_f, _s, _v, vmstate_info_uint32, uint32_t)
#define VMSTATE_UINT64_V(_f, _s, _v)                                    \
    VMSTATE_SINGLE(_f, _s, _v, vmstate_info_uint64, uint64_t)

#define VMSTATE_BOOL(_f, _s)            VMSTATE_BOOL_V(_f, _s, 0)
#define VMSTATE_INT8(_f, _s)            VMSTATE_INT8_V(_f, _s, 0)
#define VMSTATE_INT16(_f, _s)           VMSTATE_INT16_V(_f, _s, 0)
#define VMSTATE_INT32(_f, _s)           VMSTATE_INT32_V(_f, _s, 0)
#define VMSTATE_INT64(_f, _s)           VMSTATE_INT64_V(_f, _s, 0)
#define VMSTATE_UINT8(_f, _s)           VMSTATE_UINT8_V(_f, _s, 0)
#define VMSTATE_UINT16(_f, _s)          VMSTATE_UINT16_V(_f, _s, 0)
#define VMSTATE_UINT32(_f, _s)          VMSTATE_UINT32_V(_f, _s, 0)
#define VMSTATE_UINT64(_f, _s)          VMSTATE_UINT64_V(_f, _s, 0)

#define VMSTATE_BOOL_TEST(_f, _s, _t)                                   \
    VMSTATE_SINGLE_TEST(_f, _s, _t, 0, vmstate_info_bool, bool)
#define VMSTATE_UINT8_TEST(_f, _s, _t)                                  \
    VMSTATE_SINGLE_TEST(_f, _s, _t, 0, vmstate_info_uint8, uint8_t)
#define VMSTATE_UINT16_TEST(_f, _s, _t)                                 \
    VMSTATE_SINGLE_TEST(_f, _s, _t, 0, vmstate_info_uint16, uint16_t)
#define VMSTATE_UINT32_TEST(_f, _s, _t)                                 \
    VMSTATE_SINGLE_TEST(_f, _s, _t, 0, vmstate_info_uint32, uint32_t)
#define VMSTATE_UINT64_TEST(_f, _s, _t)                                 \
    VMSTATE_SINGLE_TEST(_f, _s, _t, 0, vmstate_info_uint64, uint64_t)
#define VMSTATE_INT32_TEST(_f, _s, _t)                                  \
    VMSTATE_SINGLE_TEST(_f, _s, _t, 0, vmstate_info_int32, int32_t)
#define VMSTATE_INT64_TEST(_f, _s, _t)                                  \
    VMSTATE_SINGLE_TEST(_f, _s, _t, 0, vmstate_info_int64, int64_t)

/* Load fails unless the incoming value equals the local one. */
#define VMSTATE_UINT8_EQUAL(_f, _s, _err_hint) {                        \
    .name = (stringify(_f)),                                            \
    .err_hint = (_err_hint),                                            \
    .size = sizeof(uint8_t),                                            \
    .info = &vmstate_info_uint8_equal,                                  \
    .flags = VMS_SINGLE,                                                \
    .offset = vmstate_offset_value(_s, _f, uint8_t),                    \
}
#define VMSTATE_UINT16_EQUAL(_f, _s, _err_hint) {                       \
    .name = (stringify(_f)),                                            \
    .err_hint = (_err_hint),                                            \
    .size = sizeof(uint16_t),                                           \
    .info = &vmstate_info_uint16_equal,                                 \
    .flags = VMS_SINGLE,                                                \
    .offset = vmstate_offset_value(_s, _f, uint16_t),                   \
}
#define VMSTATE_UINT32_EQUAL(_f, _s, _err_hint) {                       \
    .name = (stringify(_f)),                                            \
    .err_hint = (_err_hint),                                            \
    .size = sizeof(uint32_t),                                           \
    .info = &vmstate_info_uint32_equal,                                 \
    .flags = VMS_SINGLE,                                                \
    .offset = vmstate_offset_value(_s, _f, uint32_t),                   \
}
#define VMSTATE_UINT64_EQUAL(_f, _s, _err_hint) {                       \
    .name = (stringify(_f)),                                            \
    .err_hint = (_err_hint),                                            \
    .size = sizeof(uint64_t),                                           \
    .info = &vmstate_info_uint64_equal,                                 \
    .flags = VMS_SINGLE,                                                \
    .offset = vmstate_offset_value(_s, _f, uint64_t),                   \
}
#define VMSTATE_INT32_EQUAL(_f, _s) {                                   \
    .name = (stringify(_f)),                                            \
    .size = sizeof(int32_t),                                            \
    .info = &vmstate_info_int32_equal,                                  \
    .flags = VMS_SINGLE,                                                \
    .offset = vmstate_offset_value(_s, _f, int32_t),                    \
}
/* Load fails unless 0 <= incoming <= local; then takes the incoming. */
#define VMSTATE_INT32_POSITIVE_LE(_f, _s)                               \
    VMSTATE_SINGLE(_f, _s, 0, vmstate_info_int32_le, int32_t)

#define VMSTATE_UINT8_ARRAY_V(_f, _s, _n, _v)                           \
    VMSTATE_ARRAY(_f, _s, _n, _v, vmstate_info_uint8, uint8_t)
#define VMSTATE_UINT8_ARRAY(_f, _s, _n)  VMSTATE_UINT8_ARRAY_V(_f, _s, _n, 0)
#define VMSTATE_UINT16_ARRAY_V(_f, _s, _n, _v)                          \
    VMSTATE_ARRAY(_f, _s, _n, _v, vmstate_info_uint16, uint16_t)
#define VMSTATE_UINT16_ARRAY(_f, _s, _n) VMSTATE_UINT16_ARRAY_V(_f, _s, _n, 0)
#define VMSTATE_UINT32_ARRAY_V(_f, _s, _n, _v)                          \
    VMSTATE_ARRAY(_f, _s, _n, _v, vmstate_info_uint32, uint32_t)
#define VMSTATE_UINT32_SUB_ARRAY(_f, _s, _start, _num)                  \
    VMSTATE_SUB_ARRAY(_f, _s, _start, _num, 0, vmstate_info_uint32, uint32_t)
#define VMSTATE_UINT32_ARRAY(_f, _s, _n) VMSTATE_UINT32_ARRAY_V(_f, _s, _n, 0)
#define VMSTATE_UINT64_ARRAY_V(_f, _s, _n, _v)                          \
    VMSTATE_ARRAY(_f, _s, _n, _v, vmstate_info_uint64, uint64_t)
#define VMSTATE_UINT64_ARRAY(_f, _s, _n) VMSTATE_UINT64_ARRAY_V(_f, _s, _n, 0)
#define VMSTATE_INT16_ARRAY(_f, _s, _n)                                 \
    VMSTATE_ARRAY(_f, _s, _n, 0, vmstate_info_int16, int16_t)
#define VMSTATE_INT32_ARRAY(_f, _s, _n)                                 \
    VMSTATE_ARRAY(_f, _s, _n, 0, vmstate_info_int32, int32_t)
#define VMSTATE_INT64_ARRAY(_f, _s, _n)                                 \
    VMSTATE_ARRAY(_f, _s, _n, 0, vmstate_info_int64, int64_t)
#define VMSTATE_BOOL_ARRAY(_f, _s, _n)                                  \
    VMSTATE_ARRAY(_f, _s, _n, 0, vmstate_info_bool, bool)
#define VMSTATE_UINT8_2DARRAY(_f, _s, _n1, _n2)                         \
    VMSTATE_2DARRAY(_f, _s, _n1, _n2, 0, vmstate_info_uint8, uint8_t)

#define VMSTATE_BUFFER_V(_f, _s, _v)                                    \
    VMSTATE_STATIC_BUFFER(_f, _s, _v, NULL, 0, sizeof(typeof_field(_s, _f)))
#define VMSTATE_BUFFER(_f, _s)          VMSTATE_BUFFER_V(_f, _s, 0)
#define VMSTATE_BUFFER_TEST(_f, _s, _t)                                 \
    VMSTATE_STATIC_BUFFER(_f, _s, 0, _t, 0, sizeof(typeof_field(_s, _f)))

#define VMSTATE_UNUSED_V(_v, _size)     VMSTATE_UNUSED_BUFFER(NULL, _v, _size)
#define VMSTATE_UNUSED(_size)           VMSTATE_UNUSED_V(0, _size)
#define VMSTATE_UNUSED_TEST(_t, _size)  VMSTATE_UNUSED_BUFFER(_t, 0, _size)

/* Timers: be64 expiry in ns of the timer's clock, -1 if not pending. */
#define VMSTATE_TIMER_PTR_TEST(_f, _s, _test)                           \
    VMSTATE_POINTER_TEST(_f, _s, _test, vmstate_info_timer, QEMUTimer)
#define VMSTATE_POINTER_TEST(_field, _state, _test, _info, _type) {     \
    .name = (stringify(_field)),                                        \
    .info = &(_info),                                                   \
    .field_exists = (_test),                                            \
    .size = sizeof(_type),                                              \
    .flags = VMS_SINGLE | VMS_POINTER,                                  \
    .offset = vmstate_offset_value(_state, _field, _type *),            \
}
#define VMSTATE_TIMER_PTR_V(_f, _s, _v)                                 \
    VMSTATE_POINTER(_f, _s, _v, vmstate_info_timer, QEMUTimer)
#define VMSTATE_TIMER_PTR(_f, _s)       VMSTATE_TIMER_PTR_V(_f, _s, 0)
#define VMSTATE_TIMER_V(_f, _s, _v)                                     \
    VMSTATE_SINGLE(_f, _s, _v, vmstate_info_timer, QEMUTimer)
#define VMSTATE_TIMER(_f, _s)           VMSTATE_TIMER_V(_f, _s, 0)
#define VMSTATE_TIMER_TEST(_f, _s, _t)                                  \
    VMSTATE_SINGLE_TEST(_f, _s, _t, 0, vmstate_info_timer, QEMUTimer)

/* A QemuUUID as its 16 raw bytes. */
#define VMSTATE_UUID_TEST(_f, _s, _t) {                                 \
    .name = (stringify(_f)),                                            \
    .field_exists = (_t),                                               \
    .size = sizeof(QemuUUID),                                           \
    .info = &vmstate_info_buffer,                                       \
    .flags = VMS_BUFFER,                                                \
    .offset = vmstate_offset_value(_s, _f, QemuUUID),                   \
}
#define VMSTATE_UUID(_f, _s)            VMSTATE_UUID_TEST(_f, _s, NULL)

/* No data: loading (and saving) fails unless @_test returns true. */
#define VMSTATE_VALIDATE(_name, _test) {                                \
    .name = (_name),                                                    \
    .field_exists = (_test),                                            \
    .flags = VMS_ARRAY | VMS_MUST_EXIST,                                \
    .num = 0,                                                           \
}

#endif /* MIGRATION_VMSTATE_H */
