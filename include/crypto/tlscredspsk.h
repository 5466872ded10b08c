/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tls-creds-psk: pre-shared keys from 'dir'/keys.psk.  A client sends
 * 'username' (default "qemu") and its key from the file; a server
 * accepts any user in the file (and must not set 'username').
 */
#ifndef CRYPTO_TLSCREDSPSK_H
#define CRYPTO_TLSCREDSPSK_H

#include "crypto/tlscreds.h"

#define TYPE_QCRYPTO_TLS_CREDS_PSK "tls-creds-psk"
OBJECT_DECLARE_SIMPLE_TYPE(QCryptoTLSCredsPSK, QCRYPTO_TLS_CREDS_PSK)

/* The user name a client sends when 'username' is not set. */
#define QCRYPTO_TLS_CREDS_PSK_DEFAULT_USERNAME "qemu"

struct QCryptoTLSCredsPSK {
    QCryptoTLSCreds parent_obj;
    char *username;
    gnutls_psk_client_credentials_t client;
    gnutls_psk_server_credentials_t server;
};

#endif /* CRYPTO_TLSCREDSPSK_H */
