/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to migration/: the "ram" section (QEMU's version 4 format,
 * docs/devel/migration-stream.md, "The ram section"), precopy of every
 * migratable RAMBlock.
 */
#ifndef MIGRATION_RAM_H
#define MIGRATION_RAM_H

/* Record word flags, in the low 12 bits of be64 (offset | flags). */
#define RAM_SAVE_FLAG_FULL           0x01    /* obsolete, refused */
#define RAM_SAVE_FLAG_ZERO           0x02
#define RAM_SAVE_FLAG_MEM_SIZE       0x04
#define RAM_SAVE_FLAG_PAGE           0x08
#define RAM_SAVE_FLAG_EOS            0x10
#define RAM_SAVE_FLAG_CONTINUE       0x20
#define RAM_SAVE_FLAG_XBZRLE         0x40
#define RAM_SAVE_FLAG_HOOK           0x80    /* RDMA only */
#define RAM_SAVE_FLAG_COMPRESS_PAGE  0x100
#define RAM_SAVE_FLAG_MULTIFD_FLUSH  0x200   /* QEMU 8.0+ */

/* XBZRLE page encoding flag (the byte after the block name). */
#define ENCODING_FLAG_XBZRLE         0x1

/* The longest time one iteration may keep the stream, in ms. */
#define RAM_ITERATE_MAX_MS 50

/*
 * Change that limit (0: none).  For tests that need a stream whose
 * shape does not depend on how fast the machine is.
 */
void ram_set_iterate_max_ms(int64_t ms);

/* Register the "ram" section (instance 0, version 4). */
void ram_mig_init(void);

/* Bytes of guest RAM still dirty (the estimate behind "remaining"). */
uint64_t ram_bytes_remaining(void);
/* Sum of used_length over the migratable blocks. */
uint64_t ram_bytes_total(void);

/* OR of every migratable block's page size (POSTCOPY_ADVISE). */
uint64_t ram_pagesize_summary(void);

/*
 * Postcopy switch, VM stopped: sync the dirty bitmap one last time and
 * call @fn for each run of pages still to send (byte ranges inside the
 * block): the destination drops them so that they fault.
 */
typedef void RAMDiscardFn(void *opaque, const char *block, uint64_t start,
                          uint64_t len);
void ram_postcopy_discard_dirty(RAMDiscardFn *fn, void *opaque);
/*
 * From now on the RAM stream is postcopy's (requests go first, on
 * @preempt if not NULL: the postcopy-preempt channel).
 */
void ram_postcopy_start(QEMUFile *preempt);
/*
 * Recovery: read the destination's received bitmap of block @name from
 * the return path @rp (after its RECV_BITMAP message); every page it
 * lacks is dirty again.  Return-path thread, the migration thread
 * waiting.
 */
bool ram_postcopy_bitmap_reload(QEMUFile *rp, const char *name,
                                Error **errp);

/*
 * Background snapshot: while a tracker is set, the migration's RAM is
 * sent once, without dirty logging, each page's bytes taken from
 * page_begin() (the contents at the start) and copied into the stream
 * before page_end().  Set before save_setup; NULL after.
 */
typedef struct RamSaveTracker {
    const uint8_t *(*page_begin)(RAMBlock *block, uint64_t offset);
    void (*page_end)(RAMBlock *block, uint64_t offset);
} RamSaveTracker;
void ram_save_set_tracker(const RamSaveTracker *tracker);

/*
 * COLO's secondary loads checkpoints into a cache, not into guest
 * memory: while @fn is set, every loaded page (ZERO, PAGE, XBZRLE) goes
 * to @fn(block, offset) (a whole target page).  NULL: in place again.
 */
typedef uint8_t *(*RamLoadRedirectFn)(RAMBlock *block, uint64_t offset);
void ram_load_set_redirect(RamLoadRedirectFn fn);

#endif /* MIGRATION_RAM_H */
