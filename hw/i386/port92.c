/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "port92": the PS/2 system control port A at 0x92.  Bit 1 is the A20
 * gate (KVM guests always see all address lines, so the bit is only
 * remembered and read back), bit 0 a fast reset: writing 1 resets the
 * machine.  Section "port92": the register byte.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/i386/tern.h"
#include "hw/qdev-core.h"
#include "migration/vmstate.h"
#include "system/memory.h"
#include "system/reset.h"
#include "system/runstate.h"

#define PORT92_A20   0x02
#define PORT92_RESET 0x01

OBJECT_DECLARE_SIMPLE_TYPE(Port92State, PORT92)

struct Port92State {
    DeviceState parent_obj;

    MemoryRegion io;
    uint8_t outport;
};

static uint64_t port92_read(void *opaque, hwaddr addr, unsigned size)
{
    Port92State *s = opaque;

    return s->outport;
}

static void port92_write(void *opaque, hwaddr addr, uint64_t val,
                         unsigned size)
{
    Port92State *s = opaque;

    s->outport = val & ~PORT92_RESET;
    if (val & PORT92_RESET) {
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    }
}

static const MemoryRegionOps port92_ops = {
    .read = port92_read,
    .write = port92_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

static void port92_reset(DeviceState *dev)
{
    /* A20 enabled at power-on, as QEMU's PC does. */
    PORT92(dev)->outport = PORT92_A20;
}

static void port92_reset_handler(void *opaque)
{
    device_cold_reset(opaque);
}

static void port92_realize(DeviceState *dev, Error **errp)
{
    Port92State *s = PORT92(dev);

    memory_region_init_io(&s->io, OBJECT(s), &port92_ops, s, "port92", 1);
    tern_isa_register_ioport(&s->io, 0x92);
    port92_reset(dev);
    qemu_register_reset(port92_reset_handler, dev);
}

static void port92_unrealize(DeviceState *dev)
{
    Port92State *s = PORT92(dev);

    qemu_unregister_reset(port92_reset_handler, dev);
    memory_region_del_subregion(get_system_io(), &s->io);
}

static const VMStateDescription vmstate_port92 = {
    .name = "port92",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8(outport, Port92State),
        VMSTATE_END_OF_LIST()
    },
};

static void port92_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = port92_realize;
    dc->unrealize = port92_unrealize;
    dc->vmsd = &vmstate_port92;
    dc->desc = "System control port A (A20 gate, fast reset)";
    /* An ISA device: QEMU's ISA bus cannot hot-plug. */
    dc->hotpluggable = false;
    /* Board state: the tern machine creates the one there is. */
    dc->user_creatable = false;
    device_class_set_legacy_reset(dc, port92_reset);
}

static const TypeInfo port92_info = {
    .name = TYPE_PORT92,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(Port92State),
    .class_init = port92_class_init,
};

static void port92_register_types(void)
{
    type_register_static(&port92_info);
}

type_init(port92_register_types)
