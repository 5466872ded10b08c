/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The destination side: migrate-incoming and -incoming, the load
 * coroutine around qemu_loadvm_state(), the destination's state and
 * MIGRATION events, and exit-on-error.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-migration.h"
#include "qapi/qapi-commands-net.h"
#include "qemu/bswap.h"
#include "qemu/coroutine.h"
#include "qemu/error-report.h"
#include "qemu/lockable.h"
#include "qemu/main-loop.h"
#include "system/runstate.h"
#include "migration/channel.h"
#include "migration/colo-incoming.h"
#include "migration/global_state.h"
#include "migration/migration.h"
#include "migration/multifd.h"
#include "migration/multifd-packet.h"
#include "migration/options.h"
#include "migration/postcopy-in.h"
#include "migration/postcopy-preempt.h"
#include "migration/qemu-file.h"
#include "migration/return-path.h"
#include "migration/savevm.h"
#include "migration/tls.h"
#include "migration/trace.h"
#include "migration/yank_functions.h"

/* --------------------------------------------------------------- state */

static void migration_incoming_state_destroy(void)
{
    MigrationIncomingState *mis = migration_incoming_get_current();

    if (mis->to_src_file) {
        /* Tell the source how it ended: 0 = loaded. */
        bool failed = qatomic_read(&mis->state) == MIGRATION_STATUS_FAILED ||
            (mis->from_src_file && qemu_file_get_error(mis->from_src_file));

        migrate_send_rp_shut(mis, failed);
        qemu_mutex_lock(&mis->rp_mutex);
        qemu_fclose(mis->to_src_file);
        mis->to_src_file = NULL;
        qemu_mutex_unlock(&mis->rp_mutex);
    }
    if (mis->from_src_file) {
        qemu_fclose(mis->from_src_file);
        mis->from_src_file = NULL;
    }
    multifd_recv_cleanup();
    migration_incoming_transport_cleanup(mis);
    migration_yank_unregister();
}

/* Start the guest as the source left it (globalstate) and -S allow. */
static void process_incoming_migration_bh(void *opaque)
{
    MigrationIncomingState *mis = opaque;

    /* The NICs announce their new home (net/announce.c), as in QEMU. */
    migration_call_notifiers(MIG_EVENT_INCOMING_DONE, NULL);
    if (!global_state_received() ||
        runstate_is_live(global_state_get_runstate())) {
        if (autostart) {
            vm_start();
        } else {
            runstate_set(RUN_STATE_PAUSED);
        }
    } else {
        runstate_set(global_state_get_runstate());
    }
    migrate_set_state(&mis->state, MIGRATION_STATUS_ACTIVE,
                      MIGRATION_STATUS_COMPLETED);
    migration_incoming_state_destroy();
}

static void migration_incoming_fail(MigrationIncomingState *mis,
                                    int old_state, Error *err);

/* The initial load of a COLO secondary ended: stay in COLO from here. */
/*
 * Postcopy's RUN: the device state is loaded and the guest starts now,
 * not when the last page arrives, so the NICs announce their new home
 * here (net/announce.c), as QEMU does at RUN.
 */
static void postcopy_incoming_run(void)
{
    migration_call_notifiers(MIG_EVENT_INCOMING_DONE, NULL);
}

static void process_incoming_colo_bh(void *opaque)
{
    MigrationIncomingState *mis = opaque;
    Error *err = NULL;

    if (!colo_incoming_start(mis, migration_incoming_state_destroy, &err)) {
        migration_incoming_fail(mis, MIGRATION_STATUS_ACTIVE, err);
    }
}

static void coroutine_fn process_incoming_migration_co(void *opaque)
{
    MigrationIncomingState *mis = migration_incoming_get_current();
    Error *err = NULL;
    int ret;

    migrate_set_state(&mis->state, MIGRATION_STATUS_SETUP,
                      MIGRATION_STATUS_ACTIVE);
    mis->postcopy_load_done = migration_incoming_state_destroy;
    mis->postcopy_run = postcopy_incoming_run;
    ret = qemu_loadvm_state(mis->from_src_file, &err);
    trace_process_incoming_migration_co_end(ret);
    mis->migration_incoming_co = NULL;
    if (ret > 0) {
        /* Postcopy: the guest runs; the listen thread ends the load. */
        return;
    }
    if (ret >= 0) {
        qemu_bh_schedule_oneshot(mis->colo_enabled ?
                                 process_incoming_colo_bh :
                                 process_incoming_migration_bh, mis);
        return;
    }

    if (err) {
        error_prepend(&err, "load of migration failed: ");
    } else {
        error_setg(&err, "load of migration failed: %s", strerror(-ret));
    }
    /* Postcopy-active when the package failed after LISTEN. */
    migration_incoming_fail(mis, qatomic_read(&mis->state) ==
                            MIGRATION_STATUS_POSTCOPY_ACTIVE ?
                            MIGRATION_STATUS_POSTCOPY_ACTIVE :
                            MIGRATION_STATUS_ACTIVE, err);
}

/*
 * The incoming migration failed with @err (taken), or with an earlier
 * error if one was recorded (a multifd channel's, which made the load
 * fail): record it, end, and exit if exit-on-error says so.
 */
static void migration_incoming_fail(MigrationIncomingState *mis,
                                    int old_state, Error *err)
{
    trace_migration_incoming_failed(error_get_pretty(err));
    migrate_incoming_set_error(mis, err);
    error_free(err);
    WITH_QEMU_LOCK_GUARD(&mis->error_mutex) {
        err = error_copy(mis->error);
    }
    migrate_set_state(&mis->state, old_state, MIGRATION_STATUS_FAILED);
    migration_incoming_state_destroy();
    if (mis->exit_on_error) {
        error_report_err(err);
        exit(EXIT_FAILURE);
    }
    error_free(err);
}

/* An extra channel (multifd, or one we cannot use) failed; takes @err. */
static void migration_incoming_channel_failed(Error *err)
{
    MigrationIncomingState *mis = migration_incoming_get_current();
    int state = qatomic_read(&mis->state);

    if (state != MIGRATION_STATUS_SETUP && state != MIGRATION_STATUS_ACTIVE) {
        error_free(err);    /* already over */
        return;
    }
    if (mis->migration_incoming_co) {
        /* Make the load fail now; it reports this first error. */
        migrate_incoming_set_error(mis, err);
        error_free(err);
        qemu_file_shutdown(mis->from_src_file);
        return;
    }
    migration_incoming_fail(mis, state, err);
}

static void migration_fd_process_incoming(QEMUFile *f)
{
    MigrationIncomingState *mis = migration_incoming_get_current();
    Coroutine *co;

    trace_migration_incoming_process();
    mis->from_src_file = f;
    /*
     * The load runs in the main loop: a read with no data yet must yield
     * to it (QMP stays served), not block the whole process.
     */
    qio_channel_set_blocking(qemu_file_get_ioc(f), false, NULL);
    co = qemu_coroutine_create(process_incoming_migration_co, NULL);
    mis->migration_incoming_co = co;
    qemu_coroutine_enter(co);
}

static void migration_channel_accept(QIOChannel *ioc, void *opaque);

/* The main channel failed before the stream: as a failed load. */
static void migration_incoming_fail_early(Error *err)
{
    MigrationIncomingState *mis = migration_incoming_get_current();

    trace_migration_incoming_failed(error_get_pretty(err));
    migrate_incoming_set_error(mis, err);
    migrate_set_state(&mis->state, MIGRATION_STATUS_SETUP,
                      MIGRATION_STATUS_FAILED);
    migration_incoming_state_destroy();
    if (mis->exit_on_error) {
        error_report_err(err);
        exit(EXIT_FAILURE);
    }
    error_report_err(err);
}

/* The main channel's TLS handshake ended (main loop). */
static void migration_tls_accepted(QIOChannel *tls_ioc, Error *err,
                                   void *opaque)
{
    MigrationIncomingState *mis = opaque;

    if (err && mis->from_src_file) {
        /* A preempt channel's: the main stream goes on without it. */
        error_report_err(err);
        return;
    }
    if (err) {
        migration_incoming_fail_early(err);
        return;
    }
    migration_ioc_register_yank(tls_ioc);
    if (qatomic_read(&mis->state) == MIGRATION_STATUS_POSTCOPY_RECOVER_SETUP &&
        !mis->from_src_file) {
        trace_migration_incoming_channel("postcopy recovery (tls)");
        postcopy_in_recover_channel(qemu_file_new_input(tls_ioc));
    } else if (mis->from_src_file && migrate_postcopy_preempt()) {
        trace_migration_incoming_channel("postcopy-preempt (tls)");
        postcopy_preempt_incoming(tls_ioc);
    } else {
        trace_migration_incoming_channel("main (tls)");
        migration_fd_process_incoming(qemu_file_new_input(tls_ioc));
    }
    object_unref(tls_ioc);
}

/*
 * Multifd: the destination tells the main channel from the multifd ones
 * by their first four bytes (the stream's "QEVM" or the multifd magic),
 * so they may arrive in any order.  The bytes are peeked when they come,
 * from the main loop, which never waits for a slow peer.
 */
static gboolean migration_incoming_classify(QIOChannel *ioc,
                                            GIOCondition cond,
                                            gpointer opaque);

static gboolean migration_incoming_classify_retry(gpointer opaque)
{
    QIOChannel *ioc = opaque;

    /* Fewer than four bytes came: look again when more are there. */
    qio_channel_add_watch(ioc, G_IO_IN | G_IO_HUP | G_IO_ERR,
                          migration_incoming_classify, ioc, NULL);
    return G_SOURCE_REMOVE;
}

static gboolean migration_incoming_classify(QIOChannel *ioc,
                                            GIOCondition cond,
                                            gpointer opaque)
{
    MigrationIncomingState *mis = migration_incoming_get_current();
    uint8_t magic[4];
    struct iovec iov = { .iov_base = magic, .iov_len = sizeof(magic) };
    Error *err = NULL;
    ssize_t n;

    n = qio_channel_readv_full(ioc, &iov, 1, NULL, NULL,
                               QIO_CHANNEL_READ_FLAG_MSG_PEEK, &err);
    if (n == QIO_CHANNEL_ERR_BLOCK) {
        return G_SOURCE_CONTINUE;
    }
    if (n > 0 && n < sizeof(magic)) {
        g_timeout_add(10, migration_incoming_classify_retry, ioc);
        return G_SOURCE_REMOVE;
    }
    if (n < 0) {
        error_prepend(&err, "Incoming migration connection: ");
    } else if (n == 0) {
        error_setg(&err, "Incoming migration connection closed before it "
                   "said what it is");
    } else if (ldl_be_p(magic) == QEMU_VM_FILE_MAGIC) {
        trace_migration_incoming_channel("main");
        if (mis->from_src_file) {
            error_setg(&err, "A second main migration channel arrived");
        } else {
            migration_fd_process_incoming(qemu_file_new_input(ioc));
        }
    } else if (ldl_be_p(magic) == MULTIFD_MAGIC) {
        trace_migration_incoming_channel("multifd");
        multifd_recv_new_channel(ioc, migration_incoming_channel_failed);
    } else {
        error_setg(&err, "Incoming migration connection starts with "
                   "0x%08x: neither the migration stream (\"QEVM\") nor a "
                   "multifd channel (0x%08x)", ldl_be_p(magic),
                   MULTIFD_MAGIC);
    }
    if (err) {
        migration_incoming_channel_failed(err);
    }
    object_unref(OBJECT(ioc));
    return G_SOURCE_REMOVE;
}

/*
 * The source opened multifd (or postcopy-preempt) channels, so the main
 * channel alone will never carry all the RAM.  Fail now rather than wait
 * for a source that may never close it.
 */
static void migration_incoming_extra_channel(MigrationIncomingState *mis)
{
    error_report("Extra incoming migration connection, but the multifd "
                 "capability is off here; failing the migration (set "
                 "multifd on both sides)");
    if (mis->from_src_file) {
        qio_channel_shutdown(qemu_file_get_ioc(mis->from_src_file),
                             QIO_CHANNEL_SHUTDOWN_BOTH, NULL);
    }
}

/* channel.c's MigrationAcceptFunc: a channel from the source. */
static void migration_channel_accept(QIOChannel *ioc, void *opaque)
{
    MigrationIncomingState *mis = opaque;

    migration_ioc_register_yank(ioc);
    if (migrate_channel_requires_tls_upgrade(ioc)) {
        Error *err = NULL;
        bool recovery = qatomic_read(&mis->state) ==
                        MIGRATION_STATUS_POSTCOPY_RECOVER_SETUP &&
                        !mis->from_src_file;

        /*
         * Ciphertext says nothing of what a channel is.  As in QEMU, the
         * first connection is the main channel (a source opens its
         * multifd channels only after that handshake); the others are
         * multifd channels, whose threads run their own handshakes, or
         * the postcopy-preempt channel, handshaken here and then taken
         * as below (as is a postcopy recovery's new main channel).
         */
        if (mis->tls_main_seen && !recovery) {
            if (migrate_multifd()) {
                trace_migration_incoming_channel("multifd (tls)");
                multifd_recv_new_channel(ioc,
                                         migration_incoming_channel_failed);
                return;
            }
            if (!migrate_postcopy_preempt()) {
                migration_incoming_extra_channel(mis);
                return;
            }
        }
        mis->tls_main_seen = true;
        /* Nothing of the stream is read before the handshake is done. */
        if (!migration_tls_channel_start(ioc, true, NULL,
                                         migration_tls_accepted, mis,
                                         &err)) {
            migration_incoming_fail_early(err);
        }
        return;
    }
    /* mapped-ram's multifd channels are the load's own (multifd-file.c). */
    if (migrate_multifd() && !migrate_mapped_ram()) {
        object_ref(OBJECT(ioc));
        qio_channel_set_blocking(ioc, false, NULL);
        qio_channel_add_watch(ioc, G_IO_IN | G_IO_HUP | G_IO_ERR,
                              migration_incoming_classify, ioc, NULL);
        return;
    }
    if (qatomic_read(&mis->state) == MIGRATION_STATUS_POSTCOPY_RECOVER_SETUP &&
        !mis->from_src_file) {
        /* migrate-recover's channel: the paused listen thread takes it. */
        postcopy_in_recover_channel(qemu_file_new_input(ioc));
        return;
    }
    if (mis->from_src_file && migrate_postcopy_preempt()) {
        /* QEMU sends no greeting: the second connection is preempt's. */
        postcopy_preempt_incoming(ioc);
        return;
    }
    if (mis->from_src_file) {
        migration_incoming_extra_channel(mis);
        return;
    }
    migration_fd_process_incoming(qemu_file_new_input(ioc));
}

/* ------------------------------------------------------- QMP entry point */

void qemu_start_incoming_migration(const char *uri, bool has_channels,
                                   MigrationChannelList *channels,
                                   Error **errp)
{
    MigrationIncomingState *mis = migration_incoming_get_current();
    g_autoptr(MigrationChannel) channel = NULL;
    MigrationListener listener;
    int num = migrate_multifd() ? migrate_multifd_channels() + 1 :
              migrate_postcopy_preempt() ? 2 : 1;

    if (!migrate_channel_from_args(uri, has_channels ? channels : NULL,
                                   true, &channel, errp)) {
        return;
    }
    if (qatomic_read(&mis->state) != MIGRATION_STATUS_NONE) {
        error_setg(errp, "Illegal incoming migration state: %s",
                   MigrationStatus_str(mis->state));
        return;
    }
    if (!multifd_check_address(channel->addr, errp)) {
        return;
    }
    if (migrate_postcopy_preempt() &&
        !migrate_address_is_multi_channel(channel->addr)) {
        error_setg(errp, "Migration requires multi-channel URIs (e.g. tcp)");
        return;
    }
    trace_qmp_migrate_incoming(uri ? uri : "(channels)");
    if (!migration_yank_register(errp)) {
        return;
    }
    mis->tls_main_seen = false;
    migrate_set_state(&mis->state, MIGRATION_STATUS_NONE,
                      MIGRATION_STATUS_SETUP);
    if (!migration_transport_start_incoming(channel->addr, num,
                                            migration_channel_accept, mis,
                                            &listener, errp)) {
        migration_yank_unregister();
        /* Nothing is listening: a later attempt may start afresh. */
        migrate_set_state(&mis->state, MIGRATION_STATUS_SETUP,
                          MIGRATION_STATUS_NONE);
        return;
    }
    mis->transport_cleanup = listener.cleanup;
    mis->transport_data = listener.data;
    mis->socket_address_list = listener.addresses;
}

void qmp_migrate_incoming(const char *uri, MigrationChannelList *channels,
                          bool has_exit_on_error, bool exit_on_error,
                          Error **errp)
{
    MigrationIncomingState *mis = migration_incoming_get_current();
    static bool once = true;
    Error *err = NULL;

    if (!once) {
        error_setg(errp, "The incoming migration has already been started");
        return;
    }
    if (!runstate_check(RUN_STATE_INMIGRATE)) {
        error_setg(errp, "'-incoming' was not specified on the command line");
        return;
    }
    mis->exit_on_error = has_exit_on_error ? exit_on_error : true;
    qemu_start_incoming_migration(uri, channels != NULL, channels, &err);
    if (err) {
        error_propagate(errp, err);
        return;
    }
    once = false;
}

/*
 * Postcopy recovery, destination side: listen again (the old listener
 * goes); the channel that comes wakes the paused listen thread.
 */
void qmp_migrate_recover(const char *uri, Error **errp)
{
    MigrationIncomingState *mis = migration_incoming_get_current();
    g_autoptr(MigrationChannel) channel = NULL;
    MigrationListener listener;

    if (qatomic_read(&mis->state) != MIGRATION_STATUS_POSTCOPY_PAUSED) {
        error_setg(errp, "Migrate recover can only be run when postcopy "
                   "is paused.");
        return;
    }
    if (!migrate_channel_from_args(uri, NULL, true, &channel, errp)) {
        return;
    }
    if (migrate_postcopy_preempt() &&
        !migrate_address_is_multi_channel(channel->addr)) {
        error_setg(errp, "Migration requires multi-channel URIs (e.g. tcp)");
        return;
    }
    migration_incoming_transport_cleanup(mis);
    migrate_set_state(&mis->state, MIGRATION_STATUS_POSTCOPY_PAUSED,
                      MIGRATION_STATUS_POSTCOPY_RECOVER_SETUP);
    if (!migration_transport_start_incoming(channel->addr,
                                            migrate_postcopy_preempt() ? 2
                                                                       : 1,
                                            migration_channel_accept, mis,
                                            &listener, errp)) {
        migrate_set_state(&mis->state,
                          MIGRATION_STATUS_POSTCOPY_RECOVER_SETUP,
                          MIGRATION_STATUS_POSTCOPY_PAUSED);
        return;
    }
    mis->transport_cleanup = listener.cleanup;
    mis->transport_data = listener.data;
    qapi_free_SocketAddressList(mis->socket_address_list);
    mis->socket_address_list = listener.addresses;
}
