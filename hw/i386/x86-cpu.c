/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 CPU object: reset to real mode, the start address a loader
 * asks for, the register dump for errors, the "cpu" migration section,
 * and the architecture half of the KVM accelerator (state get/put/reset
 * through system/kvm-x86.h).  Under tcg the interpreter runs on the same
 * state (accel/tcg).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/i386/x86-cpu.h"
#include "system/kvm.h"
#include "system/tcg.h"
#include "target/i386/interp.h"

/* ------------------------------------------------------------------ */
/* KVM: the architecture half                                          */

bool kvm_arch_init_vcpu(CPUState *cpu, Error **errp)
{
    return kvm_x86_vcpu_init_cpuid(kvm_cpu_vcpu(cpu), errp);
}

bool kvm_arch_get_registers(CPUState *cpu, Error **errp)
{
    return kvm_x86_get_state(kvm_cpu_vcpu(cpu), &X86_CPU(cpu)->env, errp);
}

bool kvm_arch_put_registers(CPUState *cpu, Error **errp)
{
    return kvm_x86_put_state(kvm_cpu_vcpu(cpu), &X86_CPU(cpu)->env, errp);
}

bool kvm_arch_reset_vcpu(CPUState *cpu, Error **errp)
{
    X86CPU *xcpu = X86_CPU(cpu);
    KVMVCPU *vcpu = kvm_cpu_vcpu(cpu);

    if (!kvm_x86_vcpu_reset(vcpu, xcpu->start_cs, xcpu->start_ip, errp)) {
        return false;
    }
    if (cpu->cpu_index == 0) {
        cpu->halted = 0;
        return true;
    }
    /*
     * Secondary CPUs wait: in the kernel for INIT/SIPI when the LAPICs
     * are there, else halted in userspace until the next reset.
     */
    if (kvm_irqchip_is_in_kernel()) {
        struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_UNINITIALIZED };
        int ret = kvm_vcpu_ioctl(vcpu, KVM_SET_MP_STATE, &mp);

        if (ret < 0) {
            error_setg_errno(errp, -ret, "kvm: KVM_SET_MP_STATE failed");
            return false;
        }
        cpu->halted = 0;
    } else {
        cpu->halted = 1;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* The CPU object                                                      */

static void x86_cpu_reset(CPUState *cpu)
{
    X86CPU *xcpu = X86_CPU(cpu);

    xcpu->start_cs = 0xf000;
    xcpu->start_ip = 0xfff0;
    cpu->halted = 0;
    /*
     * The architectural RESET state, whatever the accelerator: KVM
     * writes its own (kvm_arch_reset_vcpu) and reads it back before a
     * save; tcg runs on this; qtest migrates it as it is.
     */
    x86_cpu_state_reset(&xcpu->env, xcpu->start_cs, xcpu->start_ip);
    if (cpu->cpu_index != 0) {
        xcpu->env.apic_base &= ~0x100ULL;     /* not the BSP */
    }
}

static void x86_cpu_set_pc(CPUState *cpu, vaddr pc)
{
    X86CPU *xcpu = X86_CPU(cpu);

    /* Real mode: 0000:pc below 64 KiB (a boot sector), else seg:off. */
    if (pc < 0x10000) {
        xcpu->start_cs = 0;
        xcpu->start_ip = pc;
    } else {
        xcpu->start_cs = (pc >> 4) & 0xffff;
        xcpu->start_ip = pc & 0xf;
    }
    xcpu->env.segs[X86_SEG_CS].selector = xcpu->start_cs;
    xcpu->env.segs[X86_SEG_CS].base = (uint64_t)xcpu->start_cs << 4;
    xcpu->env.rip = xcpu->start_ip;
}

static int64_t x86_cpu_get_arch_id(CPUState *cpu)
{
    /* APIC ID = cpu_index (no topology gaps: one thread per core). */
    return cpu->cpu_index;
}

static void dump_seg(GString *buf, const char *name, const X86Segment *s)
{
    g_string_append_printf(buf, "%-3s=%04x %016" PRIx64 " %08x "
                           "type=%x p=%d dpl=%d db=%d s=%d l=%d g=%d\n",
                           name, s->selector, s->base, s->limit, s->type,
                           s->present, s->dpl, s->db, s->s, s->l, s->g);
}

static void x86_cpu_dump_state(CPUState *cpu, GString *buf, int flags)
{
    static const char *const reg_names[X86_REG_NUM] = {
        "RAX", "RBX", "RCX", "RDX", "RSI", "RDI", "RSP", "RBP",
        "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15",
    };
    static const char *const seg_names[X86_SEG_NUM] = {
        "ES", "CS", "SS", "DS", "FS", "GS", "LDT", "TR",
    };
    const X86VCPUState *env = &X86_CPU(cpu)->env;

    for (int i = 0; i < X86_REG_NUM; i++) {
        g_string_append_printf(buf, "%-3s=%016" PRIx64 "%s", reg_names[i],
                               env->regs[i], (i % 4 == 3) ? "\n" : " ");
    }
    g_string_append_printf(buf, "RIP=%016" PRIx64 " RFL=%08" PRIx64
                           " HLT=%u\n", env->rip, env->rflags, cpu->halted);
    for (int i = 0; i < X86_SEG_NUM; i++) {
        dump_seg(buf, seg_names[i], &env->segs[i]);
    }
    g_string_append_printf(buf, "GDT=     %016" PRIx64 " %08x\n",
                           env->gdt.base, env->gdt.limit);
    g_string_append_printf(buf, "IDT=     %016" PRIx64 " %08x\n",
                           env->idt.base, env->idt.limit);
    g_string_append_printf(buf, "CR0=%08" PRIx64 " CR2=%016" PRIx64
                           " CR3=%016" PRIx64 " CR4=%08" PRIx64 "\n",
                           env->cr0, env->cr2, env->cr3, env->cr4);
    g_string_append_printf(buf, "DR0=%016" PRIx64 " DR1=%016" PRIx64
                           " DR2=%016" PRIx64 " DR3=%016" PRIx64 "\n",
                           env->db[0], env->db[1], env->db[2], env->db[3]);
    g_string_append_printf(buf, "DR6=%016" PRIx64 " DR7=%016" PRIx64 "\n",
                           env->dr6, env->dr7);
    g_string_append_printf(buf, "EFER=%016" PRIx64 " APICBASE=%016" PRIx64
                           " MPSTATE=%u\n", env->efer, env->apic_base,
                           env->mp_state);
}

static void x86_cpu_realize(DeviceState *dev, Error **errp)
{
    X86CPUClass *xcc = X86_CPU_GET_CLASS(dev);
    CPUState *cpu = CPU(dev);
    ERRP_GUARD();

    /* The generic part: cpu_index, the CPU list, the "cpu" section. */
    xcc->parent_realize(dev, errp);
    if (*errp) {
        return;
    }
    x86_cpu_reset(cpu);
    if (kvm_enabled()) {
        kvm_init_vcpu(cpu, errp);
    } else if (tcg_enabled()) {
        tcg_init_vcpu(cpu, errp);
    }
}

/* ------------------------------------------------------------------ */
/* Migration                                                           */

static bool x86_cpu_pre_save(void *opaque, Error **errp)
{
    CPUState *cpu = opaque;

    /* Fetch from KVM (in the vCPU's thread) unless already fetched. */
    cpu_synchronize_state(cpu);
    return true;
}

static bool x86_cpu_pre_load(void *opaque, Error **errp)
{
    cpu_synchronize_pre_loadvm(opaque);
    return true;
}

static bool x86_cpu_post_load(void *opaque, int version_id, Error **errp)
{
    X86CPU *xcpu = opaque;

    /*
     * tcg has no local APIC: the KVM vCPU's page is carried along (for a
     * later migration back), but a guest that enabled its APIC needs it.
     */
    if (tcg_enabled() && xcpu->env.has_lapic &&
        (xcpu->env.lapic[0xf0 + 1] & 1)) {
        error_setg(errp, "cpu %d: the guest enabled its local APIC (SVR "
                   "bit 8), which tcg does not emulate",
                   CPU(xcpu)->cpu_index);
        return false;
    }
    /* Write it to KVM now, so a later fetch cannot lose it. */
    cpu_synchronize_post_init(opaque);
    return true;
}

const VMStateDescription vmstate_x86_cpu = {
    .name = "cpu",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save_errp = x86_cpu_pre_save,
    .pre_load_errp = x86_cpu_pre_load,
    .post_load_errp = x86_cpu_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_STRUCT(env, X86CPU, 1, vmstate_x86_vcpu_state,
                       X86VCPUState),
        VMSTATE_UINT32(parent_obj.halted, X86CPU),
        VMSTATE_END_OF_LIST()
    },
};

static void x86_cpu_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    CPUClass *cc = CPU_CLASS(oc);

    device_class_set_parent_realize(dc, x86_cpu_realize,
                                    &X86_CPU_CLASS(oc)->parent_realize);
    dc->desc = "x86-64 CPU";
    cc->reset = x86_cpu_reset;
    cc->set_pc = x86_cpu_set_pc;
    cc->get_arch_id = x86_cpu_get_arch_id;
    cc->dump_state = x86_cpu_dump_state;
    cc->vmsd = &vmstate_x86_cpu;
}

static void host_cpu_class_init(ObjectClass *oc, const void *data)
{
    DEVICE_CLASS(oc)->desc = "KVM processor with all supported host "
                             "features";
}

static const TypeInfo x86_cpu_types[] = {
    {
        .name = TYPE_X86_CPU,
        .parent = TYPE_CPU,
        .instance_size = sizeof(X86CPU),
        .abstract = true,
        .class_size = sizeof(X86CPUClass),
        .class_init = x86_cpu_class_init,
    }, {
        .name = TYPE_X86_HOST_CPU,
        .parent = TYPE_X86_CPU,
        .class_init = host_cpu_class_init,
    },
};

DEFINE_TYPES(x86_cpu_types)
