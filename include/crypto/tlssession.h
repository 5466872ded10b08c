/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A TLS session over a byte transport given as two callbacks: GnuTLS
 * pulls and pushes ciphertext through them, the owner (io/channel-tls.c)
 * reads and writes plaintext.  The peer is checked during the handshake
 * (x509: trust, validity, hostname, authz of the client's distinguished
 * name; PSK: authz of the client's user name), so that a refusal goes
 * to the peer as a TLS alert and both sides can say why.
 *
 * Errors name who refused: "Certificate does not match the hostname H"
 * (we refused), "TLS handshake failed: the server sent alert 'Certificate
 * is bad'" (the peer refused), "TLS handshake failed: the client closed
 * the connection" (the peer went away), never a bare I/O error.
 *
 * One thread may read while another writes.
 */
#ifndef CRYPTO_TLSSESSION_H
#define CRYPTO_TLSSESSION_H

#include "crypto/tlscreds.h"

typedef struct QCryptoTLSSession QCryptoTLSSession;

#define QCRYPTO_TLS_SESSION_ERR_BLOCK -2

/*
 * Transport callbacks: like read(2)/write(2) on the underlying channel;
 * QCRYPTO_TLS_SESSION_ERR_BLOCK when it would block, -1 with @errp set on
 * error; a read of 0 is end of file.
 */
typedef ssize_t (*QCryptoTLSSessionWriteFunc)(const char *buf, size_t len,
                                              void *opaque, Error **errp);
typedef ssize_t (*QCryptoTLSSessionReadFunc)(char *buf, size_t len,
                                             void *opaque, Error **errp);

/*
 * A session of @creds for @endpoint (which must be the creds' own).  A
 * client checks the server certificate against @hostname; a server asks
 * the authz object @authzid about the client's identity.
 */
QCryptoTLSSession *qcrypto_tls_session_new(QCryptoTLSCreds *creds,
                                           const char *hostname,
                                           const char *authzid,
                                           QCryptoTLSCredsEndpoint endpoint,
                                           Error **errp);
void qcrypto_tls_session_free(QCryptoTLSSession *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QCryptoTLSSession, qcrypto_tls_session_free)

void qcrypto_tls_session_set_callbacks(QCryptoTLSSession *session,
                                       QCryptoTLSSessionWriteFunc write_func,
                                       QCryptoTLSSessionReadFunc read_func,
                                       void *opaque);

typedef enum {
    QCRYPTO_TLS_HANDSHAKE_COMPLETE,
    QCRYPTO_TLS_HANDSHAKE_SENDING,      /* wait until writable, call again */
    QCRYPTO_TLS_HANDSHAKE_RECVING,      /* wait until readable, call again */
} QCryptoTLSSessionHandshakeStatus;

/* One step of the handshake: a status above, or -1 with @errp set. */
int qcrypto_tls_session_handshake(QCryptoTLSSession *session, Error **errp);
bool qcrypto_tls_session_handshake_done(QCryptoTLSSession *session);

/*
 * Plaintext I/O once the handshake is done: bytes, 0 at the peer's
 * close_notify (or, when @graceful_eof, at a bare end of file),
 * QCRYPTO_TLS_SESSION_ERR_BLOCK, or -1 with @errp set.
 */
ssize_t qcrypto_tls_session_read(QCryptoTLSSession *session, char *buf,
                                 size_t len, bool graceful_eof, Error **errp);
ssize_t qcrypto_tls_session_write(QCryptoTLSSession *session,
                                  const char *buf, size_t len, Error **errp);
/*
 * The message of the fatal alert a read received from the peer, or NULL:
 * any thread may ask (a writer whose write failed wants the reason).
 */
const char *qcrypto_tls_session_get_alert(QCryptoTLSSession *session);
/* Has a plaintext byte been read yet? */
bool qcrypto_tls_session_got_data(QCryptoTLSSession *session);
/* Decrypted bytes already buffered (readable without the transport). */
size_t qcrypto_tls_session_check_pending(QCryptoTLSSession *session);

/*
 * Send close_notify: 0 done, QCRYPTO_TLS_SESSION_ERR_BLOCK to retry, or
 * -1 with @errp set.  Nothing to do before the handshake is done.
 */
int qcrypto_tls_session_bye(QCryptoTLSSession *session, Error **errp);

/* The peer's identity once checked: x509 DN or PSK user name, or NULL. */
char *qcrypto_tls_session_get_peer_name(QCryptoTLSSession *session);
/* "TLS1.3 / AES-256-GCM" style description of the negotiated session. */
char *qcrypto_tls_session_describe(QCryptoTLSSession *session);

#endif /* CRYPTO_TLSSESSION_H */
