/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the multifd wire format and backends (migration/multifd-*.c):
 * the initial packet and packet header byte for byte as QEMU lays them
 * out, every parse error, and each compression backend (none, zlib,
 * zstd) with the zero-page modes carrying pages through a channel into
 * another memory, over several packets of one stream.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/bswap.h"
#include "qemu/module.h"
#include "io/channel-buffer.h"
#include "migration/multifd-packet.h"
#include "migration/multifd-methods.h"
#include "migration/multifd-nocomp.h"
#include "migration/multifd-zero-page.h"
#ifdef CONFIG_ZLIB
#include "migration/multifd-zlib.h"
#endif
#ifdef CONFIG_ZSTD
#include "migration/multifd-zstd.h"
#endif

#define PAGE 4096
#define PAGES 128       /* MULTIFD_PACKET_SIZE / PAGE */

static const QemuUUID test_uuid = { .data = {
    0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
    0x0f, 0xed, 0xcb, 0xa9, 0x87, 0x65, 0x43, 0x21 } };

/* ------------------------------------------------------- initial packet */

static void test_init_packet_layout(void)
{
    uint8_t buf[MULTIFD_INIT_PACKET_SIZE];
    static const uint8_t head[8] = { 0x11, 0x22, 0x33, 0x44, 0, 0, 0, 1 };

    memset(buf, 0xaa, sizeof(buf));
    multifd_init_packet_encode(buf, &test_uuid, 7);
    g_assert_cmpmem(buf, 8, head, 8);
    g_assert_cmpmem(buf + 8, 16, test_uuid.data, 16);
    g_assert_cmpuint(buf[24], ==, 7);
    for (int i = 25; i < 64; i++) {
        g_assert_cmpuint(buf[i], ==, 0);
    }
    g_assert_cmpint(multifd_init_packet_parse(buf, &test_uuid, 8,
                                              &error_abort), ==, 7);
}

static void init_error(const uint8_t *buf, unsigned channels,
                       const char *expect)
{
    Error *err = NULL;

    g_assert_cmpint(multifd_init_packet_parse(buf, &test_uuid, channels,
                                              &err), ==, -1);
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, expect);
    error_free(err);
}

static void test_init_packet_errors(void)
{
    uint8_t buf[MULTIFD_INIT_PACKET_SIZE];

    multifd_init_packet_encode(buf, &test_uuid, 3);
    init_error(buf, 3, "received channel id 3, but only 3 channels (0-2) "
               "are expected (multifd-channels)");
    buf[0] = 'Q';
    init_error(buf, 4, "received packet magic 51223344 expected 11223344");
    multifd_init_packet_encode(buf, &test_uuid, 3);
    buf[7] = 2;
    init_error(buf, 4, "received packet version 2 expected 1");
    multifd_init_packet_encode(buf, &test_uuid, 1);
    buf[8] ^= 0xff;
    init_error(buf, 4, "received uuid 'ed345678-9abc-def0-0fed-cba987654321'"
               " and expected uuid '12345678-9abc-def0-0fed-cba987654321' "
               "for channel 1");
}

/* -------------------------------------------------------- packet header */

static void test_packet_layout(void)
{
    size_t len = multifd_packet_len(PAGES);
    g_autofree uint8_t *buf = g_malloc(len);
    uint64_t offsets[PAGES] = { 0x1000, 0x5000, 0x2000 };
    uint64_t got[PAGES];
    MultiFDPacketInfo info = {
        .flags = MULTIFD_FLAG_SYNC | MULTIFD_FLAG_ZSTD,
        .pages_alloc = PAGES, .normal_pages = 2, .zero_pages = 1,
        .next_packet_size = 0x1234, .packet_num = 0x0102030405060708ULL,
        .ramblock = "pc.ram",
    };
    MultiFDPacketInfo out;

    g_assert_cmpuint(len, ==, 1344);
    memset(buf, 0xaa, len);
    multifd_packet_encode(buf, PAGES, &info, offsets);
    g_assert_cmphex(ldl_be_p(buf), ==, MULTIFD_MAGIC);
    g_assert_cmphex(ldl_be_p(buf + 4), ==, 1);
    g_assert_cmphex(ldl_be_p(buf + 8), ==, 0x5);
    g_assert_cmpuint(ldl_be_p(buf + 12), ==, PAGES);
    g_assert_cmpuint(ldl_be_p(buf + 16), ==, 2);
    g_assert_cmphex(ldl_be_p(buf + 20), ==, 0x1234);
    g_assert_cmphex(ldq_be_p(buf + 24), ==, 0x0102030405060708ULL);
    g_assert_cmpuint(ldl_be_p(buf + 32), ==, 1);
    for (int i = 36; i < 64; i++) {
        g_assert_cmpuint(buf[i], ==, 0);
    }
    g_assert_cmpstr((char *)buf + 64, ==, "pc.ram");
    g_assert_cmphex(ldq_be_p(buf + 320), ==, 0x1000);
    g_assert_cmphex(ldq_be_p(buf + 328), ==, 0x5000);
    g_assert_cmphex(ldq_be_p(buf + 336), ==, 0x2000);
    g_assert_cmphex(ldq_be_p(buf + 344), ==, 0);

    g_assert_true(multifd_packet_parse(buf, PAGES, &out, got, &error_abort));
    g_assert_cmphex(out.flags, ==, info.flags);
    g_assert_cmpuint(out.normal_pages, ==, 2);
    g_assert_cmpuint(out.zero_pages, ==, 1);
    g_assert_cmphex(out.packet_num, ==, info.packet_num);
    g_assert_cmpstr(out.ramblock, ==, "pc.ram");
    g_assert_cmpmem(got, 3 * 8, offsets, 3 * 8);
    g_assert_true(multifd_packet_check_offsets(&out, got, 0x6000, PAGE,
                                               &error_abort));
}

/* Parsing @buf fails with exactly @expect. */
static void packet_error(const uint8_t *buf, const char *expect)
{
    MultiFDPacketInfo info;
    uint64_t offsets[PAGES];
    Error *err = NULL;

    g_assert_false(multifd_packet_parse(buf, PAGES, &info, offsets, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, expect);
    error_free(err);
}

static void test_packet_errors(void)
{
    size_t len = multifd_packet_len(PAGES);
    g_autofree uint8_t *good = g_malloc(len);
    g_autofree uint8_t *buf = g_malloc(len);
    uint64_t offsets[PAGES] = { 0x1000, 0x3000 };
    MultiFDPacketInfo info = {
        .flags = MULTIFD_FLAG_NOCOMP, .pages_alloc = PAGES,
        .normal_pages = 1, .zero_pages = 1, .ramblock = "ram",
    };
    uint64_t got[PAGES];
    Error *err = NULL;

    multifd_packet_encode(good, PAGES, &info, offsets);

#define RESET() memcpy(buf, good, len)
    RESET();
    stl_be_p(buf, 0x51455600);
    packet_error(buf, "received packet magic 51455600 and expected magic "
                 "11223344");
    RESET();
    stl_be_p(buf + 4, 7);
    packet_error(buf, "received packet version 7 and expected version 1");
    RESET();
    stl_be_p(buf + 8, MULTIFD_FLAG_DEVICE_STATE);
    packet_error(buf, "received a device state packet (flags 0x40); Tern "
                 "migrates no device state over multifd");
    RESET();
    stl_be_p(buf + 8, 0x100);
    packet_error(buf, "received packet with unknown flags 0x100");
    RESET();
    stl_be_p(buf + 12, PAGES + 1);
    packet_error(buf, "received packet with 129 pages, expected 128");
    RESET();
    stl_be_p(buf + 12, 4);
    stl_be_p(buf + 16, 5);
    packet_error(buf, "received packet with 5 non-zero pages, which exceeds "
                 "maximum expected pages 4");
    RESET();
    stl_be_p(buf + 12, 4);
    stl_be_p(buf + 32, 4);
    packet_error(buf, "received packet with 4 zero pages, expected maximum "
                 "3");
    RESET();
    memset(buf + 64, 'x', 256);
    packet_error(buf, "received packet whose ramblock name is not "
                 "terminated within 256 bytes");
    /* No pages: the name is never looked at. */
    stl_be_p(buf + 16, 0);
    stl_be_p(buf + 32, 0);
    g_assert_true(multifd_packet_parse(buf, PAGES, &info, got,
                                       &error_abort));

    /* Offsets against the block. */
    RESET();
    g_assert_true(multifd_packet_parse(buf, PAGES, &info, got,
                                       &error_abort));
    g_assert_false(multifd_packet_check_offsets(&info, got, 0x3000, PAGE,
                                                &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "offset too long 12288 "
                    "(max 12288) in ramblock ram");
    g_clear_pointer(&err, error_free);
    got[0] = 0x1001;
    g_assert_false(multifd_packet_check_offsets(&info, got, 0x4000, PAGE,
                                                &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "offset 0x1001 in ramblock "
                    "ram is not a multiple of the page size 4096");
    g_clear_pointer(&err, error_free);
#undef RESET
}

static void test_flag_names(void)
{
    g_assert_cmpstr(multifd_flag_compression_name(MULTIFD_FLAG_SYNC), ==,
                    "none");
    g_assert_cmpstr(multifd_flag_compression_name(MULTIFD_FLAG_ZLIB), ==,
                    "zlib");
    g_assert_cmpstr(multifd_flag_compression_name(MULTIFD_FLAG_ZSTD), ==,
                    "zstd");
    g_assert_cmpstr(multifd_flag_compression_name(MULTIFD_FLAG_QPL), ==,
                    "qpl");
    g_assert_cmpstr(multifd_flag_compression_name(MULTIFD_FLAG_UADK), ==,
                    "uadk");
    g_assert_cmpstr(multifd_flag_compression_name(MULTIFD_FLAG_QATZIP), ==,
                    "qatzip");
    g_assert_cmpstr(multifd_flag_compression_name(3 << 1), ==, "unknown");
}

/* ------------------------------------------------------------- backends */

#define MEM_PAGES 512

/* Random, half-compressible, text-like and zero pages, with a seed. */
static void fill_pages(uint8_t *mem, unsigned seed)
{
    GRand *r = g_rand_new_with_seed(seed);

    for (int i = 0; i < MEM_PAGES; i++) {
        uint8_t *p = mem + i * PAGE;

        switch (i % 4) {
        case 0:
            for (int j = 0; j < PAGE; j += 4) {
                stl_he_p(p + j, g_rand_int(r));
            }
            break;
        case 1:
            for (int j = 0; j < PAGE; j++) {
                p[j] = j < PAGE / 2 ? g_rand_int(r) : 0x5a;
            }
            break;
        case 2:
            memset(p, 0, PAGE);
            break;
        default:
            for (int j = 0; j < PAGE; j++) {
                p[j] = "multifd "[(j + i) % 8];
            }
        }
    }
    g_rand_free(r);
}

typedef struct BackendCase {
    const char *path;
    const MultiFDMethods *ops;
    uint32_t flag;
    ZeroPageDetection zpd;
} BackendCase;

/*
 * Send every page of @src through the backend in packets of up to
 * PAGES pages (in a shuffled order, over several rounds of the same
 * streams), receive them into @dst, and compare.
 */
static void test_backend(gconstpointer opaque)
{
    const BackendCase *bc = opaque;
    g_autofree uint8_t *src = g_malloc(MEM_PAGES * PAGE);
    g_autofree uint8_t *dst = g_malloc(MEM_PAGES * PAGE);
    g_autoptr(QIOChannelBuffer) bioc = qio_channel_buffer_new(0);
    MultiFDSendParams sp = {
        .id = 3, .page_size = PAGE, .page_count = PAGES,
        .zero_page_detection = bc->zpd, .level = 1, .host = src,
        .block_name = "ram",
    };
    MultiFDRecvParams rp = {
        .id = 3, .c = QIO_CHANNEL(bioc), .page_size = PAGE,
        .page_count = PAGES, .host = dst,
    };
    uint64_t zero_total = 0;

    sp.offset = g_new0(uint64_t, PAGES);
    sp.iov = g_new0(struct iovec, PAGES + 1);
    rp.offset = g_new0(uint64_t, PAGES);
    rp.iov = g_new0(struct iovec, PAGES);
    g_assert_true(bc->ops->send_setup(&sp, &error_abort));
    g_assert_true(bc->ops->recv_setup(&rp, &error_abort));
    memset(dst, 0xee, MEM_PAGES * PAGE);

    for (unsigned round = 0; round < 3; round++) {
        GRand *r = g_rand_new_with_seed(round);
        int order[MEM_PAGES];

        fill_pages(src, round + 1);
        for (int i = 0; i < MEM_PAGES; i++) {
            order[i] = i;
        }
        for (int i = MEM_PAGES - 1; i > 0; i--) {
            int j = g_rand_int_range(r, 0, i + 1), t = order[i];

            order[i] = order[j];
            order[j] = t;
        }
        g_rand_free(r);

        for (int first = 0; first < MEM_PAGES; ) {
            /* Batches of 1..PAGES pages, then an empty (SYNC) one. */
            int n = MIN(MEM_PAGES - first, 1 + (first * 7) % PAGES);

            sp.num = n;
            for (int i = 0; i < n; i++) {
                sp.offset[i] = (uint64_t)order[first + i] * PAGE;
            }
            sp.flags = 0;
            sp.iovs_num = 1;
            sp.next_packet_size = 0;
            multifd_send_zero_page_detect(&sp);
            g_assert_true(bc->ops->send_prepare(&sp, &error_abort));
            g_assert_cmphex(sp.flags, ==, bc->flag);
            g_assert_cmpint(sp.iovs_num, >=, 1);
            qio_channel_writev_all(QIO_CHANNEL(bioc), sp.iov + 1,
                                   sp.iovs_num - 1, &error_abort);

            /* What the header carries. */
            rp.flags = sp.flags;
            rp.next_packet_size = sp.next_packet_size;
            rp.normal_num = sp.normal_num;
            rp.zero_num = sp.num - sp.normal_num;
            memcpy(rp.offset, sp.offset, sp.num * sizeof(uint64_t));
            zero_total += rp.zero_num;
            bioc->offset = bioc->usage - sp.next_packet_size;
            g_assert_true(bc->ops->recv(&rp, &error_abort));
            multifd_recv_zero_page_process(&rp);
            g_assert_cmpuint(bioc->offset, ==, bioc->usage);
            first += n;
        }
        g_assert_cmpmem(dst, MEM_PAGES * PAGE, src, MEM_PAGES * PAGE);
    }
    if (bc->zpd == ZERO_PAGE_DETECTION_MULTIFD) {
        g_assert_cmpuint(zero_total, ==, 3 * MEM_PAGES / 4);
    } else {
        g_assert_cmpuint(zero_total, ==, 0);
    }

    /* A packet of another compression is refused, naming both. */
    {
        Error *err = NULL;
        g_autofree char *expect = NULL;

        rp.flags = MULTIFD_FLAG_QPL;
        rp.normal_num = 1;
        rp.zero_num = 0;
        g_assert_false(bc->ops->recv(&rp, &err));
        expect = g_strdup_printf("multifd 3: flags received 8 (qpl) flags "
                                 "expected %x (%s)", bc->flag,
                                 bc->ops->name);
        g_assert_cmpstr(error_get_pretty(err), ==, expect);
        error_free(err);
    }
    bc->ops->send_cleanup(&sp);
    bc->ops->recv_cleanup(&rp);
    g_assert_null(sp.compress);
    g_assert_null(rp.compress);
    g_free(sp.offset);
    g_free(sp.iov);
    g_free(rp.offset);
    g_free(rp.iov);
}

/* A corrupt compressed payload fails the packet; it never crashes. */
static void test_backend_corrupt(gconstpointer opaque)
{
    const BackendCase *bc = opaque;
    g_autofree uint8_t *src = g_malloc(MEM_PAGES * PAGE);
    g_autofree uint8_t *dst = g_malloc0(MEM_PAGES * PAGE);
    g_autoptr(QIOChannelBuffer) bioc = qio_channel_buffer_new(0);
    MultiFDRecvParams rp = {
        .id = 1, .c = QIO_CHANNEL(bioc), .page_size = PAGE,
        .page_count = PAGES, .host = dst, .flags = bc->flag,
        .normal_num = 4,
    };
    Error *err = NULL;

    fill_pages(src, 9);
    qio_channel_write_all(QIO_CHANNEL(bioc), (char *)src, 1000,
                          &error_abort);
    bioc->offset = 0;
    rp.next_packet_size = 1000;
    rp.offset = g_new0(uint64_t, PAGES);
    rp.iov = g_new0(struct iovec, PAGES);
    for (int i = 0; i < 4; i++) {
        rp.offset[i] = i * PAGE;
    }
    g_assert_true(bc->ops->recv_setup(&rp, &error_abort));
    g_assert_false(bc->ops->recv(&rp, &err));
    g_assert_nonnull(err);
    g_assert_true(g_str_has_prefix(error_get_pretty(err), "multifd 1: "));
    g_clear_pointer(&err, error_free);

    /* A payload bigger than a packet can need is refused unread. */
    rp.next_packet_size = 2 * PAGES * PAGE + 1;
    bioc->offset = 0;
    g_assert_false(bc->ops->recv(&rp, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "multifd 1: packet payload "
                    "of 1048577 bytes is larger than the 1048576 bytes a "
                    "packet may need");
    error_free(err);
    bc->ops->recv_cleanup(&rp);
    g_free(rp.offset);
    g_free(rp.iov);
}

/* nocomp: the payload must be exactly the normal pages. */
static void test_nocomp_size(void)
{
    g_autoptr(QIOChannelBuffer) bioc = qio_channel_buffer_new(0);
    uint64_t off[PAGES] = { 0 };
    uint8_t page[PAGE];
    MultiFDRecvParams rp = {
        .id = 2, .c = QIO_CHANNEL(bioc), .page_size = PAGE,
        .page_count = PAGES, .host = page, .normal_num = 1,
        .next_packet_size = 100, .offset = off,
    };
    Error *err = NULL;

    g_assert_false(multifd_nocomp_ops.recv(&rp, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "multifd 2: packet payload "
                    "of 100 bytes, expected 4096 for 1 pages");
    error_free(err);

    /* QEMU 7.2's SYNC packets: no pages, a stale size, no payload. */
    rp.normal_num = 0;
    rp.next_packet_size = 4096;
    g_assert_true(multifd_nocomp_ops.recv(&rp, &error_abort));
    g_assert_cmpuint(bioc->offset, ==, 0);
}

static const BackendCase backend_cases[] = {
    { "/multifd/backend/none/zero-multifd", &multifd_nocomp_ops,
      MULTIFD_FLAG_NOCOMP, ZERO_PAGE_DETECTION_MULTIFD },
    { "/multifd/backend/none/zero-none", &multifd_nocomp_ops,
      MULTIFD_FLAG_NOCOMP, ZERO_PAGE_DETECTION_NONE },
#ifdef CONFIG_ZLIB
    { "/multifd/backend/zlib/zero-multifd", &multifd_zlib_ops,
      MULTIFD_FLAG_ZLIB, ZERO_PAGE_DETECTION_MULTIFD },
    { "/multifd/backend/zlib/zero-legacy", &multifd_zlib_ops,
      MULTIFD_FLAG_ZLIB, ZERO_PAGE_DETECTION_LEGACY },
#endif
#ifdef CONFIG_ZSTD
    { "/multifd/backend/zstd/zero-multifd", &multifd_zstd_ops,
      MULTIFD_FLAG_ZSTD, ZERO_PAGE_DETECTION_MULTIFD },
    { "/multifd/backend/zstd/zero-none", &multifd_zstd_ops,
      MULTIFD_FLAG_ZSTD, ZERO_PAGE_DETECTION_NONE },
#endif
};

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    module_call_init(MODULE_INIT_QOM);
    g_test_add_func("/multifd/init-packet/layout", test_init_packet_layout);
    g_test_add_func("/multifd/init-packet/errors", test_init_packet_errors);
    g_test_add_func("/multifd/packet/layout", test_packet_layout);
    g_test_add_func("/multifd/packet/errors", test_packet_errors);
    g_test_add_func("/multifd/packet/flag-names", test_flag_names);
    g_test_add_func("/multifd/backend/none/size", test_nocomp_size);
    for (size_t i = 0; i < ARRAY_SIZE(backend_cases); i++) {
        const BackendCase *bc = &backend_cases[i];

        g_test_add_data_func(bc->path, bc, test_backend);
        if (bc->flag != MULTIFD_FLAG_NOCOMP &&
            bc->zpd == ZERO_PAGE_DETECTION_MULTIFD) {
            g_autofree char *path =
                g_strdup_printf("/multifd/backend/%s/corrupt",
                                bc->ops->name);

            g_test_add_data_func(path, bc, test_backend_corrupt);
        }
    }
    return g_test_run();
}
