/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vCPU thread plumbing the kvm and tcg accelerators share
 * (system/accel-cpus.h).  The pause protocol: pause_all_vcpus() sets
 * cpu->stop and kicks; the thread leaves the guest, sets cpu->stopped,
 * broadcasts pause_cond and waits on its halt_cond until
 * resume_all_vcpus() clears both flags.
 */
#include "qemu/osdep.h"
#include "qapi/util.h"
#include "qemu/atomic.h"
#include "qemu/main-loop.h"
#include "system/accel-cpus.h"
#include "system/runstate.h"

/* Signalled when a vCPU thread has started or ended (cpu->created). */
static QemuCond cpu_created_cond;
/* Signalled when a vCPU parks (cpu->stopped). */
static QemuCond pause_cond;

void accel_cpus_init_common(void)
{
    qemu_cond_init(&cpu_created_cond);
    qemu_cond_init(&pause_cond);
}

void accel_cpu_thread_created(CPUState *cpu)
{
    cpu->created = true;
    qemu_cond_broadcast(&cpu_created_cond);
}

void accel_cpu_wait_created(CPUState *cpu)
{
    while (!cpu->created) {
        qemu_cond_wait_bql(&cpu_created_cond);
    }
}

void accel_cpu_thread_exited(CPUState *cpu)
{
    cpu->created = false;
    qemu_cond_broadcast(&cpu_created_cond);
}

void accel_cpu_wait_io_event(CPUState *cpu, bool (*is_idle)(CPUState *))
{
    while (is_idle(cpu)) {
        qemu_cond_wait_bql(cpu->halt_cond);
    }
    if (cpu->stop) {
        cpu->stop = false;
        cpu->stopped = true;
        qemu_cond_broadcast(&pause_cond);
    }
    process_queued_cpu_work(cpu);
}

bool accel_cpu_may_run(CPUState *cpu)
{
    return !cpu->stop && !cpu->stopped && runstate_is_running();
}

bool accel_all_vcpus_paused(void)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        if (cpu->accel && !cpu->stopped) {
            return false;
        }
    }
    return true;
}

void accel_pause_all_vcpus(void)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        if (qemu_cpu_is_self(cpu)) {
            /* Out of the guest already, since it is running this. */
            cpu->stop = false;
            cpu->stopped = true;
        } else if (cpu->accel) {
            cpu->stop = true;
            qemu_cpu_kick(cpu);
        }
    }
    /* A kick is never lost; the timeout only re-kicks for robustness. */
    while (!accel_all_vcpus_paused()) {
        qemu_cond_timedwait_bql(&pause_cond, 100);
        CPU_FOREACH(cpu) {
            if (cpu->stop) {
                qemu_cpu_kick(cpu);
            }
        }
    }
}

void accel_resume_all_vcpus(void)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        cpu->stop = false;
        cpu->stopped = false;
        qemu_cpu_kick(cpu);
    }
}

void accel_kick_all_vcpus(void)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        qemu_cpu_kick(cpu);
    }
}

bool accel_in_vcpu_thread(void)
{
    return current_cpu != NULL;
}

void accel_stop_current(void)
{
    if (current_cpu) {
        /* Seen after the current exit; the thread then parks. */
        qatomic_set(&current_cpu->stop, true);
    }
}

CpuInfoFastList *accel_query_cpus_fast(void)
{
    CpuInfoFastList *head = NULL, **tail = &head;
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        CpuInfoFast *info = g_new0(CpuInfoFast, 1);

        info->cpu_index = cpu->cpu_index;
        info->qom_path = object_get_canonical_path(OBJECT(cpu));
        info->thread_id = cpu->thread_id;
        info->target = SYS_EMU_TARGET_X86_64;
        QAPI_LIST_APPEND(tail, info);
    }
    return head;
}
