/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The low-level KVM layer: a plain C API over the /dev/kvm ioctls for one
 * VM (KVMState), its memory slots, dirty logging (bitmap or dirty ring)
 * and its vCPUs (create, run one step, kick).  It knows nothing of QOM,
 * machines or MemoryRegions; memory.c and cpus.c build on it.
 *
 * Threading: functions taking a KVMVCPU run in that vCPU's thread, except
 * kvm_vcpu_kick() which any thread may call.  Slot and dirty-log
 * functions are called by one thread at a time (the BQL holder later),
 * except kvm_dirty_ring_reap() which may run concurrently in a reaper
 * thread.  docs/devel/kvm.md explains the protocols.
 */
#ifndef SYSTEM_KVM_LOW_H
#define SYSTEM_KVM_LOW_H

#include <linux/kvm.h>
#include <pthread.h>

/* The signal that kicks a vCPU thread out of KVM_RUN. */
#define SIG_IPI SIGUSR1

/* Size of the slot table; KVM allows many more, Tern needs a few. */
#define KVM_LOW_MAX_SLOTS 32

/*
 * Granularity of KVM_CLEAR_DIRTY_LOG when a whole slot is cleared at once:
 * 2^18 pages (1 GiB).  Each call holds KVM's mmu_lock while it
 * write-protects its range, so bounded chunks keep vCPUs from stalling.
 */
#define KVM_LOG_CLEAR_CHUNK_PAGES (1u << 18)

typedef struct KVMState KVMState;
typedef struct KVMVCPU KVMVCPU;

typedef struct KVMOptions {
    /* Create the in-kernel irqchip (PIC, IOAPIC, LAPICs). */
    bool irqchip;
    /* Also create the in-kernel PIT (KVM_CREATE_PIT2); needs irqchip. */
    bool pit;
    /*
     * Dirty ring entries per vCPU; 0 tracks dirty pages with bitmaps.
     * Must be a power of two, and its size in bytes at most what KVM
     * reports for KVM_CAP_DIRTY_LOG_RING.
     */
    uint32_t dirty_ring_entries;
    /* Do not use KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 even if available. */
    bool no_manual_protect;
} KVMOptions;

/* VM */

/* Open /dev/kvm, check the API and required capabilities, create a VM. */
KVMState *kvm_state_new(const KVMOptions *opts, Error **errp);
/* Destroy the VM; all vCPUs must have been destroyed first. */
void kvm_state_free(KVMState *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(KVMState, kvm_state_free)

/* KVM_CHECK_EXTENSION on the VM fd (falls back to /dev/kvm); <= 0: no. */
int kvm_check_extension(KVMState *s, unsigned int extension);
/* Raw ioctls on the /dev/kvm and VM fds; -errno on failure. */
int kvm_ioctl(KVMState *s, unsigned long type, void *arg);
int kvm_vm_ioctl(KVMState *s, unsigned long type, void *arg);

bool kvm_irqchip_in_kernel(KVMState *s);
/* True when KVM_CLEAR_DIRTY_LOG is in use (see kvm_log_clear()). */
bool kvm_manual_dirty_log_protect(KVMState *s);
/* Dirty ring entries per vCPU, or 0 when bitmaps are in use. */
uint32_t kvm_dirty_ring_entries(KVMState *s);

/* The VM's kvmclock (KVM_GET_CLOCK / KVM_SET_CLOCK), in nanoseconds. */
bool kvm_get_clock(KVMState *s, uint64_t *clock, Error **errp);
bool kvm_set_clock(KVMState *s, uint64_t clock, Error **errp);

/* Memory slots */

/*
 * Create, change or (with size 0) delete memory slot @slot mapping guest
 * physical [gpa, gpa + size) to host memory @host.  @flags are
 * KVM_MEM_* (KVM_MEM_LOG_DIRTY_PAGES, KVM_MEM_READONLY).  An existing
 * slot may only change its flags; to move it, delete it first.
 */
bool kvm_set_user_memory(KVMState *s, unsigned int slot, uint64_t gpa,
                         uint64_t size, void *host, uint32_t flags,
                         Error **errp);
/* Lowest unused slot number, or -1 if the table is full. */
int kvm_find_free_slot(KVMState *s);
/* Number of 4 KiB pages in @slot (0 if unused). */
uint64_t kvm_slot_npages(KVMState *s, unsigned int slot);

/*
 * Dirty logging of one slot.  After kvm_log_start() with manual protect
 * and KVM_DIRTY_LOG_INITIALLY_SET, the first sync reports every page.
 */
bool kvm_log_start(KVMState *s, unsigned int slot, Error **errp);
bool kvm_log_stop(KVMState *s, unsigned int slot, Error **errp);

/*
 * OR the pages of @slot dirtied since the last sync into @bitmap (bit N
 * = page N of the slot, as unsigned longs).  A slot without logging
 * reports nothing.
 *
 * With manual protect the kernel keeps the reported bits set and the
 * pages writable until kvm_log_clear() re-protects them: call it for a
 * range *before* reading those pages' contents, or a write that happens
 * between the sync and the read may be lost.  @clear true does that for
 * the whole slot at once, in KVM_LOG_CLEAR_CHUNK_PAGES chunks.  Without
 * manual protect (or with the dirty ring) the sync itself re-protects and
 * kvm_log_clear() has nothing to do.
 */
bool kvm_log_sync(KVMState *s, unsigned int slot, unsigned long *bitmap,
                  bool clear, Error **errp);
/*
 * Re-protect the pages in [first_page, first_page + npages) of @slot that
 * the last sync reported.  first_page is rounded down and the end up to
 * 64 pages, as KVM requires.
 */
bool kvm_log_clear(KVMState *s, unsigned int slot, uint64_t first_page,
                   uint64_t npages, Error **errp);

/*
 * Dirty ring: harvest every vCPU's ring into per-slot bitmaps that the
 * next kvm_log_sync() reports, then KVM_RESET_DIRTY_RINGS.  Safe to call
 * from a reaper thread while vCPUs run.  Returns the number of entries
 * harvested, or -1 with @errp set.  vCPU threads reap by themselves on
 * KVM_EXIT_DIRTY_RING_FULL.
 */
int64_t kvm_dirty_ring_reap(KVMState *s, Error **errp);
/*
 * The dirty ring entries harvested from @cpu's ring so far: the pages it
 * dirtied (a page counts again once its entry was reset).  Any thread.
 */
uint64_t kvm_vcpu_dirty_pages(KVMVCPU *cpu);

/* vCPUs */

/* KVM_CREATE_VCPU and map its kvm_run page (and dirty ring). */
KVMVCPU *kvm_vcpu_create(KVMState *s, unsigned int vcpu_id, Error **errp);
/* Close and unmap; the vCPU's thread must be finished with it. */
void kvm_vcpu_destroy(KVMVCPU *cpu);
int kvm_vcpu_fd(KVMVCPU *cpu);
struct kvm_run *kvm_vcpu_run_page(KVMVCPU *cpu);
int kvm_vcpu_ioctl(KVMVCPU *cpu, unsigned long type, void *arg);

/*
 * Call once in the thread that will run @cpu, before kvm_vcpu_run():
 * blocks SIG_IPI in the thread and tells KVM to unblock it only inside
 * KVM_RUN.  kvm_vcpu_thread_fini() makes kicks stop signalling the thread.
 */
bool kvm_vcpu_thread_init(KVMVCPU *cpu, Error **errp);
void kvm_vcpu_thread_fini(KVMVCPU *cpu);

/* What made KVM_RUN return, decoded from kvm_run. */
typedef struct KVMExit {
    uint32_t reason;    /* KVM_EXIT_*; KVM_EXIT_INTR after a kick */
    union {
        struct {
            uint16_t port;
            bool is_write;
            uint8_t size;       /* 1, 2 or 4 */
            uint32_t count;     /* > 1 for rep ins/outs */
            uint8_t *data;      /* count * size bytes in kvm_run */
        } io;
        struct {
            uint64_t addr;
            bool is_write;
            uint32_t len;
            uint8_t *data;      /* 8 bytes in kvm_run */
        } mmio;
        struct {
            uint32_t suberror;  /* KVM_INTERNAL_ERROR_* */
            uint32_t ndata;
            uint64_t data[16];
        } internal;
        struct {
            uint64_t hardware_reason;
            uint32_t cpu;
        } fail_entry;
        struct {
            uint32_t type;      /* KVM_SYSTEM_EVENT_* */
        } system_event;
    };
} KVMExit;

/*
 * Enter the guest once and return why it stopped.  For an IO read or MMIO
 * read exit, fill the data buffer before calling again.  A kick, or a
 * signal, returns reason KVM_EXIT_INTR; the caller then checks whatever
 * flag the kicker set.  KVM_EXIT_DIRTY_RING_FULL is handled here (the
 * rings are reaped) and never returned.  False only when KVM_RUN itself
 * fails.
 */
bool kvm_vcpu_run(KVMVCPU *cpu, KVMExit *exit, Error **errp);

/*
 * Make @cpu leave KVM_RUN now, or not enter it next time.  Any thread.
 * Set your own stop flag before kicking; each kick yields at least one
 * KVM_EXIT_INTR after it (kicks may merge).
 */
void kvm_vcpu_kick(KVMVCPU *cpu);

#endif
