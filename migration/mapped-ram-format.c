/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mapped-ram's header and bitmap (see mapped-ram-format.h): QEMU's
 * layout, big-endian header fields, the bitmap in 64-bit little-endian
 * words.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/bitmap.h"
#include "qemu/bswap.h"
#include "migration/mapped-ram-format.h"

void mapped_ram_header_encode(uint8_t *buf, const MappedRamHeader *h)
{
    stl_be_p(buf, h->version);
    stq_be_p(buf + 4, h->page_size);
    stq_be_p(buf + 12, h->bitmap_offset);
    stq_be_p(buf + 20, h->pages_offset);
}

uint64_t mapped_ram_bitmap_size(uint64_t pages)
{
    return DIV_ROUND_UP(pages, 64) * 8;
}

/* [off, off + len) must lie inside the file; the message names @field. */
static bool region_in_file(const char *name, const char *field,
                           uint64_t off, uint64_t len, const char *what,
                           uint64_t file_size, Error **errp)
{
    if (off <= file_size && len <= file_size - off) {
        return true;
    }
    error_setg(errp, "mapped-ram: ramblock %s: %s 0x%" PRIx64 " + 0x%"
               PRIx64 " bytes of %s is beyond the end of the file (0x%"
               PRIx64 " bytes)", name, field, off, len, what, file_size);
    return false;
}

bool mapped_ram_header_parse(const uint8_t *buf, const char *name,
                             uint64_t length, bool ignored,
                             uint64_t file_size, MappedRamHeader *h,
                             Error **errp)
{
    uint64_t bsize = mapped_ram_bitmap_size(length / TARGET_PAGE_SIZE);

    h->version = ldl_be_p(buf);
    h->page_size = ldq_be_p(buf + 4);
    h->bitmap_offset = ldq_be_p(buf + 12);
    h->pages_offset = ldq_be_p(buf + 20);

    if (h->version != MAPPED_RAM_HDR_VERSION) {
        error_setg(errp, "Migration mapped-ram capability version not "
                   "supported (expected %d, got %u)", MAPPED_RAM_HDR_VERSION,
                   h->version);
        return false;
    }
    if (h->page_size != TARGET_PAGE_SIZE) {
        error_setg(errp, "mapped-ram: ramblock %s: page_size %" PRIu64
                   " in the header, expected %d", name, h->page_size,
                   TARGET_PAGE_SIZE);
        return false;
    }
    /* x-ignore-shared: the block's memory is shared, nothing is in the file */
    if (ignored && !h->bitmap_offset && !h->pages_offset) {
        return true;
    }
    /* As QEMU: page alignment only, so that the 1 MiB may change. */
    if (!QEMU_IS_ALIGNED(h->pages_offset, TARGET_PAGE_SIZE)) {
        error_setg(errp, "Error reading ramblock %s pages, region has bad "
                   "alignment (pages_offset 0x%" PRIx64 ")", name,
                   h->pages_offset);
        return false;
    }
    if (!region_in_file(name, "bitmap_offset", h->bitmap_offset, bsize,
                        "bitmap", file_size, errp) ||
        !region_in_file(name, "pages_offset", h->pages_offset, length,
                        "pages", file_size, errp)) {
        return false;
    }
    if (h->bitmap_offset < h->pages_offset + length &&
        h->pages_offset < h->bitmap_offset + bsize) {
        error_setg(errp, "mapped-ram: ramblock %s: bitmap_offset 0x%" PRIx64
                   " overlaps the pages at pages_offset 0x%" PRIx64, name,
                   h->bitmap_offset, h->pages_offset);
        return false;
    }
    return true;
}

void mapped_ram_bitmap_encode(uint8_t *dst, const unsigned long *src,
                              uint64_t pages)
{
    memset(dst, 0, mapped_ram_bitmap_size(pages));
    for (uint64_t i = find_first_bit(src, pages); i < pages;
         i = find_next_bit(src, pages, i + 1)) {
        dst[i / 8] |= 1 << (i % 8);
    }
}

void mapped_ram_bitmap_decode(unsigned long *dst, const uint8_t *src,
                              uint64_t pages)
{
    bitmap_zero(dst, pages);
    for (uint64_t w = 0; w < DIV_ROUND_UP(pages, 64); w++) {
        uint64_t word = ldq_le_p(src + w * 8);

        if (w == pages / 64) {
            word &= (1ULL << (pages % 64)) - 1;     /* bits past the end */
        }
        while (word) {
            set_bit(w * 64 + ctz64(word), dst);
            word &= word - 1;
        }
    }
}

