/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the COLO message reader (migration/colo-msg.c)
 * over a buffer channel, read in the orders the two roles read it
 * (docs/devel/colo.md).  The first input byte picks the reader:
 *
 *   0: any message, until one fails (colo_receive_message);
 *   1: the primary on the return direction: CHECKPOINT_READY, then per
 *      checkpoint CHECKPOINT_REPLY, VMSTATE_RECEIVED, VMSTATE_LOADED;
 *   2: the secondary on the stream: CHECKPOINT_REQUEST, VMSTATE_SEND,
 *      then VMSTATE_SIZE, its be64 and the device state (the RAM records
 *      between them are the stream loader's, fuzzed by
 *      fuzz-migration-stream).
 *
 * Checks, for arbitrary bytes: no crash, overflow or leak (ASan/LSan);
 * every failure says why; what is accepted is exactly what the input
 * holds at that place, a known message, the expected one, a device
 * state no larger than the limit; a message that is there whole and
 * right is never refused; the reader stops at the end of input.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/bswap.h"
#include "qemu/coroutine.h"
#include "qemu/module.h"
#include "io/channel-buffer.h"
#include "migration/colo-msg.h"
#include "tests/fuzz/fuzz-fail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A buffer channel never blocks: no coroutine is ever involved. */
bool qemu_in_coroutine(void) { return false; }
Coroutine *qemu_coroutine_self(void) { g_assert_not_reached(); }
void qemu_coroutine_yield(void) { g_assert_not_reached(); }
void qemu_coroutine_enter(Coroutine *co) { g_assert_not_reached(); }

/* Small, so that the fuzzer reaches the limit. */
#define FUZZ_DEVICE_STATE_MAX 4096

typedef struct Reader {
    QEMUFile *f;
    const uint8_t *data;        /* the stream, after the selector byte */
    size_t size;
    size_t pos;                 /* what the reader consumed so far */
} Reader;

/* The input has a whole be32 at the read position. */
static bool have_be32(Reader *r, uint32_t *v)
{
    if (r->pos + 4 > r->size) {
        return false;
    }
    *v = ldl_be_p(r->data + r->pos);
    return true;
}

static bool read_any(Reader *r, Error **errp)
{
    COLOMessage msg;
    uint32_t v;
    bool whole = have_be32(r, &v);

    if (!colo_receive_message(r->f, &msg, errp)) {
        if (whole && v < COLO_MESSAGE__MAX) {
            fuzz_fail("message %u at %zu refused", v, r->pos);
        }
        return false;
    }
    if (!whole || msg != v || msg >= COLO_MESSAGE__MAX) {
        fuzz_fail("accepted message %d at %zu of %zu", msg, r->pos,
                  r->size);
    }
    r->pos += 4;
    return true;
}

static bool read_expect(Reader *r, COLOMessage expect, Error **errp)
{
    uint32_t v;
    bool whole = have_be32(r, &v);

    if (!colo_receive_check_message(r->f, expect, errp)) {
        if (whole && v == expect) {
            fuzz_fail("expected message %d at %zu refused", expect, r->pos);
        }
        return false;
    }
    if (!whole || v != expect) {
        fuzz_fail("accepted %s at %zu, the input has %s",
                  COLOMessage_str(expect), r->pos,
                  whole ? "another" : "less than a message");
    }
    r->pos += 4;
    return true;
}

static bool read_device_state(Reader *r, Error **errp)
{
    g_autofree uint8_t *buf = NULL;
    uint64_t n = 0;
    uint32_t v;
    bool fits;

    fits = have_be32(r, &v) && v == COLO_MESSAGE_VMSTATE_SIZE &&
           r->pos + 12 <= r->size &&
           (n = ldq_be_p(r->data + r->pos + 4)) <= FUZZ_DEVICE_STATE_MAX &&
           r->pos + 12 + n <= r->size;
    buf = colo_receive_device_state(r->f, FUZZ_DEVICE_STATE_MAX, &n, errp);
    if (!buf) {
        if (fits) {
            fuzz_fail("device state at %zu refused", r->pos);
        }
        return false;
    }
    if (!fits) {
        fuzz_fail("accepted a device state of %" PRIu64 " bytes at %zu of "
                  "%zu", n, r->pos, r->size);
    }
    if (memcmp(buf, r->data + r->pos + 12, n)) {
        fuzz_fail("device state at %zu is not what the input holds", r->pos);
    }
    r->pos += 12 + n;
    return true;
}

static bool read_primary(Reader *r, bool first, Error **errp)
{
    if (first) {
        return read_expect(r, COLO_MESSAGE_CHECKPOINT_READY, errp);
    }
    return read_expect(r, COLO_MESSAGE_CHECKPOINT_REPLY, errp) &&
           read_expect(r, COLO_MESSAGE_VMSTATE_RECEIVED, errp) &&
           read_expect(r, COLO_MESSAGE_VMSTATE_LOADED, errp);
}

static bool read_secondary(Reader *r, Error **errp)
{
    return read_expect(r, COLO_MESSAGE_CHECKPOINT_REQUEST, errp) &&
           read_expect(r, COLO_MESSAGE_VMSTATE_SEND, errp) &&
           read_device_state(r, errp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool initialized;
    QIOChannelBuffer *bioc;
    Reader r;
    Error *err = NULL;
    unsigned mode;
    bool ok, first = true;

    if (!initialized) {
        module_call_init(MODULE_INIT_QOM);
        initialized = true;
    }
    if (size < 1) {
        return 0;
    }
    mode = data[0] % 3;
    r = (Reader) { .data = data + 1, .size = size - 1 };
    bioc = qio_channel_buffer_new(r.size);
    if (r.size) {
        memcpy(bioc->data, r.data, r.size);
    }
    bioc->usage = r.size;
    r.f = qemu_file_new_input(QIO_CHANNEL(bioc));

    do {
        switch (mode) {
        case 0:
            ok = read_any(&r, &err);
            break;
        case 1:
            ok = read_primary(&r, first, &err);
            break;
        default:
            ok = read_secondary(&r, &err);
            break;
        }
        first = false;
    } while (ok);
    if (!err) {
        fuzz_fail("the reader failed without saying why");
    }
    error_free(err);
    qemu_fclose(r.f);
    object_unref(OBJECT(bioc));
    return 0;
}
