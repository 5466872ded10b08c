/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to migration/: the destination's postcopy memory.  Guest RAM
 * regions are registered with userfaultfd; a fault thread turns each
 * access to a page that has not arrived into one request (through a
 * callback, so that this file knows nothing of the return path), and
 * arriving pages are placed whole and atomically (UFFDIO_COPY or
 * UFFDIO_ZEROPAGE), which wakes whoever waited on them.  A
 * received-pages bitmap per region (in target pages) records what is
 * there.  Blocktime accounting (capability postcopy-blocktime) lives
 * here too because only the fault thread sees faults begin.
 *
 * Nothing here knows RAMBlocks: a region is a name, host memory, a
 * length and a page size, so the unit tests run on plain mmap()ed
 * memory.  docs/devel/postcopy.md has the whole picture.
 */
#ifndef MIGRATION_POSTCOPY_RAM_H
#define MIGRATION_POSTCOPY_RAM_H

#include "qemu/thread.h"

typedef struct PostcopyDest PostcopyDest;

/*
 * A fault on a page of region @region (index from postcopy_dest_add)
 * that has neither arrived nor been requested: ask for the page at
 * @offset (aligned to the region's page size).  Runs on the fault
 * thread; must not block on guest memory.  @tid is the faulting thread.
 */
typedef void PostcopyRequestFn(void *opaque, int region, uint64_t offset,
                               uint32_t tid);

/*
 * Drop the host pages of [@offset, +@len) of @region so that they fault
 * again (the region's owner knows whether that means MADV_DONTNEED or
 * a hole punched in a file).  0 or a negative errno.
 */
typedef int PostcopyDiscardFn(void *opaque, int region, uint64_t offset,
                              uint64_t len);

/*
 * True if userfaultfd can serve postcopy on this host, else false with
 * @errp saying why ("Postcopy is not supported: ...").
 */
bool postcopy_ram_supported_by_host(Error **errp);

/*
 * Open the userfaultfd.  @discard may be NULL (then MADV_DONTNEED).
 */
PostcopyDest *postcopy_dest_new(PostcopyRequestFn *request,
                                PostcopyDiscardFn *discard, void *opaque,
                                Error **errp);
/*
 * Add a region (not yet registered).  @page_size is the host page size
 * backing it: pages are placed and requested in those units.  Returns
 * the region's index.
 */
int postcopy_dest_add(PostcopyDest *pd, const char *name, void *host,
                      uint64_t len, uint64_t page_size);
/*
 * Register every region for missing-page faults and check that pages can
 * be placed there; fails naming the region that cannot ("Postcopy: RAM
 * block 'NAME' cannot be registered with userfaultfd: ...").
 */
bool postcopy_dest_register(PostcopyDest *pd, Error **errp);
/*
 * The same check without keeping anything registered (a throwaway
 * userfaultfd), for POSTCOPY_ADVISE: a destination whose memory cannot
 * take postcopy fails when the migration starts, not after precopy.
 */
bool postcopy_dest_check(PostcopyDest *pd, Error **errp);
/* Start the fault thread (after registering). */
bool postcopy_dest_start(PostcopyDest *pd, Error **errp);

/*
 * Place @src (one whole page of the region's page size) at @offset,
 * mark it received, and wake its waiters.  A page that is already there
 * is left as it is.
 */
bool postcopy_dest_place_page(PostcopyDest *pd, int region, uint64_t offset,
                              const void *src, Error **errp);
/* Same for a page of zeroes (UFFDIO_ZEROPAGE, or a copy of zeroes). */
bool postcopy_dest_place_zero(PostcopyDest *pd, int region, uint64_t offset,
                              Error **errp);
/*
 * The channels pages come on (the main stream, the postcopy-preempt
 * channel): each puts its own huge pages together.
 */
#define POSTCOPY_CHANNELS 2

/*
 * One target page (@src, or zeroes when NULL) at @offset, from
 * @channel: placed at once in a region of target-sized pages; in a
 * region of huge pages kept until its host page is whole (on one
 * channel the parts must come in order, one host page at a time), which
 * is then placed in one step.  One thread per channel.
 */
bool postcopy_dest_place_part(PostcopyDest *pd, int region, int channel,
                              uint64_t offset, const void *src,
                              Error **errp);
bool postcopy_dest_received(PostcopyDest *pd, int region, uint64_t offset);
/* Pages received in @region (target pages). */
uint64_t postcopy_dest_received_count(PostcopyDest *pd, int region);

/*
 * The received bitmap of @region: one bit per target page, in the
 * region's length.  Owned by @pd.
 */
const unsigned long *postcopy_dest_received_bitmap(PostcopyDest *pd,
                                                   int region,
                                                   uint64_t *nbits);

/*
 * Before the guest runs: drop pages the source redirtied, clearing them
 * from the received bitmap.  @offset and @len must lie in the region
 * and be aligned to its page size.
 */
bool postcopy_dest_discard(PostcopyDest *pd, int region, uint64_t offset,
                           uint64_t len, Error **errp);

/* Look a region up by name: its index or -1. */
int postcopy_dest_find(PostcopyDest *pd, const char *name);
/* Region of @host (with the offset in it), or -1. */
int postcopy_dest_region_of(PostcopyDest *pd, const void *host,
                            uint64_t *offset);
uint64_t postcopy_dest_page_size(PostcopyDest *pd, int region);

/*
 * Ask again for every page requested and not yet received (after a
 * broken link the requests in flight are lost, while the faulting
 * threads still wait).  Calls the request callback on this thread.
 */
void postcopy_dest_rerequest(PostcopyDest *pd);
/* Pages requested so far. */
uint64_t postcopy_dest_requests(PostcopyDest *pd);

/*
 * Blocktime: @tids[i] is vCPU i's thread id.  Once set, the fault thread
 * measures how long each vCPU waited for pages and how long all of them
 * were blocked at once, in ms.
 */
void postcopy_dest_set_vcpu_tids(PostcopyDest *pd, const uint32_t *tids,
                                 int n);
/* Total (all vCPUs blocked) and per-vCPU blocktime in ms. */
uint32_t postcopy_dest_blocktime(PostcopyDest *pd, uint32_t *per_vcpu,
                                 int n);
/*
 * Fault latency: faults served and a percentile (0..100) of their time
 * from the fault being read to the page being placed, in ns.
 */
uint64_t postcopy_dest_fault_latency(PostcopyDest *pd, double percentile,
                                     uint64_t *count);

/* Stop the fault thread, unregister, close; wakes nobody (see above). */
void postcopy_dest_free(PostcopyDest *pd);

#endif /* MIGRATION_POSTCOPY_RAM_H */
