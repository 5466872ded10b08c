/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mapped-ram's file format (see mapped-ram.h): the per-block header and
 * the bitmap of pages present, encoded and parsed without I/O (so that
 * tests/fuzz/fuzz-mapped-ram.c can run the parser alone).
 */
#ifndef MIGRATION_MAPPED_RAM_FORMAT_H
#define MIGRATION_MAPPED_RAM_FORMAT_H

#define MAPPED_RAM_HDR_VERSION           1
/* be32 version, be64 page_size, be64 bitmap_offset, be64 pages_offset */
#define MAPPED_RAM_HDR_SIZE              28
/* Where pages start: O_DIRECT needs aligned offsets on any device. */
#define MAPPED_RAM_FILE_OFFSET_ALIGNMENT (1 * MiB)
/* The largest read of pages at a time on the destination. */
#define MAPPED_RAM_LOAD_BUF_SIZE         (1 * MiB)

typedef struct MappedRamHeader {
    uint32_t version;
    uint64_t page_size;
    uint64_t bitmap_offset;
    uint64_t pages_offset;
} MappedRamHeader;

void mapped_ram_header_encode(uint8_t *buf, const MappedRamHeader *h);
/*
 * Parse the header of block @name (@length bytes) in a file of
 * @file_size bytes: the version, the page size, the bitmap and the pages
 * inside the file and apart.  An x-ignore-shared block (@ignored) may
 * have neither (both offsets 0).  False with @errp naming the field.
 */
bool mapped_ram_header_parse(const uint8_t *buf, const char *name,
                             uint64_t length, bool ignored,
                             uint64_t file_size, MappedRamHeader *h,
                             Error **errp);
/* Bytes of a bitmap of @pages pages in the file (whole 64-bit words). */
uint64_t mapped_ram_bitmap_size(uint64_t pages);
/*
 * The bitmap as the file has it (64-bit little-endian words: QEMU
 * writes its host's unsigned longs, which is that on x86-64) to and
 * from a host bitmap of @pages bits.
 */
void mapped_ram_bitmap_encode(uint8_t *dst, const unsigned long *src,
                              uint64_t pages);
void mapped_ram_bitmap_decode(unsigned long *dst, const uint8_t *src,
                              uint64_t pages);

#endif /* MIGRATION_MAPPED_RAM_FORMAT_H */
