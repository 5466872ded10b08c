/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration subsystem as the rest of Tern sees it: start-up
 * (migration_object_init: the TYPE_MIGRATION object, the defaults'
 * check, the stream's own sections and the qdev hooks), whether a
 * migration is blocked, and query-migrate.  It sits above the stream
 * (savevm.c, ram.c) and the core (migration.c, options.c) and below the
 * outgoing side, which asks it whether migration is blocked; see
 * docs/devel/migration.md, "Layers".
 */
#include "qemu/osdep.h"
#include "hw/qdev-properties.h"
#include "qapi/clone-visitor.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-migration.h"
#include "qapi/qapi-visit-sockets.h"
#include "qemu/error-report.h"
#include "qemu/lockable.h"
#include "qemu/timer.h"
#include "migration/global_state.h"
#include "migration/colo.h"
#include "migration/migration.h"
#include "migration/migration-stats.h"
#include "migration/options.h"
#include "migration/forecast.h"
#include "migration/forecast-qmp.h"
#include "migration/postcopy-in.h"
#include "migration/ram.h"
#include "migration/ram-converge.h"
#include "migration/ram-xbzrle.h"
#include "migration/register.h"
#include "migration/savevm.h"
#include "migration/timer-state.h"
#include "migration/trace.h"

/* ------------------------------------------------------------ the object */

static void migration_instance_init(Object *obj)
{
    MigrationState *s = MIGRATION(obj);

    s->state = MIGRATION_STATUS_NONE;
    s->vm_old_state = RUN_STATE__MAX;
    qemu_mutex_init(&s->qemu_file_lock);
    qemu_mutex_init(&s->error_mutex);
    qemu_mutex_init(&s->rp_state.qemu_file_lock);
    qemu_sem_init(&s->rate_limit_sem, 0);
    qemu_sem_init(&s->pause_sem, 0);
    qemu_sem_init(&s->rp_state.rp_sem, 0);
    qemu_sem_init(&s->rp_state.rp_pong_acks, 0);
    qemu_sem_init(&s->postcopy_pause_sem, 0);
    qemu_sem_init(&s->postcopy_resume_sem, 0);
    /* Property defaults filled the rest; has_* for query are set later. */
}

static void migration_instance_finalize(Object *obj)
{
    MigrationState *s = MIGRATION(obj);

    qemu_mutex_destroy(&s->qemu_file_lock);
    qemu_mutex_destroy(&s->error_mutex);
    qemu_mutex_destroy(&s->rp_state.qemu_file_lock);
    qemu_sem_destroy(&s->rate_limit_sem);
    qemu_sem_destroy(&s->pause_sem);
    qemu_sem_destroy(&s->rp_state.rp_sem);
    qemu_sem_destroy(&s->rp_state.rp_pong_acks);
    qemu_sem_destroy(&s->postcopy_pause_sem);
    qemu_sem_destroy(&s->postcopy_resume_sem);
    g_free(s->hostname);
    error_free(s->error);
    /* The strings are owned by the string properties (freed there). */
}

static void migration_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->user_creatable = false;
    dc->desc = "migration state (configure with -global migration.NAME)";
    device_class_set_props_n(dc, migration_properties,
                             migration_properties_count);
}

static const TypeInfo migration_type = {
    .name = TYPE_MIGRATION,
    .parent = TYPE_DEVICE,
    .class_init = migration_class_init,
    .class_size = sizeof(MigrationClass),
    .instance_size = sizeof(MigrationState),
    .instance_init = migration_instance_init,
    .instance_finalize = migration_instance_finalize,
};

static void register_migration_types(void)
{
    type_register_static(&migration_type);
}

type_init(register_migration_types);

void migration_object_init(void)
{
    MigrationState *s = MIGRATION(object_new(TYPE_MIGRATION));
    MigrationIncomingState *mis = g_new0(MigrationIncomingState, 1);
    Error *err = NULL;

    mis->state = MIGRATION_STATUS_NONE;
    mis->exit_on_error = true;
    qemu_mutex_init(&mis->rp_mutex);
    qemu_mutex_init(&mis->error_mutex);
    migration_set_current(s, mis);

    migration_rate_set(s->parameters.max_bandwidth);
    if (!migrate_options_check_initial(s, &err)) {
        error_report_err(err);
        exit(1);
    }

    /*
     * The stream's own sections, in QEMU's order so that section ids
     * grow the same way (timer, ram, globalstate), then the hooks through
     * which every device's vmsd registers when it is realized.
     */
    cpu_timers_vmstate_register();
    ram_mig_init();
    register_global_state();
    savevm_install_qdev_hooks();
}

/* -------------------------------------------------------------- blockers */

bool migration_is_blocked(Error **errp)
{
    if (qemu_savevm_state_blocked(errp)) {
        return true;
    }
    if (migration_blockers_get()) {
        /* The oldest blocker first, as users added them. */
        GSList *last = g_slist_last(migration_blockers_get());

        error_propagate(errp, error_copy(last->data));
        return true;
    }
    return false;
}

static strList *migration_blocked_reasons(void)
{
    strList *head = NULL, **tail = &head;
    g_autoptr(GSList) list = g_slist_reverse(
        g_slist_copy(migration_blockers_get()));

    for (GSList *l = list; l; l = l->next) {
        QAPI_LIST_APPEND(tail, g_strdup(error_get_pretty(l->data)));
    }
    qemu_savevm_non_migratable_list(&head);
    return head;
}

/* ---------------------------------------------------------- query-migrate */

static void populate_time_info(MigrationInfo *info, MigrationState *s)
{
    int state = qatomic_read(&s->state);

    info->has_status = true;
    info->has_setup_time = true;
    info->setup_time = s->setup_time;

    info->has_total_time = true;
    if (state == MIGRATION_STATUS_COMPLETED) {
        info->total_time = s->total_time;
    } else {
        info->total_time = qemu_clock_get_ms(QEMU_CLOCK_REALTIME) -
                           s->start_time;
    }

    if (state == MIGRATION_STATUS_COMPLETED ||
        migration_state_in_postcopy(state)) {
        info->has_downtime = true;
        info->downtime = s->downtime;
    } else {
        info->has_expected_downtime = true;
        info->expected_downtime = s->expected_downtime;
    }
}

static void populate_ram_info(MigrationInfo *info, MigrationState *s)
{
    MigrationStats *ram = g_new0(MigrationStats, 1);
    uint64_t normal = stat64_get(&mig_stats.normal_pages);

    info->ram = ram;
    ram->transferred = stat64_get(&mig_stats.transferred);
    ram->total = stat64_get(&mig_stats.ram_total);
    ram->duplicate = stat64_get(&mig_stats.zero_pages);
    ram->normal = normal;
    ram->normal_bytes = normal * TARGET_PAGE_SIZE;
    ram->mbps = s->mbps;
    ram->dirty_sync_count = stat64_get(&mig_stats.dirty_sync_count);
    ram->dirty_sync_missed_zero_copy =
        stat64_get(&mig_stats.dirty_sync_missed_zero_copy);
    ram->postcopy_requests = stat64_get(&mig_stats.postcopy_requests);
    ram->page_size = TARGET_PAGE_SIZE;
    ram->multifd_bytes = stat64_get(&mig_stats.multifd_bytes);
    ram->pages_per_second = stat64_get(&mig_stats.pages_per_second);
    ram->precopy_bytes = stat64_get(&mig_stats.precopy_bytes);
    ram->downtime_bytes = stat64_get(&mig_stats.downtime_bytes);
    ram->postcopy_bytes = stat64_get(&mig_stats.postcopy_bytes);

    if (qatomic_read(&s->state) != MIGRATION_STATUS_COMPLETED) {
        ram->remaining = stat64_get(&mig_stats.remaining);
        ram->dirty_pages_rate = stat64_get(&mig_stats.dirty_pages_rate);
    }
    if (migrate_xbzrle()) {
        info->xbzrle_cache = ram_xbzrle_stats(migrate_xbzrle_cache_size());
    }
    if (ram_converge_throttle_percentage()) {
        info->has_cpu_throttle_percentage = true;
        info->cpu_throttle_percentage = ram_converge_throttle_percentage();
    }
    if (migrate_dirty_limit() && migration_dirty_limit_ops() &&
        migration_dirty_limit_ops()->in_service()) {
        const MigrationDirtyLimitOps *dl = migration_dirty_limit_ops();

        info->has_dirty_limit_throttle_time_per_round = true;
        info->dirty_limit_throttle_time_per_round =
            dl->throttle_time_per_round();
        info->has_dirty_limit_ring_full_time = true;
        info->dirty_limit_ring_full_time = dl->ring_full_time();
    }
    info->x_tern_passes = migration_history_list();
    if (qatomic_read(&s->state) == MIGRATION_STATUS_ACTIVE) {
        info->x_tern_forecast = migration_forecast_active();
    }
}

static void fill_source_migration_info(MigrationInfo *info)
{
    MigrationState *s = migrate_get_current();
    int state = qatomic_read(&s->state);

    info->blocked_reasons = migration_blocked_reasons();

    switch (state) {
    case MIGRATION_STATUS_NONE:
        /* Never migrated: leave the destination's status, if any. */
        return;
    case MIGRATION_STATUS_SETUP:
        info->has_status = true;
        info->has_total_time = false;
        break;
    case MIGRATION_STATUS_ACTIVE:
    case MIGRATION_STATUS_CANCELLING:
    case MIGRATION_STATUS_POSTCOPY_ACTIVE:
    case MIGRATION_STATUS_PRE_SWITCHOVER:
    case MIGRATION_STATUS_DEVICE:
    case MIGRATION_STATUS_POSTCOPY_PAUSED:
    case MIGRATION_STATUS_POSTCOPY_RECOVER_SETUP:
    case MIGRATION_STATUS_POSTCOPY_RECOVER:
    case MIGRATION_STATUS_COMPLETED:
        populate_time_info(info, s);
        populate_ram_info(info, s);
        break;
    case MIGRATION_STATUS_COLO:
    case MIGRATION_STATUS_FAILED:
    case MIGRATION_STATUS_CANCELLED:
    case MIGRATION_STATUS_WAIT_UNPLUG:
    default:
        info->has_status = true;
        break;
    }
    info->status = state;
    if (migrate_colo()) {
        info->x_tern_colo = colo_query_stats();
    }

    QEMU_LOCK_GUARD(&s->error_mutex);
    if (s->error) {
        g_free(info->error_desc);
        info->error_desc = g_strdup(error_get_pretty(s->error));
    }
}

static void fill_destination_migration_info(MigrationInfo *info)
{
    MigrationIncomingState *mis = migration_incoming_get_current();
    int state = qatomic_read(&mis->state);
    uint32_t blocktime;

    if (mis->socket_address_list) {
        info->socket_address = QAPI_CLONE(SocketAddressList,
                                          mis->socket_address_list);
    }
    if (state == MIGRATION_STATUS_NONE) {
        return;
    }
    info->has_status = true;
    info->status = state;
    if (postcopy_in_blocktime(&blocktime, &info->postcopy_vcpu_blocktime)) {
        info->has_postcopy_blocktime = true;
        info->postcopy_blocktime = blocktime;
    }
    if (mis->colo_enabled) {
        info->x_tern_colo = colo_query_stats();
    }

    QEMU_LOCK_GUARD(&mis->error_mutex);
    if (mis->error) {
        info->error_desc = g_strdup(error_get_pretty(mis->error));
    }
}

MigrationInfo *qmp_query_migrate(Error **errp)
{
    MigrationInfo *info = g_new0(MigrationInfo, 1);

    fill_destination_migration_info(info);
    fill_source_migration_info(info);
    trace_qmp_query_migrate(info->has_status ?
                            MigrationStatus_str(info->status) : "-");
    return info;
}
