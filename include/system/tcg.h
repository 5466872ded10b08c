/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tcg accelerator ("-accel tcg"): guest code runs in the x86
 * interpreter (target/i386) on one thread per vCPU.  Guest RAM is reached
 * through a MemoryListener's map of the system address space; stores mark
 * the migration dirty bitmap; the userspace i8259/8254 give interrupts.
 * docs/devel/tcg.md has the design.
 */
#ifndef SYSTEM_TCG_H
#define SYSTEM_TCG_H

#include "qemu/accel.h"
#include "hw/core/cpu.h"

#define TYPE_TCG_ACCEL ACCEL_CLASS_NAME("tcg")

/* Set once -accel tcg is the accelerator in use. */
extern bool tcg_allowed;
#define tcg_enabled() (tcg_allowed)

/*
 * Create @cpu's interpreter and its thread ("CPU N/TCG"), which waits,
 * stopped, until the VM starts.  Called by the CPU's realize.
 */
bool tcg_init_vcpu(CPUState *cpu, Error **errp);

#endif /* SYSTEM_TCG_H */
