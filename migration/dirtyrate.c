/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * calc-dirty-rate / query-dirty-rate in page-sampling mode: estimate how
 * fast the guest dirties its memory, to choose migration parameters
 * before migrating.
 *
 * A measurement picks sample-pages random pages per GiB of each large
 * RAMBlock, hashes their contents, waits calc-time, hashes them again,
 * and scales the share of changed samples to the blocks' size:
 *
 *     dirty-rate (MiB/s) = changed / sampled * block MiB * 1000 / ms
 *
 * It needs no dirty logging, so it works with any accelerator (qtest
 * writes count as guest writes).  Both hashing passes run on the main
 * thread under the BQL, split by a realtime timer, so no thread races
 * with RAMBlock changes; a pass touches sample-pages * 4 KiB per GiB
 * (2 MiB per GiB by default), which is quick.
 *
 * The dirty-ring and dirty-bitmap modes need the accelerator's dirty
 * tracking and are refused with an error naming them.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-migration.h"
#include "qemu/timer.h"
#include "migration/dirtyrate.h"
#include "system/ramblock.h"

/* QEMU's bounds and defaults (docs/devel/migration-control.md). */
#define DIRTYRATE_DEFAULT_SAMPLE_PAGES 512
#define MIN_SAMPLE_PAGE_COUNT 128
#define MAX_SAMPLE_PAGE_COUNT 4096
#define MIN_CALC_TIME_MS 50
#define MAX_CALC_TIME_MS 60000
/* Smaller blocks (ROMs, video RAM) are skipped, in MiB. */
#define MIN_RAMBLOCK_SIZE_MB 128

/* The samples of one RAMBlock, found again by name in the second pass. */
typedef struct DirtyRateBlock {
    char *idstr;
    uint64_t used_length;
    uint32_t nr_samples;
    uint64_t *offsets;           /* page offsets in the block */
    uint64_t *hashes;            /* first-pass hash of each sample */
} DirtyRateBlock;

static struct {
    DirtyRateStatus status;
    int64_t start_time;          /* seconds, realtime clock */
    int64_t calc_time_ms;
    uint64_t sample_pages;       /* per GiB */
    DirtyRateMeasureMode mode;
    int64_t dirty_rate;          /* MiB/s, once measured */

    GArray *blocks;              /* of DirtyRateBlock, while measuring */
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

        if (len < (uint64_t)MIN_RAMBLOCK_SIZE_MB << 20 || !host || !pages) {
            continue;
        }
        b.idstr = g_strdup(qemu_ram_get_idstr(block));
        b.used_length = len;
        b.nr_samples = MAX((dr.sample_pages * len) >> 30, 1);
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
static void dirtyrate_finish(void *opaque)
{
    int64_t elapsed = qemu_clock_get_ms(QEMU_CLOCK_REALTIME) -
                      dr.first_pass_ms;
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

    dr.dirty_rate = 0;
    if (sampled && elapsed > 0) {
        dr.dirty_rate = changed * total_mb * 1000 / (sampled * elapsed);
    }
    dirtyrate_free_samples();
    timer_free(dr.timer);
    dr.timer = NULL;
    dr.status = DIRTY_RATE_STATUS_MEASURED;
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
        error_setg(errp, "Either sample-pages or dirty-ring can be "
                   "specified.");
        return;
    }
    if (mode != DIRTY_RATE_MEASURE_MODE_PAGE_SAMPLING) {
        error_setg(errp, "calc-dirty-rate: mode %s is not supported by Tern "
                   "yet; use page-sampling", DirtyRateMeasureMode_str(mode));
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

    dr.status = DIRTY_RATE_STATUS_MEASURING;
    dr.mode = mode;
    dr.calc_time_ms = ms;
    dr.sample_pages = sample_pages;
    dr.dirty_rate = 0;
    dr.start_time = qemu_clock_get_ms(QEMU_CLOCK_REALTIME) / 1000;

    dirtyrate_sample_blocks();
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
        info->has_dirty_rate = true;
        info->dirty_rate = dr.dirty_rate;
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
