/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Postcopy command and return-path payloads (migration/postcopy-msg.c):
 * the bytes each encoder writes (QEMU 7.2's layouts, written out here by
 * hand), decoding them back, and the error of every way a payload can
 * be wrong.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/bitmap.h"
#include "qemu/module.h"
#include "io/channel-buffer.h"
#include "migration/postcopy-msg.h"

static void check_err(Error *err, const char *expect)
{
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, expect);
    error_free(err);
}

static void test_advise(void)
{
    static const uint8_t expect[16] = {
        0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x10, 0,
    };
    uint8_t buf[POSTCOPY_ADVISE_LEN];
    uint64_t summary, tps;
    bool has_ram;
    Error *err = NULL;

    postcopy_advise_encode(buf, 4096, 4096);
    g_assert_cmpmem(buf, 16, expect, 16);
    g_assert_true(postcopy_advise_decode(buf, 16, true, &has_ram, &summary,
                                         &tps, &error_abort));
    g_assert_true(has_ram);
    g_assert_cmpuint(summary, ==, 4096);
    g_assert_cmpuint(tps, ==, 4096);
    g_assert_true(postcopy_advise_decode(buf, 0, false, &has_ram, &summary,
                                         &tps, &error_abort));
    g_assert_false(has_ram);

    g_assert_false(postcopy_advise_decode(buf, 0, true, &has_ram, &summary,
                                          &tps, &err));
    check_err(err, "RAM postcopy is enabled but have 0 byte advise");
    err = NULL;
    g_assert_false(postcopy_advise_decode(buf, 16, false, &has_ram,
                                          &summary, &tps, &err));
    check_err(err, "RAM postcopy is disabled but have 16 byte advise");
    err = NULL;
    g_assert_false(postcopy_advise_decode(buf, 8, true, &has_ram, &summary,
                                          &tps, &err));
    check_err(err, "CMD_POSTCOPY_ADVISE invalid length (8)");

    g_assert_true(postcopy_advise_check(0x1000, 0x1000, 4096, 4096,
                                        &error_abort));
    err = NULL;
    g_assert_false(postcopy_advise_check(0x201000, 0x1000, 4096, 4096,
                                         &err));
    check_err(err, "Postcopy needs matching RAM page sizes (s=201000 "
              "d=1000)");
    err = NULL;
    g_assert_false(postcopy_advise_check(0x1000, 0x1000, 8192, 4096, &err));
    check_err(err, "Postcopy needs matching target page sizes (s=8192 "
              "d=4096)");
}

static void test_discard(void)
{
    /* The command QEMU 7.2 sent in a captured postcopy migration. */
    static const uint8_t expect[] = {
        0x00, 0x03, 'r', 'a', 'm', 0x00,
        0, 0, 0, 0, 0x01, 0x10, 0x40, 0x00,
        0, 0, 0, 0, 0x02, 0xef, 0xc0, 0x00,
    };
    uint64_t start = 0x1104000, len = 0x2efc000;
    uint8_t buf[64];
    char block[256];
    g_autofree uint64_t *s = NULL;
    g_autofree uint64_t *l = NULL;
    unsigned n;
    size_t out;
    Error *err = NULL;

    g_assert_cmpuint(postcopy_discard_len("ram", 1), ==, sizeof(expect));
    out = postcopy_discard_encode(buf, "ram", &start, &len, 1);
    g_assert_cmpmem(buf, out, expect, sizeof(expect));
    g_assert_true(postcopy_discard_decode(buf, out, block, &s, &l, &n,
                                          &error_abort));
    g_assert_cmpstr(block, ==, "ram");
    g_assert_cmpuint(n, ==, 1);
    g_assert_cmphex(s[0], ==, start);
    g_assert_cmphex(l[0], ==, len);
    g_clear_pointer(&s, g_free);
    g_clear_pointer(&l, g_free);

    g_assert_false(postcopy_discard_decode(buf, 19, block, &s, &l, &n,
                                           &err));
    check_err(err, "CMD_POSTCOPY_RAM_DISCARD invalid length (19)");
    memcpy(buf, expect, sizeof(expect));
    buf[0] = 1;
    err = NULL;
    g_assert_false(postcopy_discard_decode(buf, sizeof(expect), block, &s,
                                           &l, &n, &err));
    check_err(err, "CMD_POSTCOPY_RAM_DISCARD invalid version (1)");
    buf[0] = 0;
    buf[1] = 200;
    err = NULL;
    g_assert_false(postcopy_discard_decode(buf, sizeof(expect), block, &s,
                                           &l, &n, &err));
    check_err(err, "CMD_POSTCOPY_RAM_DISCARD Failed to read RAMBlock ID");
    buf[1] = 3;
    buf[5] = 7;
    err = NULL;
    g_assert_false(postcopy_discard_decode(buf, sizeof(expect), block, &s,
                                           &l, &n, &err));
    check_err(err, "CMD_POSTCOPY_RAM_DISCARD missing nil (7)");
    buf[5] = 0;
    err = NULL;
    g_assert_false(postcopy_discard_decode(buf, sizeof(expect) + 3, block,
                                           &s, &l, &n, &err));
    check_err(err, "CMD_POSTCOPY_RAM_DISCARD invalid length (19)");
}

static void test_block_name(void)
{
    uint8_t buf[256];
    char block[256];
    size_t n = postcopy_block_name_encode(buf, "pc.ram");
    Error *err = NULL;

    g_assert_cmpuint(n, ==, 7);
    g_assert_cmpmem(buf, 7, "\x06pc.ram", 7);
    g_assert_true(postcopy_block_name_decode(buf, n, "RECV_BITMAP", block,
                                             &error_abort));
    g_assert_cmpstr(block, ==, "pc.ram");
    g_assert_false(postcopy_block_name_decode(buf, 6, "RECV_BITMAP", block,
                                              &err));
    check_err(err, "RECV_BITMAP: invalid payload length (6)");
    err = NULL;
    g_assert_false(postcopy_block_name_decode(buf, 0, "RECV_BITMAP", block,
                                              &err));
    check_err(err, "RECV_BITMAP: failed to read block name");
}

static void test_req_pages(void)
{
    static const uint8_t expect_id[] = {
        0, 0, 0, 0, 0, 0x12, 0x30, 0x00, 0, 0, 0x10, 0x00, 3, 'r', 'a', 'm',
    };
    uint8_t buf[POSTCOPY_REQ_PAGES_MAX_LEN];
    char block[256];
    uint64_t start;
    uint32_t len;
    size_t n;
    Error *err = NULL;

    n = postcopy_req_pages_encode(buf, "ram", 0x123000, 0x1000);
    g_assert_cmpmem(buf, n, expect_id, sizeof(expect_id));
    g_assert_true(postcopy_req_pages_decode(true, buf, n, block, &start,
                                            &len, &error_abort));
    g_assert_cmpstr(block, ==, "ram");
    g_assert_cmphex(start, ==, 0x123000);
    g_assert_cmphex(len, ==, 0x1000);

    n = postcopy_req_pages_encode(buf, NULL, 0x5000, 0x2000);
    g_assert_cmpuint(n, ==, 12);
    g_assert_true(postcopy_req_pages_decode(false, buf, n, block, &start,
                                            &len, &error_abort));
    g_assert_cmpstr(block, ==, "");
    g_assert_cmphex(start, ==, 0x5000);
    g_assert_cmphex(len, ==, 0x2000);

    memcpy(buf, expect_id, sizeof(expect_id));
    g_assert_false(postcopy_req_pages_decode(true, buf, 15, block, &start,
                                             &len, &err));
    check_err(err, "RP: Req_Page_id with length 15 expecting 16");
    err = NULL;
    g_assert_false(postcopy_req_pages_decode(true, buf, 5, block, &start,
                                             &len, &err));
    check_err(err, "RP: Req_Page_id with length 5 expecting 13");
    err = NULL;
    buf[12] = 0;
    g_assert_false(postcopy_req_pages_decode(true, buf, 13, block, &start,
                                             &len, &err));
    check_err(err, "RP: Req_Page_id with an empty block name");
}

/* An input file over a copy of @len bytes of @data. */
static QEMUFile *open_in(const uint8_t *data, size_t len)
{
    g_autoptr(QIOChannelBuffer) bioc = qio_channel_buffer_new(len);

    qio_channel_write_all(QIO_CHANNEL(bioc), (const char *)data, len,
                          &error_abort);
    bioc->offset = 0;
    return qemu_file_new_input(QIO_CHANNEL(bioc));
}

static void test_recv_bitmap(void)
{
    unsigned long *bm = bitmap_new(70);
    unsigned long *back = bitmap_new(70);
    g_autoptr(QIOChannelBuffer) bioc = qio_channel_buffer_new(4096);
    QEMUFile *f = qemu_file_new_output(QIO_CHANNEL(bioc));
    uint8_t data[32];
    QEMUFile *in;
    Error *err = NULL;

    set_bit(0, bm);
    set_bit(9, bm);
    set_bit(69, bm);
    postcopy_recv_bitmap_put(f, bm, 70);
    qemu_fflush(f);
    /* be64 16, two LE words, the end mark. */
    g_assert_cmpuint(bioc->usage, ==, 8 + 16 + 8);
    g_assert_cmpmem(bioc->data, 8, "\0\0\0\0\0\0\0\x10", 8);
    g_assert_cmphex(bioc->data[8], ==, 0x01);
    g_assert_cmphex(bioc->data[9], ==, 0x02);
    g_assert_cmphex(bioc->data[16], ==, 0x20);
    g_assert_cmpmem(bioc->data + 24, 8, "\x01\x23\x45\x67\x89\xab\xcd\xef",
                    8);
    memcpy(data, bioc->data, sizeof(data));

    in = open_in(data, sizeof(data));
    g_assert_true(postcopy_recv_bitmap_get(in, "ram", back, 70,
                                           &error_abort));
    g_assert_true(bitmap_equal(bm, back, 70));
    qemu_fclose(in);

    /* A destination with a different block size. */
    in = open_in(data, sizeof(data));
    g_assert_false(postcopy_recv_bitmap_get(in, "ram", back, 200, &err));
    check_err(err, "ramblock 'ram' bitmap size mismatch (0x10 != 0x20)");
    qemu_fclose(in);

    /* A bad end mark. */
    data[31] ^= 0xff;
    in = open_in(data, sizeof(data));
    err = NULL;
    g_assert_false(postcopy_recv_bitmap_get(in, "ram", back, 70, &err));
    check_err(err, "ramblock 'ram' end mark incorrect: 0x123456789abcd10");
    qemu_fclose(in);

    /* Cut short. */
    in = open_in(data, 20);
    err = NULL;
    g_assert_false(postcopy_recv_bitmap_get(in, "ram", back, 70, &err));
    check_err(err, "read bitmap failed for ramblock 'ram': (size 0x10, "
              "got: 0xc)");
    qemu_fclose(in);

    qemu_fclose(f);
    g_free(bm);
    g_free(back);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    module_call_init(MODULE_INIT_QOM);
    g_test_add_func("/postcopy-msg/advise", test_advise);
    g_test_add_func("/postcopy-msg/discard", test_discard);
    g_test_add_func("/postcopy-msg/block-name", test_block_name);
    g_test_add_func("/postcopy-msg/req-pages", test_req_pages);
    g_test_add_func("/postcopy-msg/recv-bitmap", test_recv_bitmap);
    return g_test_run();
}
