/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * calc-dirty-rate / query-dirty-rate: estimate how fast the guest
 * dirties its memory, to choose migration parameters before migrating.
 * Three modes, QEMU's:
 *
 * - page-sampling picks sample-pages random pages per GiB of each
 *   RAMBlock of at least 128 KiB, hashes their contents, waits
 *   calc-time, hashes them again, and scales the share of changed
 *   samples to the blocks' size:
 *
 *       dirty-rate (MiB/s) = changed / sampled * block MiB * 1000 / ms
 *
 *   It needs no dirty logging, so it works with any accelerator (qtest
 *   writes count as guest writes);
 * - dirty-ring (KVM with the dirty ring) counts the entries harvested
 *   from each vCPU's ring during calc-time: a rate per vCPU, and their
 *   sum;
 * - dirty-bitmap (KVM without the ring) counts the pages KVM's dirty
 *   log reports between two syncs calc-time apart (cpu_physical_memory_
 *   dirty_rate_pages()).
 *
 * The two logging modes turn dirty logging on for the measurement
 * (GLOBAL_DIRTY_DIRTY_RATE).  A page counts once per harvest or sync,
 * so a guest rewriting a set smaller than what it dirties in calc-time
 * reads lower than it writes.  Every step runs on the main thread under
 * the BQL, split by a realtime timer, so no thread races with RAMBlock
 * or CPU changes; the accelerator's part comes through DirtyRateOps,
 * registered by vl.c.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-migration.h"
#include "qemu/timer.h"
#include "migration/dirtyrate.h"
#include "system/memory.h"
#include "system/ram_addr.h"
#include "system/ramblock.h"

/* QEMU's bounds and defaults (docs/devel/migration-control.md). */
#define DIRTYRATE_DEFAULT_SAMPLE_PAGES 512
#define MIN_SAMPLE_PAGE_COUNT 128
#define MAX_SAMPLE_PAGE_COUNT 4096
#define MIN_CALC_TIME_MS 50
#define MAX_CALC_TIME_MS 60000
/* Smaller blocks are skipped, in KiB (QEMU's MIN_RAMBLOCK_SIZE). */
#define MIN_RAMBLOCK_SIZE_KB 128

/* The samples of one RAMBlock, found again by name in the second pass. */
typedef struct DirtyRateBlock {
    char *idstr;
    uint64_t used_length;
    uint32_t nr_samples;
    uint64_t *offsets;           /* page offsets in the block */
    uint64_t *hashes;            /* first-pass hash of each sample */
} DirtyRateBlock;

static const DirtyRateOps *dr_ops;

static struct {
    DirtyRateStatus status;
    int64_t start_time;          /* seconds, realtime clock */
    int64_t calc_time_ms;        /* asked for, then as measured */
    uint64_t sample_pages;       /* per GiB */
    DirtyRateMeasureMode mode;
    int64_t dirty_rate;          /* MiB/s, once measured */
    int64_t *vcpu_rates;         /* dirty-ring: MiB/s per vCPU */
    int nvcpu;

    GArray *blocks;              /* of DirtyRateBlock, while measuring */
    uint64_t *vcpu_start;        /* dirty-ring: counters at the start */
    uint64_t bitmap_start;       /* dirty-bitmap: counter at the start */
    QEMUTimer *timer;
    int64_t first_pass_ms;
} dr = {
    .status = DIRTY_RATE_STATUS_UNSTARTED,
    .mode = DIRTY_RATE_MEASURE_MODE_PAGE_SAMPLING,
};

/* A 64-bit hash of one page (FNV-1a over 64-bit words, then mixed). */
static uint64_t dirtyrate_page_hash(const uint8_t *page)
{
    const uint64_t *w = (const uint64_t *)page;
    uint64_t h = 0xcbf29ce484222325ULL;

    for (size_t i = 0; i < TARGET_PAGE_SIZE / sizeof(uint64_t); i++) {
        h ^= w[i];
        h *= 0x100000001b3ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

static void dirtyrate_block_clear(gpointer data)
{
    DirtyRateBlock *b = data;

    g_free(b->idstr);
    g_free(b->offsets);
    g_free(b->hashes);
}

static void dirtyrate_free_samples(void)
{
    if (dr.blocks) {
        g_array_free(dr.blocks, true);
        dr.blocks = NULL;
    }
}

/* First pass: choose the samples and hash them. */
static void dirtyrate_sample_blocks(void)
{
    RAMBlock *block;

    dr.blocks = g_array_new(false, true, sizeof(DirtyRateBlock));
    g_array_set_clear_func(dr.blocks, dirtyrate_block_clear);

    qemu_mutex_lock_ramlist();
    RAMBLOCK_FOREACH_MIGRATABLE(block) {
        uint64_t len = qemu_ram_get_used_length(block);
        uint64_t pages = len >> TARGET_PAGE_BITS;
        const uint8_t *host = qemu_ram_get_host_addr(block);
        DirtyRateBlock b = { 0 };

        /* QEMU's count: a block under 2 MiB may get no sample at all. */
        b.nr_samples = (dr.sample_pages * len) >> 30;
        if (len < (uint64_t)MIN_RAMBLOCK_SIZE_KB << 10 || !host ||
            !b.nr_samples) {
            continue;
        }
        b.idstr = g_strdup(qemu_ram_get_idstr(block));
        b.used_length = len;
        b.offsets = g_new(uint64_t, b.nr_samples);
        b.hashes = g_new(uint64_t, b.nr_samples);
        for (uint32_t i = 0; i < b.nr_samples; i++) {
            uint64_t page = ((uint64_t)g_random_int() << 32 |
                             g_random_int()) % pages;

            b.offsets[i] = page << TARGET_PAGE_BITS;
            b.hashes[i] = dirtyrate_page_hash(host + b.offsets[i]);
        }
        g_array_append_val(dr.blocks, b);
    }
    qemu_mutex_unlock_ramlist();
}

/* Second pass: hash the samples again and compute the rate. */
static void dirtyrate_sampling_finish(int64_t elapsed)
{
    uint64_t changed = 0, sampled = 0, total_mb = 0;

    qemu_mutex_lock_ramlist();
    for (guint i = 0; i < dr.blocks->len; i++) {
        DirtyRateBlock *b = &g_array_index(dr.blocks, DirtyRateBlock, i);
        RAMBlock *block = qemu_ram_block_by_name(b->idstr);
        const uint8_t *host;

        /* A block that went away or changed size is left out. */
        if (!block || qemu_ram_get_used_length(block) != b->used_length) {
            continue;
        }
        host = qemu_ram_get_host_addr(block);
        for (uint32_t j = 0; j < b->nr_samples; j++) {
            if (dirtyrate_page_hash(host + b->offsets[j]) != b->hashes[j]) {
                changed++;
            }
        }
        sampled += b->nr_samples;
        total_mb += b->used_length >> 20;
    }
    qemu_mutex_unlock_ramlist();

    if (sampled && elapsed > 0) {
        dr.dirty_rate = changed * total_mb * 1000 / (sampled * elapsed);
    }
    dirtyrate_free_samples();
}

/* MiB/s from @pages dirtied in @ms (QEMU's rounding: MiB first). */
static int64_t dirtyrate_pages_to_rate(uint64_t pages, int64_t ms)
{
    return ((pages * 1000 * TARGET_PAGE_SIZE) >> 20) / ms;
}

static void dirtyrate_ring_finish(int64_t elapsed)
{
    int n = 0;
    g_autofree uint64_t *end = dr_ops->vcpu_pages(&n);

    dr.nvcpu = MIN(n, dr.nvcpu);
    dr.vcpu_rates = g_new0(int64_t, dr.nvcpu);
    dr.dirty_rate = 0;
    for (int i = 0; i < dr.nvcpu; i++) {
        dr.vcpu_rates[i] = dirtyrate_pages_to_rate(end[i] - dr.vcpu_start[i],
                                                   elapsed);
        dr.dirty_rate += dr.vcpu_rates[i];
    }
    g_clear_pointer(&dr.vcpu_start, g_free);
    memory_global_dirty_log_stop(GLOBAL_DIRTY_DIRTY_RATE);
}

static void dirtyrate_bitmap_finish(int64_t elapsed)
{
    memory_global_dirty_log_sync(false);
    dr.dirty_rate = dirtyrate_pages_to_rate(
        cpu_physical_memory_dirty_rate_pages() - dr.bitmap_start, elapsed);
    memory_global_dirty_log_stop(GLOBAL_DIRTY_DIRTY_RATE);
}

static void dirtyrate_finish(void *opaque)
{
    int64_t elapsed = MAX(qemu_clock_get_ms(QEMU_CLOCK_REALTIME) -
                          dr.first_pass_ms, 1);

    dr.dirty_rate = 0;
    switch (dr.mode) {
    case DIRTY_RATE_MEASURE_MODE_DIRTY_RING:
        dirtyrate_ring_finish(elapsed);
        break;
    case DIRTY_RATE_MEASURE_MODE_DIRTY_BITMAP:
        dirtyrate_bitmap_finish(elapsed);
        break;
    default:
        dirtyrate_sampling_finish(elapsed);
        break;
    }
    dr.calc_time_ms = elapsed;
    timer_free(dr.timer);
    dr.timer = NULL;
    dr.status = DIRTY_RATE_STATUS_MEASURED;
}

/* Start dirty logging and take the counters the end is compared with. */
static bool dirtyrate_log_begin(DirtyRateMeasureMode mode, Error **errp)
{
    if (!memory_global_dirty_log_start(GLOBAL_DIRTY_DIRTY_RATE, errp)) {
        return false;
    }
    if (mode == DIRTY_RATE_MEASURE_MODE_DIRTY_RING) {
        dr.vcpu_start = dr_ops->vcpu_pages(&dr.nvcpu);
    } else {
        /* The first sync may report every page (initially-set logs). */
        memory_global_dirty_log_sync(false);
        dr.bitmap_start = cpu_physical_memory_dirty_rate_pages();
    }
    return true;
}

/* Is @mode possible with this accelerator?  QEMU's message if not. */
static bool dirtyrate_mode_ok(DirtyRateMeasureMode mode, Error **errp)
{
    bool ring = dr_ops && dr_ops->ring_enabled();

    if ((mode == DIRTY_RATE_MEASURE_MODE_DIRTY_RING && !ring) ||
        (mode == DIRTY_RATE_MEASURE_MODE_DIRTY_BITMAP && ring)) {
        error_setg(errp, "mode %s is not enabled, use other method instead.",
                   DirtyRateMeasureMode_str(mode));
        return false;
    }
    /* Only KVM's dirty log counts pages; QEMU would just read 0 here. */
    if (mode == DIRTY_RATE_MEASURE_MODE_DIRTY_BITMAP &&
        !(dr_ops && dr_ops->bitmap_enabled())) {
        error_setg(errp, "calc-dirty-rate: mode dirty-bitmap needs KVM's "
                   "dirty log, which this accelerator does not have; use "
                   "page-sampling");
        return false;
    }
    return true;
}

void dirtyrate_register_ops(const DirtyRateOps *ops)
{
    dr_ops = ops;
}

static int64_t time_to_ms(int64_t t, TimeUnit unit)
{
    return unit == TIME_UNIT_MILLISECOND ? t : t * 1000;
}

void qmp_calc_dirty_rate(int64_t calc_time, bool has_calc_time_unit,
                         TimeUnit calc_time_unit, bool has_sample_pages,
                         int64_t sample_pages, bool has_mode,
                         DirtyRateMeasureMode mode, Error **errp)
{
    int64_t ms;

    if (dr.status == DIRTY_RATE_STATUS_MEASURING) {
        error_setg(errp, "the dirty rate is already being measured.");
        return;
    }
    if (calc_time < 0 || calc_time > MAX_CALC_TIME_MS) {
        ms = -1;
    } else {
        ms = time_to_ms(calc_time, has_calc_time_unit ? calc_time_unit
                                                      : TIME_UNIT_SECOND);
    }
    if (ms < MIN_CALC_TIME_MS || ms > MAX_CALC_TIME_MS) {
        error_setg(errp, "Calculation time is out of range [%dms, %dms].",
                   MIN_CALC_TIME_MS, MAX_CALC_TIME_MS);
        return;
    }
    if (!has_mode) {
        mode = DIRTY_RATE_MEASURE_MODE_PAGE_SAMPLING;
    }
    if (has_sample_pages && mode != DIRTY_RATE_MEASURE_MODE_PAGE_SAMPLING) {
        error_setg(errp, "sample-pages is used only in page-sampling mode");
        return;
    }
    if (!has_sample_pages) {
        sample_pages = DIRTYRATE_DEFAULT_SAMPLE_PAGES;
    } else if (sample_pages < MIN_SAMPLE_PAGE_COUNT ||
               sample_pages > MAX_SAMPLE_PAGE_COUNT) {
        error_setg(errp, "sample-pages is out of range[%d, %d].",
                   MIN_SAMPLE_PAGE_COUNT, MAX_SAMPLE_PAGE_COUNT);
        return;
    }
    if (!dirtyrate_mode_ok(mode, errp)) {
        return;
    }

    g_clear_pointer(&dr.vcpu_rates, g_free);
    dr.nvcpu = 0;
    dr.mode = mode;
    dr.calc_time_ms = ms;
    dr.sample_pages = sample_pages;
    dr.dirty_rate = 0;
    dr.start_time = qemu_clock_get_ms(QEMU_CLOCK_REALTIME) / 1000;

    if (mode == DIRTY_RATE_MEASURE_MODE_PAGE_SAMPLING) {
        dirtyrate_sample_blocks();
    } else if (!dirtyrate_log_begin(mode, errp)) {
        /* The old results are gone: nothing was measured. */
        dr.status = DIRTY_RATE_STATUS_UNSTARTED;
        return;
    }
    dr.status = DIRTY_RATE_STATUS_MEASURING;
    dr.first_pass_ms = qemu_clock_get_ms(QEMU_CLOCK_REALTIME);
    dr.timer = timer_new_ms(QEMU_CLOCK_REALTIME, dirtyrate_finish, NULL);
    timer_mod(dr.timer, dr.first_pass_ms + ms);
}

DirtyRateInfo *qmp_query_dirty_rate(bool has_calc_time_unit,
                                    TimeUnit calc_time_unit, Error **errp)
{
    DirtyRateInfo *info = g_new0(DirtyRateInfo, 1);
    TimeUnit unit = has_calc_time_unit ? calc_time_unit : TIME_UNIT_SECOND;

    info->status = dr.status;
    info->start_time = dr.start_time;
    info->calc_time = unit == TIME_UNIT_MILLISECOND ? dr.calc_time_ms
                                                    : dr.calc_time_ms / 1000;
    info->calc_time_unit = unit;
    info->sample_pages = dr.sample_pages;
    info->mode = dr.mode;
    if (dr.status == DIRTY_RATE_STATUS_MEASURED) {
        DirtyRateVcpuList **tail = &info->vcpu_dirty_rate;

        info->has_dirty_rate = true;
        info->dirty_rate = dr.dirty_rate;
        /* QEMU's: sample-pages 0 says that no page was sampled. */
        if (dr.mode != DIRTY_RATE_MEASURE_MODE_PAGE_SAMPLING) {
            info->sample_pages = 0;
        }
        if (dr.mode == DIRTY_RATE_MEASURE_MODE_DIRTY_RING) {
            for (int i = 0; i < dr.nvcpu; i++) {
                DirtyRateVcpu *r = g_new0(DirtyRateVcpu, 1);

                r->id = i;
                r->dirty_rate = dr.vcpu_rates[i];
                QAPI_LIST_APPEND(tail, r);
            }
        }
    }
    return info;
}

bool dirtyrate_last_measured(int64_t *mib_per_s)
{
    if (dr.status != DIRTY_RATE_STATUS_MEASURED) {
        return false;
    }
    *mib_per_s = dr.dirty_rate;
    return true;
}
