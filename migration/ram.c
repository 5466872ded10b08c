/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Precopy of guest RAM: the "ram" section.
 *
 * Source: at setup every page of every migratable block is marked dirty
 * in the block's migration bitmap (bmap) and dirty logging starts, so the
 * first pass sends everything.  Each iteration walks the bitmaps from
 * where the last one stopped, sends zero pages as ZERO records (never
 * their bytes) and others as PAGE records straight from guest memory,
 * until the rate limit or RAM_ITERATE_MAX_MS says stop.  A bitmap sync
 * pulls the pages the guest dirtied since (DIRTY_MEMORY_MIGRATION) into
 * bmap.  Completion, with the VM stopped, syncs one last time and sends
 * every remaining page.
 *
 * Destination: pages are written in place into the RAMBlocks' host
 * memory (which KVM maps as guest memory), after checking block names,
 * sizes, offsets and record flags; anything else is refused.
 *
 * With multifd (docs/devel/migration-multifd.md) the pages go to the
 * multifd channels instead, and the main channel carries only the
 * records around them: ZERO records under zero-page-detection=legacy,
 * and a sync point (MULTIFD_FLUSH, or each EOS in the QEMU 7.2 dialect)
 * where the destination waits for every channel.
 *
 * With mapped-ram (mapped-ram.c) pages go to fixed places in the file
 * instead of the stream, and the destination reads them while parsing
 * the size list; zero pages are only left out of the file's bitmap.
 */
#include "qemu/osdep.h"
#include <fcntl.h>
#include <sys/mman.h>
#include "migration/migration.h"
#include "migration/migration-stats.h"
#include "migration/mapped-ram.h"
#include "migration/multifd.h"
#include "migration/options.h"
#include "migration/postcopy-in.h"
#include "migration/postcopy-msg.h"
#include "migration/postcopy-preempt.h"
#include "migration/postcopy-queue.h"
#include "migration/ram.h"
#include "migration/forecast.h"
#include "migration/ram-converge.h"
#include "migration/ram-xbzrle.h"
#include "migration/register.h"
#include "migration/trace.h"
#include "migration/xbzrle.h"
#include "qapi/error.h"
#include "qemu/bitmap.h"
#include "qemu/cutils.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qemu/thread.h"
#include "qemu/timer.h"
#include "system/memory.h"
#include "system/ram_addr.h"

typedef struct RAMState {
    /* Page search position: block and page index inside it. */
    RAMBlock *last_seen_block;
    unsigned long last_page;
    /* The block of the last page record sent (for CONTINUE). */
    RAMBlock *last_sent_block;
    /* Pages set across all bmaps. */
    uint64_t migration_dirty_pages;
    /* For dirty-pages-rate: pages found dirty since time_last_sync. */
    uint64_t num_dirty_pages_period;
    int64_t time_last_bitmap_sync;
    /* Bytes transferred and pages sent when that period began. */
    uint64_t bytes_xfer_prev;
    uint64_t pages_sent, pages_sent_prev;
    /* Pages sent at the last sync (for the round's history record). */
    uint64_t pages_sent_at_sync;
    bool dirty_log_started;
    /*
     * XBZRLE on, and a first pass is over: deltas from then on.  The
     * first pass already fills the cache (see ram_xbzrle_gen()).
     */
    bool xbzrle_on, xbzrle_started;
    /* ram_save_complete(): the VM is stopped. */
    bool last_stage;
    /* After the postcopy switch: requested pages go first. */
    bool postcopy;
    /*
     * postcopy-preempt: the requested pages' own channel, and the block
     * its last page named (each channel has its own CONTINUE chain).
     */
    QEMUFile *preempt_file;
    RAMBlock *preempt_last_block;
    /* preempt_file's count already in postcopy_preempt_bytes. */
    uint64_t preempt_counted;
} RAMState;

static RAMState *ram_state;
static int64_t ram_iterate_max_ms = RAM_ITERATE_MAX_MS;

void ram_set_iterate_max_ms(int64_t ms)
{
    ram_iterate_max_ms = ms;
}

/* ------------------------------------------------- never-touched pages */

/*
 * A page of private anonymous memory that is neither present nor swapped
 * out reads as zeroes: the kernel has never been asked to back it.
 * /proc/self/pagemap says so for 512 pages per read, far cheaper than
 * reading the page (idle guests are mostly such pages; scanning them was
 * most of an idle migration's CPU on both sides).  File and shared
 * memory are excluded: there a page that is not present has contents.
 */
#define PAGEMAP_PRESENT (1ULL << 63)
#define PAGEMAP_SWAPPED (1ULL << 62)
#define PAGEMAP_CHUNK   512

typedef struct RAMPageMap {
    int fd;                 /* /proc/self/pagemap; -1: unusable */
    bool opened;
    RAMBlock *block;        /* what ent[] describes, NULL: nothing */
    unsigned long first;    /* page index in block of ent[0] */
    unsigned long count;
    uint64_t ent[PAGEMAP_CHUNK];
} RAMPageMap;

static RAMPageMap ram_pagemap = { .fd = -1 };

/* Forget what was read: the pages may have been written since. */
static void ram_pagemap_invalidate(void)
{
    ram_pagemap.block = NULL;
}

static bool ram_pagemap_usable(RAMBlock *block)
{
    if (!ram_pagemap.opened) {
        ram_pagemap.opened = true;
        if (qemu_real_host_page_size() == TARGET_PAGE_SIZE) {
            ram_pagemap.fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
        }
    }
    return ram_pagemap.fd >= 0 && block->fd < 0 && block->mapped_here &&
           !(block->flags & RAM_SHARED);
}

/* True if @page of @block certainly reads as zeroes without being read. */
static bool ram_page_untouched(RAMBlock *block, unsigned long page)
{
    RAMPageMap *pm = &ram_pagemap;

    if (!ram_pagemap_usable(block)) {
        return false;
    }
    if (pm->block != block || page < pm->first ||
        page >= pm->first + pm->count) {
        unsigned long first = QEMU_ALIGN_DOWN(page, PAGEMAP_CHUNK);
        unsigned long count = MIN(PAGEMAP_CHUNK,
                                  (block->used_length >> TARGET_PAGE_BITS) -
                                  first);
        off_t pos = ((uintptr_t)block->host >> TARGET_PAGE_BITS) + first;
        ssize_t len = pread(pm->fd, pm->ent, count * sizeof(uint64_t),
                            pos * sizeof(uint64_t));

        if (len != (ssize_t)(count * sizeof(uint64_t))) {
            pm->block = NULL;
            return false;
        }
        pm->block = block;
        pm->first = first;
        pm->count = count;
    }
    return !(pm->ent[page - pm->first] & (PAGEMAP_PRESENT | PAGEMAP_SWAPPED));
}

/* ------------------------------------------- destination: fault ahead */

/*
 * Loading data, most of the destination's time goes to the kernel
 * backing and zeroing fresh memory on first touch (about 2.7 s per GiB
 * on a nested host, where the next run of pages is faulted in one
 * 2 MiB huge page at a time).  While normal pages arrive in address
 * order, a helper thread faults in (MADV_POPULATE_WRITE) the regions
 * just ahead, so that this runs on another core.  Only a run of normal
 * pages over two consecutive regions starts it, so memory that gets only
 * ZERO records stays unbacked; past the end of a run at most
 * PREFAULT_AHEAD regions are backed for nothing.  Populating never
 * changes what memory holds, so racing with the loader is harmless.
 */
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#define PREFAULT_REGION (2 * MiB)
#define PREFAULT_AHEAD  4

typedef struct RAMPrefault {
    QemuThread thread;
    QemuMutex lock;
    QemuCond cond;
    bool started;
    bool unsupported;       /* the kernel refused MADV_POPULATE_WRITE */
    /* Under lock: */
    bool stop;
    RAMBlock *block;
    uint64_t next, end;     /* regions of block still to fault: [next, end) */
    /* The loader's own: the region of the last normal page. */
    RAMBlock *last_block;
    uint64_t last_region;
} RAMPrefault;

static void *ram_prefault_thread(void *opaque)
{
    RAMPrefault *pf = opaque;

    qemu_mutex_lock(&pf->lock);
    while (!pf->stop) {
        RAMBlock *block = pf->block;
        uint64_t r = pf->next;
        uint64_t start, len;

        if (!block || r >= pf->end) {
            qemu_cond_wait(&pf->cond, &pf->lock);
            continue;
        }
        pf->next = r + 1;
        start = r * PREFAULT_REGION;
        len = MIN(PREFAULT_REGION, block->used_length - start);
        qemu_mutex_unlock(&pf->lock);
        if (madvise(block->host + start, len, MADV_POPULATE_WRITE) < 0 &&
            errno == EINVAL) {
            qatomic_set(&pf->unsupported, true);
        }
        qemu_mutex_lock(&pf->lock);
    }
    qemu_mutex_unlock(&pf->lock);
    return NULL;
}

/* A normal page arrived at @offset of @block. */
static void ram_prefault_hint(RAMPrefault *pf, RAMBlock *block,
                              ram_addr_t offset)
{
    uint64_t region = offset / PREFAULT_REGION;
    uint64_t regions = DIV_ROUND_UP(block->used_length, PREFAULT_REGION);
    bool sequential;

    if (block == pf->last_block && region == pf->last_region) {
        return;     /* the usual case: nothing new */
    }
    /* Postcopy registers RAM with userfaultfd: no populating behind it. */
    if (postcopy_in_advised()) {
        return;
    }
    sequential = block == pf->last_block && region == pf->last_region + 1;
    pf->last_block = block;
    pf->last_region = region;
    if (!sequential || qatomic_read(&pf->unsupported) ||
        !ram_pagemap_usable(block)) {
        return;
    }
    if (!pf->started) {
        qemu_mutex_init(&pf->lock);
        qemu_cond_init(&pf->cond);
        pf->stop = false;
        pf->block = NULL;
        qemu_thread_create(&pf->thread, "mig/dst/fault",
                           ram_prefault_thread, pf, QEMU_THREAD_JOINABLE);
        pf->started = true;
    }
    qemu_mutex_lock(&pf->lock);
    /* Never behind the loader: it faults its own region itself. */
    if (pf->block != block || pf->next <= region) {
        pf->block = block;
        pf->next = region + 1;
    }
    pf->end = MIN(region + 1 + PREFAULT_AHEAD, regions);
    qemu_cond_signal(&pf->cond);
    qemu_mutex_unlock(&pf->lock);
}

static void ram_prefault_stop(RAMPrefault *pf)
{
    if (pf->started) {
        qemu_mutex_lock(&pf->lock);
        pf->stop = true;
        qemu_cond_signal(&pf->cond);
        qemu_mutex_unlock(&pf->lock);
        qemu_thread_join(&pf->thread);
        qemu_cond_destroy(&pf->cond);
        qemu_mutex_destroy(&pf->lock);
        pf->started = false;
    }
    pf->last_block = NULL;
}

/* Destination: we just wrote @page; keep the cached entry true. */
static void ram_page_touched(RAMBlock *block, unsigned long page)
{
    RAMPageMap *pm = &ram_pagemap;

    if (pm->block == block && page >= pm->first &&
        page < pm->first + pm->count) {
        pm->ent[page - pm->first] |= PAGEMAP_PRESENT;
    }
}

/* Blocks skipped by x-ignore-shared (their memory is shared already). */
static bool ramblock_is_ignored(RAMBlock *block)
{
    return !qemu_ram_is_migratable(block) ||
           (migrate_ignore_shared() && qemu_ram_is_shared(block) &&
            qemu_ram_is_named_file(block));
}

#define RAMBLOCK_FOREACH_NOT_IGNORED(block)  \
    RAMBLOCK_FOREACH_MIGRATABLE(block)       \
        if (ramblock_is_ignored(block)) {} else

static unsigned long block_pages(RAMBlock *block)
{
    return block->used_length >> TARGET_PAGE_BITS;
}

/* Sum of used_length over the migratable blocks. */
uint64_t ram_bytes_total(void)
{
    RAMBlock *block;
    uint64_t total = 0;

    RAMBLOCK_FOREACH_MIGRATABLE(block) {
        total += block->used_length;
    }
    return total;
}

/* Bytes of guest RAM still dirty (the estimate behind "remaining"). */
uint64_t ram_bytes_remaining(void)
{
    return ram_state ? qatomic_read(&ram_state->migration_dirty_pages) *
                       TARGET_PAGE_SIZE : 0;
}

/* ------------------------------------------------------- dirty bitmap */

/* Pull the pages dirtied since the last call into the bmaps. */
static void migration_bitmap_sync(RAMState *rs, bool last_stage)
{
    RAMBlock *block;
    uint64_t new_dirty = 0, count;
    int64_t now;

    memory_global_dirty_log_sync(last_stage);
    /* Pages written before this sync may be sent with what it found. */
    ram_pagemap_invalidate();
    qemu_mutex_lock_ramlist();
    RAMBLOCK_FOREACH_NOT_IGNORED(block) {
        new_dirty += cpu_physical_memory_sync_dirty_bitmap(
                         block, 0, block->used_length);
    }
    qemu_mutex_unlock_ramlist();
    memory_global_after_dirty_log_sync();

    qatomic_add(&rs->migration_dirty_pages, new_dirty);
    rs->num_dirty_pages_period += new_dirty;
    stat64_add(&mig_stats.dirty_sync_count, 1);
    stat64_set(&mig_stats.dirty_bytes_last_sync,
               rs->migration_dirty_pages * TARGET_PAGE_SIZE);
    stat64_set(&mig_stats.remaining,
               rs->migration_dirty_pages * TARGET_PAGE_SIZE);

    now = qemu_clock_get_ms(QEMU_CLOCK_REALTIME);
    if (now > rs->time_last_bitmap_sync + 1000) {
        uint64_t xfer = migration_transferred_bytes();

        /* Periods of at least a second, as QEMU measures them. */
        ram_converge_period(rs->num_dirty_pages_period * TARGET_PAGE_SIZE,
                            xfer - rs->bytes_xfer_prev);
        stat64_set(&mig_stats.dirty_pages_rate,
                   rs->num_dirty_pages_period * 1000 /
                   (now - rs->time_last_bitmap_sync));
        if (rs->xbzrle_on) {
            ram_xbzrle_update_rates(rs->pages_sent - rs->pages_sent_prev);
        }
        rs->pages_sent_prev = rs->pages_sent;
        rs->num_dirty_pages_period = 0;
        rs->time_last_bitmap_sync = now;
        rs->bytes_xfer_prev = xfer;
    }
    count = stat64_get(&mig_stats.dirty_sync_count);
    migration_history_round(count, now, rs->pages_sent - rs->pages_sent_at_sync,
                            migration_transferred_bytes(), new_dirty,
                            rs->migration_dirty_pages * TARGET_PAGE_SIZE);
    rs->pages_sent_at_sync = rs->pages_sent;
    trace_migration_bitmap_sync(new_dirty, rs->migration_dirty_pages, count);
    if (migrate_events()) {
        migration_send_pass_event(count);
    }
}

/* ------------------------------------------------------------ sending */

static void save_page_header(RAMState *rs, QEMUFile *f, RAMBlock *block,
                             ram_addr_t offset, uint64_t flags)
{
    RAMBlock **last = f == rs->preempt_file ? &rs->preempt_last_block
                                            : &rs->last_sent_block;

    if (block == *last) {
        flags |= RAM_SAVE_FLAG_CONTINUE;
    }
    qemu_put_be64(f, offset | flags);
    if (!(flags & RAM_SAVE_FLAG_CONTINUE)) {
        qemu_put_counted_string(f, block->idstr);
        *last = block;
    }
}

/*
 * The cache generation a page is looked up and kept with.  QEMU 7.2
 * starts caching only in the second pass, so every page that pass
 * re-sends goes whole once more before the third can send deltas.
 * Tern caches from the first pass (while the cache has free slots), so
 * the second pass already sends deltas; the encoding on the wire is the
 * same.  First-pass entries get generation 0, which the second pass may
 * evict (page_cache.c keeps an entry two generations), so a page that
 * was sent once and never dirtied again does not keep a slot from a hot
 * page that shares it.
 */
static uint64_t ram_xbzrle_gen(RAMState *rs)
{
    return rs->xbzrle_started ? stat64_get(&mig_stats.dirty_sync_count) : 0;
}

/*
 * With XBZRLE: a delta against the cache, or nothing if the page did
 * not change, or else a normal page copied from the cache entry the
 * destination will then match.  Returns false if the caller must send
 * @p as usual.
 */
static bool ram_save_xbzrle_page(RAMState *rs, QEMUFile *f, RAMBlock *block,
                                 ram_addr_t offset, uint8_t *p)
{
    const uint8_t *data = p, *enc = NULL;
    int len = 0;

    switch (ram_xbzrle_encode(block->offset + offset, &data,
                              ram_xbzrle_gen(rs), rs->last_stage,
                              &enc, &len)) {
    case RAM_XBZRLE_UNCHANGED:
        return true;
    case RAM_XBZRLE_SEND_DELTA:
        save_page_header(rs, f, block, offset, RAM_SAVE_FLAG_XBZRLE);
        qemu_put_byte(f, ENCODING_FLAG_XBZRLE);
        qemu_put_be16(f, len);
        qemu_put_buffer(f, enc, len);
        /* As QEMU counts it: without the 8-byte record word. */
        ram_xbzrle_account_delta(len + 1 + 2);
        return true;
    case RAM_XBZRLE_SEND_PAGE:
        if (data == p) {
            return false;
        }
        save_page_header(rs, f, block, offset, RAM_SAVE_FLAG_PAGE);
        /* A copy: the cache entry changes with the next encode. */
        qemu_put_buffer(f, data, TARGET_PAGE_SIZE);
        stat64_add(&mig_stats.normal_pages, 1);
        return true;
    }
    g_assert_not_reached();
}

/*
 * Multifd sync point: every page queued so far is written by its
 * channel, followed by a SYNC packet on every channel; then, unless the
 * stream is QEMU 7.2's (where each EOS is the sync point), a
 * MULTIFD_FLUSH record tells the destination to wait for them.
 */
static bool ram_multifd_flush_and_sync(QEMUFile *f, Error **errp)
{
    Error *err = NULL;

    if (!multifd_send_sync(&err)) {
        if (errp) {
            error_propagate(errp, err);
            qemu_file_set_error(f, -EIO);
        } else {
            qemu_file_set_error_obj(f, -EIO, err);
        }
        return false;
    }
    /* A file's channels need no sync on the destination: none is sent. */
    if (!migrate_multifd_flush_after_each_section() && !migrate_mapped_ram()) {
        qemu_put_be64(f, RAM_SAVE_FLAG_MULTIFD_FLUSH);
    }
    return true;
}

static void ram_save_multifd_page(QEMUFile *f, RAMBlock *block,
                                  ram_addr_t offset)
{
    Error *err = NULL;

    if (!multifd_queue_page(block, offset, &err)) {
        qemu_file_set_error_obj(f, -EIO, err);
    }
}

/* Background snapshot: pages come through the tracker, no dirty log. */
static const RamSaveTracker *ram_write_tracking;

void ram_save_set_tracker(const RamSaveTracker *tracker)
{
    ram_write_tracking = tracker;
}

static void ram_save_page_bytes(RAMState *rs, QEMUFile *f, RAMBlock *block,
                                unsigned long page, const uint8_t *p);

/*
 * Background snapshot: the page's bytes as they were when the snapshot
 * started (the tracker's), copied into the stream, since the guest may
 * write the page as soon as it is out.
 */
static void ram_save_page_tracked(RAMState *rs, QEMUFile *f,
                                  RAMBlock *block, unsigned long page)
{
    ram_addr_t offset = (ram_addr_t)page << TARGET_PAGE_BITS;
    const uint8_t *p = ram_write_tracking->page_begin(block, offset);

    ram_save_page_bytes(rs, f, block, page, p);
    ram_write_tracking->page_end(block, offset);
}

static void ram_save_page(RAMState *rs, QEMUFile *f, RAMBlock *block,
                          unsigned long page)
{
    if (ram_write_tracking) {
        ram_save_page_tracked(rs, f, block, page);
    } else {
        ram_save_page_bytes(rs, f, block, page,
                            block->host + ((ram_addr_t)page <<
                                           TARGET_PAGE_BITS));
    }
}

static void ram_save_page_bytes(RAMState *rs, QEMUFile *f, RAMBlock *block,
                                unsigned long page, const uint8_t *p)
{
    ram_addr_t offset = (ram_addr_t)page << TARGET_PAGE_BITS;
    ZeroPageDetection zpd = migrate_zero_page_detection();
    bool zero;

    rs->pages_sent++;
    /* With multifd, zero pages are the send threads' to find. */
    if (migrate_multifd() && zpd != ZERO_PAGE_DETECTION_LEGACY) {
        ram_save_multifd_page(f, block, offset);
        return;
    }
    /*
     * A write after the last sync may race with either test; the dirty
     * log has it and the next pass sends the page again.
     */
    zero = zpd != ZERO_PAGE_DETECTION_NONE &&
           (ram_page_untouched(block, page) ||
            buffer_is_zero(p, TARGET_PAGE_SIZE));
    if (zero && migrate_mapped_ram()) {
        /* Not in the file: the destination's memory is zero already. */
        mapped_ram_mark(block, offset, false);
        stat64_add(&mig_stats.zero_pages, 1);
    } else if (zero) {
        save_page_header(rs, f, block, offset, RAM_SAVE_FLAG_ZERO);
        qemu_put_byte(f, 0);
        stat64_add(&mig_stats.zero_pages, 1);
        if (rs->xbzrle_on && !rs->last_stage) {
            ram_xbzrle_zero_page(block->offset + offset, ram_xbzrle_gen(rs));
        }
    } else if (rs->postcopy && migrate_release_ram()) {
        /*
         * release-ram: the page is copied into the stream and dropped
         * here; the destination has the only copy from now on.
         */
        save_page_header(rs, f, block, offset, RAM_SAVE_FLAG_PAGE);
        qemu_put_buffer(f, p, TARGET_PAGE_SIZE);
        stat64_add(&mig_stats.normal_pages, 1);
        /* A huge page goes when it was sent whole (ram_save_host_page). */
        if (block->page_size == TARGET_PAGE_SIZE) {
            ram_block_discard_range(block, offset, TARGET_PAGE_SIZE);
        }
    } else if (rs->xbzrle_on && !rs->postcopy &&
               ram_save_xbzrle_page(rs, f, block, offset, (uint8_t *)p)) {
        return;
    } else if (migrate_multifd() && !rs->postcopy) {
        ram_save_multifd_page(f, block, offset);
    } else if (migrate_mapped_ram()) {
        mapped_ram_save_page(f, block, offset, p);
        stat64_add(&mig_stats.normal_pages, 1);
    } else {
        save_page_header(rs, f, block, offset, RAM_SAVE_FLAG_PAGE);
        if (ram_write_tracking) {
            qemu_put_buffer(f, p, TARGET_PAGE_SIZE);
        } else {
            /* Straight from guest memory; a later write dirties it again. */
            qemu_put_buffer_async(f, p, TARGET_PAGE_SIZE, false);
        }
        stat64_add(&mig_stats.normal_pages, 1);
    }
}

/*
 * Send @page if dirty.  In postcopy a huge page goes whole: its dirty
 * target pages one after another on @f, since the destination places a
 * host page in one step once all of it is there; with release-ram it is
 * then dropped here.  Returns the pages sent; *@next is the page after
 * the (host) page.
 */
static unsigned long ram_save_host_page(RAMState *rs, QEMUFile *f,
                                        RAMBlock *block, unsigned long page,
                                        unsigned long *next)
{
    unsigned long per = rs->postcopy ?
                        block->page_size >> TARGET_PAGE_BITS : 1;
    unsigned long first = QEMU_ALIGN_DOWN(page, per);
    unsigned long sent = 0;

    for (unsigned long p = first; p < first + per; p++) {
        if (test_and_clear_bit(p, block->bmap)) {
            qatomic_dec(&rs->migration_dirty_pages);
            ram_save_page(rs, f, block, p);
            sent++;
        }
    }
    if (sent && per > 1 && migrate_release_ram()) {
        ram_block_discard_range(block, (ram_addr_t)first << TARGET_PAGE_BITS,
                                block->page_size);
    }
    *next = first + per;
    return sent;
}

/*
 * Send the next dirty page after the search position; returns 1 if one
 * was sent, 0 when no block has a dirty page left.
 */
static int ram_find_and_save_block(RAMState *rs, QEMUFile *f)
{
    RAMBlock *block = rs->last_seen_block;
    unsigned long page = rs->last_page;
    bool wrapped = false;
    ram_addr_t req;

    /*
     * A page the destination waits for goes before the background
     * stream, unless it went already (then it is on its way).
     */
    while (rs->postcopy && postcopy_queue_pop(&block, &req)) {
        /* With preempt, on its own channel, past the buffered ones. */
        QEMUFile *uf = rs->preempt_file ? rs->preempt_file : f;
        uint64_t before = qemu_file_transferred(uf);
        unsigned long next;

        page = req >> TARGET_PAGE_BITS;
        if (block->bmap && ram_save_host_page(rs, uf, block, page, &next)) {
            /* Out now, not behind a buffer of background pages. */
            qemu_fflush(uf);
            if (uf != f) {
                stat64_add(&mig_stats.postcopy_preempt_bytes,
                           qemu_file_transferred(uf) - rs->preempt_counted);
                rs->preempt_counted = qemu_file_transferred(uf);
            } else {
                /*
                 * Not charged to the background's budget: a guest that
                 * keeps finding the stream's edge would otherwise slow
                 * the background by every page it asks for.
                 */
                migration_update_transferred(f);
                stat64_add(&mig_stats.rate_limit_exempt,
                           qemu_file_transferred(f) - before);
            }
            /*
             * The background goes on from here, as QEMU's does: a guest
             * touching memory in order finds the next pages on the way.
             */
            rs->last_seen_block = block;
            rs->last_page = next;
            return 1;
        }
    }
    block = rs->last_seen_block;
    page = rs->last_page;

    if (!block) {
        block = QLIST_FIRST(&ram_list.blocks);
        page = 0;
    }
    while (block) {
        if (!ramblock_is_ignored(block) && block->bmap) {
            unsigned long npages = block_pages(block);

            page = find_next_bit(block->bmap, npages, page);
            if (page < npages) {
                unsigned long next;

                ram_save_host_page(rs, f, block, page, &next);
                rs->last_seen_block = block;
                rs->last_page = next;
                return 1;
            }
        }
        page = 0;
        block = QLIST_NEXT(block, next);
        if (!block) {
            if (wrapped) {
                break;
            }
            /* A pass is over: later pages can be deltas. */
            rs->xbzrle_started = rs->xbzrle_on;
            wrapped = true;
            block = QLIST_FIRST(&ram_list.blocks);
            /*
             * A round ends: a page sent again in the next one may go to
             * another channel, so the destination must have this
             * round's copy first.
             */
            if (migrate_multifd() &&
                (!migrate_multifd_flush_after_each_section() ||
                 migrate_mapped_ram()) &&
                !ram_multifd_flush_and_sync(f, NULL)) {
                return 0;
            }
        }
    }
    rs->last_seen_block = NULL;
    rs->last_page = 0;
    rs->xbzrle_started = rs->xbzrle_on;
    return 0;
}

static void ram_state_cleanup(void)
{
    RAMBlock *block;

    if (!ram_state) {
        return;
    }
    if (ram_state->dirty_log_started) {
        memory_global_dirty_log_stop(GLOBAL_DIRTY_MIGRATION);
    }
    if (ram_state->xbzrle_on) {
        ram_xbzrle_cleanup();
    }
    ram_converge_stop();
    mapped_ram_save_cleanup();
    RAMBLOCK_FOREACH(block) {
        g_free(block->bmap);
        block->bmap = NULL;
    }
    g_free(ram_state);
    ram_state = NULL;
}

static void ram_save_cleanup(void *opaque)
{
    multifd_send_cleanup();
    ram_state_cleanup();
}

static int ram_save_setup(QEMUFile *f, void *opaque, Error **errp)
{
    RAMState *rs;
    RAMBlock *block;

    ram_state_cleanup();
    rs = ram_state = g_new0(RAMState, 1);
    rs->time_last_bitmap_sync = qemu_clock_get_ms(QEMU_CLOCK_REALTIME);
    rs->bytes_xfer_prev = migration_transferred_bytes();
    if (migrate_xbzrle()) {
        if (!ram_xbzrle_setup(migrate_xbzrle_cache_size(), errp)) {
            ram_state_cleanup();
            return -ENOMEM;
        }
        rs->xbzrle_on = true;
    }
    ram_converge_start();
    migration_history_start();
    if (migrate_multifd() && !multifd_send_setup(errp)) {
        ram_state_cleanup();
        return -EINVAL;
    }

    qemu_mutex_lock_ramlist();
    RAMBLOCK_FOREACH_NOT_IGNORED(block) {
        unsigned long pages = block_pages(block);

        /* Every page is dirty: the first pass sends all of RAM. */
        block->bmap = bitmap_new(pages);
        bitmap_set(block->bmap, 0, pages);
        rs->migration_dirty_pages += pages;
    }
    qemu_mutex_unlock_ramlist();

    if (ram_write_tracking) {
        /* Each page goes once, as it was at the start: no dirty log. */
    } else if (!memory_global_dirty_log_start(GLOBAL_DIRTY_MIGRATION,
                                              errp)) {
        error_prepend(errp, "Cannot start dirty page logging: ");
        ram_state_cleanup();
        return -EINVAL;
    } else {
        rs->dirty_log_started = true;
        /* Drop what was dirtied before logging: every page is set anyway. */
        migration_bitmap_sync(rs, false);
    }
    stat64_set(&mig_stats.ram_total, ram_bytes_total());
    trace_ram_save_setup(ram_bytes_total(), rs->migration_dirty_pages);

    qemu_put_be64(f, ram_bytes_total() | RAM_SAVE_FLAG_MEM_SIZE);
    RAMBLOCK_FOREACH_MIGRATABLE(block) {
        qemu_put_counted_string(f, block->idstr);
        qemu_put_be64(f, block->used_length);
        if (migrate_ignore_shared()) {
            qemu_put_be64(f, block->mr ? block->mr->addr : 0);
        }
        if (migrate_mapped_ram()) {
            mapped_ram_save_block(f, block, ramblock_is_ignored(block));
        }
    }
    if (migrate_multifd()) {
        /*
         * This first sync waits for every channel to connect and finish
         * its TLS handshake, for as long as the peer takes: not under
         * the BQL, so that QMP (cancel, yank) is served meanwhile.
         */
        bool locked = bql_locked();
        bool ok;

        if (locked) {
            bql_unlock();
        }
        ok = ram_multifd_flush_and_sync(f, errp);
        if (locked) {
            bql_lock();
        }
        if (!ok) {
            return -EIO;
        }
    }
    qemu_put_be64(f, RAM_SAVE_FLAG_EOS);
    qemu_fflush(f);
    return qemu_file_get_error(f);
}

static int ram_save_iterate(QEMUFile *f, void *opaque)
{
    RAMState *rs = ram_state;
    int64_t t0 = qemu_clock_get_ms(QEMU_CLOCK_REALTIME);
    int done = 0;
    uint64_t i = 0;

    if (!rs) {
        return -EINVAL;
    }
    qemu_mutex_lock_ramlist();
    if (rs->xbzrle_on) {
        ram_xbzrle_lock();
    }
    /* A page the destination waits for ignores the rate limit. */
    while ((rs->postcopy && postcopy_queue_has_request()) ||
           !migration_rate_exceeded(f)) {
        if (!ram_find_and_save_block(rs, f)) {
            done = 1;
            break;
        }
        i++;
        /* Checking the clock is not free: every 64 pages. */
        if ((i & 63) == 0 && ram_iterate_max_ms &&
            qemu_clock_get_ms(QEMU_CLOCK_REALTIME) - t0 > ram_iterate_max_ms) {
            break;
        }
    }
    if (rs->xbzrle_on) {
        ram_xbzrle_unlock();
    }
    qemu_mutex_unlock_ramlist();
    if (migrate_multifd() && migrate_multifd_flush_after_each_section()) {
        ram_multifd_flush_and_sync(f, NULL);
    }
    if (migrate_mapped_ram()) {
        mapped_ram_save_flush(f);
    }
    qemu_put_be64(f, RAM_SAVE_FLAG_EOS);
    /* Pages were queued by reference: hand them over before returning. */
    qemu_fflush(f);
    stat64_set(&mig_stats.remaining, ram_bytes_remaining());
    trace_ram_save_iterate(i, done, ram_bytes_remaining());
    return qemu_file_get_error(f) ?: done;
}

static int ram_save_complete(QEMUFile *f, void *opaque)
{
    RAMState *rs = ram_state;
    uint64_t pages = 0;

    if (!rs) {
        return -EINVAL;
    }
    rs->last_stage = true;
    if (!ram_write_tracking) {
        migration_bitmap_sync(rs, true);
    }
    qemu_mutex_lock_ramlist();
    if (rs->xbzrle_on) {
        ram_xbzrle_lock();
    }
    while (qemu_file_get_error(f) == 0 && ram_find_and_save_block(rs, f)) {
        pages++;        /* everything left goes now: the VM is stopped */
    }
    if (rs->xbzrle_on) {
        ram_xbzrle_unlock();
    }
    trace_ram_save_complete(pages);
    qemu_mutex_unlock_ramlist();
    if (migrate_multifd() && !qemu_file_get_error(f)) {
        ram_multifd_flush_and_sync(f, NULL);
    }
    /* Every page is in the file now: which ones, block by block. */
    if (migrate_mapped_ram()) {
        mapped_ram_save_bitmaps(f);
    }
    qemu_put_be64(f, RAM_SAVE_FLAG_EOS);
    qemu_fflush(f);
    stat64_set(&mig_stats.remaining, 0);
    return qemu_file_get_error(f);
}

static void ram_state_pending_estimate(void *opaque, uint64_t *must_precopy,
                                       uint64_t *can_postcopy)
{
    if (migrate_postcopy_ram()) {
        *can_postcopy += ram_bytes_remaining();
    } else {
        *must_precopy += ram_bytes_remaining();
    }
}

uint64_t ram_pagesize_summary(void)
{
    RAMBlock *block;
    uint64_t summary = 0;

    RAMBLOCK_FOREACH_MIGRATABLE(block) {
        summary |= block->page_size;
    }
    return summary;
}

/*
 * A huge page partly dirty becomes wholly dirty: the destination drops
 * it whole and the source sends it whole again (QEMU's host page
 * chunking), since a host page is placed in one step.
 */
static void ram_postcopy_chunk_host_pages(RAMState *rs, RAMBlock *block)
{
    unsigned long per = block->page_size >> TARGET_PAGE_BITS;
    unsigned long npages = block_pages(block);
    unsigned long p, first;

    for (p = find_first_bit(block->bmap, npages); p < npages;
         p = find_next_bit(block->bmap, npages, first + per)) {
        first = QEMU_ALIGN_DOWN(p, per);
        for (unsigned long q = first; q < first + per && q < npages; q++) {
            if (!test_and_set_bit(q, block->bmap)) {
                qatomic_inc(&rs->migration_dirty_pages);
            }
        }
    }
}

void ram_postcopy_discard_dirty(RAMDiscardFn *fn, void *opaque)
{
    RAMState *rs = ram_state;
    RAMBlock *block;

    if (!rs) {
        return;
    }
    migration_bitmap_sync(rs, true);
    qemu_mutex_lock_ramlist();
    RAMBLOCK_FOREACH_NOT_IGNORED(block) {
        unsigned long npages = block_pages(block);
        unsigned long start, end;

        if (!block->bmap) {
            continue;
        }
        if (block->page_size > TARGET_PAGE_SIZE) {
            ram_postcopy_chunk_host_pages(rs, block);
        }
        for (start = find_first_bit(block->bmap, npages); start < npages;
             start = find_next_bit(block->bmap, npages, end)) {
            end = find_next_zero_bit(block->bmap, npages, start);
            fn(opaque, block->idstr, (uint64_t)start << TARGET_PAGE_BITS,
               (uint64_t)(end - start) << TARGET_PAGE_BITS);
        }
    }
    qemu_mutex_unlock_ramlist();
}

void ram_postcopy_start(QEMUFile *preempt)
{
    if (ram_state) {
        ram_state->postcopy = true;
        ram_state->last_sent_block = NULL;
        ram_state->preempt_file = preempt;
        ram_state->preempt_last_block = NULL;
        ram_state->preempt_counted = 0;
    }
}

bool ram_postcopy_bitmap_reload(QEMUFile *rp, const char *name,
                                Error **errp)
{
    RAMBlock *block = qemu_ram_block_by_name(name);
    g_autofree unsigned long *recv = NULL;
    uint64_t dirty = 0;
    unsigned long nbits;

    if (!ram_state || !block || ramblock_is_ignored(block) || !block->bmap) {
        error_setg(errp, "RP: RECV_BITMAP for unknown RAM block '%s'", name);
        return false;
    }
    nbits = block_pages(block);
    recv = bitmap_new(nbits);
    if (!postcopy_recv_bitmap_get(rp, name, recv, nbits, errp)) {
        return false;
    }
    /* What the destination has not received is what is left to send. */
    bitmap_complement(block->bmap, recv, nbits);
    RAMBLOCK_FOREACH_NOT_IGNORED(block) {
        if (block->bmap) {
            dirty += bitmap_count_one(block->bmap, block_pages(block));
        }
    }
    qatomic_set(&ram_state->migration_dirty_pages, dirty);
    trace_ram_postcopy_bitmap_reload(name, dirty);
    return true;
}

static bool ram_has_postcopy(void *opaque)
{
    return migrate_postcopy_ram();
}

static void ram_state_pending_exact(void *opaque, uint64_t *must_precopy,
                                    uint64_t *can_postcopy)
{
    if (ram_state && !ram_write_tracking) {
        BQLLockGuard g = bql_lock_guard_take();

        migration_bitmap_sync(ram_state, false);
        bql_lock_guard_release(&g);
    }
    ram_state_pending_estimate(opaque, must_precopy, can_postcopy);
}

/* -------------------------------------------------------------- loading */

/* COLO: where loaded pages go instead of guest memory (NULL: in place). */
static RamLoadRedirectFn ram_load_redirect;

void ram_load_set_redirect(RamLoadRedirectFn fn)
{
    ram_load_redirect = fn;
}

/* The load's own state lives in the incoming state, for one load. */
static int ram_load_setup(QEMUFile *f, void *opaque, Error **errp)
{
    MigrationIncomingState *mis = migration_incoming_get_current();

    mis->last_recv_block = NULL;
    ram_pagemap_invalidate();
    if (!mis->ram_prefault) {
        mis->ram_prefault = g_new0(RAMPrefault, 1);
    }
    return 0;
}

static int ram_load_cleanup(void *opaque)
{
    MigrationIncomingState *mis = migration_incoming_get_current();

    multifd_recv_cleanup();
    mapped_ram_load_cleanup();
    mis->last_recv_block = NULL;
    ram_pagemap_invalidate();
    if (mis->ram_prefault) {
        ram_prefault_stop(mis->ram_prefault);
        g_clear_pointer(&mis->ram_prefault, g_free);
    }
    return 0;
}

static bool ram_load_mem_size(QEMUFile *f, uint64_t total, Error **errp)
{
    /*
     * A source lists each block once; refusing a repeat bounds the list
     * by the blocks here, whatever total it announced.
     */
    g_autoptr(GHashTable) seen = g_hash_table_new(NULL, NULL);
    char id[256];

    while (total) {
        RAMBlock *block;
        uint64_t length;

        if (!qemu_get_counted_string(f, id)) {
            error_setg(errp, "Bad or missing ramblock name in the RAM size "
                       "list (0x%" PRIx64 " bytes unaccounted for)", total);
            return false;
        }
        length = qemu_get_be64(f);
        if (qemu_file_get_error(f)) {
            error_setg(errp, "Stream ended in the RAM size list");
            return false;
        }
        trace_ram_load_mem_size(id, length);
        block = qemu_ram_block_by_name(id);
        if (!block) {
            error_setg(errp, "Unknown ramblock \"%s\", cannot accept "
                       "migration", id);
            return false;
        }
        if (!g_hash_table_add(seen, block)) {
            error_setg(errp, "RAM size list: block %s is listed twice "
                       "(0x%" PRIx64 " bytes of the announced total left)",
                       id, total);
            return false;
        }
        if (migrate_ignore_shared()) {
            uint64_t addr = qemu_get_be64(f);

            if (ramblock_is_ignored(block) && block->mr &&
                addr != block->mr->addr) {
                error_setg(errp, "Mismatched GPAs for block %s "
                           "%" PRId64 "!= %" PRId64, id, addr,
                           (uint64_t)block->mr->addr);
                return false;
            }
        }
        if (length != block->used_length) {
            if (!(block->flags & RAM_RESIZEABLE)) {
                error_setg(errp, "Size mismatch: %s: 0x" RAM_ADDR_FMT
                           " != 0x" RAM_ADDR_FMT, id, length,
                           block->used_length);
                return false;
            }
            if (!qemu_ram_resize(block, length, errp)) {
                return false;
            }
        }
        if (length > total) {
            error_setg(errp, "RAM size list: block %s (0x%" PRIx64 ") is "
                       "bigger than the 0x%" PRIx64 " bytes left of the "
                       "announced total", id, length, total);
            return false;
        }
        if (migrate_mapped_ram() &&
            !mapped_ram_load_block(f, block, length,
                                   ramblock_is_ignored(block), errp)) {
            return false;
        }
        total -= length;
    }
    /* mapped-ram: all of RAM is loaded once the size list is parsed. */
    return !migrate_mapped_ram() || mapped_ram_load_finish(errp);
}

static RAMBlock *ram_block_from_stream(MigrationIncomingState *mis,
                                       QEMUFile *f, int flags, Error **errp)
{
    char id[256];
    RAMBlock *block;

    if (flags & RAM_SAVE_FLAG_CONTINUE) {
        if (!mis->last_recv_block) {
            error_setg(errp, "Ack, bad migration stream! (CONTINUE before "
                       "any block was named)");
        }
        return mis->last_recv_block;
    }
    if (!qemu_get_counted_string(f, id)) {
        error_setg(errp, "Bad or missing ramblock name in a page record");
        return NULL;
    }
    block = qemu_ram_block_by_name(id);
    if (!block) {
        error_setg(errp, "Can't find block %s", id);
        return NULL;
    }
    if (ramblock_is_ignored(block)) {
        error_setg(errp, "block %s should not be migrated !", id);
        return NULL;
    }
    mis->last_recv_block = block;
    return block;
}

static int ram_load_xbzrle(QEMUFile *f, RAMBlock *block, ram_addr_t addr,
                           uint8_t *host, Error **errp)
{
    uint8_t buf[TARGET_PAGE_SIZE];
    Error *err = NULL;
    uint8_t enc = qemu_get_byte(f);
    unsigned int len = qemu_get_be16(f);

    if (qemu_file_get_error(f)) {
        error_setg(errp, "Stream ended in an XBZRLE page");
        return -EIO;
    }
    if (enc != ENCODING_FLAG_XBZRLE) {
        error_setg(errp, "Failed to load XBZRLE page - wrong compression!");
        return -EINVAL;
    }
    if (len > TARGET_PAGE_SIZE) {
        error_setg(errp, "Failed to load XBZRLE page - len overflow!");
        return -EINVAL;
    }
    if (qemu_get_buffer(f, buf, len) != len) {
        error_setg(errp, "Stream ended in an XBZRLE page");
        return -EIO;
    }
    if (!xbzrle_decode_page(buf, len, host, TARGET_PAGE_SIZE, &err)) {
        error_setg(errp, "Failed to load XBZRLE page - decode error! (%s)",
                   error_get_pretty(err));
        error_free(err);
        return -EINVAL;
    }
    trace_ram_load_xbzrle(block->idstr, addr, len);
    return 0;
}

static int ram_load_records(QEMUFile *f, uint64_t *records, Error **errp);

/*
 * Postcopy: a page is read whole into a buffer and placed atomically
 * (a vCPU may be touching it); never written in place.
 */
static int ram_load_postcopy_page(QEMUFile *f, RAMBlock *block,
                                  ram_addr_t addr, int kind, int channel,
                                  Error **errp)
{
    /* Placement copies it before returning (a huge page's part too). */
    uint8_t buf[TARGET_PAGE_SIZE];
    int ch;

    switch (kind) {
    case RAM_SAVE_FLAG_ZERO:
        ch = qemu_get_byte(f);
        if (ch != 0) {
            error_setg(errp, "Found a zero page with value %d", ch);
            return -EINVAL;
        }
        return postcopy_in_place(block, addr, channel, NULL, errp) ?
               0 : -EINVAL;
    case RAM_SAVE_FLAG_PAGE:
        if (qemu_get_buffer(f, buf, TARGET_PAGE_SIZE) != TARGET_PAGE_SIZE) {
            error_setg(errp, "Stream ended in a page of %s", block->idstr);
            return -EIO;
        }
        return postcopy_in_place(block, addr, channel, buf, errp) ?
               0 : -EINVAL;
    default:
        error_setg(errp, "XBZRLE pages cannot be received in postcopy");
        return -EINVAL;
    }
}

/*
 * The postcopy-preempt channel (its own thread): page records only,
 * with their own CONTINUE chain, up to an EOS (QEMU 7.2 and
 * x-preempt-pre-7-2 sources send one) or the channel's end.
 */
static int ram_load_preempt(QEMUFile *f, Error **errp)
{
    RAMBlock *last = NULL;
    char id[256];

    for (;;) {
        uint64_t word = qemu_get_be64(f);
        uint64_t addr = word & TARGET_PAGE_MASK;
        int flags = word & ~TARGET_PAGE_MASK;
        int kind = flags & ~RAM_SAVE_FLAG_CONTINUE;
        RAMBlock *block = last;
        int ret;

        if (qemu_file_get_error(f)) {
            return qemu_file_get_error_obj(f, errp) ?: -EIO;
        }
        if (kind == RAM_SAVE_FLAG_EOS) {
            return 0;
        }
        if (kind != RAM_SAVE_FLAG_ZERO && kind != RAM_SAVE_FLAG_PAGE) {
            error_setg(errp, "Unknown combination of migration flags: 0x%x",
                       flags);
            return -EINVAL;
        }
        if (!(flags & RAM_SAVE_FLAG_CONTINUE)) {
            if (!qemu_get_counted_string(f, id)) {
                error_setg(errp, "Bad or missing ramblock name in a page "
                           "record");
                return -EINVAL;
            }
            block = qemu_ram_block_by_name(id);
            if (!block || ramblock_is_ignored(block)) {
                error_setg(errp, "Can't find block %s", id);
                return -EINVAL;
            }
            last = block;
        } else if (!block) {
            error_setg(errp, "Ack, bad migration stream! (CONTINUE before "
                       "any block was named)");
            return -EINVAL;
        }
        if (!offset_in_ramblock(block, addr)) {
            error_setg(errp, "Illegal RAM offset " RAM_ADDR_FMT, addr);
            return -EINVAL;
        }
        trace_ram_load_preempt(block->idstr, addr);
        ret = ram_load_postcopy_page(f, block, addr, kind, 1, errp);
        if (ret < 0) {
            return ret;
        }
    }
}

/*
 * A multifd sync point on the destination: the channels wrote guest pages
 * behind the page-residency cache's back, so it is read afresh.
 */
static bool ram_load_multifd_sync(Error **errp)
{
    if (!multifd_recv_sync(errp)) {
        return false;
    }
    ram_pagemap_invalidate();
    return true;
}

static int ram_load(QEMUFile *f, void *opaque, int version_id, Error **errp)
{
    uint64_t records = 0;
    int ret;

    if (version_id != 4) {
        error_setg(errp, "ram: stream version %d, only 4 is supported",
                   version_id);
        return -EINVAL;
    }
    ret = ram_load_records(f, &records, errp);
    trace_ram_load_section(version_id, records);
    return ret;
}

/* Page records up to EOS; *@records counts them. */
static int ram_load_records(QEMUFile *f, uint64_t *records, Error **errp)
{
    MigrationIncomingState *mis = migration_incoming_get_current();

    for (;; (*records)++) {
        uint64_t word = qemu_get_be64(f);
        uint64_t addr = word & TARGET_PAGE_MASK;
        int flags = word & ~TARGET_PAGE_MASK;
        int kind = flags & ~RAM_SAVE_FLAG_CONTINUE;
        RAMBlock *block;
        uint8_t *host;
        int ret;

        if (qemu_file_get_error(f)) {
            error_setg(errp, "Stream ended inside RAM data (no EOS)");
            return -EIO;
        }
        if (kind == RAM_SAVE_FLAG_EOS && !(flags & RAM_SAVE_FLAG_CONTINUE)) {
            /* In QEMU 7.2's stream every EOS is a multifd sync point. */
            if (migrate_multifd() && !migrate_mapped_ram() &&
                migrate_multifd_flush_after_each_section() &&
                !ram_load_multifd_sync(errp)) {
                return -EIO;
            }
            return 0;
        }
        if (kind == RAM_SAVE_FLAG_MULTIFD_FLUSH && migrate_multifd()) {
            if (migrate_mapped_ram()) {
                error_setg(errp, "Received a MULTIFD_FLUSH record, but a "
                           "mapped-ram stream has none");
                return -EINVAL;
            }
            if (migrate_multifd_flush_after_each_section()) {
                error_setg(errp, "Received a MULTIFD_FLUSH record, but "
                           "multifd-flush-after-each-section is on here "
                           "(the QEMU 7.2 stream, which has none): set it "
                           "the same on both sides");
                return -EINVAL;
            }
            if (!ram_load_multifd_sync(errp)) {
                return -EIO;
            }
            continue;
        }
        if (kind == RAM_SAVE_FLAG_MEM_SIZE &&
            !(flags & RAM_SAVE_FLAG_CONTINUE)) {
            if (!ram_load_mem_size(f, addr, errp)) {
                return -EINVAL;
            }
            continue;
        }
        switch (kind) {
        case RAM_SAVE_FLAG_ZERO:
        case RAM_SAVE_FLAG_PAGE:
        case RAM_SAVE_FLAG_XBZRLE:
            break;
        case RAM_SAVE_FLAG_COMPRESS_PAGE:
            error_setg(errp, "Received an unexpected compressed page");
            return -EINVAL;
        case RAM_SAVE_FLAG_MULTIFD_FLUSH:
            error_setg(errp, "Received a MULTIFD_FLUSH record (QEMU 8.0+ "
                       "multifd), but the multifd capability is off here: "
                       "set it on both sides");
            return -EINVAL;
        case RAM_SAVE_FLAG_HOOK:
            error_setg(errp, "Received an RDMA hook record (0x80); Tern has "
                       "no RDMA transport");
            return -EINVAL;
        default:
            error_setg(errp, "Unknown combination of migration flags: 0x%x",
                       flags);
            return -EINVAL;
        }
        block = ram_block_from_stream(mis, f, flags, errp);
        if (!block) {
            return -EINVAL;
        }
        if (!offset_in_ramblock(block, addr)) {
            trace_ram_load_error(block->idstr, addr, flags);
            error_setg(errp, "Illegal RAM offset " RAM_ADDR_FMT, addr);
            return -EINVAL;
        }
        host = ram_load_redirect ? ram_load_redirect(block, addr)
                                 : block->host + addr;
        if (postcopy_in_placing()) {
            /* The main stream's thread only: it owns the prefaulter. */
            if (mis->ram_prefault) {
                ram_prefault_stop(mis->ram_prefault);
            }
            ret = ram_load_postcopy_page(f, block, addr, kind, 0, errp);
            if (ret < 0) {
                return ret;
            }
            continue;
        }
        switch (kind) {
        case RAM_SAVE_FLAG_ZERO: {
            int ch = qemu_get_byte(f);

            if (ch != 0) {
                /* QEMU 7.2 fills the page; later QEMU refuses.  So do we. */
                error_setg(errp, "Found a zero page with value %d", ch);
                return -EINVAL;
            }
            /*
             * Skip the write when already zero: keeps untouched memory
             * unallocated on the destination.  Not once postcopy is
             * advised: a page left unmapped would fault after LISTEN,
             * and the source does not resend a page it thinks arrived.
             * Reading it maps the zero page.
             */
            if ((ram_load_redirect || postcopy_in_advised() ||
                 !ram_page_untouched(block, addr >> TARGET_PAGE_BITS)) &&
                !buffer_is_zero(host, TARGET_PAGE_SIZE)) {
                memset(host, 0, TARGET_PAGE_SIZE);
            }
            break;
        }
        case RAM_SAVE_FLAG_PAGE:
            ram_page_touched(block, addr >> TARGET_PAGE_BITS);
            if (mis->ram_prefault && !ram_load_redirect) {
                ram_prefault_hint(mis->ram_prefault, block, addr);
            }
            if (qemu_get_buffer(f, host, TARGET_PAGE_SIZE) !=
                TARGET_PAGE_SIZE) {
                error_setg(errp, "Stream ended in a page of %s",
                           block->idstr);
                return -EIO;
            }
            break;
        case RAM_SAVE_FLAG_XBZRLE:
            ram_page_touched(block, addr >> TARGET_PAGE_BITS);
            ret = ram_load_xbzrle(f, block, addr, host, errp);
            if (ret < 0) {
                return ret;
            }
            break;
        }
    }
}

static const SaveVMHandlers savevm_ram_handlers = {
    .save_setup = ram_save_setup,
    .save_live_iterate = ram_save_iterate,
    .save_live_complete_precopy = ram_save_complete,
    .state_pending_estimate = ram_state_pending_estimate,
    .state_pending_exact = ram_state_pending_exact,
    .has_postcopy = ram_has_postcopy,
    .save_cleanup = ram_save_cleanup,
    .load_setup = ram_load_setup,
    .load_state = ram_load,
    .load_cleanup = ram_load_cleanup,
};

void ram_mig_init(void)
{
    postcopy_preempt_set_loader(ram_load_preempt);
    register_savevm_live("ram", 0, 4, &savevm_ram_handlers, NULL);
}
