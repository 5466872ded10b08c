/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "bochs-display": QEMU's VGA-less PCI display (1234:1111, class 0380).
 * BAR 0 is the linear framebuffer, a RAMBlock that migrates with RAM;
 * BAR 2 is 4 KiB of registers: the Bochs DISPI registers as 16-bit words
 * at 0x500 and QEMU's extended registers (size, framebuffer byte order)
 * at 0x600.  A screendump renders the enabled mode (16 or 32 bpp, with
 * virtual width and offsets) through pixman.  No EDID blob: the rest
 * of BAR 2 reads all ones.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/bitops.h"
#include "hw/pci/pci.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "ui/console.h"

#define TYPE_BOCHS_DISPLAY "bochs-display"
OBJECT_DECLARE_SIMPLE_TYPE(BochsDisplayState, BOCHS_DISPLAY)

#define PCI_VENDOR_ID_QEMU       0x1234
#define PCI_DEVICE_ID_QEMU_VGA   0x1111

/* DISPI register indexes and values (Bochs VBE). */
#define VBE_DISPI_INDEX_ID          0x0
#define VBE_DISPI_INDEX_XRES        0x1
#define VBE_DISPI_INDEX_YRES        0x2
#define VBE_DISPI_INDEX_BPP         0x3
#define VBE_DISPI_INDEX_ENABLE      0x4
#define VBE_DISPI_INDEX_BANK        0x5
#define VBE_DISPI_INDEX_VIRT_WIDTH  0x6
#define VBE_DISPI_INDEX_VIRT_HEIGHT 0x7
#define VBE_DISPI_INDEX_X_OFFSET    0x8
#define VBE_DISPI_INDEX_Y_OFFSET    0x9
#define VBE_DISPI_INDEX_VIDEO_MEMORY_64K 0xa
#define VBE_DISPI_INDEX_NB          0xb
#define VBE_DISPI_ID5               0xB0C5
#define VBE_DISPI_ENABLED           0x01

#define PCI_VGA_BOCHS_OFFSET  0x500
#define PCI_VGA_QEXT_OFFSET   0x600
#define PCI_VGA_QEXT_SIZE     8
#define PCI_VGA_QEXT_LITTLE_ENDIAN 0x1e1e1e1e
#define PCI_VGA_QEXT_BIG_ENDIAN    0xbebebebe
#define PCI_VGA_MMIO_SIZE     0x1000

struct BochsDisplayState {
    PCIDevice parent_obj;

    uint64_t vgamem;
    MemoryRegion vram;
    MemoryRegion mmio;
    MemoryRegion dispi;
    MemoryRegion qext;
    QemuConsole *con;

    uint16_t vbe_regs[VBE_DISPI_INDEX_NB];
    bool big_endian_fb;
};

static uint64_t dispi_read(void *opaque, hwaddr addr, unsigned size)
{
    BochsDisplayState *s = opaque;
    unsigned int index = addr >> 1;

    switch (index) {
    case VBE_DISPI_INDEX_ID:
        return VBE_DISPI_ID5;
    case VBE_DISPI_INDEX_VIDEO_MEMORY_64K:
        return s->vgamem / (64 * KiB);
    }
    return index < VBE_DISPI_INDEX_NB ? s->vbe_regs[index] : 0;
}

static void dispi_write(void *opaque, hwaddr addr, uint64_t val,
                        unsigned size)
{
    BochsDisplayState *s = opaque;
    unsigned int index = addr >> 1;

    if (index < VBE_DISPI_INDEX_NB && index != VBE_DISPI_INDEX_ID &&
        index != VBE_DISPI_INDEX_VIDEO_MEMORY_64K) {
        s->vbe_regs[index] = val;
    }
}

static const MemoryRegionOps dispi_ops = {
    .read = dispi_read,
    .write = dispi_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 2, .max_access_size = 2 },
};

static uint64_t qext_read(void *opaque, hwaddr addr, unsigned size)
{
    BochsDisplayState *s = opaque;

    switch (addr) {
    case 0:
        return PCI_VGA_QEXT_SIZE;
    case 4:
        return s->big_endian_fb ? PCI_VGA_QEXT_BIG_ENDIAN
                                : PCI_VGA_QEXT_LITTLE_ENDIAN;
    }
    return 0;
}

static void qext_write(void *opaque, hwaddr addr, uint64_t val,
                       unsigned size)
{
    BochsDisplayState *s = opaque;

    if (addr == 4 && val == PCI_VGA_QEXT_BIG_ENDIAN) {
        s->big_endian_fb = true;
    } else if (addr == 4 && val == PCI_VGA_QEXT_LITTLE_ENDIAN) {
        s->big_endian_fb = false;
    }
}

static const MemoryRegionOps qext_ops = {
    .read = qext_read,
    .write = qext_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
};

/* The enabled mode as an image over the framebuffer, or NULL. */
static pixman_image_t *bochs_display_update(void *opaque)
{
    BochsDisplayState *s = opaque;
    uint16_t *r = s->vbe_regs;
    uint32_t w = r[VBE_DISPI_INDEX_XRES], h = r[VBE_DISPI_INDEX_YRES];
    uint32_t vw = MAX(r[VBE_DISPI_INDEX_VIRT_WIDTH], w);
    uint32_t bytes, stride;
    uint64_t offset;
    pixman_format_code_t fmt;
    uint8_t *fb = memory_region_get_ram_ptr(&s->vram);
    pixman_image_t *view, *copy;

    if (!(r[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED) || !w || !h) {
        return NULL;
    }
    switch (r[VBE_DISPI_INDEX_BPP]) {
    case 16:
        if (s->big_endian_fb) {
            return NULL;
        }
        fmt = PIXMAN_r5g6b5;
        bytes = 2;
        break;
    case 32:
        fmt = s->big_endian_fb ? PIXMAN_b8g8r8x8 : PIXMAN_x8r8g8b8;
        bytes = 4;
        break;
    default:
        return NULL;
    }
    stride = vw * bytes;
    offset = (uint64_t)r[VBE_DISPI_INDEX_Y_OFFSET] * stride +
             (uint64_t)r[VBE_DISPI_INDEX_X_OFFSET] * bytes;
    if (offset + (uint64_t)stride * (h - 1) + (uint64_t)w * bytes >
        s->vgamem || stride % 4) {
        return NULL;            /* the mode does not fit the memory */
    }
    /* Copy now: the guest may change the framebuffer under the view. */
    view = pixman_image_create_bits(fmt, w, h, (uint32_t *)(fb + offset),
                                    stride);
    copy = pixman_image_create_bits(PIXMAN_x8r8g8b8, w, h, NULL, 0);
    pixman_image_composite(PIXMAN_OP_SRC, view, NULL, copy, 0, 0, 0, 0, 0,
                           0, w, h);
    pixman_image_unref(view);
    return copy;
}

static const GraphicHwOps bochs_display_gfx_ops = {
    .gfx_update = bochs_display_update,
};

static void bochs_display_realize(PCIDevice *dev, Error **errp)
{
    BochsDisplayState *s = BOCHS_DISPLAY(dev);
    Object *obj = OBJECT(dev);
    g_autofree char *path = qdev_get_dev_path(DEVICE(dev));
    g_autofree char *name = NULL;

    if (s->vgamem < 4 * MiB) {
        error_setg(errp, "bochs-display: video memory too small");
        return;
    }
    if (s->vgamem > 256 * MiB) {
        error_setg(errp, "bochs-display: video memory too big");
        return;
    }
    s->vgamem = pow2ceil(s->vgamem);
    /* QEMU's RAMBlock name: the bus address, then the region's. */
    name = path ? g_strdup_printf("%s/bochs-display-vram", path)
                : g_strdup("bochs-display-vram");
    if (!memory_region_init_ram(&s->vram, obj, name, s->vgamem, errp)) {
        return;
    }
    memory_region_init(&s->mmio, obj, "bochs-display-mmio",
                       PCI_VGA_MMIO_SIZE);
    memory_region_init_io(&s->dispi, obj, &dispi_ops, s,
                          "bochs dispi interface",
                          VBE_DISPI_INDEX_NB * 2);
    memory_region_add_subregion(&s->mmio, PCI_VGA_BOCHS_OFFSET, &s->dispi);
    memory_region_init_io(&s->qext, obj, &qext_ops, s, "qemu extended regs",
                          PCI_VGA_QEXT_SIZE);
    memory_region_add_subregion(&s->mmio, PCI_VGA_QEXT_OFFSET, &s->qext);
    pci_register_bar(dev, 0, PCI_BASE_ADDRESS_MEM_PREFETCH, &s->vram);
    pci_register_bar(dev, 2, PCI_BASE_ADDRESS_SPACE_MEMORY, &s->mmio);
    s->con = graphic_console_init(DEVICE(dev), 0, &bochs_display_gfx_ops,
                                  s);
}

static void bochs_display_exit(PCIDevice *dev)
{
    BochsDisplayState *s = BOCHS_DISPLAY(dev);

    graphic_console_close(s->con);
}

static void bochs_display_reset(DeviceState *dev)
{
    BochsDisplayState *s = BOCHS_DISPLAY(dev);

    memset(s->vbe_regs, 0, sizeof(s->vbe_regs));
    s->big_endian_fb = false;
}

static const VMStateDescription vmstate_bochs_display = {
    .name = "bochs-display",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_PCI_DEVICE(parent_obj, BochsDisplayState),
        VMSTATE_UINT16_ARRAY(vbe_regs, BochsDisplayState,
                             VBE_DISPI_INDEX_NB),
        VMSTATE_BOOL(big_endian_fb, BochsDisplayState),
        VMSTATE_END_OF_LIST()
    },
};

static const Property bochs_display_props[] = {
    DEFINE_PROP_SIZE("vgamem", BochsDisplayState, vgamem, 16 * MiB),
};

static void bochs_display_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->realize = bochs_display_realize;
    pc->exit = bochs_display_exit;
    pc->vendor_id = PCI_VENDOR_ID_QEMU;
    pc->device_id = PCI_DEVICE_ID_QEMU_VGA;
    pc->class_id = PCI_CLASS_DISPLAY_OTHER;
    dc->desc = "bochs display";
    dc->vmsd = &vmstate_bochs_display;
    device_class_set_legacy_reset(dc, bochs_display_reset);
    device_class_set_props(dc, bochs_display_props);
}

static const TypeInfo bochs_display_info = {
    .name = TYPE_BOCHS_DISPLAY,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(BochsDisplayState),
    .class_init = bochs_display_class_init,
};

static void bochs_display_register_types(void)
{
    type_register_static(&bochs_display_info);
}

type_init(bochs_display_register_types)
