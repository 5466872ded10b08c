/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Seeing it coming (see forecast.h and docs/devel/migration-forecast.md).
 *
 * The model: each round sends what was dirty at its start, D, in D / b
 * seconds, while the guest dirties d bytes a second, so the next round
 * starts with min(D * d / b, RAM).  The migration switches over at the
 * first round whose D fits b * downtime-limit.  With d < b the rounds
 * shrink geometrically and the number of rounds and the time follow;
 * with d >= b they never shrink (unless the guest's working set is
 * already small enough, which the last round shows), and then the
 * forecast says which tool closes the gap and with what setting.
 */
#include "qemu/osdep.h"
#include "migration/forecast.h"
#include "migration/trace.h"

#define HISTORY_MAX 1024
#define STALL_ROUNDS 3

/*
 * The rates are measured over the last rounds that together last at
 * least this long: a round of a few ms that found a burst of dirty pages
 * would otherwise read as a dirty rate of GiB/s.
 */
#define RATE_WINDOW_MS 1000

static struct {
    GArray *rounds;             /* of MigrationPassRecord */
    int64_t start_ms;           /* when the migration's rounds began */
    int64_t last_ms;            /* end of the last round */
    uint64_t last_transferred;
    int stall_run;              /* rounds in a row that cleared nothing */
    uint64_t bandwidth, dirty_rate;
} hist;

void migration_history_start(void)
{
    if (!hist.rounds) {
        hist.rounds = g_array_new(false, true, sizeof(MigrationPassRecord));
    }
    g_array_set_size(hist.rounds, 0);
    hist.start_ms = hist.last_ms = 0;
    hist.last_transferred = 0;
    hist.stall_run = 0;
    hist.bandwidth = hist.dirty_rate = 0;
}

/* Bandwidth and dirty rate over the last RATE_WINDOW_MS of rounds. */
static void history_update_rates(void)
{
    int64_t dur = 0;
    uint64_t transferred = 0, dirtied = 0;

    for (guint i = hist.rounds->len; i > 0 && dur < RATE_WINDOW_MS; i--) {
        MigrationPassRecord *r = &g_array_index(hist.rounds,
                                                MigrationPassRecord, i - 1);

        dur += r->duration;
        /* The record's rate was truncated: off by under 1 byte a second. */
        transferred += r->bandwidth * r->duration / 1000;
        dirtied += r->pages_dirtied;
    }
    hist.bandwidth = transferred * 1000 / dur;
    hist.dirty_rate = dirtied * TARGET_PAGE_SIZE * 1000 / dur;
}

void migration_history_round(int64_t pass, int64_t now_ms, uint64_t sent,
                             uint64_t transferred, uint64_t dirtied,
                             uint64_t remaining)
{
    MigrationPassRecord r = { .pass = pass };
    int64_t dur;

    if (!hist.rounds) {
        migration_history_start();
    }
    if (!hist.start_ms) {
        /* The setup sync: rounds start here. */
        hist.start_ms = hist.last_ms = now_ms;
        hist.last_transferred = transferred;
        return;
    }
    dur = MAX(now_ms - hist.last_ms, 1);
    r.start = hist.last_ms - hist.start_ms;
    r.duration = dur;
    r.pages_sent = sent;
    r.pages_dirtied = dirtied;
    r.bandwidth = (transferred - hist.last_transferred) * 1000 / dur;
    r.expected_downtime = r.bandwidth ? remaining * 1000 / r.bandwidth : 0;
    if (hist.rounds->len == HISTORY_MAX) {
        g_array_remove_index(hist.rounds, 0);
    }
    g_array_append_val(hist.rounds, r);
    history_update_rates();
    hist.stall_run = sent && dirtied * 100 >= sent * 95 ? hist.stall_run + 1
                                                          : 0;
    hist.last_ms = now_ms;
    hist.last_transferred = transferred;
    trace_migration_history_round(pass, dur, sent, dirtied, r.bandwidth,
                                  hist.stall_run);
}

MigrationPassRecordList *migration_history_list(void)
{
    MigrationPassRecordList *head = NULL, **tail = &head;

    if (!hist.rounds) {
        return NULL;
    }
    for (guint i = 0; i < hist.rounds->len; i++) {
        MigrationPassRecord *r = g_new(MigrationPassRecord, 1);

        *r = g_array_index(hist.rounds, MigrationPassRecord, i);
        QAPI_LIST_APPEND(tail, r);
    }
    return head;
}

bool migration_history_last_round(uint64_t *sent, uint64_t *dirtied)
{
    MigrationPassRecord *r;

    if (!hist.rounds || !hist.rounds->len) {
        return false;
    }
    r = &g_array_index(hist.rounds, MigrationPassRecord, hist.rounds->len - 1);
    *sent = r->pages_sent;
    *dirtied = r->pages_dirtied;
    return true;
}

bool migration_history_stalled(void)
{
    return hist.stall_run >= STALL_ROUNDS;
}

bool migration_history_rates(uint64_t *bandwidth, uint64_t *dirty_rate)
{
    if (!hist.rounds || !hist.rounds->len) {
        return false;
    }
    *bandwidth = hist.bandwidth;
    *dirty_rate = hist.dirty_rate;
    return true;
}

/* ------------------------------------------------------------ forecast */

#define MiB_F (1024.0 * 1024.0)

typedef struct Advice {
    MigrationConvergeToolList **tools;
    strList **text;
} Advice;

static void advise(Advice *a, MigrationConvergeTool tool, char *text)
{
    QAPI_LIST_APPEND(a->tools, tool);
    QAPI_LIST_APPEND(a->text, text);
}

MigrationForecast *migration_forecast(const MigrationForecastInput *in)
{
    MigrationForecast *f = g_new0(MigrationForecast, 1);
    double b = in->bandwidth, d = in->dirty_rate;
    double thr = b * in->downtime_limit_ms / 1000.0;
    double D = in->remaining, t = 0;
    int n = 0;

    f->remaining = in->remaining;
    f->bandwidth = in->bandwidth;
    f->dirty_rate = in->dirty_rate;
    f->stalled = in->stalled;

    if (b > 0) {
        /* Round by round until it fits, or clearly never will. */
        while (D > thr && n < 1000) {
            double next = MIN(D * d / b, (double)in->ram_total);

            t += D / b;
            n++;
            if (next >= D) {
                break;      /* no shrinking: never */
            }
            D = next;
        }
        f->converges = D <= thr && !in->stalled;
    }
    if (f->converges) {
        f->has_passes = true;
        f->passes = n;
        f->has_eta = true;
        f->eta = (t + D / b) * 1000;
        f->summary = g_strdup_printf(
            "will converge in about %" PRId64 " pass%s, %.1f s "
            "(dirtying %.0f MiB/s, sending %.0f MiB/s)", f->passes,
            f->passes == 1 ? "" : "es", f->eta / 1000.0, d / MiB_F,
            b / MiB_F);
        return f;
    }

    /* What each tool needs.  The steady round is what d refills. */
    {
        Advice a = { &f->tools, &f->advice };
        double steady = MIN(MAX(D, in->remaining), (double)in->ram_total);
        double need_dl = b > 0 ? steady / b * 1000 : 0;
        double need_bw = d * 1.25;

        if (in->have_postcopy) {
            advise(&a, MIGRATION_CONVERGE_TOOL_POSTCOPY,
                   g_strdup("postcopy-ram: switch over now, fetch the rest "
                            "on demand"));
        }
        if (in->max_bandwidth && b >= in->max_bandwidth * 0.8 &&
            need_bw > in->max_bandwidth) {
            advise(&a, MIGRATION_CONVERGE_TOOL_MAX_BANDWIDTH,
                   g_strdup_printf("max-bandwidth >= %.0f MiB/s (the guest "
                                   "dirties %.0f MiB/s)", need_bw / MiB_F,
                                   d / MiB_F));
        }
        if (in->have_auto_converge && d > 0) {
            /* The share of CPU time that leaves d at 80% of b. */
            int pct = (int)(100 * (1 - 0.8 * b / d) + 0.999);

            pct = MAX(pct, 1);
            if (pct <= in->max_cpu_throttle) {
                advise(&a, MIGRATION_CONVERGE_TOOL_AUTO_CONVERGE,
                       g_strdup_printf("auto-converge: a throttle of about "
                                       "%d%%", pct));
            }
        }
        if (in->have_dirty_limit) {
            advise(&a, MIGRATION_CONVERGE_TOOL_DIRTY_LIMIT,
                   g_strdup_printf("dirty-limit: vcpu-dirty-limit below "
                                   "%.0f MB/s in total", 0.8 * b / 1e6));
        }
        if (in->have_xbzrle && !in->xbzrle_cache && steady <= 256 * MiB_F) {
            advise(&a, MIGRATION_CONVERGE_TOOL_XBZRLE,
                   g_strdup_printf("xbzrle with xbzrle-cache-size >= %.0f "
                                   "MiB, if the guest rewrites few bytes "
                                   "per page", steady / MiB_F));
        }
        if (need_dl <= 2000 * 1000) {
            advise(&a, MIGRATION_CONVERGE_TOOL_DOWNTIME_LIMIT,
                   g_strdup_printf("downtime-limit >= %.0f ms", need_dl));
        }
        f->summary = g_strdup_printf(
            "will not converge%s: dirtying %.0f MiB/s, sending %.0f MiB/s, "
            "%.0f MiB left against a %.1f MiB limit", in->stalled ?
            " (stalled)" : "", d / MiB_F, b / MiB_F, steady / MiB_F,
            thr / MiB_F);
    }
    return f;
}
