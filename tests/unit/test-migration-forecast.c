/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The per-round history, the stall signal and the forecast
 * (migration/forecast.c), fed by hand.
 */
#include "qemu/osdep.h"
#include "qapi/qapi-types-migration.h"
#include "migration/forecast.h"

#define MiB_ (1024ULL * 1024)

static MigrationForecastInput base_input(void)
{
    return (MigrationForecastInput) {
        .remaining = 1024 * MiB_, .ram_total = 1024 * MiB_,
        .bandwidth = 128 * MiB_, .downtime_limit_ms = 300,
        .max_bandwidth = 128 * MiB_, .max_cpu_throttle = 99,
        .have_auto_converge = true, .have_xbzrle = true,
    };
}

static bool has_tool(MigrationForecast *f, MigrationConvergeTool t)
{
    for (MigrationConvergeToolList *l = f->tools; l; l = l->next) {
        if (l->value == t) {
            return true;
        }
    }
    return false;
}

static void test_converges(void)
{
    MigrationForecastInput in = base_input();
    MigrationForecast *f;

    in.dirty_rate = 32 * MiB_;
    f = migration_forecast(&in);
    g_assert_true(f->converges);
    /* 1024 -> 256 -> 64 -> 16 MiB, and 16 MiB < 38.4 MiB fits. */
    g_assert_cmpint(f->passes, ==, 3);
    /* 8 + 2 + 0.5 s of rounds, then 0.125 s for the last 16 MiB. */
    g_assert_cmpint(f->eta, ==, 10625);
    g_assert_null(f->tools);
    g_assert_true(g_str_has_prefix(f->summary, "will converge in about 3 "
                                   "passes, 10.6 s"));
    qapi_free_MigrationForecast(f);

    /* Already fits. */
    in.remaining = 16 * MiB_;
    f = migration_forecast(&in);
    g_assert_true(f->converges);
    g_assert_cmpint(f->passes, ==, 0);
    qapi_free_MigrationForecast(f);
}

static void test_does_not_converge(void)
{
    MigrationForecastInput in = base_input();
    MigrationForecast *f;
    strList *a;

    in.dirty_rate = 512 * MiB_;
    f = migration_forecast(&in);
    g_assert_false(f->converges);
    g_assert_false(f->has_eta);
    g_assert_true(g_str_has_prefix(f->summary, "will not converge: dirtying "
                                   "512 MiB/s, sending 128 MiB/s"));
    /* Rate limited at 128 MiB/s: more bandwidth is the first tool. */
    g_assert_cmpint(f->tools->value, ==, MIGRATION_CONVERGE_TOOL_MAX_BANDWIDTH);
    g_assert_cmpstr(f->advice->value, ==,
                    "max-bandwidth >= 640 MiB/s (the guest dirties 512 MiB/s)");
    /* 1 - 0.8 * 128 / 512 = 80% of the CPU time. */
    a = f->advice->next;
    g_assert_cmpstr(a->value, ==, "auto-converge: a throttle of about 80%");
    g_assert_true(has_tool(f, MIGRATION_CONVERGE_TOOL_DOWNTIME_LIMIT));
    /* Not supported in this input: never advised. */
    g_assert_false(has_tool(f, MIGRATION_CONVERGE_TOOL_DIRTY_LIMIT));
    g_assert_false(has_tool(f, MIGRATION_CONVERGE_TOOL_POSTCOPY));
    /* 1 GiB is more than an xbzrle cache is worth advising. */
    g_assert_false(has_tool(f, MIGRATION_CONVERGE_TOOL_XBZRLE));
    qapi_free_MigrationForecast(f);

    /* A small working set: xbzrle is advised; no rate limit: no bw. */
    in.remaining = in.ram_total = 64 * MiB_;
    in.max_bandwidth = 0;
    f = migration_forecast(&in);
    g_assert_false(f->converges);
    g_assert_false(has_tool(f, MIGRATION_CONVERGE_TOOL_MAX_BANDWIDTH));
    g_assert_true(has_tool(f, MIGRATION_CONVERGE_TOOL_XBZRLE));
    g_assert_true(has_tool(f, MIGRATION_CONVERGE_TOOL_AUTO_CONVERGE));
    qapi_free_MigrationForecast(f);

    /* Stalled: never "converges", whatever the rates say. */
    in = base_input();
    in.dirty_rate = 32 * MiB_;
    in.stalled = true;
    f = migration_forecast(&in);
    g_assert_false(f->converges);
    g_assert_true(f->stalled);
    g_assert_true(g_str_has_prefix(f->summary, "will not converge "
                                   "(stalled)"));
    qapi_free_MigrationForecast(f);
}

/* A burst found by a round of a few ms is not read as GiB/s. */
static void test_history_short_round(void)
{
    uint64_t bw, dr;

    migration_history_start();
    migration_history_round(1, 1000, 0, 0, 10, 0);
    migration_history_round(2, 2000, 1000, 4000000, 100, 100 * 4096);
    migration_history_round(3, 2002, 100, 4400000, 1000, 1000 * 4096);
    g_assert_true(migration_history_rates(&bw, &dr));
    g_assert_cmpuint(bw, ==, 4400000ULL * 1000 / 1002);
    g_assert_cmpuint(dr, ==, 1100ULL * 4096 * 1000 / 1002);
}

static void test_history(void)
{
    MigrationPassRecordList *l;
    uint64_t bw, dr;

    migration_history_start();
    g_assert_false(migration_history_rates(&bw, &dr));
    /* The setup sync only starts the clock. */
    migration_history_round(1, 1000, 0, 0, 10, 0);
    g_assert_null(migration_history_list());
    /* 1 s: 1000 pages sent, 4 MB transferred, 500 found dirty. */
    migration_history_round(2, 2000, 1000, 4000000, 500, 500 * 4096);
    g_assert_true(migration_history_rates(&bw, &dr));
    g_assert_cmpuint(bw, ==, 4000000);
    g_assert_cmpuint(dr, ==, 500 * 4096);
    l = migration_history_list();
    g_assert_cmpint(l->value->pass, ==, 2);
    g_assert_cmpint(l->value->start, ==, 0);
    g_assert_cmpint(l->value->duration, ==, 1000);
    g_assert_cmpint(l->value->pages_sent, ==, 1000);
    g_assert_cmpint(l->value->pages_dirtied, ==, 500);
    g_assert_cmpint(l->value->expected_downtime, ==, 512);
    g_assert_null(l->next);
    qapi_free_MigrationPassRecordList(l);
    g_assert_false(migration_history_stalled());

    /* Three rounds that clear (almost) nothing: stalled. */
    migration_history_round(3, 2500, 500, 6000000, 490, 490 * 4096);
    migration_history_round(4, 3000, 490, 8000000, 480, 480 * 4096);
    g_assert_false(migration_history_stalled());
    /* The rates cover the last second: rounds 3 and 4, not 4 alone. */
    g_assert_true(migration_history_rates(&bw, &dr));
    g_assert_cmpuint(bw, ==, 4000000);
    g_assert_cmpuint(dr, ==, (490 + 480) * 4096);
    migration_history_round(5, 3500, 480, 10000000, 470, 470 * 4096);
    g_assert_true(migration_history_stalled());
    l = migration_history_list();
    g_assert_cmpint(QAPI_LIST_LENGTH(l), ==, 4);
    g_assert_cmpint(l->next->value->start, ==, 1000);
    qapi_free_MigrationPassRecordList(l);
    /* A round that clears half: not stalled any more. */
    migration_history_round(6, 4000, 470, 12000000, 200, 200 * 4096);
    g_assert_false(migration_history_stalled());

    /* Only the last 1024 rounds are kept. */
    for (int i = 0; i < 2000; i++) {
        migration_history_round(7 + i, 4001 + i, 1, 12000000, 1, 4096);
    }
    l = migration_history_list();
    g_assert_cmpint(QAPI_LIST_LENGTH(l), ==, 1024);
    g_assert_cmpint(l->value->pass, ==, 7 + 2000 - 1024);
    qapi_free_MigrationPassRecordList(l);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/migration/forecast/converges", test_converges);
    g_test_add_func("/migration/forecast/does-not-converge",
                    test_does_not_converge);
    g_test_add_func("/migration/forecast/history", test_history);
    g_test_add_func("/migration/forecast/history-short-round",
                    test_history_short_round);
    return g_test_run();
}
