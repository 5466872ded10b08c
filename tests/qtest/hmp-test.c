/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HMP through human-monitor-command: every command of the table runs
 * without crashing the VMM, "info" runs every sub-command listed by
 * "help info", and the texts scripts parse match QEMU's.
 */
#include "qemu/osdep.h"
#include "libqtest.h"

/* A command line for every generic HMP command (monitor/hmp-cmds.c). */
static const char *const hmp_cmds[] = {
    "help",
    "help info",
    "help stop",
    "info",
    "stop",
    "cont",
    "c",
    "system_reset",
    "xp /8xb 0",
    "xp /4xh 0x10",
    "xp /2dw 0x20",
    "xp /2ug 0x40",
    "xp /4c 0",
    "xp /3o 0",
    "x /4x 0",
    "qom-list",
    "qom-list /",
    "qom-list /machine",
    "qom-get /machine type",
    "qom-set /machine no-such-prop 1",
    "qom-set -j /machine no-such-prop 1",
    "object_add memory-backend-ram,id=hmp-mem,size=1M",
    "object_del hmp-mem",
    "object_del no-such-object",
    "getfd fd1",
    "closefd fd1",
    "trace-event no_such_event on",
    "trace-event * off",
    "log none",
    "log no_such_item",
    "logfile /dev/null",
    "unknown-command",
    "info unknown",
    "xp",
    "xp /z 0",
    "stop extra-argument",
    "qom-get \"unterminated",
    "",
    NULL
};

static void test_every_command(void)
{
    QTestState *qts = qtest_init("-M none -m 16M");
    g_autofree char *info_help = NULL;
    g_auto(GStrv) lines = NULL;

    for (int i = 0; hmp_cmds[i]; i++) {
        g_free(qtest_hmp(qts, "%s", hmp_cmds[i]));
        /* Still alive and answering. */
        g_assert(qtest_probe_child(qts));
    }
    /* Every info sub-command that "help info" lists. */
    info_help = qtest_hmp(qts, "help info");
    lines = g_strsplit(info_help, "\n", -1);
    g_assert_cmpint(g_strv_length(lines), >, 5);
    for (int i = 0; lines[i]; i++) {
        g_auto(GStrv) words = g_strsplit(lines[i], " ", 3);
        g_auto(GStrv) names = NULL;

        if (!words[0] || strcmp(words[0], "info") || !words[1]) {
            continue;
        }
        names = g_strsplit(words[1], "|", 2);
        g_free(qtest_hmp(qts, "info %s", names[0]));
        g_assert(qtest_probe_child(qts));
    }
    qtest_quit(qts);
}

static void test_texts(void)
{
    QTestState *qts = qtest_init("-M none -m 16M -name hmp-vm "
                                 "-uuid 12345678-1234-1234-1234-123456789abc");
    char *out;

    out = qtest_hmp(qts, "info status");
    g_assert_cmpstr(out, ==, "VM status: running\r\n");
    g_free(out);
    g_free(qtest_hmp(qts, "stop"));
    out = qtest_hmp(qts, "info status");
    g_assert_cmpstr(out, ==, "VM status: paused\r\n");
    g_free(out);
    g_free(qtest_hmp(qts, "cont"));

    out = qtest_hmp(qts, "info version");
    g_assert(g_str_has_prefix(out, "10.0.0 (Tern "));
    g_free(out);
    out = qtest_hmp(qts, "info name");
    g_assert_cmpstr(out, ==, "hmp-vm\r\n");
    g_free(out);
    out = qtest_hmp(qts, "info uuid");
    g_assert_cmpstr(out, ==, "12345678-1234-1234-1234-123456789abc\r\n");
    g_free(out);
    out = qtest_hmp(qts, "info chardev");
    g_assert(strstr(out, "char0: filename=unix:"));
    g_free(out);
    out = qtest_hmp(qts, "unknown-command");
    g_assert_cmpstr(out, ==, "unknown command: 'unknown-command'\r\n");
    g_free(out);
    out = qtest_hmp(qts, "info qom-tree");
    g_assert(g_str_has_prefix(out, "/ (container)\r\n"));
    g_assert(strstr(out, "  /machine ("));
    g_free(out);
    out = qtest_hmp(qts, "help info");
    g_assert(strstr(out, "info status  -- show the current VM status"));
    g_free(out);

    /* Help listings come back through the monitor, not on stdout. */
    out = qtest_hmp(qts, "object_add help");
    g_assert(strstr(out, "  memory-backend-ram\r\n"));
    g_free(out);
    out = qtest_hmp(qts, "object_add memory-backend-ram,help");
    g_assert(strstr(out, "memory-backend-ram options:\r\n"));
    g_assert(strstr(out, "  size=<"));
    g_free(out);
    out = qtest_hmp(qts, "device_add help");
    g_assert(strstr(out, "isa-serial"));
    g_free(out);

    /* x/xp formats, against memory written through qtest. */
    qtest_writeq(qts, 0x1000, 0x1122334455667788ULL);
    out = qtest_hmp(qts, "xp /2xw 0x1000");
    g_assert_cmpstr(out, ==, "0000000000001000: 0x55667788 0x11223344\r\n");
    g_free(out);
    out = qtest_hmp(qts, "xp /1xg 0x1000");
    g_assert_cmpstr(out, ==, "0000000000001000: 0x1122334455667788\r\n");
    g_free(out);
    out = qtest_hmp(qts, "xp /2ub 0x1000");
    g_assert_cmpstr(out, ==, "0000000000001000: 136 119\r\n");
    g_free(out);
    qtest_writeb(qts, 0x2000, 'A');
    out = qtest_hmp(qts, "xp /1c 0x2000");
    g_assert_cmpstr(out, ==, "0000000000002000: 'A'\r\n");
    g_free(out);
    qtest_quit(qts);
}

static void test_prelaunch(void)
{
    QTestState *qts = qtest_init("-M none -S");
    char *out = qtest_hmp(qts, "info status");

    g_assert_cmpstr(out, ==, "VM status: paused (prelaunch)\r\n");
    g_free(out);
    qtest_quit(qts);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("hmp/every-command", test_every_command);
    qtest_add_func("hmp/texts", test_texts);
    qtest_add_func("hmp/prelaunch", test_prelaunch);
    return g_test_run();
}
