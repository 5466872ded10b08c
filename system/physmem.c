/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RAMBlocks (host memory for guest RAM), the global dirty bitmaps and
 * guest-physical accesses (address_space_rw and friends).
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include <sys/vfs.h>
#include "qapi/error.h"
#include "qemu/atomic.h"
#include "qemu/bitmap.h"
#include "qemu/bitops.h"
#include "qemu/bswap.h"
#include "qemu/cutils.h"
#include "qemu/error-report.h"
#include "system/memory.h"
#include "system/ram_addr.h"

#define HUGETLBFS_MAGIC 0x958458f6

/* Transparent huge pages want 2 MiB alignment of anonymous RAM. */
#define RAM_HOST_ALIGN (2 * MiB)

RAMList ram_list = { .blocks = QLIST_HEAD_INITIALIZER(ram_list.blocks) };

static void __attribute__((constructor)) ram_list_init(void)
{
    qemu_mutex_init(&ram_list.mutex);
}

void qemu_mutex_lock_ramlist(void)
{
    qemu_mutex_lock(&ram_list.mutex);
}

void qemu_mutex_unlock_ramlist(void)
{
    qemu_mutex_unlock(&ram_list.mutex);
}

/* ------------------------------------------------------------------ */
/* Dirty bitmaps                                                      */

/*
 * Each client's bitmap over ram_addr pages is cut in chunks of
 * DIRTY_CHUNK_PAGES bits, allocated when a block first covers them and
 * never freed or moved, so lock-free readers are safe.
 */
#define DIRTY_CHUNK_PAGES (1UL << 18)
#define DIRTY_CHUNKS \
    ((RAM_ADDR_SPACE_MAX >> TARGET_PAGE_BITS) / DIRTY_CHUNK_PAGES)

static unsigned long *dirty_chunks[DIRTY_MEMORY_NUM][DIRTY_CHUNKS];

static void dirty_chunks_ensure(ram_addr_t start, ram_addr_t length)
{
    uint64_t first = (start >> TARGET_PAGE_BITS) / DIRTY_CHUNK_PAGES;
    uint64_t last = ((start + length - 1) >> TARGET_PAGE_BITS) /
                    DIRTY_CHUNK_PAGES;

    for (unsigned c = 0; c < DIRTY_MEMORY_NUM; c++) {
        for (uint64_t i = first; i <= last; i++) {
            if (!dirty_chunks[c][i]) {
                qatomic_store_release(&dirty_chunks[c][i],
                                      bitmap_new(DIRTY_CHUNK_PAGES));
            }
        }
    }
}

typedef bool (*ChunkOp)(unsigned long *map, long start, long nr,
                        void *opaque);

/*
 * Apply @op on the pages of [start, start + length) chunk by chunk;
 * stops early (returning true) when @op returns true.
 */
static bool dirty_range_foreach(unsigned client, ram_addr_t start,
                                ram_addr_t length, ChunkOp op, void *opaque)
{
    uint64_t page, end;

    if (!length) {
        return false;
    }
    page = start >> TARGET_PAGE_BITS;
    end = DIV_ROUND_UP(start + length, TARGET_PAGE_SIZE);
    if (end > RAM_ADDR_SPACE_MAX >> TARGET_PAGE_BITS) {
        end = RAM_ADDR_SPACE_MAX >> TARGET_PAGE_BITS;
    }
    while (page < end) {
        uint64_t idx = page / DIRTY_CHUNK_PAGES;
        uint64_t off = page % DIRTY_CHUNK_PAGES;
        uint64_t n = MIN(end - page, DIRTY_CHUNK_PAGES - off);
        unsigned long *map =
            qatomic_load_acquire(&dirty_chunks[client][idx]);

        if (map && op(map, off, n, opaque)) {
            return true;
        }
        page += n;
    }
    return false;
}

static bool op_any(unsigned long *map, long start, long nr, void *opaque)
{
    return find_next_bit(map, start + nr, start) < (unsigned long)(start + nr);
}

static bool op_not_all(unsigned long *map, long start, long nr,
                       void *opaque)
{
    return find_next_zero_bit(map, start + nr, start) <
           (unsigned long)(start + nr);
}

static bool op_set(unsigned long *map, long start, long nr, void *opaque)
{
    bitmap_set_atomic(map, start, nr);
    return false;
}

static bool op_test_clear(unsigned long *map, long start, long nr,
                          void *opaque)
{
    if (bitmap_test_and_clear_atomic(map, start, nr)) {
        *(bool *)opaque = true;
    }
    return false;
}

static bool op_count(unsigned long *map, long start, long nr, void *opaque)
{
    *(uint64_t *)opaque += bitmap_count_one_with_offset(map, start, nr);
    return false;
}

bool cpu_physical_memory_get_dirty(ram_addr_t start, ram_addr_t length,
                                   unsigned client)
{
    return dirty_range_foreach(client, start, length, op_any, NULL);
}

bool cpu_physical_memory_all_dirty(ram_addr_t start, ram_addr_t length,
                                   unsigned client)
{
    return !dirty_range_foreach(client, start, length, op_not_all, NULL);
}

bool cpu_physical_memory_get_dirty_flag(ram_addr_t addr, unsigned client)
{
    return cpu_physical_memory_get_dirty(addr, 1, client);
}

bool cpu_physical_memory_is_clean(ram_addr_t addr)
{
    return !cpu_physical_memory_get_dirty_flag(addr, DIRTY_MEMORY_VGA) ||
           !cpu_physical_memory_get_dirty_flag(addr, DIRTY_MEMORY_CODE) ||
           !cpu_physical_memory_get_dirty_flag(addr,
                                               DIRTY_MEMORY_MIGRATION);
}

void cpu_physical_memory_set_dirty_flag(ram_addr_t addr, unsigned client)
{
    dirty_range_foreach(client, addr, 1, op_set, NULL);
}

static CodeWriteNotify code_notify;
/* Makes "set the bit, notify" one step for concurrent writers. */
static QemuMutex code_lock;

void cpu_physical_memory_set_code_notify(CodeWriteNotify fn)
{
    assert(!code_notify);
    qemu_mutex_init(&code_lock);
    qatomic_set(&code_notify, fn);
}

void cpu_physical_memory_code_written(ram_addr_t start, ram_addr_t length)
{
    CodeWriteNotify fn = qatomic_read(&code_notify);

    if (!fn || !length) {
        return;
    }
    /*
     * The new bytes are in memory before the bit is read; a vCPU clears
     * the bit before it decodes.  So either it decodes the new bytes or
     * it hears of them.
     */
    smp_mb();
    if (cpu_physical_memory_all_dirty(start, length, DIRTY_MEMORY_CODE)) {
        return;
    }
    /*
     * The lock makes "set the bit, notify" one step per page, so one
     * writer notifies; a writer that saw the bit set above may return
     * while the one that set it is still notifying.
     */
    qemu_mutex_lock(&code_lock);
    for (ram_addr_t a = start & TARGET_PAGE_MASK; a < start + length;
         a += TARGET_PAGE_SIZE) {
        if (!cpu_physical_memory_get_dirty_flag(a, DIRTY_MEMORY_CODE)) {
            cpu_physical_memory_set_dirty_flag(a, DIRTY_MEMORY_CODE);
            fn(a);
        }
    }
    qemu_mutex_unlock(&code_lock);
}

void cpu_physical_memory_set_dirty_range(ram_addr_t start,
                                         ram_addr_t length, uint8_t mask)
{
    /* As QEMU: migration only sees writes while it tracks them. */
    if (!global_dirty_tracking) {
        mask &= ~(1 << DIRTY_MEMORY_MIGRATION);
    }
    if (mask & (1 << DIRTY_MEMORY_CODE)) {
        cpu_physical_memory_code_written(start, length);
        mask &= ~(1 << DIRTY_MEMORY_CODE);
    }
    for (unsigned c = 0; c < DIRTY_MEMORY_NUM; c++) {
        if (mask & (1 << c)) {
            dirty_range_foreach(c, start, length, op_set, NULL);
        }
    }
}

bool cpu_physical_memory_test_and_clear_dirty(ram_addr_t start,
                                              ram_addr_t length,
                                              unsigned client)
{
    bool dirty = false;

    dirty_range_foreach(client, start, length, op_test_clear, &dirty);
    return dirty;
}

uint64_t cpu_physical_memory_dirty_count(ram_addr_t start,
                                         ram_addr_t length, unsigned client)
{
    uint64_t count = 0;

    dirty_range_foreach(client, start, length, op_count, &count);
    return count;
}

static uint64_t dirty_rate_pages;

uint64_t cpu_physical_memory_dirty_rate_pages(void)
{
    return dirty_rate_pages;
}

void cpu_physical_memory_set_dirty_lebitmap(unsigned long *bitmap,
                                            ram_addr_t start,
                                            ram_addr_t pages)
{
    uint8_t mask = DIRTY_CLIENTS_NOCODE;
    unsigned long words = BITS_TO_LONGS(pages);
    bool count = global_dirty_tracking & GLOBAL_DIRTY_DIRTY_RATE;

    if (!global_dirty_tracking) {
        mask &= ~(1 << DIRTY_MEMORY_MIGRATION);
    }
    for (unsigned long k = 0; k < words; k++) {
        unsigned long w = le64_to_cpu(bitmap[k]);

        if (k == words - 1 && pages % BITS_PER_LONG) {
            w &= (1UL << (pages % BITS_PER_LONG)) - 1;
        }
        if (count) {
            dirty_rate_pages += ctpopl(w);
        }
        while (w) {
            unsigned bit = ctzl(w);
            /* A run of set bits goes in one call. */
            unsigned run = cto64(w >> bit);
            ram_addr_t page = (ram_addr_t)k * BITS_PER_LONG + bit;

            cpu_physical_memory_set_dirty_range(
                start + (page << TARGET_PAGE_BITS),
                (ram_addr_t)run << TARGET_PAGE_BITS, mask);
            if (bit + run >= BITS_PER_LONG) {
                break;
            }
            w &= ~((1UL << (bit + run)) - 1);
        }
    }
}

uint64_t cpu_physical_memory_sync_dirty_bitmap(RAMBlock *rb,
                                               ram_addr_t start,
                                               ram_addr_t length)
{
    uint64_t first = (rb->offset + start) >> TARGET_PAGE_BITS;
    uint64_t npages = DIV_ROUND_UP(length, TARGET_PAGE_SIZE);
    uint64_t base = rb->offset >> TARGET_PAGE_BITS;
    uint64_t newly = 0;

    for (uint64_t p = first; p < first + npages;) {
        uint64_t idx = p / DIRTY_CHUNK_PAGES, off = p % DIRTY_CHUNK_PAGES;
        unsigned long *map =
            qatomic_load_acquire(&dirty_chunks[DIRTY_MEMORY_MIGRATION][idx]);
        uint64_t word = off / BITS_PER_LONG, bit = off % BITS_PER_LONG;
        uint64_t n = MIN(BITS_PER_LONG - bit, first + npages - p);
        unsigned long m = (n == BITS_PER_LONG ? ~0UL
                                              : ((1UL << n) - 1) << bit);
        unsigned long got = map ? qatomic_fetch_and(&map[word], ~m) & m : 0;

        while (got) {
            long page = p - bit + ctzl(got) - base;

            if (!test_and_set_bit(page, rb->bmap)) {
                newly++;
            }
            got &= got - 1;
        }
        p += n;
    }
    return newly;
}

/* ------------------------------------------------------------------ */
/* Blocks                                                             */

int qemu_ram_foreach_block(RAMBlockIterFunc func, void *opaque)
{
    RAMBlock *block;
    int ret = 0;

    RAMBLOCK_FOREACH(block) {
        ret = func(block, opaque);
        if (ret) {
            break;
        }
    }
    return ret;
}

RAMBlock *qemu_ram_block_by_name(const char *name)
{
    RAMBlock *block;

    RAMBLOCK_FOREACH(block) {
        if (!strcmp(name, block->idstr)) {
            return block;
        }
    }
    return NULL;
}

RAMBlock *qemu_get_ram_block(ram_addr_t addr)
{
    RAMBlock *block = qatomic_read(&ram_list.mru_block);

    if (block && addr - block->offset < block->max_length) {
        return block;
    }
    RAMBLOCK_FOREACH(block) {
        if (addr - block->offset < block->max_length) {
            qatomic_set(&ram_list.mru_block, block);
            return block;
        }
    }
    return NULL;
}

RAMBlock *qemu_ram_block_from_host(void *ptr, ram_addr_t *offset)
{
    RAMBlock *block;
    uint8_t *host = ptr;

    RAMBLOCK_FOREACH(block) {
        if (block->host && host - block->host >= 0 &&
            (uint64_t)(host - block->host) < block->max_length) {
            *offset = host - block->host;
            return block;
        }
    }
    return NULL;
}

bool qemu_ram_set_idstr(RAMBlock *block, const char *name,
                        DeviceState *dev, Error **errp)
{
    RAMBlock *other;

    /* Devices have no bus path in Tern, so the name is used as is. */
    if (block->idstr[0]) {
        if (!strcmp(block->idstr, name)) {
            return true;
        }
        error_setg(errp, "RAMBlock \"%s\" cannot be renamed \"%s\"",
                   block->idstr, name);
        return false;
    }
    if (strlen(name) >= sizeof(block->idstr)) {
        error_setg(errp, "RAMBlock name \"%s\" is too long", name);
        return false;
    }
    RAMBLOCK_FOREACH(other) {
        if (other != block && !strcmp(other->idstr, name)) {
            error_setg(errp, "RAMBlock \"%s\" already registered", name);
            return false;
        }
    }
    pstrcpy(block->idstr, sizeof(block->idstr), name);
    return true;
}

void qemu_ram_unset_idstr(RAMBlock *block)
{
    if (block) {
        memset(block->idstr, 0, sizeof(block->idstr));
    }
}

const char *qemu_ram_get_idstr(RAMBlock *rb)
{
    return rb->idstr;
}

void *qemu_ram_get_host_addr(RAMBlock *rb)
{
    return rb->host;
}

ram_addr_t qemu_ram_get_offset(RAMBlock *rb)
{
    return rb->offset;
}

ram_addr_t qemu_ram_get_used_length(RAMBlock *rb)
{
    return rb->used_length;
}

ram_addr_t qemu_ram_get_max_length(RAMBlock *rb)
{
    return rb->max_length;
}

int qemu_ram_get_fd(RAMBlock *rb)
{
    return rb->fd;
}

size_t qemu_ram_pagesize(RAMBlock *rb)
{
    return rb->page_size;
}

size_t qemu_ram_pagesize_largest(void)
{
    RAMBlock *block;
    size_t largest = 0;

    RAMBLOCK_FOREACH(block) {
        largest = MAX(largest, block->page_size);
    }
    return largest;
}

bool qemu_ram_is_shared(RAMBlock *rb)
{
    return rb->flags & RAM_SHARED;
}

bool qemu_ram_is_noreserve(RAMBlock *rb)
{
    return rb->flags & RAM_NORESERVE;
}

bool qemu_ram_is_named_file(RAMBlock *rb)
{
    return rb->flags & RAM_NAMED_FILE;
}

bool qemu_ram_is_migratable(RAMBlock *rb)
{
    return rb->flags & RAM_MIGRATABLE;
}

void qemu_ram_set_migratable(RAMBlock *rb)
{
    rb->flags |= RAM_MIGRATABLE;
}

void qemu_ram_unset_migratable(RAMBlock *rb)
{
    rb->flags &= ~RAM_MIGRATABLE;
}

bool qemu_ram_is_uf_zeroable(RAMBlock *rb)
{
    return rb->flags & RAM_UF_ZEROPAGE;
}

void qemu_ram_set_uf_zeroable(RAMBlock *rb)
{
    rb->flags |= RAM_UF_ZEROPAGE;
}

uint64_t ram_bytes_total_all(bool migratable_only)
{
    RAMBlock *block;
    uint64_t total = 0;

    RAMBLOCK_FOREACH(block) {
        if (!migratable_only || qemu_ram_is_migratable(block)) {
            total += block->used_length;
        }
    }
    return total;
}

ram_addr_t last_ram_offset(void)
{
    RAMBlock *block;
    ram_addr_t last = 0;

    RAMBLOCK_FOREACH(block) {
        last = MAX(last, block->offset + block->max_length);
    }
    return last;
}

/*
 * The smallest gap of the ram_addr space that fits @size, starting on a
 * bitmap word (64 pages) so that syncs take whole words.
 */
static ram_addr_t find_ram_offset(ram_addr_t size)
{
    const ram_addr_t align = (ram_addr_t)BITS_PER_LONG << TARGET_PAGE_BITS;
    ram_addr_t best = RAM_ADDR_MAX, best_gap = RAM_ADDR_MAX;
    RAMBlock *a, *b;

    if (QLIST_EMPTY(&ram_list.blocks)) {
        return 0;
    }
    RAMBLOCK_FOREACH(a) {
        ram_addr_t cand = ROUND_UP(a->offset + a->max_length, align);
        ram_addr_t next = RAM_ADDR_MAX;

        RAMBLOCK_FOREACH(b) {
            if (b->offset >= cand && b->offset < next) {
                next = b->offset;
            }
        }
        if (next - cand >= size && next - cand < best_gap) {
            best = cand;
            best_gap = next - cand;
        }
    }
    /* The gap before the first block. */
    RAMBLOCK_FOREACH(a) {
        if (a->offset < best && a->offset >= size) {
            bool free_below = true;

            RAMBLOCK_FOREACH(b) {
                if (b->offset < a->offset) {
                    free_below = false;
                }
            }
            if (free_below && a->offset < best_gap) {
                best = 0;
                best_gap = a->offset;
            }
        }
    }
    return best;
}

static void ram_block_insert(RAMBlock *nb)
{
    RAMBlock *block, *last = NULL;

    qemu_mutex_lock_ramlist();
    /* Largest first, as QEMU keeps it. */
    RAMBLOCK_FOREACH(block) {
        last = block;
        if (block->max_length < nb->max_length) {
            break;
        }
    }
    if (block) {
        QLIST_INSERT_BEFORE(block, nb, next);
    } else if (last) {
        QLIST_INSERT_AFTER(last, nb, next);
    } else {
        QLIST_INSERT_HEAD(&ram_list.blocks, nb, next);
    }
    ram_list.mru_block = NULL;
    ram_list.version++;
    qemu_mutex_unlock_ramlist();
}

static void *ram_mmap(size_t size, int fd, uint64_t offset, uint32_t flags,
                      Error **errp)
{
    int prot = PROT_READ | ((flags & RAM_READONLY) ? 0 : PROT_WRITE);
    int mflags = (flags & RAM_SHARED) ? MAP_SHARED : MAP_PRIVATE;
    size_t total = size + (fd < 0 ? RAM_HOST_ALIGN : 0);
    uint8_t *ptr, *aligned;

    if (flags & RAM_NORESERVE) {
        mflags |= MAP_NORESERVE;
    }
    if (fd >= 0) {
        ptr = mmap(NULL, size, prot, mflags, fd, offset);
        if (ptr == MAP_FAILED) {
            error_setg_errno(errp, errno, "unable to map backing store for "
                             "guest RAM");
            return NULL;
        }
        return ptr;
    }
    ptr = mmap(NULL, total, prot, mflags | MAP_ANONYMOUS, -1, 0);
    if (ptr == MAP_FAILED) {
        error_setg_errno(errp, errno, "cannot set up guest memory");
        return NULL;
    }
    /* Trim to a 2 MiB aligned start so THP can back it. */
    aligned = QEMU_ALIGN_PTR_UP(ptr, RAM_HOST_ALIGN);
    if (aligned > ptr) {
        munmap(ptr, aligned - ptr);
    }
    if (ptr + total > aligned + size) {
        munmap(aligned + size, ptr + total - (aligned + size));
    }
    if (!(flags & RAM_SHARED)) {
        madvise(aligned, size, MADV_HUGEPAGE);
    }
    return aligned;
}

static size_t fd_page_size(int fd)
{
    struct statfs fs;

    if (fd >= 0 && fstatfs(fd, &fs) == 0 && fs.f_type == HUGETLBFS_MAGIC) {
        return fs.f_bsize;
    }
    return qemu_real_host_page_size();
}

static RAMBlock *ram_block_add(RAMBlock *nb, Error **errp)
{
    if (!nb->max_length) {
        error_setg(errp, "cannot allocate a RAM block of size 0");
        goto fail;
    }
    nb->offset = find_ram_offset(nb->max_length);
    if (nb->offset == RAM_ADDR_MAX ||
        nb->offset + nb->max_length > RAM_ADDR_SPACE_MAX) {
        error_setg(errp, "guest RAM would exceed the supported total of "
                   "%" PRIu64 " GiB", (uint64_t)(RAM_ADDR_SPACE_MAX / GiB));
        goto fail;
    }
    if (!nb->host) {
        nb->host = ram_mmap(nb->max_length, nb->fd, nb->fd_offset,
                            nb->flags, errp);
        if (!nb->host) {
            goto fail;
        }
        nb->mapped_here = true;
    }
    dirty_chunks_ensure(nb->offset, nb->max_length);
    /*
     * New memory is dirty for everybody, as in QEMU.  No vCPU decoded
     * code from it: the code bits are set without telling anyone.
     */
    dirty_range_foreach(DIRTY_MEMORY_CODE, nb->offset, nb->used_length,
                        op_set, NULL);
    cpu_physical_memory_set_dirty_range(nb->offset, nb->used_length,
                                        DIRTY_CLIENTS_NOCODE);
    ram_block_insert(nb);
    return nb;

fail:
    if (nb->fd >= 0) {
        close(nb->fd);
    }
    g_free(nb);
    return NULL;
}

static RAMBlock *ram_block_new(ram_addr_t size, ram_addr_t max_size,
                               MemoryRegion *mr, uint32_t flags, int fd)
{
    RAMBlock *nb = g_new0(RAMBlock, 1);
    size_t pagesize = fd_page_size(fd);

    nb->mr = mr;
    nb->fd = fd;
    nb->flags = flags;
    nb->page_size = pagesize;
    nb->used_length = ROUND_UP(size, pagesize);
    nb->max_length = ROUND_UP(max_size, pagesize);
    return nb;
}

RAMBlock *qemu_ram_alloc(ram_addr_t size, uint32_t ram_flags,
                         MemoryRegion *mr, Error **errp)
{
    ram_flags &= RAM_SHARED | RAM_NORESERVE;
    return ram_block_add(ram_block_new(size, size, mr, ram_flags, -1), errp);
}

RAMBlock *qemu_ram_alloc_resizeable(ram_addr_t size, ram_addr_t max_size,
                                    qemu_ram_resize_cb resized,
                                    MemoryRegion *mr, Error **errp)
{
    RAMBlock *nb;

    if (size > max_size) {
        error_setg(errp, "RAM size 0x%" PRIx64 " exceeds its maximum 0x%"
                   PRIx64, size, max_size);
        return NULL;
    }
    nb = ram_block_new(size, max_size, mr, RAM_RESIZEABLE, -1);
    nb->resized = resized;
    return ram_block_add(nb, errp);
}

RAMBlock *qemu_ram_alloc_from_ptr(ram_addr_t size, void *host,
                                  MemoryRegion *mr, Error **errp)
{
    RAMBlock *nb = ram_block_new(size, size, mr, RAM_PREALLOC, -1);

    nb->host = host;
    return ram_block_add(nb, errp);
}

RAMBlock *qemu_ram_alloc_from_fd(ram_addr_t size, MemoryRegion *mr,
                                 uint32_t ram_flags, int fd, off_t offset,
                                 Error **errp)
{
    struct stat st;
    RAMBlock *nb;
    size_t pagesize = fd_page_size(fd);

    if (size % pagesize || offset % pagesize) {
        error_setg(errp, "size 0x%" PRIx64 " and offset 0x%" PRIx64
                   " must be multiples of the page size 0x%zx",
                   size, (uint64_t)offset, pagesize);
        goto fail;
    }
    if (fstat(fd, &st) < 0) {
        error_setg_errno(errp, errno, "cannot stat the backing file");
        goto fail;
    }
    if (S_ISREG(st.st_mode) && (uint64_t)st.st_size < offset + size) {
        if (ram_flags & RAM_READONLY_FD) {
            error_setg(errp, "backing file size 0x%" PRIx64 " is smaller "
                       "than 0x%" PRIx64, (uint64_t)st.st_size,
                       (uint64_t)(offset + size));
            goto fail;
        }
        if (ftruncate(fd, offset + size) < 0) {
            error_setg_errno(errp, errno, "cannot grow the backing file");
            goto fail;
        }
    }
    ram_flags &= RAM_SHARED | RAM_NORESERVE | RAM_READONLY |
                 RAM_READONLY_FD | RAM_NAMED_FILE;
    nb = ram_block_new(size, size, mr, ram_flags, fd);
    nb->fd_offset = offset;
    return ram_block_add(nb, errp);

fail:
    close(fd);
    return NULL;
}

static int open_mem_path(const char *path, bool readonly, Error **errp)
{
    struct stat st;
    int fd;

    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        g_autofree char *tmpl = g_strdup_printf("%s/tern_back_mem.XXXXXX",
                                                path);
        fd = mkstemp(tmpl);
        if (fd >= 0) {
            unlink(tmpl);   /* nobody else needs to see it */
        }
    } else {
        fd = open(path, readonly ? O_RDONLY : (O_RDWR | O_CREAT), 0600);
    }
    if (fd < 0) {
        error_setg_errno(errp, errno, "can't open backing store %s for "
                         "guest RAM", path);
    }
    return fd;
}

RAMBlock *qemu_ram_alloc_from_file(ram_addr_t size, MemoryRegion *mr,
                                   uint32_t ram_flags, const char *mem_path,
                                   off_t offset, Error **errp)
{
    int fd = open_mem_path(mem_path, ram_flags & RAM_READONLY_FD, errp);

    if (fd < 0) {
        return NULL;
    }
    qemu_set_cloexec(fd);
    return qemu_ram_alloc_from_fd(size, mr, ram_flags | RAM_NAMED_FILE, fd,
                                  offset, errp);
}

void qemu_ram_free(RAMBlock *block)
{
    if (!block) {
        return;
    }
    qemu_mutex_lock_ramlist();
    QLIST_REMOVE(block, next);
    ram_list.mru_block = NULL;
    ram_list.version++;
    qemu_mutex_unlock_ramlist();
    /* Stale bits must not mark a later block at this offset. */
    for (unsigned c = 0; c < DIRTY_MEMORY_NUM; c++) {
        cpu_physical_memory_test_and_clear_dirty(block->offset,
                                                 block->max_length, c);
    }
    if (block->mapped_here) {
        munmap(block->host, block->max_length);
    }
    if (block->fd >= 0) {
        close(block->fd);
    }
    g_free(block->bmap);
    g_free(block->receivedmap);
    g_free(block->clear_bmap);
    g_free(block);
}

bool qemu_ram_resize(RAMBlock *block, ram_addr_t newsize, Error **errp)
{
    ram_addr_t oldsize = block->used_length;

    newsize = ROUND_UP(newsize, block->page_size);
    if (newsize == oldsize) {
        return true;
    }
    if (!(block->flags & RAM_RESIZEABLE)) {
        error_setg_errno(errp, EINVAL, "Size mismatch: %s: 0x%" PRIx64
                         " != 0x%" PRIx64, block->idstr, newsize, oldsize);
        return false;
    }
    if (newsize > block->max_length) {
        error_setg_errno(errp, EINVAL, "Size too large: %s: 0x%" PRIx64
                         " > 0x%" PRIx64, block->idstr, newsize,
                         block->max_length);
        return false;
    }
    if (newsize < oldsize) {
        ram_block_discard_range(block, newsize, oldsize - newsize);
    }
    block->used_length = newsize;
    cpu_physical_memory_set_dirty_range(block->offset, newsize,
                                        DIRTY_CLIENTS_ALL);
    if (block->resized) {
        block->resized(block->idstr, newsize, block->host);
    }
    return true;
}

int ram_block_discard_range(RAMBlock *rb, uint64_t start, size_t length)
{
    uint8_t *host = rb->host + start;

    if (start + length > rb->max_length ||
        !QEMU_IS_ALIGNED(start | length, rb->page_size)) {
        error_report("ram_block_discard_range: bad range %s +0x%" PRIx64
                     " len 0x%zx", rb->idstr, start, length);
        return -EINVAL;
    }
    if (rb->fd >= 0 && (rb->flags & RAM_SHARED)) {
        if (fallocate(rb->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                      start + rb->fd_offset, length) < 0) {
            return -errno;
        }
        return 0;
    }
    if (madvise(host, length, MADV_DONTNEED) < 0) {
        return -errno;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Accesses                                                           */

static unsigned access_size_max(const MemoryRegionOps *ops)
{
    return ops->valid.max_access_size ? ops->valid.max_access_size : 4;
}

static unsigned access_size_min(const MemoryRegionOps *ops)
{
    return ops->valid.min_access_size ? ops->valid.min_access_size : 1;
}

static bool access_valid(MemoryRegion *mr, hwaddr addr, unsigned size)
{
    const MemoryRegionOps *ops = mr->ops;

    if (!ops) {
        return false;
    }
    if (size < access_size_min(ops) || size > access_size_max(ops)) {
        return false;
    }
    return ops->valid.unaligned || !(addr & (size - 1));
}

/* Byte-swap when the device is big-endian (x86 is little-endian). */
static uint64_t adjust_endianness(MemoryRegion *mr, uint64_t v,
                                  unsigned size)
{
    if (mr->ops->endianness != DEVICE_BIG_ENDIAN) {
        return v;
    }
    switch (size) {
    case 2:
        return bswap16(v);
    case 4:
        return bswap32(v);
    case 8:
        return bswap64(v);
    default:
        return v;
    }
}

static unsigned impl_max(const MemoryRegionOps *ops)
{
    return ops->impl.max_access_size ? ops->impl.max_access_size
                                     : access_size_max(ops);
}

static unsigned impl_min(const MemoryRegionOps *ops)
{
    return ops->impl.min_access_size ? ops->impl.min_access_size : 1;
}

MemTxResult memory_region_dispatch_read(MemoryRegion *mr, hwaddr addr,
                                        uint64_t *pval, unsigned size,
                                        MemTxAttrs attrs)
{
    const MemoryRegionOps *ops = mr->ops;
    unsigned step, i;
    uint64_t v = 0;

    if (!access_valid(mr, addr, size) || !ops->read) {
        *pval = size == 8 ? UINT64_MAX : (1ULL << (size * 8)) - 1;
        return MEMTX_DECODE_ERROR;
    }
    step = MIN(MAX(size, impl_min(ops)), impl_max(ops));
    if (step > size) {
        /* Wider than asked: read the containing unit, keep our bytes. */
        hwaddr base = QEMU_ALIGN_DOWN(addr, step);
        uint64_t wide = adjust_endianness(mr, ops->read(mr->opaque, base,
                                                        step), step);
        v = wide >> ((addr - base) * 8);
    } else {
        for (i = 0; i < size; i += step) {
            uint64_t part = adjust_endianness(mr, ops->read(mr->opaque,
                                                            addr + i, step),
                                              step);
            v |= part << (i * 8);
        }
    }
    *pval = size == 8 ? v : v & ((1ULL << (size * 8)) - 1);
    return MEMTX_OK;
}

MemTxResult memory_region_dispatch_write(MemoryRegion *mr, hwaddr addr,
                                         uint64_t data, unsigned size,
                                         MemTxAttrs attrs)
{
    const MemoryRegionOps *ops = mr->ops;
    unsigned step, i;

    if (!access_valid(mr, addr, size) || !ops->write) {
        return MEMTX_DECODE_ERROR;
    }
    step = MIN(MAX(size, impl_min(ops)), impl_max(ops));
    if (step > size) {
        /* The device wants wider writes: widen with zeroes, as QEMU. */
        hwaddr base = QEMU_ALIGN_DOWN(addr, step);
        ops->write(mr->opaque, base,
                   adjust_endianness(mr, data << ((addr - base) * 8), step),
                   step);
        return MEMTX_OK;
    }
    for (i = 0; i < size; i += step) {
        uint64_t part = data >> (i * 8);

        if (step < 8) {
            part &= (1ULL << (step * 8)) - 1;
        }
        ops->write(mr->opaque, addr + i, adjust_endianness(mr, part, step),
                   step);
    }
    return MEMTX_OK;
}

/* The largest naturally aligned access that fits. */
static unsigned io_chunk(MemoryRegion *mr, hwaddr addr, hwaddr len)
{
    unsigned max = mr->ops ? access_size_max(mr->ops) : 8;
    unsigned sz = 8;

    while (sz > 1 && (sz > len || sz > max || (addr & (sz - 1)))) {
        sz >>= 1;
    }
    return sz;
}

static MemTxResult io_access(MemoryRegion *mr, hwaddr addr, uint8_t *buf,
                             hwaddr len, bool is_write, MemTxAttrs attrs)
{
    MemTxResult res = MEMTX_OK;

    while (len) {
        unsigned sz = io_chunk(mr, addr, len);
        uint64_t v = 0;

        if (is_write) {
            memcpy(&v, buf, sz);
            res |= memory_region_dispatch_write(mr, addr, le64_to_cpu(v),
                                                sz, attrs);
        } else {
            res |= memory_region_dispatch_read(mr, addr, &v, sz, attrs);
            v = cpu_to_le64(v);
            memcpy(buf, &v, sz);
        }
        addr += sz;
        buf += sz;
        len -= sz;
    }
    return res;
}

static MemTxResult ram_access(MemoryRegionSection *s, uint8_t *buf,
                              bool is_write, bool force)
{
    RAMBlock *rb = s->mr->ram_block;
    ram_addr_t off = s->offset_within_region;

    if (off + s->size > rb->used_length) {
        return MEMTX_DECODE_ERROR;
    }
    if (!is_write) {
        memcpy(buf, ramblock_ptr(rb, off), s->size);
        return MEMTX_OK;
    }
    if (s->readonly && !force) {
        return MEMTX_OK;    /* ROM: the write goes nowhere */
    }
    memcpy(ramblock_ptr(rb, off), buf, s->size);
    cpu_physical_memory_set_dirty_range(rb->offset + off, s->size,
                                        DIRTY_CLIENTS_ALL);
    return MEMTX_OK;
}

static MemTxResult as_access(AddressSpace *as, hwaddr addr,
                             MemTxAttrs attrs, uint8_t *buf, hwaddr len,
                             bool is_write, bool force)
{
    MemTxResult res = MEMTX_OK;

    while (len) {
        MemoryRegionSection s = address_space_find(as, addr, len);

        if (!s.mr) {
            /* Unassigned: reads float to all ones, writes are lost. */
            if (!is_write) {
                memset(buf, 0xff, s.size);
            }
            res |= MEMTX_DECODE_ERROR;
        } else if (s.mr->ram) {
            res |= ram_access(&s, buf, is_write, force);
        } else {
            res |= io_access(s.mr, s.offset_within_region, buf, s.size,
                             is_write, attrs);
        }
        addr += s.size;
        buf += s.size;
        len -= s.size;
    }
    return res;
}

MemTxResult address_space_rw(AddressSpace *as, hwaddr addr,
                             MemTxAttrs attrs, void *buf, hwaddr len,
                             bool is_write)
{
    return as_access(as, addr, attrs, buf, len, is_write, false);
}

MemTxResult address_space_read(AddressSpace *as, hwaddr addr,
                               MemTxAttrs attrs, void *buf, hwaddr len)
{
    return as_access(as, addr, attrs, buf, len, false, false);
}

MemTxResult address_space_write(AddressSpace *as, hwaddr addr,
                                MemTxAttrs attrs, const void *buf,
                                hwaddr len)
{
    return as_access(as, addr, attrs, (uint8_t *)buf, len, true, false);
}

MemTxResult address_space_write_rom(AddressSpace *as, hwaddr addr,
                                    MemTxAttrs attrs, const void *buf,
                                    hwaddr len)
{
    return as_access(as, addr, attrs, (uint8_t *)buf, len, true, true);
}

MemTxResult address_space_set(AddressSpace *as, hwaddr addr, uint8_t c,
                              hwaddr len, MemTxAttrs attrs)
{
    uint8_t chunk[4096];
    MemTxResult res = MEMTX_OK;

    memset(chunk, c, sizeof(chunk));
    while (len) {
        MemoryRegionSection s = address_space_find(as, addr, len);
        hwaddr n;

        /* RAM in one go: copying a page-sized pattern cost 4x more. */
        if (s.mr && s.mr->ram && !s.readonly &&
            s.offset_within_region + s.size <= s.mr->ram_block->used_length) {
            RAMBlock *rb = s.mr->ram_block;

            memset(ramblock_ptr(rb, s.offset_within_region), c, s.size);
            cpu_physical_memory_set_dirty_range(
                rb->offset + s.offset_within_region, s.size,
                DIRTY_CLIENTS_ALL);
            n = s.size;
        } else {
            n = MIN(MIN(len, sizeof(chunk)), MAX(s.size, 1));
            res |= address_space_write(as, addr, attrs, chunk, n);
        }
        addr += n;
        len -= n;
    }
    return res;
}

MemTxResult address_space_ld(AddressSpace *as, hwaddr addr, unsigned size,
                             uint64_t *val)
{
    MemoryRegionSection s = address_space_find(as, addr, size);
    uint64_t v = 0;
    MemTxResult res;

    /* One device access when it all falls in one I/O region. */
    if (s.mr && !s.mr->ram && s.size == size) {
        return memory_region_dispatch_read(s.mr, s.offset_within_region,
                                           val, size,
                                           MEMTXATTRS_UNSPECIFIED);
    }
    res = address_space_read(as, addr, MEMTXATTRS_UNSPECIFIED, &v, size);
    *val = le64_to_cpu(v);
    return res;
}

MemTxResult address_space_st(AddressSpace *as, hwaddr addr, unsigned size,
                             uint64_t val)
{
    MemoryRegionSection s = address_space_find(as, addr, size);
    uint64_t v = cpu_to_le64(val);

    if (s.mr && !s.mr->ram && s.size == size) {
        return memory_region_dispatch_write(s.mr, s.offset_within_region,
                                            val, size,
                                            MEMTXATTRS_UNSPECIFIED);
    }
    return address_space_write(as, addr, MEMTXATTRS_UNSPECIFIED, &v, size);
}

void cpu_physical_memory_rw(hwaddr addr, void *buf, hwaddr len,
                            bool is_write)
{
    get_system_memory();
    address_space_rw(&address_space_memory, addr, MEMTXATTRS_UNSPECIFIED,
                     buf, len, is_write);
}

void cpu_physical_memory_read(hwaddr addr, void *buf, hwaddr len)
{
    cpu_physical_memory_rw(addr, buf, len, false);
}

void cpu_physical_memory_write(hwaddr addr, const void *buf, hwaddr len)
{
    cpu_physical_memory_rw(addr, (void *)buf, len, true);
}
