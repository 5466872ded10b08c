/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to migration/: MigrationState (the outgoing side, the
 * TYPE_MIGRATION object) and MigrationIncomingState (the destination),
 * shared between the control half (migration.c, outgoing.c, incoming.c,
 * options.c) and the stream half (savevm.c, ram.c, transports).
 *
 * Who calls what, in one place (docs/devel/migration.md, "Layers"):
 *
 *  source:  qmp_migrate() parses the address and asks channel.c to start
 *           the transport, with a callback; when the channel is up the
 *           callback wraps it in s->to_dst_file and starts the migration
 *           thread.  The thread calls the qemu_savevm_state_* functions
 *           of savevm.c (see the list below).
 *  dest:    qemu_start_incoming_migration() asks channel.c to listen,
 *           with a callback that gets each channel; it makes
 *           mis->from_src_file and starts the load coroutine around
 *           qemu_loadvm_state().
 */
#ifndef MIGRATION_MIGRATION_H
#define MIGRATION_MIGRATION_H

#include "hw/qdev-core.h"
#include "migration/misc.h"
#include "qapi/qapi-types-migration.h"
#include "qapi/qapi-types-run-state.h"
#include "qapi/qapi-types-sockets.h"
#include "qemu/coroutine.h"
#include "qemu/thread.h"
#include "io/channel.h"

#define TYPE_MIGRATION "migration"
OBJECT_DECLARE_TYPE(MigrationState, MigrationClass, MIGRATION)

struct MigrationClass {
    DeviceClass parent_class;
};

/*
 * The migration thread works in windows of BUFFER_DELAY ms: it sends at
 * most max-bandwidth / XFER_LIMIT_RATIO bytes per window, then sleeps
 * until the window ends.  Bandwidth is measured over windows too.
 */
#define BUFFER_DELAY 100
#define XFER_LIMIT_RATIO (1000 / BUFFER_DELAY)

/* QEMU's defaults (docs/devel/migration-control.md, "Options"). */
#define DEFAULT_MIGRATE_MAX_BANDWIDTH (128 * 1024 * 1024ULL)
#define DEFAULT_MIGRATE_SET_DOWNTIME 300     /* ms */
#define MAX_MIGRATE_DOWNTIME_SECONDS 2000
#define MAX_MIGRATE_DOWNTIME (MAX_MIGRATE_DOWNTIME_SECONDS * 1000)

/* ----------------------------------------------------------- the source */

struct MigrationState {
    DeviceState parent_obj;

    /* --- owned by the main thread (BQL) unless noted --- */

    /* MigrationStatus; changed only through migrate_set_state(). */
    int state;

    /* Capabilities and parameters (options.c); tls_* are never NULL. */
    bool capabilities[MIGRATION_CAPABILITY__MAX];
    MigrationParameters parameters;
    /* block-bitmap-mapping was set (query shows it only then). */
    bool has_block_bitmap_mapping;

    /*
     * Compat knobs, -global migration.NAME only (migration-control.md,
     * "Options"): they
     * change the stream grammar, so both ends must agree.
     */
    bool store_global_state;
    bool send_configuration;
    bool send_section_footer;
    bool send_switchover_start;
    bool multifd_flush_after_each_section;
    bool preempt_pre_7_2;
    bool multifd_clean_tls_termination;
    uint8_t clear_bitmap_shift;

    /* The stream to the destination; guarded by qemu_file_lock. */
    QemuMutex qemu_file_lock;
    QEMUFile *to_dst_file;
    /* postcopy-preempt's channel (postcopy-preempt.c); same lock. */
    QEMUFile *postcopy_qemufile_src;
    /* Host name from the URI, for TLS (NULL if none). */
    char *hostname;
    /* Counts migrate commands; a connect result names its own. */
    unsigned int connect_attempt;

    /* The migration thread. */
    QemuThread thread;
    bool migration_thread_running;
    /* Scheduled by the thread when it ends; runs migration_cleanup(). */
    QEMUBH *cleanup_bh;
    /* Posted to wake the thread early from its rate-limit sleep. */
    QemuSemaphore rate_limit_sem;
    /* pause-before-switchover: migrate-continue (or cancel) posts it. */
    QemuSemaphore pause_sem;

    /* Return path (source side): reader thread for RP messages. */
    struct {
        QemuMutex qemu_file_lock;
        QEMUFile *from_dst_file;
        QemuThread rp_thread;
        bool rp_thread_created;
        /* Set by the reader on a bad message or an error SHUT. */
        bool error;
        /* Posted on each PONG (migration_rp_wait() waits for it). */
        QemuSemaphore rp_pong_acks;
        /* Posted when the reader thread ends. */
        QemuSemaphore rp_sem;
        /* Destination's SHUT arrived. */
        bool received_shut;
        uint32_t shut_value;
        /* Recovery messages read (bitmaps, RESUME_ACK; atomic). */
        unsigned int resume_msgs;
        /* The reader thread ended (atomic); postcopy_resume_sem posted. */
        bool ended;
    } rp_state;

    /* --- timing (ms, QEMU_CLOCK_REALTIME) and switchover --- */
    int64_t start_time;          /* migrate command accepted */
    int64_t setup_time;          /* setup duration, once known */
    int64_t total_time;          /* whole migration, once done */
    int64_t downtime_start;      /* VM stopped for switchover */
    int64_t downtime;            /* VM stopped until completion */
    int64_t expected_downtime;   /* remaining / bandwidth, updated live */
    /* Bytes a window may send; bandwidth * downtime-limit threshold. */
    uint64_t threshold_size;
    /* Current window: start, bytes and pages at start (for rates). */
    int64_t iteration_start_time;
    uint64_t iteration_initial_bytes;
    uint64_t iteration_initial_pages;
    /* The last iteration sent every page of its pass (thread only). */
    bool pass_done;
    /* The switchover was put off for one more pass (thread only). */
    bool extra_pass;
    /* downtime-limit when the migration thread started (ms). */
    uint64_t downtime_limit_start;
    /* Last measured throughput, Mbit/s (query-migrate 'mbps'). */
    double mbps;
    /* Bytes of the migration at switchover and after (downtime-bytes). */
    uint64_t switchover_start_bytes;

    /* Run state before the migration, restored on failure/cancel. */
    RunState vm_old_state;
    /* The VM was stopped by us for switchover (device state sent?). */
    bool vm_stopped_for_switchover;
    /*
     * Set once the device state (the end of the stream) was handed to
     * the destination: after this, the source must never run again.
     */
    bool switchover_done;
    /* migrate-start-postcopy was issued (atomic). */
    bool start_postcopy;
    /* Postcopy-paused thread: posted when a resume has its channel. */
    QemuSemaphore postcopy_pause_sem;
    /*
     * Recovery: posted by the rp thread for each received bitmap loaded,
     * RESUME_ACK, and when it ends.
     */
    QemuSemaphore postcopy_resume_sem;

    /* The first error of this migration (error-desc); error_mutex. */
    QemuMutex error_mutex;
    Error *error;

    /* Set when qmp_migrate_cancel() runs (cancel requested). */
    bool cancel_requested;
};

/*
 * The singletons, made by migration_object_init() (control.c), which
 * hands them over here once.
 */
void migration_set_current(MigrationState *s, MigrationIncomingState *mis);
/* The singleton; valid after migration_object_init(). */
MigrationState *migrate_get_current(void);

/*
 * Compare-and-swap *@state from @old_state to @new_state; only if it was
 * @old_state, trace the change and emit the MIGRATION event (when the
 * events capability is on).  Used for both sides' state variables.
 */
void migrate_set_state(int *state, int old_state, int new_state);

/*
 * Shut the source's stream and return path down (under their locks), so
 * that whoever reads or writes them fails at once.
 */
void migration_shutdown_files(MigrationState *s);

/* Remember the first error (later ones are dropped). */
void migrate_set_error(MigrationState *s, const Error *error);
bool migrate_has_error(MigrationState *s);
/* Copy of the first error into @errp; true if there was one. */
bool migrate_error_propagate_copy(MigrationState *s, Error **errp);
void migrate_error_free(MigrationState *s);

/* State predicates (QEMU's groupings; migration-control.md, "States"). */
bool migration_state_is_running(int state);
bool migration_is_setup_or_active(void);
bool migration_has_failed(MigrationState *s);
bool migration_in_setup(MigrationState *s);
bool migration_has_finished(MigrationState *s);

/*
 * The blockers added with migrate_add_blocker*(), newest first (the
 * list stays owned here).
 */
GSList *migration_blockers_get(void);

/* A postcopy state (postcopy-active, -paused, -recover-setup, -recover)? */
bool migration_state_in_postcopy(int state);

/* Run the migration notifiers; only MIG_EVENT_PRECOPY_SETUP may fail. */
int migration_call_notifiers(MigrationEventType type, Error **errp);

/* Emit MIGRATION_PASS (under the events capability); ram.c, per sync. */
void migration_send_pass_event(int64_t pass);

/* ------------------------------------------------------ the destination */

struct MigrationIncomingState {
    /* MigrationStatus of the incoming side; migrate_set_state(). */
    int state;

    QEMUFile *from_src_file;
    /* With TLS: the first connection (the main channel) has come. */
    bool tls_main_seen;
    /* Return path to the source; writers hold rp_mutex. */
    QemuMutex rp_mutex;
    QEMUFile *to_src_file;

    /* The load coroutine (main thread). */
    Coroutine *migration_incoming_co;

    /* migrate-incoming exit-on-error (default true). */
    bool exit_on_error;
    /* The first error of the load; error_mutex. */
    QemuMutex error_mutex;
    Error *error;

    /* The listening addresses (query-migrate socket-address). */
    SocketAddressList *socket_address_list;

    /* Transport's cleanup of its listener, called when loading ends. */
    void (*transport_cleanup)(void *data);
    void *transport_data;

    /* Run the VM after loading (set by savevm.c from globalstate/-S). */
    bool autostart_done;

    /* Postcopy was advised (POSTCOPY_ADVISE seen). */
    bool postcopy_advised;
    /* ENABLE_COLO seen: after the load this side is a COLO secondary. */
    bool colo_enabled;

    /* ram.c, for one load (load_setup to load_cleanup): */
    /* The block of the last page record, for CONTINUE across sections. */
    RAMBlock *last_recv_block;
    /* The fault-ahead helper thread, started by a run of normal pages. */
    struct RAMPrefault *ram_prefault;
    /*
     * Set by incoming.c before loading: postcopy's listen thread calls it
     * (BQL held) when the load ended well, to close the channels and
     * send the SHUT.
     */
    void (*postcopy_load_done)(void);
    /* Postcopy: called at RUN, before the guest starts (incoming.c). */
    void (*postcopy_run)(void);
};

MigrationIncomingState *migration_incoming_get_current(void);
void migration_incoming_transport_cleanup(MigrationIncomingState *mis);
void migrate_incoming_set_error(MigrationIncomingState *mis,
                                const Error *error);

#endif /* MIGRATION_MIGRATION_H */
