/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "timer" section: cpu_ticks_offset, 8 unused bytes (a field QEMU
 * dropped long ago) and, since version 2, cpu_clock_offset.  Saved with
 * the VM stopped, so both offsets hold the frozen guest time.
 */
#include "qemu/osdep.h"
#include "migration/register.h"
#include "migration/timer-state.h"

const VMStateDescription vmstate_timers = {
    .name = "timer",
    .version_id = 2,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_INT64(cpu_ticks_offset, TimersState),
        VMSTATE_UNUSED(8),
        VMSTATE_INT64_V(cpu_clock_offset, TimersState, 2),
        VMSTATE_END_OF_LIST()
    },
};

void cpu_timers_vmstate_register(void)
{
    vmstate_register(NULL, 0, &vmstate_timers, &timers_state);
}
