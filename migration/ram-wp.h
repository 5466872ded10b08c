/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to migration/: RAM write tracking for the background snapshot
 * (QEMU's ram_write_tracking_*).  Guest RAM is write-protected through
 * userfaultfd; the first write to a page not yet in the snapshot is held
 * until a fault thread copied the page out, so the snapshot always gets
 * a page's contents as they were when tracking started.
 * docs/devel/background-snapshot.md.
 */
#ifndef MIGRATION_RAM_WP_H
#define MIGRATION_RAM_WP_H

/* The kernel can write-protect memory through userfaultfd. */
bool ram_wp_available(void);
/* Every migratable RAM block accepts userfaultfd write protection. */
bool ram_wp_compatible(void);

/*
 * BQL held, VM stopped: protect every migratable block and start the
 * fault thread.  False with @errp (nothing left protected).
 */
bool ram_wp_start(Error **errp);
/* Lift all protection, stop the thread, free the copies (idempotent). */
void ram_wp_stop(void);

/*
 * The snapshot's bytes of one target page: a copy made before the guest
 * wrote it, else guest memory (still protected).  Valid, and the page
 * left alone, until ram_wp_page_end(), which records the page as saved
 * and lets writes to it through.
 */
const uint8_t *ram_wp_page_begin(RAMBlock *block, uint64_t offset);
void ram_wp_page_end(RAMBlock *block, uint64_t offset);

typedef struct RamWpStats {
    uint64_t faults;            /* writes that waited */
    uint64_t copies;            /* pages copied out for them */
    uint64_t wait_max_us;       /* the longest wait, fault read to release */
    uint64_t wait_total_us;
} RamWpStats;
void ram_wp_get_stats(RamWpStats *st);

#endif /* MIGRATION_RAM_WP_H */
