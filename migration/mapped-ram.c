/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mapped-ram: each RAM page at a fixed offset of a file: migration file
 * (see mapped-ram.h and docs/devel/migration-multifd.md).
 *
 * Source: at setup each block's header is written in the size list and
 * the stream jumps past the block's pages (the file stays sparse where
 * nothing is written).  Pages are written with pwrite at
 * pages_offset + offset, by the multifd send threads or, without
 * multifd, by the migration thread in runs; zero pages are not written
 * but cleared in the block's file bitmap.  At completion the bitmaps go
 * to their places.  Destination: while parsing the size list, each
 * block's bitmap is read and the pages it marks are read straight into
 * guest memory (pread, or by the multifd threads of multifd-file.c),
 * 1 MiB at most at a time.  Pages not in the file are left alone: an
 * incoming VM's memory is zero already (QEMU does the same).
 */
#include "qemu/osdep.h"
#include "io/channel-file.h"
#include "qapi/error.h"
#include "qemu/bitmap.h"
#include "qemu/bswap.h"
#include "migration/mapped-ram.h"
#include "migration/multifd-file.h"
#include "migration/options.h"
#include "migration/trace.h"

/* ------------------------------------------------------------ source */

void mapped_ram_save_block(QEMUFile *f, RAMBlock *block, bool ignored)
{
    MappedRamHeader h = {
        .version = MAPPED_RAM_HDR_VERSION, .page_size = TARGET_PAGE_SIZE,
    };
    uint8_t buf[MAPPED_RAM_HDR_SIZE];
    uint64_t pages = block->used_length >> TARGET_PAGE_BITS;
    off_t here;

    if (!ignored) {
        here = qemu_get_offset(f);
        if (here < 0) {
            return;     /* latched on @f */
        }
        block->bitmap_offset = here + MAPPED_RAM_HDR_SIZE;
        block->pages_offset = ROUND_UP(block->bitmap_offset +
                                       mapped_ram_bitmap_size(pages),
                                       MAPPED_RAM_FILE_OFFSET_ALIGNMENT);
        g_free(block->file_bmap);
        block->file_bmap = bitmap_new(pages);
        h.bitmap_offset = block->bitmap_offset;
        h.pages_offset = block->pages_offset;
    }
    trace_mapped_ram_save_block(block->idstr, h.bitmap_offset,
                                h.pages_offset);
    mapped_ram_header_encode(buf, &h);
    qemu_put_buffer(f, buf, sizeof(buf));
    if (!ignored) {
        qemu_set_offset(f, block->pages_offset + block->used_length,
                        SEEK_SET);
    }
}

void mapped_ram_mark(RAMBlock *block, ram_addr_t offset, bool present)
{
    if (present) {
        set_bit_atomic(offset >> TARGET_PAGE_BITS, block->file_bmap);
    } else {
        clear_bit_atomic(offset >> TARGET_PAGE_BITS, block->file_bmap);
    }
}

static int offset_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

bool mapped_ram_write_pages(QIOChannel *ioc, RAMBlock *block,
                            uint64_t *offset, uint32_t n, Error **errp)
{
    qsort(offset, n, sizeof(*offset), offset_cmp);
    for (uint32_t i = 0, j; i < n; i = j) {
        /* One pwrite per run of consecutive pages. */
        for (j = i + 1; j < n && offset[j] == offset[j - 1] +
                                            TARGET_PAGE_SIZE; j++) {
        }
        if (qio_channel_pwrite_all(ioc, (char *)block->host + offset[i],
                                   (j - i) * TARGET_PAGE_SIZE,
                                   block->pages_offset + offset[i],
                                   errp) < 0) {
            error_prepend(errp, "mapped-ram: writing pages of %s at file "
                          "offset 0x%" PRIx64 ": ", block->idstr,
                          block->pages_offset + offset[i]);
            return false;
        }
        for (uint32_t k = i; k < j; k++) {
            mapped_ram_mark(block, offset[k], true);
        }
    }
    return true;
}

/* The migration thread's run of pages not yet written (no multifd). */
#define MAPPED_RAM_RUN_PAGES (MAPPED_RAM_LOAD_BUF_SIZE / TARGET_PAGE_SIZE)

static struct {
    RAMBlock *block;
    ram_addr_t start;
    uint32_t n;
} save_run;

void mapped_ram_save_flush(QEMUFile *f)
{
    RAMBlock *block = save_run.block;

    if (!block || !save_run.n) {
        return;
    }
    qemu_put_buffer_at(f, block->host + save_run.start,
                       save_run.n * TARGET_PAGE_SIZE,
                       block->pages_offset + save_run.start);
    bitmap_set(block->file_bmap, save_run.start >> TARGET_PAGE_BITS,
               save_run.n);
    save_run.n = 0;
}

void mapped_ram_save_page(QEMUFile *f, RAMBlock *block, ram_addr_t offset,
                          const uint8_t *p)
{
    if (p != block->host + offset) {
        /* A copy that is gone once we return: written now. */
        mapped_ram_save_flush(f);
        qemu_put_buffer_at(f, p, TARGET_PAGE_SIZE,
                           block->pages_offset + offset);
        mapped_ram_mark(block, offset, true);
        return;
    }
    if (save_run.n && (block != save_run.block ||
                       offset != save_run.start +
                                 save_run.n * TARGET_PAGE_SIZE ||
                       save_run.n == MAPPED_RAM_RUN_PAGES)) {
        mapped_ram_save_flush(f);
    }
    if (!save_run.n) {
        save_run.block = block;
        save_run.start = offset;
    }
    save_run.n++;
}

void mapped_ram_save_bitmaps(QEMUFile *f)
{
    RAMBlock *block;

    mapped_ram_save_flush(f);
    RAMBLOCK_FOREACH(block) {
        uint64_t pages = block->used_length >> TARGET_PAGE_BITS;
        uint64_t size = mapped_ram_bitmap_size(pages);
        g_autofree uint8_t *buf = NULL;

        if (!block->file_bmap) {
            continue;
        }
        buf = g_malloc(size);
        mapped_ram_bitmap_encode(buf, block->file_bmap, pages);
        qemu_put_buffer_at(f, buf, size, block->bitmap_offset);
        trace_mapped_ram_save_bitmap(block->idstr,
                                     bitmap_count_one(block->file_bmap,
                                                      pages));
    }
}

void mapped_ram_save_cleanup(void)
{
    RAMBlock *block;

    RAMBLOCK_FOREACH(block) {
        g_clear_pointer(&block->file_bmap, g_free);
    }
    save_run.block = NULL;
    save_run.n = 0;
}

/* ------------------------------------------------------- destination */

/* The pages of [start, end) of the bitmap, 1 MiB at a time. */
static bool mapped_ram_load_run(QIOChannel *ioc, RAMBlock *block,
                                uint64_t start, uint64_t end, Error **errp)
{
    uint64_t offset = start << TARGET_PAGE_BITS;
    uint64_t left = (end - start) << TARGET_PAGE_BITS;

    while (left) {
        size_t size = MIN(left, MAPPED_RAM_LOAD_BUF_SIZE);
        uint64_t pos = block->pages_offset + offset;
        bool ok;

        if (multifd_file_recv_started()) {
            ok = multifd_file_recv_queue(block->host + offset, size, pos,
                                         errp);
        } else {
            ok = qio_channel_pread_all(ioc, (char *)block->host + offset,
                                       size, pos, errp) == 0;
            if (!ok) {
                error_prepend(errp, "(%s) failed to read page 0x%" PRIx64
                              " from file offset 0x%" PRIx64 ": ",
                              block->idstr, offset, pos);
            }
        }
        if (!ok) {
            return false;
        }
        offset += size;
        left -= size;
    }
    return true;
}

bool mapped_ram_load_block(QEMUFile *f, RAMBlock *block, uint64_t length,
                           bool ignored, Error **errp)
{
    QIOChannel *ioc = qemu_file_get_ioc(f);
    uint64_t pages = length >> TARGET_PAGE_BITS, present = 0;
    uint8_t buf[MAPPED_RAM_HDR_SIZE];
    g_autofree uint8_t *raw = NULL;
    g_autofree unsigned long *bmap = NULL;
    MappedRamHeader h;
    struct stat st;
    size_t got;

    got = qemu_get_buffer(f, buf, sizeof(buf));
    if (got != sizeof(buf)) {
        error_setg(errp, "Could not read whole mapped-ram migration header "
                   "(expected %zu, got %zu bytes)", sizeof(buf), got);
        return false;
    }
    if (!object_dynamic_cast(OBJECT(ioc), TYPE_QIO_CHANNEL_FILE) ||
        fstat(QIO_CHANNEL_FILE(ioc)->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        error_setg(errp, "mapped-ram: the migration stream is not read "
                   "from a regular file");
        return false;
    }
    if (!mapped_ram_header_parse(buf, block->idstr, length, ignored,
                                 st.st_size, &h, errp)) {
        return false;
    }
    if (ignored && !h.bitmap_offset && !h.pages_offset) {
        return true;
    }
    raw = g_malloc(mapped_ram_bitmap_size(pages));
    if (qio_channel_pread_all(ioc, (char *)raw, mapped_ram_bitmap_size(pages),
                              h.bitmap_offset, errp) < 0) {
        error_prepend(errp, "mapped-ram: ramblock %s: reading the bitmap "
                      "at bitmap_offset 0x%" PRIx64 ": ", block->idstr,
                      h.bitmap_offset);
        return false;
    }
    bmap = bitmap_new(pages);
    mapped_ram_bitmap_decode(bmap, raw, pages);
    block->pages_offset = h.pages_offset;
    if (migrate_multifd() && !multifd_file_recv_started() &&
        !multifd_file_recv_start(ioc, migrate_multifd_channels(),
                                 migrate_direct_io(), errp)) {
        return false;
    }
    for (uint64_t start = find_first_bit(bmap, pages), end; start < pages;
         start = find_next_bit(bmap, pages, end)) {
        end = find_next_zero_bit(bmap, pages, start);
        if (!mapped_ram_load_run(ioc, block, start, end, errp)) {
            return false;
        }
        present += end - start;
    }
    trace_mapped_ram_load_block(block->idstr, present, h.pages_offset);
    qemu_set_offset(f, h.pages_offset + length, SEEK_SET);
    return qemu_file_get_error_obj(f, errp) == 0;
}

bool mapped_ram_load_finish(Error **errp)
{
    return !multifd_file_recv_started() || multifd_file_recv_wait(errp);
}

void mapped_ram_load_cleanup(void)
{
    multifd_file_recv_cleanup();
}
