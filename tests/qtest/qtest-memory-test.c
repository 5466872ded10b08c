/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest memory through the qtest protocol on the none machine: every
 * access width, hex and base64 bulk transfers, memset, and the protocol's
 * other commands (clock, endianness, errors); and libqtest's check of
 * the exit status.
 */
#include "qemu/osdep.h"
#include "libqtest.h"

#define RAM_SIZE (64 * 1024 * 1024)

static QTestState *start(void)
{
    return qtest_init("-M none -m 64M");
}

static void test_widths(void)
{
    QTestState *qts = start();
    const uint64_t addrs[] = { 0, 0x1000, 0x12345, RAM_SIZE / 2,
                               RAM_SIZE - 8 };

    for (size_t i = 0; i < G_N_ELEMENTS(addrs); i++) {
        uint64_t a = addrs[i];

        qtest_writeb(qts, a, 0xa5);
        g_assert_cmphex(qtest_readb(qts, a), ==, 0xa5);
        qtest_writew(qts, a, 0xbeef);
        g_assert_cmphex(qtest_readw(qts, a), ==, 0xbeef);
        /* Little-endian: the low byte comes first. */
        g_assert_cmphex(qtest_readb(qts, a), ==, 0xef);
        qtest_writel(qts, a, 0xdeadbeef);
        g_assert_cmphex(qtest_readl(qts, a), ==, 0xdeadbeef);
        g_assert_cmphex(qtest_readw(qts, a + 2), ==, 0xdead);
        qtest_writeq(qts, a, 0x0123456789abcdefULL);
        g_assert_cmphex(qtest_readq(qts, a), ==, 0x0123456789abcdefULL);
        g_assert_cmphex(qtest_readl(qts, a + 4), ==, 0x01234567);
    }
    /* Neighbours are untouched. */
    qtest_writeq(qts, 0x3000, 0);
    qtest_writeq(qts, 0x3008, 0);
    qtest_writeb(qts, 0x3004, 0xff);
    g_assert_cmphex(qtest_readq(qts, 0x3000), ==, 0x000000ff00000000ULL);
    g_assert_cmphex(qtest_readq(qts, 0x3008), ==, 0);
    qtest_quit(qts);
}

static void test_bulk(void)
{
    QTestState *qts = start();
    size_t len = 3 * 4096 + 17;
    g_autofree uint8_t *out = g_malloc(len);
    g_autofree uint8_t *in = g_malloc(len);

    for (size_t i = 0; i < len; i++) {
        out[i] = i * 7 + (i >> 8);
    }
    /* Hex write, base64 read, and the reverse, across page boundaries. */
    qtest_memwrite(qts, 0x10ff0, out, len);
    qtest_bufread(qts, 0x10ff0, in, len);
    g_assert_cmpmem(in, len, out, len);
    for (size_t i = 0; i < len; i++) {
        out[i] ^= 0x5a;
    }
    qtest_bufwrite(qts, 0x200003, out, len);
    qtest_memread(qts, 0x200003, in, len);
    g_assert_cmpmem(in, len, out, len);

    qtest_memset(qts, 0x200003, 0xc3, 4096);
    qtest_memread(qts, 0x200003, in, len);
    for (size_t i = 0; i < 4096; i++) {
        g_assert_cmphex(in[i], ==, 0xc3);
    }
    g_assert_cmpmem(in + 4096, len - 4096, out + 4096, len - 4096);
    qtest_quit(qts);
}

static void test_protocol(void)
{
    QTestState *qts = start();
    char *reply;
    int64_t t0;

    reply = qtest_send_raw(qts, "endianness\n");
    g_assert_cmpstr(reply, ==, "OK little");
    g_free(reply);
    reply = qtest_send_raw(qts, "no_such_command 1 2\n");
    g_assert(g_str_has_prefix(reply, "FAIL"));
    g_free(reply);
    reply = qtest_send_raw(qts, "readl not-a-number\n");
    g_assert(g_str_has_prefix(reply, "FAIL"));
    g_free(reply);
    /* Short hex data is zero padded. */
    qtest_writel(qts, 0x5000, 0xffffffff);
    reply = qtest_send_raw(qts, "write 0x5000 0x4 0xaabb\n");
    g_assert_cmpstr(reply, ==, "OK");
    g_free(reply);
    g_assert_cmphex(qtest_readl(qts, 0x5000), ==, 0x0000bbaa);
    reply = qtest_send_raw(qts, "read 0x5000 0x2\n");
    g_assert_cmpstr(reply, ==, "OK 0xaabb");
    g_free(reply);

    /* The virtual clock belongs to the test. */
    t0 = qtest_clock_step(qts, 0);
    g_assert_cmpint(qtest_clock_step(qts, 1000), ==, t0 + 1000);
    g_assert_cmpint(qtest_clock_set(qts, t0 + 5000000), ==, t0 + 5000000);
    g_assert_cmpint(qtest_clock_step(qts, 0), ==, t0 + 5000000);
    /* Steps past the end of the int64_t clock fail instead of wrapping. */
    reply = qtest_send_raw(qts, "clock_step 0x7fffffffffffffff\n");
    g_assert(g_str_has_prefix(reply, "FAIL"));
    g_free(reply);
    reply = qtest_send_raw(qts, "clock_set 0x8000000000000000\n");
    g_assert(g_str_has_prefix(reply, "FAIL"));
    g_free(reply);
    g_assert_cmpint(qtest_clock_step(qts, 0), ==, t0 + 5000000);
    qtest_quit(qts);
}

/*
 * A NUL ends the command it is in (the server reads C strings) but not
 * the input: the next line in the same write is still answered.
 */
static void test_nul_byte(void)
{
    QTestState *qts = start();
    static const char two[] = "writeb 0x6000 0x77\0 junk\n"
                              "writeb 0x6001 0x88\n";
    static const char lead[] = "\0readb 0x6000\nendianness\n";
    char *reply;

    qtest_writew(qts, 0x6000, 0x2211);
    reply = qtest_send_raw_len(qts, two, sizeof(two) - 1);
    g_assert_cmpstr(reply, ==, "OK");
    g_free(reply);
    reply = qtest_send_raw_len(qts, "", 0);     /* the second reply */
    g_assert_cmpstr(reply, ==, "OK");
    g_free(reply);
    g_assert_cmphex(qtest_readw(qts, 0x6000), ==, 0x8877);
    /* A line that is empty up to its NUL is no command: no reply. */
    reply = qtest_send_raw_len(qts, lead, sizeof(lead) - 1);
    g_assert_cmpstr(reply, ==, "OK little");
    g_free(reply);
    qtest_quit(qts);
}

/* A client cannot make the VMM allocate what it likes. */
static void test_size_limits(void)
{
    QTestState *qts = start();
    static const char *const over[] = {
        "read 0x0 0x4000001\n", "read 0x0 0x40000000\n",
        "b64read 0x0 0x4000001\n", "write 0x0 0x4000001 0x00\n",
        "b64write 0x0 0x4000001 AAAA\n", "memset 0x0 0x40000001 0x1\n",
        "read 0x0 0xffffffffffffffff\n",
    };
    const size_t long_len = 129 << 20;
    g_autofree char *long_line = g_malloc(long_len + 1);
    char *reply;

    for (size_t i = 0; i < G_N_ELEMENTS(over); i++) {
        reply = qtest_send_raw(qts, over[i]);
        if (!g_str_has_prefix(reply, "FAIL") || !strstr(reply, "limit")) {
            g_error("'%.*s' got '%s'", (int)strcspn(over[i], "\n"), over[i],
                    reply);
        }
        g_free(reply);
    }
    /* Nothing was written by the refused write. */
    qtest_writeb(qts, 0, 0x42);
    reply = qtest_send_raw(qts, "write 0x0 0x4000001 0x00\n");
    g_free(reply);
    g_assert_cmphex(qtest_readb(qts, 0), ==, 0x42);

    /* An over-long line gets one FAIL; the next one is served. */
    memset(long_line, 'a', long_len);
    long_line[long_len] = '\n';
    reply = qtest_send_raw_len(qts, long_line, long_len + 1);
    g_assert(g_str_has_prefix(reply, "FAIL command line longer than"));
    g_free(reply);
    reply = qtest_send_raw(qts, "endianness\n");
    g_assert_cmpstr(reply, ==, "OK little");
    g_free(reply);
    qtest_quit(qts);
}

static void test_dirty_bits(void)
{
    /*
     * Writes through qtest go through cpu_physical_memory_write(), which
     * marks the pages dirty; but no QMP or qtest command exposes the
     * dirty bitmap yet, so there is nothing to observe from a test.
     */
    g_test_skip("no QMP/qtest interface exposes the dirty bitmap yet");
}

/*
 * qtest_quit() checks the exit status of a process that
 * qtest_probe_child() reaped before, not only of one it stops itself;
 * qtest_kill_qemu() waives the check.
 */
static void test_quit_status(void)
{
    QTestState *qts;

    if (g_test_subprocess()) {
        qts = qtest_init("-M none");
        kill(qtest_pid(qts), SIGKILL);
        for (int i = 0; i < 60 * 100 && qtest_probe_child(qts); i++) {
            g_usleep(10 * 1000);
        }
        g_assert(!qtest_probe_child(qts));
        qtest_quit(qts);        /* must fail: killed, expected exit 0 */
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*ended with status 0x9, expected exit 0*");

    qts = qtest_init("-M none");
    qtest_kill_qemu(qts);
    qtest_quit(qts);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("qtest/memory/widths", test_widths);
    qtest_add_func("qtest/memory/bulk", test_bulk);
    qtest_add_func("qtest/libqtest/quit-status", test_quit_status);
    qtest_add_func("qtest/memory/protocol", test_protocol);
    qtest_add_func("qtest/memory/nul-byte", test_nul_byte);
    qtest_add_func("qtest/memory/size-limits", test_size_limits);
    qtest_add_func("qtest/memory/dirty-bits", test_dirty_bits);
    return g_test_run();
}
