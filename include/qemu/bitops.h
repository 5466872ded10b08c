/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Single-bit operations on arrays of unsigned long, bit searches, and the
 * bit-counting helpers (ctz/clz/ctpop) on the compiler's builtins.
 *
 * Bit @nr of an array lives in word nr / BITS_PER_LONG at position
 * nr % BITS_PER_LONG, so on a little-endian host the array's bytes are a
 * little-endian bit string.
 */
#ifndef QEMU_BITOPS_H
#define QEMU_BITOPS_H

#include "qemu/atomic.h"

#define BITS_PER_BYTE           CHAR_BIT
#define BITS_PER_LONG           (sizeof(unsigned long) * BITS_PER_BYTE)

#define BIT(nr)                 (1UL << (nr))
#define BIT_ULL(nr)             (1ULL << (nr))
#define BIT_MASK(nr)            (1UL << ((nr) % BITS_PER_LONG))
#define BIT_WORD(nr)            ((nr) / BITS_PER_LONG)
#define BITS_TO_LONGS(nr)       DIV_ROUND_UP(nr, BITS_PER_LONG)

/* @length ones starting at bit @shift (1 <= length, shift + length <= 64) */
#define MAKE_64BIT_MASK(shift, length) \
    (((~0ULL) >> (64 - (length))) << (shift))

/* Counting.  Unlike the raw builtins, these are defined for 0. */

/* Trailing zeros; 32 for 0. */
static inline int ctz32(uint32_t val)
{
    return val ? __builtin_ctz(val) : 32;
}

/* Trailing zeros; 64 for 0. */
static inline int ctz64(uint64_t val)
{
    return val ? __builtin_ctzll(val) : 64;
}

/* Leading zeros; 32 for 0. */
static inline int clz32(uint32_t val)
{
    return val ? __builtin_clz(val) : 32;
}

/* Leading zeros; 64 for 0. */
static inline int clz64(uint64_t val)
{
    return val ? __builtin_clzll(val) : 64;
}

/* Trailing and leading ones. */
static inline int cto32(uint32_t val)
{
    return ctz32(~val);
}

static inline int cto64(uint64_t val)
{
    return ctz64(~val);
}

static inline int clo32(uint32_t val)
{
    return clz32(~val);
}

static inline int clo64(uint64_t val)
{
    return clz64(~val);
}

/* Population counts. */
static inline int ctpop8(uint8_t val)
{
    return __builtin_popcount(val);
}

static inline int ctpop16(uint16_t val)
{
    return __builtin_popcount(val);
}

static inline int ctpop32(uint32_t val)
{
    return __builtin_popcount(val);
}

static inline int ctpop64(uint64_t val)
{
    return __builtin_popcountll(val);
}

/* The same on unsigned long (the bitmap word). */
static inline unsigned long ctzl(unsigned long val)
{
    return val ? __builtin_ctzl(val) : BITS_PER_LONG;
}

static inline unsigned long clzl(unsigned long val)
{
    return val ? __builtin_clzl(val) : BITS_PER_LONG;
}

static inline int ctpopl(unsigned long val)
{
    return __builtin_popcountl(val);
}

/* Single bits, not atomic: the caller owns the word. */
static inline void set_bit(long nr, unsigned long *addr)
{
    addr[BIT_WORD(nr)] |= BIT_MASK(nr);
}

static inline void clear_bit(long nr, unsigned long *addr)
{
    addr[BIT_WORD(nr)] &= ~BIT_MASK(nr);
}

static inline void change_bit(long nr, unsigned long *addr)
{
    addr[BIT_WORD(nr)] ^= BIT_MASK(nr);
}

static inline int test_bit(long nr, const unsigned long *addr)
{
    return 1UL & (addr[BIT_WORD(nr)] >> (nr & (BITS_PER_LONG - 1)));
}

/* Returns the old value of the bit. */
static inline int test_and_set_bit(long nr, unsigned long *addr)
{
    unsigned long *p = addr + BIT_WORD(nr);
    unsigned long mask = BIT_MASK(nr);
    unsigned long old = *p;

    *p = old | mask;
    return (old & mask) != 0;
}

static inline int test_and_clear_bit(long nr, unsigned long *addr)
{
    unsigned long *p = addr + BIT_WORD(nr);
    unsigned long mask = BIT_MASK(nr);
    unsigned long old = *p;

    *p = old & ~mask;
    return (old & mask) != 0;
}

static inline int test_and_change_bit(long nr, unsigned long *addr)
{
    unsigned long *p = addr + BIT_WORD(nr);
    unsigned long mask = BIT_MASK(nr);
    unsigned long old = *p;

    *p = old ^ mask;
    return (old & mask) != 0;
}

/* Single bits, atomic: other threads may change the same word. */
static inline void set_bit_atomic(long nr, unsigned long *addr)
{
    qatomic_or(addr + BIT_WORD(nr), BIT_MASK(nr));
}

static inline void clear_bit_atomic(long nr, unsigned long *addr)
{
    qatomic_and(addr + BIT_WORD(nr), ~BIT_MASK(nr));
}

/*
 * Searches over the first @size bits of @addr.  Each returns the index
 * found, or @size when there is none.  Words are scanned whole, so the
 * cost is one load and test per BITS_PER_LONG bits.
 */
unsigned long find_next_bit(const unsigned long *addr, unsigned long size,
                            unsigned long offset);
unsigned long find_next_zero_bit(const unsigned long *addr,
                                 unsigned long size, unsigned long offset);
unsigned long find_last_bit(const unsigned long *addr, unsigned long size);

static inline unsigned long find_first_bit(const unsigned long *addr,
                                           unsigned long size)
{
    return find_next_bit(addr, size, 0);
}

static inline unsigned long find_first_zero_bit(const unsigned long *addr,
                                                unsigned long size)
{
    return find_next_zero_bit(addr, size, 0);
}

/* Rotations. */
static inline uint8_t rol8(uint8_t word, unsigned int shift)
{
    shift &= 7;
    return (word << shift) | (word >> ((8 - shift) & 7));
}

static inline uint8_t ror8(uint8_t word, unsigned int shift)
{
    shift &= 7;
    return (word >> shift) | (word << ((8 - shift) & 7));
}

static inline uint16_t rol16(uint16_t word, unsigned int shift)
{
    shift &= 15;
    return (word << shift) | (word >> ((16 - shift) & 15));
}

static inline uint16_t ror16(uint16_t word, unsigned int shift)
{
    shift &= 15;
    return (word >> shift) | (word << ((16 - shift) & 15));
}

static inline uint32_t rol32(uint32_t word, unsigned int shift)
{
    shift &= 31;
    return (word << shift) | (word >> ((32 - shift) & 31));
}

static inline uint32_t ror32(uint32_t word, unsigned int shift)
{
    shift &= 31;
    return (word >> shift) | (word << ((32 - shift) & 31));
}

static inline uint64_t rol64(uint64_t word, unsigned int shift)
{
    shift &= 63;
    return (word << shift) | (word >> ((64 - shift) & 63));
}

static inline uint64_t ror64(uint64_t word, unsigned int shift)
{
    shift &= 63;
    return (word >> shift) | (word << ((64 - shift) & 63));
}

/*
 * Bit fields: extract @length bits starting at bit @start, or deposit
 * @fieldval's low @length bits there.  0 < length, start + length <= width.
 */
static inline uint32_t extract32(uint32_t value, int start, int length)
{
    assert(start >= 0 && length > 0 && length <= 32 - start);
    return (value >> start) & (~0U >> (32 - length));
}

static inline uint64_t extract64(uint64_t value, int start, int length)
{
    assert(start >= 0 && length > 0 && length <= 64 - start);
    return (value >> start) & (~0ULL >> (64 - length));
}

static inline int32_t sextract32(uint32_t value, int start, int length)
{
    assert(start >= 0 && length > 0 && length <= 32 - start);
    return ((int32_t)(value << (32 - length - start))) >> (32 - length);
}

static inline int64_t sextract64(uint64_t value, int start, int length)
{
    assert(start >= 0 && length > 0 && length <= 64 - start);
    return ((int64_t)(value << (64 - length - start))) >> (64 - length);
}

static inline uint32_t deposit32(uint32_t value, int start, int length,
                                 uint32_t fieldval)
{
    uint32_t mask;

    assert(start >= 0 && length > 0 && length <= 32 - start);
    mask = (~0U >> (32 - length)) << start;
    return (value & ~mask) | ((fieldval << start) & mask);
}

static inline uint64_t deposit64(uint64_t value, int start, int length,
                                 uint64_t fieldval)
{
    uint64_t mask;

    assert(start >= 0 && length > 0 && length <= 64 - start);
    mask = (~0ULL >> (64 - length)) << start;
    return (value & ~mask) | ((fieldval << start) & mask);
}

/* Round up to a power of two: 0 and 1 give 1, values above 2^63 give 0. */
static inline uint64_t pow2ceil(uint64_t value)
{
    if (value <= 1) {
        return 1;
    }
    if (value > (1ULL << 63)) {
        return 0;
    }
    return 1ULL << (64 - clz64(value - 1));
}

static inline uint64_t pow2floor(uint64_t value)
{
    return value ? 0x8000000000000000ULL >> clz64(value) : 0;
}

static inline bool is_power_of_2(uint64_t value)
{
    return value && !(value & (value - 1));
}

#endif /* QEMU_BITOPS_H */
