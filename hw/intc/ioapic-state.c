/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The IOAPIC state a tcg machine carries for KVM streams
 * (include/hw/intc/ioapic-state.h).  Its reset value is the IOAPIC's
 * (base 0xfec00000, every entry masked).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/intc/ioapic-state.h"
#include "hw/qdev-core.h"
#include "migration/vmstate.h"
#include "system/reset.h"

#define IOAPIC_PINS 24
#define IOAPIC_MASKED (1ULL << 16)

OBJECT_DECLARE_SIMPLE_TYPE(TCGIOAPICState, TCG_IOAPIC)

struct TCGIOAPICState {
    DeviceState parent_obj;
    uint64_t base_address;
    uint32_t ioregsel;
    uint32_t id;
    uint32_t irr;
    uint64_t redirtbl[IOAPIC_PINS];
};

static void tcg_ioapic_reset(DeviceState *dev)
{
    TCGIOAPICState *s = TCG_IOAPIC(dev);

    s->base_address = 0xfec00000;
    s->ioregsel = 0;
    s->id = 0;
    s->irr = 0;
    for (int i = 0; i < IOAPIC_PINS; i++) {
        s->redirtbl[i] = IOAPIC_MASKED;
    }
}

static bool tcg_ioapic_post_load(void *opaque, int version_id,
                                 Error **errp)
{
    TCGIOAPICState *s = opaque;

    for (int i = 0; i < IOAPIC_PINS; i++) {
        if (!(s->redirtbl[i] & IOAPIC_MASKED)) {
            error_setg(errp, "ioapic: pin %d routes interrupts (entry "
                       "0x%016" PRIx64 "), and tcg has no IOAPIC", i,
                       s->redirtbl[i]);
            return false;
        }
    }
    return true;
}

static const VMStateDescription vmstate_tcg_ioapic = {
    .name = "ioapic",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load_errp = tcg_ioapic_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT64(base_address, TCGIOAPICState),
        VMSTATE_UINT32(id, TCGIOAPICState),
        VMSTATE_UINT32(ioregsel, TCGIOAPICState),
        VMSTATE_UINT32(irr, TCGIOAPICState),
        VMSTATE_UINT64_ARRAY(redirtbl, TCGIOAPICState, IOAPIC_PINS),
        VMSTATE_END_OF_LIST()
    },
};

static void tcg_ioapic_reset_handler(void *opaque)
{
    device_cold_reset(opaque);
}

static void tcg_ioapic_realize(DeviceState *dev, Error **errp)
{
    tcg_ioapic_reset(dev);
    qemu_register_reset(tcg_ioapic_reset_handler, dev);
}

static void tcg_ioapic_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = tcg_ioapic_realize;
    dc->vmsd = &vmstate_tcg_ioapic;
    dc->desc = "IOAPIC registers carried for KVM streams (tcg)";
    dc->hotpluggable = false;
    /* Board state: the tern machine creates the one there is. */
    dc->user_creatable = false;
    device_class_set_legacy_reset(dc, tcg_ioapic_reset);
}

static const TypeInfo tcg_ioapic_info = {
    .name = TYPE_TCG_IOAPIC,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(TCGIOAPICState),
    .class_init = tcg_ioapic_class_init,
};

static void tcg_ioapic_register_types(void)
{
    type_register_static(&tcg_ioapic_info);
}

type_init(tcg_ioapic_register_types)
