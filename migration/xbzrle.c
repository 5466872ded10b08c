/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * XBZRLE encoder and checked decoder (the format is described in
 * xbzrle.h).  The encoder compares eight bytes at a time where it can:
 * pages are mostly unchanged, and a word compare finds the end of an
 * unchanged run eight times faster than a byte loop.
 */
#include "qemu/osdep.h"
#include "migration/xbzrle.h"

/* Run lengths are below 2^14: one byte up to 127, else two. */
static int uleb128_put(uint8_t *out, uint32_t n)
{
    if (n < 0x80) {
        out[0] = n;
        return 1;
    }
    out[0] = (n & 0x7f) | 0x80;
    out[1] = n >> 7;
    return 2;
}

static int uleb128_get(const uint8_t *in, int avail, uint32_t *n)
{
    if (avail < 1) {
        return -1;
    }
    if (!(in[0] & 0x80)) {
        *n = in[0];
        return 1;
    }
    /* Only two-byte values are valid: a third byte is never written. */
    if (avail < 2 || (in[1] & 0x80)) {
        return -1;
    }
    *n = (in[0] & 0x7f) | ((uint32_t)in[1] << 7);
    return 2;
}

static inline uint64_t load64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

/* Length of the run of equal bytes starting at @i. */
static int equal_run(const uint8_t *a, const uint8_t *b, int i, int len)
{
    int start = i;

    while (i + 8 <= len && load64(a + i) == load64(b + i)) {
        i += 8;
    }
    while (i < len && a[i] == b[i]) {
        i++;
    }
    return i - start;
}

/* A word whose bytes are all non-zero (every byte of a pair differs). */
static inline bool all_bytes_nonzero(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ULL;

    return !((x - ones) & ~x & (ones << 7));
}

/* Length of the run of differing bytes starting at @i. */
static int differing_run(const uint8_t *a, const uint8_t *b, int i, int len)
{
    int start = i;

    while (i + 8 <= len && all_bytes_nonzero(load64(a + i) ^ load64(b + i))) {
        i += 8;
    }
    while (i < len && a[i] != b[i]) {
        i++;
    }
    return i - start;
}

int xbzrle_encode_buffer(const uint8_t *old_buf, const uint8_t *new_buf,
                         int slen, uint8_t *dst, int dlen)
{
    int i = 0, d = 0;

    g_assert(slen % 8 == 0);
    while (i < slen) {
        int same, diff;

        if (d + 2 > dlen) {
            return -1;
        }
        same = equal_run(old_buf, new_buf, i, slen);
        if (same == slen) {
            return 0;
        }
        i += same;
        if (i == slen) {
            break;          /* the trailing unchanged run is implied */
        }
        d += uleb128_put(dst + d, same);

        if (d + 2 > dlen) {
            return -1;
        }
        diff = differing_run(old_buf, new_buf, i, slen);
        d += uleb128_put(dst + d, diff);
        if (d + diff > dlen) {
            return -1;
        }
        memcpy(dst + d, new_buf + i, diff);
        d += diff;
        i += diff;
    }
    return d;
}

/* Decode, saying what was wrong in @why (NULL: do not say). */
static int xbzrle_decode(const uint8_t *src, int slen, uint8_t *dst,
                         int dlen, char **why)
{
    int i = 0, d = 0, n;
    uint32_t count;

    while (i < slen) {
        n = uleb128_get(src + i, slen - i, &count);
        if (n < 0) {
            if (why) {
                *why = g_strdup_printf("bad unchanged-run length at byte %d "
                                       "of %d", i, slen);
            }
            return -1;
        }
        if (i && !count) {
            if (why) {
                *why = g_strdup_printf("empty unchanged run at byte %d", i);
            }
            return -1;
        }
        if (count > (uint32_t)(dlen - d)) {
            if (why) {
                *why = g_strdup_printf("unchanged run of %u bytes at page "
                                       "offset %d goes past the %d-byte page",
                                       count, d, dlen);
            }
            return -1;
        }
        i += n;
        d += count;

        n = uleb128_get(src + i, slen - i, &count);
        if (n < 0) {
            if (why) {
                *why = g_strdup_printf("%s changed-run length at byte %d of "
                                       "%d", i == slen ? "missing" : "bad",
                                       i, slen);
            }
            return -1;
        }
        if (!count) {
            if (why) {
                *why = g_strdup_printf("empty changed run at byte %d", i);
            }
            return -1;
        }
        i += n;
        if (count > (uint32_t)(dlen - d)) {
            if (why) {
                *why = g_strdup_printf("changed run of %u bytes at page "
                                       "offset %d goes past the %d-byte page",
                                       count, d, dlen);
            }
            return -1;
        }
        if (count > (uint32_t)(slen - i)) {
            if (why) {
                *why = g_strdup_printf("changed run of %u bytes at byte %d "
                                       "goes past the %d-byte record",
                                       count, i, slen);
            }
            return -1;
        }
        memcpy(dst + d, src + i, count);
        d += count;
        i += count;
    }
    return d;
}

int xbzrle_decode_buffer(const uint8_t *src, int slen, uint8_t *dst,
                         int dlen)
{
    return xbzrle_decode(src, slen, dst, dlen, NULL);
}

bool xbzrle_decode_page(const uint8_t *src, int slen, uint8_t *dst,
                        int dlen, Error **errp)
{
    g_autofree char *why = NULL;

    if (xbzrle_decode(src, slen, dst, dlen, &why) < 0) {
        error_setg(errp, "%s", why);
        return false;
    }
    return true;
}
