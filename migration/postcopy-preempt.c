/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The postcopy-preempt channel (see postcopy-preempt.h).  QEMU sends no
 * greeting on it: the destination knows it as the connection that comes
 * after the main one while postcopy-preempt is on.  What travels on it
 * is RAM page records (with their own CONTINUE chain), and with
 * x-preempt-pre-7-2 an EOS at the end, which a QEMU 7.2 destination
 * waits for before it ends the migration.
 */
#include "qemu/osdep.h"
#include "qapi/clone-visitor.h"
#include "qapi/error.h"
#include "qapi/qapi-visit-sockets.h"
#include "qemu/error-report.h"
#include "qemu/thread.h"
#include "io/channel-socket.h"
#include "migration/channel.h"
#include "migration/options.h"
#include "migration/postcopy-preempt.h"
#include "migration/tls.h"
#include "migration/trace.h"
#include "migration/yank_functions.h"

/* ----------------------------------------------------------- source */

static SocketAddress *preempt_addr;

bool postcopy_preempt_set_address(MigrationAddress *addr, Error **errp)
{
    g_clear_pointer(&preempt_addr, qapi_free_SocketAddress);
    if (!migrate_postcopy_preempt()) {
        return true;
    }
    if (!migrate_address_is_multi_channel(addr)) {
        error_setg(errp, "Migration requires multi-channel URIs (e.g. tcp)");
        return false;
    }
    preempt_addr = QAPI_CLONE(SocketAddress, &addr->u.socket);
    return true;
}

QEMUFile *postcopy_preempt_connect(const char *hostname, Error **errp)
{
    g_autoptr(QIOChannelSocket) sioc = qio_channel_socket_new();
    QIOChannel *ioc = QIO_CHANNEL(sioc);
    QIOChannel *tls = NULL;
    QEMUFile *f;

    if (!preempt_addr) {
        error_setg(errp, "postcopy-preempt: no address to connect to");
        return NULL;
    }
    if (qio_channel_socket_connect_sync(sioc, preempt_addr, errp) < 0) {
        error_prepend(errp, "postcopy-preempt channel: cannot connect: ");
        return NULL;
    }
    qio_channel_set_name(ioc, "migration-postcopy-preempt-outgoing");
    /* yank shuts down the socket, under TLS too. */
    migration_ioc_register_yank(ioc);
    if (migrate_channel_requires_tls_upgrade(ioc)) {
        tls = migration_tls_channel_wrap_sync(ioc, false, hostname,
                                              "postcopy-preempt-tls-outgoing",
                                              errp);
        if (!tls) {
            error_prepend(errp, "postcopy-preempt channel: ");
            return NULL;
        }
        ioc = tls;
    }
    f = qemu_file_new_output(ioc);
    if (tls) {
        object_unref(OBJECT(tls));
    }
    trace_postcopy_preempt_connected(tls != NULL);
    return f;
}

/* ------------------------------------------------------ destination */

static struct {
    QemuMutex lock;
    QemuCond cond;
    QEMUFile *f;                 /* the channel, once it came */
    bool quit;
    bool thread_running;
    QemuThread thread;
    void (*broken)(Error *err);
    PostcopyPreemptLoadFn *load;
} pp_dst;

static void __attribute__((constructor)) postcopy_preempt_init(void)
{
    qemu_mutex_init(&pp_dst.lock);
    qemu_cond_init(&pp_dst.cond);
}

void postcopy_preempt_set_loader(PostcopyPreemptLoadFn *fn)
{
    pp_dst.load = fn;
}

void postcopy_preempt_incoming(QIOChannel *ioc)
{
    QEMUFile *f;

    trace_postcopy_preempt_incoming();
    /* Its own thread reads it: blocking reads. */
    qio_channel_set_blocking(ioc, true, NULL);
    qio_channel_set_name(ioc, "migration-postcopy-preempt-incoming");
    f = qemu_file_new_input(ioc);
    qemu_mutex_lock(&pp_dst.lock);
    if (pp_dst.f) {
        qemu_mutex_unlock(&pp_dst.lock);
        error_report("A second postcopy-preempt channel arrived; closing "
                     "it");
        qemu_fclose(f);
        return;
    }
    pp_dst.f = f;
    qemu_cond_broadcast(&pp_dst.cond);
    qemu_mutex_unlock(&pp_dst.lock);
}

static void *postcopy_preempt_thread(void *opaque)
{
    Error *err = NULL;
    QEMUFile *f;
    int ret = 0;

    qemu_mutex_lock(&pp_dst.lock);
    while (!pp_dst.f && !pp_dst.quit) {
        qemu_cond_wait(&pp_dst.cond, &pp_dst.lock);
    }
    f = pp_dst.quit ? NULL : pp_dst.f;
    qemu_mutex_unlock(&pp_dst.lock);
    if (f) {
        ret = pp_dst.load(f, &err);
    }
    trace_postcopy_preempt_thread_end(ret);
    qemu_mutex_lock(&pp_dst.lock);
    if (ret < 0 && !pp_dst.quit) {
        qemu_mutex_unlock(&pp_dst.lock);
        error_prepend(&err, "postcopy-preempt channel: ");
        pp_dst.broken(err);
        return NULL;
    }
    qemu_mutex_unlock(&pp_dst.lock);
    error_free(err);
    return NULL;
}

void postcopy_preempt_dst_start(void (*broken)(Error *err))
{
    assert(pp_dst.load);
    pp_dst.broken = broken;
    pp_dst.quit = false;
    pp_dst.thread_running = true;
    qemu_thread_create(&pp_dst.thread, "postcopy/preempt",
                       postcopy_preempt_thread, NULL, QEMU_THREAD_JOINABLE);
}

void postcopy_preempt_dst_stop(void)
{
    if (!pp_dst.thread_running) {
        return;
    }
    qemu_mutex_lock(&pp_dst.lock);
    pp_dst.quit = true;
    if (pp_dst.f) {
        /* A QEMU 8.0+ source sends no EOS: its reads end here. */
        qemu_file_shutdown(pp_dst.f);
    }
    qemu_cond_broadcast(&pp_dst.cond);
    qemu_mutex_unlock(&pp_dst.lock);
    qemu_thread_join(&pp_dst.thread);
    pp_dst.thread_running = false;
}

void postcopy_preempt_dst_reset(void)
{
    postcopy_preempt_dst_stop();
    qemu_mutex_lock(&pp_dst.lock);
    if (pp_dst.f) {
        qemu_fclose(pp_dst.f);
        pp_dst.f = NULL;
    }
    pp_dst.quit = false;
    qemu_mutex_unlock(&pp_dst.lock);
}
