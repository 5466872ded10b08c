/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Whole-bitmap and bit-range operations (see qemu/bitmap.h).  Ranges are
 * processed a word at a time: each word of the range gets a mask that is
 * all-ones except in the first and last word.
 */
#include "qemu/osdep.h"
#include "qemu/bitmap.h"
#include "qemu/bswap.h"

/*
 * The mask of range [start, end) inside word @w, which must be one of the
 * words the (non-empty) range touches.
 */
static inline unsigned long range_mask(long w, long start, long end)
{
    unsigned long mask = ~0UL;

    if (w == (long)BIT_WORD(start)) {
        mask &= BITMAP_FIRST_WORD_MASK(start);
    }
    if (w == (long)BIT_WORD(end - 1)) {
        mask &= BITMAP_LAST_WORD_MASK(end);
    }
    return mask;
}

unsigned long *bitmap_new(long nbits)
{
    return g_new0(unsigned long, BITS_TO_LONGS(nbits));
}

unsigned long *bitmap_try_new(long nbits)
{
    return g_try_new0(unsigned long, BITS_TO_LONGS(nbits));
}

unsigned long *bitmap_zero_extend(unsigned long *old, long old_nbits,
                                  long new_nbits)
{
    long new_len = BITS_TO_LONGS(new_nbits);
    unsigned long *map = g_renew(unsigned long, old, new_len);

    /*
     * Clear through the end of the last word: find_next_bit() reads the
     * bits past @new_nbits in it, so they must not be left uninitialised.
     */
    if (new_nbits > old_nbits) {
        bitmap_clear(map, old_nbits, new_len * BITS_PER_LONG - old_nbits);
    }
    return map;
}

void bitmap_zero(unsigned long *dst, long nbits)
{
    memset(dst, 0, BITS_TO_LONGS(nbits) * sizeof(unsigned long));
}

void bitmap_fill(unsigned long *dst, long nbits)
{
    long len = BITS_TO_LONGS(nbits);

    if (!len) {
        return;
    }
    memset(dst, 0xff, len * sizeof(unsigned long));
    dst[len - 1] &= BITMAP_LAST_WORD_MASK(nbits);
}

void bitmap_copy(unsigned long *dst, const unsigned long *src, long nbits)
{
    memcpy(dst, src, BITS_TO_LONGS(nbits) * sizeof(unsigned long));
}

bool bitmap_and(unsigned long *dst, const unsigned long *src1,
                const unsigned long *src2, long nbits)
{
    long len = BITS_TO_LONGS(nbits);
    unsigned long any = 0;
    long i;

    for (i = 0; i < len; i++) {
        dst[i] = src1[i] & src2[i];
        any |= i == len - 1 ? dst[i] & BITMAP_LAST_WORD_MASK(nbits)
                            : dst[i];
    }
    return any != 0;
}

void bitmap_or(unsigned long *dst, const unsigned long *src1,
               const unsigned long *src2, long nbits)
{
    long len = BITS_TO_LONGS(nbits);
    long i;

    for (i = 0; i < len; i++) {
        dst[i] = src1[i] | src2[i];
    }
}

void bitmap_xor(unsigned long *dst, const unsigned long *src1,
                const unsigned long *src2, long nbits)
{
    long len = BITS_TO_LONGS(nbits);
    long i;

    for (i = 0; i < len; i++) {
        dst[i] = src1[i] ^ src2[i];
    }
}

bool bitmap_andnot(unsigned long *dst, const unsigned long *src1,
                   const unsigned long *src2, long nbits)
{
    long len = BITS_TO_LONGS(nbits);
    unsigned long any = 0;
    long i;

    for (i = 0; i < len; i++) {
        dst[i] = src1[i] & ~src2[i];
        any |= i == len - 1 ? dst[i] & BITMAP_LAST_WORD_MASK(nbits)
                            : dst[i];
    }
    return any != 0;
}

void bitmap_complement(unsigned long *dst, const unsigned long *src,
                       long nbits)
{
    long len = BITS_TO_LONGS(nbits);
    long i;

    for (i = 0; i < len; i++) {
        dst[i] = ~src[i];
    }
    if (len) {
        dst[len - 1] &= BITMAP_LAST_WORD_MASK(nbits);
    }
}

bool bitmap_equal(const unsigned long *src1, const unsigned long *src2,
                  long nbits)
{
    long full = nbits / BITS_PER_LONG;

    if (memcmp(src1, src2, full * sizeof(unsigned long))) {
        return false;
    }
    if (nbits % BITS_PER_LONG) {
        return !((src1[full] ^ src2[full]) & BITMAP_LAST_WORD_MASK(nbits));
    }
    return true;
}

bool bitmap_empty(const unsigned long *src, long nbits)
{
    return find_first_bit(src, nbits) == (unsigned long)nbits;
}

bool bitmap_full(const unsigned long *src, long nbits)
{
    return find_first_zero_bit(src, nbits) == (unsigned long)nbits;
}

bool bitmap_intersects(const unsigned long *src1,
                       const unsigned long *src2, long nbits)
{
    long len = BITS_TO_LONGS(nbits);
    long i;

    for (i = 0; i < len; i++) {
        unsigned long w = src1[i] & src2[i];

        if (i == len - 1) {
            w &= BITMAP_LAST_WORD_MASK(nbits);
        }
        if (w) {
            return true;
        }
    }
    return false;
}

/*
 * Counting runs over whole dirty bitmaps; the POPCNT instruction is much
 * faster than the generic builtin, so use it where the CPU has it.
 */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
__attribute__((target("popcnt")))
static long count_words_popcnt(const unsigned long *p, long n)
{
    long count = 0;
    long i;

    for (i = 0; i < n; i++) {
        count += __builtin_popcountl(p[i]);
    }
    return count;
}
#endif

static long count_words_generic(const unsigned long *p, long n)
{
    long count = 0;
    long i;

    for (i = 0; i < n; i++) {
        count += __builtin_popcountl(p[i]);
    }
    return count;
}

static long count_words(const unsigned long *p, long n)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    static int have_popcnt = -1;
    int have = qatomic_read(&have_popcnt);

    if (have < 0) {
        __builtin_cpu_init();
        have = __builtin_cpu_supports("popcnt") ? 1 : 0;
        qatomic_set(&have_popcnt, have);
    }
    if (have) {
        return count_words_popcnt(p, n);
    }
#endif
    return count_words_generic(p, n);
}

long bitmap_count_one(const unsigned long *bitmap, long nbits)
{
    long full = nbits / BITS_PER_LONG;
    long count;

    if (nbits <= 0) {
        return 0;
    }
    count = count_words(bitmap, full);
    if (nbits % BITS_PER_LONG) {
        count += ctpopl(bitmap[full] & BITMAP_LAST_WORD_MASK(nbits));
    }
    return count;
}

long bitmap_count_one_with_offset(const unsigned long *bitmap, long offset,
                                  long nbits)
{
    long end = offset + nbits;
    long first, last;
    long count;

    if (nbits <= 0) {
        return 0;
    }
    first = BIT_WORD(offset);
    last = BIT_WORD(end - 1);
    if (first == last) {
        return ctpopl(bitmap[first] & range_mask(first, offset, end));
    }
    count = ctpopl(bitmap[first] & range_mask(first, offset, end));
    count += count_words(bitmap + first + 1, last - first - 1);
    count += ctpopl(bitmap[last] & range_mask(last, offset, end));
    return count;
}

void bitmap_set(unsigned long *map, long start, long nr)
{
    long end = start + nr;
    long w;

    if (nr <= 0) {
        return;
    }
    for (w = BIT_WORD(start); w <= (long)BIT_WORD(end - 1); w++) {
        map[w] |= range_mask(w, start, end);
    }
}

void bitmap_set_atomic(unsigned long *map, long start, long nr)
{
    long end = start + nr;
    long w;

    if (nr <= 0) {
        return;
    }
    for (w = BIT_WORD(start); w <= (long)BIT_WORD(end - 1); w++) {
        unsigned long mask = range_mask(w, start, end);

        if (mask == ~0UL) {
            /* Every bit ends up set whatever others do: a store will do. */
            qatomic_set(&map[w], ~0UL);
        } else {
            qatomic_or(&map[w], mask);
        }
    }
    /* Make the bits visible before whatever the caller does next. */
    smp_mb();
}

void bitmap_clear(unsigned long *map, long start, long nr)
{
    long end = start + nr;
    long w;

    if (nr <= 0) {
        return;
    }
    for (w = BIT_WORD(start); w <= (long)BIT_WORD(end - 1); w++) {
        map[w] &= ~range_mask(w, start, end);
    }
}

bool bitmap_test_and_clear_atomic(unsigned long *map, long start, long nr)
{
    long end = start + nr;
    unsigned long dirty = 0;
    long w;

    if (nr <= 0) {
        return false;
    }
    for (w = BIT_WORD(start); w <= (long)BIT_WORD(end - 1); w++) {
        unsigned long mask = range_mask(w, start, end);

        /* Skip the locked operation on the (common) all-clear word. */
        if (!(qatomic_read(&map[w]) & mask)) {
            continue;
        }
        if (mask == ~0UL) {
            dirty |= qatomic_xchg(&map[w], 0UL);
        } else {
            dirty |= qatomic_fetch_and(&map[w], ~mask) & mask;
        }
    }
    return dirty != 0;
}

bool bitmap_test_and_clear(unsigned long *map, long start, long nr)
{
    long end = start + nr;
    unsigned long dirty = 0;
    long w;

    if (nr <= 0) {
        return false;
    }
    for (w = BIT_WORD(start); w <= (long)BIT_WORD(end - 1); w++) {
        unsigned long mask = range_mask(w, start, end);

        dirty |= map[w] & mask;
        map[w] &= ~mask;
    }
    return dirty != 0;
}

void bitmap_copy_and_clear_atomic(unsigned long *dst, unsigned long *src,
                                  long nr)
{
    long len = BITS_TO_LONGS(nr);
    long i;

    for (i = 0; i < len; i++) {
        dst[i] = qatomic_read(&src[i]) ? qatomic_xchg(&src[i], 0UL) : 0;
    }
}

unsigned long bitmap_find_next_zero_area(unsigned long *map,
                                         unsigned long size,
                                         unsigned long start,
                                         unsigned long nr,
                                         unsigned long align_mask)
{
    for (;;) {
        unsigned long index, end, busy;

        index = find_next_zero_bit(map, size, start);
        index = (index + align_mask) & ~align_mask;
        end = index + nr;
        if (end > size) {
            return end;
        }
        busy = find_next_bit(map, end, index);
        if (busy >= end) {
            return index;
        }
        start = busy + 1;
    }
}

void bitmap_to_le(unsigned long *dst, const unsigned long *src, long nbits)
{
    long len = BITS_TO_LONGS(nbits);
    long i;

    for (i = 0; i < len; i++) {
        dst[i] = cpu_to_leul(src[i]);
    }
}

void bitmap_from_le(unsigned long *dst, const unsigned long *src,
                    long nbits)
{
    long len = BITS_TO_LONGS(nbits);
    long i;

    for (i = 0; i < len; i++) {
        dst[i] = leul_to_cpu(src[i]);
    }
}

/*
 * BITS_PER_LONG bits of @src starting at bit @pos, reading no word at or
 * past bit @limit (so the high bits are 0 where @limit cuts them off).
 */
static inline unsigned long word_at(const unsigned long *src,
                                    unsigned long pos, unsigned long limit)
{
    unsigned long w = BIT_WORD(pos);
    unsigned long shift = pos % BITS_PER_LONG;
    unsigned long v = src[w] >> shift;

    if (shift && (w + 1) * BITS_PER_LONG < limit) {
        v |= src[w + 1] << (BITS_PER_LONG - shift);
    }
    return v;
}

void bitmap_copy_with_src_offset(unsigned long *dst,
                                 const unsigned long *src,
                                 unsigned long offset, unsigned long nbits)
{
    unsigned long len = BITS_TO_LONGS(nbits);
    unsigned long i;

    if (!nbits) {
        return;
    }
    if (!(offset % BITS_PER_LONG)) {
        memcpy(dst, src + BIT_WORD(offset), len * sizeof(unsigned long));
    } else {
        for (i = 0; i < len; i++) {
            dst[i] = word_at(src, offset + i * BITS_PER_LONG,
                             offset + nbits);
        }
    }
    dst[len - 1] &= BITMAP_LAST_WORD_MASK(nbits);
}

void bitmap_copy_with_dst_offset(unsigned long *dst,
                                 const unsigned long *src,
                                 unsigned long shift, unsigned long nbits)
{
    unsigned long end = shift + nbits;
    unsigned long first, last, w;

    if (!nbits) {
        return;
    }
    first = BIT_WORD(shift);
    last = BIT_WORD(end - 1);
    for (w = first; w <= last; w++) {
        unsigned long mask = range_mask(w, shift, end);
        unsigned long v;

        if (w == first) {
            /* src bit 0 lands at bit shift % BITS_PER_LONG of this word */
            v = src[0] << (shift % BITS_PER_LONG);
        } else {
            v = word_at(src, w * BITS_PER_LONG - shift, nbits);
        }
        dst[w] = (dst[w] & ~mask) | (v & mask);
    }
}
