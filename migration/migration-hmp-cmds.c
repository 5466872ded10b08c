/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The human monitor's migration commands: migrate, migrate_incoming,
 * migrate_set_capability/parameter, the dirty-rate commands and the
 * "info migrate*" pages.  Each one parses its words and calls the QMP
 * function, so HMP and QMP cannot disagree; the text layout is QEMU
 * 10.0's, because scripts and people read it.
 */
#include "qemu/osdep.h"
#include "channel.h"
#include "migration.h"
#include "migration/misc.h"
#include "monitor/hmp.h"
#include "monitor/monitor.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-migration.h"
#include "qapi/qapi-visit-migration.h"
#include "qapi/string-input-visitor.h"
#include "qapi/util.h"
#include "qemu/cutils.h"
#include "qemu/module.h"
#include "qemu/sockets.h"
#include "qemu/timer.h"
#include "qobject/qdict.h"

static const char *on_off(bool b)
{
    return b ? "on" : "off";
}

/* ------------------------------------------------------- info migrate */

void migration_global_dump(Monitor *mon)
{
    MigrationState *ms = migrate_get_current();

    monitor_printf(mon, "globals:\n");
    monitor_printf(mon, "store-global-state: %s\n",
                   on_off(ms->store_global_state));
    /* Tern has no --only-migratable switch: it is always off. */
    monitor_printf(mon, "only-migratable: %s\n", on_off(false));
    monitor_printf(mon, "send-configuration: %s\n",
                   on_off(ms->send_configuration));
    monitor_printf(mon, "send-section-footer: %s\n",
                   on_off(ms->send_section_footer));
    monitor_printf(mon, "send-switchover-start: %s\n",
                   on_off(ms->send_switchover_start));
    monitor_printf(mon, "clear-bitmap-shift: %u\n", ms->clear_bitmap_shift);
}

static void hmp_info_migrate_ram(Monitor *mon, const MigrationStats *ram)
{
    monitor_printf(mon, "transferred ram: %" PRIu64 " kbytes\n",
                   (uint64_t)ram->transferred >> 10);
    monitor_printf(mon, "throughput: %0.2f mbps\n", ram->mbps);
    monitor_printf(mon, "remaining ram: %" PRIu64 " kbytes\n",
                   (uint64_t)ram->remaining >> 10);
    monitor_printf(mon, "total ram: %" PRIu64 " kbytes\n",
                   (uint64_t)ram->total >> 10);
    monitor_printf(mon, "duplicate: %" PRIu64 " pages\n",
                   (uint64_t)ram->duplicate);
    monitor_printf(mon, "normal: %" PRIu64 " pages\n",
                   (uint64_t)ram->normal);
    monitor_printf(mon, "normal bytes: %" PRIu64 " kbytes\n",
                   (uint64_t)ram->normal_bytes >> 10);
    monitor_printf(mon, "dirty sync count: %" PRIu64 "\n",
                   (uint64_t)ram->dirty_sync_count);
    monitor_printf(mon, "page size: %" PRIu64 " kbytes\n",
                   (uint64_t)ram->page_size >> 10);
    monitor_printf(mon, "multifd bytes: %" PRIu64 " kbytes\n",
                   ram->multifd_bytes >> 10);
    monitor_printf(mon, "pages-per-second: %" PRIu64 "\n",
                   ram->pages_per_second);
    /* The counters below are shown only once they are non-zero. */
    if (ram->dirty_pages_rate) {
        monitor_printf(mon, "dirty pages rate: %" PRIu64 " pages\n",
                       (uint64_t)ram->dirty_pages_rate);
    }
    if (ram->postcopy_requests) {
        monitor_printf(mon, "postcopy request count: %" PRIu64 "\n",
                       (uint64_t)ram->postcopy_requests);
    }
    if (ram->precopy_bytes) {
        monitor_printf(mon, "precopy ram: %" PRIu64 " kbytes\n",
                       ram->precopy_bytes >> 10);
    }
    if (ram->downtime_bytes) {
        monitor_printf(mon, "downtime ram: %" PRIu64 " kbytes\n",
                       ram->downtime_bytes >> 10);
    }
    if (ram->postcopy_bytes) {
        monitor_printf(mon, "postcopy ram: %" PRIu64 " kbytes\n",
                       ram->postcopy_bytes >> 10);
    }
    if (ram->dirty_sync_missed_zero_copy) {
        monitor_printf(mon, "Zero-copy-send fallbacks happened: %" PRIu64
                       " times\n", ram->dirty_sync_missed_zero_copy);
    }
}

/* Tern's forecast: a summary, then one line per tool. */
static void hmp_info_migrate_forecast(Monitor *mon,
                                      const MigrationForecast *f)
{
    monitor_printf(mon, "forecast: %s\n", f->summary);
    if (f->stalled) {
        monitor_printf(mon, "forecast: stalled: the last rounds cleared "
                       "no more than the guest dirtied\n");
    }
    for (strList *a = f->advice; a; a = a->next) {
        monitor_printf(mon, "forecast: try %s\n", a->value);
    }
}

static void hmp_info_migrate_xbzrle(Monitor *mon, const XBZRLECacheStats *x)
{
    monitor_printf(mon, "cache size: %" PRIu64 " bytes\n", x->cache_size);
    monitor_printf(mon, "xbzrle transferred: %" PRIu64 " kbytes\n",
                   (uint64_t)x->bytes >> 10);
    monitor_printf(mon, "xbzrle pages: %" PRIu64 " pages\n",
                   (uint64_t)x->pages);
    monitor_printf(mon, "xbzrle cache miss: %" PRIu64 " pages\n",
                   (uint64_t)x->cache_miss);
    monitor_printf(mon, "xbzrle cache miss rate: %0.2f\n", x->cache_miss_rate);
    monitor_printf(mon, "xbzrle encoding rate: %0.2f\n", x->encoding_rate);
    monitor_printf(mon, "xbzrle overflow: %" PRIu64 "\n",
                   (uint64_t)x->overflow);
}

static void hmp_info_migrate(Monitor *mon, const QDict *qdict)
{
    g_autoptr(MigrationInfo) info = qmp_query_migrate(&error_abort);

    migration_global_dump(mon);

    if (info->blocked_reasons) {
        monitor_printf(mon, "Outgoing migration blocked:\n");
        for (strList *r = info->blocked_reasons; r; r = r->next) {
            monitor_printf(mon, "  %s\n", r->value);
        }
    }

    if (info->has_status) {
        monitor_printf(mon, "Migration status: %s",
                       MigrationStatus_str(info->status));
        if (info->status == MIGRATION_STATUS_FAILED && info->error_desc) {
            monitor_printf(mon, " (%s)", info->error_desc);
        }
        monitor_printf(mon, "\n");
        monitor_printf(mon, "total time: %" PRIu64 " ms\n",
                       (uint64_t)info->total_time);
        if (info->has_expected_downtime) {
            monitor_printf(mon, "expected downtime: %" PRIu64 " ms\n",
                           (uint64_t)info->expected_downtime);
        }
        if (info->has_downtime) {
            monitor_printf(mon, "downtime: %" PRIu64 " ms\n",
                           (uint64_t)info->downtime);
        }
        if (info->has_setup_time) {
            monitor_printf(mon, "setup: %" PRIu64 " ms\n",
                           (uint64_t)info->setup_time);
        }
    }

    if (info->ram) {
        hmp_info_migrate_ram(mon, info->ram);
    }
    if (info->xbzrle_cache) {
        hmp_info_migrate_xbzrle(mon, info->xbzrle_cache);
    }
    if (info->has_cpu_throttle_percentage) {
        monitor_printf(mon, "cpu throttle percentage: %" PRIu64 "\n",
                       (uint64_t)info->cpu_throttle_percentage);
    }
    if (info->has_dirty_limit_throttle_time_per_round) {
        monitor_printf(mon, "dirty-limit throttle time: %" PRIu64 " us\n",
                       info->dirty_limit_throttle_time_per_round);
    }
    if (info->has_dirty_limit_ring_full_time) {
        monitor_printf(mon, "dirty-limit ring full time: %" PRIu64 " us\n",
                       info->dirty_limit_ring_full_time);
    }
    if (info->x_tern_forecast) {
        hmp_info_migrate_forecast(mon, info->x_tern_forecast);
    } else if (!migration_is_running()) {
        /* Before a migration: from calc-dirty-rate, if it measured. */
        g_autoptr(MigrationForecast) f =
            qmp_x_tern_query_migrate_forecast(NULL);

        if (f) {
            hmp_info_migrate_forecast(mon, f);
        }
    }
    if (info->x_tern_colo) {
        g_autoptr(COLOStatus) st = qmp_query_colo_status(NULL);
        MigrationColoStats *c = info->x_tern_colo;

        monitor_printf(mon, "COLO mode: %s (last %s, exit reason %s)\n",
                       COLOMode_str(st->mode), COLOMode_str(st->last_mode),
                       COLOExitReason_str(st->reason));
        monitor_printf(mon, "COLO checkpoints: %" PRIu64 ", last pause %"
                       PRIu64 " us (max %" PRIu64 " us), last size %"
                       PRIu64 " bytes\n", c->checkpoints, c->last_pause_us,
                       c->max_pause_us, c->last_size);
    }
    if (info->has_postcopy_blocktime) {
        monitor_printf(mon, "postcopy blocktime: %u\n",
                       info->postcopy_blocktime);
    }
    if (info->postcopy_vcpu_blocktime) {
        monitor_printf(mon, "postcopy vcpu blocktime: ");
        for (uint32List *l = info->postcopy_vcpu_blocktime; l; l = l->next) {
            monitor_printf(mon, "%s%u", l == info->postcopy_vcpu_blocktime ?
                           "" : ",", l->value);
        }
        monitor_printf(mon, "\n");
    }
    if (info->socket_address) {
        monitor_printf(mon, "socket address: [\n");
        for (SocketAddressList *a = info->socket_address; a; a = a->next) {
            g_autofree char *s = socket_address_to_string(a->value);

            monitor_printf(mon, "\t%s\n", s);
        }
        monitor_printf(mon, "]\n");
    }
    if (info->vfio) {
        monitor_printf(mon, "vfio device transferred: %" PRIu64 " kbytes\n",
                       (uint64_t)info->vfio->transferred >> 10);
    }
}

static void hmp_info_migrate_capabilities(Monitor *mon, const QDict *qdict)
{
    g_autoptr(MigrationCapabilityStatusList) caps =
        qmp_query_migrate_capabilities(&error_abort);

    for (MigrationCapabilityStatusList *c = caps; c; c = c->next) {
        monitor_printf(mon, "%s: %s\n",
                       MigrationCapability_str(c->value->capability),
                       on_off(c->value->state));
    }
}

#define PARAM(p) MigrationParameter_str(MIGRATION_PARAMETER_##p)

static void hmp_info_migrate_parameters(Monitor *mon, const QDict *qdict)
{
    g_autoptr(MigrationParameters) p =
        qmp_query_migrate_parameters(&error_abort);

    monitor_printf(mon, "%s: %" PRIu64 " ms\n", PARAM(ANNOUNCE_INITIAL),
                   p->announce_initial);
    monitor_printf(mon, "%s: %" PRIu64 " ms\n", PARAM(ANNOUNCE_MAX),
                   p->announce_max);
    monitor_printf(mon, "%s: %" PRIu64 "\n", PARAM(ANNOUNCE_ROUNDS),
                   p->announce_rounds);
    monitor_printf(mon, "%s: %" PRIu64 " ms\n", PARAM(ANNOUNCE_STEP),
                   p->announce_step);
    monitor_printf(mon, "%s: %u\n", PARAM(THROTTLE_TRIGGER_THRESHOLD),
                   p->throttle_trigger_threshold);
    monitor_printf(mon, "%s: %u\n", PARAM(CPU_THROTTLE_INITIAL),
                   p->cpu_throttle_initial);
    monitor_printf(mon, "%s: %u\n", PARAM(CPU_THROTTLE_INCREMENT),
                   p->cpu_throttle_increment);
    monitor_printf(mon, "%s: %s\n", PARAM(CPU_THROTTLE_TAILSLOW),
                   on_off(p->cpu_throttle_tailslow));
    monitor_printf(mon, "%s: %u\n", PARAM(MAX_CPU_THROTTLE),
                   p->max_cpu_throttle);
    monitor_printf(mon, "%s: '%s'\n", PARAM(TLS_CREDS),
                   p->tls_creds ? p->tls_creds : "");
    monitor_printf(mon, "%s: '%s'\n", PARAM(TLS_HOSTNAME),
                   p->tls_hostname ? p->tls_hostname : "");
    monitor_printf(mon, "%s: %" PRIu64 " bytes/second\n",
                   PARAM(MAX_BANDWIDTH), p->max_bandwidth);
    monitor_printf(mon, "%s: %" PRIu64 " bytes/second\n",
                   PARAM(AVAIL_SWITCHOVER_BANDWIDTH),
                   p->avail_switchover_bandwidth);
    monitor_printf(mon, "%s: %" PRIu64 " ms\n", PARAM(DOWNTIME_LIMIT),
                   p->downtime_limit);
    monitor_printf(mon, "%s: %u ms\n", PARAM(X_CHECKPOINT_DELAY),
                   p->x_checkpoint_delay);
    monitor_printf(mon, "%s: %u\n", PARAM(MULTIFD_CHANNELS),
                   p->multifd_channels);
    monitor_printf(mon, "%s: %s\n", PARAM(MULTIFD_COMPRESSION),
                   MultiFDCompression_str(p->multifd_compression));
    monitor_printf(mon, "%s: %s\n", PARAM(ZERO_PAGE_DETECTION),
                   ZeroPageDetection_str(p->zero_page_detection));
    monitor_printf(mon, "%s: %" PRIu64 " bytes\n", PARAM(XBZRLE_CACHE_SIZE),
                   p->xbzrle_cache_size);
    monitor_printf(mon, "%s: %" PRIu64 "\n", PARAM(MAX_POSTCOPY_BANDWIDTH),
                   p->max_postcopy_bandwidth);
    monitor_printf(mon, "%s: '%s'\n", PARAM(TLS_AUTHZ),
                   p->tls_authz ? p->tls_authz : "");

    if (p->block_bitmap_mapping) {
        monitor_printf(mon, "%s:\n", PARAM(BLOCK_BITMAP_MAPPING));
        for (BitmapMigrationNodeAliasList *n = p->block_bitmap_mapping; n;
             n = n->next) {
            monitor_printf(mon, "  '%s' -> '%s'\n", n->value->node_name,
                           n->value->alias);
            for (BitmapMigrationBitmapAliasList *b = n->value->bitmaps; b;
                 b = b->next) {
                monitor_printf(mon, "    '%s' -> '%s'\n", b->value->name,
                               b->value->alias);
            }
        }
    }

    monitor_printf(mon, "%s: %" PRIu64 " ms\n",
                   PARAM(X_VCPU_DIRTY_LIMIT_PERIOD),
                   p->x_vcpu_dirty_limit_period);
    monitor_printf(mon, "%s: %" PRIu64 " MB/s\n", PARAM(VCPU_DIRTY_LIMIT),
                   p->vcpu_dirty_limit);
    monitor_printf(mon, "%s: %s\n", PARAM(MODE), MigMode_str(p->mode));
    if (p->has_direct_io) {
        monitor_printf(mon, "%s: %s\n", PARAM(DIRECT_IO),
                       on_off(p->direct_io));
    }
}

/* ------------------------------------------------------ migrate, -d */

/* A synchronous "migrate": the suspended monitor and its 1 s poll. */
typedef struct HMPMigrationWait {
    Monitor *mon;
    QEMUTimer *timer;
    bool drawn;         /* a progress line is on the terminal */
} HMPMigrationWait;

/*
 * One line: a bar of what was sent against what is left, the amounts,
 * the bandwidth, the pass, and the forecast's ETA (or why there is
 * none).
 */
static char *hmp_migrate_progress(const MigrationInfo *info)
{
    const MigrationStats *ram = info->ram;
    uint64_t sent = ram->transferred, left = ram->remaining;
    int fill = sent + left ? (int)(20 * sent / (sent + left)) : 0;
    const MigrationForecast *f = info->x_tern_forecast;
    g_autofree char *eta = NULL;

    if (f && f->has_eta) {
        eta = g_strdup_printf("ETA %.1f s", f->eta / 1000.0);
    } else if (f) {
        eta = g_strdup(f->stalled ? "stalled" : "not converging");
    } else {
        eta = g_strdup("ETA ?");
    }
    return g_strdup_printf("migrate: [%.*s%.*s] %" PRIu64 " MiB sent, %"
                           PRIu64 " MiB left, %.0f MiB/s, pass %" PRIu64
                           ", %s", fill, "####################", 20 - fill,
                           "....................", sent >> 20, left >> 20,
                           ram->mbps / 8 * 1e6 / (1 << 20),
                           (uint64_t)ram->dirty_sync_count, eta);
}

static void hmp_migrate_wait_cb(void *opaque)
{
    HMPMigrationWait *w = opaque;
    g_autoptr(MigrationInfo) info = qmp_query_migrate(&error_abort);
    /* On a terminal the line is redrawn in place, else one per second. */
    bool tty = !monitor_is_hmp_non_interactive(w->mon);

    if (!info->has_status || info->status == MIGRATION_STATUS_SETUP ||
        info->status == MIGRATION_STATUS_ACTIVE) {
        if (info->has_status && info->ram) {
            g_autofree char *line = hmp_migrate_progress(info);

            monitor_printf(w->mon, tty ? "\r%s\033[K" : "%s\n", line);
            w->drawn = tty;
        }
        timer_mod(w->timer, qemu_clock_get_ms(QEMU_CLOCK_REALTIME) +
                  (tty ? 250 : 1000));
        return;
    }
    if (w->drawn) {
        monitor_printf(w->mon, "\n");
    }

    /*
     * Left setup/active: completed, failed, cancelled, or a state that
     * waits for the user (pre-switchover needs migrate_continue, which
     * a suspended monitor could not take).
     */
    if (info->error_desc) {
        monitor_printf(w->mon, "Error: %s\n", info->error_desc);
    } else {
        monitor_printf(w->mon, "migrate: %s\n",
                       MigrationStatus_str(info->status));
    }
    timer_free(w->timer);
    monitor_resume(w->mon);
    g_free(w);
}

static void hmp_migrate(Monitor *mon, const QDict *qdict)
{
    bool detach = qdict_get_try_bool(qdict, "detach", false);
    bool resume = qdict_get_try_bool(qdict, "resume", false);
    const char *uri = qdict_get_str(qdict, "uri");
    g_autoptr(MigrationChannelList) channels = NULL;
    g_autoptr(MigrationChannel) channel = NULL;
    HMPMigrationWait *w;
    Error *err = NULL;

    if (!migrate_uri_parse(uri, &channel, &err)) {
        hmp_handle_error(mon, err);
        return;
    }
    QAPI_LIST_PREPEND(channels, g_steal_pointer(&channel));
    qmp_migrate(NULL, channels, false, false, true, resume, &err);
    if (err) {
        hmp_handle_error(mon, err);
        return;
    }
    if (detach) {
        return;
    }
    /*
     * Wait without blocking the main loop: stop reading this monitor and
     * poll the state from a timer; the last poll resumes the monitor.
     */
    if (monitor_suspend(mon) < 0) {
        monitor_printf(mon, "terminal does not allow synchronous "
                       "migration, continuing detached\n");
        return;
    }
    w = g_new0(HMPMigrationWait, 1);
    w->mon = mon;
    w->timer = timer_new_ms(QEMU_CLOCK_REALTIME, hmp_migrate_wait_cb, w);
    timer_mod(w->timer, qemu_clock_get_ms(QEMU_CLOCK_REALTIME));
}

static void hmp_migrate_incoming(Monitor *mon, const QDict *qdict)
{
    g_autoptr(MigrationChannelList) channels = NULL;
    g_autoptr(MigrationChannel) channel = NULL;
    Error *err = NULL;

    if (migrate_uri_parse(qdict_get_str(qdict, "uri"), &channel, &err)) {
        QAPI_LIST_PREPEND(channels, g_steal_pointer(&channel));
        /* A human watches: a failed load must not end the process. */
        qmp_migrate_incoming(NULL, channels, true, false, &err);
    }
    hmp_handle_error(mon, err);
}

static void hmp_migrate_cancel(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;

    qmp_migrate_cancel(&err);
    hmp_handle_error(mon, err);
}

static void hmp_migrate_continue(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;
    int state = qapi_enum_parse(&MigrationStatus_lookup,
                                qdict_get_str(qdict, "state"), -1, &err);

    if (state >= 0) {
        qmp_migrate_continue(state, &err);
    }
    hmp_handle_error(mon, err);
}

static void hmp_migrate_start_postcopy(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;

    qmp_migrate_start_postcopy(&err);
    hmp_handle_error(mon, err);
}

static void hmp_migrate_recover(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;

    qmp_migrate_recover(qdict_get_str(qdict, "uri"), &err);
    hmp_handle_error(mon, err);
}

static void hmp_migrate_pause(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;

    qmp_migrate_pause(&err);
    hmp_handle_error(mon, err);
}

static void hmp_x_colo_lost_heartbeat(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;

    qmp_x_colo_lost_heartbeat(&err);
    hmp_handle_error(mon, err);
}

/* ------------------------------------------ capabilities and parameters */

static void hmp_migrate_set_capability(Monitor *mon, const QDict *qdict)
{
    g_autoptr(MigrationCapabilityStatusList) caps = NULL;
    MigrationCapabilityStatus *cap;
    Error *err = NULL;
    int val = qapi_enum_parse(&MigrationCapability_lookup,
                              qdict_get_str(qdict, "capability"), -1, &err);

    if (val >= 0) {
        cap = g_new0(MigrationCapabilityStatus, 1);
        cap->capability = val;
        cap->state = qdict_get_bool(qdict, "state");
        QAPI_LIST_PREPEND(caps, cap);
        qmp_migrate_set_capabilities(caps, &err);
    }
    hmp_handle_error(mon, err);
}

/*
 * The bandwidths take a size whose unit defaults to MiB (QEMU's rule for
 * max-bandwidth and avail-switchover-bandwidth): "32" is 32 MiB/s.
 */
static bool parse_bandwidth(const char *str, uint64_t *val, Error **errp)
{
    if (qemu_strtosz_MiB(str, NULL, val) < 0 || *val > INT64_MAX) {
        error_setg(errp, "Invalid size %s", str);
        return false;
    }
    return true;
}

static StrOrNull *str_or_null_new(Visitor *v, const char *name, Error **errp)
{
    StrOrNull *s = g_new0(StrOrNull, 1);

    s->type = QTYPE_QSTRING;
    visit_type_str(v, name, &s->u.s, errp);
    return s;
}

/*
 * Fill the one member of @p named by @param from @str, per its type;
 * false with @errp set when the text does not parse.
 */
static bool hmp_parse_parameter(MigrateSetParameters *p,
                                MigrationParameter param, const char *str,
                                Error **errp)
{
    const char *name = MigrationParameter_str(param);
    Visitor *v = string_input_visitor_new(str);
    Error *err = NULL;

    switch (param) {
    case MIGRATION_PARAMETER_ANNOUNCE_INITIAL:
        p->has_announce_initial = true;
        visit_type_size(v, name, &p->announce_initial, &err);
        break;
    case MIGRATION_PARAMETER_ANNOUNCE_MAX:
        p->has_announce_max = true;
        visit_type_size(v, name, &p->announce_max, &err);
        break;
    case MIGRATION_PARAMETER_ANNOUNCE_ROUNDS:
        p->has_announce_rounds = true;
        visit_type_size(v, name, &p->announce_rounds, &err);
        break;
    case MIGRATION_PARAMETER_ANNOUNCE_STEP:
        p->has_announce_step = true;
        visit_type_size(v, name, &p->announce_step, &err);
        break;
    case MIGRATION_PARAMETER_THROTTLE_TRIGGER_THRESHOLD:
        p->has_throttle_trigger_threshold = true;
        visit_type_uint8(v, name, &p->throttle_trigger_threshold, &err);
        break;
    case MIGRATION_PARAMETER_CPU_THROTTLE_INITIAL:
        p->has_cpu_throttle_initial = true;
        visit_type_uint8(v, name, &p->cpu_throttle_initial, &err);
        break;
    case MIGRATION_PARAMETER_CPU_THROTTLE_INCREMENT:
        p->has_cpu_throttle_increment = true;
        visit_type_uint8(v, name, &p->cpu_throttle_increment, &err);
        break;
    case MIGRATION_PARAMETER_CPU_THROTTLE_TAILSLOW:
        p->has_cpu_throttle_tailslow = true;
        visit_type_bool(v, name, &p->cpu_throttle_tailslow, &err);
        break;
    case MIGRATION_PARAMETER_TLS_CREDS:
        p->tls_creds = str_or_null_new(v, name, &err);
        break;
    case MIGRATION_PARAMETER_TLS_HOSTNAME:
        p->tls_hostname = str_or_null_new(v, name, &err);
        break;
    case MIGRATION_PARAMETER_TLS_AUTHZ:
        p->tls_authz = str_or_null_new(v, name, &err);
        break;
    case MIGRATION_PARAMETER_MAX_BANDWIDTH:
        p->has_max_bandwidth = true;
        parse_bandwidth(str, &p->max_bandwidth, &err);
        break;
    case MIGRATION_PARAMETER_AVAIL_SWITCHOVER_BANDWIDTH:
        p->has_avail_switchover_bandwidth = true;
        parse_bandwidth(str, &p->avail_switchover_bandwidth, &err);
        break;
    case MIGRATION_PARAMETER_DOWNTIME_LIMIT:
        p->has_downtime_limit = true;
        visit_type_size(v, name, &p->downtime_limit, &err);
        break;
    case MIGRATION_PARAMETER_X_CHECKPOINT_DELAY:
        p->has_x_checkpoint_delay = true;
        visit_type_uint32(v, name, &p->x_checkpoint_delay, &err);
        break;
    case MIGRATION_PARAMETER_MULTIFD_CHANNELS:
        p->has_multifd_channels = true;
        visit_type_uint8(v, name, &p->multifd_channels, &err);
        break;
    case MIGRATION_PARAMETER_XBZRLE_CACHE_SIZE:
        p->has_xbzrle_cache_size = true;
        if (visit_type_size(v, name, &p->xbzrle_cache_size, &err) &&
            p->xbzrle_cache_size > INT64_MAX) {
            error_setg(&err, "Invalid size %s", str);
        }
        break;
    case MIGRATION_PARAMETER_MAX_POSTCOPY_BANDWIDTH:
        /* Bytes unless suffixed, unlike max-bandwidth (as QEMU). */
        p->has_max_postcopy_bandwidth = true;
        visit_type_size(v, name, &p->max_postcopy_bandwidth, &err);
        break;
    case MIGRATION_PARAMETER_MAX_CPU_THROTTLE:
        p->has_max_cpu_throttle = true;
        visit_type_uint8(v, name, &p->max_cpu_throttle, &err);
        break;
    case MIGRATION_PARAMETER_MULTIFD_COMPRESSION:
        p->has_multifd_compression = true;
        visit_type_MultiFDCompression(v, name, &p->multifd_compression, &err);
        break;
    case MIGRATION_PARAMETER_MULTIFD_ZLIB_LEVEL:
        p->has_multifd_zlib_level = true;
        visit_type_uint8(v, name, &p->multifd_zlib_level, &err);
        break;
    case MIGRATION_PARAMETER_MULTIFD_ZSTD_LEVEL:
        p->has_multifd_zstd_level = true;
        visit_type_uint8(v, name, &p->multifd_zstd_level, &err);
        break;
    case MIGRATION_PARAMETER_MULTIFD_QATZIP_LEVEL:
        p->has_multifd_qatzip_level = true;
        visit_type_uint8(v, name, &p->multifd_qatzip_level, &err);
        break;
    case MIGRATION_PARAMETER_BLOCK_BITMAP_MAPPING:
        error_setg(&err, "The block-bitmap-mapping parameter can only be "
                   "set through QMP");
        break;
    case MIGRATION_PARAMETER_X_VCPU_DIRTY_LIMIT_PERIOD:
        p->has_x_vcpu_dirty_limit_period = true;
        visit_type_size(v, name, &p->x_vcpu_dirty_limit_period, &err);
        break;
    case MIGRATION_PARAMETER_VCPU_DIRTY_LIMIT:
        p->has_vcpu_dirty_limit = true;
        visit_type_size(v, name, &p->vcpu_dirty_limit, &err);
        break;
    case MIGRATION_PARAMETER_MODE:
        p->has_mode = true;
        visit_type_MigMode(v, name, &p->mode, &err);
        break;
    case MIGRATION_PARAMETER_ZERO_PAGE_DETECTION:
        p->has_zero_page_detection = true;
        visit_type_ZeroPageDetection(v, name, &p->zero_page_detection, &err);
        break;
    case MIGRATION_PARAMETER_DIRECT_IO:
        p->has_direct_io = true;
        visit_type_bool(v, name, &p->direct_io, &err);
        break;
    default:
        g_assert_not_reached();
    }
    visit_free(v);
    if (err) {
        error_propagate(errp, err);
        return false;
    }
    return true;
}

static void hmp_migrate_set_parameter(Monitor *mon, const QDict *qdict)
{
    g_autoptr(MigrateSetParameters) p = g_new0(MigrateSetParameters, 1);
    Error *err = NULL;
    int param = qapi_enum_parse(&MigrationParameter_lookup,
                                qdict_get_str(qdict, "parameter"), -1, &err);

    if (param >= 0 &&
        hmp_parse_parameter(p, param, qdict_get_str(qdict, "value"), &err)) {
        qmp_migrate_set_parameters(p, &err);
    }
    hmp_handle_error(mon, err);
}

/* ------------------------------------------- dirty rate and dirty limit */

static void hmp_calc_dirty_rate(Monitor *mon, const QDict *qdict)
{
    bool ring = qdict_get_try_bool(qdict, "dirty_ring", false);
    bool bitmap = qdict_get_try_bool(qdict, "dirty_bitmap", false);
    int64_t sec = qdict_get_int(qdict, "second");
    bool has_pages = qdict_haskey(qdict, "sample_pages_per_GB");
    int64_t pages = qdict_get_try_int(qdict, "sample_pages_per_GB", 0);
    DirtyRateMeasureMode mode = DIRTY_RATE_MEASURE_MODE_PAGE_SAMPLING;
    Error *err = NULL;

    if (!sec) {
        monitor_printf(mon, "Incorrect period length specified!\n");
        return;
    }
    if (ring && bitmap) {
        monitor_printf(mon, "Either dirty ring or dirty bitmap "
                       "can be specified!\n");
        return;
    }
    if (ring) {
        mode = DIRTY_RATE_MEASURE_MODE_DIRTY_RING;
    } else if (bitmap) {
        mode = DIRTY_RATE_MEASURE_MODE_DIRTY_BITMAP;
    }
    qmp_calc_dirty_rate(sec, true, TIME_UNIT_SECOND, has_pages, pages, true,
                        mode, &err);
    if (err) {
        hmp_handle_error(mon, err);
        return;
    }
    monitor_printf(mon, "Starting dirty rate measurement with period %"
                   PRIi64 " seconds\n", sec);
    monitor_printf(mon, "[Please use 'info dirty_rate' to check results]\n");
}

static void hmp_info_dirty_rate(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;
    g_autoptr(DirtyRateInfo) info = qmp_query_dirty_rate(true,
                                                         TIME_UNIT_SECOND,
                                                         &err);

    if (!info) {
        hmp_handle_error(mon, err);
        return;
    }
    monitor_printf(mon, "Status: %s\n", DirtyRateStatus_str(info->status));
    monitor_printf(mon, "Start Time: %" PRIi64 " (ms)\n", info->start_time);
    if (info->mode == DIRTY_RATE_MEASURE_MODE_PAGE_SAMPLING) {
        monitor_printf(mon, "Sample Pages: %" PRIu64 " (per GB)\n",
                       info->sample_pages);
    }
    monitor_printf(mon, "Period: %" PRIi64 " (sec)\n", info->calc_time);
    monitor_printf(mon, "Mode: %s\n", DirtyRateMeasureMode_str(info->mode));
    monitor_printf(mon, "Dirty rate: ");
    if (!info->has_dirty_rate) {
        monitor_printf(mon, "(not ready)\n");
        return;
    }
    monitor_printf(mon, "%" PRIi64 " (MB/s)\n", info->dirty_rate);
    for (DirtyRateVcpuList *r = info->vcpu_dirty_rate; r; r = r->next) {
        monitor_printf(mon, "vcpu[%" PRIi64 "], Dirty rate: %" PRIi64
                       " (MB/s)\n", r->value->id, r->value->dirty_rate);
    }
}

static void hmp_set_vcpu_dirty_limit(Monitor *mon, const QDict *qdict)
{
    int64_t rate = qdict_get_int(qdict, "dirty_rate");
    bool has_cpu = qdict_haskey(qdict, "cpu_index");
    int64_t cpu = qdict_get_try_int(qdict, "cpu_index", -1);
    Error *err = NULL;

    if (rate < 0) {
        error_setg(&err, "invalid dirty page limit %" PRId64, rate);
    } else {
        qmp_set_vcpu_dirty_limit(has_cpu, cpu, rate, &err);
    }
    hmp_handle_error(mon, err);
}

static void hmp_cancel_vcpu_dirty_limit(Monitor *mon, const QDict *qdict)
{
    bool has_cpu = qdict_haskey(qdict, "cpu_index");
    int64_t cpu = qdict_get_try_int(qdict, "cpu_index", -1);
    Error *err = NULL;

    qmp_cancel_vcpu_dirty_limit(has_cpu, cpu, &err);
    if (err) {
        hmp_handle_error(mon, err);
        return;
    }
    monitor_printf(mon, "[Please use 'info vcpu_dirty_limit' to query "
                   "dirty limit for virtual CPU]\n");
}

static void hmp_info_vcpu_dirty_limit(Monitor *mon, const QDict *qdict)
{
    Error *err = NULL;
    g_autoptr(DirtyLimitInfoList) list = qmp_query_vcpu_dirty_limit(&err);

    if (err) {
        hmp_handle_error(mon, err);
        return;
    }
    if (!list) {
        monitor_printf(mon, "Dirty page limit not enabled!\n");
        return;
    }
    for (DirtyLimitInfoList *l = list; l; l = l->next) {
        monitor_printf(mon, "vcpu[%" PRIi64 "], limit rate %" PRIu64
                       " (MB/s), current rate %" PRIu64 " (MB/s)\n",
                       l->value->cpu_index, l->value->limit_rate,
                       l->value->current_rate);
    }
}

/* ------------------------------------------------------------ tables */

static const HMPCommand migration_hmp_cmds[] = {
    { "migrate", "detach:-d,resume:-r,uri:s", "[-d] [-r] uri",
      "send the VM to uri; -d: return at once instead of waiting,"
      "\n\t\t\t -r: resume a paused postcopy migration", hmp_migrate },
    { "migrate_incoming", "uri:s", "uri",
      "start receiving the VM on uri (after -incoming defer)",
      hmp_migrate_incoming },
    { "migrate_cancel", "", "", "stop the outgoing migration",
      hmp_migrate_cancel },
    { "migrate_continue", "state:s", "state",
      "let a migration paused in 'state' go on", hmp_migrate_continue },
    { "migrate_set_capability", "capability:s,state:b",
      "capability state", "turn a migration capability on or off",
      hmp_migrate_set_capability },
    { "migrate_set_parameter", "parameter:s,value:s", "parameter value",
      "change one migration parameter", hmp_migrate_set_parameter },
    { "migrate_start_postcopy", "", "",
      "switch the running migration to postcopy", hmp_migrate_start_postcopy },
    { "migrate_recover", "uri:s", "uri",
      "give a paused incoming postcopy migration a new channel",
      hmp_migrate_recover },
    { "migrate_pause", "", "", "pause a postcopy migration",
      hmp_migrate_pause },
    { "x_colo_lost_heartbeat", "", "",
      "tell COLO that its peer is gone (failover or takeover)",
      hmp_x_colo_lost_heartbeat },
    { "calc_dirty_rate",
      "dirty_ring:-r,dirty_bitmap:-b,second:l,sample_pages_per_GB:l?",
      "[-r] [-b] second [sample_pages_per_GB]",
      "measure how fast the guest dirties memory, over 'second' s"
      "\n\t\t\t (page sampling; -r: dirty ring, -b: dirty bitmap)",
      hmp_calc_dirty_rate },
    { "set_vcpu_dirty_limit", "dirty_rate:l,cpu_index:l?",
      "dirty_rate [cpu_index]",
      "limit the dirty page rate (MB/s) of every vCPU or of one",
      hmp_set_vcpu_dirty_limit },
    { "cancel_vcpu_dirty_limit", "cpu_index:l?", "[cpu_index]",
      "remove the dirty page rate limit of every vCPU or of one",
      hmp_cancel_vcpu_dirty_limit },
    { NULL }
};

static const HMPCommand migration_hmp_info_cmds[] = {
    { "migrate", "", "", "show the migration state and statistics",
      hmp_info_migrate },
    { "migrate_capabilities", "", "", "show the migration capabilities",
      hmp_info_migrate_capabilities },
    { "migrate_parameters", "", "", "show the migration parameters",
      hmp_info_migrate_parameters },
    { "dirty_rate", "", "", "show the last dirty rate measurement",
      hmp_info_dirty_rate },
    { "vcpu_dirty_limit", "", "", "show the vCPU dirty page rate limits",
      hmp_info_vcpu_dirty_limit },
    { NULL }
};

static void migration_hmp_register(void)
{
    hmp_register_commands(migration_hmp_cmds);
    hmp_register_info_commands(migration_hmp_info_cmds);
}
type_init(migration_hmp_register)
