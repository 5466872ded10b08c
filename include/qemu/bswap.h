/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Byte order: swapping, host <-> big/little-endian conversion, and loads
 * and stores of fixed-endian integers at any alignment (the migration
 * stream is big-endian; the postcopy received bitmap is little-endian).
 *
 * As in QEMU, the 16- and 32-bit loads return int: lduw_* zero-extends,
 * ldsw_* sign-extends, and ldl_* returns the 32 bits as a (signed) int,
 * so assign the result to a uint32_t before widening it.
 */
#ifndef QEMU_BSWAP_H
#define QEMU_BSWAP_H

#if !defined(__BYTE_ORDER__) || !defined(__ORDER_BIG_ENDIAN__)
#error "the compiler must define __BYTE_ORDER__"
#endif
#define HOST_BIG_ENDIAN (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)

static inline uint16_t bswap16(uint16_t x)
{
    return __builtin_bswap16(x);
}

static inline uint32_t bswap32(uint32_t x)
{
    return __builtin_bswap32(x);
}

static inline uint64_t bswap64(uint64_t x)
{
    return __builtin_bswap64(x);
}

/* In-place swaps. */
static inline void bswap16s(uint16_t *s)
{
    *s = bswap16(*s);
}

static inline void bswap32s(uint32_t *s)
{
    *s = bswap32(*s);
}

static inline void bswap64s(uint64_t *s)
{
    *s = bswap64(*s);
}

/*
 * cpu_to_{be,le}{16,32,64}() and their inverses.  The macro builds the
 * four functions of one width for one byte order.
 */
#if HOST_BIG_ENDIAN
#define BE_IS_HOST_ 1
#else
#define BE_IS_HOST_ 0
#endif

#define QEMU_BSWAP_CONV_(endian, size, type, swap_if_host_be)           \
static inline type endian##size##_to_cpu(type v)                        \
{                                                                       \
    return (swap_if_host_be) == BE_IS_HOST_ ? bswap##size(v) : v;       \
}                                                                       \
static inline type cpu_to_##endian##size(type v)                        \
{                                                                       \
    return (swap_if_host_be) == BE_IS_HOST_ ? bswap##size(v) : v;       \
}                                                                       \
static inline void endian##size##_to_cpus(type *p)                      \
{                                                                       \
    *p = endian##size##_to_cpu(*p);                                     \
}                                                                       \
static inline void cpu_to_##endian##size##s(type *p)                    \
{                                                                       \
    *p = cpu_to_##endian##size(*p);                                     \
}

/* Big-endian values need a swap on a little-endian host, and v.v. */
QEMU_BSWAP_CONV_(be, 16, uint16_t, 0)
QEMU_BSWAP_CONV_(be, 32, uint32_t, 0)
QEMU_BSWAP_CONV_(be, 64, uint64_t, 0)
QEMU_BSWAP_CONV_(le, 16, uint16_t, 1)
QEMU_BSWAP_CONV_(le, 32, uint32_t, 1)
QEMU_BSWAP_CONV_(le, 64, uint64_t, 1)

#undef QEMU_BSWAP_CONV_

/* unsigned long in little-endian order (bitmaps on the wire). */
static inline unsigned long leul_to_cpu(unsigned long v)
{
#if HOST_BIG_ENDIAN
    return sizeof(v) == 8 ? bswap64(v) : bswap32(v);
#else
    return v;
#endif
}

static inline unsigned long cpu_to_leul(unsigned long v)
{
    return leul_to_cpu(v);
}

/*
 * Loads and stores at any alignment.  memcpy() of a constant size
 * compiles to a single (unaligned) move on x86.
 */
static inline int ldub_p(const void *ptr)
{
    return *(const uint8_t *)ptr;
}

static inline int ldsb_p(const void *ptr)
{
    return *(const int8_t *)ptr;
}

static inline void stb_p(void *ptr, uint8_t v)
{
    *(uint8_t *)ptr = v;
}

static inline uint16_t ld16_host_(const void *ptr)
{
    uint16_t r;

    memcpy(&r, ptr, sizeof(r));
    return r;
}

static inline uint32_t ld32_host_(const void *ptr)
{
    uint32_t r;

    memcpy(&r, ptr, sizeof(r));
    return r;
}

static inline uint64_t ld64_host_(const void *ptr)
{
    uint64_t r;

    memcpy(&r, ptr, sizeof(r));
    return r;
}

static inline void st16_host_(void *ptr, uint16_t v)
{
    memcpy(ptr, &v, sizeof(v));
}

static inline void st32_host_(void *ptr, uint32_t v)
{
    memcpy(ptr, &v, sizeof(v));
}

static inline void st64_host_(void *ptr, uint64_t v)
{
    memcpy(ptr, &v, sizeof(v));
}

/* Big-endian. */
static inline int lduw_be_p(const void *ptr)
{
    return be16_to_cpu(ld16_host_(ptr));
}

static inline int ldsw_be_p(const void *ptr)
{
    return (int16_t)be16_to_cpu(ld16_host_(ptr));
}

static inline int ldl_be_p(const void *ptr)
{
    return (int)be32_to_cpu(ld32_host_(ptr));
}

static inline uint64_t ldq_be_p(const void *ptr)
{
    return be64_to_cpu(ld64_host_(ptr));
}

static inline void stw_be_p(void *ptr, uint16_t v)
{
    st16_host_(ptr, cpu_to_be16(v));
}

static inline void stl_be_p(void *ptr, uint32_t v)
{
    st32_host_(ptr, cpu_to_be32(v));
}

static inline void stq_be_p(void *ptr, uint64_t v)
{
    st64_host_(ptr, cpu_to_be64(v));
}

/* Little-endian. */
static inline int lduw_le_p(const void *ptr)
{
    return le16_to_cpu(ld16_host_(ptr));
}

static inline int ldsw_le_p(const void *ptr)
{
    return (int16_t)le16_to_cpu(ld16_host_(ptr));
}

static inline int ldl_le_p(const void *ptr)
{
    return (int)le32_to_cpu(ld32_host_(ptr));
}

static inline uint64_t ldq_le_p(const void *ptr)
{
    return le64_to_cpu(ld64_host_(ptr));
}

static inline void stw_le_p(void *ptr, uint16_t v)
{
    st16_host_(ptr, cpu_to_le16(v));
}

static inline void stl_le_p(void *ptr, uint32_t v)
{
    st32_host_(ptr, cpu_to_le32(v));
}

static inline void stq_le_p(void *ptr, uint64_t v)
{
    st64_host_(ptr, cpu_to_le64(v));
}

/* Host order, any alignment. */
static inline int lduw_he_p(const void *ptr)
{
    return ld16_host_(ptr);
}

static inline int ldl_he_p(const void *ptr)
{
    return (int)ld32_host_(ptr);
}

static inline uint64_t ldq_he_p(const void *ptr)
{
    return ld64_host_(ptr);
}

static inline void stw_he_p(void *ptr, uint16_t v)
{
    st16_host_(ptr, v);
}

static inline void stl_he_p(void *ptr, uint32_t v)
{
    st32_host_(ptr, v);
}

static inline void stq_he_p(void *ptr, uint64_t v)
{
    st64_host_(ptr, v);
}

#endif /* QEMU_BSWAP_H */
