/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vCPUs' thread ids for postcopy blocktime.  Apart from
 * postcopy-in.c, and linked only into the emulator, because it needs the
 * machine's CPU list; it registers itself at start-up.
 */
#include "qemu/osdep.h"
#include "qemu/module.h"
#include "hw/core/cpu.h"
#include "migration/postcopy-in.h"

static int postcopy_vcpu_tids(uint32_t **tids)
{
    CPUState *cpu;
    int n = 0;

    CPU_FOREACH(cpu) {
        n++;
    }
    *tids = g_new0(uint32_t, MAX(n, 1));
    n = 0;
    CPU_FOREACH(cpu) {
        (*tids)[n++] = cpu->thread_id;
    }
    return n;
}

static void postcopy_vcpus_register(void)
{
    postcopy_in_set_vcpu_lister(postcopy_vcpu_tids);
}
type_init(postcopy_vcpus_register)
