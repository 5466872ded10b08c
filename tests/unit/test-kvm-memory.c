/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The KVM memory listener (accel/kvm/kvm-memory.c) under the memory API:
 * guest RAM made with memory_region_init_ram() and mapped into the
 * system address space becomes a KVM slot, the test guest runs on it,
 * and memory_global_dirty_log_start/sync report in the RAMBlock's
 * migration bitmap exactly the pages the guest wrote; with logging off,
 * nothing.  Skips without /dev/kvm or the guest image.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/main-loop.h"
#include "qemu/module.h"
#include "system/kvm-memory.h"
#include "system/kvm-x86.h"
#include "system/memory.h"
#include "system/ram_addr.h"

#define RAM_SIZE     (32 * MiB)
#define GUEST_START  (2 * MiB)
#define GUEST_END    (6 * MiB)
#define PAGE         4096
#define SERIAL_PORT  0x3f8

static MemoryRegion ram;
static KVMState *kvm;
static KVMVCPU *vcpu;

/* Run the guest (in this thread) until it has printed @passes 'B's. */
static void run_passes(unsigned int passes)
{
    Error *err = NULL;
    unsigned int seen = 0;
    KVMExit e;

    while (seen < passes) {
        if (!kvm_vcpu_run(vcpu, &e, &err)) {
            g_error("KVM_RUN: %s", error_get_pretty(err));
        }
        if (e.reason != KVM_EXIT_IO) {
            g_error("unexpected exit %u", e.reason);
        }
        if (e.io.is_write && e.io.port == SERIAL_PORT && e.io.data[0] == 'B') {
            seen++;
        } else if (!e.io.is_write) {
            memset(e.io.data, 0xff, e.io.size * e.io.count);
        }
    }
}

static void clear_migration_bits(void)
{
    cpu_physical_memory_test_and_clear_dirty(
        memory_region_get_ram_addr(&ram), RAM_SIZE, DIRTY_MEMORY_MIGRATION);
}

static bool page_dirty(uint64_t gpa)
{
    return cpu_physical_memory_get_dirty(
        memory_region_get_ram_addr(&ram) + gpa, PAGE,
        DIRTY_MEMORY_MIGRATION);
}

static bool setup(void)
{
    const char *dir = g_getenv("TERN_GUEST_DIR");
    g_autofree char *path = NULL;
    g_autofree gchar *img = NULL;
    KVMOptions opts = { 0 };
    Error *err = NULL;
    uint32_t start = GUINT32_TO_LE(GUEST_START);
    uint32_t end = GUINT32_TO_LE(GUEST_END);
    gsize len;

    if (access("/dev/kvm", R_OK | W_OK) != 0) {
        g_test_skip("no /dev/kvm: it cannot be opened read-write");
        return false;
    }
    path = g_build_filename(dir ? dir : ".", "guest.img", NULL);
    if (!g_file_get_contents(path, &img, &len, NULL) || len != 512) {
        g_test_skip_printf("test guest %s not available", path);
        return false;
    }
    kvm = kvm_state_new(&opts, &err);
    if (!kvm) {
        g_test_skip_printf("no KVM VM: %s", error_get_pretty(err));
        error_free(err);
        return false;
    }
    g_assert(!memcmp(img + 4, "TGST", 4));
    memcpy(img + 8, &start, 4);
    memcpy(img + 12, &end, 4);

    bql_lock();
    kvm_memory_listener_register(kvm, &address_space_memory);
    g_assert(memory_region_init_ram(&ram, NULL, "test.ram", RAM_SIZE,
                                    &error_abort));
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    g_assert_cmpuint(kvm_slot_npages(kvm, 0), ==, RAM_SIZE / PAGE);
    memcpy((uint8_t *)memory_region_get_ram_ptr(&ram) + 0x7c00, img, 512);

    vcpu = kvm_vcpu_create(kvm, 0, &error_abort);
    g_assert(kvm_x86_vcpu_init_cpuid(vcpu, &error_abort));
    g_assert(kvm_x86_vcpu_reset(vcpu, 0, 0x7c00, &error_abort));
    g_assert(kvm_vcpu_thread_init(vcpu, &error_abort));
    return true;
}

static void test_dirty_exact(void)
{
    if (!setup()) {
        return;
    }
    /* Logging off: a sync reports nothing whatever the guest writes. */
    clear_migration_bits();
    run_passes(2);
    memory_global_dirty_log_sync(false);
    for (uint64_t gpa = 0; gpa < RAM_SIZE; gpa += PAGE) {
        g_assert_false(page_dirty(gpa));
    }

    g_assert(memory_global_dirty_log_start(GLOBAL_DIRTY_MIGRATION,
                                           &error_abort));
    /* The first sync may report everything (initially-set): drop it. */
    memory_global_dirty_log_sync(false);
    clear_migration_bits();

    /* The guest stops right after a pass: every page of it was written. */
    run_passes(2);
    memory_global_dirty_log_sync(true);
    for (uint64_t gpa = 0; gpa < RAM_SIZE; gpa += PAGE) {
        bool in_range = gpa >= GUEST_START && gpa < GUEST_END;

        if (page_dirty(gpa) != in_range) {
            g_error("page 0x%" PRIx64 " dirty=%d, expected %d", gpa,
                    page_dirty(gpa), in_range);
        }
    }

    /* A sync with no guest writes since the last one reports nothing. */
    clear_migration_bits();
    memory_global_dirty_log_sync(false);
    for (uint64_t gpa = 0; gpa < RAM_SIZE; gpa += PAGE) {
        g_assert_false(page_dirty(gpa));
    }

    memory_global_dirty_log_stop(GLOBAL_DIRTY_MIGRATION);
    run_passes(1);
    memory_global_dirty_log_sync(false);
    for (uint64_t gpa = 0; gpa < RAM_SIZE; gpa += PAGE) {
        g_assert_false(page_dirty(gpa));
    }
    bql_unlock();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    module_call_init(MODULE_INIT_QOM);
    g_test_add_func("/kvm/memory/dirty-exact", test_dirty_exact);
    return g_test_run();
}
