/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "isa-debugcon": one I/O port (0xe9 by default) whose writes go to a
 * chardev byte by byte, as Bochs' debug console; reads return
 * "readback" (0xe9), which lets a guest detect it.  No state migrates
 * (the port has none), so its section is empty.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "chardev/char.h"
#include "chardev/char-fe.h"
#include "hw/i386/tern.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "system/memory.h"

OBJECT_DECLARE_SIMPLE_TYPE(ISADebugconState, ISA_DEBUGCON)

struct ISADebugconState {
    DeviceState parent_obj;

    uint32_t iobase;
    uint32_t readback;
    char *chardev;

    CharBackend chr;
    MemoryRegion io;
};

static uint64_t debugcon_read(void *opaque, hwaddr addr, unsigned size)
{
    ISADebugconState *s = opaque;

    return s->readback;
}

static void debugcon_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    ISADebugconState *s = opaque;
    uint8_t ch = val;

    /* Blocking, as the UART's THR: the guest waits, nothing is lost. */
    qemu_chr_fe_write_all(&s->chr, &ch, 1);
}

static const MemoryRegionOps debugcon_ops = {
    .read = debugcon_read,
    .write = debugcon_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

static void debugcon_realize(DeviceState *dev, Error **errp)
{
    ISADebugconState *s = ISA_DEBUGCON(dev);

    if (s->iobase > 0xffff) {
        error_setg(errp, "isa-debugcon: iobase 0x%x is out of range",
                   s->iobase);
        return;
    }
    if (s->chardev) {
        Chardev *chr = qemu_chr_find(s->chardev);

        if (!chr) {
            error_setg(errp, "isa-debugcon: chardev '%s' not found",
                       s->chardev);
            return;
        }
        if (!qemu_chr_fe_init(&s->chr, chr, errp)) {
            return;
        }
    }
    memory_region_init_io(&s->io, OBJECT(s), &debugcon_ops, s, "debugcon",
                          1);
    tern_isa_register_ioport(&s->io, s->iobase);
}

static void debugcon_unrealize(DeviceState *dev)
{
    ISADebugconState *s = ISA_DEBUGCON(dev);

    memory_region_del_subregion(get_system_io(), &s->io);
    qemu_chr_fe_deinit(&s->chr, false);
}

static const VMStateDescription vmstate_debugcon = {
    .name = "isa-debugcon",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_END_OF_LIST()
    },
};

static const Property debugcon_props[] = {
    DEFINE_PROP_UINT32("iobase", ISADebugconState, iobase, 0xe9),
    DEFINE_PROP_UINT32("readback", ISADebugconState, readback, 0xe9),
    DEFINE_PROP_STRING("chardev", ISADebugconState, chardev),
};

static void debugcon_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = debugcon_realize;
    dc->unrealize = debugcon_unrealize;
    dc->vmsd = &vmstate_debugcon;
    dc->desc = "ISA debug console (Bochs port 0xe9)";
    /* An ISA device: QEMU's ISA bus cannot hot-plug. */
    dc->hotpluggable = false;
    dc->user_creatable = true;
    device_class_set_props(dc, debugcon_props);
}

static const TypeInfo debugcon_info = {
    .name = TYPE_ISA_DEBUGCON,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(ISADebugconState),
    .class_init = debugcon_class_init,
};

static void debugcon_register_types(void)
{
    type_register_static(&debugcon_info);
}

type_init(debugcon_register_types)
