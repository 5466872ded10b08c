/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tern x86 machine: main RAM (below 3 GiB at address 0, the rest
 * from 4 GiB), -smp vCPUs (the first runs, the others wait), the
 * in-kernel PIC/IOAPIC/PIT state devices when kernel-irqchip=on (under
 * tcg the userspace isa-i8259 pair and isa-pit), a
 * 16550 at 0x3f8 / IRQ 4 on -serial, isa-debugcon at 0xe9, port 0x92,
 * the PCI host bridge (0xcf8/0xcfc, bus "pci.0"), and -bios images ending at 1 MiB.  A reset puts the boot vCPU in real
 * mode at the reset vector f000:fff0, or where a loader asked.
 *
 * Machine types are versioned ("tern-1.0"); "tern" is an alias of the
 * newest, which is the default.  An older version calls the next newer
 * version's options function and then adds its compat properties.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "chardev/char.h"
#include "hw/core/cpu.h"
#include "hw/i386/tern.h"
#include "hw/i386/x86-cpu.h"
#include "hw/qdev-properties.h"
#include "hw/intc/i8259.h"
#include "hw/intc/ioapic-state.h"
#include "hw/pci-host/tern-pcihost.h"
#include "hw/timer/i8254.h"
#include "system/kvm.h"
#include "system/tcg.h"
#include "system/memory.h"
#include "system/reset.h"
#include "system/system.h"
#include "system/vl.h"

OBJECT_DECLARE_SIMPLE_TYPE(TernMachineState, TERN_MACHINE)

struct TernMachineState {
    MachineState parent_obj;

    char *kernel_irqchip;       /* "kernel-irqchip": on | off */

    MemoryRegion ram_below_4g;
    MemoryRegion ram_above_4g;
    uint8_t *bios;
    gsize bios_len;
};

static void tern_map_ram(TernMachineState *tms)
{
    MachineState *ms = MACHINE(tms);
    uint64_t below = MIN(ms->ram_size, TERN_BELOW_4G_MAX);

    if (!ms->ram) {
        return;
    }
    memory_region_init_alias(&tms->ram_below_4g, OBJECT(tms),
                             "ram-below-4g", ms->ram, 0, below);
    memory_region_add_subregion(get_system_memory(), 0, &tms->ram_below_4g);
    if (ms->ram_size > below) {
        memory_region_init_alias(&tms->ram_above_4g, OBJECT(tms),
                                 "ram-above-4g", ms->ram, below,
                                 ms->ram_size - below);
        memory_region_add_subregion(get_system_memory(), TERN_ABOVE_4G_BASE,
                                    &tms->ram_above_4g);
    }
}

static void tern_create_cpus(MachineState *ms)
{
    MachineClass *mc = MACHINE_GET_CLASS(ms);
    const char *type = ms->cpu_type ? ms->cpu_type : mc->default_cpu_type;
    unsigned int n = MAX(ms->smp.cpus, 1);

    for (unsigned int i = 0; i < n; i++) {
        DeviceState *cpu = qdev_try_new(type);

        if (!cpu) {
            error_report("CPU type '%s' is unknown", type);
            exit(1);
        }
        if (i > 0) {
            CPU(cpu)->start_powered_off = true;
        }
        qdev_realize_and_unref(cpu, NULL, &error_fatal);
    }
}

static void tern_create_device(const char *type, DeviceState **out)
{
    DeviceState *dev = qdev_new(type);

    qdev_realize_and_unref(dev, NULL, &error_fatal);
    if (out) {
        *out = dev;
    }
}

static void tern_create_irqchip(void)
{
    DeviceState *dev;

    if (tcg_enabled()) {
        /* Userspace PIC pair and PIT, with the in-kernel ones' state. */
        dev = qdev_new(TYPE_ISA_I8259);
        qdev_prop_set_bit(dev, "master", true);
        qdev_realize_and_unref(dev, NULL, &error_fatal);
        dev = qdev_new(TYPE_ISA_I8259);
        qdev_prop_set_bit(dev, "master", false);
        qdev_realize_and_unref(dev, NULL, &error_fatal);
        tern_create_device(TYPE_TCG_IOAPIC, NULL);
        tern_create_device(TYPE_ISA_PIT, NULL);
        return;
    }
    if (!kvm_enabled() || !kvm_irqchip_is_in_kernel()) {
        return;
    }
    dev = qdev_new(TYPE_KVM_I8259);
    qdev_prop_set_bit(dev, "master", true);
    qdev_realize_and_unref(dev, NULL, &error_fatal);
    dev = qdev_new(TYPE_KVM_I8259);
    qdev_prop_set_bit(dev, "master", false);
    qdev_realize_and_unref(dev, NULL, &error_fatal);
    tern_create_device(TYPE_KVM_IOAPIC, NULL);
    if (kvm_pit_is_in_kernel()) {
        tern_create_device(TYPE_KVM_PIT, NULL);
    }
}

static void tern_create_serial(void)
{
    DeviceState *dev = qdev_new(TYPE_ISA_SERIAL);
    Chardev *chr = serial_hd(0);

    /*
     * -serial's first backend: "serial0", or the chardev that
     * "-serial chardev:ID" named, whose label is ID.
     */
    if (chr) {
        qdev_prop_set_string(dev, "chardev", chr->label);
    }
    qdev_realize_and_unref(dev, NULL, &error_fatal);
}

static void tern_bios_reset(void *opaque)
{
    TernMachineState *tms = opaque;

    address_space_write_rom(&address_space_memory, 1 * MiB - tms->bios_len,
                            MEMTXATTRS_UNSPECIFIED, tms->bios,
                            tms->bios_len);
}

static void tern_load_bios(TernMachineState *tms)
{
    MachineState *ms = MACHINE(tms);
    const char *name = ms->firmware ? ms->firmware : qemu_get_bios_name();
    g_autoptr(GError) gerr = NULL;
    gchar *data;

    if (!name) {
        return;
    }
    if (!g_file_get_contents(name, &data, &tms->bios_len, &gerr)) {
        error_report("could not load BIOS '%s': %s", name, gerr->message);
        exit(1);
    }
    tms->bios = (uint8_t *)data;
    if (tms->bios_len == 0 || tms->bios_len > TERN_BIOS_MAX) {
        error_report("BIOS '%s' must be 1 byte to %" PRId64 " KiB, not %zu "
                     "bytes", name, TERN_BIOS_MAX / KiB,
                     (size_t)tms->bios_len);
        exit(1);
    }
    if (ms->ram_size < 1 * MiB) {
        error_report("-bios needs at least 1 MiB of RAM");
        exit(1);
    }
    tern_bios_reset(tms);
    qemu_register_reset(tern_bios_reset, tms);
}

static void tern_init(MachineState *ms)
{
    TernMachineState *tms = TERN_MACHINE(ms);

    tern_map_ram(tms);
    tern_create_cpus(ms);
    tern_create_irqchip();
    tern_create_serial();
    tern_create_device(TYPE_ISA_DEBUGCON, NULL);
    tern_create_device(TYPE_PORT92, NULL);
    tern_create_device(TYPE_TERN_PCIHOST, NULL);
    tern_load_bios(tms);
}

static void tern_reset(MachineState *ms, ShutdownCause reason)
{
    CPUState *cpu;

    /* CPUs first, so that a loader's reset handler can move the start. */
    CPU_FOREACH(cpu) {
        cpu_reset(cpu);
    }
    qemu_devices_reset(reason);
}

static char *tern_get_kernel_irqchip(Object *obj, Error **errp)
{
    return g_strdup(TERN_MACHINE(obj)->kernel_irqchip);
}

static void tern_set_kernel_irqchip(Object *obj, const char *value,
                                    Error **errp)
{
    TernMachineState *tms = TERN_MACHINE(obj);

    if (!strcmp(value, "split")) {
        error_setg(errp, "kernel-irqchip=split is not supported by Tern");
        return;
    }
    if (strcmp(value, "on") && strcmp(value, "off")) {
        error_setg(errp, "kernel-irqchip must be on or off, not '%s'",
                   value);
        return;
    }
    g_free(tms->kernel_irqchip);
    tms->kernel_irqchip = g_strdup(value);
}

static void tern_machine_instance_init(Object *obj)
{
    TERN_MACHINE(obj)->kernel_irqchip = g_strdup("on");
}

static void tern_machine_instance_finalize(Object *obj)
{
    TernMachineState *tms = TERN_MACHINE(obj);

    g_free(tms->kernel_irqchip);
    g_free(tms->bios);
}

static void tern_machine_class_init(ObjectClass *oc, const void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->init = tern_init;
    mc->reset = tern_reset;
    mc->max_cpus = 255;
    mc->min_cpus = 1;
    mc->default_cpus = 1;
    mc->default_ram_size = 128 * MiB;
    mc->default_ram_id = TERN_RAM_ID;
    mc->default_cpu_type = TYPE_X86_HOST_CPU;
    mc->compat_props = g_ptr_array_new();
    object_class_property_add_str(oc, "kernel-irqchip",
                                  tern_get_kernel_irqchip,
                                  tern_set_kernel_irqchip);
}

static const TypeInfo tern_machine_info = {
    .name = TYPE_TERN_MACHINE,
    .parent = TYPE_MACHINE,
    .abstract = true,
    .instance_size = sizeof(TernMachineState),
    .instance_init = tern_machine_instance_init,
    .instance_finalize = tern_machine_instance_finalize,
    .class_init = tern_machine_class_init,
};

static void tern_machine_register_types(void)
{
    type_register_static(&tern_machine_info);
}

type_init(tern_machine_register_types)

/* ------------------------------------------------------------------ */
/* Versions                                                            */

/*
 * Compat properties of each release go here, newest first, as QEMU's
 * hw_compat_X_Y arrays: { "driver", "property", "value" }.  tern-1.0 is
 * the first release, so it pins nothing yet.
 */
static void tern_machine_1_0_options(MachineClass *mc)
{
    mc->desc = "Tern x86 machine for KVM (version 1.0)";
    mc->alias = "tern";
    mc->is_default = true;
}

DEFINE_VERSIONED_MACHINE(tern, 1, 0, TYPE_TERN_MACHINE,
                         tern_machine_1_0_options)
