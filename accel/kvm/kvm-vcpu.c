/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vCPUs: creation, the kvm_run page, one KVM_RUN step and the kick.
 *
 * The kick: SIG_IPI stays blocked in a vCPU thread except inside KVM_RUN
 * (KVM_SET_SIGNAL_MASK).  A kick sent while the vCPU is in the guest
 * makes KVM_RUN return EINTR; a kick sent at any other time stays pending
 * and makes the next KVM_RUN return EINTR before entering the guest, so
 * no kick is lost between the caller's flag check and the ioctl.  The
 * pending signal is consumed with sigtimedwait() once KVM_RUN has
 * returned, never by a handler.  kvm_run->immediate_exit is set too: it
 * covers a vCPU whose thread has not registered yet, and spares KVM an
 * entry.
 */
#include "qemu/osdep.h"
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "qapi/error.h"
#include "qemu/atomic.h"
#include "kvm-int.h"

int kvm_vcpu_ioctl(KVMVCPU *cpu, unsigned long type, void *arg)
{
    int ret = ioctl(cpu->fd, type, arg);

    return ret < 0 ? -errno : ret;
}

int kvm_vcpu_fd(KVMVCPU *cpu)
{
    return cpu->fd;
}

struct kvm_run *kvm_vcpu_run_page(KVMVCPU *cpu)
{
    return cpu->run;
}

KVMVCPU *kvm_vcpu_create(KVMState *s, unsigned int vcpu_id, Error **errp)
{
    KVMVCPU *cpu;
    int fd;
    void *run;

    fd = ioctl(s->vmfd, KVM_CREATE_VCPU, (unsigned long)vcpu_id);
    if (fd < 0) {
        error_setg_errno(errp, errno, "kvm: cannot create vCPU %u", vcpu_id);
        return NULL;
    }
    run = mmap(NULL, s->vcpu_mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED,
               fd, 0);
    if (run == MAP_FAILED) {
        error_setg_errno(errp, errno, "kvm: cannot map kvm_run of vCPU %u",
                         vcpu_id);
        close(fd);
        return NULL;
    }

    cpu = g_new0(KVMVCPU, 1);
    cpu->s = s;
    cpu->id = vcpu_id;
    cpu->fd = fd;
    cpu->run = run;
    g_mutex_init(&cpu->thread_lock);

    if (s->ring_entries) {
        size_t len = (size_t)s->ring_entries * sizeof(struct kvm_dirty_gfn);
        void *ring = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
                          (off_t)KVM_DIRTY_LOG_PAGE_OFFSET * getpagesize());

        if (ring == MAP_FAILED) {
            error_setg_errno(errp, errno, "kvm: cannot map the dirty ring "
                             "of vCPU %u", vcpu_id);
            kvm_vcpu_destroy(cpu);
            return NULL;
        }
        cpu->ring = ring;
    }

    g_mutex_lock(&s->ring_lock);
    g_ptr_array_add(s->vcpus, cpu);
    g_mutex_unlock(&s->ring_lock);
    return cpu;
}

void kvm_vcpu_destroy(KVMVCPU *cpu)
{
    KVMState *s;

    if (!cpu) {
        return;
    }
    s = cpu->s;
    g_mutex_lock(&s->ring_lock);
    if (g_ptr_array_remove(s->vcpus, cpu) && cpu->ring) {
        /* Keep what this vCPU logged: harvest it before the ring goes. */
        g_ptr_array_add(s->vcpus, cpu);
        kvm_dirty_ring_reap_locked(s, NULL);
        g_ptr_array_remove(s->vcpus, cpu);
    }
    g_mutex_unlock(&s->ring_lock);

    if (cpu->ring) {
        munmap(cpu->ring,
               (size_t)s->ring_entries * sizeof(struct kvm_dirty_gfn));
    }
    munmap(cpu->run, s->vcpu_mmap_size);
    close(cpu->fd);
    g_mutex_clear(&cpu->thread_lock);
    g_free(cpu->reset_msrs);
    g_free(cpu->reset_lapic);
    g_free(cpu);
}

static void kvm_sig_ipi_handler(int sig)
{
    /* Never runs in a vCPU thread; exists so SIG_IPI cannot kill us. */
}

static gpointer kvm_install_sig_ipi(gpointer unused)
{
    struct sigaction sa = { .sa_handler = kvm_sig_ipi_handler };

    sigemptyset(&sa.sa_mask);
    sigaction(SIG_IPI, &sa, NULL);
    return NULL;
}

bool kvm_vcpu_thread_init(KVMVCPU *cpu, Error **errp)
{
    static GOnce once = G_ONCE_INIT;
    struct kvm_signal_mask *kmask;
    sigset_t set;
    int ret;

    g_once(&once, kvm_install_sig_ipi, NULL);

    pthread_sigmask(SIG_BLOCK, NULL, &set);
    sigaddset(&set, SIG_IPI);
    pthread_sigmask(SIG_SETMASK, &set, NULL);

    /* The kernel's sigset is 64 bits: the first word of glibc's. */
    sigdelset(&set, SIG_IPI);
    kmask = g_malloc0(sizeof(*kmask) + sizeof(uint64_t));
    kmask->len = sizeof(uint64_t);
    memcpy(kmask->sigset, &set, sizeof(uint64_t));
    ret = kvm_vcpu_ioctl(cpu, KVM_SET_SIGNAL_MASK, kmask);
    g_free(kmask);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "kvm: KVM_SET_SIGNAL_MASK failed for "
                         "vCPU %u", cpu->id);
        return false;
    }

    g_mutex_lock(&cpu->thread_lock);
    cpu->thread = pthread_self();
    cpu->has_thread = true;
    g_mutex_unlock(&cpu->thread_lock);
    return true;
}

void kvm_vcpu_thread_fini(KVMVCPU *cpu)
{
    g_mutex_lock(&cpu->thread_lock);
    cpu->has_thread = false;
    g_mutex_unlock(&cpu->thread_lock);
}

void kvm_vcpu_kick(KVMVCPU *cpu)
{
    if (cpu->s->immediate_exit) {
        qatomic_set(&cpu->run->immediate_exit, 1);
    }
    g_mutex_lock(&cpu->thread_lock);
    if (cpu->has_thread) {
        pthread_kill(cpu->thread, SIG_IPI);
    }
    g_mutex_unlock(&cpu->thread_lock);
}

/* Consume pending kicks; SIG_IPI is blocked here, so they wait for us. */
static void kvm_eat_kicks(KVMVCPU *cpu)
{
    static const struct timespec zero;
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIG_IPI);
    while (sigtimedwait(&set, NULL, &zero) > 0 || errno == EINTR) {
        /* one more consumed */
    }
    qatomic_set(&cpu->run->immediate_exit, 0);
}

static void kvm_decode_exit(struct kvm_run *run, KVMExit *exit)
{
    memset(exit, 0, sizeof(*exit));
    exit->reason = run->exit_reason;

    switch (run->exit_reason) {
    case KVM_EXIT_IO:
        exit->io.port = run->io.port;
        exit->io.is_write = run->io.direction == KVM_EXIT_IO_OUT;
        exit->io.size = run->io.size;
        exit->io.count = run->io.count;
        exit->io.data = (uint8_t *)run + run->io.data_offset;
        break;
    case KVM_EXIT_MMIO:
        exit->mmio.addr = run->mmio.phys_addr;
        exit->mmio.is_write = run->mmio.is_write;
        exit->mmio.len = run->mmio.len;
        exit->mmio.data = run->mmio.data;
        break;
    case KVM_EXIT_INTERNAL_ERROR:
        exit->internal.suberror = run->internal.suberror;
        exit->internal.ndata = MIN(run->internal.ndata,
                                   ARRAY_SIZE(exit->internal.data));
        memcpy(exit->internal.data, run->internal.data,
               exit->internal.ndata * sizeof(uint64_t));
        break;
    case KVM_EXIT_FAIL_ENTRY:
        exit->fail_entry.hardware_reason =
            run->fail_entry.hardware_entry_failure_reason;
        exit->fail_entry.cpu = run->fail_entry.cpu;
        break;
    case KVM_EXIT_SYSTEM_EVENT:
        exit->system_event.type = run->system_event.type;
        break;
    default:
        break;
    }
}

bool kvm_vcpu_run(KVMVCPU *cpu, KVMExit *exit, Error **errp)
{
    for (;;) {
        int ret = ioctl(cpu->fd, KVM_RUN, 0);

        if (ret < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                kvm_eat_kicks(cpu);
                memset(exit, 0, sizeof(*exit));
                exit->reason = KVM_EXIT_INTR;
                return true;
            }
            error_setg_errno(errp, errno, "kvm: KVM_RUN failed on vCPU %u",
                             cpu->id);
            return false;
        }
        if (cpu->run->exit_reason == KVM_EXIT_DIRTY_RING_FULL) {
            if (kvm_dirty_ring_reap(cpu->s, errp) < 0) {
                return false;
            }
            continue;
        }
        kvm_decode_exit(cpu->run, exit);
        return true;
    }
}
