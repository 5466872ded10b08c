/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QIOChannelTLS (see include/io/channel-tls.h). */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/atomic.h"
#include "qemu/lockable.h"
#include "io/channel-tls.h"
#include "io/channel-watch.h"
#include "io/trace.h"

/* Read-ahead from the master: a few TLS records (16 KiB each) at once. */
#define TLS_RBUF_SIZE (256 * 1024)
/* Writes go out in records of this size (TLS's largest). */
#define TLS_WBUF_SIZE (16 * 1024)
/*
 * On a blocking master the records of one write are sent together, up
 * to this much ciphertext per system call: a write per 16 KiB record
 * costs more than copying the ciphertext once (1 GiB over a unix
 * socket on the development host: 0.6-1.2 s in 16 KiB writes, 0.3-0.45
 * s in 512 KiB ones).
 */
#define TLS_WBATCH_SIZE (512 * 1024)

/* --------------------------------------------- the session's transport */

/* Send the batched ciphertext; the batch is empty afterwards. */
static int tls_batch_flush(QIOChannelTLS *tioc, Error **errp)
{
    size_t len = tioc->wbatch_len;

    tioc->wbatch_len = 0;
    return len ? qio_channel_write_all(tioc->master, (char *)tioc->wbatch,
                                       len, errp) : 0;
}

static ssize_t tls_push(const char *buf, size_t len, void *opaque,
                        Error **errp)
{
    QIOChannelTLS *tioc = opaque;
    ssize_t ret;

    if (tioc->wbatch_on && len <= TLS_WBATCH_SIZE) {
        if (tioc->wbatch_len + len > TLS_WBATCH_SIZE &&
            tls_batch_flush(tioc, errp) < 0) {
            return -1;
        }
        memcpy(tioc->wbatch + tioc->wbatch_len, buf, len);
        tioc->wbatch_len += len;
        return len;
    }
    if (tioc->wbatch_on && tls_batch_flush(tioc, errp) < 0) {
        return -1;
    }
    ret = qio_channel_write(tioc->master, buf, len, errp);

    return ret == QIO_CHANNEL_ERR_BLOCK ? QCRYPTO_TLS_SESSION_ERR_BLOCK : ret;
}

/*
 * Set while readv reads on after it has data: the pull must then not
 * wait for the master, only hand out what is buffered.
 */
static __thread bool tls_pull_nowait;

static ssize_t tls_pull(char *buf, size_t len, void *opaque, Error **errp)
{
    QIOChannelTLS *tioc = opaque;
    size_t n;

    if (tioc->rbuf_pos == tioc->rbuf_len) {
        ssize_t ret;

        if (tls_pull_nowait) {
            return QCRYPTO_TLS_SESSION_ERR_BLOCK;
        }
        ret = qio_channel_read(tioc->master, (char *)tioc->rbuf,
                               TLS_RBUF_SIZE, errp);
        if (ret == QIO_CHANNEL_ERR_BLOCK) {
            return QCRYPTO_TLS_SESSION_ERR_BLOCK;
        }
        if (ret <= 0) {
            return ret;
        }
        tioc->rbuf_pos = 0;
        tioc->rbuf_len = ret;
    }
    n = MIN(len, tioc->rbuf_len - tioc->rbuf_pos);
    memcpy(buf, tioc->rbuf + tioc->rbuf_pos, n);
    tioc->rbuf_pos += n;
    return n;
}

static bool tls_has_buffered(QIOChannelTLS *tioc)
{
    return tioc->rbuf_pos < tioc->rbuf_len ||
           qcrypto_tls_session_check_pending(tioc->session) > 0;
}

/* ------------------------------------------------------------- creation */

static QIOChannelTLS *tls_new(QIOChannel *master, QCryptoTLSCreds *creds,
                              const char *hostname, const char *aclname,
                              QCryptoTLSCredsEndpoint endpoint, Error **errp)
{
    QIOChannelTLS *tioc = QIO_CHANNEL_TLS(object_new(TYPE_QIO_CHANNEL_TLS));

    tioc->master = QIO_CHANNEL(object_ref(master));
    if (qio_channel_has_feature(master, QIO_CHANNEL_FEATURE_SHUTDOWN)) {
        qio_channel_set_feature(QIO_CHANNEL(tioc),
                                QIO_CHANNEL_FEATURE_SHUTDOWN);
    }
    tioc->session = qcrypto_tls_session_new(creds, hostname, aclname,
                                            endpoint, errp);
    if (!tioc->session) {
        object_unref(tioc);
        return NULL;
    }
    tioc->rbuf = g_malloc(TLS_RBUF_SIZE);
    tioc->wbuf = g_malloc(TLS_WBUF_SIZE);
    tioc->wbatch = g_malloc(TLS_WBATCH_SIZE);
    qemu_mutex_init(&tioc->read_lock);
    qcrypto_tls_session_set_callbacks(tioc->session, tls_push, tls_pull,
                                      tioc);
    trace_qio_channel_tls_new(tioc, master, creds,
                              endpoint == QCRYPTO_TLS_CREDS_ENDPOINT_SERVER ?
                              "server" : "client");
    return tioc;
}

QIOChannelTLS *qio_channel_tls_new_server(QIOChannel *master,
                                          QCryptoTLSCreds *creds,
                                          const char *aclname, Error **errp)
{
    return tls_new(master, creds, NULL, aclname,
                   QCRYPTO_TLS_CREDS_ENDPOINT_SERVER, errp);
}

QIOChannelTLS *qio_channel_tls_new_client(QIOChannel *master,
                                          QCryptoTLSCreds *creds,
                                          const char *hostname, Error **errp)
{
    return tls_new(master, creds, hostname, NULL,
                   QCRYPTO_TLS_CREDS_ENDPOINT_CLIENT, errp);
}

QCryptoTLSSession *qio_channel_tls_get_session(QIOChannelTLS *ioc)
{
    return ioc->session;
}

/* ------------------------------------------------------------ handshake */

typedef struct TLSHandshake {
    QIOChannelTLS *tioc;
    QIOTask *task;
    GMainContext *context;
} TLSHandshake;

static gboolean tls_handshake_io(QIOChannel *master, GIOCondition cond,
                                 gpointer opaque);

static void tls_handshake_step(TLSHandshake *hs)
{
    QIOChannelTLS *tioc = hs->tioc;
    Error *err = NULL;
    int status = qcrypto_tls_session_handshake(tioc->session, &err);

    if (status == QCRYPTO_TLS_HANDSHAKE_SENDING ||
        status == QCRYPTO_TLS_HANDSHAKE_RECVING) {
        GIOCondition cond = status == QCRYPTO_TLS_HANDSHAKE_SENDING ?
                            G_IO_OUT : G_IO_IN;

        trace_qio_channel_tls_handshake_pending(tioc, status);
        tioc->hs_source = g_source_ref(
            qio_channel_add_watch_source(tioc->master, cond,
                                         tls_handshake_io, hs, NULL,
                                         hs->context));
        return;
    }
    if (status < 0) {
        trace_qio_channel_tls_handshake_fail(tioc, error_get_pretty(err));
        qio_task_set_error(hs->task, err);
    } else {
        g_autofree char *desc = qcrypto_tls_session_describe(tioc->session);

        trace_qio_channel_tls_handshake_complete(tioc, desc);
    }
    qio_task_complete(hs->task);
    if (hs->context) {
        g_main_context_unref(hs->context);
    }
    g_free(hs);
}

static gboolean tls_handshake_io(QIOChannel *master, GIOCondition cond,
                                 gpointer opaque)
{
    TLSHandshake *hs = opaque;

    g_source_unref(hs->tioc->hs_source);
    hs->tioc->hs_source = NULL;
    tls_handshake_step(hs);
    return G_SOURCE_REMOVE;
}

void qio_channel_tls_handshake(QIOChannelTLS *ioc, QIOTaskFunc func,
                               gpointer opaque, GDestroyNotify destroy,
                               GMainContext *context)
{
    TLSHandshake *hs = g_new0(TLSHandshake, 1);

    trace_qio_channel_tls_handshake_start(ioc);
    hs->tioc = ioc;
    hs->task = qio_task_new(OBJECT(ioc), func, opaque, destroy);
    hs->context = context ? g_main_context_ref(context) : NULL;
    /* The watches drive it: the master must never block the loop. */
    qio_channel_set_blocking(ioc->master, false, NULL);
    tls_handshake_step(hs);
}

bool qio_channel_tls_handshake_sync(QIOChannelTLS *ioc, Error **errp)
{
    trace_qio_channel_tls_handshake_start(ioc);
    for (;;) {
        int status = qcrypto_tls_session_handshake(ioc->session, errp);

        if (status < 0) {
            trace_qio_channel_tls_handshake_fail(ioc, "sync");
            return false;
        }
        if (status == QCRYPTO_TLS_HANDSHAKE_COMPLETE) {
            g_autofree char *desc = qcrypto_tls_session_describe(ioc->session);

            trace_qio_channel_tls_handshake_complete(ioc, desc);
            return true;
        }
        qio_channel_wait(ioc->master,
                         status == QCRYPTO_TLS_HANDSHAKE_SENDING ? G_IO_OUT
                                                                 : G_IO_IN);
    }
}

bool qio_channel_tls_bye(QIOChannelTLS *ioc, Error **errp)
{
    for (;;) {
        int ret = qcrypto_tls_session_bye(ioc->session, errp);

        if (ret != QCRYPTO_TLS_SESSION_ERR_BLOCK) {
            return ret == 0;
        }
        qio_channel_wait(ioc->master, G_IO_OUT);
    }
}

/* ---------------------------------------------------------- the channel */

static ssize_t qio_channel_tls_readv(QIOChannel *ioc,
                                     const struct iovec *iov, size_t niov,
                                     int **fds, size_t *nfds, int flags,
                                     Error **errp)
{
    QIOChannelTLS *tioc = QIO_CHANNEL_TLS(ioc);
    bool graceful = qatomic_read(&tioc->shutdown) & QIO_CHANNEL_SHUTDOWN_READ;
    bool relaxed = flags & QIO_CHANNEL_READ_FLAG_RELAXED_EOF;
    ssize_t got = 0;

    if (fds) {
        *fds = NULL;
        *nfds = 0;
    }
    if (graceful) {
        return 0;
    }
    QEMU_LOCK_GUARD(&tioc->read_lock);
    for (size_t i = 0; i < niov; i++) {
        size_t done = 0;

        while (done < iov[i].iov_len) {
            ssize_t ret;

            /* Once we have something, take only what needs no waiting. */
            if (got + done > 0 && !tls_has_buffered(tioc)) {
                return got + done;
            }
            tls_pull_nowait = got + done > 0;
            ret = qcrypto_tls_session_read(tioc->session,
                                           (char *)iov[i].iov_base + done,
                                           iov[i].iov_len - done, relaxed,
                                           errp);
            tls_pull_nowait = false;
            if (ret == QCRYPTO_TLS_SESSION_ERR_BLOCK) {
                return got + done ? got + done : QIO_CHANNEL_ERR_BLOCK;
            }
            if (ret < 0) {
                return -1;
            }
            if (ret == 0) {
                return got + done;
            }
            done += ret;
        }
        got += done;
    }
    return got;
}

static gboolean tls_alert_timeout(gpointer opaque)
{
    *(bool *)opaque = true;
    return G_SOURCE_REMOVE;
}

/* A channel watch calls back with (channel, condition, data). */
static gboolean tls_alert_readable(QIOChannel *ioc, GIOCondition cond,
                                   gpointer opaque)
{
    return tls_alert_timeout(opaque);
}

/*
 * A peer that refuses us after a TLS 1.3 handshake sends an alert and
 * hangs up, so a write fails with EPIPE before any reader has seen why.
 * Give the reason instead: the alert a concurrent reader gets, or, with
 * no reader, the one we read ourselves.  Waits at most about 2 s.
 */
static void tls_write_failed(QIOChannelTLS *tioc, Error **errp)
{
    const char *alert = NULL;

    if (!errp || qcrypto_tls_session_got_data(tioc->session)) {
        return;
    }
    if (qemu_mutex_trylock(&tioc->read_lock) == 0) {
        GMainContext *ctx = g_main_context_new();
        GSource *watch = qio_channel_create_watch(tioc->master, G_IO_IN);
        GSource *timeout = g_timeout_source_new(2000);
        bool ready = false;
        char c;

        g_source_set_callback(watch, (GSourceFunc)tls_alert_readable, &ready,
                              NULL);
        g_source_set_callback(timeout, tls_alert_timeout, &ready, NULL);
        g_source_attach(watch, ctx);
        g_source_attach(timeout, ctx);
        while (!ready) {
            g_main_context_iteration(ctx, TRUE);
        }
        g_source_destroy(watch);
        g_source_destroy(timeout);
        g_source_unref(watch);
        g_source_unref(timeout);
        g_main_context_unref(ctx);
        qcrypto_tls_session_read(tioc->session, &c, 1, false, NULL);
        qemu_mutex_unlock(&tioc->read_lock);
        alert = qcrypto_tls_session_get_alert(tioc->session);
    } else {
        for (int i = 0; i < 200 && !alert; i++) {
            g_usleep(10 * 1000);
            alert = qcrypto_tls_session_get_alert(tioc->session);
        }
    }
    if (alert) {
        error_free(*errp);
        *errp = NULL;
        error_setg(errp, "%s", alert);
    }
}

/*
 * Up to one full TLS record of @iov, skipping @skip bytes, in *@len:
 * straight from the caller's memory when it is one contiguous run
 * (pages of a packet usually are), else gathered into wbuf.  Pages
 * arrive as 4 KiB iovecs: a record each would cost a system call and
 * 29 bytes of overhead per page.
 */
static const char *tls_gather(QIOChannelTLS *tioc, const struct iovec *iov,
                              size_t niov, size_t skip, size_t *len)
{
    const char *start = NULL;
    bool contiguous = true;
    size_t n = 0;

    for (size_t i = 0; i < niov && n < TLS_WBUF_SIZE; i++) {
        const char *base = iov[i].iov_base;
        size_t l = iov[i].iov_len;

        if (skip >= l) {
            skip -= l;
            continue;
        }
        l = MIN(l - skip, TLS_WBUF_SIZE - n);
        if (!start) {
            start = base + skip;
        } else if (start + n != base + skip) {
            if (contiguous) {
                memcpy(tioc->wbuf, start, n);
                contiguous = false;
            }
        }
        if (!contiguous) {
            memcpy(tioc->wbuf + n, base + skip, l);
        }
        n += l;
        skip = 0;
    }
    *len = n;
    return contiguous ? start : (const char *)tioc->wbuf;
}

static ssize_t tls_writev_records(QIOChannelTLS *tioc,
                                  const struct iovec *iov, size_t niov,
                                  Error **errp)
{
    ssize_t sent = 0;

    /*
     * After a partial send the caller retries with the rest, so the
     * same bytes are gathered again, as GnuTLS wants for a retried
     * record.
     */
    for (;;) {
        size_t n;
        const char *buf = tls_gather(tioc, iov, niov, sent, &n);
        ssize_t ret;

        if (!n) {
            return sent;
        }
        ret = qcrypto_tls_session_write(tioc->session, buf, n, errp);
        if (ret == QCRYPTO_TLS_SESSION_ERR_BLOCK) {
            return sent ? sent : QIO_CHANNEL_ERR_BLOCK;
        }
        if (ret < 0) {
            return -1;
        }
        sent += ret;
    }
}

static ssize_t qio_channel_tls_writev(QIOChannel *ioc,
                                      const struct iovec *iov, size_t niov,
                                      int *fds, size_t nfds, int flags,
                                      Error **errp)
{
    QIOChannelTLS *tioc = QIO_CHANNEL_TLS(ioc);
    ssize_t sent;

    if (nfds || flags) {
        error_setg(errp, "A TLS channel cannot pass file descriptors or "
                   "send with zero copy");
        return -1;
    }
    /* Batching waits for the master when it flushes: blocking ones only. */
    tioc->wbatch_on = qatomic_read(&tioc->blocking);
    sent = tls_writev_records(tioc, iov, niov, errp);
    if (tioc->wbatch_on) {
        tioc->wbatch_on = false;
        if (sent < 0) {
            tioc->wbatch_len = 0;   /* the channel is broken: drop it */
        } else if (tls_batch_flush(tioc, errp) < 0) {
            sent = -1;
        }
    }
    if (sent < 0 && sent != QIO_CHANNEL_ERR_BLOCK) {
        tls_write_failed(tioc, errp);
        return -1;
    }
    return sent;
}

static int qio_channel_tls_set_blocking(QIOChannel *ioc, bool enabled,
                                        Error **errp)
{
    QIOChannelTLS *tioc = QIO_CHANNEL_TLS(ioc);
    int ret = qio_channel_set_blocking(tioc->master, enabled, errp);

    qatomic_set(&tioc->blocking, ret == 0 && enabled);
    return ret;
}

static void qio_channel_tls_set_delay(QIOChannel *ioc, bool enabled)
{
    qio_channel_set_delay(QIO_CHANNEL_TLS(ioc)->master, enabled);
}

static void qio_channel_tls_set_cloexec(QIOChannel *ioc, bool enabled)
{
    qio_channel_set_cloexec(QIO_CHANNEL_TLS(ioc)->master, enabled);
}

static int qio_channel_tls_shutdown(QIOChannel *ioc, QIOChannelShutdown how,
                                    Error **errp)
{
    QIOChannelTLS *tioc = QIO_CHANNEL_TLS(ioc);

    qatomic_or(&tioc->shutdown, how);
    return qio_channel_shutdown(tioc->master, how, errp);
}

static void tls_cancel_handshake(QIOChannelTLS *tioc)
{
    if (tioc->hs_source) {
        g_source_destroy(tioc->hs_source);
        g_source_unref(tioc->hs_source);
        tioc->hs_source = NULL;
    }
}

static int qio_channel_tls_close(QIOChannel *ioc, Error **errp)
{
    QIOChannelTLS *tioc = QIO_CHANNEL_TLS(ioc);

    return qio_channel_close(tioc->master, errp);
}

static GSource *qio_channel_tls_create_watch(QIOChannel *ioc,
                                             GIOCondition condition)
{
    QIOChannelTLS *tioc = QIO_CHANNEL_TLS(ioc);

    /* Data GnuTLS or we hold is readable though the socket is drained. */
    if ((condition & G_IO_IN) && tls_has_buffered(tioc)) {
        return qio_channel_create_ready_watch(ioc, condition);
    }
    return qio_channel_create_watch(tioc->master, condition);
}

static void qio_channel_tls_finalize(Object *obj)
{
    QIOChannelTLS *tioc = QIO_CHANNEL_TLS(obj);

    tls_cancel_handshake(tioc);
    qcrypto_tls_session_free(tioc->session);
    object_unref(tioc->master);
    if (tioc->rbuf) {
        qemu_mutex_destroy(&tioc->read_lock);
    }
    g_free(tioc->rbuf);
    g_free(tioc->wbuf);
    g_free(tioc->wbatch);
}

static void qio_channel_tls_class_init(ObjectClass *klass,
                                       const void *class_data)
{
    QIOChannelClass *ioc_klass = QIO_CHANNEL_CLASS(klass);

    ioc_klass->io_writev = qio_channel_tls_writev;
    ioc_klass->io_readv = qio_channel_tls_readv;
    ioc_klass->io_set_blocking = qio_channel_tls_set_blocking;
    ioc_klass->io_set_delay = qio_channel_tls_set_delay;
    ioc_klass->io_set_cloexec = qio_channel_tls_set_cloexec;
    ioc_klass->io_close = qio_channel_tls_close;
    ioc_klass->io_shutdown = qio_channel_tls_shutdown;
    ioc_klass->io_create_watch = qio_channel_tls_create_watch;
}

static const TypeInfo qio_channel_tls_info = {
    .parent = TYPE_QIO_CHANNEL,
    .name = TYPE_QIO_CHANNEL_TLS,
    .instance_size = sizeof(QIOChannelTLS),
    .instance_finalize = qio_channel_tls_finalize,
    .class_init = qio_channel_tls_class_init,
};

static void qio_channel_tls_register_types(void)
{
    type_register_static(&qio_channel_tls_info);
}

type_init(qio_channel_tls_register_types)
