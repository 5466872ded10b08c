/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * XBZRLE encoder/decoder (migration/xbzrle.c) and the page cache
 * (migration/page_cache.c): exact encodings in QEMU's format, every
 * decoder refusal with its message, round trips, and the cache's
 * sizing, replacement and ageing rules.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "migration/page_cache.h"
#include "migration/xbzrle.h"

#define PAGE 4096

static void test_encode_exact(void)
{
    uint8_t old[PAGE] = { 0 }, new[PAGE] = { 0 }, enc[PAGE];
    int n;

    /* Equal pages: nothing. */
    g_assert_cmpint(xbzrle_encode_buffer(old, new, PAGE, enc, PAGE), ==, 0);

    /* A change at the start: zero-length unchanged run first. */
    new[0] = 0x11;
    new[1] = 0x22;
    n = xbzrle_encode_buffer(old, new, PAGE, enc, PAGE);
    g_assert_cmpint(n, ==, 4);
    g_assert_cmpmem(enc, n, ((uint8_t []){ 0x00, 0x02, 0x11, 0x22 }), 4);

    /* Two changes; the second run length needs two uleb128 bytes. */
    memset(new, 0, PAGE);
    new[5] = 0xaa;
    new[5 + 1 + 200] = 0xbb;
    n = xbzrle_encode_buffer(old, new, PAGE, enc, PAGE);
    g_assert_cmpint(n, ==, 7);
    g_assert_cmpmem(enc, n, ((uint8_t []){ 0x05, 0x01, 0xaa, 0xc8, 0x01,
                                           0x01, 0xbb }), 7);

    /* A change at the very end: no trailing unchanged run. */
    memset(new, 0, PAGE);
    new[PAGE - 1] = 0x7f;
    n = xbzrle_encode_buffer(old, new, PAGE, enc, PAGE);
    g_assert_cmpint(n, ==, 4);
    g_assert_cmpmem(enc, n, ((uint8_t []){ 0xff, 0x1f, 0x01, 0x7f }), 4);

    /* A long changed run crossing words (not multiple of 8). */
    memset(new, 0, PAGE);
    memset(new + 3, 0x5a, 21);
    n = xbzrle_encode_buffer(old, new, PAGE, enc, PAGE);
    g_assert_cmpint(n, ==, 2 + 21);
    g_assert_cmpint(enc[0], ==, 3);
    g_assert_cmpint(enc[1], ==, 21);
}

static void test_encode_overflow(void)
{
    uint8_t old[PAGE] = { 0 }, new[PAGE] = { 0 }, enc[PAGE];

    /* Every other byte changed: 3 bytes per changed byte, too long. */
    for (int i = 0; i < PAGE; i += 2) {
        new[i] = 1;
    }
    g_assert_cmpint(xbzrle_encode_buffer(old, new, PAGE, enc, PAGE), ==, -1);
    /* Whole page changed: 2 + 4096 bytes > 4096. */
    memset(new, 0xff, PAGE);
    g_assert_cmpint(xbzrle_encode_buffer(old, new, PAGE, enc, PAGE), ==, -1);
    /* A small budget overflows early. */
    memset(new, 0, PAGE);
    new[100] = 1;
    new[200] = 1;
    g_assert_cmpint(xbzrle_encode_buffer(old, new, PAGE, enc, 4), ==, -1);
}

static void test_round_trip(void)
{
    g_autofree uint8_t *old = g_malloc(PAGE), *new = g_malloc(PAGE);
    g_autofree uint8_t *enc = g_malloc(PAGE), *out = g_malloc(PAGE);
    GRand *r = g_rand_new_with_seed(12);
    int encoded = 0;

    for (int iter = 0; iter < 2000; iter++) {
        int changes = g_rand_int_range(r, 0, 64);
        int n;

        for (int i = 0; i < PAGE; i++) {
            old[i] = g_rand_int(r);
        }
        memcpy(new, old, PAGE);
        for (int c = 0; c < changes; c++) {
            int off = g_rand_int_range(r, 0, PAGE);
            int len = g_rand_int_range(r, 1, 300);

            len = MIN(len, PAGE - off);

            for (int i = 0; i < len; i++) {
                new[off + i] ^= g_rand_int_range(r, 1, 256);
            }
        }
        n = xbzrle_encode_buffer(old, new, PAGE, enc, PAGE);
        if (n <= 0) {
            g_assert(n < 0 || !memcmp(old, new, PAGE));
            continue;
        }
        encoded++;
        memcpy(out, old, PAGE);
        g_assert_cmpint(xbzrle_decode_buffer(enc, n, out, PAGE), >, 0);
        g_assert_cmpmem(out, PAGE, new, PAGE);
    }
    g_assert_cmpint(encoded, >, 1000);
    g_rand_free(r);
}

static void expect_decode_error(const uint8_t *rec, int len, const char *msg)
{
    uint8_t page[PAGE] = { 0 };
    Error *err = NULL;

    g_assert_cmpint(xbzrle_decode_buffer(rec, len, page, PAGE), ==, -1);
    g_assert_false(xbzrle_decode_page(rec, len, page, PAGE, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

static void test_decode_errors(void)
{
    uint8_t page[PAGE] = { 0 };
    Error *err = NULL;

    g_assert_true(xbzrle_decode_page((uint8_t []){ 0x02, 0x01, 0x77 }, 3,
                                     page, PAGE, &err));
    g_assert_cmpint(page[2], ==, 0x77);
    /* An empty record is an unchanged page. */
    g_assert_cmpint(xbzrle_decode_buffer(NULL, 0, page, PAGE), ==, 0);

    expect_decode_error((uint8_t []){ 0x80 }, 1,
                        "bad unchanged-run length at byte 0 of 1");
    expect_decode_error((uint8_t []){ 0x80, 0x80, 0x01 }, 3,
                        "bad unchanged-run length at byte 0 of 3");
    expect_decode_error((uint8_t []){ 0x00 }, 1,
                        "missing changed-run length at byte 1 of 1");
    expect_decode_error((uint8_t []){ 0x00, 0x00 }, 2,
                        "empty changed run at byte 1");
    expect_decode_error((uint8_t []){ 0x00, 0x01, 0x55, 0x00, 0x01, 0x55 },
                        6, "empty unchanged run at byte 3");
    expect_decode_error((uint8_t []){ 0x81, 0x20, 0x01, 0x55 }, 4,
                        "unchanged run of 4097 bytes at page offset 0 goes "
                        "past the 4096-byte page");
    expect_decode_error((uint8_t []){ 0xff, 0x1f, 0x02, 0x55, 0x66 }, 5,
                        "changed run of 2 bytes at page offset 4095 goes "
                        "past the 4096-byte page");
    expect_decode_error((uint8_t []){ 0x00, 0x05, 0x55 }, 3,
                        "changed run of 5 bytes at byte 2 goes past the "
                        "3-byte record");
}

static void test_cache_init(void)
{
    Error *err = NULL;
    PageCache *c;

    g_assert_null(cache_init(2048, PAGE, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "cache size is smaller than target page size");
    g_clear_pointer(&err, error_free);
    g_assert_null(cache_init(3 * PAGE, PAGE, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "number of pages is not a power of two");
    g_clear_pointer(&err, error_free);
    g_assert_null(cache_init(1ULL << 62, PAGE, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Failed to allocate page cache");
    g_clear_pointer(&err, error_free);

    c = cache_init(8 * PAGE, PAGE, &error_abort);
    g_assert_cmpuint(cache_slots(c), ==, 8);
    g_assert_cmpuint(cache_used_slots(c), ==, 0);
    cache_fini(c);
}

static void test_cache_rules(void)
{
    PageCache *c = cache_init(4 * PAGE, PAGE, &error_abort);
    uint8_t a[PAGE], b[PAGE];

    memset(a, 0xaa, PAGE);
    memset(b, 0xbb, PAGE);
    g_assert_false(cache_is_cached(c, 0, 1));
    g_assert_null(get_cached_data(c, 0));
    g_assert_cmpint(cache_insert(c, 0, a, 1), ==, 0);
    g_assert_true(cache_is_cached(c, 0, 1));
    g_assert_cmpmem(get_cached_data(c, 0), PAGE, a, PAGE);
    g_assert_cmpuint(cache_used_slots(c), ==, 1);

    /* Address 4 pages on maps to the same slot; it is too young. */
    g_assert_false(cache_is_cached(c, 4 * PAGE, 2));
    g_assert_cmpint(cache_insert(c, 4 * PAGE, b, 2), ==, -1);
    g_assert_cmpmem(get_cached_data(c, 0), PAGE, a, PAGE);
    /* A hit at generation 5 keeps it young until 7. */
    g_assert_true(cache_is_cached(c, 0, 5));
    g_assert_cmpint(cache_insert(c, 4 * PAGE, b, 6), ==, -1);
    g_assert_cmpint(cache_insert(c, 4 * PAGE, b, 7), ==, 0);
    g_assert_false(cache_is_cached(c, 0, 7));
    g_assert_true(cache_is_cached(c, 4 * PAGE, 7));
    g_assert_cmpmem(get_cached_data(c, 4 * PAGE), PAGE, b, PAGE);
    /* The same address is always replaced. */
    g_assert_cmpint(cache_insert(c, 4 * PAGE, a, 7), ==, 0);
    g_assert_cmpmem(get_cached_data(c, 4 * PAGE), PAGE, a, PAGE);
    g_assert_cmpuint(cache_used_slots(c), ==, 1);
    /* Another slot. */
    g_assert_cmpint(cache_insert(c, PAGE, b, 7), ==, 0);
    g_assert_cmpuint(cache_used_slots(c), ==, 2);
    cache_fini(c);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/xbzrle/encode/exact", test_encode_exact);
    g_test_add_func("/xbzrle/encode/overflow", test_encode_overflow);
    g_test_add_func("/xbzrle/round-trip", test_round_trip);
    g_test_add_func("/xbzrle/decode/errors", test_decode_errors);
    g_test_add_func("/xbzrle/cache/init", test_cache_init);
    g_test_add_func("/xbzrle/cache/rules", test_cache_rules);
    return g_test_run();
}
