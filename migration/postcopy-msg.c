/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Postcopy command and return-path payloads: encoders and checked
 * decoders.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/bitmap.h"
#include "qemu/bswap.h"
#include "migration/postcopy-msg.h"

void postcopy_advise_encode(uint8_t buf[POSTCOPY_ADVISE_LEN],
                            uint64_t pagesize_summary,
                            uint64_t target_page_size)
{
    stq_be_p(buf, pagesize_summary);
    stq_be_p(buf + 8, target_page_size);
}

bool postcopy_advise_decode(const uint8_t *buf, unsigned len,
                            bool postcopy_ram, bool *has_ram,
                            uint64_t *pagesize_summary,
                            uint64_t *target_page_size, Error **errp)
{
    switch (len) {
    case 0:
        if (postcopy_ram) {
            error_setg(errp, "RAM postcopy is enabled but have 0 byte "
                       "advise");
            return false;
        }
        *has_ram = false;
        return true;
    case POSTCOPY_ADVISE_LEN:
        if (!postcopy_ram) {
            error_setg(errp, "RAM postcopy is disabled but have 16 byte "
                       "advise");
            return false;
        }
        *has_ram = true;
        *pagesize_summary = ldq_be_p(buf);
        *target_page_size = ldq_be_p(buf + 8);
        return true;
    default:
        error_setg(errp, "CMD_POSTCOPY_ADVISE invalid length (%u)", len);
        return false;
    }
}

bool postcopy_advise_check(uint64_t remote_summary, uint64_t local_summary,
                           uint64_t remote_tps, uint64_t local_tps,
                           Error **errp)
{
    if (remote_summary != local_summary) {
        error_setg(errp, "Postcopy needs matching RAM page sizes (s=%"
                   PRIx64 " d=%" PRIx64 ")", remote_summary, local_summary);
        return false;
    }
    if (remote_tps != local_tps) {
        error_setg(errp, "Postcopy needs matching target page sizes "
                   "(s=%" PRIu64 " d=%" PRIu64 ")", remote_tps, local_tps);
        return false;
    }
    return true;
}

size_t postcopy_discard_len(const char *block, unsigned n)
{
    return 1 + 1 + strlen(block) + 1 + 16 * (size_t)n;
}

size_t postcopy_discard_encode(uint8_t *buf, const char *block,
                               const uint64_t *start, const uint64_t *len,
                               unsigned n)
{
    size_t name_len = strlen(block);
    size_t pos;

    assert(name_len < 256);
    buf[0] = POSTCOPY_RAM_DISCARD_VERSION;
    buf[1] = name_len;
    memcpy(buf + 2, block, name_len);
    pos = 2 + name_len;
    buf[pos++] = 0;
    for (unsigned i = 0; i < n; i++) {
        stq_be_p(buf + pos, start[i]);
        stq_be_p(buf + pos + 8, len[i]);
        pos += 16;
    }
    return pos;
}

bool postcopy_discard_decode(const uint8_t *buf, unsigned len,
                             char block[256], uint64_t **start,
                             uint64_t **length, unsigned *n, Error **errp)
{
    unsigned name_len, rest, pos;

    *start = *length = NULL;
    *n = 0;
    /* Version, name length, a name of at least one byte, the 0, a range. */
    if (len < 1 + 1 + 1 + 1 + 2 * 8) {
        error_setg(errp, "CMD_POSTCOPY_RAM_DISCARD invalid length (%u)",
                   len);
        return false;
    }
    if (buf[0] != POSTCOPY_RAM_DISCARD_VERSION) {
        error_setg(errp, "CMD_POSTCOPY_RAM_DISCARD invalid version (%d)",
                   buf[0]);
        return false;
    }
    name_len = buf[1];
    if (!name_len || 2 + name_len + 1 > len) {
        error_setg(errp, "CMD_POSTCOPY_RAM_DISCARD Failed to read RAMBlock "
                   "ID");
        return false;
    }
    memcpy(block, buf + 2, name_len);
    block[name_len] = 0;
    pos = 2 + name_len;
    if (buf[pos]) {
        error_setg(errp, "CMD_POSTCOPY_RAM_DISCARD missing nil (%d)",
                   buf[pos]);
        return false;
    }
    pos++;
    rest = len - pos;
    if (rest % 16) {
        error_setg(errp, "CMD_POSTCOPY_RAM_DISCARD invalid length (%u)",
                   rest);
        return false;
    }
    *n = rest / 16;
    *start = g_new(uint64_t, *n);
    *length = g_new(uint64_t, *n);
    for (unsigned i = 0; i < *n; i++, pos += 16) {
        (*start)[i] = ldq_be_p(buf + pos);
        (*length)[i] = ldq_be_p(buf + pos + 8);
    }
    return true;
}

size_t postcopy_block_name_encode(uint8_t *buf, const char *block)
{
    size_t name_len = strlen(block);

    assert(name_len < 256);
    buf[0] = name_len;
    memcpy(buf + 1, block, name_len);
    return 1 + name_len;
}

bool postcopy_block_name_decode(const uint8_t *buf, unsigned len,
                                const char *what, char block[256],
                                Error **errp)
{
    if (!len || !buf[0]) {
        error_setg(errp, "%s: failed to read block name", what);
        return false;
    }
    if (len != buf[0] + 1u) {
        error_setg(errp, "%s: invalid payload length (%u)", what, len);
        return false;
    }
    memcpy(block, buf + 1, buf[0]);
    block[buf[0]] = 0;
    return true;
}

size_t postcopy_req_pages_encode(uint8_t *buf, const char *block,
                                 uint64_t start, uint32_t len)
{
    stq_be_p(buf, start);
    stl_be_p(buf + 8, len);
    if (!block) {
        return 12;
    }
    return 12 + postcopy_block_name_encode(buf + 12, block);
}

bool postcopy_req_pages_decode(bool with_id, const uint8_t *buf,
                               unsigned len, char block[256],
                               uint64_t *start, uint32_t *pages_len,
                               Error **errp)
{
    unsigned expected = with_id ? 12 + 1 : 12;

    if (with_id && len >= expected) {
        expected += buf[12];
    }
    if (len != expected) {
        error_setg(errp, "RP: %s with length %u expecting %u",
                   with_id ? "Req_Page_id" : "Req_Page", len, expected);
        return false;
    }
    *start = ldq_be_p(buf);
    *pages_len = ldl_be_p(buf + 8);
    block[0] = 0;
    if (with_id) {
        if (!buf[12]) {
            error_setg(errp, "RP: Req_Page_id with an empty block name");
            return false;
        }
        memcpy(block, buf + 13, buf[12]);
        block[buf[12]] = 0;
    }
    return true;
}

/* The bitmap's size on the wire: whole 64-bit words. */
static uint64_t recv_bitmap_bytes(uint64_t nbits)
{
    return ROUND_UP(DIV_ROUND_UP(nbits, 8), 8);
}

void postcopy_recv_bitmap_put(QEMUFile *f, const unsigned long *bitmap,
                              uint64_t nbits)
{
    uint64_t size = recv_bitmap_bytes(nbits);
    g_autofree uint8_t *le = g_malloc0(size);

    for (uint64_t w = 0; w < size / 8; w++) {
        uint64_t word = 0;

        for (int b = 0; b < 64 && w * 64 + b < nbits; b++) {
            if (test_bit(w * 64 + b, bitmap)) {
                word |= 1ULL << b;
            }
        }
        stq_le_p(le + w * 8, word);
    }
    qemu_put_be64(f, size);
    qemu_put_buffer(f, le, size);
    qemu_put_be64(f, RAMBLOCK_RECV_BITMAP_ENDING);
}

bool postcopy_recv_bitmap_get(QEMUFile *f, const char *block,
                              unsigned long *bitmap, uint64_t nbits,
                              Error **errp)
{
    uint64_t local = recv_bitmap_bytes(nbits);
    uint64_t size = qemu_get_be64(f);
    g_autofree uint8_t *le = NULL;
    uint64_t got, end;

    if (qemu_file_get_error(f)) {
        error_setg(errp, "read bitmap failed for ramblock '%s': the "
                   "stream ended", block);
        return false;
    }
    if (size != local) {
        error_setg(errp, "ramblock '%s' bitmap size mismatch (0x%" PRIx64
                   " != 0x%" PRIx64 ")", block, size, local);
        return false;
    }
    le = g_malloc(local);
    got = qemu_get_buffer(f, le, local);
    end = qemu_get_be64(f);
    if (qemu_file_get_error(f) || got != local) {
        error_setg(errp, "read bitmap failed for ramblock '%s': (size 0x%"
                   PRIx64 ", got: 0x%" PRIx64 ")", block, local, got);
        return false;
    }
    if (end != RAMBLOCK_RECV_BITMAP_ENDING) {
        error_setg(errp, "ramblock '%s' end mark incorrect: 0x%" PRIx64,
                   block, end);
        return false;
    }
    bitmap_zero(bitmap, nbits);
    for (uint64_t i = 0; i < nbits; i++) {
        if (le[i / 8] & (1u << (i % 8))) {
            set_bit(i, bitmap);
        }
    }
    return true;
}
