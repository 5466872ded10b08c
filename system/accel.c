/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TYPE_ACCEL, the accelerator in use, and the qtest accelerator (no
 * guest execution: tests drive memory through the qtest protocol).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/accel.h"
#include "hw/boards.h"
#include "system/qtest.h"

static AccelState *accel_current;

AccelClass *accel_find(const char *name)
{
    g_autofree char *typename = g_strconcat(name, ACCEL_CLASS_SUFFIX, NULL);
    ObjectClass *oc = object_class_by_name(typename);

    if (!oc || !object_class_dynamic_cast(oc, TYPE_ACCEL) ||
        object_class_is_abstract(oc)) {
        return NULL;
    }
    return ACCEL_CLASS(oc);
}

AccelState *current_accel(void)
{
    return accel_current;
}

const char *current_accel_name(void)
{
    return accel_current ? ACCEL_GET_CLASS(accel_current)->name : NULL;
}

bool accel_init_machine(AccelState *accel, MachineState *ms, Error **errp)
{
    AccelClass *acc = ACCEL_GET_CLASS(accel);

    if (acc->init_machine && !acc->init_machine(accel, ms, errp)) {
        return false;
    }
    accel_current = accel;
    ms->accelerator = accel;
    if (acc->allowed) {
        *acc->allowed = true;
    }
    object_set_accelerator_compat_props(acc->compat_props);
    return true;
}

bool accel_setup_post(MachineState *ms, Error **errp)
{
    AccelClass *acc;

    if (!accel_current) {
        return true;
    }
    acc = ACCEL_GET_CLASS(accel_current);
    return !acc->setup_post || acc->setup_post(accel_current, ms, errp);
}

static const TypeInfo accel_type = {
    .name = TYPE_ACCEL,
    .parent = TYPE_OBJECT,
    .class_size = sizeof(AccelClass),
    .instance_size = sizeof(AccelState),
    .abstract = true,
};

/* qtest: nothing runs; the qtest server (system/qtest.c) owns the clock. */
static bool qtest_accel_init_machine(AccelState *accel, MachineState *ms,
                                     Error **errp)
{
    qtest_install_clock();
    return true;
}

static void qtest_accel_class_init(ObjectClass *oc, const void *data)
{
    AccelClass *ac = ACCEL_CLASS(oc);

    ac->name = "qtest";
    ac->init_machine = qtest_accel_init_machine;
}

static const TypeInfo qtest_accel_type = {
    .name = ACCEL_CLASS_NAME("qtest"),
    .parent = TYPE_ACCEL,
    .class_init = qtest_accel_class_init,
};

static void register_accel_types(void)
{
    type_register_static(&accel_type);
    type_register_static(&qtest_accel_type);
}

type_init(register_accel_types);
