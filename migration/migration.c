/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration core: the TYPE_MIGRATION object and the incoming state,
 * the state variable and its one setter (trace + MIGRATION event), errors,
 * blockers, notifiers and query-migrate.  The outgoing migration (QMP
 * entry points, thread, switchover) is outgoing.c, the destination side
 * incoming.c, options options.c.
 */
#include "qemu/osdep.h"
#include "hw/qdev-properties.h"
#include "qapi/clone-visitor.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-migration.h"
#include "qapi/qapi-events-migration.h"
#include "qapi/qapi-visit-sockets.h"
#include "qemu/error-report.h"
#include "qemu/lockable.h"
#include "qemu/timer.h"
#include "migration/migration.h"
#include "migration/migration-stats.h"
#include "migration/options.h"
#include "migration/savevm.h"
#include "migration/qemu-file.h"
#include "migration/trace.h"

static MigrationState *current_migration;
static MigrationIncomingState *current_incoming;

/* Error objects whose message says why migration is impossible now. */
static GSList *migration_blockers;

static NotifierWithReturnList migration_state_notifiers =
    NOTIFIER_WITH_RETURN_LIST_INITIALIZER(migration_state_notifiers);

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
    Error *err = NULL;

    /* Only once per process. */
    assert(!current_migration);
    current_migration = MIGRATION(object_new(TYPE_MIGRATION));

    current_incoming = g_new0(MigrationIncomingState, 1);
    current_incoming->state = MIGRATION_STATUS_NONE;
    current_incoming->exit_on_error = true;
    qemu_mutex_init(&current_incoming->rp_mutex);
    qemu_mutex_init(&current_incoming->error_mutex);

    migration_rate_set(current_migration->parameters.max_bandwidth);
    if (!migrate_options_check_initial(current_migration, &err)) {
        error_report_err(err);
        exit(1);
    }
}

MigrationState *migrate_get_current(void)
{
    /* Use before migration_object_init() is a bug. */
    assert(current_migration);
    return current_migration;
}

MigrationIncomingState *migration_incoming_get_current(void)
{
    assert(current_incoming);
    return current_incoming;
}

/* ----------------------------------------------------------------- state */

void migrate_set_state(int *state, int old_state, int new_state)
{
    assert(new_state >= 0 && new_state < MIGRATION_STATUS__MAX);
    if (qatomic_cmpxchg(state, old_state, new_state) == old_state) {
        trace_migrate_set_state(MigrationStatus_str(new_state));
        if (migrate_events()) {
            qapi_event_send_migration(new_state);
        }
    }
}

void migration_send_pass_event(int64_t pass)
{
    if (migrate_events()) {
        qapi_event_send_migration_pass(pass);
    }
}

bool migration_state_is_running(int state)
{
    switch (state) {
    case MIGRATION_STATUS_SETUP:
    case MIGRATION_STATUS_ACTIVE:
    case MIGRATION_STATUS_POSTCOPY_ACTIVE:
    case MIGRATION_STATUS_POSTCOPY_PAUSED:
    case MIGRATION_STATUS_POSTCOPY_RECOVER_SETUP:
    case MIGRATION_STATUS_POSTCOPY_RECOVER:
    case MIGRATION_STATUS_PRE_SWITCHOVER:
    case MIGRATION_STATUS_DEVICE:
    case MIGRATION_STATUS_WAIT_UNPLUG:
    case MIGRATION_STATUS_CANCELLING:
    case MIGRATION_STATUS_COLO:
        return true;
    default:
        return false;
    }
}

static bool migration_state_in_postcopy(int state)
{
    switch (state) {
    case MIGRATION_STATUS_POSTCOPY_ACTIVE:
    case MIGRATION_STATUS_POSTCOPY_PAUSED:
    case MIGRATION_STATUS_POSTCOPY_RECOVER_SETUP:
    case MIGRATION_STATUS_POSTCOPY_RECOVER:
        return true;
    default:
        return false;
    }
}

bool migration_is_running(void)
{
    return current_migration &&
           migration_state_is_running(qatomic_read(&current_migration->state));
}

bool migration_is_active(void)
{
    int state;

    if (!current_migration) {
        return false;
    }
    state = qatomic_read(&current_migration->state);
    return state == MIGRATION_STATUS_ACTIVE ||
           state == MIGRATION_STATUS_POSTCOPY_ACTIVE;
}

bool migration_in_postcopy(void)
{
    return current_migration &&
           migration_state_in_postcopy(qatomic_read(&current_migration->state));
}

bool migration_in_incoming_postcopy(void)
{
    return current_incoming &&
           migration_state_in_postcopy(qatomic_read(&current_incoming->state));
}

bool migration_incoming_postcopy_advised(void)
{
    return current_incoming && current_incoming->postcopy_advised;
}

bool migration_is_incoming(void)
{
    return current_incoming &&
           qatomic_read(&current_incoming->state) != MIGRATION_STATUS_NONE;
}

bool migration_thread_is_self(void)
{
    return current_migration && current_migration->migration_thread_running &&
           qemu_thread_is_self(&current_migration->thread);
}

bool migration_is_setup_or_active(void)
{
    int state = current_migration ? qatomic_read(&current_migration->state)
                                  : MIGRATION_STATUS_NONE;

    switch (state) {
    case MIGRATION_STATUS_SETUP:
    case MIGRATION_STATUS_ACTIVE:
    case MIGRATION_STATUS_PRE_SWITCHOVER:
    case MIGRATION_STATUS_DEVICE:
    case MIGRATION_STATUS_WAIT_UNPLUG:
    case MIGRATION_STATUS_COLO:
        return true;
    default:
        return migration_state_in_postcopy(state);
    }
}

bool migration_has_failed(MigrationState *s)
{
    int state = qatomic_read(&s->state);

    return state == MIGRATION_STATUS_CANCELLED ||
           state == MIGRATION_STATUS_FAILED;
}

bool migration_in_setup(MigrationState *s)
{
    return qatomic_read(&s->state) == MIGRATION_STATUS_SETUP;
}

bool migration_has_finished(MigrationState *s)
{
    return qatomic_read(&s->state) == MIGRATION_STATUS_COMPLETED;
}

/* ---------------------------------------------------------------- errors */

void migrate_set_error(MigrationState *s, const Error *error)
{
    QEMU_LOCK_GUARD(&s->error_mutex);
    if (!s->error) {
        s->error = error_copy(error);
    }
}

bool migrate_has_error(MigrationState *s)
{
    QEMU_LOCK_GUARD(&s->error_mutex);
    return s->error != NULL;
}

bool migrate_error_propagate_copy(MigrationState *s, Error **errp)
{
    QEMU_LOCK_GUARD(&s->error_mutex);
    if (s->error) {
        error_propagate(errp, error_copy(s->error));
        return true;
    }
    return false;
}

void migrate_error_free(MigrationState *s)
{
    QEMU_LOCK_GUARD(&s->error_mutex);
    g_clear_pointer(&s->error, error_free);
}

void migrate_incoming_set_error(MigrationIncomingState *mis,
                                const Error *error)
{
    QEMU_LOCK_GUARD(&mis->error_mutex);
    if (!mis->error) {
        mis->error = error_copy(error);
    }
}

/* -------------------------------------------------------------- blockers */

static int add_blocker(Error **reasonp, Error **errp)
{
    ERRP_GUARD();

    if (migration_is_running()) {
        error_propagate_prepend(errp, *reasonp,
                                "disallowing migration blocker "
                                "(migration in progress) for: ");
        *reasonp = NULL;
        return -EBUSY;
    }
    trace_migration_blocker_add(error_get_pretty(*reasonp));
    migration_blockers = g_slist_prepend(migration_blockers, *reasonp);
    return 0;
}

int migrate_add_blocker(Error **reasonp, Error **errp)
{
    return add_blocker(reasonp, errp);
}

int migrate_add_blocker_normal(Error **reasonp, Error **errp)
{
    return add_blocker(reasonp, errp);
}

int migrate_add_blocker_internal(Error **reasonp, Error **errp)
{
    return add_blocker(reasonp, errp);
}

void migrate_del_blocker(Error **reasonp)
{
    if (*reasonp) {
        trace_migration_blocker_del(error_get_pretty(*reasonp));
        migration_blockers = g_slist_remove(migration_blockers, *reasonp);
        error_free(*reasonp);
        *reasonp = NULL;
    }
}

bool migration_is_blocked(Error **errp)
{
    if (qemu_savevm_state_blocked(errp)) {
        return true;
    }
    if (migration_blockers) {
        /* The oldest blocker first, as users added them. */
        GSList *last = g_slist_last(migration_blockers);

        error_propagate(errp, error_copy(last->data));
        return true;
    }
    return false;
}

static strList *migration_blocked_reasons(void)
{
    strList *head = NULL, **tail = &head;
    g_autoptr(GSList) list = g_slist_reverse(
        g_slist_copy(migration_blockers));

    for (GSList *l = list; l; l = l->next) {
        QAPI_LIST_APPEND(tail, g_strdup(error_get_pretty(l->data)));
    }
    qemu_savevm_non_migratable_list(&head);
    return head;
}

/* ------------------------------------------------------------- notifiers */

void migration_add_notifier(NotifierWithReturn *notify,
                            MigrationNotifyFunc func)
{
    notify->notify = (void *)func;
    notifier_with_return_list_add(&migration_state_notifiers, notify);
}

void migration_remove_notifier(NotifierWithReturn *notify)
{
    if (notify->notify) {
        notifier_with_return_remove(notify);
        notify->notify = NULL;
    }
}

int migration_call_notifiers(MigrationEventType type, Error **errp)
{
    MigrationEvent e = { .type = type };
    int ret;

    ret = notifier_with_return_list_notify(&migration_state_notifiers, &e,
                                           errp);
    /* Only setup may fail the migration. */
    assert(type == MIG_EVENT_PRECOPY_SETUP || !ret);
    return ret;
}

/* ------------------------------------------------------- incoming state */

void migration_incoming_transport_cleanup(MigrationIncomingState *mis)
{
    if (mis->transport_cleanup) {
        mis->transport_cleanup(mis->transport_data);
    }
    mis->transport_data = NULL;
    mis->transport_cleanup = NULL;
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

    if (mis->socket_address_list) {
        info->socket_address = QAPI_CLONE(SocketAddressList,
                                          mis->socket_address_list);
    }
    if (state == MIGRATION_STATUS_NONE) {
        return;
    }
    info->has_status = true;
    info->status = state;

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
