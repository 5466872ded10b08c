/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the accelerators with one thread per vCPU (kvm, tcg) share: the
 * start-up handshake, the wait between guest runs (pause, run state,
 * queued work), and the whole-VM operations of system/cpus.h.  Each
 * accelerator says when its thread is idle (halted, dead, ...).
 */
#ifndef SYSTEM_ACCEL_CPUS_H
#define SYSTEM_ACCEL_CPUS_H

#include "hw/core/cpu.h"
#include "system/cpus.h"

void accel_cpus_init_common(void);

/* In the new thread, BQL held: @cpu is ready; wake its creator. */
void accel_cpu_thread_created(CPUState *cpu);
/* In the creator, BQL held: wait until the thread said so. */
void accel_cpu_wait_created(CPUState *cpu);
/* In the thread at exit, BQL held. */
void accel_cpu_thread_exited(CPUState *cpu);

/*
 * In the vCPU thread, BQL held: wait on halt_cond while @is_idle says
 * so, park if a pause asked for it, then run queued work.
 */
void accel_cpu_wait_io_event(CPUState *cpu, bool (*is_idle)(CPUState *));
/* No stop request, not parked, and the VM is running. */
bool accel_cpu_may_run(CPUState *cpu);

/* The CpusAccel operations that do not depend on the accelerator. */
void accel_pause_all_vcpus(void);
void accel_resume_all_vcpus(void);
bool accel_all_vcpus_paused(void);
void accel_kick_all_vcpus(void);
bool accel_in_vcpu_thread(void);
void accel_stop_current(void);
CpuInfoFastList *accel_query_cpus_fast(void);

#endif
