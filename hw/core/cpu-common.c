/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The generic vCPU: the abstract TYPE_CPU, the CPU list, and the work
 * queue through which other threads run functions in a vCPU's thread
 * (run_on_cpu).  The threads themselves are made by system/cpus.c and
 * the accelerator.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/atomic.h"
#include "qemu/main-loop.h"
#include "hw/core/cpu.h"
#include "migration/register.h"

CPUTailQ cpus_queue = QTAILQ_HEAD_INITIALIZER(cpus_queue);
__thread CPUState *current_cpu;

/* Signalled (with the BQL as mutex) whenever a work item completes. */
static QemuCond qemu_work_cond;
static bool work_cond_ready;

struct qemu_work_item {
    QSIMPLEQ_ENTRY(qemu_work_item) node;
    run_on_cpu_func func;
    run_on_cpu_data data;
    bool free;      /* async: the queue owns the item */
    bool done;      /* sync: set under the BQL once func returned */
};

static void work_cond_init(void)
{
    if (!work_cond_ready) {
        qemu_cond_init(&qemu_work_cond);
        work_cond_ready = true;
    }
}

void cpu_list_add(CPUState *cpu)
{
    CPUState *some;
    int max = -1;

    CPU_FOREACH(some) {
        max = MAX(max, some->cpu_index);
    }
    if (cpu->cpu_index < 0) {
        cpu->cpu_index = max + 1;
    }
    assert(!qemu_get_cpu(cpu->cpu_index));
    /* Keep the list in cpu_index order. */
    CPU_FOREACH(some) {
        if (some->cpu_index > cpu->cpu_index) {
            QTAILQ_INSERT_BEFORE(some, cpu, node);
            return;
        }
    }
    QTAILQ_INSERT_TAIL(&cpus_queue, cpu, node);
}

void cpu_list_remove(CPUState *cpu)
{
    CPUState *some;

    CPU_FOREACH(some) {
        if (some == cpu) {
            QTAILQ_REMOVE(&cpus_queue, cpu, node);
            return;
        }
    }
}

CPUState *qemu_get_cpu(int index)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        if (cpu->cpu_index == index) {
            return cpu;
        }
    }
    return NULL;
}

CPUState *cpu_by_arch_id(int64_t id)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        if (cpu_get_arch_id(cpu) == id) {
            return cpu;
        }
    }
    return NULL;
}

unsigned int cpu_count(void)
{
    CPUState *cpu;
    unsigned int n = 0;

    CPU_FOREACH(cpu) {
        n++;
    }
    return n;
}

bool qemu_cpu_is_self(CPUState *cpu)
{
    return cpu->thread && qemu_thread_is_self(cpu->thread);
}

static const CPUAccelHooks *accel_hooks;

void cpu_set_accel_hooks(const CPUAccelHooks *hooks)
{
    accel_hooks = hooks;
}

void qemu_cpu_kick(CPUState *cpu)
{
    if (cpu->halt_cond) {
        qemu_cond_broadcast(cpu->halt_cond);
    }
    if (accel_hooks && accel_hooks->kick && cpu->created &&
        !qemu_cpu_is_self(cpu)) {
        accel_hooks->kick(cpu);
    }
}

void cpu_synchronize_state(CPUState *cpu)
{
    if (accel_hooks && accel_hooks->synchronize_state) {
        accel_hooks->synchronize_state(cpu);
    }
}

void cpu_synchronize_post_reset(CPUState *cpu)
{
    if (accel_hooks && accel_hooks->synchronize_post_reset) {
        accel_hooks->synchronize_post_reset(cpu);
    }
}

void cpu_synchronize_post_init(CPUState *cpu)
{
    if (accel_hooks && accel_hooks->synchronize_post_init) {
        accel_hooks->synchronize_post_init(cpu);
    }
}

void cpu_synchronize_pre_loadvm(CPUState *cpu)
{
    if (accel_hooks && accel_hooks->synchronize_pre_loadvm) {
        accel_hooks->synchronize_pre_loadvm(cpu);
    }
}

static void queue_work_on_cpu(CPUState *cpu, struct qemu_work_item *wi)
{
    qemu_mutex_lock(&cpu->work_mutex);
    QSIMPLEQ_INSERT_TAIL(&cpu->work_list, wi, node);
    qemu_mutex_unlock(&cpu->work_mutex);
    qemu_cpu_kick(cpu);
}

void run_on_cpu(CPUState *cpu, run_on_cpu_func func, run_on_cpu_data data)
{
    struct qemu_work_item wi = { .func = func, .data = data };

    assert(bql_locked());
    if (qemu_cpu_is_self(cpu) || !cpu->created) {
        /* Nobody else would run it: the thread does not exist (yet). */
        func(cpu, data);
        return;
    }
    work_cond_init();
    queue_work_on_cpu(cpu, &wi);
    while (!qatomic_read(&wi.done)) {
        qemu_cond_wait_bql(&qemu_work_cond);
    }
}

void async_run_on_cpu(CPUState *cpu, run_on_cpu_func func,
                      run_on_cpu_data data)
{
    struct qemu_work_item *wi = g_new0(struct qemu_work_item, 1);

    wi->func = func;
    wi->data = data;
    wi->free = true;
    queue_work_on_cpu(cpu, wi);
}

bool cpu_work_list_empty(CPUState *cpu)
{
    bool empty;

    qemu_mutex_lock(&cpu->work_mutex);
    empty = QSIMPLEQ_EMPTY(&cpu->work_list);
    qemu_mutex_unlock(&cpu->work_mutex);
    return empty;
}

void process_queued_cpu_work(CPUState *cpu)
{
    struct qemu_work_item *wi;

    assert(bql_locked());
    qemu_mutex_lock(&cpu->work_mutex);
    while ((wi = QSIMPLEQ_FIRST(&cpu->work_list))) {
        QSIMPLEQ_REMOVE_HEAD(&cpu->work_list, node);
        qemu_mutex_unlock(&cpu->work_mutex);
        wi->func(cpu, wi->data);
        qemu_mutex_lock(&cpu->work_mutex);
        if (wi->free) {
            g_free(wi);
        } else {
            qatomic_set(&wi->done, true);
        }
    }
    qemu_mutex_unlock(&cpu->work_mutex);
    work_cond_init();
    qemu_cond_broadcast(&qemu_work_cond);
}

void cpu_reset(CPUState *cpu)
{
    CPUClass *cc = CPU_GET_CLASS(cpu);

    if (cc->reset) {
        cc->reset(cpu);
    }
}

void cpu_dump_state(CPUState *cpu, GString *buf, int flags)
{
    CPUClass *cc = CPU_GET_CLASS(cpu);

    if (cc->dump_state) {
        cc->dump_state(cpu, buf, flags);
    }
}

void cpu_set_pc(CPUState *cpu, vaddr pc)
{
    CPUClass *cc = CPU_GET_CLASS(cpu);

    if (cc->set_pc) {
        cc->set_pc(cpu, pc);
    }
}

int64_t cpu_get_arch_id(CPUState *cpu)
{
    CPUClass *cc = CPU_GET_CLASS(cpu);

    return cc->get_arch_id ? cc->get_arch_id(cpu) : cpu->cpu_index;
}

static void cpu_common_realize(DeviceState *dev, Error **errp)
{
    CPUState *cpu = CPU(dev);
    CPUClass *cc = CPU_GET_CLASS(cpu);

    cpu_list_add(cpu);
    if (cc->vmsd &&
        vmstate_register_with_alias_id(OBJECT(cpu), cpu->cpu_index,
                                       cc->vmsd, cpu, -1, 0, errp) < 0) {
        cpu_list_remove(cpu);
    }
}

static void cpu_common_unrealize(DeviceState *dev)
{
    CPUState *cpu = CPU(dev);
    CPUClass *cc = CPU_GET_CLASS(cpu);

    if (cc->vmsd) {
        vmstate_unregister(OBJECT(cpu), cc->vmsd, cpu);
    }
    cpu_list_remove(cpu);
}

static void cpu_common_init(Object *obj)
{
    CPUState *cpu = CPU(obj);

    cpu->cpu_index = -1;
    qemu_mutex_init(&cpu->work_mutex);
    QSIMPLEQ_INIT(&cpu->work_list);
}

static void cpu_common_finalize(Object *obj)
{
    CPUState *cpu = CPU(obj);

    qemu_mutex_destroy(&cpu->work_mutex);
}

static void cpu_common_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = cpu_common_realize;
    dc->unrealize = cpu_common_unrealize;
    /* CPUs are made by the machine (-smp), never by -device. */
    dc->user_creatable = false;
}

static const TypeInfo cpu_type_info = {
    .name = TYPE_CPU,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(CPUState),
    .instance_init = cpu_common_init,
    .instance_finalize = cpu_common_finalize,
    .abstract = true,
    .class_size = sizeof(CPUClass),
    .class_init = cpu_common_class_init,
};

static void cpu_register_types(void)
{
    type_register_static(&cpu_type_info);
}

type_init(cpu_register_types)
