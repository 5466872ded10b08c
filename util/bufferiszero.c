/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * buffer_is_zero(): the zero-page test of RAM migration, run on every
 * page sent.  Three implementations (AVX2, SSE2, plain 64-bit integers)
 * share one shape: the unaligned head and tail are checked with one
 * overlapping load each, then the aligned middle is ORed together a few
 * vectors at a time, stopping at the first non-zero block.  Which one runs
 * is chosen once from CPUID; tests can step through all of them.
 */
#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qemu/atomic.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define HAVE_X86_ACCEL 1
#endif

/* The vector versions need at least this many bytes. */
#define ACCEL_MIN_LEN 64

static inline uint64_t load64_unaligned(const unsigned char *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

/* Any length, any alignment. */
static bool buffer_zero_int(const void *buf, size_t len)
{
    const unsigned char *p = buf;
    const unsigned char *end = p + len;
    const uint64_t *w, *wend;
    uint64_t t;

    if (len < 8) {
        unsigned char acc = 0;

        while (p < end) {
            acc |= *p++;
        }
        return acc == 0;
    }

    /* Head and tail, possibly overlapping each other and the middle. */
    t = load64_unaligned(p) | load64_unaligned(end - 8);
    if (t) {
        return false;
    }
    w = (const uint64_t *)QEMU_ALIGN_PTR_UP(p, 8);
    wend = (const uint64_t *)((uintptr_t)end & ~(uintptr_t)7);

    while (wend - w >= 8) {
        t = w[0] | w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7];
        if (t) {
            return false;
        }
        w += 8;
    }
    while (w < wend) {
        t |= *w++;
    }
    return t == 0;
}

#ifdef HAVE_X86_ACCEL
/* SSE2 is part of x86-64, so this needs no target attribute. */
static bool buffer_zero_sse2(const void *buf, size_t len)
{
    const unsigned char *p = buf;
    const unsigned char *end = p + len;
    const __m128i *v, *vend;
    const __m128i zero = _mm_setzero_si128();
    __m128i t;

    t = _mm_or_si128(_mm_loadu_si128((const __m128i *)p),
                     _mm_loadu_si128((const __m128i *)(end - 16)));
    if (_mm_movemask_epi8(_mm_cmpeq_epi8(t, zero)) != 0xffff) {
        return false;
    }
    v = (const __m128i *)QEMU_ALIGN_PTR_UP(p, 16);
    vend = (const __m128i *)((uintptr_t)end & ~(uintptr_t)15);

    while (vend - v >= 4) {
        t = _mm_or_si128(_mm_or_si128(v[0], v[1]),
                         _mm_or_si128(v[2], v[3]));
        if (_mm_movemask_epi8(_mm_cmpeq_epi8(t, zero)) != 0xffff) {
            return false;
        }
        v += 4;
    }
    while (v < vend) {
        t = _mm_or_si128(t, *v++);
    }
    return _mm_movemask_epi8(_mm_cmpeq_epi8(t, zero)) == 0xffff;
}

__attribute__((target("avx2")))
static bool buffer_zero_avx2(const void *buf, size_t len)
{
    const unsigned char *p = buf;
    const unsigned char *end = p + len;
    const __m256i *v, *vend;
    __m256i t;

    t = _mm256_or_si256(_mm256_loadu_si256((const __m256i *)p),
                        _mm256_loadu_si256((const __m256i *)(end - 32)));
    if (!_mm256_testz_si256(t, t)) {
        return false;
    }
    v = (const __m256i *)QEMU_ALIGN_PTR_UP(p, 32);
    vend = (const __m256i *)((uintptr_t)end & ~(uintptr_t)31);

    while (vend - v >= 4) {
        t = _mm256_or_si256(_mm256_or_si256(v[0], v[1]),
                            _mm256_or_si256(v[2], v[3]));
        if (!_mm256_testz_si256(t, t)) {
            return false;
        }
        v += 4;
    }
    while (v < vend) {
        t = _mm256_or_si256(t, *v++);
    }
    return _mm256_testz_si256(t, t);
}
#endif /* HAVE_X86_ACCEL */

typedef struct ZeroAccel {
    const char *name;
    bool (*fn)(const void *buf, size_t len);
} ZeroAccel;

/* Fastest first; the last entry works everywhere. */
static const ZeroAccel accels[] = {
#ifdef HAVE_X86_ACCEL
    { "avx2", buffer_zero_avx2 },
    { "sse2", buffer_zero_sse2 },
#endif
    { "int", buffer_zero_int },
};

static int accel_index = ARRAY_SIZE(accels) - 1;

static bool accel_usable(int i)
{
#ifdef HAVE_X86_ACCEL
    if (accels[i].fn == buffer_zero_avx2) {
        /* libgcc also checks that the OS saves the YMM registers. */
        return __builtin_cpu_supports("avx2");
    }
#endif
    return true;
}

/* The first usable implementation at or after @from. */
static int pick_accel(int from)
{
    int i;

    for (i = from; i < (int)ARRAY_SIZE(accels) - 1; i++) {
        if (accel_usable(i)) {
            return i;
        }
    }
    return ARRAY_SIZE(accels) - 1;
}

void test_buffer_is_zero_reset(void)
{
#ifdef HAVE_X86_ACCEL
    __builtin_cpu_init();
#endif
    qatomic_set(&accel_index, pick_accel(0));
}

static void __attribute__((constructor)) buffer_is_zero_init(void)
{
    test_buffer_is_zero_reset();
}

bool test_buffer_is_zero_next_accel(void)
{
    int cur = qatomic_read(&accel_index);

    if (cur >= (int)ARRAY_SIZE(accels) - 1) {
        return false;
    }
    qatomic_set(&accel_index, pick_accel(cur + 1));
    return true;
}

const char *test_buffer_is_zero_accel_name(void)
{
    return accels[qatomic_read(&accel_index)].name;
}

bool buffer_is_zero(const void *buf, size_t len)
{
    if (len < ACCEL_MIN_LEN) {
        return buffer_zero_int(buf, len);
    }
    return accels[qatomic_read(&accel_index)].fn(buf, len);
}
