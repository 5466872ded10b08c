/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vCPU seam of the run-state code: pause/resume/kick go to the
 * accelerator's CpusAccel (system/cpus.h).  Without one, no guest code
 * runs, so there is nothing to pause.
 */
#include "qemu/osdep.h"
#include "system/cpus.h"

static const CpusAccel *cpus_accel;

void cpus_register_accel(const CpusAccel *ca)
{
    assert(ca);
    cpus_accel = ca;
}

const CpusAccel *cpus_get_accel(void)
{
    return cpus_accel;
}

void pause_all_vcpus(void)
{
    if (cpus_accel && cpus_accel->pause_all_vcpus) {
        cpus_accel->pause_all_vcpus();
    }
}

void resume_all_vcpus(void)
{
    if (cpus_accel && cpus_accel->resume_all_vcpus) {
        cpus_accel->resume_all_vcpus();
    }
}

bool all_vcpus_paused(void)
{
    if (cpus_accel && cpus_accel->all_vcpus_paused) {
        return cpus_accel->all_vcpus_paused();
    }
    return true;
}

void qemu_kick_all_vcpus(void)
{
    if (cpus_accel && cpus_accel->kick_all_vcpus) {
        cpus_accel->kick_all_vcpus();
    }
}

bool qemu_in_vcpu_thread(void)
{
    return cpus_accel && cpus_accel->in_vcpu_thread &&
           cpus_accel->in_vcpu_thread();
}

void cpu_stop_current(void)
{
    if (qemu_in_vcpu_thread() && cpus_accel->stop_current) {
        cpus_accel->stop_current();
    }
}

void cpu_synchronize_all_post_reset(void)
{
    if (cpus_accel && cpus_accel->synchronize_post_reset) {
        cpus_accel->synchronize_post_reset();
    }
}

CpuInfoFastList *qemu_query_cpus_fast(void)
{
    if (cpus_accel && cpus_accel->query_cpus_fast) {
        return cpus_accel->query_cpus_fast();
    }
    return NULL;    /* no vCPU exists */
}
