/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the rest of Tern may call in the migration subsystem: start-up,
 * state predicates, blockers and notifiers.  Everything else about
 * migration is private to migration/ (see migration/migration.h).
 */
#ifndef MIGRATION_MISC_H
#define MIGRATION_MISC_H

#include "qapi/qapi-types-migration.h"
#include "qapi/qapi-types-net.h"
#include "qemu/notify.h"

/* ------------------------------------------------------------ start-up */

/*
 * Create the TYPE_MIGRATION singleton and the incoming state.  vl.c calls
 * it once, after -global options are registered (so that
 * "-global migration.NAME=VALUE" applies) and before any migration
 * command can run.  The default parameters and capabilities are checked
 * here; a failing combination is fatal (exit(1) with the reason).  It
 * then registers the stream's own sections (timer, ram, globalstate)
 * and installs the qdev hooks, so it must run before any device is
 * realized.
 */
void migration_object_init(void);

/*
 * On process exit: cancel an outgoing migration, wait for its thread
 * and release the objects.  Safe to call when nothing ever migrated.
 */
void migration_shutdown(void);

/*
 * -incoming: vl.c, after the machine is created and the run state is
 * RUN_STATE_INMIGRATE, calls
 *     if (strcmp(incoming, "defer") != 0) {
 *         qmp_migrate_incoming(incoming, NULL, true, true, &error_fatal);
 *     }
 * so that a later migrate-incoming is refused as a second start.  The
 * lower-level entry point, without the once-only and run-state checks:
 */
void qemu_start_incoming_migration(const char *uri, bool has_channels,
                                   MigrationChannelList *channels,
                                   Error **errp);

/* ---------------------------------------------------------- predicates */

/* An outgoing migration is between setup and its cleanup (not idle). */
bool migration_is_running(void);
/* The outgoing migration is in precopy 'active' or postcopy-active. */
bool migration_is_active(void);
/* Either side: a migration is in a postcopy state. */
bool migration_in_postcopy(void);
bool migration_in_incoming_postcopy(void);
bool migration_incoming_postcopy_advised(void);
/* This process is (or was) the destination of a migration. */
bool migration_is_incoming(void);
/* True inside the outgoing migration thread. */
bool migration_thread_is_self(void);

/* ------------------------------------------------------------ blockers */

/*
 * Add *@reasonp to the list of reasons that block migration.  Fails, and
 * frees *@reasonp (setting it to NULL), when a migration is running: the
 * caller must then not proceed with what would break migration.  On
 * success the list owns the Error and *@reasonp stays the handle to pass
 * to migrate_del_blocker().  Returns 0 or -EBUSY / -EACCES (with
 * --only-migratable, which Tern does not have yet: never).
 */
int migrate_add_blocker(Error **reasonp, Error **errp);
/* Same: blocks every migration mode (the only mode Tern runs). */
int migrate_add_blocker_normal(Error **reasonp, Error **errp);
/* Same, for blockers that cannot be avoided by the user. */
int migrate_add_blocker_internal(Error **reasonp, Error **errp);
/* Remove and free *@reasonp if it is listed; sets *@reasonp = NULL. */
void migrate_del_blocker(Error **reasonp);
/* True (and the first reason in @errp) if migration is blocked now. */
bool migration_is_blocked(Error **errp);

/* ----------------------------------------------------------- notifiers */

typedef enum MigrationEventType {
    MIG_EVENT_PRECOPY_SETUP,
    MIG_EVENT_PRECOPY_DONE,
    MIG_EVENT_PRECOPY_FAILED,
    /*
     * Destination: the device state is loaded, the guest is about to run
     * (after a precopy load, or at a postcopy RUN command).
     */
    MIG_EVENT_INCOMING_DONE,
    MIG_EVENT_MAX
} MigrationEventType;

typedef struct MigrationEvent {
    MigrationEventType type;
} MigrationEvent;

/*
 * Called on the main thread with the BQL.  A SETUP notifier may fail the
 * migration by returning non-zero with @errp set; DONE and FAILED
 * notifiers cannot fail.
 */
typedef int (*MigrationNotifyFunc)(NotifierWithReturn *notify,
                                   MigrationEvent *e, Error **errp);

void migration_add_notifier(NotifierWithReturn *notify,
                            MigrationNotifyFunc func);
void migration_remove_notifier(NotifierWithReturn *notify);

/* --------------------------------------------------------------- misc */

/* The announce-* migration parameters, as announce-self takes them. */
void migrate_announce_params(AnnounceParameters *ap);

/* HMP "info migrate" preamble (globals); @mon may be NULL (stdout). */
void migration_global_dump(Monitor *mon);

#endif /* MIGRATION_MISC_H */
