/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reset handlers: functions run, in registration order, on every machine
 * reset (qemu_system_reset, system_reset, a guest's reboot).
 */
#ifndef SYSTEM_RESET_H
#define SYSTEM_RESET_H

#include "qapi/qapi-types-run-state.h"

typedef void QEMUResetHandler(void *opaque);

void qemu_register_reset(QEMUResetHandler *func, void *opaque);
void qemu_unregister_reset(QEMUResetHandler *func, void *opaque);
/* Run every handler (what a machine without its own reset does). */
void qemu_devices_reset(ShutdownCause reason);

#endif /* SYSTEM_RESET_H */
