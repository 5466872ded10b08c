/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tcg accelerator object ("-accel tcg"): the guest's RAM map for the
 * interpreter and the vCPU threads.  QEMU's name, though nothing is
 * translated: docs/devel/tcg.md.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "tcg-accel.h"

bool tcg_allowed;

static bool tcg_accel_init_machine(AccelState *accel, MachineState *ms,
                                   Error **errp)
{
    tcg_allowed = true;
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
