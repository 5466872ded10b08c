/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the postcopy payload decoders
 * (migration/postcopy-msg.c).  The first input byte picks the decoder
 * (ADVISE, RAM_DISCARD, a str8 block name, REQ_PAGES, REQ_PAGES_ID, the
 * received bitmap), the rest is the payload.
 *
 * Checks, for arbitrary bytes: no crash, overflow or leak (ASan/LSan);
 * every failure says why; whatever is accepted encodes back to exactly
 * the input (so a decoder never accepts bytes it misread).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/bitmap.h"
#include "qemu/coroutine.h"
#include "qemu/module.h"
#include "io/channel-buffer.h"
#include "migration/postcopy-msg.h"
#include "tests/fuzz/fuzz-fail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A buffer channel never blocks: no coroutine is ever involved. */
bool qemu_in_coroutine(void) { return false; }
Coroutine *qemu_coroutine_self(void) { g_assert_not_reached(); }
void qemu_coroutine_yield(void) { g_assert_not_reached(); }
void qemu_coroutine_enter(Coroutine *co) { g_assert_not_reached(); }

static void same(const uint8_t *a, size_t alen, const uint8_t *b,
                 size_t blen, const char *what)
{
    if (alen != blen || memcmp(a, b, alen)) {
        fuzz_fail("%s: accepted %zu bytes that encode back to %zu "
                  "different ones", what, alen, blen);
    }
}

static bool fuzz_advise(const uint8_t *p, size_t len, Error **errp)
{
    uint8_t out[POSTCOPY_ADVISE_LEN];
    uint64_t summary = 0, tps = 0;
    bool has_ram;

    if (!postcopy_advise_decode(p, len, len == POSTCOPY_ADVISE_LEN,
                                &has_ram, &summary, &tps, errp)) {
        return false;
    }
    if (has_ram) {
        postcopy_advise_encode(out, summary, tps);
        same(p, len, out, sizeof(out), "ADVISE");
    } else if (len) {
        fuzz_fail("ADVISE of %zu bytes without RAM", len);
    }
    return true;
}

static bool fuzz_discard(const uint8_t *p, size_t len, Error **errp)
{
    char block[256];
    g_autofree uint64_t *start = NULL;
    g_autofree uint64_t *length = NULL;
    g_autofree uint8_t *out = NULL;
    unsigned n;
    size_t olen;

    if (!postcopy_discard_decode(p, len, block, &start, &length, &n,
                                 errp)) {
        return false;
    }
    if (strlen(block) != p[1]) {
        /* A NUL inside the name: the name is not what was sent. */
        return true;
    }
    out = g_malloc(postcopy_discard_len(block, n));
    olen = postcopy_discard_encode(out, block, start, length, n);
    same(p, len, out, olen, "RAM_DISCARD");
    return true;
}

static bool fuzz_block_name(const uint8_t *p, size_t len, Error **errp)
{
    char block[256];
    uint8_t out[256];

    if (!postcopy_block_name_decode(p, len, "RECV_BITMAP", block, errp)) {
        return false;
    }
    if (strlen(block) == p[0]) {
        same(p, len, out, postcopy_block_name_encode(out, block),
             "block name");
    }
    return true;
}

static bool fuzz_req_pages(bool with_id, const uint8_t *p, size_t len,
                           Error **errp)
{
    uint8_t out[POSTCOPY_REQ_PAGES_MAX_LEN];
    char block[256];
    uint64_t start;
    uint32_t plen;

    if (!postcopy_req_pages_decode(with_id, p, len, block, &start, &plen,
                                   errp)) {
        return false;
    }
    if (!with_id || strlen(block) == p[12]) {
        same(p, len, out,
             postcopy_req_pages_encode(out, with_id ? block : NULL, start,
                                       plen),
             "REQ_PAGES");
    }
    return true;
}

static bool fuzz_recv_bitmap(const uint8_t *p, size_t len, Error **errp)
{
    g_autoptr(QIOChannelBuffer) bioc = NULL;
    g_autoptr(QIOChannelBuffer) obioc = NULL;
    g_autofree unsigned long *bm = NULL;
    QEMUFile *f, *of;
    uint64_t nbits;
    bool ok;

    if (len < 2) {
        error_setg(errp, "too short for a bit count");
        return false;
    }
    nbits = p[0] | (p[1] << 8);
    p += 2;
    len -= 2;
    bioc = qio_channel_buffer_new(len);
    if (len) {
        memcpy(bioc->data, p, len);
    }
    bioc->usage = len;
    f = qemu_file_new_input(QIO_CHANNEL(bioc));
    bm = bitmap_new(nbits ? nbits : 1);
    ok = postcopy_recv_bitmap_get(f, "ram", bm, nbits, errp);
    qemu_fclose(f);
    if (!ok) {
        return false;
    }
    /* Bits past nbits in the last word may be anything on the wire. */
    obioc = qio_channel_buffer_new(len);
    of = qemu_file_new_output(QIO_CHANNEL(obioc));
    postcopy_recv_bitmap_put(of, bm, nbits);
    qemu_fflush(of);
    if (obioc->usage > len || memcmp(obioc->data, p, 8) ||
        memcmp(obioc->data + obioc->usage - 8, p + obioc->usage - 8, 8)) {
        fuzz_fail("received bitmap re-encodes differently");
    }
    for (uint64_t i = 0; i < nbits; i++) {
        if (!!test_bit(i, bm) != !!(p[8 + i / 8] & (1 << (i % 8)))) {
            fuzz_fail("bit %" PRIu64 " misread", i);
        }
    }
    qemu_fclose(of);
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool initialized;
    Error *err = NULL;
    bool ok;

    if (!initialized) {
        module_call_init(MODULE_INIT_QOM);
        initialized = true;
    }
    if (!size || size > 65536) {
        return 0;
    }
    switch (data[0] % 6) {
    case 0:
        ok = fuzz_advise(data + 1, size - 1, &err);
        break;
    case 1:
        ok = fuzz_discard(data + 1, size - 1, &err);
        break;
    case 2:
        ok = fuzz_block_name(data + 1, size - 1, &err);
        break;
    case 3:
        ok = fuzz_req_pages(false, data + 1, size - 1, &err);
        break;
    case 4:
        ok = fuzz_req_pages(true, data + 1, size - 1, &err);
        break;
    default:
        ok = fuzz_recv_bitmap(data + 1, size - 1, &err);
        break;
    }
    if (!ok && !err) {
        fuzz_fail("a decoder failed without saying why");
    }
    if (ok && err) {
        fuzz_fail("a decoder succeeded and set an error");
    }
    error_free(err);
    return 0;
}
