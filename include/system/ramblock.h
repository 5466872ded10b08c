/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RAMBlock: one contiguous piece of host memory that backs guest RAM.
 *
 * Every block has a place in the "ram_addr" space (a private numbering of
 * all RAM, independent of guest physical addresses) at @offset; the
 * global dirty bitmaps (ram_addr.h) are indexed by ram_addr page.  The
 * block list is sorted largest first, as QEMU's, and is changed only
 * under the BQL; readers outside the BQL (the migration thread) hold
 * ram_list.mutex via qemu_mutex_lock_ramlist().
 */
#ifndef SYSTEM_RAMBLOCK_H
#define SYSTEM_RAMBLOCK_H

#include "qemu/queue.h"
#include "qemu/thread.h"

typedef uint64_t ram_addr_t;
#define RAM_ADDR_FMT "%" PRIx64
#define RAM_ADDR_MAX UINT64_MAX

/* RAMBlock flags (QEMU's values). */
#define RAM_PREALLOC        (1 << 0)    /* host memory given by the caller */
#define RAM_SHARED          (1 << 1)    /* MAP_SHARED */
#define RAM_RESIZEABLE      (1 << 2)    /* used_length may change */
#define RAM_UF_ZEROPAGE     (1 << 3)    /* postcopy: zero pages via UFFD */
#define RAM_MIGRATABLE      (1 << 4)    /* part of the migration stream */
#define RAM_PMEM            (1 << 5)
#define RAM_UF_WRITEPROTECT (1 << 6)
#define RAM_NORESERVE       (1 << 7)    /* no swap/commit reservation */
#define RAM_PROTECTED       (1 << 8)
#define RAM_NAMED_FILE      (1 << 9)    /* backed by a named file */
#define RAM_READONLY        (1 << 10)   /* mapped read-only */
#define RAM_READONLY_FD     (1 << 11)   /* fd opened read-only */

typedef void (*qemu_ram_resize_cb)(const char *idstr, uint64_t length,
                                   void *host);

struct RAMBlock {
    MemoryRegion *mr;
    uint8_t *host;
    ram_addr_t offset;          /* in the ram_addr space */
    ram_addr_t used_length;
    ram_addr_t max_length;      /* reserved (mapped) length */
    qemu_ram_resize_cb resized;
    uint32_t flags;
    char idstr[256];            /* unique; "" until named */
    QLIST_ENTRY(RAMBlock) next;
    int fd;                     /* -1 for anonymous memory */
    uint64_t fd_offset;
    size_t page_size;           /* host page size backing it */
    /* Whether physmem mapped @host itself (and so unmaps it). */
    bool mapped_here;

    /*
     * Owned by migration (migration/ram.c): its per-block dirty bitmap,
     * the pages received on the destination, and the clear-log bitmap.
     * Physmem only frees them with the block.
     */
    unsigned long *bmap;
    unsigned long *receivedmap;
    unsigned long *clear_bmap;
    uint8_t clear_bmap_shift;
    ram_addr_t postcopy_length;
    /*
     * mapped-ram (migration/mapped-ram.c): the pages present in the
     * file, and where the block's bitmap and pages are in it.
     */
    unsigned long *file_bmap;
    uint64_t bitmap_offset;
    uint64_t pages_offset;
};

typedef struct RAMList {
    QemuMutex mutex;
    RAMBlock *mru_block;
    QLIST_HEAD(, RAMBlock) blocks;
    /* Bumped on every block added or removed. */
    uint32_t version;
} RAMList;
extern RAMList ram_list;

/* Every block, largest first. */
#define RAMBLOCK_FOREACH(block) \
    QLIST_FOREACH(block, &ram_list.blocks, next)
/* Every block that migration carries. */
#define RAMBLOCK_FOREACH_MIGRATABLE(block) \
    RAMBLOCK_FOREACH(block)                \
        if (!qemu_ram_is_migratable(block)) {} else

void qemu_mutex_lock_ramlist(void);
void qemu_mutex_unlock_ramlist(void);

typedef int (RAMBlockIterFunc)(RAMBlock *rb, void *opaque);
/* Call @func on each block until it returns non-zero; returns that. */
int qemu_ram_foreach_block(RAMBlockIterFunc func, void *opaque);

RAMBlock *qemu_ram_block_by_name(const char *name);
/* The block holding ram_addr @addr, or NULL. */
RAMBlock *qemu_get_ram_block(ram_addr_t addr);
/* The block whose host memory contains @ptr (and the offset in it). */
RAMBlock *qemu_ram_block_from_host(void *ptr, ram_addr_t *offset);

/*
 * Name @block: "DEVPATH/NAME" when @dev has a path, else @name.  Fails if
 * the block already has a different name or another block has it.
 */
bool qemu_ram_set_idstr(RAMBlock *block, const char *name,
                        DeviceState *dev, Error **errp);
void qemu_ram_unset_idstr(RAMBlock *block);
const char *qemu_ram_get_idstr(RAMBlock *rb);
void *qemu_ram_get_host_addr(RAMBlock *rb);
ram_addr_t qemu_ram_get_offset(RAMBlock *rb);
ram_addr_t qemu_ram_get_used_length(RAMBlock *rb);
ram_addr_t qemu_ram_get_max_length(RAMBlock *rb);
int qemu_ram_get_fd(RAMBlock *rb);
size_t qemu_ram_pagesize(RAMBlock *rb);
/* The largest page size of any block. */
size_t qemu_ram_pagesize_largest(void);
bool qemu_ram_is_shared(RAMBlock *rb);
bool qemu_ram_is_noreserve(RAMBlock *rb);
bool qemu_ram_is_named_file(RAMBlock *rb);
bool qemu_ram_is_migratable(RAMBlock *rb);
void qemu_ram_set_migratable(RAMBlock *rb);
void qemu_ram_unset_migratable(RAMBlock *rb);
bool qemu_ram_is_uf_zeroable(RAMBlock *rb);
void qemu_ram_set_uf_zeroable(RAMBlock *rb);

/* Host pointer to @offset in @block (which must be inside max_length). */
static inline void *ramblock_ptr(RAMBlock *block, ram_addr_t offset)
{
    assert(offset < block->max_length);
    return (char *)block->host + offset;
}

static inline bool offset_in_ramblock(RAMBlock *b, ram_addr_t offset)
{
    return b && b->host && offset < b->used_length;
}

/* Total used_length of all blocks (migratable ones only if asked). */
uint64_t ram_bytes_total_all(bool migratable_only);

/*
 * Drop host pages [start, start + length) of @rb (MADV_DONTNEED or
 * FALLOC_FL_PUNCH_HOLE for shared file memory); they read back as zero.
 */
int ram_block_discard_range(RAMBlock *rb, uint64_t start, size_t length);

#endif /* SYSTEM_RAMBLOCK_H */
