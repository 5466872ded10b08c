/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86 vCPU state through KVM: CPUID, reset, and X86VCPUState get/put.
 */
#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include <sys/ioctl.h>
#include "qapi/error.h"
#include "system/kvm-x86.h"
#include "kvm-int.h"

#define X86_CR0_RESET   0x60000010ull   /* CD, NW, ET */
#define X86_FCW_RESET   0x037f          /* x87 exceptions masked, 64-bit */
#define X86_MXCSR_RESET 0x1f80          /* SSE exceptions masked */
#define X86_DR6_RESET   0xffff0ff0ull
#define X86_DR7_RESET   0x400ull
#define MSR_IA32_TSC        0x10
#define MSR_IA32_APICBASE   0x1b

static struct kvm_cpuid2 *kvm_x86_supported_cpuid(KVMState *s, Error **errp)
{
    for (uint32_t n = 64; n <= 4096; n *= 2) {
        struct kvm_cpuid2 *c = g_malloc0(sizeof(*c) +
                                         n * sizeof(c->entries[0]));
        int ret;

        c->nent = n;
        ret = kvm_ioctl(s, KVM_GET_SUPPORTED_CPUID, c);
        if (ret >= 0) {
            return c;
        }
        g_free(c);
        if (ret != -E2BIG) {
            error_setg_errno(errp, -ret, "kvm: KVM_GET_SUPPORTED_CPUID "
                             "failed");
            return NULL;
        }
    }
    error_setg(errp, "kvm: KVM_GET_SUPPORTED_CPUID has too many entries");
    return NULL;
}

static bool kvm_x86_set_cpuid(KVMState *s, int vcpu_fd, unsigned int id,
                              Error **errp)
{
    g_autofree struct kvm_cpuid2 *c = kvm_x86_supported_cpuid(s, errp);

    if (!c) {
        return false;
    }
    for (uint32_t i = 0; i < c->nent; i++) {
        struct kvm_cpuid_entry2 *e = &c->entries[i];

        if (e->function == 1) {
            /* Initial APIC ID in bits 31..24. */
            e->ebx = (e->ebx & 0x00ffffff) | (id << 24);
        } else if (e->function == 0xb || e->function == 0x1f) {
            e->edx = id;    /* x2APIC ID */
        }
    }
    if (ioctl(vcpu_fd, KVM_SET_CPUID2, c) < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_SET_CPUID2 failed for "
                         "vCPU %u", id);
        return false;
    }
    return true;
}

static bool kvm_x86_save_power_on(KVMVCPU *cpu, Error **errp);

bool kvm_x86_vcpu_init_cpuid(KVMVCPU *cpu, Error **errp)
{
    return kvm_x86_set_cpuid(cpu->s, cpu->fd, cpu->id, errp) &&
           kvm_x86_save_power_on(cpu, errp);
}

/* KVM_GET_MSRS / KVM_SET_MSRS of @n entries; returns how many went. */
static int kvm_x86_msrs_ioctl(int fd, unsigned long type,
                              struct kvm_msr_entry *entries, uint32_t n)
{
    g_autofree struct kvm_msrs *m = g_malloc0(sizeof(*m) +
                                              n * sizeof(m->entries[0]));
    int ret;

    m->nmsrs = n;
    memcpy(m->entries, entries, n * sizeof(m->entries[0]));
    ret = ioctl(fd, type, m);
    if (ret < 0) {
        return -errno;
    }
    memcpy(entries, m->entries, n * sizeof(m->entries[0]));
    return ret;
}

/*
 * KVM lists every MSR it knows, some of which this vCPU model cannot
 * read (feature bits absent) or write back.  Probe them on a vCPU of a
 * scratch VM so the real guest sees no side effects.
 */
static bool kvm_x86_probe_msrs(KVMState *s, Error **errp)
{
    g_autofree struct kvm_msr_list *list = NULL;
    struct kvm_msr_list probe = { 0 };
    int vmfd = -1, vcpufd = -1;
    bool ok = false;
    int ret;

    ret = kvm_ioctl(s, KVM_GET_MSR_INDEX_LIST, &probe);
    if (ret < 0 && ret != -E2BIG) {
        error_setg_errno(errp, -ret, "kvm: KVM_GET_MSR_INDEX_LIST failed");
        return false;
    }
    list = g_malloc0(sizeof(*list) + probe.nmsrs * sizeof(uint32_t));
    list->nmsrs = probe.nmsrs;
    ret = kvm_ioctl(s, KVM_GET_MSR_INDEX_LIST, list);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "kvm: KVM_GET_MSR_INDEX_LIST failed");
        return false;
    }

    vmfd = ioctl(s->fd, KVM_CREATE_VM, 0);
    if (vmfd < 0) {
        error_setg_errno(errp, errno, "kvm: cannot create the scratch VM "
                         "for the MSR probe");
        return false;
    }
    vcpufd = ioctl(vmfd, KVM_CREATE_VCPU, 0UL);
    if (vcpufd < 0) {
        error_setg_errno(errp, errno, "kvm: cannot create the scratch vCPU "
                         "for the MSR probe");
        goto out;
    }
    if (!kvm_x86_set_cpuid(s, vcpufd, 0, errp)) {
        goto out;
    }

    s->msr_list = g_new0(uint32_t, X86_KVM_MAX_MSRS);
    for (uint32_t i = 0; i < list->nmsrs; i++) {
        struct kvm_msr_entry e = { .index = list->indices[i] };

        if (kvm_x86_msrs_ioctl(vcpufd, KVM_GET_MSRS, &e, 1) != 1 ||
            kvm_x86_msrs_ioctl(vcpufd, KVM_SET_MSRS, &e, 1) != 1) {
            continue;
        }
        if (s->n_msrs == X86_KVM_MAX_MSRS) {
            error_setg(errp, "kvm: more than %d MSRs to save",
                       X86_KVM_MAX_MSRS);
            goto out;
        }
        s->msr_list[s->n_msrs++] = e.index;
    }
    ok = true;
out:
    if (vcpufd >= 0) {
        close(vcpufd);
    }
    close(vmfd);
    return ok;
}

unsigned int kvm_x86_msr_list(KVMState *s, const uint32_t **indices,
                              Error **errp)
{
    g_mutex_lock(&s->msr_lock);
    if (!s->msr_list_done) {
        if (!kvm_x86_probe_msrs(s, errp)) {
            g_clear_pointer(&s->msr_list, g_free);
            s->n_msrs = 0;
            g_mutex_unlock(&s->msr_lock);
            *indices = NULL;
            return 0;
        }
        s->msr_list_done = true;
    }
    g_mutex_unlock(&s->msr_lock);
    *indices = s->msr_list;
    return s->n_msrs;
}

bool x86_vcpu_state_get_msr(const X86VCPUState *st, uint32_t index,
                            uint64_t *value)
{
    for (uint32_t i = 0; i < st->nmsrs; i++) {
        if (st->msrs[i].index == index) {
            *value = st->msrs[i].data;
            return true;
        }
    }
    return false;
}

static void seg_from_kvm(X86Segment *d, const struct kvm_segment *k)
{
    d->base = k->base;
    d->limit = k->limit;
    d->selector = k->selector;
    d->type = k->type;
    d->present = k->present;
    d->dpl = k->dpl;
    d->db = k->db;
    d->s = k->s;
    d->l = k->l;
    d->g = k->g;
    d->avl = k->avl;
    d->unusable = k->unusable;
}

static void seg_to_kvm(struct kvm_segment *k, const X86Segment *d)
{
    memset(k, 0, sizeof(*k));
    k->base = d->base;
    k->limit = d->limit;
    k->selector = d->selector;
    k->type = d->type;
    k->present = d->present;
    k->dpl = d->dpl;
    k->db = d->db;
    k->s = d->s;
    k->l = d->l;
    k->g = d->g;
    k->avl = d->avl;
    k->unusable = d->unusable;
}

/* struct kvm_sregs and kvm_sregs2 share these members' names. */
#define SREGS_SEGS(sr) {                                   \
        &(sr)->es, &(sr)->cs, &(sr)->ss, &(sr)->ds,        \
        &(sr)->fs, &(sr)->gs, &(sr)->ldt, &(sr)->tr }

#define SREGS_TO_STATE(st, sr) do {                                     \
        struct kvm_segment *segs_[] = SREGS_SEGS(sr);                   \
        for (int i_ = 0; i_ < X86_SEG_NUM; i_++) {                      \
            seg_from_kvm(&(st)->segs[i_], segs_[i_]);                   \
        }                                                               \
        (st)->gdt.base = (sr)->gdt.base;                                \
        (st)->gdt.limit = (sr)->gdt.limit;                              \
        (st)->idt.base = (sr)->idt.base;                                \
        (st)->idt.limit = (sr)->idt.limit;                              \
        (st)->cr0 = (sr)->cr0;                                          \
        (st)->cr2 = (sr)->cr2;                                          \
        (st)->cr3 = (sr)->cr3;                                          \
        (st)->cr4 = (sr)->cr4;                                          \
        (st)->cr8 = (sr)->cr8;                                          \
        (st)->efer = (sr)->efer;                                        \
        (st)->apic_base = (sr)->apic_base;                              \
    } while (0)

#define STATE_TO_SREGS(sr, st) do {                                     \
        struct kvm_segment *segs_[] = SREGS_SEGS(sr);                   \
        for (int i_ = 0; i_ < X86_SEG_NUM; i_++) {                      \
            seg_to_kvm(segs_[i_], &(st)->segs[i_]);                     \
        }                                                               \
        (sr)->gdt.base = (st)->gdt.base;                                \
        (sr)->gdt.limit = (st)->gdt.limit;                              \
        (sr)->idt.base = (st)->idt.base;                                \
        (sr)->idt.limit = (st)->idt.limit;                              \
        (sr)->cr0 = (st)->cr0;                                          \
        (sr)->cr2 = (st)->cr2;                                          \
        (sr)->cr3 = (st)->cr3;                                          \
        (sr)->cr4 = (st)->cr4;                                          \
        (sr)->cr8 = (st)->cr8;                                          \
        (sr)->efer = (st)->efer;                                        \
        (sr)->apic_base = (st)->apic_base;                              \
    } while (0)

static bool kvm_x86_get_sregs(KVMVCPU *cpu, X86VCPUState *st, Error **errp)
{
    int ret;

    if (kvm_check_extension(cpu->s, KVM_CAP_SREGS2) > 0) {
        struct kvm_sregs2 sr;

        ret = kvm_vcpu_ioctl(cpu, KVM_GET_SREGS2, &sr);
        if (ret < 0) {
            goto fail;
        }
        SREGS_TO_STATE(st, &sr);
        st->pdptrs_valid = sr.flags & KVM_SREGS2_FLAGS_PDPTRS_VALID;
        memcpy(st->pdptrs, sr.pdptrs, sizeof(st->pdptrs));
    } else {
        struct kvm_sregs sr;

        ret = kvm_vcpu_ioctl(cpu, KVM_GET_SREGS, &sr);
        if (ret < 0) {
            goto fail;
        }
        SREGS_TO_STATE(st, &sr);
        st->pdptrs_valid = false;
        memset(st->pdptrs, 0, sizeof(st->pdptrs));
    }
    return true;
fail:
    error_setg_errno(errp, -ret, "kvm: cannot read the system registers of "
                     "vCPU %u", cpu->id);
    return false;
}

static bool kvm_x86_put_sregs(KVMVCPU *cpu, const X86VCPUState *st,
                              Error **errp)
{
    int ret;

    if (kvm_check_extension(cpu->s, KVM_CAP_SREGS2) > 0) {
        struct kvm_sregs2 sr = { 0 };

        STATE_TO_SREGS(&sr, st);
        if (st->pdptrs_valid) {
            sr.flags = KVM_SREGS2_FLAGS_PDPTRS_VALID;
            memcpy(sr.pdptrs, st->pdptrs, sizeof(sr.pdptrs));
        }
        ret = kvm_vcpu_ioctl(cpu, KVM_SET_SREGS2, &sr);
    } else {
        struct kvm_sregs sr = { 0 };

        STATE_TO_SREGS(&sr, st);
        ret = kvm_vcpu_ioctl(cpu, KVM_SET_SREGS, &sr);
    }
    if (ret < 0) {
        error_setg_errno(errp, -ret, "kvm: cannot write the system registers "
                         "of vCPU %u", cpu->id);
        return false;
    }
    return true;
}

static uint32_t kvm_x86_xsave_size(KVMState *s)
{
    int size = kvm_check_extension(s, KVM_CAP_XSAVE2);

    return size > (int)sizeof(struct kvm_xsave) ? size
                                                : sizeof(struct kvm_xsave);
}

static bool kvm_x86_get_xsave(KVMVCPU *cpu, X86VCPUState *st, Error **errp)
{
    uint32_t size = kvm_x86_xsave_size(cpu->s);
    g_autofree void *buf = NULL;
    int ret;

    if (size > sizeof(st->xsave)) {
        error_setg(errp, "kvm: XSAVE area of %" PRIu32 " bytes is larger "
                   "than the %zu Tern saves", size, sizeof(st->xsave));
        return false;
    }
    buf = g_malloc0(size);
    ret = kvm_vcpu_ioctl(cpu, size > sizeof(struct kvm_xsave)
                         ? KVM_GET_XSAVE2 : KVM_GET_XSAVE, buf);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "kvm: cannot read the XSAVE area of "
                         "vCPU %u", cpu->id);
        return false;
    }
    st->xsave_len = size;
    memcpy(st->xsave, buf, size);
    return true;
}

static bool kvm_x86_put_xsave(KVMVCPU *cpu, const X86VCPUState *st,
                              Error **errp)
{
    uint32_t size = kvm_x86_xsave_size(cpu->s);
    g_autofree void *buf = g_malloc0(size);
    int ret;

    if (st->xsave_len > size || st->xsave_len > sizeof(st->xsave)) {
        error_setg(errp, "kvm: saved XSAVE area of %" PRIu32 " bytes does "
                   "not fit this host's %" PRIu32, st->xsave_len, size);
        return false;
    }
    memcpy(buf, st->xsave, st->xsave_len);
    ret = kvm_vcpu_ioctl(cpu, KVM_SET_XSAVE, buf);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "kvm: cannot write the XSAVE area of "
                         "vCPU %u", cpu->id);
        return false;
    }
    return true;
}

static bool kvm_x86_get_msrs(KVMVCPU *cpu, X86VCPUState *st, Error **errp)
{
    struct kvm_msr_entry e[X86_KVM_MAX_MSRS];
    const uint32_t *list;
    unsigned int n = kvm_x86_msr_list(cpu->s, &list, errp);
    int ret;

    if (!list) {
        return false;
    }
    memset(e, 0, sizeof(e));
    for (unsigned int i = 0; i < n; i++) {
        e[i].index = list[i];
    }
    ret = kvm_x86_msrs_ioctl(cpu->fd, KVM_GET_MSRS, e, n);
    if (ret != (int)n) {
        if (ret < 0) {
            error_setg_errno(errp, -ret, "kvm: KVM_GET_MSRS failed on "
                             "vCPU %u", cpu->id);
        } else {
            error_setg(errp, "kvm: cannot read MSR 0x%" PRIx32 " of vCPU %u",
                       e[ret].index, cpu->id);
        }
        return false;
    }
    st->nmsrs = n;
    for (unsigned int i = 0; i < n; i++) {
        st->msrs[i].index = e[i].index;
        st->msrs[i].data = e[i].data;
    }
    return true;
}

static bool kvm_x86_put_msrs(KVMVCPU *cpu, const X86VCPUState *st,
                             Error **errp)
{
    struct kvm_msr_entry e[X86_KVM_MAX_MSRS];
    int ret;

    if (st->nmsrs > X86_KVM_MAX_MSRS) {
        error_setg(errp, "kvm: saved state has %" PRIu32 " MSRs, at most %d",
                   st->nmsrs, X86_KVM_MAX_MSRS);
        return false;
    }
    memset(e, 0, sizeof(e));
    for (uint32_t i = 0; i < st->nmsrs; i++) {
        e[i].index = st->msrs[i].index;
        e[i].data = st->msrs[i].data;
    }
    ret = kvm_x86_msrs_ioctl(cpu->fd, KVM_SET_MSRS, e, st->nmsrs);
    if (ret != (int)st->nmsrs) {
        if (ret < 0) {
            error_setg_errno(errp, -ret, "kvm: KVM_SET_MSRS failed on "
                             "vCPU %u", cpu->id);
        } else {
            error_setg(errp, "kvm: cannot write MSR 0x%" PRIx32 " of vCPU %u",
                       e[ret].index, cpu->id);
        }
        return false;
    }
    return true;
}

/* One fixed-size KVM_GET_x / KVM_SET_x ioctl, with a message on failure. */
static bool kvm_x86_ioctl(KVMVCPU *cpu, unsigned long type, void *arg,
                          const char *what, Error **errp)
{
    int ret = kvm_vcpu_ioctl(cpu, type, arg);

    if (ret < 0) {
        error_setg_errno(errp, -ret, "kvm: cannot access the %s of vCPU %u",
                         what, cpu->id);
        return false;
    }
    return true;
}

static void events_from_kvm(X86VCPUEvents *ev,
                            const struct kvm_vcpu_events *k)
{
    memset(ev, 0, sizeof(*ev));
    ev->exception_injected = k->exception.injected;
    ev->exception_nr = k->exception.nr;
    ev->exception_has_error_code = k->exception.has_error_code;
    ev->exception_pending = k->exception.pending;
    ev->exception_error_code = k->exception.error_code;
    ev->interrupt_injected = k->interrupt.injected;
    ev->interrupt_nr = k->interrupt.nr;
    ev->interrupt_soft = k->interrupt.soft;
    ev->interrupt_shadow = k->interrupt.shadow;
    ev->nmi_injected = k->nmi.injected;
    ev->nmi_pending = k->nmi.pending;
    ev->nmi_masked = k->nmi.masked;
    ev->sipi_vector = k->sipi_vector;
    ev->has_smm = k->flags & KVM_VCPUEVENT_VALID_SMM;
    if (ev->has_smm) {
        ev->smi_smm = k->smi.smm;
        ev->smi_pending = k->smi.pending;
        ev->smi_inside_nmi = k->smi.smm_inside_nmi;
        ev->smi_latched_init = k->smi.latched_init;
    }
    ev->has_payload = k->flags & KVM_VCPUEVENT_VALID_PAYLOAD;
    if (ev->has_payload) {
        ev->exception_has_payload = k->exception_has_payload;
        ev->exception_payload = k->exception_payload;
    }
    ev->has_triple_fault = k->flags & KVM_VCPUEVENT_VALID_TRIPLE_FAULT;
    if (ev->has_triple_fault) {
        ev->triple_fault_pending = k->triple_fault.pending;
    }
}

static void events_to_kvm(struct kvm_vcpu_events *k,
                          const X86VCPUEvents *ev)
{
    memset(k, 0, sizeof(*k));
    k->exception.injected = ev->exception_injected;
    k->exception.nr = ev->exception_nr;
    k->exception.has_error_code = ev->exception_has_error_code;
    k->exception.pending = ev->exception_pending;
    k->exception.error_code = ev->exception_error_code;
    k->interrupt.injected = ev->interrupt_injected;
    k->interrupt.nr = ev->interrupt_nr;
    k->interrupt.soft = ev->interrupt_soft;
    k->interrupt.shadow = ev->interrupt_shadow;
    k->nmi.injected = ev->nmi_injected;
    k->nmi.pending = ev->nmi_pending;
    k->nmi.masked = ev->nmi_masked;
    k->sipi_vector = ev->sipi_vector;
    /* Restore everything the saved events carry. */
    k->flags = KVM_VCPUEVENT_VALID_NMI_PENDING |
               KVM_VCPUEVENT_VALID_SIPI_VECTOR |
               KVM_VCPUEVENT_VALID_SHADOW;
    if (ev->has_smm) {
        k->flags |= KVM_VCPUEVENT_VALID_SMM;
        k->smi.smm = ev->smi_smm;
        k->smi.pending = ev->smi_pending;
        k->smi.smm_inside_nmi = ev->smi_inside_nmi;
        k->smi.latched_init = ev->smi_latched_init;
    }
    if (ev->has_payload) {
        k->flags |= KVM_VCPUEVENT_VALID_PAYLOAD;
        k->exception_has_payload = ev->exception_has_payload;
        k->exception_payload = ev->exception_payload;
    }
    if (ev->has_triple_fault) {
        k->flags |= KVM_VCPUEVENT_VALID_TRIPLE_FAULT;
        k->triple_fault.pending = ev->triple_fault_pending;
    }
}

bool kvm_x86_get_state(KVMVCPU *cpu, X86VCPUState *st, Error **errp)
{
    struct kvm_regs regs;
    struct kvm_xcrs xcrs;
    struct kvm_debugregs dbg;
    struct kvm_mp_state mp;
    struct kvm_vcpu_events events;

    memset(st, 0, sizeof(*st));
    if (!kvm_x86_ioctl(cpu, KVM_GET_REGS, &regs, "registers", errp)) {
        return false;
    }
    memcpy(st->regs, &regs, sizeof(st->regs));  /* rax..r15, in order */
    st->rip = regs.rip;
    st->rflags = regs.rflags;

    if (!kvm_x86_get_sregs(cpu, st, errp) ||
        !kvm_x86_get_xsave(cpu, st, errp) ||
        !kvm_x86_ioctl(cpu, KVM_GET_XCRS, &xcrs, "XCRs", errp) ||
        !kvm_x86_get_msrs(cpu, st, errp) ||
        !kvm_x86_ioctl(cpu, KVM_GET_VCPU_EVENTS, &events, "events",
                       errp) ||
        !kvm_x86_ioctl(cpu, KVM_GET_DEBUGREGS, &dbg, "debug registers",
                       errp) ||
        !kvm_x86_ioctl(cpu, KVM_GET_MP_STATE, &mp, "MP state", errp)) {
        return false;
    }
    st->nxcrs = MIN(xcrs.nr_xcrs, X86_KVM_MAX_XCRS);
    for (uint32_t i = 0; i < st->nxcrs; i++) {
        st->xcrs[i].xcr = xcrs.xcrs[i].xcr;
        st->xcrs[i].value = xcrs.xcrs[i].value;
    }
    memcpy(st->db, dbg.db, sizeof(st->db));
    st->dr6 = dbg.dr6;
    st->dr7 = dbg.dr7;
    st->mp_state = mp.mp_state;
    events_from_kvm(&st->events, &events);

    if (cpu->s->irqchip) {
        struct kvm_lapic_state lapic;

        if (!kvm_x86_ioctl(cpu, KVM_GET_LAPIC, &lapic, "local APIC",
                           errp)) {
            return false;
        }
        G_STATIC_ASSERT(sizeof(lapic.regs) == X86_KVM_LAPIC_BYTES);
        memcpy(st->lapic, lapic.regs, sizeof(st->lapic));
        st->has_lapic = true;
    }
    return true;
}

bool kvm_x86_put_state(KVMVCPU *cpu, const X86VCPUState *st, Error **errp)
{
    struct kvm_regs regs = { 0 };
    struct kvm_xcrs xcrs = { 0 };
    struct kvm_debugregs dbg = { 0 };
    struct kvm_mp_state mp = { .mp_state = st->mp_state };
    struct kvm_vcpu_events events;

    if (st->nxcrs > X86_KVM_MAX_XCRS) {
        error_setg(errp, "kvm: saved state has %" PRIu32 " XCRs, at most %d",
                   st->nxcrs, X86_KVM_MAX_XCRS);
        return false;
    }
    if (st->has_lapic && !cpu->s->irqchip) {
        error_setg(errp, "kvm: saved state has a local APIC but this VM has "
                   "no in-kernel irqchip");
        return false;
    }

    memcpy(&regs, st->regs, sizeof(st->regs));
    regs.rip = st->rip;
    regs.rflags = st->rflags;
    xcrs.nr_xcrs = st->nxcrs;
    for (uint32_t i = 0; i < st->nxcrs; i++) {
        xcrs.xcrs[i].xcr = st->xcrs[i].xcr;
        xcrs.xcrs[i].value = st->xcrs[i].value;
    }
    memcpy(dbg.db, st->db, sizeof(dbg.db));
    dbg.dr6 = st->dr6;
    dbg.dr7 = st->dr7;
    events_to_kvm(&events, &st->events);

    /* Order: sregs before MSRs (EFER), mp_state before the LAPIC. */
    if (!kvm_x86_ioctl(cpu, KVM_SET_REGS, &regs, "registers", errp) ||
        !kvm_x86_put_xsave(cpu, st, errp) ||
        !kvm_x86_ioctl(cpu, KVM_SET_XCRS, &xcrs, "XCRs", errp) ||
        !kvm_x86_put_sregs(cpu, st, errp) ||
        !kvm_x86_put_msrs(cpu, st, errp) ||
        !kvm_x86_ioctl(cpu, KVM_SET_MP_STATE, &mp, "MP state", errp)) {
        return false;
    }
    if (st->has_lapic) {
        struct kvm_lapic_state lapic;

        memcpy(lapic.regs, st->lapic, sizeof(lapic.regs));
        if (!kvm_x86_ioctl(cpu, KVM_SET_LAPIC, &lapic, "local APIC",
                           errp)) {
            return false;
        }
    }
    return kvm_x86_ioctl(cpu, KVM_SET_VCPU_EVENTS, &events, "events",
                         errp) &&
           kvm_x86_ioctl(cpu, KVM_SET_DEBUGREGS, &dbg, "debug registers",
                         errp);
}

/*
 * MSRs a reset leaves alone: the TSC keeps counting (writing it from the
 * host re-synchronizes the TSCs of all vCPUs) and the APIC base is
 * written with the sregs.
 */
static bool kvm_x86_msr_kept_on_reset(uint32_t index)
{
    return index == MSR_IA32_TSC || index == MSR_IA32_APICBASE;
}

/*
 * Remember what KVM gives a new vCPU (after CPUID, which some MSRs
 * depend on): the values a reset writes back.  Fresh-vCPU values are
 * the reset values KVM computes (PAT, MISC_ENABLE, SMBASE...), and the
 * fresh LAPIC has KVM's reset image (for the BSP: LINT0 in ExtINT mode).
 */
static bool kvm_x86_save_power_on(KVMVCPU *cpu, Error **errp)
{
    const uint32_t *list;
    unsigned int n = kvm_x86_msr_list(cpu->s, &list, errp);
    struct kvm_msr_entry *e;
    unsigned int kept = 0;
    int ret;

    if (!list) {
        return false;
    }
    e = g_new0(struct kvm_msr_entry, MAX(n, 1));
    for (unsigned int i = 0; i < n; i++) {
        if (!kvm_x86_msr_kept_on_reset(list[i])) {
            e[kept++].index = list[i];
        }
    }
    ret = kvm_x86_msrs_ioctl(cpu->fd, KVM_GET_MSRS, e, kept);
    if (ret != (int)kept) {
        error_setg(errp, "kvm: cannot read the power-on MSRs of vCPU %u",
                   cpu->id);
        g_free(e);
        return false;
    }
    g_free(cpu->reset_msrs);
    cpu->reset_msrs = e;
    cpu->n_reset_msrs = kept;

    g_clear_pointer(&cpu->reset_lapic, g_free);
    if (cpu->s->irqchip) {
        struct kvm_lapic_state *lapic = g_new0(struct kvm_lapic_state, 1);

        ret = kvm_vcpu_ioctl(cpu, KVM_GET_LAPIC, lapic);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "kvm: cannot read the power-on "
                             "local APIC of vCPU %u", cpu->id);
            g_free(lapic);
            return false;
        }
        cpu->reset_lapic = lapic;
    }
    return true;
}

/* FPU/SSE (and every other XSAVE component) in its initial state. */
static bool kvm_x86_reset_xsave(KVMVCPU *cpu, Error **errp)
{
    uint32_t size = kvm_x86_xsave_size(cpu->s);
    g_autofree uint8_t *buf = g_malloc0(size);
    int ret;

    /* Legacy area: FCW at 0, FSW/FTW 0 (all empty), MXCSR at 24. */
    stw_le_p(buf + 0, X86_FCW_RESET);
    stl_le_p(buf + 24, X86_MXCSR_RESET);
    /*
     * XSAVE header at 512: XSTATE_BV says x87 and SSE are given here
     * (the rest is in its initial state); XCOMP_BV 0, standard format.
     */
    stq_le_p(buf + 512, 0x3);
    ret = kvm_vcpu_ioctl(cpu, KVM_SET_XSAVE, buf);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "kvm: cannot reset the XSAVE area of "
                         "vCPU %u", cpu->id);
        return false;
    }
    return true;
}

/* Everything but the registers and sregs kvm_x86_vcpu_reset() writes. */
static bool kvm_x86_reset_rest(KVMVCPU *cpu, Error **errp)
{
    struct kvm_xcrs xcrs = {
        .nr_xcrs = 1,
        .xcrs[0] = { .xcr = 0, .value = 1 },    /* XCR0: x87 only */
    };
    struct kvm_debugregs dbg = {
        .dr6 = X86_DR6_RESET,
        .dr7 = X86_DR7_RESET,
    };
    struct kvm_vcpu_events events;
    int ret;

    if (!cpu->reset_msrs) {
        error_setg(errp, "kvm: vCPU %u has no power-on state to reset to "
                   "(kvm_x86_vcpu_init_cpuid was not run)", cpu->id);
        return false;
    }
    if (!kvm_x86_reset_xsave(cpu, errp) ||
        !kvm_x86_ioctl(cpu, KVM_SET_XCRS, &xcrs, "XCRs", errp)) {
        return false;
    }
    ret = kvm_x86_msrs_ioctl(cpu->fd, KVM_SET_MSRS, cpu->reset_msrs,
                             cpu->n_reset_msrs);
    if (ret != (int)cpu->n_reset_msrs) {
        if (ret < 0) {
            error_setg_errno(errp, -ret, "kvm: cannot reset the MSRs of "
                             "vCPU %u", cpu->id);
        } else {
            error_setg(errp, "kvm: cannot reset MSR 0x%" PRIx32 " of "
                       "vCPU %u", cpu->reset_msrs[ret].index, cpu->id);
        }
        return false;
    }
    if (cpu->reset_lapic) {
        struct kvm_lapic_state lapic = *cpu->reset_lapic;

        if (!kvm_x86_ioctl(cpu, KVM_SET_LAPIC, &lapic, "local APIC",
                           errp)) {
            return false;
        }
    }
    /*
     * No pending or injected event.  SMM, payload and triple-fault
     * fields are only valid when KVM reports them: keep those flags
     * (with zeroed fields, which leaves SMM) and nothing else.
     */
    if (!kvm_x86_ioctl(cpu, KVM_GET_VCPU_EVENTS, &events, "events", errp)) {
        return false;
    }
    events.flags &= KVM_VCPUEVENT_VALID_SMM | KVM_VCPUEVENT_VALID_PAYLOAD |
                    KVM_VCPUEVENT_VALID_TRIPLE_FAULT;
    {
        uint32_t flags = events.flags;

        memset(&events, 0, sizeof(events));
        events.flags = flags | KVM_VCPUEVENT_VALID_NMI_PENDING |
                       KVM_VCPUEVENT_VALID_SIPI_VECTOR |
                       KVM_VCPUEVENT_VALID_SHADOW;
    }
    return kvm_x86_ioctl(cpu, KVM_SET_VCPU_EVENTS, &events, "events",
                         errp) &&
           kvm_x86_ioctl(cpu, KVM_SET_DEBUGREGS, &dbg, "debug registers",
                         errp);
}

static void real_mode_seg(X86Segment *seg, uint16_t selector, uint8_t type)
{
    memset(seg, 0, sizeof(*seg));
    seg->selector = selector;
    seg->base = (uint64_t)selector << 4;
    seg->limit = 0xffff;
    seg->type = type;
    seg->present = 1;
    seg->s = 1;
}

bool kvm_x86_vcpu_reset(KVMVCPU *cpu, uint16_t cs, uint16_t ip, Error **errp)
{
    g_autofree X86VCPUState *st = g_new0(X86VCPUState, 1);
    struct kvm_regs regs = { 0 };
    struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };

    if (!kvm_x86_get_sregs(cpu, st, errp)) {
        return false;
    }
    for (int i = 0; i < X86_SEG_NUM; i++) {
        real_mode_seg(&st->segs[i], 0, 0x3);     /* data, read/write */
    }
    real_mode_seg(&st->segs[X86_SEG_CS], cs, 0xb); /* code, exec/read */
    st->segs[X86_SEG_LDT].s = 0;
    st->segs[X86_SEG_LDT].type = 0x2;            /* LDT */
    st->segs[X86_SEG_TR].s = 0;
    st->segs[X86_SEG_TR].type = 0xb;             /* busy 32-bit TSS */
    st->gdt.base = st->idt.base = 0;
    st->gdt.limit = st->idt.limit = 0xffff;
    st->cr0 = X86_CR0_RESET;
    st->cr2 = st->cr3 = st->cr4 = st->cr8 = 0;
    st->efer = 0;
    st->pdptrs_valid = false;
    /* apic_base keeps what KVM set up at vCPU creation. */
    if (!kvm_x86_put_sregs(cpu, st, errp)) {
        return false;
    }

    regs.rip = ip;
    regs.rflags = 0x2;      /* bit 1 is always set */
    regs.rdx = 0x600;       /* family 6 signature, as on hardware reset */
    /* mp_state before the LAPIC, as in kvm_x86_put_state(). */
    return kvm_x86_ioctl(cpu, KVM_SET_REGS, &regs, "registers", errp) &&
           kvm_x86_ioctl(cpu, KVM_SET_MP_STATE, &mp, "MP state", errp) &&
           kvm_x86_reset_rest(cpu, errp);
}
