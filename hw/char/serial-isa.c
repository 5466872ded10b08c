/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "isa-serial": the 16550A core (hw/char/serial.c) on eight I/O ports
 * with an ISA interrupt line; COM1 (0x3f8, IRQ 4) by default.  Its
 * migration section is "serial", the core's registers as one struct.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "chardev/char.h"
#include "hw/char/serial.h"
#include "hw/i386/tern.h"
#include "hw/qdev-properties.h"
#include "system/memory.h"
#include "system/reset.h"

OBJECT_DECLARE_SIMPLE_TYPE(ISASerialState, ISA_SERIAL)

struct ISASerialState {
    DeviceState parent_obj;

    uint32_t iobase;
    uint32_t isairq;
    char *chardev;

    SerialState state;
    MemoryRegion io;
};

static uint64_t serial_isa_read(void *opaque, hwaddr addr, unsigned size)
{
    ISASerialState *s = opaque;

    return serial_io_read(&s->state, addr);
}

static void serial_isa_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    ISASerialState *s = opaque;

    serial_io_write(&s->state, addr, val);
}

static const MemoryRegionOps serial_isa_ops = {
    .read = serial_isa_read,
    .write = serial_isa_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

static void serial_isa_irq(void *opaque, int level)
{
    ISASerialState *s = opaque;

    tern_isa_set_irq(s->isairq, level);
}

static void serial_isa_reset(DeviceState *dev)
{
    serial_reset(&ISA_SERIAL(dev)->state);
}

static void serial_isa_reset_handler(void *opaque)
{
    device_cold_reset(opaque);
}

static void serial_isa_realize(DeviceState *dev, Error **errp)
{
    ISASerialState *s = ISA_SERIAL(dev);
    Chardev *chr = NULL;

    if (s->isairq > 15) {
        error_setg(errp, "isa-serial: irq %u is not an ISA line (0-15)",
                   s->isairq);
        return;
    }
    if (s->iobase > 0xfff8) {
        error_setg(errp, "isa-serial: iobase 0x%x is out of range",
                   s->iobase);
        return;
    }
    if (s->chardev) {
        chr = qemu_chr_find(s->chardev);
        if (!chr) {
            error_setg(errp, "isa-serial: chardev '%s' not found",
                       s->chardev);
            return;
        }
    }
    if (!serial_realize_core(&s->state, chr, serial_isa_irq, s, errp)) {
        return;
    }
    memory_region_init_io(&s->io, OBJECT(s), &serial_isa_ops, s, "serial",
                          8);
    tern_isa_register_ioport(&s->io, s->iobase);
    qemu_register_reset(serial_isa_reset_handler, dev);
}

static void serial_isa_unrealize(DeviceState *dev)
{
    ISASerialState *s = ISA_SERIAL(dev);

    qemu_unregister_reset(serial_isa_reset_handler, dev);
    memory_region_del_subregion(get_system_io(), &s->io);
    serial_unrealize_core(&s->state);
}

static const VMStateDescription vmstate_isa_serial = {
    .name = "serial",
    .version_id = 3,
    .minimum_version_id = 3,
    .fields = (const VMStateField[]) {
        VMSTATE_STRUCT(state, ISASerialState, 0, vmstate_serial,
                       SerialState),
        VMSTATE_END_OF_LIST()
    },
};

static const Property serial_isa_props[] = {
    DEFINE_PROP_UINT32("iobase", ISASerialState, iobase, 0x3f8),
    DEFINE_PROP_UINT32("irq", ISASerialState, isairq, 4),
    DEFINE_PROP_STRING("chardev", ISASerialState, chardev),
};

static void serial_isa_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = serial_isa_realize;
    dc->unrealize = serial_isa_unrealize;
    dc->vmsd = &vmstate_isa_serial;
    dc->desc = "16550A UART on ISA ports";
    /* An ISA device: QEMU's ISA bus cannot hot-plug. */
    dc->hotpluggable = false;
    dc->user_creatable = true;
    device_class_set_legacy_reset(dc, serial_isa_reset);
    device_class_set_props(dc, serial_isa_props);
}

static const TypeInfo serial_isa_info = {
    .name = TYPE_ISA_SERIAL,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(ISASerialState),
    .class_init = serial_isa_class_init,
};

static void serial_isa_register_types(void)
{
    type_register_static(&serial_isa_info);
}

type_init(serial_isa_register_types)
