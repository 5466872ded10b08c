/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * String helpers and number parsers (see qemu/cutils.h for the shared
 * contract of the parsers).  The integer parsers lean on the C library's
 * strto*() and only normalise its results and errors; the size parser
 * does its own arithmetic so that "1.5G" and friends are exact.
 */
#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qemu/bitops.h"

#include <math.h>

void pstrcpy(char *buf, int buf_size, const char *str)
{
    size_t n;

    if (buf_size <= 0) {
        return;
    }
    n = strnlen(str, buf_size - 1);
    memcpy(buf, str, n);
    buf[n] = '\0';
}

void strpadcpy(char *buf, int buf_size, const char *str, char pad)
{
    size_t n;

    if (buf_size <= 0) {
        return;
    }
    n = strnlen(str, buf_size);
    memcpy(buf, str, n);
    memset(buf + n, pad, buf_size - n);
}

char *pstrcat(char *buf, int buf_size, const char *s)
{
    int len = qemu_strnlen(buf, buf_size);

    if (len < buf_size) {
        pstrcpy(buf + len, buf_size - len, s);
    }
    return buf;
}

int strstart(const char *str, const char *val, const char **ptr)
{
    size_t n = strlen(val);

    if (strncmp(str, val, n)) {
        return 0;
    }
    if (ptr) {
        *ptr = str + n;
    }
    return 1;
}

int stristart(const char *str, const char *val, const char **ptr)
{
    size_t n = strlen(val);

    if (g_ascii_strncasecmp(str, val, n)) {
        return 0;
    }
    if (ptr) {
        *ptr = str + n;
    }
    return 1;
}

int qemu_strnlen(const char *s, int max_len)
{
    return max_len <= 0 ? 0 : (int)strnlen(s, max_len);
}

char *qemu_strsep(char **input, const char *delim)
{
    char *start = *input;
    char *hit;

    if (!start) {
        return NULL;
    }
    hit = strpbrk(start, delim);
    if (hit) {
        *hit = '\0';
        *input = hit + 1;
    } else {
        *input = NULL;
    }
    return start;
}

const char *qemu_strchrnul(const char *s, int c)
{
    return strchrnul(s, c);
}

int qemu_pstrcmp0(const char **str1, const char **str2)
{
    return g_strcmp0(*str1, *str2);
}

/*
 * Integer parsers.  @ep is where strto*() stopped and @err its errno:
 * turn that into the return value and *endptr of our contract.
 */
static int strtox_result(const char *nptr, const char *ep,
                         const char **endptr, int err)
{
    if (endptr) {
        *endptr = ep;
    }
    if (ep == nptr) {
        return -EINVAL;         /* not a number at all */
    }
    if (!endptr && *ep) {
        return -EINVAL;         /* trailing junk */
    }
    return err ? -err : 0;
}

static int strtox_null(const char **endptr)
{
    if (endptr) {
        *endptr = NULL;
    }
    return -EINVAL;
}

/* Whether the text strtoul() would parse starts with a minus sign. */
static bool has_minus(const char *nptr)
{
    while (g_ascii_isspace(*nptr)) {
        nptr++;
    }
    return *nptr == '-';
}

int qemu_strtoi(const char *nptr, const char **endptr, int base,
                int *result)
{
    char *ep;
    long long v;
    int err;

    *result = 0;
    if (!nptr) {
        return strtox_null(endptr);
    }
    errno = 0;
    v = strtoll(nptr, &ep, base);
    err = errno;
    if (v > INT_MAX) {
        v = INT_MAX;
        err = ERANGE;
    } else if (v < INT_MIN) {
        v = INT_MIN;
        err = ERANGE;
    }
    *result = v;
    return strtox_result(nptr, ep, endptr, err);
}

int qemu_strtoui(const char *nptr, const char **endptr, int base,
                 unsigned int *result)
{
    char *ep;
    unsigned long long v;
    int err;

    *result = 0;
    if (!nptr) {
        return strtox_null(endptr);
    }
    errno = 0;
    v = strtoull(nptr, &ep, base);
    err = errno;
    if (err == ERANGE) {
        v = UINT_MAX;
    } else if (ep != nptr && has_minus(nptr)) {
        /* strtoull() negated the magnitude in 64 bits; redo it in 32. */
        unsigned long long mag = -v;

        if (mag > UINT_MAX) {
            v = UINT_MAX;
            err = ERANGE;
        } else {
            v = (unsigned int)-(unsigned int)mag;
        }
    } else if (v > UINT_MAX) {
        v = UINT_MAX;
        err = ERANGE;
    }
    *result = v;
    return strtox_result(nptr, ep, endptr, err);
}

int qemu_strtol(const char *nptr, const char **endptr, int base,
                long *result)
{
    char *ep;

    *result = 0;
    if (!nptr) {
        return strtox_null(endptr);
    }
    errno = 0;
    *result = strtol(nptr, &ep, base);
    return strtox_result(nptr, ep, endptr, errno);
}

int qemu_strtoul(const char *nptr, const char **endptr, int base,
                 unsigned long *result)
{
    char *ep;

    *result = 0;
    if (!nptr) {
        return strtox_null(endptr);
    }
    errno = 0;
    *result = strtoul(nptr, &ep, base);
    return strtox_result(nptr, ep, endptr, errno);
}

int qemu_strtoi64(const char *nptr, const char **endptr, int base,
                  int64_t *result)
{
    char *ep;

    QEMU_BUILD_BUG_ON(sizeof(int64_t) != sizeof(long long));
    *result = 0;
    if (!nptr) {
        return strtox_null(endptr);
    }
    errno = 0;
    *result = strtoll(nptr, &ep, base);
    return strtox_result(nptr, ep, endptr, errno);
}

int qemu_strtou64(const char *nptr, const char **endptr, int base,
                  uint64_t *result)
{
    char *ep;

    QEMU_BUILD_BUG_ON(sizeof(uint64_t) != sizeof(unsigned long long));
    *result = 0;
    if (!nptr) {
        return strtox_null(endptr);
    }
    errno = 0;
    *result = strtoull(nptr, &ep, base);
    return strtox_result(nptr, ep, endptr, errno);
}

int parse_uint(const char *s, const char **endptr, int base,
               uint64_t *value)
{
    char *ep;
    unsigned long long v;
    int err;

    *value = 0;
    if (!s) {
        return strtox_null(endptr);
    }
    errno = 0;
    v = strtoull(s, &ep, base);
    err = errno;
    if (ep != s && has_minus(s)) {
        v = 0;
        err = ERANGE;
    } else if (err == ERANGE) {
        v = UINT64_MAX;
    }
    *value = v;
    return strtox_result(s, ep, endptr, err);
}

int parse_uint_full(const char *s, int base, uint64_t *value)
{
    return parse_uint(s, NULL, base, value);
}

int qemu_strtod(const char *nptr, const char **endptr, double *result)
{
    char *ep;

    *result = 0.0;
    if (!nptr) {
        return strtox_null(endptr);
    }
    errno = 0;
    *result = strtod(nptr, &ep);
    return strtox_result(nptr, ep, endptr, errno);
}

int qemu_strtod_finite(const char *nptr, const char **endptr,
                       double *result)
{
    const char *ep;
    int ret = qemu_strtod(nptr, &ep, result);

    /* An overflow to infinity stays -ERANGE; a literal "inf" is invalid */
    if (!ret && !isfinite(*result)) {
        *result = 0.0;
        ep = nptr;
        ret = -EINVAL;
    }
    if (endptr) {
        *endptr = ep;
    } else if (!ret && *ep) {
        ret = -EINVAL;
    }
    return ret;
}

/* Sizes. */

/* The scale of size suffix @c, or 0 when @c is not one. */
static uint64_t size_suffix_scale(char c, uint64_t unit)
{
    static const char suffixes[] = "BKMGTPE";
    const char *hit;
    uint64_t scale = 1;

    if (!c) {
        return 0;
    }
    hit = strchr(suffixes, g_ascii_toupper(c));
    if (!hit) {
        return 0;
    }
    for (; hit > suffixes; hit--) {
        scale *= unit;
    }
    return scale;
}

/*
 * Decimal fraction digits [@p, @end) as a 0.64 fixed-point number.
 * Working from the last digit back, each step is f = (digit + f) / 10;
 * the truncation error stays below a couple of units in the last place,
 * far below the half-byte rounding applied afterwards.
 */
static uint64_t fraction_to_fixed64(const char *p, const char *end)
{
    unsigned __int128 f = 0;

    while (end > p) {
        end--;
        f = (((unsigned __int128)(*end - '0') << 64) + f) / 10;
    }
    return (uint64_t)f;
}

static int do_strtosz(const char *nptr, const char **end,
                      char default_suffix, uint64_t unit, uint64_t *result)
{
    const char *p = nptr;
    uint64_t ival = 0, frac = 0, scale;
    bool negative = false, overflow = false, frac_nonzero = false;
    bool digits = false;
    unsigned __int128 total;
    int ret;

    *result = 0;
    if (!nptr) {
        return strtox_null(end);
    }
    while (g_ascii_isspace(*p)) {
        p++;
    }
    if (*p == '-') {
        negative = true;
        p++;
    } else if (*p == '+') {
        p++;
    }

    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        g_ascii_isxdigit(p[2])) {
        /* Hex: a plain byte count, no fraction, no suffix. */
        for (p += 2; g_ascii_isxdigit(*p); p++) {
            if (ival >> 60) {
                overflow = true;
            }
            ival = (ival << 4) | g_ascii_xdigit_value(*p);
        }
        if (*p == '.' || size_suffix_scale(*p, unit)) {
            ret = -EINVAL;
            goto out;
        }
        scale = 1;
        goto have_number;
    }

    for (; g_ascii_isdigit(*p); p++) {
        unsigned d = *p - '0';

        digits = true;
        if (ival > (UINT64_MAX - d) / 10) {
            overflow = true;
        }
        ival = ival * 10 + d;
    }
    if (*p == '.') {
        const char *f = p + 1;
        const char *fend = f;

        while (g_ascii_isdigit(*fend)) {
            frac_nonzero |= *fend != '0';
            fend++;
        }
        if (fend > f || digits) {
            /* "1.5", ".5" and even "1." or "1.k" */
            digits = true;
            frac = fraction_to_fixed64(f, fend);
            p = fend;
        }
    }
    if (!digits) {
        ret = -EINVAL;
        goto out;
    }
    if (negative) {
        ret = -ERANGE;
        goto out;
    }
    scale = size_suffix_scale(*p, unit);
    if (scale) {
        p++;
    } else {
        scale = size_suffix_scale(default_suffix, unit);
        assert(scale);
    }
    if (frac_nonzero && scale == 1) {
        /* Fractions of a byte make no sense. */
        ret = -EINVAL;
        goto out;
    }

have_number:
    if (negative) {
        ret = -ERANGE;
        goto out;
    }
    /* Integer part scaled, plus the fraction scaled and rounded. */
    total = (unsigned __int128)ival * scale +
            (((unsigned __int128)frac * scale + (1ULL << 63)) >> 64);
    if (overflow || total > UINT64_MAX) {
        ret = -ERANGE;
        goto out;
    }
    ret = 0;
    if (!end && *p) {
        ret = -EINVAL;
    } else {
        *result = total;
    }

out:
    if (end) {
        *end = ret == -EINVAL ? nptr : p;
    }
    return ret;
}

int qemu_strtosz(const char *nptr, const char **end, uint64_t *result)
{
    return do_strtosz(nptr, end, 'B', 1024, result);
}

int qemu_strtosz_MiB(const char *nptr, const char **end, uint64_t *result)
{
    return do_strtosz(nptr, end, 'M', 1024, result);
}

int qemu_strtosz_metric(const char *nptr, const char **end,
                        uint64_t *result)
{
    return do_strtosz(nptr, end, 'B', 1000, result);
}

/* @v in [1, 1024) units: three significant digits, no exponent. */
static char *format_scaled(double v, const char *unit)
{
    if (v >= 999.5) {
        return g_strdup_printf("%.0f %s", v, unit);
    }
    return g_strdup_printf("%.3g %s", v, unit);
}

char *size_to_str(uint64_t val)
{
    static const char *const units[] = {
        "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
    };
    int i = val ? (63 - clz64(val)) / 10 : 0;

    return format_scaled((double)val / (double)(1ULL << (10 * i)),
                         units[i]);
}

char *freq_to_str(uint64_t freq_hz)
{
    static const char *const units[] = {
        "Hz", "KHz", "MHz", "GHz", "THz", "PHz", "EHz",
    };
    double v = freq_hz;
    size_t i = 0;

    while (v >= 1000.0 && i < ARRAY_SIZE(units) - 1) {
        v /= 1000.0;
        i++;
    }
    return format_scaled(v, units[i]);
}

int qemu_parse_fd(const char *param)
{
    int fd;

    if (qemu_strtoi(param, NULL, 10, &fd) || fd < 0) {
        return -1;
    }
    return fd;
}

void qemu_hexdump(FILE *fp, const char *prefix, const void *bufptr,
                  size_t size)
{
    const unsigned char *buf = bufptr;
    size_t line, i;

    for (line = 0; line < size; line += 16) {
        size_t n = MIN(size - line, 16);

        fprintf(fp, "%s: %04zx:", prefix, line);
        for (i = 0; i < 16; i++) {
            if (i == 8) {
                fputc(' ', fp);
            }
            if (i < n) {
                fprintf(fp, " %02x", buf[line + i]);
            } else {
                fputs("   ", fp);
            }
        }
        fputs("  ", fp);
        for (i = 0; i < n; i++) {
            unsigned char c = buf[line + i];

            fputc(c >= 0x20 && c < 0x7f ? c : '.', fp);
        }
        fputc('\n', fp);
    }
}
