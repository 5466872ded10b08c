/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The source side of XBZRLE for the "ram" section: the page cache, the
 * encode buffers, the xbzrle-cache counters of query-migrate, and a
 * lock that lets xbzrle-cache-size change during a migration.
 */
#ifndef MIGRATION_RAM_XBZRLE_H
#define MIGRATION_RAM_XBZRLE_H

#include "qapi/qapi-types-migration.h"

/* Make a cache of @size bytes and zero the counters. */
bool ram_xbzrle_setup(uint64_t size, Error **errp);
void ram_xbzrle_cleanup(void);

/*
 * Replace the cache by one of @size bytes if a migration has one (its
 * pages are forgotten: every page misses once more).  Waits for the
 * page being encoded.
 */
bool ram_xbzrle_cache_resize(uint64_t size, Error **errp);

/* Held by ram.c around a run of pages, so a resize waits for it. */
void ram_xbzrle_lock(void);
void ram_xbzrle_unlock(void);

typedef enum RamXbzrleResult {
    RAM_XBZRLE_SEND_PAGE,      /* send *data as a normal page (a copy) */
    RAM_XBZRLE_SEND_DELTA,     /* send the delta in *enc, *len bytes */
    RAM_XBZRLE_UNCHANGED,      /* same as the destination has: skip */
} RamXbzrleResult;

/*
 * Under the lock: how to send the page at @addr (block offset + offset,
 * the cache key) whose bytes are *@data, at generation @gen (the sync
 * count).  On SEND_PAGE *@data may be moved to the cache's copy, which
 * is what the destination then holds.  @last_stage (VM stopped) leaves
 * the cache alone.
 */
RamXbzrleResult ram_xbzrle_encode(uint64_t addr, const uint8_t **data,
                                  uint64_t gen, bool last_stage,
                                  const uint8_t **enc, int *len);

/* A ZERO record was sent for @addr: the cache must say zero too. */
void ram_xbzrle_zero_page(uint64_t addr, uint64_t gen);

/* A delta of @bytes on the wire (header included) was sent. */
void ram_xbzrle_account_delta(uint64_t bytes);

/* Rates over a period in which @pages pages were sent. */
void ram_xbzrle_update_rates(uint64_t pages);

/* The xbzrle-cache member of query-migrate (@cache_size as set). */
XBZRLECacheStats *ram_xbzrle_stats(uint64_t cache_size);

#endif /* MIGRATION_RAM_XBZRLE_H */
