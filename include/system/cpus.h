/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The seam between the run-state code and the accelerator's vCPUs.  The
 * accelerator (KVM) registers a CpusAccel when it creates its vCPU
 * threads; vm_start()/vm_stop() and reset go through these functions.
 * Without one (qtest, the none machine) no guest code runs and pausing
 * or resuming does nothing.
 */
#ifndef SYSTEM_CPUS_H
#define SYSTEM_CPUS_H

#include "qapi/qapi-types-machine.h"

typedef struct CpusAccel {
    /* BQL held; return once every vCPU is out of guest mode and parked. */
    void (*pause_all_vcpus)(void);
    void (*resume_all_vcpus)(void);
    bool (*all_vcpus_paused)(void);
    /* Make every vCPU leave guest mode soon (any thread). */
    void (*kick_all_vcpus)(void);
    /* True in a vCPU thread; cpu_stop_current() parks the caller. */
    bool (*in_vcpu_thread)(void);
    void (*stop_current)(void);
    /* After a machine reset: push the reset register state. */
    void (*synchronize_post_reset)(void);
    /* query-cpus-fast: one entry per vCPU. */
    CpuInfoFastList *(*query_cpus_fast)(void);
} CpusAccel;

void cpus_register_accel(const CpusAccel *ca);
const CpusAccel *cpus_get_accel(void);

void pause_all_vcpus(void);
void resume_all_vcpus(void);
bool all_vcpus_paused(void);
void qemu_kick_all_vcpus(void);
bool qemu_in_vcpu_thread(void);
void cpu_stop_current(void);
void cpu_synchronize_all_post_reset(void);
CpuInfoFastList *qemu_query_cpus_fast(void);

#endif /* SYSTEM_CPUS_H */
