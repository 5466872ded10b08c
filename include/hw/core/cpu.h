/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The generic vCPU (TYPE_CPU): what every accelerator and cpus.c need to
 * know about a virtual CPU, independent of the architecture: its thread,
 * the pause protocol flags, the halt condition, the queue of work items
 * other threads hand to it (run_on_cpu), and the list of all CPUs.
 *
 * Division of labour:
 *  - hw/core/cpu-common.c (this header's implementation): the type, the
 *    CPU list, current_cpu, run_on_cpu / async_run_on_cpu and
 *    process_queued_cpu_work, cpu_reset, and the per-CPU entry points
 *    into the accelerator (qemu_cpu_kick, cpu_synchronize_*) through the
 *    CPUAccelHooks the accelerator installs.
 *  - system/cpus.c: the whole-VM operations (pause / resume all vCPUs,
 *    include/system/cpus.h), forwarded to the accelerator's CpusAccel.
 *  - accel/<name>/: the vCPU threads and the accelerator's per-vCPU
 *    state (AccelCPUState).
 *
 * Locking: the flags below (stop, stopped, halted, created, ...) and the
 * CPU list change under the BQL; @exit_request and @thread_kicked may be
 * set from any thread with atomics.
 */
#ifndef HW_CORE_CPU_H
#define HW_CORE_CPU_H

#include "hw/qdev-core.h"
#include "qemu/queue.h"
#include "qemu/thread.h"

#define TYPE_CPU "cpu"
OBJECT_DECLARE_TYPE(CPUState, CPUClass, CPU)

/* Accelerator-specific per-vCPU state (KVMVCPU wrapper, ...). */
typedef struct AccelCPUState AccelCPUState;

typedef uint64_t vaddr;

/* The argument of a run_on_cpu() work item. */
typedef union {
    int host_int;
    unsigned long host_ulong;
    void *host_ptr;
    vaddr target_ptr;
} run_on_cpu_data;

#define RUN_ON_CPU_HOST_PTR(p)    ((run_on_cpu_data){ .host_ptr = (p) })
#define RUN_ON_CPU_HOST_INT(i)    ((run_on_cpu_data){ .host_int = (i) })
#define RUN_ON_CPU_HOST_ULONG(ul) ((run_on_cpu_data){ .host_ulong = (ul) })
#define RUN_ON_CPU_NULL           RUN_ON_CPU_HOST_PTR(NULL)

typedef void (*run_on_cpu_func)(CPUState *cpu, run_on_cpu_data data);

struct qemu_work_item;

/* Flags of cpu_dump_state(). */
#define CPU_DUMP_CODE 0x00010000
#define CPU_DUMP_FPU  0x00020000

struct CPUClass {
    DeviceClass parent_class;

    /*
     * Architectural reset to the power-on state (the accelerator's
     * registers are written afterwards by cpu_synchronize_post_reset()).
     */
    void (*reset)(CPUState *cpu);
    /* Print the registers to @buf, for errors and "info registers". */
    void (*dump_state)(CPUState *cpu, GString *buf, int flags);
    /* The architecture's id of this CPU (the APIC ID on x86). */
    int64_t (*get_arch_id)(CPUState *cpu);
    /* Start executing at @pc (a loader's entry point). */
    void (*set_pc)(CPUState *cpu, vaddr pc);
    /*
     * The CPU's migration section ("cpu", instance = cpu_index),
     * registered by cpu_vmstate_register() when the CPU is realized.
     */
    const VMStateDescription *vmsd;
};

struct CPUState {
    DeviceState parent_obj;

    /* Index in the CPU list: 0 for the boot CPU, then -smp order. */
    int cpu_index;

    /* The vCPU thread (created by cpus.c through the accelerator). */
    QemuThread *thread;
    int thread_id;
    /* Signalled to wake the vCPU thread when it waits (halt, stop). */
    QemuCond *halt_cond;
    /* The thread exists and has initialised its accelerator state. */
    bool created;
    /* The thread is inside its run loop (not waiting). */
    bool running;
    /* A kick is pending (set by qemu_cpu_kick, cleared by the thread). */
    bool thread_kicked;
    /* Ask the thread to leave the guest at the next chance (any thread). */
    bool exit_request;

    /*
     * Pause protocol: pause_all_vcpus() sets @stop and kicks; the thread
     * sets @stopped, clears @stop and waits until @stopped is cleared by
     * resume_all_vcpus().
     */
    bool stop;
    bool stopped;
    /* Created halted (-smp secondaries wait for an INIT/SIPI or reset). */
    bool start_powered_off;
    /* Guest executed HLT and has no interrupt to take (userspace halt). */
    uint32_t halted;
    bool unplug;
    /* A fatal guest error was reported for this CPU. */
    bool crash_occurred;
    /* A throttle sleep is queued (system/cpu-throttle.c). */
    bool throttle_thread_scheduled;

    /*
     * The accelerator's copy of the registers is newer than the kernel's
     * (cpu_synchronize_state() fetched it and somebody may have changed
     * it): the thread writes it back before it next enters the guest.
     */
    bool vcpu_dirty;
    AccelCPUState *accel;

    /* run_on_cpu work, protected by @work_mutex. */
    QemuMutex work_mutex;
    QSIMPLEQ_HEAD(, qemu_work_item) work_list;

    QTAILQ_ENTRY(CPUState) node;
};

/* All realized CPUs, in cpu_index order; changed under the BQL. */
typedef QTAILQ_HEAD(CPUTailQ, CPUState) CPUTailQ;
extern CPUTailQ cpus_queue;

#define first_cpu        QTAILQ_FIRST(&cpus_queue)
#define CPU_NEXT(cpu)    QTAILQ_NEXT(cpu, node)
#define CPU_FOREACH(cpu) QTAILQ_FOREACH(cpu, &cpus_queue, node)
#define CPU_FOREACH_SAFE(cpu, next_cpu) \
    QTAILQ_FOREACH_SAFE(cpu, &cpus_queue, node, next_cpu)

/* The CPU the calling thread runs, or NULL outside vCPU threads. */
extern __thread CPUState *current_cpu;

/* Add to / remove from the list; add assigns cpu_index if it is -1. */
void cpu_list_add(CPUState *cpu);
void cpu_list_remove(CPUState *cpu);
/* The CPU with that cpu_index, or NULL. */
CPUState *qemu_get_cpu(int index);
/* The CPU whose get_arch_id() is @id, or NULL. */
CPUState *cpu_by_arch_id(int64_t id);
unsigned int cpu_count(void);

/* Whether the calling thread is @cpu's vCPU thread. */
bool qemu_cpu_is_self(CPUState *cpu);

/*
 * What an accelerator does for one vCPU; installed once with
 * cpu_set_accel_hooks().  Without hooks (qtest, the none machine) no
 * guest code runs: a kick only wakes a waiting thread and the
 * synchronisations do nothing.
 */
typedef struct CPUAccelHooks {
    /* Make the thread leave the guest soon (any thread). */
    void (*kick)(CPUState *cpu);
    /* Fetch the registers into the CPU object (BQL held). */
    void (*synchronize_state)(CPUState *cpu);
    /* Push the CPU object's registers after a reset / at start-up. */
    void (*synchronize_post_reset)(CPUState *cpu);
    void (*synchronize_post_init)(CPUState *cpu);
    /* Before an incoming state is loaded into the CPU object. */
    void (*synchronize_pre_loadvm)(CPUState *cpu);
} CPUAccelHooks;

void cpu_set_accel_hooks(const CPUAccelHooks *hooks);

/*
 * Make @cpu's thread leave the guest and look at its flags and work
 * queue: wakes it if it waits on @halt_cond, and kicks it out of the
 * guest through the accelerator.  Any thread.
 */
void qemu_cpu_kick(CPUState *cpu);

/* The CPUAccelHooks entry points (nothing without an accelerator). */
void cpu_synchronize_state(CPUState *cpu);
void cpu_synchronize_post_reset(CPUState *cpu);
void cpu_synchronize_post_init(CPUState *cpu);
void cpu_synchronize_pre_loadvm(CPUState *cpu);

/*
 * Run @func on @cpu's thread and wait for it; the caller holds the BQL
 * (dropped while waiting) and the function runs with the BQL held.  From
 * @cpu's own thread it runs at once.
 */
void run_on_cpu(CPUState *cpu, run_on_cpu_func func, run_on_cpu_data data);
/* Same without waiting (the item is freed after it ran). */
void async_run_on_cpu(CPUState *cpu, run_on_cpu_func func,
                      run_on_cpu_data data);
/* In @cpu's thread, with the BQL: run every queued item. */
void process_queued_cpu_work(CPUState *cpu);
bool cpu_work_list_empty(CPUState *cpu);

/* Architectural reset (CPUClass.reset). */
void cpu_reset(CPUState *cpu);
/* Append CPUClass.dump_state's text to @buf (nothing if absent). */
void cpu_dump_state(CPUState *cpu, GString *buf, int flags);
void cpu_set_pc(CPUState *cpu, vaddr pc);
int64_t cpu_get_arch_id(CPUState *cpu);

#endif /* HW_CORE_CPU_H */
