/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The HMP migration commands (migration/migration-hmp-cmds.c): each one
 * runs, the "info migrate*" texts match QEMU 10.0's line for line,
 * migrate_set_parameter parses values per type (sizes, MiB default for
 * bandwidths, enums, bools, strings), a synchronous "migrate" waits on a
 * real HMP chardev, the page-sampling dirty rate measures qtest writes,
 * and the migration.json commands Tern lacks fail with their reason.
 */
#include "qemu/osdep.h"
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "libqtest.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"

/* Run @cmd through human-monitor-command; output with CR LF dropped. */
static char *hmp(QTestState *qts, const char *cmd)
{
    g_autofree char *out = qtest_hmp(qts, "%s", cmd);
    GString *s = g_string_new(NULL);

    for (const char *p = out; *p; p++) {
        if (*p != '\r') {
            g_string_append_c(s, *p);
        }
    }
    return g_string_free(s, false);
}

static void assert_hmp(QTestState *qts, const char *cmd, const char *expect)
{
    g_autofree char *out = hmp(qts, cmd);

    if (strcmp(out, expect)) {
        g_test_message("'%s' printed:\n%s\nexpected:\n%s", cmd, out, expect);
    }
    g_assert_cmpstr(out, ==, expect);
}

/* The line of @text that starts with "@name: ", without the newline. */
static char *info_line(const char *text, const char *name)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    g_autofree char *prefix = g_strdup_printf("%s: ", name);

    for (int i = 0; lines[i]; i++) {
        if (g_str_has_prefix(lines[i], prefix)) {
            return g_strdup(lines[i]);
        }
    }
    return NULL;
}

static void assert_param_line(QTestState *qts, const char *line)
{
    g_autofree char *out = hmp(qts, "info migrate_parameters");
    g_autofree char *name = g_strndup(line, strchr(line, ':') - line);
    g_autofree char *got = info_line(out, name);

    g_assert_cmpstr(got, ==, line);
}

static const char globals_text[] =
    "globals:\n"
    "store-global-state: on\n"
    "only-migratable: off\n"
    "send-configuration: on\n"
    "send-section-footer: on\n"
    "send-switchover-start: off\n"
    "clear-bitmap-shift: 18\n";

static const char default_params_text[] =
    "announce-initial: 50 ms\n"
    "announce-max: 550 ms\n"
    "announce-rounds: 5\n"
    "announce-step: 100 ms\n"
    "throttle-trigger-threshold: 50\n"
    "cpu-throttle-initial: 20\n"
    "cpu-throttle-increment: 10\n"
    "cpu-throttle-tailslow: off\n"
    "max-cpu-throttle: 99\n"
    "tls-creds: ''\n"
    "tls-hostname: ''\n"
    "max-bandwidth: 134217728 bytes/second\n"
    "avail-switchover-bandwidth: 0 bytes/second\n"
    "downtime-limit: 300 ms\n"
    "x-checkpoint-delay: 20000 ms\n"
    "multifd-channels: 2\n"
    "multifd-compression: none\n"
    "zero-page-detection: multifd\n"
    "xbzrle-cache-size: 67108864 bytes\n"
    "max-postcopy-bandwidth: 0\n"
    "tls-authz: ''\n"
    "x-vcpu-dirty-limit-period: 1000 ms\n"
    "vcpu-dirty-limit: 1 MB/s\n"
    "mode: normal\n"
    "direct-io: off\n";

static const char *const cap_names[] = {
    "xbzrle", "rdma-pin-all", "auto-converge", "zero-blocks", "events",
    "postcopy-ram", "x-colo", "release-ram", "return-path",
    "pause-before-switchover", "multifd", "dirty-bitmaps",
    "postcopy-blocktime", "late-block-activate", "x-ignore-shared",
    "validate-uuid", "background-snapshot", "zero-copy-send",
    "postcopy-preempt", "switchover-ack", "dirty-limit", "mapped-ram",
    NULL
};

/* "info migrate_capabilities" with the capabilities in @on set. */
static char *caps_text(const char *const *on)
{
    GString *s = g_string_new(NULL);

    for (int i = 0; cap_names[i]; i++) {
        g_string_append_printf(s, "%s: %s\n", cap_names[i],
                               on && g_strv_contains(on, cap_names[i]) ?
                               "on" : "off");
    }
    return g_string_free(s, false);
}

/* ------------------------------------------------------------ tests */

/* Every command runs, with its exact answer where it is fixed. */
static void test_every_command(void)
{
    QTestState *qts = qtest_init("-M none -m 16M");
    static const struct {
        const char *cmd, *out;
    } cmds[] = {
        { "migrate_cancel", "" },
        { "migrate_continue pre-switchover",
          "Error: Migration not in expected state: none\n" },
        { "migrate_continue no-such-state",
          "Error: invalid parameter value: no-such-state\n" },
        { "migrate_start_postcopy", "Error: Enable postcopy with "
          "migrate_set_capability before the start of migration\n" },
        { "migrate_recover unix:/nonexistent", "Error: Migrate recover can "
          "only be run when postcopy is paused.\n" },
        { "migrate_pause", "Error: migrate-pause is currently only "
          "supported during postcopy-active or postcopy-recover state\n" },
        { "x_colo_lost_heartbeat", "Error: The feature 'colo' is not "
          "enabled\n" },
        { "migrate -d no-such:uri",
          "Error: unknown migration protocol: no-such:uri\n" },
        { "migrate no-such:uri",
          "Error: unknown migration protocol: no-such:uri\n" },
        /* Without -incoming the destination side is refused. */
        { "migrate_incoming tcp:127.0.0.1:0",
          "Error: '-incoming' was not specified on the command line\n" },
        /* No KVM dirty ring here: QEMU's errors and answers. */
        { "set_vcpu_dirty_limit 10", "Error: dirty page limit feature "
          "requires KVM with accelerator property 'dirty-ring-size' set'\n" },
        { "set_vcpu_dirty_limit 10 0", "Error: dirty page limit feature "
          "requires KVM with accelerator property 'dirty-ring-size' set'\n" },
        { "set_vcpu_dirty_limit -1", "Error: invalid dirty page limit -1\n" },
        { "cancel_vcpu_dirty_limit", "[Please use 'info vcpu_dirty_limit' "
          "to query dirty limit for virtual CPU]\n" },
        { "cancel_vcpu_dirty_limit 0", "[Please use 'info vcpu_dirty_limit' "
          "to query dirty limit for virtual CPU]\n" },
        { "info vcpu_dirty_limit", "Dirty page limit not enabled!\n" },
        { "calc_dirty_rate -r -b 1",
          "Either dirty ring or dirty bitmap can be specified!\n" },
        /* qtest: no dirty ring, and no KVM dirty log to count. */
        { "calc_dirty_rate -r 1", "Error: mode dirty-ring is not enabled, "
          "use other method instead.\n" },
        { "calc_dirty_rate -b 1", "Error: calc-dirty-rate: mode "
          "dirty-bitmap needs KVM's dirty log, which this accelerator does "
          "not have; use page-sampling\n" },
        { "calc_dirty_rate -r 1 256", "Error: sample-pages is used only in "
          "page-sampling mode\n" },
        { "calc_dirty_rate 0", "Incorrect period length specified!\n" },
        { "calc_dirty_rate 61",
          "Error: Calculation time is out of range [50ms, 60000ms].\n" },
        { "calc_dirty_rate 1 127",
          "Error: sample-pages is out of range[128, 4096].\n" },
        { "info dirty_rate", "Status: unstarted\nStart Time: 0 (ms)\n"
          "Sample Pages: 0 (per GB)\nPeriod: 0 (sec)\nMode: page-sampling\n"
          "Dirty rate: (not ready)\n" },
        { "migrate_set_capability no-such-cap on",
          "Error: invalid parameter value: no-such-cap\n" },
        { "migrate_set_parameter no-such-param 1",
          "Error: invalid parameter value: no-such-param\n" },
        { "migrate_set_parameter block-bitmap-mapping x", "Error: The "
          "block-bitmap-mapping parameter can only be set through QMP\n" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cmds); i++) {
        assert_hmp(qts, cmds[i].cmd, cmds[i].out);
        g_assert(qtest_probe_child(qts));
    }
    /* Every migration command is listed by help. */
    {
        g_autofree char *help = hmp(qts, "help");
        g_autofree char *help_info = hmp(qts, "help info");
        static const char *const names[] = {
            "migrate ", "migrate_incoming ", "migrate_cancel ",
            "migrate_continue ", "migrate_set_capability ",
            "migrate_set_parameter ", "migrate_start_postcopy ",
            "migrate_recover ", "migrate_pause ", "x_colo_lost_heartbeat ",
            "calc_dirty_rate ", "set_vcpu_dirty_limit ",
            "cancel_vcpu_dirty_limit ", NULL
        };
        static const char *const infos[] = {
            "info migrate ", "info migrate_capabilities ",
            "info migrate_parameters ", "info dirty_rate ",
            "info vcpu_dirty_limit ", NULL
        };

        for (int i = 0; names[i]; i++) {
            g_autofree char *at_start = g_strdup_printf("\n%s", names[i]);

            g_assert(g_str_has_prefix(help, names[i]) ||
                     strstr(help, at_start));
        }
        for (int i = 0; infos[i]; i++) {
            g_assert(strstr(help_info, infos[i]));
        }
    }
    qtest_quit(qts);
}

/* "info migrate" on a VM that never migrated: the globals only. */
static void test_info_migrate_idle(void)
{
    QTestState *qts = qtest_init("-M none -m 16M");

    assert_hmp(qts, "info migrate", globals_text);
    qtest_quit(qts);

    /* -global reaches the TYPE_MIGRATION properties shown there. */
    qts = qtest_init("-M none -m 16M -global migration.x-clear-bitmap-shift=20 "
                     "-global migration.send-section-footer=off");
    {
        g_autofree char *out = hmp(qts, "info migrate");

        g_assert(strstr(out, "\nsend-section-footer: off\n"));
        g_assert(strstr(out, "\nclear-bitmap-shift: 20\n"));
    }
    qtest_quit(qts);
}

/* A failed migrate: status with the error, then the timing lines. */
static void test_info_migrate_failed(void)
{
    QTestState *qts = qtest_init("-M none -m 16M");
    g_autofree char *err = hmp(qts, "migrate -d unix:/nonexistent/tern.sock");
    g_autofree char *out = NULL;
    g_autofree char *status = NULL;
    QDict *rsp;
    const char *desc;

    /* Either nothing (the connection fails later) or the error. */
    g_assert(!*err || g_str_has_prefix(err, "Error: "));
    /*
     * Depending on the transport the error is immediate (no socket
     * transport yet, or connect refused at once) or comes from the
     * connection attempt; either way the migration ends as failed.
     */
    for (int i = 0; i < 600; i++) {
        rsp = qtest_qmp(qts, "{'execute': 'query-migrate'}");
        status = g_strdup(qdict_get_try_str(qdict_get_qdict(rsp, "return"),
                                            "status"));
        qobject_unref(rsp);
        if (status && strcmp(status, "setup")) {
            break;
        }
        g_clear_pointer(&status, g_free);
        g_usleep(100 * 1000);
    }
    g_assert_cmpstr(status, ==, "failed");
    rsp = qtest_qmp(qts, "{'execute': 'query-migrate'}");
    desc = qdict_get_str(qdict_get_qdict(rsp, "return"), "error-desc");

    out = hmp(qts, "info migrate");
    g_assert(g_str_has_prefix(out, globals_text));
    {
        g_autofree char *line = g_strdup_printf("\nMigration status: failed "
                                                "(%s)\ntotal time: ", desc);

        g_assert(strstr(out, line));
    }
    /* Nothing but the globals and the status block precede it. */
    g_assert(g_str_has_prefix(out + strlen(globals_text),
                              "Migration status: failed ("));
    qobject_unref(rsp);
    qtest_quit(qts);
}

static void test_capabilities(void)
{
    QTestState *qts = qtest_init("-M none -m 16M");
    static const char *const on1[] = { "events", NULL };
    static const char *const on2[] = { "events", "return-path",
                                       "pause-before-switchover", NULL };
    g_autofree char *t0 = caps_text(NULL);
    g_autofree char *t1 = caps_text(on1);
    g_autofree char *t2 = caps_text(on2);
    QDict *rsp;

    assert_hmp(qts, "info migrate_capabilities", t0);
    assert_hmp(qts, "migrate_set_capability events on", "");
    assert_hmp(qts, "info migrate_capabilities", t1);
    assert_hmp(qts, "migrate_set_capability return-path on", "");
    assert_hmp(qts, "migrate_set_capability pause-before-switchover on", "");
    assert_hmp(qts, "info migrate_capabilities", t2);
    /* Refused capabilities change nothing. */
    assert_hmp(qts, "migrate_set_capability x-colo on",
               "Error: COLO with return-path is not supported by Tern "
               "yet\n");
    assert_hmp(qts, "info migrate_capabilities", t2);
    assert_hmp(qts, "migrate_set_capability events maybe",
               "migrate_set_capability: expected 'on' or 'off'\n"
               "Try \"help migrate_set_capability\" for more information\n");
    assert_hmp(qts, "migrate_set_capability return-path off", "");
    assert_hmp(qts, "migrate_set_capability pause-before-switchover off", "");
    assert_hmp(qts, "info migrate_capabilities", t1);

    /* HMP went through QMP: query-migrate-capabilities agrees. */
    rsp = qtest_qmp(qts, "{'execute': 'query-migrate-capabilities'}");
    for (const QListEntry *e = qlist_first(qdict_get_qlist(rsp, "return")); e;
         e = qlist_next(e)) {
        QDict *c = qobject_to(QDict, qlist_entry_obj(e));

        g_assert_cmpint(qdict_get_bool(c, "state"), ==,
                        !strcmp(qdict_get_str(c, "capability"), "events"));
    }
    qobject_unref(rsp);
    qtest_quit(qts);
}

static void test_parameters(void)
{
    QTestState *qts = qtest_init("-M none -m 16M");
    /* parameter, value typed, the info line that results */
    static const char *const ok[][3] = {
        /* bandwidths: a plain number is MiB/s */
        { "max-bandwidth", "32", "max-bandwidth: 33554432 bytes/second" },
        { "max-bandwidth", "512k", "max-bandwidth: 524288 bytes/second" },
        { "max-bandwidth", "1G", "max-bandwidth: 1073741824 bytes/second" },
        { "max-bandwidth", "100B", "max-bandwidth: 100 bytes/second" },
        { "avail-switchover-bandwidth", "2",
          "avail-switchover-bandwidth: 2097152 bytes/second" },
        /* other sizes are bytes unless suffixed */
        { "max-postcopy-bandwidth", "4096", "max-postcopy-bandwidth: 4096" },
        { "max-postcopy-bandwidth", "1M", "max-postcopy-bandwidth: 1048576" },
        { "xbzrle-cache-size", "1M", "xbzrle-cache-size: 1048576 bytes" },
        { "xbzrle-cache-size", "8192", "xbzrle-cache-size: 8192 bytes" },
        { "downtime-limit", "500", "downtime-limit: 500 ms" },
        { "announce-initial", "100", "announce-initial: 100 ms" },
        { "announce-rounds", "7", "announce-rounds: 7" },
        { "x-checkpoint-delay", "1000", "x-checkpoint-delay: 1000 ms" },
        { "x-vcpu-dirty-limit-period", "500",
          "x-vcpu-dirty-limit-period: 500 ms" },
        { "vcpu-dirty-limit", "10", "vcpu-dirty-limit: 10 MB/s" },
        /* integers */
        { "cpu-throttle-initial", "30", "cpu-throttle-initial: 30" },
        { "throttle-trigger-threshold", "100",
          "throttle-trigger-threshold: 100" },
        { "multifd-channels", "8", "multifd-channels: 8" },
        { "max-cpu-throttle", "0x50", "max-cpu-throttle: 80" },
        /* bools, enums, strings */
        { "cpu-throttle-tailslow", "on", "cpu-throttle-tailslow: on" },
        { "direct-io", "on", "direct-io: on" },
        { "multifd-compression", "zlib", "multifd-compression: zlib" },
        { "zero-page-detection", "legacy", "zero-page-detection: legacy" },
        { "mode", "cpr-reboot", "mode: cpr-reboot" },
        { "mode", "normal", "mode: normal" },
        { "tls-creds", "tls0", "tls-creds: 'tls0'" },
        { "tls-hostname", "\"\"", "tls-hostname: ''" },
        { "tls-authz", "\"authz 0\"", "tls-authz: 'authz 0'" },
    };
    static const char *const bad[][2] = {
        { "max-bandwidth abc", "Error: Invalid size abc\n" },
        { "max-bandwidth 9999999999999999",
          "Error: Invalid size 9999999999999999\n" },
        { "max-bandwidth -1", "Error: Invalid size -1\n" },
        { "downtime-limit abc", "Error: Parameter 'downtime-limit' expects "
          "a non-negative number below 2^64\n" },
        { "downtime-limit 2000001", "Error: Parameter 'downtime_limit' "
          "expects an integer in the range of 0 to (2000 * 1000) ms\n" },
        { "xbzrle-cache-size 4095", "Error: Parameter 'xbzrle_cache_size' "
          "expects a power of two no less than the target page size\n" },
        { "cpu-throttle-initial 300",
          "Error: Parameter 'cpu-throttle-initial' expects uint8_t\n" },
        { "cpu-throttle-initial 0", "Error: Parameter 'cpu_throttle_initial' "
          "expects an integer in the range of 1 to 99\n" },
        { "cpu-throttle-tailslow maybe",
          "Error: Parameter 'cpu-throttle-tailslow' expects 'on' or 'off'\n" },
        { "multifd-compression lz4", "Error: Parameter "
          "'multifd-compression' does not accept value 'lz4'\n" },
        { "multifd-zlib-level 10", "Error: Parameter 'multifd_zlib_level' "
          "expects a value between 0 and 9\n" },
    };
    g_autofree char *final = NULL;
    QDict *rsp, *ret;

    assert_hmp(qts, "info migrate_parameters", default_params_text);

    for (size_t i = 0; i < G_N_ELEMENTS(ok); i++) {
        g_autofree char *cmd = g_strdup_printf("migrate_set_parameter %s %s",
                                               ok[i][0], ok[i][1]);

        assert_hmp(qts, cmd, "");
        assert_param_line(qts, ok[i][2]);
    }
    final = hmp(qts, "info migrate_parameters");
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *cmd = g_strdup_printf("migrate_set_parameter %s",
                                               bad[i][0]);
        g_autofree char *after = NULL;

        assert_hmp(qts, cmd, bad[i][1]);
        /* A refused value leaves every parameter as it was. */
        after = hmp(qts, "info migrate_parameters");
        g_assert_cmpstr(after, ==, final);
    }

    /* The values reached QMP: query-migrate-parameters agrees. */
    rsp = qtest_qmp(qts, "{'execute': 'query-migrate-parameters'}");
    ret = qdict_get_qdict(rsp, "return");
    g_assert_cmpint(qdict_get_int(ret, "max-bandwidth"), ==, 100);
    g_assert_cmpint(qdict_get_int(ret, "avail-switchover-bandwidth"), ==,
                    2 << 20);
    g_assert_cmpint(qdict_get_int(ret, "max-postcopy-bandwidth"), ==, 1 << 20);
    g_assert_cmpint(qdict_get_int(ret, "downtime-limit"), ==, 500);
    g_assert_cmpint(qdict_get_int(ret, "max-cpu-throttle"), ==, 80);
    g_assert_cmpstr(qdict_get_str(ret, "tls-creds"), ==, "tls0");
    g_assert_cmpstr(qdict_get_str(ret, "tls-authz"), ==, "authz 0");
    g_assert_cmpstr(qdict_get_str(ret, "multifd-compression"), ==, "zlib");
    g_assert(qdict_get_bool(ret, "cpu-throttle-tailslow"));
    qobject_unref(rsp);

    /* Setting through QMP shows in HMP too. */
    qtest_qmp_assert_success(qts, "{'execute': 'migrate-set-parameters',"
                             " 'arguments': {'downtime-limit': 1234,"
                             " 'tls-creds': null}}");
    assert_param_line(qts, "downtime-limit: 1234 ms");
    assert_param_line(qts, "tls-creds: ''");
    qtest_quit(qts);
}

/* ------------------------------------------------- dirty rate (QMP+HMP) */

static QDict *wait_dirty_rate_measured(QTestState *qts)
{
    for (int i = 0; i < 1200; i++) {
        QDict *rsp = qtest_qmp(qts, "{'execute': 'query-dirty-rate'}");
        QDict *ret = qdict_get_qdict(rsp, "return");

        if (!strcmp(qdict_get_str(ret, "status"), "measured")) {
            qobject_ref(ret);
            qobject_unref(rsp);
            return ret;
        }
        g_assert_cmpstr(qdict_get_str(ret, "status"), ==, "measuring");
        qobject_unref(rsp);
        g_usleep(50 * 1000);
    }
    g_assert_not_reached();
}

static void test_dirty_rate(void)
{
    /* 256 MiB of RAM: 128 samples at 512 per GiB. */
    QTestState *qts = qtest_init("-M none -m 256M");
    QDict *ret;
    char *out;

    /* Nothing runs under qtest: an idle guest dirties nothing. */
    assert_hmp(qts, "calc_dirty_rate 1",
               "Starting dirty rate measurement with period 1 seconds\n"
               "[Please use 'info dirty_rate' to check results]\n");
    ret = wait_dirty_rate_measured(qts);
    g_assert_cmpint(qdict_get_int(ret, "dirty-rate"), ==, 0);
    /* The time measured, as QEMU: at least what was asked for. */
    g_assert_cmpint(qdict_get_int(ret, "calc-time"), >=, 1);
    g_assert_cmpint(qdict_get_int(ret, "sample-pages"), ==, 512);
    g_assert_cmpstr(qdict_get_str(ret, "mode"), ==, "page-sampling");
    out = hmp(qts, "info dirty_rate");
    g_assert(g_str_has_prefix(out, "Status: measured\nStart Time: "));
    {
        g_autofree char *want = g_strdup_printf(
            "\nSample Pages: 512 (per GB)\nPeriod: %" PRId64 " (sec)\n"
            "Mode: page-sampling\nDirty rate: 0 (MB/s)\n",
            qdict_get_int(ret, "calc-time"));

        g_assert(strstr(out, want));
    }
    qobject_unref(ret);
    g_free(out);

    /*
     * Rewrite the whole RAM during a measurement: every sample changes,
     * so the rate is the RAM size over the (at least 3 s) period.  The
     * memset only has to arrive within the period, which is generous.
     */
    qtest_qmp_assert_success(qts, "{'execute': 'calc-dirty-rate',"
                             " 'arguments': {'calc-time': 3000,"
                             " 'calc-time-unit': 'millisecond',"
                             " 'sample-pages': 256}}");
    qtest_memset(qts, 0, 0x5a, 256 << 20);
    ret = wait_dirty_rate_measured(qts);
    g_assert_cmpint(qdict_get_int(ret, "dirty-rate"), >, 0);
    g_assert_cmpint(qdict_get_int(ret, "dirty-rate"), <=, 256 * 1000 / 3000);
    g_assert_cmpint(qdict_get_int(ret, "sample-pages"), ==, 256);
    qobject_unref(ret);
    /* The period in the unit asked for. */
    {
        QDict *rsp = qtest_qmp(qts, "{'execute': 'query-dirty-rate',"
                               " 'arguments': {'calc-time-unit':"
                               " 'millisecond'}}");

        g_assert_cmpint(qdict_get_int(qdict_get_qdict(rsp, "return"),
                                      "calc-time"), >=, 3000);
        qobject_unref(rsp);
    }
    qtest_quit(qts);
}

/* ------------------------------------------- unimplemented QMP commands */

static void test_unsupported_qmp(void)
{
    QTestState *qts = qtest_init("-M none -m 16M");
    static const char *const cmds[][2] = {
        { "{'execute': 'x-colo-lost-heartbeat'}",
          "The feature 'colo' is not enabled" },
        { "{'execute': 'xen-set-replication', 'arguments':"
          " {'enable': true, 'primary': true}}",
          "xen-set-replication: Xen replication is not supported by Tern" },
        { "{'execute': 'query-xen-replication-status'}",
          "query-xen-replication-status: Xen replication is not supported "
          "by Tern" },
        { "{'execute': 'xen-colo-do-checkpoint'}",
          "xen-colo-do-checkpoint: Xen replication is not supported by "
          "Tern" },
        { "{'execute': 'xen-set-global-dirty-log', 'arguments':"
          " {'enable': true}}",
          "xen-set-global-dirty-log: Xen is not supported by Tern" },
        { "{'execute': 'xen-save-devices-state', 'arguments':"
          " {'filename': '/dev/null'}}",
          "xen-save-devices-state: saving the device state alone is not "
          "supported by Tern yet" },
        { "{'execute': 'xen-load-devices-state', 'arguments':"
          " {'filename': '/dev/null'}}",
          "xen-load-devices-state: loading the device state alone is not "
          "supported by Tern yet" },
        { "{'execute': 'snapshot-save', 'arguments': {'job-id': 'j',"
          " 'tag': 't', 'vmstate': 'n', 'devices': []}}",
          "snapshot-save: Tern has no block layer; snapshots are not "
          "supported" },
        { "{'execute': 'snapshot-load', 'arguments': {'job-id': 'j',"
          " 'tag': 't', 'vmstate': 'n', 'devices': []}}",
          "snapshot-load: Tern has no block layer; snapshots are not "
          "supported" },
        { "{'execute': 'snapshot-delete', 'arguments': {'job-id': 'j',"
          " 'tag': 't', 'devices': []}}",
          "snapshot-delete: Tern has no block layer; snapshots are not "
          "supported" },
        { "{'execute': 'set-vcpu-dirty-limit', 'arguments':"
          " {'dirty-rate': 10}}",
          "dirty page limit feature requires KVM with accelerator property "
          "'dirty-ring-size' set'" },
        { "{'execute': 'migrate-set-capabilities', 'arguments':"
          " {'capabilities': [{'capability': 'dirty-limit', 'state': true}]}}",
          "dirty-limit requires KVM with accelerator property "
          "'dirty-ring-size' set" },
        { "{'execute': 'calc-dirty-rate', 'arguments': {'calc-time': 1,"
          " 'mode': 'dirty-bitmap'}}",
          "calc-dirty-rate: mode dirty-bitmap needs KVM's dirty log, which "
          "this accelerator does not have; use page-sampling" },
    };
    QDict *rsp, *ret;

    for (size_t i = 0; i < G_N_ELEMENTS(cmds); i++) {
        QDict *err;

        qtest_qmp_send_raw(qts, "%s", cmds[i][0]);
        rsp = qtest_qmp_receive(qts);
        err = qdict_get_qdict(rsp, "error");
        g_assert(err);
        g_assert_cmpstr(qdict_get_str(err, "class"), ==, "GenericError");
        g_assert_cmpstr(qdict_get_str(err, "desc"), ==, cmds[i][1]);
        qobject_unref(rsp);
    }

    /* With no limit possible: none listed, and cancel has nothing to do. */
    rsp = qtest_qmp(qts, "{'execute': 'query-vcpu-dirty-limit'}");
    g_assert(qlist_empty(qdict_get_qlist(rsp, "return")));
    qobject_unref(rsp);
    qtest_qmp_assert_success(qts, "{'execute': 'cancel-vcpu-dirty-limit'}");

    /* COLO is not running: its status says so. */
    rsp = qtest_qmp(qts, "{'execute': 'query-colo-status'}");
    ret = qdict_get_qdict(rsp, "return");
    g_assert_cmpstr(qdict_get_str(ret, "mode"), ==, "none");
    g_assert_cmpstr(qdict_get_str(ret, "last-mode"), ==, "none");
    g_assert_cmpstr(qdict_get_str(ret, "reason"), ==, "none");
    qobject_unref(rsp);
    qtest_quit(qts);
}

/* ----------------------------- synchronous migrate on a real HMP chardev */

typedef struct HMPConn {
    int fd;
    GString *buf;
} HMPConn;

/* Read until @buf holds @until after @from; bounded at 60 s. */
static bool hmp_conn_read_until(HMPConn *c, size_t from, const char *until)
{
    gint64 deadline = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;

    while (!strstr(c->buf->str + from, until)) {
        struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
        char tmp[4096];
        ssize_t n;

        if (g_get_monotonic_time() > deadline) {
            return false;
        }
        if (poll(&pfd, 1, 1000) <= 0) {
            continue;
        }
        n = read(c->fd, tmp, sizeof(tmp));
        if (n <= 0) {
            return false;
        }
        g_string_append_len(c->buf, tmp, n);
    }
    return true;
}

/* Send @cmd, return what it printed before the next prompt. */
static char *hmp_conn_cmd(HMPConn *c, const char *cmd)
{
    size_t from = c->buf->len;
    g_autofree char *line = g_strdup_printf("%s\n", cmd);
    const char *start, *end;

    g_assert_cmpint(write(c->fd, line, strlen(line)), ==, strlen(line));
    g_assert(hmp_conn_read_until(c, from, "(qemu) "));
    start = c->buf->str + from;
    end = strstr(start, "(qemu) ");
    return g_strndup(start, end - start);
}

/* A VM with a readline HMP on a unix socket, connected. */
typedef struct SyncVM {
    char *dir, *sock, *file;
    QTestState *qts;
    HMPConn c;
} SyncVM;

static void sync_vm_start(SyncVM *vm)
{
    struct sockaddr_un un = { .sun_family = AF_UNIX };

    vm->dir = g_dir_make_tmp("tern-mig-hmp-XXXXXX", NULL);
    vm->sock = g_build_filename(vm->dir, "hmp.sock", NULL);
    vm->file = g_build_filename(vm->dir, "stream", NULL);
    vm->qts = qtest_initf("-M none -m 16M -chardev socket,id=hmp0,path=%s,"
                          "server=on,wait=off -mon chardev=hmp0,mode=readline",
                          vm->sock);
    vm->c.buf = g_string_new(NULL);
    vm->c.fd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_assert_cmpint(vm->c.fd, >=, 0);
    g_strlcpy(un.sun_path, vm->sock, sizeof(un.sun_path));
    g_assert_cmpint(connect(vm->c.fd, (struct sockaddr *)&un, sizeof(un)),
                    ==, 0);
    g_assert(hmp_conn_read_until(&vm->c, 0, "(qemu) "));
}

static void sync_vm_stop(SyncVM *vm)
{
    close(vm->c.fd);
    g_string_free(vm->c.buf, true);
    qtest_quit(vm->qts);
    unlink(vm->file);
    unlink(vm->sock);
    rmdir(vm->dir);
    g_free(vm->file);
    g_free(vm->sock);
    g_free(vm->dir);
}

static char *query_status(QTestState *qts)
{
    QDict *rsp = qtest_qmp(qts, "{'execute': 'query-migrate'}");
    char *status = g_strdup(qdict_get_try_str(qdict_get_qdict(rsp, "return"),
                                              "status"));

    qobject_unref(rsp);
    return status;
}

static void test_migrate_sync(void)
{
    SyncVM vm;
    g_autofree char *cmd = NULL;
    g_autofree char *line = NULL;
    bool seen_active = false;
    size_t from;
    char *out;

    sync_vm_start(&vm);
    cmd = g_strdup_printf("migrate file:%s", vm.file);
    line = g_strdup_printf("%s\n", cmd);

    /*
     * 16 MiB of non-zero pages at 4 MiB/s: the migration stays active
     * for several seconds whatever the machine's speed.
     */
    qtest_memset(vm.qts, 0, 0x5a, 16 << 20);
    out = hmp_conn_cmd(&vm.c, "migrate_set_parameter max-bandwidth 4");
    g_assert_cmpstr(out, ==, "migrate_set_parameter max-bandwidth 4\r\n");
    g_free(out);

    from = vm.c.buf->len;
    g_assert_cmpint(write(vm.c.fd, line, strlen(line)), ==, strlen(line));
    /*
     * While HMP waits for the end, QMP still answers, and sees the
     * migration active: the wait does not block the main loop.
     */
    for (int i = 0; i < 1200; i++) {
        g_autofree char *status = query_status(vm.qts);

        if (status && !strcmp(status, "active")) {
            seen_active = true;
        }
        if (status && (!strcmp(status, "completed") ||
                       !strcmp(status, "failed"))) {
            break;
        }
        g_usleep(50 * 1000);
    }
    g_assert(hmp_conn_read_until(&vm.c, from, "(qemu) "));
    out = g_strdup(vm.c.buf->str + from);
    if (strstr(out, "transport is not available")) {
        g_test_skip("the file: migration transport is not built yet");
        g_free(out);
        sync_vm_stop(&vm);
        return;
    }
    g_assert(seen_active);
    /*
     * The progress line, redrawn in place on this interactive monitor:
     * a bar, amounts, bandwidth, pass and ETA.
     */
    g_assert(strstr(out, "\rmigrate: ["));
    g_assert(strstr(out, " MiB left, "));
    g_assert(strstr(out, " MiB/s, pass "));
    g_assert(strstr(out, "\033[K"));
    /* The prompt came back once the migration had completed. */
    g_assert(strstr(out, "migrate: completed\r\n(qemu) "));
    g_free(out);
    g_assert(g_file_test(vm.file, G_FILE_TEST_EXISTS));

    out = hmp_conn_cmd(&vm.c, "info migrate");
    g_assert(strstr(out, "Migration status: completed\r\n"));
    g_assert(strstr(out, "transferred ram: "));
    g_assert(strstr(out, "total ram: 16384 kbytes\r\n"));
    g_assert(strstr(out, "normal: 4096 pages\r\n"));
    g_free(out);
    sync_vm_stop(&vm);
}

/*
 * pause-before-switchover: the synchronous migrate returns when the
 * migration waits in pre-switchover, and migrate_continue releases it.
 */
static void test_migrate_continue(void)
{
    SyncVM vm;
    g_autofree char *cmd = NULL;
    g_autofree char *status = NULL;
    char *out;

    sync_vm_start(&vm);
    cmd = g_strdup_printf("migrate file:%s", vm.file);
    out = hmp_conn_cmd(&vm.c, "migrate_set_capability "
                       "pause-before-switchover on");
    g_free(out);
    out = hmp_conn_cmd(&vm.c, cmd);
    if (strstr(out, "transport is not available")) {
        g_test_skip("the file: migration transport is not built yet");
        g_free(out);
        sync_vm_stop(&vm);
        return;
    }
    g_assert(strstr(out, "migrate: pre-switchover\r\n"));
    g_free(out);
    out = hmp_conn_cmd(&vm.c, "info migrate");
    g_assert(strstr(out, "Migration status: pre-switchover\r\n"));
    g_free(out);

    out = hmp_conn_cmd(&vm.c, "migrate_continue active");
    g_assert(strstr(out, "Error: Migration not in expected state: "
                    "pre-switchover\r\n"));
    g_free(out);
    out = hmp_conn_cmd(&vm.c, "migrate_continue pre-switchover");
    g_assert_cmpstr(out, ==, "migrate_continue pre-switchover\r\n");
    g_free(out);
    for (int i = 0; i < 1200; i++) {
        g_free(status);
        status = query_status(vm.qts);
        if (strcmp(status, "pre-switchover") && strcmp(status, "device")) {
            break;
        }
        g_usleep(50 * 1000);
    }
    g_assert_cmpstr(status, ==, "completed");
    sync_vm_stop(&vm);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("migration-hmp/every-command", test_every_command);
    qtest_add_func("migration-hmp/info-migrate-idle", test_info_migrate_idle);
    qtest_add_func("migration-hmp/info-migrate-failed",
                   test_info_migrate_failed);
    qtest_add_func("migration-hmp/capabilities", test_capabilities);
    qtest_add_func("migration-hmp/parameters", test_parameters);
    qtest_add_func("migration-hmp/dirty-rate", test_dirty_rate);
    qtest_add_func("migration-hmp/unsupported-qmp", test_unsupported_qmp);
    qtest_add_func("migration-hmp/migrate-sync", test_migrate_sync);
    qtest_add_func("migration-hmp/migrate-continue", test_migrate_continue);
    return g_test_run();
}
