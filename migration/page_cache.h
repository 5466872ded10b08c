/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The XBZRLE page cache: copies of recently sent pages, one slot per
 * page-address hash (address / page size, modulo the power-of-two slot
 * count).  A slot keeps its page for two bitmap syncs ("generations")
 * before another address may take it, so that a page sent in one pass
 * can be delta-encoded in the next.
 */
#ifndef MIGRATION_PAGE_CACHE_H
#define MIGRATION_PAGE_CACHE_H

#include "qapi/error.h"

typedef struct PageCache PageCache;

/*
 * A cache of @size bytes of @page_size pages.  @size / @page_size must
 * be a power of two; slot memory is allocated on first use.
 */
PageCache *cache_init(uint64_t size, size_t page_size, Error **errp);
void cache_fini(PageCache *cache);

/* Whether @addr is cached; a hit makes the slot young (@age) again. */
bool cache_is_cached(const PageCache *cache, uint64_t addr, uint64_t age);

/* The bytes of @addr's slot (whatever address it holds), or NULL. */
uint8_t *get_cached_data(const PageCache *cache, uint64_t addr);

/*
 * Copy @data in as @addr's page at generation @age.  Returns 0, or -1
 * if the slot holds another page younger than two generations or no
 * memory could be had (the cache is then left as it was).
 */
int cache_insert(PageCache *cache, uint64_t addr, const uint8_t *data,
                 uint64_t age);

/* Slots in use and slots in all. */
size_t cache_used_slots(const PageCache *cache);
size_t cache_slots(const PageCache *cache);

#endif /* MIGRATION_PAGE_CACHE_H */
