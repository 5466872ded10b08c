/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration tests for the convergence tools: XBZRLE (deltas on the
 * wire, cache resize during a run, RAM byte-exact on arrival) and
 * auto-converge (the throttle rises until a KVM guest that would not
 * converge does).  The waits are bounded by the framework; nothing
 * asserts a time.
 */
#include "qemu/osdep.h"
#include "libqtest.h"
#include "migration/framework.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qstring.h"

#define XB_MEM  "16M"
#define XB_SIZE (16ULL << 20)
/* Pages the test keeps re-dirtying, one in every XB_STRIDE. */
#define XB_STRIDE 8

static char *tmp_uri(const char *name)
{
    return g_strdup_printf("unix:%s/%s", mig_tmpdir(), name);
}

/* Change 8 bytes of every XB_STRIDE-th page: a tiny delta each. */
static void xb_redirty(QTestState *who, uint64_t round)
{
    for (uint64_t a = 0; a < XB_SIZE; a += XB_STRIDE * 4096) {
        qtest_writeq(who, a + (round * 8) % 4096, round * 0x0101010101ULL +
                     a);
    }
}

static QDict *xb_stats(QTestState *who)
{
    g_autoptr(QDict) info = migrate_query(who);
    QDict *x = qdict_get_qdict(info, "xbzrle-cache");

    g_assert(x);
    return qdict_clone_shallow(x);
}

/*
 * Without vCPUs: qtest writes re-dirty pages between passes.  A pass of
 * deltas is so quick that a sync soon finds nothing dirty and the
 * migration ends; what is checked is that the pages that went through
 * the cache (sent as copies of it) arrive exactly.
 */
static void test_xbzrle_qtest(void)
{
    MigrateStart args = { .mem = XB_MEM, .events = true };
    g_autofree char *uri = tmp_uri("xbzrle.sock");
    QTestState *from, *to;
    uint64_t round = 1;
    g_autoptr(QDict) x = NULL;
    g_autofree char *st = NULL;

    migrate_start(&from, &to, uri, &args);
    mig_ram_fill(from, 0, XB_SIZE, 0x7b2, 4);
    migrate_set_capability(from, "xbzrle", true);
    migrate_set_parameter_int(from, "xbzrle-cache-size", 32 << 20);
    migrate_set_parameter_int(from, "max-bandwidth", 32 * 1000 * 1000);
    migrate_set_parameter_int(from, "downtime-limit", 1);
    /* The last sync comes after the pause: every write gets there. */
    migrate_set_capability(from, "pause-before-switchover", true);
    migrate_qmp(from, uri, NULL);
    for (;;) {
        g_free(st);
        st = migrate_query_status(from);
        if (strcmp(st, "setup") && strcmp(st, "active")) {
            break;
        }
        xb_redirty(from, round++);
    }
    migrate_wait_status(from, "pre-switchover", NULL);
    xb_redirty(from, round++);
    migrate_continue(from, "pre-switchover");
    migrate_wait_complete(from);
    x = xb_stats(from);
    g_test_message("xbzrle: %" PRId64 " pages, %" PRId64 " misses after %"
                   PRIu64 " rounds", qdict_get_int(x, "pages"),
                   qdict_get_int(x, "cache-miss"), round);
    migrate_wait_complete(to);
    wait_runstate(to, "running");
    mig_ram_compare(from, to, 0, XB_SIZE);
    migrate_end(from, to);
}

/* A running KVM test guest and a destination for it (paused if @dst_S). */
static void kvm_pair(QTestState **from, QTestState **to, const char *uri,
                     bool dst_S)
{
    MigrateStart args = { .machine = "tern", .mem = "64M", .guest = true };
    MigrateStart dst = { .machine = "tern", .mem = "64M", .guest = true,
                         .only_target = true,
                         .opts_target = dst_S ? "-S" : NULL };
    QTestState *unused;

    migrate_start(from, &unused, "defer", &args);
    migrate_end(NULL, unused);
    mig_wait_serial_grows(mig_vm_serial(*from), 2);
    migrate_start(from, to, uri, &dst);
}

/*
 * Wait until @field of xbzrle-cache exceeds @than or the migration has
 * converged (it then waits in pre-switchover).  Returns the stats.
 */
static QDict *xb_wait(QTestState *who, const char *field, int64_t than)
{
    for (;;) {
        g_autofree char *st = migrate_query_status(who);
        QDict *x = xb_stats(who);

        if (qdict_get_int(x, field) > than ||
            !strcmp(st, "pre-switchover")) {
            return x;
        }
        g_assert_cmpstr(st, ==, "active");
        qobject_unref(x);
        g_usleep(10 * 1000);
    }
}

/*
 * The guest increments the first byte of every page of 1..32 MiB over
 * and over: after two passes (one to send, one to fill the cache) every
 * page goes as a tiny delta.  The guest may stall on a loaded host and
 * let the migration converge at any pass, so it pauses before the
 * switchover instead of ending.  The destination stays paused (-S), so
 * its RAM must equal the stopped source's byte for byte.
 */
static void test_xbzrle_kvm(void)
{
    g_autofree char *uri = tmp_uri("xbzrle-kvm.sock");
    QTestState *from, *to;
    g_autoptr(QDict) x = NULL;
    g_autoptr(QDict) y = NULL;
    g_autofree char *st = NULL;

    if (!mig_guest_ok("kvm", "kvm")) {
        return;
    }
    kvm_pair(&from, &to, uri, true);
    migrate_set_capability(from, "xbzrle", true);
    migrate_set_capability(from, "pause-before-switchover", true);
    migrate_set_parameter_int(from, "xbzrle-cache-size", 64 << 20);
    migrate_set_parameter_int(from, "max-bandwidth", 64 << 20);
    migrate_set_parameter_int(from, "downtime-limit", 0);
    migrate_qmp(from, uri, NULL);
    migrate_wait_status(from, "active", NULL);

    x = xb_wait(from, "pages", 0);
    g_test_message("xbzrle: %" PRId64 " pages, %" PRId64 " bytes, %"
                   PRId64 " misses", qdict_get_int(x, "pages"),
                   qdict_get_int(x, "bytes"), qdict_get_int(x, "cache-miss"));
    g_assert_cmpint(qdict_get_int(x, "cache-size"), ==, 64 << 20);
    /* Pages were dirtied during the pass that filled the cache. */
    g_assert_cmpint(qdict_get_int(x, "pages"), >, 0);
    /* One changed byte per page: deltas are far smaller than pages. */
    g_assert_cmpint(qdict_get_int(x, "bytes"), <,
                    qdict_get_int(x, "pages") * 64);
    g_assert_cmpint(qdict_get_int(x, "cache-miss"), >=, 7936);

    /* Resize while it runs: the new cache starts empty. */
    migrate_set_parameter_int(from, "xbzrle-cache-size", 4 << 20);
    y = xb_wait(from, "cache-miss", qdict_get_int(x, "cache-miss"));
    g_assert_cmpint(qdict_get_int(y, "cache-size"), ==, 4 << 20);

    migrate_ensure_converge(from);
    migrate_wait_status(from, "pre-switchover", NULL);
    migrate_continue(from, "pre-switchover");
    migrate_wait_complete(from);
    migrate_wait_complete(to);
    wait_runstate(from, "postmigrate");
    wait_runstate(to, "paused");
    mig_ram_compare(from, to, MIG_GUEST_START,
                    MIG_GUEST_END - MIG_GUEST_START);
    migrate_end(from, to);
}

static void test_xbzrle_cache_size_checks(void)
{
    MigrateStart args = { .mem = XB_MEM };
    QTestState *from, *to;
    g_autofree char *e1 = NULL;
    g_autofree char *e2 = NULL;

    migrate_start(&from, &to, "defer", &args);
    e1 = qmp_expect_error(from, "{'execute': 'migrate-set-parameters', "
                          "'arguments': {'xbzrle-cache-size': 12288}}");
    g_assert_cmpstr(e1, ==, "Parameter 'xbzrle_cache_size' expects a power "
                    "of two no less than the target page size");
    e2 = qmp_expect_error(from, "{'execute': 'migrate-set-parameters', "
                          "'arguments': {'xbzrle-cache-size': 1024}}");
    g_assert_cmpstr(e2, ==, e1);
    /* Without a migration the size is only stored. */
    migrate_set_parameter_int(from, "xbzrle-cache-size", 1 << 20);
    g_assert_cmpint(migrate_get_parameter_int(from, "xbzrle-cache-size"), ==,
                    1 << 20);
    migrate_end(from, to);
}

/*
 * The guest rewrites ~31 MiB of pages in a loop.  At 128 MiB/s and a
 * 5 ms downtime limit (640 KB) it never converges; throttled, it runs
 * so little per pass that a pass ends with few pages dirty.
 */
static void test_auto_converge(void)
{
    g_autofree char *uri = tmp_uri("ac.sock");
    QTestState *from, *to;
    int64_t first = 0, last = 0;
    gint64 end = g_get_monotonic_time() + 120 * G_USEC_PER_SEC;

    if (!mig_guest_ok("kvm", "kvm")) {
        return;
    }
    kvm_pair(&from, &to, uri, false);
    migrate_set_capability(from, "auto-converge", true);
    migrate_set_parameter_int(from, "cpu-throttle-initial", 30);
    migrate_set_parameter_int(from, "cpu-throttle-increment", 20);
    migrate_set_parameter_int(from, "max-bandwidth", 128 << 20);
    migrate_set_parameter_int(from, "downtime-limit", 5);
    migrate_qmp(from, uri, NULL);

    /* The throttle appears, then rises, until the migration ends. */
    for (;;) {
        g_autoptr(QDict) info = migrate_query(from);
        const char *status = qdict_get_str(info, "status");

        if (qdict_haskey(info, "cpu-throttle-percentage")) {
            last = qdict_get_int(info, "cpu-throttle-percentage");
            if (!first) {
                first = last;
            }
        }
        if (!strcmp(status, "completed")) {
            /* The throttle ends with the migration. */
            g_assert_false(qdict_haskey(info, "cpu-throttle-percentage"));
            break;
        }
        g_assert_cmpstr(status, !=, "failed");
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_usleep(50 * 1000);
    }
    g_test_message("throttle %" PRId64 "%% first, %" PRId64 "%% last",
                   first, last);
    g_assert_cmpint(first, ==, 30);
    g_assert_cmpint(last, >, first);
    migrate_wait_complete(to);
    wait_runstate(to, "running");
    mig_wait_serial_grows(mig_vm_serial(to),
                          mig_serial_passes(mig_vm_serial(to)) + 2);
    mig_check_guest_pattern(to);
    migrate_end(from, to);
}

/*
 * A migration that does not converge at 1 ms must end within the pass
 * under way once downtime-limit is raised so that everything fits:
 * one sync to find what is left, one in the switchover.
 */
static void test_downtime_limit_raised(void)
{
    g_autofree char *uri = tmp_uri("dl.sock");
    QTestState *from, *to;
    int64_t pass, last;

    if (!mig_guest_ok("kvm", "kvm")) {
        return;
    }
    kvm_pair(&from, &to, uri, false);
    migrate_set_parameter_int(from, "max-bandwidth", 128 << 20);
    migrate_set_parameter_int(from, "downtime-limit", 1);
    migrate_qmp(from, uri, NULL);
    migrate_wait_status(from, "active", NULL);
    migrate_wait_passes(from, 3);
    {
        g_autofree char *st = migrate_query_status(from);

        g_assert_cmpstr(st, ==, "active");
    }
    /* 128 MiB/s x 2 s is far more than the guest's 31 MiB. */
    migrate_set_parameter_int(from, "downtime-limit", 2000);
    pass = migrate_ram_stat(from, "dirty-sync-count");
    migrate_wait_complete(from);
    last = migrate_ram_stat(from, "dirty-sync-count");
    g_test_message("limit raised at sync %" PRId64 ", done at %" PRId64,
                   pass, last);
    g_assert_cmpint(last, <=, pass + 2);
    migrate_wait_complete(to);
    wait_runstate(to, "running");
    mig_check_guest_pattern(to);
    migrate_end(from, to);
}

static bool str_list_has(QList *l, const char *want)
{
    const QListEntry *e;

    QLIST_FOREACH_ENTRY(l, e) {
        if (!strcmp(qstring_get_str(qobject_to(QString, e->value)), want)) {
            return true;
        }
    }
    return false;
}

/*
 * The guest rewrites its 31 MiB faster than 128 MiB/s carries them: the
 * forecast must say so, name auto-converge and downtime-limit, and the
 * stall signal must rise; every round is in the history.
 */
static void test_forecast(void)
{
    g_autofree char *uri = tmp_uri("fc.sock");
    g_autofree char *err = NULL;
    g_autofree char *hmp = NULL;
    QTestState *from, *to;
    QDict *f = NULL;
    QList *passes;
    const QListEntry *e;
    int n = 0;
    int64_t measured = -1;
    gint64 end = g_get_monotonic_time() + 120 * G_USEC_PER_SEC;

    if (!mig_guest_ok("kvm", "kvm")) {
        return;
    }
    kvm_pair(&from, &to, uri, false);
    err = qmp_expect_error(from, "{'execute': "
                           "'x-tern-query-migrate-forecast'}");
    g_assert_cmpstr(err, ==, "No dirty rate measured yet: run "
                    "calc-dirty-rate first (or ask during a migration, "
                    "after its first pass)");
    /* After calc-dirty-rate: a forecast for all of RAM. */
    qmp_ok_fmt(from, "{'execute': 'calc-dirty-rate', 'arguments': "
               "{'calc-time': 500, 'calc-time-unit': 'millisecond'}}");
    for (;;) {
        QDict *rsp = qtest_qmp(from, "{'execute': 'query-dirty-rate'}");
        QDict *dr = qdict_get_qdict(rsp, "return");
        bool done = !strcmp(qdict_get_str(dr, "status"), "measured");

        if (done) {
            measured = qdict_get_int(dr, "dirty-rate");
        }
        qobject_unref(rsp);
        if (done) {
            break;
        }
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_usleep(50 * 1000);
    }
    {
        QDict *rsp = qtest_qmp(from, "{'execute': "
                               "'x-tern-query-migrate-forecast'}");
        QDict *pre = qdict_get_qdict(rsp, "return");

        g_assert(pre);
        g_test_message("before migrate: %s", qdict_get_str(pre, "summary"));
        g_assert_cmpint(qdict_get_int(pre, "remaining"), >=, 64 << 20);
        /* calc-dirty-rate's MiB/s, and max-bandwidth (not yet set). */
        g_assert_cmpint(qdict_get_int(pre, "dirty-rate"), ==,
                        measured << 20);
        g_assert_cmpint(qdict_get_int(pre, "bandwidth"), ==, 128 << 20);
        g_assert_false(qdict_get_bool(pre, "stalled"));
        qobject_unref(rsp);
    }

    migrate_set_parameter_int(from, "max-bandwidth", 128 << 20);
    migrate_set_parameter_int(from, "downtime-limit", 1);
    migrate_qmp(from, uri, NULL);
    migrate_wait_status(from, "active", NULL);

    /* Until three rounds in a row have cleared nothing. */
    for (;;) {
        g_autoptr(QDict) info = migrate_query(from);

        g_assert_cmpstr(qdict_get_str(info, "status"), ==, "active");
        f = qdict_get_qdict(info, "x-tern-forecast");
        if (f && qdict_get_bool(f, "stalled")) {
            qobject_ref(f);
            passes = qdict_get_qlist(info, "x-tern-passes");
            QLIST_FOREACH_ENTRY(passes, e) {
                QDict *r = qobject_to(QDict, e->value);

                g_assert_cmpint(qdict_get_int(r, "pages-sent"), >, 0);
                g_assert_cmpint(qdict_get_int(r, "duration"), >, 0);
                g_assert_cmpint(qdict_get_int(r, "start"), >=, 0);
                n++;
            }
            break;
        }
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_usleep(50 * 1000);
    }
    g_test_message("%d rounds; %s", n, qdict_get_str(f, "summary"));
    g_assert_cmpint(n, >=, 3);
    g_assert_false(qdict_get_bool(f, "converges"));
    g_assert_false(qdict_haskey(f, "eta"));
    g_assert_true(g_str_has_prefix(qdict_get_str(f, "summary"),
                                   "will not converge (stalled)"));
    g_assert_true(str_list_has(qdict_get_qlist(f, "tools"),
                               "auto-converge"));
    g_assert_true(str_list_has(qdict_get_qlist(f, "tools"),
                               "downtime-limit"));
    qobject_unref(f);

    hmp = qtest_hmp(from, "info migrate");
    g_assert_nonnull(strstr(hmp, "forecast: will not converge"));
    g_assert_nonnull(strstr(hmp, "forecast: try auto-converge"));

    migrate_ensure_converge(from);
    migrate_wait_complete(from);
    migrate_wait_complete(to);
    migrate_end(from, to);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    migration_framework_init();

    qtest_add_func("/migration/xbzrle/qtest", test_xbzrle_qtest);
    qtest_add_func("/migration/xbzrle/kvm", test_xbzrle_kvm);
    qtest_add_func("/migration/xbzrle/cache-size-checks",
                   test_xbzrle_cache_size_checks);
    qtest_add_func("/migration/auto-converge/kvm", test_auto_converge);
    qtest_add_func("/migration/forecast/kvm", test_forecast);
    qtest_add_func("/migration/downtime-limit/raised",
                   test_downtime_limit_raised);
    return g_test_run();
}
