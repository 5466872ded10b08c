/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The 8259A programmable interrupt controller pair in userspace: ICW1-4
 * initialisation, OCW1 mask, OCW2 EOI / rotation / priority, OCW3
 * register select, poll and special mask, edge or level triggering per
 * line (ELCR), auto-EOI and special fully nested mode, the slave on the
 * master's IR2.  Everything runs under the BQL.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/intc/i8259.h"
#include "hw/i386/tern.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "system/memory.h"
#include "system/reset.h"

OBJECT_DECLARE_SIMPLE_TYPE(PICState, ISA_I8259)

struct PICState {
    DeviceState parent_obj;

    MemoryRegion io;
    MemoryRegion elcr_io;
    bool master;

    /* The in-kernel PIC's fields (struct kvm_pic_state), in order. */
    uint8_t last_irr;       /* edge detection */
    uint8_t irr;
    uint8_t imr;
    uint8_t isr;
    uint8_t priority_add;   /* the line with the highest priority */
    uint8_t irq_base;
    uint8_t read_reg_select;
    uint8_t poll;
    uint8_t special_mask;
    uint8_t init_state;
    uint8_t auto_eoi;
    uint8_t rotate_on_auto_eoi;
    uint8_t special_fully_nested_mode;
    uint8_t init4;
    uint8_t elcr;
    uint8_t elcr_mask;
};

static PICState *pics[2];
static I8259IntrHandler *intr_handler;
static void *intr_opaque;
static int intr_level;

void i8259_set_intr_handler(I8259IntrHandler *fn, void *opaque)
{
    intr_handler = fn;
    intr_opaque = opaque;
}

/* 0 = highest; 8 = none of @mask is set. */
static int priority_of(PICState *s, uint8_t mask)
{
    int p;

    if (!mask) {
        return 8;
    }
    for (p = 0; !(mask & (1 << ((p + s->priority_add) & 7))); p++) {
    }
    return p;
}

/* The line this chip would raise now, or -1. */
static int pic_pending(PICState *s)
{
    int req = priority_of(s, s->irr & ~s->imr);
    uint8_t serving = s->isr;

    if (req == 8) {
        return -1;
    }
    if (s->special_mask) {
        serving &= ~s->imr;
    }
    if (s->special_fully_nested_mode && s->master) {
        serving &= ~(1 << 2);   /* the slave may interrupt itself */
    }
    if (req < priority_of(s, serving)) {
        return (req + s->priority_add) & 7;
    }
    return -1;
}

static void pic_line(PICState *s, int irq, int level);

static void pic_update(void)
{
    int level;

    if (!pics[0]) {
        return;
    }
    if (pics[1]) {
        pic_line(pics[0], 2, pic_pending(pics[1]) >= 0);
    }
    level = pic_pending(pics[0]) >= 0;
    if (level != intr_level) {
        intr_level = level;
        if (intr_handler) {
            intr_handler(intr_opaque, level);
        }
    }
}

/* Latch a line's new level (no output update). */
static void pic_line(PICState *s, int irq, int level)
{
    uint8_t mask = 1 << irq;

    if (s->elcr & mask) {
        if (level) {
            s->irr |= mask;
            s->last_irr |= mask;
        } else {
            s->irr &= ~mask;
            s->last_irr &= ~mask;
        }
    } else if (level) {
        if (!(s->last_irr & mask)) {
            s->irr |= mask;
        }
        s->last_irr |= mask;
    } else {
        s->last_irr &= ~mask;
    }
}

bool i8259_set_irq(int irq, int level)
{
    PICState *s = pics[irq >> 3];

    if (!s || irq < 0 || irq > 15) {
        return false;
    }
    pic_line(s, irq & 7, level);
    pic_update();
    return true;
}

static void pic_intack(PICState *s, int irq)
{
    if (s->auto_eoi) {
        if (s->rotate_on_auto_eoi) {
            s->priority_add = (irq + 1) & 7;
        }
    } else {
        s->isr |= 1 << irq;
    }
    /* Level-triggered requests stay until the line drops. */
    if (!(s->elcr & (1 << irq))) {
        s->irr &= ~(1 << irq);
    }
}

int i8259_ack(void)
{
    PICState *m = pics[0], *sl = pics[1];
    int irq, vec;

    if (!m) {
        return -1;
    }
    irq = pic_pending(m);
    if (irq < 0) {
        /* Spurious: IR7 without setting ISR. */
        vec = m->irq_base + 7;
    } else if (irq == 2 && sl) {
        int irq2 = pic_pending(sl);

        pic_intack(m, 2);
        if (irq2 >= 0) {
            pic_intack(sl, irq2);
        } else {
            irq2 = 7;
        }
        vec = sl->irq_base + irq2;
    } else {
        pic_intack(m, irq);
        vec = m->irq_base + irq;
    }
    pic_update();
    return vec;
}

static void pic_init_reset(PICState *s)
{
    s->last_irr = 0;
    s->irr &= s->elcr;      /* level-triggered lines stay requested */
    s->imr = 0;
    s->isr = 0;
    s->priority_add = 0;
    s->irq_base = 0;
    s->read_reg_select = 0;
    s->poll = 0;
    s->special_mask = 0;
    s->init_state = 0;
    s->auto_eoi = 0;
    s->rotate_on_auto_eoi = 0;
    s->special_fully_nested_mode = 0;
    s->init4 = 0;
}

static void pic_write_cmd(PICState *s, uint8_t val)
{
    int cmd, p, irq;

    if (val & 0x10) {           /* ICW1 */
        pic_init_reset(s);
        s->init4 = val & 1;
        s->init_state = 1;
        pic_update();
        return;
    }
    if (val & 0x08) {           /* OCW3 */
        if (val & 0x04) {
            s->poll = 1;
        }
        if (val & 0x02) {
            s->read_reg_select = val & 1;
        }
        if (val & 0x40) {
            s->special_mask = (val >> 5) & 1;
        }
        pic_update();
        return;
    }
    cmd = val >> 5;             /* OCW2 */
    switch (cmd) {
    case 0:
    case 4:
        s->rotate_on_auto_eoi = cmd >> 2;
        break;
    case 1:                     /* non-specific EOI */
    case 5:                     /* ... and rotate */
        p = priority_of(s, s->isr);
        if (p != 8) {
            irq = (p + s->priority_add) & 7;
            s->isr &= ~(1 << irq);
            if (cmd == 5) {
                s->priority_add = (irq + 1) & 7;
            }
        }
        break;
    case 3:                     /* specific EOI */
        s->isr &= ~(1 << (val & 7));
        break;
    case 6:                     /* set priority */
        s->priority_add = (val + 1) & 7;
        break;
    case 7:                     /* specific EOI and rotate */
        irq = val & 7;
        s->isr &= ~(1 << irq);
        s->priority_add = (irq + 1) & 7;
        break;
    default:
        break;
    }
    pic_update();
}

static void pic_write_data(PICState *s, uint8_t val)
{
    switch (s->init_state) {
    case 0:                     /* OCW1 */
        s->imr = val;
        pic_update();
        break;
    case 1:                     /* ICW2 */
        s->irq_base = val & 0xf8;
        s->init_state = 2;
        break;
    case 2:                     /* ICW3: the cascade is fixed */
        s->init_state = s->init4 ? 3 : 0;
        break;
    default:                    /* ICW4 */
        s->special_fully_nested_mode = (val >> 4) & 1;
        s->auto_eoi = (val >> 1) & 1;
        s->init_state = 0;
        break;
    }
}

static uint64_t pic_read(void *opaque, hwaddr addr, unsigned size)
{
    PICState *s = opaque;

    if (s->poll) {
        int irq = pic_pending(s);

        s->poll = 0;
        if (irq < 0) {
            return 0;
        }
        pic_intack(s, irq);
        pic_update();
        return irq | 0x80;
    }
    if (addr == 0) {
        return s->read_reg_select ? s->isr : s->irr;
    }
    return s->imr;
}

static void pic_write(void *opaque, hwaddr addr, uint64_t val,
                      unsigned size)
{
    if (addr == 0) {
        pic_write_cmd(opaque, val);
    } else {
        pic_write_data(opaque, val);
    }
}

static uint64_t elcr_read(void *opaque, hwaddr addr, unsigned size)
{
    return ((PICState *)opaque)->elcr;
}

static void elcr_write(void *opaque, hwaddr addr, uint64_t val,
                       unsigned size)
{
    PICState *s = opaque;

    s->elcr = val & s->elcr_mask;
    pic_update();
}

static const MemoryRegionOps pic_ops = {
    .read = pic_read,
    .write = pic_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

static const MemoryRegionOps elcr_ops = {
    .read = elcr_read,
    .write = elcr_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

static void pic_reset(DeviceState *dev)
{
    PICState *s = ISA_I8259(dev);

    s->elcr = 0;
    s->irr = 0;
    pic_init_reset(s);
    s->elcr_mask = s->master ? 0xf8 : 0xde;
    pic_update();
}

static void pic_reset_handler(void *opaque)
{
    device_cold_reset(opaque);
}

static void pic_realize(DeviceState *dev, Error **errp)
{
    PICState *s = ISA_I8259(dev);
    int idx = s->master ? 0 : 1;

    if (pics[idx]) {
        error_setg(errp, "isa-i8259: the %s PIC exists already",
                   s->master ? "master" : "slave");
        return;
    }
    memory_region_init_io(&s->io, OBJECT(s), &pic_ops, s, "pic", 2);
    memory_region_init_io(&s->elcr_io, OBJECT(s), &elcr_ops, s, "elcr", 1);
    tern_isa_register_ioport(&s->io, s->master ? 0x20 : 0xa0);
    tern_isa_register_ioport(&s->elcr_io, s->master ? 0x4d0 : 0x4d1);
    pics[idx] = s;
    pic_reset(dev);
    qemu_register_reset(pic_reset_handler, dev);
}

static void pic_unrealize(DeviceState *dev)
{
    PICState *s = ISA_I8259(dev);

    qemu_unregister_reset(pic_reset_handler, dev);
    memory_region_del_subregion(get_system_io(), &s->io);
    memory_region_del_subregion(get_system_io(), &s->elcr_io);
    pics[s->master ? 0 : 1] = NULL;
}

static bool pic_post_load(void *opaque, int version_id, Error **errp)
{
    pic_update();
    return true;
}

static const VMStateDescription vmstate_pic = {
    .name = "i8259",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load_errp = pic_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8(last_irr, PICState),
        VMSTATE_UINT8(irr, PICState),
        VMSTATE_UINT8(imr, PICState),
        VMSTATE_UINT8(isr, PICState),
        VMSTATE_UINT8(priority_add, PICState),
        VMSTATE_UINT8(irq_base, PICState),
        VMSTATE_UINT8(read_reg_select, PICState),
        VMSTATE_UINT8(poll, PICState),
        VMSTATE_UINT8(special_mask, PICState),
        VMSTATE_UINT8(init_state, PICState),
        VMSTATE_UINT8(auto_eoi, PICState),
        VMSTATE_UINT8(rotate_on_auto_eoi, PICState),
        VMSTATE_UINT8(special_fully_nested_mode, PICState),
        VMSTATE_UINT8(init4, PICState),
        VMSTATE_UINT8(elcr, PICState),
        VMSTATE_UINT8(elcr_mask, PICState),
        VMSTATE_END_OF_LIST()
    },
};

static const Property pic_props[] = {
    DEFINE_PROP_BOOL("master", PICState, master, true),
};

static void pic_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = pic_realize;
    dc->unrealize = pic_unrealize;
    dc->vmsd = &vmstate_pic;
    dc->desc = "ISA 8259 PIC (userspace, for tcg)";
    /* An ISA device: QEMU's ISA bus cannot hot-plug. */
    dc->hotpluggable = false;
    /* Board state: the tern machine creates the one there is. */
    dc->user_creatable = false;
    device_class_set_props(dc, pic_props);
    device_class_set_legacy_reset(dc, pic_reset);
}

static const TypeInfo pic_info = {
    .name = TYPE_ISA_I8259,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(PICState),
    .class_init = pic_class_init,
};

static void pic_register_types(void)
{
    type_register_static(&pic_info);
}

type_init(pic_register_types)
