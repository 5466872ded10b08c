/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RAM allocation and the global dirty page bitmaps, indexed by ram_addr.
 *
 * There is one bitmap per client: DIRTY_MEMORY_VGA (display updates),
 * DIRTY_MEMORY_CODE (clear where a tcg vCPU holds decoded instructions,
 * see cpu_physical_memory_code_written()) and DIRTY_MEMORY_MIGRATION.  A bit is set when a page
 * was written: by the device emulation and qtest through
 * address_space_write(), or by the accelerator's dirty log merged with
 * cpu_physical_memory_set_dirty_lebitmap().  Setting, testing and
 * test-and-clear are atomic on each word, so any thread may call them
 * while blocks exist; the bitmaps cover ram_addr space in fixed chunks
 * that are never moved, so no lock is needed to read them.
 */
#ifndef SYSTEM_RAM_ADDR_H
#define SYSTEM_RAM_ADDR_H

#include "system/ramblock.h"

#define DIRTY_MEMORY_VGA       0
#define DIRTY_MEMORY_CODE      1
#define DIRTY_MEMORY_MIGRATION 2
#define DIRTY_MEMORY_NUM       3

#define DIRTY_CLIENTS_ALL     ((1 << DIRTY_MEMORY_NUM) - 1)
#define DIRTY_CLIENTS_NOCODE  (DIRTY_CLIENTS_ALL & ~(1 << DIRTY_MEMORY_CODE))

/* The ram_addr space Tern supports: 1 TiB of RAM in all. */
#define RAM_ADDR_SPACE_MAX (1ULL << 40)

/* --- allocation (used by memory.c; devices go through MemoryRegions) --- */

/* Anonymous memory of @size bytes (@ram_flags: RAM_SHARED, RAM_NORESERVE). */
RAMBlock *qemu_ram_alloc(ram_addr_t size, uint32_t ram_flags,
                         MemoryRegion *mr, Error **errp);
/* Anonymous memory whose used length may grow up to @max_size. */
RAMBlock *qemu_ram_alloc_resizeable(ram_addr_t size, ram_addr_t max_size,
                                    qemu_ram_resize_cb resized,
                                    MemoryRegion *mr, Error **errp);
/* Memory the caller allocated and keeps owning (RAM_PREALLOC). */
RAMBlock *qemu_ram_alloc_from_ptr(ram_addr_t size, void *host,
                                  MemoryRegion *mr, Error **errp);
/*
 * Map @size bytes of @fd from @offset.  RAM_SHARED maps MAP_SHARED (the
 * file sees guest writes), else MAP_PRIVATE.  The block owns @fd.
 */
RAMBlock *qemu_ram_alloc_from_fd(ram_addr_t size, MemoryRegion *mr,
                                 uint32_t ram_flags, int fd, off_t offset,
                                 Error **errp);
/* Open (or create) @mem_path and map it; a directory gets a temp file. */
RAMBlock *qemu_ram_alloc_from_file(ram_addr_t size, MemoryRegion *mr,
                                   uint32_t ram_flags, const char *mem_path,
                                   off_t offset, Error **errp);
void qemu_ram_free(RAMBlock *block);
/* Change used_length of a RAM_RESIZEABLE block (within max_length). */
bool qemu_ram_resize(RAMBlock *block, ram_addr_t newsize, Error **errp);

/* The end of the ram_addr space in use (highest block end). */
ram_addr_t last_ram_offset(void);

/* --- dirty bitmaps --- */

bool cpu_physical_memory_get_dirty(ram_addr_t start, ram_addr_t length,
                                   unsigned client);
bool cpu_physical_memory_all_dirty(ram_addr_t start, ram_addr_t length,
                                   unsigned client);
bool cpu_physical_memory_get_dirty_flag(ram_addr_t addr, unsigned client);
/* Clean for some client of @mask? */
bool cpu_physical_memory_is_clean(ram_addr_t addr);
void cpu_physical_memory_set_dirty_flag(ram_addr_t addr, unsigned client);
/* Mark every page touching [start, start + length) dirty for @mask. */
void cpu_physical_memory_set_dirty_range(ram_addr_t start,
                                         ram_addr_t length, uint8_t mask);
/* Clear [start, start + length) for @client; true if any bit was set. */
bool cpu_physical_memory_test_and_clear_dirty(ram_addr_t start,
                                              ram_addr_t length,
                                              unsigned client);
/*
 * Merge a little-endian bitmap of @pages target pages (as KVM returns it:
 * bit N of byte N/8 is page N) starting at ram_addr @start into every
 * client whose dirty logging is active (all clients if none is).
 */
void cpu_physical_memory_set_dirty_lebitmap(unsigned long *bitmap,
                                            ram_addr_t start,
                                            ram_addr_t pages);
/*
 * Pages merged by cpu_physical_memory_set_dirty_lebitmap() while
 * GLOBAL_DIRTY_DIRTY_RATE tracking was on, since start-up (BQL):
 * calc-dirty-rate's dirty-bitmap mode takes the difference.
 */
uint64_t cpu_physical_memory_dirty_rate_pages(void);
/* Count of dirty pages of @client in [start, start + length). */
uint64_t cpu_physical_memory_dirty_count(ram_addr_t start,
                                         ram_addr_t length,
                                         unsigned client);
/*
 * Migration's sync: move DIRTY_MEMORY_MIGRATION bits of
 * [start, start + length) of @rb (offsets within the block) into
 * rb->bmap, clearing them; returns the number of pages newly set in
 * rb->bmap.
 */
uint64_t cpu_physical_memory_sync_dirty_bitmap(RAMBlock *rb,
                                               ram_addr_t start,
                                               ram_addr_t length);

/*
 * Writes to guest code.  A software vCPU caches decoded instructions per
 * page; before it decodes from a page it clears the page's
 * DIRTY_MEMORY_CODE bit (cpu_physical_memory_test_and_clear_dirty()).
 * A write by anybody but that vCPU (devices and qtest through the memory
 * API) calls cpu_physical_memory_code_written(),
 * which sets the bit again and calls the accelerator's @fn once for
 * each page that was clear, before it returns.  Without a notifier
 * (KVM) nothing is looked at.
 */
typedef void (*CodeWriteNotify)(ram_addr_t page);
void cpu_physical_memory_set_code_notify(CodeWriteNotify fn);
/* [start, start + length) was written: tell the vCPUs holding its code. */
void cpu_physical_memory_code_written(ram_addr_t start, ram_addr_t length);

#endif /* SYSTEM_RAM_ADDR_H */
