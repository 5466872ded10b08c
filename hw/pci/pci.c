/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Conventional PCI: the bus and the abstract device.  The configuration
 * space is 256 bytes with a write mask (what the guest may change), a
 * write-1-to-clear mask (status bits) and a compare mask (the read-only
 * identity that must match on migration).  A BAR write or a COMMAND
 * write re-evaluates every BAR and moves its MemoryRegion into or out
 * of the bus's memory or I/O space.  INTx pins are counted per host line
 * because several devices share one.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/pci/pci.h"
#include "hw/qdev-properties.h"
#include "migration/qemu-file.h"
#include "migration/vmstate.h"
#include "hw/pci/trace.h"
#include "qapi/visitor.h"
#include "qemu/bswap.h"

static PCIBus *root_bus;

static bool ranges_overlap(uint32_t a, uint32_t alen, uint32_t b,
                           uint32_t blen)
{
    return a < b + blen && b < a + alen;
}

/* ------------------------------------------------------------------ */
/* Bus                                                                 */

static char *pci_bus_get_dev_path(DeviceState *dev)
{
    PCIDevice *d = PCI_DEVICE(dev);

    /* QEMU's form: domain:bus:slot.function. */
    return g_strdup_printf("0000:00:%02x.%x", PCI_SLOT(d->devfn),
                           PCI_FUNC(d->devfn));
}

static void pci_bus_class_init(ObjectClass *oc, const void *data)
{
    BUS_CLASS(oc)->get_dev_path = pci_bus_get_dev_path;
}

PCIBus *pci_root_bus_new(DeviceState *parent, const char *name,
                         MemoryRegion *mem, MemoryRegion *io)
{
    PCIBus *bus = g_new0(PCIBus, 1);

    qbus_init(bus, sizeof(*bus), TYPE_PCI_BUS, parent, name);
    bus->address_space_mem = mem;
    bus->address_space_io = io;
    /* The tern host bridge has no hotplug controller. */
    bus->qbus.hotpluggable = false;
    if (!root_bus) {
        root_bus = bus;
    }
    return bus;
}

PCIBus *pci_root_bus_first(void)
{
    return root_bus;
}

void pci_bus_irqs(PCIBus *bus, pci_set_irq_fn set_irq, pci_map_irq_fn map,
                  void *opaque, const int irq_line[PCI_BUS_MAX_IRQS])
{
    bus->set_irq = set_irq;
    bus->map_irq = map;
    bus->irq_opaque = opaque;
    memcpy(bus->irq_line, irq_line, sizeof(bus->irq_line));
}

/* ------------------------------------------------------------------ */
/* Interrupts                                                          */

static int pci_intx(PCIDevice *dev)
{
    return dev->config[PCI_INTERRUPT_PIN] - 1;
}

static bool pci_irq_disabled(PCIDevice *dev)
{
    return pci_get_word(dev->config + PCI_COMMAND) &
           PCI_COMMAND_INTX_DISABLE;
}

/* Add @change (+1/-1) to the count of the host line behind @pin. */
static void pci_bus_change_irq(PCIDevice *dev, int pin, int change)
{
    PCIBus *bus = dev->bus;
    int irq;

    if (!bus || !bus->map_irq) {
        return;
    }
    irq = bus->map_irq(dev, pin);
    assert(irq >= 0 && irq < PCI_BUS_MAX_IRQS);
    bus->irq_count[irq] += change;
    assert(bus->irq_count[irq] >= 0);
    trace_pci_irq(PCI_SLOT(dev->devfn), pin, irq, bus->irq_count[irq]);
    bus->set_irq(bus->irq_opaque, irq, bus->irq_count[irq] != 0);
}

static void pci_update_status_int(PCIDevice *dev)
{
    if (dev->irq_state) {
        dev->config[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
    } else {
        dev->config[PCI_STATUS] &= ~PCI_STATUS_INTERRUPT;
    }
}

void pci_set_irq(PCIDevice *dev, int level)
{
    int pin = pci_intx(dev);
    int old;

    if (pin < 0 || pin >= PCI_NUM_PINS) {
        return;
    }
    old = (dev->irq_state >> pin) & 1;
    level = !!level;
    if (old == level) {
        return;
    }
    dev->irq_state ^= 1 << pin;
    pci_update_status_int(dev);
    if (!pci_irq_disabled(dev)) {
        pci_bus_change_irq(dev, pin, level - old);
    }
}

int pci_get_host_irq(PCIDevice *dev)
{
    int pin = pci_intx(dev);

    if (pin < 0 || pin >= PCI_NUM_PINS || !dev->bus || !dev->bus->map_irq) {
        return -1;
    }
    return dev->bus->irq_line[dev->bus->map_irq(dev, pin)];
}

/* Withdraw (or restore) the device's asserted pins from the bus. */
static void pci_irq_propagate(PCIDevice *dev, int sign)
{
    for (int pin = 0; pin < PCI_NUM_PINS; pin++) {
        if (dev->irq_state & (1 << pin)) {
            pci_bus_change_irq(dev, pin, sign);
        }
    }
}

/* ------------------------------------------------------------------ */
/* BARs                                                                */

void pci_register_bar(PCIDevice *dev, int n, uint8_t type, MemoryRegion *mr)
{
    PCIIORegion *r = &dev->io_regions[n];
    pcibus_t size = memory_region_size(mr);
    int off = PCI_BASE_ADDRESS_0 + n * 4;
    uint64_t wmask;

    assert(n >= 0 && n < PCI_ROM_SLOT);
    assert(size && !(size & (size - 1)));
    r->addr = PCI_BAR_UNMAPPED;
    r->size = size;
    r->type = type;
    r->memory = mr;
    r->address_space = (type & PCI_BASE_ADDRESS_SPACE_IO)
                       ? dev->bus->address_space_io
                       : dev->bus->address_space_mem;
    wmask = ~(size - 1);
    pci_set_long(dev->config + off, type);
    if (type & PCI_BASE_ADDRESS_MEM_TYPE_64) {
        pci_set_long(dev->wmask + off, wmask & 0xffffffff);
        pci_set_long(dev->cmask + off, 0xffffffff);
        pci_set_long(dev->wmask + off + 4, wmask >> 32);
        pci_set_long(dev->cmask + off + 4, 0xffffffff);
    } else {
        pci_set_long(dev->wmask + off, wmask & 0xffffffff);
        pci_set_long(dev->cmask + off, 0xffffffff);
    }
}

pcibus_t pci_get_bar_addr(PCIDevice *dev, int n)
{
    return dev->io_regions[n].addr;
}

/* Where BAR @n decodes now, or PCI_BAR_UNMAPPED. */
static pcibus_t pci_bar_address(PCIDevice *dev, int n)
{
    PCIIORegion *r = &dev->io_regions[n];
    uint16_t cmd = pci_get_word(dev->config + PCI_COMMAND);
    int off = PCI_BASE_ADDRESS_0 + n * 4;
    pcibus_t addr, last;

    if (r->type & PCI_BASE_ADDRESS_SPACE_IO) {
        if (!(cmd & PCI_COMMAND_IO)) {
            return PCI_BAR_UNMAPPED;
        }
        addr = pci_get_long(dev->config + off) & ~(r->size - 1);
        last = addr + r->size - 1;
        /* Port 0 is never decoded; I/O space ends at 64 KiB. */
        if (addr == 0 || last <= addr || last > 0xffff) {
            return PCI_BAR_UNMAPPED;
        }
        return addr;
    }
    if (!(cmd & PCI_COMMAND_MEMORY)) {
        return PCI_BAR_UNMAPPED;
    }
    addr = pci_get_long(dev->config + off) & ~(uint64_t)(r->size - 1);
    if (r->type & PCI_BASE_ADDRESS_MEM_TYPE_64) {
        addr |= (uint64_t)pci_get_long(dev->config + off + 4) << 32;
        addr &= ~(r->size - 1);
    }
    addr &= ~(pcibus_t)0xf;
    last = addr + r->size - 1;
    /* A BAR left at 0 or still sizing (all ones) is not decoded. */
    if (addr == 0 || last <= addr ||
        (!(r->type & PCI_BASE_ADDRESS_MEM_TYPE_64) && last >= UINT32_MAX) ||
        last == PCI_BAR_UNMAPPED) {
        return PCI_BAR_UNMAPPED;
    }
    return addr;
}

static void pci_update_mappings(PCIDevice *dev)
{
    memory_region_transaction_begin();
    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        PCIIORegion *r = &dev->io_regions[i];
        pcibus_t addr;

        if (!r->size) {
            continue;
        }
        addr = pci_bar_address(dev, i);
        if (addr == r->addr) {
            continue;
        }
        if (r->addr != PCI_BAR_UNMAPPED) {
            memory_region_del_subregion(r->address_space, r->memory);
        }
        r->addr = addr;
        if (addr != PCI_BAR_UNMAPPED) {
            memory_region_add_subregion_overlap(r->address_space, addr,
                                                r->memory, 1);
        }
        trace_pci_update_mappings(PCI_SLOT(dev->devfn), PCI_FUNC(dev->devfn),
                                  i, addr);
    }
    memory_region_transaction_commit();
}

/* ------------------------------------------------------------------ */
/* Configuration space                                                 */

uint32_t pci_default_read_config(PCIDevice *dev, uint32_t addr, int len)
{
    uint32_t val = 0;

    memcpy(&val, dev->config + addr, len);
    return le32_to_cpu(val);
}

void pci_default_write_config(PCIDevice *dev, uint32_t addr, uint32_t val,
                              int len)
{
    bool was_disabled = pci_irq_disabled(dev);

    for (int i = 0; i < len; i++) {
        uint8_t b = val >> (i * 8);
        uint8_t wm = dev->wmask[addr + i];
        uint8_t w1c = dev->w1cmask[addr + i];

        dev->config[addr + i] = (dev->config[addr + i] & ~wm) | (b & wm);
        dev->config[addr + i] &= ~(b & w1c);
    }
    if (ranges_overlap(addr, len, PCI_BASE_ADDRESS_0, 24) ||
        ranges_overlap(addr, len, PCI_COMMAND, 1)) {
        pci_update_mappings(dev);
    }
    if (was_disabled != pci_irq_disabled(dev)) {
        pci_irq_propagate(dev, was_disabled ? 1 : -1);
    }
}

static PCIDevice *pci_bus_device(PCIBus *bus, uint8_t devfn)
{
    return bus ? bus->devices[devfn] : NULL;
}

uint32_t pci_bus_config_read(PCIBus *bus, uint8_t devfn, uint32_t addr,
                             int len)
{
    PCIDevice *dev = pci_bus_device(bus, devfn);
    PCIDeviceClass *pc;
    uint32_t val;

    if (!dev || addr + len > PCI_CONFIG_SPACE_SIZE) {
        /* Master abort: nothing answers, the host reads all ones. */
        return len == 4 ? 0xffffffff : (1u << (len * 8)) - 1;
    }
    pc = PCI_DEVICE_GET_CLASS(dev);
    val = pc->config_read ? pc->config_read(dev, addr, len)
                          : pci_default_read_config(dev, addr, len);
    trace_pci_cfg_read(PCI_SLOT(devfn), PCI_FUNC(devfn), addr, len, val);
    return val;
}

void pci_bus_config_write(PCIBus *bus, uint8_t devfn, uint32_t addr,
                          uint32_t val, int len)
{
    PCIDevice *dev = pci_bus_device(bus, devfn);
    PCIDeviceClass *pc;

    if (!dev || addr + len > PCI_CONFIG_SPACE_SIZE) {
        return;
    }
    trace_pci_cfg_write(PCI_SLOT(devfn), PCI_FUNC(devfn), addr, len, val);
    pc = PCI_DEVICE_GET_CLASS(dev);
    if (pc->config_write) {
        pc->config_write(dev, addr, val, len);
    } else {
        pci_default_write_config(dev, addr, val, len);
    }
}

/* ------------------------------------------------------------------ */
/* Reset                                                               */

static void pci_device_reset(PCIDevice *dev)
{
    uint16_t cmd_clear = pci_get_word(dev->wmask + PCI_COMMAND) |
                         pci_get_word(dev->w1cmask + PCI_COMMAND);
    uint16_t sta_clear = pci_get_word(dev->wmask + PCI_STATUS) |
                         pci_get_word(dev->w1cmask + PCI_STATUS);
    int host_irq;

    pci_irq_propagate(dev, pci_irq_disabled(dev) ? 0 : -1);
    dev->irq_state = 0;
    pci_set_word(dev->config + PCI_COMMAND,
                 pci_get_word(dev->config + PCI_COMMAND) & ~cmd_clear);
    pci_set_word(dev->config + PCI_STATUS,
                 pci_get_word(dev->config + PCI_STATUS) & ~sta_clear);
    pci_update_status_int(dev);
    dev->config[PCI_CACHE_LINE_SIZE] = 0;
    for (int i = 0; i < PCI_ROM_SLOT; i++) {
        PCIIORegion *r = &dev->io_regions[i];
        int off = PCI_BASE_ADDRESS_0 + i * 4;

        if (!r->size) {
            continue;
        }
        pci_set_long(dev->config + off, r->type);
        if (r->type & PCI_BASE_ADDRESS_MEM_TYPE_64) {
            pci_set_long(dev->config + off + 4, 0);
        }
    }
    pci_update_mappings(dev);
    /*
     * Tern has no firmware to program the interrupt line: the bridge
     * writes the routed ISA line, as a PC BIOS would.
     */
    host_irq = pci_get_host_irq(dev);
    dev->config[PCI_INTERRUPT_LINE] = host_irq >= 0 ? host_irq : 0;
    device_cold_reset(DEVICE(dev));
}

void pci_bus_reset(PCIBus *bus)
{
    for (int devfn = 0; devfn < 256; devfn++) {
        if (bus->devices[devfn]) {
            pci_device_reset(bus->devices[devfn]);
        }
    }
}

/* ------------------------------------------------------------------ */
/* DMA                                                                 */

MemTxResult pci_dma_rw(PCIDevice *dev, uint64_t addr, void *buf,
                       uint64_t len, bool is_write)
{
    if (!(pci_get_word(dev->config + PCI_COMMAND) & PCI_COMMAND_MASTER)) {
        /* With bus mastering off the device cannot reach memory. */
        if (!is_write) {
            memset(buf, 0xff, len);
        }
        return MEMTX_ERROR;
    }
    return address_space_rw(&address_space_memory, addr,
                            MEMTXATTRS_UNSPECIFIED, buf, len, is_write);
}

/* ------------------------------------------------------------------ */
/* Device                                                              */

static void pci_config_init(PCIDevice *dev)
{
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(dev);

    memset(dev->config, 0, sizeof(dev->config));
    memset(dev->wmask, 0, sizeof(dev->wmask));
    memset(dev->w1cmask, 0, sizeof(dev->w1cmask));
    /* The header's identity is fixed: it must match on migration. */
    memset(dev->cmask, 0, sizeof(dev->cmask));
    memset(dev->cmask, 0xff, 0x40);
    pci_set_word(dev->config + PCI_VENDOR_ID, pc->vendor_id);
    pci_set_word(dev->config + PCI_DEVICE_ID, pc->device_id);
    dev->config[PCI_REVISION_ID] = pc->revision;
    pci_set_word(dev->config + PCI_CLASS_DEVICE, pc->class_id);
    if (pc->subsystem_vendor_id || pc->subsystem_id) {
        pci_set_word(dev->config + PCI_SUBSYSTEM_VENDOR_ID,
                     pc->subsystem_vendor_id);
        pci_set_word(dev->config + PCI_SUBSYSTEM_ID, pc->subsystem_id);
    } else {
        /* QEMU's default subsystem: Red Hat / Qumranet, QEMU. */
        pci_set_word(dev->config + PCI_SUBSYSTEM_VENDOR_ID, 0x1af4);
        pci_set_word(dev->config + PCI_SUBSYSTEM_ID, 0x1100);
    }
    dev->config[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;
    /* QEMU's writable bits of a type 0 header. */
    pci_set_word(dev->wmask + PCI_COMMAND,
                 PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
                 PCI_COMMAND_INTX_DISABLE);
    pci_set_word(dev->w1cmask + PCI_STATUS,
                 PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT |
                 PCI_STATUS_REC_TARGET_ABORT | PCI_STATUS_REC_MASTER_ABORT |
                 PCI_STATUS_SIG_SYSTEM_ERROR | PCI_STATUS_DETECTED_PARITY);
    dev->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    dev->wmask[PCI_INTERRUPT_LINE] = 0xff;
    /* The mutable registers are not compared on load. */
    memset(dev->cmask + PCI_COMMAND, 0, 4);
    dev->cmask[PCI_CACHE_LINE_SIZE] = 0;
    dev->cmask[PCI_LATENCY_TIMER] = 0;
    dev->cmask[PCI_INTERRUPT_LINE] = 0;
    memset(dev->cmask + PCI_BASE_ADDRESS_0, 0, 24);
    memset(dev->cmask + PCI_ROM_ADDRESS, 0, 4);
}

static void pci_qdev_realize(DeviceState *qdev, Error **errp)
{
    PCIDevice *dev = PCI_DEVICE(qdev);
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(dev);
    PCIBus *bus = PCI_BUS(qdev->parent_bus);
    Error *local_err = NULL;
    int devfn = dev->devfn;

    if (devfn < 0) {
        /* QEMU's choice: the first free slot, function 0. */
        for (devfn = 0; devfn < 256; devfn += 8) {
            if (!bus->devices[devfn]) {
                break;
            }
        }
        if (devfn >= 256) {
            error_setg(errp, "PCI: no slot/function available for %s, all "
                       "in use", object_get_typename(OBJECT(dev)));
            return;
        }
    } else if (devfn > 255) {
        error_setg(errp, "PCI: devfn %d out of range", devfn);
        return;
    } else if (bus->devices[devfn]) {
        error_setg(errp, "PCI: slot %d function %d not available for %s, "
                   "in use by %s,id=%s", PCI_SLOT(devfn), PCI_FUNC(devfn),
                   object_get_typename(OBJECT(dev)),
                   object_get_typename(OBJECT(bus->devices[devfn])),
                   bus->devices[devfn]->qdev.id ?: "");
        return;
    }
    dev->devfn = devfn;
    dev->bus = bus;
    /* Bounds the incoming "version_id" (QEMU's current PCIDevice: 2). */
    dev->version_id = 2;
    pci_config_init(dev);
    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        dev->io_regions[i].addr = PCI_BAR_UNMAPPED;
    }
    if (pc->realize) {
        pc->realize(dev, &local_err);
        if (local_err) {
            error_propagate(errp, local_err);
            dev->bus = NULL;
            return;
        }
    }
    bus->devices[devfn] = dev;
    {
        int host_irq = pci_get_host_irq(dev);

        dev->config[PCI_INTERRUPT_LINE] = host_irq >= 0 ? host_irq : 0;
    }
}

static void pci_qdev_unrealize(DeviceState *qdev)
{
    PCIDevice *dev = PCI_DEVICE(qdev);
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(dev);

    pci_set_word(dev->config + PCI_COMMAND, 0);
    pci_update_mappings(dev);
    pci_irq_propagate(dev, -1);
    dev->irq_state = 0;
    if (pc->exit) {
        pc->exit(dev);
    }
    if (dev->bus) {
        dev->bus->devices[dev->devfn] = NULL;
        dev->bus = NULL;
    }
}

/* "addr": "slot[.function]" in hex, as QEMU's pci-devfn property. */
static void pci_devfn_get(Object *obj, Visitor *v, const char *name,
                          void *opaque, Error **errp)
{
    int32_t *ptr = object_field_prop_ptr(obj, opaque);
    g_autofree char *str = NULL;

    if (*ptr == -1) {
        str = g_strdup("<unset>");
    } else {
        str = g_strdup_printf("%02x.%x", PCI_SLOT(*ptr), PCI_FUNC(*ptr));
    }
    visit_type_str(v, name, &str, errp);
}

static void pci_devfn_set(Object *obj, Visitor *v, const char *name,
                          void *opaque, Error **errp)
{
    int32_t *ptr = object_field_prop_ptr(obj, opaque);
    g_autofree char *str = NULL;
    unsigned long slot, fn = 0;
    char *end;

    if (!visit_type_str(v, name, &str, errp)) {
        return;
    }
    errno = 0;
    slot = strtoul(str, &end, 16);
    if (end == str || errno) {
        goto invalid;
    }
    if (*end == '.') {
        const char *f = end + 1;

        fn = strtoul(f, &end, 16);
        if (end == f || fn > 7) {
            goto invalid;
        }
    }
    if (*end || slot > 31) {
        goto invalid;
    }
    *ptr = PCI_DEVFN(slot, fn);
    return;

invalid:
    error_setg(errp, "Property '%s.%s' doesn't take value '%s'",
               object_get_typename(obj), name, str);
}

static const PropertyInfo qdev_prop_pci_devfn = {
    .type = "str",
    .description = "Slot and optional function number, example: 06.0 "
                   "or 06",
    .get = pci_devfn_get,
    .set = pci_devfn_set,
};

/* The default -1 is set by pci_device_init: the property is a string. */
static const Property pci_props[] = {
    DEFINE_PROP_SIGNED_NODEFAULT("addr", PCIDevice, devfn,
                                 qdev_prop_pci_devfn, int32_t),
};

static void pci_device_init(Object *obj)
{
    PCI_DEVICE(obj)->devfn = -1;
}

static void pci_device_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = pci_qdev_realize;
    dc->unrealize = pci_qdev_unrealize;
    dc->bus_type = TYPE_PCI_BUS;
    device_class_set_props(dc, pci_props);
}

/* ------------------------------------------------------------------ */
/* Migration                                                           */

static int pci_device_pre_save(void *opaque)
{
    PCIDevice *dev = opaque;

    memcpy(dev->vmstate_config, dev->config, sizeof(dev->config));
    for (int i = 0; i < PCI_NUM_PINS; i++) {
        dev->vmstate_irq[i] = (dev->irq_state >> i) & 1;
    }
    dev->version_id = 2;
    return 0;
}

static bool pci_device_post_load(void *opaque, int version_id, Error **errp)
{
    PCIDevice *dev = opaque;
    uint8_t *in = dev->vmstate_config;

    for (int i = 0; i < PCI_CONFIG_SPACE_SIZE; i++) {
        uint8_t ro = dev->cmask[i] & ~dev->wmask[i] & ~dev->w1cmask[i];

        if ((in[i] ^ dev->config[i]) & ro) {
            error_setg(errp, "PCI config space of %02x.%x: read-only byte "
                       "0x%x is 0x%02x here, 0x%02x in the stream",
                       PCI_SLOT(dev->devfn), PCI_FUNC(dev->devfn), i,
                       dev->config[i], in[i]);
            return false;
        }
    }
    for (int i = 0; i < PCI_NUM_PINS; i++) {
        if (dev->vmstate_irq[i] != 0 && dev->vmstate_irq[i] != 1) {
            error_setg(errp, "PCI irq state of pin %d is %d, not 0 or 1", i,
                       dev->vmstate_irq[i]);
            return false;
        }
    }
    /* Take the old pins off the bus, then apply the incoming state. */
    pci_irq_propagate(dev, pci_irq_disabled(dev) ? 0 : -1);
    memcpy(dev->config, in, sizeof(dev->config));
    dev->irq_state = 0;
    for (int i = 0; i < PCI_NUM_PINS; i++) {
        dev->irq_state |= dev->vmstate_irq[i] << i;
    }
    pci_update_status_int(dev);
    pci_update_mappings(dev);
    pci_irq_propagate(dev, pci_irq_disabled(dev) ? 0 : 1);
    return true;
}

/*
 * QEMU's "pci config" and "pci irq state" infos: the same bytes as a
 * uint8 and an int32 array, under QEMU's names so that the stream
 * description matches (the checks are in post_load).
 */
static const VMStateInfo vmstate_info_pci_config = {
    .name = "pci config",
    .get = vmstate_get_buffer,
    .put = vmstate_put_buffer,
};

static int get_pci_irq_state(QEMUFile *f, void *pv, size_t size,
                             const VMStateField *field, Error **errp)
{
    int32_t *irq = pv;

    for (int i = 0; i < PCI_NUM_PINS; i++) {
        irq[i] = qemu_get_be32(f);
    }
    return 0;
}

static int put_pci_irq_state(QEMUFile *f, void *pv, size_t size,
                             const VMStateField *field, JSONWriter *vmdesc,
                             Error **errp)
{
    int32_t *irq = pv;

    for (int i = 0; i < PCI_NUM_PINS; i++) {
        qemu_put_be32(f, irq[i]);
    }
    return 0;
}

static const VMStateInfo vmstate_info_pci_irq_state = {
    .name = "pci irq state",
    .get = get_pci_irq_state,
    .put = put_pci_irq_state,
};

static bool pci_migrate_is_not_pcie(void *opaque, int version_id)
{
    return true;
}

/* Tern's bus is conventional PCI: the 4 KiB Express space never goes. */
static bool pci_migrate_is_pcie(void *opaque, int version_id)
{
    return false;
}

#define VMSTATE_PCI_CONFIG_TEST(_test) {                                \
    .name = "config",                                                   \
    .field_exists = (_test),                                            \
    .size = PCI_CONFIG_SPACE_SIZE,                                      \
    .info = &vmstate_info_pci_config,                                   \
    .flags = VMS_BUFFER,                                                \
    .offset = offsetof(PCIDevice, vmstate_config),                      \
}

/*
 * QEMU's "PCIDevice" layout: version, config bytes (the conventional
 * and the Express variant, one of which is present), irq state per pin.
 */
const VMStateDescription vmstate_pci_device = {
    .name = "PCIDevice",
    .version_id = 2,
    .minimum_version_id = 1,
    .pre_save = pci_device_pre_save,
    .post_load_errp = pci_device_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_INT32_POSITIVE_LE(version_id, PCIDevice),
        VMSTATE_PCI_CONFIG_TEST(pci_migrate_is_not_pcie),
        VMSTATE_PCI_CONFIG_TEST(pci_migrate_is_pcie),
        {
            .name = "irq_state",
            .size = PCI_NUM_PINS * sizeof(int32_t),
            .info = &vmstate_info_pci_irq_state,
            .flags = VMS_BUFFER,
            .offset = offsetof(PCIDevice, vmstate_irq),
        },
        VMSTATE_END_OF_LIST()
    },
};

/* ------------------------------------------------------------------ */
/* Class descriptions (query-pci's "desc", QEMU's wording)             */

static const struct {
    uint16_t class_id;
    const char *desc;
} pci_class_descs[] = {
    { 0x0100, "SCSI controller" },
    { 0x0101, "IDE controller" },
    { 0x0200, "Ethernet controller" },
    { 0x0280, "Network controller" },
    { 0x0300, "VGA controller" },
    { 0x0302, "3D controller" },
    { 0x0380, "Display controller" },
    { 0x0600, "Host bridge" },
    { 0x0601, "ISA bridge" },
    { 0x0604, "PCI bridge" },
    { 0x0c03, "USB controller" },
};

const char *pci_class_desc(uint16_t class_id)
{
    for (size_t i = 0; i < G_N_ELEMENTS(pci_class_descs); i++) {
        if (pci_class_descs[i].class_id == class_id) {
            return pci_class_descs[i].desc;
        }
    }
    return NULL;
}

static const TypeInfo pci_types[] = {
    {
        .name = TYPE_PCI_BUS,
        .parent = TYPE_BUS,
        .instance_size = sizeof(PCIBus),
        .class_init = pci_bus_class_init,
    }, {
        .name = TYPE_PCI_DEVICE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(PCIDevice),
        .abstract = true,
        .instance_init = pci_device_init,
        .class_size = sizeof(PCIDeviceClass),
        .class_init = pci_device_class_init,
    },
};

DEFINE_TYPES(pci_types)
