/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the XBZRLE decoder (migration/xbzrle.c).
 *
 * The first input byte picks the mode:
 *  - even: the rest is a record, decoded onto a 4 KiB page between
 *    guard pages.  A failure always says why; a success never writes
 *    past the reported end, and agrees with xbzrle_decode_buffer().
 *  - odd: the rest makes an old and a new page (the new one is the old
 *    with the input's bytes written over it at input-chosen offsets);
 *    encoding and decoding onto the old page must give the new one,
 *    and an equal pair must encode to nothing.
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include "qapi/error.h"
#include "migration/xbzrle.h"
#include "tests/fuzz/fuzz-fail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PAGE 4096

static uint8_t *guarded;

static uint8_t *guarded_page(void)
{
    if (!guarded) {
        uint8_t *m = mmap(NULL, 3 * PAGE, PROT_NONE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

        if (m == MAP_FAILED ||
            mprotect(m + PAGE, PAGE, PROT_READ | PROT_WRITE)) {
            fuzz_fail("cannot map the guarded page");
        }
        guarded = m + PAGE;
    }
    return guarded;
}

static void fuzz_decode(const uint8_t *rec, size_t len)
{
    uint8_t *page = guarded_page();
    uint8_t copy[PAGE];
    Error *err = NULL;
    int n;

    if (len > PAGE) {
        return;     /* the loader refuses longer records before decoding */
    }
    memset(page, 0xa5, PAGE);
    n = xbzrle_decode_buffer(rec, len, copy, PAGE);
    if (!xbzrle_decode_page(rec, len, page, PAGE, &err)) {
        if (!err || !*error_get_pretty(err)) {
            fuzz_fail("decode failed without a reason");
        }
        if (n >= 0) {
            fuzz_fail("the two decoders disagree (%d)", n);
        }
        error_free(err);
        return;
    }
    if (n < 0 || n > PAGE) {
        fuzz_fail("the two decoders disagree (%d)", n);
    }
    for (int i = n; i < PAGE; i++) {
        if (page[i] != 0xa5) {
            fuzz_fail("byte %d written past the decoded end %d", i, n);
        }
    }
}

static void fuzz_round_trip(const uint8_t *in, size_t len)
{
    uint8_t old[PAGE], new[PAGE], enc[PAGE], out[PAGE];
    size_t i = 0;
    int n;

    for (int j = 0; j < PAGE; j++) {
        old[j] = j * 7 + (j >> 5);
    }
    memcpy(new, old, PAGE);
    /* Runs: be16 offset, length byte, that many bytes. */
    while (i + 3 <= len) {
        size_t off = ((in[i] << 8) | in[i + 1]) % PAGE;
        size_t run = MIN(in[i + 2], len - i - 3);

        run = MIN(run, PAGE - off);
        memcpy(new + off, in + i + 3, run);
        i += 3 + run;
    }
    n = xbzrle_encode_buffer(old, new, PAGE, enc, PAGE);
    if (n == 0) {
        if (memcmp(old, new, PAGE)) {
            fuzz_fail("different pages encoded to nothing");
        }
        return;
    }
    if (n < 0) {
        return;     /* overflow: sent as a normal page */
    }
    memcpy(out, old, PAGE);
    if (xbzrle_decode_buffer(enc, n, out, PAGE) < 0) {
        fuzz_fail("an encoded page (%d bytes) does not decode", n);
    }
    if (memcmp(out, new, PAGE)) {
        fuzz_fail("round trip changed the page");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    if (data[0] & 1) {
        fuzz_round_trip(data + 1, size - 1);
    } else {
        fuzz_decode(data + 1, size - 1);
    }
    return 0;
}
