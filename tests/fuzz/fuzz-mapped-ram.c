/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for mapped-ram's header and bitmap parsers
 * (mapped_ram_header_parse, mapped_ram_bitmap_decode), as the load runs
 * them for each RAM block of a file.
 *
 * Input: be32 block length in pages, be32 file size in KiB, a flags byte
 * (bit 0: the block is ignored, x-ignore-shared), the 28-byte header,
 * then the bitmap's bytes (short inputs are padded with zeroes).
 * Checks: no crash, overflow or leak; every failure says why; an
 * accepted header has version 1 and 4 KiB pages, and (unless an ignored
 * block's empty one) its bitmap and pages lie inside the file, apart,
 * the pages page-aligned; every run of pages the decoded bitmap gives
 * is inside the block and so inside the file; encoding the bitmap and
 * the header gives them back.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/bitmap.h"
#include "qemu/bswap.h"
#include "migration/mapped-ram-format.h"
#include "tests/fuzz/fuzz-fail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PAGE 4096
/* Keeps the bitmap small: 1 GiB of pages at most. */
#define MAX_PAGES (1 << 18)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t hdr[MAPPED_RAM_HDR_SIZE] = { 0 }, again[MAPPED_RAM_HDR_SIZE];
    g_autofree uint8_t *raw = NULL;
    g_autofree uint8_t *raw2 = NULL;
    g_autofree unsigned long *bmap = NULL;
    uint64_t pages, length, file_size, bsize, present = 0;
    MappedRamHeader h;
    Error *err = NULL;
    bool ignored;

    if (size < 9) {
        return 0;
    }
    pages = ldl_be_p(data) % MAX_PAGES;
    length = pages * PAGE;
    file_size = (uint64_t)ldl_be_p(data + 4) * 1024;
    ignored = data[8] & 1;
    data += 9;
    size -= 9;
    memcpy(hdr, data, MIN(size, sizeof(hdr)));
    data += MIN(size, sizeof(hdr));
    size -= MIN(size, sizeof(hdr));

    if (!mapped_ram_header_parse(hdr, "fuzz", length, ignored, file_size,
                                 &h, &err)) {
        if (!err || !*error_get_pretty(err)) {
            fuzz_fail("refused without saying why");
        }
        error_free(err);
        return 0;
    }
    if (h.version != MAPPED_RAM_HDR_VERSION || h.page_size != PAGE) {
        fuzz_fail("accepted version %u page size %" PRIu64, h.version,
                  h.page_size);
    }
    mapped_ram_header_encode(again, &h);
    if (memcmp(again, hdr, sizeof(hdr))) {
        fuzz_fail("the header does not encode back");
    }
    if (ignored && !h.bitmap_offset && !h.pages_offset) {
        return 0;
    }
    bsize = mapped_ram_bitmap_size(pages);
    if (h.pages_offset % PAGE ||
        h.bitmap_offset + bsize > file_size ||
        h.pages_offset + length > file_size ||
        (h.bitmap_offset < h.pages_offset + length &&
         h.pages_offset < h.bitmap_offset + bsize)) {
        fuzz_fail("accepted bitmap 0x%" PRIx64 " pages 0x%" PRIx64
                  " for 0x%" PRIx64 " bytes in a file of 0x%" PRIx64,
                  h.bitmap_offset, h.pages_offset, length, file_size);
    }

    raw = g_malloc0(bsize);
    memcpy(raw, data, MIN(size, bsize));
    bmap = bitmap_new(MAX(pages, 1));
    mapped_ram_bitmap_decode(bmap, raw, pages);
    for (uint64_t start = find_first_bit(bmap, pages), end; start < pages;
         start = find_next_bit(bmap, pages, end)) {
        end = find_next_zero_bit(bmap, pages, start);
        if (end <= start || end > pages ||
            h.pages_offset + end * PAGE > file_size) {
            fuzz_fail("run [%" PRIu64 ", %" PRIu64 ") outside the block",
                      start, end);
        }
        present += end - start;
    }
    if (present != bitmap_count_one(bmap, pages)) {
        fuzz_fail("runs cover %" PRIu64 " pages of %" PRIu64, present,
                  (uint64_t)bitmap_count_one(bmap, pages));
    }
    /* Encoding gives back the input, without the bits past the block. */
    raw2 = g_malloc(bsize);
    mapped_ram_bitmap_encode(raw2, bmap, pages);
    for (uint64_t i = 0; i < pages; i++) {
        if (!(raw[i / 8] & (1 << (i % 8))) != !(raw2[i / 8] & (1 << (i % 8)))) {
            fuzz_fail("bit %" PRIu64 " does not encode back", i);
        }
    }
    for (uint64_t i = pages; i < bsize * 8; i++) {
        if (raw2[i / 8] & (1 << (i % 8))) {
            fuzz_fail("bit %" PRIu64 " past the block encoded", i);
        }
    }
    return 0;
}
