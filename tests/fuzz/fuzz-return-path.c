/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the source's return-path reader:
 * migration_rp_read_message() over a buffer channel, called until it
 * fails, as the return-path thread does.
 *
 * Checks, for arbitrary bytes: no crash, overflow or leak (ASan/LSan);
 * every failure says why; an accepted message has a known type, a
 * payload that fits and matches the input, and the stream advances by
 * exactly its header and payload; the reader stops at the end of input.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/bswap.h"
#include "qemu/coroutine.h"
#include "qemu/module.h"
#include "io/channel-buffer.h"
#include "migration/return-path.h"
#include "tests/fuzz/fuzz-fail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A buffer channel never blocks: no coroutine is ever involved. */
bool qemu_in_coroutine(void) { return false; }
Coroutine *qemu_coroutine_self(void) { g_assert_not_reached(); }
void qemu_coroutine_yield(void) { g_assert_not_reached(); }
void qemu_coroutine_enter(Coroutine *co) { g_assert_not_reached(); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool initialized;
    QIOChannelBuffer *bioc;
    QEMUFile *f;
    MigRPMessage msg;
    Error *err = NULL;
    size_t pos = 0;

    if (!initialized) {
        module_call_init(MODULE_INIT_QOM);
        initialized = true;
    }
    bioc = qio_channel_buffer_new(size);
    if (size) {
        memcpy(bioc->data, data, size);
    }
    bioc->usage = size;
    f = qemu_file_new_input(QIO_CHANNEL(bioc));

    while (migration_rp_read_message(f, &msg, &err)) {
        if (msg.type <= MIG_RP_MSG_INVALID || msg.type >= MIG_RP_MSG_MAX) {
            fuzz_fail("accepted message of type %d", msg.type);
        }
        if (msg.len > sizeof(msg.payload) || pos + 4 + msg.len > size) {
            fuzz_fail("accepted length %u at %zu of %zu", msg.len, pos,
                      size);
        }
        if (lduw_be_p(data + pos) != msg.type ||
            lduw_be_p(data + pos + 2) != msg.len ||
            memcmp(data + pos + 4, msg.payload, msg.len)) {
            fuzz_fail("message at %zu is not what the input holds", pos);
        }
        if ((msg.type == MIG_RP_MSG_SHUT || msg.type == MIG_RP_MSG_PONG) &&
            (msg.len != 4 || msg.value != ldl_be_p(msg.payload))) {
            fuzz_fail("%s with length %u, value 0x%x",
                      migration_rp_message_name(msg.type), msg.len,
                      msg.value);
        }
        pos += 4 + msg.len;
    }
    if (!err) {
        fuzz_fail("the reader failed without saying why");
    }
    error_free(err);
    qemu_fclose(f);
    object_unref(OBJECT(bioc));
    return 0;
}
