/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tcg accelerator object ("-accel tcg"): the guest's RAM map for the
 * interpreter and the vCPU threads.  QEMU's name, though nothing is
 * translated: docs/devel/tcg.md.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/timer/i8254.h"
#include "migration/register.h"
#include "migration/vmstate.h"
#include "qemu/timer.h"
#include "tcg-accel.h"

bool tcg_allowed;

/*
 * The "kvmclock" section, so that streams cross between kvm and tcg: it
 * carries the guest clock the PIT's times are based on (kvmclock under
 * KVM, QEMU_CLOCK_VIRTUAL here).  A tcg guest has no kvmclock device, so
 * the value only re-bases the incoming PIT; a KVM destination sets its
 * kvmclock to it.
 */
typedef struct TCGClockState {
    uint64_t clock;
} TCGClockState;

static TCGClockState guest_clock;

static bool tcg_clock_pre_save(void *opaque, Error **errp)
{
    guest_clock.clock = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    return true;
}

static bool tcg_clock_post_load(void *opaque, int version_id, Error **errp)
{
    i8254_set_incoming_clock(guest_clock.clock);
    return true;
}

static const VMStateDescription vmstate_tcg_clock = {
    .name = "kvmclock",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save_errp = tcg_clock_pre_save,
    .post_load_errp = tcg_clock_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT64(clock, TCGClockState),
        VMSTATE_END_OF_LIST()
    },
};

static bool tcg_accel_init_machine(AccelState *accel, MachineState *ms,
                                   Error **errp)
{
    tcg_allowed = true;
    vmstate_register(NULL, 0, &vmstate_tcg_clock, &guest_clock);
    tcg_memory_listener_register();
    tcg_cpus_init();
    return true;
}

static void tcg_accel_class_init(ObjectClass *oc, const void *data)
{
    AccelClass *ac = ACCEL_CLASS(oc);

    ac->name = "tcg";
    ac->init_machine = tcg_accel_init_machine;
    ac->allowed = &tcg_allowed;
}

static const TypeInfo tcg_accel_type = {
    .name = TYPE_TCG_ACCEL,
    .parent = TYPE_ACCEL,
    .instance_size = sizeof(AccelState),
    .class_init = tcg_accel_class_init,
};

static void tcg_type_init(void)
{
    type_register_static(&tcg_accel_type);
}

type_init(tcg_type_init)
