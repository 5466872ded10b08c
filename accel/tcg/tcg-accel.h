/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the tcg accelerator's files share: the per-vCPU state, the guest
 * RAM map (tcg-memory.c) and the vCPU threads (tcg-cpus.c).
 */
#ifndef ACCEL_TCG_ACCEL_H
#define ACCEL_TCG_ACCEL_H

#include "system/tcg.h"
#include "target/i386/interp.h"

struct AccelCPUState {
    X86Interp interp;
    /* The RAM map generation the interpreter's TLB was filled from. */
    unsigned map_gen;
    /* Stopped by a fatal guest error until the next reset. */
    bool dead;
};

/* tcg-memory.c: the interpreter's view of guest memory. */
extern const X86InterpOps tcg_x86_ops;
void tcg_memory_listener_register(void);
/* Bumped when the RAM map changes: vCPUs flush their TLBs. */
unsigned tcg_memory_map_gen(void);

/* tcg-cpus.c */
void tcg_cpus_init(void);

#endif
