/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "none" machine, as QEMU's: no CPU, no device; RAM only if -m asks
 * for some, mapped at guest physical address 0 as block "ram".  Monitor,
 * qtest and migration interop tests use it.
 */
#include "qemu/osdep.h"
#include "hw/boards.h"

static void machine_none_init(MachineState *ms)
{
    if (ms->ram) {
        memory_region_add_subregion(get_system_memory(), 0, ms->ram);
    }
}

static void machine_none_machine_init(MachineClass *mc)
{
    mc->desc = "empty machine";
    mc->init = machine_none_init;
    mc->max_cpus = 1;
    mc->default_ram_size = 0;
    mc->default_ram_id = "ram";
    mc->no_serial = true;
    mc->no_parallel = true;
    mc->no_floppy = true;
    mc->no_cdrom = true;
    mc->no_sdcard = true;
}

DEFINE_MACHINE("none", machine_none_machine_init)
