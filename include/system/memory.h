/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest memory map: MemoryRegions arranged in a tree, each address
 * space (system memory, I/O ports) rendered into a flat view of
 * non-overlapping ranges, MemoryListeners told about every change, and
 * guest-physical access through address_space_rw().
 *
 * A MemoryRegion is RAM (backed by a RAMBlock), I/O (callbacks in
 * MemoryRegionOps), a container of subregions, or an alias of a part of
 * another region.  Subregions with a higher priority hide lower ones
 * where they overlap; among equal priorities the one added last wins.
 * A container's own space not covered by a subregion is unassigned:
 * reads return all ones and writes are dropped, as on a PC bus.
 *
 * Unlike QEMU, a MemoryRegion here is a plain struct rather than a QOM
 * object; its owner (an Object) is referenced while the region is mapped.
 *
 * Locking: the tree and the listeners change under the BQL.  Accesses
 * through address_space_rw() need the BQL for I/O regions.
 */
#ifndef SYSTEM_MEMORY_H
#define SYSTEM_MEMORY_H

#include "qemu/queue.h"
#include "system/ramblock.h"

typedef uint64_t hwaddr;
#define HWADDR_MAX UINT64_MAX
#define HWADDR_PRIx PRIx64
#define TARGET_FMT_plx "%016" PRIx64

typedef struct AddressSpace AddressSpace;
typedef struct FlatView FlatView;
typedef struct MemoryListener MemoryListener;
typedef struct MemoryRegionOps MemoryRegionOps;
typedef struct MemoryRegionSection MemoryRegionSection;

/* Attributes of a transaction (none used by Tern yet). */
typedef struct MemTxAttrs {
    unsigned int unspecified:1;
    unsigned int secure:1;
    unsigned int requester_id:16;
} MemTxAttrs;
#define MEMTXATTRS_UNSPECIFIED ((MemTxAttrs) { .unspecified = 1 })

typedef uint32_t MemTxResult;
#define MEMTX_OK            0
#define MEMTX_ERROR         (1U << 0)   /* device returned an error */
#define MEMTX_DECODE_ERROR  (1U << 1)   /* nothing at that address */
#define MEMTX_ACCESS_ERROR  (1U << 2)   /* access refused (read-only...) */

enum device_endian {
    DEVICE_NATIVE_ENDIAN,
    DEVICE_BIG_ENDIAN,
    DEVICE_LITTLE_ENDIAN,
};

/* Callbacks of an I/O region; @addr is relative to the region. */
struct MemoryRegionOps {
    uint64_t (*read)(void *opaque, hwaddr addr, unsigned size);
    void (*write)(void *opaque, hwaddr addr, uint64_t data, unsigned size);
    /* x86 is little-endian; NATIVE means little here. */
    enum device_endian endianness;
    /* What the guest may do (0 means 1 and 4; anything else refused). */
    struct {
        unsigned min_access_size;
        unsigned max_access_size;
        bool unaligned;
    } valid;
    /* What the callbacks handle; wider accesses are split (0: as valid). */
    struct {
        unsigned min_access_size;
        unsigned max_access_size;
    } impl;
};

struct MemoryRegion {
    Object *owner;
    char *name;
    uint64_t size;              /* UINT64_MAX: the whole 64-bit space */

    const MemoryRegionOps *ops;
    void *opaque;
    RAMBlock *ram_block;
    bool ram;                   /* backed by ram_block */
    bool readonly;              /* ROM: guest writes are dropped */
    bool terminates;            /* RAM or I/O (not a container/alias) */
    bool enabled;

    MemoryRegion *container;
    hwaddr addr;                /* where it sits in its container */
    int priority;
    bool may_overlap;
    unsigned mapped_via_alias;

    MemoryRegion *alias;
    hwaddr alias_offset;

    QTAILQ_HEAD(, MemoryRegion) subregions;
    QTAILQ_ENTRY(MemoryRegion) subregions_link;

    /* Dirty logging asked for by memory_region_set_log() (VGA client). */
    uint8_t dirty_log_mask;
};

/* A part of a region as it appears in an address space. */
struct MemoryRegionSection {
    uint64_t size;
    MemoryRegion *mr;
    AddressSpace *as;
    hwaddr offset_within_region;
    hwaddr offset_within_address_space;
    bool readonly;
};

/*
 * Told about the flat view of one address space.  Callbacks run under
 * the BQL.  On register, the listener gets log_global_start (if global
 * dirty tracking is on), then region_add and log_start for every
 * existing range, so it never has to look at the past.  Listeners run in
 * @priority order on add/start, reverse order on del/stop.
 */
struct MemoryListener {
    void (*begin)(MemoryListener *listener);
    void (*commit)(MemoryListener *listener);
    void (*region_add)(MemoryListener *listener,
                       MemoryRegionSection *section);
    void (*region_del)(MemoryListener *listener,
                       MemoryRegionSection *section);
    void (*region_nop)(MemoryListener *listener,
                       MemoryRegionSection *section);
    /* Dirty logging of a range turned on or off (masks of clients). */
    void (*log_start)(MemoryListener *listener,
                      MemoryRegionSection *section, int old, int new);
    void (*log_stop)(MemoryListener *listener,
                     MemoryRegionSection *section, int old, int new);
    /* Move the range's dirty bits into the RAMBlock bitmaps. */
    void (*log_sync)(MemoryListener *listener,
                     MemoryRegionSection *section);
    /* Or, for all ranges at once (e.g. a dirty ring). */
    void (*log_sync_global)(MemoryListener *listener, bool last_stage);
    void (*log_clear)(MemoryListener *listener,
                      MemoryRegionSection *section);
    bool (*log_global_start)(MemoryListener *listener, Error **errp);
    void (*log_global_stop)(MemoryListener *listener);
    void (*log_global_after_sync)(MemoryListener *listener);
    unsigned priority;
    const char *name;

    /* Private. */
    AddressSpace *address_space;
    QTAILQ_ENTRY(MemoryListener) link;
    QTAILQ_ENTRY(MemoryListener) link_as;
};

struct AddressSpace {
    char *name;
    MemoryRegion *root;
    FlatView *current_map;
    QTAILQ_HEAD(, MemoryListener) listeners;
    QTAILQ_ENTRY(AddressSpace) address_spaces_link;
};

/* One range of a flat view. */
typedef struct FlatRange {
    MemoryRegion *mr;
    hwaddr offset_in_region;
    hwaddr start;               /* in the address space */
    uint64_t size;
    uint8_t dirty_log_mask;
    bool readonly;
} FlatRange;

struct FlatView {
    unsigned ref;
    FlatRange *ranges;
    unsigned nr;
};

/* --- regions --- */

/* A container (no memory of its own). */
void memory_region_init(MemoryRegion *mr, Object *owner, const char *name,
                        uint64_t size);
/*
 * RAM named @name (the RAMBlock's idstr) that migration carries.  The
 * _nomigrate variants leave the block unnamed and not migratable.
 */
bool memory_region_init_ram(MemoryRegion *mr, Object *owner,
                            const char *name, uint64_t size, Error **errp);
bool memory_region_init_ram_nomigrate(MemoryRegion *mr, Object *owner,
                                      const char *name, uint64_t size,
                                      Error **errp);
bool memory_region_init_ram_flags_nomigrate(MemoryRegion *mr, Object *owner,
                                            const char *name, uint64_t size,
                                            uint32_t ram_flags,
                                            Error **errp);
bool memory_region_init_resizeable_ram(MemoryRegion *mr, Object *owner,
                                       const char *name, uint64_t size,
                                       uint64_t max_size,
                                       qemu_ram_resize_cb resized,
                                       Error **errp);
bool memory_region_init_ram_from_fd(MemoryRegion *mr, Object *owner,
                                    const char *name, uint64_t size,
                                    uint32_t ram_flags, int fd,
                                    off_t offset, Error **errp);
bool memory_region_init_ram_from_file(MemoryRegion *mr, Object *owner,
                                      const char *name, uint64_t size,
                                      uint64_t align, uint32_t ram_flags,
                                      const char *path, off_t offset,
                                      Error **errp);
void memory_region_init_ram_ptr(MemoryRegion *mr, Object *owner,
                                const char *name, uint64_t size, void *ptr);
/* Read-only RAM (guest writes dropped), migrated like RAM. */
bool memory_region_init_rom(MemoryRegion *mr, Object *owner,
                            const char *name, uint64_t size, Error **errp);
void memory_region_init_io(MemoryRegion *mr, Object *owner,
                           const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size);
/* [offset, offset + size) of @orig, seen wherever the alias is mapped. */
void memory_region_init_alias(MemoryRegion *mr, Object *owner,
                              const char *name, MemoryRegion *orig,
                              hwaddr offset, uint64_t size);
/* Undo an init; the region must not be mapped. */
void memory_region_finalize(MemoryRegion *mr);

void memory_region_add_subregion(MemoryRegion *mr, hwaddr offset,
                                 MemoryRegion *subregion);
void memory_region_add_subregion_overlap(MemoryRegion *mr, hwaddr offset,
                                         MemoryRegion *subregion,
                                         int priority);
void memory_region_del_subregion(MemoryRegion *mr, MemoryRegion *subregion);
void memory_region_set_enabled(MemoryRegion *mr, bool enabled);
void memory_region_set_address(MemoryRegion *mr, hwaddr addr);
void memory_region_set_alias_offset(MemoryRegion *mr, hwaddr offset);
void memory_region_set_readonly(MemoryRegion *mr, bool readonly);
/* Change the used size of resizeable RAM. */
bool memory_region_ram_resize(MemoryRegion *mr, uint64_t newsize,
                              Error **errp);

const char *memory_region_name(const MemoryRegion *mr);
uint64_t memory_region_size(MemoryRegion *mr);
bool memory_region_is_ram(MemoryRegion *mr);
bool memory_region_is_rom(MemoryRegion *mr);
bool memory_region_is_mapped(MemoryRegion *mr);
Object *memory_region_owner(MemoryRegion *mr);
RAMBlock *memory_region_get_ram_block(MemoryRegion *mr);
/* Host pointer of RAM (following aliases), or NULL. */
void *memory_region_get_ram_ptr(MemoryRegion *mr);
/* ram_addr of the region's first byte (RAM only). */
ram_addr_t memory_region_get_ram_addr(MemoryRegion *mr);
int memory_region_get_fd(MemoryRegion *mr);
/* Keep the owner alive (while a region is mapped or accessed). */
void memory_region_ref(MemoryRegion *mr);
void memory_region_unref(MemoryRegion *mr);

/* Ask for dirty logging of @mr for @client (DIRTY_MEMORY_VGA only). */
void memory_region_set_log(MemoryRegion *mr, bool log, unsigned client);
/* Dirty-log clients active for @mr (includes migration when global). */
uint8_t memory_region_get_dirty_log_mask(MemoryRegion *mr);
bool memory_region_get_dirty(MemoryRegion *mr, hwaddr addr, hwaddr size,
                             unsigned client);
void memory_region_set_dirty(MemoryRegion *mr, hwaddr addr, hwaddr size);
bool memory_region_test_and_clear_dirty(MemoryRegion *mr, hwaddr addr,
                                        hwaddr size, unsigned client);

/* Batch several changes into one listener update. */
void memory_region_transaction_begin(void);
void memory_region_transaction_commit(void);

/* --- address spaces --- */

MemoryRegion *get_system_memory(void);
MemoryRegion *get_system_io(void);
extern AddressSpace address_space_memory;
extern AddressSpace address_space_io;

void address_space_init(AddressSpace *as, MemoryRegion *root,
                        const char *name);
void address_space_destroy(AddressSpace *as);
/* The current flat view, referenced; drop with flatview_unref(). */
FlatView *address_space_get_flatview(AddressSpace *as);
void flatview_unref(FlatView *view);

/*
 * The section of @as at @addr (size: how much of [addr, addr + size)
 * it covers), or one with mr NULL where nothing is mapped.
 */
MemoryRegionSection memory_region_find(MemoryRegion *mr, hwaddr addr,
                                       uint64_t size);
MemoryRegionSection address_space_find(AddressSpace *as, hwaddr addr,
                                       uint64_t size);

MemTxResult address_space_rw(AddressSpace *as, hwaddr addr,
                             MemTxAttrs attrs, void *buf, hwaddr len,
                             bool is_write);
MemTxResult address_space_read(AddressSpace *as, hwaddr addr,
                               MemTxAttrs attrs, void *buf, hwaddr len);
MemTxResult address_space_write(AddressSpace *as, hwaddr addr,
                                MemTxAttrs attrs, const void *buf,
                                hwaddr len);
/* Write ROM too (loaders); still marks pages dirty. */
MemTxResult address_space_write_rom(AddressSpace *as, hwaddr addr,
                                    MemTxAttrs attrs, const void *buf,
                                    hwaddr len);
MemTxResult address_space_set(AddressSpace *as, hwaddr addr, uint8_t c,
                              hwaddr len, MemTxAttrs attrs);
/* One access of @size (1, 2, 4 or 8) bytes, little-endian. */
MemTxResult address_space_ld(AddressSpace *as, hwaddr addr, unsigned size,
                             uint64_t *val);
MemTxResult address_space_st(AddressSpace *as, hwaddr addr, unsigned size,
                             uint64_t val);

void cpu_physical_memory_rw(hwaddr addr, void *buf, hwaddr len,
                            bool is_write);
void cpu_physical_memory_read(hwaddr addr, void *buf, hwaddr len);
void cpu_physical_memory_write(hwaddr addr, const void *buf, hwaddr len);

/* Dispatch one access to an I/O region (used by the accelerator). */
MemTxResult memory_region_dispatch_read(MemoryRegion *mr, hwaddr addr,
                                        uint64_t *pval, unsigned size,
                                        MemTxAttrs attrs);
MemTxResult memory_region_dispatch_write(MemoryRegion *mr, hwaddr addr,
                                         uint64_t data, unsigned size,
                                         MemTxAttrs attrs);

/* --- listeners and dirty logging --- */

void memory_listener_register(MemoryListener *listener, AddressSpace *as);
void memory_listener_unregister(MemoryListener *listener);

/* Why global dirty tracking is on (a bit mask). */
#define GLOBAL_DIRTY_MIGRATION  (1U << 0)
#define GLOBAL_DIRTY_DIRTY_RATE (1U << 1)
#define GLOBAL_DIRTY_LIMIT      (1U << 2)
#define GLOBAL_DIRTY_MASK       (0x7)
extern unsigned int global_dirty_tracking;

/*
 * Start tracking writes to all RAM for @flags' reasons.  The first reason
 * calls every listener's log_global_start and turns logging on for every
 * RAM range (log_start); on a listener's failure everything is undone.
 */
bool memory_global_dirty_log_start(unsigned int flags, Error **errp);
void memory_global_dirty_log_stop(unsigned int flags);
/* Ask listeners to move dirty bits into the RAMBlock bitmaps. */
void memory_global_dirty_log_sync(bool last_stage);
void memory_global_after_dirty_log_sync(void);

/*
 * The region tree of every address space as text, like QEMU's "info
 * mtree" (with @flatview, each flat view instead).  g_free the result.
 */
char *mtree_info(bool flatview, bool owner, bool disabled);

#endif /* SYSTEM_MEMORY_H */
