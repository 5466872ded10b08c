/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests for buffer_is_zero(): every implementation the CPU offers is
 * compared with a byte loop on buffers of many lengths and alignments.
 * The bytes just outside each buffer are non-zero, so an implementation
 * that looks past either end gives a wrong answer.
 */
#include "qemu/osdep.h"
#include "qemu/cutils.h"

#define AREA 9000

static bool naive_is_zero(const unsigned char *p, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

/* A zero region at @buf + @off of @len bytes, fenced by 0xff bytes. */
static unsigned char *fenced(unsigned char *area, size_t off, size_t len)
{
    memset(area, 0xff, AREA);
    memset(area + off, 0, len);
    return area + off;
}

static void check_one_accel(unsigned char *area)
{
    size_t lens[] = { 0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65,
                      95, 96, 127, 128, 129, 255, 256, 257, 4095, 4096,
                      4097, 8192 };
    size_t li, off, pos;
    int iter;

    /* Zero regions of each length at each offset in a cache line. */
    for (li = 0; li < ARRAY_SIZE(lens); li++) {
        for (off = 1; off <= 64; off++) {
            unsigned char *p = fenced(area, off, lens[li]);

            g_assert_true(buffer_is_zero(p, lens[li]));
        }
    }

    /* One non-zero byte in the first and last 64 bytes, every position */
    for (li = 0; li < ARRAY_SIZE(lens); li++) {
        size_t len = lens[li];

        for (off = 1; off <= 64; off += 7) {
            unsigned char *p = fenced(area, off, len);

            for (pos = 0; pos < len; pos++) {
                if (pos >= 64 && pos < len - 64) {
                    pos = len - 64;
                }
                p[pos] = 1 << (pos % 8);
                if (buffer_is_zero(p, len)) {
                    g_error("len %zu off %zu: byte %zu missed", len, off,
                            pos);
                }
                p[pos] = 0;
            }
            g_assert_true(buffer_is_zero(p, len));
        }
    }

    /* One non-zero byte anywhere in a page, at each 8-byte lane. */
    {
        unsigned char *p = fenced(area, 3, 4096);

        for (pos = 0; pos < 4096; pos += 13) {
            p[pos] = 0x80;
            g_assert_false(buffer_is_zero(p, 4096));
            p[pos] = 0;
        }
    }

    /* Random lengths, offsets and contents against the byte loop. */
    for (iter = 0; iter < 3000; iter++) {
        size_t len = g_test_rand_int_range(0, 8193);
        unsigned char *p;
        int nonzero = g_test_rand_int_range(0, 3);
        int k;

        off = g_test_rand_int_range(1, 65);
        p = fenced(area, off, len);
        for (k = 0; k < nonzero && len; k++) {
            p[g_test_rand_int_range(0, len)] = g_test_rand_int_range(0, 256);
        }
        g_assert_cmpint(buffer_is_zero(p, len), ==, naive_is_zero(p, len));
    }
}

static void test_all_accels(void)
{
    g_autofree unsigned char *area = g_malloc(AREA);
    g_autoptr(GString) names = g_string_new("");

    test_buffer_is_zero_reset();
    do {
        const char *name = test_buffer_is_zero_accel_name();

        g_string_append_printf(names, "%s ", name);
        g_test_message("checking %s", name);
        check_one_accel(area);
    } while (test_buffer_is_zero_next_accel());

    /* The last one is always the integer version. */
    g_assert_cmpstr(test_buffer_is_zero_accel_name(), ==, "int");
    g_assert_false(test_buffer_is_zero_next_accel());
#ifdef __x86_64__
    g_assert_nonnull(strstr(names->str, "sse2"));
    if (__builtin_cpu_supports("avx2")) {
        g_assert_nonnull(strstr(names->str, "avx2"));
    }
    test_buffer_is_zero_reset();
    g_assert_cmpstr(test_buffer_is_zero_accel_name(), !=, "int");
#endif
}

static void test_large(void)
{
    size_t len = 4 * MiB + 1;
    g_autofree unsigned char *buf = g_malloc0(len + 1);

    test_buffer_is_zero_reset();
    g_assert_true(buffer_is_zero(buf + 1, len));
    buf[len] = 1;
    g_assert_false(buffer_is_zero(buf + 1, len));
    g_assert_true(buffer_is_zero(buf + 1, len - 1));
    buf[len / 2] = 1;
    g_assert_false(buffer_is_zero(buf, len / 2 + 1));
    g_assert_true(buffer_is_zero(buf, len / 2));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/bufferiszero/all-accels", test_all_accels);
    g_test_add_func("/bufferiszero/large", test_large);
    return g_test_run();
}
