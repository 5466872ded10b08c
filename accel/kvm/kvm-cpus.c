/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * KVM vCPU threads: one thread per vCPU ("CPU N/KVM") runs KVM_RUN
 * without the BQL and takes it for each exit it hands to a device (port
 * I/O, MMIO) or to the run-state code (shutdown, internal errors).  Also
 * the pause / resume / kick seam of system/cpus.h and the register
 * synchronisation of hw/core/cpu.h.
 *
 * The pause protocol (system/accel-cpus.h, shared with tcg): the thread
 * leaves KVM_RUN on a kick (KVM_EXIT_INTR, or at its next exit) and
 * parks.  A thread also waits while the VM is not running, while halted
 * (userspace HLT without the in-kernel irqchip) and after a fatal error,
 * and runs queued run_on_cpu work whenever it wakes.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/util.h"
#include "qemu/atomic.h"
#include "qemu/bswap.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "system/accel-cpus.h"
#include "system/memory.h"
#include "system/runstate.h"
#include "kvm-accel.h"

/* Results of one kvm_cpu_exec() round. */
enum {
    KVM_EXEC_INTERRUPT,     /* kicked, stop requested or request made */
    KVM_EXEC_HALT,          /* userspace HLT */
    KVM_EXEC_ERROR,         /* the VM must stop (reported) */
};

KVMVCPU *kvm_cpu_vcpu(CPUState *cpu)
{
    return cpu->accel ? cpu->accel->vcpu : NULL;
}

uint64_t kvm_cpu_dirty_pages(CPUState *cpu)
{
    KVMVCPU *vcpu = kvm_cpu_vcpu(cpu);

    return vcpu ? kvm_vcpu_dirty_pages(vcpu) : 0;
}

/* ------------------------------------------------------------------ */
/* Exits                                                               */

static void kvm_handle_io(KVMExit *e)
{
    uint8_t *data = e->io.data;

    for (uint32_t i = 0; i < e->io.count; i++, data += e->io.size) {
        uint64_t val = 0;

        if (e->io.is_write) {
            memcpy(&val, data, e->io.size);
            address_space_st(&address_space_io, e->io.port, e->io.size,
                             le64_to_cpu(val));
        } else {
            /* Unassigned ports read all-ones (the memory core's rule). */
            address_space_ld(&address_space_io, e->io.port, e->io.size,
                             &val);
            val = cpu_to_le64(val);
            memcpy(data, &val, e->io.size);
        }
    }
}

static void kvm_handle_mmio(KVMExit *e)
{
    address_space_rw(&address_space_memory, e->mmio.addr,
                     MEMTXATTRS_UNSPECIFIED, e->mmio.data, e->mmio.len,
                     e->mmio.is_write);
}

/* Report an exit the VM cannot go on from; BQL held, in the thread. */
static void kvm_report_fatal(CPUState *cpu, const KVMExit *e,
                             const char *why)
{
    g_autoptr(GString) buf = g_string_new(NULL);

    if (why) {
        error_report("kvm: vCPU %d: %s", cpu->cpu_index, why);
    } else if (e->reason == KVM_EXIT_INTERNAL_ERROR) {
        error_report("KVM internal error. Suberror: %" PRIu32,
                     e->internal.suberror);
        for (uint32_t i = 0; i < e->internal.ndata && i < 16; i++) {
            error_printf("extra data[%u]: 0x%016" PRIx64 "\n", i,
                         e->internal.data[i]);
        }
    } else if (e->reason == KVM_EXIT_FAIL_ENTRY) {
        error_report("KVM: entry failed, hardware error 0x%" PRIx64,
                     e->fail_entry.hardware_reason);
    } else {
        error_report("KVM: unhandled exit %" PRIu32, e->reason);
    }
    cpu_synchronize_state(cpu);
    cpu_dump_state(cpu, buf, 0);
    if (buf->len) {
        error_printf("%s", buf->str);
    }
    cpu->crash_occurred = true;
}

/*
 * Enter the guest until something needs the thread outside KVM_RUN.
 * Called and returns with the BQL held; drops it while in the guest.
 */
static int kvm_cpu_exec(CPUState *cpu)
{
    KVMVCPU *vcpu = cpu->accel->vcpu;
    Error *err = NULL;
    KVMExit e = { 0 };
    int ret = -1;

    if (cpu->vcpu_dirty) {
        if (!kvm_arch_put_registers(cpu, &err)) {
            error_report_err(err);
            kvm_report_fatal(cpu, &e, "cannot write the registers");
            return KVM_EXEC_ERROR;
        }
        cpu->vcpu_dirty = false;
    }

    bql_unlock();
    while (ret < 0) {
        if (!kvm_vcpu_run(vcpu, &e, &err)) {
            bql_lock();
            error_report_err(err);
            kvm_report_fatal(cpu, &e, "KVM_RUN failed");
            return KVM_EXEC_ERROR;
        }
        switch (e.reason) {
        case KVM_EXIT_IO:
            bql_lock();
            kvm_handle_io(&e);
            bql_unlock();
            break;
        case KVM_EXIT_MMIO:
            bql_lock();
            kvm_handle_mmio(&e);
            bql_unlock();
            break;
        case KVM_EXIT_IRQ_WINDOW_OPEN:
            break;
        case KVM_EXIT_INTR:
            ret = KVM_EXEC_INTERRUPT;
            break;
        case KVM_EXIT_HLT:
            ret = KVM_EXEC_HALT;
            break;
        case KVM_EXIT_SHUTDOWN:
            /* Triple fault: the PC resets. */
            bql_lock();
            qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
            bql_unlock();
            ret = KVM_EXEC_INTERRUPT;
            break;
        case KVM_EXIT_SYSTEM_EVENT:
            bql_lock();
            switch (e.system_event.type) {
            case KVM_SYSTEM_EVENT_SHUTDOWN:
                qemu_system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
                ret = KVM_EXEC_INTERRUPT;
                break;
            case KVM_SYSTEM_EVENT_RESET:
                qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
                ret = KVM_EXEC_INTERRUPT;
                break;
            default:
                ret = KVM_EXEC_ERROR;
                break;
            }
            bql_unlock();
            break;
        default:
            /* INTERNAL_ERROR, FAIL_ENTRY, and anything we do not know. */
            ret = KVM_EXEC_ERROR;
            break;
        }
        /* A device or request may have asked this vCPU to stop. */
        if (ret < 0 && qatomic_read(&cpu->stop)) {
            ret = KVM_EXEC_INTERRUPT;
        }
    }
    bql_lock();

    if (ret == KVM_EXEC_ERROR) {
        kvm_report_fatal(cpu, &e, NULL);
    }
    return ret;
}

/* ------------------------------------------------------------------ */
/* The thread                                                          */

static bool kvm_cpu_thread_is_idle(CPUState *cpu)
{
    if (cpu->stop || !cpu_work_list_empty(cpu)) {
        return false;
    }
    return cpu->stopped || !runstate_is_running() || cpu->halted ||
           cpu->accel->dead;
}

static bool kvm_cpu_can_run(CPUState *cpu)
{
    return accel_cpu_may_run(cpu) && !cpu->halted && !cpu->accel->dead;
}

static void *kvm_vcpu_thread_fn(void *arg)
{
    CPUState *cpu = arg;
    Error *err = NULL;

    bql_lock();
    qemu_thread_get_self(cpu->thread);
    cpu->thread_id = qemu_get_thread_id();
    current_cpu = cpu;
    if (!kvm_vcpu_thread_init(cpu->accel->vcpu, &err)) {
        error_reportf_err(err, "kvm: vCPU %d: ", cpu->cpu_index);
        cpu->accel->dead = true;
    }
    accel_cpu_thread_created(cpu);

    do {
        if (kvm_cpu_can_run(cpu)) {
            int r = kvm_cpu_exec(cpu);

            if (r == KVM_EXEC_HALT) {
                cpu->halted = 1;
            } else if (r == KVM_EXEC_ERROR) {
                /* Never enter again until reset; let the main loop stop. */
                cpu->accel->dead = true;
                vm_stop(RUN_STATE_INTERNAL_ERROR);
            }
        }
        accel_cpu_wait_io_event(cpu, kvm_cpu_thread_is_idle);
    } while (!cpu->unplug);

    kvm_vcpu_thread_fini(cpu->accel->vcpu);
    accel_cpu_thread_exited(cpu);
    bql_unlock();
    return NULL;
}

bool kvm_init_vcpu(CPUState *cpu, Error **errp)
{
    BQL_LOCK_GUARD();
    KVMVCPU *vcpu;
    char name[32];

    vcpu = kvm_vcpu_create(kvm_state, cpu_get_arch_id(cpu), errp);
    if (!vcpu) {
        return false;
    }
    cpu->accel = g_new0(AccelCPUState, 1);
    cpu->accel->vcpu = vcpu;
    if (!kvm_arch_init_vcpu(cpu, errp)) {
        kvm_vcpu_destroy(vcpu);
        g_clear_pointer(&cpu->accel, g_free);
        return false;
    }
    cpu->thread = g_new0(QemuThread, 1);
    cpu->halt_cond = g_new0(QemuCond, 1);
    qemu_cond_init(cpu->halt_cond);
    /* Parked until the VM starts (resume_all_vcpus). */
    cpu->stopped = true;
    snprintf(name, sizeof(name), "CPU %d/KVM", cpu->cpu_index);
    qemu_thread_create(cpu->thread, name, kvm_vcpu_thread_fn, cpu,
                       QEMU_THREAD_JOINABLE);
    accel_cpu_wait_created(cpu);
    if (cpu->accel->dead) {
        error_setg(errp, "kvm: vCPU %d could not start", cpu->cpu_index);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Register synchronisation (CPUAccelHooks)                            */

static void do_kvm_get_registers(CPUState *cpu, run_on_cpu_data arg)
{
    Error *err = NULL;

    if (!cpu->vcpu_dirty) {
        if (kvm_arch_get_registers(cpu, &err)) {
            cpu->vcpu_dirty = true;
        } else {
            error_reportf_err(err, "kvm: vCPU %d: ", cpu->cpu_index);
        }
    }
}

static void do_kvm_put_registers(CPUState *cpu, run_on_cpu_data arg)
{
    Error *err = NULL;

    if (kvm_arch_put_registers(cpu, &err)) {
        cpu->vcpu_dirty = false;
    } else {
        error_reportf_err(err, "kvm: vCPU %d: ", cpu->cpu_index);
    }
}

static void do_kvm_reset(CPUState *cpu, run_on_cpu_data arg)
{
    Error *err = NULL;

    if (kvm_arch_reset_vcpu(cpu, &err)) {
        cpu->vcpu_dirty = false;
        /* A reset gives a failed vCPU a fresh start. */
        cpu->accel->dead = false;
        cpu->crash_occurred = false;
    } else {
        error_reportf_err(err, "kvm: vCPU %d reset: ", cpu->cpu_index);
    }
}

/*
 * A parked vCPU (stopped, waiting for the BQL that we hold) cannot enter
 * KVM_RUN or run queued work meanwhile, so its registers can be read and
 * written from this thread; KVM allows vCPU ioctls other than KVM_RUN
 * from any thread.  This saves two trips through the vCPU's thread in
 * the migration pause (save on the source, load on the destination),
 * which a loaded host can take milliseconds to schedule.
 */
static bool kvm_cpu_parked(CPUState *cpu)
{
    return bql_locked() && cpu->stopped && !cpu->stop &&
           !qemu_cpu_is_self(cpu);
}

static void kvm_cpu_on_vcpu(CPUState *cpu, run_on_cpu_func func)
{
    if (kvm_cpu_parked(cpu)) {
        func(cpu, RUN_ON_CPU_NULL);
    } else {
        run_on_cpu(cpu, func, RUN_ON_CPU_NULL);
    }
}

static void kvm_cpu_synchronize_state(CPUState *cpu)
{
    if (cpu->accel && !cpu->vcpu_dirty) {
        kvm_cpu_on_vcpu(cpu, do_kvm_get_registers);
    }
}

static void kvm_cpu_synchronize_post_reset(CPUState *cpu)
{
    if (cpu->accel) {
        run_on_cpu(cpu, do_kvm_reset, RUN_ON_CPU_NULL);
    }
}

static void kvm_cpu_synchronize_post_init(CPUState *cpu)
{
    if (cpu->accel) {
        kvm_cpu_on_vcpu(cpu, do_kvm_put_registers);
    }
}

static void kvm_cpu_synchronize_pre_loadvm(CPUState *cpu)
{
    /* The incoming state replaces KVM's; written before the next run. */
    cpu->vcpu_dirty = true;
}

static void kvm_cpu_kick(CPUState *cpu)
{
    if (cpu->accel) {
        kvm_vcpu_kick(cpu->accel->vcpu);
    }
}

static const CPUAccelHooks kvm_cpu_hooks = {
    .kick = kvm_cpu_kick,
    .synchronize_state = kvm_cpu_synchronize_state,
    .synchronize_post_reset = kvm_cpu_synchronize_post_reset,
    .synchronize_post_init = kvm_cpu_synchronize_post_init,
    .synchronize_pre_loadvm = kvm_cpu_synchronize_pre_loadvm,
};

/* ------------------------------------------------------------------ */
/* Whole-VM operations (CpusAccel)                                     */

static void kvm_synchronize_all_post_reset(void)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        kvm_cpu_synchronize_post_reset(cpu);
    }
}

static const CpusAccel kvm_cpus_accel = {
    .pause_all_vcpus = accel_pause_all_vcpus,
    .resume_all_vcpus = accel_resume_all_vcpus,
    .all_vcpus_paused = accel_all_vcpus_paused,
    .kick_all_vcpus = accel_kick_all_vcpus,
    .in_vcpu_thread = accel_in_vcpu_thread,
    .stop_current = accel_stop_current,
    .synchronize_post_reset = kvm_synchronize_all_post_reset,
    .query_cpus_fast = accel_query_cpus_fast,
};

void kvm_cpus_init(void)
{
    accel_cpus_init_common();
    cpu_set_accel_hooks(&kvm_cpu_hooks);
    cpus_register_accel(&kvm_cpus_accel);
}
