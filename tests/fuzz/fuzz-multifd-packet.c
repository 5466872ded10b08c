/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the multifd packet header parser
 * (multifd_packet_parse, then multifd_packet_check_offsets against a
 * block), as a receive thread runs them on every packet.
 *
 * Input: be32 block length, then the header (short inputs are padded
 * with zeroes to its 1344 bytes).  Checks: no crash, overflow or leak;
 * every failure says why; an accepted header has the magic and version,
 * only flags QEMU defines for RAM, counts within the packet, a
 * terminated name, offsets equal to the input's; offsets that pass the
 * block check are page-aligned pages inside the block; and encoding the
 * parsed header gives it back.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/bswap.h"
#include "migration/multifd-packet.h"
#include "tests/fuzz/fuzz-fail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PAGE 4096
#define PAGES 128

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t len = multifd_packet_len(PAGES);
    g_autofree uint8_t *pkt = g_malloc0(len);
    g_autofree uint8_t *again = g_malloc0(len);
    uint64_t offsets[PAGES];
    MultiFDPacketInfo info;
    uint64_t block_len;
    Error *err = NULL;
    uint32_t n;

    if (size < 4) {
        return 0;
    }
    block_len = (uint64_t)ldl_be_p(data) * 16;
    memcpy(pkt, data + 4, MIN(size - 4, len));

    if (!multifd_packet_parse(pkt, PAGES, &info, offsets, &err)) {
        if (!err || !*error_get_pretty(err)) {
            fuzz_fail("refused without saying why");
        }
        error_free(err);
        return 0;
    }
    n = info.normal_pages + info.zero_pages;
    if (ldl_be_p(pkt) != MULTIFD_MAGIC || ldl_be_p(pkt + 4) != 1 ||
        (info.flags & ~(MULTIFD_FLAG_SYNC | MULTIFD_FLAG_COMPRESSION_MASK)) ||
        info.pages_alloc > PAGES || n > info.pages_alloc ||
        info.normal_pages > info.pages_alloc) {
        fuzz_fail("accepted a bad header (flags 0x%x, %u/%u/%u pages)",
                  info.flags, info.normal_pages, info.zero_pages,
                  info.pages_alloc);
    }
    if (n && strnlen(info.ramblock, sizeof(info.ramblock)) >=
        sizeof(info.ramblock)) {
        fuzz_fail("accepted an unterminated ramblock name");
    }
    for (uint32_t i = 0; i < n; i++) {
        if (offsets[i] != ldq_be_p(pkt + 320 + i * 8)) {
            fuzz_fail("offset %u is not the input's", i);
        }
    }
    if (multifd_packet_check_offsets(&info, offsets, block_len, PAGE,
                                     &err)) {
        for (uint32_t i = 0; i < n; i++) {
            if (offsets[i] % PAGE || offsets[i] + PAGE > block_len) {
                fuzz_fail("offset 0x%" PRIx64 " passed a 0x%" PRIx64
                          "-byte block", offsets[i], block_len);
            }
        }
    } else {
        if (!err || !*error_get_pretty(err)) {
            fuzz_fail("offsets refused without saying why");
        }
        error_free(err);
    }

    /* What was accepted encodes back to the same header fields. */
    multifd_packet_encode(again, PAGES, &info, offsets);
    if (memcmp(again, pkt, 32) || memcmp(again + 32, pkt + 32, 4) ||
        memcmp(again + 320, pkt + 320, n * 8) ||
        (n && strcmp((char *)again + 64, info.ramblock))) {
        fuzz_fail("re-encoding differs from the input");
    }
    return 0;
}
