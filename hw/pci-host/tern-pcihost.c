/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "tern-pcihost": the tern machine's PCI host bridge.  Configuration
 * mechanism #1 (address register at 0xcf8, data at 0xcfc-0xcff), root
 * bus "pci.0" whose memory BARs live in a container under system memory
 * and whose I/O BARs live in one under the I/O space (both below RAM and
 * the ISA devices, as on a PC), and INTx routed to four ISA lines.  The
 * bridge function itself is "tern-host-bridge" at 00.0.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/i386/tern.h"
#include "hw/pci/pci.h"
#include "hw/pci-host/tern-pcihost.h"
#include "migration/vmstate.h"
#include "system/reset.h"

OBJECT_DECLARE_SIMPLE_TYPE(TernPCIHostState, TERN_PCIHOST)

struct TernPCIHostState {
    DeviceState parent_obj;

    uint32_t config_reg;
    PCIBus *bus;
    MemoryRegion pci_mem;
    MemoryRegion pci_io;
    MemoryRegion conf_mem;
    MemoryRegion data_mem;
};

/* INTA-D of slot 0 reach these lines; each further slot rotates them. */
static const int tern_pci_irqs[PCI_BUS_MAX_IRQS] = { 10, 10, 11, 11 };

static int tern_pci_map_irq(PCIDevice *dev, int pin)
{
    return (PCI_SLOT(dev->devfn) + pin) % PCI_BUS_MAX_IRQS;
}

static void tern_pci_set_irq(void *opaque, int irq, int level)
{
    PCIBus *bus = opaque;
    int line = tern_pci_irqs[irq];
    int total = 0;

    /* Two of the four routed lines share each ISA line. */
    for (int i = 0; i < PCI_BUS_MAX_IRQS; i++) {
        if (tern_pci_irqs[i] == line) {
            total += bus->irq_count[i];
        }
    }
    tern_isa_set_irq(line, total != 0);
}

static uint64_t conf_read(void *opaque, hwaddr addr, unsigned size)
{
    TernPCIHostState *s = opaque;

    return size == 4 ? s->config_reg : ~0ULL;
}

static void conf_write(void *opaque, hwaddr addr, uint64_t val,
                       unsigned size)
{
    TernPCIHostState *s = opaque;

    /* Only a 32-bit write at 0xcf8 sets the address (mechanism #1). */
    if (addr == 0 && size == 4) {
        s->config_reg = val;
    }
}

static const MemoryRegionOps conf_ops = {
    .read = conf_read,
    .write = conf_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
};

static bool data_decode(TernPCIHostState *s, hwaddr port, uint8_t *devfn,
                        uint32_t *addr)
{
    if (!(s->config_reg & (1u << 31)) || ((s->config_reg >> 16) & 0xff)) {
        /* Disabled, or a bus behind a bridge Tern does not have. */
        return false;
    }
    *devfn = (s->config_reg >> 8) & 0xff;
    *addr = (s->config_reg & 0xfc) | (port & 3);
    return true;
}

static uint64_t data_read(void *opaque, hwaddr port, unsigned size)
{
    TernPCIHostState *s = opaque;
    uint8_t devfn;
    uint32_t addr;

    if (!data_decode(s, port, &devfn, &addr)) {
        return ~0ULL;
    }
    return pci_bus_config_read(s->bus, devfn, addr, size);
}

static void data_write(void *opaque, hwaddr port, uint64_t val,
                       unsigned size)
{
    TernPCIHostState *s = opaque;
    uint8_t devfn;
    uint32_t addr;

    if (data_decode(s, port, &devfn, &addr)) {
        pci_bus_config_write(s->bus, devfn, addr, val, size);
    }
}

static const MemoryRegionOps data_ops = {
    .read = data_read,
    .write = data_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static void tern_pcihost_reset(void *opaque)
{
    TernPCIHostState *s = opaque;

    s->config_reg = 0;
    pci_bus_reset(s->bus);
}

static void tern_pcihost_realize(DeviceState *dev, Error **errp)
{
    TernPCIHostState *s = TERN_PCIHOST(dev);
    DeviceState *bridge;

    memory_region_init(&s->pci_mem, OBJECT(s), "pci-memory", UINT64_MAX);
    memory_region_add_subregion_overlap(get_system_memory(), 0, &s->pci_mem,
                                        -1);
    memory_region_init(&s->pci_io, OBJECT(s), "pci-io", 0x10000);
    memory_region_add_subregion_overlap(get_system_io(), 0, &s->pci_io, -1);
    memory_region_init_io(&s->conf_mem, OBJECT(s), &conf_ops, s,
                          "pci-conf-idx", 4);
    tern_isa_register_ioport(&s->conf_mem, 0xcf8);
    memory_region_init_io(&s->data_mem, OBJECT(s), &data_ops, s,
                          "pci-conf-data", 4);
    tern_isa_register_ioport(&s->data_mem, 0xcfc);

    s->bus = pci_root_bus_new(dev, "pci.0", &s->pci_mem, &s->pci_io);
    pci_bus_irqs(s->bus, tern_pci_set_irq, tern_pci_map_irq, s->bus,
                 tern_pci_irqs);

    bridge = qdev_new(TYPE_TERN_HOST_BRIDGE);
    PCI_DEVICE(bridge)->devfn = PCI_DEVFN(0, 0);
    object_property_add_child(OBJECT(s), "host-bridge", OBJECT(bridge));
    if (!qdev_realize_and_unref(bridge, BUS(s->bus), errp)) {
        return;
    }
    qemu_register_reset(tern_pcihost_reset, s);
}

static const VMStateDescription vmstate_tern_pcihost = {
    .name = "tern-pcihost",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(config_reg, TernPCIHostState),
        VMSTATE_END_OF_LIST()
    },
};

static void tern_pcihost_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = tern_pcihost_realize;
    dc->vmsd = &vmstate_tern_pcihost;
    dc->desc = "Tern PCI host bridge (configuration mechanism #1)";
    dc->user_creatable = false;
    dc->hotpluggable = false;
}

/* ------------------------------------------------------------------ */
/* The bridge's own PCI function at 00.0                               */

typedef struct TernHostBridgeState {
    PCIDevice parent_obj;
} TernHostBridgeState;

static const VMStateDescription vmstate_tern_host_bridge = {
    .name = "tern-host-bridge",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_PCI_DEVICE(parent_obj, TernHostBridgeState),
        VMSTATE_END_OF_LIST()
    },
};

static void tern_host_bridge_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    /* A generic host bridge identity: no chipset registers behind it. */
    pc->vendor_id = PCI_VENDOR_ID_REDHAT;
    pc->device_id = PCI_DEVICE_ID_REDHAT_PCIE_HOST;
    pc->class_id = PCI_CLASS_BRIDGE_HOST;
    dc->vmsd = &vmstate_tern_host_bridge;
    dc->desc = "Tern host bridge";
    dc->user_creatable = false;
    dc->hotpluggable = false;
}

static const TypeInfo tern_pcihost_types[] = {
    {
        .name = TYPE_TERN_PCIHOST,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(TernPCIHostState),
        .class_init = tern_pcihost_class_init,
    }, {
        .name = TYPE_TERN_HOST_BRIDGE,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(TernHostBridgeState),
        .class_init = tern_host_bridge_class_init,
    },
};

DEFINE_TYPES(tern_pcihost_types)
