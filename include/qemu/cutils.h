/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * C string helpers and number parsers with QEMU's names and contracts,
 * plus buffer_is_zero() (util/bufferiszero.c).
 *
 * The number parsers (qemu_strto*, parse_uint, qemu_strtosz*) share one
 * contract:
 * - They return 0 on success, -EINVAL when the text is not a number (or
 *   has trailing junk and @endptr is NULL), -ERANGE when it does not fit.
 * - Leading whitespace is skipped.
 * - With @endptr, parsing stops at the first character that is not part
 *   of the number and *@endptr points there; without it the whole string
 *   must be consumed.
 * - On -EINVAL for "no number at all", *@result is 0 and *@endptr is
 *   @nptr.  On -ERANGE the integer parsers store the nearest limit
 *   (qemu_strtosz stores 0).  On trailing junk without @endptr the value
 *   parsed is stored anyway.
 */
#ifndef QEMU_CUTILS_H
#define QEMU_CUTILS_H

/* Copy @str into @buf (always NUL-terminated, truncating if needed). */
void pstrcpy(char *buf, int buf_size, const char *str);
/* Copy @str into @buf padded with @pad to exactly @buf_size bytes, no NUL */
void strpadcpy(char *buf, int buf_size, const char *str, char pad);
/* Append @s to the string in @buf, truncating; returns @buf. */
char *pstrcat(char *buf, int buf_size, const char *s);
/*
 * Does @str start with @val?  If so and @ptr is not NULL, *@ptr is set to
 * the rest of @str.  stristart() ignores ASCII case.
 */
int strstart(const char *str, const char *val, const char **ptr);
int stristart(const char *str, const char *val, const char **ptr);
/* strlen() that looks at no more than @max_len bytes. */
int qemu_strnlen(const char *s, int max_len);
/* strsep(): split *@input at the first of @delim, advance *@input. */
char *qemu_strsep(char **input, const char *delim);
/* Pointer to the first @c in @s, or to its terminating NUL. */
const char *qemu_strchrnul(const char *s, int c);
/* strcmp() for g_ptr_array_sort() et al.: args are char ** */
int qemu_pstrcmp0(const char **str1, const char **str2);

int qemu_strtoi(const char *nptr, const char **endptr, int base,
                int *result);
int qemu_strtoui(const char *nptr, const char **endptr, int base,
                 unsigned int *result);
int qemu_strtol(const char *nptr, const char **endptr, int base,
                long *result);
int qemu_strtoul(const char *nptr, const char **endptr, int base,
                 unsigned long *result);
int qemu_strtoi64(const char *nptr, const char **endptr, int base,
                  int64_t *result);
int qemu_strtou64(const char *nptr, const char **endptr, int base,
                  uint64_t *result);
/*
 * The unsigned parsers above behave as strtoul(): "-1" is the largest
 * value.  parse_uint() instead refuses a minus sign with -ERANGE.
 */
int parse_uint(const char *s, const char **endptr, int base,
               uint64_t *value);
int parse_uint_full(const char *s, int base, uint64_t *value);
/* Floating point; the _finite form refuses NaN and infinities. */
int qemu_strtod(const char *nptr, const char **endptr, double *result);
int qemu_strtod_finite(const char *nptr, const char **endptr,
                       double *result);

/*
 * Sizes: a decimal number, optionally with a fraction, and an optional
 * suffix B, K, M, G, T, P or E (either case) scaling by powers of 1024
 * (of 1000 for qemu_strtosz_metric).  Without a suffix the unit is bytes
 * (MiB for qemu_strtosz_MiB).  A fraction needs a scale above one byte
 * and is rounded to the nearest byte ("1.5k" is 1536).  Hex ("0x1000")
 * is accepted without a fraction or suffix.  Negative numbers fail with
 * -ERANGE, as do values of 2^64 bytes or more.  Note that "1e3" is 1 EiB
 * with trailing junk "3": there are no exponents.
 */
int qemu_strtosz(const char *nptr, const char **end, uint64_t *result);
int qemu_strtosz_MiB(const char *nptr, const char **end, uint64_t *result);
int qemu_strtosz_metric(const char *nptr, const char **end,
                        uint64_t *result);

/*
 * "1 KiB", "1.5 GiB", "512 B": at most three significant digits (or the
 * integer part when it has four).  Free with g_free().
 */
char *size_to_str(uint64_t val);
/* The same in SI units of Hz: "1.2 GHz". */
char *freq_to_str(uint64_t freq_hz);

/* A file descriptor number given as text: the fd (>= 0) or -1. */
int qemu_parse_fd(const char *param);

/* Hex and ASCII dump of @size bytes, each line prefixed by @prefix. */
void qemu_hexdump(FILE *fp, const char *prefix, const void *bufptr,
                  size_t size);

/*
 * Whether all @len bytes at @buf are zero.  Any alignment and length; the
 * implementation is picked at startup from what the CPU supports.
 */
bool buffer_is_zero(const void *buf, size_t len);
/*
 * For tests and benchmarks: switch buffer_is_zero() to the next slower
 * implementation.  Returns false when the plain integer one is already in
 * use.  test_buffer_is_zero_reset() goes back to the best one.
 */
bool test_buffer_is_zero_next_accel(void);
void test_buffer_is_zero_reset(void);
/* Name of the implementation in use ("avx2", "sse2", "int"). */
const char *test_buffer_is_zero_accel_name(void);

#endif /* QEMU_CUTILS_H */
