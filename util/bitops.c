/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bit searches over unsigned long arrays.  The migration thread runs
 * find_next_bit() over dirty bitmaps of millions of words, mostly zero,
 * so the scan tests four words per iteration and never looks at a bit
 * on its own.
 */
#include "qemu/osdep.h"
#include "qemu/bitops.h"

/*
 * Shared scan: @invert is all-ones to look for zero bits, 0 for set bits.
 * The compiler folds it into two specialised copies.
 */
static inline unsigned long find_next_common(const unsigned long *addr,
                                             unsigned long size,
                                             unsigned long offset,
                                             unsigned long invert)
{
    const unsigned long *p;
    unsigned long base;         /* index of bit 0 of *p */
    unsigned long word;

    if (offset >= size) {
        return size;
    }
    p = addr + BIT_WORD(offset);
    base = offset - offset % BITS_PER_LONG;
    word = (*p ^ invert) & (~0UL << (offset % BITS_PER_LONG));

    while (!word) {
        base += BITS_PER_LONG;
        p++;
        /* Four whole words at a time while they are inside @size. */
        while (base + 4 * BITS_PER_LONG <= size &&
               !((p[0] ^ invert) | (p[1] ^ invert) |
                 (p[2] ^ invert) | (p[3] ^ invert))) {
            base += 4 * BITS_PER_LONG;
            p += 4;
        }
        if (base >= size) {
            return size;
        }
        word = *p ^ invert;
    }
    base += __builtin_ctzl(word);
    /* A hit in the bits past @size of the last word does not count. */
    return base < size ? base : size;
}

unsigned long find_next_bit(const unsigned long *addr, unsigned long size,
                            unsigned long offset)
{
    return find_next_common(addr, size, offset, 0);
}

unsigned long find_next_zero_bit(const unsigned long *addr,
                                 unsigned long size, unsigned long offset)
{
    return find_next_common(addr, size, offset, ~0UL);
}

unsigned long find_last_bit(const unsigned long *addr, unsigned long size)
{
    unsigned long idx;
    unsigned long word;

    if (!size) {
        return 0;
    }
    idx = BIT_WORD(size - 1);
    /* Ignore the bits past @size in the last word. */
    word = addr[idx] & (~0UL >> (-size % BITS_PER_LONG));
    for (;;) {
        if (word) {
            return idx * BITS_PER_LONG + BITS_PER_LONG - 1 -
                   __builtin_clzl(word);
        }
        if (!idx) {
            return size;
        }
        word = addr[--idx];
    }
}
