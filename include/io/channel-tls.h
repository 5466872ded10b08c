/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QIOChannelTLS: a TLS session over another channel (the "master",
 * usually a socket).  Plaintext goes in and out of this channel,
 * ciphertext through the master.  Nothing but the handshake may be sent
 * until qio_channel_tls_handshake() reports success.
 *
 * The handshake is asynchronous: watches on the master, attached to a
 * GMainContext of the caller's choice, drive it, and a QIOTask callback
 * reports the outcome.  Code that runs in its own thread (a migration
 * channel thread) uses qio_channel_tls_handshake_sync(), which drives
 * the same steps in a private context.
 *
 * Blocking mode, shutdown and watches go to the master.  A reader and
 * a writer may use the channel from two threads at once.
 */
#ifndef QIO_CHANNEL_TLS_H
#define QIO_CHANNEL_TLS_H

#include "io/channel.h"
#include "io/task.h"
#include "qemu/thread.h"
#include "crypto/tlssession.h"

#define TYPE_QIO_CHANNEL_TLS "qio-channel-tls"
OBJECT_DECLARE_SIMPLE_TYPE(QIOChannelTLS, QIO_CHANNEL_TLS)

struct QIOChannelTLS {
    QIOChannel parent;
    QIOChannel *master;
    QCryptoTLSSession *session;
    /* QIOChannelShutdown bits requested so far (atomic). */
    int shutdown;
    /* The handshake's pending watch on the master, if any. */
    GSource *hs_source;
    /*
     * Ciphertext read ahead from the master, so that GnuTLS's small
     * pulls (record header, then body) cost one system call per batch.
     * Only the reading thread touches it.
     */
    uint8_t *rbuf;
    size_t rbuf_len;
    size_t rbuf_pos;
    /* A record's plaintext gathered from the writer's iovecs. */
    uint8_t *wbuf;
    /*
     * Ciphertext of the records of one write, sent at its end (only
     * while wbatch_on, which a write sets if the master is blocking).
     * Only the writing thread touches them.
     */
    uint8_t *wbatch;
    size_t wbatch_len;
    bool wbatch_on;
    /* Set by qio_channel_set_blocking() on this channel (atomic). */
    bool blocking;
    /* Held by the one reader (readv, or a writer looking for an alert). */
    QemuMutex read_lock;
};

/*
 * Server side of a session over @master (a reference is taken).  The
 * client's identity is checked with the authz object @aclname if set.
 */
QIOChannelTLS *qio_channel_tls_new_server(QIOChannel *master,
                                          QCryptoTLSCreds *creds,
                                          const char *aclname,
                                          Error **errp);
/* Client side; the server certificate must match @hostname (x509). */
QIOChannelTLS *qio_channel_tls_new_client(QIOChannel *master,
                                          QCryptoTLSCreds *creds,
                                          const char *hostname,
                                          Error **errp);

/*
 * Start the handshake; @func runs in @context (NULL: the default one)
 * when it ends, with the channel as the task's source and the reason in
 * the task's error on failure.
 */
void qio_channel_tls_handshake(QIOChannelTLS *ioc, QIOTaskFunc func,
                               gpointer opaque, GDestroyNotify destroy,
                               GMainContext *context);
/* The same, blocking the calling thread until it ends. */
bool qio_channel_tls_handshake_sync(QIOChannelTLS *ioc, Error **errp);

/*
 * Send close_notify (blocking until it is sent), so that the peer can
 * tell a finished stream from a cut connection.
 */
bool qio_channel_tls_bye(QIOChannelTLS *ioc, Error **errp);

QCryptoTLSSession *qio_channel_tls_get_session(QIOChannelTLS *ioc);

#endif /* QIO_CHANNEL_TLS_H */
