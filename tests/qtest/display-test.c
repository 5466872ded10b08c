/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bochs-display under -accel qtest: PCI identity and BARs, the DISPI
 * registers, a mode set by the test and a framebuffer it paints,
 * screendump as PPM (pixels checked) and PNG (signature, size, CRCs),
 * errors, and a migration after which the destination's screendump
 * equals the source's.
 */
#include "qemu/osdep.h"
#include "libqtest.h"
#include "qobject/qdict.h"

#define SLOT    2
#define FB      0xe0000000u
#define MMIO    0xfebf0000u
#define DISPI   (MMIO + 0x500)
#define W       64
#define H       48

static uint32_t cfg_addr(int reg)
{
    return 0x80000000u | (SLOT << 11) | (reg & 0xfc);
}

static uint32_t cfg_readl(QTestState *qts, int reg)
{
    qtest_outl(qts, 0xcf8, cfg_addr(reg));
    return qtest_inl(qts, 0xcfc);
}

static void cfg_writel(QTestState *qts, int reg, uint32_t val)
{
    qtest_outl(qts, 0xcf8, cfg_addr(reg));
    qtest_outl(qts, 0xcfc, val);
}

static void dispi_write(QTestState *qts, int index, uint16_t val)
{
    qtest_writew(qts, DISPI + 2 * index, val);
}

static uint32_t pixel(int x, int y)
{
    return (x * 4) << 16 | (y * 5) << 8 | ((x ^ y) & 0xff);
}

static QTestState *start(const char *extra)
{
    return qtest_initf("-M tern -m 32M -device bochs-display,id=vga,"
                       "addr=%d %s", SLOT, extra ? extra : "");
}

static void map_and_paint(QTestState *qts)
{
    g_autofree uint32_t *fb = g_new(uint32_t, W * H);

    cfg_writel(qts, 0x10, FB);
    cfg_writel(qts, 0x18, MMIO);
    cfg_writel(qts, 0x04, 0x2);
    dispi_write(qts, 1, W);
    dispi_write(qts, 2, H);
    dispi_write(qts, 3, 32);
    dispi_write(qts, 4, 1);
    for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
            fb[y * W + x] = GUINT32_TO_LE(pixel(x, y));
        }
    }
    qtest_memwrite(qts, FB, fb, W * H * 4);
}

static gchar *screendump(QTestState *qts, const char *path, const char *fmt,
                         gsize *len)
{
    gchar *data = NULL;

    qtest_qmp_assert_success(qts, "{'execute': 'screendump', 'arguments': "
                             "{'filename': %s, 'format': %s}}", path, fmt);
    g_assert(g_file_get_contents(path, &data, len, NULL));
    return data;
}

static void check_ppm(const gchar *data, gsize len)
{
    const char *hdr = "P6\n64 48\n255\n";
    const uint8_t *px = (const uint8_t *)data + strlen(hdr);

    g_assert_cmpuint(len, ==, strlen(hdr) + W * H * 3);
    g_assert(!memcmp(data, hdr, strlen(hdr)));
    for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
            uint32_t p = pixel(x, y);
            const uint8_t *q = px + (y * W + x) * 3;

            g_assert_cmphex(q[0] << 16 | q[1] << 8 | q[2], ==, p);
        }
    }
}

static void test_registers(void)
{
    QTestState *qts = start(NULL);

    g_assert_cmphex(cfg_readl(qts, 0), ==, 0x11111234);
    g_assert_cmphex(cfg_readl(qts, 0x08) >> 16, ==, 0x0380);
    /* 16 MiB prefetchable framebuffer, 4 KiB of registers. */
    cfg_writel(qts, 0x10, 0xffffffff);
    g_assert_cmphex(cfg_readl(qts, 0x10), ==, 0xff000008);
    cfg_writel(qts, 0x18, 0xffffffff);
    g_assert_cmphex(cfg_readl(qts, 0x18), ==, 0xfffff000);
    cfg_writel(qts, 0x10, FB);
    cfg_writel(qts, 0x18, MMIO);
    cfg_writel(qts, 0x04, 0x2);
    g_assert_cmphex(qtest_readw(qts, DISPI), ==, 0xb0c5);
    g_assert_cmphex(qtest_readw(qts, DISPI + 2 * 0xa), ==, 256);
    dispi_write(qts, 1, 800);
    g_assert_cmphex(qtest_readw(qts, DISPI + 2), ==, 800);
    dispi_write(qts, 0, 0x1234);            /* the id is read-only */
    g_assert_cmphex(qtest_readw(qts, DISPI), ==, 0xb0c5);
    g_assert_cmphex(qtest_readl(qts, MMIO + 0x600), ==, 8);
    g_assert_cmphex(qtest_readl(qts, MMIO + 0x604), ==, 0x1e1e1e1e);
    qtest_quit(qts);
}

static void test_screendump(void)
{
    g_autofree char *dir = g_dir_make_tmp("tern-disp-XXXXXX", NULL);
    g_autofree char *ppm = g_build_filename(dir, "a.ppm", NULL);
    g_autofree char *png = g_build_filename(dir, "a.png", NULL);
    g_autofree gchar *data = NULL, *pngdata = NULL;
    QTestState *qts = start(NULL);
    QDict *rsp;
    gsize len;

    /* Display off: no surface. */
    rsp = qtest_qmp(qts, "{'execute': 'screendump', 'arguments': "
                    "{'filename': %s}}", ppm);
    g_assert_cmpstr(qdict_get_str(qdict_get_qdict(rsp, "error"), "desc"),
                    ==, "no surface");
    qobject_unref(rsp);
    rsp = qtest_qmp(qts, "{'execute': 'screendump', 'arguments': "
                    "{'filename': %s, 'device': 'nope'}}", ppm);
    g_assert_nonnull(qdict_get_qdict(rsp, "error"));
    qobject_unref(rsp);

    map_and_paint(qts);
    data = screendump(qts, ppm, "ppm", &len);
    check_ppm(data, len);
    pngdata = screendump(qts, png, "png", &len);
    g_assert_cmpuint(len, >, 8 + 25 + 12 + 12);
    g_assert(!memcmp(pngdata, "\x89PNG\r\n\x1a\n", 8));
    g_assert(!memcmp(pngdata + 12, "IHDR", 4));
    g_assert_cmpuint(GUINT32_FROM_BE(*(uint32_t *)(pngdata + 16)), ==, W);
    g_assert_cmpuint(GUINT32_FROM_BE(*(uint32_t *)(pngdata + 20)), ==, H);
    g_assert(!memcmp(pngdata + len - 8, "IEND", 4));

    /* A mode larger than the memory is refused, not read out of bounds. */
    dispi_write(qts, 1, 8192);
    dispi_write(qts, 2, 8192);
    rsp = qtest_qmp(qts, "{'execute': 'screendump', 'arguments': "
                    "{'filename': %s}}", ppm);
    g_assert_nonnull(qdict_get_qdict(rsp, "error"));
    qobject_unref(rsp);
    qtest_quit(qts);
    unlink(ppm);
    unlink(png);
    rmdir(dir);
}

static void test_migrate(void)
{
    g_autofree char *dir = g_dir_make_tmp("tern-disp-XXXXXX", NULL);
    g_autofree char *ppm_src = g_build_filename(dir, "src.ppm", NULL);
    g_autofree char *ppm_dst = g_build_filename(dir, "dst.ppm", NULL);
    g_autofree char *file = g_build_filename(dir, "stream", NULL);
    g_autofree char *uri = g_strdup_printf("file:%s", file);
    g_autofree char *extra = g_strdup_printf("-incoming %s", uri);
    g_autofree gchar *a = NULL, *b = NULL;
    gsize alen, blen;
    QTestState *src, *dst;
    bool done = false;

    src = start(NULL);
    map_and_paint(src);
    a = screendump(src, ppm_src, "ppm", &alen);
    qtest_qmp_assert_success(src, "{'execute': 'stop'}");
    qtest_qmp_assert_success(src, "{'execute': 'migrate', 'arguments': "
                             "{'uri': %s}}", uri);
    for (int i = 0; i < 600 && !done; i++) {
        QDict *rsp = qtest_qmp(src, "{'execute': 'query-migrate'}");
        const char *st = qdict_get_try_str(qdict_get_qdict(rsp, "return"),
                                           "status");

        g_assert_cmpstr(st, !=, "failed");
        done = st && !strcmp(st, "completed");
        qobject_unref(rsp);
        g_usleep(done ? 0 : 50 * 1000);
    }
    g_assert(done);
    qtest_quit(src);

    dst = start(extra);
    done = false;
    for (int i = 0; i < 600 && !done; i++) {
        QDict *rsp = qtest_qmp(dst, "{'execute': 'query-migrate'}");
        const char *st = qdict_get_try_str(qdict_get_qdict(rsp, "return"),
                                           "status");

        done = st && !strcmp(st, "completed");
        qobject_unref(rsp);
        g_usleep(done ? 0 : 50 * 1000);
    }
    g_assert(done);
    /* Mode and framebuffer came along: the same picture. */
    b = screendump(dst, ppm_dst, "ppm", &blen);
    g_assert_cmpuint(alen, ==, blen);
    g_assert(!memcmp(a, b, alen));
    check_ppm(b, blen);
    qtest_quit(dst);
    unlink(ppm_src);
    unlink(ppm_dst);
    unlink(file);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/display/registers", test_registers);
    qtest_add_func("/display/screendump", test_screendump);
    qtest_add_func("/display/migrate", test_migrate);
    return g_test_run();
}
