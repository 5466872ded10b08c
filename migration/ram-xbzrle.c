/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Source-side XBZRLE state (see ram-xbzrle.h).
 *
 * The destination decodes a delta against the bytes it holds, so the
 * cache must always hold exactly what was last sent for a page: a page
 * that misses is copied into the cache first and sent from that copy
 * (the guest may write it meanwhile), a delta is computed from a
 * snapshot of the page and the snapshot becomes the cached copy, and a
 * ZERO record zeroes the cached copy.  In the last stage the VM is
 * stopped and the cache no longer matters.
 */
#include "qemu/osdep.h"
#include "qemu/thread.h"
#include "migration/migration-stats.h"
#include "migration/page_cache.h"
#include "migration/ram-xbzrle.h"
#include "migration/trace.h"
#include "migration/xbzrle.h"


typedef struct RamXbzrle {
    QemuMutex lock;
    bool lock_ready;
    PageCache *cache;          /* under lock */
    uint8_t *snapshot;         /* the page as it is encoded */
    uint8_t *encoded;
    uint8_t *zero_page;
    /* Counters (the migration thread writes, QMP reads). */
    uint64_t bytes, pages, cache_miss, overflow;
    double cache_miss_rate, encoding_rate;
    uint64_t miss_prev, pages_prev, bytes_prev;
} RamXbzrle;

static RamXbzrle xbzrle;

static void ram_xbzrle_lock_init(void)
{
    if (!xbzrle.lock_ready) {
        qemu_mutex_init(&xbzrle.lock);
        xbzrle.lock_ready = true;
    }
}

void ram_xbzrle_lock(void)
{
    ram_xbzrle_lock_init();
    qemu_mutex_lock(&xbzrle.lock);
}

void ram_xbzrle_unlock(void)
{
    qemu_mutex_unlock(&xbzrle.lock);
}

bool ram_xbzrle_setup(uint64_t size, Error **errp)
{
    PageCache *cache = cache_init(size, TARGET_PAGE_SIZE, errp);

    if (!cache) {
        error_prepend(errp, "Error creating cache: ");
        return false;
    }
    ram_xbzrle_lock();
    cache_fini(xbzrle.cache);
    xbzrle.cache = cache;
    g_free(xbzrle.snapshot);
    g_free(xbzrle.encoded);
    g_free(xbzrle.zero_page);
    xbzrle.snapshot = g_malloc(TARGET_PAGE_SIZE);
    xbzrle.encoded = g_malloc(TARGET_PAGE_SIZE);
    xbzrle.zero_page = g_malloc0(TARGET_PAGE_SIZE);
    xbzrle.bytes = xbzrle.pages = xbzrle.cache_miss = xbzrle.overflow = 0;
    xbzrle.cache_miss_rate = xbzrle.encoding_rate = 0;
    xbzrle.miss_prev = xbzrle.pages_prev = xbzrle.bytes_prev = 0;
    ram_xbzrle_unlock();
    trace_ram_xbzrle_setup(size);
    return true;
}

void ram_xbzrle_cleanup(void)
{
    ram_xbzrle_lock();
    cache_fini(xbzrle.cache);
    xbzrle.cache = NULL;
    g_clear_pointer(&xbzrle.snapshot, g_free);
    g_clear_pointer(&xbzrle.encoded, g_free);
    g_clear_pointer(&xbzrle.zero_page, g_free);
    ram_xbzrle_unlock();
}

bool ram_xbzrle_cache_resize(uint64_t size, Error **errp)
{
    bool ok = true;

    ram_xbzrle_lock();
    if (xbzrle.cache) {
        PageCache *cache = cache_init(size, TARGET_PAGE_SIZE, errp);

        if (cache) {
            cache_fini(xbzrle.cache);
            xbzrle.cache = cache;
            trace_ram_xbzrle_resize(size);
        } else {
            ok = false;
        }
    }
    ram_xbzrle_unlock();
    return ok;
}

RamXbzrleResult ram_xbzrle_encode(uint64_t addr, const uint8_t **data,
                                  uint64_t gen, bool last_stage,
                                  const uint8_t **enc, int *len)
{
    uint8_t *cached;
    int n;

    if (!cache_is_cached(xbzrle.cache, addr, gen)) {
        xbzrle.cache_miss++;
        if (!last_stage &&
            cache_insert(xbzrle.cache, addr, *data, gen) == 0) {
            *data = get_cached_data(xbzrle.cache, addr);
        }
        return RAM_XBZRLE_SEND_PAGE;
    }
    cached = get_cached_data(xbzrle.cache, addr);
    /*
     * One read of the page: the guest may be writing it.  Not in the
     * last stage: the VM is stopped, and the copy would lengthen the pause.
     */
    if (!last_stage) {
        memcpy(xbzrle.snapshot, *data, TARGET_PAGE_SIZE);
    }
    n = xbzrle_encode_buffer(cached, last_stage ? *data : xbzrle.snapshot,
                             TARGET_PAGE_SIZE, xbzrle.encoded,
                             TARGET_PAGE_SIZE);
    if (n == 0) {
        trace_ram_xbzrle_unchanged(addr);
        return RAM_XBZRLE_UNCHANGED;
    }
    if (n < 0) {
        xbzrle.overflow++;
        xbzrle.bytes += TARGET_PAGE_SIZE;
        trace_ram_xbzrle_overflow(addr);
        if (!last_stage) {
            memcpy(cached, xbzrle.snapshot, TARGET_PAGE_SIZE);
            *data = cached;
        }
        return RAM_XBZRLE_SEND_PAGE;
    }
    if (!last_stage) {
        memcpy(cached, xbzrle.snapshot, TARGET_PAGE_SIZE);
    }
    *enc = xbzrle.encoded;
    *len = n;
    return RAM_XBZRLE_SEND_DELTA;
}

void ram_xbzrle_zero_page(uint64_t addr, uint64_t gen)
{
    /* Only a cached page needs it; inserting would evict for nothing. */
    if (xbzrle.cache && cache_is_cached(xbzrle.cache, addr, gen)) {
        cache_insert(xbzrle.cache, addr, xbzrle.zero_page, gen);
    }
}

void ram_xbzrle_account_delta(uint64_t bytes)
{
    xbzrle.bytes += bytes;
    xbzrle.pages++;
}

void ram_xbzrle_update_rates(uint64_t pages)
{
    double plain = (double)(xbzrle.pages - xbzrle.pages_prev) * TARGET_PAGE_SIZE;
    double coded = xbzrle.bytes - xbzrle.bytes_prev;

    if (!pages) {
        return;
    }
    xbzrle.cache_miss_rate = (double)(xbzrle.cache_miss - xbzrle.miss_prev) /
                             pages;
    xbzrle.encoding_rate = (xbzrle.pages == xbzrle.pages_prev || !coded) ?
                           0 : plain / coded;
    xbzrle.miss_prev = xbzrle.cache_miss;
    xbzrle.pages_prev = xbzrle.pages;
    xbzrle.bytes_prev = xbzrle.bytes;
}

XBZRLECacheStats *ram_xbzrle_stats(uint64_t cache_size)
{
    XBZRLECacheStats *st = g_new0(XBZRLECacheStats, 1);

    st->cache_size = cache_size;
    st->bytes = xbzrle.bytes;
    st->pages = xbzrle.pages;
    st->cache_miss = xbzrle.cache_miss;
    st->cache_miss_rate = xbzrle.cache_miss_rate;
    st->encoding_rate = xbzrle.encoding_rate;
    st->overflow = xbzrle.overflow;
    return st;
}
