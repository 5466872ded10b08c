/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Throughput of each buffer_is_zero() implementation on zero buffers of
 * a few sizes (the all-zero case is the slow one: every byte is read).
 * Usage: bufferiszero-bench [MiB per measurement, default 256]
 */
#include "qemu/osdep.h"
#include "qemu/cutils.h"

static const size_t sizes[] = { 64, 512, 4096, 64 * 1024, 2 * 1024 * 1024 };

int main(int argc, char **argv)
{
    uint64_t total = (argc > 1 ? g_ascii_strtoull(argv[1], NULL, 10) : 256)
                     * MiB;
    size_t maxsize = sizes[ARRAY_SIZE(sizes) - 1];
    unsigned char *buf = g_malloc0(maxsize);
    size_t i;

    test_buffer_is_zero_reset();
    do {
        for (i = 0; i < ARRAY_SIZE(sizes); i++) {
            uint64_t iters = MAX(total / sizes[i], 1);
            uint64_t n, zero = 0;
            gint64 t0, t1;
            double secs;

            t0 = g_get_monotonic_time();
            for (n = 0; n < iters; n++) {
                zero += buffer_is_zero(buf, sizes[i]);
            }
            t1 = g_get_monotonic_time();
            if (zero != iters) {
                fprintf(stderr, "wrong answer from %s\n",
                        test_buffer_is_zero_accel_name());
                return 1;
            }
            secs = MAX(t1 - t0, 1) / 1e6;
            printf("%-5s %8zu bytes: %8.2f GiB/s\n",
                   test_buffer_is_zero_accel_name(), sizes[i],
                   (double)iters * sizes[i] / secs / GiB);
        }
    } while (test_buffer_is_zero_next_accel());
    g_free(buf);
    return 0;
}
