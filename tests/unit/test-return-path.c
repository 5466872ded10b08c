/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the return-path message reader (migration/return-path.c):
 * every accepted message, and the error message of each way a message
 * can be wrong (short header, unknown type, wrong or over-long length,
 * short payload).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/bswap.h"
#include "qemu/module.h"
#include "io/channel-buffer.h"
#include "migration/return-path.h"

/* An input file reading @len bytes of @data. */
static QEMUFile *open_in(const void *data, size_t len)
{
    g_autoptr(QIOChannelBuffer) bioc = qio_channel_buffer_new(len);

    qio_channel_write_all(QIO_CHANNEL(bioc), data, len, &error_abort);
    bioc->offset = 0;
    return qemu_file_new_input(QIO_CHANNEL(bioc));
}

/* Reading @len bytes of @data fails with exactly @expect. */
static void check_error(const void *data, size_t len, const char *expect)
{
    QEMUFile *f = open_in(data, len);
    MigRPMessage msg;
    Error *err = NULL;

    g_assert_false(migration_rp_read_message(f, &msg, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, expect);
    error_free(err);
    qemu_fclose(f);
}

static void test_good_messages(void)
{
    static const uint8_t stream[] = {
        0x00, 0x02, 0x00, 0x04, 0xde, 0xad, 0xbe, 0xef,    /* PONG */
        0x00, 0x07, 0x00, 0x00,                            /* SWITCHOVER_ACK */
        0x00, 0x03, 0x00, 0x03, 'a', 'b', 'c',             /* REQ_PAGES_ID */
        0x00, 0x01, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,    /* SHUT 0 */
    };
    QEMUFile *f = open_in(stream, sizeof(stream));
    MigRPMessage msg;
    Error *err = NULL;

    g_assert_true(migration_rp_read_message(f, &msg, &error_abort));
    g_assert_cmpint(msg.type, ==, MIG_RP_MSG_PONG);
    g_assert_cmpuint(msg.len, ==, 4);
    g_assert_cmphex(msg.value, ==, 0xdeadbeef);

    g_assert_true(migration_rp_read_message(f, &msg, &error_abort));
    g_assert_cmpint(msg.type, ==, MIG_RP_MSG_SWITCHOVER_ACK);
    g_assert_cmpuint(msg.len, ==, 0);

    g_assert_true(migration_rp_read_message(f, &msg, &error_abort));
    g_assert_cmpint(msg.type, ==, MIG_RP_MSG_REQ_PAGES_ID);
    g_assert_cmpmem(msg.payload, msg.len, "abc", 3);
    g_assert_cmphex(msg.value, ==, 0);

    g_assert_true(migration_rp_read_message(f, &msg, &error_abort));
    g_assert_cmpint(msg.type, ==, MIG_RP_MSG_SHUT);
    g_assert_cmphex(msg.value, ==, 0);

    /* The stream is over: the next read fails and says so. */
    g_assert_false(migration_rp_read_message(f, &msg, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Failed to read return path header: Unexpected end of "
                    "migration stream");
    error_free(err);
    qemu_fclose(f);
}

/* The longest variable-length payload is accepted, one more is not. */
static void test_max_payload(void)
{
    uint8_t stream[4 + MIG_RP_MAX_PAYLOAD + 1] = { 0x00, 0x05 };
    QEMUFile *f;
    MigRPMessage msg;

    stw_be_p(stream + 2, MIG_RP_MAX_PAYLOAD);
    memset(stream + 4, 0xab, MIG_RP_MAX_PAYLOAD);
    f = open_in(stream, 4 + MIG_RP_MAX_PAYLOAD);
    g_assert_true(migration_rp_read_message(f, &msg, &error_abort));
    g_assert_cmpint(msg.type, ==, MIG_RP_MSG_RECV_BITMAP);
    g_assert_cmpuint(msg.len, ==, MIG_RP_MAX_PAYLOAD);
    g_assert_cmphex(msg.payload[MIG_RP_MAX_PAYLOAD - 1], ==, 0xab);
    qemu_fclose(f);

    stw_be_p(stream + 2, MIG_RP_MAX_PAYLOAD + 1);
    check_error(stream, sizeof(stream),
                "Received 'RECV_BITMAP' message (0x0005) of length 513, "
                "over the limit of 512");
}

static void test_errors(void)
{
    static const uint8_t half_header[] = { 0x00, 0x02, 0x00 };
    static const uint8_t invalid[] = { 0x00, 0x00, 0x00, 0x04, 1, 2, 3, 4 };
    static const uint8_t too_big[] = { 0x00, 0x08, 0x00, 0x00 };
    static const uint8_t huge[] = { 0xff, 0xff, 0x12, 0x34 };
    static const uint8_t pong_short[] = { 0x00, 0x02, 0x00, 0x02, 1, 2 };
    static const uint8_t ack_payload[] = { 0x00, 0x07, 0x00, 0x01, 0 };
    static const uint8_t req_pages[] = { 0x00, 0x04, 0x00, 0x08 };
    static const uint8_t var_huge[] = { 0x00, 0x03, 0xff, 0xff };
    static const uint8_t cut[] = { 0x00, 0x01, 0x00, 0x04, 0x00, 0x00 };

    check_error("", 0, "Failed to read return path header: Unexpected end "
                "of migration stream");
    check_error(half_header, sizeof(half_header),
                "Failed to read return path header: Unexpected end of "
                "migration stream");
    check_error(invalid, sizeof(invalid),
                "Received invalid message 0x0000 length 0x0004");
    check_error(too_big, sizeof(too_big),
                "Received invalid message 0x0008 length 0x0000");
    check_error(huge, sizeof(huge),
                "Received invalid message 0xffff length 0x1234");
    check_error(pong_short, sizeof(pong_short),
                "Received 'PONG' message (0x0002) with incorrect length 2 "
                "expecting 4");
    check_error(ack_payload, sizeof(ack_payload),
                "Received 'SWITCHOVER_ACK' message (0x0007) with incorrect "
                "length 1 expecting 0");
    check_error(req_pages, sizeof(req_pages),
                "Received 'REQ_PAGES' message (0x0004) with incorrect "
                "length 8 expecting 12");
    check_error(var_huge, sizeof(var_huge),
                "Received 'REQ_PAGES_ID' message (0x0003) of length 65535, "
                "over the limit of 512");
    check_error(cut, sizeof(cut),
                "Failed reading data for message 0x0001 length 0x0004");
}

static void test_names(void)
{
    g_assert_cmpstr(migration_rp_message_name(MIG_RP_MSG_SHUT), ==, "SHUT");
    g_assert_cmpstr(migration_rp_message_name(MIG_RP_MSG_SWITCHOVER_ACK),
                    ==, "SWITCHOVER_ACK");
    g_assert_cmpstr(migration_rp_message_name(MIG_RP_MSG_MAX), ==,
                    "unknown");
    g_assert_cmpstr(migration_rp_message_name(0xffff), ==, "unknown");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    module_call_init(MODULE_INIT_QOM);
    g_test_add_func("/return-path/good", test_good_messages);
    g_test_add_func("/return-path/max-payload", test_max_payload);
    g_test_add_func("/return-path/errors", test_errors);
    g_test_add_func("/return-path/names", test_names);
    return g_test_run();
}
