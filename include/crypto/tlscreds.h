/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TLS credentials: the abstract base of tls-creds-x509, tls-creds-psk,
 * tls-creds-anon and tls-cipher-suites.  Properties (QEMU's names and
 * defaults): dir (where the credential files are), endpoint (client,
 * the default, or server), verify-peer (default true), priority (a
 * GnuTLS priority string; default "NORMAL").  The files are read when
 * the object is completed, so a bad directory fails object-add.
 */
#ifndef CRYPTO_TLSCREDS_H
#define CRYPTO_TLSCREDS_H

#include <gnutls/gnutls.h>
#include "qom/object.h"
#include "qapi/qapi-types-crypto.h"

#define TYPE_QCRYPTO_TLS_CREDS "tls-creds"
OBJECT_DECLARE_TYPE(QCryptoTLSCreds, QCryptoTLSCredsClass, QCRYPTO_TLS_CREDS)

/* The names of the files in 'dir', as QEMU and libvirt lay them out. */
#define QCRYPTO_TLS_CREDS_DH_PARAMS "dh-params.pem"
#define QCRYPTO_TLS_CREDS_X509_CA_CERT "ca-cert.pem"
#define QCRYPTO_TLS_CREDS_X509_CA_CRL "ca-crl.pem"
#define QCRYPTO_TLS_CREDS_X509_SERVER_KEY "server-key.pem"
#define QCRYPTO_TLS_CREDS_X509_SERVER_CERT "server-cert.pem"
#define QCRYPTO_TLS_CREDS_X509_CLIENT_KEY "client-key.pem"
#define QCRYPTO_TLS_CREDS_X509_CLIENT_CERT "client-cert.pem"
#define QCRYPTO_TLS_CREDS_PSKFILE "keys.psk"

/* QEMU's built-in default priority (its configure --tls-priority). */
#define QCRYPTO_TLS_DEFAULT_PRIORITY "NORMAL"

struct QCryptoTLSCreds {
    Object parent_obj;
    char *dir;
    QCryptoTLSCredsEndpoint endpoint;
    bool verify_peer;
    char *priority;
    /* Loaded from dh-params.pem on a server, when the file exists. */
    gnutls_dh_params_t dh_params;
};

struct QCryptoTLSCredsClass {
    ObjectClass parent_class;
    /*
     * Give a new session of this endpoint its priority and credentials.
     * Mandatory for the types a session can use.
     */
    bool (*session_setup)(QCryptoTLSCreds *creds, gnutls_session_t session,
                          Error **errp);
};

/*
 * Path of @filename in the credentials' dir.  A missing file is an
 * error when @required ("Unable to access credentials PATH: ..."),
 * otherwise *@path is NULL.  No dir: "Missing 'dir' property value"
 * when @required.  Returns false on error.
 */
bool qcrypto_tls_creds_get_path(QCryptoTLSCreds *creds, const char *filename,
                                bool required, char **path, Error **errp);
/* Load @path (PKCS#3 PEM) into creds->dh_params. */
bool qcrypto_tls_creds_load_dh_params(QCryptoTLSCreds *creds,
                                      const char *path, Error **errp);
/* The priority string a session uses: priority or the default, + @extra. */
char *qcrypto_tls_creds_priority(QCryptoTLSCreds *creds, const char *extra);
/*
 * For session_setup: priority (with @extra appended) and then @cred of
 * @type, which is the client or server object for the creds' endpoint.
 */
bool qcrypto_tls_creds_set_session(QCryptoTLSCreds *creds,
                                   gnutls_session_t session,
                                   const char *extra,
                                   gnutls_credentials_type_t type,
                                   void *cred, Error **errp);
/* "Expected TLS credentials for a E endpoint" unless they are for @e. */
bool qcrypto_tls_creds_check_endpoint(QCryptoTLSCreds *creds,
                                      QCryptoTLSCredsEndpoint e,
                                      Error **errp);

#endif /* CRYPTO_TLSCREDS_H */
