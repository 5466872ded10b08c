/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A TLS session over callbacks (see include/crypto/tlssession.h). */
#include "qemu/osdep.h"
#include <gnutls/x509.h>
#include "qapi/error.h"
#include "authz/base.h"
#include "crypto/tlscredsanon.h"
#include "crypto/tlscredspsk.h"
#include "crypto/tlscredsx509.h"
#include "crypto/tlssession.h"
#include "crypto/trace.h"

struct QCryptoTLSSession {
    QCryptoTLSCreds *creds;
    QCryptoTLSCredsEndpoint endpoint;
    gnutls_session_t handle;
    char *hostname;
    char *authzid;
    char *peername;
    bool handshake_done;
    /* A plaintext byte has arrived: later alerts are not a refusal. */
    bool got_data;

    QCryptoTLSSessionWriteFunc write_func;
    QCryptoTLSSessionReadFunc read_func;
    void *opaque;

    /* The transport's own errors (a reader and a writer may run at once). */
    Error *rerr;
    Error *werr;
    /* The transport reported end of file. */
    bool peer_eof;
    /* A handshake write failed (werr says why) and was dropped. */
    bool push_failed;
    /* Why we refused the peer during the handshake. */
    Error *verify_err;
    /* The peer's fatal alert, as reported; set once by the reader. */
    char *alert_msg;
};

static const char *peer_role(QCryptoTLSSession *session)
{
    return session->endpoint == QCRYPTO_TLS_CREDS_ENDPOINT_SERVER ? "client"
                                                                  : "server";
}

/* ------------------------------------------------------------- transport */

static ssize_t session_push(gnutls_transport_ptr_t opaque, const void *buf,
                            size_t len)
{
    QCryptoTLSSession *session = opaque;
    ssize_t ret;

    error_free(session->werr);
    session->werr = NULL;
    ret = session->write_func(buf, len, session->opaque, &session->werr);
    if (ret == QCRYPTO_TLS_SESSION_ERR_BLOCK) {
        gnutls_transport_set_errno(session->handle, EAGAIN);
        return -1;
    }
    if (ret < 0 && !session->handshake_done) {
        /*
         * A peer that refused us sends an alert and hangs up while we
         * may still be writing our flight.  Drop the bytes and go on to
         * read: the alert says why, which the write error would not.
         */
        session->push_failed = true;
        return len;
    }
    if (ret < 0) {
        gnutls_transport_set_errno(session->handle, EIO);
        return -1;
    }
    return ret;
}

static ssize_t session_pull(gnutls_transport_ptr_t opaque, void *buf,
                            size_t len)
{
    QCryptoTLSSession *session = opaque;
    ssize_t ret;

    error_free(session->rerr);
    session->rerr = NULL;
    ret = session->read_func(buf, len, session->opaque, &session->rerr);
    if (ret == QCRYPTO_TLS_SESSION_ERR_BLOCK) {
        gnutls_transport_set_errno(session->handle, EAGAIN);
        return -1;
    }
    if (ret < 0) {
        gnutls_transport_set_errno(session->handle, EIO);
        return -1;
    }
    if (ret == 0) {
        session->peer_eof = true;
    }
    return ret;
}

/* ------------------------------------------------------------ the checks */

static bool session_check_authz(QCryptoTLSSession *session, const char *kind,
                                const char *identity, Error **errp)
{
    Error *err = NULL;

    if (!session->authzid) {
        return true;
    }
    if (qauthz_is_allowed_by_id(session->authzid, identity, &err)) {
        return true;
    }
    if (err) {
        error_propagate(errp, err);
    } else {
        error_setg(errp, "TLS %s authz check for %s is denied", kind,
                   identity);
    }
    return false;
}

static bool check_peer_cert(QCryptoTLSSession *session,
                            gnutls_x509_crt_t cert, Error **errp)
{
    size_t size = 0;
    time_t now = time(NULL);
    int ret;

    if (gnutls_x509_crt_get_expiration_time(cert) < now) {
        error_setg(errp, "The certificate has expired");
        return false;
    }
    if (gnutls_x509_crt_get_activation_time(cert) > now) {
        error_setg(errp, "The certificate is not yet activated");
        return false;
    }
    gnutls_x509_crt_get_dn(cert, NULL, &size);
    g_free(session->peername);
    session->peername = g_malloc0(size + 1);
    ret = gnutls_x509_crt_get_dn(cert, session->peername, &size);
    if (ret < 0) {
        error_setg(errp, "Cannot get client distinguished name: %s",
                   gnutls_strerror(ret));
        return false;
    }
    trace_qcrypto_tls_session_peer_dn(session, session->peername);
    if (session->endpoint == QCRYPTO_TLS_CREDS_ENDPOINT_SERVER) {
        return session_check_authz(session, "x509", session->peername, errp);
    }
    if (!session->hostname) {
        error_setg(errp, "No hostname for certificate validation");
        return false;
    }
    if (!gnutls_x509_crt_check_hostname(cert, session->hostname)) {
        error_setg(errp, "Certificate does not match the hostname %s",
                   session->hostname);
        return false;
    }
    return true;
}

static bool check_certificate(QCryptoTLSSession *session, Error **errp)
{
    const gnutls_datum_t *certs;
    gnutls_x509_crt_t cert;
    unsigned int status, ncerts;
    bool ok;
    int ret;

    ret = gnutls_certificate_verify_peers2(session->handle, &status);
    if (ret < 0) {
        error_setg(errp, "Verify failed: %s", gnutls_strerror(ret));
        return false;
    }
    if (status) {
        error_setg(errp, "%s", qcrypto_tls_cert_status_reason(status));
        return false;
    }
    certs = gnutls_certificate_get_peers(session->handle, &ncerts);
    if (!certs || !ncerts) {
        error_setg(errp, "TLS handshake failed: the peer did not send a "
                   "certificate");
        return false;
    }
    /* The chain was verified above; the leaf names the peer. */
    ret = gnutls_x509_crt_init(&cert);
    if (ret < 0) {
        error_setg(errp, "Cannot initialize certificate: %s",
                   gnutls_strerror(ret));
        return false;
    }
    ret = gnutls_x509_crt_import(cert, &certs[0], GNUTLS_X509_FMT_DER);
    if (ret < 0) {
        error_setg(errp, "Cannot import certificate: %s",
                   gnutls_strerror(ret));
        gnutls_x509_crt_deinit(cert);
        return false;
    }
    ok = check_peer_cert(session, cert, errp);
    gnutls_x509_crt_deinit(cert);
    return ok;
}

/* GnuTLS calls this while handshaking, with the peer's certificates. */
static int session_verify_cb(gnutls_session_t handle)
{
    QCryptoTLSSession *session = gnutls_session_get_ptr(handle);
    bool ok;

    error_free(session->verify_err);
    session->verify_err = NULL;
    ok = check_certificate(session, &session->verify_err);
    trace_qcrypto_tls_session_check_creds(session, ok ? "pass" : "fail");
    return ok ? 0 : GNUTLS_E_CERTIFICATE_ERROR;
}

/* ----------------------------------------------------------- lifecycle */

QCryptoTLSSession *qcrypto_tls_session_new(QCryptoTLSCreds *creds,
                                           const char *hostname,
                                           const char *authzid,
                                           QCryptoTLSCredsEndpoint endpoint,
                                           Error **errp)
{
    QCryptoTLSCredsClass *cc = QCRYPTO_TLS_CREDS_GET_CLASS(creds);
    g_autoptr(QCryptoTLSSession) session = g_new0(QCryptoTLSSession, 1);
    int ret;

    trace_qcrypto_tls_session_new(session, creds, hostname ? hostname
                                                           : "<none>",
                                  authzid ? authzid : "<none>", endpoint);
    session->creds = QCRYPTO_TLS_CREDS(object_ref(creds));
    session->endpoint = endpoint;
    session->hostname = g_strdup(hostname);
    session->authzid = g_strdup(authzid);
    if (creds->endpoint != endpoint) {
        error_setg(errp, "Credentials endpoint doesn't match session");
        return NULL;
    }
    if (!cc->session_setup) {
        error_setg(errp, "Unsupported TLS credentials type %s",
                   object_get_typename(OBJECT(creds)));
        return NULL;
    }
    ret = gnutls_init(&session->handle,
                      endpoint == QCRYPTO_TLS_CREDS_ENDPOINT_SERVER ?
                      GNUTLS_SERVER : GNUTLS_CLIENT);
    if (ret < 0) {
        error_setg(errp, "Cannot initialize TLS session: %s",
                   gnutls_strerror(ret));
        return NULL;
    }
    if (!cc->session_setup(creds, session->handle, errp)) {
        return NULL;
    }
    gnutls_session_set_ptr(session->handle, session);
    if (object_dynamic_cast(OBJECT(creds), TYPE_QCRYPTO_TLS_CREDS_X509) &&
        creds->verify_peer) {
        gnutls_session_set_verify_function(session->handle,
                                           session_verify_cb);
    }
    if (hostname && endpoint == QCRYPTO_TLS_CREDS_ENDPOINT_CLIENT &&
        !g_hostname_is_ip_address(hostname)) {
        /* SNI, as any TLS client does; GnuTLS refuses IP addresses. */
        gnutls_server_name_set(session->handle, GNUTLS_NAME_DNS, hostname,
                               strlen(hostname));
    }
    gnutls_transport_set_ptr(session->handle, session);
    gnutls_transport_set_push_function(session->handle, session_push);
    gnutls_transport_set_pull_function(session->handle, session_pull);
    return g_steal_pointer(&session);
}

void qcrypto_tls_session_free(QCryptoTLSSession *session)
{
    if (!session) {
        return;
    }
    if (session->handle) {
        gnutls_deinit(session->handle);
    }
    error_free(session->rerr);
    error_free(session->werr);
    error_free(session->verify_err);
    g_free(session->hostname);
    g_free(session->authzid);
    g_free(session->peername);
    g_free(session->alert_msg);
    object_unref(session->creds);
    g_free(session);
}

void qcrypto_tls_session_set_callbacks(QCryptoTLSSession *session,
                                       QCryptoTLSSessionWriteFunc write_func,
                                       QCryptoTLSSessionReadFunc read_func,
                                       void *opaque)
{
    session->write_func = write_func;
    session->read_func = read_func;
    session->opaque = opaque;
}

/* ------------------------------------------------------------ handshake */

/* After a completed handshake: the server's PSK user check. */
static bool session_check_psk_user(QCryptoTLSSession *session, Error **errp)
{
    const char *user;

    if (session->endpoint != QCRYPTO_TLS_CREDS_ENDPOINT_SERVER ||
        !object_dynamic_cast(OBJECT(session->creds),
                             TYPE_QCRYPTO_TLS_CREDS_PSK)) {
        return true;
    }
    user = gnutls_psk_server_get_username(session->handle);
    if (!user) {
        error_setg(errp, "TLS handshake failed: the client sent no PSK "
                   "user name");
        return false;
    }
    g_free(session->peername);
    session->peername = g_strdup(user);
    return session_check_authz(session, "PSK", user, errp);
}

/* A peer that hangs up mid-handshake is most often not speaking TLS. */
#define TLS_PEER_HINT "is it set up for TLS with the same kind of credentials?"

static void handshake_error(QCryptoTLSSession *session, int ret,
                            Error **errp)
{
    const char *peer = peer_role(session);
    Error *transport = session->rerr ? session->rerr : session->werr;

    if (session->verify_err) {
        error_propagate(errp, session->verify_err);
        session->verify_err = NULL;
    } else if (ret == GNUTLS_E_FATAL_ALERT_RECEIVED) {
        error_setg(errp, "TLS handshake failed: the %s sent alert '%s'",
                   peer, gnutls_alert_get_name(gnutls_alert_get(
                                                   session->handle)));
    } else if (session->peer_eof) {
        error_setg(errp, "TLS handshake failed: the %s closed the "
                   "connection (" TLS_PEER_HINT ")", peer);
    } else if (ret == GNUTLS_E_PULL_ERROR && session->rerr) {
        error_setg(errp, "TLS handshake failed: the connection to the %s "
                   "was lost: %s (" TLS_PEER_HINT ")", peer,
                   error_get_pretty(session->rerr));
    } else if (session->push_failed && session->werr) {
        error_setg(errp, "TLS handshake failed: cannot send to the %s: %s",
                   peer, error_get_pretty(session->werr));
    } else if ((ret == GNUTLS_E_NO_CERTIFICATE_FOUND ||
                ret == GNUTLS_E_CERTIFICATE_REQUIRED) &&
               session->endpoint == QCRYPTO_TLS_CREDS_ENDPOINT_SERVER) {
        error_setg(errp, "TLS handshake failed: the peer did not send a "
                   "certificate");
    } else if (transport) {
        error_setg(errp, "TLS handshake failed: %s: %s",
                   gnutls_strerror(ret), error_get_pretty(transport));
    } else {
        error_setg(errp, "TLS handshake failed: %s", gnutls_strerror(ret));
    }
}

int qcrypto_tls_session_handshake(QCryptoTLSSession *session, Error **errp)
{
    int ret = gnutls_handshake(session->handle);

    if (ret == GNUTLS_E_INTERRUPTED || ret == GNUTLS_E_AGAIN) {
        return gnutls_record_get_direction(session->handle) ?
               QCRYPTO_TLS_HANDSHAKE_SENDING : QCRYPTO_TLS_HANDSHAKE_RECVING;
    }
    if (ret == 0) {
        Error *err = NULL;

        if (!session_check_psk_user(session, &err)) {
            /* Best effort: the client learns why from the alert. */
            gnutls_alert_send(session->handle, GNUTLS_AL_FATAL,
                              GNUTLS_A_ACCESS_DENIED);
            error_propagate(errp, err);
            return -1;
        }
        session->handshake_done = true;
        trace_qcrypto_tls_session_handshake_done(session);
        return QCRYPTO_TLS_HANDSHAKE_COMPLETE;
    }
    if (!session->peer_eof && ret != GNUTLS_E_FATAL_ALERT_RECEIVED) {
        /* Tell the peer why, unless it is gone or told us. */
        gnutls_alert_send_appropriate(session->handle, ret);
    }
    handshake_error(session, ret, errp);
    return -1;
}

bool qcrypto_tls_session_handshake_done(QCryptoTLSSession *session)
{
    return session->handshake_done;
}

/* ------------------------------------------------------------------ I/O */

ssize_t qcrypto_tls_session_read(QCryptoTLSSession *session, char *buf,
                                 size_t len, bool graceful_eof, Error **errp)
{
    ssize_t ret = gnutls_record_recv(session->handle, buf, len);

    if (ret > 0) {
        session->got_data = true;
        return ret;
    }
    if (ret == 0) {
        return 0;
    }
    if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED) {
        return QCRYPTO_TLS_SESSION_ERR_BLOCK;
    }
    if (ret == GNUTLS_E_PREMATURE_TERMINATION && graceful_eof) {
        return 0;
    }
    if (ret == GNUTLS_E_FATAL_ALERT_RECEIVED) {
        /*
         * With TLS 1.3 a client is done with the handshake before the
         * server has checked its certificate: a refusal comes here.
         */
        char *msg = g_strdup_printf(
            "%s: the %s sent alert '%s'",
            session->got_data ? "Cannot read from TLS channel"
                              : "TLS handshake failed",
            peer_role(session),
            gnutls_alert_get_name(gnutls_alert_get(session->handle)));

        error_setg(errp, "%s", msg);
        if (!g_atomic_pointer_compare_and_exchange(&session->alert_msg, NULL,
                                                   msg)) {
            g_free(msg);
        }
    } else if (session->rerr) {
        error_propagate(errp, session->rerr);
        session->rerr = NULL;
    } else {
        error_setg(errp, "Cannot read from TLS channel: %s",
                   gnutls_strerror(ret));
    }
    return -1;
}

ssize_t qcrypto_tls_session_write(QCryptoTLSSession *session,
                                  const char *buf, size_t len, Error **errp)
{
    ssize_t ret = gnutls_record_send(session->handle, buf, len);

    if (ret >= 0) {
        return ret;
    }
    if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED) {
        return QCRYPTO_TLS_SESSION_ERR_BLOCK;
    }
    if (session->werr) {
        error_propagate(errp, session->werr);
        session->werr = NULL;
    } else {
        error_setg(errp, "Cannot write to TLS channel: %s",
                   gnutls_strerror(ret));
    }
    return -1;
}

const char *qcrypto_tls_session_get_alert(QCryptoTLSSession *session)
{
    return g_atomic_pointer_get(&session->alert_msg);
}

bool qcrypto_tls_session_got_data(QCryptoTLSSession *session)
{
    return session->got_data;
}

size_t qcrypto_tls_session_check_pending(QCryptoTLSSession *session)
{
    return gnutls_record_check_pending(session->handle);
}

int qcrypto_tls_session_bye(QCryptoTLSSession *session, Error **errp)
{
    int ret;

    if (!session->handshake_done) {
        return 0;
    }
    ret = gnutls_bye(session->handle, GNUTLS_SHUT_WR);
    if (ret == 0) {
        return 0;
    }
    if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED) {
        return QCRYPTO_TLS_SESSION_ERR_BLOCK;
    }
    error_setg(errp, "TLS termination failed: %s", gnutls_strerror(ret));
    return -1;
}

char *qcrypto_tls_session_get_peer_name(QCryptoTLSSession *session)
{
    return g_strdup(session->peername);
}

char *qcrypto_tls_session_describe(QCryptoTLSSession *session)
{
    return g_strdup_printf("%s / %s",
                           gnutls_protocol_get_name(
                               gnutls_protocol_get_version(session->handle)),
                           gnutls_cipher_get_name(
                               gnutls_cipher_get(session->handle)));
}
