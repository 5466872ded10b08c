/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bitmaps: arrays of unsigned long holding @nbits bits, bit n in word
 * n / BITS_PER_LONG (see qemu/bitops.h).  Dirty-page tracking, the
 * postcopy received map and the CPU masks are all built on these.
 *
 * Conventions:
 * - Sizes and positions are in bits; a bitmap of nbits bits occupies
 *   BITS_TO_LONGS(nbits) words.
 * - bitmap_fill(), bitmap_complement() and the offset copies leave the
 *   bits past @nbits in the last word clear; the word-wise binary
 *   operations (and, or, xor, andnot) apply to those tail bits as to any
 *   other.  The queries (equal, empty, full, intersects, count) ignore
 *   them.
 * - The _atomic variants may race with other atomic updates of the same
 *   words from other threads; the others must not.
 */
#ifndef QEMU_BITMAP_H
#define QEMU_BITMAP_H

#include "qemu/bitops.h"

/* The bits of a word from bit @start on, and up to (excluding) @nbits. */
#define BITMAP_FIRST_WORD_MASK(start) \
    (~0UL << ((start) & (BITS_PER_LONG - 1)))
#define BITMAP_LAST_WORD_MASK(nbits) \
    (~0UL >> (-(nbits) & (BITS_PER_LONG - 1)))

#define DECLARE_BITMAP(name, bits) \
    unsigned long name[BITS_TO_LONGS(bits)]

/* Allocation: zeroed; free with g_free(). */
unsigned long *bitmap_new(long nbits);
/* As bitmap_new() but returns NULL when memory is short. */
unsigned long *bitmap_try_new(long nbits);
/*
 * Grow (or shrink) @old to @new_nbits bits; bits added are clear.
 * Returns the new bitmap; @old is no longer valid.
 */
unsigned long *bitmap_zero_extend(unsigned long *old, long old_nbits,
                                  long new_nbits);

void bitmap_zero(unsigned long *dst, long nbits);
void bitmap_fill(unsigned long *dst, long nbits);
void bitmap_copy(unsigned long *dst, const unsigned long *src, long nbits);

/* dst = src1 & src2; returns whether any of the @nbits bits is set. */
bool bitmap_and(unsigned long *dst, const unsigned long *src1,
                const unsigned long *src2, long nbits);
void bitmap_or(unsigned long *dst, const unsigned long *src1,
               const unsigned long *src2, long nbits);
void bitmap_xor(unsigned long *dst, const unsigned long *src1,
                const unsigned long *src2, long nbits);
/* dst = src1 & ~src2; returns whether any of the @nbits bits is set. */
bool bitmap_andnot(unsigned long *dst, const unsigned long *src1,
                   const unsigned long *src2, long nbits);
void bitmap_complement(unsigned long *dst, const unsigned long *src,
                       long nbits);

bool bitmap_equal(const unsigned long *src1, const unsigned long *src2,
                  long nbits);
bool bitmap_empty(const unsigned long *src, long nbits);
bool bitmap_full(const unsigned long *src, long nbits);
bool bitmap_intersects(const unsigned long *src1,
                       const unsigned long *src2, long nbits);

/* Number of set bits among the first @nbits. */
long bitmap_count_one(const unsigned long *bitmap, long nbits);
/* Number of set bits in [offset, offset + nbits). */
long bitmap_count_one_with_offset(const unsigned long *bitmap, long offset,
                                  long nbits);

/* Set or clear the @nr bits from bit @start on. */
void bitmap_set(unsigned long *map, long start, long nr);
void bitmap_set_atomic(unsigned long *map, long start, long nr);
void bitmap_clear(unsigned long *map, long start, long nr);

/*
 * Clear the @nr bits from @start on; returns whether any of them was set.
 * The atomic form lets writers keep setting bits concurrently: every bit
 * set before the clear is either reported here or still set afterwards.
 */
bool bitmap_test_and_clear_atomic(unsigned long *map, long start, long nr);
bool bitmap_test_and_clear(unsigned long *map, long start, long nr);

/*
 * Move the first @nr bits (whole words) of @src to @dst, clearing them in
 * @src atomically word by word.
 */
void bitmap_copy_and_clear_atomic(unsigned long *dst, unsigned long *src,
                                  long nr);

/*
 * First position >= @start, below @size, of a run of @nr clear bits whose
 * index has the bits of @align_mask clear.  When none fits, the result
 * plus @nr exceeds @size.
 */
unsigned long bitmap_find_next_zero_area(unsigned long *map,
                                         unsigned long size,
                                         unsigned long start,
                                         unsigned long nr,
                                         unsigned long align_mask);

/*
 * Little-endian layout (bit n in byte n / 8, at position n % 8), as on
 * the wire.  Whole words are converted.
 */
void bitmap_to_le(unsigned long *dst, const unsigned long *src, long nbits);
void bitmap_from_le(unsigned long *dst, const unsigned long *src,
                    long nbits);

/*
 * dst[0, nbits) = src[offset, offset + nbits).  The bits of @dst's last
 * word past @nbits are cleared.  @src is read only within the range.
 */
void bitmap_copy_with_src_offset(unsigned long *dst,
                                 const unsigned long *src,
                                 unsigned long offset, unsigned long nbits);
/*
 * dst[shift, shift + nbits) = src[0, nbits).  The other bits of @dst are
 * left as they were.
 */
void bitmap_copy_with_dst_offset(unsigned long *dst,
                                 const unsigned long *src,
                                 unsigned long shift, unsigned long nbits);

#endif /* QEMU_BITMAP_H */
