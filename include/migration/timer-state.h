/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "timer" section: the guest clock bookkeeping of timers_state
 * (qemu/timer.h), VMState "timer" version 2 (docs/devel/
 * migration-stream.md, "timer and globalstate").
 */
#ifndef MIGRATION_TIMER_STATE_H
#define MIGRATION_TIMER_STATE_H

#include "migration/vmstate.h"

extern const VMStateDescription vmstate_timers;

/* Register it (instance 0); once, at start-up, before RAM. */
void cpu_timers_vmstate_register(void);

#endif /* MIGRATION_TIMER_STATE_H */
