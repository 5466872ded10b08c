/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Opening /dev/kvm, creating the VM, capability checks, the in-kernel
 * irqchip and PIT, and the kvmclock.
 */
#include "qemu/osdep.h"
#include <sys/ioctl.h>
#include "qapi/error.h"
#include "qemu/bitops.h"
#include "system/kvm-hide.h"
#include "kvm-int.h"

/*
 * Addresses below 4 GiB that no Tern machine maps: KVM on Intel without
 * unrestricted guest needs three pages for a TSS and one for an identity
 * page table to emulate real mode.
 */
#define KVM_TSS_ADDR            0xfffbd000u
#define KVM_IDENTITY_MAP_ADDR   0xfeffc000ull

int kvm_ioctl(KVMState *s, unsigned long type, void *arg)
{
    int ret = ioctl(s->fd, type, arg);

    return ret < 0 ? -errno : ret;
}

int kvm_vm_ioctl(KVMState *s, unsigned long type, void *arg)
{
    int ret = ioctl(s->vmfd, type, arg);

    return ret < 0 ? -errno : ret;
}

int kvm_check_extension(KVMState *s, unsigned int extension)
{
    int ret = -1;

    if (s->vmfd >= 0) {
        ret = ioctl(s->vmfd, KVM_CHECK_EXTENSION, extension);
    }
    if (ret < 0) {
        ret = ioctl(s->fd, KVM_CHECK_EXTENSION, extension);
    }
    return ret < 0 ? 0 : ret;
}

static const struct {
    unsigned int cap;
    const char *name;
} kvm_required_caps[] = {
    { KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
    { KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR" },
    { KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID" },
    { KVM_CAP_MP_STATE, "KVM_CAP_MP_STATE" },
    { KVM_CAP_VCPU_EVENTS, "KVM_CAP_VCPU_EVENTS" },
    { KVM_CAP_DEBUGREGS, "KVM_CAP_DEBUGREGS" },
    { KVM_CAP_XSAVE, "KVM_CAP_XSAVE" },
    { KVM_CAP_XCRS, "KVM_CAP_XCRS" },
    { KVM_CAP_ADJUST_CLOCK, "KVM_CAP_ADJUST_CLOCK" },
};

static bool kvm_setup_dirty_tracking(KVMState *s, const KVMOptions *opts,
                                     Error **errp)
{
    struct kvm_enable_cap cap = { 0 };
    int ret;

    if (opts->dirty_ring_entries) {
        uint64_t bytes = (uint64_t)opts->dirty_ring_entries *
                         sizeof(struct kvm_dirty_gfn);
        int max = kvm_check_extension(s, KVM_CAP_DIRTY_LOG_RING_ACQ_REL);
        unsigned int ring_cap = KVM_CAP_DIRTY_LOG_RING_ACQ_REL;

        if (max <= 0) {
            max = kvm_check_extension(s, KVM_CAP_DIRTY_LOG_RING);
            ring_cap = KVM_CAP_DIRTY_LOG_RING;
        }
        if (max <= 0) {
            error_setg(errp, "kvm: dirty ring requested but "
                       "KVM_CAP_DIRTY_LOG_RING is missing");
            return false;
        }
        if (!is_power_of_2(opts->dirty_ring_entries)) {
            error_setg(errp, "kvm: dirty ring size %" PRIu32
                       " is not a power of two", opts->dirty_ring_entries);
            return false;
        }
        if (bytes > (uint64_t)max) {
            error_setg(errp, "kvm: dirty ring size %" PRIu32 " entries is "
                       "above KVM's maximum of %" PRIu64,
                       opts->dirty_ring_entries,
                       (uint64_t)max / sizeof(struct kvm_dirty_gfn));
            return false;
        }
        cap.cap = ring_cap;
        cap.args[0] = bytes;
        ret = kvm_vm_ioctl(s, KVM_ENABLE_CAP, &cap);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "kvm: cannot enable the dirty ring "
                             "with %" PRIu32 " entries",
                             opts->dirty_ring_entries);
            return false;
        }
        s->ring_entries = opts->dirty_ring_entries;
        return true;
    }

    if (opts->no_manual_protect) {
        return true;
    }
    ret = kvm_check_extension(s, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2);
    if (ret <= 0) {
        return true;    /* plain KVM_GET_DIRTY_LOG */
    }
    cap.cap = KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2;
    /* The capability's value is the set of flags KVM accepts. */
    cap.args[0] = ret & (KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE |
                         KVM_DIRTY_LOG_INITIALLY_SET);
    if (kvm_vm_ioctl(s, KVM_ENABLE_CAP, &cap) < 0) {
        cap.args[0] = KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE;
        if (kvm_vm_ioctl(s, KVM_ENABLE_CAP, &cap) < 0) {
            return true;
        }
    }
    s->manual_protect = true;
    s->initially_set = cap.args[0] & KVM_DIRTY_LOG_INITIALLY_SET;
    return true;
}

static bool kvm_setup_x86(KVMState *s, const KVMOptions *opts, Error **errp)
{
    uint64_t idmap = KVM_IDENTITY_MAP_ADDR;
    int ret;

    if (kvm_check_extension(s, KVM_CAP_SET_IDENTITY_MAP_ADDR) > 0) {
        ret = kvm_vm_ioctl(s, KVM_SET_IDENTITY_MAP_ADDR, &idmap);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "kvm: KVM_SET_IDENTITY_MAP_ADDR "
                             "failed");
            return false;
        }
    }
    /* KVM_SET_TSS_ADDR takes the address itself, not a pointer. */
    ret = ioctl(s->vmfd, KVM_SET_TSS_ADDR, (unsigned long)KVM_TSS_ADDR);
    if (ret < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_SET_TSS_ADDR failed");
        return false;
    }

    if (opts->pit && !opts->irqchip) {
        error_setg(errp, "kvm: the in-kernel PIT needs the in-kernel "
                   "irqchip");
        return false;
    }
    if (opts->irqchip) {
        if (kvm_check_extension(s, KVM_CAP_IRQCHIP) <= 0) {
            error_setg(errp, "kvm: required capability KVM_CAP_IRQCHIP is "
                       "missing");
            return false;
        }
        ret = kvm_vm_ioctl(s, KVM_CREATE_IRQCHIP, NULL);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "kvm: KVM_CREATE_IRQCHIP failed");
            return false;
        }
        s->irqchip = true;
    }
    if (opts->pit) {
        struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };

        if (kvm_check_extension(s, KVM_CAP_PIT2) <= 0) {
            error_setg(errp, "kvm: required capability KVM_CAP_PIT2 is "
                       "missing");
            return false;
        }
        ret = kvm_vm_ioctl(s, KVM_CREATE_PIT2, &pit);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "kvm: KVM_CREATE_PIT2 failed");
            return false;
        }
    }
    return true;
}

KVMState *kvm_state_new(const KVMOptions *opts, Error **errp)
{
    static const KVMOptions no_opts;
    g_autoptr(KVMState) s = g_new0(KVMState, 1);
    int ret;

    opts = opts ? opts : &no_opts;
    /* Not 0: the cleanup of a failed start would close stdin. */
    s->fd = -1;
    s->vmfd = -1;
    g_mutex_init(&s->ring_lock);
    g_mutex_init(&s->msr_lock);
    s->vcpus = g_ptr_array_new();

    if (kvm_hidden_by_env()) {
        error_setg(errp, "kvm: cannot open /dev/kvm: hidden by %s",
                   KVM_HIDE_ENV);
        return NULL;
    }
    s->fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (s->fd < 0) {
        error_setg_errno(errp, errno, "kvm: cannot open /dev/kvm");
        return NULL;
    }
    ret = kvm_ioctl(s, KVM_GET_API_VERSION, NULL);
    if (ret != KVM_API_VERSION) {
        error_setg(errp, "kvm: API version %d, expected %d", ret,
                   KVM_API_VERSION);
        return NULL;
    }
    do {
        ret = ioctl(s->fd, KVM_CREATE_VM, 0);
    } while (ret < 0 && errno == EINTR);
    if (ret < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_CREATE_VM failed");
        return NULL;
    }
    s->vmfd = ret;

    for (size_t i = 0; i < ARRAY_SIZE(kvm_required_caps); i++) {
        if (kvm_check_extension(s, kvm_required_caps[i].cap) <= 0) {
            error_setg(errp, "kvm: required capability %s is missing",
                       kvm_required_caps[i].name);
            return NULL;
        }
    }
    if (kvm_check_extension(s, KVM_CAP_NR_MEMSLOTS) < KVM_LOW_MAX_SLOTS) {
        error_setg(errp, "kvm: KVM offers fewer than %d memory slots",
                   KVM_LOW_MAX_SLOTS);
        return NULL;
    }
    s->immediate_exit = kvm_check_extension(s, KVM_CAP_IMMEDIATE_EXIT) > 0;

    s->vcpu_mmap_size = kvm_ioctl(s, KVM_GET_VCPU_MMAP_SIZE, NULL);
    if (s->vcpu_mmap_size < (int)sizeof(struct kvm_run)) {
        error_setg(errp, "kvm: KVM_GET_VCPU_MMAP_SIZE returned %d",
                   s->vcpu_mmap_size);
        return NULL;
    }

    if (!kvm_setup_dirty_tracking(s, opts, errp) ||
        !kvm_setup_x86(s, opts, errp)) {
        return NULL;
    }
    return g_steal_pointer(&s);
}

void kvm_state_free(KVMState *s)
{
    if (!s) {
        return;
    }
    assert(s->vcpus->len == 0);
    for (int i = 0; i < KVM_LOW_MAX_SLOTS; i++) {
        g_free(s->slots[i].dirty_bmap);
        g_free(s->slots[i].ring_bmap);
    }
    if (s->vmfd >= 0) {
        close(s->vmfd);
    }
    if (s->fd >= 0) {
        close(s->fd);
    }
    g_ptr_array_free(s->vcpus, true);
    g_free(s->msr_list);
    g_mutex_clear(&s->msr_lock);
    g_mutex_clear(&s->ring_lock);
    g_free(s);
}

bool kvm_irqchip_in_kernel(KVMState *s)
{
    return s->irqchip;
}

bool kvm_manual_dirty_log_protect(KVMState *s)
{
    return s->manual_protect;
}

uint32_t kvm_dirty_ring_entries(KVMState *s)
{
    return s->ring_entries;
}

bool kvm_get_clock(KVMState *s, uint64_t *clock, Error **errp)
{
    struct kvm_clock_data data = { 0 };
    int ret = kvm_vm_ioctl(s, KVM_GET_CLOCK, &data);

    if (ret < 0) {
        error_setg_errno(errp, -ret, "kvm: KVM_GET_CLOCK failed");
        return false;
    }
    *clock = data.clock;
    return true;
}

bool kvm_set_clock(KVMState *s, uint64_t clock, Error **errp)
{
    struct kvm_clock_data data = { .clock = clock };
    int ret = kvm_vm_ioctl(s, KVM_SET_CLOCK, &data);

    if (ret < 0) {
        error_setg_errno(errp, -ret, "kvm: KVM_SET_CLOCK failed");
        return false;
    }
    return true;
}
