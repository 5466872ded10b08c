/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to migration/: the source's queue of pages the destination
 * asked for in postcopy.  The return-path thread fills it, ram.c's page
 * search drains it before the background stream (postcopy.md).
 */
#ifndef MIGRATION_POSTCOPY_QUEUE_H
#define MIGRATION_POSTCOPY_QUEUE_H

#include "system/ramblock.h"

/* Empty the queue (a new migration). */
void postcopy_queue_reset(void);

/*
 * A REQ_PAGES(_ID) from the return path: @block "" means the block of
 * the previous request.  Checks it (QEMU's messages) and queues its
 * pages.  Any thread.
 */
bool postcopy_queue_request(const char *block, uint64_t start,
                            uint64_t len, Error **errp);
/* The oldest queued page, if any (the migration thread). */
bool postcopy_queue_pop(RAMBlock **block, ram_addr_t *offset);
/* Whether a request waits (cheap, lock-free). */
bool postcopy_queue_has_request(void);

#endif /* MIGRATION_POSTCOPY_QUEUE_H */
