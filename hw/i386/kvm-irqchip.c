/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The in-kernel interrupt controllers and timer as devices whose state
 * migrates: "kvm-i8259" (the master and the slave PIC, sections "i8259"
 * instances 0 and 1), "kvm-ioapic" ("ioapic") and "kvm-pit" ("i8254").
 * KVM emulates them; these objects only read their state before a save
 * (KVM_GET_IRQCHIP / KVM_GET_PIT2) and write it back after a load.  Each
 * local APIC travels with its vCPU (the x86-vcpu/lapic subsection).
 *
 * Also the ISA glue the devices use: interrupt lines into the kernel's
 * PIC/IOAPIC, and I/O port registration.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/i386/tern.h"
#include "hw/intc/i8259.h"
#include "hw/timer/i8254.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "system/kvm.h"
#include "system/memory.h"

void tern_isa_set_irq(int irq, int level)
{
#ifdef CONFIG_KVM
    if (kvm_enabled()) {
        kvm_set_irq(irq, level);
        return;
    }
#endif
    /* tcg: the userspace PIC, when the board has one. */
    i8259_set_irq(irq, level);
}

void tern_isa_register_ioport(MemoryRegion *mr, uint16_t port)
{
    memory_region_add_subregion(get_system_io(), port, mr);
}

#ifdef CONFIG_KVM

static bool irqchip_ioctl(unsigned long type, void *arg, const char *what,
                          Error **errp)
{
    int ret;

    if (!kvm_enabled() || !kvm_irqchip_is_in_kernel()) {
        error_setg(errp, "%s: the in-kernel irqchip is not in use", what);
        return false;
    }
    ret = kvm_vm_ioctl(kvm_state, type, arg);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "%s failed", what);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* PIC                                                                 */

OBJECT_DECLARE_SIMPLE_TYPE(KVMPICState, KVM_I8259)

struct KVMPICState {
    DeviceState parent_obj;
    bool master;
    struct kvm_pic_state pic;
};

static bool kvm_pic_pre_save(void *opaque, Error **errp)
{
    KVMPICState *s = opaque;
    struct kvm_irqchip chip = {
        .chip_id = s->master ? KVM_IRQCHIP_PIC_MASTER : KVM_IRQCHIP_PIC_SLAVE,
    };

    if (!irqchip_ioctl(KVM_GET_IRQCHIP, &chip, "KVM_GET_IRQCHIP (PIC)",
                       errp)) {
        return false;
    }
    s->pic = chip.chip.pic;
    return true;
}

static bool kvm_pic_post_load(void *opaque, int version_id, Error **errp)
{
    KVMPICState *s = opaque;
    struct kvm_irqchip chip = {
        .chip_id = s->master ? KVM_IRQCHIP_PIC_MASTER : KVM_IRQCHIP_PIC_SLAVE,
    };

    chip.chip.pic = s->pic;
    return irqchip_ioctl(KVM_SET_IRQCHIP, &chip, "KVM_SET_IRQCHIP (PIC)",
                         errp);
}

static const VMStateDescription vmstate_kvm_pic = {
    .name = "i8259",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save_errp = kvm_pic_pre_save,
    .post_load_errp = kvm_pic_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8(pic.last_irr, KVMPICState),
        VMSTATE_UINT8(pic.irr, KVMPICState),
        VMSTATE_UINT8(pic.imr, KVMPICState),
        VMSTATE_UINT8(pic.isr, KVMPICState),
        VMSTATE_UINT8(pic.priority_add, KVMPICState),
        VMSTATE_UINT8(pic.irq_base, KVMPICState),
        VMSTATE_UINT8(pic.read_reg_select, KVMPICState),
        VMSTATE_UINT8(pic.poll, KVMPICState),
        VMSTATE_UINT8(pic.special_mask, KVMPICState),
        VMSTATE_UINT8(pic.init_state, KVMPICState),
        VMSTATE_UINT8(pic.auto_eoi, KVMPICState),
        VMSTATE_UINT8(pic.rotate_on_auto_eoi, KVMPICState),
        VMSTATE_UINT8(pic.special_fully_nested_mode, KVMPICState),
        VMSTATE_UINT8(pic.init4, KVMPICState),
        VMSTATE_UINT8(pic.elcr, KVMPICState),
        VMSTATE_UINT8(pic.elcr_mask, KVMPICState),
        VMSTATE_END_OF_LIST()
    },
};

static const Property kvm_pic_props[] = {
    DEFINE_PROP_BOOL("master", KVMPICState, master, true),
};

static void kvm_pic_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->vmsd = &vmstate_kvm_pic;
    dc->desc = "In-kernel 8259 PIC (state only)";
    /* An ISA device: QEMU's ISA bus cannot hot-plug. */
    dc->hotpluggable = false;
    /* Board state: the tern machine creates the one there is. */
    dc->user_creatable = false;
    device_class_set_props(dc, kvm_pic_props);
}

/* ------------------------------------------------------------------ */
/* IOAPIC                                                              */

OBJECT_DECLARE_SIMPLE_TYPE(KVMIOAPICState, KVM_IOAPIC)

struct KVMIOAPICState {
    DeviceState parent_obj;
    uint64_t base_address;
    uint32_t ioregsel;
    uint32_t id;
    uint32_t irr;
    uint64_t redirtbl[KVM_IOAPIC_NUM_PINS];
};

static bool kvm_ioapic_pre_save(void *opaque, Error **errp)
{
    KVMIOAPICState *s = opaque;
    struct kvm_irqchip chip = { .chip_id = KVM_IRQCHIP_IOAPIC };
    struct kvm_ioapic_state *k = &chip.chip.ioapic;

    if (!irqchip_ioctl(KVM_GET_IRQCHIP, &chip, "KVM_GET_IRQCHIP (IOAPIC)",
                       errp)) {
        return false;
    }
    s->base_address = k->base_address;
    s->ioregsel = k->ioregsel;
    s->id = k->id;
    s->irr = k->irr;
    for (int i = 0; i < KVM_IOAPIC_NUM_PINS; i++) {
        s->redirtbl[i] = k->redirtbl[i].bits;
    }
    return true;
}

static bool kvm_ioapic_post_load(void *opaque, int version_id,
                                 Error **errp)
{
    KVMIOAPICState *s = opaque;
    struct kvm_irqchip chip = { .chip_id = KVM_IRQCHIP_IOAPIC };
    struct kvm_ioapic_state *k = &chip.chip.ioapic;

    k->base_address = s->base_address;
    k->ioregsel = s->ioregsel;
    k->id = s->id;
    k->irr = s->irr;
    for (int i = 0; i < KVM_IOAPIC_NUM_PINS; i++) {
        k->redirtbl[i].bits = s->redirtbl[i];
    }
    return irqchip_ioctl(KVM_SET_IRQCHIP, &chip, "KVM_SET_IRQCHIP (IOAPIC)",
                         errp);
}

static const VMStateDescription vmstate_kvm_ioapic = {
    .name = "ioapic",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save_errp = kvm_ioapic_pre_save,
    .post_load_errp = kvm_ioapic_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT64(base_address, KVMIOAPICState),
        VMSTATE_UINT32(id, KVMIOAPICState),
        VMSTATE_UINT32(ioregsel, KVMIOAPICState),
        VMSTATE_UINT32(irr, KVMIOAPICState),
        VMSTATE_UINT64_ARRAY(redirtbl, KVMIOAPICState, KVM_IOAPIC_NUM_PINS),
        VMSTATE_END_OF_LIST()
    },
};

static void kvm_ioapic_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->vmsd = &vmstate_kvm_ioapic;
    dc->desc = "In-kernel IOAPIC (state only)";
    /* An ISA device: QEMU's ISA bus cannot hot-plug. */
    dc->hotpluggable = false;
    /* Board state: the tern machine creates the one there is. */
    dc->user_creatable = false;
}

/* ------------------------------------------------------------------ */
/* PIT                                                                 */

/* One 8254 channel: hw/timer/i8254.h, shared with the userspace PIT. */
typedef PITChannelState KVMPITChannel;

OBJECT_DECLARE_SIMPLE_TYPE(KVMPITState, KVM_PIT)

struct KVMPITState {
    DeviceState parent_obj;
    KVMPITChannel channels[3];
    uint32_t flags;
};

/*
 * KVM keeps count_load_time in host monotonic time, which means nothing
 * on another host: the stream carries it on the guest's kvmclock, whose
 * value migrates.  Returns kvmclock - host monotonic, in ns.
 */
static bool pit_clock_offset(int64_t *offset, Error **errp)
{
    uint64_t clock;

    if (!kvm_get_clock(kvm_state, &clock, errp)) {
        return false;
    }
    *offset = (int64_t)clock - (int64_t)g_get_monotonic_time() * 1000;
    return true;
}

static bool kvm_pit_pre_save(void *opaque, Error **errp)
{
    KVMPITState *s = opaque;
    struct kvm_pit_state2 k = { 0 };
    int64_t offset;

    if (!kvm_pit_is_in_kernel()) {
        error_setg(errp, "KVM_GET_PIT2: the in-kernel PIT is not in use");
        return false;
    }
    if (!irqchip_ioctl(KVM_GET_PIT2, &k, "KVM_GET_PIT2", errp) ||
        !pit_clock_offset(&offset, errp)) {
        return false;
    }
    for (int i = 0; i < 3; i++) {
        struct kvm_pit_channel_state *c = &k.channels[i];

        s->channels[i] = (KVMPITChannel) {
            .count = c->count, .latched_count = c->latched_count,
            .count_latched = c->count_latched,
            .status_latched = c->status_latched, .status = c->status,
            .read_state = c->read_state, .write_state = c->write_state,
            .write_latch = c->write_latch, .rw_mode = c->rw_mode,
            .mode = c->mode, .bcd = c->bcd, .gate = c->gate,
            .count_load_time = c->count_load_time + offset,
        };
    }
    s->flags = k.flags;
    return true;
}

static bool kvm_pit_post_load(void *opaque, int version_id, Error **errp)
{
    KVMPITState *s = opaque;
    struct kvm_pit_state2 k = { 0 };
    int64_t offset;

    if (!kvm_pit_is_in_kernel()) {
        error_setg(errp, "KVM_SET_PIT2: the in-kernel PIT is not in use");
        return false;
    }
    if (!pit_clock_offset(&offset, errp)) {
        return false;
    }
    for (int i = 0; i < 3; i++) {
        const KVMPITChannel *c = &s->channels[i];

        k.channels[i] = (struct kvm_pit_channel_state) {
            .count = c->count, .latched_count = c->latched_count,
            .count_latched = c->count_latched,
            .status_latched = c->status_latched, .status = c->status,
            .read_state = c->read_state, .write_state = c->write_state,
            .write_latch = c->write_latch, .rw_mode = c->rw_mode,
            .mode = c->mode, .bcd = c->bcd, .gate = c->gate,
            .count_load_time = c->count_load_time - offset,
        };
    }
    k.flags = s->flags;
    return irqchip_ioctl(KVM_SET_PIT2, &k, "KVM_SET_PIT2", errp);
}

static const VMStateDescription vmstate_kvm_pit = {
    .name = "i8254",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save_errp = kvm_pit_pre_save,
    .post_load_errp = kvm_pit_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(flags, KVMPITState),
        VMSTATE_STRUCT_ARRAY(channels, KVMPITState, 3, 1,
                             vmstate_pit_channel, KVMPITChannel),
        VMSTATE_END_OF_LIST()
    },
};

static void kvm_pit_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->vmsd = &vmstate_kvm_pit;
    dc->desc = "In-kernel 8254 PIT (state only)";
    /* An ISA device: QEMU's ISA bus cannot hot-plug. */
    dc->hotpluggable = false;
    /* Board state: the tern machine creates the one there is. */
    dc->user_creatable = false;
}

static const TypeInfo kvm_irqchip_types[] = {
    {
        .name = TYPE_KVM_I8259,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(KVMPICState),
        .class_init = kvm_pic_class_init,
    }, {
        .name = TYPE_KVM_IOAPIC,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(KVMIOAPICState),
        .class_init = kvm_ioapic_class_init,
    }, {
        .name = TYPE_KVM_PIT,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(KVMPITState),
        .class_init = kvm_pit_class_init,
    },
};

DEFINE_TYPES(kvm_irqchip_types)

#endif /* CONFIG_KVM */
