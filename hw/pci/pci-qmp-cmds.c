/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * query-pci and HMP "info pci": what the guest's configuration space and
 * BAR mappings look like now, in QEMU's shape and wording.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-pci.h"
#include "hw/pci/pci.h"
#include "monitor/hmp.h"
#include "monitor/monitor.h"

static PciMemoryRegionList *pci_regions_info(PCIDevice *dev)
{
    PciMemoryRegionList *head = NULL, **tail = &head;

    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        PCIIORegion *r = &dev->io_regions[i];
        PciMemoryRegion *region;

        if (!r->size) {
            continue;
        }
        region = g_new0(PciMemoryRegion, 1);
        region->bar = i;
        region->address = r->addr;
        region->size = r->size;
        if (r->type & PCI_BASE_ADDRESS_SPACE_IO) {
            region->type = g_strdup("io");
        } else {
            region->type = g_strdup("memory");
            region->has_prefetch = true;
            region->prefetch = !!(r->type & PCI_BASE_ADDRESS_MEM_PREFETCH);
            region->has_mem_type_64 = true;
            region->mem_type_64 = !!(r->type & PCI_BASE_ADDRESS_MEM_TYPE_64);
        }
        QAPI_LIST_APPEND(tail, region);
    }
    return head;
}

static PciDeviceInfo *pci_device_info(PCIDevice *dev)
{
    PciDeviceInfo *info = g_new0(PciDeviceInfo, 1);
    uint16_t class_id = pci_get_word(dev->config + PCI_CLASS_DEVICE);
    const char *desc = pci_class_desc(class_id);

    info->bus = 0;
    info->slot = PCI_SLOT(dev->devfn);
    info->function = PCI_FUNC(dev->devfn);
    info->class_info = g_new0(PciDeviceClass, 1);
    info->class_info->q_class = class_id;
    info->class_info->desc = g_strdup(desc);
    info->id = g_new0(PciDeviceId, 1);
    info->id->vendor = pci_get_word(dev->config + PCI_VENDOR_ID);
    info->id->device = pci_get_word(dev->config + PCI_DEVICE_ID);
    info->id->has_subsystem = true;
    info->id->subsystem = pci_get_word(dev->config + PCI_SUBSYSTEM_ID);
    info->id->has_subsystem_vendor = true;
    info->id->subsystem_vendor =
        pci_get_word(dev->config + PCI_SUBSYSTEM_VENDOR_ID);
    info->irq_pin = dev->config[PCI_INTERRUPT_PIN];
    if (info->irq_pin) {
        info->has_irq = true;
        info->irq = dev->config[PCI_INTERRUPT_LINE];
    }
    info->qdev_id = g_strdup(dev->qdev.id ? dev->qdev.id : "");
    info->regions = pci_regions_info(dev);
    return info;
}

PciInfoList *qmp_query_pci(Error **errp)
{
    PCIBus *bus = pci_root_bus_first();
    PciInfoList *head = NULL;
    PciDeviceInfoList **tail;
    PciInfo *info;

    if (!bus) {
        return NULL;
    }
    info = g_new0(PciInfo, 1);
    info->bus = 0;
    tail = &info->devices;
    for (int devfn = 0; devfn < 256; devfn++) {
        if (bus->devices[devfn]) {
            QAPI_LIST_APPEND(tail, pci_device_info(bus->devices[devfn]));
        }
    }
    QAPI_LIST_PREPEND(head, info);
    return head;
}

static void hmp_info_pci_device(Monitor *mon, const PciDeviceInfo *dev)
{
    monitor_printf(mon, "  Bus %2" PRId64 ", device %3" PRId64
                   ", function %" PRId64 ":\n", dev->bus, dev->slot,
                   dev->function);
    if (dev->class_info->desc) {
        monitor_printf(mon, "    %s", dev->class_info->desc);
    } else {
        monitor_printf(mon, "    Class %04" PRId64, dev->class_info->q_class);
    }
    monitor_printf(mon, ": PCI device %04" PRIx64 ":%04" PRIx64 "\n",
                   dev->id->vendor, dev->id->device);
    if (dev->id->has_subsystem_vendor && dev->id->has_subsystem) {
        monitor_printf(mon, "      PCI subsystem %04" PRIx64 ":%04" PRIx64
                       "\n", dev->id->subsystem_vendor, dev->id->subsystem);
    }
    if (dev->has_irq) {
        monitor_printf(mon, "      IRQ %" PRId64 ", pin %c\n", dev->irq,
                       (char)('A' + dev->irq_pin - 1));
    }
    for (PciMemoryRegionList *r = dev->regions; r; r = r->next) {
        uint64_t addr = r->value->address, size = r->value->size;

        monitor_printf(mon, "      BAR%" PRId64 ": ", r->value->bar);
        if (!strcmp(r->value->type, "io")) {
            if (addr != PCI_BAR_UNMAPPED) {
                monitor_printf(mon, "I/O at 0x%04" PRIx64 " [0x%04" PRIx64
                               "]\n", addr, addr + size - 1);
            } else {
                monitor_printf(mon, "I/O (not mapped)\n");
            }
        } else if (addr != PCI_BAR_UNMAPPED) {
            monitor_printf(mon, "%d bit%s memory at 0x%08" PRIx64
                           " [0x%08" PRIx64 "]\n",
                           r->value->mem_type_64 ? 64 : 32,
                           r->value->prefetch ? " prefetchable" : "",
                           addr, addr + size - 1);
        } else {
            monitor_printf(mon, "%d bit%s memory (not mapped)\n",
                           r->value->mem_type_64 ? 64 : 32,
                           r->value->prefetch ? " prefetchable" : "");
        }
    }
    monitor_printf(mon, "      id \"%s\"\n", dev->qdev_id);
}

static void hmp_info_pci(Monitor *mon, const QDict *qdict)
{
    g_autoptr(PciInfoList) list = qmp_query_pci(NULL);

    for (PciInfoList *bus = list; bus; bus = bus->next) {
        for (PciDeviceInfoList *d = bus->value->devices; d; d = d->next) {
            hmp_info_pci_device(mon, d->value);
        }
    }
}

static const HMPCommand hmp_info_pci_cmds[] = {
    { "pci", "", "", "show PCI info", hmp_info_pci },
    { NULL }
};

static void pci_hmp_register(void)
{
    hmp_register_info_commands(hmp_info_pci_cmds);
}

type_init(pci_hmp_register)
