/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tcg vCPU threads: one thread per vCPU ("CPU N/TCG") runs the x86
 * interpreter for time slices without the BQL (device accesses take it,
 * tcg-memory.c), and between slices looks at its flags, the pause
 * protocol and queued work (system/accel-cpus.h).  HLT parks the thread
 * until the PIC raises INTR with interrupts enabled; a triple fault asks
 * for a machine reset, as on a PC.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/atomic.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "hw/i386/x86-cpu.h"
#include "hw/intc/i8259.h"
#include "system/accel-cpus.h"
#include "system/runstate.h"
#include "tcg-accel.h"

/*
 * Instructions per slice: a few milliseconds, so that a pause or
 * run_on_cpu work waits little.  (An interrupt does not wait for the
 * end of a slice: the line is looked at before every instruction.)
 */
#define TCG_SLICE 200000

#define MP_STATE_UNINITIALIZED 1
#define MP_STATE_HALTED 3

static X86VCPUState *cpu_env(CPUState *cpu)
{
    return &X86_CPU(cpu)->env;
}

static bool tcg_cpu_has_work(CPUState *cpu)
{
    return qatomic_read(&cpu->accel->interp.irq_line) &&
           (cpu_env(cpu)->rflags & 0x200);
}

/* Nothing to do until something changes: parked, halted, dead. */
static bool tcg_cpu_thread_is_idle(CPUState *cpu)
{
    if (cpu->stop || !cpu_work_list_empty(cpu)) {
        return false;
    }
    if (cpu->stopped || !runstate_is_running() || cpu->accel->dead ||
        cpu_env(cpu)->mp_state == MP_STATE_UNINITIALIZED) {
        return true;
    }
    return cpu->halted && !tcg_cpu_has_work(cpu);
}

void tcg_cpu_take_invalidations(AccelCPUState *a)
{
    if (!qatomic_xchg(&a->inval_pending, 0)) {
        return;
    }
    qemu_mutex_lock(&a->inval_lock);
    if (a->inval_all) {
        x86_interp_flush(&a->interp);
    } else {
        for (guint i = 0; i < a->inval_pages->len; i++) {
            x86_interp_invalidate_page(&a->interp,
                                       g_array_index(a->inval_pages,
                                                     uint64_t, i));
        }
    }
    g_array_set_size(a->inval_pages, 0);
    a->inval_all = false;
    qemu_mutex_unlock(&a->inval_lock);
}

static void tcg_cpu_exec(CPUState *cpu)
{
    AccelCPUState *a = cpu->accel;
    unsigned gen = tcg_memory_map_gen();
    X86InterpExit e;

    if (a->map_gen != gen) {
        x86_interp_flush(&a->interp);
        a->map_gen = gen;
    }
    tcg_cpu_take_invalidations(a);
    cpu->halted = 0;
    bql_unlock();
    e = x86_interp_run(&a->interp, TCG_SLICE);
    bql_lock();
    switch (e) {
    case X86_EXIT_HLT:
        cpu->halted = 1;
        break;
    case X86_EXIT_SHUTDOWN:
        /* Triple fault: the PC resets. */
        warn_report("tcg: vCPU %d triple fault: resetting the machine",
                    cpu->cpu_index);
        a->dead = true;
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        break;
    default:
        break;
    }
}

static void *tcg_vcpu_thread_fn(void *arg)
{
    CPUState *cpu = arg;

    bql_lock();
    qemu_thread_get_self(cpu->thread);
    cpu->thread_id = qemu_get_thread_id();
    current_cpu = cpu;
    accel_cpu_thread_created(cpu);

    do {
        /* Cleared before the checks: a later kick is seen by the run. */
        qatomic_set(&cpu->accel->interp.exit_request, 0);
        if (accel_cpu_may_run(cpu) && !tcg_cpu_thread_is_idle(cpu)) {
            tcg_cpu_exec(cpu);
        }
        accel_cpu_wait_io_event(cpu, tcg_cpu_thread_is_idle);
    } while (!cpu->unplug);

    accel_cpu_thread_exited(cpu);
    bql_unlock();
    return NULL;
}

bool tcg_init_vcpu(CPUState *cpu, Error **errp)
{
    BQL_LOCK_GUARD();
    char name[32];

    cpu->accel = g_new0(AccelCPUState, 1);
    qemu_mutex_init(&cpu->accel->inval_lock);
    cpu->accel->inval_pages = g_array_new(false, false, sizeof(uint64_t));
    x86_interp_init(&cpu->accel->interp, cpu_env(cpu), &tcg_x86_ops, cpu);
    cpu->accel->map_gen = tcg_memory_map_gen();
    cpu->thread = g_new0(QemuThread, 1);
    cpu->halt_cond = g_new0(QemuCond, 1);
    qemu_cond_init(cpu->halt_cond);
    /* Parked until the VM starts (resume_all_vcpus). */
    cpu->stopped = true;
    snprintf(name, sizeof(name), "CPU %d/TCG", cpu->cpu_index);
    qemu_thread_create(cpu->thread, name, tcg_vcpu_thread_fn, cpu,
                       QEMU_THREAD_JOINABLE);
    accel_cpu_wait_created(cpu);
    return true;
}

/* The PIC's INTR output goes to the boot CPU (there is no local APIC). */
static void tcg_intr(void *opaque, int level)
{
    CPUState *cpu = first_cpu;

    if (!cpu || !cpu->accel) {
        return;
    }
    qatomic_set(&cpu->accel->interp.irq_line, level);
    if (level) {
        /* A halted vCPU waits on halt_cond; a running one polls. */
        qemu_cond_broadcast(cpu->halt_cond);
    }
}

/* ------------------------------------------------------------------ */
/* Register synchronisation (CPUAccelHooks)                            */

/*
 * The interpreter works on the CPU object's registers themselves, so
 * there is nothing to copy; what differs is the TSC (an offset against
 * the guest clock) and the caches that must not outlive a new state.
 */
static void do_tcg_sync_state(CPUState *cpu, run_on_cpu_data arg)
{
    x86_interp_save_tsc(&cpu->accel->interp);
}

static void do_tcg_post_init(CPUState *cpu, run_on_cpu_data arg)
{
    AccelCPUState *a = cpu->accel;

    x86_interp_load_state(&a->interp);
    a->dead = false;
    cpu->halted = cpu_env(cpu)->mp_state == MP_STATE_HALTED;
}

static void do_tcg_reset(CPUState *cpu, run_on_cpu_data arg)
{
    X86CPU *xcpu = X86_CPU(cpu);

    x86_cpu_state_reset(&xcpu->env, xcpu->start_cs, xcpu->start_ip);
    /* No INIT/SIPI without local APICs: secondaries never start. */
    if (cpu->cpu_index != 0) {
        xcpu->env.mp_state = MP_STATE_UNINITIALIZED;
    }
    do_tcg_post_init(cpu, arg);
    cpu->crash_occurred = false;
}

static void tcg_cpu_synchronize_state(CPUState *cpu)
{
    if (cpu->accel) {
        run_on_cpu(cpu, do_tcg_sync_state, RUN_ON_CPU_NULL);
    }
}

static void tcg_cpu_synchronize_post_reset(CPUState *cpu)
{
    if (cpu->accel) {
        run_on_cpu(cpu, do_tcg_reset, RUN_ON_CPU_NULL);
    }
}

static void tcg_cpu_synchronize_post_init(CPUState *cpu)
{
    if (cpu->accel) {
        run_on_cpu(cpu, do_tcg_post_init, RUN_ON_CPU_NULL);
    }
}

static void tcg_cpu_synchronize_pre_loadvm(CPUState *cpu)
{
}

static void tcg_cpu_kick(CPUState *cpu)
{
    if (cpu->accel) {
        qatomic_set(&cpu->accel->interp.exit_request, 1);
    }
}

static const CPUAccelHooks tcg_cpu_hooks = {
    .kick = tcg_cpu_kick,
    .synchronize_state = tcg_cpu_synchronize_state,
    .synchronize_post_reset = tcg_cpu_synchronize_post_reset,
    .synchronize_post_init = tcg_cpu_synchronize_post_init,
    .synchronize_pre_loadvm = tcg_cpu_synchronize_pre_loadvm,
};

static void tcg_synchronize_all_post_reset(void)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        tcg_cpu_synchronize_post_reset(cpu);
    }
}

static const CpusAccel tcg_cpus_accel = {
    .pause_all_vcpus = accel_pause_all_vcpus,
    .resume_all_vcpus = accel_resume_all_vcpus,
    .all_vcpus_paused = accel_all_vcpus_paused,
    .kick_all_vcpus = accel_kick_all_vcpus,
    .in_vcpu_thread = accel_in_vcpu_thread,
    .stop_current = accel_stop_current,
    .synchronize_post_reset = tcg_synchronize_all_post_reset,
    .query_cpus_fast = accel_query_cpus_fast,
};

void tcg_cpus_init(void)
{
    accel_cpus_init_common();
    cpu_set_accel_hooks(&tcg_cpu_hooks);
    cpus_register_accel(&tcg_cpus_accel);
    i8259_set_intr_handler(tcg_intr, NULL);
}
