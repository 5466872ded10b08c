/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The XBZRLE page cache (see page_cache.h).  Slots are direct-mapped:
 * one lookup is one index, cheap enough to do for every page sent.
 * Memory is taken with g_try_malloc so that a huge xbzrle-cache-size
 * fails the migration with a message instead of aborting the VM.
 */
#include "qemu/osdep.h"
#include "migration/page_cache.h"
#include "migration/trace.h"

/* Generations a slot is kept against a different address. */
#define CACHE_SLOT_LIFETIME 2

typedef struct CacheSlot {
    uint64_t addr;          /* UINT64_MAX: empty */
    uint64_t age;
    uint8_t *data;
} CacheSlot;

struct PageCache {
    CacheSlot *slots;
    size_t page_size;
    size_t nslots;
    size_t used;
};

PageCache *cache_init(uint64_t size, size_t page_size, Error **errp)
{
    uint64_t n = size / page_size;
    PageCache *cache;

    if (size < page_size) {
        error_setg(errp, "cache size is smaller than target page size");
        return NULL;
    }
    if (n & (n - 1)) {
        error_setg(errp, "number of pages is not a power of two");
        return NULL;
    }
    if (n > SIZE_MAX / sizeof(CacheSlot)) {
        error_setg(errp, "Failed to allocate page cache");
        return NULL;
    }
    cache = g_new0(PageCache, 1);
    cache->page_size = page_size;
    cache->nslots = n;
    cache->slots = g_try_new(CacheSlot, n);
    if (!cache->slots) {
        error_setg(errp, "Failed to allocate page cache");
        g_free(cache);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        cache->slots[i] = (CacheSlot) { .addr = UINT64_MAX };
    }
    trace_page_cache_init(n);
    return cache;
}

void cache_fini(PageCache *cache)
{
    if (!cache) {
        return;
    }
    for (size_t i = 0; i < cache->nslots; i++) {
        g_free(cache->slots[i].data);
    }
    g_free(cache->slots);
    g_free(cache);
}

static CacheSlot *cache_slot(const PageCache *cache, uint64_t addr)
{
    return &cache->slots[(addr / cache->page_size) & (cache->nslots - 1)];
}

bool cache_is_cached(const PageCache *cache, uint64_t addr, uint64_t age)
{
    CacheSlot *s = cache_slot(cache, addr);

    if (s->addr != addr || !s->data) {
        return false;
    }
    s->age = age;
    return true;
}

uint8_t *get_cached_data(const PageCache *cache, uint64_t addr)
{
    return cache_slot(cache, addr)->data;
}

int cache_insert(PageCache *cache, uint64_t addr, const uint8_t *data,
                 uint64_t age)
{
    CacheSlot *s = cache_slot(cache, addr);

    /* A page sent within the last two syncs stays: it will be re-sent. */
    if (s->data && s->addr != addr && s->age + CACHE_SLOT_LIFETIME > age) {
        return -1;
    }
    if (!s->data) {
        s->data = g_try_malloc(cache->page_size);
        if (!s->data) {
            trace_page_cache_insert_nomem(addr);
            return -1;
        }
        cache->used++;
    }
    memcpy(s->data, data, cache->page_size);
    s->addr = addr;
    s->age = age;
    return 0;
}

size_t cache_used_slots(const PageCache *cache)
{
    return cache->used;
}

size_t cache_slots(const PageCache *cache)
{
    return cache->nslots;
}
