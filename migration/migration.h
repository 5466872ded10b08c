/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to migration/: MigrationState (the outgoing side, the
 * TYPE_MIGRATION object) and MigrationIncomingState (the destination),
 * shared between the control half (migration.c, outgoing.c, incoming.c,
 * options.c) and the stream half (savevm.c, ram.c, transports).
 *
 * Who calls what, in one place:
 *
 *  source:  qmp_migrate() parses the address and calls the transport's
 *           *_start_outgoing_migration(); when its connection is up the
 *           transport calls migration_channel_connect(s, ioc, host, err),
 *           which wraps the channel in s->to_dst_file and starts the
 *           migration thread.  The thread calls the qemu_savevm_state_*
 *           functions of savevm.c (see the list below).
 *  dest:    qemu_start_incoming_migration() calls the transport's
 *           *_start_incoming_migration(); each accepted connection goes
 *           to migration_ioc_process_incoming(ioc, errp), which makes
 *           mis->from_src_file and starts the load coroutine (a loop
 *           around qemu_loadvm_state()).
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

/* Defaults of the parameters (FEATURES.md 2.2). */
#define DEFAULT_MIGRATE_MAX_BANDWIDTH (128 * 1024 * 1024ULL)
#define DEFAULT_MIGRATE_SET_DOWNTIME 300     /* ms */
#define MAX_MIGRATE_DOWNTIME_SECONDS 2000
#define MAX_MIGRATE_DOWNTIME (MAX_MIGRATE_DOWNTIME_SECONDS * 1000)

/* Return-path message types (destination -> source), FEATURES.md 6.3. */
enum mig_rp_message_type {
    MIG_RP_MSG_INVALID = 0,
    MIG_RP_MSG_SHUT,            /* be32: 0 = clean end, else an error */
    MIG_RP_MSG_PONG,            /* be32: echo of a PING */
    MIG_RP_MSG_REQ_PAGES_ID,    /* postcopy: be64 start, be32 len, str8 */
    MIG_RP_MSG_REQ_PAGES,       /* postcopy: be64 start, be32 len */
    MIG_RP_MSG_RECV_BITMAP,     /* postcopy recovery */
    MIG_RP_MSG_RESUME_ACK,      /* postcopy recovery: be32 1 */
    MIG_RP_MSG_SWITCHOVER_ACK,  /* 8.1+: no payload */
    MIG_RP_MSG_MAX
};

/* Longest return-path payload the source reader accepts. */
#define MIG_RP_MAX_PAYLOAD 512

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
     * Compat knobs, -global migration.NAME only (FEATURES.md 2.6): they
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
    /* Host name from the URI, for TLS (NULL if none). */
    char *hostname;

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
    /* Current window: start and bytes at start (for bandwidth). */
    int64_t iteration_start_time;
    uint64_t iteration_initial_bytes;
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

    /* The first error of this migration (error-desc); error_mutex. */
    QemuMutex error_mutex;
    Error *error;

    /* Set when qmp_migrate_cancel() runs (cancel requested). */
    bool cancel_requested;
};

/* The singleton; valid after migration_object_init(). */
MigrationState *migrate_get_current(void);

/*
 * Compare-and-swap *@state from @old_state to @new_state; only if it was
 * @old_state, trace the change and emit the MIGRATION event (when the
 * events capability is on).  Used for both sides' state variables.
 */
void migrate_set_state(int *state, int old_state, int new_state);

/* Remember the first error (later ones are dropped). */
void migrate_set_error(MigrationState *s, const Error *error);
bool migrate_has_error(MigrationState *s);
/* Copy of the first error into @errp; true if there was one. */
bool migrate_error_propagate_copy(MigrationState *s, Error **errp);
void migrate_error_free(MigrationState *s);

/* Fail the migration with @error (set state to failed, keep the error). */
void migrate_fd_error(MigrationState *s, const Error *error);

/* State predicates on a state value (FEATURES.md 3.1). */
bool migration_state_is_running(int state);
bool migration_is_setup_or_active(void);
bool migration_has_failed(MigrationState *s);
bool migration_in_setup(MigrationState *s);
bool migration_has_finished(MigrationState *s);

/* Run the migration notifiers; only MIG_EVENT_PRECOPY_SETUP may fail. */
int migration_call_notifiers(MigrationEventType type, Error **errp);

/* Emit MIGRATION_PASS (under the events capability); ram.c, per sync. */
void migration_send_pass_event(int64_t pass);

/* --- transport callbacks (implemented here, called by transports) --- */

/*
 * Outgoing connection result.  On success (@error NULL) the channel
 * becomes s->to_dst_file and the migration thread starts; otherwise the
 * migration fails with a copy of @error (the caller keeps @error).
 * Main thread, BQL held.
 */
void migration_channel_connect(MigrationState *s, QIOChannel *ioc,
                               const char *hostname, Error *error);
/* Same, s->to_dst_file already set; takes ownership of @error_in. */
void migration_connect(MigrationState *s, Error *error_in);

/* An incoming connection was accepted on @ioc: start loading from it. */
void migration_ioc_process_incoming(QIOChannel *ioc, Error **errp);
/* Same with the QEMUFile already made. */
void migration_fd_process_incoming(QEMUFile *f);
/* True when every channel the destination expects has arrived. */
bool migration_has_all_channels(void);

/* ------------------------------------------------------ the destination */

struct MigrationIncomingState {
    /* MigrationStatus of the incoming side; migrate_set_state(). */
    int state;

    QEMUFile *from_src_file;
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

    /* Postcopy was advised (POSTCOPY_ADVISE seen); never, for now. */
    bool postcopy_advised;
};

MigrationIncomingState *migration_incoming_get_current(void);
/* Close the files, run transport_cleanup, reset for a new start. */
void migration_incoming_state_destroy(void);
void migration_incoming_transport_cleanup(MigrationIncomingState *mis);
void migrate_incoming_set_error(MigrationIncomingState *mis,
                                const Error *error);

/*
 * Return-path writers (destination side): each writes one framed message
 * (be16 type, be16 len, payload) under rp_mutex and flushes.  They are
 * no-ops without a return path.  Return 0 or a negative errno.
 */
int migrate_send_rp_message(MigrationIncomingState *mis,
                            enum mig_rp_message_type type,
                            uint16_t len, const void *data);
void migrate_send_rp_shut(MigrationIncomingState *mis, uint32_t value);
void migrate_send_rp_pong(MigrationIncomingState *mis, uint32_t value);

/* --------------------------------- savevm.c (the stream half) contract */

/*
 * The migration thread calls, in order:
 *   qemu_savevm_state_header(f)          magic, version, configuration
 *   [return-path: qemu_savevm_send_open_return_path(f),
 *                 qemu_savevm_send_ping(f, 1)]
 *   qemu_savevm_state_setup(f, errp)     SECTION_START of each live handler
 *   loop: qemu_savevm_state_pending_estimate(&must, &can), maybe _exact;
 *         qemu_savevm_state_iterate(f, false) (1 = all iterables done)
 *   vm_stop; qemu_savevm_state_complete_precopy(f, false, errp)
 *   qemu_savevm_state_cleanup()          always, on the main thread
 * Errors are latched on f (qemu_file_get_error) or returned.
 */
void qemu_savevm_state_header(QEMUFile *f);
int qemu_savevm_state_setup(QEMUFile *f, Error **errp);
int qemu_savevm_state_iterate(QEMUFile *f, bool postcopy);
void qemu_savevm_state_pending_estimate(uint64_t *must_precopy,
                                        uint64_t *can_postcopy);
void qemu_savevm_state_pending_exact(uint64_t *must_precopy,
                                     uint64_t *can_postcopy);
int qemu_savevm_state_complete_precopy(QEMUFile *f, bool iterable_only,
                                       Error **errp);
void qemu_savevm_state_cleanup(void);
void qemu_savevm_send_open_return_path(QEMUFile *f);
void qemu_savevm_send_ping(QEMUFile *f, uint32_t value);
/* Destination: load a whole stream; 0 or negative errno with @errp. */
int qemu_loadvm_state(QEMUFile *f, Error **errp);

/* Transports (socket.c, fd.c, exec.c, file.c); see channel.c dispatch. */
void socket_start_outgoing_migration(MigrationState *s,
                                     SocketAddress *saddr, Error **errp);
void socket_start_incoming_migration(SocketAddress *saddr, Error **errp);
void fd_start_outgoing_migration(MigrationState *s, const char *fdname,
                                 Error **errp);
void fd_start_incoming_migration(const char *fdname, Error **errp);
void exec_start_outgoing_migration(MigrationState *s, strList *command,
                                   Error **errp);
void exec_start_incoming_migration(strList *command, Error **errp);
void file_start_outgoing_migration(MigrationState *s,
                                   FileMigrationArgs *file_args,
                                   Error **errp);
void file_start_incoming_migration(FileMigrationArgs *file_args,
                                   Error **errp);

#endif /* MIGRATION_MIGRATION_H */
