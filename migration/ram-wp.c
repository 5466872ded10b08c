/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RAM write tracking: every migratable block is registered with a
 * userfaultfd in write-protect mode and protected whole.  The snapshot
 * sends each page once; a page it has sent is unprotected (in runs, to
 * save ioctls).  A guest write to a page not yet sent faults: the fault
 * thread copies the page out (it is still as it was at the start), lifts
 * the protection, which lets the write go on, and the snapshot later
 * sends the copy.  One lock orders "copy out" against "send", so a page
 * is never read while it changes.
 */
#include "qemu/osdep.h"
#include <linux/userfaultfd.h>
#include <poll.h>
#include <sys/eventfd.h>
#include "qapi/error.h"
#include "qemu/bitmap.h"
#include "qemu/error-report.h"
#include "qemu/thread.h"
#include "qemu/timer.h"
#include "qemu/userfaultfd.h"
#include "system/ramblock.h"
#include "migration/ram-wp.h"
#include "migration/trace.h"

/* Longest run of sent pages left protected before one unprotect call. */
#define WP_RUN_MAX 256

typedef struct WpBlock {
    RAMBlock *block;
    uint8_t *host;
    uint64_t len;
    unsigned long npages;
    unsigned long *saved;       /* in the snapshot, or copied out */
    uint8_t **copies;           /* copied out, not sent yet */
} WpBlock;

static struct {
    int uffd, stop_fd;
    bool running;
    QemuThread thread;
    QemuMutex lock;
    WpBlock *blocks;
    int nb;
    /* The run of sent, still protected pages (migration thread only). */
    WpBlock *run_block;
    uint64_t run_start, run_len;
    RamWpStats stats;
} wp = { .uffd = -1, .stop_fd = -1 };

static void __attribute__((constructor)) ram_wp_init(void)
{
    qemu_mutex_init(&wp.lock);
}

bool ram_wp_available(void)
{
    uint64_t features;

    return uffd_query_features(&features, NULL) &&
           (features & UFFD_FEATURE_PAGEFAULT_FLAG_WP);
}

bool ram_wp_compatible(void)
{
    int fd = uffd_open(UFFD_FEATURE_PAGEFAULT_FLAG_WP, NULL);
    RAMBlock *block;
    bool ok = fd >= 0;

    if (!ok) {
        return false;
    }
    qemu_mutex_lock_ramlist();
    RAMBLOCK_FOREACH_MIGRATABLE(block) {
        uint64_t ioctls = 0;

        if (!uffd_register_wp(fd, block->host, block->max_length, &ioctls,
                              NULL)) {
            ok = false;
            break;
        }
        uffd_unregister(fd, block->host, block->max_length, NULL);
        if (!(ioctls & (1ULL << _UFFDIO_WRITEPROTECT))) {
            ok = false;
            break;
        }
    }
    qemu_mutex_unlock_ramlist();
    close(fd);
    return ok;
}

static WpBlock *wp_find_host(uint64_t addr)
{
    for (int i = 0; i < wp.nb; i++) {
        WpBlock *b = &wp.blocks[i];

        if (addr >= (uintptr_t)b->host && addr < (uintptr_t)b->host + b->len) {
            return b;
        }
    }
    return NULL;
}

static WpBlock *wp_find(RAMBlock *block)
{
    for (int i = 0; i < wp.nb; i++) {
        if (wp.blocks[i].block == block) {
            return &wp.blocks[i];
        }
    }
    return NULL;
}

/* ------------------------------------------------------ the fault side */

static void wp_handle_fault(const UffdFault *f)
{
    int64_t t0 = qemu_clock_get_us(QEMU_CLOCK_REALTIME);
    WpBlock *b = wp_find_host(f->address);
    uint64_t off, us;
    Error *err = NULL;

    if (!b || !f->wp) {
        return;         /* not ours: nothing is registered for it */
    }
    off = (f->address - (uintptr_t)b->host) & TARGET_PAGE_MASK;
    qemu_mutex_lock(&wp.lock);
    if (!test_bit(off >> TARGET_PAGE_BITS, b->saved)) {
        uint8_t *copy = g_malloc(TARGET_PAGE_SIZE);

        memcpy(copy, b->host + off, TARGET_PAGE_SIZE);
        b->copies[off >> TARGET_PAGE_BITS] = copy;
        set_bit(off >> TARGET_PAGE_BITS, b->saved);
        wp.stats.copies++;
    }
    qemu_mutex_unlock(&wp.lock);
    if (!uffd_writeprotect(wp.uffd, b->host + off, TARGET_PAGE_SIZE, false,
                           &err)) {
        error_report_err(err);
    }
    us = qemu_clock_get_us(QEMU_CLOCK_REALTIME) - t0;
    qemu_mutex_lock(&wp.lock);
    wp.stats.faults++;
    wp.stats.wait_total_us += us;
    wp.stats.wait_max_us = MAX(wp.stats.wait_max_us, us);
    qemu_mutex_unlock(&wp.lock);
    trace_ram_wp_fault(b->block->idstr, off, us);
}

static void *wp_fault_thread(void *opaque)
{
    for (;;) {
        struct pollfd pfd[2] = {
            { .fd = wp.uffd, .events = POLLIN },
            { .fd = wp.stop_fd, .events = POLLIN },
        };
        UffdFault f;
        Error *err = NULL;
        int r;

        if (poll(pfd, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            error_report("background snapshot: poll: %s", strerror(errno));
            break;
        }
        if (pfd[1].revents) {
            break;
        }
        while ((r = uffd_read_fault(wp.uffd, &f, &err)) > 0) {
            wp_handle_fault(&f);
        }
        if (r < 0) {
            error_report_err(err);
            break;
        }
    }
    return NULL;
}

/* ------------------------------------------------- the snapshot side */

static void wp_run_flush(void)
{
    Error *err = NULL;

    if (wp.run_len &&
        !uffd_writeprotect(wp.uffd, wp.run_block->host + wp.run_start,
                           wp.run_len, false, &err)) {
        error_report_err(err);
    }
    wp.run_len = 0;
    wp.run_block = NULL;
}

const uint8_t *ram_wp_page_begin(RAMBlock *block, uint64_t offset)
{
    WpBlock *b = wp_find(block);

    qemu_mutex_lock(&wp.lock);
    if (b && b->copies[offset >> TARGET_PAGE_BITS]) {
        return b->copies[offset >> TARGET_PAGE_BITS];
    }
    return block->host + offset;
}

void ram_wp_page_end(RAMBlock *block, uint64_t offset)
{
    WpBlock *b = wp_find(block);
    unsigned long page = offset >> TARGET_PAGE_BITS;
    bool copied = false;

    if (b) {
        copied = b->copies[page] != NULL;
        g_clear_pointer(&b->copies[page], g_free);
        set_bit(page, b->saved);
    }
    qemu_mutex_unlock(&wp.lock);
    if (!b || copied) {
        return;         /* a copied page is unprotected already */
    }
    if (wp.run_block != b || wp.run_start + wp.run_len != offset ||
        wp.run_len >= WP_RUN_MAX * TARGET_PAGE_SIZE) {
        wp_run_flush();
        wp.run_block = b;
        wp.run_start = offset;
    }
    wp.run_len += TARGET_PAGE_SIZE;
}

void ram_wp_get_stats(RamWpStats *st)
{
    qemu_mutex_lock(&wp.lock);
    *st = wp.stats;
    qemu_mutex_unlock(&wp.lock);
}

/* ------------------------------------------------------ start and stop */

/* Without WP_UNPOPULATED a page never touched has no PTE to protect. */
static void wp_populate(WpBlock *b)
{
    for (uint64_t off = 0; off < b->len; off += TARGET_PAGE_SIZE) {
        (void)*(volatile uint8_t *)(b->host + off);
    }
}

bool ram_wp_start(Error **errp)
{
    uint64_t features = 0, want = UFFD_FEATURE_PAGEFAULT_FLAG_WP;
    RAMBlock *block;
    int n = 0;

    if (!uffd_query_features(&features, errp)) {
        error_prepend(errp, "Background snapshot: ");
        return false;
    }
    if (features & UFFD_FEATURE_WP_UNPOPULATED) {
        want |= UFFD_FEATURE_WP_UNPOPULATED;
    }
    wp.uffd = uffd_open(want, errp);
    if (wp.uffd < 0) {
        error_prepend(errp, "Background snapshot: ");
        return false;
    }
    memset(&wp.stats, 0, sizeof(wp.stats));
    qemu_mutex_lock_ramlist();
    RAMBLOCK_FOREACH_MIGRATABLE(block) {
        n++;
    }
    wp.blocks = g_new0(WpBlock, n);
    RAMBLOCK_FOREACH_MIGRATABLE(block) {
        WpBlock *b = &wp.blocks[wp.nb];

        b->block = block;
        b->host = block->host;
        b->len = block->used_length;
        b->npages = b->len >> TARGET_PAGE_BITS;
        b->saved = bitmap_new(b->npages);
        b->copies = g_new0(uint8_t *, b->npages);
        wp.nb++;
        if (!(want & UFFD_FEATURE_WP_UNPOPULATED)) {
            wp_populate(b);
        }
        if (!uffd_register_wp(wp.uffd, b->host, b->len, NULL, errp) ||
            !uffd_writeprotect(wp.uffd, b->host, b->len, true, errp)) {
            error_prepend(errp, "Background snapshot: RAM block '%s': ",
                          block->idstr);
            qemu_mutex_unlock_ramlist();
            ram_wp_stop();
            return false;
        }
    }
    qemu_mutex_unlock_ramlist();
    wp.stop_fd = eventfd(0, EFD_CLOEXEC);
    if (wp.stop_fd < 0) {
        error_setg_errno(errp, errno, "Background snapshot: eventfd");
        ram_wp_stop();
        return false;
    }
    qemu_thread_create(&wp.thread, "mig/snap/wp", wp_fault_thread, NULL,
                       QEMU_THREAD_JOINABLE);
    wp.running = true;
    trace_ram_wp_start(wp.nb, !!(want & UFFD_FEATURE_WP_UNPOPULATED));
    return true;
}

void ram_wp_stop(void)
{
    if (wp.uffd >= 0) {
        wp_run_flush();
        /* Unprotect first: a writer may be waiting on a fault right now. */
        for (int i = 0; i < wp.nb; i++) {
            WpBlock *b = &wp.blocks[i];

            uffd_writeprotect(wp.uffd, b->host, b->len, false, NULL);
        }
    }
    if (wp.running) {
        uint64_t one = 1;

        if (write(wp.stop_fd, &one, sizeof(one)) != sizeof(one)) {
            error_report("background snapshot: cannot stop the fault thread");
        }
        qemu_thread_join(&wp.thread);
        wp.running = false;
    }
    for (int i = 0; i < wp.nb; i++) {
        WpBlock *b = &wp.blocks[i];

        if (wp.uffd >= 0) {
            uffd_unregister(wp.uffd, b->host, b->len, NULL);
        }
        for (unsigned long p = 0; p < b->npages; p++) {
            g_free(b->copies[p]);
        }
        g_free(b->copies);
        g_free(b->saved);
    }
    g_clear_pointer(&wp.blocks, g_free);
    wp.nb = 0;
    if (wp.stop_fd >= 0) {
        close(wp.stop_fd);
        wp.stop_fd = -1;
    }
    if (wp.uffd >= 0) {
        close(wp.uffd);
        wp.uffd = -1;
    }
}
