/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runs the migration test guest (tests/migration-guest) on the low-level
 * KVM layer: boot, kick/pause/resume, save and restore the vCPU into a
 * fresh VM, dirty logging with bitmaps and with the dirty ring, and the
 * protected-mode IRET that kvm_pvm cannot run.  Skips without /dev/kvm.
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include "qapi/error.h"
#include "qemu/atomic.h"
#include "qemu/bitops.h"
#include "qemu/bswap.h"
#include "qemu/cutils.h"
#include "system/kvm-low.h"
#include "system/kvm-x86.h"
#include "io/channel-buffer.h"
#include "migration/qemu-file.h"
#include "qemu/module.h"
#include "hw/i386/x86-cpu.h"

#define RAM_SIZE        (128 * MiB)
#define GUEST_START     (1 * MiB)
#define GUEST_END       (16 * MiB)
#define GUEST_PAGES     ((GUEST_END - GUEST_START) / TARGET_PAGE_SIZE)
#define BOOT_ADDR       0x7c00
#define SERIAL_PORT     0x3f8
#define A20_PORT        0x92
/* Generous bound on any wait; nothing is timed, only bounded. */
#define WAIT_US         (60 * G_USEC_PER_SEC)

#define MSR_IA32_TSC            0x10
#define MSR_IA32_SYSENTER_CS    0x174
#define MSR_IA32_SYSENTER_ESP   0x175
#define MSR_IA32_SYSENTER_EIP   0x176
#define MSR_PAT                 0x277
#define MSR_STAR                0xc0000081
#define MSR_LSTAR               0xc0000082
#define MSR_CSTAR               0xc0000083
#define MSR_FMASK               0xc0000084
#define MSR_KERNEL_GS_BASE      0xc0000102

typedef struct TestVM {
    KVMState *s;
    KVMVCPU *cpu;
    uint8_t *ram;
    GThread *thread;

    GMutex lock;
    GCond cond;
    bool pause_req;
    bool paused;
    bool quit;
    bool done;              /* the vCPU thread ended */

    /* Counted by the vCPU thread. */
    unsigned int passes;    /* 'B's seen on the serial port */
    unsigned int a20_writes;
    unsigned int kicks_seen;
    GString *serial;        /* under lock */
    KVMExit final_exit;     /* why the thread ended, if not quit */
    char *error;
} TestVM;

static bool bmap_is_empty(const unsigned long *bmap, uint64_t nbits)
{
    for (uint64_t i = 0; i < nbits; i++) {
        if (test_bit(i, bmap)) {
            return false;
        }
    }
    return true;
}

static char *guest_image_path(const char *name)
{
    const char *dir = g_getenv("TERN_GUEST_DIR");

    if (dir) {
        return g_build_filename(dir, name, NULL);
    }
    return g_build_filename(g_getenv("G_TEST_BUILDDIR") ?: ".", "..",
                            "migration-guest", name, NULL);
}

/* Read a guest image; NULL (and a skip) when it is not built. */
static uint8_t *load_image(const char *name)
{
    g_autofree char *path = guest_image_path(name);
    g_autoptr(GError) err = NULL;
    gchar *data;
    gsize len;

    if (!g_file_get_contents(path, &data, &len, &err)) {
        g_test_skip_printf("guest image %s not available: %s", path,
                           err->message);
        return NULL;
    }
    g_assert_cmpuint(len, ==, 512);
    g_assert_cmpuint((uint8_t)data[510], ==, 0x55);
    g_assert_cmpuint((uint8_t)data[511], ==, 0xaa);
    return (uint8_t *)data;
}

static KVMState *kvm_or_skip(const KVMOptions *opts)
{
    Error *err = NULL;
    KVMState *s;

    if (access("/dev/kvm", R_OK | W_OK) != 0) {
        g_test_skip_printf("no /dev/kvm: %s", g_strerror(errno));
        return NULL;
    }
    s = kvm_state_new(opts, &err);
    if (!s) {
        g_test_skip_printf("cannot create a KVM VM: %s",
                           error_get_pretty(err));
        error_free(err);
    }
    return s;
}

/* Guest RAM size of the next VM; only the perf test changes it. */
static uint64_t ram_size = RAM_SIZE;

static uint8_t *ram_new(void)
{
    void *p = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

    g_assert(p != MAP_FAILED);
    return p;
}

static void handle_io(TestVM *vm, KVMExit *e)
{
    uint8_t *data = e->io.data;

    for (uint32_t i = 0; i < e->io.count; i++, data += e->io.size) {
        if (!e->io.is_write) {
            memset(data, 0xff, e->io.size);  /* unassigned: all-ones */
            continue;
        }
        if (e->io.port == SERIAL_PORT) {
            g_mutex_lock(&vm->lock);
            g_string_append_c(vm->serial, data[0]);
            g_mutex_unlock(&vm->lock);
            if (data[0] == 'B') {
                qatomic_inc(&vm->passes);
            }
        } else if (e->io.port == A20_PORT) {
            qatomic_inc(&vm->a20_writes);
        }
    }
}

static gpointer vcpu_thread(gpointer opaque)
{
    TestVM *vm = opaque;
    Error *err = NULL;
    KVMExit e;

    if (!kvm_vcpu_thread_init(vm->cpu, &err)) {
        goto fail;
    }
    for (;;) {
        g_mutex_lock(&vm->lock);
        while (vm->pause_req && !vm->quit) {
            vm->paused = true;
            g_cond_broadcast(&vm->cond);
            g_cond_wait(&vm->cond, &vm->lock);
        }
        vm->paused = false;
        if (vm->quit) {
            g_mutex_unlock(&vm->lock);
            break;
        }
        g_mutex_unlock(&vm->lock);

        if (!kvm_vcpu_run(vm->cpu, &e, &err)) {
            goto fail;
        }
        if (e.reason == KVM_EXIT_IO) {
            handle_io(vm, &e);
        } else if (e.reason == KVM_EXIT_INTR) {
            qatomic_inc(&vm->kicks_seen);
        } else {
            g_mutex_lock(&vm->lock);
            vm->final_exit = e;
            g_mutex_unlock(&vm->lock);
            break;
        }
    }
    goto out;
fail:
    g_mutex_lock(&vm->lock);
    vm->error = g_strdup(error_get_pretty(err));
    g_mutex_unlock(&vm->lock);
    error_free(err);
out:
    kvm_vcpu_thread_fini(vm->cpu);
    g_mutex_lock(&vm->lock);
    vm->done = true;
    g_cond_broadcast(&vm->cond);
    g_mutex_unlock(&vm->lock);
    return NULL;
}

/* A VM with all of RAM in slot 0 and one vCPU; nothing runs yet. */
static void vm_init(TestVM *vm, KVMState *s, uint8_t *ram)
{
    memset(vm, 0, sizeof(*vm));
    vm->s = s;
    vm->ram = ram;
    vm->serial = g_string_new(NULL);
    g_mutex_init(&vm->lock);
    g_cond_init(&vm->cond);
    kvm_set_user_memory(s, 0, 0, ram_size, ram, 0, &error_abort);
    vm->cpu = kvm_vcpu_create(s, 0, &error_abort);
    kvm_x86_vcpu_init_cpuid(vm->cpu, &error_abort);
}

/* Boot @image: put it at 0x7c00 and reset the vCPU to 0000:7c00. */
static void vm_boot(TestVM *vm, const uint8_t *image)
{
    memcpy(vm->ram + BOOT_ADDR, image, 512);
    kvm_x86_vcpu_reset(vm->cpu, 0, BOOT_ADDR, &error_abort);
}

static void vm_start_thread(TestVM *vm)
{
    vm->thread = g_thread_new("vcpu", vcpu_thread, vm);
}

/* Stop the vCPU with a kick and wait until it is parked. */
static void vm_pause(TestVM *vm)
{
    gint64 deadline = g_get_monotonic_time() + WAIT_US;

    g_mutex_lock(&vm->lock);
    vm->pause_req = true;
    g_mutex_unlock(&vm->lock);
    kvm_vcpu_kick(vm->cpu);

    g_mutex_lock(&vm->lock);
    while (!vm->paused && !vm->done) {
        if (!g_cond_wait_until(&vm->cond, &vm->lock, deadline)) {
            break;
        }
    }
    g_assert_null(vm->error);
    g_assert_true(vm->paused);
    g_mutex_unlock(&vm->lock);
}

static void vm_resume(TestVM *vm)
{
    g_mutex_lock(&vm->lock);
    vm->pause_req = false;
    g_cond_broadcast(&vm->cond);
    g_mutex_unlock(&vm->lock);
}

/* Wait until the guest has reported @n passes in total. */
static void vm_wait_passes(TestVM *vm, unsigned int n)
{
    gint64 deadline = g_get_monotonic_time() + WAIT_US;

    while (qatomic_read(&vm->passes) < n) {
        g_mutex_lock(&vm->lock);
        g_assert_null(vm->error);
        g_assert_false(vm->done);
        g_mutex_unlock(&vm->lock);
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(1000);
    }
}

/* End the vCPU thread and free the vCPU and the VM (not the RAM). */
static void vm_destroy(TestVM *vm)
{
    if (vm->thread) {
        g_mutex_lock(&vm->lock);
        vm->quit = true;
        g_cond_broadcast(&vm->cond);
        g_mutex_unlock(&vm->lock);
        kvm_vcpu_kick(vm->cpu);
        g_thread_join(vm->thread);
    }
    kvm_vcpu_destroy(vm->cpu);
    kvm_state_free(vm->s);
    g_string_free(vm->serial, true);
    g_free(vm->error);
    g_mutex_clear(&vm->lock);
    g_cond_clear(&vm->cond);
}

static uint8_t *load_patched_guest(void)
{
    uint8_t *img = load_image("guest.img");

    if (img) {
        g_assert_cmpmem(img + 4, 4, "TGST", 4);
        stl_le_p(img + 8, GUEST_START);
        stl_le_p(img + 12, GUEST_END);
    }
    return img;
}

/*
 * The guest's invariant: pages are visited in order, so bytes read
 * n+1 ... n+1 n ... n.  With @passes 'B's seen, n is passes, or
 * passes - 1 when the vCPU stopped between the last page and the 'out'.
 */
static void check_pattern(const uint8_t *ram, unsigned int passes)
{
    uint8_t first = ram[GUEST_START];
    uint8_t last = ram[GUEST_END - TARGET_PAGE_SIZE];
    uint8_t n = passes;
    unsigned int steps = 0;

    for (uint64_t a = GUEST_START + TARGET_PAGE_SIZE; a < GUEST_END;
         a += TARGET_PAGE_SIZE) {
        uint8_t prev = ram[a - TARGET_PAGE_SIZE], cur = ram[a];

        if (cur != prev) {
            g_assert_cmpuint((uint8_t)(prev - 1), ==, cur);
            steps++;
        }
    }
    g_assert_cmpuint(steps, <=, 1);
    g_assert_cmpuint((uint8_t)(first - last), <=, 1);
    /* last is n, or n + 1 when the pass ended but 'B' is not out yet. */
    g_assert_true(last == n || last == (uint8_t)(n + 1));
    g_assert_true(first == n || first == (uint8_t)(n + 1));
}

static void test_caps(void)
{
    g_autoptr(KVMState) s = kvm_or_skip(NULL);
    const uint32_t *msrs;
    unsigned int n;
    static const uint32_t wanted[] = {
        MSR_IA32_TSC, MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP,
        MSR_IA32_SYSENTER_EIP, MSR_PAT, MSR_STAR, MSR_LSTAR, MSR_CSTAR,
        MSR_FMASK, MSR_KERNEL_GS_BASE,
    };
    KVMOptions bad_ring = { .dirty_ring_entries = 1000 };
    Error *err = NULL;
    uint64_t clock;

    if (!s) {
        return;
    }
    n = kvm_x86_msr_list(s, &msrs, &error_abort);
    g_test_message("manual dirty log protect: %s; dirty ring max bytes: "
                   "%d; %u MSRs saved",
                   kvm_manual_dirty_log_protect(s) ? "yes" : "no",
                   kvm_check_extension(s, KVM_CAP_DIRTY_LOG_RING), n);
    for (size_t i = 0; i < ARRAY_SIZE(wanted); i++) {
        bool found = false;

        for (unsigned int j = 0; j < n; j++) {
            found |= msrs[j] == wanted[i];
        }
        g_assert_true(found);
    }
    g_assert_true(kvm_get_clock(s, &clock, &error_abort));
    g_assert_true(kvm_set_clock(s, clock + 1000000, &error_abort));

    /* A dirty ring size that is no power of two is refused, by name. */
    if (kvm_check_extension(s, KVM_CAP_DIRTY_LOG_RING) > 0) {
        g_assert_null(kvm_state_new(&bad_ring, &err));
        g_assert_nonnull(strstr(error_get_pretty(err), "power of two"));
        error_free(err);
    }

    /* Slot table checks. */
    err = NULL;
    g_assert_false(kvm_set_user_memory(s, KVM_LOW_MAX_SLOTS, 0, 4096,
                                       NULL, 0, &err));
    error_free(err);
    err = NULL;
    g_assert_false(kvm_log_sync(s, 3, NULL, false, &err));
    error_free(err);
}

static void test_boot_pause_resume(void)
{
    g_autofree uint8_t *img = load_patched_guest();
    KVMState *s;
    uint8_t *ram;
    TestVM vm;
    g_autofree X86VCPUState *st = g_new0(X86VCPUState, 1);
    unsigned int passes;

    if (!img || !(s = kvm_or_skip(NULL))) {
        return;
    }
    ram = ram_new();
    vm_init(&vm, s, ram);
    vm_boot(&vm, img);
    vm_start_thread(&vm);
    vm_wait_passes(&vm, 3);

    for (int i = 0; i < 5; i++) {
        vm_pause(&vm);
        passes = qatomic_read(&vm.passes);
        check_pattern(ram, passes);
        kvm_x86_get_state(vm.cpu, st, &error_abort);
        g_assert_cmphex(st->cr0 & 1, ==, 1);                /* PE */
        g_assert_cmphex(st->segs[X86_SEG_CS].selector, ==, 0x08);
        g_assert_cmphex(st->rip, >=, BOOT_ADDR);
        g_assert_cmphex(st->rip, <, BOOT_ADDR + 512);
        /* Paused means paused: memory stays still. */
        g_usleep(20000);
        check_pattern(ram, passes);
        g_assert_cmpuint(qatomic_read(&vm.passes), ==, passes);
        vm_resume(&vm);
        vm_wait_passes(&vm, passes + 1);
    }
    g_assert_cmpuint(vm.a20_writes, ==, 1);
    g_assert_cmpuint(vm.kicks_seen, >=, 1);
    g_mutex_lock(&vm.lock);
    for (gsize i = 0; i < vm.serial->len; i++) {
        g_assert_cmpint(vm.serial->str[i], ==, 'B');
    }
    g_mutex_unlock(&vm.lock);
    vm_destroy(&vm);
    munmap(ram, ram_size);
}

/* A kick before the vCPU thread exists must still stop the next run. */
static void test_kick_before_run(void)
{
    g_autofree uint8_t *img = load_patched_guest();
    KVMState *s;
    uint8_t *ram;
    TestVM vm;
    KVMExit e;

    if (!img || !(s = kvm_or_skip(NULL))) {
        return;
    }
    if (kvm_check_extension(s, KVM_CAP_IMMEDIATE_EXIT) <= 0) {
        kvm_state_free(s);
        g_test_skip("KVM_CAP_IMMEDIATE_EXIT is missing");
        return;
    }
    ram = ram_new();
    vm_init(&vm, s, ram);
    vm_boot(&vm, img);
    kvm_vcpu_kick(vm.cpu);
    kvm_vcpu_thread_init(vm.cpu, &error_abort);
    g_assert_true(kvm_vcpu_run(vm.cpu, &e, &error_abort));
    g_assert_cmpuint(e.reason, ==, KVM_EXIT_INTR);
    /* Nothing ran: the first exit of the guest is still its A20 read. */
    g_assert_true(kvm_vcpu_run(vm.cpu, &e, &error_abort));
    g_assert_cmpuint(e.reason, ==, KVM_EXIT_IO);
    g_assert_cmpuint(e.io.port, ==, A20_PORT);
    g_assert_false(e.io.is_write);
    kvm_vcpu_thread_fini(vm.cpu);
    vm_destroy(&vm);
    munmap(ram, ram_size);
}

static void set_msr(X86VCPUState *st, uint32_t index, uint64_t value)
{
    for (uint32_t i = 0; i < st->nmsrs; i++) {
        if (st->msrs[i].index == index) {
            st->msrs[i].data = value;
            return;
        }
    }
    g_assert_not_reached();
}

static const struct {
    uint32_t index;
    uint64_t value;
} test_msrs[] = {
    { MSR_IA32_SYSENTER_CS, 0x10 },
    { MSR_IA32_SYSENTER_ESP, 0xffff800000001000ull },
    { MSR_IA32_SYSENTER_EIP, 0xffff800000002000ull },
    { MSR_STAR, 0x0023001000000000ull },
    { MSR_LSTAR, 0xffff800000003000ull },
    { MSR_CSTAR, 0xffff800000004000ull },
    { MSR_FMASK, 0x47700 },
    { MSR_KERNEL_GS_BASE, 0xffff800000005000ull },
    { MSR_PAT, 0x0007040600070406ull },
};

/*
 * Send @st through its VMStateDescription (as a migration would) and
 * return what a destination loads from the bytes.
 */
static X86VCPUState *vmstate_round_trip(X86VCPUState *st)
{
    g_autoptr(QIOChannelBuffer) out = qio_channel_buffer_new(64 * KiB);
    QIOChannelBuffer *in;
    X86VCPUState *loaded = g_new0(X86VCPUState, 1);
    QEMUFile *f = qemu_file_new_output(QIO_CHANNEL(out));

    g_assert_cmpint(vmstate_save_state(f, &vmstate_x86_vcpu_state, st,
                                       NULL, &error_abort), ==, 0);
    qemu_put_byte(f, 0);        /* QEMU_VM_EOF ends the stream */
    qemu_fflush(f);
    in = qio_channel_buffer_new(out->usage);
    qio_channel_write_all(QIO_CHANNEL(in), (char *)out->data, out->usage,
                          &error_abort);
    in->offset = 0;
    qemu_fclose(f);
    g_test_message("vCPU state: %zu bytes in the stream", in->usage);

    f = qemu_file_new_input(QIO_CHANNEL(in));
    object_unref(OBJECT(in));
    g_assert_cmpint(vmstate_load_state(f, &vmstate_x86_vcpu_state, loaded,
                                       1, &error_abort), ==, 0);
    qemu_fclose(f);
    return loaded;
}

/*
 * Save the vCPU mid-pass, copy RAM, throw the VM away, restore into a
 * fresh VM and run on: the guest continues its pass.
 */
static void test_save_restore(void)
{
    g_autofree uint8_t *img = load_patched_guest();
    g_autofree X86VCPUState *st = g_new0(X86VCPUState, 1);
    g_autofree X86VCPUState *st2 = g_new0(X86VCPUState, 1);
    KVMState *s;
    uint8_t *ram, *ram2;
    TestVM vm, vm2;
    unsigned int passes;
    uint64_t clock, clock2, v;

    if (!img || !(s = kvm_or_skip(NULL))) {
        return;
    }
    ram = ram_new();
    vm_init(&vm, s, ram);
    vm_boot(&vm, img);
    vm_start_thread(&vm);
    vm_wait_passes(&vm, 2);
    vm_pause(&vm);

    /* Give the MSRs distinctive values so the restore is visible. */
    kvm_x86_get_state(vm.cpu, st, &error_abort);
    for (size_t i = 0; i < ARRAY_SIZE(test_msrs); i++) {
        set_msr(st, test_msrs[i].index, test_msrs[i].value);
    }
    kvm_x86_put_state(vm.cpu, st, &error_abort);
    kvm_x86_get_state(vm.cpu, st, &error_abort);
    kvm_get_clock(s, &clock, &error_abort);
    passes = qatomic_read(&vm.passes);
    check_pattern(ram, passes);

    ram2 = ram_new();
    memcpy(ram2, ram, ram_size);
    vm_destroy(&vm);
    munmap(ram, ram_size);

    s = kvm_or_skip(NULL);
    g_assert_nonnull(s);
    vm_init(&vm2, s, ram2);
    {
        g_autofree X86VCPUState *sent = vmstate_round_trip(st);

        kvm_x86_put_state(vm2.cpu, sent, &error_abort);
    }
    kvm_set_clock(s, clock, &error_abort);

    kvm_x86_get_state(vm2.cpu, st2, &error_abort);
    g_assert_cmpmem(st->regs, sizeof(st->regs), st2->regs,
                    sizeof(st2->regs));
    g_assert_cmphex(st->rip, ==, st2->rip);
    g_assert_cmphex(st->rflags, ==, st2->rflags);
    g_assert_cmpmem(st->segs, sizeof(st->segs), st2->segs,
                    sizeof(st2->segs));
    g_assert_cmphex(st->gdt.base, ==, st2->gdt.base);
    g_assert_cmphex(st->cr0, ==, st2->cr0);
    g_assert_cmpuint(st->mp_state, ==, st2->mp_state);
    g_assert_cmpuint(st->xsave_len, ==, st2->xsave_len);
    g_assert_cmpuint(st->nmsrs, ==, st2->nmsrs);
    for (size_t i = 0; i < ARRAY_SIZE(test_msrs); i++) {
        g_assert_true(x86_vcpu_state_get_msr(st2, test_msrs[i].index, &v));
        g_assert_cmphex(v, ==, test_msrs[i].value);
    }
    kvm_get_clock(s, &clock2, &error_abort);
    g_assert_cmpuint(clock2, >=, clock);

    vm_start_thread(&vm2);
    vm_wait_passes(&vm2, 3);
    vm_pause(&vm2);
    /* Same memory, continued: the byte count goes on from 'passes'. */
    check_pattern(ram2, passes + qatomic_read(&vm2.passes));
    /* It did not boot again: no A20 access in the new VM. */
    g_assert_cmpuint(vm2.a20_writes, ==, 0);
    vm_destroy(&vm2);
    munmap(ram2, ram_size);
}

/*
 * A reset puts back the architectural state of everything a guest can
 * change: FPU/SSE, XCR0, MSRs (their power-on values, the TSC kept),
 * pending events, debug registers and the LAPIC (its power-on image).
 */
static void test_reset(void)
{
    KVMOptions opts = { .irqchip = true };
    g_autofree X86VCPUState *st0 = g_new0(X86VCPUState, 1);
    g_autofree X86VCPUState *st = g_new0(X86VCPUState, 1);
    KVMState *s;
    uint8_t *ram;
    TestVM vm;
    uint64_t v, v0;

    if (!(s = kvm_or_skip(&opts))) {
        return;
    }
    ram = ram_new();
    vm_init(&vm, s, ram);
    kvm_x86_vcpu_reset(vm.cpu, 0xf000, 0xfff0, &error_abort);
    kvm_x86_get_state(vm.cpu, st0, &error_abort);
    g_assert_true(st0->has_lapic);

    /* Dirty what a guest could have changed before it rebooted. */
    memcpy(st, st0, sizeof(*st));
    for (size_t i = 0; i < ARRAY_SIZE(test_msrs); i++) {
        set_msr(st, test_msrs[i].index, test_msrs[i].value);
    }
    set_msr(st, MSR_PAT, 0x0606060606060606ull);
    stw_le_p(st->xsave + 0, 0x027f);            /* FCW */
    stl_le_p(st->xsave + 24, 0x1fa0);           /* MXCSR */
    memset(st->xsave + 160, 0xaa, 16);          /* XMM0 */
    st->db[0] = 0x1234;
    st->dr7 = 0x401;
    st->events.nmi_pending = 1;
    stl_le_p(st->lapic + 0x80, 0x20);           /* TPR */
    stl_le_p(st->lapic + 0xf0, 0x1ff);          /* SVR: enabled */
    kvm_x86_put_state(vm.cpu, st, &error_abort);
    kvm_x86_get_state(vm.cpu, st, &error_abort);
    g_assert_cmphex(lduw_le_p(st->xsave + 0), ==, 0x027f);
    g_assert_cmphex(ldl_le_p(st->xsave + 24), ==, 0x1fa0);
    g_assert_cmphex(st->db[0], ==, 0x1234);
    g_assert_cmphex(st->dr7, ==, 0x401);
    g_assert_cmpuint(st->events.nmi_pending, ==, 1);
    g_assert_cmphex(ldl_le_p(st->lapic + 0x80), ==, 0x20);
    g_assert_true(x86_vcpu_state_get_msr(st, MSR_PAT, &v));
    g_assert_cmphex(v, ==, 0x0606060606060606ull);

    kvm_x86_vcpu_reset(vm.cpu, 0xf000, 0xfff0, &error_abort);
    kvm_x86_get_state(vm.cpu, st, &error_abort);
    g_assert_cmphex(lduw_le_p(st->xsave + 0), ==, 0x037f);
    g_assert_cmphex(ldl_le_p(st->xsave + 24), ==, 0x1f80);
    g_assert_true(buffer_is_zero(st->xsave + 160, 16));
    g_assert_cmpuint(st->nxcrs, >=, 1);
    g_assert_cmphex(st->xcrs[0].value, ==, 1);
    g_assert_cmphex(st->db[0], ==, 0);
    g_assert_cmphex(st->dr6, ==, 0xffff0ff0);
    g_assert_cmphex(st->dr7, ==, 0x400);
    g_assert_cmpuint(st->events.nmi_pending, ==, 0);
    g_assert_cmpuint(st->events.nmi_injected, ==, 0);
    g_assert_cmpuint(st->events.exception_pending, ==, 0);
    for (size_t i = 0; i < ARRAY_SIZE(test_msrs); i++) {
        g_assert_true(x86_vcpu_state_get_msr(st0, test_msrs[i].index, &v0));
        g_assert_true(x86_vcpu_state_get_msr(st, test_msrs[i].index, &v));
        g_assert_cmphex(v, ==, v0);
    }
    g_assert_true(x86_vcpu_state_get_msr(st, MSR_PAT, &v));
    g_assert_cmphex(v, ==, 0x0007040600070406ull);
    /* The LAPIC is its power-on image again (timer idle: TMCCT 0). */
    g_assert_cmpmem(st->lapic, sizeof(st->lapic), st0->lapic,
                    sizeof(st0->lapic));
    vm_destroy(&vm);
    munmap(ram, ram_size);
}

/* Every set bit is a page of the guest's range; @full: all of them are. */
static void check_dirty(const unsigned long *bmap, uint64_t npages,
                        bool full)
{
    uint64_t first = GUEST_START / TARGET_PAGE_SIZE;
    uint64_t end = GUEST_END / TARGET_PAGE_SIZE;
    uint64_t count = 0;

    for (uint64_t p = 0; p < npages; p++) {
        if (test_bit(p, bmap)) {
            if (p < first || p >= end) {
                g_test_message("unexpected dirty page 0x%" PRIx64, p);
            }
            g_assert_cmphex(p, >=, first);
            g_assert_cmphex(p, <, end);
            count++;
        }
    }
    if (full) {
        g_assert_cmpuint(count, ==, end - first);
    }
}

static void run_dirty_test(const KVMOptions *opts)
{
    g_autofree uint8_t *img = load_patched_guest();
    uint64_t npages = RAM_SIZE / TARGET_PAGE_SIZE;
    g_autofree unsigned long *bmap = g_new0(unsigned long,
                                           BITS_TO_LONGS(npages));
    size_t bmap_bytes = BITS_TO_LONGS(npages) * sizeof(unsigned long);
    KVMState *s;
    uint8_t *ram;
    TestVM vm;
    unsigned int passes;

    if (!img || !(s = kvm_or_skip(opts))) {
        return;
    }
    ram = ram_new();
    vm_init(&vm, s, ram);
    vm_boot(&vm, img);
    vm_start_thread(&vm);
    vm_wait_passes(&vm, 1);

    /* Logging off: nothing is reported. */
    vm_pause(&vm);
    g_assert_true(kvm_log_sync(s, 0, bmap, true, &error_abort));
    g_assert_true(bmap_is_empty(bmap, npages));

    /* On: drop what logging reports at start, then watch a full pass. */
    kvm_log_start(s, 0, &error_abort);
    kvm_log_sync(s, 0, bmap, true, &error_abort);
    memset(bmap, 0, bmap_bytes);
    vm_resume(&vm);
    passes = qatomic_read(&vm.passes);
    vm_wait_passes(&vm, passes + 2);
    vm_pause(&vm);
    kvm_log_sync(s, 0, bmap, true, &error_abort);
    check_dirty(bmap, npages, true);

    /* Paused and synced: a second sync finds nothing new. */
    memset(bmap, 0, bmap_bytes);
    kvm_log_sync(s, 0, bmap, true, &error_abort);
    g_assert_true(bmap_is_empty(bmap, npages));

    /* A short run dirties a subset of the range and nothing else. */
    vm_resume(&vm);
    g_usleep(1000);
    vm_pause(&vm);
    kvm_log_sync(s, 0, bmap, true, &error_abort);
    check_dirty(bmap, npages, false);

    /* Off again: nothing is reported however long the guest runs. */
    kvm_log_stop(s, 0, &error_abort);
    memset(bmap, 0, bmap_bytes);
    vm_resume(&vm);
    passes = qatomic_read(&vm.passes);
    vm_wait_passes(&vm, passes + 2);
    vm_pause(&vm);
    g_assert_true(kvm_log_sync(s, 0, bmap, true, &error_abort));
    g_assert_true(bmap_is_empty(bmap, npages));
    check_pattern(ram, qatomic_read(&vm.passes));

    vm_destroy(&vm);
    munmap(ram, ram_size);
}

static void test_dirty_log(void)
{
    KVMOptions opts = { 0 };

    run_dirty_test(&opts);
}

static void test_dirty_log_plain(void)
{
    KVMOptions opts = { .no_manual_protect = true };

    run_dirty_test(&opts);
}

static gpointer reaper_thread(gpointer opaque)
{
    TestVM *vm = opaque;
    bool quit = false;

    while (!quit) {
        g_assert_cmpint(kvm_dirty_ring_reap(vm->s, &error_abort), >=, 0);
        g_usleep(500);
        g_mutex_lock(&vm->lock);
        quit = vm->done || vm->quit;
        g_mutex_unlock(&vm->lock);
    }
    return NULL;
}

static void test_dirty_ring(void)
{
    /*
     * 64 Ki entries (1 MiB, KVM's maximum here).  With 1024 entries, so
     * that KVM_EXIT_DIRTY_RING_FULL happens every pass, the vCPU now and
     * then spins inside KVM_RUN forever on kvm_pvm (see
     * docs/devel/kvm.md); the big ring keeps the reaper ahead.
     */
    KVMOptions opts = { .dirty_ring_entries = 65536 };
    g_autofree uint8_t *img = load_patched_guest();
    uint64_t npages = RAM_SIZE / TARGET_PAGE_SIZE;
    g_autofree unsigned long *bmap = g_new0(unsigned long,
                                           BITS_TO_LONGS(npages));
    KVMState *s;
    uint8_t *ram;
    TestVM vm;
    GThread *reaper;
    unsigned int passes;

    if (!img) {
        return;
    }
    if (access("/dev/kvm", R_OK | W_OK) == 0) {
        s = kvm_or_skip(NULL);
        if (s && kvm_check_extension(s, KVM_CAP_DIRTY_LOG_RING) <= 0) {
            kvm_state_free(s);
            g_test_skip("KVM_CAP_DIRTY_LOG_RING is missing");
            return;
        }
        kvm_state_free(s);
    }
    if (!(s = kvm_or_skip(&opts))) {
        return;
    }
    g_assert_cmpuint(kvm_dirty_ring_entries(s), ==, 65536);
    ram = ram_new();
    vm_init(&vm, s, ram);
    vm_boot(&vm, img);
    kvm_log_start(s, 0, &error_abort);
    vm_start_thread(&vm);
    reaper = g_thread_new("reaper", reaper_thread, &vm);
    vm_wait_passes(&vm, 1);
    vm_pause(&vm);
    kvm_log_sync(s, 0, bmap, false, &error_abort);
    memset(bmap, 0, BITS_TO_LONGS(npages) * sizeof(unsigned long));

    vm_resume(&vm);
    passes = qatomic_read(&vm.passes);
    vm_wait_passes(&vm, passes + 2);
    vm_pause(&vm);
    kvm_log_sync(s, 0, bmap, false, &error_abort);
    check_dirty(bmap, npages, true);
    check_pattern(ram, qatomic_read(&vm.passes));

    g_mutex_lock(&vm.lock);
    vm.quit = true;
    g_mutex_unlock(&vm.lock);
    g_thread_join(reaper);
    vm_destroy(&vm);
    munmap(ram, ram_size);
}

/* kvm_pvm cannot run a protected-mode IRET: that must be an exit. */
static void test_iret(void)
{
    g_autofree uint8_t *img = load_image("iret-guest.img");
    KVMState *s;
    uint8_t *ram;
    TestVM vm;
    gint64 deadline;
    bool done;

    if (!img || !(s = kvm_or_skip(NULL))) {
        return;
    }
    ram = ram_new();
    vm_init(&vm, s, ram);
    vm_boot(&vm, img);
    vm_start_thread(&vm);

    deadline = g_get_monotonic_time() + WAIT_US;
    g_mutex_lock(&vm.lock);
    while (!vm.done &&
           g_cond_wait_until(&vm.cond, &vm.lock, deadline)) {
        /* wait */
    }
    done = vm.done;
    g_mutex_unlock(&vm.lock);
    g_assert_true(done);
    g_assert_null(vm.error);

    if (vm.final_exit.reason == KVM_EXIT_INTERNAL_ERROR) {
        g_test_message("IRET: KVM internal error, suberror %u",
                       vm.final_exit.internal.suberror);
        g_assert_cmpuint(vm.serial->len, ==, 0);
    } else {
        /* Hardware KVM: the IRET worked, then 'I' and HLT. */
        g_test_message("IRET: ran, exit %u", vm.final_exit.reason);
        g_assert_cmpuint(vm.final_exit.reason, ==, KVM_EXIT_HLT);
        g_assert_cmpstr(vm.serial->str, ==, "I");
    }
    vm_destroy(&vm);
    munmap(ram, ram_size);
}

/* Measurements for docs/devel/kvm.md; run with -m perf. */
static void test_perf(void)
{
    g_autofree uint8_t *img = load_patched_guest();
    KVMState *s;
    uint8_t *ram, *big;
    TestVM vm;
    unsigned int p0, p1;
    gint64 t0, t1;
    uint64_t npages = GiB / TARGET_PAGE_SIZE;
    g_autofree unsigned long *bmap = g_new0(unsigned long,
                                           BITS_TO_LONGS(npages));
    double secs, pages;

    if (!g_test_perf()) {
        g_test_skip("measurements only with -m perf");
        return;
    }
    if (!img || !(s = kvm_or_skip(NULL))) {
        return;
    }
    ram = ram_new();
    vm_init(&vm, s, ram);
    vm_boot(&vm, img);
    vm_start_thread(&vm);
    vm_wait_passes(&vm, 2);
    p0 = qatomic_read(&vm.passes);
    t0 = g_get_monotonic_time();
    g_usleep(2 * G_USEC_PER_SEC);
    p1 = qatomic_read(&vm.passes);
    t1 = g_get_monotonic_time();
    secs = (t1 - t0) / 1e6;
    pages = (double)(p1 - p0) * GUEST_PAGES;
    /* 4 instructions per page (incb, addl, cmpl, jb), plus 7 a pass. */
    g_test_message("no logging: %.0f pages/s, %.0f instructions/s",
                   pages / secs, (pages * 4 + (p1 - p0) * 7) / secs);

    kvm_log_start(s, 0, &error_abort);
    p0 = qatomic_read(&vm.passes);
    t0 = g_get_monotonic_time();
    for (int i = 0; i < 20; i++) {
        g_usleep(100000);
        kvm_log_sync(s, 0, bmap, true, &error_abort);
    }
    p1 = qatomic_read(&vm.passes);
    t1 = g_get_monotonic_time();
    secs = (t1 - t0) / 1e6;
    g_test_message("logging, sync every 100 ms: %.0f pages dirtied/s",
                   (double)(p1 - p0) * GUEST_PAGES / secs);
    vm_destroy(&vm);
    munmap(ram, ram_size);

    /*
     * Write-protect faults: a 1 GiB guest sweeping 1 MiB..1 GiB, synced
     * and cleared every 20 ms, so nearly every write hits a protected
     * page.  Then the cost of syncing that slot when all of it is dirty.
     */
    ram_size = GiB;
    stl_le_p(img + 12, GiB);
    s = kvm_or_skip(NULL);
    big = ram_new();
    vm_init(&vm, s, big);
    vm_boot(&vm, img);
    kvm_log_start(s, 0, &error_abort);
    kvm_log_sync(s, 0, bmap, true, &error_abort);
    vm_start_thread(&vm);
    vm_wait_passes(&vm, 1);
    kvm_log_sync(s, 0, bmap, true, &error_abort);
    pages = 0;
    t0 = g_get_monotonic_time();
    for (int i = 0; i < 50; i++) {
        g_usleep(20000);
        memset(bmap, 0, BITS_TO_LONGS(npages) * sizeof(unsigned long));
        kvm_log_sync(s, 0, bmap, true, &error_abort);
        for (uint64_t w = 0; w < BITS_TO_LONGS(npages); w++) {
            pages += ctpopl(bmap[w]);
        }
    }
    t1 = g_get_monotonic_time();
    g_test_message("write-protect faults: %.0f distinct pages dirtied/s",
                   pages / ((t1 - t0) / 1e6));
    p0 = qatomic_read(&vm.passes);
    vm_wait_passes(&vm, p0 + 2);    /* one whole pass after the sync */
    vm_pause(&vm);
    for (int i = 0; i < 2; i++) {
        memset(bmap, 0, BITS_TO_LONGS(npages) * sizeof(unsigned long));
        t0 = g_get_monotonic_time();
        kvm_log_sync(s, 0, bmap, true, &error_abort);
        t1 = g_get_monotonic_time();
        pages = 0;
        for (uint64_t w = 0; w < BITS_TO_LONGS(npages); w++) {
            pages += ctpopl(bmap[w]);
        }
        g_test_message("1 GiB slot sync+clear with %.0f dirty pages: "
                       "%.3f ms", pages, (t1 - t0) / 1e3);
    }
    vm_destroy(&vm);
    munmap(big, GiB);
    ram_size = RAM_SIZE;
}

int main(int argc, char **argv)
{
    module_call_init(MODULE_INIT_QOM);
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/kvm/caps", test_caps);
    g_test_add_func("/kvm/guest/boot-pause-resume", test_boot_pause_resume);
    g_test_add_func("/kvm/guest/kick-before-run", test_kick_before_run);
    g_test_add_func("/kvm/guest/save-restore", test_save_restore);
    g_test_add_func("/kvm/guest/dirty-log", test_dirty_log);
    g_test_add_func("/kvm/guest/dirty-log-plain", test_dirty_log_plain);
    g_test_add_func("/kvm/guest/dirty-ring", test_dirty_ring);
    g_test_add_func("/kvm/guest/iret", test_iret);
    g_test_add_func("/kvm/guest/reset", test_reset);
    g_test_add_func("/kvm/perf", test_perf);
    return g_test_run();
}
