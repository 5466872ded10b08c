/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the multifd initial packet parser
 * (multifd_init_packet_parse): the first 64 bytes of every multifd
 * connection, checked against this VM's uuid and multifd-channels.
 *
 * Input: one byte of channel count, then the packet (short inputs are
 * padded with zeroes).  Checks: no crash or leak; a failure always says
 * why; an accepted packet has QEMU's magic and version, the uuid, an id
 * below the count, and re-encodes to the same bytes up to the reserved
 * ones.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/bswap.h"
#include "migration/multifd-packet.h"
#include "tests/fuzz/fuzz-fail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const QemuUUID fuzz_uuid = { .data = {
    0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
    0x0f, 0xed, 0xcb, 0xa9, 0x87, 0x65, 0x43, 0x21 } };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t pkt[MULTIFD_INIT_PACKET_SIZE] = { 0 };
    uint8_t again[MULTIFD_INIT_PACKET_SIZE];
    unsigned channels;
    Error *err = NULL;
    int id;

    if (!size) {
        return 0;
    }
    channels = data[0] ? data[0] : 1;       /* multifd-channels is 1..255 */
    memcpy(pkt, data + 1, MIN(size - 1, sizeof(pkt)));

    id = multifd_init_packet_parse(pkt, &fuzz_uuid, channels, &err);
    if (id < 0) {
        if (!err || !*error_get_pretty(err)) {
            fuzz_fail("refused without saying why");
        }
        error_free(err);
        return 0;
    }
    if (err) {
        fuzz_fail("accepted with an error set");
    }
    if (ldl_be_p(pkt) != MULTIFD_MAGIC || ldl_be_p(pkt + 4) !=
        MULTIFD_VERSION || (unsigned)id >= channels || id != pkt[24] ||
        memcmp(pkt + 8, fuzz_uuid.data, 16)) {
        fuzz_fail("accepted a packet that is not valid (id %d of %u)", id,
                  channels);
    }
    multifd_init_packet_encode(again, &fuzz_uuid, id);
    if (memcmp(again, pkt, 25)) {
        fuzz_fail("re-encoding channel %d differs", id);
    }
    return 0;
}
