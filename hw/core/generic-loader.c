/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "loader" (QEMU's generic loader): -device loader,file=F,addr=A copies a
 * raw image into guest memory at A; with cpu-num=N that CPU starts at A
 * after every reset.  -device loader,data=V,data-len=L,addr=A writes an
 * L-byte value; -device loader,addr=A,cpu-num=N only sets the start.
 * The image is copied again on every reset, as a ROM would reappear.
 *
 * ELF, U-Boot and Intel HEX images (which QEMU also accepts) are not
 * supported: an ELF file is refused with a message; other files load raw.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/core/cpu.h"
#include "hw/qdev-properties.h"
#include "system/memory.h"
#include "system/reset.h"

#define TYPE_GENERIC_LOADER "loader"
OBJECT_DECLARE_SIMPLE_TYPE(GenericLoaderState, GENERIC_LOADER)

#define CPU_NONE UINT32_MAX

struct GenericLoaderState {
    DeviceState parent_obj;

    /* Properties. */
    char *file;
    uint64_t addr;
    uint64_t data;
    uint8_t data_len;
    bool data_be;
    bool force_raw;
    uint32_t cpu_num;

    CPUState *cpu;
    uint8_t *image;
    gsize image_len;
};

static bool loader_copy(GenericLoaderState *s, Error **errp)
{
    MemTxResult r;

    if (!s->image_len) {
        return true;
    }
    r = address_space_write_rom(&address_space_memory, s->addr,
                                MEMTXATTRS_UNSPECIFIED, s->image,
                                s->image_len);
    if (r != MEMTX_OK) {
        error_setg(errp, "loader: cannot write %zu bytes at 0x%" PRIx64
                   " (not RAM?)", (size_t)s->image_len, s->addr);
        return false;
    }
    return true;
}

static void loader_reset(void *opaque)
{
    GenericLoaderState *s = opaque;

    loader_copy(s, &error_warn);
    if (s->cpu) {
        cpu_set_pc(s->cpu, s->addr);
    }
}

static void loader_realize(DeviceState *dev, Error **errp)
{
    GenericLoaderState *s = GENERIC_LOADER(dev);
    g_autoptr(GError) gerr = NULL;
    gchar *contents;

    if (s->file && s->data_len) {
        error_setg(errp, "loader: specify file or data, not both");
        return;
    }
    if (s->cpu_num != CPU_NONE) {
        s->cpu = qemu_get_cpu(s->cpu_num);
        if (!s->cpu) {
            error_setg(errp, "loader: cpu-num %u does not exist",
                       s->cpu_num);
            return;
        }
    }
    if (s->file) {
        if (!g_file_get_contents(s->file, &contents, &s->image_len, &gerr)) {
            error_setg(errp, "loader: cannot read '%s': %s", s->file,
                       gerr->message);
            return;
        }
        s->image = (uint8_t *)contents;
        if (!s->force_raw && s->image_len >= 4 &&
            !memcmp(s->image, "\x7f" "ELF", 4)) {
            error_setg(errp, "loader: '%s' is an ELF image, which Tern "
                       "does not parse; use force-raw=on to load it as is",
                       s->file);
            g_clear_pointer(&s->image, g_free);
            return;
        }
        if (s->addr + s->image_len < s->addr) {
            error_setg(errp, "loader: image does not fit at 0x%" PRIx64,
                       s->addr);
            return;
        }
    } else if (s->data_len) {
        uint64_t v = s->data_be ? GUINT64_TO_BE(s->data) :
                                  GUINT64_TO_LE(s->data);

        if (s->data_len > 8) {
            error_setg(errp, "loader: data-len must be 1 to 8, not %u",
                       s->data_len);
            return;
        }
        s->image_len = s->data_len;
        s->image = g_malloc(8);
        /* The value's low (LE) or high (BE) bytes. */
        memcpy(s->image, (uint8_t *)&v + (s->data_be ? 8 - s->data_len : 0),
               s->data_len);
    } else if (!s->cpu) {
        error_setg(errp, "loader: needs file, data or cpu-num");
        return;
    }
    if (!loader_copy(s, errp)) {
        return;
    }
    if (s->cpu) {
        cpu_set_pc(s->cpu, s->addr);
    }
    qemu_register_reset(loader_reset, s);
}

static void loader_unrealize(DeviceState *dev)
{
    GenericLoaderState *s = GENERIC_LOADER(dev);

    qemu_unregister_reset(loader_reset, s);
    g_clear_pointer(&s->image, g_free);
}

static const Property loader_props[] = {
    DEFINE_PROP_UINT64("addr", GenericLoaderState, addr, 0),
    DEFINE_PROP_UINT64("data", GenericLoaderState, data, 0),
    DEFINE_PROP_UINT8("data-len", GenericLoaderState, data_len, 0),
    DEFINE_PROP_BOOL("data-be", GenericLoaderState, data_be, false),
    DEFINE_PROP_UINT32("cpu-num", GenericLoaderState, cpu_num, CPU_NONE),
    DEFINE_PROP_BOOL("force-raw", GenericLoaderState, force_raw, false),
    DEFINE_PROP_STRING("file", GenericLoaderState, file),
};

static void loader_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = loader_realize;
    dc->unrealize = loader_unrealize;
    dc->desc = "Generic loader (raw images, data, CPU start address)";
    dc->user_creatable = true;
    device_class_set_props(dc, loader_props);
}

static const TypeInfo loader_info = {
    .name = TYPE_GENERIC_LOADER,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(GenericLoaderState),
    .class_init = loader_class_init,
};

static void loader_register_types(void)
{
    type_register_static(&loader_info);
}

type_init(loader_register_types)
