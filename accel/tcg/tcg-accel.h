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
    /*
     * Guest physical pages others wrote (devices, qtest, migration) that
     * may hold this vCPU's decoded code, dropped by the vCPU thread
     * before it runs on; inval_all when there were too many to list.
     */
    QemuMutex inval_lock;
    GArray *inval_pages;
    bool inval_all;
    int inval_pending;
};

/* tcg-memory.c: the interpreter's view of guest memory. */
extern const X86InterpOps tcg_x86_ops;
void tcg_memory_listener_register(void);
/* Bumped when the RAM map changes: vCPUs flush their TLBs. */
unsigned tcg_memory_map_gen(void);

/* tcg-cpus.c */
void tcg_cpus_init(void);
/* In the vCPU thread: drop the code others wrote since the last time. */
void tcg_cpu_take_invalidations(AccelCPUState *a);

#endif
