/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The multifd wire format (QEMU's, big-endian; see
 * docs/devel/migration-multifd.md): the initial packet each channel
 * sends once, and the packet header that precedes every batch of pages.
 * Encoding and parsing only: no channel, thread or RAMBlock, so the
 * parsers can be fuzzed on their own.
 */
#ifndef MIGRATION_MULTIFD_PACKET_H
#define MIGRATION_MULTIFD_PACKET_H

#include "qemu/uuid.h"

#define MULTIFD_MAGIC   0x11223344U
#define MULTIFD_VERSION 1

/* Packet flags. */
#define MULTIFD_FLAG_SYNC             (1 << 0)
#define MULTIFD_FLAG_COMPRESSION_MASK (0x1f << 1)
#define MULTIFD_FLAG_NOCOMP           (0 << 1)
#define MULTIFD_FLAG_ZLIB             (1 << 1)
#define MULTIFD_FLAG_ZSTD             (2 << 1)
#define MULTIFD_FLAG_QPL              (4 << 1)
#define MULTIFD_FLAG_UADK             (8 << 1)
#define MULTIFD_FLAG_QATZIP           (16 << 1)
/* QEMU 10.0+: the packet carries device state, not RAM. */
#define MULTIFD_FLAG_DEVICE_STATE     (32 << 1)

/* Guest RAM per packet; pages per packet is this over the page size. */
#define MULTIFD_PACKET_SIZE (512 * 1024)

/*
 * Initial packet: be32 magic, be32 version, 16 bytes uuid, u8 channel
 * id, 7 + 32 bytes reserved (zero).
 */
#define MULTIFD_INIT_PACKET_SIZE 64

/*
 * Packet header: be32 magic, version, flags, pages_alloc, normal_pages,
 * next_packet_size; be64 packet_num; be32 zero_pages; 4 + 24 bytes
 * reserved; 256 bytes NUL-terminated ramblock name; then one be64
 * offset slot per page of a packet (normal pages first, then zero
 * pages, the rest zero).  The header's size is fixed by the page
 * size.  QEMU before 9.0 has no zero_pages: the field was reserved and
 * written as zero.
 */
#define MULTIFD_PACKET_FIXED_SIZE 320
#define MULTIFD_RAMBLOCK_NAME_SIZE 256

/* The header's length for @page_count pages per packet. */
static inline size_t multifd_packet_len(uint32_t page_count)
{
    return MULTIFD_PACKET_FIXED_SIZE + (size_t)page_count * 8;
}

typedef struct MultiFDPacketInfo {
    uint32_t flags;
    uint32_t pages_alloc;
    uint32_t normal_pages;
    uint32_t zero_pages;
    uint32_t next_packet_size;
    uint64_t packet_num;
    char ramblock[MULTIFD_RAMBLOCK_NAME_SIZE];
} MultiFDPacketInfo;

/*
 * The compression a packet's flags name ("none", "zlib", "zstd", "qpl",
 * "uadk", "qatzip"), or "unknown".
 */
const char *multifd_flag_compression_name(uint32_t flags);

/* Write the initial packet of channel @id into @buf. */
void multifd_init_packet_encode(uint8_t buf[MULTIFD_INIT_PACKET_SIZE],
                                const QemuUUID *uuid, uint8_t id);

/*
 * Check an initial packet against this side: magic, version, the VM's
 * @uuid, and a channel id below @channels.  Returns the id, or -1 with
 * an error naming what was wrong.
 */
int multifd_init_packet_parse(const uint8_t buf[MULTIFD_INIT_PACKET_SIZE],
                              const QemuUUID *uuid, unsigned channels,
                              Error **errp);

/*
 * Write a packet header for @page_count pages per packet into @buf
 * (multifd_packet_len(@page_count) bytes): @info's counts and name, and
 * normal_pages + zero_pages @offsets.  Unused offset slots are zero.
 */
void multifd_packet_encode(uint8_t *buf, uint32_t page_count,
                           const MultiFDPacketInfo *info,
                           const uint64_t *offsets);

/*
 * Parse a header of multifd_packet_len(@page_count) bytes: magic,
 * version, flags QEMU defines for RAM, page counts within
 * @page_count, and (when it carries pages) a terminated ramblock name.
 * The normal_pages + zero_pages offsets go to @offsets (room for
 * @page_count).  Errors name the field and both values.
 */
bool multifd_packet_parse(const uint8_t *buf, uint32_t page_count,
                          MultiFDPacketInfo *info, uint64_t *offsets,
                          Error **errp);

/*
 * Check the offsets of a parsed packet against its ramblock: each one
 * page-aligned and the whole page inside @block_len bytes.
 */
bool multifd_packet_check_offsets(const MultiFDPacketInfo *info,
                                  const uint64_t *offsets,
                                  uint64_t block_len, uint32_t page_size,
                                  Error **errp);

#endif /* MIGRATION_MULTIFD_PACKET_H */
