/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multifd initial packet and packet header: encode and parse (see
 * multifd-packet.h for the layout).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/bswap.h"
#include "migration/multifd-packet.h"

/* Field offsets in the packet header. */
#define PKT_MAGIC            0
#define PKT_VERSION          4
#define PKT_FLAGS            8
#define PKT_PAGES_ALLOC     12
#define PKT_NORMAL_PAGES    16
#define PKT_NEXT_SIZE       20
#define PKT_PACKET_NUM      24
#define PKT_ZERO_PAGES      32
#define PKT_RAMBLOCK        64
#define PKT_OFFSETS        320

/* Initial packet. */
#define INIT_MAGIC    0
#define INIT_VERSION  4
#define INIT_UUID     8
#define INIT_ID      24

/* The flags a RAM packet may carry. */
#define MULTIFD_FLAGS_KNOWN (MULTIFD_FLAG_SYNC | MULTIFD_FLAG_COMPRESSION_MASK)

const char *multifd_flag_compression_name(uint32_t flags)
{
    switch (flags & MULTIFD_FLAG_COMPRESSION_MASK) {
    case MULTIFD_FLAG_NOCOMP:
        return "none";
    case MULTIFD_FLAG_ZLIB:
        return "zlib";
    case MULTIFD_FLAG_ZSTD:
        return "zstd";
    case MULTIFD_FLAG_QPL:
        return "qpl";
    case MULTIFD_FLAG_UADK:
        return "uadk";
    case MULTIFD_FLAG_QATZIP:
        return "qatzip";
    default:
        return "unknown";
    }
}

void multifd_init_packet_encode(uint8_t buf[MULTIFD_INIT_PACKET_SIZE],
                                const QemuUUID *uuid, uint8_t id)
{
    memset(buf, 0, MULTIFD_INIT_PACKET_SIZE);
    stl_be_p(buf + INIT_MAGIC, MULTIFD_MAGIC);
    stl_be_p(buf + INIT_VERSION, MULTIFD_VERSION);
    memcpy(buf + INIT_UUID, uuid->data, sizeof(uuid->data));
    buf[INIT_ID] = id;
}

int multifd_init_packet_parse(const uint8_t buf[MULTIFD_INIT_PACKET_SIZE],
                              const QemuUUID *uuid, unsigned channels,
                              Error **errp)
{
    uint32_t magic = ldl_be_p(buf + INIT_MAGIC);
    uint32_t version = ldl_be_p(buf + INIT_VERSION);
    uint8_t id = buf[INIT_ID];

    if (magic != MULTIFD_MAGIC) {
        error_setg(errp, "received packet magic %x expected %x",
                   magic, MULTIFD_MAGIC);
        return -1;
    }
    if (version != MULTIFD_VERSION) {
        error_setg(errp, "received packet version %u expected %u",
                   version, MULTIFD_VERSION);
        return -1;
    }
    if (memcmp(buf + INIT_UUID, uuid->data, sizeof(uuid->data))) {
        QemuUUID got;
        g_autofree char *got_str = NULL;
        g_autofree char *want_str = qemu_uuid_unparse_strdup(uuid);

        memcpy(got.data, buf + INIT_UUID, sizeof(got.data));
        got_str = qemu_uuid_unparse_strdup(&got);
        error_setg(errp, "received uuid '%s' and expected uuid "
                   "'%s' for channel %u", got_str, want_str, id);
        return -1;
    }
    if (id >= channels) {
        error_setg(errp, "received channel id %u, but only %u "
                   "channels (0-%u) are expected (multifd-channels)",
                   id, channels, channels - 1);
        return -1;
    }
    return id;
}

void multifd_packet_encode(uint8_t *buf, uint32_t page_count,
                           const MultiFDPacketInfo *info,
                           const uint64_t *offsets)
{
    uint32_t n = info->normal_pages + info->zero_pages;

    memset(buf, 0, multifd_packet_len(page_count));
    stl_be_p(buf + PKT_MAGIC, MULTIFD_MAGIC);
    stl_be_p(buf + PKT_VERSION, MULTIFD_VERSION);
    stl_be_p(buf + PKT_FLAGS, info->flags);
    stl_be_p(buf + PKT_PAGES_ALLOC, info->pages_alloc);
    stl_be_p(buf + PKT_NORMAL_PAGES, info->normal_pages);
    stl_be_p(buf + PKT_NEXT_SIZE, info->next_packet_size);
    stq_be_p(buf + PKT_PACKET_NUM, info->packet_num);
    stl_be_p(buf + PKT_ZERO_PAGES, info->zero_pages);
    if (n) {
        g_strlcpy((char *)buf + PKT_RAMBLOCK, info->ramblock,
                  MULTIFD_RAMBLOCK_NAME_SIZE);
    }
    for (uint32_t i = 0; i < n && i < page_count; i++) {
        stq_be_p(buf + PKT_OFFSETS + i * 8, offsets[i]);
    }
}

bool multifd_packet_parse(const uint8_t *buf, uint32_t page_count,
                          MultiFDPacketInfo *info, uint64_t *offsets,
                          Error **errp)
{
    uint32_t magic = ldl_be_p(buf + PKT_MAGIC);
    uint32_t version = ldl_be_p(buf + PKT_VERSION);
    uint32_t n;

    if (magic != MULTIFD_MAGIC) {
        error_setg(errp, "received packet magic %x and expected "
                   "magic %x", magic, MULTIFD_MAGIC);
        return false;
    }
    if (version != MULTIFD_VERSION) {
        error_setg(errp, "received packet version %u and expected "
                   "version %u", version, MULTIFD_VERSION);
        return false;
    }
    info->flags = ldl_be_p(buf + PKT_FLAGS);
    if (info->flags & MULTIFD_FLAG_DEVICE_STATE) {
        error_setg(errp, "received a device state packet (flags "
                   "0x%x); Tern migrates no device state over multifd",
                   info->flags);
        return false;
    }
    if (info->flags & ~MULTIFD_FLAGS_KNOWN) {
        error_setg(errp, "received packet with unknown flags 0x%x",
                   info->flags & ~MULTIFD_FLAGS_KNOWN);
        return false;
    }
    info->pages_alloc = ldl_be_p(buf + PKT_PAGES_ALLOC);
    if (info->pages_alloc > page_count) {
        error_setg(errp, "received packet with %u pages, "
                   "expected %u", info->pages_alloc, page_count);
        return false;
    }
    info->normal_pages = ldl_be_p(buf + PKT_NORMAL_PAGES);
    if (info->normal_pages > info->pages_alloc) {
        error_setg(errp, "received packet with %u non-zero pages, "
                   "which exceeds maximum expected pages %u",
                   info->normal_pages, info->pages_alloc);
        return false;
    }
    info->zero_pages = ldl_be_p(buf + PKT_ZERO_PAGES);
    if (info->zero_pages > info->pages_alloc - info->normal_pages) {
        error_setg(errp, "received packet with %u zero pages, "
                   "expected maximum %u", info->zero_pages,
                   info->pages_alloc - info->normal_pages);
        return false;
    }
    info->next_packet_size = ldl_be_p(buf + PKT_NEXT_SIZE);
    info->packet_num = ldq_be_p(buf + PKT_PACKET_NUM);
    info->ramblock[0] = 0;
    n = info->normal_pages + info->zero_pages;
    if (!n) {
        return true;    /* no pages: the name is not looked at */
    }
    if (!memchr(buf + PKT_RAMBLOCK, 0, MULTIFD_RAMBLOCK_NAME_SIZE)) {
        error_setg(errp, "received packet whose ramblock name is "
                   "not terminated within %d bytes",
                   MULTIFD_RAMBLOCK_NAME_SIZE);
        return false;
    }
    memcpy(info->ramblock, buf + PKT_RAMBLOCK, MULTIFD_RAMBLOCK_NAME_SIZE);
    for (uint32_t i = 0; i < n; i++) {
        offsets[i] = ldq_be_p(buf + PKT_OFFSETS + i * 8);
    }
    return true;
}

bool multifd_packet_check_offsets(const MultiFDPacketInfo *info,
                                  const uint64_t *offsets,
                                  uint64_t block_len, uint32_t page_size,
                                  Error **errp)
{
    uint32_t n = info->normal_pages + info->zero_pages;

    for (uint32_t i = 0; i < n; i++) {
        if (block_len < page_size || offsets[i] > block_len - page_size) {
            error_setg(errp, "offset too long %" PRIu64 " (max %"
                       PRIu64 ") in ramblock %s", offsets[i], block_len,
                       info->ramblock);
            return false;
        }
        if (offsets[i] & (page_size - 1)) {
            error_setg(errp, "offset 0x%" PRIx64 " in ramblock %s "
                       "is not a multiple of the page size %u", offsets[i],
                       info->ramblock, page_size);
            return false;
        }
    }
    return true;
}
