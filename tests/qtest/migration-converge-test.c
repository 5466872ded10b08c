/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Migration tests for the convergence tools: XBZRLE (deltas on the
 * wire, cache resize during a run, RAM byte-exact on arrival) and
 * auto-converge (the throttle rises until a KVM guest that would not
 * converge does), the dirty page rate limit (a KVM guest's own write
 * rate falls to the limit; a migration with dirty-limit owns it) and
 * the forecast.  The waits are bounded by the framework; nothing
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

/*
 * A running test guest and a destination for it (paused if @dst_S),
 * under @accel (NULL: KVM); a KVM source's options (a dirty ring) are
 * not the destination's.
 */
static void guest_pair(QTestState **from, QTestState **to, const char *uri,
                       bool dst_S, const char *accel)
{
    const char *accel_dst = !accel || g_str_has_prefix(accel, "kvm") ?
                            "kvm" : accel;
    MigrateStart args = { .machine = "tern", .mem = "64M", .guest = true,
                          .accel = accel };
    MigrateStart dst = { .machine = "tern", .mem = "64M", .guest = true,
                         .accel = accel, .accel_dst = accel_dst,
                         .only_target = true,
                         .opts_target = dst_S ? "-S" : NULL };
    QTestState *unused;

    migrate_start(from, &unused, "defer", &args);
    migrate_end(NULL, unused);
    mig_wait_serial_grows(mig_vm_serial(*from), 2);
    migrate_start(from, to, uri, &dst);
}

/*
 * The destination completes and runs the guest on: it prints more and
 * keeps its memory invariant.  Then both end.
 */
static void dst_guest_goes_on(QTestState *from, QTestState *to)
{
    migrate_wait_complete(to);
    wait_runstate(to, "running");
    mig_wait_serial_grows(mig_vm_serial(to),
                          mig_serial_passes(mig_vm_serial(to)) + 2);
    mig_check_guest_pattern(to);
    migrate_end(from, to);
}

/* Migrate at 128 MiB/s (QEMU's default) with a @downtime_ms limit. */
static void migrate_at_128m(QTestState *from, const char *uri,
                            int64_t downtime_ms)
{
    migrate_set_parameter_int(from, "max-bandwidth", 128 << 20);
    migrate_set_parameter_int(from, "downtime-limit", downtime_ms);
    migrate_qmp(from, uri, NULL);
}

/*
 * The guest tests run under KVM ("/kvm") and under tcg ("/tcg"); the tcg
 * variant of those whose point is not the accelerator runs only where
 * there is no KVM (@tcg_always false), to keep the suite short.
 */
static bool conv_guest_ok(const char *accel, bool tcg_always)
{
    if (!strcmp(accel, "tcg") && !tcg_always && mig_have_kvm()) {
        g_test_skip("KVM is here, and the /kvm variant runs this guest");
        return false;
    }
    return mig_guest_ok(accel, accel);
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
static void test_xbzrle_guest(const void *data)
{
    const char *accel = data;
    g_autofree char *uri = tmp_uri("xbzrle-kvm.sock");
    QTestState *from, *to;
    g_autoptr(QDict) x = NULL;
    g_autoptr(QDict) y = NULL;
    g_autofree char *st = NULL;

    if (!conv_guest_ok(accel, false)) {
        return;
    }
    guest_pair(&from, &to, uri, true, accel);
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
    /*
     * Every page of the range goes through the cache once.  Not all
     * before the first delta: a slow (tcg) guest may have re-dirtied only
     * part of the range when a round ends.
     */
    qobject_unref(x);
    x = xb_wait(from, "cache-miss", 7935);
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
 * so little per pass that a pass ends with few pages dirty.  Records the
 * first and last throttle seen; leaves both VMs running.
 */
static void auto_converge_once(const char *accel, QTestState **from,
                               QTestState **to, int64_t *first,
                               int64_t *last)
{
    g_autofree char *uri = tmp_uri("ac.sock");
    gint64 end = g_get_monotonic_time() + 120 * G_USEC_PER_SEC;

    *first = *last = 0;
    guest_pair(from, to, uri, false, accel);
    migrate_set_capability(*from, "auto-converge", true);
    migrate_set_parameter_int(*from, "cpu-throttle-initial", 30);
    migrate_set_parameter_int(*from, "cpu-throttle-increment", 20);
    migrate_at_128m(*from, uri, 5);

    /* The throttle appears, then rises, until the migration ends. */
    for (;;) {
        g_autoptr(QDict) info = migrate_query(*from);
        const char *status = qdict_get_str(info, "status");

        if (qdict_haskey(info, "cpu-throttle-percentage")) {
            *last = qdict_get_int(info, "cpu-throttle-percentage");
            if (!*first) {
                *first = *last;
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
                   *first, *last);
}

static void test_auto_converge(const void *data)
{
    const char *accel = data;
    QTestState *from, *to;
    int64_t first, last;

    if (!conv_guest_ok(accel, true)) {
        return;
    }
    /*
     * A guest that stalls for a whole pass on a loaded host (seen once
     * under tcg) lets the migration converge before the throttle starts:
     * that run shows nothing about auto-converge, so it is run again, at
     * most twice.
     */
    for (int tries = 0;; tries++) {
        auto_converge_once(accel, &from, &to, &first, &last);
        if (first || tries == 2) {
            break;
        }
        migrate_end(from, to);
    }
    g_assert_cmpint(first, ==, 30);
    g_assert_cmpint(last, >, first);
    dst_guest_goes_on(from, to);
}

/*
 * A migration that does not converge at 1 ms must end within the pass
 * under way once downtime-limit is raised so that everything fits:
 * one sync to find what is left, one in the switchover.
 */
static void test_downtime_limit_raised(const void *data)
{
    const char *accel = data;
    g_autofree char *uri = tmp_uri("dl.sock");
    QTestState *from, *to;
    int64_t pass, last;

    if (!conv_guest_ok(accel, false)) {
        return;
    }
    guest_pair(&from, &to, uri, false, accel);
    migrate_at_128m(from, uri, 1);
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
 * Migrate at 128 MiB/s and 1 ms until the stall signal rises: returns
 * the forecast then (a reference) and counts the rounds of the history
 * in @n, or returns NULL if the migration converged first.
 */
static QDict *forecast_until_stalled(QTestState *from, const char *uri,
                                     gint64 end, int *n)
{
    const QListEntry *e;

    migrate_at_128m(from, uri, 1);
    /* Until three rounds in a row have cleared nothing. */
    for (;;) {
        g_autoptr(QDict) info = migrate_query(from);
        const char *st = qdict_get_str(info, "status");
        QDict *f = qdict_get_qdict(info, "x-tern-forecast");

        if (!strcmp(st, "completed")) {
            return NULL;
        }
        g_assert_true(!strcmp(st, "setup") || !strcmp(st, "active"));
        if (f && qdict_get_bool(f, "stalled")) {
            QLIST_FOREACH_ENTRY(qdict_get_qlist(info, "x-tern-passes"), e) {
                QDict *r = qobject_to(QDict, e->value);

                g_assert_cmpint(qdict_get_int(r, "pages-sent"), >, 0);
                g_assert_cmpint(qdict_get_int(r, "duration"), >, 0);
                g_assert_cmpint(qdict_get_int(r, "start"), >=, 0);
                (*n)++;
            }
            qobject_ref(f);
            return f;
        }
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_usleep(50 * 1000);
    }
}

/*
 * The guest rewrites its 31 MiB faster than 128 MiB/s carries them: the
 * forecast must say so, name auto-converge and downtime-limit, and the
 * stall signal must rise; every round is in the history.
 */
static void test_forecast(const void *data)
{
    const char *accel = data;
    g_autofree char *uri = tmp_uri("fc.sock");
    g_autofree char *err = NULL;
    g_autofree char *hmp = NULL;
    QTestState *from, *to;
    QDict *f = NULL;
    int n = 0;
    int64_t measured = -1;
    gint64 end = g_get_monotonic_time() + 120 * G_USEC_PER_SEC;

    if (!conv_guest_ok(accel, false)) {
        return;
    }
    guest_pair(&from, &to, uri, false, accel);
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

    /*
     * A guest that stalls for a whole pass on a loaded host (seen under
     * tcg) leaves that pass nearly clean, and the migration converges:
     * such a run shows nothing about the forecast, so it is run again,
     * at most twice.
     */
    for (int tries = 0;; tries++) {
        f = forecast_until_stalled(from, uri, end, &n);
        if (f || tries == 2) {
            break;
        }
        g_test_message("converged before the stall signal; again");
        migrate_end(from, to);
        guest_pair(&from, &to, uri, false, accel);
    }
    g_assert_nonnull(f);
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

/* The dirty limit needs the KVM dirty ring on the source. */
#define DL_RING 65536
#define DL_ACCEL "kvm,dirty-ring-size=65536"
/* Bytes the test guest dirties per 'B' it prints: pages 1..32 MiB. */
#define DL_PASS_MB ((MIG_GUEST_END - MIG_GUEST_START) / (double)MiB)

static bool dirty_ring_ok(void)
{
    if (!mig_guest_ok("kvm", "kvm")) {
        return false;
    }
    if (!mig_have_dirty_ring(DL_RING)) {
        g_test_skip("KVM here has no dirty ring of 65536 entries");
        return false;
    }
    return true;
}

#define GUEST_PAGES ((MIG_GUEST_END - MIG_GUEST_START) / 4096)

static uint8_t guest_byte(QTestState *who, uint64_t page)
{
    return qtest_readb(who, MIG_GUEST_START + page * 4096);
}

/*
 * Pages the test guest has written so far, modulo 256 passes.  It adds
 * 1 to the first byte of each page of its range in order, so the bytes
 * read v+1 ... v+1 v ... v: v counts its passes (mod 256) and the run
 * of v+1 how far it is into the next.  Finer than its serial 'B's, one
 * per pass of 31 MiB, which leave a 2 s window uncertain by a pass.
 */
static uint64_t guest_pages_written(QTestState *who)
{
    for (int tries = 0; tries < 100; tries++) {
        uint8_t last = guest_byte(who, GUEST_PAGES - 1);
        uint8_t first = guest_byte(who, 0);
        uint64_t lo = 0, hi = GUEST_PAGES - 1;

        if (first == last) {
            return (uint64_t)last * GUEST_PAGES;
        }
        if (first != (uint8_t)(last + 1)) {
            continue;       /* a pass ended between the two reads */
        }
        /* The first page still at v: the guest moves on meanwhile, by
         * far fewer pages than the search takes reads. */
        while (lo < hi) {
            uint64_t mid = (lo + hi) / 2;

            if (guest_byte(who, mid) == last) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return (uint64_t)last * GUEST_PAGES + lo;
    }
    g_assert_not_reached();
}

/* The guest's own dirty rate in MiB/s over @secs. */
static double guest_rate(QTestState *who, double secs)
{
    const uint64_t wrap = 256 * GUEST_PAGES;
    uint64_t a = guest_pages_written(who);
    gint64 t0 = g_get_monotonic_time();
    uint64_t b;

    g_usleep(secs * G_USEC_PER_SEC);
    b = guest_pages_written(who);
    return ((b + wrap - a) % wrap) * 4096.0 / MiB * G_USEC_PER_SEC /
           (g_get_monotonic_time() - t0);
}

static int64_t dl_current_rate(QTestState *who, int64_t *limit)
{
    QDict *rsp = qtest_qmp(who, "{'execute': 'query-vcpu-dirty-limit'}");
    QList *l = qdict_get_qlist(rsp, "return");
    QDict *e;
    int64_t rate;

    g_assert_cmpint(qlist_size(l), ==, 1);
    e = qobject_to(QDict, qlist_peek(l));
    g_assert_cmpint(qdict_get_int(e, "cpu-index"), ==, 0);
    *limit = qdict_get_int(e, "limit-rate");
    rate = qdict_get_int(e, "current-rate");
    qobject_unref(rsp);
    return rate;
}

/* Wait until the limit holds the vCPU near @quota for 3 periods. */
static void dl_settle(QTestState *who, int64_t quota)
{
    gint64 end = g_get_monotonic_time() + MIG_WAIT_SECS * G_USEC_PER_SEC;
    int64_t limit;
    int near = 0;

    while (near < 3) {
        int64_t cur;

        g_usleep(1000 * 1000);
        cur = dl_current_rate(who, &limit);
        g_assert_cmpint(limit, ==, quota);
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        near = cur <= quota * 5 / 4 ? near + 1 : 0;
    }
}

/*
 * set-vcpu-dirty-limit holds a KVM guest's write rate, measured by the
 * guest's own progress, within 25% of the limit (the throttle's share
 * is scaled every period, so a loaded host that runs the guest slower
 * makes it sleep less; the limit is an eighth of its free rate), and
 * cancel-vcpu-dirty-limit lets it go again.
 */
static void test_dirty_limit(void)
{
    MigrateStart args = { .machine = "tern", .mem = "64M", .guest = true,
                          .accel = DL_ACCEL };
    QTestState *from, *to;
    double free_rate, limited, after;
    int64_t quota;
    g_autofree char *e = NULL;
    g_autofree char *hmp = NULL;

    if (!dirty_ring_ok()) {
        return;
    }
    migrate_start(&from, &to, "defer", &args);
    migrate_end(NULL, to);
    mig_wait_serial_grows(mig_vm_serial(from), 2);
    free_rate = guest_rate(from, 2);
    if (free_rate < 80) {
        g_test_skip("the guest runs too slowly here to be limited");
        migrate_end(from, NULL);
        return;
    }
    quota = MAX((int64_t)(free_rate / 8), 10);

    e = qmp_expect_error(from, "{'execute': 'set-vcpu-dirty-limit', "
                         "'arguments': {'cpu-index': 1, 'dirty-rate': 10}}");
    g_assert_cmpstr(e, ==, "incorrect cpu index specified");
    qmp_ok_fmt(from, "{'execute': 'set-vcpu-dirty-limit', 'arguments': "
               "{'dirty-rate': %" PRId64 "}}", quota);

    /* The throttle settles within a few periods of 1 s. */
    dl_settle(from, quota);
    limited = guest_rate(from, 5);
    hmp = qtest_hmp(from, "info vcpu_dirty_limit");
    g_test_message("guest writes %.0f MiB/s free, %.0f MiB/s at a limit of "
                   "%" PRId64 " MB/s (%.0f%%); %s", free_rate, limited, quota,
                   limited * 100 / quota, hmp);
    g_assert_true(g_str_has_prefix(hmp, "vcpu[0], limit rate "));
    g_assert_cmpfloat(limited, <=, quota * 1.25);
    g_assert_cmpfloat(limited, >=, quota * 0.75);

    qmp_ok_fmt(from, "{'execute': 'cancel-vcpu-dirty-limit'}");
    g_free(hmp);
    hmp = qtest_hmp(from, "info vcpu_dirty_limit");
    g_assert_true(g_str_has_prefix(hmp, "Dirty page limit not enabled!"));
    after = guest_rate(from, 2);
    g_test_message("after cancel: %.0f MiB/s", after);
    g_assert_cmpfloat(after, >, quota);
    migrate_end(from, NULL);
}

/*
 * A guest that does not converge at 128 MiB/s with a 20 ms pause: the
 * dirty-limit capability limits every vCPU to vcpu-dirty-limit, which
 * shows in query-migrate, refuses set/cancel while the migration runs,
 * makes it converge, and ends with it.
 */
static void test_dirty_limit_migrate(void)
{
    g_autofree char *uri = tmp_uri("dlm.sock");
    QTestState *from, *to;
    int64_t per_round = -1, full = 0;
    g_autofree char *e1 = NULL;
    g_autofree char *e2 = NULL;
    gint64 end;

    if (!dirty_ring_ok()) {
        return;
    }
    guest_pair(&from, &to, uri, false, DL_ACCEL);
    migrate_set_capability(from, "dirty-limit", true);
    migrate_set_capability(from, "pause-before-switchover", true);
    migrate_set_parameter_int(from, "vcpu-dirty-limit", 20);
    migrate_set_parameter_int(from, "x-vcpu-dirty-limit-period", 500);
    migrate_at_128m(from, uri, 20);

    /* The limit comes after two periods over the threshold. */
    end = g_get_monotonic_time() + MIG_WAIT_SECS * G_USEC_PER_SEC;
    for (;;) {
        g_autoptr(QDict) info = migrate_query(from);
        const char *st = qdict_get_str(info, "status");

        if (qdict_haskey(info, "dirty-limit-throttle-time-per-round")) {
            per_round = qdict_get_int(info,
                                      "dirty-limit-throttle-time-per-round");
            full = qdict_get_int(info, "dirty-limit-ring-full-time");
        }
        if (per_round > 0 || !strcmp(st, "pre-switchover")) {
            break;
        }
        g_assert_true(!strcmp(st, "setup") || !strcmp(st, "active"));
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_usleep(50 * 1000);
    }
    g_test_message("dirty-limit: %" PRId64 " us slept per ring, ring full "
                   "in %" PRId64 " us", per_round, full);
    g_assert_cmpint(per_round, >, 0);

    e1 = qmp_expect_error(from, "{'execute': 'set-vcpu-dirty-limit', "
                          "'arguments': {'dirty-rate': 100}}");
    g_assert_cmpstr(e1, ==, "can't set dirty page rate limit while "
                    "migration is running");
    e2 = qmp_expect_error(from, "{'execute': 'cancel-vcpu-dirty-limit'}");
    g_assert_cmpstr(e2, ==, "can't cancel dirty page rate limit while "
                    "migration is running");

    /* Limited to 20 MB/s, the guest lets the migration converge. */
    migrate_wait_status(from, "pre-switchover", NULL);
    migrate_continue(from, "pre-switchover");
    migrate_wait_complete(from);
    {
        g_autoptr(QDict) info = migrate_query(from);
        QDict *rsp;

        g_assert_false(qdict_haskey(info,
                                    "dirty-limit-throttle-time-per-round"));
        rsp = qtest_qmp(from, "{'execute': 'query-vcpu-dirty-limit'}");
        g_assert(qlist_empty(qdict_get_qlist(rsp, "return")));
        qobject_unref(rsp);
    }
    dst_guest_goes_on(from, to);
}

/* Wait for calc-dirty-rate's result, its calc-time in milliseconds. */
static QDict *dirty_rate_wait(QTestState *who)
{
    gint64 end = g_get_monotonic_time() + MIG_WAIT_SECS * G_USEC_PER_SEC;

    for (;;) {
        QDict *rsp = qtest_qmp(who, "{'execute': 'query-dirty-rate', "
                               "'arguments': {'calc-time-unit': "
                               "'millisecond'}}");
        QDict *ret = qdict_get_qdict(rsp, "return");

        if (!strcmp(qdict_get_str(ret, "status"), "measured")) {
            qobject_ref(ret);
            qobject_unref(rsp);
            return ret;
        }
        qobject_unref(rsp);
        g_assert_cmpint(g_get_monotonic_time(), <, end);
        g_usleep(20 * 1000);
    }
}

/* Run calc-dirty-rate @cmd (the whole command) and wait for it. */
static QDict *dirty_rate_measure(QTestState *who, const char *cmd)
{
    QDict *rsp;

    qtest_qmp_send_raw(who, "%s", cmd);
    rsp = qtest_qmp_receive(who);
    g_assert_true(qdict_haskey(rsp, "return"));
    qobject_unref(rsp);
    return dirty_rate_wait(who);
}

/*
 * dirty-ring mode, per vCPU, against a known write rate: the guest held
 * at 40 MB/s by the dirty limit, measured by its own progress over the
 * same 2 s.
 */
static void test_dirty_rate_ring(void)
{
    MigrateStart args = { .machine = "tern", .mem = "64M", .guest = true,
                          .accel = DL_ACCEL };
    QTestState *from, *to;
    g_autoptr(QDict) r = NULL;
    g_autofree char *e1 = NULL;
    g_autofree char *e2 = NULL;
    g_autofree char *hmp = NULL;
    QList *vcpus;
    QDict *v0;
    double g;
    int64_t rate;

    if (!dirty_ring_ok()) {
        return;
    }
    migrate_start(&from, &to, "defer", &args);
    migrate_end(NULL, to);
    mig_wait_serial_grows(mig_vm_serial(from), 2);
    e1 = qmp_expect_error(from, "{'execute': 'calc-dirty-rate', 'arguments':"
                          " {'calc-time': 1, 'mode': 'dirty-bitmap'}}");
    g_assert_cmpstr(e1, ==, "mode dirty-bitmap is not enabled, use other "
                    "method instead.");
    e2 = qmp_expect_error(from, "{'execute': 'calc-dirty-rate', 'arguments':"
                          " {'calc-time': 1, 'mode': 'dirty-ring', "
                          "'sample-pages': 512}}");
    g_assert_cmpstr(e2, ==, "sample-pages is used only in page-sampling "
                    "mode");

    qmp_ok_fmt(from, "{'execute': 'set-vcpu-dirty-limit', 'arguments': "
               "{'dirty-rate': 40}}");
    dl_settle(from, 40);
    qmp_ok_fmt(from, "{'execute': 'calc-dirty-rate', 'arguments': "
               "{'calc-time': 2, 'mode': 'dirty-ring'}}");
    g = guest_rate(from, 2);
    r = dirty_rate_wait(from);
    rate = qdict_get_int(r, "dirty-rate");
    hmp = qtest_hmp(from, "info dirty_rate");
    g_test_message("dirty-ring: %" PRId64 " MiB/s, the guest wrote %.1f "
                   "MiB/s (%.0f%%)", rate, g, rate * 100 / g);
    g_assert_cmpstr(qdict_get_str(r, "mode"), ==, "dirty-ring");
    g_assert_cmpint(qdict_get_int(r, "sample-pages"), ==, 0);
    vcpus = qdict_get_qlist(r, "vcpu-dirty-rate");
    g_assert_cmpint(qlist_size(vcpus), ==, 1);
    v0 = qobject_to(QDict, qlist_peek(vcpus));
    g_assert_cmpint(qdict_get_int(v0, "id"), ==, 0);
    g_assert_cmpint(qdict_get_int(v0, "dirty-rate"), ==, rate);
    g_assert_nonnull(strstr(hmp, "Mode: dirty-ring"));
    g_assert_nonnull(strstr(hmp, "vcpu[0], Dirty rate: "));
    g_assert_cmpfloat(rate, >=, g * 0.75);
    g_assert_cmpfloat(rate, <=, g * 1.25);
    migrate_end(from, NULL);
}

/*
 * dirty-bitmap (KVM without the ring) and page-sampling against a known
 * rate: the guest rewrites its 31 MiB range over and over, so in 1 s it
 * dirties those 31 MiB (each page counts once): 31 MiB/s.
 */
static void test_dirty_rate_bitmap(void)
{
    MigrateStart args = { .machine = "tern", .mem = "64M", .guest = true };
    QTestState *from, *to;
    const char *serial;
    static const char *const modes[] = {
        "{'execute': 'calc-dirty-rate', 'arguments': {'calc-time': 1000,"
        " 'calc-time-unit': 'millisecond', 'mode': 'dirty-bitmap'}}",
        "{'execute': 'calc-dirty-rate', 'arguments': {'calc-time': 1,"
        " 'sample-pages': 4096}}",
    };
    g_autofree char *e = NULL;

    if (!mig_guest_ok("kvm", "kvm")) {
        return;
    }
    migrate_start(&from, &to, "defer", &args);
    migrate_end(NULL, to);
    serial = mig_vm_serial(from);
    mig_wait_serial_grows(serial, 2);
    e = qmp_expect_error(from, "{'execute': 'calc-dirty-rate', 'arguments':"
                         " {'calc-time': 1, 'mode': 'dirty-ring'}}");
    g_assert_cmpstr(e, ==, "mode dirty-ring is not enabled, use other "
                    "method instead.");
    for (size_t i = 0; i < G_N_ELEMENTS(modes); i++) {
        size_t before = mig_serial_passes(serial);
        g_autoptr(QDict) r = dirty_rate_measure(from, modes[i]);
        size_t passes = mig_serial_passes(serial) - before;
        int64_t rate = qdict_get_int(r, "dirty-rate");
        double want = DL_PASS_MB * 1000 / qdict_get_int(r, "calc-time");

        g_test_message("%s: %" PRId64 " MiB/s over %" PRId64 " ms (%zu "
                       "passes of the guest), known %.1f MiB/s",
                       qdict_get_str(r, "mode"), rate,
                       qdict_get_int(r, "calc-time"), passes, want);
        g_assert_cmpstr(qdict_get_str(r, "calc-time-unit"), ==,
                        "millisecond");
        if (passes < 2) {
            /* Too slow to have rewritten its range: nothing is known. */
            continue;
        }
        g_assert_cmpfloat(rate, >=, want * 0.75);
        g_assert_cmpfloat(rate, <=, want * 1.25);
    }
    migrate_end(from, NULL);
}

int main(int argc, char **argv)
{
    static const char *const accels[] = { "kvm", "tcg" };

    g_test_init(&argc, &argv, NULL);
    migration_framework_init();

    qtest_add_func("/migration/xbzrle/qtest", test_xbzrle_qtest);
    for (size_t i = 0; i < G_N_ELEMENTS(accels); i++) {
        g_autofree char *xb = g_strdup_printf("/migration/xbzrle/%s",
                                              accels[i]);
        g_autofree char *ac = g_strdup_printf("/migration/auto-converge/%s",
                                              accels[i]);
        g_autofree char *fc = g_strdup_printf("/migration/forecast/%s",
                                              accels[i]);
        g_autofree char *dl = g_strdup_printf("/migration/downtime-limit/"
                                              "raised/%s", accels[i]);

        qtest_add_data_func(xb, accels[i], test_xbzrle_guest);
        qtest_add_data_func(ac, accels[i], test_auto_converge);
        qtest_add_data_func(fc, accels[i], test_forecast);
        qtest_add_data_func(dl, accels[i], test_downtime_limit_raised);
    }
    qtest_add_func("/migration/xbzrle/cache-size-checks",
                   test_xbzrle_cache_size_checks);
    qtest_add_func("/migration/dirty-limit/kvm", test_dirty_limit);
    qtest_add_func("/migration/dirty-limit/migrate/kvm",
                   test_dirty_limit_migrate);
    qtest_add_func("/migration/dirty-rate/ring/kvm", test_dirty_rate_ring);
    qtest_add_func("/migration/dirty-rate/bitmap/kvm",
                   test_dirty_rate_bitmap);
    return g_test_run();
}
