/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The KVM accelerator object ("-accel kvm"): creates the VM, maps guest
 * RAM into memory slots with a MemoryListener on the system address
 * space, moves KVM's dirty log into the RAMBlock dirty bitmaps
 * (log_start / log_stop / log_sync), runs the dirty-ring reaper, drives
 * the in-kernel irqchip's ISA lines and migrates the VM's kvmclock.
 * The memory listener is in kvm-memory.c, the vCPU threads in
 * kvm-cpus.c.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "qemu/atomic.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qemu/thread.h"
#include "hw/boards.h"
#include "migration/register.h"
#include "system/memory.h"
#include "system/runstate.h"
#include "system/kvm-memory.h"
#include "kvm-accel.h"

bool kvm_allowed;
KVMState *kvm_state;

static bool irqchip_in_kernel;
static bool pit_in_kernel;

bool kvm_irqchip_is_in_kernel(void)
{
    return irqchip_in_kernel;
}

bool kvm_pit_is_in_kernel(void)
{
    return pit_in_kernel;
}

void kvm_set_irq(int irq, int level)
{
    struct kvm_irq_level event = { .irq = irq, .level = level };
    int ret;

    if (!kvm_state || !irqchip_in_kernel) {
        return;     /* no interrupt controller to deliver to */
    }
    ret = kvm_vm_ioctl(kvm_state, KVM_IRQ_LINE, &event);
    if (ret < 0) {
        error_report("kvm: setting IRQ %d to %d failed: %s", irq, level,
                     strerror(-ret));
    }
}

/* ------------------------------------------------------------------ */
/* Dirty ring reaper                                                   */

static QemuThread reaper_thread;
static QemuSemaphore reaper_sem;
static bool reaper_quit;

/*
 * Harvest the rings every 100 ms so that vCPUs rarely fill theirs (a
 * vCPU whose ring is full reaps by itself and re-enters).  No BQL.
 */
static void *kvm_dirty_ring_reaper(void *opaque)
{
    while (!qatomic_read(&reaper_quit)) {
        Error *err = NULL;

        qemu_sem_timedwait(&reaper_sem, 100);
        if (kvm_dirty_ring_reap(kvm_state, &err) < 0) {
            error_reportf_err(err, "kvm: dirty ring reaper stops: ");
            break;
        }
    }
    return NULL;
}

bool kvm_dirty_ring_enabled(void)
{
    return kvm_state && kvm_dirty_ring_entries(kvm_state);
}

uint32_t kvm_dirty_ring_size(void)
{
    return kvm_state ? kvm_dirty_ring_entries(kvm_state) : 0;
}

void kvm_dirty_ring_flush(void)
{
    Error *err = NULL;

    if (kvm_dirty_ring_enabled() && kvm_dirty_ring_reap(kvm_state, &err) < 0) {
        error_report_err(err);
    }
}

/* ------------------------------------------------------------------ */
/* kvmclock                                                            */

/*
 * The VM's kvmclock.  It is read when the VM stops and written back when
 * it runs again, so that guest time does not jump over a pause, and so
 * that the value a migration carries is the one the guest saw last.
 */
typedef struct KVMClockState {
    uint64_t clock;
    bool clock_valid;
} KVMClockState;

static KVMClockState kvmclock;

static void kvmclock_vm_state_change(void *opaque, bool running,
                                     RunState state)
{
    KVMClockState *s = opaque;
    Error *err = NULL;

    if (running) {
        if (s->clock_valid && !kvm_set_clock(kvm_state, s->clock, &err)) {
            error_report_err(err);
        }
        s->clock_valid = false;
    } else if (!s->clock_valid) {
        if (kvm_get_clock(kvm_state, &s->clock, &err)) {
            s->clock_valid = true;
        } else {
            error_report_err(err);
        }
    }
}

static bool kvmclock_pre_save(void *opaque, Error **errp)
{
    KVMClockState *s = opaque;

    /* Normally stopped (so valid); a live snapshot reads it now. */
    if (!s->clock_valid) {
        return kvm_get_clock(kvm_state, &s->clock, errp);
    }
    return true;
}

static bool kvmclock_post_load(void *opaque, int version_id, Error **errp)
{
    KVMClockState *s = opaque;

    /* Written to KVM when the VM starts (kvmclock_vm_state_change). */
    s->clock_valid = true;
    return true;
}

static const VMStateDescription vmstate_kvmclock = {
    .name = "kvmclock",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save_errp = kvmclock_pre_save,
    .post_load_errp = kvmclock_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT64(clock, KVMClockState),
        VMSTATE_END_OF_LIST()
    },
};

/* ------------------------------------------------------------------ */
/* The accelerator object                                              */

static bool kvm_accel_init_machine(AccelState *accel, MachineState *ms,
                                   Error **errp)
{
    KVMAccelState *k = KVM_ACCEL(accel);
    KVMOptions opts = { 0 };

    if (!k->kernel_irqchip_set && ms &&
        object_property_find(OBJECT(ms), "kernel-irqchip")) {
        g_autofree char *v = object_property_get_str(OBJECT(ms),
                                                     "kernel-irqchip",
                                                     errp);
        if (!v) {
            return false;
        }
        k->kernel_irqchip = !strcmp(v, "on");
    }
    opts.irqchip = k->kernel_irqchip;
    opts.pit = k->kernel_irqchip;
    opts.dirty_ring_entries = k->dirty_ring_size;
    opts.no_manual_protect = !k->dirty_log_manual;

    kvm_state = kvm_state_new(&opts, errp);
    if (!kvm_state) {
        return false;
    }
    irqchip_in_kernel = opts.irqchip;
    pit_in_kernel = opts.pit;
    kvm_allowed = true;

    kvm_memory_listener_register(kvm_state, &address_space_memory);
    vmstate_register(NULL, 0, &vmstate_kvmclock, &kvmclock);
    qemu_add_vm_change_state_handler(kvmclock_vm_state_change, &kvmclock);
    if (k->dirty_ring_size) {
        qemu_sem_init(&reaper_sem, 0);
        qemu_thread_create(&reaper_thread, "kvm-reaper",
                           kvm_dirty_ring_reaper, NULL,
                           QEMU_THREAD_DETACHED);
    }
    kvm_cpus_init();
    return true;
}

static void kvm_get_dirty_ring_size(Object *obj, Visitor *v,
                                    const char *name, void *opaque,
                                    Error **errp)
{
    visit_type_uint32(v, name, &KVM_ACCEL(obj)->dirty_ring_size, errp);
}

static void kvm_set_dirty_ring_size(Object *obj, Visitor *v,
                                    const char *name, void *opaque,
                                    Error **errp)
{
    KVMAccelState *k = KVM_ACCEL(obj);
    uint32_t value;

    if (!visit_type_uint32(v, name, &value, errp)) {
        return;
    }
    if (value & (value - 1)) {
        error_setg(errp, "dirty-ring-size must be a power of two, "
                   "not %" PRIu32, value);
        return;
    }
    k->dirty_ring_size = value;
}

static char *kvm_get_kernel_irqchip(Object *obj, Error **errp)
{
    return g_strdup(KVM_ACCEL(obj)->kernel_irqchip ? "on" : "off");
}

static void kvm_set_kernel_irqchip(Object *obj, const char *value,
                                   Error **errp)
{
    KVMAccelState *k = KVM_ACCEL(obj);

    if (!strcmp(value, "on")) {
        k->kernel_irqchip = true;
    } else if (!strcmp(value, "off")) {
        k->kernel_irqchip = false;
    } else if (!strcmp(value, "split")) {
        error_setg(errp, "kernel-irqchip=split is not supported by Tern");
        return;
    } else {
        error_setg(errp, "kernel-irqchip must be on or off, not '%s'",
                   value);
        return;
    }
    k->kernel_irqchip_set = true;
}

static bool kvm_get_manual(Object *obj, Error **errp)
{
    return KVM_ACCEL(obj)->dirty_log_manual;
}

static void kvm_set_manual(Object *obj, bool value, Error **errp)
{
    KVM_ACCEL(obj)->dirty_log_manual = value;
}

static void kvm_accel_instance_init(Object *obj)
{
    KVMAccelState *k = KVM_ACCEL(obj);

    k->kernel_irqchip = true;
    k->dirty_log_manual = true;
}

static void kvm_accel_class_init(ObjectClass *oc, const void *data)
{
    AccelClass *ac = ACCEL_CLASS(oc);

    ac->name = "kvm";
    ac->init_machine = kvm_accel_init_machine;
    ac->allowed = &kvm_allowed;

    object_class_property_add(oc, "dirty-ring-size", "uint32",
                              kvm_get_dirty_ring_size,
                              kvm_set_dirty_ring_size, NULL, NULL);
    object_class_property_add_str(oc, "kernel-irqchip",
                                  kvm_get_kernel_irqchip,
                                  kvm_set_kernel_irqchip);
    /* Tern's own knob: off falls back to KVM_GET_DIRTY_LOG alone. */
    object_class_property_add_bool(oc, "dirty-log-manual-protect",
                                   kvm_get_manual, kvm_set_manual);
}

static const TypeInfo kvm_accel_type = {
    .name = TYPE_KVM_ACCEL,
    .parent = TYPE_ACCEL,
    .instance_size = sizeof(KVMAccelState),
    .instance_init = kvm_accel_instance_init,
    .class_init = kvm_accel_class_init,
};

static void kvm_type_init(void)
{
    type_register_static(&kvm_accel_type);
}

type_init(kvm_type_init)
