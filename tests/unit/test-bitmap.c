/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests for qemu/bitops.h and qemu/bitmap.h: every operation is checked
 * against a one-bool-per-bit reference on random bitmaps of odd sizes.
 * Random numbers come from g_test_rand_*, so --seed reproduces a run.
 */
#include "qemu/osdep.h"
#include "qemu/bitmap.h"
#include "qemu/bswap.h"

#define MAX_BITS 1000           /* a bit under 16 words */
#define MAP_WORDS (BITS_TO_LONGS(MAX_BITS) + 2)

/* A random bitmap of @nbits bits; density 0..100 in percent. */
static void random_map(unsigned long *map, long nbits, int density)
{
    long i;

    memset(map, 0, MAP_WORDS * sizeof(unsigned long));
    for (i = 0; i < nbits; i++) {
        if (g_test_rand_int_range(0, 100) < density) {
            set_bit(i, map);
        }
    }
}

/* Garbage in the bits past @nbits, which queries must ignore. */
static void dirty_tail(unsigned long *map, long nbits, bool ones)
{
    long i;

    for (i = nbits; i < (long)(MAP_WORDS * BITS_PER_LONG); i++) {
        if (ones) {
            set_bit(i, map);
        } else {
            clear_bit(i, map);
        }
    }
}

static long random_size(void)
{
    /* Mostly odd sizes, sometimes exactly a word multiple. */
    if (g_test_rand_int_range(0, 4) == 0) {
        return BITS_PER_LONG * g_test_rand_int_range(1, MAX_BITS /
                                                     BITS_PER_LONG);
    }
    return g_test_rand_int_range(1, MAX_BITS);
}

static int random_density(void)
{
    static const int densities[] = { 0, 1, 5, 50, 95, 99, 100 };

    return densities[g_test_rand_int_range(0, ARRAY_SIZE(densities))];
}

static unsigned long naive_next(const unsigned long *map, long size,
                                long offset, int want)
{
    long i;

    for (i = offset; i < size; i++) {
        if (test_bit(i, map) == want) {
            return i;
        }
    }
    return size;
}

static void test_bit_ops(void)
{
    unsigned long map[2] = { 0, 0 };

    set_bit(0, map);
    set_bit(BITS_PER_LONG + 3, map);
    g_assert_cmphex(map[0], ==, 1);
    g_assert_cmphex(map[1], ==, 8);
    g_assert_true(test_bit(BITS_PER_LONG + 3, map));
    g_assert_false(test_bit(BITS_PER_LONG + 2, map));
    g_assert_true(test_and_set_bit(0, map));
    g_assert_false(test_and_set_bit(1, map));
    g_assert_cmphex(map[0], ==, 3);
    g_assert_true(test_and_clear_bit(1, map));
    g_assert_false(test_and_clear_bit(1, map));
    change_bit(BITS_PER_LONG - 1, map);
    g_assert_cmphex(map[0], ==, 1 | BIT(BITS_PER_LONG - 1));
    g_assert_true(test_and_change_bit(BITS_PER_LONG - 1, map));
    clear_bit(BITS_PER_LONG + 3, map);
    g_assert_cmphex(map[1], ==, 0);
    set_bit_atomic(BITS_PER_LONG * 2 - 1, map);
    g_assert_cmphex(map[1], ==, BIT(BITS_PER_LONG - 1));
    clear_bit_atomic(BITS_PER_LONG * 2 - 1, map);
    g_assert_cmphex(map[1], ==, 0);

    g_assert_cmpuint(BIT_WORD(BITS_PER_LONG), ==, 1);
    g_assert_cmphex(BIT_MASK(BITS_PER_LONG + 5), ==, 1UL << 5);
    g_assert_cmpuint(BITS_TO_LONGS(0), ==, 0);
    g_assert_cmpuint(BITS_TO_LONGS(1), ==, 1);
    g_assert_cmpuint(BITS_TO_LONGS(BITS_PER_LONG + 1), ==, 2);
    g_assert_cmphex(BIT_ULL(40), ==, 0x10000000000ULL);
    g_assert_cmphex(MAKE_64BIT_MASK(4, 8), ==, 0xff0);
    g_assert_cmphex(MAKE_64BIT_MASK(0, 64), ==, ~0ULL);
}

static void test_count_helpers(void)
{
    g_assert_cmpint(ctz32(0), ==, 32);
    g_assert_cmpint(ctz64(0), ==, 64);
    g_assert_cmpint(clz32(0), ==, 32);
    g_assert_cmpint(clz64(0), ==, 64);
    g_assert_cmpint(ctz64(0x100), ==, 8);
    g_assert_cmpint(clz64(0x100), ==, 55);
    g_assert_cmpint(ctz32(0x80000000u), ==, 31);
    g_assert_cmpint(clz32(1), ==, 31);
    g_assert_cmpint(cto32(0x7), ==, 3);
    g_assert_cmpint(clo64(~0ULL << 60), ==, 4);
    g_assert_cmpint(ctpop8(0xff), ==, 8);
    g_assert_cmpint(ctpop16(0x8001), ==, 2);
    g_assert_cmpint(ctpop32(0xf0f0f0f0), ==, 16);
    g_assert_cmpint(ctpop64(~0ULL), ==, 64);
    g_assert_cmpint(ctpop64(0), ==, 0);

    g_assert_cmphex(rol32(0x80000001u, 1), ==, 3);
    g_assert_cmphex(ror32(3, 1), ==, 0x80000001u);
    g_assert_cmphex(rol64(0x1, 0), ==, 1);
    g_assert_cmphex(ror8(0x01, 1), ==, 0x80);
    g_assert_cmphex(extract32(0xabcd1234, 8, 8), ==, 0x12);
    g_assert_cmphex(extract64(0xabcd123400000000ULL, 48, 16), ==, 0xabcd);
    g_assert_cmpint(sextract32(0x00000f00, 8, 4), ==, -1);
    g_assert_cmpint(sextract64(0x7ULL << 60, 60, 4), ==, 7);
    g_assert_cmphex(deposit32(0xffffffff, 4, 8, 0), ==, 0xfffff00f);
    g_assert_cmphex(deposit64(0, 60, 4, 0x1f), ==, 0xf000000000000000ULL);

    g_assert_cmphex(pow2ceil(0), ==, 1);
    g_assert_cmphex(pow2ceil(1), ==, 1);
    g_assert_cmphex(pow2ceil(3), ==, 4);
    g_assert_cmphex(pow2ceil(4096), ==, 4096);
    g_assert_cmphex(pow2ceil(4097), ==, 8192);
    g_assert_cmphex(pow2ceil(1ULL << 63), ==, 1ULL << 63);
    g_assert_cmphex(pow2ceil((1ULL << 63) + 1), ==, 0);
    g_assert_cmphex(pow2floor(0), ==, 0);
    g_assert_cmphex(pow2floor(4097), ==, 4096);
    g_assert_true(is_power_of_2(1));
    g_assert_false(is_power_of_2(0));
    g_assert_false(is_power_of_2(6));
}

static void test_find_random(void)
{
    unsigned long map[MAP_WORDS];
    int iter;

    for (iter = 0; iter < 300; iter++) {
        long size = random_size();
        long off;

        random_map(map, size, random_density());
        /* A set tail must not be reported by find_next_bit. */
        dirty_tail(map, size, true);
        for (off = 0; off <= size + 2; off++) {
            g_assert_cmpuint(find_next_bit(map, size, off), ==,
                             off > size ? (unsigned long)size
                                        : naive_next(map, size, off, 1));
        }
        g_assert_cmpuint(find_first_bit(map, size), ==,
                         naive_next(map, size, 0, 1));
        /* ... nor a clear tail by find_next_zero_bit. */
        dirty_tail(map, size, false);
        for (off = 0; off <= size + 2; off++) {
            g_assert_cmpuint(find_next_zero_bit(map, size, off), ==,
                             off > size ? (unsigned long)size
                                        : naive_next(map, size, off, 0));
        }
        g_assert_cmpuint(find_first_zero_bit(map, size), ==,
                         naive_next(map, size, 0, 0));

        dirty_tail(map, size, true);
        {
            unsigned long expect = size;
            long i;

            for (i = size - 1; i >= 0; i--) {
                if (test_bit(i, map)) {
                    expect = i;
                    break;
                }
            }
            g_assert_cmpuint(find_last_bit(map, size), ==, expect);
        }
    }
}

static void test_find_edges(void)
{
    unsigned long *map = bitmap_new(64 * BITS_PER_LONG);
    unsigned long size = 64 * BITS_PER_LONG;

    /* Empty map: the four-word skip must stop at the end. */
    g_assert_cmpuint(find_next_bit(map, size, 0), ==, size);
    g_assert_cmpuint(find_next_bit(map, size, size - 1), ==, size);
    g_assert_cmpuint(find_next_bit(map, size, size), ==, size);
    g_assert_cmpuint(find_next_bit(map, size, size + 100), ==, size);
    g_assert_cmpuint(find_next_bit(map, 0, 0), ==, 0);
    g_assert_cmpuint(find_last_bit(map, size), ==, size);
    g_assert_cmpuint(find_last_bit(map, 0), ==, 0);
    g_assert_cmpuint(find_next_zero_bit(map, size, 17), ==, 17);

    /* Only the very last bit. */
    set_bit(size - 1, map);
    g_assert_cmpuint(find_next_bit(map, size, 0), ==, size - 1);
    g_assert_cmpuint(find_next_bit(map, size, size - 1), ==, size - 1);
    g_assert_cmpuint(find_last_bit(map, size), ==, size - 1);
    /* A shorter size does not see it. */
    g_assert_cmpuint(find_next_bit(map, size - 1, 0), ==, size - 1);
    g_assert_cmpuint(find_last_bit(map, size - 1), ==, size - 1);

    /* A bit in each of the skip-loop positions. */
    clear_bit(size - 1, map);
    for (unsigned long b = BITS_PER_LONG; b < size; b += 7) {
        set_bit(b, map);
        g_assert_cmpuint(find_next_bit(map, size, 1), ==, b);
        g_assert_cmpuint(find_next_bit(map, size, b), ==, b);
        g_assert_cmpuint(find_next_bit(map, size, b + 1), ==, size);
        g_assert_cmpuint(find_last_bit(map, size), ==, b);
        clear_bit(b, map);
    }

    /* Full map, zero search. */
    bitmap_fill(map, size);
    g_assert_cmpuint(find_next_zero_bit(map, size, 0), ==, size);
    clear_bit(3 * BITS_PER_LONG + 5, map);
    g_assert_cmpuint(find_next_zero_bit(map, size, 0), ==,
                     3 * BITS_PER_LONG + 5);
    g_assert_cmpuint(find_next_zero_bit(map, size, 3 * BITS_PER_LONG + 6),
                     ==, size);
    g_free(map);
}

static bool naive_any(const unsigned long *map, long start, long end)
{
    long i;

    for (i = start; i < end; i++) {
        if (test_bit(i, map)) {
            return true;
        }
    }
    return false;
}

static long naive_count(const unsigned long *map, long start, long end)
{
    long i, n = 0;

    for (i = start; i < end; i++) {
        n += test_bit(i, map);
    }
    return n;
}

static void assert_bits_equal(const unsigned long *a, const unsigned long *b,
                              long start, long end)
{
    long i;

    for (i = start; i < end; i++) {
        if (test_bit(i, a) != test_bit(i, b)) {
            g_error("bit %ld differs: %d vs %d", i, test_bit(i, a),
                    test_bit(i, b));
        }
    }
}

static void test_binary_ops(void)
{
    unsigned long a[MAP_WORDS], b[MAP_WORDS], d[MAP_WORDS];
    int iter;

    for (iter = 0; iter < 300; iter++) {
        long size = random_size();
        long i;
        bool any;

        random_map(a, size, random_density());
        random_map(b, size, random_density());
        dirty_tail(a, size, g_test_rand_bit());
        dirty_tail(b, size, g_test_rand_bit());

        any = bitmap_and(d, a, b, size);
        for (i = 0; i < size; i++) {
            g_assert_cmpint(test_bit(i, d), ==, test_bit(i, a) &&
                            test_bit(i, b));
        }
        g_assert_cmpint(any, ==, naive_any(d, 0, size));
        g_assert_cmpint(bitmap_intersects(a, b, size), ==, any);

        bitmap_or(d, a, b, size);
        for (i = 0; i < size; i++) {
            g_assert_cmpint(test_bit(i, d), ==, test_bit(i, a) ||
                            test_bit(i, b));
        }
        bitmap_xor(d, a, b, size);
        for (i = 0; i < size; i++) {
            g_assert_cmpint(test_bit(i, d), ==, test_bit(i, a) !=
                            test_bit(i, b));
        }
        g_assert_cmpint(bitmap_empty(d, size), ==, !naive_any(d, 0, size));
        g_assert_cmpint(bitmap_equal(a, b, size), ==,
                        !naive_any(d, 0, size));

        any = bitmap_andnot(d, a, b, size);
        for (i = 0; i < size; i++) {
            g_assert_cmpint(test_bit(i, d), ==, test_bit(i, a) &&
                            !test_bit(i, b));
        }
        g_assert_cmpint(any, ==, naive_any(d, 0, size));

        bitmap_complement(d, a, size);
        for (i = 0; i < size; i++) {
            g_assert_cmpint(test_bit(i, d), ==, !test_bit(i, a));
        }
        g_assert_false(naive_any(d, size, BITS_TO_LONGS(size) *
                                 BITS_PER_LONG));
        g_assert_cmpint(bitmap_full(d, size), ==, bitmap_empty(a, size));
        g_assert_cmpint(bitmap_full(a, size), ==,
                        naive_count(a, 0, size) == size);

        bitmap_copy(d, a, size);
        g_assert_true(bitmap_equal(d, a, size));
        if (size > 1) {
            change_bit(size - 1, d);
            g_assert_false(bitmap_equal(d, a, size));
            g_assert_true(bitmap_equal(d, a, size - 1));
        }

        g_assert_cmpint(bitmap_count_one(a, size), ==,
                        naive_count(a, 0, size));
        for (i = 0; i < 20; i++) {
            long start = g_test_rand_int_range(0, size);
            long nr = g_test_rand_int_range(0, size - start + 1);

            g_assert_cmpint(bitmap_count_one_with_offset(a, start, nr), ==,
                            naive_count(a, start, start + nr));
        }
    }
}

static void test_fill_zero(void)
{
    unsigned long map[MAP_WORDS];
    long size;

    for (size = 0; size < 3 * (long)BITS_PER_LONG; size++) {
        memset(map, 0x5a, sizeof(map));
        bitmap_fill(map, size);
        g_assert_cmpint(naive_count(map, 0, size), ==, size);
        /* Tail of the last word cleared */
        g_assert_false(naive_any(map, size,
                                 BITS_TO_LONGS(size) * BITS_PER_LONG));
        g_assert_true(bitmap_full(map, size));
        g_assert_cmpint(bitmap_empty(map, size), ==, size == 0);
        bitmap_zero(map, size);
        g_assert_true(bitmap_empty(map, size));
        g_assert_cmpint(bitmap_count_one(map, size), ==, 0);
    }
}

static void test_ranges(void)
{
    unsigned long map[MAP_WORDS], ref[MAP_WORDS];
    int iter;

    for (iter = 0; iter < 2000; iter++) {
        long size = random_size();
        long start = g_test_rand_int_range(0, size);
        long nr = g_test_rand_int_range(0, size - start + 1);
        int op = g_test_rand_int_range(0, 5);
        bool ret = false, expect = false;
        long i;

        random_map(map, size, random_density());
        dirty_tail(map, size, g_test_rand_bit());
        memcpy(ref, map, sizeof(map));
        for (i = start; i < start + nr; i++) {
            expect |= test_bit(i, ref);
            if (op <= 1) {
                set_bit(i, ref);
            } else {
                clear_bit(i, ref);
            }
        }
        switch (op) {
        case 0:
            bitmap_set(map, start, nr);
            break;
        case 1:
            bitmap_set_atomic(map, start, nr);
            break;
        case 2:
            bitmap_clear(map, start, nr);
            break;
        case 3:
            ret = bitmap_test_and_clear(map, start, nr);
            g_assert_cmpint(ret, ==, expect);
            break;
        case 4:
            ret = bitmap_test_and_clear_atomic(map, start, nr);
            g_assert_cmpint(ret, ==, expect);
            break;
        }
        /* The whole array, so the words around the range are checked. */
        g_assert_cmpmem(map, sizeof(map), ref, sizeof(ref));
    }
}

static void test_range_word_boundaries(void)
{
    unsigned long map[4];
    long b = BITS_PER_LONG;

    memset(map, 0, sizeof(map));
    bitmap_set(map, b - 1, 2);
    g_assert_cmphex(map[0], ==, BIT(b - 1));
    g_assert_cmphex(map[1], ==, 1);
    bitmap_set(map, 0, 4 * b);
    g_assert_true(bitmap_full(map, 4 * b));
    bitmap_clear(map, 1, 4 * b - 2);
    g_assert_cmphex(map[0], ==, 1);
    g_assert_cmphex(map[1], ==, 0);
    g_assert_cmphex(map[2], ==, 0);
    g_assert_cmphex(map[3], ==, BIT(b - 1));
    g_assert_false(bitmap_test_and_clear_atomic(map, 1, 4 * b - 2));
    g_assert_true(bitmap_test_and_clear_atomic(map, 1, 4 * b - 1));
    g_assert_cmphex(map[3], ==, 0);
    g_assert_cmphex(map[0], ==, 1);
    g_assert_false(bitmap_test_and_clear_atomic(map, 1, 0));
    g_assert_true(bitmap_test_and_clear_atomic(map, 0, 1));
    g_assert_true(bitmap_empty(map, 4 * b));
    bitmap_set_atomic(map, b, b);
    g_assert_cmphex(map[1], ==, ~0UL);
    g_assert_true(bitmap_test_and_clear_atomic(map, b, b));
    g_assert_cmphex(map[1], ==, 0);
}

static void test_copy_offsets(void)
{
    unsigned long src[MAP_WORDS], dst[MAP_WORDS], before[MAP_WORDS];
    int iter;

    for (iter = 0; iter < 2000; iter++) {
        long size = random_size();
        long offset = g_test_rand_int_range(0, size);
        long nbits = g_test_rand_int_range(0, size - offset + 1);
        long i;

        random_map(src, size, 50);
        random_map(dst, size, 50);
        dirty_tail(dst, size, true);
        memcpy(before, dst, sizeof(dst));

        bitmap_copy_with_src_offset(dst, src, offset, nbits);
        for (i = 0; i < nbits; i++) {
            g_assert_cmpint(test_bit(i, dst), ==, test_bit(offset + i, src));
        }
        if (nbits) {
            /* The rest of the last word is cleared ... */
            g_assert_false(naive_any(dst, nbits, BITS_TO_LONGS(nbits) *
                                     BITS_PER_LONG));
            /* ... and later words are untouched. */
            assert_bits_equal(dst, before, BITS_TO_LONGS(nbits) *
                              BITS_PER_LONG, MAP_WORDS * BITS_PER_LONG);
        } else {
            g_assert_cmpmem(dst, sizeof(dst), before, sizeof(before));
        }

        memcpy(dst, before, sizeof(dst));
        bitmap_copy_with_dst_offset(dst, src, offset, nbits);
        for (i = 0; i < nbits; i++) {
            g_assert_cmpint(test_bit(offset + i, dst), ==, test_bit(i, src));
        }
        assert_bits_equal(dst, before, 0, offset);
        assert_bits_equal(dst, before, offset + nbits,
                          MAP_WORDS * BITS_PER_LONG);
    }
}

static void test_src_offset_bounds(void)
{
    /*
     * The source range ends exactly at the end of a heap allocation, so
     * a read past it would show up under valgrind or ASan.
     */
    long b = BITS_PER_LONG;
    unsigned long *src = g_new(unsigned long, 2);
    unsigned long dst[2];

    src[0] = 0xf0UL;
    src[1] = ~0UL;
    bitmap_copy_with_src_offset(dst, src, 4, 2 * b - 4);
    g_assert_cmphex(dst[0], ==, 0xfUL | (~0UL << (b - 4)));
    /* src bits b + 4 .. 2b - 1: b - 4 ones, the rest of dst[1] clear */
    g_assert_cmphex(dst[1], ==, (1UL << (b - 4)) - 1);
    g_free(src);
}

static void test_le(void)
{
    unsigned long map[MAP_WORDS], le[MAP_WORDS], back[MAP_WORDS];
    const uint8_t *bytes = (const uint8_t *)le;
    long size = 333;
    long i;

    random_map(map, size, 30);
    bitmap_to_le(le, map, size);
    for (i = 0; i < size; i++) {
        g_assert_cmpint((bytes[i / 8] >> (i % 8)) & 1, ==, test_bit(i, map));
    }
    bitmap_from_le(back, le, size);
    g_assert_true(bitmap_equal(back, map, size));

    /* A known pattern: bit 9 is byte 1, value 0x02. */
    bitmap_zero(map, 64);
    set_bit(9, map);
    set_bit(63, map);
    bitmap_to_le(le, map, 64);
    g_assert_cmphex(bytes[0], ==, 0);
    g_assert_cmphex(bytes[1], ==, 0x02);
    g_assert_cmphex(bytes[7], ==, 0x80);
}

static void test_alloc(void)
{
    unsigned long *map = bitmap_new(200);
    unsigned long *try = bitmap_try_new(100);

    g_assert_nonnull(try);
    g_assert_true(bitmap_empty(map, 200));
    g_assert_true(bitmap_empty(try, 100));
    bitmap_fill(map, 130);
    map = bitmap_zero_extend(map, 130, 1000);
    g_assert_cmpint(bitmap_count_one(map, 1000), ==, 130);
    g_assert_cmpuint(find_next_bit(map, 1000, 130), ==, 1000);
    map = bitmap_zero_extend(map, 1000, 70);
    g_assert_cmpint(bitmap_count_one(map, 70), ==, 70);
    g_free(map);
    g_free(try);
}

static void test_find_zero_area(void)
{
    unsigned long map[4];

    memset(map, 0, sizeof(map));
    bitmap_set(map, 0, 10);
    bitmap_set(map, 20, 5);
    g_assert_cmpuint(bitmap_find_next_zero_area(map, 256, 0, 10, 0), ==, 10);
    g_assert_cmpuint(bitmap_find_next_zero_area(map, 256, 0, 11, 0), ==, 25);
    /* Aligned to 16 */
    g_assert_cmpuint(bitmap_find_next_zero_area(map, 256, 0, 4, 15), ==, 16);
    g_assert_cmpuint(bitmap_find_next_zero_area(map, 256, 0, 5, 15), ==, 32);
    /* Does not fit: result + nr > size */
    g_assert_cmpuint(bitmap_find_next_zero_area(map, 30, 0, 11, 0) + 11, >,
                     30);
}

/* Concurrent harvesting: every bit a writer sets is seen exactly once. */
#define RACE_BITS 4096

typedef struct RaceState {
    unsigned long map[BITS_TO_LONGS(RACE_BITS)];
    int order[RACE_BITS];
    int done;
} RaceState;

static gpointer race_writer(gpointer opaque)
{
    RaceState *s = opaque;
    int i;

    for (i = 0; i < RACE_BITS; i++) {
        set_bit_atomic(s->order[i], s->map);
    }
    qatomic_store_release(&s->done, 1);
    return NULL;
}

static void shuffle(int *order, int n)
{
    int i;

    for (i = 0; i < n; i++) {
        order[i] = i;
    }
    for (i = n - 1; i > 0; i--) {
        int j = g_test_rand_int_range(0, i + 1);
        int t = order[i];

        order[i] = order[j];
        order[j] = t;
    }
}

static void test_atomic_race_bits(void)
{
    g_autofree RaceState *s = g_new0(RaceState, 1);
    g_autofree int *seen = g_new0(int, RACE_BITS);
    GThread *t;
    bool last = false;
    int i;

    shuffle(s->order, RACE_BITS);
    t = g_thread_new("writer", race_writer, s);
    while (!last) {
        last = qatomic_load_acquire(&s->done);
        for (i = 0; i < RACE_BITS; i++) {
            if (bitmap_test_and_clear_atomic(s->map, i, 1)) {
                seen[i]++;
            }
        }
    }
    g_thread_join(t);
    for (i = 0; i < RACE_BITS; i++) {
        g_assert_cmpint(seen[i], ==, 1);
    }
}

static void test_atomic_race_words(void)
{
    g_autofree RaceState *s = g_new0(RaceState, 1);
    unsigned long acc[BITS_TO_LONGS(RACE_BITS)] = { 0 };
    unsigned long tmp[BITS_TO_LONGS(RACE_BITS)];
    GThread *t;
    bool last = false;
    int i;

    shuffle(s->order, RACE_BITS);
    t = g_thread_new("writer", race_writer, s);
    while (!last) {
        last = qatomic_load_acquire(&s->done);
        bitmap_copy_and_clear_atomic(tmp, s->map, RACE_BITS);
        for (i = 0; i < (int)ARRAY_SIZE(acc); i++) {
            /* A bit harvested twice would be a bug. */
            g_assert_cmphex(acc[i] & tmp[i], ==, 0);
            acc[i] |= tmp[i];
        }
    }
    g_thread_join(t);
    g_assert_true(bitmap_full(acc, RACE_BITS));
    g_assert_true(bitmap_empty(s->map, RACE_BITS));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/bitops/bit-ops", test_bit_ops);
    g_test_add_func("/bitops/count-helpers", test_count_helpers);
    g_test_add_func("/bitops/find-random", test_find_random);
    g_test_add_func("/bitops/find-edges", test_find_edges);
    g_test_add_func("/bitmap/binary-ops", test_binary_ops);
    g_test_add_func("/bitmap/fill-zero", test_fill_zero);
    g_test_add_func("/bitmap/ranges", test_ranges);
    g_test_add_func("/bitmap/range-word-boundaries",
                    test_range_word_boundaries);
    g_test_add_func("/bitmap/copy-offsets", test_copy_offsets);
    g_test_add_func("/bitmap/src-offset-bounds", test_src_offset_bounds);
    g_test_add_func("/bitmap/le", test_le);
    g_test_add_func("/bitmap/alloc", test_alloc);
    g_test_add_func("/bitmap/find-zero-area", test_find_zero_area);
    g_test_add_func("/bitmap/atomic-race-bits", test_atomic_race_bits);
    g_test_add_func("/bitmap/atomic-race-words", test_atomic_race_words);
    return g_test_run();
}
