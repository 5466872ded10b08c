/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Conventional PCI: the bus ("PCI", named "pci.0" on the tern machine),
 * the abstract device with its 256-byte configuration space, BARs that
 * the memory API maps when the guest enables decoding, INTx lines routed
 * by the host bridge, and DMA through guest memory.  hw/pci/pci.c
 * implements it; docs/devel/pci.md describes the design.
 */
#ifndef HW_PCI_PCI_H
#define HW_PCI_PCI_H

#include <linux/pci_regs.h>
#include "hw/qdev-core.h"
#include "system/memory.h"

#define TYPE_PCI_BUS    "PCI"
#define TYPE_PCI_DEVICE "pci-device"
OBJECT_DECLARE_TYPE(PCIDevice, PCIDeviceClass, PCI_DEVICE)
OBJECT_DECLARE_SIMPLE_TYPE(PCIBus, PCI_BUS)

typedef uint64_t pcibus_t;

#define PCI_CONFIG_SPACE_SIZE 0x100
#define PCI_NUM_PINS          4
#define PCI_ROM_SLOT          6
#define PCI_NUM_REGIONS       7
#define PCI_BAR_UNMAPPED      (~(pcibus_t)0)
#define PCI_DEVFN(slot, func) ((((slot) & 0x1f) << 3) | ((func) & 0x07))
#define PCI_SLOT(devfn)       (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)       ((devfn) & 0x07)

/* Vendor and device ids used in Tern. */
#define PCI_VENDOR_ID_INTEL         0x8086
#define PCI_VENDOR_ID_REDHAT        0x1b36
#define PCI_DEVICE_ID_REDHAT_PCIE_HOST 0x0008
#define PCI_CLASS_BRIDGE_HOST       0x0600
#define PCI_CLASS_NETWORK_ETHERNET  0x0200
#define PCI_CLASS_DISPLAY_OTHER     0x0380

typedef struct PCIIORegion {
    pcibus_t addr;              /* where it is mapped, or PCI_BAR_UNMAPPED */
    pcibus_t size;
    uint8_t type;               /* PCI_BASE_ADDRESS_SPACE_IO / MEM_* bits */
    MemoryRegion *memory;
    MemoryRegion *address_space;
} PCIIORegion;

struct PCIDeviceClass {
    DeviceClass parent_class;

    void (*realize)(PCIDevice *dev, Error **errp);
    void (*exit)(PCIDevice *dev);
    /* Optional: default is pci_default_{read,write}_config. */
    uint32_t (*config_read)(PCIDevice *dev, uint32_t addr, int len);
    void (*config_write)(PCIDevice *dev, uint32_t addr, uint32_t val,
                         int len);

    uint16_t vendor_id;
    uint16_t device_id;
    uint8_t revision;
    uint16_t class_id;
    uint16_t subsystem_vendor_id;
    uint16_t subsystem_id;
};

struct PCIDevice {
    DeviceState qdev;

    uint8_t config[PCI_CONFIG_SPACE_SIZE];
    /* Bits compared on load (read-only ones), writable, write-1-to-clear. */
    uint8_t cmask[PCI_CONFIG_SPACE_SIZE];
    uint8_t wmask[PCI_CONFIG_SPACE_SIZE];
    uint8_t w1cmask[PCI_CONFIG_SPACE_SIZE];

    int32_t devfn;              /* "addr": -1 picks the first free slot */
    PCIBus *bus;
    PCIIORegion io_regions[PCI_NUM_REGIONS];
    /* Bit n set: pin n is asserted by the device. */
    int32_t irq_state;

    /* Migration staging: loaded here, checked, then applied. */
    int32_t version_id;
    uint8_t vmstate_config[PCI_CONFIG_SPACE_SIZE];
    int32_t vmstate_irq[PCI_NUM_PINS];
};

/* Route pin @pin (0 = INTA) of @dev to one of the host's @nirq lines. */
typedef int (*pci_map_irq_fn)(PCIDevice *dev, int pin);
/* Drive host line @irq to @level. */
typedef void (*pci_set_irq_fn)(void *opaque, int irq, int level);

#define PCI_BUS_MAX_IRQS 4

struct PCIBus {
    BusState qbus;

    PCIDevice *devices[256];
    MemoryRegion *address_space_mem;
    MemoryRegion *address_space_io;
    pci_map_irq_fn map_irq;
    pci_set_irq_fn set_irq;
    void *irq_opaque;
    /* How many asserted pins drive each host line (they are shared). */
    int irq_count[PCI_BUS_MAX_IRQS];
    /* Host line number shown in query-pci for each routed line. */
    int irq_line[PCI_BUS_MAX_IRQS];
};

/* The root bus called @name under @parent, BARs mapped into @mem/@io. */
PCIBus *pci_root_bus_new(DeviceState *parent, const char *name,
                         MemoryRegion *mem, MemoryRegion *io);
void pci_bus_irqs(PCIBus *bus, pci_set_irq_fn set_irq, pci_map_irq_fn map,
                  void *opaque, const int irq_line[PCI_BUS_MAX_IRQS]);
/* Every PCI bus (query-pci); the tern machine has one. */
PCIBus *pci_root_bus_first(void);
/* Reset every device on @bus (config registers, BARs, lines, device). */
void pci_bus_reset(PCIBus *bus);

/* A configuration cycle of @len (1, 2, 4) bytes to @bus's @devfn. */
uint32_t pci_bus_config_read(PCIBus *bus, uint8_t devfn, uint32_t addr,
                             int len);
void pci_bus_config_write(PCIBus *bus, uint8_t devfn, uint32_t addr,
                          uint32_t val, int len);

uint32_t pci_default_read_config(PCIDevice *dev, uint32_t addr, int len);
void pci_default_write_config(PCIDevice *dev, uint32_t addr, uint32_t val,
                              int len);

/* BAR @n of @type (PCI_BASE_ADDRESS_* bits) decoding @mr. */
void pci_register_bar(PCIDevice *dev, int n, uint8_t type,
                      MemoryRegion *mr);
pcibus_t pci_get_bar_addr(PCIDevice *dev, int n);

/* Assert or release the device's interrupt pin (PCI_INTERRUPT_PIN). */
void pci_set_irq(PCIDevice *dev, int level);
/* The host line the device's pin reaches (-1 without a pin). */
int pci_get_host_irq(PCIDevice *dev);

/* Bus-master DMA; fails (MEMTX_ERROR) while bus mastering is off. */
MemTxResult pci_dma_rw(PCIDevice *dev, uint64_t addr, void *buf,
                       uint64_t len, bool is_write);
static inline MemTxResult pci_dma_read(PCIDevice *dev, uint64_t addr,
                                       void *buf, uint64_t len)
{
    return pci_dma_rw(dev, addr, buf, len, false);
}
static inline MemTxResult pci_dma_write(PCIDevice *dev, uint64_t addr,
                                        const void *buf, uint64_t len)
{
    return pci_dma_rw(dev, addr, (void *)buf, len, true);
}

static inline void pci_set_word(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static inline uint16_t pci_get_word(const uint8_t *p)
{
    return p[0] | (p[1] << 8);
}

static inline void pci_set_long(uint8_t *p, uint32_t v)
{
    pci_set_word(p, v);
    pci_set_word(p + 2, v >> 16);
}

static inline uint32_t pci_get_long(const uint8_t *p)
{
    return pci_get_word(p) | ((uint32_t)pci_get_word(p + 2) << 16);
}

/* "Ethernet controller" etc. for a class code, or NULL. */
const char *pci_class_desc(uint16_t class_id);

extern const VMStateDescription vmstate_pci_device;
#define VMSTATE_PCI_DEVICE(_field, _state) \
    VMSTATE_STRUCT(_field, _state, 0, vmstate_pci_device, PCIDevice)

#endif /* HW_PCI_PCI_H */
