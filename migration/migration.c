/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The migration core, at the bottom of migration/: the TYPE_MIGRATION
 * object and the incoming state, the state variable and its one setter
 * (trace + MIGRATION event), errors, the list of blockers and the
 * notifiers.  It calls nothing else in migration/: everything above
 * asks it for the state.  Start-up and query-migrate are control.c, the
 * outgoing migration outgoing.c, the destination side incoming.c,
 * options options.c.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-migration.h"
#include "qapi/qapi-events-migration.h"
#include "qemu/error-report.h"
#include "qemu/lockable.h"
#include "migration/migration.h"
#include "migration/qemu-file.h"
#include "migration/trace.h"
#include "migration/yank_functions.h"

static MigrationState *current_migration;
static MigrationIncomingState *current_incoming;

/* Error objects whose message says why migration is impossible now. */
static GSList *migration_blockers;

static NotifierWithReturnList migration_state_notifiers =
    NOTIFIER_WITH_RETURN_LIST_INITIALIZER(migration_state_notifiers);

/* ------------------------------------------------------------ the object */

void migration_set_current(MigrationState *s, MigrationIncomingState *mis)
{
    /* Only once per process. */
    assert(!current_migration && !current_incoming);
    current_migration = s;
    current_incoming = mis;
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

/*
 * The events capability, read from the object here: options.c sits
 * above this file (it asks for the object), so its accessor
 * migrate_events() must not be called back from here.
 */
static bool migration_events_enabled(void)
{
    return current_migration &&
           current_migration->capabilities[MIGRATION_CAPABILITY_EVENTS];
}

void migrate_set_state(int *state, int old_state, int new_state)
{
    assert(new_state >= 0 && new_state < MIGRATION_STATUS__MAX);
    if (qatomic_cmpxchg(state, old_state, new_state) == old_state) {
        trace_migrate_set_state(MigrationStatus_str(new_state));
        if (migration_events_enabled()) {
            qapi_event_send_migration(new_state);
        }
    }
}

void migration_send_pass_event(int64_t pass)
{
    if (migration_events_enabled()) {
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

bool migration_state_in_postcopy(int state)
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
    case MIGRATION_STATUS_POSTCOPY_ACTIVE:
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

/* Make the source's stream and return path fail now, in any thread. */
void migration_shutdown_files(MigrationState *s)
{
    WITH_QEMU_LOCK_GUARD(&s->qemu_file_lock) {
        if (s->to_dst_file) {
            qemu_file_shutdown(s->to_dst_file);
        }
    }
    WITH_QEMU_LOCK_GUARD(&s->rp_state.qemu_file_lock) {
        if (s->rp_state.from_dst_file) {
            qemu_file_shutdown(s->rp_state.from_dst_file);
        }
    }
}

/* ---------------------------------------------------------------- errors */

void migrate_set_error(MigrationState *s, const Error *error)
{
    QEMU_LOCK_GUARD(&s->error_mutex);
    if (!s->error) {
        s->error = error_copy(error);
        if (migration_yanked()) {
            /* "Broken pipe" alone would hide that the user cut it. */
            error_prepend(&s->error, "Migration yanked: ");
        }
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

GSList *migration_blockers_get(void)
{
    return migration_blockers;
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
