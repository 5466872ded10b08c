/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tls-creds-anon: anonymous Diffie-Hellman.  Encrypts but authenticates
 * no one; verify-peer is meaningless.  A server reads dh-params.pem from
 * 'dir' when there is one.
 */
#ifndef CRYPTO_TLSCREDSANON_H
#define CRYPTO_TLSCREDSANON_H

#include "crypto/tlscreds.h"

#define TYPE_QCRYPTO_TLS_CREDS_ANON "tls-creds-anon"
OBJECT_DECLARE_SIMPLE_TYPE(QCryptoTLSCredsAnon, QCRYPTO_TLS_CREDS_ANON)

struct QCryptoTLSCredsAnon {
    QCryptoTLSCreds parent_obj;
    gnutls_anon_client_credentials_t client;
    gnutls_anon_server_credentials_t server;
};

#endif /* CRYPTO_TLSCREDSANON_H */
