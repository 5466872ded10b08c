/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The MemoryRegion tree, its rendering into flat views, MemoryListeners
 * and global dirty logging.  Guest accesses and RAMBlocks are in
 * physmem.c.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "qemu/atomic.h"
#include "qemu/main-loop.h"
#include "qom/object.h"
#include "system/memory.h"
#include "system/ram_addr.h"

typedef __int128 Int128;        /* region arithmetic may pass 2^64 */

unsigned int global_dirty_tracking;

static MemoryRegion *system_memory;
static MemoryRegion *system_io;
AddressSpace address_space_memory;
AddressSpace address_space_io;

static QTAILQ_HEAD(, MemoryListener) memory_listeners =
    QTAILQ_HEAD_INITIALIZER(memory_listeners);
static QTAILQ_HEAD(, AddressSpace) address_spaces =
    QTAILQ_HEAD_INITIALIZER(address_spaces);

static unsigned transaction_depth;
static bool topology_update_pending;

/* ------------------------------------------------------------------ */
/* Regions                                                            */

static void mr_init_common(MemoryRegion *mr, Object *owner,
                           const char *name, uint64_t size)
{
    memset(mr, 0, sizeof(*mr));
    mr->owner = owner;
    mr->name = g_strdup(name);
    mr->size = size;
    mr->enabled = true;
    QTAILQ_INIT(&mr->subregions);
}

void memory_region_init(MemoryRegion *mr, Object *owner, const char *name,
                        uint64_t size)
{
    mr_init_common(mr, owner, name, size);
}

static bool mr_init_ram_block(MemoryRegion *mr, RAMBlock *rb)
{
    if (!rb) {
        g_free(mr->name);
        mr->name = NULL;
        return false;
    }
    mr->ram = true;
    mr->terminates = true;
    mr->ram_block = rb;
    return true;
}

bool memory_region_init_ram_flags_nomigrate(MemoryRegion *mr, Object *owner,
                                            const char *name, uint64_t size,
                                            uint32_t ram_flags, Error **errp)
{
    mr_init_common(mr, owner, name, size);
    return mr_init_ram_block(mr, qemu_ram_alloc(size, ram_flags, mr, errp));
}

bool memory_region_init_ram_nomigrate(MemoryRegion *mr, Object *owner,
                                      const char *name, uint64_t size,
                                      Error **errp)
{
    return memory_region_init_ram_flags_nomigrate(mr, owner, name, size, 0,
                                                  errp);
}

/* What QEMU's vmstate_register_ram() does: name the block, migrate it. */
static bool mr_register_ram(MemoryRegion *mr, Error **errp)
{
    DeviceState *dev = (DeviceState *)mr->owner;

    if (!qemu_ram_set_idstr(mr->ram_block, mr->name, dev, errp)) {
        memory_region_finalize(mr);
        return false;
    }
    qemu_ram_set_migratable(mr->ram_block);
    return true;
}

bool memory_region_init_ram(MemoryRegion *mr, Object *owner,
                            const char *name, uint64_t size, Error **errp)
{
    return memory_region_init_ram_nomigrate(mr, owner, name, size, errp) &&
           mr_register_ram(mr, errp);
}

bool memory_region_init_rom(MemoryRegion *mr, Object *owner,
                            const char *name, uint64_t size, Error **errp)
{
    if (!memory_region_init_ram(mr, owner, name, size, errp)) {
        return false;
    }
    mr->readonly = true;
    return true;
}

bool memory_region_init_resizeable_ram(MemoryRegion *mr, Object *owner,
                                       const char *name, uint64_t size,
                                       uint64_t max_size,
                                       qemu_ram_resize_cb resized,
                                       Error **errp)
{
    mr_init_common(mr, owner, name, size);
    return mr_init_ram_block(mr, qemu_ram_alloc_resizeable(size, max_size,
                                                           resized, mr,
                                                           errp));
}

bool memory_region_init_ram_from_fd(MemoryRegion *mr, Object *owner,
                                    const char *name, uint64_t size,
                                    uint32_t ram_flags, int fd,
                                    off_t offset, Error **errp)
{
    mr_init_common(mr, owner, name, size);
    mr->readonly = ram_flags & RAM_READONLY;
    return mr_init_ram_block(mr, qemu_ram_alloc_from_fd(size, mr, ram_flags,
                                                        fd, offset, errp));
}

bool memory_region_init_ram_from_file(MemoryRegion *mr, Object *owner,
                                      const char *name, uint64_t size,
                                      uint64_t align, uint32_t ram_flags,
                                      const char *path, off_t offset,
                                      Error **errp)
{
    RAMBlock *rb;

    mr_init_common(mr, owner, name, size);
    mr->readonly = ram_flags & RAM_READONLY;
    rb = qemu_ram_alloc_from_file(size, mr, ram_flags, path, offset, errp);
    if (rb && align && ((uintptr_t)rb->host % align)) {
        error_setg(errp, "memory at %p is not aligned to 0x%" PRIx64,
                   rb->host, align);
        qemu_ram_free(rb);
        rb = NULL;
    }
    return mr_init_ram_block(mr, rb);
}

void memory_region_init_ram_ptr(MemoryRegion *mr, Object *owner,
                                const char *name, uint64_t size, void *ptr)
{
    mr_init_common(mr, owner, name, size);
    mr_init_ram_block(mr, qemu_ram_alloc_from_ptr(size, ptr, mr,
                                                  &error_abort));
}

void memory_region_init_io(MemoryRegion *mr, Object *owner,
                           const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size)
{
    mr_init_common(mr, owner, name, size);
    mr->ops = ops;
    mr->opaque = opaque;
    mr->terminates = true;
}

void memory_region_init_alias(MemoryRegion *mr, Object *owner,
                              const char *name, MemoryRegion *orig,
                              hwaddr offset, uint64_t size)
{
    mr_init_common(mr, owner, name, size);
    mr->alias = orig;
    mr->alias_offset = offset;
}

void memory_region_finalize(MemoryRegion *mr)
{
    assert(!mr->container);
    assert(!mr->mapped_via_alias);
    while (!QTAILQ_EMPTY(&mr->subregions)) {
        memory_region_del_subregion(mr, QTAILQ_FIRST(&mr->subregions));
    }
    if (mr->ram_block) {
        qemu_ram_free(mr->ram_block);
        mr->ram_block = NULL;
    }
    g_free(mr->name);
    mr->name = NULL;
}

const char *memory_region_name(const MemoryRegion *mr)
{
    return mr->name ? mr->name : "";
}

uint64_t memory_region_size(MemoryRegion *mr)
{
    return mr->size;
}

bool memory_region_is_ram(MemoryRegion *mr)
{
    return mr->ram;
}

bool memory_region_is_rom(MemoryRegion *mr)
{
    return mr->ram && mr->readonly;
}

bool memory_region_is_mapped(MemoryRegion *mr)
{
    return mr->container || mr->mapped_via_alias;
}

Object *memory_region_owner(MemoryRegion *mr)
{
    return mr->owner;
}

RAMBlock *memory_region_get_ram_block(MemoryRegion *mr)
{
    return mr->ram_block;
}

void *memory_region_get_ram_ptr(MemoryRegion *mr)
{
    hwaddr offset = 0;

    while (mr->alias) {
        offset += mr->alias_offset;
        mr = mr->alias;
    }
    if (!mr->ram_block) {
        return NULL;
    }
    return ramblock_ptr(mr->ram_block, offset);
}

ram_addr_t memory_region_get_ram_addr(MemoryRegion *mr)
{
    return mr->ram_block ? mr->ram_block->offset : RAM_ADDR_MAX;
}

int memory_region_get_fd(MemoryRegion *mr)
{
    while (mr->alias) {
        mr = mr->alias;
    }
    return mr->ram_block ? mr->ram_block->fd : -1;
}

void memory_region_ref(MemoryRegion *mr)
{
    if (mr && mr->owner) {
        object_ref(mr->owner);
    }
}

void memory_region_unref(MemoryRegion *mr)
{
    if (mr && mr->owner) {
        object_unref(mr->owner);
    }
}

/* ------------------------------------------------------------------ */
/* Transactions                                                       */

static void address_space_update_topology(AddressSpace *as);

void memory_region_transaction_begin(void)
{
    transaction_depth++;
}

void memory_region_transaction_commit(void)
{
    AddressSpace *as;

    assert(transaction_depth);
    if (--transaction_depth || !topology_update_pending) {
        return;
    }
    topology_update_pending = false;
    QTAILQ_FOREACH(as, &address_spaces, address_spaces_link) {
        address_space_update_topology(as);
    }
}

/* Mark the maps stale and rebuild them (now, or at the outer commit). */
static void memory_changed(void)
{
    memory_region_transaction_begin();
    topology_update_pending = true;
    memory_region_transaction_commit();
}

/* ------------------------------------------------------------------ */
/* The tree                                                           */

static void subregion_insert(MemoryRegion *mr, MemoryRegion *subregion)
{
    MemoryRegion *other;

    /* Highest priority first; the newest first among equals. */
    QTAILQ_FOREACH(other, &mr->subregions, subregions_link) {
        if (subregion->priority >= other->priority) {
            QTAILQ_INSERT_BEFORE(other, subregion, subregions_link);
            return;
        }
    }
    QTAILQ_INSERT_TAIL(&mr->subregions, subregion, subregions_link);
}

static void add_subregion_common(MemoryRegion *mr, hwaddr offset,
                                 MemoryRegion *subregion)
{
    assert(!subregion->container);
    memory_region_ref(subregion);
    subregion->container = mr;
    subregion->addr = offset;
    if (subregion->alias) {
        subregion->alias->mapped_via_alias++;
    }
    subregion_insert(mr, subregion);
    memory_changed();
}

void memory_region_add_subregion(MemoryRegion *mr, hwaddr offset,
                                 MemoryRegion *subregion)
{
    subregion->priority = 0;
    subregion->may_overlap = false;
    add_subregion_common(mr, offset, subregion);
}

void memory_region_add_subregion_overlap(MemoryRegion *mr, hwaddr offset,
                                         MemoryRegion *subregion,
                                         int priority)
{
    subregion->priority = priority;
    subregion->may_overlap = true;
    add_subregion_common(mr, offset, subregion);
}

void memory_region_del_subregion(MemoryRegion *mr, MemoryRegion *subregion)
{
    assert(subregion->container == mr);
    subregion->container = NULL;
    if (subregion->alias) {
        subregion->alias->mapped_via_alias--;
    }
    QTAILQ_REMOVE(&mr->subregions, subregion, subregions_link);
    memory_changed();
    memory_region_unref(subregion);
}

void memory_region_set_enabled(MemoryRegion *mr, bool enabled)
{
    if (mr->enabled != enabled) {
        mr->enabled = enabled;
        memory_changed();
    }
}

void memory_region_set_address(MemoryRegion *mr, hwaddr addr)
{
    MemoryRegion *container = mr->container;

    if (addr == mr->addr || !container) {
        mr->addr = addr;
        return;
    }
    memory_region_transaction_begin();
    memory_region_ref(mr);
    memory_region_del_subregion(container, mr);
    add_subregion_common(container, addr, mr);
    memory_region_unref(mr);
    memory_region_transaction_commit();
}

void memory_region_set_alias_offset(MemoryRegion *mr, hwaddr offset)
{
    assert(mr->alias);
    if (mr->alias_offset != offset) {
        mr->alias_offset = offset;
        memory_changed();
    }
}

void memory_region_set_readonly(MemoryRegion *mr, bool readonly)
{
    if (mr->readonly != readonly) {
        mr->readonly = readonly;
        memory_changed();
    }
}

bool memory_region_ram_resize(MemoryRegion *mr, uint64_t newsize,
                              Error **errp)
{
    assert(mr->ram_block);
    if (!qemu_ram_resize(mr->ram_block, newsize, errp)) {
        return false;
    }
    mr->size = newsize;
    memory_changed();
    return true;
}

/* ------------------------------------------------------------------ */
/* Flat views                                                         */

uint8_t memory_region_get_dirty_log_mask(MemoryRegion *mr)
{
    uint8_t mask = mr->dirty_log_mask;
    RAMBlock *rb = mr->ram_block;

    if (global_dirty_tracking && rb && qemu_ram_is_migratable(rb)) {
        mask |= 1 << DIRTY_MEMORY_MIGRATION;
    }
    return mask;
}

static Int128 mr_size128(MemoryRegion *mr)
{
    return mr->size == UINT64_MAX ? (Int128)1 << 64 : (Int128)mr->size;
}

/*
 * Insert [start, start + size) of @fr into the sorted @view, only where
 * nothing is yet: what was rendered first (higher priority) wins.
 */
static void flatview_insert_gaps(GArray *view, const FlatRange *fr)
{
    Int128 cur = fr->start, end = (Int128)fr->start + fr->size;
    guint i = 0;

    while (cur < end) {
        FlatRange *r = NULL;
        Int128 piece_end = end;
        FlatRange piece;

        while (i < view->len) {
            r = &g_array_index(view, FlatRange, i);
            if ((Int128)r->start + r->size > cur) {
                break;
            }
            r = NULL;
            i++;
        }
        if (r && (Int128)r->start <= cur) {
            cur = (Int128)r->start + r->size;   /* covered: skip it */
            i++;
            continue;
        }
        if (r && (Int128)r->start < end) {
            piece_end = r->start;
        }
        piece = *fr;
        piece.start = cur;
        piece.size = piece_end - cur;
        piece.offset_in_region = fr->offset_in_region + (cur - fr->start);
        g_array_insert_val(view, i, piece);
        i++;
        cur = piece_end;
    }
}

static void render_memory_region(GArray *view, MemoryRegion *mr,
                                  Int128 base, Int128 clip_start,
                                  Int128 clip_end, bool readonly)
{
    MemoryRegion *sub;
    Int128 start, end;
    FlatRange fr;

    if (!mr->enabled) {
        return;
    }
    base += mr->addr;
    start = MAX(base, clip_start);
    end = MIN(base + mr_size128(mr), clip_end);
    if (start >= end) {
        return;
    }
    readonly |= mr->readonly;
    if (mr->alias) {
        base -= mr->alias->addr;
        base -= mr->alias_offset;
        render_memory_region(view, mr->alias, base, start, end, readonly);
        return;
    }
    QTAILQ_FOREACH(sub, &mr->subregions, subregions_link) {
        render_memory_region(view, sub, base, start, end, readonly);
    }
    if (!mr->terminates) {
        return;
    }
    if (end - start >= (Int128)1 << 64) {
        end = start + UINT64_MAX;   /* cannot say 2^64; drop a byte */
    }
    fr = (FlatRange) {
        .mr = mr,
        .offset_in_region = start - base,
        .start = start,
        .size = (uint64_t)(end - start),
        .readonly = readonly,
        .dirty_log_mask = memory_region_get_dirty_log_mask(mr),
    };
    flatview_insert_gaps(view, &fr);
}

/* Merge neighbours that continue the same region the same way. */
static bool can_merge(const FlatRange *a, const FlatRange *b)
{
    return a->mr == b->mr &&
           (Int128)a->start + a->size == b->start &&
           (Int128)a->offset_in_region + a->size == b->offset_in_region &&
           a->readonly == b->readonly &&
           a->dirty_log_mask == b->dirty_log_mask;
}

static FlatView *generate_memory_topology(MemoryRegion *root)
{
    GArray *view = g_array_new(false, false, sizeof(FlatRange));
    FlatView *fv = g_new0(FlatView, 1);
    guint i, j;

    if (root) {
        render_memory_region(view, root, 0, 0, (Int128)1 << 64, false);
    }
    for (i = 0, j = 0; i < view->len; i++) {
        FlatRange *r = &g_array_index(view, FlatRange, i);

        if (j && can_merge(&g_array_index(view, FlatRange, j - 1), r)) {
            g_array_index(view, FlatRange, j - 1).size += r->size;
        } else {
            g_array_index(view, FlatRange, j++) = *r;
        }
    }
    g_array_set_size(view, j);
    fv->ref = 1;
    fv->nr = view->len;
    fv->ranges = (FlatRange *)g_array_free(view, false);
    for (i = 0; i < fv->nr; i++) {
        memory_region_ref(fv->ranges[i].mr);
    }
    return fv;
}

static void flatview_ref(FlatView *view)
{
    qatomic_inc(&view->ref);
}

void flatview_unref(FlatView *view)
{
    if (view && qatomic_fetch_dec(&view->ref) == 1) {
        for (unsigned i = 0; i < view->nr; i++) {
            memory_region_unref(view->ranges[i].mr);
        }
        g_free(view->ranges);
        g_free(view);
    }
}

FlatView *address_space_get_flatview(AddressSpace *as)
{
    FlatView *view = as->current_map;

    flatview_ref(view);
    return view;
}

/* ------------------------------------------------------------------ */
/* Listeners                                                          */

static MemoryRegionSection section_from_flat_range(const FlatRange *fr,
                                                   AddressSpace *as)
{
    return (MemoryRegionSection) {
        .size = fr->size,
        .mr = fr->mr,
        .as = as,
        .offset_within_region = fr->offset_in_region,
        .offset_within_address_space = fr->start,
        .readonly = fr->readonly,
    };
}

/* Add/start callbacks go in priority order, del/stop in reverse. */
#define FOREACH_AS_LISTENER(as, l, forward)                              \
    for (l = (forward) ? QTAILQ_FIRST(&(as)->listeners)                 \
                       : QTAILQ_LAST(&(as)->listeners);                 \
         l; l = (forward) ? QTAILQ_NEXT(l, link_as)                     \
                          : QTAILQ_PREV(l, link_as))

static void notify_change(MemoryListener *l, MemoryRegionSection *s,
                          int o, int n)
{
    if ((n & ~o) && l->log_start) {
        l->log_start(l, s, o, n);
    } else if ((o & ~n) && l->log_stop) {
        l->log_stop(l, s, o, n);
    } else if (l->region_nop) {
        l->region_nop(l, s);
    }
}

static void notify_range(AddressSpace *as, const FlatRange *fr,
                         bool adding, const FlatRange *old)
{
    MemoryRegionSection s = section_from_flat_range(fr, as);
    MemoryListener *l;

    FOREACH_AS_LISTENER(as, l, adding) {
        if (!adding) {
            if (fr->dirty_log_mask && l->log_stop) {
                l->log_stop(l, &s, fr->dirty_log_mask, 0);
            }
            if (l->region_del) {
                l->region_del(l, &s);
            }
        } else if (!old) {
            if (l->region_add) {
                l->region_add(l, &s);
            }
            if (fr->dirty_log_mask && l->log_start) {
                l->log_start(l, &s, 0, fr->dirty_log_mask);
            }
        } else {
            notify_change(l, &s, old->dirty_log_mask, fr->dirty_log_mask);
        }
    }
}

static bool flatrange_equal(const FlatRange *a, const FlatRange *b)
{
    return a->mr == b->mr && a->start == b->start && a->size == b->size &&
           a->offset_in_region == b->offset_in_region &&
           a->readonly == b->readonly;
}

/* One pass over old and new views: deletions, or additions/changes. */
static void update_topology_pass(AddressSpace *as, FlatView *old,
                                 FlatView *new, bool adding)
{
    unsigned io = 0, in = 0;

    while (io < old->nr || in < new->nr) {
        FlatRange *o = io < old->nr ? &old->ranges[io] : NULL;
        FlatRange *n = in < new->nr ? &new->ranges[in] : NULL;

        if (o && n && flatrange_equal(o, n)) {
            if (adding) {
                notify_range(as, n, true, o);
            }
            io++, in++;
        } else if (o && (!n || o->start <= n->start)) {
            if (!adding) {
                notify_range(as, o, false, NULL);
            }
            io++;
        } else {
            if (adding) {
                notify_range(as, n, true, NULL);
            }
            in++;
        }
    }
}

static void listeners_call(bool begin)
{
    MemoryListener *l;

    QTAILQ_FOREACH(l, &memory_listeners, link) {
        if (begin && l->begin) {
            l->begin(l);
        } else if (!begin && l->commit) {
            l->commit(l);
        }
    }
}

static void address_space_update_topology(AddressSpace *as)
{
    FlatView *old = as->current_map;
    FlatView *new = generate_memory_topology(as->root);

    listeners_call(true);
    update_topology_pass(as, old, new, false);
    update_topology_pass(as, old, new, true);
    as->current_map = new;
    listeners_call(false);
    flatview_unref(old);
}

static void listener_replay(MemoryListener *l, AddressSpace *as, bool add)
{
    FlatView *view = address_space_get_flatview(as);

    if (l->begin) {
        l->begin(l);
    }
    for (unsigned i = 0; i < view->nr; i++) {
        FlatRange *fr = &view->ranges[i];
        MemoryRegionSection s = section_from_flat_range(fr, as);

        if (add) {
            if (l->region_add) {
                l->region_add(l, &s);
            }
            if (fr->dirty_log_mask && l->log_start) {
                l->log_start(l, &s, 0, fr->dirty_log_mask);
            }
        } else {
            if (fr->dirty_log_mask && l->log_stop) {
                l->log_stop(l, &s, fr->dirty_log_mask, 0);
            }
            if (l->region_del) {
                l->region_del(l, &s);
            }
        }
    }
    if (l->commit) {
        l->commit(l);
    }
    flatview_unref(view);
}

void memory_listener_register(MemoryListener *listener, AddressSpace *as)
{
    MemoryListener *other;
    Error *err = NULL;

    listener->address_space = as;
    QTAILQ_FOREACH(other, &memory_listeners, link) {
        if (listener->priority < other->priority) {
            break;
        }
    }
    if (other) {
        QTAILQ_INSERT_BEFORE(other, listener, link);
    } else {
        QTAILQ_INSERT_TAIL(&memory_listeners, listener, link);
    }
    QTAILQ_FOREACH(other, &as->listeners, link_as) {
        if (listener->priority < other->priority) {
            break;
        }
    }
    if (other) {
        QTAILQ_INSERT_BEFORE(other, listener, link_as);
    } else {
        QTAILQ_INSERT_TAIL(&as->listeners, listener, link_as);
    }

    if (global_dirty_tracking && listener->log_global_start &&
        !listener->log_global_start(listener, &err)) {
        warn_report_err(err);
    }
    listener_replay(listener, as, true);
}

void memory_listener_unregister(MemoryListener *listener)
{
    AddressSpace *as = listener->address_space;

    if (!as) {
        return;
    }
    listener_replay(listener, as, false);
    QTAILQ_REMOVE(&memory_listeners, listener, link);
    QTAILQ_REMOVE(&as->listeners, listener, link_as);
    listener->address_space = NULL;
}

/* ------------------------------------------------------------------ */
/* Dirty logging                                                      */

void memory_region_set_log(MemoryRegion *mr, bool log, unsigned client)
{
    uint8_t mask = 1 << client;
    uint8_t old = mr->dirty_log_mask;

    assert(client == DIRTY_MEMORY_VGA);
    mr->dirty_log_mask = log ? (old | mask) : (old & ~mask);
    if (old != mr->dirty_log_mask) {
        memory_changed();
    }
}

static bool mr_ram_range(MemoryRegion *mr, hwaddr addr, ram_addr_t *ra)
{
    while (mr->alias) {
        addr += mr->alias_offset;
        mr = mr->alias;
    }
    if (!mr->ram_block) {
        return false;
    }
    *ra = mr->ram_block->offset + addr;
    return true;
}

bool memory_region_get_dirty(MemoryRegion *mr, hwaddr addr, hwaddr size,
                             unsigned client)
{
    ram_addr_t ra;

    return mr_ram_range(mr, addr, &ra) &&
           cpu_physical_memory_get_dirty(ra, size, client);
}

void memory_region_set_dirty(MemoryRegion *mr, hwaddr addr, hwaddr size)
{
    ram_addr_t ra;

    if (mr_ram_range(mr, addr, &ra)) {
        cpu_physical_memory_set_dirty_range(ra, size, DIRTY_CLIENTS_ALL);
    }
}

bool memory_region_test_and_clear_dirty(MemoryRegion *mr, hwaddr addr,
                                        hwaddr size, unsigned client)
{
    ram_addr_t ra;

    return mr_ram_range(mr, addr, &ra) &&
           cpu_physical_memory_test_and_clear_dirty(ra, size, client);
}

bool memory_global_dirty_log_start(unsigned int flags, Error **errp)
{
    unsigned int old = global_dirty_tracking;
    MemoryListener *l;

    flags &= GLOBAL_DIRTY_MASK & ~old;
    if (!flags) {
        return true;
    }
    global_dirty_tracking |= flags;
    if (old) {
        return true;
    }
    QTAILQ_FOREACH(l, &memory_listeners, link) {
        if (l->log_global_start && !l->log_global_start(l, errp)) {
            /* Undo those that started, newest first. */
            for (l = QTAILQ_PREV(l, link); l; l = QTAILQ_PREV(l, link)) {
                if (l->log_global_stop) {
                    l->log_global_stop(l);
                }
            }
            global_dirty_tracking = old;
            return false;
        }
    }
    memory_changed();           /* RAM ranges gain the migration client */
    return true;
}

void memory_global_dirty_log_stop(unsigned int flags)
{
    MemoryListener *l;

    if (!(global_dirty_tracking & flags)) {
        return;
    }
    global_dirty_tracking &= ~flags;
    if (global_dirty_tracking) {
        return;
    }
    memory_changed();
    QTAILQ_FOREACH_REVERSE(l, &memory_listeners, link) {
        if (l->log_global_stop) {
            l->log_global_stop(l);
        }
    }
}

static void listener_log_sync(MemoryListener *l)
{
    FlatView *view = address_space_get_flatview(l->address_space);

    for (unsigned i = 0; i < view->nr; i++) {
        FlatRange *fr = &view->ranges[i];
        MemoryRegionSection s;

        if (fr->dirty_log_mask) {
            s = section_from_flat_range(fr, l->address_space);
            l->log_sync(l, &s);
        }
    }
    flatview_unref(view);
}

void memory_global_dirty_log_sync(bool last_stage)
{
    MemoryListener *l;

    QTAILQ_FOREACH(l, &memory_listeners, link) {
        if (l->log_sync) {
            listener_log_sync(l);
        } else if (l->log_sync_global) {
            l->log_sync_global(l, last_stage);
        }
    }
}

void memory_global_after_dirty_log_sync(void)
{
    MemoryListener *l;

    QTAILQ_FOREACH(l, &memory_listeners, link) {
        if (l->log_global_after_sync) {
            l->log_global_after_sync(l);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Address spaces                                                     */

void address_space_init(AddressSpace *as, MemoryRegion *root,
                        const char *name)
{
    memory_region_ref(root);
    as->root = root;
    as->name = g_strdup(name ? name : "anonymous");
    as->current_map = generate_memory_topology(root);
    QTAILQ_INIT(&as->listeners);
    QTAILQ_INSERT_TAIL(&address_spaces, as, address_spaces_link);
}

void address_space_destroy(AddressSpace *as)
{
    while (!QTAILQ_EMPTY(&as->listeners)) {
        memory_listener_unregister(QTAILQ_FIRST(&as->listeners));
    }
    QTAILQ_REMOVE(&address_spaces, as, address_spaces_link);
    flatview_unref(as->current_map);
    as->current_map = NULL;
    memory_region_unref(as->root);
    g_free(as->name);
}

/*
 * The system address spaces exist from the start (a constructor), so
 * listeners and accesses may name address_space_memory at any time.
 */
static void __attribute__((constructor)) memory_map_init(void)
{
    if (system_memory) {
        return;
    }
    system_memory = g_new(MemoryRegion, 1);
    memory_region_init(system_memory, NULL, "system", UINT64_MAX);
    address_space_init(&address_space_memory, system_memory, "memory");
    system_io = g_new(MemoryRegion, 1);
    memory_region_init(system_io, NULL, "io", 65536);
    address_space_init(&address_space_io, system_io, "I/O");
}

MemoryRegion *get_system_memory(void)
{
    memory_map_init();
    return system_memory;
}

MemoryRegion *get_system_io(void)
{
    memory_map_init();
    return system_io;
}

MemoryRegionSection address_space_find(AddressSpace *as, hwaddr addr,
                                       uint64_t size)
{
    FlatView *view = as->current_map;
    MemoryRegionSection s = { .as = as, .offset_within_address_space = addr };
    unsigned lo = 0, hi = view ? view->nr : 0;

    /* First range ending after @addr. */
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        FlatRange *fr = &view->ranges[mid];

        if ((Int128)fr->start + fr->size <= addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (view && lo < view->nr && view->ranges[lo].start <= addr) {
        FlatRange *fr = &view->ranges[lo];
        uint64_t left = fr->size - (addr - fr->start);

        s.mr = fr->mr;
        s.offset_within_region = fr->offset_in_region + (addr - fr->start);
        s.size = MIN(size, left);
        s.readonly = fr->readonly;
    } else if (view && lo < view->nr) {
        s.size = MIN(size, view->ranges[lo].start - addr);
    } else {
        s.size = size;
    }
    return s;
}

MemoryRegionSection memory_region_find(MemoryRegion *mr, hwaddr addr,
                                       uint64_t size)
{
    MemoryRegionSection none = { 0 };
    AddressSpace *as;

    while (mr->container) {
        addr += mr->addr;
        mr = mr->container;
    }
    QTAILQ_FOREACH(as, &address_spaces, address_spaces_link) {
        if (as->root == mr) {
            return address_space_find(as, addr, size);
        }
    }
    return none;
}

/* ------------------------------------------------------------------ */
/* info mtree                                                         */

static const char *mr_type(MemoryRegion *mr)
{
    if (mr->alias) {
        return mr_type(mr->alias);
    }
    if (mr->ram) {
        return mr->readonly ? "rom" : "ram";
    }
    return "i/o";
}

static uint64_t mr_last(hwaddr base, MemoryRegion *mr)
{
    if (!mr->size) {
        return base;
    }
    if (mr->size == UINT64_MAX) {
        return UINT64_MAX;
    }
    return base + mr->size - 1;
}

static void mtree_print_mr(GString *out, MemoryRegion *mr, unsigned level,
                           hwaddr base, bool owner, bool disabled)
{
    MemoryRegion *sub;

    if (!mr->enabled && !disabled) {
        return;
    }
    base += mr->addr;
    g_string_append_printf(out, "%*s" TARGET_FMT_plx "-" TARGET_FMT_plx
                           " (prio %d, %s%s): %s", level * 2, "", base,
                           mr_last(base, mr), mr->priority, mr_type(mr),
                           mr->enabled ? "" : ", disabled",
                           memory_region_name(mr));
    if (mr->alias) {
        g_string_append_printf(out, " @%s " TARGET_FMT_plx "-"
                               TARGET_FMT_plx, memory_region_name(mr->alias),
                               mr->alias_offset,
                               mr_last(mr->alias_offset, mr));
    }
    if (owner && mr->owner) {
        g_autofree char *path = object_get_canonical_path(mr->owner);
        g_string_append_printf(out, " owner:{obj path=%s}",
                               path ? path : "?");
    }
    g_string_append_c(out, '\n');
    QTAILQ_FOREACH(sub, &mr->subregions, subregions_link) {
        mtree_print_mr(out, sub, level + 1, base, owner, disabled);
    }
}

static void mtree_print_flatview(GString *out, AddressSpace *as)
{
    FlatView *view = as->current_map;

    g_string_append_printf(out, "FlatView\n AS \"%s\", root: %s\n",
                           as->name, memory_region_name(as->root));
    if (!view->nr) {
        g_string_append(out, "  No rendered FlatView\n\n");
        return;
    }
    for (unsigned i = 0; i < view->nr; i++) {
        FlatRange *fr = &view->ranges[i];

        g_string_append_printf(out, "  " TARGET_FMT_plx "-" TARGET_FMT_plx
                               " (prio %d, %s%s): %s", fr->start,
                               fr->start + fr->size - 1, fr->mr->priority,
                               mr_type(fr->mr),
                               fr->readonly && fr->mr->ram ? ", readonly" : "",
                               memory_region_name(fr->mr));
        if (fr->offset_in_region) {
            g_string_append_printf(out, " @" TARGET_FMT_plx,
                                   fr->offset_in_region);
        }
        if (fr->dirty_log_mask) {
            g_string_append_printf(out, " [dirty-log 0x%x]",
                                   fr->dirty_log_mask);
        }
        g_string_append_c(out, '\n');
    }
    g_string_append_c(out, '\n');
}

char *mtree_info(bool flatview, bool owner, bool disabled)
{
    GString *out = g_string_new(NULL);
    AddressSpace *as;

    memory_map_init();
    QTAILQ_FOREACH(as, &address_spaces, address_spaces_link) {
        if (flatview) {
            mtree_print_flatview(out, as);
        } else {
            g_string_append_printf(out, "address-space: %s\n", as->name);
            mtree_print_mr(out, as->root, 1, 0, owner, disabled);
            g_string_append_c(out, '\n');
        }
    }
    return g_string_free(out, false);
}
