/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests for qemu/uuid.h: text round trips, strict parsing, generation.
 */
#include "qemu/osdep.h"
#include "qemu/uuid.h"

static const QemuUUID sample = { .data = {
    0x58, 0x6e, 0xce, 0x27, 0x7f, 0x09, 0x41, 0xe0,
    0x9e, 0x74, 0xe9, 0x01, 0x31, 0x7e, 0x9d, 0x42,
} };
static const char sample_str[] = "586ece27-7f09-41e0-9e74-e901317e9d42";

static void test_parse_unparse(void)
{
    QemuUUID u;
    char buf[UUID_STR_LEN];
    g_autofree char *dup = NULL;

    g_assert_cmpint(qemu_uuid_parse(sample_str, &u), ==, 0);
    g_assert_cmpmem(u.data, 16, sample.data, 16);
    g_assert_true(qemu_uuid_is_equal(&u, &sample));

    qemu_uuid_unparse(&sample, buf);
    g_assert_cmpstr(buf, ==, sample_str);
    dup = qemu_uuid_unparse_strdup(&sample);
    g_assert_cmpstr(dup, ==, sample_str);

    /* Upper case is accepted; output is always lower case. */
    g_assert_cmpint(qemu_uuid_parse("586ECE27-7F09-41E0-9E74-E901317E9D42",
                                    &u), ==, 0);
    g_assert_true(qemu_uuid_is_equal(&u, &sample));

    /* UUID_FMT prints the same text. */
    {
        g_autofree char *s = g_strdup_printf(UUID_FMT,
            u.data[0], u.data[1], u.data[2], u.data[3], u.data[4],
            u.data[5], u.data[6], u.data[7], u.data[8], u.data[9],
            u.data[10], u.data[11], u.data[12], u.data[13], u.data[14],
            u.data[15]);

        g_assert_cmpstr(s, ==, sample_str);
        g_assert_cmpint(strlen(s), ==, UUID_FMT_LEN);
    }
}

static void test_parse_rejects(void)
{
    static const char *const bad[] = {
        "",
        "586ece27-7f09-41e0-9e74-e901317e9d4",      /* short */
        "586ece27-7f09-41e0-9e74-e901317e9d421",    /* long */
        "586ece27-7f09-41e0-9e74-e901317e9d4g",     /* not hex */
        "586ece277f09-41e0-9e74-e901317e9d42-",     /* hyphen moved */
        "586ece27+7f09-41e0-9e74-e901317e9d42",
        "586ece27-7f09-41e0-9e74e-901317e9d42",
        " 586ece27-7f09-41e0-9e74-e901317e9d4",
        "586ece27-7f09-41e0-9e74-e901317e9d4 ",
        "586ece27-7f09-41e0-9e74-0x01317e9d42",
        "{586ece27-7f09-41e0-9e74-e901317e9d42}",
        "586ece277f0941e09e74e901317e9d42",
    };
    QemuUUID u = sample;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        g_test_message("bad uuid '%s'", bad[i]);
        g_assert_cmpint(qemu_uuid_parse(bad[i], &u), ==, -1);
        g_assert_true(qemu_uuid_is_equal(&u, &sample));   /* untouched */
    }
    g_assert_cmpint(qemu_uuid_parse(NULL, &u), ==, -1);
}

static void test_null(void)
{
    QemuUUID u = { 0 };
    char buf[UUID_STR_LEN];

    g_assert_true(qemu_uuid_is_null(&u));
    qemu_uuid_unparse(&u, buf);
    g_assert_cmpstr(buf, ==, UUID_NONE);
    u.data[15] = 1;
    g_assert_false(qemu_uuid_is_null(&u));
    g_assert_cmpint(qemu_uuid_parse(UUID_NONE, &u), ==, 0);
    g_assert_true(qemu_uuid_is_null(&u));
    g_assert_false(qemu_uuid_is_null(&sample));
}

static void test_generate(void)
{
    QemuUUID a, b;
    char buf[UUID_STR_LEN];
    QemuUUID back;
    int i;

    for (i = 0; i < 100; i++) {
        qemu_uuid_generate(&a);
        qemu_uuid_generate(&b);
        g_assert_false(qemu_uuid_is_equal(&a, &b));
        g_assert_false(qemu_uuid_is_null(&a));
        g_assert_cmphex(a.data[6] >> 4, ==, 4);           /* version */
        g_assert_cmphex(a.data[8] & 0xc0, ==, 0x80);      /* variant */
        qemu_uuid_unparse(&a, buf);
        g_assert_cmpint(buf[14], ==, '4');
        g_assert_cmpint(qemu_uuid_parse(buf, &back), ==, 0);
        g_assert_true(qemu_uuid_is_equal(&a, &back));
    }
}

static void test_bswap(void)
{
    QemuUUID s = qemu_uuid_bswap(sample);
    static const unsigned char expect[16] = {
        0x27, 0xce, 0x6e, 0x58, 0x09, 0x7f, 0xe0, 0x41,
        0x9e, 0x74, 0xe9, 0x01, 0x31, 0x7e, 0x9d, 0x42,
    };

    g_assert_cmpmem(s.data, 16, expect, 16);
    s = qemu_uuid_bswap(s);
    g_assert_true(qemu_uuid_is_equal(&s, &sample));
    g_assert_cmpuint(qemu_uuid_hash(&sample), ==, qemu_uuid_hash(&s));
    s.data[3] ^= 1;
    g_assert_cmpuint(qemu_uuid_hash(&sample), !=, qemu_uuid_hash(&s));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/uuid/parse-unparse", test_parse_unparse);
    g_test_add_func("/uuid/parse-rejects", test_parse_rejects);
    g_test_add_func("/uuid/null", test_null);
    g_test_add_func("/uuid/generate", test_generate);
    g_test_add_func("/uuid/bswap", test_bswap);
    return g_test_run();
}
