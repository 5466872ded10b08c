/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests for qemu/cutils.h (string helpers, number and size parsers,
 * size_to_str), qemu/base64.h and the qemu/bswap.h loads and stores.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/base64.h"
#include "qemu/bswap.h"
#include "qemu/cutils.h"

#define EiB (UINT64_C(1) << 60)
#define PiB (UINT64_C(1) << 50)

/* Sizes */

typedef struct SizeCase {
    const char *str;
    int ret;                /* with an endptr */
    uint64_t value;         /* when ret == 0 */
    int consumed;           /* where endptr ends up */
} SizeCase;

static void check_size_cases(int (*fn)(const char *, const char **,
                                       uint64_t *),
                             const SizeCase *cases, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        const SizeCase *c = &cases[i];
        const char *end = NULL;
        uint64_t res = 0xbaadf00d;
        int ret;
        bool whole;

        g_test_message("size '%s'", c->str);
        ret = fn(c->str, &end, &res);
        g_assert_cmpint(ret, ==, c->ret);
        g_assert_cmpuint(res, ==, ret ? 0 : c->value);
        g_assert_true(end == c->str + c->consumed);

        /* Without an endptr, trailing text is an error too. */
        whole = c->str[c->consumed] == '\0';
        res = 0xbaadf00d;
        ret = fn(c->str, NULL, &res);
        if (c->ret) {
            g_assert_cmpint(ret, ==, c->ret);
        } else if (whole) {
            g_assert_cmpint(ret, ==, 0);
            g_assert_cmpuint(res, ==, c->value);
        } else {
            g_assert_cmpint(ret, ==, -EINVAL);
            g_assert_cmpuint(res, ==, 0);
        }
    }
}

static void test_strtosz(void)
{
    static const SizeCase cases[] = {
        { "0", 0, 0, 1 },
        { "12345", 0, 12345, 5 },
        { "  12k", 0, 12 * KiB, 5 },
        { "010", 0, 10, 3 },                    /* not octal */
        { "1B", 0, 1, 2 },
        { "1b", 0, 1, 2 },
        { "1K", 0, KiB, 2 },
        { "1k", 0, KiB, 2 },
        { "1M", 0, MiB, 2 },
        { "1G", 0, GiB, 2 },
        { "1g", 0, GiB, 2 },
        { "1T", 0, TiB, 2 },
        { "1P", 0, PiB, 2 },
        { "1E", 0, EiB, 2 },
        { "15E", 0, 15 * EiB, 3 },
        { "1.5G", 0, GiB + GiB / 2, 4 },
        { "1.5k", 0, 1536, 4 },
        { "0.5k", 0, 512, 4 },
        { "1.k", 0, KiB, 3 },
        { ".5M", 0, MiB / 2, 3 },
        { "1.0", 0, 1, 3 },                     /* zero fraction is fine */
        { "1.", 0, 1, 2 },
        { "0.1k", 0, 102, 4 },                  /* 102.4 rounds down */
        { "0.0005k", 0, 1, 7 },                 /* 0.512 rounds up */
        { "0.0004k", 0, 0, 7 },
        { "1.99999999999999999999999999k", 0, 2 * KiB, 29 },
        { "0.NaN", 0, 0, 2 },
        { "12.345M", 0, 12944671, 7 },          /* 12944670.72 */
        { "18446744073709551615", 0, UINT64_MAX, 20 },
        { "17179869183G", 0, UINT64_MAX - GiB + 1, 12 },
        { "0x20", 0, 32, 4 },
        { "0XfF", 0, 255, 4 },
        { "0x10b", 0, 0x10b, 5 },               /* b is a digit here */
        { "0x", 0, 0, 1 },
        { "123-45", 0, 123, 3 },
        { "1 k", 0, 1, 1 },
        { "1kB", 0, KiB, 2 },
        { "1e3", 0, EiB, 2 },                   /* e is exa, not exponent */
        { "1.5e1k", 0, EiB + EiB / 2, 4 },
        /* Rejected. */
        { "", -EINVAL, 0, 0 },
        { "   ", -EINVAL, 0, 0 },
        { ".", -EINVAL, 0, 0 },
        { ".k", -EINVAL, 0, 0 },
        { "k", -EINVAL, 0, 0 },
        { "x1", -EINVAL, 0, 0 },
        { "1.5", -EINVAL, 0, 0 },               /* half a byte */
        { "1.5B", -EINVAL, 0, 0 },
        { "0x20M", -EINVAL, 0, 0 },             /* hex with a suffix */
        { "0x1.8k", -EINVAL, 0, 0 },            /* hex fraction */
        { "-1", -ERANGE, 0, 2 },
        { " -0", -ERANGE, 0, 3 },
        { "-2M", -ERANGE, 0, 2 },
        { "-.1k", -ERANGE, 0, 3 },
        { "18446744073709551616", -ERANGE, 0, 20 },
        { "99999999999999999999999", -ERANGE, 0, 23 },
        { "16E", -ERANGE, 0, 3 },
        { "17179869184G", -ERANGE, 0, 12 },
        { "0x10000000000000000", -ERANGE, 0, 19 },
    };

    check_size_cases(qemu_strtosz, cases, ARRAY_SIZE(cases));
}

static void test_strtosz_mib_metric(void)
{
    static const SizeCase mib[] = {
        { "1", 0, MiB, 1 },
        { "1.5", 0, MiB + MiB / 2, 3 },
        { "1k", 0, KiB, 2 },
        { "1B", 0, 1, 2 },
        { "1G", 0, GiB, 2 },
        { "0x10", 0, 16, 4 },                   /* hex is bytes */
        { "-1", -ERANGE, 0, 2 },
        { "16777216T", -ERANGE, 0, 9 },
        { "abc", -EINVAL, 0, 0 },
    };
    static const SizeCase metric[] = {
        { "12345k", 0, 12345000, 6 },
        { "12.345M", 0, 12345000, 7 },
        { "1.5k", 0, 1500, 4 },
        { "1G", 0, 1000000000, 2 },
        { "1E", 0, 1000000000000000000ULL, 2 },
        { "19E", -ERANGE, 0, 3 },
        { "1.5", -EINVAL, 0, 0 },
    };

    check_size_cases(qemu_strtosz_MiB, mib, ARRAY_SIZE(mib));
    check_size_cases(qemu_strtosz_metric, metric, ARRAY_SIZE(metric));
}

static void test_strtosz_null(void)
{
    const char *end = "x";
    uint64_t res = 1;

    g_assert_cmpint(qemu_strtosz(NULL, &end, &res), ==, -EINVAL);
    g_assert_null(end);
    g_assert_cmpuint(res, ==, 0);
}

static void test_size_to_str(void)
{
    static const struct {
        uint64_t val;
        const char *str;
    } cases[] = {
        { 0, "0 B" },
        { 1, "1 B" },
        { 1000, "1000 B" },
        { 1023, "1023 B" },
        { 1024, "1 KiB" },
        { 1536, "1.5 KiB" },
        { 4096, "4 KiB" },
        { MiB, "1 MiB" },
        { GiB, "1 GiB" },
        { GiB + GiB / 4, "1.25 GiB" },
        { 3 * GiB + GiB / 3, "3.33 GiB" },
        { 512 * GiB, "512 GiB" },
        { TiB, "1 TiB" },
        { EiB, "1 EiB" },
        { UINT64_MAX, "16 EiB" },
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        g_autofree char *s = size_to_str(cases[i].val);

        g_assert_cmpstr(s, ==, cases[i].str);
    }
    {
        g_autofree char *a = freq_to_str(1200000000);
        g_autofree char *b = freq_to_str(999);
        g_autofree char *c = freq_to_str(1000);

        g_assert_cmpstr(a, ==, "1.2 GHz");
        g_assert_cmpstr(b, ==, "999 Hz");
        g_assert_cmpstr(c, ==, "1 KHz");
    }
}

/* Integers */

static void test_strtol(void)
{
    const char *str, *end;
    long res;

    str = "123";
    g_assert_cmpint(qemu_strtol(str, &end, 0, &res), ==, 0);
    g_assert_cmpint(res, ==, 123);
    g_assert_true(end == str + 3);
    g_assert_cmpint(qemu_strtol(str, NULL, 0, &res), ==, 0);

    str = "  -42xyz";
    g_assert_cmpint(qemu_strtol(str, &end, 10, &res), ==, 0);
    g_assert_cmpint(res, ==, -42);
    g_assert_true(end == str + 5);
    res = 7;
    g_assert_cmpint(qemu_strtol(str, NULL, 10, &res), ==, -EINVAL);
    g_assert_cmpint(res, ==, -42);      /* the value is stored anyway */

    str = "abc";
    res = 7;
    g_assert_cmpint(qemu_strtol(str, &end, 0, &res), ==, -EINVAL);
    g_assert_cmpint(res, ==, 0);
    g_assert_true(end == str);

    str = "";
    g_assert_cmpint(qemu_strtol(str, &end, 0, &res), ==, -EINVAL);
    g_assert_true(end == str);
    g_assert_cmpint(qemu_strtol(" ", NULL, 0, &res), ==, -EINVAL);

    end = "x";
    g_assert_cmpint(qemu_strtol(NULL, &end, 0, &res), ==, -EINVAL);
    g_assert_null(end);

    str = "9223372036854775807";
    g_assert_cmpint(qemu_strtol(str, NULL, 0, &res), ==, 0);
    g_assert_cmpint(res, ==, LONG_MAX);
    str = "9223372036854775808";
    g_assert_cmpint(qemu_strtol(str, &end, 0, &res), ==, -ERANGE);
    g_assert_cmpint(res, ==, LONG_MAX);
    g_assert_true(end == str + 19);
    str = "-9223372036854775809";
    g_assert_cmpint(qemu_strtol(str, NULL, 0, &res), ==, -ERANGE);
    g_assert_cmpint(res, ==, LONG_MIN);
    /* Overflow with trailing junk and no endptr: junk wins. */
    g_assert_cmpint(qemu_strtol("99999999999999999999x", NULL, 0, &res),
                    ==, -EINVAL);

    g_assert_cmpint(qemu_strtol("0x1f", NULL, 0, &res), ==, 0);
    g_assert_cmpint(res, ==, 31);
    g_assert_cmpint(qemu_strtol("1f", NULL, 16, &res), ==, 0);
    g_assert_cmpint(res, ==, 31);
    g_assert_cmpint(qemu_strtol("010", NULL, 0, &res), ==, 0);
    g_assert_cmpint(res, ==, 8);
    g_assert_cmpint(qemu_strtol("010", NULL, 10, &res), ==, 0);
    g_assert_cmpint(res, ==, 10);
    str = "0x";
    g_assert_cmpint(qemu_strtol(str, &end, 16, &res), ==, 0);
    g_assert_cmpint(res, ==, 0);
    g_assert_true(end == str + 1);
}

static void test_strtoul_u64(void)
{
    const char *str, *end;
    unsigned long ul;
    uint64_t u64;
    int64_t i64;

    g_assert_cmpint(qemu_strtoul("-1", NULL, 0, &ul), ==, 0);
    g_assert_cmpuint(ul, ==, ULONG_MAX);          /* as strtoul() */
    str = "18446744073709551616";
    g_assert_cmpint(qemu_strtoul(str, &end, 0, &ul), ==, -ERANGE);
    g_assert_cmpuint(ul, ==, ULONG_MAX);
    g_assert_true(end == str + 20);

    g_assert_cmpint(qemu_strtou64("18446744073709551615", NULL, 0, &u64),
                    ==, 0);
    g_assert_cmpuint(u64, ==, UINT64_MAX);
    g_assert_cmpint(qemu_strtou64("0xffffffffffffffff", NULL, 0, &u64),
                    ==, 0);
    g_assert_cmpuint(u64, ==, UINT64_MAX);
    g_assert_cmpint(qemu_strtou64("0x1ffffffffffffffff", NULL, 0, &u64),
                    ==, -ERANGE);
    g_assert_cmpint(qemu_strtou64("12 ", NULL, 0, &u64), ==, -EINVAL);

    g_assert_cmpint(qemu_strtoi64("-9223372036854775808", NULL, 0, &i64),
                    ==, 0);
    g_assert_cmpint(i64, ==, INT64_MIN);
    g_assert_cmpint(qemu_strtoi64("9223372036854775808", NULL, 0, &i64),
                    ==, -ERANGE);
    g_assert_cmpint(i64, ==, INT64_MAX);
}

static void test_strtoi_ui(void)
{
    const char *end;
    int i;
    unsigned int ui;

    g_assert_cmpint(qemu_strtoi("2147483647", NULL, 0, &i), ==, 0);
    g_assert_cmpint(i, ==, INT_MAX);
    g_assert_cmpint(qemu_strtoi("2147483648", &end, 0, &i), ==, -ERANGE);
    g_assert_cmpint(i, ==, INT_MAX);
    g_assert_cmpint(qemu_strtoi("-2147483649", NULL, 0, &i), ==, -ERANGE);
    g_assert_cmpint(i, ==, INT_MIN);
    g_assert_cmpint(qemu_strtoi("-2147483648", NULL, 0, &i), ==, 0);
    g_assert_cmpint(i, ==, INT_MIN);
    g_assert_cmpint(qemu_strtoi("12z", NULL, 0, &i), ==, -EINVAL);
    g_assert_cmpint(i, ==, 12);

    g_assert_cmpint(qemu_strtoui("4294967295", NULL, 0, &ui), ==, 0);
    g_assert_cmpuint(ui, ==, UINT_MAX);
    g_assert_cmpint(qemu_strtoui("4294967296", NULL, 0, &ui), ==, -ERANGE);
    g_assert_cmpuint(ui, ==, UINT_MAX);
    g_assert_cmpint(qemu_strtoui("-1", NULL, 0, &ui), ==, 0);
    g_assert_cmpuint(ui, ==, UINT_MAX);
    g_assert_cmpint(qemu_strtoui("-4294967295", NULL, 0, &ui), ==, 0);
    g_assert_cmpuint(ui, ==, 1);
    g_assert_cmpint(qemu_strtoui("-4294967296", NULL, 0, &ui), ==, -ERANGE);
    g_assert_cmpuint(ui, ==, UINT_MAX);
    g_assert_cmpint(qemu_strtoui("-99999999999999999999", NULL, 0, &ui), ==,
                    -ERANGE);
}

static void test_parse_uint(void)
{
    const char *str, *end;
    uint64_t v;

    str = "  42 rest";
    g_assert_cmpint(parse_uint(str, &end, 0, &v), ==, 0);
    g_assert_cmpuint(v, ==, 42);
    g_assert_true(end == str + 4);
    g_assert_cmpint(parse_uint_full(str, 0, &v), ==, -EINVAL);
    g_assert_cmpint(parse_uint_full("0x10", 0, &v), ==, 0);
    g_assert_cmpuint(v, ==, 16);

    str = "-1";
    g_assert_cmpint(parse_uint(str, &end, 0, &v), ==, -ERANGE);
    g_assert_cmpuint(v, ==, 0);
    g_assert_true(end == str + 2);
    g_assert_cmpint(parse_uint_full("18446744073709551616", 10, &v), ==,
                    -ERANGE);
    g_assert_cmpuint(v, ==, UINT64_MAX);
    g_assert_cmpint(parse_uint_full("", 10, &v), ==, -EINVAL);
}

static void test_strtod(void)
{
    const char *end;
    double d;

    g_assert_cmpint(qemu_strtod("1.5", NULL, &d), ==, 0);
    g_assert_cmpfloat(d, ==, 1.5);
    g_assert_cmpint(qemu_strtod("1.5x", NULL, &d), ==, -EINVAL);
    g_assert_cmpint(qemu_strtod("1e999", NULL, &d), ==, -ERANGE);
    g_assert_cmpint(qemu_strtod_finite("1e999", NULL, &d), ==, -ERANGE);
    g_assert_cmpint(qemu_strtod("inf", NULL, &d), ==, 0);
    g_assert_cmpint(qemu_strtod_finite("inf", &end, &d), ==, -EINVAL);
    g_assert_cmpfloat(d, ==, 0.0);
    g_assert_cmpint(qemu_strtod_finite("nan", NULL, &d), ==, -EINVAL);
    g_assert_cmpint(qemu_strtod_finite("-2.25", NULL, &d), ==, 0);
    g_assert_cmpfloat(d, ==, -2.25);
    g_assert_cmpint(qemu_strtod_finite("2.5k", NULL, &d), ==, -EINVAL);
    g_assert_cmpint(qemu_strtod_finite("2.5k", &end, &d), ==, 0);
    g_assert_cmpstr(end, ==, "k");
}

/* Strings */

static void test_strings(void)
{
    char buf[8];
    const char *rest;
    char *input, *orig;

    memset(buf, 'x', sizeof(buf));
    pstrcpy(buf, sizeof(buf), "0123456789");
    g_assert_cmpstr(buf, ==, "0123456");
    pstrcpy(buf, sizeof(buf), "ab");
    g_assert_cmpstr(buf, ==, "ab");
    pstrcat(buf, sizeof(buf), "cdefghij");
    g_assert_cmpstr(buf, ==, "abcdefg");
    pstrcat(buf, sizeof(buf), "z");
    g_assert_cmpstr(buf, ==, "abcdefg");

    strpadcpy(buf, sizeof(buf), "ab", ' ');
    g_assert_cmpmem(buf, 8, "ab      ", 8);

    g_assert_true(strstart("socket,id=x", "socket", &rest));
    g_assert_cmpstr(rest, ==, ",id=x");
    g_assert_false(strstart("sock", "socket", &rest));
    g_assert_true(strstart("abc", "", NULL));
    g_assert_true(stristart("TCP:host", "tcp:", &rest));
    g_assert_cmpstr(rest, ==, "host");
    g_assert_false(stristart("udp:", "tcp:", NULL));

    g_assert_cmpint(qemu_strnlen("hello", 3), ==, 3);
    g_assert_cmpint(qemu_strnlen("hi", 10), ==, 2);
    g_assert_cmpint(qemu_strnlen("hi", 0), ==, 0);

    orig = input = g_strdup("a,b;c");
    g_assert_cmpstr(qemu_strsep(&input, ",;"), ==, "a");
    g_assert_cmpstr(qemu_strsep(&input, ",;"), ==, "b");
    g_assert_cmpstr(qemu_strsep(&input, ",;"), ==, "c");
    g_assert_null(input);
    g_assert_null(qemu_strsep(&input, ",;"));
    g_free(orig);

    g_assert_cmpstr(qemu_strchrnul("abc", 'b'), ==, "bc");
    g_assert_cmpstr(qemu_strchrnul("abc", 'z'), ==, "");

    g_assert_cmpint(qemu_parse_fd("3"), ==, 3);
    g_assert_cmpint(qemu_parse_fd("0"), ==, 0);
    g_assert_cmpint(qemu_parse_fd("-1"), ==, -1);
    g_assert_cmpint(qemu_parse_fd("3x"), ==, -1);
    g_assert_cmpint(qemu_parse_fd(""), ==, -1);
    g_assert_cmpint(qemu_parse_fd("99999999999"), ==, -1);
}

static void test_hexdump(void)
{
    char *out = NULL;
    size_t size = 0;
    FILE *fp = open_memstream(&out, &size);
    const char data[] = "Hello, world!\n\x01\xff" "ab";

    qemu_hexdump(fp, "pfx", data, 18);
    fclose(fp);
    g_assert_cmpstr(out, ==,
        "pfx: 0000: 48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 01 ff"
        "  Hello, world!...\n"
        "pfx: 0010: 61 62                                           "
        "  ab\n");
    free(out);
}

/* Byte order */

static void test_bswap(void)
{
    uint8_t buf[11];

    g_assert_cmphex(bswap16(0x1234), ==, 0x3412);
    g_assert_cmphex(bswap32(0x12345678), ==, 0x78563412);
    g_assert_cmphex(bswap64(0x0102030405060708ULL), ==,
                    0x0807060504030201ULL);

    /* Stores at an odd address, read back byte by byte. */
    stq_be_p(buf + 1, 0x0102030405060708ULL);
    g_assert_cmpmem(buf + 1, 8, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    g_assert_cmphex(ldq_be_p(buf + 1), ==, 0x0102030405060708ULL);
    g_assert_cmphex(ldq_le_p(buf + 1), ==, 0x0807060504030201ULL);
    stq_le_p(buf + 3, 0x1122334455667788ULL);
    g_assert_cmpmem(buf + 3, 8, "\x88\x77\x66\x55\x44\x33\x22\x11", 8);

    stl_be_p(buf + 1, 0xdeadbeef);
    g_assert_cmpmem(buf + 1, 4, "\xde\xad\xbe\xef", 4);
    g_assert_cmphex((uint32_t)ldl_be_p(buf + 1), ==, 0xdeadbeef);
    g_assert_cmphex((uint32_t)ldl_le_p(buf + 1), ==, 0xefbeadde);
    stl_le_p(buf + 1, 0xdeadbeef);
    g_assert_cmpmem(buf + 1, 4, "\xef\xbe\xad\xde", 4);

    stw_be_p(buf + 1, 0xfffe);
    g_assert_cmpmem(buf + 1, 2, "\xff\xfe", 2);
    g_assert_cmpint(lduw_be_p(buf + 1), ==, 0xfffe);
    g_assert_cmpint(ldsw_be_p(buf + 1), ==, -2);
    stw_le_p(buf + 1, 0x1234);
    g_assert_cmpmem(buf + 1, 2, "\x34\x12", 2);
    g_assert_cmpint(lduw_le_p(buf + 1), ==, 0x1234);
    stb_p(buf, 0x80);
    g_assert_cmpint(ldub_p(buf), ==, 0x80);
    g_assert_cmpint(ldsb_p(buf), ==, -128);

    memcpy(buf, "\x12\x34\x56\x78", 4);
    g_assert_cmphex(be32_to_cpu(ldl_he_p(buf)), ==, 0x12345678);
    g_assert_cmphex(cpu_to_be16(be16_to_cpu(0x1234)), ==, 0x1234);
    g_assert_cmphex(le64_to_cpu(cpu_to_le64(42)), ==, 42);
#if !HOST_BIG_ENDIAN
    g_assert_cmphex(cpu_to_be32(1), ==, 0x01000000);
    g_assert_cmphex(cpu_to_le32(1), ==, 1);
#endif
}

/* Base64 */

static void test_base64(void)
{
    static const struct {
        const char *plain;
        const char *b64;
    } vectors[] = {         /* RFC 4648, section 10 */
        { "", "" },
        { "f", "Zg==" },
        { "fo", "Zm8=" },
        { "foo", "Zm9v" },
        { "foob", "Zm9vYg==" },
        { "fooba", "Zm9vYmE=" },
        { "foobar", "Zm9vYmFy" },
    };
    static const char *const bad[] = {
        "Zg=", "Zg", "Z", "Zm9v\n", "Zm 9v", "Zm9v!", "Z===", "====",
        "Zg==Zg==", "Zm=v", "Zm9vY===",
    };
    size_t i, len;

    for (i = 0; i < ARRAY_SIZE(vectors); i++) {
        g_autofree char *enc = qbase64_encode(
            (const uint8_t *)vectors[i].plain, strlen(vectors[i].plain));
        g_autofree uint8_t *dec = qbase64_decode(vectors[i].b64, -1, &len,
                                                 &error_abort);

        g_assert_cmpstr(enc, ==, vectors[i].b64);
        g_assert_cmpuint(len, ==, strlen(vectors[i].plain));
        g_assert_cmpmem(dec, len, vectors[i].plain, len);
        g_assert_cmpint(dec[len], ==, 0);
    }

    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        Error *err = NULL;

        g_test_message("bad base64 '%s'", bad[i]);
        len = 99;
        g_assert_null(qbase64_decode(bad[i], -1, &len, &err));
        g_assert_cmpuint(len, ==, 0);
        error_free_or_abort(&err);
    }

    {
        Error *err = NULL;

        g_assert_null(qbase64_decode("Zm\0v", 4, &len, &err));
        g_assert_cmpstr(error_get_pretty(err), ==,
                        "Base64 data contains embedded NUL characters");
        error_free(err);
        err = NULL;
        g_assert_null(qbase64_decode("Zm9v!", -1, &len, &err));
        g_assert_cmpstr(error_get_pretty(err), ==,
                        "Base64 data contains invalid characters");
        error_free(err);
    }

    /* Explicit length stops early; random binary round trip. */
    {
        g_autofree uint8_t *dec = qbase64_decode("Zm9vYmFy", 4, &len,
                                                 &error_abort);
        uint8_t bin[300];
        int iter;

        g_assert_cmpuint(len, ==, 3);
        g_assert_cmpmem(dec, 3, "foo", 3);
        for (iter = 0; iter < 50; iter++) {
            size_t n = g_test_rand_int_range(0, sizeof(bin));
            g_autofree char *enc = NULL;
            g_autofree uint8_t *back = NULL;

            for (i = 0; i < n; i++) {
                bin[i] = g_test_rand_int_range(0, 256);
            }
            enc = qbase64_encode(bin, n);
            back = qbase64_decode(enc, -1, &len, &error_abort);
            g_assert_cmpmem(back, len, bin, n);
        }
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cutils/strtosz", test_strtosz);
    g_test_add_func("/cutils/strtosz-mib-metric", test_strtosz_mib_metric);
    g_test_add_func("/cutils/strtosz-null", test_strtosz_null);
    g_test_add_func("/cutils/size-to-str", test_size_to_str);
    g_test_add_func("/cutils/strtol", test_strtol);
    g_test_add_func("/cutils/strtoul-u64", test_strtoul_u64);
    g_test_add_func("/cutils/strtoi-ui", test_strtoi_ui);
    g_test_add_func("/cutils/parse-uint", test_parse_uint);
    g_test_add_func("/cutils/strtod", test_strtod);
    g_test_add_func("/cutils/strings", test_strings);
    g_test_add_func("/cutils/hexdump", test_hexdump);
    g_test_add_func("/bswap/load-store", test_bswap);
    g_test_add_func("/base64/vectors", test_base64);
    return g_test_run();
}
