/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Accelerators as QOM types ("NAME-accel"): what runs guest code.  The
 * command line picks one with -accel NAME[,prop=value]; its init_machine
 * runs before the machine's init (so it can listen to the memory map),
 * setup_post after.  Tern has "kvm" (accel/kvm) and "qtest" (no guest
 * execution; system/accel.c).
 */
#ifndef QEMU_ACCEL_H
#define QEMU_ACCEL_H

#include "qom/object.h"

#define TYPE_ACCEL "accel"
#define ACCEL_CLASS_SUFFIX "-" TYPE_ACCEL
#define ACCEL_CLASS_NAME(a) (a ACCEL_CLASS_SUFFIX)

typedef struct AccelState {
    Object parent_obj;
} AccelState;

typedef struct AccelClass {
    ObjectClass parent_class;
    /* The -accel name ("kvm"). */
    const char *name;
    /* Probe and set up; an error means "try another accelerator". */
    bool (*init_machine)(AccelState *accel, MachineState *ms,
                         Error **errp);
    /* Once the machine is built (create vCPU threads...). */
    bool (*setup_post)(AccelState *accel, MachineState *ms, Error **errp);
    /* Set to true when this accelerator is the one in use. */
    bool *allowed;
    /* Compat properties the accelerator wants (like -global). */
    GPtrArray *compat_props;
} AccelClass;

#define ACCEL(obj) OBJECT_CHECK(AccelState, (obj), TYPE_ACCEL)
#define ACCEL_CLASS(klass) OBJECT_CLASS_CHECK(AccelClass, (klass), TYPE_ACCEL)
#define ACCEL_GET_CLASS(obj) OBJECT_GET_CLASS(AccelClass, (obj), TYPE_ACCEL)

/* The class of -accel @name, or NULL. */
AccelClass *accel_find(const char *name);
/* The accelerator in use (NULL before the machine is configured). */
AccelState *current_accel(void);
const char *current_accel_name(void);
/* Make @accel current and run its init_machine. */
bool accel_init_machine(AccelState *accel, MachineState *ms, Error **errp);
bool accel_setup_post(MachineState *ms, Error **errp);

#endif /* QEMU_ACCEL_H */
