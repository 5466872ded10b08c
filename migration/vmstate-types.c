/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VMStateInfo field types: integers, booleans, checked integers
 * (_EQUAL, _LE), raw and unused buffers, timers, bitmaps and the NULL
 * pointer marker.  The names are the "type" strings of the vmdesc JSON.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/bitops.h"
#include "qemu/timer.h"
#include "migration/vmstate.h"

/* Plain integers: big-endian of their width, two's complement. */
#define VMSTATE_INT_INFO(_name, _type, _bits, _label)                   \
static int get_##_name(QEMUFile *f, void *pv, size_t size,              \
                       const VMStateField *field, Error **errp)         \
{                                                                       \
    *(_type *)pv = (_type)qemu_get_be##_bits(f);                        \
    return 0;                                                           \
}                                                                       \
static int put_##_name(QEMUFile *f, void *pv, size_t size,              \
                       const VMStateField *field, JSONWriter *vmdesc,   \
                       Error **errp)                                    \
{                                                                       \
    qemu_put_be##_bits(f, *(_type *)pv);                                \
    return 0;                                                           \
}                                                                       \
const VMStateInfo vmstate_info_##_name = {                              \
    .name = _label,                                                     \
    .get = get_##_name,                                                 \
    .put = put_##_name,                                                 \
};

static inline unsigned int qemu_get_be8(QEMUFile *f)
{
    return qemu_get_byte(f);
}

static inline void qemu_put_be8(QEMUFile *f, unsigned int v)
{
    qemu_put_byte(f, v);
}

VMSTATE_INT_INFO(int8, int8_t, 8, "int8")
VMSTATE_INT_INFO(int16, int16_t, 16, "int16")
VMSTATE_INT_INFO(int32, int32_t, 32, "int32")
VMSTATE_INT_INFO(int64, int64_t, 64, "int64")
VMSTATE_INT_INFO(uint8, uint8_t, 8, "uint8")
VMSTATE_INT_INFO(uint16, uint16_t, 16, "uint16")
VMSTATE_INT_INFO(uint32, uint32_t, 32, "uint32")
VMSTATE_INT_INFO(uint64, uint64_t, 64, "uint64")

/* bool: one byte; anything but 0 or 1 is refused on load. */
static int get_bool(QEMUFile *f, void *pv, size_t size,
                    const VMStateField *field, Error **errp)
{
    int v = qemu_get_byte(f);

    if (v > 1) {
        error_setg(errp, "invalid boolean value %d", v);
        return -EINVAL;
    }
    *(bool *)pv = v;
    return 0;
}

static int put_bool(QEMUFile *f, void *pv, size_t size,
                    const VMStateField *field, JSONWriter *vmdesc,
                    Error **errp)
{
    qemu_put_byte(f, *(bool *)pv ? 1 : 0);
    return 0;
}

const VMStateInfo vmstate_info_bool = {
    .name = "bool",
    .get = get_bool,
    .put = put_bool,
};

/* _EQUAL: the incoming value must match the local one. */
static int vmstate_equal_failed(const VMStateField *field, uint64_t local,
                                uint64_t incoming, Error **errp)
{
    error_setg(errp, "incoming value 0x%" PRIx64 " differs from local "
               "value 0x%" PRIx64, incoming, local);
    if (field && field->err_hint) {
        error_append_hint(errp, "%s\n", field->err_hint);
    }
    return -EINVAL;
}

#define VMSTATE_EQUAL_INFO(_name, _type, _bits, _label, _put)           \
static int get_##_name##_equal(QEMUFile *f, void *pv, size_t size,      \
                               const VMStateField *field, Error **errp) \
{                                                                       \
    _type v = (_type)qemu_get_be##_bits(f);                             \
                                                                        \
    if (qemu_file_get_error(f) || v == *(_type *)pv) {                  \
        return 0;                                                       \
    }                                                                   \
    return vmstate_equal_failed(field, (uint64_t)*(_type *)pv,          \
                                (uint64_t)v, errp);                     \
}                                                                       \
const VMStateInfo vmstate_info_##_name##_equal = {                      \
    .name = _label,                                                     \
    .get = get_##_name##_equal,                                         \
    .put = _put,                                                        \
};

VMSTATE_EQUAL_INFO(uint8, uint8_t, 8, "uint8 equal", put_uint8)
VMSTATE_EQUAL_INFO(uint16, uint16_t, 16, "uint16 equal", put_uint16)
VMSTATE_EQUAL_INFO(uint32, uint32_t, 32, "uint32 equal", put_uint32)
/* QEMU names this one "int64 equal"; the JSON keeps its name. */
VMSTATE_EQUAL_INFO(uint64, uint64_t, 64, "int64 equal", put_uint64)
VMSTATE_EQUAL_INFO(int32, int32_t, 32, "int32 equal", put_int32)

/* int32 le: 0 <= incoming <= local, then the incoming value is taken. */
static int get_int32_le(QEMUFile *f, void *pv, size_t size,
                        const VMStateField *field, Error **errp)
{
    int32_t *cur = pv;
    int32_t v = (int32_t)qemu_get_be32(f);

    if (qemu_file_get_error(f)) {
        return 0;
    }
    if (v < 0 || v > *cur) {
        error_setg(errp, "incoming value %" PRId32 " is not in 0..%" PRId32,
                   v, *cur);
        return -EINVAL;
    }
    *cur = v;
    return 0;
}

const VMStateInfo vmstate_info_int32_le = {
    .name = "int32 le",
    .get = get_int32_le,
    .put = put_int32,
};

/* NULL element of a pointer array: one marker byte. */
static int get_nullptr(QEMUFile *f, void *pv, size_t size,
                       const VMStateField *field, Error **errp)
{
    int v = qemu_get_byte(f);

    if (qemu_file_get_error(f) || v == VMS_NULLPTR_MARKER) {
        return 0;
    }
    error_setg(errp, "expected the NULL pointer marker 0x%02x, got 0x%02x",
               VMS_NULLPTR_MARKER, v);
    return -EINVAL;
}

static int put_nullptr(QEMUFile *f, void *pv, size_t size,
                       const VMStateField *field, JSONWriter *vmdesc,
                       Error **errp)
{
    assert(pv == NULL);
    qemu_put_byte(f, VMS_NULLPTR_MARKER);
    return 0;
}

const VMStateInfo vmstate_info_nullptr = {
    .name = "nullptr",
    .get = get_nullptr,
    .put = put_nullptr,
};

/* Raw bytes. */
int vmstate_get_buffer(QEMUFile *f, void *pv, size_t size,
                       const VMStateField *field, Error **errp)
{
    qemu_get_buffer(f, pv, size);
    return 0;
}

int vmstate_put_buffer(QEMUFile *f, void *pv, size_t size,
                       const VMStateField *field, JSONWriter *vmdesc,
                       Error **errp)
{
    qemu_put_buffer(f, pv, size);
    return 0;
}

const VMStateInfo vmstate_info_buffer = {
    .name = "buffer",
    .get = vmstate_get_buffer,
    .put = vmstate_put_buffer,
};

/* Space once used by removed fields: zeros out, skipped in. */
static int get_unused_buffer(QEMUFile *f, void *pv, size_t size,
                             const VMStateField *field, Error **errp)
{
    uint8_t buf[1024];

    while (size > 0 && !qemu_file_get_error(f)) {
        size_t l = MIN(sizeof(buf), size);

        qemu_get_buffer(f, buf, l);
        size -= l;
    }
    return 0;
}

static int put_unused_buffer(QEMUFile *f, void *pv, size_t size,
                             const VMStateField *field, JSONWriter *vmdesc,
                             Error **errp)
{
    static const uint8_t zeros[1024];

    while (size > 0) {
        size_t l = MIN(sizeof(zeros), size);

        qemu_put_buffer(f, zeros, l);
        size -= l;
    }
    return 0;
}

const VMStateInfo vmstate_info_unused_buffer = {
    .name = "unused_buffer",
    .get = get_unused_buffer,
    .put = put_unused_buffer,
};

/* Timer: be64 expiry in ns of its clock, -1 when not pending. */
static int get_timer(QEMUFile *f, void *pv, size_t size,
                     const VMStateField *field, Error **errp)
{
    QEMUTimer *ts = pv;
    int64_t expire = (int64_t)qemu_get_be64(f);

    if (qemu_file_get_error(f)) {
        return 0;
    }
    if (expire == -1) {
        timer_del(ts);
    } else if (expire < 0) {
        error_setg(errp, "invalid timer expiry %" PRId64, expire);
        return -EINVAL;
    } else {
        timer_mod_ns(ts, expire);
    }
    return 0;
}

static int put_timer(QEMUFile *f, void *pv, size_t size,
                     const VMStateField *field, JSONWriter *vmdesc,
                     Error **errp)
{
    qemu_put_be64(f, timer_expire_time_ns(pv));
    return 0;
}

const VMStateInfo vmstate_info_timer = {
    .name = "timer",
    .get = get_timer,
    .put = put_timer,
};

/*
 * Bitmap of @size bits: 64-bit big-endian words, bit n of the bitmap is
 * bit (n % 64) of word n / 64.  Bits past @size in the last word are
 * sent as they are in memory and cleared on load.
 */
static int get_bitmap(QEMUFile *f, void *pv, size_t size,
                      const VMStateField *field, Error **errp)
{
    unsigned long *bmp = pv;
    size_t words = DIV_ROUND_UP(size, 64);
    size_t longs = BITS_TO_LONGS(size);
    size_t idx = 0;

    for (size_t i = 0; i < words; i++) {
        uint64_t w = qemu_get_be64(f);

        bmp[idx++] = w;
        if (sizeof(unsigned long) == 4 && idx < longs) {
            bmp[idx++] = w >> 32;
        }
    }
    if (size % BITS_PER_LONG) {
        bmp[longs - 1] &= ~0UL >> (BITS_PER_LONG - size % BITS_PER_LONG);
    }
    return 0;
}

static int put_bitmap(QEMUFile *f, void *pv, size_t size,
                      const VMStateField *field, JSONWriter *vmdesc,
                      Error **errp)
{
    unsigned long *bmp = pv;
    size_t words = DIV_ROUND_UP(size, 64);
    size_t longs = BITS_TO_LONGS(size);
    size_t idx = 0;

    for (size_t i = 0; i < words; i++) {
        uint64_t w = bmp[idx++];

        if (sizeof(unsigned long) == 4 && idx < longs) {
            w |= (uint64_t)bmp[idx++] << 32;
        }
        qemu_put_be64(f, w);
    }
    return 0;
}

const VMStateInfo vmstate_info_bitmap = {
    .name = "bitmap",
    .get = get_bitmap,
    .put = put_bitmap,
};
